"""Loss and gradient per step of the apple regression, raw grams vs RMS-scaled grams:
RegressionFigure and RegressionPanel (notebook 04).

Both runs share the axes (log y), so the learning rate at which raw grams diverge while the
scaled feature still converges is visible at a glance. The x-axis follows the steps control: it
ends at the smallest of :data:`X_LIMITS` that holds every step, and each of those few ranges keeps
its own static background (``LiveFigure.use_background``), so a move of the steps slider is a blit.
Values beyond the fixed y-limits are clipped to just outside the frame, and a run that diverges is
marked at the step where its loss first passes the top of the loss plot, with the step number, so
"after how many steps?" can be read off. The runs come from
:func:`rmsviz.experiments.regression.compare_features`.
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
BEHAVIOUR_LABELS = {"converges": N_("converges"), "oscillates": N_("oscillates"), "diverges": N_("diverges")}
LOSS_LIM = (1e-3, 1e8)
GRAD_LIM = (1e-8, 1e8)
MAX_STEPS = 200
#: The x-axis ends at the smallest of these that is at least the number of steps.
X_LIMITS = (5, 10, 20, 50, 100, 200)
#: Exponent range (base 10) of the learning-rate slider.
LR_EXPONENTS = (-7, 1)
#: Font sizes in points at the figure's 100 dpi (12 pt = 17 px): readable on a projector.
TICKS, LABELS_PT = 11, 12


def x_limit(steps: int) -> int:
    """The end of the x-axis for a run of ``steps`` steps: the smallest of :data:`X_LIMITS` >= steps."""
    return next(limit for limit in X_LIMITS if limit >= steps)


class RegressionFigure(LiveFigure):
    """Loss per step (left) and |dL/dw| per step (right) for raw and RMS-scaled features."""

    def __init__(self, max_steps: int = MAX_STEPS):
        super().__init__(1, 2, figsize=(9.0, 3.3), dpi=100)
        self.max_steps = max_steps
        ax_loss, ax_grad = self.axes
        colors = {"raw": COLORS["none"], "scaled": COLORS["rmsnorm"]}
        self.lines = {}
        for ax, key, lim, ticks, title in (
                (ax_loss, "loss", LOSS_LIM, [1e-2, 1e0, 1e2, 1e4, 1e6, 1e8], _("loss (mean squared error, $²)")),
                (ax_grad, "grad", GRAD_LIM, [1e-8, 1e-4, 1e0, 1e4, 1e8], _("gradient |dL/dw|"))):
            ax.set_yscale("log")
            ax.set_xlim(0, max_steps)
            ax.set_ylim(*lim)
            ax.set_yticks(ticks)
            ax.set_xlabel(_("step"), fontsize=LABELS_PT)
            ax.set_title(title, fontsize=LABELS_PT)
            ax.tick_params(labelsize=TICKS)
            for s in SERIES:
                (line,) = ax.plot([], [], color=colors[s], lw=2.2, label=_(LABELS[s]))
                self.lines[key, s] = self.moving(line)
        # Where a diverging run leaves the loss plot: a marker on the top edge and its step number.
        self.exits = {}
        for s in SERIES:
            (mark,) = ax_loss.plot([], [], "v", color=colors[s], ms=10, clip_on=False)
            label = ax_loss.annotate("", (0, 1), xycoords=("data", "axes fraction"), xytext=(6, -14),
                                     textcoords="offset points", color=colors[s], fontsize=TICKS,
                                     annotation_clip=False)
            self.exits[s] = self.moving(mark, label)
        ax_loss.legend(loc="center right", frameon=False, fontsize=TICKS)
        self.x_end = None

    def update(self, result: RegressionComparison):
        """Loss and gradient lines of the runs in the result, the other feature's lines hidden; the
        x-axis end follows the number of steps; a marker where a diverging loss leaves the plot."""
        end = x_limit(result.steps)
        if end != self.x_end:
            self.x_end = end
            for ax in self.axes:
                ax.set_xlim(0, end)
            self.use_background(end)
        shown = {r.feature: r.run for r in result.runs}
        for s in SERIES:
            mark, label = self.exits[s]
            for artist in (self.lines["loss", s], self.lines["grad", s], mark, label):
                artist.set_visible(s in shown)
            if s not in shown:
                continue
            run = shown[s]
            k = np.arange(run.losses.size)
            for key, values, lim in (("loss", run.losses, LOSS_LIM), ("grad", run.grad_norms, GRAD_LIM)):
                self.lines[key, s].set_data(k, np.clip(values, lim[0] / 10, lim[1] * 10))
            above = np.flatnonzero(run.losses > LOSS_LIM[1])
            if above.size:
                step = int(above[0])
                mark.set_data([step], [LOSS_LIM[1]])
                label.xy = (step, 1)
                label.set_text(_("loss > 1e8 at step {step}").format(step=step))
            else:
                mark.set_visible(False)
                label.set_visible(False)


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
            if r.behaviour == "converges":
                verdict = _("converges: loss {loss} after {steps} steps").format(
                    loss=f"{run.losses[-1]:.4f}", steps=result.steps)
            elif r.behaviour == "oscillates":
                verdict = _("oscillates: w jumps between two values, the loss stays at {loss}").format(
                    loss=f"{run.losses[-1]:.4f}")
            elif run.diverged_at is not None:
                verdict = _("diverges: the loss passes 1e30 at step {step}").format(step=run.diverged_at)
            else:
                verdict = _("diverges: the loss grows to {loss} after {steps} steps").format(
                    loss=f"{run.losses[-1]:.3g}", steps=result.steps)
            lines.append(_("{feature}: lr × C = {product} (largest stable lr = 2 / C = {stable}): "
                           "<b>{verdict}</b>").format(
                feature=_(LABELS[r.feature]), product=f"{2 * result.lr / r.stable_lr:.3g}",
                stable=f"{r.stable_lr:.3g}", verdict=verdict))
        return "<br>".join(lines)

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: lr = {lr}, steps = {steps}, features = {show}>").format(
            title=_(self.title), lr=f"{v['lr']:.2e}", steps=v["steps"], show=_(v["show"]))
