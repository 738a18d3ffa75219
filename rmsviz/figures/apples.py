"""ApplesFigure: four apple weights, their RMSNorm and their LayerNorm side by side (notebook 02).

Left: the weights in the chosen unit (grams or kilograms; the axis changes with the unit, so a unit
switch redraws the background once). Middle: RMSNorm(weights), right: LayerNorm(weights)
(z-scores, no gain or bias). The output axes are fixed: for 4 features |RMSNorm| <= 2 and
|LayerNorm| <= sqrt(3), so nothing has to rescale when a weight moves.
"""

from __future__ import annotations

import numpy as np

from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS
from rmsviz.norms import layer_norm, rms, rms_norm

UNITS = {"g": 1.0, "kg": 1000.0}


class ApplesFigure(LiveFigure):
    """Bars for the weights, RMSNorm(weights) and LayerNorm(weights); ``max_grams`` fixes the input axis."""

    def __init__(self, max_grams: float = 500.0, eps: float = 1e-6):
        super().__init__(1, 3, figsize=(10.0, 3.4))
        self.max_grams, self.eps, self.unit = float(max_grams), eps, None
        ax_in, ax_rms, ax_ln = self.axes
        pos = np.arange(4)
        labels = [f"apple {i + 1}" for i in range(4)]
        for ax in self.axes:
            ax.set_xticks(pos, labels, fontsize=8)
            ax.set_xlim(-0.6, 3.6)
        self.in_bars = self.moving(*ax_in.bar(pos, np.zeros(4), color=COLORS["x"], width=0.6))
        for ax, key, title in ((ax_rms, "rmsnorm", "RMSNorm(weights)"),
                               (ax_ln, "layernorm", "LayerNorm(weights)  (z-score)")):
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
            ax_in.set_title(f"apple weights in {unit}")
            self.invalidate()

    def update(self, weights_g, unit: str = "g") -> dict:
        """Redraw for weights given in grams, shown and normalised in ``unit``; returns the outputs."""
        w = np.asarray(weights_g, dtype=float)
        if w.shape != (4,):
            raise ValueError(f"weights_g must have 4 entries, got shape {w.shape}")
        self.set_unit(unit)
        x = w / UNITS[unit]
        y_rms, y_ln = rms_norm(x, eps=self.eps), layer_norm(x, eps=self.eps)
        fmt = "{:.0f}" if unit == "g" else "{:.3f}"
        for bar, label, v in zip(self.in_bars, self.in_labels, x):
            bar.set_height(v)
            label.set_y(v)
            label.set_text(fmt.format(v))
        for bar, v in zip(self.rms_bars, y_rms):
            bar.set_height(v)
        for bar, v in zip(self.ln_bars, y_ln):
            bar.set_height(v)
        self.rms_text.set_text(f"mean {np.mean(y_rms):.3f}   RMS {float(rms(y_rms)):.3f}")
        self.ln_text.set_text(f"mean {abs(np.mean(y_ln)):.3f}   std {np.std(y_ln):.3f}")
        return {"input": x, "rms_norm": y_rms, "layer_norm": y_ln}
