"""RMSPanel: one slider per vector entry driving the RMS bars (notebook 01)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.figures.rms_bars import RMSBarsFigure
from rmsviz.panels.base import Panel


class RMSPanel(Panel):
    """Drag x1..xn; watch x, x², the mean of squares, the RMS, the mean and the std move."""

    title = "RMS step by step"

    def __init__(self, x=(2.0, 4.0, 6.0, 8.0), limit: float = 10.0):
        x = np.asarray(x, dtype=float)
        if x.ndim != 1 or not 1 <= x.size <= 8:
            raise ValueError(f"x must be a vector of 1 to 8 entries, got shape {x.shape}")
        if np.any(np.abs(x) > limit):
            raise ValueError(f"every entry of x must lie in [-{limit}, {limit}]")
        controls = {
            f"x{i + 1}": widgets.FloatSlider(value=float(v), min=-limit, max=limit, step=0.5,
                                             description=f"x{i + 1}", continuous_update=True,
                                             layout=widgets.Layout(width="260px"))
            for i, v in enumerate(x)
        }
        super().__init__(RMSBarsFigure(n=x.size, limit=limit), controls)

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.controls[f"x{i + 1}"].value for i in range(self.figure.n)])

    def draw(self, **values) -> str:
        stats = self.figure.update(self.vector)
        return (f"RMS = <b>{stats['rms']:.3f}</b> &nbsp; mean = {stats['mean']:.3f} &nbsp; "
                f"std = {stats['std']:.3f}")

    def __repr__(self) -> str:
        return f"<{self.title} panel: x = {self.vector.tolist()}>"
