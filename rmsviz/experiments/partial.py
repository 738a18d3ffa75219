"""pRMSNorm: how good is an RMS estimated from the first p of the features? (notebook 05)

pRMSNorm divides every feature by ``RMS(x[:k])`` with ``k = ceil(n p)``. Over many random vectors
the ratio ``RMS(x[:k]) / RMS(x)`` shows the estimate's bias (mean ratio - 1) and spread (its
standard deviation; for Gaussian features about ``sqrt(1/(2k) - 1/(2n))``, :func:`spread_formula`);
the output error is the RMS of ``pRMSNorm(x) - RMSNorm(x)``. The paper reports training still
converges at p = 6.25%. :func:`estimate_at` is what notebook 05's pRMSNorm panel shows: one p, over
the vectors of :func:`panel_vectors`, read from the sweep over :data:`P_GRID` (computed once) when
p is on it, and from the vectors' running means of squares (:func:`prefix_mean_squares`, also
computed once) when it is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmsviz.norms import partial_count, partial_rms_norm, rms, rms_norm

__all__ = ["PAPER_P", "P_GRID", "random_vectors", "estimate_ratios", "output_errors", "spread_formula",
           "exact_mean_ratio", "exact_spread", "sampling_error",
           "PartialSweep", "partial_sweep", "panel_vectors", "prefix_mean_squares", "grid_sweep",
           "PartialResult", "estimate_at"]

#: The smallest setting the paper reports as still converging (6.25%).
PAPER_P = 0.0625

#: The p values of the panel's slider and curves: 2**-7 ... 1 in steps of sqrt(2).
P_GRID = 2.0 ** np.arange(-7, 0.01, 0.5)


def random_vectors(trials: int = 2000, n: int = 512, seed: int = 0) -> np.ndarray:
    """``trials`` Gaussian vectors of ``n`` features, shape (trials, n), seeded."""
    if int(trials) != trials or trials < 1 or int(n) != n or n < 1:
        raise ValueError(f"trials and n must be positive integers, got {trials} and {n}")
    return np.random.default_rng(seed).standard_normal((int(trials), int(n)))


def _vectors(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (trials, n), got {x.shape}")
    return x


def estimate_ratios(x, p: float) -> np.ndarray:
    """``RMS(x[:, :k]) / RMS(x)`` per row, ``k = ceil(n p)``: 1 would be a perfect estimate."""
    x = _vectors(x)
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    k = partial_count(x.shape[1], p)
    return rms(x[:, :k]) / rms(x)


def output_errors(x, p: float, eps: float = 1e-6) -> np.ndarray:
    """RMS of ``pRMSNorm(x) - RMSNorm(x)`` per row (the output's RMS is 1, so this is relative)."""
    x = _vectors(x)
    return rms(partial_rms_norm(x, p, eps=eps) - rms_norm(x, eps=eps))


def spread_formula(k, n):
    """The spread of ``RMS(x[:k]) / RMS(x)`` that statistics predicts for Gaussian features:
    ``sqrt(1/(2k) - 1/(2n))``.

    The mean of k squares of N(0, 1) values has variance 2/k, so its relative spread is
    ``sqrt(2/k)``, and a square root halves a small relative error: ``1/sqrt(2k)``. The estimate
    and the true RMS share the first k features, so the error vanishes when k = n: the
    finite-population form subtracts ``1/(2n)`` (exactly, ``(n - k) / (2k(n + 2))`` to first order).
    Good from k of about 16; at k = 4 the first-order formula is 3.6% above the exact spread
    (:func:`exact_spread`), at k = 16 0.8%, at k = 128 (n = 512) 0.07%.
    """
    k = np.asarray(k, dtype=float)
    if np.any(k < 1) or np.any(k > n):
        raise ValueError(f"k must be between 1 and n = {n}, got {k}")
    return np.sqrt(np.maximum(1.0 / (2.0 * k) - 1.0 / (2.0 * n), 0.0))


def exact_mean_ratio(k: int, n: int) -> float:
    """The exact mean of ``RMS(x[:k]) / RMS(x)`` for Gaussian features (no random vectors).

    The share of the sum of squares that falls in the first k features, ``B = S_k / S_n``, follows
    the Beta distribution Beta(k/2, (n - k)/2), and the ratio is ``sqrt(n B / k)``. The mean of
    ``sqrt(B)`` is ``Γ((k+1)/2) Γ(n/2) / (Γ(k/2) Γ((n+1)/2))``, computed with ``math.lgamma``.
    """
    k, n = _counts(k, n)
    if k == n:
        return 1.0
    log_mean_sqrt_b = (math.lgamma((k + 1) / 2) + math.lgamma(n / 2)
                       - math.lgamma(k / 2) - math.lgamma((n + 1) / 2))
    return math.sqrt(n / k) * math.exp(log_mean_sqrt_b)


def exact_spread(k: int, n: int) -> float:
    """The exact standard deviation of ``RMS(x[:k]) / RMS(x)`` for Gaussian features.

    The mean of the squared ratio, ``n B / k``, is exactly 1 (the mean of B is k / n), so the
    variance is ``1 - mean²`` with the mean from :func:`exact_mean_ratio`. No sampling error:
    notebook 05 compares :func:`spread_formula` and the measured spreads with it.
    """
    mean = exact_mean_ratio(k, n)
    return math.sqrt(max(1.0 - mean * mean, 0.0))


def sampling_error(trials: int) -> float:
    """The relative standard error of a standard deviation measured from ``trials`` samples,
    about ``1 / sqrt(2 trials)`` (1.6% for 2000 vectors)."""
    if int(trials) != trials or trials < 2:
        raise ValueError(f"trials must be an integer >= 2, got {trials}")
    return 1.0 / math.sqrt(2.0 * trials)


def _counts(k, n) -> tuple[int, int]:
    if int(k) != k or int(n) != n or not 1 <= k <= n:
        raise ValueError(f"k and n must be integers with 1 <= k <= n, got k = {k}, n = {n}")
    return int(k), int(n)


@dataclass(frozen=True)
class PartialSweep:
    """Per p: ``k`` (of ``n`` features), the estimate's ``bias`` (mean ratio - 1) and ``spread``
    (std of the ratio) beside :func:`spread_formula`, the output error's median and 90th
    percentile, and the ``ratios`` themselves (p x trials)."""

    ps: np.ndarray
    n: int
    k: np.ndarray
    bias: np.ndarray
    spread: np.ndarray
    formula: np.ndarray
    error_median: np.ndarray
    error_p90: np.ndarray
    ratios: np.ndarray


def partial_sweep(ps, x=None) -> PartialSweep:
    """The estimate's bias and spread, and the output error, for each p in ``ps`` over the vectors
    ``x`` (shape (trials, n); :func:`random_vectors` when None)."""
    x = random_vectors() if x is None else _vectors(x)
    ps = np.asarray(ps, dtype=float)
    if ps.ndim != 1 or ps.size == 0 or np.any(ps <= 0) or np.any(ps > 1):
        raise ValueError("ps must be a non-empty 1-d array of values in (0, 1]")
    ratios = np.stack([estimate_ratios(x, p) for p in ps])
    errors = np.stack([output_errors(x, p) for p in ps])
    n = x.shape[1]
    k = np.array([partial_count(n, p) for p in ps])
    return PartialSweep(
        ps=ps,
        n=n,
        k=k,
        bias=ratios.mean(axis=1) - 1.0,
        spread=ratios.std(axis=1),
        formula=spread_formula(k, n),
        error_median=np.median(errors, axis=1),
        error_p90=np.quantile(errors, 0.9, axis=1),
        ratios=ratios,
    )


def panel_vectors(trials: int = 2000, n: int = 512, seed: int = 0) -> np.ndarray:
    """:func:`random_vectors` made once per (trials, n, seed) and shared (read-only)."""
    return _panel_vectors(int(trials), int(n), int(seed))


@lru_cache(maxsize=4)  # one key per (trials, n, seed), however the public function was called
def _panel_vectors(trials: int, n: int, seed: int) -> np.ndarray:
    x = random_vectors(trials, n, seed)
    x.flags.writeable = False
    return x


def prefix_mean_squares(trials: int = 2000, n: int = 512, seed: int = 0) -> np.ndarray:
    """``mean(x[:, :k]**2)`` for every k = 1..n (column k - 1), of :func:`panel_vectors`, made
    once and shared (read-only): any p then costs one column, not a pass over every vector."""
    return _prefix_mean_squares(int(trials), int(n), int(seed))


@lru_cache(maxsize=4)
def _prefix_mean_squares(trials: int, n: int, seed: int) -> np.ndarray:
    x = panel_vectors(trials, n, seed)
    means = np.cumsum(x * x, axis=1) / np.arange(1, n + 1)
    means.flags.writeable = False
    return means


def grid_sweep(trials: int = 2000, n: int = 512, seed: int = 0) -> PartialSweep:
    """:func:`partial_sweep` over :data:`P_GRID` on :func:`panel_vectors` (computed once)."""
    return _grid_sweep(int(trials), int(n), int(seed))


@lru_cache(maxsize=4)
def _grid_sweep(trials: int, n: int, seed: int) -> PartialSweep:
    return partial_sweep(P_GRID, panel_vectors(trials, n, seed))


@dataclass(frozen=True)
class PartialResult:
    """The partial-RMS estimate at one p over ``trials`` vectors of ``n`` features."""

    p: float
    k: int
    n: int
    ratios: np.ndarray     # RMS(x[:k]) / RMS(x), one per vector
    bias: float
    spread: float
    formula: float         # spread_formula(k, n)
    error_median: float    # median RMS of pRMSNorm(x) - RMSNorm(x)


def estimate_at(p: float, trials: int = 2000, n: int = 512, seed: int = 0, eps: float = 1e-6) -> PartialResult:
    """Bias, spread and median output error of the estimate at ``p``: read from :func:`grid_sweep`
    when p is on :data:`P_GRID`, else from :func:`prefix_mean_squares` (with ``m_k`` the mean of
    the first k squares, the ratio is ``sqrt(m_k / m_n)`` and the output error
    ``|1/sqrt(m_k + eps) - 1/sqrt(m_n + eps)| * sqrt(m_n)``, the same numbers as
    :func:`estimate_ratios` and :func:`output_errors` up to rounding)."""
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    k = partial_count(n, p)
    sweep = grid_sweep(trials, n, seed)
    i = int(np.argmin(np.abs(np.log2(sweep.ps) - np.log2(p))))
    if np.isclose(sweep.ps[i], p, rtol=1e-9, atol=0):
        ratios, median_error = sweep.ratios[i], float(sweep.error_median[i])
    else:
        means = prefix_mean_squares(trials, n, seed)
        m_k, m_n = means[:, k - 1], means[:, -1]
        ratios = np.sqrt(m_k / m_n)
        errors = np.abs(1.0 / np.sqrt(m_k + eps) - 1.0 / np.sqrt(m_n + eps)) * np.sqrt(m_n)
        median_error = float(np.median(errors))
    return PartialResult(p=float(p), k=k, n=n, ratios=ratios, bias=float(ratios.mean() - 1),
                         spread=float(ratios.std()), formula=float(spread_formula(k, n)),
                         error_median=median_error)
