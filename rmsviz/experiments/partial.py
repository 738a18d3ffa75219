"""pRMSNorm: how good is an RMS estimated from the first p of the features? (notebook 05)

pRMSNorm divides every feature by ``RMS(x[:k])`` with ``k = ceil(n p)``. Over many random vectors
the ratio ``RMS(x[:k]) / RMS(x)`` shows the estimate's bias (mean ratio - 1) and spread (its
standard deviation, about ``1/sqrt(2k)`` for Gaussian features); the output error is the RMS of
``pRMSNorm(x) - RMSNorm(x)``. The paper reports training still converges at p = 6.25%.
:func:`estimate_at` is what notebook 05's pRMSNorm panel shows: one p, over the vectors of
:func:`panel_vectors`, read from the sweep over :data:`P_GRID` (computed once) when p is on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmsviz.norms import partial_count, partial_rms_norm, rms, rms_norm

__all__ = ["PAPER_P", "P_GRID", "random_vectors", "estimate_ratios", "output_errors", "PartialSweep",
           "partial_sweep", "panel_vectors", "grid_sweep", "PartialResult", "estimate_at"]

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


@dataclass(frozen=True)
class PartialSweep:
    """Per p: ``k``, the estimate's ``bias`` (mean ratio - 1) and ``spread`` (std of the ratio),
    the output error's median and 90th percentile, and the ``ratios`` themselves (p x trials)."""

    ps: np.ndarray
    k: np.ndarray
    bias: np.ndarray
    spread: np.ndarray
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
    return PartialSweep(
        ps=ps,
        k=np.array([partial_count(x.shape[1], p) for p in ps]),
        bias=ratios.mean(axis=1) - 1.0,
        spread=ratios.std(axis=1),
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
    error_median: float    # median RMS of pRMSNorm(x) - RMSNorm(x)


def estimate_at(p: float, trials: int = 2000, n: int = 512, seed: int = 0) -> PartialResult:
    """Bias, spread and median output error of the estimate at ``p`` (from :func:`grid_sweep` when
    p is on :data:`P_GRID`, computed otherwise)."""
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    sweep = grid_sweep(trials, n, seed)
    i = int(np.argmin(np.abs(np.log2(sweep.ps) - np.log2(p))))
    if np.isclose(sweep.ps[i], p, rtol=1e-9, atol=0):
        ratios, median_error = sweep.ratios[i], float(sweep.error_median[i])
    else:
        vectors = panel_vectors(trials, n, seed)
        ratios = estimate_ratios(vectors, p)
        median_error = float(np.median(output_errors(vectors, p)))
    return PartialResult(p=float(p), k=partial_count(n, p), n=n, ratios=ratios,
                         bias=float(ratios.mean() - 1), spread=float(ratios.std()), error_median=median_error)
