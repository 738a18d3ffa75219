"""An input a·x + s and its RMSNorm and LayerNorm side by side: ShiftScaleFigure and
ShiftScalePanel (notebook 03).

Left: the input a*x0 + s (x0 fixed; s is the same number added to every feature). Middle: RMSNorm of it; right: LayerNorm of it. Each output
axis shows the output's mean as a dashed line; the texts give the output mean and RMS. All axis
limits are fixed (|input| <= max|a| * max|x0| + max|s|; for n features both outputs lie within
sqrt(n)), so a move redraws only the bars, the lines and the texts. The numbers come from
:func:`rmsviz.experiments.shift_scale.shift_and_scale`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.shift_scale import DEFAULT_X0, ShiftScaleResult, check_x0, shift_and_scale
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_range
from rmsviz.style import COLORS

__all__ = ["ShiftScaleFigure", "ShiftScalePanel"]

#: The smallest |a| the scale slider offers.
MIN_SCALE = 0.1
SIGNS = ("+", "−")


class ShiftScaleFigure(LiveFigure):
    """Bars for a*x0 + s, RMSNorm(a*x0 + s) and LayerNorm(a*x0 + s) for an ``n``-entry x0."""

    def __init__(self, n: int, input_limit: float):
        super().__init__(1, 3, figsize=(10.0, 3.4))
        pos = np.arange(n)
        out_limit = float(np.sqrt(n)) * 1.05
        titles = (_("input a·x + s"), _("RMSNorm(a·x + s)"), _("LayerNorm(a·x + s)"))
        colors = (COLORS["highlight"], COLORS["rmsnorm"], COLORS["layernorm"])
        self.bars, self.mean_lines, self.texts = [], [], []
        for ax, title, color, lim in zip(self.axes, titles, colors, (input_limit, out_limit, out_limit)):
            ax.set_title(title, fontsize=12)
            ax.set_xticks(pos, [f"x{i + 1}" for i in pos], fontsize=10)
            ax.tick_params(axis="y", labelsize=10)
            ax.set_xlim(-0.6, n - 0.4)
            ax.set_ylim(-lim, lim)
            ax.axhline(0, color="0.6", lw=0.8)
            self.bars.append(self.moving(*ax.bar(pos, np.zeros(n), color=color, width=0.6)))
            self.mean_lines.append(self.moving(ax.axhline(0, color=COLORS["mean"], lw=1.8, ls="--",
                                                          label=_("mean"))))
            self.texts.append(self.moving(ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=10)))
        self.axes[0].legend(loc="upper left", fontsize=10, frameon=False)

    def update(self, result: ShiftScaleResult):
        """Bars, mean lines and texts for the input and both outputs."""
        for summary, bars, line, text in zip((result.input, result.rms_norm, result.layer_norm),
                                             self.bars, self.mean_lines, self.texts):
            for bar, h in zip(bars, summary.values):
                bar.set_height(h)
            line.set_ydata([summary.mean, summary.mean])
            text.set_text(_("mean {mean}   RMS {rms}").format(mean=f"{summary.mean:.3f}",
                                                             rms=f"{summary.rms:.3f}"))


class ShiftScalePanel(Panel):
    """Apply a*x + s (a = sign * scale, s the same number added to every feature) and watch which normalisation ignores what."""

    title = N_("Shift and scale: RMSNorm vs LayerNorm")

    def __init__(self, x0=DEFAULT_X0, max_scale: float = 3.0, max_shift: float = 5.0):
        self.x0 = check_x0(x0)
        self.max_scale = check_range("max_scale", max_scale, 1.0, 1e3)
        self.max_shift = check_range("max_shift", max_shift, 0.25, 1e3)
        controls = {
            "scale": widgets.FloatSlider(value=1.0, min=MIN_SCALE, max=self.max_scale, step=0.1,
                                         description=_("scale |a|")),
            "sign": widgets.ToggleButtons(options=list(SIGNS), value="+", description=_("sign of a")),
            "shift": widgets.FloatSlider(value=0.0, min=-self.max_shift, max=self.max_shift, step=0.25,
                                         description=_("shift s")),
        }
        super().__init__(controls)

    @staticmethod
    def _a(scale: float, sign: str) -> float:
        return scale * (1.0 if sign == "+" else -1.0)

    @property
    def a(self) -> float:
        return self._a(self.controls["scale"].value, self.controls["sign"].value)

    def make_figure(self) -> ShiftScaleFigure:
        input_limit = self.max_scale * float(np.max(np.abs(self.x0))) + self.max_shift
        return ShiftScaleFigure(self.x0.size, input_limit)

    def compute(self, scale, sign, shift) -> ShiftScaleResult:
        return shift_and_scale(self.x0, self._a(scale, sign), shift)

    def readout(self, result: ShiftScaleResult) -> str:
        return _("a = {a}, s = {s} &nbsp;|&nbsp; RMSNorm output: mean <b>{rms_mean}</b>, RMS "
                 "<b>{rms_rms}</b> &nbsp;|&nbsp; LayerNorm output: mean <b>{ln_mean}</b>, RMS "
                 "<b>{ln_rms}</b>").format(
            a=f"{result.a:.2f}", s=f"{result.b:.2f}", rms_mean=f"{result.rms_norm.mean:.3f}",
            rms_rms=f"{result.rms_norm.rms:.3f}", ln_mean=f"{result.layer_norm.mean:.3f}",
            ln_rms=f"{result.layer_norm.rms:.3f}")

    def __repr__(self) -> str:
        return _("<{title} panel: a = {a}, s = {s}>").format(
            title=_(self.title), a=f"{self.a:.2f}", s=f"{self.controls['shift'].value:.2f}")
