"""The geometry of RMSNorm and LayerNorm for n = 3 features (notebook 03).

RMSNorm(x) = x / RMS(x) has |y|² = n, so it lies on the sphere of radius sqrt(3), on the ray
from the origin through x. LayerNorm first removes the mean, which projects x onto the plane
x1 + x2 + x3 = 0, then divides by the std: its image lies on the circle where that sphere meets
the plane (radius sqrt(3) as well). :func:`project` returns the three points and the projection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.norms import layer_norm, rms_norm

__all__ = ["RADIUS", "SphereResult", "project"]

#: The radius of the sphere RMSNorm maps 3 features onto: sqrt(n).
RADIUS = float(np.sqrt(3.0))


@dataclass(frozen=True)
class SphereResult:
    """An input x (3 numbers), its RMSNorm y, its LayerNorm z and x's projection onto sum = 0."""

    x: np.ndarray
    rms_norm: np.ndarray
    layer_norm: np.ndarray
    projection: np.ndarray  # x - mean(x)
    rms_norm_length: float  # |y| = sqrt(3) (eps aside)
    layer_norm_length: float  # |z| = sqrt(3) (eps aside)
    layer_norm_sum: float  # |sum(z)| = 0 up to round-off


def project(x, eps: float = 1e-6) -> SphereResult:
    """RMSNorm and LayerNorm of a 3-vector ``x``, and ``x - mean(x)``, with the lengths shown."""
    x = np.asarray(x, dtype=float)
    if x.shape != (3,):
        raise ValueError(f"x must have 3 entries, got shape {x.shape}")
    y, z = rms_norm(x, eps=eps), layer_norm(x, eps=eps)
    return SphereResult(x=x, rms_norm=y, layer_norm=z, projection=x - np.mean(x),
                        rms_norm_length=float(np.linalg.norm(y)), layer_norm_length=float(np.linalg.norm(z)),
                        layer_norm_sum=abs(float(np.sum(z))))
