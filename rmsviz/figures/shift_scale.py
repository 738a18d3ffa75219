"""ShiftScaleFigure: an input a*x + b and its RMSNorm and LayerNorm, side by side (notebook 03).

Left: the input a*x0 + b (x0 fixed). Middle: RMSNorm of it; right: LayerNorm of it. Each output
axis shows the output's mean as a dashed line; the texts give the output mean and RMS. All axis
limits are fixed (|input| <= max|a| * max|x0| + max|b|; for n features both outputs lie within
sqrt(n)), so a move redraws only the bars, the lines and the texts.
"""

from __future__ import annotations

import numpy as np

from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS
from rmsviz.norms import layer_norm, rms, rms_norm

DEFAULT_X0 = (0.5, 2.0, -1.0, 2.5, 0.0, 3.0)


class ShiftScaleFigure(LiveFigure):
    """Bars for a*x0 + b, RMSNorm(a*x0 + b) and LayerNorm(a*x0 + b)."""

    def __init__(self, x0=DEFAULT_X0, max_scale: float = 3.0, max_shift: float = 5.0,
                 eps: float = 1e-6):
        super().__init__(1, 3, figsize=(10.0, 3.4))
        self.x0 = np.asarray(x0, dtype=float)
        if self.x0.ndim != 1 or not 2 <= self.x0.size <= 12:
            raise ValueError(f"x0 must be a vector of 2 to 12 entries, got shape {self.x0.shape}")
        self.eps = eps
        n = self.x0.size
        pos = np.arange(n)
        in_lim = max_scale * float(np.max(np.abs(self.x0))) + max_shift
        out_lim = float(np.sqrt(n)) * 1.05
        titles = ("input a·x + b", "RMSNorm(a·x + b)", "LayerNorm(a·x + b)")
        colors = (COLORS["x"], COLORS["rmsnorm"], COLORS["layernorm"])
        self.bars, self.mean_lines, self.texts = [], [], []
        for ax, title, color, lim in zip(self.axes, titles, colors, (in_lim, out_lim, out_lim)):
            ax.set_title(title)
            ax.set_xticks(pos, [f"x{i + 1}" for i in pos], fontsize=8)
            ax.set_xlim(-0.6, n - 0.4)
            ax.set_ylim(-lim, lim)
            ax.axhline(0, color="0.6", lw=0.8)
            self.bars.append(self.moving(*ax.bar(pos, np.zeros(n), color=color, width=0.6)))
            self.mean_lines.append(self.moving(ax.axhline(0, color=COLORS["mean"], lw=1.8, ls="--")))
            self.texts.append(self.moving(ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=8)))

    def update(self, scale: float, shift: float) -> dict:
        """Redraw for the input scale * x0 + shift; returns the input, both outputs and their stats."""
        x = scale * self.x0 + shift
        out = {"input": x, "rms_norm": rms_norm(x, eps=self.eps), "layer_norm": layer_norm(x, eps=self.eps)}
        stats = {}
        for key, bars, line, text in zip(out, self.bars, self.mean_lines, self.texts):
            v = out[key]
            for bar, h in zip(bars, v):
                bar.set_height(h)
            mean, r = float(np.mean(v)), float(rms(v))
            mean = 0.0 if abs(mean) < 5e-13 else mean
            line.set_ydata([mean, mean])
            text.set_text(f"mean {mean:.3f}   RMS {r:.3f}")
            stats[key] = (mean, r)
        out["stats"] = stats
        return out
