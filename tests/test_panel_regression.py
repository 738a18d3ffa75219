"""rmsviz.panels.regression: the notebook-04 regression panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.experiments import regression
from rmsviz.panels import RegressionPanel


def test_regression_lr_changes_the_lines():
    panel = RegressionPanel()
    raw = panel.figure.lines["loss", "raw"]
    panel.update(lr=1e-5)
    converging = np.array(raw.get_ydata())
    assert "converges" in panel.readout_view.value
    panel.controls["lr"].value = 1e-2  # a control move redraws by itself
    diverging = np.array(raw.get_ydata())
    assert diverging.size < converging.size or diverging[-1] > converging[-1]
    assert "diverges" in panel.readout_view.value
    panel.update(steps=20, lr=1e-5)
    assert raw.get_xdata()[-1] == 20
    assert panel.figure.axes[0].get_xlim() == (0, 20)  # the axis follows the steps control
    panel.update(show="scaled")
    assert not raw.get_visible() and panel.figure.lines["loss", "scaled"].get_visible()
    assert [r.feature for r in panel.result.runs] == ["scaled"]


def test_readout_and_lines_come_from_the_experiment():
    panel = RegressionPanel(lr=0.5, steps=50)
    expected = regression.compare_features(0.5, 50)
    for mine, theirs in zip(panel.result.runs, expected.runs):
        np.testing.assert_array_equal(mine.run.losses, theirs.run.losses)
    scaled = panel.figure.lines["loss", "scaled"]
    np.testing.assert_allclose(scaled.get_ydata(), np.clip(expected.runs[1].run.losses, 1e-4, 1e9))
    assert "grams / RMS(grams): lr × C = 1 (largest stable lr = 2 / C = 1): <b>converges" \
        in panel.readout_view.value


def test_the_step_where_a_run_leaves_the_plot_is_marked():
    panel = RegressionPanel(lr=0.1, steps=10)
    mark, label = panel.figure.exits["raw"]
    run = panel.result.runs[0].run
    step = int(np.flatnonzero(run.losses > 1e8)[0])
    assert mark.get_visible() and list(mark.get_xdata()) == [step]
    assert label.get_text() == f"loss > 1e8 at step {step}"
    assert not panel.figure.exits["scaled"][0].get_visible()
    assert "diverges: the loss passes 1e30 at step 4" in panel.readout_view.value


def test_lr_equal_to_two_over_c_oscillates():
    panel = RegressionPanel(lr=1.0, steps=100, show="scaled")
    assert "oscillates" in panel.readout_view.value and "1.3557" in panel.readout_view.value


def test_the_x_axis_keeps_one_background_per_range(monkeypatch):
    panel = RegressionPanel()
    canvas = panel.figure.fig.canvas
    full = []
    draw = canvas.draw
    monkeypatch.setattr(canvas, "draw", lambda *a, **k: (full.append(1), draw(*a, **k)))
    for steps in (10, 100, 9, 90, 10, 100):
        panel.update(steps=steps)
    assert len(full) == 1  # only the 0..10 axis is new: 0..100 was drawn when the panel was built
    assert panel.figure.axes[1].get_xlim() == (0, 100)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="steps must be between 1 and 200"):
        RegressionPanel(steps=500)
    with pytest.raises(ValueError, match="lr must be between"):
        RegressionPanel(lr=100.0)
    with pytest.raises(ValueError, match="show"):
        RegressionPanel(show="neither")
