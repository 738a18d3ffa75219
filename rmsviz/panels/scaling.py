"""Gradient norms through RMSNorm against input scale c and weight scale delta: ScalingFigure and
ScalingPanel (notebook 04).

Left: |dL/dx| against c for y = RMSNorm(W (c x)) * g, with the 1/c reference line and the same
model without the norm. Right: |dL/dW| and |dL/dg| against delta for W -> delta W, with the
1/delta line. Every curve is computed once per eps (:func:`rmsviz.experiments.scaling.scaling_curves`);
a slider move only moves the markers (and swaps the eps curve), so an update is a blit of a few
artists. The marked values come from :func:`rmsviz.experiments.scaling.gradients_at`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.scaling import (
    C_RANGE,
    DELTA_RANGE,
    EPS_CHOICES,
    ScalingCurves,
    ScalingResult,
    cosine_text,
    gradients_at,
    scaling_curves,
)
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range
from rmsviz.style import COLORS

__all__ = ["ScalingFigure", "ScalingPanel"]

#: Font sizes in points at the figure's 100 dpi (12 pt = 17 px): readable on a projector.
TICKS, LABELS = 11, 12


class ScalingFigure(LiveFigure):
    """Log-log gradient norms against c (left) and delta (right), with and without RMSNorm, drawn
    from ``curves`` (the eps = 0 curves first)."""

    def __init__(self, curves: ScalingCurves):
        super().__init__(1, 2, figsize=(9.0, 3.5), dpi=100)
        cs, deltas = curves.cs, curves.deltas
        ax_c, ax_d = self.axes
        for ax in self.axes:
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_ylim(1e-4, 1e6)
            ax.set_xticks([1e-4, 1e-2, 1e0, 1e2])
            ax.set_yticks([1e-4, 1e-2, 1e0, 1e2, 1e4, 1e6])
            ax.tick_params(labelsize=TICKS)
        base = curves.by_c[0.0]
        ax_c.set_xlim(*C_RANGE)
        ax_c.set_title(_("input scale c:  x → c x"), fontsize=LABELS)
        ax_c.set_xlabel("c", fontsize=LABELS)
        ax_c.plot(cs, base.x[np.argmin(abs(cs - 1))] / cs, color="k", ls=":", lw=1.2, label="1/c")
        ax_c.plot(cs, curves.by_c_none.x, color=COLORS["none"], lw=2, label=_("|dL/dx| no norm"))
        (self.c_line,) = ax_c.plot(cs, base.x, color=COLORS["rmsnorm"], lw=2, label=_("|dL/dx| RMSNorm"))
        self.moving(self.c_line)
        self.c_marks = self.moving(*ax_c.plot([1, 1], [1, 1], "o", color=COLORS["highlight"], ms=7))
        ax_c.legend(loc="upper right", frameon=False, fontsize=TICKS)

        ax_d.set_xlim(*DELTA_RANGE)
        ax_d.set_title(_("weight scale δ:  W → δ W"), fontsize=LABELS)
        ax_d.set_xlabel("δ", fontsize=LABELS)
        dbase = curves.by_delta[0.0]
        ax_d.plot(deltas, dbase.W[np.argmin(abs(deltas - 1))] / deltas, color="k", ls=":", lw=1.2,
                  label="1/δ")
        ax_d.plot(deltas, curves.by_delta_none.W, color=COLORS["none"], lw=2, label=_("|dL/dW| no norm"))
        (self.dW_line,) = ax_d.plot(deltas, dbase.W, color=COLORS["rmsnorm"], lw=2,
                                    label=_("|dL/dW| RMSNorm"))
        (self.dg_line,) = ax_d.plot(deltas, dbase.g, color=COLORS["std"], lw=2, ls="--",
                                    label=_("|dL/dg| RMSNorm"))
        self.moving(self.dW_line, self.dg_line)
        self.d_marks = self.moving(*ax_d.plot([1, 1, 1], [1, 1, 1], "o", color=COLORS["highlight"], ms=7))
        ax_d.legend(loc="upper right", frameon=False, fontsize=TICKS)

    def update(self, result: ScalingResult):
        """The curves for the result's eps and the markers at c and delta."""
        self.c_line.set_ydata(result.by_c.x)
        self.dW_line.set_ydata(result.by_delta.W)
        self.dg_line.set_ydata(result.by_delta.g)
        self.c_marks.set_data([result.c, result.c], [result.dx_norm, result.dx_none])
        self.d_marks.set_data([result.delta] * 3, [result.dW_norm, result.dW_none, result.dg_norm])


class ScalingPanel(Panel):
    """Drag c and delta along log-log axes; pick eps to see where the curve leaves the 1/c line."""

    title = N_("gradient scaling through RMSNorm")

    def __init__(self, c: float = 1.0, delta: float = 1.0, eps: float = 1e-6):
        c = check_range("c", c, *C_RANGE)
        delta = check_range("delta", delta, *DELTA_RANGE)
        check_choice("eps", eps, EPS_CHOICES)
        def log_slider(value, limits, description):
            low, high = (int(round(np.log10(v))) for v in limits)
            return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=0.05,
                                          readout_format=".2e", description=description,
                                          style={"description_width": "initial"},
                                          layout=widgets.Layout(width="320px"))

        controls = {
            "c": log_slider(c, C_RANGE, _("input scale c")),
            "delta": log_slider(delta, DELTA_RANGE, _("weight scale δ")),
            "eps": widgets.Dropdown(options=[(f"{e:g}", e) for e in EPS_CHOICES], value=eps,
                                    description="eps", layout=widgets.Layout(width="160px")),
        }
        super().__init__(controls)

    def make_figure(self) -> ScalingFigure:
        return ScalingFigure(scaling_curves())

    def compute(self, c, delta, eps) -> ScalingResult:
        return gradients_at(c, delta, eps)

    def readout(self, result: ScalingResult) -> str:
        orth = result.orthogonality
        return _("c = {c}: |dL/dx| = {dx_norm} with RMSNorm, {dx_none} without; cos(x, dL/dx) = {cosine} "
                 "(eps / (mean(h²) + eps) = {fraction})<br>δ = {delta}: |dL/dW| = {dW_norm} with "
                 "RMSNorm, {dW_none} without; |dL/dg| = {dg_norm}").format(
            c=f"{result.c:.2e}", dx_norm=f"{result.dx_norm:.3g}", dx_none=f"{result.dx_none:.3g}",
            cosine=cosine_text(orth.cosine), fraction=f"{orth.predicted_fraction:.2e}",
            delta=f"{result.delta:.2e}", dW_norm=f"{result.dW_norm:.3g}", dW_none=f"{result.dW_none:.3g}",
            dg_norm=f"{result.dg_norm:.3g}")

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: c = {c}, delta = {delta}, eps = {eps}>").format(
            title=_(self.title), c=f"{v['c']:.2e}", delta=f"{v['delta']:.2e}", eps=f"{v['eps']:g}")
