"""eps: where it goes (inside or outside the root), what PyTorch's default means (notebook 05).

* inside the root (PyTorch, Llama, T5): ``y = x / sqrt(mean(x**2) + eps)``; eps dominates once
  the mean of squares falls below eps, that is once ``RMS(x) < sqrt(eps)`` (1e-3 for eps = 1e-6);
* outside the root (the RMSNorm paper's own code, eps = 1e-8): ``y = x / (RMS(x) + eps)``; eps
  dominates once ``RMS(x) < eps``.

Below that input RMS (:func:`dominance_rms`) the output is no longer normalised: it shrinks in
proportion to x.
:func:`eps_at` is what notebook 05's eps panel shows: one input scale, with the whole curve over
:data:`SCALES` (computed once per eps and placement).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmsviz.norms import rms, rms_norm

__all__ = ["WHERE", "BASE_VECTOR", "SCALES", "normalize", "dominance_rms", "ScaleSweep", "scale_sweep",
           "unit_vector", "dominance_curves", "EpsResult", "eps_at", "torch_default_eps",
           "input_type_eps"]

WHERE = ("inside", "outside")

#: The direction the panel scales (divided by its RMS, so that the input RMS is the scale c).
BASE_VECTOR = (1.5, -0.5, 1.0, -1.0, 0.25, 0.75)

#: Input RMS values of the panel's curves: 14 decades.
SCALES = np.geomspace(1e-10, 1e4, 300)


def _check_where(where: str) -> str:
    if where not in WHERE:
        raise ValueError(f"where must be 'inside' or 'outside' (the root), got {where!r}")
    return where


def _check_eps(eps) -> float:
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating, np.integer)):
        raise TypeError(f"eps must be a real number, got {type(eps).__name__}")
    eps = float(eps)
    if not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a finite number >= 0, got {eps}")
    return eps


def normalize(x, eps: float = 1e-6, where: str = "inside") -> np.ndarray:
    """RMSNorm with eps inside (``x / sqrt(mean(x**2) + eps)``) or outside (``x / (RMS(x) + eps)``)
    the square root, along the last axis. The zero vector maps to zeros.
    """
    where = _check_where(where)
    eps = _check_eps(eps)
    if where == "inside":
        return rms_norm(x, eps=eps)
    x = np.asarray(x, dtype=float)
    r = rms(x, keepdims=True)  # validates x; overflow-safe
    denom = r + eps
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(denom > 0, x / np.where(denom > 0, denom, 1.0), 0.0)
    return y


def dominance_rms(eps: float, where: str = "inside") -> float:
    """The input RMS at which eps equals the statistic it is added to (eps dominates below it).

    Inside: ``mean(x**2) = eps``, so RMS = sqrt(eps) and the output RMS is 1/sqrt(2) there.
    Outside: ``RMS(x) = eps`` and the output RMS is 1/2 there.
    """
    where = _check_where(where)
    eps = _check_eps(eps)
    return float(np.sqrt(eps)) if where == "inside" else eps


@dataclass(frozen=True)
class ScaleSweep:
    """RMSNorm of ``c * x`` for every scale c: the output's RMS and one of its entries."""

    scales: np.ndarray
    out_rms: np.ndarray  # 1 while normalisation works
    value: np.ndarray    # the output's entry ``index``


def scale_sweep(x, scales, eps: float = 1e-6, where: str = "inside", index: int = 0) -> ScaleSweep:
    """Normalise ``c * x`` for every scale c in ``scales`` (``x`` is one vector).

    ``out_rms`` is the RMS of each output (1 while normalisation works) and ``value`` each
    output's entry ``index``.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be one vector, got shape {x.shape}")
    scales = np.asarray(scales, dtype=float)
    if scales.ndim != 1 or scales.size == 0 or np.any(~np.isfinite(scales)) or np.any(scales < 0):
        raise ValueError("scales must be a non-empty 1-d array of finite numbers >= 0")
    if not -x.size <= index < x.size:
        raise ValueError(f"index {index} is out of range for a vector of {x.size} entries")
    y = normalize(scales[:, None] * x[None, :], eps, where)
    return ScaleSweep(scales=scales, out_rms=rms(y), value=y[:, index])


def unit_vector() -> np.ndarray:
    """:data:`BASE_VECTOR` divided by its RMS: its input RMS is 1, so ``c * unit_vector()`` has RMS c."""
    x = np.asarray(BASE_VECTOR, dtype=float)
    return x / rms(x)


def dominance_curves(eps: float, where: str = "inside") -> ScaleSweep:
    """:func:`scale_sweep` of :func:`unit_vector` over :data:`SCALES` (computed once per eps and where)."""
    return _dominance_curves(float(eps), where)


@lru_cache(maxsize=64)  # one key per (eps, where), however the public function was called
def _dominance_curves(eps: float, where: str) -> ScaleSweep:
    return scale_sweep(unit_vector(), SCALES, eps, where)


@dataclass(frozen=True)
class EpsResult:
    """One input RMS through RMSNorm with this eps and placement, and the curves it sits on."""

    scale: float       # the input RMS
    eps: float
    where: str
    out_rms: float     # the output's RMS
    value: float       # the output's first entry
    dominance: float   # the input RMS below which eps dominates (dominance_rms)
    curves: ScaleSweep  # the same over SCALES

    @property
    def normalised(self) -> bool:
        """Is the output still normalised (output RMS above 0.99)?"""
        return self.out_rms > 0.99

    @property
    def dominated(self) -> bool:
        """Does eps dominate (input RMS below :func:`dominance_rms`, so the output RMS is below
        1/sqrt(2) inside the root, 1/2 outside)?"""
        return self.scale < self.dominance


def eps_at(scale: float, eps: float = 1e-6, where: str = "inside") -> EpsResult:
    """RMSNorm of ``scale * unit_vector()`` with eps ``where`` the root, and the curves over SCALES."""
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a finite number > 0, got {scale}")
    y = normalize(scale * unit_vector(), eps, where)
    return EpsResult(scale=float(scale), eps=float(eps), where=where, out_rms=float(rms(y)),
                     value=float(y[0]), dominance=dominance_rms(eps, where),
                     curves=dominance_curves(float(eps), where))


def torch_default_eps(dtype) -> float:
    """What ``eps=None`` means in ``torch.nn.RMSNorm`` / ``F.rms_norm``: machine epsilon of the
    type the computation runs in, float32 for float16/bfloat16/float32 input (2**-23 ~ 1.19e-7) and
    float64 for float64 (2**-52). ``dtype`` is a numpy dtype or a name (``"bfloat16"`` allowed).

    This is PyTorch's rule since pull request #142848 (merged January 2025). Before it, ``eps=None``
    was the machine epsilon of the input type itself: 2**-10 ~ 9.8e-4 for float16 and 2**-7 ~ 7.8e-3
    for bfloat16 (:func:`input_type_eps`).
    """
    name = str(dtype) if not isinstance(dtype, str) else dtype
    if name in ("bfloat16", "float16", "half", "float32", "float", "single"):
        return float(np.finfo(np.float32).eps)
    if name in ("float64", "double"):
        return float(np.finfo(np.float64).eps)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a floating dtype or its name, got {dtype!r}") from None
    if dt.kind != "f":
        raise TypeError(f"dtype must be a floating dtype, got {dt}")
    return torch_default_eps(dt.name)


def input_type_eps(dtype) -> float:
    """The machine epsilon of the input type itself: what ``eps=None`` meant in PyTorch before
    January 2025 (pull request #142848) for float16 (2**-10) and bfloat16 (2**-7) input."""
    name = str(dtype) if not isinstance(dtype, str) else dtype
    if name == "bfloat16":
        return 2.0 ** -7
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a floating dtype or its name, got {dtype!r}") from None
    if dt.kind != "f":
        raise TypeError(f"dtype must be a floating dtype, got {dt}")
    return float(np.finfo(dt).eps)
