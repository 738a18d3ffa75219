"""RegressionFigure: loss and gradient norm per step, raw grams vs RMS-scaled grams (notebook 04).

Both runs share the axes (log y), so the learning rate at which raw grams blow up while the
scaled feature still converges is visible at a glance. Values beyond the fixed limits are clipped
to the frame, so a diverging run leaves through the top edge instead of rescaling the axes.
"""

from __future__ import annotations

import numpy as np

from rmsviz.experiments.regression import apple_data, gradient_descent, rms_scaled, stable_lr
from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS

SERIES = ("raw", "scaled")
LABELS = {"raw": "raw grams", "scaled": "grams / RMS(grams)"}
LOSS_LIM = (1e-3, 1e8)
GRAD_LIM = (1e-8, 1e8)


class RegressionFigure(LiveFigure):
    """Loss per step (left) and |dL/dw| per step (right) for raw and RMS-scaled features."""

    def __init__(self, max_steps: int = 200, seed: int = 0):
        super().__init__(1, 2, figsize=(9.0, 3.3), dpi=90)
        self.max_steps = max_steps
        grams, self.prices = apple_data(seed=seed)
        self.features = {"raw": grams, "scaled": rms_scaled(grams)}
        self.stable = {k: stable_lr(v) for k, v in self.features.items()}
        ax_loss, ax_grad = self.axes
        colors = {"raw": COLORS["none"], "scaled": COLORS["rmsnorm"]}
        self.lines = {}
        for ax, key, lim, title in ((ax_loss, "loss", LOSS_LIM, "loss (mean squared error, $²)"),
                                    (ax_grad, "grad", GRAD_LIM, "gradient |dL/dw|")):
            ax.set_yscale("log")
            ax.set_xlim(0, max_steps)
            ax.set_ylim(*lim)
            ax.set_xlabel("step")
            ax.set_title(title)
            for s in SERIES:
                (line,) = ax.plot([], [], color=colors[s], lw=2, label=LABELS[s])
                self.lines[key, s] = self.moving(line)
        ax_loss.legend(loc="upper right", frameon=False)

    def update(self, lr: float, steps: int, show=SERIES) -> dict:
        """Run both regressions with this learning rate and number of steps; returns the runs."""
        steps = int(min(max(steps, 1), self.max_steps))
        runs = {s: gradient_descent(self.features[s], self.prices, lr, steps) for s in SERIES}
        for s, run in runs.items():
            k = np.arange(run.losses.size)
            for key, values, lim in (("loss", run.losses, LOSS_LIM), ("grad", run.grad_norms, GRAD_LIM)):
                line = self.lines[key, s]
                line.set_data(k, np.clip(values, lim[0] / 10, lim[1] * 10))
                line.set_visible(s in show)
        return runs
