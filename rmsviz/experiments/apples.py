"""The source text's apples, in grams or kilograms, through RMSNorm and LayerNorm (notebook 02).

Re-scaling invariance: RMSNorm(c x) = RMSNorm(x) for c > 0 when eps = 0, so the apples in grams
and in kilograms give the same output; LayerNorm (the z-score, no gain or bias) ignores the unit
too, and also a shift of every weight. With eps > 0 the invariance is only approximate: eps is
added to mean(x²) (RMSNorm) or to the variance (LayerNorm), and in kg² these are small, so eps
changes the outputs a little (:func:`eps_effect`). :func:`normalise_apples` gives both outputs and
the statistics notebook 02's panel prints under them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.norms import layer_norm, rms, rms_norm

__all__ = ["UNITS", "ApplesResult", "EpsEffect", "eps_effect", "normalise_apples"]

#: Grams per unit.
UNITS = {"g": 1.0, "kg": 1000.0}


@dataclass(frozen=True)
class ApplesResult:
    """Four weights in ``unit`` (and in grams), their RMSNorm and LayerNorm, and the outputs' statistics."""

    unit: str
    weights: np.ndarray      # in the unit
    weights_g: np.ndarray    # in grams (the panel's input axis is fixed in grams)
    eps: float
    rms_norm: np.ndarray
    layer_norm: np.ndarray
    rms_norm_mean: float
    rms_norm_rms: float
    layer_norm_mean: float   # 0 up to round-off
    layer_norm_std: float


def _weights(weights_g, unit: str) -> np.ndarray:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {sorted(UNITS)}, got {unit!r}")
    w = np.asarray(weights_g, dtype=float)
    if w.shape != (4,):
        raise ValueError(f"weights_g must have 4 entries, got shape {w.shape}")
    return w


def normalise_apples(weights_g, unit: str = "g", eps: float = 1e-6) -> ApplesResult:
    """RMSNorm and LayerNorm of four apple weights given in grams, computed in ``unit`` ("g"/"kg").

    ``y = x / sqrt(mean(x²) + eps)`` and ``z = (x - mean) / sqrt(var(x) + eps)``, no gain or bias,
    with ``x`` the weights in ``unit``. Notebook 02's panel uses ``eps=0``, so that the unit
    changes no digit of either output.
    """
    w = _weights(weights_g, unit)
    x = w / UNITS[unit]
    y_rms, y_ln = rms_norm(x, eps=eps), layer_norm(x, eps=eps)
    return ApplesResult(unit=unit, weights=x, weights_g=w, eps=float(eps), rms_norm=y_rms, layer_norm=y_ln,
                        rms_norm_mean=float(np.mean(y_rms)), rms_norm_rms=float(rms(y_rms)),
                        layer_norm_mean=float(np.mean(y_ln)), layer_norm_std=float(np.std(y_ln)))


@dataclass(frozen=True)
class EpsEffect:
    """How much eps changes each norm's largest output when the same weights are given in kg.

    ``mean_square_kg`` is what RMSNorm adds eps to, ``variance_kg`` what LayerNorm adds it to.
    """

    eps: float
    mean_square_kg: float
    variance_kg: float
    rms_norm_g: float
    rms_norm_kg: float
    layer_norm_g: float
    layer_norm_kg: float


def eps_effect(weights_g, eps: float = 1e-6) -> EpsEffect:
    """The largest |output| of RMSNorm and LayerNorm in grams and in kg, with this eps (notebook 02).

    eps is added to mean(x²) or var(x); in kg² both are a million times smaller than in g², so the
    same eps changes the kg outputs more. LayerNorm's variance is the smaller of the two, so it
    feels eps first.
    """
    w = _weights(weights_g, "g")
    g, kg = normalise_apples(w, "g", eps), normalise_apples(w, "kg", eps)
    x_kg = w / UNITS["kg"]
    return EpsEffect(eps=float(eps), mean_square_kg=float(np.mean(x_kg**2)), variance_kg=float(np.var(x_kg)),
                     rms_norm_g=float(np.max(np.abs(g.rms_norm))), rms_norm_kg=float(np.max(np.abs(kg.rms_norm))),
                     layer_norm_g=float(np.max(np.abs(g.layer_norm))),
                     layer_norm_kg=float(np.max(np.abs(kg.layer_norm))))
