"""rmsviz.panels.eps: the notebook-05 eps panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.panels import EpsPanel


def test_eps_panel_controls_change_the_figure():
    panel = EpsPanel()
    curve = panel.figure.rms_curve.get_ydata().copy()
    png = panel.image.value
    panel.update(eps=1e-2)
    assert not np.allclose(panel.figure.rms_curve.get_ydata(), curve)
    assert panel.figure.rms_take.get_xdata()[0] == pytest.approx(0.1)
    assert panel.image.value != png
    panel.controls["where"].value = "outside"
    assert panel.figure.rms_take.get_xdata()[0] == pytest.approx(1e-2)
    panel.update(scale=1e3)
    assert panel.result.out_rms == pytest.approx(1.0, abs=1e-4)
    panel.update(scale=1e-8)
    assert panel.result.out_rms < 1e-5
    assert "(eps dominates)" in panel.readout_view.value
    assert repr(panel) == "<eps: where it dominates panel: input RMS 1.00e-08, eps 1.00e-02, outside>"


def test_readout_shows_the_slider_value_that_is_really_used():
    # a log slider at 10**-4.5 holds 3.16e-05, whose square root is 5.62e-03: both are shown so
    panel = EpsPanel(eps=10**-4.5)
    text = panel.readout_view.value
    assert "eps = 3.16e-05" in text and "below input RMS 5.62e-03" in text
    assert panel.controls["eps"].readout_format == ".2e"
    panel.update(scale=10**-2.25, eps=1e-6)  # output RMS 0.99 < 1: eps matters, not dominating
    assert "does not dominate yet" in panel.readout_view.value


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"eps must be between 1e-12 and 0.1, got 0"):
        EpsPanel(eps=0)  # it used to become 1e-12 without a word
    with pytest.raises(ValueError, match="where"):
        EpsPanel(where="beside")
