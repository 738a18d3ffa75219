"""rmsviz.panels.sphere: the notebook-03 geometry panel driven without a browser."""

import numpy as np
import pytest
from matplotlib import _pylab_helpers

from rmsviz import rms_norm
from rmsviz.experiments.sphere import RADIUS
from rmsviz.panels import SpherePanel


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
    assert "|y| = <b>1.732</b> (sqrt(3) = 1.732)" in p.readout_view.value


def test_zero_vector_draws_without_error():
    p = SpherePanel()
    p.update(x1=0.0, x2=0.0, x3=0.0)
    assert np.all(p.result.rms_norm == 0) and p.image.value


def test_hundred_moves_make_no_new_figures():
    p = SpherePanel()
    n_managers = len(_pylab_helpers.Gcf.figs)
    fig = p.figure.fig
    n_children = [len(ax.get_children()) for ax in fig.axes]
    for v in np.linspace(-3, 3, 100):
        p.controls["x3"].value = float(round(v, 2))
    assert len(_pylab_helpers.Gcf.figs) == n_managers and p.figure.fig is fig
    assert [len(ax.get_children()) for ax in fig.axes] == n_children


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        SpherePanel(x=(9, 0, 0))
    with pytest.raises(ValueError, match="limit"):
        SpherePanel(limit=1.0)  # the sphere (radius sqrt(3)) would not fit


def test_view_separates_the_circle_from_the_outline_and_x_from_its_image():
    from rmsviz.panels.sphere import VIEW

    elev, azim = np.radians(VIEW["elev"]), np.radians(VIEW["azim"])
    eye = np.array([np.cos(elev) * np.cos(azim), np.cos(elev) * np.sin(azim), np.sin(elev)])

    def angle(v):
        return np.degrees(np.arccos(abs(eye @ v) / np.linalg.norm(v)))

    # looking along (1, 1, 1) the circle would lie on the sphere's outline; along x, x and its image overlap
    assert 45 < angle(np.ones(3)) < 80
    assert angle(np.array([2.0, 1.0, 0.5])) > 45
    ax = SpherePanel().figure.ax
    assert (ax.elev, ax.azim) == (VIEW["elev"], VIEW["azim"])


def test_x_has_its_own_colour_and_the_legend_is_readable():
    fig = SpherePanel().figure
    assert fig.point.get_color() != fig.rms_point.get_color()
    legend = fig.fig.legends[0]
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 10


def test_x_on_the_diagonal_puts_layernorm_at_the_origin():
    p = SpherePanel()
    p.update(x1=1.0, x2=1.0, x3=1.0)  # x - mean(x) = 0: LayerNorm is 0 / sqrt(0 + eps) = 0
    np.testing.assert_array_equal(p.result.layer_norm, np.zeros(3))
    z = np.array([c[0] for c in p.figure.ln_point.get_data_3d()])
    np.testing.assert_array_equal(z, np.zeros(3))
    assert "|z| = <b>0.000</b>" in p.readout_view.value
