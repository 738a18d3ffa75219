"""pRMSNorm: how good is an RMS estimated from the first p of the features? (notebook 05)

pRMSNorm divides every feature by ``RMS(x[:k])`` with ``k = ceil(n p)``. Over many random vectors
the ratio ``RMS(x[:k]) / RMS(x)`` shows the estimate's bias (mean ratio - 1) and spread (its
standard deviation, about ``1/sqrt(2k)`` for Gaussian features); the output error is the RMS of
``pRMSNorm(x) - RMSNorm(x)``. The paper reports training still converges at p = 6.25%.
"""

from __future__ import annotations

import numpy as np

from rmsviz.norms import partial_count, partial_rms_norm, rms, rms_norm

__all__ = ["PAPER_P", "random_vectors", "estimate_ratios", "output_errors", "partial_sweep"]

#: The smallest setting the paper reports as still converging (6.25%).
PAPER_P = 0.0625


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


def partial_sweep(ps, x=None) -> dict:
    """For each p: ``k``, ``bias`` (mean ratio - 1), ``spread`` (std of the ratio),
    ``error_median`` and ``error_p90`` (output error quantiles), and ``ratios`` (trials per p).
    """
    x = random_vectors() if x is None else _vectors(x)
    ps = np.asarray(ps, dtype=float)
    if ps.ndim != 1 or ps.size == 0 or np.any(ps <= 0) or np.any(ps > 1):
        raise ValueError("ps must be a non-empty 1-d array of values in (0, 1]")
    ratios = np.stack([estimate_ratios(x, p) for p in ps])
    errors = np.stack([output_errors(x, p) for p in ps])
    return {
        "ps": ps,
        "k": np.array([partial_count(x.shape[1], p) for p in ps]),
        "bias": ratios.mean(axis=1) - 1.0,
        "spread": ratios.std(axis=1),
        "error_median": np.median(errors, axis=1),
        "error_p90": np.quantile(errors, 0.9, axis=1),
        "ratios": ratios,
    }
