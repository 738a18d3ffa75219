"""SphereFigure: the geometry of RMSNorm and LayerNorm for n = 3 features (notebook 03).

RMSNorm(x) = x / RMS(x) has |y|² = n, so it lies on the sphere of radius sqrt(3), on the ray
from the origin through x. LayerNorm first removes the mean, which projects x onto the plane
x1 + x2 + x3 = 0, then divides by the std: its image lies on the circle where that sphere meets
the plane (radius sqrt(3) as well).

The sphere, the plane's circle and the axes are static (fixed view, fixed limits); an update
moves only six line artists: the input point, the ray through it, the RMSNorm point, the
projection of x onto the plane, the ray through the projection, and the LayerNorm point. A 3-D
axes needs its projection matrix, which the first full draw computes; the view never changes, so
the cached background stays valid and later updates only draw those six artists.
"""

from __future__ import annotations

import numpy as np

from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS
from rmsviz.norms import layer_norm, rms_norm

RADIUS = float(np.sqrt(3.0))


class SphereFigure(LiveFigure):
    """A fixed 3-D view of the sphere |y| = sqrt(3) and the circle on the plane sum = 0."""

    def __init__(self, limit: float = 3.0, eps: float = 1e-6):
        super().__init__(1, 1, figsize=(6.4, 5.6), subplot_kw={"projection": "3d"})
        self.eps, self.limit = eps, float(limit)
        ax = self.ax = self.axes[0]
        ax.view_init(elev=22, azim=35)
        for setter in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
            setter(-limit, limit)
        ax.set_box_aspect((1, 1, 1))
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_zlabel("x3")
        u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 25), np.linspace(0, np.pi, 13))
        ax.plot_wireframe(RADIUS * np.cos(u) * np.sin(v), RADIUS * np.sin(u) * np.sin(v),
                          RADIUS * np.cos(v), color="0.8", lw=0.5)
        # an orthonormal basis of the plane x1 + x2 + x3 = 0
        e1 = np.array([1.0, -1.0, 0.0]) / np.sqrt(2)
        e2 = np.array([1.0, 1.0, -2.0]) / np.sqrt(6)
        t = np.linspace(0, 2 * np.pi, 121)
        circle = RADIUS * (np.outer(np.cos(t), e1) + np.outer(np.sin(t), e2))
        ax.plot(*circle.T, color=COLORS["layernorm"], lw=1.6, label="LayerNorm: circle in plane sum = 0")
        diag = np.array([-1.0, 1.0]) * limit
        ax.plot(diag, diag, diag, color="0.6", lw=0.8, ls=":", label="the diagonal (1, 1, 1)")
        self.ray = self.moving(ax.plot([], [], [], color=COLORS["rmsnorm"], lw=1.2, ls="--")[0])
        self.proj_ray = self.moving(ax.plot([], [], [], color=COLORS["layernorm"], lw=1.2, ls="--")[0])
        self.drop = self.moving(ax.plot([], [], [], color=COLORS["mean"], lw=1.2, ls=":")[0])
        self.point = self.moving(ax.plot([], [], [], "o", color=COLORS["x"], ms=8, label="input x")[0])
        self.rms_point = self.moving(ax.plot([], [], [], "o", color=COLORS["rmsnorm"], ms=9, mec="k",
                                             label="RMSNorm(x): on the sphere")[0])
        self.ln_point = self.moving(ax.plot([], [], [], "s", color=COLORS["layernorm"], ms=8, mec="k",
                                            label="LayerNorm(x): on the circle")[0])
        ax.legend(loc="upper left", fontsize=7, frameon=False)

    @staticmethod
    def _set(line, *points):
        pts = np.array(points, dtype=float)
        line.set_data_3d(pts[:, 0], pts[:, 1], pts[:, 2])

    def update(self, x) -> dict:
        """Move the input to x (3 numbers); returns the RMSNorm and LayerNorm images."""
        x = np.asarray(x, dtype=float)
        if x.shape != (3,):
            raise ValueError(f"x must have 3 entries, got shape {x.shape}")
        y = rms_norm(x, eps=self.eps)
        z = layer_norm(x, eps=self.eps)
        p = x - np.mean(x)
        # each ray runs from the origin to just past the farther of the point and its image
        ray_end = y / RADIUS * max(np.linalg.norm(x), RADIUS) * 1.15 if np.any(y) else np.zeros(3)
        proj_end = z / RADIUS * max(np.linalg.norm(p), RADIUS) * 1.15 if np.any(z) else np.zeros(3)
        self._set(self.ray, np.zeros(3), ray_end)
        self._set(self.proj_ray, np.zeros(3), proj_end)
        self._set(self.drop, x, p)
        self._set(self.point, x)
        self._set(self.rms_point, y)
        self._set(self.ln_point, z)
        return {"x": x, "rms_norm": y, "layer_norm": z, "projection": p}
