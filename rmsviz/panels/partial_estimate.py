"""PartialPanel: the p slider of pRMSNorm; estimate bias, spread and output error (notebook 05)."""

from __future__ import annotations

import ipywidgets as widgets

from rmsviz.figures.partial_estimate import PartialFigure
from rmsviz.panels.base import Panel


class PartialPanel(Panel):
    """Use fewer features for the RMS and watch the estimate spread out."""

    title = "pRMSNorm estimate"

    def __init__(self, p: float = 0.0625):
        controls = {
            "p": widgets.FloatLogSlider(value=p, base=2, min=-7, max=0, step=0.5, description="p",
                                        readout_format=".4f", layout=widgets.Layout(width="360px")),
        }
        super().__init__(PartialFigure(), controls)

    def draw(self, p) -> str:
        s = self.figure.update(p)
        self.last = s
        return (f"p = {p:.4f}: k = {s['k']} of {self.figure.n} features; estimate/true RMS: "
                f"bias = {s['bias']:+.4f}, spread = <b>{s['spread']:.4f}</b>; "
                f"median output error = {s['error_median']:.4f}")

    def __repr__(self) -> str:
        return f"<{self.title} panel: p = {self.values['p']:.4f}>"
