"""RMSBarsFigure: the RMS of a vector drawn as bars (notebook 01).

Left: the values x_i, with the RMS, the mean and the standard deviation drawn as levels.
Right: the squares x_i**2, their mean (= RMS**2), and one stacked bar mean**2 + var that always
reaches the same height: the identity RMS**2 = mean**2 + var.
"""

from __future__ import annotations

import numpy as np

from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS
from rmsviz.norms import rms


class RMSBarsFigure(LiveFigure):
    """Bars for x, x**2, the mean of squares and the RMS; axis limits fixed by ``limit``."""

    def __init__(self, n: int = 4, limit: float = 10.0):
        super().__init__(1, 2, figsize=(9.0, 3.6), gridspec_kw={"width_ratios": [1, 1.25]})
        self.n = n
        ax_x, ax_sq = self.axes
        positions = np.arange(n)
        labels = [f"x{i + 1}" for i in range(n)]

        ax_x.set_title("values x and their RMS")
        ax_x.set_xticks(positions, labels)
        ax_x.set_xlim(-0.6, n - 0.4)
        ax_x.set_ylim(-limit * 1.05, limit * 1.05)
        ax_x.axhline(0, color="0.6", lw=0.8)
        self.value_bars = self.moving(*ax_x.bar(positions, np.zeros(n), color=COLORS["x"], width=0.6))
        self.rms_line = self.moving(ax_x.axhline(0, color=COLORS["rms"], lw=2.2, label="RMS"))
        self.mean_line = self.moving(ax_x.axhline(0, color=COLORS["mean"], lw=2, ls="--", label="mean"))
        self.std_line = self.moving(ax_x.axhline(0, color=COLORS["std"], lw=2, ls=":", label="std"))
        ax_x.legend(loc="lower right", ncols=3, frameon=False)

        ax_sq.set_title("squares x² and their mean")
        ax_sq.set_xticks(list(positions) + [n + 0.4], [f"{lab}²" for lab in labels] + ["mean²\n+ var"])
        ax_sq.set_xlim(-0.6, n + 1.0)
        ax_sq.set_ylim(0, limit**2 * 1.05)
        self.square_bars = self.moving(*ax_sq.bar(positions, np.zeros(n), color=COLORS["square"], width=0.6))
        self.mean_sq_bar = self.moving(ax_sq.bar([n + 0.4], [0], color=COLORS["mean"], width=0.6,
                                                 label="mean²")[0])
        self.var_bar = self.moving(ax_sq.bar([n + 0.4], [0], color=COLORS["std"], width=0.6,
                                             label="var")[0])
        self.ms_line = self.moving(ax_sq.axhline(0, color=COLORS["rms"], lw=2.2,
                                                 label="mean of squares = RMS²"))
        ax_sq.legend(loc="upper left", frameon=False)
        self.caption = self.moving(self.fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=11))
        self.fig.get_layout_engine().set(h_pad=0.25)

    def update(self, x) -> dict:
        """Redraw for the vector x; returns the statistics shown (mean, std, ms, rms)."""
        x = np.asarray(x, dtype=float)
        if x.shape != (self.n,):
            raise ValueError(f"x must have {self.n} entries, got shape {x.shape}")
        mean = float(np.mean(x))
        std = float(np.std(x))
        value = float(rms(x))
        ms = value**2
        for bar, v in zip(self.value_bars, x):
            bar.set_height(v)
            bar.set_color(COLORS["x"] if v >= 0 else COLORS["negative"])
        for bar, v in zip(self.square_bars, x**2):
            bar.set_height(v)
        self.rms_line.set_ydata([value, value])
        self.mean_line.set_ydata([mean, mean])
        self.std_line.set_ydata([std, std])
        self.ms_line.set_ydata([ms, ms])
        self.mean_sq_bar.set_height(mean**2)
        self.var_bar.set_y(mean**2)
        self.var_bar.set_height(std**2)
        self.caption.set_text(
            f"mean = {mean:.2f}   std = {std:.2f}   RMS = {value:.2f}   "
            f"mean² + var = {mean**2:.2f} + {std**2:.2f} = {mean**2 + std**2:.2f} = RMS²"
        )
        return {"mean": mean, "std": std, "mean_square": ms, "rms": value}
