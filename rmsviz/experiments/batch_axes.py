"""Which numbers each normalisation takes its statistics over: BatchNorm, LayerNorm, RMSNorm
(notebook 03).

A batch holds one example per row and one feature per column (examples x features).

* BatchNorm takes its statistics down each column, over the examples of the batch: one mean and
  one standard deviation per feature, ``(x[k, i] - mean_k x[k, i]) / std_k x[k, i]``. Each feature
  is normalised on its own, with numbers from the other examples.
* LayerNorm takes its statistics along each row, over the features of one example: one mean and one
  standard deviation per example, ``(x[k, i] - mean_i x[k, i]) / std_i x[k, i]``.
* RMSNorm also works along each row, with one statistic per example,
  ``x[k, i] / RMS_i x[k, i]``. Every feature of an example is divided by the same number.

All standard deviations use 1/n (population), as LayerNorm and BatchNorm do.
:func:`batch_statistics` makes a seeded batch and computes every statistic; :func:`changed_outputs`
changes one number of the batch and reports which outputs of each normalisation change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.norms import layer_norm, rms_norm

__all__ = ["NORMS", "AxisStatistics", "ChangedOutputs", "batch_norm", "batch_statistics",
           "changed_outputs", "normalise", "statistics_of"]

#: The three normalisations compared, in the order the figure draws them.
NORMS = ("BatchNorm", "LayerNorm", "RMSNorm")


@dataclass(frozen=True)
class AxisStatistics:
    """A batch (examples x features) and the statistics each normalisation computes from it."""

    batch: np.ndarray    # examples x features
    bn_mean: np.ndarray  # BatchNorm: one mean per feature (down each column)
    bn_std: np.ndarray   # BatchNorm: one std per feature (down each column)
    ln_mean: np.ndarray  # LayerNorm: one mean per example (along each row)
    ln_std: np.ndarray   # LayerNorm: one std per example (along each row)
    rms: np.ndarray      # RMSNorm: one RMS per example (along each row)

    @property
    def n_examples(self) -> int:
        return self.batch.shape[0]

    @property
    def n_features(self) -> int:
        return self.batch.shape[1]

    def count(self, norm: str) -> int:
        """How many numbers ``norm`` computes from the batch before it normalises."""
        per = {"BatchNorm": 2 * self.n_features, "LayerNorm": 2 * self.n_examples, "RMSNorm": self.n_examples}
        if norm not in per:
            raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
        return per[norm]


def _check_batch(batch) -> np.ndarray:
    batch = np.asarray(batch, dtype=float)
    if batch.ndim != 2 or min(batch.shape) < 2:
        raise ValueError(f"the batch must be a 2-D array of at least 2 x 2 (examples x features), "
                         f"got shape {batch.shape}")
    if not np.all(np.isfinite(batch)):
        raise ValueError("the batch contains NaN or infinity")
    return batch


def batch_statistics(seed: int = 0, n_examples: int = 6, n_features: int = 8) -> AxisStatistics:
    """A seeded batch of small whole numbers (1 to 9), examples x features, and its statistics."""
    for name, v in (("n_examples", n_examples), ("n_features", n_features)):
        if not isinstance(v, (int, np.integer)) or not 2 <= v <= 16:
            raise ValueError(f"{name} must be a whole number from 2 to 16, got {v!r}")
    batch = np.random.default_rng(seed).integers(1, 10, size=(n_examples, n_features)).astype(float)
    return statistics_of(batch)


def statistics_of(batch) -> AxisStatistics:
    """Every statistic of ``batch`` (examples x features): per feature for BatchNorm, per example
    for LayerNorm and RMSNorm."""
    batch = _check_batch(batch)
    return AxisStatistics(batch=batch, bn_mean=batch.mean(axis=0), bn_std=batch.std(axis=0),
                          ln_mean=batch.mean(axis=1), ln_std=batch.std(axis=1),
                          rms=np.sqrt(np.mean(batch * batch, axis=1)))


def batch_norm(batch, eps: float = 1e-6) -> np.ndarray:
    """BatchNorm without gain and bias: each column standardised over the examples,
    ``(x - mean over axis 0) / sqrt(var over axis 0 + eps)``."""
    batch = _check_batch(batch)
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    centred = batch - batch.mean(axis=0)
    return centred / np.sqrt(np.mean(centred * centred, axis=0) + eps)


def normalise(batch, norm: str, eps: float = 1e-6) -> np.ndarray:
    """``batch`` through ``norm`` ("BatchNorm", "LayerNorm" or "RMSNorm"), no gain, no bias."""
    if norm == "BatchNorm":
        return batch_norm(batch, eps)
    if norm == "LayerNorm":
        return layer_norm(_check_batch(batch), eps=eps)
    if norm == "RMSNorm":
        return rms_norm(_check_batch(batch), eps=eps)
    raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")


@dataclass(frozen=True)
class ChangedOutputs:
    """Which outputs change (norm -> boolean mask, examples x features) when one input changes."""

    example: int
    feature: int
    delta: float
    changed: dict


def changed_outputs(batch, example: int, feature: int, delta: float = 5.0) -> ChangedOutputs:
    """Add ``delta`` to ``batch[example, feature]`` and mark, for each normalisation, every output
    that moves by more than 1e-9. BatchNorm: that feature's column (every example); LayerNorm and
    RMSNorm: that example's row (every feature)."""
    batch = _check_batch(batch)
    rows, cols = batch.shape
    if not (0 <= example < rows and 0 <= feature < cols):
        raise ValueError(f"example must be in 0..{rows - 1} and feature in 0..{cols - 1}, "
                         f"got {example} and {feature}")
    if not np.isfinite(delta) or delta == 0:
        raise ValueError(f"delta must be a non-zero finite number, got {delta}")
    moved = batch.copy()
    moved[example, feature] += delta
    changed = {norm: np.abs(normalise(moved, norm) - normalise(batch, norm)) > 1e-9 for norm in NORMS}
    return ChangedOutputs(example=int(example), feature=int(feature), delta=float(delta), changed=changed)
