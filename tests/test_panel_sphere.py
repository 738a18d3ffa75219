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
