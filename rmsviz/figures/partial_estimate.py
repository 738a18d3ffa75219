"""PartialFigure: how well the first p of the features estimate the RMS (pRMSNorm, notebook 05).

Left: over many random vectors, the histogram of RMS(x[:k]) / RMS(x) at the current p, with its
mean (the bias) and one standard deviation (the spread) marked. Right: spread, |bias| and the
median output error against p, with the paper's 6.25% setting marked.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from rmsviz.experiments.partial import PAPER_P, estimate_ratios, output_errors, partial_sweep, random_vectors
from rmsviz.figures.live import LiveFigure
from rmsviz.figures.style import COLORS
from rmsviz.norms import partial_count

P_GRID = 2.0 ** np.arange(-7, 0.01, 0.5)
EDGES = np.linspace(0.0, 2.0, 81)


class PartialFigure(LiveFigure):
    """Histogram of the partial-RMS estimate at one p, and bias/spread/output error against p."""

    def __init__(self, trials: int = 2000, n: int = 512, seed: int = 0, ps=P_GRID):
        super().__init__(1, 2, figsize=(9.5, 3.6))
        self.vectors = random_vectors(trials, n, seed)
        self.n = n
        self.sweep = partial_sweep(ps, self.vectors)
        ax_h, ax_p = self.axes

        ax_h.set_xlim(EDGES[0], EDGES[-1])
        ax_h.set_ylim(0, 1.12)
        ax_h.set_xlabel("RMS(first k features) / RMS(all n)")
        ax_h.set_ylabel("share of vectors (peak = 1)")
        ax_h.set_title(f"{trials} random vectors, n = {n}")
        ax_h.axvline(1.0, color=COLORS["none"], lw=1, ls=":")
        # The band is a Rectangle in (data x, axes y): what axvspan returns from matplotlib 3.9 on
        # (before 3.9 it returns a Polygon, which has no set_x / set_width).
        self.band = self.moving(ax_h.add_patch(Rectangle(
            (0.9, 0.0), 0.2, 1.0, transform=ax_h.get_xaxis_transform(), color=COLORS["mean"],
            alpha=0.2, lw=0)))
        self.hist = self.moving(ax_h.stairs(np.zeros(EDGES.size - 1), EDGES, fill=True,
                                            color=COLORS["rmsnorm"], alpha=0.8))
        self.mean_line = self.moving(ax_h.axvline(1.0, color=COLORS["mean"], lw=2, ls="--"))

        ps = self.sweep["ps"]
        ax_p.set_xscale("log", base=2)
        ax_p.set_xlim(ps[0] / 1.2, 1.2)
        ax_p.set_ylim(0, max(0.4, float(self.sweep["spread"].max()) * 1.15))
        ax_p.set_xlabel("p (share of features used)")
        ax_p.set_title("estimate quality against p")
        ax_p.plot(ps, self.sweep["spread"], color=COLORS["std"], lw=2, label="spread (std of ratio)")
        ax_p.plot(ps, np.abs(self.sweep["bias"]), color=COLORS["mean"], lw=2, ls="--", label="|bias|")
        ax_p.plot(ps, self.sweep["error_median"], color=COLORS["rmsnorm"], lw=2, ls="-.",
                  label="output error (median)")
        ax_p.axvline(PAPER_P, color=COLORS["highlight"], lw=1.5, ls=":")
        ax_p.text(PAPER_P / 1.1, ax_p.get_ylim()[1] * 0.97, "paper: 6.25%", color=COLORS["highlight"],
                  fontsize=9, va="top", ha="right")
        ax_p.legend(loc="upper right", frameon=False, fontsize=8.5)
        self.p_line = self.moving(ax_p.axvline(1.0, color=COLORS["rms"], lw=1.2))

    def stats(self, p: float) -> dict:
        """ratios, bias, spread and output errors at p (from the precomputed sweep when p is on it)."""
        ps = self.sweep["ps"]
        i = int(np.argmin(np.abs(np.log2(ps) - np.log2(p))))
        if np.isclose(ps[i], p, rtol=1e-9, atol=0):
            ratios = self.sweep["ratios"][i]
            median_error = float(self.sweep["error_median"][i])
        else:
            ratios = estimate_ratios(self.vectors, p)
            median_error = float(np.median(output_errors(self.vectors, p)))
        return {"k": partial_count(self.n, p), "ratios": ratios, "bias": float(ratios.mean() - 1),
                "spread": float(ratios.std()), "error_median": median_error}

    def update(self, p: float) -> dict:
        """Redraw for this p; returns k, bias, spread, median output error and the histogram."""
        if not 0 < p <= 1:
            raise ValueError(f"p must be in (0, 1], got {p}")
        s = self.stats(p)
        counts, _ = np.histogram(np.clip(s["ratios"], EDGES[0], EDGES[-1]), EDGES)
        heights = counts / counts.max()
        self.hist.set_data(heights, EDGES)
        mean = 1 + s["bias"]
        self.mean_line.set_xdata([mean, mean])
        lo, hi = mean - s["spread"], mean + s["spread"]
        self.band.set_x(lo)
        self.band.set_width(hi - lo)
        self.p_line.set_xdata([p, p])
        s["heights"] = heights
        return s
