"""Central finite differences, to check hand-written backward passes (notebook 04).

``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)``: the error is O(h**2), so with h = 1e-6 in
float64 an analytic gradient should agree to about 1e-8 relative.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f, x, h: float = 1e-6) -> np.ndarray:
    """Gradient of the scalar function ``f`` at ``x`` by central differences (x is not modified)."""
    if not callable(f):
        raise TypeError("f must be a callable returning a scalar")
    if not h > 0:
        raise ValueError(f"h must be positive, got {h}")
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = float(f(x))
        flat[i] = old - h
        down = float(f(x))
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def relative_error(a, b) -> float:
    """``max|a - b| / max(max|a|, max|b|, 1e-300)``: 0 when equal, about 1e-8 for a good gradient."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)
