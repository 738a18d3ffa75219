"""Low precision: the float16 overflow of a naive RMS, float32 accumulation, bfloat16 (notebook 05).

* float16 holds at most 65504, so ``x * x`` overflows to inf once ``|x| >= 256`` (the largest
  float16 whose square is finite is 255.875). A naive float16 RMSNorm, ``x / sqrt(mean(x*x))`` with
  every step in float16, then divides by inf and the whole output collapses to 0.
* Real libraries (and :func:`rmsviz.rms_norm`) upcast to float32, accumulate there, and cast the
  result back: nothing overflows until the output itself would not fit.
* bfloat16 keeps float32's 8 exponent bits (range up to ~3.4e38, so no overflow at 256) but only
  8 significant bits (7 stored). numpy has no bfloat16: :func:`to_bfloat16` emulates it by rounding
  a float32 bit pattern to its top 16 bits, round-to-nearest-even, as hardware does.

:func:`precision_at` is what notebook 05's precision panel shows: one input magnitude computed one
of the three ways (:data:`MODES`), beside the curve over :data:`MAGNITUDES` (computed once).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmsviz.norms import rms_norm

__all__ = [
    "square_overflow_threshold",
    "largest_safe_square",
    "naive_rms_norm",
    "collapse_threshold",
    "upcast_rms_norm",
    "to_bfloat16",
    "bfloat16_rms_norm",
    "rounding_error",
    "collapse_sweep",
    "test_vector",
    "MODES",
    "MAGNITUDES",
    "rms_norm_as",
    "CollapseSweep",
    "collapse_curves",
    "PrecisionResult",
    "precision_at",
]

#: The three ways of computing RMSNorm of float16 data that notebook 05 compares.
MODES = ("float16_naive", "float32_accumulate", "bfloat16")

#: The largest input magnitudes of the panel's curve (float16 values from 1 to 4096).
MAGNITUDES = np.geomspace(1, 4096, 241)


def _finite_float_array(x, name="x") -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, but its dtype is {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: it needs at least one value")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity; every value must be finite")
    return arr


def _all_positive(dtype) -> np.ndarray:
    """Every finite positive value of a 16-bit float dtype, ascending (by enumerating bit patterns)."""
    bits = np.arange(1, 0x7C00, dtype=np.uint16)  # positive subnormals and normals of float16
    return bits.view(np.float16)


@lru_cache(maxsize=None)
def square_overflow_threshold() -> float:
    """The smallest positive float16 ``v`` for which ``v * v`` computed in float16 is inf.

    Measured by squaring every positive finite float16 (all 31743 bit patterns): 256.0.
    """
    values = _all_positive(np.float16)
    with np.errstate(over="ignore"):
        squares = values * values
    return float(values[np.argmax(~np.isfinite(squares))])


@lru_cache(maxsize=None)
def largest_safe_square() -> float:
    """The largest float16 whose float16 square is still finite (measured: 255.875)."""
    values = _all_positive(np.float16)
    with np.errstate(over="ignore"):
        finite = np.isfinite(values * values)
    return float(values[finite][-1])


def naive_rms_norm(x, eps: float = 1e-6, dtype=np.float16) -> np.ndarray:
    """RMSNorm written naively in ``dtype``: ``x / sqrt(mean(x*x) + eps)`` along the last axis.

    The squares ``x*x`` are formed in ``dtype``, the mean is accumulated the way numpy and PyTorch
    reduce float16 (in float32) and stored back in ``dtype``, and the division happens in
    ``dtype``. In float16 a square overflows to inf as soon as ``|x| >= 256``; the mean is then
    inf and the whole output collapses to zeros. Returns an array of ``dtype``.
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating dtype, got {dtype}")
    arr = _finite_float_array(x).astype(dtype)
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        squares = arr * arr
        acc = np.promote_types(dtype, np.float32)
        ms = np.mean(squares, axis=-1, keepdims=True, dtype=acc).astype(dtype)
        y = arr / np.sqrt(ms + dtype.type(eps))
    return y.astype(dtype)


def collapse_threshold(n: int = 8, seed: int = 0, eps: float = 1e-6) -> float:
    """The smallest float16 magnitude (largest entry of :func:`test_vector`) at which
    :func:`naive_rms_norm` in float16 returns all zeros; measured by trying every float16 from 1
    to 65504 (expected: 256, where the largest square overflows).
    """
    values = _all_positive(np.float16)
    values = values[values >= 1]
    direction = test_vector(1.0, n, seed)
    xs = (values.astype(np.float64)[:, None] * direction[None, :]).astype(np.float16)
    ys = naive_rms_norm(xs, eps)
    collapsed = np.all(ys == 0, axis=-1)
    if not np.any(collapsed):
        raise ValueError("the naive float16 RMSNorm never collapsed")
    return float(values[np.argmax(collapsed)])


def upcast_rms_norm(x, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm of float16 data computed in float32 and returned as float16 (as real libraries do).

    This is exactly :func:`rmsviz.rms_norm` on a float16 array.
    """
    return rms_norm(_finite_float_array(x).astype(np.float16), eps=eps)


def to_bfloat16(x) -> np.ndarray:
    """Round to bfloat16 (8 significant bits), returned as float32 holding the bfloat16 values.

    Round-to-nearest-even on the float32 bit pattern: add ``0x7FFF + (bit 16)`` and clear the low
    16 bits. For example 1 + 2**-8 (a tie) rounds to 1.0, 1 + 3 * 2**-8 to 1.015625 and pi to
    3.140625. Values beyond bfloat16's largest (~3.39e38) round to inf, as in hardware.
    """
    arr = _finite_float_array(x).astype(np.float32)
    bits = np.ascontiguousarray(arr).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return rounded.astype(np.uint32).view(np.float32).reshape(arr.shape)


def bfloat16_rms_norm(x, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm of bfloat16 data the way libraries do it: bfloat16 in, float32 inside, bfloat16 out.

    Returns float32 values that are exact bfloat16 numbers.
    """
    xb = to_bfloat16(x)
    return to_bfloat16(rms_norm(xb, eps=eps))


def rounding_error(kind: str = "bfloat16", n: int = 100_000, seed: int = 0) -> float:
    """Largest relative error of rounding ``n`` random float32 values (log-uniform over 1e-3..1e3).

    ``kind`` is ``"bfloat16"`` (bound 2**-8 = 0.39%) or ``"float16"`` (bound 2**-11 = 0.049%).
    """
    if kind not in ("bfloat16", "float16"):
        raise ValueError(f"kind must be 'bfloat16' or 'float16', got {kind!r}")
    rng = np.random.default_rng(seed)
    x = (10.0 ** rng.uniform(-3, 3, n)).astype(np.float32)
    r = to_bfloat16(x) if kind == "bfloat16" else x.astype(np.float16).astype(np.float32)
    return float(np.max(np.abs(r.astype(np.float64) - x) / x))


def test_vector(magnitude: float, n: int = 8, seed: int = 0) -> np.ndarray:
    """A fixed random direction scaled so that its largest entry has size ``magnitude`` (float64)."""
    if not np.isfinite(magnitude) or magnitude <= 0:
        raise ValueError(f"magnitude must be a finite number > 0, got {magnitude}")
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(n)
    return v / np.max(np.abs(v)) * magnitude


test_vector.__test__ = False  # not a pytest test


@dataclass(frozen=True)
class CollapseSweep:
    """Per input magnitude and way of computing (a key of :data:`MODES`): the output's RMS (1 when
    right) and its largest absolute error against RMSNorm in float64 of the same float16 input."""

    magnitudes: np.ndarray
    out_rms: dict      # mode -> array over magnitudes
    max_error: dict    # mode -> array over magnitudes


def rms_norm_as(mode: str, x16, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm of float16 data ``x16`` computed the way ``mode`` (a key of :data:`MODES`) names:
    naively in float16, in float32 and cast back, or as bfloat16; returned as float64."""
    if mode == "float16_naive":
        y = naive_rms_norm(x16, eps)
    elif mode == "float32_accumulate":
        y = upcast_rms_norm(x16, eps)
    elif mode == "bfloat16":
        y = bfloat16_rms_norm(np.asarray(x16).astype(np.float32), eps)
    else:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    return y.astype(np.float64)


def collapse_sweep(magnitudes, n: int = 8, seed: int = 0, eps: float = 1e-6) -> CollapseSweep:
    """Output RMS and max error vs the float64 result, for each way of computing, per magnitude.

    The input at each magnitude is :func:`test_vector` rounded to float16; the error is measured
    against RMSNorm in float64 of that same, float16-rounded, input.
    """
    mags = np.asarray(magnitudes, dtype=float)
    if mags.ndim != 1 or mags.size == 0 or np.any(~np.isfinite(mags)) or np.any(mags <= 0):
        raise ValueError("magnitudes must be a non-empty 1-d array of finite numbers > 0")
    with np.errstate(over="ignore"):
        xs = np.stack([test_vector(m, n, seed) for m in mags]).astype(np.float16)
    if not np.all(np.isfinite(xs)):
        raise ValueError("a magnitude exceeds float16's largest value 65504")
    ref = rms_norm(xs.astype(np.float64), eps=eps)
    out_rms, max_error = {}, {}
    for mode in MODES:
        y = rms_norm_as(mode, xs, eps)
        with np.errstate(invalid="ignore"):
            out_rms[mode] = np.sqrt(np.mean(y**2, axis=-1))
            max_error[mode] = np.max(np.abs(y - ref), axis=-1)
    return CollapseSweep(magnitudes=mags, out_rms=out_rms, max_error=max_error)


def collapse_curves(n: int = 8, seed: int = 0) -> CollapseSweep:
    """:func:`collapse_sweep` over :data:`MAGNITUDES` (computed once per n and seed)."""
    return _collapse_curves(int(n), int(seed))


@lru_cache(maxsize=8)  # one key per (n, seed), however the public function was called
def _collapse_curves(n: int, seed: int) -> CollapseSweep:
    return collapse_sweep(MAGNITUDES, n=n, seed=seed)


@dataclass(frozen=True)
class PrecisionResult:
    """One float16 input of a given largest magnitude, normalised one way, against float64."""

    magnitude: float
    mode: str
    largest: float               # max |x| after rounding to float16
    output: np.ndarray           # the output computed the ``mode`` way (float64)
    reference: np.ndarray        # RMSNorm in float64 of the same float16 input
    out_rms: float
    max_error: float
    curve: np.ndarray            # output RMS over MAGNITUDES for this mode
    overflow_threshold: float    # the smallest float16 whose square overflows (256)


def precision_at(magnitude: float, mode: str = "float16_naive", n: int = 8, seed: int = 0) -> PrecisionResult:
    """The :func:`test_vector` of this largest magnitude in float16, through RMSNorm the ``mode`` way."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    with np.errstate(over="ignore"):
        x16 = test_vector(magnitude, n, seed).astype(np.float16)
    if not np.all(np.isfinite(x16)):
        raise ValueError(f"magnitude {magnitude} does not fit in float16 (max 65504)")
    y = rms_norm_as(mode, x16)
    ref = rms_norm(x16.astype(np.float64))
    return PrecisionResult(magnitude=float(magnitude), mode=mode, largest=float(np.max(np.abs(x16))),
                           output=y, reference=ref, out_rms=float(np.sqrt(np.mean(y**2))),
                           max_error=float(np.max(np.abs(y - ref))),
                           curve=collapse_curves(n, seed).out_rms[mode],
                           overflow_threshold=square_overflow_threshold())
