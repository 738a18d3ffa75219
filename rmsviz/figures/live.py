"""LiveFigure: a matplotlib figure built once and re-rendered in place after each slider move.

Introduced in notebook 01. The figure is made without pyplot (a bare ``Figure`` with an Agg
canvas), so it is never registered globally, never leaks and never appears as a stray output.
Static parts (axes, ticks, labels, reference lines) are drawn once into a cached background; the
artists that move are marked with :meth:`LiveFigure.moving` and are the only ones drawn on each
update (blitting). A change to the static parts (new axis limits) calls :meth:`invalidate`.
A figure with a few static states (an x-range that follows a control, a heading that names a
choice) keeps one background per state with :meth:`use_background`: each is drawn once.

A figure is built in the current style (``rmsviz.set_style``, :mod:`rmsviz.style`): the style's
size, and its rc parameters around the whole construction (this class's ``__init__`` and every
subclass's), and keeps that style afterwards, so a panel on screen keeps its look.

A subclass (``<Topic>Figure`` in ``rmsviz/panels/<topic>.py``) draws and never computes:

* ``__init__`` builds every artist once, from data handed to it (a precomputed sweep, axis
  limits), and marks the ones that change with :meth:`moving`;
* ``update(result)`` takes the result dataclass of the topic's experiment and only sets artist data
  (``set_data``, ``set_height``, ``set_text``); it never calls an experiment;
* every string a reader sees (titles, labels, legends, texts) goes through ``rmsviz.i18n._``.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from rmsviz.style import current_style, enforce_floors, in_current_style, mark, tidy


class LiveFigure:
    """A figure whose moving artists are redrawn over a cached static background."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in vars(cls):  # the subclass draws its artists in the style's rc parameters
            cls.__init__ = in_current_style(cls.__init__)

    def __init__(self, nrows=1, ncols=1, figsize=(8.0, 3.2), dpi=100, **subplots_kw):
        self.style = current_style()
        figsize, dpi = self.style.figure_size(figsize, dpi)
        with self.style.context():
            self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            FigureCanvasAgg(self.fig)
            self.axes = self.fig.subplots(nrows, ncols, squeeze=False, **subplots_kw).ravel()
        mark(self.fig, self.style)
        for ax in self.axes:
            if ax.name == "rectilinear":
                tidy(ax)
        self._moving: list = []
        self._background = None
        self._backgrounds: dict = {}  # static state -> its background (use_background)
        self._background_key = None

    def moving(self, *artists):
        """Mark artists as redrawn on every update (not part of the cached background)."""
        for artist in artists:
            artist.set_animated(True)
            self._moving.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def update(self, result):
        """Set the moving artists' data from ``result`` (the experiment's dataclass); draw nothing."""
        raise NotImplementedError

    def invalidate(self):
        """Forget the cached background: the next render redraws everything (new limits, labels)."""
        self._background = None
        self._backgrounds.clear()

    def use_background(self, key):
        """Blit over the background kept for the static state ``key`` (any hashable value).

        Set the static artists for that state first (limits, texts). A state seen before costs
        nothing; a new one is drawn in full at the next render and kept. The layout stays the one
        of the first draw.
        """
        if key == self._background_key:
            return
        if self._background is not None:
            self._backgrounds[self._background_key] = self._background
        self._background_key = key
        self._background = self._backgrounds.get(key)

    def render(self) -> np.ndarray:
        """Draw and return the RGBA pixels (H, W, 4); only the moving artists when possible."""
        canvas = self.fig.canvas
        if self._background is None:
            enforce_floors(self.fig, self.style)  # sizes set by hand, below the style's floors
            with self.style.context():  # ticks made while drawing read the rc parameters
                canvas.draw()  # animated artists are skipped here: the background is the static part
            # The first draw has placed the axes; freezing that layout spares every later full
            # redraw (after invalidate) the constrained-layout solver, about half its cost.
            if self.fig.get_layout_engine() is not None:
                self.fig.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._moving:
            self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    def png(self) -> bytes:
        """PNG bytes of the current state (fast zlib level: the image goes to a widget, not a file)."""
        buf = io.BytesIO()
        PILImage.fromarray(self.render()[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()
