"""Hand-written layers with their analytic backward passes: linear, tanh and mean squared error.

Introduced in notebook 04 (gradients), where they are chained with ``rmsviz.norms``' RMSNorm and
LayerNorm backward passes and checked against central finite differences
(:mod:`rmsviz.experiments.gradcheck`). Rows are examples, columns are features.

* linear:  ``y = x W^T + b``;  ``dx = dy W``, ``dW = dy^T x``, ``db = sum of dy over rows``;
* tanh:    ``t = tanh(z)``;    ``dz = dt * (1 - t**2)`` (written with the output t);
* MSE:     ``L = mean((p - y)**2)``;  ``dp = 2 (p - y) / count``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["linear", "linear_backward", "tanh", "tanh_backward", "mse", "mse_backward"]


def _real(value, name: str, ndim=None) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers") from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    if ndim is not None and arr.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimensions, got shape {arr.shape}")
    return arr


def _linear_args(x, W, b):
    x = _real(x, "x", (1, 2))
    W = _real(W, "W", (2,))
    if x.shape[-1] != W.shape[1]:
        raise ValueError(f"x has {x.shape[-1]} features but W expects {W.shape[1]} (W has shape {W.shape})")
    if b is not None:
        b = _real(b, "b", (1,))
        if b.shape != (W.shape[0],):
            raise ValueError(f"b must have shape ({W.shape[0]},), got {b.shape}")
    return x, W, b


def linear(x, W, b=None) -> np.ndarray:
    """Linear layer ``y = x W^T + b`` (x: (batch, n_in) or (n_in,), W: (n_out, n_in), b: (n_out,))."""
    x, W, b = _linear_args(x, W, b)
    y = x @ W.T
    return y + b if b is not None else y


def linear_backward(x, W, grad_out, b=None):
    """Backward pass of :func:`linear`: returns ``(grad_x, grad_W, grad_b)``.

    ``grad_x = grad_out W``, ``grad_W = grad_out^T x`` (summed over the batch), ``grad_b`` = the
    sum of ``grad_out`` over the batch (None when there is no bias).
    """
    x, W, b = _linear_args(x, W, b)
    g = _real(grad_out, "grad_out", (1, 2))
    expected = x.shape[:-1] + (W.shape[0],)
    if g.shape != expected:
        raise ValueError(f"grad_out must have shape {expected} (the output's shape), got {g.shape}")
    grad_x = g @ W
    g2, x2 = g.reshape(-1, W.shape[0]), x.reshape(-1, W.shape[1])
    grad_W = g2.T @ x2
    grad_b = g2.sum(axis=0) if b is not None else None
    return grad_x, grad_W, grad_b


def tanh(z) -> np.ndarray:
    """``t = tanh(z)``, elementwise."""
    return np.tanh(_real(z, "z"))


def tanh_backward(t, grad_out) -> np.ndarray:
    """Backward pass of :func:`tanh` from its output t: ``grad_z = grad_out * (1 - t**2)``."""
    t = _real(t, "t")
    g = _real(grad_out, "grad_out")
    if g.shape != t.shape:
        raise ValueError(f"grad_out must have the shape of t {t.shape}, got {g.shape}")
    if np.any(np.abs(t) > 1):
        raise ValueError("t must be an output of tanh, so every |t| <= 1")
    return g * (1.0 - t * t)


def _mse_args(pred, target):
    pred = _real(pred, "pred")
    target = _real(target, "target")
    if pred.shape != target.shape:
        raise ValueError(f"pred {pred.shape} and target {target.shape} must have the same shape")
    return pred, target


def mse(pred, target, axis=None):
    """Mean squared error ``L = mean((pred - target)**2)`` (over every entry, or along ``axis``)."""
    pred, target = _mse_args(pred, target)
    return np.mean((pred - target) ** 2, axis=axis)


def mse_backward(pred, target, axis=None) -> np.ndarray:
    """Gradient of :func:`mse` with respect to pred: ``2 (pred - target) / count`` (count along axis)."""
    pred, target = _mse_args(pred, target)
    count = pred.size if axis is None else pred.shape[axis]
    return 2.0 * (pred - target) / count
