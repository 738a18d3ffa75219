"""ScalingFigure: gradient norms through RMSNorm against input scale c and weight scale delta.

Notebook 04. Left: |dL/dx| against c for y = RMSNorm(W (c x)) * g, with the 1/c reference line and
the same model without the norm. Right: |dL/dW| and |dL/dg| against delta for W -> delta W, with
the 1/delta line. Every curve is computed once per eps at construction; a slider move only moves
the markers (and swaps the eps curve), so an update is a blit of a few artists.
"""

from __future__ import annotations

import numpy as np

from rmsviz.experiments.scaling import make_problem, orthogonality, sweep_input_scale, sweep_weight_scale
from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS

EPS_CHOICES = (0.0, 1e-6, 1e-3)
C_RANGE = (1e-4, 1e3)
DELTA_RANGE = (1e-4, 1e3)


def _loglog_interp(x, xs, ys):
    return float(10 ** np.interp(np.log10(x), np.log10(xs), np.log10(ys)))


class ScalingFigure(LiveFigure):
    """Log-log gradient norms against c (left) and delta (right), with and without RMSNorm."""

    def __init__(self, points: int = 57, seed: int = 0):
        super().__init__(1, 2, figsize=(9.0, 3.5), dpi=90)
        self.problem = make_problem(seed=seed)
        self.cs = np.logspace(np.log10(C_RANGE[0]), np.log10(C_RANGE[1]), points)
        self.deltas = np.logspace(np.log10(DELTA_RANGE[0]), np.log10(DELTA_RANGE[1]), points)
        p = self.problem
        self.by_c = {eps: sweep_input_scale(self.cs, True, eps, p) for eps in EPS_CHOICES}
        self.by_delta = {eps: sweep_weight_scale(self.deltas, True, eps, p) for eps in EPS_CHOICES}
        self.by_c_none = sweep_input_scale(self.cs, False, 0.0, p)
        self.by_delta_none = sweep_weight_scale(self.deltas, False, 0.0, p)
        ax_c, ax_d = self.axes
        for ax in self.axes:
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_ylim(1e-4, 1e6)
        base = self.by_c[0.0]
        ax_c.set_xlim(*C_RANGE)
        ax_c.set_title("input scale c:  x → c x")
        ax_c.set_xlabel("c")
        ax_c.plot(self.cs, base["x"][np.argmin(abs(self.cs - 1))] / self.cs, color="k", ls=":", lw=1.2,
                  label="1/c")
        ax_c.plot(self.cs, self.by_c_none["x"], color=COLORS["none"], lw=2, label="|dL/dx| no norm")
        (self.c_line,) = ax_c.plot(self.cs, base["x"], color=COLORS["rmsnorm"], lw=2,
                                   label="|dL/dx| RMSNorm")
        self.moving(self.c_line)
        self.c_marks = self.moving(*ax_c.plot([1, 1], [1, 1], "o", color=COLORS["highlight"], ms=7))
        ax_c.legend(loc="upper right", frameon=False, fontsize=8)

        ax_d.set_xlim(*DELTA_RANGE)
        ax_d.set_title("weight scale δ:  W → δ W")
        ax_d.set_xlabel("δ")
        dbase = self.by_delta[0.0]
        ax_d.plot(self.deltas, dbase["W"][np.argmin(abs(self.deltas - 1))] / self.deltas, color="k",
                  ls=":", lw=1.2, label="1/δ")
        ax_d.plot(self.deltas, self.by_delta_none["W"], color=COLORS["none"], lw=2, label="|dL/dW| no norm")
        (self.dW_line,) = ax_d.plot(self.deltas, dbase["W"], color=COLORS["rmsnorm"], lw=2,
                                    label="|dL/dW| RMSNorm")
        (self.dg_line,) = ax_d.plot(self.deltas, dbase["g"], color=COLORS["std"], lw=2, ls="--",
                                    label="|dL/dg| RMSNorm")
        self.moving(self.dW_line, self.dg_line)
        self.d_marks = self.moving(*ax_d.plot([1, 1, 1], [1, 1, 1], "o", color=COLORS["highlight"], ms=7))
        ax_d.legend(loc="upper right", frameon=False, fontsize=8)

    def update(self, c: float, delta: float, eps: float) -> dict:
        """Move the markers to c and delta, show the curves for eps; returns the values marked
        and, under ``"orthogonality"``, the check of dL/dx against x at this c and eps."""
        if eps not in self.by_c:
            raise ValueError(f"eps must be one of {EPS_CHOICES}, got {eps}")
        by_c, by_d = self.by_c[eps], self.by_delta[eps]
        self.c_line.set_ydata(by_c["x"])
        self.dW_line.set_ydata(by_d["W"])
        self.dg_line.set_ydata(by_d["g"])
        values = {
            "dx_norm": _loglog_interp(c, self.cs, by_c["x"]),
            "dx_none": _loglog_interp(c, self.cs, self.by_c_none["x"]),
            "dW_norm": _loglog_interp(delta, self.deltas, by_d["W"]),
            "dW_none": _loglog_interp(delta, self.deltas, self.by_delta_none["W"]),
            "dg_norm": _loglog_interp(delta, self.deltas, by_d["g"]),
            "orthogonality": orthogonality(c, eps, self.problem),
        }
        self.c_marks.set_data([c, c], [values["dx_norm"], values["dx_none"]])
        self.d_marks.set_data([delta] * 3, [values["dW_norm"], values["dW_none"], values["dg_norm"]])
        return values
