"""rmsviz.panels.apples: the notebook-02 panel; controls change the figure's artists, no new figures."""

import numpy as np
import pytest
from matplotlib import _pylab_helpers

from rmsviz import layer_norm, rms_norm
from rmsviz.panels import ApplesPanel


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
    np.testing.assert_allclose(p.result.rms_norm, rms_norm(w))
    assert p.image.value != png
    before = heights(fig.rms_bars)
    p.controls["unit"].value = "kg"  # as a click would
    np.testing.assert_allclose(heights(fig.in_bars), w / 1000)
    np.testing.assert_allclose(heights(fig.rms_bars), before, rtol=1e-4)  # eps=1e-6 aside
    assert fig.axes[0].get_ylim()[1] == pytest.approx(0.56)
    assert p.result.unit == "kg" and fig.axes[0].get_title() == "apple weights in kg"


def test_hundred_moves_make_no_new_figures():
    p = ApplesPanel()
    n_managers = len(_pylab_helpers.Gcf.figs)
    fig = p.figure.fig
    n_children = len(fig.get_children())
    n_axes_children = [len(ax.get_children()) for ax in fig.axes]
    redraws = p.redraws
    for v in np.linspace(20, 480, 100):
        p.controls["w2"].value = float(round(v, 2))
    assert p.redraws > redraws
    assert len(_pylab_helpers.Gcf.figs) == n_managers
    assert p.figure.fig is fig
    assert len(fig.get_children()) == n_children
    assert [len(ax.get_children()) for ax in fig.axes] == n_axes_children


def test_repr_is_stable_and_bundle_has_png():
    p = ApplesPanel()
    bundle = p._repr_mimebundle_()
    assert bundle["image/png"]
    assert bundle["text/plain"] == ("<Apples: RMSNorm and LayerNorm panel: weights = [200.0, 300.0, 150.0, "
                                    "250.0] g, unit = g>")


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        ApplesPanel(weights_g=(1, 2, 3))
    with pytest.raises(ValueError, match="between 10 and 500"):
        ApplesPanel(weights_g=[0] * 4)  # the sliders start at 10 g: no silent clamping
    with pytest.raises(ValueError, match="between 10 and 200"):
        ApplesPanel(weights_g=[100, 150, 200, 250], max_grams=200)
