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
    assert "eps has taken over" in panel.readout_view.value
    assert repr(panel) == "<eps: where it takes over panel: input RMS 1.0e-08, eps 1e-02, outside>"


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"eps must be between 1e-12 and 0.1, got 0"):
        EpsPanel(eps=0)  # it used to become 1e-12 without a word
    with pytest.raises(ValueError, match="where"):
        EpsPanel(where="beside")
