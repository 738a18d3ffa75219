"""Four apple weights through RMSNorm and LayerNorm: ApplesFigure and ApplesPanel (notebook 02).

Left: the weights in the chosen unit (grams or kilograms). Middle: RMSNorm(weights), right:
LayerNorm(weights) (z-scores, no gain or bias). Every axis is fixed: the weights axis is in grams
whatever the unit, and a unit switch only changes its tick labels and title. The figure keeps one
cached background per unit, so after the first switch no control redraws a background. For 4 features
|RMSNorm| <= 2 and |LayerNorm| <= sqrt(3), so the output axes never rescale either. The numbers
come from :func:`rmsviz.experiments.apples.normalise_apples` with eps = 0, so the unit changes no
digit of either output (with eps = 1e-6, LayerNorm's 1.342 would read 1.341 in kg: notebook 02).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter

from rmsviz.examples import APPLE_WEIGHTS_G
from rmsviz.experiments.apples import UNITS, ApplesResult, normalise_apples
from rmsviz.figures.live import LiveFigure
from rmsviz.formatting import fmt, fmt_vector
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_range
from rmsviz.style import COLORS

__all__ = ["ApplesFigure", "ApplesPanel"]

#: The smallest weight a slider offers, in grams.
MIN_GRAMS = 10.0

#: The panel's eps: 0, so that grams and kilograms give identical outputs (weights are >= 10 g).
PANEL_EPS = 0.0


def _unit_text(value_g: float, unit: str) -> str:
    """A weight given in grams, as text in ``unit`` (200 -> "200" in g, "0.2" in kg)."""
    return fmt(value_g / UNITS[unit], 3)


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
        # The weights axis is in grams whatever the unit: the bars never move when the unit changes;
        # only the tick labels (a formatter) and the title do. Both are static, and the figure keeps
        # one cached background per unit, so a unit switch costs what a slider move costs.
        ax_in.set_ylim(0, self.max_grams * 1.12)
        ax_in.yaxis.set_major_formatter(FuncFormatter(lambda grams, _pos: _unit_text(grams, self.unit)))
        self._backgrounds: dict = {}
        self.in_bars = self.moving(*ax_in.bar(pos, np.zeros(4), color=COLORS["x"], width=0.6))
        for ax, title in ((ax_rms, _("RMSNorm(weights)")), (ax_ln, _("LayerNorm(weights)  (z-score)"))):
            ax.set_title(title)
            ax.set_ylim(-2.1, 2.1)
            ax.axhline(0, color="0.6", lw=0.8)
            for level in (-1, 1):
                ax.axhline(level, color="0.85", lw=0.8, ls=":")
        self.rms_bars = self.moving(*ax_rms.bar(pos, np.zeros(4), color=COLORS["rmsnorm"], width=0.6))
        self.ln_bars = self.moving(*ax_ln.bar(pos, np.zeros(4), color=COLORS["layernorm"], width=0.6))
        self.fig.supxlabel(_("the text's framing: the four apples are the four features of one vector"),
                           fontsize=9)
        self.set_unit("g")

    def set_unit(self, unit: str):
        """Show the weights in grams or kilograms: new tick labels and title, nothing else moves.

        The static background of each unit is drawn once and kept, so switching back and forth
        only restores a cached background.
        """
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {sorted(UNITS)}, got {unit!r}")
        if unit != self.unit:
            if self.unit is not None:
                self._backgrounds[self.unit] = self._background
            self.unit = unit
            self.axes[0].set_title(_("apple weights in {unit}").format(unit=unit))
            self._background = self._backgrounds.get(unit)

    def update(self, result: ApplesResult):
        """Bars for the weights (the axis in the result's unit) and both outputs.

        Only bars move: the numbers are in the panel's readout, because drawing text is most of
        the cost of a redraw.
        """
        self.set_unit(result.unit)
        for bar, grams in zip(self.in_bars, result.weights_g):
            bar.set_height(grams)
        for bar, v in zip(self.rms_bars, result.rms_norm):
            bar.set_height(v)
        for bar, v in zip(self.ln_bars, result.layer_norm):
            bar.set_height(v)


class ApplesPanel(Panel):
    """Drag the apple weights (grams) and switch the unit: watch both normalisations (eps = 0)."""

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
        return normalise_apples([w1, w2, w3, w4], unit, eps=PANEL_EPS)

    def readout(self, result: ApplesResult) -> str:
        weights = "[" + ", ".join(fmt(v, 3) for v in result.weights) + "]"
        return "<br>".join((
            _("weights = {weights} {unit} &nbsp; (eps = 0)").format(weights=weights, unit=result.unit),
            _("RMSNorm = {values} &nbsp; mean {mean}, RMS {rms}").format(
                values=fmt_vector(result.rms_norm), mean=f"{result.rms_norm_mean:.3f}",
                rms=f"{result.rms_norm_rms:.3f}"),
            _("LayerNorm = {values} &nbsp; mean {mean}, std {std}").format(
                values=fmt_vector(result.layer_norm), mean=f"{abs(result.layer_norm_mean):.3f}",
                std=f"{result.layer_norm_std:.3f}"),
        ))

    def __repr__(self) -> str:
        return _("<{title} panel: weights = {weights} g, unit = {unit}>").format(
            title=_(self.title), weights=self.weights_g.tolist(), unit=self.controls["unit"].value)
