"""PrecisionPanel: input magnitude and way of computing; the float16 overflow at 256 (notebook 05)."""

from __future__ import annotations

import ipywidgets as widgets

from rmsviz.figures.float16_overflow import MODES, PrecisionFigure
from rmsviz.panels.base import Panel


class PrecisionPanel(Panel):
    """Grow the input past |x| = 256 and watch the naive float16 RMSNorm collapse to zero."""

    title = "float16 overflow"

    def __init__(self, magnitude: float = 64.0, mode: str = "float16_naive"):
        controls = {
            "magnitude": widgets.FloatLogSlider(value=magnitude, base=2, min=0, max=12, step=0.125,
                                                description="largest |x|", readout_format=".4g",
                                                layout=widgets.Layout(width="360px")),
            "mode": widgets.ToggleButtons(options=[(label, key) for key, label in MODES.items()],
                                          value=mode, description=""),
        }
        super().__init__(PrecisionFigure(), controls)

    def draw(self, magnitude, mode) -> str:
        s = self.figure.update(magnitude, mode)
        self.last = s
        return (f"largest |x| = {magnitude:.4g}, {MODES[mode]}: output RMS = <b>{s['out_rms']:.4f}</b>, "
                f"max error vs float64 = {s['max_error']:.2e} (float16 x² overflows from "
                f"{self.figure.threshold:g})")

    def __repr__(self) -> str:
        v = self.values
        return f"<{self.title} panel: largest |x| {v['magnitude']:.4g}, {v['mode']}>"
