"""rmsviz.panels.deep_stack: the notebook-04 deep-stack panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.experiments import deep_stack
from rmsviz.panels import DeepStackPanel


def test_deep_stack_histograms_change_in_place():
    panel = DeepStackPanel()
    stairs = panel.figure.stairs["act", 1, 0]
    before = stairs.get_data().values.copy()
    panel.update(scale=3.0)
    assert not np.allclose(before, stairs.get_data().values)
    assert panel.figure.stairs["act", 1, 0] is stairs
    panel.update(depth=3)
    assert not panel.figure.stairs["act", 1, 5].get_visible()
    assert panel.readout_view.value.count("layer  3") == 2 and "layer  4" not in panel.readout_view.value
    panel.update(norm="layernorm", residual=True)
    assert "LayerNorm + residual" in panel.readout_view.value
    assert panel.figure.titles[1][0].get_text() == "LayerNorm + residual: activations"


def test_the_panel_prints_what_the_notebook_prints():
    """Notebook 04's table and the panel run the same stack (same call, same width and batch)."""
    panel = DeepStackPanel(depth=8, scale=0.5, norm="rmsnorm")
    run = deep_stack.run_stack(depth=8, scale=0.5, norm="rmsnorm")
    assert panel.result.chosen.loss == run.loss
    for line in deep_stack.layer_lines(run):
        assert line in panel.readout_view.value


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="depth must be between 1 and 12"):
        DeepStackPanel(depth=20)
    with pytest.raises(ValueError, match="norm must be one of"):
        DeepStackPanel(norm="batchnorm")
    with pytest.raises(ValueError, match="scale"):
        DeepStackPanel(scale=0.0)
