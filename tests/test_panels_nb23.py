"""The panels of notebooks 02 and 03: controls change the figure's artists; no new figures."""

import matplotlib
import numpy as np
import pytest
from matplotlib import _pylab_helpers

from rmsviz import layer_norm, rms_norm
from rmsviz.panels.apples import ApplesPanel
from rmsviz.panels.shift_scale import ShiftScalePanel
from rmsviz.panels.sphere import RADIUS, SpherePanel


def heights(bars):
    return np.array([b.get_height() for b in bars])


def test_apples_panel_follows_the_sliders():
    p = ApplesPanel()
    fig = p.figure
    w = np.array([200.0, 300.0, 150.0, 250.0])
    np.testing.assert_allclose(heights(fig.rms_bars), rms_norm(w))
    png = p.image.value
    p.update(w1=400.0)
    w[0] = 400.0
    np.testing.assert_allclose(heights(fig.in_bars), w)
    np.testing.assert_allclose(heights(fig.rms_bars), rms_norm(w))
    np.testing.assert_allclose(heights(fig.ln_bars), layer_norm(w))
    assert p.image.value != png
    before = heights(fig.rms_bars)
    p.controls["unit"].value = "kg"  # as a click would
    np.testing.assert_allclose(heights(fig.in_bars), w / 1000)
    np.testing.assert_allclose(heights(fig.rms_bars), before, rtol=1e-4)  # eps=1e-6 aside
    assert fig.axes[0].get_ylim()[1] == pytest.approx(0.56)


def test_shift_scale_panel_follows_the_sliders():
    p = ShiftScalePanel()
    fig = p.figure
    x0 = fig.x0
    p.update(scale=2.0, shift=1.5)
    np.testing.assert_allclose(heights(fig.bars[0]), 2 * x0 + 1.5)
    np.testing.assert_allclose(heights(fig.bars[1]), rms_norm(2 * x0 + 1.5))
    np.testing.assert_allclose(heights(fig.bars[2]), layer_norm(x0), atol=1e-6)
    assert fig.mean_lines[1].get_ydata()[0] == pytest.approx(np.mean(rms_norm(2 * x0 + 1.5)))
    assert "LayerNorm output: mean <b>0.000</b>" in p.readout.value
    p.update(sign="−")
    np.testing.assert_allclose(heights(fig.bars[0]), -2 * x0 + 1.5)
    np.testing.assert_allclose(heights(fig.bars[2]), layer_norm(-x0), atol=1e-6)


def test_sphere_panel_follows_the_sliders():
    p = SpherePanel()
    fig = p.figure
    p.update(x1=-1.0, x2=2.5, x3=0.5)
    x = np.array([-1.0, 2.5, 0.5])
    xs, ys, zs = fig.point.get_data_3d()
    np.testing.assert_allclose([xs[0], ys[0], zs[0]], x)
    y = np.array([c[0] for c in fig.rms_point.get_data_3d()])
    z = np.array([c[0] for c in fig.ln_point.get_data_3d()])
    np.testing.assert_allclose(y, rms_norm(x))
    assert np.linalg.norm(y) == pytest.approx(RADIUS, rel=1e-6)
    assert np.linalg.norm(z) == pytest.approx(RADIUS, rel=1e-6)
    assert np.sum(z) == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("make, control, values", [
    (ApplesPanel, "w2", np.linspace(20, 480, 100)),
    (ShiftScalePanel, "shift", np.linspace(-5, 5, 100)),
    (SpherePanel, "x3", np.linspace(-3, 3, 100)),
])
def test_hundred_moves_make_no_new_figures(make, control, values):
    p = make()
    n_managers = len(_pylab_helpers.Gcf.figs)
    fig = p.figure.fig
    n_children = len(fig.get_children())
    n_axes_children = [len(ax.get_children()) for ax in fig.axes]
    redraws = p.redraws
    for v in values:
        p.controls[control].value = float(round(v, 2))
    assert p.redraws > redraws
    assert len(_pylab_helpers.Gcf.figs) == n_managers
    assert p.figure.fig is fig
    assert len(fig.get_children()) == n_children
    assert [len(ax.get_children()) for ax in fig.axes] == n_axes_children
    assert matplotlib.get_backend()  # no pyplot needed


@pytest.mark.parametrize("make", [ApplesPanel, ShiftScalePanel, SpherePanel])
def test_repr_is_stable_and_bundle_has_png(make):
    p = make()
    bundle = p._repr_mimebundle_()
    assert bundle["image/png"] and "0x" not in bundle["text/plain"]


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        ApplesPanel(weights_g=(1, 2, 3))
    with pytest.raises(ValueError):
        SpherePanel(x=(9, 0, 0))
    with pytest.raises(ValueError):
        ShiftScalePanel(x0=(1.0,))
