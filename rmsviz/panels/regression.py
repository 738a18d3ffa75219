"""Loss and gradient per step of the apple regression, raw grams vs RMS-scaled grams:
RegressionFigure and RegressionPanel (notebook 04).

Both runs share the axes (log y), so the learning rate at which raw grams blow up while the
scaled feature still converges is visible at a glance. Values beyond the fixed limits are clipped
to the frame, so a diverging run leaves through the top edge instead of rescaling the axes. The
runs come from :func:`rmsviz.experiments.regression.compare_features`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.regression import SERIES, RegressionComparison, compare_features
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range
from rmsviz.style import COLORS

__all__ = ["RegressionFigure", "RegressionPanel"]

LABELS = {"raw": N_("raw grams"), "scaled": N_("grams / RMS(grams)")}
SHOW = {"both": SERIES, "raw": ("raw",), "scaled": ("scaled",)}
SHOW_LABELS = {"both": N_("both"), "raw": N_("raw grams"), "scaled": N_("grams / RMS")}
LOSS_LIM = (1e-3, 1e8)
GRAD_LIM = (1e-8, 1e8)
MAX_STEPS = 200
#: Exponent range (base 10) of the learning-rate slider.
LR_EXPONENTS = (-7, 1)


class RegressionFigure(LiveFigure):
    """Loss per step (left) and |dL/dw| per step (right) for raw and RMS-scaled features."""

    def __init__(self, max_steps: int = MAX_STEPS):
        super().__init__(1, 2, figsize=(9.0, 3.3), dpi=90)
        self.max_steps = max_steps
        ax_loss, ax_grad = self.axes
        colors = {"raw": COLORS["none"], "scaled": COLORS["rmsnorm"]}
        self.lines = {}
        for ax, key, lim, title in ((ax_loss, "loss", LOSS_LIM, _("loss (mean squared error, $²)")),
                                    (ax_grad, "grad", GRAD_LIM, _("gradient |dL/dw|"))):
            ax.set_yscale("log")
            ax.set_xlim(0, max_steps)
            ax.set_ylim(*lim)
            ax.set_xlabel(_("step"))
            ax.set_title(title)
            for s in SERIES:
                (line,) = ax.plot([], [], color=colors[s], lw=2, label=_(LABELS[s]))
                self.lines[key, s] = self.moving(line)
        ax_loss.legend(loc="upper right", frameon=False)

    def update(self, result: RegressionComparison):
        """Loss and gradient lines of the runs in the result; the other feature's lines hidden."""
        shown = {r.feature: r.run for r in result.runs}
        for s in SERIES:
            for key in ("loss", "grad"):
                self.lines[key, s].set_visible(s in shown)
            if s not in shown:
                continue
            run = shown[s]
            k = np.arange(run.losses.size)
            for key, values, lim in (("loss", run.losses, LOSS_LIM), ("grad", run.grad_norms, GRAD_LIM)):
                self.lines[key, s].set_data(k, np.clip(values, lim[0] / 10, lim[1] * 10))


class RegressionPanel(Panel):
    """Drag the learning rate (log scale) and the number of steps; toggle which feature is shown."""

    title = N_("apple regression by gradient descent")

    def __init__(self, lr: float = 0.1, steps: int = 100, show: str = "both"):
        lr = check_range("lr", lr, 10.0 ** LR_EXPONENTS[0], 10.0 ** LR_EXPONENTS[1])
        steps = check_range("steps", steps, 1, MAX_STEPS, integer=True)
        check_choice("show", show, SHOW)
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=LR_EXPONENTS[0], max=LR_EXPONENTS[1],
                                         step=0.05, description=_("learning rate"), readout_format=".2e",
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="360px")),
            "steps": widgets.IntSlider(value=steps, min=1, max=MAX_STEPS, description=_("steps"),
                                       layout=widgets.Layout(width="300px")),
            "show": widgets.ToggleButtons(options=[(_(SHOW_LABELS[key]), key) for key in SHOW], value=show,
                                          description=_("features")),
        }
        super().__init__(controls)

    def make_figure(self) -> RegressionFigure:
        return RegressionFigure(MAX_STEPS)

    def compute(self, lr, steps, show) -> RegressionComparison:
        return compare_features(lr, steps, SHOW[show])

    def readout(self, result: RegressionComparison) -> str:
        lines = []
        for r in result.runs:
            run = r.run
            if run.diverged_at is not None:
                verdict = _("diverges (loss > 1e30 at step {step})").format(step=run.diverged_at)
            elif run.diverged:
                verdict = _("diverges")
            else:
                verdict = _("converges: loss {loss}").format(loss=f"{run.losses[-1]:.4f}")
            lines.append(_("{feature}: lr × curvature = {product} (largest stable lr = 2 / curvature = "
                           "{stable}): <b>{verdict}</b>").format(
                feature=_(LABELS[r.feature]), product=f"{2 * result.lr / r.stable_lr:.3g}",
                stable=f"{r.stable_lr:.3g}", verdict=verdict))
        return "<br>".join(lines)

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: lr = {lr}, steps = {steps}, features = {show}>").format(
            title=_(self.title), lr=f"{v['lr']:.2e}", steps=v["steps"], show=v["show"])
