"""The RMS of a vector, step by step: RMSFigure and RMSPanel (notebook 01).

Left: the values x_i, with the RMS, the mean and the standard deviation drawn as levels.
Right: the squares x_i**2, their mean (= RMS**2), and one stacked bar mean**2 + var that always
reaches the same height: the identity RMS**2 = mean**2 + var. One slider per entry; the numbers
come from :func:`rmsviz.experiments.rms.rms_stats`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.rms import RMSStats, rms_stats
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel
from rmsviz.style import COLORS

__all__ = ["RMSFigure", "RMSPanel"]


class RMSFigure(LiveFigure):
    """Bars for x, x**2, the mean of squares and the RMS of ``n`` values; axis limits fixed by ``limit``."""

    def __init__(self, n: int = 4, limit: float = 10.0):
        super().__init__(1, 2, figsize=(9.0, 3.6), gridspec_kw={"width_ratios": [1, 1.25]})
        self.n = n
        ax_x, ax_sq = self.axes
        positions = np.arange(n)
        labels = [f"x{i + 1}" for i in range(n)]

        ax_x.set_title(_("values x and their RMS"))
        ax_x.set_xticks(positions, labels)
        ax_x.set_xlim(-0.6, n - 0.4)
        ax_x.set_ylim(-limit * 1.05, limit * 1.05)
        ax_x.axhline(0, color="0.6", lw=0.8)
        self.value_bars = self.moving(*ax_x.bar(positions, np.zeros(n), color=COLORS["x"], width=0.6))
        self.rms_line = self.moving(ax_x.axhline(0, color=COLORS["rms"], lw=2.2, label=_("RMS")))
        self.mean_line = self.moving(ax_x.axhline(0, color=COLORS["mean"], lw=2, ls="--", label=_("mean")))
        self.std_line = self.moving(ax_x.axhline(0, color=COLORS["std"], lw=2, ls=":", label=_("std")))
        ax_x.legend(loc="lower right", ncols=3, frameon=False)

        ax_sq.set_title(_("squares x² and their mean"))
        ax_sq.set_xticks(list(positions) + [n + 0.4], [f"{lab}²" for lab in labels] + [_("mean²\n+ var")])
        ax_sq.set_xlim(-0.6, n + 1.0)
        ax_sq.set_ylim(0, limit**2 * 1.05)
        self.square_bars = self.moving(*ax_sq.bar(positions, np.zeros(n), color=COLORS["square"], width=0.6))
        self.mean_sq_bar = self.moving(ax_sq.bar([n + 0.4], [0], color=COLORS["mean"], width=0.6,
                                                 label=_("mean²"))[0])
        self.var_bar = self.moving(ax_sq.bar([n + 0.4], [0], color=COLORS["std"], width=0.6,
                                             label=_("var"))[0])
        self.ms_line = self.moving(ax_sq.axhline(0, color=COLORS["rms"], lw=2.2,
                                                 label=_("mean of squares = RMS²")))
        ax_sq.legend(loc="upper left", frameon=False)
        self.caption = self.moving(self.fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=11))
        self.fig.get_layout_engine().set(h_pad=0.25)

    def update(self, result: RMSStats):
        """Bars, levels and caption for the statistics of one vector."""
        x, mean, std, value, ms = result.x, result.mean, result.std, result.rms, result.mean_square
        if x.shape != (self.n,):
            raise ValueError(f"x must have {self.n} entries, got shape {x.shape}")
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
            _("mean = {mean}   std = {std}   RMS = {rms}   mean² + var = {mean_sq} + {var} = {total} = RMS²")
            .format(mean=f"{mean:.2f}", std=f"{std:.2f}", rms=f"{value:.2f}", mean_sq=f"{mean**2:.2f}",
                    var=f"{std**2:.2f}", total=f"{mean**2 + std**2:.2f}"))


class RMSPanel(Panel):
    """Drag x1..xn; watch x, x², the mean of squares, the RMS, the mean and the std move."""

    title = N_("RMS step by step")

    def __init__(self, x=(2.0, 4.0, 6.0, 8.0), limit: float = 10.0):
        x = np.asarray(x, dtype=float)
        if x.ndim != 1 or not 1 <= x.size <= 8:
            raise ValueError(f"x must be a vector of 1 to 8 entries, got shape {x.shape}")
        if not np.all(np.abs(x) <= limit):
            raise ValueError(f"every entry of x must lie in [-{limit}, {limit}]")
        self.n, self.limit = x.size, float(limit)
        controls = {
            f"x{i + 1}": widgets.FloatSlider(value=float(v), min=-limit, max=limit, step=0.5,
                                             description=f"x{i + 1}", continuous_update=True,
                                             layout=widgets.Layout(width="260px"))
            for i, v in enumerate(x)
        }
        super().__init__(controls)

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.controls[f"x{i + 1}"].value for i in range(self.n)])

    def make_figure(self) -> RMSFigure:
        return RMSFigure(n=self.n, limit=self.limit)

    def compute(self, **values) -> RMSStats:
        return rms_stats([values[f"x{i + 1}"] for i in range(self.n)])

    def readout(self, result: RMSStats) -> str:
        return _("RMS = <b>{rms}</b> &nbsp; mean = {mean} &nbsp; std = {std}").format(
            rms=f"{result.rms:.3f}", mean=f"{result.mean:.3f}", std=f"{result.std:.3f}")

    def __repr__(self) -> str:
        return _("<{title} panel: x = {x}>").format(title=_(self.title), x=self.vector.tolist())
