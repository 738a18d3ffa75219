"""Central finite differences, to check hand-written backward passes (notebook 04).

``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)``: the error is O(h**2), so with h = 1e-6 in
float64 an analytic gradient should agree to about 1e-8 relative. :func:`numerical_jacobian` does
the same for a function with a vector output: column j of the Jacobian ``J[i, j] = dy_i/dx_j`` is
``(f(x + h e_j) - f(x - h e_j)) / (2 h)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient", "numerical_jacobian", "relative_error"]


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


def numerical_jacobian(f, x, h: float = 1e-6) -> np.ndarray:
    """Jacobian ``J[i, j] = dy_i/dx_j`` of ``y = f(x)`` (x and y 1-d) by central differences."""
    if not callable(f):
        raise TypeError("f must be a callable returning a 1-d array")
    if not h > 0:
        raise ValueError(f"h must be positive, got {h}")
    x = np.array(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty 1-d array, got shape {x.shape}")
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        up, down = np.asarray(f(x + step), dtype=float), np.asarray(f(x - step), dtype=float)
        if up.ndim != 1:
            raise ValueError(f"f must return a 1-d array, got shape {up.shape}")
        columns.append((up - down) / (2 * h))
    return np.stack(columns, axis=1)


def relative_error(a, b) -> float:
    """``max|a - b| / max(max|a|, max|b|, 1e-300)``: 0 when equal, about 1e-8 for a good gradient."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)
