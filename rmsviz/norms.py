"""The numerical core: RMS, RMSNorm, LayerNorm, pRMSNorm and their analytic backward passes.

Introduced in notebook 01 (``rms``) and notebook 02 (``rms_norm``, ``layer_norm``); the backward
passes are the subject of notebook 04 and ``partial_rms_norm`` of notebook 05.

Conventions (DESIGN.md section 2):

* statistics are taken along ``axis`` (the features of one vector), vectorised over every other axis;
* ``eps`` goes inside the square root, ``RMSNorm(x) = x / sqrt(mean(x**2) + eps) * g``;
* LayerNorm uses the population variance (divide by n, not n - 1);
* integers are computed in float64, float16 in float32 (and returned as float16), other floats kept;
* no overflow or underflow for any finite input: when the plain formula would overflow or lose
  precision, the vector is first divided by its largest magnitude (the result is mathematically the
  same, because both norms are invariant to a positive re-scaling apart from eps).

Bad input raises ``ValueError`` or ``TypeError`` whose message names the problem.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "rms",
    "rms_norm",
    "layer_norm",
    "rms_norm_backward",
    "layer_norm_backward",
    "partial_rms_norm",
]


# ----------------------------------------------------------------------------------------------
# Validation


def _as_real_array(value, name: str) -> np.ndarray:
    """``value`` as a numpy array of real numbers, or a ValueError/TypeError naming the problem."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a rectangular array of numbers ({exc})") from None
    if arr.dtype.kind == "O":
        if any(v is None for v in arr.flat):
            # numpy would silently turn None into NaN
            raise TypeError(f"{name} must hold real numbers, but it holds non-numeric objects (None)")
        try:
            arr = arr.astype(np.float64)
        except OverflowError:
            raise ValueError(f"{name} holds an integer too large for float64") from None
        except (ValueError, TypeError):
            raise TypeError(f"{name} must hold real numbers, but it holds non-numeric objects") from None
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers, not booleans")
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, not complex numbers")
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, but its dtype is {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: it needs at least one value")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity; every value must be finite")
    return arr


def _compute_dtype(arr: np.ndarray) -> np.dtype:
    if arr.dtype.kind in "iu":
        return np.dtype(np.float64)
    if arr.dtype == np.float16:
        return np.dtype(np.float32)
    return arr.dtype


def _output_dtype(arr: np.ndarray) -> np.dtype:
    return np.dtype(np.float64) if arr.dtype.kind in "iu" else arr.dtype


def _check_axis(axis, ndim: int) -> int:
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an input with {ndim} dimension(s)")
    return axis % ndim


def _check_eps(eps, compute_dtype: np.dtype, allow_none: bool) -> float:
    """eps as a float; ``None`` (PyTorch's rms_norm default) means the compute dtype's machine epsilon."""
    if eps is None and allow_none:
        return float(np.finfo(compute_dtype).eps)
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, numbers.Real):
        raise TypeError(f"eps must be a real number, got {type(eps).__name__}")
    eps = float(eps)
    if not math.isfinite(eps):
        raise ValueError(f"eps must be finite, got {eps}")
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    return eps


def _check_feature_vector(value, name: str, n: int, dtype: np.dtype):
    """A gain or bias: None, or a finite real vector of shape (n,) cast to the compute dtype."""
    if value is None:
        return None
    arr = _as_real_array(value, name)
    if arr.shape != (n,):
        raise ValueError(
            f"{name} must have shape ({n},) to match the normalised axis of length {n}, "
            f"got shape {arr.shape}"
        )
    return arr.astype(dtype, copy=False)


def _prepare(x, axis):
    """Validate x and move the normalised axis last: (x in compute dtype, axis, output dtype)."""
    arr = _as_real_array(x, "x")
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension (a vector of features), got a scalar")
    axis = _check_axis(axis, arr.ndim)
    xc = np.moveaxis(arr.astype(_compute_dtype(arr), copy=False), axis, -1)
    return xc, axis, _output_dtype(arr)


def _finish(y: np.ndarray, axis: int, out_dtype: np.dtype, what: str) -> np.ndarray:
    with np.errstate(over="ignore"):
        y = np.moveaxis(y, -1, axis).astype(out_dtype, copy=False)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{what} does not fit in {out_dtype}: the result overflows")
    return y


def _check_grad_out(grad_out, x_shape_original: tuple, axis: int, dtype: np.dtype) -> np.ndarray:
    g = _as_real_array(grad_out, "grad_out")
    if g.shape != x_shape_original:
        raise ValueError(f"grad_out must have the same shape as x {x_shape_original}, got {g.shape}")
    return np.moveaxis(g.astype(dtype, copy=False), axis, -1)


# ----------------------------------------------------------------------------------------------
# Scale-safe statistics (axis last, keepdims)


def _needs_rescue(stat: np.ndarray, n: int, dtype: np.dtype) -> np.ndarray:
    """Rows where a mean of squares overflowed or is so small that squares may have underflowed."""
    info = np.finfo(dtype)
    return ~np.isfinite(stat) | (stat < n * info.tiny / info.eps)


def _rms_parts(xc: np.ndarray, eps):
    """(scale, inv), keepdims, with ``x / sqrt(mean(x**2) + eps) == (x / scale) * inv`` per row.

    Most rows take the plain formula (scale 1). A row whose mean of squares overflows or underflows
    is first divided by its largest magnitude m: then ``inv = 1 / sqrt(mean((x/m)**2) + eps/m**2)``,
    and when ``eps/m**2`` overflows, eps dwarfs the data and ``inv = m / sqrt(eps)``. An all-zero
    row gets ``inv = 1/sqrt(eps)`` (0 when eps = 0, so that it maps to zeros).
    ``eps`` may be a float or a keepdims array.
    """
    n = xc.shape[-1]
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        ms = np.mean(np.square(xc), axis=-1, keepdims=True)
        inv = 1.0 / np.sqrt(ms + eps)
    scale = np.ones_like(ms)
    bad = _needs_rescue(ms, n, xc.dtype)
    if np.any(bad):
        m = np.max(np.abs(xc), axis=-1, keepdims=True)
        safe_m = np.where(m > 0, m, 1.0).astype(xc.dtype)
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            ms_scaled = np.mean(np.square(xc / safe_m), axis=-1, keepdims=True)
            t = (eps / safe_m) / safe_m
            rescued = 1.0 / np.sqrt(ms_scaled + t)
            rescued = np.where(np.isfinite(t), rescued, safe_m / np.sqrt(eps))
            zero_inv = np.where(np.asarray(eps) > 0, 1.0 / np.sqrt(eps), 0.0)
            rescued = np.where(m > 0, rescued, zero_inv)
        inv = np.where(bad, rescued, inv).astype(xc.dtype, copy=False)
        scale = np.where(bad, safe_m, scale).astype(xc.dtype, copy=False)
    return scale, inv.astype(xc.dtype, copy=False)


def _apply(xc: np.ndarray, scale: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """(x / scale) * inv, skipping the division when every scale is 1."""
    with np.errstate(over="ignore", under="ignore"):
        if np.all(scale == 1):
            return xc * inv
        return (xc / scale) * inv


def _inverse_of(scale: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """inv / scale, the factor 1/r of the backward pass (may overflow only for subnormal data)."""
    with np.errstate(over="ignore", under="ignore"):
        return inv / scale


def _centred(xc: np.ndarray):
    """(d, S): d = (x - mean(x)) / S along the last axis, overflow-safe, exactly 0 for constant rows.

    S is 1 unless x - mean(x) overflows, in which case S is the row's largest magnitude.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        d = xc - np.mean(xc, axis=-1, keepdims=True)
    S = np.ones(xc.shape[:-1] + (1,), dtype=xc.dtype)
    if not np.all(np.isfinite(d)):
        m = np.max(np.abs(xc), axis=-1, keepdims=True)
        S = np.where(m > 0, m, 1.0).astype(xc.dtype)
        s = xc / S
        d = s - np.mean(s, axis=-1, keepdims=True)
    constant = np.max(xc, axis=-1, keepdims=True) == np.min(xc, axis=-1, keepdims=True)
    if np.any(constant):
        d = np.where(constant, 0.0, d).astype(xc.dtype, copy=False)
    return d, S


def _ln_parts(xc: np.ndarray, eps: float):
    """(xhat, inv_sigma): xhat = (x - mean) / sigma, sigma = sqrt(var + eps), overflow-safe.

    With d = (x - mean)/S: sigma = S * sqrt(var(d) + eps/S**2), so xhat is RMSNorm of d with eps/S**2.
    """
    d, S = _centred(xc)
    with np.errstate(under="ignore"):
        eps_d = eps if np.all(S == 1) else (eps / S) / S
    scale, inv = _rms_parts(d, eps_d)
    xhat = _apply(d, scale, inv)
    with np.errstate(over="ignore", under="ignore"):
        inv_sigma = inv / scale / S
    return xhat, inv_sigma


# ----------------------------------------------------------------------------------------------
# Public API


def rms(x, axis=-1, keepdims=False):
    """Root mean square along ``axis``: ``RMS(x) = sqrt(mean(x_i**2))``.

    Introduced in notebook 01 (square, mean, root). Overflow-safe: ``rms([1e200, 3e200])`` is
    ``sqrt(5) * 1e200``. Returns an array (a 0-d array for a single vector); float16 input is
    computed in float32 and returned as float16.
    """
    xc, axis, out_dtype = _prepare(x, axis)
    scale, inv = _rms_parts(xc, 0.0)
    with np.errstate(divide="ignore", over="ignore"):
        value = np.where(inv > 0, scale / np.where(inv > 0, inv, 1.0), 0.0).astype(xc.dtype)
    out = _finish(value, axis, out_dtype, "rms(x)")
    return out if keepdims else np.squeeze(out, axis=axis)


def rms_norm(x, gain=None, eps=1e-6, axis=-1):
    """RMSNorm: ``y = x / sqrt(mean(x**2) + eps) * gain`` along ``axis``.

    Introduced in notebook 02. One statistic (the RMS), no mean subtraction: every sign and every
    ratio between features is kept, and the output has RMS 1 (eps aside). ``eps=None`` follows
    PyTorch's ``rms_norm`` default: the machine epsilon of the compute dtype. The zero vector maps to
    zeros, also with ``eps=0``.
    """
    xc, axis, out_dtype = _prepare(x, axis)
    n = xc.shape[-1]
    eps = _check_eps(eps, xc.dtype, allow_none=True)
    gain = _check_feature_vector(gain, "gain", n, xc.dtype)
    y = _apply(xc, *_rms_parts(xc, eps))
    if gain is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            y = y * gain
    return _finish(y, axis, out_dtype, "rms_norm(x)")


def layer_norm(x, gain=None, bias=None, eps=1e-6, axis=-1):
    """LayerNorm: ``y = (x - mean(x)) / sqrt(var(x) + eps) * gain + bias`` along ``axis``.

    Introduced in notebook 02 (it is the z-score the source text calls RMSNorm). ``var`` is the
    population variance ``mean((x - mean(x))**2)``. A constant vector maps to zeros (plus bias),
    also with ``eps=0``.
    """
    xc, axis, out_dtype = _prepare(x, axis)
    n = xc.shape[-1]
    eps = _check_eps(eps, xc.dtype, allow_none=False)
    gain = _check_feature_vector(gain, "gain", n, xc.dtype)
    bias = _check_feature_vector(bias, "bias", n, xc.dtype)
    y, _ = _ln_parts(xc, eps)
    with np.errstate(over="ignore", invalid="ignore"):
        if gain is not None:
            y = y * gain
        if bias is not None:
            y = y + bias
    return _finish(y, axis, out_dtype, "layer_norm(x)")


def partial_rms_norm(x, p, gain=None, eps=1e-6, axis=-1):
    """pRMSNorm: ``y = x / sqrt(mean(x[:k]**2) + eps) * gain`` with ``k = ceil(n * p)``, 0 < p <= 1.

    Introduced in notebook 05. The RMS is estimated from the first k features only (the paper's
    partial RMSNorm; it reports training still converges at p = 6.25%), then every feature is
    divided by it. ``p = 1`` is exactly ``rms_norm``.
    """
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
        raise TypeError(f"p must be a real number in (0, 1], got {type(p).__name__}")
    p = float(p)
    if not (0.0 < p <= 1.0):
        raise ValueError(f"p must be in (0, 1], got {p}")
    xc, axis, out_dtype = _prepare(x, axis)
    n = xc.shape[-1]
    eps = _check_eps(eps, xc.dtype, allow_none=True)
    gain = _check_feature_vector(gain, "gain", n, xc.dtype)
    k = partial_count(n, p)
    head = xc[..., :k]
    scale, inv = _rms_parts(head, eps)
    if eps == 0:
        head_zero = np.max(np.abs(head), axis=-1, keepdims=True) == 0
        tail_nonzero = np.max(np.abs(xc), axis=-1, keepdims=True) > 0
        if np.any(head_zero & tail_nonzero):
            raise ValueError(
                f"the first k={k} features of a vector are all zero while others are not, and eps=0: "
                "its partial RMS is 0 and the output is undefined (use eps > 0)"
            )
    y = _apply(xc, scale, inv)
    if gain is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            y = y * gain
    return _finish(y, axis, out_dtype, "partial_rms_norm(x)")


def partial_count(n: int, p: float) -> int:
    """k = ceil(n * p), the number of leading features pRMSNorm uses (at least 1).

    Rounded first so that, for example, n = 10 and p = 0.3 give 3 and not 4.
    """
    return max(1, math.ceil(round(n * p, 9)))


def rms_norm_backward(x, grad_out, gain=None, eps=1e-6, axis=-1):
    """Analytic backward pass of ``rms_norm``: returns ``(grad_x, grad_gain)``.

    Introduced in notebook 04. With ``r = sqrt(mean(x**2) + eps)``, ``xhat = x / r`` and
    ``d = grad_out * gain`` (``gain`` = 1 when absent), the Jacobian of ``xhat`` is
    ``J = (I - xhat xhat^T / n) / r``, which is symmetric, so::

        grad_x    = (d - xhat * mean(d * xhat)) / r
        grad_gain = sum of grad_out * xhat over every axis but ``axis``   (None without a gain)

    With eps = 0, ``x . grad_x = 0``: no gradient flows along x itself.
    """
    xc, ax, out_dtype = _prepare(x, axis)
    n = xc.shape[-1]
    eps = _check_eps(eps, xc.dtype, allow_none=True)
    gain = _check_feature_vector(gain, "gain", n, xc.dtype)
    g = _check_grad_out(grad_out, np.shape(x), ax, xc.dtype)
    scale, inv = _rms_parts(xc, eps)
    if eps == 0 and np.any(inv == 0):
        raise ValueError("the gradient of RMSNorm at the zero vector is undefined when eps=0")
    xhat = _apply(xc, scale, inv)
    factor = _inverse_of(scale, inv)  # 1 / r
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        d = g * gain if gain is not None else g
        grad_x = (d - xhat * np.mean(d * xhat, axis=-1, keepdims=True)) * factor
    grad_x = _finish(grad_x, ax, out_dtype, "the gradient with respect to x")
    grad_gain = None
    if gain is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            grad_gain = np.sum((g * xhat).reshape(-1, n), axis=0)
        grad_gain = _finish(grad_gain, 0, out_dtype, "the gradient with respect to gain")
    return grad_x, grad_gain


def layer_norm_backward(x, grad_out, gain=None, bias=None, eps=1e-6, axis=-1):
    """Analytic backward pass of ``layer_norm``: returns ``(grad_x, grad_gain, grad_bias)``.

    Introduced in notebook 04. With ``sigma = sqrt(var(x) + eps)``, ``xhat = (x - mean(x)) / sigma``
    and ``d = grad_out * gain``::

        grad_x    = (d - mean(d) - xhat * mean(d * xhat)) / sigma
        grad_gain = sum of grad_out * xhat over every axis but ``axis``   (None without a gain)
        grad_bias = sum of grad_out over every axis but ``axis``          (None without a bias)
    """
    xc, ax, out_dtype = _prepare(x, axis)
    n = xc.shape[-1]
    eps = _check_eps(eps, xc.dtype, allow_none=False)
    gain = _check_feature_vector(gain, "gain", n, xc.dtype)
    bias = _check_feature_vector(bias, "bias", n, xc.dtype)
    g = _check_grad_out(grad_out, np.shape(x), ax, xc.dtype)
    xhat, inv_sigma = _ln_parts(xc, eps)
    if eps == 0 and np.any(inv_sigma == 0):
        raise ValueError("the gradient of LayerNorm at a constant vector is undefined when eps=0")
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        d = g * gain if gain is not None else g
        grad_x = (
            d
            - np.mean(d, axis=-1, keepdims=True)
            - xhat * np.mean(d * xhat, axis=-1, keepdims=True)
        ) * inv_sigma
    grad_x = _finish(grad_x, ax, out_dtype, "the gradient with respect to x")
    grad_gain = grad_bias = None
    with np.errstate(over="ignore", invalid="ignore"):
        if gain is not None:
            grad_gain = np.sum((g * xhat).reshape(-1, n), axis=0)
        if bias is not None:
            grad_bias = np.sum(g.reshape(-1, n), axis=0)
    if gain is not None:
        grad_gain = _finish(grad_gain, 0, out_dtype, "the gradient with respect to gain")
    if bias is not None:
        grad_bias = _finish(grad_bias, 0, out_dtype, "the gradient with respect to bias")
    return grad_x, grad_gain, grad_bias
