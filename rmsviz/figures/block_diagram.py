"""A static drawing of the pre-norm Transformer block (notebook 05).

The residual stream runs left to right; each sub-layer reads it through an RMSNorm and adds its
result back::

    h   = x + Attention(RMSNorm(x))
    out = h + MLP(RMSNorm(h))

Drawn with matplotlib patches and arrows (no image files), on a bare ``Figure`` (no pyplot).
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from rmsviz.i18n import N_, _
from rmsviz.style import COLORS

__all__ = ["block_diagram"]

_BOX = {"RMSNorm": "#D6EAF8", "Attention": "#FDEBD0", "MLP": "#D5F5E3"}


def _box(ax, x, y, text, color, w=1.5, h=0.62):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04,rounding_size=0.12",
                                facecolor=color, edgecolor="0.25", lw=1.3))
    ax.text(x, y, text, ha="center", va="center", fontsize=11)


def _arrow(ax, start, end, color="0.2", lw=1.6, style="-|>", connection="arc3"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=color,
                                 lw=lw, connectionstyle=connection, shrinkA=0, shrinkB=0))


def block_diagram(eps_label: str = N_("eps inside the root")) -> Figure:
    """The block as a figure: residual stream, two RMSNorm -> sub-layer branches, two additions."""
    fig = Figure(figsize=(10.0, 3.4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.3, 12.3)
    ax.set_ylim(-1.1, 2.6)
    ax.set_axis_off()
    y0, y1 = 0.0, 1.55
    stream = COLORS["x"]
    ax.text(-0.2, y0 - 0.25, _("x  (residual stream)"), ha="left", va="top", fontsize=10)
    ax.text(12.0, y0 - 0.25, "out", ha="center", va="top", fontsize=10)
    ax.text(8.15, y0 - 0.25, _("the residual stream itself is not normalised"), ha="center", va="top",
            fontsize=9, color=stream)
    for (branch, add, sub, name) in ((0.9, 5.4, "Attention", "h"), (6.4, 10.9, "MLP", "out")):
        # the main line, to the addition
        _arrow(ax, (branch - 0.9 if branch < 1 else branch - 0.5, y0), (add - 0.22, y0), color=stream, lw=2.4)
        # the branch: up, RMSNorm, sub-layer, down into the addition
        _arrow(ax, (branch, y0), (branch + 0.55, y1 - 0.05), color="0.3", connection="angle,angleA=90,angleB=0,rad=6")
        _box(ax, branch + 1.35, y1, "RMSNorm", _BOX["RMSNorm"])
        _arrow(ax, (branch + 2.1, y1), (branch + 2.55, y1))
        _box(ax, branch + 3.3, y1, sub, _BOX[sub])
        _arrow(ax, (branch + 4.05, y1), (add, y0 + 0.22), connection="angle,angleA=0,angleB=90,rad=6")
        ax.add_patch(Circle((add, y0), 0.22, facecolor="white", edgecolor="0.2", lw=1.5))
        ax.text(add, y0, "+", ha="center", va="center", fontsize=14)
        ax.text(add + 0.3, y0 + 0.3, name, ha="left", va="bottom", fontsize=10, style="italic")
        ax.text(branch + 1.35, y1 + 0.45, "x / sqrt(mean(x²) + eps) · g", ha="center", va="bottom",
                fontsize=8.5, color="0.3")
    _arrow(ax, (5.62, y0), (6.4, y0), color=stream, lw=2.4, style="-")
    _arrow(ax, (11.12, y0), (11.8, y0), color=stream, lw=2.4)
    ax.text(6.0, -0.95, _("pre-norm block (Llama, T5): h = x + Attention(RMSNorm(x)),  "
                          "out = h + MLP(RMSNorm(h));  {eps_label}").format(eps_label=_(eps_label)),
            ha="center", va="bottom", fontsize=9.5)
    return fig
