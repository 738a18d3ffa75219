"""Figures built once and updated in place (layer: may import experiments and norms).

Each module holds the figure of one panel; :class:`~rmsviz.figures.live.LiveFigure` is their base.
"""

from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS

__all__ = ["LiveFigure", "COLORS"]
