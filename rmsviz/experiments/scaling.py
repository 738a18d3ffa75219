"""Scaling laws of gradients through RMSNorm: ``y = RMSNorm(W x) * g`` with an MSE loss on y.

Introduced in notebook 04 (DESIGN.md section 2). With ``h = W x``, ``r = sqrt(mean(h**2) + eps)``
and the Jacobian ``J = (I - hhat hhat^T / n) / r`` of the norm:

* scaling the input ``x -> c x`` scales h and r by c (eps = 0) and leaves y, hence dL/dy, unchanged,
  so ``dL/dx = W^T J dL/dy`` shrinks as ``1/c`` while ``dL/dW = (J dL/dy) x^T`` is invariant;
* scaling the weights ``W -> delta W`` leaves y unchanged and makes ``dL/dW`` shrink as ``1/delta``
  (the paper's implicit learning-rate adaptation, Eqs. 8-10); ``dL/dg = dL/dy * hhat`` is invariant;
* ``J h = h eps / (mean(h**2) + eps) / r``: zero at eps = 0, so ``x . dL/dx = h . dL/dh = 0``
  (no gradient along x); with eps > 0 the norm stops normalising once ``mean(h**2) << eps``, and the
  ``1/c`` law bends flat at small scales.

Without the norm (``y = (W x) * g``) the gradients grow with the scale instead.
"""

from __future__ import annotations

import numpy as np

from rmsviz.experiments.layers import linear, linear_backward, mse, mse_backward
from rmsviz.norms import rms_norm, rms_norm_backward

__all__ = ["make_problem", "gradients", "sweep_input_scale", "sweep_weight_scale",
           "fitted_slope", "orthogonality"]


def make_problem(n: int = 16, m: int = 16, seed: int = 0) -> dict:
    """A seeded input x (n,), weights W (m, n) with entries N(0, 1/n), a gain g (m,) near 1 and a
    target t (m,): the problem every sweep below uses."""
    if n < 2 or m < 2:
        raise ValueError(f"n and m must be at least 2, got n={n}, m={m}")
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=n),
        "W": rng.normal(size=(m, n)) / np.sqrt(n),
        "g": 1.0 + 0.1 * rng.normal(size=m),
        "t": rng.normal(size=m),
    }


def gradients(x, W, g, t, norm: bool = True, eps: float = 0.0) -> dict:
    """Loss and gradients of ``L = mse(y, t)``, ``y = RMSNorm(W x; eps) * g`` (or ``(W x) * g``).

    Returns a dict with ``loss`` and the arrays ``x``, ``W``, ``g`` (the gradients with respect to
    each) and ``h`` (dL/dh, the gradient at the norm's input), all from hand-written backward passes.
    """
    h = linear(x, W)
    if norm:
        y = rms_norm(h, gain=g, eps=eps)
    else:
        y = h * g
    dy = mse_backward(y, t)
    if norm:
        dh, dg = rms_norm_backward(h, dy, gain=g, eps=eps)
    else:
        dh, dg = dy * g, dy * h
    dx, dW, _ = linear_backward(x, W, dh)
    return {"loss": float(mse(y, t)), "x": dx, "W": dW, "g": dg, "h": dh}


def _sweep(scales, which: str, norm: bool, eps: float, problem: dict | None) -> dict:
    scales = np.asarray(scales, dtype=float)
    if scales.ndim != 1 or scales.size == 0 or not np.all(np.isfinite(scales)) or np.any(scales <= 0):
        raise ValueError("scales must be a non-empty 1-d array of positive finite numbers")
    p = make_problem() if problem is None else problem
    out = {k: np.empty(scales.size) for k in ("x", "W", "g", "loss")}
    for i, s in enumerate(scales):
        x, W = (s * p["x"], p["W"]) if which == "c" else (p["x"], s * p["W"])
        grads = gradients(x, W, p["g"], p["t"], norm=norm, eps=eps)
        for k in ("x", "W", "g"):
            out[k][i] = float(np.linalg.norm(grads[k]))
        out["loss"][i] = grads["loss"]
    return out


def sweep_input_scale(cs, norm: bool = True, eps: float = 0.0, problem: dict | None = None) -> dict:
    """Norms of dL/dx, dL/dW, dL/dg (and the loss) for the input ``c x``, for each c in ``cs``."""
    return _sweep(cs, "c", norm, eps, problem)


def sweep_weight_scale(deltas, norm: bool = True, eps: float = 0.0, problem: dict | None = None) -> dict:
    """Norms of dL/dx, dL/dW, dL/dg (and the loss) for the weights ``delta W``, for each delta."""
    return _sweep(deltas, "delta", norm, eps, problem)


def fitted_slope(scales, values) -> float:
    """Least-squares slope of ``log10(values)`` against ``log10(scales)`` (the power-law exponent)."""
    scales, values = np.asarray(scales, dtype=float), np.asarray(values, dtype=float)
    if scales.shape != values.shape or scales.size < 2:
        raise ValueError("scales and values must be 1-d arrays of the same length (at least 2)")
    if np.any(scales <= 0) or np.any(values <= 0):
        raise ValueError("a log-log slope needs positive scales and values")
    return float(np.polyfit(np.log10(scales), np.log10(values), 1)[0])


def orthogonality(c: float = 1.0, eps: float = 0.0, problem: dict | None = None) -> dict:
    """How much of dL/dx points along x, for the input ``c x``.

    Returns ``cosine`` = cos(angle between x and dL/dx), ``dot`` = x . dL/dx, and ``predicted_fraction``
    = eps / (mean(h**2) + eps), the share of h that J keeps (``J h = h * fraction / r``).
    """
    p = make_problem() if problem is None else problem
    x = c * p["x"]
    grads = gradients(x, p["W"], p["g"], p["t"], norm=True, eps=eps)
    h = p["W"] @ x
    ms = float(np.mean(h * h))
    dot = float(x @ grads["x"])
    cos = dot / (np.linalg.norm(x) * np.linalg.norm(grads["x"]))
    return {"cosine": float(cos), "dot": dot, "predicted_fraction": eps / (ms + eps), "mean_square": ms}
