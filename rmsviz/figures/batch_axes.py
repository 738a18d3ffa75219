"""Static figure: the same batch three times, with the numbers each normalisation takes its
statistics over outlined (notebook 03).

Left, BatchNorm: one column outlined (one mean and one std per feature, over the examples), the
statistics in two extra rows under the batch. Middle, LayerNorm: one row outlined (one mean and one
std per example, over its features), the statistics in two extra columns. Right, RMSNorm: one row
outlined, one extra column (one RMS per example). The figure draws what it is handed (an
``AxisStatistics`` of :mod:`rmsviz.experiments.batch_axes`; it does not import it).
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from rmsviz.i18n import _
from rmsviz.style import COLORS

__all__ = ["axes_figure"]

FONT = 11
GAP = 0.35  # the gap between the batch and its statistics, in cells


def _batch(ax, stats, cmap="Greys"):
    """The batch as a light heat map with every number written in its cell."""
    batch = stats.batch
    ax.imshow(batch, cmap=cmap, aspect="auto", vmin=batch.min() - 0.6 * np.ptp(batch) - 1, vmax=batch.max() + 1.5 * np.ptp(batch),
              extent=(-0.5, stats.n_features - 0.5, stats.n_examples - 0.5, -0.5))
    for (k, i), v in np.ndenumerate(batch):
        ax.text(i, k, f"{v:g}", ha="center", va="center", fontsize=FONT)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, labelsize=FONT - 1)


def _outline(ax, x0, y0, width, height):
    ax.add_patch(Rectangle((x0, y0), width, height, fill=False, lw=3.0, ec=COLORS["highlight"], zorder=5))


def _stat_text(ax, x, y, value, strong):
    ax.text(x, y, f"{value:.2f}", ha="center", va="center", fontsize=FONT - 1,
            color=COLORS["highlight"] if strong else "black", fontweight="bold" if strong else "normal")


def _column_stats(ax, stats, feature):
    """BatchNorm: the outlined column, and a mean row and a std row under the batch."""
    n_ex, n_f = stats.n_examples, stats.n_features
    rows = (n_ex - 0.5 + GAP + 0.5, n_ex - 0.5 + GAP + 1.5)
    for i in range(n_f):
        for y, values in zip(rows, (stats.bn_mean, stats.bn_std)):
            _stat_text(ax, i, y, values[i], i == feature)
    _outline(ax, feature - 0.5, -0.5, 1.0, n_ex + GAP + 2.0)
    ax.set_xlim(-0.5, n_f - 0.5)
    ax.set_xticks(range(n_f), [str(i + 1) for i in range(n_f)])
    ax.set_yticks([*range(n_ex), *rows], [*(str(k + 1) for k in range(n_ex)), _("mean"), _("std")])


def _row_stats(ax, stats, example, columns):
    """LayerNorm or RMSNorm: the outlined row, and one extra column per statistic."""
    n_ex, n_f = stats.n_examples, stats.n_features
    xs = [n_f - 0.5 + GAP + 0.5 + j for j in range(len(columns))]
    for k in range(n_ex):
        for x, (_label, values) in zip(xs, columns):
            _stat_text(ax, x, k, values[k], k == example)
    _outline(ax, -0.5, example - 0.5, n_f + GAP + len(columns), 1.0)
    ax.set_xlim(-0.5, xs[-1] + 0.5)
    ax.set_xticks([*range(n_f), *xs], [*(str(i + 1) for i in range(n_f)), *(label for label, _v in columns)])
    ax.set_yticks(range(n_ex), [str(k + 1) for k in range(n_ex)])


def axes_figure(stats, example: int = 0, feature: int = 2) -> Figure:
    """Three copies of ``stats.batch`` (examples x features): BatchNorm's statistics for each
    feature (column ``feature`` outlined), LayerNorm's and RMSNorm's for each example (row
    ``example`` outlined). ``example`` and ``feature`` count from 0; the labels count from 1."""
    if not (0 <= example < stats.n_examples and 0 <= feature < stats.n_features):
        raise ValueError(f"example must be in 0..{stats.n_examples - 1} and feature in "
                         f"0..{stats.n_features - 1}, got {example} and {feature}")
    fig = Figure(figsize=(15.0, 5.6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [stats.n_features, stats.n_features + 2.4,
                                                              stats.n_features + 1.4]})
    titles = (_("BatchNorm: down each column\none mean and one std per feature,\nover the examples of the batch"),
              _("LayerNorm: along each row\none mean and one std per example,\nover its features"),
              _("RMSNorm: along each row\none RMS per example,\nover its features"))
    for ax, title in zip(axes, titles):
        _batch(ax, stats)
        ax.set_title(title, fontsize=FONT + 1)
        ax.set_xlabel(_("feature"), fontsize=FONT)
        ax.set_ylabel(_("example"), fontsize=FONT)
        ax.xaxis.set_label_position("top")
        ax.xaxis.tick_top()
    _column_stats(axes[0], stats, feature)
    _row_stats(axes[1], stats, example, ((_("mean"), stats.ln_mean), (_("std"), stats.ln_std)))
    _row_stats(axes[2], stats, example, ((_("RMS"), stats.rms),))
    n_ex, n_f = stats.n_examples, stats.n_features
    counts = (_("{total} statistics: {n} means and {n} stds").format(total=2 * n_f, n=n_f),
              _("{total} statistics: {n} means and {n} stds").format(total=2 * n_ex, n=n_ex),
              _("{n} statistics: {n} RMS values").format(n=n_ex))
    bottom = n_ex - 0.5 + GAP + 3.0  # the same height for all three: two statistic rows and a count line
    for ax, count in zip(axes, counts):
        ax.set_ylim(bottom, -0.5)
        ax.text(0.0, bottom - 0.45, count, transform=ax.get_yaxis_transform(), ha="left", va="center",
                fontsize=FONT, fontweight="bold")
    return fig
