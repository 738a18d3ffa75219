"""The RMS of a vector, step by step: RMSFigure and RMSPanel (notebook 01).

Left: the values x_i, with the RMS and the mean drawn as levels and the standard deviation as a
band mean ± std around the mean (a spread, not a level).
Right: the squares x_i**2, their mean (= RMS**2), and one stacked bar mean**2 + var that always
reaches the same height: the identity RMS**2 = mean**2 + var. One slider per entry; the numbers
come from :func:`rmsviz.experiments.rms.rms_stats`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from rmsviz.experiments.rms import RMSStats, rms_stats
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel
from rmsviz.style import COLORS

__all__ = ["RMSFigure", "RMSPanel", "label_heights"]


#: Font sizes that a projector audience can read at the back of a room (figure is 9 in wide).
_TITLE_SIZE, _TEXT_SIZE = 13, 11
#: Height of the legend strip outside the bars' range, as a fraction of ``limit`` (of ``limit**2`` twice).
_LEGEND_STRIP = 0.2


def label_heights(rms: float, mean: float, gap: float, low: float, high: float) -> tuple[float, float]:
    """Heights of the "RMS" and "mean" labels: at their lines, at least ``gap`` apart, in [low, high].

    RMS(x) >= |mean(x)| >= mean(x), so the RMS label always goes above the mean label. When the two
    lines are closer than ``gap`` (x = [3, 4]: RMS 3.54, mean 3.50), the labels sit ``gap`` apart,
    centred on the two lines.
    """
    top, bottom = min(max(rms, low + gap), high), max(min(mean, high - gap), low)
    if top - bottom >= gap:
        return top, bottom
    middle = min(max((top + bottom) / 2, low + gap / 2), high - gap / 2)
    return middle + gap / 2, middle - gap / 2


class RMSFigure(LiveFigure):
    """Bars for x, x**2, the mean of squares and the RMS of ``n`` values; axis limits fixed by ``limit``.

    Left: the values with the RMS (a level measured from zero, black), the mean (orange, dashed) and
    the band mean ± std (green) around the mean: the std is a spread around the mean, not a level.
    A label at the right end of each line gives its value, so lines that nearly coincide are still
    told apart. Negative values are drawn in a colour far from the orange mean line.
    """

    #: Colour of a negative value (far from the orange mean line and from LayerNorm's vermilion).
    NEGATIVE = COLORS["highlight"]

    def __init__(self, n: int = 4, limit: float = 10.0):
        super().__init__(1, 2, figsize=(9.0, 3.9), gridspec_kw={"width_ratios": [1.15, 1.1]})
        self.n, self.limit = n, limit
        ax_x, ax_sq = self.axes
        positions = np.arange(n)
        labels = [f"x{i + 1}" for i in range(n)]
        for ax in self.axes:
            ax.tick_params(labelsize=_TEXT_SIZE)

        ax_x.set_title(_("values x: RMS, mean and mean ± std"), fontsize=_TITLE_SIZE)
        ax_x.set_xticks(positions, labels)
        # the lines stop where the bars end; the room on their right holds the lines' labels
        ax_x.set_xlim(-0.6, n + 0.9)
        line_end = (n - 0.4 + 0.6) / (n + 0.9 + 0.6)  # in axes fraction
        # a strip below -limit that no bar reaches holds the legend (drawn once, never covered)
        ax_x.set_ylim(-limit * (1.05 + _LEGEND_STRIP), limit * 1.05)
        ax_x.set_yticks(np.linspace(-limit, limit, 5))
        ax_x.axhline(0, 0, line_end, color="0.6", lw=0.8)
        self.std_band = self.moving(Rectangle((0, 0), line_end, 0, transform=ax_x.get_yaxis_transform(),
                                              facecolor=COLORS["std"], alpha=0.22, edgecolor="none",
                                              label=_("mean ± std")))
        ax_x.add_patch(self.std_band)
        self.value_bars = self.moving(*ax_x.bar(positions, np.zeros(n), color=COLORS["x"], width=0.6))
        # the RMS is drawn thick and the mean thin and dashed on top: where they meet, both show
        self.rms_line = self.moving(ax_x.axhline(0, 0, line_end, color=COLORS["rms"], lw=4,
                                                 label=_("RMS")))
        self.mean_line = self.moving(ax_x.axhline(0, 0, line_end, color=COLORS["mean"], lw=2, ls=(0, (4, 2)),
                                                  label=_("mean")))
        label_x = n - 0.3
        self.rms_label = self.moving(ax_x.text(label_x, 0, "", ha="left", va="center", fontsize=_TEXT_SIZE,
                                               color=COLORS["rms"], fontweight="bold"))
        self.mean_label = self.moving(ax_x.text(label_x, 0, "", ha="left", va="center", fontsize=_TEXT_SIZE,
                                                color=COLORS["mean"], fontweight="bold"))
        # the smallest distance between the two labels: one line of text, in data units
        self.label_gap = 0.11 * 2 * limit * 1.05
        ax_x.legend(loc="lower left", ncols=3, fontsize=_TEXT_SIZE - 1, handlelength=1.6, columnspacing=1.0,
                    frameon=False, borderaxespad=0.2)

        ax_sq.set_title(_("squares x² and their mean"), fontsize=_TITLE_SIZE)
        ax_sq.set_xticks(list(positions) + [n + 0.4], [f"{lab}²" for lab in labels] + [_("mean²\n+ var")])
        ax_sq.set_xlim(-0.6, n + 1.0)
        # a strip above limit² that no bar reaches holds the legend
        ax_sq.set_ylim(0, limit**2 * (1.05 + 1.5 * _LEGEND_STRIP))
        ax_sq.set_yticks(np.linspace(0, limit**2, 6))
        self.square_bars = self.moving(*ax_sq.bar(positions, np.zeros(n), color=COLORS["square"], width=0.6))
        self.mean_sq_bar = self.moving(ax_sq.bar([n + 0.4], [0], color=COLORS["mean"], width=0.6,
                                                 label=_("mean²"))[0])
        self.var_bar = self.moving(ax_sq.bar([n + 0.4], [0], color=COLORS["std"], width=0.6,
                                             label=_("var = std²"))[0])
        self.ms_line = self.moving(ax_sq.axhline(0, color=COLORS["rms"], lw=2.5,
                                                 label=_("mean of squares = RMS²")))
        ax_sq.legend(loc="upper left", ncols=2, fontsize=_TEXT_SIZE - 1, handlelength=1.6, columnspacing=1.0,
                     frameon=False, borderaxespad=0.2)
        self.caption = self.moving(self.fig.text(0.5, 0.005, "", ha="center", va="bottom",
                                                 fontsize=_TEXT_SIZE + 1))
        self.fig.get_layout_engine().set(h_pad=0.25)

    def update(self, result: RMSStats):
        """Bars, levels, the std band, the labels and the caption for the statistics of one vector."""
        x, mean, std, value, ms = result.x, result.mean, result.std, result.rms, result.mean_square
        if x.shape != (self.n,):
            raise ValueError(f"x must have {self.n} entries, got shape {x.shape}")
        for bar, v in zip(self.value_bars, x):
            bar.set_height(v)
            bar.set_color(COLORS["x"] if v >= 0 else self.NEGATIVE)
        for bar, v in zip(self.square_bars, x**2):
            bar.set_height(v)
        self.rms_line.set_ydata([value, value])
        self.mean_line.set_ydata([mean, mean])
        # the band may reach beyond ±limit ([-10, -10, -10, 10]: mean - std = -13.7); clip it to the
        # bars' range so that it never covers the legend strip
        low, high = max(mean - std, -self.limit), min(mean + std, self.limit)
        self.std_band.set_y(low)
        self.std_band.set_height(high - low)
        # a label is centred on its height: keep half a gap of room at the top and bottom of the plot
        room = self.limit * 1.05 - self.label_gap / 2
        rms_y, mean_y = label_heights(value, mean, self.label_gap, -room, room)
        self.rms_label.set_position((self.rms_label.get_position()[0], rms_y))
        self.rms_label.set_text(_("RMS {value}").format(value=f"{value:.2f}"))
        self.mean_label.set_position((self.mean_label.get_position()[0], mean_y))
        self.mean_label.set_text(_("mean {value}").format(value=f"{mean:.2f}"))
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
