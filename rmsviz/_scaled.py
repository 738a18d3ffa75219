"""Scale-safe row statistics for :mod:`rmsviz.norms` (private; the public API is in norms).

Every function works on rows: a 2-D array ``(rows, n)`` in the compute dtype, one normalised vector
per row, masked entries already set to 0, and ``count`` the number of entries that count (``n``, or a
``(rows, 1)`` array for a masked input). Each follows one pattern:

1. the plain formula for every row (fast, and what every textbook writes);
2. the rows where that formula could overflow, underflow or lose its digits are computed again after
   an exact re-scaling by a power of two (``np.frexp``/``np.ldexp`` change only the exponent), so
   that each row is scaled by its own factor and no row can influence another.

The scaled results are carried as (mantissa-sized value, integer exponent) pairs and are put
together with a single ``ldexp`` at the end, so the one rounding that remains is the result's own
(extra rounding happens only where a result is subnormal). When nothing is extreme the re-scaled
path gives bit for bit the plain formula's result, because multiplying by a power of two is exact.
"""

from __future__ import annotations

import math

import numpy as np


def _take(count, rows):
    """``count`` restricted to the selected rows (a scalar count is the same for every row)."""
    return count[rows] if isinstance(count, np.ndarray) else count


def _take_mask(mask, rows):
    return None if mask is None else mask[rows]


def _exponent(a: np.ndarray) -> np.ndarray:
    """The integer k with ``a < 2**k <= 2 a`` (``np.frexp``'s exponent; 0 for a = 0)."""
    return np.frexp(a)[1]


def _row_max_abs(v: np.ndarray) -> np.ndarray:
    return np.max(np.abs(v), axis=-1, keepdims=True)


def _safe_threshold(dtype: np.dtype, count) -> np.ndarray | float:
    """Below this mean of squares the squares may have underflowed and lost digits."""
    info = np.finfo(dtype)
    return count * (info.tiny / info.eps)


def _rescued_mean_square(v: np.ndarray, count, eps: float, k0) -> tuple[np.ndarray, np.ndarray]:
    """(q, e) with ``mean(u**2) + eps == q * 4**e`` for ``u = v * 2**k0``, q in [1/(4 count), 2].

    e is the larger of the exponents of max|u| and of sqrt(eps), so both u * 2**-e and eps * 4**-e
    are at most 1 and the larger of the two terms is at least 1/(4 count): nothing overflows, and
    whatever underflows is negligible beside the other term. eps is scaled in float64 before the
    cast, so an eps far below the compute dtype's range still counts where it dominates.
    q = 0 only for an all-zero row with eps = 0.
    """
    m = _row_max_abs(v)
    kx = _exponent(m) + k0
    if eps > 0:
        ke = (math.frexp(eps)[1] + 1) // 2
        e = np.where(m > 0, np.maximum(kx, ke), ke)
    else:
        e = np.where(m > 0, kx, 0)
    s = np.ldexp(v, k0 - e)
    eps_scaled = np.ldexp(np.float64(eps), -2 * e).astype(v.dtype)
    q = np.sum(s * s, axis=-1, keepdims=True) / count + eps_scaled
    return q.astype(v.dtype, copy=False), e


def mean_square(v: np.ndarray, count, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """(q, e) per row with ``mean(v**2) + eps == q * 4**e`` (e = 0 where the plain sum is safe)."""
    q = np.sum(v * v, axis=-1, keepdims=True) / count
    plain_ok = q >= _safe_threshold(v.dtype, count)
    q = q + v.dtype.type(eps)
    e = np.zeros(q.shape, dtype=np.int32)
    redo = ~(plain_ok & np.isfinite(q))[:, 0]
    if redo.any():
        q[redo], e[redo] = _rescued_mean_square(v[redo], _take(count, redo), eps, 0)
    return q, e


def _zero_masked(a: np.ndarray, mask) -> np.ndarray:
    return a if mask is None else np.where(mask, a.dtype.type(0), a)


def _constant_rows(x: np.ndarray, mask) -> np.ndarray:
    """Rows whose counted entries are all equal (an all-masked row counts as constant)."""
    if mask is None:
        return np.max(x, axis=-1, keepdims=True) == np.min(x, axis=-1, keepdims=True)
    hi = np.max(np.where(mask, -np.inf, x), axis=-1, keepdims=True)
    lo = np.min(np.where(mask, np.inf, x), axis=-1, keepdims=True)
    return hi <= lo


def _rescued_centred(x, count, mask, eps):
    """(d, k0, q, e) for rows the plain centring cannot be trusted with; see :func:`centred`."""
    k0 = _exponent(_row_max_abs(x))
    s = np.ldexp(x, -k0)  # max |s| in [1/2, 1): subnormal inputs become normal, nothing overflows
    d = _zero_masked(s - np.sum(s, axis=-1, keepdims=True) / count, mask)
    d = _zero_masked(d - np.sum(d, axis=-1, keepdims=True) / count, mask)  # corrected two-pass
    d = np.where(_constant_rows(x, mask), x.dtype.type(0), d)
    q, e = _rescued_mean_square(d, count, eps, k0)
    return d, k0, q, e


def centred(x: np.ndarray, count, mask, eps: float):
    """(d, k0, q, e) per row: ``x - mean(x) == d * 2**k0`` and ``var(x) + eps == q * 4**e``.

    d is exactly 0 on a constant row (and on masked entries). The mean is corrected once (the
    corrected two-pass algorithm: subtract the mean of the deviations) wherever |mean| > std, so
    that the deviations keep their digits when the mean dominates: ``[1, 1 + 2**-52]`` centres to
    ``[-2**-53, 2**-53]`` exactly. Rows whose spread is within rounding of the mean (constant rows
    among them), whose deviations overflow, or whose squares underflow, are re-scaled first.
    """
    dtype = x.dtype
    mu = np.sum(x, axis=-1, keepdims=True) / count
    d = _zero_masked(x - mu, mask)
    ms = np.sum(d * d, axis=-1, keepdims=True) / count
    k0 = np.zeros(ms.shape, dtype=np.int32)
    # a constant row's computed spread is rounding of the mean: |mu - x| <= (count + 2) eps |mu|
    near_constant = ms <= np.square(2 * (count + 2) * np.finfo(dtype).eps * mu)
    q = ms + dtype.type(eps)
    redo = ~(np.isfinite(q) & (ms >= _safe_threshold(dtype, count))) | near_constant
    fix = (mu * mu > ms) & ~redo
    if fix.any():
        r = fix[:, 0]
        dr = d[r]
        dr = _zero_masked(dr - np.sum(dr, axis=-1, keepdims=True) / _take(count, r), _take_mask(mask, r))
        d[r] = dr
        q[r] = np.sum(dr * dr, axis=-1, keepdims=True) / _take(count, r) + dtype.type(eps)
    e = np.zeros(ms.shape, dtype=np.int32)
    r = redo[:, 0]
    if r.any():
        d[r], k0[r], q[r], e[r] = _rescued_centred(x[r], _take(count, r), _take_mask(mask, r), eps)
    return d, k0, q, e


def inverse_root(q: np.ndarray) -> np.ndarray:
    """1 / sqrt(q), and 0 where q = 0 (an all-zero row with eps = 0 maps to zeros)."""
    positive = q > 0
    return np.where(positive, 1 / np.sqrt(np.where(positive, q, 1)), 0).astype(q.dtype, copy=False)


def _fused(v, factor, shift, other=None):
    """``v * factor * 2**shift * other`` entry by entry through mantissas and exponents.

    Every mantissa product stays between 1/8 and 2 sqrt(n), so nothing over- or underflows before
    the final ldexp, whose rounding is the result's own.
    """
    mantissa, exponent = np.frexp(v)
    mantissa = mantissa * factor
    if other is not None:
        other_mantissa, other_exponent = np.frexp(other)
        mantissa = mantissa * other_mantissa
        exponent = exponent + other_exponent
    return np.ldexp(mantissa, exponent + shift)


def times(v: np.ndarray, factor: np.ndarray, shift: np.ndarray, other=None) -> np.ndarray:
    """``v * factor * 2**shift`` per row (factor and shift are ``(rows, 1)``), times ``other`` if given.

    Rows with shift 0 are a plain product. The others (the re-scaled rows) go through
    :func:`_fused`, so neither a huge nor a subnormal entry loses digits on the way, and a
    normalised value too small for the dtype still counts when a large gain multiplies it.
    """
    out = v * factor
    if other is not None:
        out = out * other
    rows = (shift != 0)[:, 0]
    if rows.any():
        o = None if other is None else np.broadcast_to(other, v.shape)[rows]
        out[rows] = _fused(v[rows], factor[rows], shift[rows], o)
    return out


def plus_bias(out: np.ndarray, bias, v, factor, shift, gain) -> np.ndarray:
    """``out + bias`` for ``out = times(v, factor, shift, gain)``, without a spurious overflow.

    Where ``y * gain`` overflowed but the bias brings the sum back, the entry is computed at a
    quarter of the scale: ``|y * gain / 4|`` overflows only when ``|y * gain + bias|`` > 3 max.
    """
    if bias is None:
        return out
    out = out + bias
    bad = ~np.isfinite(out)
    if gain is not None and bad.any():
        rows = np.nonzero(bad)[0]
        quarter = _fused(v[bad], factor[rows, 0], shift[rows, 0] - 2, np.broadcast_to(gain, v.shape)[bad])
        out[bad] = np.ldexp(quarter + np.ldexp(np.broadcast_to(bias, v.shape)[bad], -2), 2)
    return out


def backward(g: np.ndarray, gain, y: np.ndarray, inv: np.ndarray, e: np.ndarray, count, mask,
             centre: bool) -> np.ndarray:
    """grad_x per row from the upstream gradient g, the normalised output y and ``1/r = inv * 2**-e``.

    ``d = g * gain``; RMSNorm: ``(d - y mean(d y)) / r``; LayerNorm (``centre``):
    ``(d - mean(d) - y mean(d y)) / r``. When some row was re-scaled or |d| is near either end of
    the range, g is scaled per row and gain as a whole by powers of two first (|d| < 1), so no
    product or sum overflows or underflows, and the scale comes back in one ldexp.
    """
    dtype = g.dtype
    n = g.shape[-1]
    info = np.finfo(dtype)
    gain_max = 1.0 if gain is None else float(np.max(np.abs(gain)))
    d_max = (float(np.max(np.abs(g))) if g.size else 0.0) * gain_max
    # |bracket * inv| <= |d| (n + 1) 2 sqrt(n): keep it below max, and |d| well above tiny
    plain = (not e.any() and d_max <= float(info.max) / (4 * (n + 1) ** 1.5)
             and (d_max == 0 or d_max >= float(info.tiny / info.eps)))
    if plain:
        f, h, d = 0, 0, g if gain is None else g * gain
    else:
        f = _exponent(_row_max_abs(g))
        d = np.ldexp(g, -f)
        h = 0
        if gain is not None:
            h = int(_exponent(np.max(np.abs(gain))))
            d = d * np.ldexp(gain, -h)
    if centre:
        b = d - np.sum(d, axis=-1, keepdims=True) / count - y * (np.sum(d * y, axis=-1, keepdims=True) / count)
    else:
        b = d - y * (np.sum(d * y, axis=-1, keepdims=True) / count)
    out = b * inv if plain else np.ldexp(b * inv, f + h - e)
    return _zero_masked(out, mask)


def column_sum(a: np.ndarray) -> np.ndarray:
    """Sum over rows of ``a``, re-scaled by a power of two if the plain sum overflows."""
    out = np.sum(a, axis=0)
    if a.size and not np.all(np.isfinite(out)):
        k = int(_exponent(np.max(np.abs(a))))
        out = np.ldexp(np.sum(np.ldexp(a, -k), axis=0), k)
    return out
