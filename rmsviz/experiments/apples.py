"""The source text's apples, in grams or kilograms, through RMSNorm and LayerNorm (notebook 02).

Re-scaling invariance: RMSNorm(c x) = RMSNorm(x) for c > 0 (eps aside), so the apples in grams and
in kilograms give the same output; LayerNorm (the z-score, no gain or bias) ignores the unit too,
and also a shift of every weight. :func:`normalise_apples` gives both outputs and the statistics
notebook 02's panel prints under them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.norms import layer_norm, rms, rms_norm

__all__ = ["UNITS", "ApplesResult", "normalise_apples"]

#: Grams per unit.
UNITS = {"g": 1.0, "kg": 1000.0}


@dataclass(frozen=True)
class ApplesResult:
    """Four weights in ``unit``, their RMSNorm and LayerNorm, and the outputs' statistics."""

    unit: str
    weights: np.ndarray      # in the unit
    rms_norm: np.ndarray
    layer_norm: np.ndarray
    rms_norm_mean: float
    rms_norm_rms: float
    layer_norm_mean: float   # 0 up to round-off
    layer_norm_std: float


def normalise_apples(weights_g, unit: str = "g", eps: float = 1e-6) -> ApplesResult:
    """RMSNorm and LayerNorm of four apple weights given in grams, computed in ``unit`` ("g"/"kg")."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {sorted(UNITS)}, got {unit!r}")
    w = np.asarray(weights_g, dtype=float)
    if w.shape != (4,):
        raise ValueError(f"weights_g must have 4 entries, got shape {w.shape}")
    x = w / UNITS[unit]
    y_rms, y_ln = rms_norm(x, eps=eps), layer_norm(x, eps=eps)
    return ApplesResult(unit=unit, weights=x, rms_norm=y_rms, layer_norm=y_ln,
                        rms_norm_mean=float(np.mean(y_rms)), rms_norm_rms=float(rms(y_rms)),
                        layer_norm_mean=float(np.mean(y_ln)), layer_norm_std=float(np.std(y_ln)))
