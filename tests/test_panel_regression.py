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
    assert "grams / RMS(grams): lr × curvature = 1 (largest stable lr = 2 / curvature = 1)" \
        in panel.readout_view.value


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="steps must be between 1 and 200"):
        RegressionPanel(steps=500)
    with pytest.raises(ValueError, match="lr must be between"):
        RegressionPanel(lr=100.0)
    with pytest.raises(ValueError, match="show"):
        RegressionPanel(show="neither")
