"""Four apple weights through RMSNorm and LayerNorm: ApplesFigure and ApplesPanel (notebook 02).

Left: the weights in the chosen unit (grams or kilograms; the axis changes with the unit, so a unit
switch redraws the background once). Middle: RMSNorm(weights), right: LayerNorm(weights)
(z-scores, no gain or bias). The output axes are fixed: for 4 features |RMSNorm| <= 2 and
|LayerNorm| <= sqrt(3), so nothing has to rescale when a weight moves. The numbers come from
:func:`rmsviz.experiments.apples.normalise_apples`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.examples import APPLE_WEIGHTS_G
from rmsviz.experiments.apples import UNITS, ApplesResult, normalise_apples
from rmsviz.figures.live import LiveFigure
from rmsviz.formatting import fmt_vector
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_range
from rmsviz.style import COLORS

__all__ = ["ApplesFigure", "ApplesPanel"]

#: The smallest weight a slider offers, in grams.
MIN_GRAMS = 10.0


class ApplesFigure(LiveFigure):
    """Bars for the weights, RMSNorm(weights) and LayerNorm(weights); ``max_grams`` fixes the input axis."""

    def __init__(self, max_grams: float = 500.0):
        super().__init__(1, 3, figsize=(10.0, 3.4))
        self.max_grams, self.unit = float(max_grams), None
        ax_in, ax_rms, ax_ln = self.axes
        pos = np.arange(4)
        labels = [_("apple {number}").format(number=i + 1) for i in range(4)]
        for ax in self.axes:
            ax.set_xticks(pos, labels, fontsize=8)
            ax.set_xlim(-0.6, 3.6)
        self.in_bars = self.moving(*ax_in.bar(pos, np.zeros(4), color=COLORS["x"], width=0.6))
        for ax, title in ((ax_rms, _("RMSNorm(weights)")), (ax_ln, _("LayerNorm(weights)  (z-score)"))):
            ax.set_title(title)
            ax.set_ylim(-2.1, 2.1)
            ax.axhline(0, color="0.6", lw=0.8)
            for level in (-1, 1):
                ax.axhline(level, color="0.85", lw=0.8, ls=":")
        self.rms_bars = self.moving(*ax_rms.bar(pos, np.zeros(4), color=COLORS["rmsnorm"], width=0.6))
        self.ln_bars = self.moving(*ax_ln.bar(pos, np.zeros(4), color=COLORS["layernorm"], width=0.6))
        self.rms_text = self.moving(ax_rms.text(0.02, 0.02, "", transform=ax_rms.transAxes, fontsize=8))
        self.ln_text = self.moving(ax_ln.text(0.02, 0.02, "", transform=ax_ln.transAxes, fontsize=8))
        self.in_labels = self.moving(*[ax_in.text(i, 0, "", ha="center", va="bottom", fontsize=8)
                                       for i in pos])
        self.set_unit("g")

    def set_unit(self, unit: str):
        """Show the inputs in grams or kilograms (changes the input axis: redraws the background)."""
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {sorted(UNITS)}, got {unit!r}")
        if unit != self.unit:
            self.unit = unit
            ax_in = self.axes[0]
            ax_in.set_ylim(0, self.max_grams * 1.12 / UNITS[unit])
            ax_in.set_title(_("apple weights in {unit}").format(unit=unit))
            self.invalidate()

    def update(self, result: ApplesResult):
        """Bars and texts for the weights (in the result's unit) and both outputs."""
        self.set_unit(result.unit)
        label = "{:.0f}" if result.unit == "g" else "{:.3f}"
        for bar, text, v in zip(self.in_bars, self.in_labels, result.weights):
            bar.set_height(v)
            text.set_y(v)
            text.set_text(label.format(v))
        for bar, v in zip(self.rms_bars, result.rms_norm):
            bar.set_height(v)
        for bar, v in zip(self.ln_bars, result.layer_norm):
            bar.set_height(v)
        self.rms_text.set_text(_("mean {mean}   RMS {rms}").format(
            mean=f"{result.rms_norm_mean:.3f}", rms=f"{result.rms_norm_rms:.3f}"))
        self.ln_text.set_text(_("mean {mean}   std {std}").format(
            mean=f"{abs(result.layer_norm_mean):.3f}", std=f"{result.layer_norm_std:.3f}"))


class ApplesPanel(Panel):
    """Drag the apple weights (grams) and switch the unit: watch both normalisations."""

    title = N_("Apples: RMSNorm and LayerNorm")

    def __init__(self, weights_g=tuple(APPLE_WEIGHTS_G), max_grams: float = 500.0):
        self.max_grams = check_range("max_grams", max_grams, 2 * MIN_GRAMS, 1e6)
        w = np.asarray(weights_g, dtype=float)
        if w.shape != (4,):
            raise ValueError(f"weights_g must be 4 weights, got {weights_g}")
        for weight in w:
            check_range("every weight in weights_g (g)", float(weight), MIN_GRAMS, self.max_grams)
        controls = {
            f"w{i + 1}": widgets.FloatSlider(value=float(v), min=MIN_GRAMS, max=self.max_grams, step=10.0,
                                             description=_("apple {number} (g)").format(number=i + 1),
                                             style={"description_width": "initial"},
                                             layout=widgets.Layout(width="240px"))
            for i, v in enumerate(w)
        }
        controls["unit"] = widgets.ToggleButtons(options=list(UNITS), value="g", description=_("unit"))
        super().__init__(controls)

    @property
    def weights_g(self) -> np.ndarray:
        return np.array([self.controls[f"w{i + 1}"].value for i in range(4)])

    def make_figure(self) -> ApplesFigure:
        return ApplesFigure(max_grams=self.max_grams)

    def compute(self, w1, w2, w3, w4, unit) -> ApplesResult:
        return normalise_apples([w1, w2, w3, w4], unit)

    def readout(self, result: ApplesResult) -> str:
        return _("RMSNorm = {rms_norm} &nbsp; LayerNorm = {layer_norm}").format(
            rms_norm=fmt_vector(result.rms_norm), layer_norm=fmt_vector(result.layer_norm))

    def __repr__(self) -> str:
        return _("<{title} panel: weights = {weights} g, unit = {unit}>").format(
            title=_(self.title), weights=self.weights_g.tolist(), unit=self.controls["unit"].value)
