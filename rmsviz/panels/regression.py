"""RegressionPanel: learning rate, steps and feature scaling for the apple regression (notebook 04)."""

from __future__ import annotations

import ipywidgets as widgets

from rmsviz.figures.regression import LABELS, SERIES, RegressionFigure
from rmsviz.panels.base import Panel

SHOW = {"both": SERIES, "raw": ("raw",), "scaled": ("scaled",)}


class RegressionPanel(Panel):
    """Drag the learning rate (log scale) and the number of steps; toggle which feature is shown."""

    title = "apple regression by gradient descent"

    def __init__(self, lr: float = 0.1, steps: int = 100, show: str = "both"):
        if show not in SHOW:
            raise ValueError(f"show must be one of {sorted(SHOW)}, got {show!r}")
        figure = RegressionFigure()
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-7, max=1, step=0.05,
                                         description="learning rate", readout_format=".2e",
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="360px")),
            "steps": widgets.IntSlider(value=steps, min=1, max=figure.max_steps, description="steps",
                                       layout=widgets.Layout(width="300px")),
            "show": widgets.ToggleButtons(options=[("both", "both"), ("raw grams", "raw"),
                                                   ("grams / RMS", "scaled")], value=show,
                                          description="features"),
        }
        super().__init__(figure, controls)

    def draw(self, lr, steps, show) -> str:
        runs = self.figure.update(lr, steps, SHOW[show])
        lines = []
        for s in SHOW[show]:
            run, stable = runs[s], self.figure.stable[s]
            verdict = (f"diverges (loss > 1e30 at step {run.diverged_at})" if run.diverged_at is not None
                       else "diverges" if run.diverged else f"converges: loss {run.losses[-1]:.4f}")
            lines.append(f"{LABELS[s]}: lr × curvature = {2 * lr / stable:.3g} "
                         f"(largest stable lr = 2 / curvature = {stable:.3g}): <b>{verdict}</b>")
        return "<br>".join(lines)

    def __repr__(self) -> str:
        v = self.values
        return f"<{self.title} panel: lr = {v['lr']:.2e}, steps = {v['steps']}, features = {v['show']}>"
