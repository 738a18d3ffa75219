"""rmsviz.panels.deep_stack: the notebook-04 deep-stack panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.experiments import deep_stack
from rmsviz.panels import DeepStackPanel


def test_deep_stack_histograms_change_in_place():
    panel = DeepStackPanel()
    lines = panel.figure.lines["act", 1]
    before = [seg.copy() for seg in lines.get_segments()]
    panel.update(scale=3.0)
    assert not np.allclose(before[0], lines.get_segments()[0])
    assert panel.figure.lines["act", 1] is lines
    panel.update(depth=3)
    assert len(lines.get_segments()) == 3 and len(panel.figure.lines["weight", 0].get_segments()) == 3
    assert panel.readout_view.value.count("layer  3") == 2 and "layer  4" not in panel.readout_view.value
    panel.update(norm="layernorm", residual=True)
    assert "LayerNorm + residual" in panel.readout_view.value
    assert [h.get_text() for h in panel.figure.headings] == ["no norm + residual", "LayerNorm + residual"]


def test_the_weight_gradient_histograms_show_the_level_the_norm_sets():
    """At init scale 0.5 the no-norm dL/dW sits about 150x (two decades) left of RMSNorm's."""
    panel = DeepStackPanel()
    edges = np.linspace(-10, 0, 41)
    centres = (edges[:-1] + edges[1:]) / 2
    peaks = []
    for row in range(2):
        heights = np.array([seg[::2, 1] for seg in panel.figure.lines["weight", row].get_segments()])
        peaks.append(centres[heights.mean(axis=0).argmax()])
    assert 1.5 <= peaks[1] - peaks[0] <= 2.75


def test_a_toggle_redraws_the_whole_figure_only_the_first_time(monkeypatch):
    panel = DeepStackPanel()
    canvas = panel.figure.fig.canvas
    full = []
    draw = canvas.draw
    monkeypatch.setattr(canvas, "draw", lambda *a, **k: (full.append(1), draw(*a, **k)))
    first = panel.image.value
    for norm in ("layernorm", "rmsnorm", "layernorm", "rmsnorm"):
        panel.update(norm=norm)
    assert len(full) == 1  # LayerNorm's heading drawn once; RMSNorm's background was kept
    assert panel.image.value == first
    panel.update(residual=True)
    panel.update(residual=False)
    panel.update(residual=True)
    assert len(full) == 2


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
