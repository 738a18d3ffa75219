"""Low precision: where a float16 RMSNorm overflows, float32 accumulation, bfloat16 (notebook 05).

float16 holds at most 65504. RMSNorm of float16 data, ``x / sqrt(mean(x*x) + eps)``, can be
computed four ways (:data:`MODES`):

* ``"float16"``: every step in float16 (square, sum, divide by n, add eps, root, divide), each
  result rounded to float16. The sum of the n squares is ``n * RMS(x)**2``: it overflows to inf once
  ``RMS(x) > sqrt(65520 / n)``, about ``256 / sqrt(n)`` (4 for n = 4096; 65520 is the midpoint between
  65504 and the next power of two, where rounding goes to inf). The mean is then inf and every output
  becomes 0. :func:`sum_overflow_rms` measures this threshold.
* ``"float16_squares"``: the squares in float16, their mean accumulated in float32 (what numpy's
  ``np.mean(x * x)`` does on a float16 array), the rest in float16. Only a single square can
  overflow: ``x*x`` is inf once ``|x| >= 256`` (the largest float16 whose square is finite is
  255.875). :func:`square_overflow_rms` gives the input RMS at which the largest ``|x|`` gets there.
* ``"float32"``: x converted to float32 first, everything computed there, the result rounded to
  float16 (:func:`rmsviz.rms_norm` on a float16 array, and Hugging Face's ``LlamaRMSNorm``). A
  float16 input cannot overflow it (65504**2 is about 4.3e9, far below float32's 3.4e38).
* ``"bfloat16"``: the same data stored in bfloat16, computed in float32, rounded back to bfloat16.
  bfloat16 keeps float32's 8 exponent bits (range up to ~3.4e38) but only 8 significant bits (7
  stored). numpy has no bfloat16: :func:`to_bfloat16` emulates it by rounding a float32 bit pattern
  to its top 16 bits, round-to-nearest-even, as hardware does.

Every float16 operation here is one exact float64 operation rounded once to float16 (the sum of
two float16 values, a product, a quotient or a root of them is exact in float64, or double
rounding is harmless at these widths), so the results are correctly rounded float16 arithmetic and
do not depend on the CPU. The float16 sum (:func:`float16_sum`) adds in pairs, as a parallel
reduction on a GPU does.

:func:`precision_at` is what notebook 05's precision panel shows: one input RMS and one number of
features, computed one of the four ways, beside the curve over :data:`RMS_GRID` (computed once per
number of features).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmsviz.i18n import N_, _
from rmsviz.norms import rms_norm

__all__ = [
    "FLOAT16_MAX",
    "MODES",
    "MODE_NAMES",
    "mode_name",
    "FEATURES",
    "RMS_GRID",
    "square_overflow_threshold",
    "largest_safe_square",
    "float16_sum",
    "float16_rms_norm",
    "float16_squares_rms_norm",
    "upcast_rms_norm",
    "to_bfloat16",
    "bfloat16_rms_norm",
    "rms_norm_as",
    "rounding_error",
    "unit_direction",
    "vector_with_rms",
    "sum_overflow_rms",
    "square_overflow_rms",
    "CollapseSweep",
    "collapse_sweep",
    "collapse_curves",
    "PrecisionResult",
    "precision_at",
]

#: float16's largest finite value.
FLOAT16_MAX = float(np.finfo(np.float16).max)

#: The four ways of computing RMSNorm of float16 data that notebook 05 compares.
MODES = ("float16", "float16_squares", "float32", "bfloat16")

#: How notebook 05 and its panel name each way of computing (shown through :func:`mode_name`).
MODE_NAMES = {
    "float16": N_("float16 only"),
    "float16_squares": N_("float16 squares, float32 sum"),
    "float32": N_("float32 inside"),
    "bfloat16": N_("bfloat16 (emulated)"),
}


def mode_name(mode: str) -> str:
    """The reader's name of a way of computing (one of :data:`MODES`), in the current language."""
    if mode not in MODE_NAMES:
        raise ValueError(f"mode must be one of {list(MODES)}, got {mode!r}")
    return _(MODE_NAMES[mode])

#: The numbers of features the panel offers (4096 is the hidden size of Llama 2 7B).
FEATURES = (8, 64, 512, 4096)

#: The input RMS values of the panel's curve: 2**-2 to 2**12 in steps of 2**(1/8) (the slider's).
RMS_GRID = 2.0 ** (np.arange(-16, 97) / 8.0)


def _finite_float_array(x, name="x") -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, but its dtype is {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: it needs at least one value")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity; every value must be finite")
    return arr


def _float16_input(x) -> np.ndarray:
    """x as float16, refusing values that float16 cannot hold (they would become inf)."""
    arr = _finite_float_array(x)
    with np.errstate(over="ignore"):
        x16 = arr.astype(np.float16)
    if not np.all(np.isfinite(x16)):
        raise ValueError(f"x holds a value beyond float16's largest, {FLOAT16_MAX:g}")
    return x16


def _round16(a) -> np.ndarray:
    """Round float64 values to float16 (inf beyond 65504, as float16 arithmetic gives)."""
    with np.errstate(over="ignore"):
        return np.asarray(a, dtype=np.float64).astype(np.float16)


def _check_eps(eps) -> float:
    eps = float(eps)
    if not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a finite number >= 0, got {eps}")
    return eps


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
    squares = _round16(values.astype(np.float64) ** 2)
    return float(values[np.argmax(~np.isfinite(squares))])


@lru_cache(maxsize=None)
def largest_safe_square() -> float:
    """The largest float16 whose float16 square is still finite (measured: 255.875)."""
    values = _all_positive(np.float16)
    finite = np.isfinite(_round16(values.astype(np.float64) ** 2))
    return float(values[finite][-1])


def float16_sum(values, axis: int = -1) -> np.ndarray:
    """Sum of float16 ``values`` along ``axis`` in float16: added in pairs, every partial sum
    rounded to float16 (inf once it passes 65504), as a parallel reduction does. An inf among the
    values (an overflowed square) makes the sum inf; NaN is refused."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf" or arr.size == 0 or np.any(np.isnan(arr)):
        raise ValueError("values must be a non-empty array of real numbers without NaN")
    s = np.moveaxis(_round16(arr), axis, -1)
    while s.shape[-1] > 1:
        if s.shape[-1] % 2:
            s = np.concatenate([s, np.zeros(s.shape[:-1] + (1,), dtype=np.float16)], axis=-1)
        with np.errstate(invalid="ignore"):  # inf + (-inf) is NaN, as in float16 hardware
            s = _round16(s[..., 0::2].astype(np.float64) + s[..., 1::2])
    return s[..., 0]


def float16_rms_norm(x, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm with every step in float16, along the last axis: ``x / sqrt(sum(x*x) / n + eps)``.

    Each square, partial sum (:func:`float16_sum`), the mean, ``+ eps``, the root and the quotient
    is rounded to float16. The sum of squares overflows once ``RMS(x) > sqrt(65520 / n)``; the mean
    is then inf and every output is 0. Returns float16.
    """
    x16 = _float16_input(x)
    eps16 = np.float16(_check_eps(eps))
    n = x16.shape[-1]
    squares = _round16(x16.astype(np.float64) ** 2)
    mean = _round16(float16_sum(squares, axis=-1).astype(np.float64) / n)
    with np.errstate(over="ignore", invalid="ignore"):
        root = _round16(np.sqrt(_round16(mean.astype(np.float64) + eps16)))
        return _round16(x16.astype(np.float64) / root[..., None])


def float16_squares_rms_norm(x, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm of float16 data with the squares in float16 and their mean accumulated in float32
    (numpy's ``np.mean(x * x)`` on a float16 array), the rest in float16.

    A square overflows once ``|x| >= 256``; its mean is then inf and every output is 0. Returns float16.
    """
    x16 = _float16_input(x)
    eps16 = np.float16(_check_eps(eps))
    squares = _round16(x16.astype(np.float64) ** 2)
    with np.errstate(over="ignore", invalid="ignore"):
        mean = np.mean(squares, axis=-1, dtype=np.float32).astype(np.float16)
        root = _round16(np.sqrt(_round16(mean.astype(np.float64) + eps16)))
        return _round16(x16.astype(np.float64) / root[..., None])


def upcast_rms_norm(x, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm of float16 data computed in float32 and returned as float16 (as real libraries do).

    This is exactly :func:`rmsviz.rms_norm` on a float16 array.
    """
    return rms_norm(_float16_input(x), eps=_check_eps(eps))


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
    return to_bfloat16(rms_norm(xb, eps=_check_eps(eps)))


def rms_norm_as(mode: str, x16, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm of float16 data ``x16`` computed the way ``mode`` (one of :data:`MODES`) names,
    returned as float64."""
    if mode == "float16":
        y = float16_rms_norm(x16, eps)
    elif mode == "float16_squares":
        y = float16_squares_rms_norm(x16, eps)
    elif mode == "float32":
        y = upcast_rms_norm(x16, eps)
    elif mode == "bfloat16":
        y = bfloat16_rms_norm(np.asarray(x16).astype(np.float32), eps)
    else:
        raise ValueError(f"mode must be one of {list(MODES)}, got {mode!r}")
    return y.astype(np.float64)


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


def _check_features(n) -> int:
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n (the number of features) must be a positive integer, got {n!r}")
    return int(n)


def unit_direction(n: int = 4096, seed: int = 0) -> np.ndarray:
    """A fixed random Gaussian vector of ``n`` features scaled to RMS 1 (float64, seeded)."""
    v = np.random.default_rng(seed).standard_normal(_check_features(n))
    return v / np.sqrt(np.mean(v * v))


def vector_with_rms(rms: float, n: int = 4096, seed: int = 0) -> np.ndarray:
    """:func:`unit_direction` scaled to input RMS ``rms`` (float64; round it to float16 to use it)."""
    if not np.isfinite(rms) or rms <= 0:
        raise ValueError(f"rms must be a finite number > 0, got {rms}")
    return rms * unit_direction(n, seed)


def _first_overflow(overflows, low: float = 2.0**-4, high: float = 2.0**14) -> float:
    """The smallest input RMS r in [low, high] at which ``overflows(r)`` is True, by bisection
    (it is monotone: rounding, squaring and adding non-negative numbers never decrease)."""
    if overflows(low) or not overflows(high):
        raise ValueError("no overflow threshold between the bounds")
    for _ in range(200):
        mid = float(np.sqrt(low * high))
        if mid in (low, high):
            break
        low, high = (low, mid) if overflows(mid) else (mid, high)
    return high


@lru_cache(maxsize=None)
def sum_overflow_rms(n: int = 4096, seed: int = 0) -> float:
    """The smallest input RMS at which the float16 sum of the squares of
    ``vector_with_rms(rms, n, seed)`` (rounded to float16) is inf, found by bisection.

    Expected: ``sqrt(65520 / n)``, about ``256 / sqrt(n)`` (4.00 for n = 4096, 90.5 for n = 8).
    """
    u = unit_direction(n, seed)

    def overflows(r):
        x16 = _round16(r * u)
        return not np.all(np.isfinite(x16)) or not np.isfinite(
            float16_sum(_round16(x16.astype(np.float64) ** 2)))

    return _first_overflow(overflows)


@lru_cache(maxsize=None)
def square_overflow_rms(n: int = 4096, seed: int = 0) -> float:
    """The smallest input RMS at which the largest square of ``vector_with_rms(rms, n, seed)``
    (rounded to float16) overflows in float16: where its largest ``|x|`` reaches 256."""
    u = unit_direction(n, seed)

    def overflows(r):
        return not np.all(np.isfinite(_round16(_round16(r * u).astype(np.float64) ** 2)))

    return _first_overflow(overflows)


@dataclass(frozen=True)
class CollapseSweep:
    """Per input RMS and way of computing (one of :data:`MODES`): the output's RMS (1 when right)
    and its largest absolute error against RMSNorm in float64 of the same float16 input."""

    rms_values: np.ndarray
    n: int
    out_rms: dict      # mode -> array over rms_values
    max_error: dict    # mode -> array over rms_values


def collapse_sweep(rms_values, n: int = 4096, seed: int = 0, eps: float = 1e-6) -> CollapseSweep:
    """Output RMS and largest error against float64, for each way of computing, per input RMS.

    The input at each RMS is :func:`vector_with_rms` rounded to float16; the error is measured
    against RMSNorm in float64 of that same, float16-rounded, input.
    """
    values = np.asarray(rms_values, dtype=float)
    if values.ndim != 1 or values.size == 0 or np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("rms_values must be a non-empty 1-d array of finite numbers > 0")
    xs = _float16_input(values[:, None] * unit_direction(n, seed)[None, :])
    ref = rms_norm(xs.astype(np.float64), eps=eps)
    out_rms, max_error = {}, {}
    for mode in MODES:
        y = rms_norm_as(mode, xs, eps)
        out_rms[mode] = np.sqrt(np.mean(y**2, axis=-1))
        max_error[mode] = np.max(np.abs(y - ref), axis=-1)
    return CollapseSweep(rms_values=values, n=_check_features(n), out_rms=out_rms, max_error=max_error)


def collapse_curves(n: int = 4096, seed: int = 0) -> CollapseSweep:
    """:func:`collapse_sweep` over :data:`RMS_GRID` (computed once per n and seed)."""
    return _collapse_curves(_check_features(n), int(seed))


@lru_cache(maxsize=8)  # one key per (n, seed), however the public function was called
def _collapse_curves(n: int, seed: int) -> CollapseSweep:
    return collapse_sweep(RMS_GRID, n=n, seed=seed)


@dataclass(frozen=True)
class PrecisionResult:
    """One float16 input of a given RMS and number of features, normalised one way, against float64."""

    rms: float                   # the input RMS asked for
    n: int
    mode: str
    largest: float               # max |x| after rounding to float16
    output: np.ndarray           # the output computed the ``mode`` way (float64, n features)
    reference: np.ndarray        # RMSNorm in float64 of the same float16 input
    out_rms: float
    max_error: float
    curve: np.ndarray            # output RMS over RMS_GRID for this mode and n
    sum_overflow: float          # input RMS from which the float16 sum of squares is inf
    square_overflow: float       # input RMS from which the largest float16 square is inf


def precision_at(rms: float, mode: str = "float16", n: int = 4096, seed: int = 0) -> PrecisionResult:
    """:func:`vector_with_rms` of this RMS in float16, through RMSNorm the ``mode`` way."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, got {mode!r}")
    x16 = _float16_input(vector_with_rms(rms, n, seed))
    y = rms_norm_as(mode, x16)
    ref = rms_norm(x16.astype(np.float64))
    return PrecisionResult(rms=float(rms), n=int(n), mode=mode, largest=float(np.max(np.abs(x16))),
                           output=y, reference=ref, out_rms=float(np.sqrt(np.mean(y**2))),
                           max_error=float(np.max(np.abs(y - ref))),
                           curve=collapse_curves(n, seed).out_rms[mode],
                           sum_overflow=sum_overflow_rms(n, seed),
                           square_overflow=square_overflow_rms(n, seed))
