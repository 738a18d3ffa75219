"""EpsFigure: where eps takes over, for eps inside or outside the root (notebook 05).

Left: the output RMS of RMSNorm(c x) against the input RMS (log axis): 1 while the norm works,
falling once eps dominates. Right: one output value against the input RMS (log-log), beside the
input value itself: below the take-over point the output just follows the input, scaled.
The dashed line marks the take-over RMS (sqrt(eps) inside the root, eps outside).
"""

from __future__ import annotations

import numpy as np

from rmsviz.experiments.eps import normalize, scale_sweep, takeover_rms
from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS
from rmsviz.norms import rms

BASE_VECTOR = np.array([1.5, -0.5, 1.0, -1.0, 0.25, 0.75])
SCALES = np.geomspace(1e-10, 1e4, 300)


class EpsFigure(LiveFigure):
    """Output RMS and one output value against the input RMS, with the take-over point marked."""

    def __init__(self, x=BASE_VECTOR, scales=SCALES):
        super().__init__(1, 2, figsize=(9.5, 3.6))
        x = np.asarray(x, dtype=float)
        self.x = x / rms(x)  # input RMS = the scale c
        self.scales = np.asarray(scales, dtype=float)
        self._sweep_key, self._sweep = None, None
        ax_rms, ax_val = self.axes
        lo, hi = self.scales[0], self.scales[-1]

        ax_rms.set_xscale("log")
        ax_rms.set_xlim(lo, hi)
        ax_rms.set_ylim(-0.03, 1.15)
        ax_rms.set_xlabel("input RMS")
        ax_rms.set_ylabel("output RMS")
        ax_rms.set_title("is the output still normalised?")
        ax_rms.axhline(1.0, color=COLORS["none"], lw=1, ls=":")
        self.rms_curve = self.moving(ax_rms.plot(self.scales, np.ones_like(self.scales),
                                                 color=COLORS["rmsnorm"], lw=2.2)[0])
        self.rms_take = self.moving(ax_rms.axvline(1.0, color=COLORS["highlight"], lw=1.5, ls="--"))
        self.rms_dot = self.moving(ax_rms.plot([1.0], [1.0], "o", color=COLORS["rms"], ms=7)[0])

        ax_val.set_xscale("log")
        ax_val.set_yscale("log")
        ax_val.set_xlim(lo, hi)
        ax_val.set_ylim(1e-11, 1e5)
        ax_val.set_xlabel("input RMS")
        ax_val.set_title(f"one value: x₁ = {self.x[0]:.2f} × input RMS")
        ax_val.plot(self.scales, self.scales * self.x[0], color=COLORS["none"], lw=1.2, ls=":",
                    label="input x₁")
        self.val_curve = self.moving(ax_val.plot(self.scales, np.ones_like(self.scales),
                                                 color=COLORS["rmsnorm"], lw=2.2, label="output y₁")[0])
        self.val_take = self.moving(ax_val.axvline(1.0, color=COLORS["highlight"], lw=1.5, ls="--",
                                                   label="eps takes over"))
        self.val_dot = self.moving(ax_val.plot([1.0], [1.0], "o", color=COLORS["rms"], ms=7)[0])
        ax_val.legend(loc="upper left", frameon=False, fontsize=9)

    def update(self, scale: float, eps: float, where: str) -> dict:
        """Redraw for this input RMS, eps and placement; returns the numbers shown."""
        if not (np.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a finite number > 0, got {scale}")
        key = (float(eps), where)
        if key != self._sweep_key:  # the curves depend on eps and where only, not on the scale
            self._sweep, self._sweep_key = scale_sweep(self.x, self.scales, eps, where), key
        sweep = self._sweep
        take = takeover_rms(eps, where)
        y = normalize(scale * self.x, eps, where)
        out_rms = float(rms(y))
        self.rms_curve.set_ydata(sweep["out_rms"])
        self.val_curve.set_ydata(np.maximum(sweep["value"], 1e-300))
        for line in (self.rms_take, self.val_take):
            line.set_xdata([take, take])
        self.rms_dot.set_data([scale], [out_rms])
        self.val_dot.set_data([scale], [max(float(y[0]), 1e-300)])
        return {"out_rms": out_rms, "value": float(y[0]), "takeover": take,
                "out_rms_curve": sweep["out_rms"]}
