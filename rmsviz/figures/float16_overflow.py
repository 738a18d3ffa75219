"""PrecisionFigure: a naive float16 RMSNorm collapses at |x| = 256; float32 accumulation does not
(notebook 05).

Left: the output RMS against the input's largest magnitude (log axis) for the chosen way of
computing, with the measured overflow threshold marked. Right: the output vector at the current
magnitude (bars) beside the float64 result (dots).
"""

from __future__ import annotations

import numpy as np

from rmsviz.experiments.precision import (
    bfloat16_rms_norm,
    collapse_sweep,
    naive_rms_norm,
    square_overflow_threshold,
    test_vector,
    upcast_rms_norm,
)
from rmsviz.figures.live import LiveFigure
from rmsviz.style import COLORS
from rmsviz.norms import rms_norm

MODES = {
    "float16_naive": "float16, naive",
    "float32_accumulate": "float16 in, float32 accumulate",
    "bfloat16": "bfloat16 (emulated)",
}


def compute(mode: str, x16: np.ndarray) -> np.ndarray:
    """The output for float16 input ``x16`` computed the way ``mode`` names (as float64)."""
    if mode == "float16_naive":
        y = naive_rms_norm(x16)
    elif mode == "float32_accumulate":
        y = upcast_rms_norm(x16)
    elif mode == "bfloat16":
        y = bfloat16_rms_norm(x16.astype(np.float32))
    else:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    return y.astype(np.float64)


class PrecisionFigure(LiveFigure):
    """Output RMS vs input magnitude (threshold marked) and the output vector at one magnitude."""

    def __init__(self, n: int = 8, seed: int = 0, magnitudes=None):
        super().__init__(1, 2, figsize=(9.5, 3.6), gridspec_kw={"width_ratios": [1.3, 1]})
        self.n, self.seed = n, seed
        self.magnitudes = np.geomspace(1, 4096, 241) if magnitudes is None else np.asarray(magnitudes)
        self.sweep = collapse_sweep(self.magnitudes, n=n, seed=seed)
        self.threshold = square_overflow_threshold()
        ax_rms, ax_vec = self.axes

        ax_rms.set_xscale("log", base=2)
        ax_rms.set_xlim(self.magnitudes[0], self.magnitudes[-1])
        ax_rms.set_ylim(-0.05, 1.25)
        ax_rms.set_xlabel("largest |x| in the vector")
        ax_rms.set_ylabel("output RMS (1 = right)")
        ax_rms.set_title("float16 input: does the output survive?")
        ax_rms.axvline(self.threshold, color=COLORS["negative"], lw=1.5, ls="--")
        ax_rms.text(self.threshold * 1.08, 1.17, f"x² overflows float16\n(|x| ≥ {self.threshold:g})",
                    color=COLORS["negative"], fontsize=9, va="top")
        self.curve = self.moving(ax_rms.plot(self.magnitudes, self.sweep["float16_naive_rms"],
                                             color=COLORS["rmsnorm"], lw=2.2)[0])
        self.dot = self.moving(ax_rms.plot([1.0], [1.0], "o", color=COLORS["rms"], ms=7)[0])

        positions = np.arange(n)
        ax_vec.set_xticks(positions, [f"y{i + 1}" for i in positions])
        ax_vec.set_xlim(-0.6, n - 0.4)
        lim = float(np.sqrt(n)) * 1.05
        ax_vec.set_ylim(-lim, lim)
        ax_vec.axhline(0, color="0.6", lw=0.8)
        ax_vec.set_title("the output vector")
        self.bars = self.moving(*ax_vec.bar(positions, np.zeros(n), color=COLORS["rmsnorm"], width=0.6,
                                            label="this way"))
        self.ref = self.moving(ax_vec.plot(positions, np.zeros(n), "o", color=COLORS["rms"], ms=6,
                                           label="float64")[0])
        ax_vec.legend(loc="lower right", frameon=False, fontsize=9, ncols=2)

    def update(self, magnitude: float, mode: str) -> dict:
        """Redraw for this largest magnitude and way of computing; returns the numbers shown."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
        x16 = test_vector(magnitude, self.n, self.seed).astype(np.float16)
        if not np.all(np.isfinite(x16)):
            raise ValueError(f"magnitude {magnitude} does not fit in float16 (max 65504)")
        y = compute(mode, x16)
        ref = rms_norm(x16.astype(np.float64))
        out_rms = float(np.sqrt(np.mean(y**2)))
        self.curve.set_ydata(self.sweep[f"{mode}_rms"])
        self.dot.set_data([float(np.max(np.abs(x16)))], [out_rms])
        for bar, v in zip(self.bars, y):
            bar.set_height(v)
        self.ref.set_ydata(ref)
        return {"out_rms": out_rms, "max_error": float(np.max(np.abs(y - ref))), "y": y}
