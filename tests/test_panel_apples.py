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
    np.testing.assert_allclose(heights(fig.rms_bars), rms_norm(w, eps=0))
    png = p.image.value
    p.update(w1=400.0)
    w[0] = 400.0
    np.testing.assert_allclose(heights(fig.in_bars), w)
    np.testing.assert_allclose(heights(fig.rms_bars), rms_norm(w, eps=0))
    np.testing.assert_allclose(heights(fig.ln_bars), layer_norm(w, eps=0))
    np.testing.assert_allclose(p.result.rms_norm, rms_norm(w, eps=0))
    assert p.image.value != png


def test_unit_switch_changes_labels_not_outputs():
    p = ApplesPanel()
    fig = p.figure
    w = np.array([200.0, 300.0, 150.0, 250.0])
    before_rms, before_ln, readout_g = heights(fig.rms_bars), heights(fig.ln_bars), p.readout_view.value
    ylim = fig.axes[0].get_ylim()
    p.controls["unit"].value = "kg"  # as a click would
    assert p.result.unit == "kg" and fig.axes[0].get_title() == "apple weights in kg"
    np.testing.assert_allclose(p.result.weights, w / 1000)
    np.testing.assert_allclose(heights(fig.in_bars), w)         # the axis stays in grams...
    assert fig.axes[0].get_ylim() == ylim
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "0.2" in labels and "200" not in labels               # ...its labels are in kg
    # eps = 0: not one digit of either output changes with the unit (review 2, item 12)
    np.testing.assert_allclose(heights(fig.rms_bars), before_rms, rtol=1e-12)
    np.testing.assert_allclose(heights(fig.ln_bars), before_ln, rtol=1e-12)
    assert "1.342" in p.readout_view.value and "0.2, 0.3, 0.15, 0.25] kg" in p.readout_view.value
    assert readout_g.split("<br>")[1:] == p.readout_view.value.split("<br>")[1:]


def test_unit_switch_reuses_a_cached_background():
    """After one round trip, switching the unit only restores a cached background (no full redraw)."""
    p = ApplesPanel()
    fig = p.figure
    p.controls["unit"].value = "kg"
    p.controls["unit"].value = "g"
    draws = []
    original = fig.fig.canvas.draw
    fig.fig.canvas.draw = lambda *a, **k: (draws.append(1), original(*a, **k))
    try:
        png_g = p.image.value
        p.controls["unit"].value = "kg"
        png_kg = p.image.value
        p.controls["unit"].value = "g"
    finally:
        fig.fig.canvas.draw = original
    assert draws == []
    assert png_kg != png_g and p.image.value == png_g


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
    with pytest.raises(ValueError, match="unit"):
        ApplesPanel().figure.set_unit("lb")
