"""Figures (layer: may import norms and everything below; never experiments).

:class:`~rmsviz.figures.live.LiveFigure` is the base of every panel's figure (the figures live
beside their panels, in ``rmsviz/panels/<topic>.py``); :mod:`rmsviz.figures.display` shows a
one-off figure with a stable text; the static figures of the series are :mod:`block_diagram`
(notebook 05), :mod:`batch_axes` and :mod:`timing` (notebook 03). Figures draw the data they are handed.
"""

from rmsviz.figures.display import show
from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS

__all__ = ["LiveFigure", "COLORS", "show"]
