"""rmsviz.panels.shift_scale: the notebook-03 shift and scale panel driven without a browser."""

import numpy as np
import pytest
from matplotlib import _pylab_helpers

from rmsviz import layer_norm, rms_norm
from rmsviz.panels import ShiftScalePanel


def heights(bars):
    return np.array([b.get_height() for b in bars])


def test_shift_scale_panel_follows_the_sliders():
    p = ShiftScalePanel()
    fig = p.figure
    x0 = p.x0
    p.update(scale=2.0, shift=1.5)
    np.testing.assert_allclose(heights(fig.bars[0]), 2 * x0 + 1.5)
    np.testing.assert_allclose(heights(fig.bars[1]), rms_norm(2 * x0 + 1.5))
    np.testing.assert_allclose(heights(fig.bars[2]), layer_norm(x0), atol=1e-6)
    assert fig.mean_lines[1].get_ydata()[0] == pytest.approx(np.mean(rms_norm(2 * x0 + 1.5)))
    assert "LayerNorm output: mean <b>0.000</b>" in p.readout_view.value
    assert p.result.a == 2.0 and p.result.b == 1.5
    p.update(sign="−")
    np.testing.assert_allclose(heights(fig.bars[0]), -2 * x0 + 1.5)
    np.testing.assert_allclose(heights(fig.bars[2]), layer_norm(-x0), atol=1e-6)
    assert repr(p) == "<Shift and scale: RMSNorm vs LayerNorm panel: a = -2.00, s = 1.50>"


def test_hundred_moves_make_no_new_figures():
    p = ShiftScalePanel()
    n_managers = len(_pylab_helpers.Gcf.figs)
    fig = p.figure.fig
    n_axes_children = [len(ax.get_children()) for ax in fig.axes]
    for v in np.linspace(-5, 5, 100):
        p.controls["shift"].value = float(round(v, 2))
    assert len(_pylab_helpers.Gcf.figs) == n_managers and p.figure.fig is fig
    assert [len(ax.get_children()) for ax in fig.axes] == n_axes_children


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        ShiftScalePanel(x0=(1.0,))
    with pytest.raises(ValueError, match="max_scale"):
        ShiftScalePanel(max_scale=0.5)  # the scale slider starts at 1
