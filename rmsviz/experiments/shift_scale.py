"""An input a·x0 + b through RMSNorm and LayerNorm (notebook 03).

Scaling by a > 0 changes neither output; a < 0 flips the sign of both. Shifting by b changes
RMSNorm (it does not subtract the mean) but not LayerNorm (it subtracts it). :func:`shift_and_scale` returns the
input and both outputs with the mean and RMS of each, which notebook 03's panel shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.norms import layer_norm, rms, rms_norm

__all__ = ["DEFAULT_X0", "Summary", "ShiftScaleResult", "check_x0", "shift_and_scale"]

#: The fixed vector x0 the panel scales and shifts.
DEFAULT_X0 = (0.5, 2.0, -1.0, 2.5, 0.0, 3.0)

#: A mean below this is shown as 0 (LayerNorm's output mean is 0 up to round-off).
ZERO_MEAN = 5e-13


@dataclass(frozen=True)
class Summary:
    """A vector with its mean and RMS."""

    values: np.ndarray
    mean: float
    rms: float


def _summary(v: np.ndarray) -> Summary:
    mean = float(np.mean(v))
    return Summary(values=v, mean=0.0 if abs(mean) < ZERO_MEAN else mean, rms=float(rms(v)))


@dataclass(frozen=True)
class ShiftScaleResult:
    """The input a·x0 + b, its RMSNorm and its LayerNorm, each with its mean and RMS."""

    a: float
    b: float
    input: Summary
    rms_norm: Summary
    layer_norm: Summary


def check_x0(x0) -> np.ndarray:
    """``x0`` as a float vector of 2 to 12 entries (ValueError otherwise)."""
    x0 = np.asarray(x0, dtype=float)
    if x0.ndim != 1 or not 2 <= x0.size <= 12:
        raise ValueError(f"x0 must be a vector of 2 to 12 entries, got shape {x0.shape}")
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0 contains NaN or infinity")
    return x0


def shift_and_scale(x0, a: float, b: float, eps: float = 1e-6) -> ShiftScaleResult:
    """``x = a * x0 + b``, ``RMSNorm(x)`` and ``LayerNorm(x)`` (no gain, no bias), with their statistics."""
    x = a * check_x0(x0) + b
    return ShiftScaleResult(a=float(a), b=float(b), input=_summary(x),
                            rms_norm=_summary(rms_norm(x, eps=eps)), layer_norm=_summary(layer_norm(x, eps=eps)))
