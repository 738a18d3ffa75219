"""SpherePanel: move a point x in 3-D; see RMSNorm on the sphere, LayerNorm on the circle (notebook 03)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.figures.sphere import RADIUS, SphereFigure
from rmsviz.panels.base import Panel


class SpherePanel(Panel):
    """Three sliders for x1, x2, x3 and a fixed 3-D view."""

    title = "Geometry for n = 3"

    def __init__(self, x=(2.0, 1.0, 0.5), limit: float = 3.0):
        x = np.asarray(x, dtype=float)
        if x.shape != (3,) or np.any(np.abs(x) > limit):
            raise ValueError(f"x must be 3 numbers in [-{limit}, {limit}], got {x.tolist()}")
        controls = {
            f"x{i + 1}": widgets.FloatSlider(value=float(v), min=-limit, max=limit, step=0.1,
                                             description=f"x{i + 1}")
            for i, v in enumerate(x)
        }
        super().__init__(SphereFigure(limit=limit), controls)

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.controls[f"x{i + 1}"].value for i in range(3)])

    def draw(self, **values) -> str:
        out = self.figure.update(self.vector)
        y, z = out["rms_norm"], out["layer_norm"]
        v = lambda a: "(" + ", ".join(f"{t:.3f}" for t in a) + ")"  # noqa: E731
        return (f"RMSNorm(x) = {v(y)}, |y| = <b>{np.linalg.norm(y):.3f}</b> (sqrt(3) = {RADIUS:.3f})"
                f" &nbsp;|&nbsp; LayerNorm(x) = {v(z)}, |z| = <b>{np.linalg.norm(z):.3f}</b>, "
                f"sum = <b>{abs(float(np.sum(z))):.3f}</b>")

    def __repr__(self) -> str:
        return f"<{self.title} panel: x = {self.vector.tolist()}>"
