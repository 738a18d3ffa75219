"""DeepStackPanel: depth, init scale, norm and residual switch for a deep tanh stack (notebook 04)."""

from __future__ import annotations

import html

import ipywidgets as widgets

from rmsviz.figures.deep_stack import MAX_DEPTH, NORM_NAMES, DeepStackFigure
from rmsviz.panels.base import Panel


class DeepStackPanel(Panel):
    """Histograms per layer of a (norm -> linear -> tanh) stack: no norm (left) vs the chosen norm."""

    title = "deep stack"

    def __init__(self, depth: int = 8, scale: float = 0.5, norm: str = "rmsnorm", residual: bool = False):
        if norm not in NORM_NAMES:
            raise ValueError(f"norm must be one of {sorted(NORM_NAMES)}, got {norm!r}")
        controls = {
            "depth": widgets.IntSlider(value=depth, min=1, max=MAX_DEPTH, description="depth L",
                                       layout=widgets.Layout(width="280px")),
            "scale": widgets.FloatLogSlider(value=scale, base=10, min=-1, max=1, step=0.02,
                                            description="init scale", readout_format=".2f",
                                            layout=widgets.Layout(width="300px")),
            "norm": widgets.Dropdown(options=[(label, key) for key, label in NORM_NAMES.items()],
                                     value=norm, description="norm", layout=widgets.Layout(width="200px")),
            "residual": widgets.Checkbox(value=residual, description="residual"),
        }
        super().__init__(DeepStackFigure(), controls)

    def draw(self, depth, scale, norm, residual) -> str:
        runs = self.figure.update(depth, scale, norm, residual)
        parts = []
        for key, name in (("none", "none"), ("chosen", norm)):
            label = NORM_NAMES[name] + (" + residual" if residual else "")
            parts.append(f"{label} (loss {runs[key].loss:.4f})\n" + "\n".join(self.figure.layer_lines(runs[key])))
        return "<pre style='font-size: 11px; line-height: 1.25'>" + html.escape("\n\n".join(parts)) + "</pre>"

    def __repr__(self) -> str:
        v = self.values
        return (f"<{self.title} panel: depth = {v['depth']}, scale = {v['scale']:.2f}, norm = {v['norm']}, "
                f"residual = {v['residual']}>")
