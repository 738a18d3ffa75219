"""The numerical core: RMS, RMSNorm, LayerNorm, pRMSNorm and their analytic backward passes.

Introduced in notebook 01 (``rms``) and notebook 02 (``rms_norm``, ``layer_norm``); the backward
passes are the subject of notebook 04 and ``partial_rms_norm`` of notebook 05.

Conventions (DESIGN.md section 2):

* statistics are taken along ``axis`` (the features of one vector), vectorised over every other axis;
  ``axis`` may be a tuple of axes, normalised together like PyTorch's ``normalized_shape``
  (``axis=(-3, -2, -1)`` for (C, H, W)); a gain or bias then has the shape of those axes;
* ``eps`` goes inside the square root, ``RMSNorm(x) = x / sqrt(mean(x**2) + eps) * g``;
  ``eps=None`` means the machine epsilon of the compute dtype (PyTorch's ``rms_norm`` default),
  for LayerNorm too (PyTorch's ``layer_norm`` has no ``None``; its default is 1e-5);
* LayerNorm uses the population variance (divide by n, not n - 1);
* integers are computed in float64, float16 in float32 (and returned as float16), other floats kept;
  when eps, a gain, a bias or grad_out holds a value outside the compute dtype's range (float32 x
  with eps=1e39 or 1e-100), that call computes in float64 and still returns x's dtype;
* no overflow or underflow for any finite input: rows whose plain formula would overflow, underflow
  or lose digits are re-scaled by a power of two first (exact; see :mod:`rmsviz._scaled`), each row
  by its own factor. A result that does not fit the output dtype raises ValueError, never inf;
* accuracy: forward outputs are within a few ulps of the exact value of each entry (LayerNorm: of
  the largest entry of its vector); gradients within a few ulps of the size of their terms,
  ``|grad_out * gain| / r`` (the usual normwise bound: a gradient that is a cancellation, such as
  LayerNorm's for a constant grad_out, comes out as rounding noise of that size, not as exact 0).
  When even that size is beyond the dtype's range, the gradient raises ValueError;
* an empty batch (x of shape ``(0, n)``) gives an empty result; an empty normalised axis is an error;
* a numpy masked array is honoured: statistics use the unmasked entries of each vector only, the
  result is masked where x is (and wholly masked where a vector has no unmasked entry);
* a PyTorch tensor is read through ``.detach()`` (rmsviz computes values; it records no gradient);
  results are numpy arrays.

Bad input raises ``ValueError`` or ``TypeError`` whose message names the problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rmsviz._scaled import backward, centred, column_sum, inverse_root, mean_square, plus_bias, times
from rmsviz._validate import (
    Layout,
    RealArray,
    as_real,
    base_dtype,
    check_eps,
    check_feature_array,
    check_grad_out,
    check_p,
    compute_dtype,
    normalised_axes,
    output_dtype,
)
from rmsviz.i18n import _

__all__ = [
    "rms",
    "rms_norm",
    "layer_norm",
    "rms_norm_backward",
    "layer_norm_backward",
    "partial_rms_norm",
]


# ----------------------------------------------------------------------------------------------
# One call's checked input, as rows (rows, n)


@dataclass
class _Call:
    layout: Layout
    x: np.ndarray  # (rows, n) in the compute dtype, masked entries 0
    mask: np.ndarray | None  # (rows, n), True where masked
    count: int | np.ndarray  # entries that count per row: n, or (rows, 1) for a masked x
    empty_rows: np.ndarray | None  # (rows, 1), True where every entry is masked
    masked: bool
    out_dtype: np.dtype
    eps: float
    gain: np.ndarray | None  # (n,) in the compute dtype
    bias: np.ndarray | None
    grad: np.ndarray | None  # (rows, n); 0 where grad_out or x is masked

    def finish(self, y: np.ndarray, what: str, extra_mask: np.ndarray | None = None,
               gradient: bool = False) -> np.ndarray:
        """Rows back in x's layout and dtype; masked like x; ValueError if a value does not fit."""
        mask = self.mask
        if extra_mask is not None:
            mask = extra_mask if mask is None else mask | extra_mask
        with np.errstate(all="ignore"):
            out = y.astype(self.out_dtype, copy=False)
        finite = np.isfinite(out) if mask is None else np.isfinite(out) | mask
        if not np.all(finite):
            if gradient:
                raise ValueError(_(
                    "{what} does not fit in {dtype}: either it overflows, or it is a cancellation of "
                    "terms that do (their size is |grad_out * gain| / r, with r the RMS or the "
                    "standard deviation including eps)").format(what=what, dtype=self.out_dtype))
            raise ValueError(_("{what} does not fit in {dtype}: the result overflows")
                             .format(what=what, dtype=self.out_dtype))
        out = self.layout.from_rows(out)
        if self.masked:
            full = np.zeros(y.shape, bool) if mask is None else mask
            return np.ma.MaskedArray(out, mask=self.layout.from_rows(full))
        return out

    def finish_feature(self, a: np.ndarray, what: str) -> np.ndarray:
        """A gradient with respect to gain or bias, in the normalised axes' shape and x's dtype."""
        with np.errstate(all="ignore"):
            out = a.astype(self.out_dtype, copy=False)
        if not np.all(np.isfinite(out)):
            raise ValueError(_("{what} does not fit in {dtype}: the result overflows")
                             .format(what=what, dtype=self.out_dtype))
        return out.reshape(self.layout.norm_shape)

    def undefined_rows(self, inv: np.ndarray) -> bool:
        """Some vector with entries (not wholly masked) has 1/r = 0: 0/0 with eps = 0."""
        zero = inv == 0
        if self.empty_rows is not None:
            zero &= ~self.empty_rows
        return bool(np.any(zero))


def _prepare(x, axis, eps=0.0, gain=None, bias=None, grad_out=None, with_grad=False) -> _Call:
    """Check every argument (in the order of the signature) and lay x out as rows."""
    xa = as_real(x, "x", allow_empty=True)
    if xa.data.ndim == 0:
        raise ValueError(_("x must have at least one dimension (a vector of features), got a scalar"))
    layout = Layout(xa.data.shape, normalised_axes(axis, xa.data.ndim))
    if layout.n == 0:
        raise ValueError(_("x is empty along {where}: there are no features to normalise")
                         .format(where=layout.describe()))
    base = base_dtype(xa.data.dtype)
    eps = check_eps(eps, base)
    gain_a = check_feature_array(gain, "gain", layout)
    bias_a = check_feature_array(bias, "bias", layout)
    grad_a: RealArray | None = check_grad_out(grad_out, layout) if with_grad else None
    dtype = compute_dtype(base, eps, gain_a, bias_a, grad_a)
    with np.errstate(all="ignore"):
        rows = layout.to_rows(xa.data).astype(dtype, copy=False)  # read only: never written to

        def feature(a):
            return None if a is None else a.data.reshape(-1).astype(dtype, copy=False)

        mask = count = empty = None
        if xa.mask is not None:
            mask = layout.to_rows(xa.mask)
            counted = layout.n - np.sum(mask, axis=-1, keepdims=True)
            empty = counted == 0
            count = np.maximum(counted, 1).astype(dtype)  # an all-masked row is all zeros: no 0/0
        grad = None
        if grad_a is not None:
            grad = layout.to_rows(grad_a.data).astype(dtype, copy=False)
            if mask is not None:
                grad = np.where(mask, dtype.type(0), grad)  # a masked output has no gradient
    return _Call(layout, rows, mask, layout.n if count is None else count, empty, xa.masked,
                 output_dtype(xa.data.dtype), eps, feature(gain_a), feature(bias_a), grad)


def _rms_normalised(c: _Call):
    """(v, inv, shift, e) per row: ``x / sqrt(mean(x**2) + eps) = v * inv * 2**shift``, 1/r = inv * 2**-e."""
    q, e = mean_square(c.x, c.count, c.eps)
    return c.x, inverse_root(q), -e, e


def _layer_normalised(c: _Call):
    """(v, inv, shift, e) per row: ``(x - mean) / sqrt(var + eps) = v * inv * 2**shift``, 1/sigma = inv * 2**-e."""
    d, k0, q, e = centred(c.x, c.count, c.mask, c.eps)
    return d, inverse_root(q), k0 - e, e


# ----------------------------------------------------------------------------------------------
# Public API


def rms(x, axis=-1, keepdims=False):
    """Root mean square along ``axis``: ``RMS(x) = sqrt(mean(x_i**2))``.

    Introduced in notebook 01 (square, mean, root). Overflow-safe: ``rms([1e200, 3e200])`` is
    ``sqrt(5) * 1e200``. Returns an array (a 0-d array for a single vector); float16 input is
    computed in float32 and returned as float16. ``axis`` may be a tuple of axes.
    """
    c = _prepare(x, axis)
    with np.errstate(all="ignore"):
        q, e = mean_square(c.x, c.count, 0.0)
        value = np.ldexp(np.sqrt(q), e).astype(c.out_dtype)
    out = c.layout.from_row_values(value, keepdims)
    if c.masked:
        empty = np.zeros(value.shape, bool) if c.empty_rows is None else c.empty_rows
        return np.ma.MaskedArray(out, mask=c.layout.from_row_values(empty, keepdims))
    return out


def rms_norm(x, gain=None, eps=1e-6, axis=-1):
    """RMSNorm: ``y = x / sqrt(mean(x**2) + eps) * gain`` along ``axis``.

    Introduced in notebook 02. One statistic (the RMS), no mean subtraction: every sign and every
    ratio between features is kept, and the output has RMS 1 (eps aside). ``eps=None`` follows
    PyTorch's ``rms_norm`` default: the machine epsilon of the compute dtype. The zero vector maps to
    zeros, also with ``eps=0``. ``gain`` has the shape of the normalised axes.
    """
    c = _prepare(x, axis, eps, gain)
    with np.errstate(all="ignore"):
        v, inv, shift, _e = _rms_normalised(c)
        y = times(v, inv, shift, c.gain)
    return c.finish(y, "rms_norm(x)")


def layer_norm(x, gain=None, bias=None, eps=1e-6, axis=-1):
    """LayerNorm: ``y = (x - mean(x)) / sqrt(var(x) + eps) * gain + bias`` along ``axis``.

    Introduced in notebook 02 (it is the z-score the source text calls RMSNorm). ``var`` is the
    population variance ``mean((x - mean(x))**2)``. A constant vector maps to zeros (plus bias),
    also with ``eps=0``. ``eps=None`` is the machine epsilon of the compute dtype, as for
    ``rms_norm`` (PyTorch's ``layer_norm`` has no None and defaults to 1e-5). With a tuple
    ``axis`` this is PyTorch's LayerNorm over ``normalized_shape``. The mean is corrected once
    where it dominates the spread, so ``layer_norm([1, 1 + 2**-52], eps=0)`` is ``[-1, 1]``.
    """
    c = _prepare(x, axis, eps, gain, bias)
    with np.errstate(all="ignore"):
        v, inv, shift, _e = _layer_normalised(c)
        y = plus_bias(times(v, inv, shift, c.gain), c.bias, v, inv, shift, c.gain)
    return c.finish(y, "layer_norm(x)")


def partial_rms_norm(x, p, gain=None, eps=1e-6, axis=-1):
    """pRMSNorm: ``y = x / sqrt(mean(x[:k]**2) + eps) * gain`` with ``k = ceil(n * p)``, 0 < p <= 1.

    Introduced in notebook 05. The RMS is estimated from the first k features only (the paper's
    partial RMSNorm; it reports training still converges at p = 6.25%), then every feature is
    divided by it. ``p = 1`` is exactly ``rms_norm``. With a tuple ``axis``, the features are the
    normalised block in C order. For a masked x the estimate uses the unmasked entries among the
    first k; a vector with none of them unmasked comes back wholly masked.
    """
    p = check_p(p)
    c = _prepare(x, axis, eps, gain)
    k = partial_count(c.layout.n, p)
    head = c.x[:, :k]
    count, no_head = k, None
    if c.mask is not None:
        counted = k - np.sum(c.mask[:, :k], axis=-1, keepdims=True)
        no_head = np.broadcast_to(counted == 0, c.x.shape)
        count = np.maximum(counted, 1).astype(c.x.dtype)
    with np.errstate(all="ignore"):
        q, e = mean_square(head, count, c.eps)
        inv = inverse_root(q)
        if c.eps == 0:
            zero_head = inv == 0
            if no_head is not None:
                zero_head &= ~no_head[:, :1]
            if np.any(zero_head & (np.max(np.abs(c.x), axis=-1, keepdims=True) > 0)):
                raise ValueError(_(
                    "the first k={k} features of a vector are all zero while others are not, and eps=0: "
                    "its partial RMS is 0 and the output is undefined (use eps > 0)").format(k=k))
        y = times(c.x, inv, -e, c.gain)
    return c.finish(y, "partial_rms_norm(x)", extra_mask=no_head)


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

    With eps = 0, ``x . grad_x = 0``: no gradient flows along x itself. ``axis`` may be a tuple
    (n is then the size of the normalised block and grad_gain has its shape).
    """
    c = _prepare(x, axis, eps, gain, grad_out=grad_out, with_grad=True)
    with np.errstate(all="ignore"):
        v, inv, shift, e = _rms_normalised(c)
        if c.eps == 0 and c.undefined_rows(inv):
            raise ValueError(_("the gradient of RMSNorm at the zero vector is undefined when eps=0"))
        grad_x = backward(c.grad, c.gain, times(v, inv, shift), inv, e, c.count, c.mask, centre=False)
        grad_gain = None if c.gain is None else column_sum(times(v, inv, shift, c.grad))
    grad_x = c.finish(grad_x, _("the gradient with respect to x"), gradient=True)
    if grad_gain is not None:
        grad_gain = c.finish_feature(grad_gain, _("the gradient with respect to gain"))
    return grad_x, grad_gain


def layer_norm_backward(x, grad_out, gain=None, bias=None, eps=1e-6, axis=-1):
    """Analytic backward pass of ``layer_norm``: returns ``(grad_x, grad_gain, grad_bias)``.

    Introduced in notebook 04. With ``sigma = sqrt(var(x) + eps)``, ``xhat = (x - mean(x)) / sigma``
    and ``d = grad_out * gain``::

        grad_x    = (d - mean(d) - xhat * mean(d * xhat)) / sigma
        grad_gain = sum of grad_out * xhat over every axis but ``axis``   (None without a gain)
        grad_bias = sum of grad_out over every axis but ``axis``          (None without a bias)

    ``eps=None`` is the compute dtype's machine epsilon, as in ``layer_norm``.
    """
    c = _prepare(x, axis, eps, gain, bias, grad_out=grad_out, with_grad=True)
    with np.errstate(all="ignore"):
        v, inv, shift, e = _layer_normalised(c)
        if c.eps == 0 and c.undefined_rows(inv):
            raise ValueError(_("the gradient of LayerNorm at a constant vector is undefined when eps=0"))
        grad_x = backward(c.grad, c.gain, times(v, inv, shift), inv, e, c.count, c.mask, centre=True)
        grad_gain = None if c.gain is None else column_sum(times(v, inv, shift, c.grad))
        grad_bias = None if c.bias is None else column_sum(c.grad)
    grad_x = c.finish(grad_x, _("the gradient with respect to x"), gradient=True)
    if grad_gain is not None:
        grad_gain = c.finish_feature(grad_gain, _("the gradient with respect to gain"))
    if grad_bias is not None:
        grad_bias = c.finish_feature(grad_bias, _("the gradient with respect to bias"))
    return grad_x, grad_gain, grad_bias
