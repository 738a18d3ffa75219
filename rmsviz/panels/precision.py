"""A naive float16 RMSNorm collapses at |x| = 256, float32 accumulation does not: PrecisionFigure
and PrecisionPanel (notebook 05).

Left: the output RMS against the input's largest magnitude (log axis) for the chosen way of
computing, with the measured overflow threshold marked. Right: the output vector at the current
magnitude (bars) beside the float64 result (dots). The numbers and the curve come from
:func:`rmsviz.experiments.precision.precision_at`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.precision import MAGNITUDES, MODES, PrecisionResult, precision_at, square_overflow_threshold
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range
from rmsviz.style import COLORS

__all__ = ["PrecisionFigure", "PrecisionPanel"]

#: How each way of computing is named on its button and in the readout.
MODE_LABELS = {
    "float16_naive": N_("float16, naive"),
    "float32_accumulate": N_("float16 in, float32 accumulate"),
    "bfloat16": N_("bfloat16 (emulated)"),
}
#: Exponent range (base 2) of the magnitude slider: 1 to 4096.
MAGNITUDE_EXPONENTS = (0, 12)


class PrecisionFigure(LiveFigure):
    """Output RMS against input magnitude (over ``magnitudes``, ``threshold`` marked) and the output
    vector of ``n`` features at one magnitude."""

    def __init__(self, magnitudes, threshold: float, n: int = 8):
        super().__init__(1, 2, figsize=(9.5, 3.6), gridspec_kw={"width_ratios": [1.3, 1]})
        magnitudes = np.asarray(magnitudes, dtype=float)
        ax_rms, ax_vec = self.axes

        ax_rms.set_xscale("log", base=2)
        ax_rms.set_xlim(magnitudes[0], magnitudes[-1])
        ax_rms.set_ylim(-0.05, 1.25)
        ax_rms.set_xlabel(_("largest |x| in the vector"))
        ax_rms.set_ylabel(_("output RMS (1 = right)"))
        ax_rms.set_title(_("float16 input: does the output survive?"))
        ax_rms.axvline(threshold, color=COLORS["negative"], lw=1.5, ls="--")
        ax_rms.text(threshold * 1.08, 1.17,
                    _("x² overflows float16\n(|x| ≥ {threshold})").format(threshold=f"{threshold:g}"),
                    color=COLORS["negative"], fontsize=9, va="top")
        self.curve = self.moving(ax_rms.plot(magnitudes, np.ones_like(magnitudes),
                                             color=COLORS["rmsnorm"], lw=2.2)[0])
        self.dot = self.moving(ax_rms.plot([1.0], [1.0], "o", color=COLORS["rms"], ms=7)[0])

        positions = np.arange(n)
        ax_vec.set_xticks(positions, [f"y{i + 1}" for i in positions])
        ax_vec.set_xlim(-0.6, n - 0.4)
        lim = float(np.sqrt(n)) * 1.05
        ax_vec.set_ylim(-lim, lim)
        ax_vec.axhline(0, color="0.6", lw=0.8)
        ax_vec.set_title(_("the output vector"))
        self.bars = self.moving(*ax_vec.bar(positions, np.zeros(n), color=COLORS["rmsnorm"], width=0.6,
                                            label=_("this way")))
        self.ref = self.moving(ax_vec.plot(positions, np.zeros(n), "o", color=COLORS["rms"], ms=6,
                                           label="float64")[0])
        ax_vec.legend(loc="lower right", frameon=False, fontsize=9, ncols=2)

    def update(self, result: PrecisionResult):
        """The mode's curve, the current point, the output bars and the float64 dots."""
        self.curve.set_ydata(result.curve)
        self.dot.set_data([result.largest], [result.out_rms])
        for bar, v in zip(self.bars, result.output):
            bar.set_height(v)
        self.ref.set_ydata(result.reference)


class PrecisionPanel(Panel):
    """Grow the input past |x| = 256 and watch the naive float16 RMSNorm collapse to zero."""

    title = N_("float16 overflow")

    def __init__(self, magnitude: float = 64.0, mode: str = "float16_naive"):
        magnitude = check_range("magnitude", magnitude, 2.0 ** MAGNITUDE_EXPONENTS[0],
                                2.0 ** MAGNITUDE_EXPONENTS[1])
        check_choice("mode", mode, MODES)
        controls = {
            "magnitude": widgets.FloatLogSlider(value=magnitude, base=2, min=MAGNITUDE_EXPONENTS[0],
                                                max=MAGNITUDE_EXPONENTS[1], step=0.125,
                                                description=_("largest |x|"), readout_format=".4g",
                                                layout=widgets.Layout(width="360px")),
            "mode": widgets.ToggleButtons(options=[(_(MODE_LABELS[key]), key) for key in MODES],
                                          value=mode, description=""),
        }
        super().__init__(controls)

    def make_figure(self) -> PrecisionFigure:
        return PrecisionFigure(MAGNITUDES, square_overflow_threshold())

    def compute(self, magnitude, mode) -> PrecisionResult:
        return precision_at(magnitude, mode)

    def readout(self, result: PrecisionResult) -> str:
        return _("largest |x| = {magnitude}, {mode}: output RMS = <b>{out_rms}</b>, max error vs "
                 "float64 = {max_error} (float16 x² overflows from {threshold})").format(
            magnitude=f"{result.magnitude:.4g}", mode=_(MODE_LABELS[result.mode]),
            out_rms=f"{result.out_rms:.4f}", max_error=f"{result.max_error:.2e}",
            threshold=f"{result.overflow_threshold:g}")

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: largest |x| {magnitude}, {mode}>").format(
            title=_(self.title), magnitude=f"{v['magnitude']:.4g}", mode=v["mode"])
