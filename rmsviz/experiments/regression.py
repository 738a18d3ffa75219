"""Linear regression on the apples' masses by gradient descent: raw grams vs RMS-scaled grams.

Introduced in notebook 04. Each apple is one example with one feature, its mass x in grams; the
model is ``price = w * x`` (w is the model weight, a price per gram), the loss the mean squared
error ``L(w) = mean((w x - y)**2)``. Its gradient and curvature are::

    dL/dw   = 2 mean(x (w x - y)) = C (w - w*),     C = d2L/dw2 = 2 mean(x**2)

so one step of gradient descent multiplies the error ``w - w*`` by ``(1 - lr C)``: the error
shrinks when ``lr < 2 / C``, keeps its size (it flips sign every step) at ``lr = 2 / C``, and grows
when ``lr > 2 / C``. The curvature goes with the square of the feature's scale: in grams,
``mean(x**2)`` is about 5e4 and the largest stable step is tiny; divided by its RMS,
``mean(x**2) = 1`` and ``2 / C = 1``. Dividing the mass column by its RMS is feature scaling
across the examples (the apples), not RMSNorm, which works across the features of one example.
:func:`compare_features` runs both features with one learning rate, as notebook 04's regression
panel shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.examples import APPLE_WEIGHTS_G
from rmsviz.norms import rms

__all__ = [
    "PRICE_PER_GRAM",
    "apple_data",
    "rms_scaled",
    "curvature",
    "stable_lr",
    "gradient",
    "BEHAVIOURS",
    "behaviour",
    "RegressionRun",
    "gradient_descent",
    "divergence_threshold",
    "SERIES",
    "FeatureRun",
    "RegressionComparison",
    "compare_features",
]

#: The two versions of the feature: raw grams, and grams divided by their RMS.
SERIES = ("raw", "scaled")

#: The true price of the synthetic data set, in dollars per gram (a 200 g apple costs $1).
PRICE_PER_GRAM = 0.005

#: A loss above this counts as diverged; the run stops there (before anything overflows).
BLOWUP = 1e30

#: Relative change of the loss that counts as round-off, not as growth (see RegressionRun.diverged).
ROUND_OFF = 1e-9

#: What gradient descent does at a given learning rate (see :func:`behaviour`).
BEHAVIOURS = ("converges", "oscillates", "diverges")


def apple_data(n_extra: int = 12, noise: float = 0.05, seed: int = 0):
    """The source text's four apples plus ``n_extra`` seeded ones: ``(grams, prices)``.

    Extra masses are drawn uniformly in [120, 320] g and rounded to whole grams; prices are
    ``PRICE_PER_GRAM * grams`` plus Gaussian noise of standard deviation ``noise`` dollars.
    """
    if not isinstance(n_extra, (int, np.integer)) or n_extra < 0:
        raise ValueError(f"n_extra must be a non-negative integer, got {n_extra!r}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    grams = np.concatenate([APPLE_WEIGHTS_G, np.round(rng.uniform(120, 320, n_extra))])
    prices = PRICE_PER_GRAM * grams + rng.normal(0.0, noise, grams.size)
    return grams, prices


def rms_scaled(x) -> np.ndarray:
    """``x / RMS(x)``: the feature column divided by its root mean square (result has RMS 1)."""
    x = np.asarray(x, dtype=float)
    return x / float(rms(x))


def curvature(x) -> float:
    """``C = d2L/dw2 = 2 mean(x**2)`` for ``L(w) = mean((w x - y)**2)``."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError("x must be a non-empty 1-d array of finite numbers")
    return 2.0 * float(np.mean(x * x))


def stable_lr(x) -> float:
    """The stability limit of the learning rate, ``2 / C = 1 / mean(x**2)``: every lr below it
    converges, and lr = 2 / C oscillates."""
    return 2.0 / curvature(x)


def gradient(x, y, w: float) -> float:
    """``dL/dw = 2 mean(x (w x - y))`` at the model weight ``w``.

    At ``w = 0`` this is ``-2 mean(x y)``: linear in the scale of x. At a fixed error ``w - w*`` it
    is ``C (w - w*)``, and C goes with the square of the scale.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size == 0:
        raise ValueError(f"x and y must be 1-d arrays of the same length, got {x.shape} and {y.shape}")
    return 2.0 * float(np.mean(x * (w * x - y)))


def behaviour(lr: float, x) -> str:
    """What gradient descent does with this learning rate, from the factor ``|1 - lr C|`` that
    multiplies the error every step: ``"converges"`` (below 1), ``"oscillates"`` (1 up to
    round-off: lr = 2 / C, the error flips sign and keeps its size, so the loss stays where it
    started) or ``"diverges"`` (above 1)."""
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    factor = abs(1.0 - lr * curvature(x))
    if abs(factor - 1.0) <= ROUND_OFF:
        return "oscillates"
    return "converges" if factor < 1.0 else "diverges"


@dataclass(frozen=True)
class RegressionRun:
    """One gradient-descent run: arrays indexed by step (0 = before the first update); ``weights``
    holds the model weight w, ``grad_norms`` the size |dL/dw|."""

    lr: float
    weights: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    diverged_at: int | None  # first step whose loss exceeded BLOWUP (the run stops there)

    @property
    def diverged(self) -> bool:
        """True when the loss grew: it blew up, or ended above where it started by more than
        round-off (a relative 1e-9, so that lr = 2 / C, where the loss does not change up to the last
        bit, does not count as growth on one CPU and not on another)."""
        return self.diverged_at is not None or bool(self.losses[-1] > self.losses[0] * (1 + ROUND_OFF))


def gradient_descent(x, y, lr: float, steps: int, w0: float = 0.0) -> RegressionRun:
    """Run ``w <- w - lr * dL/dw`` for ``steps`` steps on ``L(w) = mean((w x - y)**2)``.

    Stops early, with ``diverged_at`` set, once the loss exceeds 1e30 (no overflow, no NaN).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size == 0:
        raise ValueError(f"x and y must be 1-d arrays of the same length, got {x.shape} and {y.shape}")
    if not np.all(np.isfinite(x)) or not np.all(np.isfinite(y)):
        raise ValueError("x and y must be finite")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    # L(w) = a w^2 - 2 b w + c with a = mean(x^2), b = mean(x y), c = mean(y^2): O(1) per step.
    a, b, c = float(np.mean(x * x)), float(np.mean(x * y)), float(np.mean(y * y))
    w = float(w0)
    weights, losses, grads = [], [], []
    diverged_at = None
    for step in range(steps + 1):
        loss = a * w * w - 2 * b * w + c
        grad = 2 * (a * w - b)
        weights.append(w)
        losses.append(max(loss, 0.0))
        grads.append(abs(grad))
        if loss > BLOWUP:
            diverged_at = step
            break
        w -= lr * grad
    return RegressionRun(float(lr), np.array(weights), np.array(losses), np.array(grads), diverged_at)


def divergence_threshold(x, y, lrs, steps: int = 100) -> float:
    """The smallest learning rate in ``lrs`` (sorted) whose run diverges; ``inf`` if none does.

    A scan only finds the grid point at or just above ``2 / C``: on a log grid with ratio q between
    neighbours, the answer lies in ``[2 / C, q * 2 / C]``.
    """
    for lr in np.sort(np.asarray(lrs, dtype=float)):
        if gradient_descent(x, y, float(lr), steps).diverged:
            return float(lr)
    return float("inf")


@dataclass(frozen=True)
class FeatureRun:
    """One feature (a key of :data:`SERIES`), its largest stable learning rate, what gradient
    descent does at the chosen learning rate (one of :data:`BEHAVIOURS`), and its run."""

    feature: str
    stable_lr: float
    behaviour: str
    run: RegressionRun


@dataclass(frozen=True)
class RegressionComparison:
    """The same learning rate and number of steps on each requested feature."""

    lr: float
    steps: int
    runs: tuple  # of FeatureRun, in the order requested


def compare_features(lr: float, steps: int, features=SERIES, seed: int = 0) -> RegressionComparison:
    """Gradient descent with ``lr`` for ``steps`` steps on the apple data (:func:`apple_data`), with
    the raw grams and/or the grams divided by their RMS as the feature (``features`` from
    :data:`SERIES`)."""
    unknown = set(features) - set(SERIES)
    if unknown:
        raise ValueError(f"features must be taken from {SERIES}, got {sorted(unknown)}")
    grams, prices = apple_data(seed=seed)
    data = {"raw": grams, "scaled": rms_scaled(grams)}
    runs = tuple(FeatureRun(feature=f, stable_lr=stable_lr(data[f]), behaviour=behaviour(lr, data[f]),
                            run=gradient_descent(data[f], prices, lr, steps))
                 for f in features)
    return RegressionComparison(lr=float(lr), steps=int(steps), runs=runs)

