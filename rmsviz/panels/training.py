"""Loss curves of the small residual MLP with no norm, LayerNorm and RMSNorm: TrainingFigure and
TrainingPanel (notebook 06).

Left: the loss at every step for the three norms, at the chosen learning rate and depth (log loss
axis with fixed limits; a diverged run stops with a cross on the divergence line). No text in the
figure moves (text is the costliest artist to redraw): the readout under it names the depth and the
learning rate, and a vertical line on the right marks the learning rate. Right: the
final loss divided by the initial loss against the learning rate, for the three norms at the
chosen depth; a run is stable below the line at 1, and a diverged run is a cross in the top row.
The chosen norm is drawn thick, the other two thin. The runs come from
:func:`rmsviz.experiments.training.training_at`: every norm at the chosen depth over the whole
learning-rate grid, trained once and cached (the default depth when the panel is built, other
depths the first time they are chosen).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.lines import Line2D

from rmsviz.experiments.training import (
    DIVERGED,
    FINAL_WINDOW,
    GRID_STEP,
    LR_GRID,
    MAX_DEPTH,
    NORMS,
    STEPS,
    TrainingView,
    initial_loss,
    training_at,
    warm_up,
)
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range
from rmsviz.style import COLORS

__all__ = ["TrainingFigure", "TrainingPanel"]

NORM_LABELS = {"none": N_("no norm"), "layernorm": N_("LayerNorm"), "rmsnorm": N_("RMSNorm")}
LOSS_LIM = (0.05, 100.0)
RATIO_LIM = (0.1, 5.0)
RATIO_TICKS = (0.1, 0.2, 0.5, 1.0, 2.0)
#: Where a diverged run is drawn on the right-hand axes: one row per norm, above the ticks.
DIVERGED_ROWS = {"none": 2.6, "layernorm": 3.2, "rmsnorm": 3.9}
LINE, HALO = 1.4, 7.0
#: Font sizes (points, at the figure's 80 dpi): annotations and legend, axis labels and ticks, titles.
#: The annotations were 8 points, the smallest text of the series' panels (review B, finding 24).
TEXT_PT, LABEL_PT, TICK_PT, TITLE_PT = 11, 11, 10, 12


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (a notebook a reader sees), not in a plain script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _tick(value: float) -> str:
    return f"{value:g}"


class TrainingFigure(LiveFigure):
    """Loss per step (left) and final / initial loss against the learning rate (right).

    Built from the grid of learning rates, the number of steps and the initial loss (the same for
    every run); the chosen norm is marked by a wide pale band behind its lines.
    """

    def __init__(self, lrs=LR_GRID, steps: int = STEPS, initial: float = 0.5):
        super().__init__(1, 2, figsize=(9.6, 3.7), dpi=80)
        self.lrs = np.asarray(lrs, dtype=float)
        self.ceiling = DIVERGED * initial
        ax_loss, ax_lr = self.axes
        ax_loss.set_yscale("log")
        ax_loss.set_xlim(0, steps)
        ax_loss.set_ylim(*LOSS_LIM)
        ax_loss.set_xlabel(_("step"), fontsize=LABEL_PT)
        ax_loss.set_ylabel(_("loss (mean squared error)"), fontsize=LABEL_PT)
        ax_loss.axhline(initial, color="black", lw=0.8, ls=":")
        ax_loss.axhline(self.ceiling, color="black", lw=0.8, ls="--")
        ax_loss.text(steps * 0.99, initial * 1.1, _("initial loss"), fontsize=TEXT_PT, ha="right", va="bottom")
        ax_loss.text(steps * 0.99, self.ceiling * 0.9, _("diverged above this line"), fontsize=TEXT_PT,
                     ha="right", va="top")
        ax_lr.set_xscale("log", base=2)
        ax_lr.set_yscale("log")
        ax_lr.set_xlim(self.lrs[0] / 1.5, self.lrs[-1] * 1.5)
        ax_lr.set_xticks(self.lrs, [_tick(v) if i % 2 == 0 else "" for i, v in enumerate(self.lrs)])
        ax_lr.set_ylim(*RATIO_LIM)
        ax_lr.set_yticks(RATIO_TICKS, [_tick(v) for v in RATIO_TICKS])
        ax_lr.minorticks_off()
        ax_lr.set_xlabel(_("learning rate"), fontsize=LABEL_PT)
        ax_lr.set_ylabel(_("final loss ÷ initial loss"), fontsize=LABEL_PT)
        ax_lr.axhline(1.0, color="black", lw=0.8, ls="--")
        ax_lr.text(self.lrs[-1] * 1.4, 0.93, _("stable below this line"), fontsize=TEXT_PT, ha="right", va="top")
        ax_lr.text(self.lrs[0] / 1.4, DIVERGED_ROWS["layernorm"], _("× = diverged"), fontsize=TEXT_PT, va="center")
        self.halo_curve = ax_loss.plot([], [], lw=HALO, alpha=0.3, solid_capstyle="round")[0]
        self.halo_final = ax_lr.plot([], [], lw=HALO, alpha=0.3, solid_capstyle="round")[0]
        self.curves, self.stops, self.finals, self.crosses = {}, {}, {}, {}
        for norm in NORMS:
            color = COLORS[norm]
            (self.curves[norm],) = ax_loss.plot([], [], color=color, lw=LINE)
            (self.stops[norm],) = ax_loss.plot([], [], ls="none", marker="x", ms=9, mew=2, color=color)
            (self.finals[norm],) = ax_lr.plot([], [], color=color, lw=LINE, marker="o", ms=4)
            (self.crosses[norm],) = ax_lr.plot([], [], ls="none", marker="x", ms=8, mew=2, color=color)
        self.chosen_lr = ax_lr.axvline(self.lrs[0], color=COLORS["highlight"], lw=1.5, alpha=0.8)
        ax_loss.set_title(_("loss per step"), fontsize=TITLE_PT)
        ax_lr.set_title(_("final loss after {steps} steps").format(steps=steps), fontsize=TITLE_PT)
        # No text moves: drawing text costs far more than drawing lines. The depth and the learning
        # rate are in the readout; the chosen learning rate is also the vertical line.
        self.moving(self.halo_curve, self.halo_final, *self.curves.values(), *self.stops.values(),
                    *self.finals.values(), *self.crosses.values(), self.chosen_lr)
        handles = [Line2D([], [], color=COLORS[n], lw=2, label=_(NORM_LABELS[n])) for n in NORMS]
        ax_loss.legend(handles=handles, loc="center right", bbox_to_anchor=(1.0, 0.63), frameon=False,
                       fontsize=TEXT_PT)
        for ax in self.axes:
            ax.tick_params(labelsize=TICK_PT)

    def update(self, result: TrainingView):
        """Curves of the three norms at the chosen learning rate; final / initial over the grid."""
        k = result.index
        for norm, run in zip(NORMS, result.runs):
            losses = run.losses[k]
            steps = np.arange(losses.size)
            curve = (steps, np.clip(losses, LOSS_LIM[0] / 10, LOSS_LIM[1] * 10))
            self.curves[norm].set_data(*curve)
            stop = int(run.diverged_at[k])
            self.stops[norm].set_data(([stop], [self.ceiling]) if stop >= 0 else ([], []))
            diverged = run.diverged_at >= 0
            ratio = np.where(diverged, np.nan, run.final_losses / run.initial_loss)
            final = (run.lrs, np.clip(ratio, RATIO_LIM[0], RATIO_LIM[1]))
            self.finals[norm].set_data(*final)
            self.crosses[norm].set_data(run.lrs[diverged], np.full(int(diverged.sum()), DIVERGED_ROWS[norm]))
            if norm == result.norm:
                for halo, data in ((self.halo_curve, curve), (self.halo_final, final)):
                    halo.set_data(*data)
                    halo.set_color(COLORS[norm])
        self.chosen_lr.set_xdata([result.lr, result.lr])


def _verdict(run, k: int) -> str:
    if run.diverged_at[k] >= 0:
        return _("diverged at step {step} (loss above {factor} × the initial loss)").format(
            step=int(run.diverged_at[k]), factor=f"{DIVERGED:g}")
    if run.stable[k]:
        return _("stable")
    return _("not stable: the final loss is above the initial loss")


def _lr_text(lr) -> str:
    return _("none stable") if lr is None else f"{lr:g}"


class TrainingPanel(Panel):
    """Drag the learning rate (over the grid) and the depth; choose the norm drawn thick."""

    title = N_("training with and without the norm")

    def __init__(self, lr: float = 0.25, depth: int = 4, norm: str = "rmsnorm"):
        exponents = np.log2(LR_GRID)
        lr = check_range("lr", lr, float(LR_GRID[0]), float(LR_GRID[-1]))
        depth = check_range("depth", depth, 1, MAX_DEPTH, integer=True)
        check_choice("norm", norm, NORMS)
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=GRID_STEP, min=float(exponents[0]),
                                         max=float(exponents[-1]), step=1.0, readout_format="g",
                                         description=_("learning rate"), style={"description_width": "initial"},
                                         layout=widgets.Layout(width="340px")),
            "depth": widgets.IntSlider(value=depth, min=1, max=MAX_DEPTH, description=_("depth L"),
                                       layout=widgets.Layout(width="280px")),
            "norm": widgets.Dropdown(options=[(_(NORM_LABELS[key]), key) for key in NORMS], value=norm,
                                     description=_("norm"), layout=widgets.Layout(width="200px")),
        }
        super().__init__(controls)
        self._warming = None

    def _repr_mimebundle_(self, include=None, exclude=None):
        """As :meth:`Panel._repr_mimebundle_`; on screen in a kernel, the other depths are also
        trained in a background thread, nearest first, so that moving the depth slider later is
        a cache hit rather than 0.3 to 1 s of training."""
        if self._warming is None and _in_kernel():
            depth = self.values["depth"]
            self._warming = warm_up(sorted(range(1, MAX_DEPTH + 1), key=lambda d: (abs(d - depth), d)))
        return super()._repr_mimebundle_(include=include, exclude=exclude)

    def make_figure(self) -> TrainingFigure:
        return TrainingFigure(LR_GRID, STEPS, initial_loss())

    def compute(self, lr, depth, norm) -> TrainingView:
        return training_at(lr, depth, norm)

    def readout(self, result: TrainingView) -> str:
        run, k = result.run, result.index
        head = _("{norm}, depth {depth}, learning rate {lr}: loss {first} at step 0, {final} at the end "
                 "(mean of the last {window} steps): {verdict}.").format(
            norm=_(NORM_LABELS[result.norm]), depth=result.depth, lr=f"{result.lr:g}",
            first=f"{run.initial_loss:.3g}",
            final=f"{run.final_losses[k]:.3g}" if run.diverged_at[k] < 0 else "-",
            window=FINAL_WINDOW, verdict=_verdict(run, k))
        best = _("Largest stable learning rate at depth {depth} (grid points a factor {step} apart): "
                 "{items}.").format(depth=result.depth, step=f"{GRID_STEP:g}", items=", ".join(
                     f"{_(NORM_LABELS[n])} {_lr_text(r.largest_stable_lr)}" for n, r in zip(NORMS, result.runs)))
        return f"{html.escape(head)}<br>{html.escape(best)}"

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: learning rate = {lr}, depth = {depth}, norm = {norm}>").format(
            title=_(self.title), lr=f"{v['lr']:g}", depth=v["depth"], norm=_(v["norm"]))
