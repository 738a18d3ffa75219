"""The statistics of one vector that notebook 01's RMS panel shows (layer: norms).

``RMS(x) = sqrt(mean(x**2))``, beside the mean and the (population) standard deviation, and the
identity ``RMS(x)**2 = mean(x)**2 + var(x)`` that the panel draws as a stacked bar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.norms import rms

__all__ = ["RMSStats", "rms_stats"]


@dataclass(frozen=True)
class RMSStats:
    """A vector and its mean, std, mean of squares (= RMS²) and RMS."""

    x: np.ndarray
    mean: float
    std: float
    mean_square: float
    rms: float


def rms_stats(x) -> RMSStats:
    """Mean, population std, mean of squares and RMS of the vector ``x`` (notebook 01)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty vector, got shape {x.shape}")
    value = float(rms(x))
    return RMSStats(x=x, mean=float(np.mean(x)), std=float(np.std(x)), mean_square=value**2, rms=value)
