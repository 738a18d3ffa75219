"""A deep stack of pre-norm blocks, forward and backward by hand (notebook 04).

Block l (l = 1..L), with the residual switch on or off::

    u_l = norm(h_{l-1})           norm in {none, layernorm, rmsnorm} (no gain), eps = 1e-6
    z_l = u_l W_l^T + b_l          W_l entries N(0, scale**2 / width), b_l = 0
    t_l = tanh(z_l)
    h_l = h_{l-1} + t_l  (residual)   or   h_l = t_l

"Pre-norm": the norm comes first in each block, before the linear layer. With the residual switch
on, the running sum h is the residual stream. A seeded batch h_0 goes in; the loss is
``mse(h_L, target)`` with a seeded target. The backward pass chains
:mod:`rmsviz.experiments.layers` (MSE, tanh, linear) with ``rmsviz.norms``' analytic
``rms_norm_backward`` / ``layer_norm_backward``. Per layer we report what a practitioner looks at:
the mean and std of t_l, the share of saturated neurons' outputs (|t| > 0.97), the std of dL/dt_l,
the std of dL/dW_l and the grad:data ratio std(dL/dW_l) / std(W_l). :func:`compare_norms` runs the
same stack without a norm and with one, as notebook 04's deep-stack panel shows them (its runs are
cached, so a toggle back to a state seen before costs nothing); notebook 04's tables print
:func:`run_stack` with the same defaults (width 32, batch 64), so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmsviz.experiments.layers import linear, linear_backward, mse, mse_backward, tanh, tanh_backward
from rmsviz.i18n import _

__all__ = ["NORMS", "SATURATION", "WIDTH", "BATCH", "MAX_DEPTH", "init_stack", "StackRun", "forward",
           "backward", "run_stack", "LayerStats", "layer_stats", "profile", "layer_lines", "StackComparison",
           "compare_norms"]

NORMS = ("none", "layernorm", "rmsnorm")
#: A tanh output counts as saturated when |t| exceeds this (its local gradient 1 - t**2 < 0.06).
SATURATION = 0.97
EPS = 1e-6
#: The stack notebook 04 prints and its panel draws: width 32, a batch of 64 (small enough for the
#: panel to redraw quickly), up to 12 layers.
WIDTH = 32
BATCH = 64
MAX_DEPTH = 12


def _check_norm(norm: str) -> str:
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    return norm


def init_stack(depth: int, width: int, scale: float = 1.0, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded parameters [(W_l, b_l)]: W_l ~ N(0, scale**2 / width), b_l = 0."""
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 2:
        raise ValueError(f"width must be an integer >= 2, got {width!r}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale}")
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(width, width)) * (scale / np.sqrt(width)), np.zeros(width))
            for _layer in range(depth)]


@dataclass
class StackRun:
    """Everything one forward + backward pass produced (lists indexed by layer, 0-based)."""

    norm: str
    residual: bool
    params: list
    inputs: list          # h_{l-1}, the input of block l
    normed: list          # u_l = norm(h_{l-1}), the input of the linear layer
    activations: list     # t_l = tanh(z_l)
    output: np.ndarray    # h_L
    loss: float
    act_grads: list | None = None      # dL/dt_l
    weight_grads: list | None = None   # (dL/dW_l, dL/db_l)
    input_grad: np.ndarray | None = None  # dL/dh_0


def _centred(h, norm):
    return h - h.mean(axis=-1, keepdims=True) if norm == "layernorm" else h


def _norm_forward(h, norm):
    """u = norm(h) over the last axis (no gain): h / RMS, or (h - mean) / std, eps inside the root."""
    if norm == "none":
        return h
    c = _centred(h, norm)
    return c / np.sqrt(np.mean(c * c, axis=-1, keepdims=True) + EPS)


def _norm_backward(h, grad, norm):
    """dL/dh from dL/du = ``grad`` for u = norm(h) (the formulas in the module docstring)."""
    if norm == "none":
        return grad
    c = _centred(h, norm)
    r = np.sqrt(np.mean(c * c, axis=-1, keepdims=True) + EPS)
    u = c / r
    d = grad - grad.mean(axis=-1, keepdims=True) if norm == "layernorm" else grad
    return (d - u * np.mean(grad * u, axis=-1, keepdims=True)) / r


def forward(x, params, target, norm: str = "rmsnorm", residual: bool = False) -> StackRun:
    """Forward pass of the stack on the batch x (batch, width); loss = mse(h_L, target)."""
    _check_norm(norm)
    h = np.asarray(x, dtype=float)
    inputs, normed, acts = [], [], []
    for W, b in params:
        inputs.append(h)
        u = _norm_forward(h, norm)
        normed.append(u)
        t = tanh(linear(u, W, b))
        acts.append(t)
        h = h + t if residual else t
    return StackRun(norm, bool(residual), params, inputs, normed, acts, h, float(mse(h, target)))


def backward(run: StackRun, target) -> StackRun:
    """Backward pass: fills ``act_grads``, ``weight_grads`` and ``input_grad`` of ``run``."""
    dh = mse_backward(run.output, target)
    act_grads, weight_grads = [None] * len(run.params), [None] * len(run.params)
    for l in range(len(run.params) - 1, -1, -1):
        W, b = run.params[l]
        h_in, t = run.inputs[l], run.activations[l]
        act_grads[l] = dh
        dz = tanh_backward(t, dh)
        du, dW, db = linear_backward(run.normed[l], W, dz, b)
        weight_grads[l] = (dW, db)
        dh_in = _norm_backward(h_in, du, run.norm)
        dh = dh + dh_in if run.residual else dh_in
    run.act_grads, run.weight_grads, run.input_grad = act_grads, weight_grads, dh
    return run


def run_stack(depth: int = 8, width: int = WIDTH, batch: int = BATCH, scale: float = 1.0,
              norm: str = "rmsnorm", residual: bool = False, seed: int = 0) -> StackRun:
    """Build a seeded stack, batch (N(0, 1)) and target (N(0, 1)), run forward and backward."""
    _check_norm(norm)
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    params = init_stack(depth, width, scale, seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.normal(size=(batch, width))
    target = rng.normal(size=(batch, width))
    return backward(forward(x, params, target, norm, residual), target)


@dataclass(frozen=True)
class LayerStats:
    """What a practitioner looks at in one layer: the mean, std and saturation (%) of t_l, the std
    of dL/dt_l, the std of dL/dW_l and the grad:data ratio std(dL/dW_l) / std(W_l) (one step of
    gradient descent changes W_l by about lr times this ratio, relative to its size)."""

    mean: float
    std: float
    saturated: float
    grad_std: float
    weight_grad_std: float
    grad_data: float


def layer_stats(run: StackRun) -> list[LayerStats]:
    """Per layer: mean, std, saturation (%) of t_l; std of dL/dt_l and of dL/dW_l; grad:data of W_l."""
    if run.act_grads is None:
        raise ValueError("run has no gradients yet: call backward(run, target) first")
    stats = []
    for (W, _b), t, dt, (dW, _db) in zip(run.params, run.activations, run.act_grads, run.weight_grads):
        stats.append(LayerStats(
            mean=float(t.mean()),
            std=float(t.std()),
            saturated=100.0 * float(np.mean(np.abs(t) > SATURATION)),
            grad_std=float(dt.std()),
            weight_grad_std=float(dW.std()),
            grad_data=float(dW.std() / W.std()),
        ))
    return stats


def profile(run: StackRun, field: str) -> np.ndarray:
    """One field of :class:`LayerStats` (``"std"``, ``"grad_std"``, ``"grad_data"``...) per layer."""
    if field not in LayerStats.__dataclass_fields__:
        raise ValueError(f"field must be one of {list(LayerStats.__dataclass_fields__)}, got {field!r}")
    return np.array([getattr(s, field) for s in layer_stats(run)])


def layer_lines(run: StackRun) -> list[str]:
    """One printable line per layer, e.g. ``layer  1: t mean +0.01  t std 0.62  saturated   3.1% ...``."""
    return [
        _("layer {layer}: t mean {mean}  t std {std}  saturated {saturated}%  std dL/dt {grad_std}  "
          "grad:data {grad_data}").format(
            layer=f"{i + 1:2d}", mean=f"{s.mean:+.2f}", std=f"{s.std:.2f}", saturated=f"{s.saturated:5.1f}",
            grad_std=f"{s.grad_std:.2e}", grad_data=f"{s.grad_data:.2e}")
        for i, s in enumerate(layer_stats(run))
    ]


@dataclass(frozen=True)
class StackComparison:
    """The same seeded stack run without a norm (``none``) and with ``norm`` (``chosen``)."""

    depth: int
    scale: float
    norm: str
    residual: bool
    none: StackRun
    chosen: StackRun


def compare_norms(depth: int = 8, scale: float = 0.5, norm: str = "rmsnorm", residual: bool = False,
                  width: int = WIDTH, batch: int = BATCH, seed: int = 0) -> StackComparison:
    """:func:`run_stack` twice, without a norm and with ``norm``, same weights, batch and target.

    The runs are cached (the 32 most recent), with read-only arrays: the "none" run is shared by
    every choice of ``norm``, and going back to a state seen before costs nothing.
    """
    _check_norm(norm)
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be an integer between 1 and {MAX_DEPTH}, got {depth!r}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale}")
    runs = [_cached_run(int(depth), int(width), int(batch), float(scale), name, bool(residual), int(seed))
            for name in ("none", norm)]
    return StackComparison(depth=int(depth), scale=float(scale), norm=norm, residual=bool(residual),
                           none=runs[0], chosen=runs[1])


def _read_only(value):
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (list, tuple)):
        for item in value:
            _read_only(item)
    return value


@lru_cache(maxsize=32)  # a run of depth 12 holds about 1 MB
def _cached_run(depth, width, batch, scale, norm, residual, seed) -> StackRun:
    run = run_stack(depth, width, batch, scale, norm, residual, seed)
    for field in ("params", "inputs", "normed", "activations", "output", "act_grads", "weight_grads",
                  "input_grad"):
        _read_only(getattr(run, field))
    return run
