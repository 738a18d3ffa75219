"""How well the first p of the features estimate the RMS (pRMSNorm): PartialFigure and
PartialPanel (notebook 05).

Left: over many random vectors, the histogram of RMS(x[:k]) / RMS(x) at the current p (bar
heights relative to the tallest bar, so the axis stays fixed), with its mean (1 + bias) and the
band mean ± one standard deviation (the spread) marked. Right: spread beside the formula
sqrt(1/(2k) - 1/(2n)), |bias| and the median output error against p, with the paper's 6.25%
setting marked. The numbers come from
:func:`rmsviz.experiments.partial.estimate_at`, the curves from
:func:`rmsviz.experiments.partial.grid_sweep`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from rmsviz.experiments.partial import PAPER_P, P_GRID, PartialResult, PartialSweep, estimate_at, grid_sweep
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_range
from rmsviz.style import COLORS

__all__ = ["PartialFigure", "PartialPanel"]

#: Bins of the histogram of the estimate ratio.
EDGES = np.linspace(0.0, 2.0, 81)
TRIALS, FEATURES = 2000, 512
#: Top of the histogram's y axis: the tallest bar is 1, the legend sits above it.
HIST_TOP = 1.5


class PartialFigure(LiveFigure):
    """Histogram of the partial-RMS estimate at one p, and the ``sweep``'s bias, spread and output
    error against p (``trials`` vectors of ``n`` features)."""

    def __init__(self, sweep: PartialSweep, trials: int, n: int):
        super().__init__(1, 2, figsize=(9.5, 3.6))
        ax_h, ax_p = self.axes

        ax_h.set_xlim(EDGES[0], EDGES[-1])
        ax_h.set_ylim(0, HIST_TOP)
        ax_h.set_xlabel(_("RMS(first k features) / RMS(all n)"))
        ax_h.set_ylabel(_("vectors per bin (tallest bin = 1)"))
        ax_h.set_title(_("{trials} random vectors, n = {n}").format(trials=trials, n=n))
        ax_h.axvline(1.0, color=COLORS["none"], lw=1, ls=":")
        # The band is a Rectangle in (data x, axes y), up to just above the tallest bar (y = 1):
        # what axvspan returns from matplotlib 3.9 on
        # (before 3.9 it returns a Polygon, which has no set_x / set_width).
        self.band = self.moving(ax_h.add_patch(Rectangle(
            (0.9, 0.0), 0.2, 1.05 / HIST_TOP, transform=ax_h.get_xaxis_transform(), color=COLORS["mean"],
            alpha=0.2, lw=0, label=_("mean ± spread (1 std)"))))
        self.hist = self.moving(ax_h.stairs(np.zeros(EDGES.size - 1), EDGES, fill=True,
                                            color=COLORS["rmsnorm"], alpha=0.8,
                                            label=_("one ratio per vector")))
        self.mean_line = self.moving(ax_h.axvline(1.0, color=COLORS["mean"], lw=2, ls="--",
                                                  label=_("mean = 1 + estimate bias")))
        ax_h.legend(handles=[self.hist, self.mean_line, self.band], loc="upper right", frameon=False,
                    fontsize=8.5)

        ps = sweep.ps
        ax_p.set_xscale("log", base=2)
        ax_p.set_xlim(ps[0] / 1.2, 1.2)
        ax_p.set_ylim(0, max(0.4, float(sweep.spread.max()) * 1.15))
        ax_p.set_xlabel(_("p (share of features used)"))
        ax_p.set_title(_("estimate quality against p"))
        ax_p.plot(ps, sweep.spread, color=COLORS["std"], lw=2, label=_("spread (std of ratio)"))
        ax_p.plot(ps, sweep.formula, color="0.2", lw=1, ls=":", marker=".", ms=4,
                  label="√(1/(2k) − 1/(2n))")
        ax_p.plot(ps, np.abs(sweep.bias), color=COLORS["mean"], lw=2, ls="--", label=_("|estimate bias|"))
        ax_p.plot(ps, sweep.error_median, color=COLORS["rmsnorm"], lw=2, ls="-.",
                  label=_("output error (median)"))
        ax_p.axvline(PAPER_P, color=COLORS["highlight"], lw=1.5, ls=":")
        ax_p.text(PAPER_P / 1.1, ax_p.get_ylim()[1] * 0.97, _("paper: 6.25%"), color=COLORS["highlight"],
                  fontsize=9, va="top", ha="right")
        ax_p.legend(loc="upper right", frameon=False, fontsize=8.5)
        self.p_line = self.moving(ax_p.axvline(1.0, color=COLORS["rms"], lw=1.2))

    def update(self, result: PartialResult):
        """The histogram of the ratios at p, its mean and ± one spread, and the p marker."""
        counts, _edges = np.histogram(np.clip(result.ratios, EDGES[0], EDGES[-1]), EDGES)
        self.hist.set_data(counts / counts.max(), EDGES)
        mean = 1 + result.bias
        self.mean_line.set_xdata([mean, mean])
        low, high = mean - result.spread, mean + result.spread
        self.band.set_x(low)
        self.band.set_width(high - low)
        self.p_line.set_xdata([result.p, result.p])


class PartialPanel(Panel):
    """Use fewer features for the RMS and watch the estimate spread out."""

    title = N_("pRMSNorm estimate")

    def __init__(self, p: float = PAPER_P):
        p = check_range("p", p, float(P_GRID[0]), float(P_GRID[-1]))
        controls = {
            "p": widgets.FloatLogSlider(value=p, base=2, min=-7, max=0, step=0.5, description="p",
                                        readout_format=".4f", layout=widgets.Layout(width="360px")),
        }
        super().__init__(controls)

    def make_figure(self) -> PartialFigure:
        return PartialFigure(grid_sweep(TRIALS, FEATURES), TRIALS, FEATURES)

    def compute(self, p) -> PartialResult:
        return estimate_at(p, TRIALS, FEATURES)

    def readout(self, result: PartialResult) -> str:
        return _("p = {p}: k = {k} of {n} features; estimate/true RMS: estimate bias = {bias}, spread = "
                 "<b>{spread}</b> (formula √(1/(2k) − 1/(2n)) = {formula}); median output error = "
                 "{error}").format(
            p=f"{result.p:.4f}", k=result.k, n=result.n, bias=f"{result.bias:+.4f}",
            spread=f"{result.spread:.4f}", formula=f"{result.formula:.4f}",
            error=f"{result.error_median:.4f}")

    def __repr__(self) -> str:
        return _("<{title} panel: p = {p}>").format(title=_(self.title), p=f"{self.values['p']:.4f}")
