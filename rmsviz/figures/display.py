"""Show a one-off (non-interactive) figure in a notebook with a stable text representation.

A bare ``Figure`` as a cell's value prints ``<Figure size 640x480 with 1 Axes>``, which nbval
compares and which changes with the plotting defaults. ``show(fig, "caption")`` instead displays a
PNG plus the caption as its text (introduced in notebook 01). The figure is drawn in the style it
was built in, or in the current one (``rmsviz.set_style``): on a projector, a figure a notebook
makes itself is enlarged like the panels.
"""

from __future__ import annotations

import base64
import io

from rmsviz.i18n import _
from rmsviz.style import finish, style_of


class FigureImage:
    """A rendered figure: PNG for the front end, a fixed caption for text/plain."""

    def __init__(self, fig, caption: str):
        finish(fig)
        buf = io.BytesIO()
        with style_of(fig).context():  # ticks made while drawing read the rc parameters
            fig.savefig(buf, format="png", dpi=fig.dpi)
        self.png = buf.getvalue()
        self.caption = caption

    def __repr__(self) -> str:
        return _("<figure: {caption}>").format(caption=self.caption)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": repr(self)}


def show(fig, caption: str) -> FigureImage:
    """Render ``fig`` once; make the result the last expression of a cell to display it."""
    return FigureImage(fig, caption)
