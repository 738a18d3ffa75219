"""rmsviz.panels.partial: the notebook-05 pRMSNorm panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.panels import PartialPanel


def test_partial_panel_spread_grows_as_p_falls():
    panel = PartialPanel()
    assert panel.result.k == 32
    spread = panel.result.spread
    heights = panel.figure.hist.get_data().values.copy()
    panel.update(p=2.0**-6)
    assert panel.result.k == 8 and panel.result.spread > spread
    assert not np.array_equal(panel.figure.hist.get_data().values, heights)
    assert panel.figure.hist.get_data().values.max() == 1.0  # peak = 1
    assert panel.figure.p_line.get_xdata()[0] == pytest.approx(2.0**-6)
    panel.update(p=0.3)  # off the precomputed grid
    assert panel.result.k == 154
    panel.update(p=1.0)
    assert panel.result.spread == pytest.approx(0.0, abs=1e-12)
    assert "k = 512 of 512 features" in panel.readout_view.value


def test_histogram_axis_and_legend_say_what_they_show():
    panel = PartialPanel()
    ax_h = panel.figure.axes[0]
    assert ax_h.get_ylabel() == "vectors per bin (tallest bin = 1)"
    labels = [t.get_text() for t in ax_h.get_legend().get_texts()]
    assert labels == ["one ratio per vector", "mean = 1 + estimate bias", "mean ± spread (1 std)"]
    # the band is mean ± spread
    low, width = panel.figure.band.get_x(), panel.figure.band.get_width()
    r = panel.result
    assert low == pytest.approx(1 + r.bias - r.spread) and width == pytest.approx(2 * r.spread)
    assert "formula √(1/(2k) − 1/(2n)) = 0.1210" in panel.readout_view.value


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"p must be between 0.0078125 and 1, got 2"):
        PartialPanel(p=2)  # it used to become 1 without a word
