"""Where eps dominates, inside or outside the root: EpsFigure and EpsPanel (notebook 05).

Left: the output RMS of RMSNorm(c x) against the input RMS (log axis): 1 while the norm works,
falling once eps dominates. Right: one output value against the input RMS (log-log), beside the
input value itself: where eps dominates, the output just follows the input, scaled.
The dashed line marks the input RMS below which eps dominates (sqrt(eps) inside the root, eps
outside). The numbers and curves come from :func:`rmsviz.experiments.eps.eps_at`. Every number
is shown with three significant digits, so that a slider value such as 10**-4.5 reads 3.16e-05
(and its square root 5.62e-03), not 3e-05.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.eps import SCALES, WHERE, EpsResult, eps_at, unit_vector
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range
from rmsviz.style import COLORS

__all__ = ["EpsFigure", "EpsPanel"]

#: Exponent ranges (base 10) of the sliders.
SCALE_EXPONENTS = (-10, 4)
EPS_EXPONENTS = (-12, -1)
PLACES = {"inside": N_("eps inside the root"), "outside": N_("eps outside the root")}
#: "(inside the root)" / "(outside the root)" in the readout.
ROOT = {"inside": N_("inside the root"), "outside": N_("outside the root")}


class EpsFigure(LiveFigure):
    """Output RMS and one output value of RMSNorm(c x) against the input RMS c (over ``scales``),
    for the unit-RMS direction ``x``, with the input RMS below which eps dominates marked."""

    def __init__(self, x, scales):
        super().__init__(1, 2, figsize=(9.5, 3.6))
        scales = np.asarray(scales, dtype=float)
        ax_rms, ax_val = self.axes
        lo, hi = scales[0], scales[-1]

        ax_rms.set_xscale("log")
        ax_rms.set_xlim(lo, hi)
        ax_rms.set_ylim(-0.03, 1.15)
        ax_rms.set_xlabel(_("input RMS"))
        ax_rms.set_ylabel(_("output RMS"))
        ax_rms.set_title(_("is the output still normalised?"))
        ax_rms.axhline(1.0, color=COLORS["none"], lw=1, ls=":")
        self.rms_curve = self.moving(ax_rms.plot(scales, np.ones_like(scales),
                                                 color=COLORS["rmsnorm"], lw=2.2)[0])
        self.rms_take = self.moving(ax_rms.axvline(1.0, color=COLORS["highlight"], lw=1.5, ls="--"))
        self.rms_dot = self.moving(ax_rms.plot([1.0], [1.0], "o", color=COLORS["rms"], ms=7)[0])

        ax_val.set_xscale("log")
        ax_val.set_yscale("log")
        ax_val.set_xlim(lo, hi)
        ax_val.set_ylim(1e-11, 1e5)
        ax_val.set_xlabel(_("input RMS"))
        ax_val.set_title(_("one value: x₁ = {x1} × input RMS").format(x1=f"{x[0]:.2f}"))
        ax_val.plot(scales, scales * x[0], color=COLORS["none"], lw=1.2, ls=":", label=_("input x₁"))
        self.val_curve = self.moving(ax_val.plot(scales, np.ones_like(scales), color=COLORS["rmsnorm"],
                                                 lw=2.2, label=_("output y₁"))[0])
        self.val_take = self.moving(ax_val.axvline(1.0, color=COLORS["highlight"], lw=1.5, ls="--",
                                                   label=_("eps dominates left of this line")))
        self.val_dot = self.moving(ax_val.plot([1.0], [1.0], "o", color=COLORS["rms"], ms=7)[0])
        # below the plots: the moving dashed line would cross a legend inside them
        self.fig.legend(handles=[*ax_val.get_lines()[:2], self.val_take], loc="outside lower center",
                        frameon=False, fontsize=9, ncols=3)

    def update(self, result: EpsResult):
        """Curves for the result's eps and placement, the line where eps dominates, the current point."""
        self.rms_curve.set_ydata(result.curves.out_rms)
        self.val_curve.set_ydata(np.maximum(result.curves.value, 1e-300))
        for line in (self.rms_take, self.val_take):
            line.set_xdata([result.dominance, result.dominance])
        self.rms_dot.set_data([result.scale], [result.out_rms])
        self.val_dot.set_data([result.scale], [max(result.value, 1e-300)])


class EpsPanel(Panel):
    """Slide the input RMS over 14 decades and eps over 11: see where eps dominates."""

    title = N_("eps: where it dominates")

    def __init__(self, scale: float = 1e-2, eps: float = 1e-6, where: str = "inside"):
        scale = check_range("scale", scale, 10.0 ** SCALE_EXPONENTS[0], 10.0 ** SCALE_EXPONENTS[1])
        eps = check_range("eps", eps, 10.0 ** EPS_EXPONENTS[0], 10.0 ** EPS_EXPONENTS[1])
        check_choice("where", where, WHERE)
        controls = {
            "scale": widgets.FloatLogSlider(value=scale, base=10, min=SCALE_EXPONENTS[0],
                                            max=SCALE_EXPONENTS[1], step=0.25, description=_("input RMS"),
                                            readout_format=".2e", layout=widgets.Layout(width="340px")),
            "eps": widgets.FloatLogSlider(value=eps, base=10, min=EPS_EXPONENTS[0], max=EPS_EXPONENTS[1],
                                          step=0.5, description="eps", readout_format=".2e",
                                          layout=widgets.Layout(width="320px")),
            "where": widgets.ToggleButtons(options=[(_(PLACES[key]), key) for key in WHERE],
                                           value=where, description=""),
        }
        super().__init__(controls)

    def make_figure(self) -> EpsFigure:
        return EpsFigure(unit_vector(), SCALES)

    def compute(self, scale, eps, where) -> EpsResult:
        return eps_at(scale, eps, where)

    def readout(self, result: EpsResult) -> str:
        if result.normalised:
            state = _("normalised")
        elif result.dominated:
            state = _("eps dominates")
        else:
            state = _("eps matters, but does not dominate yet")
        return _("input RMS = {scale}, eps = {eps} ({where}): output RMS = <b>{out_rms}</b> ({state}); "
                 "eps dominates below input RMS {dominance}").format(
            scale=f"{result.scale:.2e}", eps=f"{result.eps:.2e}", where=_(ROOT[result.where]),
            out_rms=f"{result.out_rms:.4f}", state=state, dominance=f"{result.dominance:.2e}")

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: input RMS {scale}, eps {eps}, {where}>").format(
            title=_(self.title), scale=f"{v['scale']:.2e}", eps=f"{v['eps']:.2e}", where=_(v["where"]))
