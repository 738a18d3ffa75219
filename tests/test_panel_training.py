"""rmsviz.panels.training: the notebook-06 training panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.experiments import training
from rmsviz.panels import TrainingPanel


def test_controls_update_the_figure_in_place():
    panel = TrainingPanel(lr=0.25, depth=2, norm="rmsnorm")
    figure, curve = panel.figure, panel.figure.curves["rmsnorm"]
    before = curve.get_ydata().copy()
    panel.update(lr=0.0625)
    assert panel.figure is figure and panel.figure.curves["rmsnorm"] is curve
    assert not np.allclose(before, curve.get_ydata(), equal_nan=True)
    assert panel.result.lr == 0.0625
    assert list(panel.figure.chosen_lr.get_xdata()) == [0.0625, 0.0625]
    panel.update(depth=1)
    assert panel.result.depth == 1 and "depth 1, learning rate 0.0625" in panel.readout_view.value
    panel.update(norm="none")
    assert panel.figure.halo_curve.get_color() == panel.figure.curves["none"].get_color()
    np.testing.assert_array_equal(panel.figure.halo_curve.get_ydata(), panel.figure.curves["none"].get_ydata())
    assert panel.redraws == 4


def test_no_new_figure_or_artist_per_move():
    panel = TrainingPanel(depth=1)
    artists = len(panel.figure.fig.findobj())
    for lr in (0.015625, 0.5, 1.0, 0.125):
        panel.controls["lr"].value = lr
    panel.controls["norm"].value = "layernorm"
    assert len(panel.figure.fig.findobj()) == artists


def test_a_diverged_run_is_marked_at_the_ceiling():
    panel = TrainingPanel(lr=1.0, depth=1, norm="none")
    run, k = panel.result.run, panel.result.index
    stop = run.diverged_at[k]
    assert stop >= 0
    xs, ys = panel.figure.stops["none"].get_data()
    assert list(xs) == [stop] and ys[0] == pytest.approx(training.DIVERGED * training.initial_loss())
    crosses = panel.figure.crosses["none"].get_data()[0]
    assert 1.0 in list(crosses)
    assert "diverged at step" in panel.readout_view.value


def test_readout_gives_the_verdict_and_the_largest_stable_learning_rates():
    panel = TrainingPanel(lr=0.25, depth=1, norm="layernorm")
    run = training.train("layernorm", 1)
    k = int(np.flatnonzero(training.LR_GRID == 0.25)[0])
    text = panel.readout_view.value
    assert f"{run.final_losses[k]:.3g} at the end" in text and "stable" in text
    for norm, label in (("none", "no norm"), ("layernorm", "LayerNorm"), ("rmsnorm", "RMSNorm")):
        assert f"{label} {training.train(norm, 1).largest_stable_lr:g}" in text
    assert repr(panel) == ("<training with and without the norm panel: learning rate = 0.25, depth = 1, "
                           "norm = layernorm>")


def test_an_off_grid_value_snaps_to_the_nearest_grid_point():
    panel = TrainingPanel(depth=1)
    panel.controls["lr"].value = 0.3  # a browser sends grid points; code may send anything
    assert panel.result.lr == 0.25


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="between 0.015625 and 1"):
        TrainingPanel(lr=4.0)
    with pytest.raises(ValueError, match="depth must be between 1 and 8"):
        TrainingPanel(depth=9)
    with pytest.raises(ValueError, match="norm must be one of"):
        TrainingPanel(norm="batchnorm")
