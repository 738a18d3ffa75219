"""Where a float16 RMSNorm overflows, and what float32 accumulation changes: PrecisionFigure and
PrecisionPanel (notebook 05).

Left: the output RMS against the input RMS (log axis) for the chosen way of computing and number of
features n, with the two overflow points marked: where the float16 sum of the n squares passes
65504 (input RMS about 256/sqrt(n)) and where the largest single square does (largest |x| = 256).
Right: the first features of the output at the current input RMS (bars) beside RMSNorm in float64
of the same float16 input (dots). The numbers and the curve come from
:func:`rmsviz.experiments.precision.precision_at`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.precision import (
    FEATURES,
    MODES,
    RMS_GRID,
    PrecisionResult,
    mode_name,
    precision_at,
    unit_direction,
)
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range
from rmsviz.style import COLORS

__all__ = ["PrecisionFigure", "PrecisionPanel"]

#: Exponent range (base 2) of the input-RMS slider: 0.25 to 4096.
RMS_EXPONENTS = (-2, 12)
#: How many output features the right-hand plot shows.
SHOWN = 8


class PrecisionFigure(LiveFigure):
    """Output RMS against input RMS (over ``rms_values``) with both overflow points marked, and the
    first ``shown`` output features at one input RMS, on a y axis of +-``bar_limit``; ``names``
    maps each way of computing to the title shown for it."""

    def __init__(self, rms_values, bar_limit: float, names: dict, shown: int = SHOWN):
        super().__init__(1, 2, figsize=(10.0, 3.9), gridspec_kw={"width_ratios": [1.35, 1]})
        rms_values = np.asarray(rms_values, dtype=float)
        ax_rms, ax_vec = self.axes

        ax_rms.set_xscale("log", base=2)
        ax_rms.set_xlim(rms_values[0], rms_values[-1])
        ticks = [t for t in 4.0 ** np.arange(-1, 7) if rms_values[0] <= t <= rms_values[-1]]
        ax_rms.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax_rms.minorticks_off()
        ax_rms.set_ylim(-0.05, 1.15)
        ax_rms.set_xlabel(_("input RMS"))
        ax_rms.set_ylabel(_("output RMS (1 = right)"))
        ax_rms.set_title(_("float16 input: is the output still normalised?"))
        self.curve = self.moving(ax_rms.plot(rms_values, np.ones_like(rms_values),
                                             color=COLORS["rmsnorm"], lw=2.2)[0])
        self.sum_line = self.moving(ax_rms.axvline(
            1.0, color=COLORS["negative"], lw=1.6, ls="--",
            label=_("float16 sum of the n squares > 65504")))
        self.square_line = self.moving(ax_rms.axvline(
            1.0, color=COLORS["highlight"], lw=1.6, ls=":",
            label=_("largest square > 65504 (|x| ≥ 256)")))
        self.dot = self.moving(ax_rms.plot([1.0], [1.0], "o", color=COLORS["rms"], ms=7)[0])
        # below the plots, placed by the layout engine (the moving lines would cross a legend
        # inside the axes; a fixed offset under them collides with the x label at 18 pt)
        self.fig.legend(handles=[self.sum_line, self.square_line], loc="outside lower center",
                        frameon=False, fontsize=9, ncols=2)

        positions = np.arange(shown)
        ax_vec.set_xticks(positions, [f"y{i + 1}" for i in positions])
        ax_vec.set_xlim(-0.6, shown - 0.4)
        ax_vec.set_ylim(-bar_limit, bar_limit * 1.6)
        ax_vec.axhline(0, color="0.6", lw=0.8)
        # the title names the chosen way of computing (a moving text: a moving legend costs ~25 ms)
        self.names = dict(names)
        self.title = self.moving(ax_vec.set_title(next(iter(self.names.values()))))
        bars = ax_vec.bar(positions, np.zeros(shown), color=COLORS["rmsnorm"], width=0.6,
                          label=_("output, computed as the title says"))
        self.bars = self.moving(*bars)
        self.ref = self.moving(ax_vec.plot(positions, np.zeros(shown), "o", color=COLORS["rms"], ms=6,
                                           label=_("float64 (reference)"))[0])
        ax_vec.legend(handles=[bars, self.ref], loc="upper left", frameon=False, fontsize=9)
        ax_vec.set_xlabel(_("the first {shown} output features").format(shown=shown))

    def update(self, result: PrecisionResult):
        """The curve for the mode and n, both overflow points, the current point, the bars, the
        float64 dots and the title naming the mode."""
        self.curve.set_ydata(result.curve)
        self.sum_line.set_xdata([result.sum_overflow, result.sum_overflow])
        self.square_line.set_xdata([result.square_overflow, result.square_overflow])
        self.dot.set_data([result.rms], [result.out_rms])
        for bar, v in zip(self.bars, result.output):
            bar.set_height(v)
        self.ref.set_ydata(result.reference[:len(self.bars)])
        self.title.set_text(self.names[result.mode])


class PrecisionPanel(Panel):
    """Grow the input's RMS and watch a float16 RMSNorm overflow: the sum first, then a square."""

    title = N_("float16 overflow")

    def __init__(self, rms: float = 2.0, n: int = 4096, mode: str = "float16"):
        rms = check_range("rms", rms, 2.0 ** RMS_EXPONENTS[0], 2.0 ** RMS_EXPONENTS[1])
        check_choice("n", n, FEATURES)
        check_choice("mode", mode, MODES)
        controls = {
            "rms": widgets.FloatLogSlider(value=rms, base=2, min=RMS_EXPONENTS[0], max=RMS_EXPONENTS[1],
                                          step=0.125, description=_("input RMS"), readout_format=".4g",
                                          layout=widgets.Layout(width="360px")),
            "n": widgets.ToggleButtons(options=[(str(k), k) for k in FEATURES], value=n,
                                       description=_("features n"),
                                       style={"button_width": "56px"}),
            "mode": widgets.ToggleButtons(options=[(mode_name(key), key) for key in MODES],
                                          value=mode, description="",
                                          style={"button_width": "190px"}),
        }
        super().__init__(controls)

    def make_figure(self) -> PrecisionFigure:
        limit = max(float(np.max(np.abs(unit_direction(n)[:SHOWN]))) for n in FEATURES) * 1.1
        return PrecisionFigure(RMS_GRID, limit, {mode: mode_name(mode) for mode in MODES})

    def compute(self, rms, n, mode) -> PrecisionResult:
        return precision_at(rms, mode, n)

    def readout(self, result: PrecisionResult) -> str:
        return _("input RMS = {rms}, n = {n} (largest |x| = {largest}), {mode}: output RMS = "
                 "<b>{out_rms}</b>, largest error against float64 = {max_error}.<br>"
                 "The float16 sum of the squares overflows from input RMS {sum_overflow} "
                 "(256/√n = {estimate}); the largest square overflows from input RMS "
                 "{square_overflow}.").format(
            rms=f"{result.rms:.4g}", n=result.n, largest=f"{result.largest:.4g}",
            mode=mode_name(result.mode), out_rms=f"{result.out_rms:.4f}",
            max_error=f"{result.max_error:.2e}", sum_overflow=f"{result.sum_overflow:.5g}",
            estimate=f"{256 / np.sqrt(result.n):.5g}", square_overflow=f"{result.square_overflow:.5g}")

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: input RMS {rms}, n = {n}, {mode}>").format(
            title=_(self.title), rms=f"{v['rms']:.4g}", n=v["n"], mode=_(v["mode"]))
