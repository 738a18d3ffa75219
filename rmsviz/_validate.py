"""Input checks and array layout for :mod:`rmsviz.norms` (private; the public API is in norms).

Everything a caller can pass is read here, once, and either accepted or refused with a
``ValueError``/``TypeError`` whose message names the problem (through :mod:`rmsviz.i18n`):

* arrays of real numbers: lists, numpy arrays, numpy masked arrays (the mask is kept and honoured by
  norms) and PyTorch tensors (read through ``.detach()``, moved to the CPU, bfloat16 read as
  float32; torch is never imported: a tensor is recognised by its type's module);
* ``axis``: an integer or a tuple of distinct integers, negative allowed;
* ``eps``: a finite real number >= 0, or ``None`` for the machine epsilon of the compute dtype;
* which dtype to compute in (:func:`compute_dtype`).

:class:`Layout` moves the normalised axes last and flattens them, so that every kernel works on a
2-D array of rows ``(rows, n)``, one row per normalised vector, and moves results back.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from rmsviz.i18n import _


@dataclass(frozen=True)
class RealArray:
    """A checked array: ``data`` with masked entries set to 0, ``mask`` (or None), ``masked`` flag."""

    data: np.ndarray
    mask: np.ndarray | None  # True where an entry is masked; None when nothing is masked
    masked: bool  # the caller passed a numpy masked array (results are returned masked too)


def _from_torch(value):
    """A PyTorch tensor as numpy can read it: detached from autograd, on the CPU, bfloat16 as float32.

    Duck-typed on the type's module, so torch is never imported here. rmsviz computes values; it
    does not record gradients, so reading a tensor that requires grad through ``.detach()`` is what
    ``tensor.detach().numpy()`` would do by hand.
    """
    if type(value).__module__.partition(".")[0] != "torch" or not hasattr(value, "detach"):
        return value
    value = value.detach()
    if str(getattr(value, "device", "cpu")) != "cpu":
        value = value.cpu()
    if str(getattr(value, "dtype", "")) == "torch.bfloat16":  # numpy has no bfloat16
        value = value.float()
    return value


def as_real(value, name: str, allow_empty: bool = False, allow_mask: bool = True) -> RealArray:
    """``value`` as a :class:`RealArray` of finite real numbers, or a ValueError/TypeError naming the problem.

    Masked entries of a masked array may hold anything (NaN included): they are replaced by 0.
    """
    value = _from_torch(value)
    masked = np.ma.isMaskedArray(value)
    if masked and not allow_mask:
        raise TypeError(_("{name} is a masked array; a masked {name} has no meaning here: pass "
                          "{name}.filled(value) with the value you mean").format(name=name))
    try:
        arr = np.asarray(np.ma.getdata(value) if masked else value)
    except (ValueError, TypeError, RuntimeError) as exc:
        raise ValueError(_("{name} must be a rectangular array of numbers ({detail})")
                         .format(name=name, detail=exc)) from None
    if arr.dtype.kind == "O":
        if any(v is None for v in arr.flat):
            # numpy would silently turn None into NaN
            raise TypeError(_("{name} must hold real numbers, but it holds non-numeric objects (None)")
                            .format(name=name))
        try:
            arr = arr.astype(np.float64)
        except OverflowError:
            raise ValueError(_("{name} holds an integer too large for float64").format(name=name)) from None
        except (ValueError, TypeError):
            raise TypeError(_("{name} must hold real numbers, but it holds non-numeric objects")
                            .format(name=name)) from None
    if arr.dtype.kind == "b":
        raise TypeError(_("{name} must hold real numbers, not booleans").format(name=name))
    if arr.dtype.kind == "c":
        raise TypeError(_("{name} must hold real numbers, not complex numbers").format(name=name))
    if arr.dtype.kind not in "iuf":
        raise TypeError(_("{name} must hold real numbers, but its dtype is {dtype}")
                        .format(name=name, dtype=arr.dtype))
    if arr.size == 0 and not allow_empty:
        raise ValueError(_("{name} is empty: it needs at least one value").format(name=name))
    mask = np.ma.getmaskarray(value) if masked else None
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr)
        if mask is not None:
            bad &= ~mask
        if np.any(bad):
            raise ValueError(_("{name} contains NaN or infinity; every value must be finite").format(name=name))
    if mask is not None:
        if np.any(mask):
            arr = np.where(mask, arr.dtype.type(0), arr)
        else:
            mask = None
    return RealArray(arr, mask, masked)


def normalised_axes(axis, ndim: int) -> tuple[int, ...]:
    """``axis`` (an integer or a tuple of distinct integers) as sorted non-negative axes of ``ndim``."""
    several = isinstance(axis, (tuple, list))
    items = tuple(axis) if several else (axis,)
    if several and not items:
        raise ValueError(_("axis must name at least one axis, got an empty {kind}")
                         .format(kind=type(axis).__name__))
    out = []
    for a in items:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, numbers.Integral):
            raise TypeError(_("axis must be an integer or a tuple of integers, got {type}")
                            .format(type=type(a).__name__))
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(_("axis {axis} is out of range for an input with {ndim} dimension(s)")
                             .format(axis=a, ndim=ndim))
        if a % ndim in out:
            raise ValueError(_("axis {axis} is given more than once in {axes}: each axis may be "
                               "normalised only once").format(axis=a, axes=tuple(items)))
        out.append(a % ndim)
    return tuple(sorted(out))


def check_eps(eps, dtype: np.dtype) -> float:
    """eps as a float; ``None`` (PyTorch's rms_norm default) means the machine epsilon of ``dtype``."""
    if eps is None:
        return float(np.finfo(dtype).eps)
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, numbers.Real):
        raise TypeError(_("eps must be a real number, got {type}").format(type=type(eps).__name__))
    try:
        eps = float(eps)
    except OverflowError:  # a Python int beyond float64, e.g. 10**400
        raise ValueError(_("eps must be finite, got an integer too large for float64")) from None
    if not math.isfinite(eps):
        raise ValueError(_("eps must be finite, got {eps}").format(eps=eps))
    if eps < 0:
        raise ValueError(_("eps must be >= 0, got {eps}").format(eps=eps))
    return eps


def check_p(p) -> float:
    """pRMSNorm's fraction p as a float in (0, 1]."""
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
        raise TypeError(_("p must be a real number in (0, 1], got {type}").format(type=type(p).__name__))
    try:
        p = float(p)
    except OverflowError:
        raise ValueError(_("p must be in (0, 1], got an integer too large for float64")) from None
    if not (0.0 < p <= 1.0):
        raise ValueError(_("p must be in (0, 1], got {p}").format(p=p))
    return p


def base_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype x is computed in: float64 for integers, float32 for float16, else its own."""
    if dtype.kind in "iu":
        return np.dtype(np.float64)
    if dtype == np.float16:
        return np.dtype(np.float32)
    return dtype


def output_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype results are returned in: float64 for integers, else x's own."""
    return np.dtype(np.float64) if dtype.kind in "iu" else dtype


def compute_dtype(base: np.dtype, eps: float, *params: RealArray | None) -> np.dtype:
    """``base``, or float64 when eps or a gain/bias/grad_out value does not fit ``base``.

    A non-zero magnitude above ``base``'s largest or below its smallest normal number (float32 eps
    1e39 or 1e-100, a float64 gain of 1e39 for float32 x) would be rounded to inf or lose its
    digits; computing in float64 keeps it, and the result is still returned in x's dtype.
    """
    if base.itemsize >= 8:
        return base
    info = np.finfo(base)

    def outside(a: np.ndarray) -> bool:
        a = np.abs(a[a != 0])
        return a.size > 0 and (np.max(a) > info.max or np.min(a) < info.tiny)

    wide = eps != 0 and outside(np.array([eps]))
    for p in params:
        if wide:
            break
        if p is not None and p.data.dtype.kind == "f" and p.data.dtype.itemsize > base.itemsize:
            wide = outside(p.data)
    return np.dtype(np.float64) if wide else base


class Layout:
    """Where the normalised axes of x are, and how to turn x into rows ``(rows, n)`` and back."""

    def __init__(self, shape: tuple[int, ...], axes: tuple[int, ...]):
        self.shape = shape
        self.axes = axes  # sorted, non-negative
        self.norm_shape = tuple(shape[a] for a in axes)
        self.batch_shape = tuple(s for i, s in enumerate(shape) if i not in axes)
        self.n = math.prod(self.norm_shape)
        self.rows = math.prod(self.batch_shape)
        self._last = list(range(len(shape) - len(axes), len(shape)))
        self._moved = list(axes) != self._last  # False: the axes are already the trailing ones

    def to_rows(self, a: np.ndarray) -> np.ndarray:
        if self._moved:
            a = np.moveaxis(a, list(self.axes), self._last)
        return a.reshape(self.rows, self.n)

    def from_rows(self, a: np.ndarray) -> np.ndarray:
        """A ``(rows, n)`` array back in x's layout."""
        a = a.reshape(self.batch_shape + self.norm_shape)
        return np.moveaxis(a, self._last, list(self.axes)) if self._moved else a

    def from_row_values(self, a: np.ndarray, keepdims: bool) -> np.ndarray:
        """A ``(rows, 1)`` per-row statistic in x's layout with each normalised axis of length 1."""
        if not keepdims:
            return a.reshape(self.batch_shape)
        a = a.reshape(self.batch_shape + (1,) * len(self.axes))
        return np.moveaxis(a, self._last, list(self.axes)) if self._moved else a

    def describe(self) -> str:
        """'the normalised axis of length 4' or 'the normalised axes (1, 2) of shape (3, 4)'."""
        if len(self.axes) == 1:
            return _("the normalised axis of length {n}").format(n=self.n)
        return _("the normalised axes {axes} of shape {shape}").format(axes=self.axes, shape=self.norm_shape)


def check_feature_array(value, name: str, layout: Layout) -> RealArray | None:
    """A gain or bias: None, or a finite real array of the normalised axes' shape (not masked)."""
    if value is None:
        return None
    arr = as_real(value, name, allow_mask=False)
    if arr.data.shape != layout.norm_shape:
        raise ValueError(_("{name} must have shape {expected} to match {where}, got shape {got}")
                         .format(name=name, expected=layout.norm_shape, where=layout.describe(),
                                 got=arr.data.shape))
    return arr


def check_grad_out(value, layout: Layout) -> RealArray:
    """The upstream gradient: a finite real array of x's shape; masked entries count as 0."""
    arr = as_real(value, "grad_out", allow_empty=layout.rows * layout.n == 0)
    if arr.data.shape != layout.shape:
        raise ValueError(_("grad_out must have the same shape as x {expected}, got {got}")
                         .format(expected=layout.shape, got=arr.data.shape))
    return arr
