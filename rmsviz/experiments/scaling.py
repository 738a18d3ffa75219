"""How gradients change with scale through RMSNorm: ``y = RMSNorm(W x) * g``, MSE loss on y.

Introduced in notebook 04 (DESIGN.md section 2). With ``h = W x``, ``r = sqrt(mean(h**2) + eps)``,
``hhat = h / r`` and the Jacobian ``J = (I - hhat hhat^T / n) / r`` of the norm (without its gain):

* scaling the input ``x -> c x`` scales h and r by c (eps = 0) and leaves y, hence dL/dy, unchanged,
  so ``dL/dx = W^T J dL/dy`` shrinks as ``1/c`` while ``dL/dW = (J dL/dy) x^T`` is invariant;
* scaling the weights ``W -> delta W`` leaves y unchanged and makes ``dL/dW`` shrink as ``1/delta``
  (the paper's implicit learning-rate adaptation, from its gradient analysis); ``dL/dg = dL/dy * hhat`` is invariant;
* ``J h = h eps / (mean(h**2) + eps) / r``: zero at eps = 0, so ``x . dL/dx = h . dL/dh = 0``
  (no gradient along x); with eps > 0 the norm stops normalising once ``mean(h**2) << eps``, and the
  ``1/c`` law gives way to a flat curve (slope 0) at small scales.

Without the norm (``y = (W x) * g``) the gradients grow with the scale instead, and not as a power
law: ``dL/dy = 2 (c (W x) * g - t) / m`` is a constant plus a term proportional to c, so the local
log-log slope of ``|dL/dx|`` goes from 0 (small c) to 1 (large c) (:func:`local_slopes`).
:func:`gradients_at` is what notebook 04's scaling panel shows: the gradient norms at one c and one
delta, read off the curves of :func:`scaling_curves` (computed once).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmsviz.experiments.layers import linear, linear_backward, mse, mse_backward
from rmsviz.i18n import _
from rmsviz.norms import rms_norm, rms_norm_backward

__all__ = ["ScalingProblem", "make_problem", "Gradients", "gradients", "GradientSweep", "sweep_input_scale",
           "sweep_weight_scale", "fitted_slope", "local_slopes", "Orthogonality", "cosine_text", "orthogonality", "EPS_CHOICES", "C_RANGE",
           "DELTA_RANGE", "ScalingCurves", "scaling_curves", "ScalingResult", "gradients_at"]

#: The eps values the panel offers.
EPS_CHOICES = (0.0, 1e-6, 1e-3)
#: The ranges of the input scale c and the weight scale delta on the panel's axes.
C_RANGE = (1e-4, 1e3)
DELTA_RANGE = (1e-4, 1e3)


@dataclass(frozen=True, eq=False)
class ScalingProblem:
    """A seeded input x (n,), weights W (m, n), a gain g (m,) and a target t (m,)."""

    x: np.ndarray
    W: np.ndarray
    g: np.ndarray
    t: np.ndarray


def make_problem(n: int = 16, m: int = 16, seed: int = 0) -> ScalingProblem:
    """A seeded input x (n,), weights W (m, n) with entries N(0, 1/n), a gain g (m,) near 1 and a
    target t (m,): the problem every sweep below uses."""
    if n < 2 or m < 2:
        raise ValueError(f"n and m must be at least 2, got n={n}, m={m}")
    rng = np.random.default_rng(seed)
    return ScalingProblem(
        x=rng.normal(size=n),
        W=rng.normal(size=(m, n)) / np.sqrt(n),
        g=1.0 + 0.1 * rng.normal(size=m),
        t=rng.normal(size=m),
    )


@dataclass(frozen=True)
class Gradients:
    """The loss and the gradients with respect to x, W, g and h (the norm's input)."""

    loss: float
    x: np.ndarray
    W: np.ndarray
    g: np.ndarray
    h: np.ndarray


def gradients(x, W, g, t, norm: bool = True, eps: float = 0.0) -> Gradients:
    """Loss and gradients of ``L = mse(y, t)``, ``y = RMSNorm(W x; eps) * g`` (or ``(W x) * g``),
    all from hand-written backward passes."""
    h = linear(x, W)
    if norm:
        y = rms_norm(h, gain=g, eps=eps)
    else:
        y = h * g
    dy = mse_backward(y, t)
    if norm:
        dh, dg = rms_norm_backward(h, dy, gain=g, eps=eps)
    else:
        dh, dg = dy * g, dy * h
    dx, dW, _ = linear_backward(x, W, dh)
    return Gradients(loss=float(mse(y, t)), x=dx, W=dW, g=dg, h=dh)


@dataclass(frozen=True)
class GradientSweep:
    """Per scale: the norms |dL/dx|, |dL/dW|, |dL/dg| and the loss."""

    scales: np.ndarray
    x: np.ndarray
    W: np.ndarray
    g: np.ndarray
    loss: np.ndarray


def _sweep(scales, which: str, norm: bool, eps: float, problem: ScalingProblem | None) -> GradientSweep:
    scales = np.asarray(scales, dtype=float)
    if scales.ndim != 1 or scales.size == 0 or not np.all(np.isfinite(scales)) or np.any(scales <= 0):
        raise ValueError("scales must be a non-empty 1-d array of positive finite numbers")
    p = make_problem() if problem is None else problem
    out = {k: np.empty(scales.size) for k in ("x", "W", "g", "loss")}
    for i, s in enumerate(scales):
        x, W = (s * p.x, p.W) if which == "c" else (p.x, s * p.W)
        grads = gradients(x, W, p.g, p.t, norm=norm, eps=eps)
        for k in ("x", "W", "g"):
            out[k][i] = float(np.linalg.norm(getattr(grads, k)))
        out["loss"][i] = grads.loss
    return GradientSweep(scales=scales, **out)


def sweep_input_scale(cs, norm: bool = True, eps: float = 0.0,
                      problem: ScalingProblem | None = None) -> GradientSweep:
    """Norms of dL/dx, dL/dW, dL/dg (and the loss) for the input ``c x``, for each c in ``cs``."""
    return _sweep(cs, "c", norm, eps, problem)


def sweep_weight_scale(deltas, norm: bool = True, eps: float = 0.0,
                       problem: ScalingProblem | None = None) -> GradientSweep:
    """Norms of dL/dx, dL/dW, dL/dg (and the loss) for the weights ``delta W``, for each delta."""
    return _sweep(deltas, "delta", norm, eps, problem)


def fitted_slope(scales, values) -> float:
    """Least-squares slope of ``log10(values)`` against ``log10(scales)`` (the power-law exponent)."""
    scales, values = np.asarray(scales, dtype=float), np.asarray(values, dtype=float)
    if scales.shape != values.shape or scales.size < 2:
        raise ValueError("scales and values must be 1-d arrays of the same length (at least 2)")
    if np.any(scales <= 0) or np.any(values <= 0):
        raise ValueError("a log-log slope needs positive scales and values")
    return float(np.polyfit(np.log10(scales), np.log10(values), 1)[0])


def local_slopes(scales, values) -> np.ndarray:
    """The slope of ``log10(values)`` against ``log10(scales)`` at every point (``np.gradient``).

    A power law ``values = a * scales**k`` has the same slope k everywhere; a curve whose local
    slope changes along the range is not a power law, and one fitted slope only averages it.
    """
    scales, values = np.asarray(scales, dtype=float), np.asarray(values, dtype=float)
    if scales.ndim != 1 or scales.shape != values.shape or scales.size < 2:
        raise ValueError("scales and values must be 1-d arrays of the same length (at least 2)")
    if np.any(scales <= 0) or np.any(values <= 0):
        raise ValueError("a log-log slope needs positive scales and values")
    return np.gradient(np.log10(values), np.log10(scales))


#: Below this, a cosine between a gradient and its input is round-off (about 1e-16 in float64).
COSINE_ROUND_OFF = 1e-12


def cosine_text(cosine: float) -> str:
    """A cosine as a reader should see it: ``"|cos| < 1e-12: orthogonal to machine precision"``
    when it is round-off (its digits and sign change from one CPU to another), else 3 decimals
    (``+0.000``, never ``-0.000``)."""
    if abs(cosine) < COSINE_ROUND_OFF:
        return _("|cos| < 1e-12: orthogonal to machine precision")
    return f"{round(cosine, 3) + 0.0:+.3f}"


@dataclass(frozen=True)
class Orthogonality:
    """How much of dL/dx points along x: ``cosine`` = cos(x, dL/dx), ``dot`` = x . dL/dx,
    ``predicted_fraction`` = eps / (mean(h**2) + eps) (the share of h that J keeps), and
    ``mean_square`` = mean(h**2)."""

    cosine: float
    dot: float
    predicted_fraction: float
    mean_square: float


def orthogonality(c: float = 1.0, eps: float = 0.0, problem: ScalingProblem | None = None) -> Orthogonality:
    """How much of dL/dx points along x, for the input ``c x`` (``J h = h * fraction / r``)."""
    p = make_problem() if problem is None else problem
    x = c * p.x
    grads = gradients(x, p.W, p.g, p.t, norm=True, eps=eps)
    h = p.W @ x
    ms = float(np.mean(h * h))
    dot = float(x @ grads.x)
    cos = dot / (np.linalg.norm(x) * np.linalg.norm(grads.x))
    return Orthogonality(cosine=float(cos), dot=dot, predicted_fraction=eps / (ms + eps), mean_square=ms)


@dataclass(frozen=True)
class ScalingCurves:
    """Gradient norms against c and delta, with RMSNorm (one sweep per eps of :data:`EPS_CHOICES`)
    and without it, on one seeded problem."""

    problem: ScalingProblem
    cs: np.ndarray
    deltas: np.ndarray
    by_c: dict          # eps -> GradientSweep over cs, with RMSNorm
    by_delta: dict      # eps -> GradientSweep over deltas, with RMSNorm
    by_c_none: GradientSweep
    by_delta_none: GradientSweep


def scaling_curves(points: int = 57, seed: int = 0) -> ScalingCurves:
    """Every curve the scaling panel draws, ``points`` log-spaced scales over C_RANGE and
    DELTA_RANGE (computed once per points and seed)."""
    return _scaling_curves(int(points), int(seed))


@lru_cache(maxsize=4)  # one key per (points, seed), however the public function was called
def _scaling_curves(points: int, seed: int) -> ScalingCurves:
    p = make_problem(seed=seed)
    cs = np.logspace(np.log10(C_RANGE[0]), np.log10(C_RANGE[1]), points)
    deltas = np.logspace(np.log10(DELTA_RANGE[0]), np.log10(DELTA_RANGE[1]), points)
    return ScalingCurves(
        problem=p, cs=cs, deltas=deltas,
        by_c={eps: sweep_input_scale(cs, True, eps, p) for eps in EPS_CHOICES},
        by_delta={eps: sweep_weight_scale(deltas, True, eps, p) for eps in EPS_CHOICES},
        by_c_none=sweep_input_scale(cs, False, 0.0, p),
        by_delta_none=sweep_weight_scale(deltas, False, 0.0, p),
    )


def _loglog_interp(x, xs, ys) -> float:
    return float(10 ** np.interp(np.log10(x), np.log10(xs), np.log10(ys)))


@dataclass(frozen=True)
class ScalingResult:
    """The gradient norms at one input scale c and one weight scale delta, for one eps, with the
    curves they lie on and the check of dL/dx against x at this c."""

    c: float
    delta: float
    eps: float
    dx_norm: float        # |dL/dx| at c, with RMSNorm
    dx_none: float        # ... without the norm
    dW_norm: float        # |dL/dW| at delta, with RMSNorm
    dW_none: float
    dg_norm: float        # |dL/dg| at delta, with RMSNorm
    orthogonality: Orthogonality
    by_c: GradientSweep   # the eps curves with RMSNorm
    by_delta: GradientSweep


def gradients_at(c: float, delta: float, eps: float, points: int = 57, seed: int = 0) -> ScalingResult:
    """Gradient norms at c and delta (interpolated on log-log axes along :func:`scaling_curves`)."""
    if eps not in EPS_CHOICES:
        raise ValueError(f"eps must be one of {EPS_CHOICES}, got {eps}")
    curves = scaling_curves(points, seed)
    by_c, by_d = curves.by_c[eps], curves.by_delta[eps]
    return ScalingResult(
        c=float(c), delta=float(delta), eps=float(eps),
        dx_norm=_loglog_interp(c, curves.cs, by_c.x),
        dx_none=_loglog_interp(c, curves.cs, curves.by_c_none.x),
        dW_norm=_loglog_interp(delta, curves.deltas, by_d.W),
        dW_none=_loglog_interp(delta, curves.deltas, curves.by_delta_none.W),
        dg_norm=_loglog_interp(delta, curves.deltas, by_d.g),
        orthogonality=orthogonality(c, eps, curves.problem),
        by_c=by_c, by_delta=by_d,
    )
