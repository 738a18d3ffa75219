"""EpsPanel: input scale and eps on log sliders, eps inside or outside the root (notebook 05)."""

from __future__ import annotations

import ipywidgets as widgets

from rmsviz.figures.eps_takeover import EpsFigure
from rmsviz.panels.base import Panel


class EpsPanel(Panel):
    """Slide the input RMS over 14 decades and eps over 11: see where eps takes over."""

    title = "eps: where it takes over"

    def __init__(self, scale: float = 1e-2, eps: float = 1e-6, where: str = "inside"):
        controls = {
            "scale": widgets.FloatLogSlider(value=scale, base=10, min=-10, max=4, step=0.25,
                                            description="input RMS", readout_format=".1e",
                                            layout=widgets.Layout(width="340px")),
            "eps": widgets.FloatLogSlider(value=eps, base=10, min=-12, max=-1, step=0.5,
                                          description="eps", readout_format=".0e",
                                          layout=widgets.Layout(width="320px")),
            "where": widgets.ToggleButtons(options=[("eps inside the root", "inside"),
                                                    ("eps outside the root", "outside")],
                                           value=where, description=""),
        }
        super().__init__(EpsFigure(), controls)

    def draw(self, scale, eps, where) -> str:
        s = self.figure.update(scale, eps, where)
        self.last = s
        state = "normalised" if s["out_rms"] > 0.99 else "eps has taken over"
        return (f"input RMS = {scale:.1e}, eps = {eps:.0e} ({where} the root): output RMS = "
                f"<b>{s['out_rms']:.4f}</b> ({state}); eps takes over near input RMS "
                f"{s['takeover']:.1e}")

    def __repr__(self) -> str:
        v = self.values
        return f"<{self.title} panel: input RMS {v['scale']:.1e}, eps {v['eps']:.0e}, {v['where']}>"
