"""RMSNorm on the sphere, LayerNorm on the circle, for n = 3: SphereFigure and SpherePanel (notebook 03).

The sphere |y| = sqrt(3), the plane's circle, the diagonal, the origin and the axes are static
(fixed view :data:`VIEW`, fixed limits); an update moves only six line artists: the input point, the ray through it, the RMSNorm point,
the projection of x onto the plane x1 + x2 + x3 = 0, the ray through the projection, and the
LayerNorm point. A 3-D axes needs its projection matrix, which the first full draw computes; the
view never changes, so the cached background stays valid and later updates only draw those six
artists. The points come from :func:`rmsviz.experiments.sphere.project`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.experiments.sphere import RADIUS, SphereResult, project
from rmsviz.figures.live import LiveFigure
from rmsviz.formatting import fmt_vector
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_range
from rmsviz.style import COLORS

__all__ = ["SphereFigure", "SpherePanel"]


#: The fixed view. The eye is 69° away from the diagonal (1, 1, 1), so the circle in the plane
#: x1 + x2 + x3 = 0 shows as an ellipse inside the sphere's outline, and 64° away from the default
#: x = (2, 1, 0.5), so x, its ray and RMSNorm(x) are drawn apart.
VIEW = {"elev": 30, "azim": -40}
FONT = 11
# 80 dpi: 720 x 464 pixels, no more than the old 640 x 560 view, since encoding the PNG after each
# move costs time in proportion to the pixels; the fonts keep their size relative to the picture.


class SphereFigure(LiveFigure):
    """A fixed 3-D view of the sphere |y| = sqrt(3) and the circle on the plane sum = 0."""

    def __init__(self, limit: float = 3.0):
        super().__init__(1, 1, figsize=(9.0, 5.8), dpi=80, subplot_kw={"projection": "3d"})
        self.limit = float(limit)
        ax = self.ax = self.axes[0]
        ax.view_init(**VIEW)
        for setter in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
            setter(-limit, limit)
        ax.set_box_aspect((1, 1, 1))
        for setter, name in ((ax.set_xlabel, "x1"), (ax.set_ylabel, "x2"), (ax.set_zlabel, "x3")):
            setter(name, fontsize=FONT)
        ax.tick_params(labelsize=FONT - 1)
        u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 25), np.linspace(0, np.pi, 13))
        ax.plot_wireframe(RADIUS * np.cos(u) * np.sin(v), RADIUS * np.sin(u) * np.sin(v),
                          RADIUS * np.cos(v), color="0.6", lw=0.7, label=_("sphere, radius √3"))
        # an orthonormal basis of the plane x1 + x2 + x3 = 0
        e1 = np.array([1.0, -1.0, 0.0]) / np.sqrt(2)
        e2 = np.array([1.0, 1.0, -2.0]) / np.sqrt(6)
        t = np.linspace(0, 2 * np.pi, 121)
        circle = RADIUS * (np.outer(np.cos(t), e1) + np.outer(np.sin(t), e2))
        ax.plot(*circle.T, color=COLORS["layernorm"], lw=2.0, label=_("circle on the plane\nx1 + x2 + x3 = 0"))
        diag = np.array([-1.0, 1.0]) * limit
        ax.plot(diag, diag, diag, color="0.45", lw=1.0, ls=":", label=_("diagonal x1 = x2 = x3"))
        ax.plot([0], [0], [0], "+", color="k", ms=10, mew=1.5, label=_("origin"))
        self.ray = self.moving(ax.plot([], [], [], color=COLORS["rmsnorm"], lw=1.4, ls="--",
                                       label=_("ray through x"))[0])
        self.drop = self.moving(ax.plot([], [], [], color=COLORS["mean"], lw=1.6, ls=":",
                                        label=_("x → x − mean(x), onto the plane"))[0])
        self.proj_ray = self.moving(ax.plot([], [], [], color=COLORS["layernorm"], lw=1.4, ls="--",
                                            label=_("ray through x − mean(x)"))[0])
        self.point = self.moving(ax.plot([], [], [], "D", color=COLORS["highlight"], ms=9, mec="k",
                                         label=_("input x"))[0])
        self.rms_point = self.moving(ax.plot([], [], [], "o", color=COLORS["rmsnorm"], ms=10, mec="k",
                                             label=_("RMSNorm(x), on the sphere"))[0])
        self.ln_point = self.moving(ax.plot([], [], [], "s", color=COLORS["layernorm"], ms=9, mec="k",
                                            label=_("LayerNorm(x), on the circle"))[0])
        # a 3-D axes' tick labels reach past its box, which constrained layout does not see: place by hand
        self.fig.set_layout_engine("none")
        ax.set_position((-0.04, 0.05, 0.62, 0.93))
        self.fig.legend(*ax.get_legend_handles_labels(), loc="center left", bbox_to_anchor=(0.635, 0.5),
                        fontsize=FONT, frameon=False)

    @staticmethod
    def _set(line, *points):
        pts = np.array(points, dtype=float)
        line.set_data_3d(pts[:, 0], pts[:, 1], pts[:, 2])

    def update(self, result: SphereResult):
        """Move the input, both images, the projection and the two rays."""
        x, y, z, p = result.x, result.rms_norm, result.layer_norm, result.projection
        # each ray runs from the origin to just past the farther of the point and its image
        ray_end = y / RADIUS * max(np.linalg.norm(x), RADIUS) * 1.15 if np.any(y) else np.zeros(3)
        proj_end = z / RADIUS * max(np.linalg.norm(p), RADIUS) * 1.15 if np.any(z) else np.zeros(3)
        self._set(self.ray, np.zeros(3), ray_end)
        self._set(self.proj_ray, np.zeros(3), proj_end)
        self._set(self.drop, x, p)
        self._set(self.point, x)
        self._set(self.rms_point, y)
        self._set(self.ln_point, z)


class SpherePanel(Panel):
    """Three sliders for x1, x2, x3 and a fixed 3-D view."""

    title = N_("Geometry for n = 3")

    def __init__(self, x=(2.0, 1.0, 0.5), limit: float = 3.0):
        self.limit = check_range("limit", limit, RADIUS, 100.0)
        x = np.asarray(x, dtype=float)
        if x.shape != (3,) or not np.all(np.abs(x) <= self.limit):
            raise ValueError(f"x must be 3 numbers in [-{limit}, {limit}], got {x.tolist()}")
        controls = {
            f"x{i + 1}": widgets.FloatSlider(value=float(v), min=-self.limit, max=self.limit, step=0.1,
                                             description=f"x{i + 1}")
            for i, v in enumerate(x)
        }
        super().__init__(controls)

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.controls[f"x{i + 1}"].value for i in range(3)])

    def make_figure(self) -> SphereFigure:
        return SphereFigure(limit=self.limit)

    def compute(self, x1, x2, x3) -> SphereResult:
        return project([x1, x2, x3])

    def readout(self, result: SphereResult) -> str:
        def point(v):
            return "(" + fmt_vector(v)[1:-1] + ")"

        return _("RMSNorm(x) = {y}, |y| = <b>{y_length}</b> (sqrt(3) = {radius}) &nbsp;|&nbsp; "
                 "LayerNorm(x) = {z}, |z| = <b>{z_length}</b>, sum = <b>{z_sum}</b>").format(
            y=point(result.rms_norm), y_length=f"{result.rms_norm_length:.3f}", radius=f"{RADIUS:.3f}",
            z=point(result.layer_norm), z_length=f"{result.layer_norm_length:.3f}",
            z_sum=f"{result.layer_norm_sum:.3f}")

    def __repr__(self) -> str:
        return _("<{title} panel: x = {x}>").format(title=_(self.title), x=self.vector.tolist())
