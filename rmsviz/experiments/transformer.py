"""A tiny pre-norm Transformer block in numpy, to show where RMSNorm sits (notebook 05).

The block is the one of Llama and T5 (pre-norm, RMSNorm without bias)::

    h   = x + Attention(RMSNorm(x) * g1)
    out = h + MLP(RMSNorm(h) * g2)

Attention is causal multi-head self-attention; the MLP is ``W2 silu(W1 z)``. Weights are random
and seeded: the point is the residual stream, not a trained model. :func:`residual_trace` records
the RMS of every token's vector before and after each norm.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from rmsviz.formatting import pad
from rmsviz.i18n import N_, _
from rmsviz.norms import rms, rms_norm

__all__ = ["BlockWeights", "make_block", "make_tokens", "block_forward", "residual_trace", "STAGE_LABELS",
           "trace_table"]


@dataclass(frozen=True)
class BlockWeights:
    """Weights of one block: attention (wq, wk, wv, wo), MLP (w1, w2), norm gains (g1, g2)."""

    wq: np.ndarray
    wk: np.ndarray
    wv: np.ndarray
    wo: np.ndarray
    w1: np.ndarray
    w2: np.ndarray
    g1: np.ndarray
    g2: np.ndarray
    n_heads: int

    @property
    def d_model(self) -> int:
        return self.wq.shape[0]


def _positive_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def make_block(d_model: int = 16, n_heads: int = 2, d_ff: int = 48, seed: int = 0) -> BlockWeights:
    """Random block weights, ``N(0, 1/fan_in)`` (so each layer roughly keeps the RMS), gains 1."""
    d_model = _positive_int(d_model, "d_model")
    n_heads = _positive_int(n_heads, "n_heads")
    d_ff = _positive_int(d_ff, "d_ff")
    if d_model % n_heads:
        raise ValueError(f"d_model ({d_model}) must be a multiple of n_heads ({n_heads})")
    rng = np.random.default_rng(seed)

    def w(fan_in, fan_out):
        return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)

    return BlockWeights(wq=w(d_model, d_model), wk=w(d_model, d_model), wv=w(d_model, d_model),
                        wo=w(d_model, d_model), w1=w(d_model, d_ff), w2=w(d_ff, d_model),
                        g1=np.ones(d_model), g2=np.ones(d_model), n_heads=n_heads)


def make_tokens(n_tokens: int = 4, d_model: int = 16, seed: int = 1,
                scales=(0.5, 2.0, 8.0, 30.0)) -> np.ndarray:
    """``n_tokens`` random token vectors with very different sizes (token i has RMS ~ scales[i])."""
    n_tokens = _positive_int(n_tokens, "n_tokens")
    d_model = _positive_int(d_model, "d_model")
    scales = np.resize(np.asarray(scales, dtype=float), n_tokens)
    if np.any(scales <= 0):
        raise ValueError("every token scale must be > 0")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_tokens, d_model))
    return x / rms(x, keepdims=True) * scales[:, None]


def _silu(z: np.ndarray) -> np.ndarray:
    return z / (1.0 + np.exp(-z))


def _attention(z: np.ndarray, w: BlockWeights) -> np.ndarray:
    t, d = z.shape
    hd = d // w.n_heads
    q = (z @ w.wq).reshape(t, w.n_heads, hd).transpose(1, 0, 2)
    k = (z @ w.wk).reshape(t, w.n_heads, hd).transpose(1, 0, 2)
    v = (z @ w.wv).reshape(t, w.n_heads, hd).transpose(1, 0, 2)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(hd)
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -np.inf)  # causal
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return (weights @ v).transpose(1, 0, 2).reshape(t, d) @ w.wo


def _mlp(z: np.ndarray, w: BlockWeights) -> np.ndarray:
    return _silu(z @ w.w1) @ w.w2


def _check_tokens(x, w: BlockWeights) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != w.d_model:
        raise ValueError(f"x must have shape (n_tokens, {w.d_model}), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinity")
    return x


def block_forward(x, weights: BlockWeights | None = None, eps: float = 1e-6,
                  return_stages: bool = False):
    """One pre-norm block: ``h = x + Attn(RMSNorm(x) g1)``, ``out = h + MLP(RMSNorm(h) g2)``.

    ``x`` has shape (n_tokens, d_model). Returns ``out``, or ``(out, stages)`` where ``stages`` is
    a dict of the intermediate arrays (``x``, ``norm1``, ``attn``, ``h``, ``norm2``, ``mlp``,
    ``out``).
    """
    w = make_block() if weights is None else weights
    x = _check_tokens(x, w)
    norm1 = rms_norm(x, w.g1, eps=eps)
    attn = _attention(norm1, w)
    h = x + attn
    norm2 = rms_norm(h, w.g2, eps=eps)
    mlp = _mlp(norm2, w)
    out = h + mlp
    if return_stages:
        return out, {"x": x, "norm1": norm1, "attn": attn, "h": h, "norm2": norm2, "mlp": mlp,
                     "out": out}
    return out


#: The stages of :func:`residual_trace`, in order, with a readable label (shown through ``_``).
STAGE_LABELS = {
    "x": N_("residual stream in (x)"),
    "norm1": N_("after RMSNorm 1"),
    "attn": N_("attention output"),
    "h": N_("residual stream + attention (h)"),
    "norm2": N_("after RMSNorm 2"),
    "mlp": N_("MLP output"),
    "out": N_("residual stream out"),
}


def residual_trace(x=None, weights: BlockWeights | None = None, eps: float = 1e-6) -> dict:
    """RMS of every token at every stage of :func:`block_forward`: ``{stage: array(n_tokens)}``.

    The norms bring every token to RMS 1 (times the gain) whatever its size in the residual
    stream, while the residual stream itself keeps its size: that is what pre-norm means.
    """
    w = make_block() if weights is None else weights
    x = make_tokens(d_model=w.d_model) if x is None else x
    _, stages = block_forward(x, w, eps=eps, return_stages=True)
    return {name: rms(stages[name]) for name in STAGE_LABELS}


def trace_table(trace: dict) -> str:
    """:func:`residual_trace` as a table: one line per stage, one column per token (RMS, 3 decimals)."""
    if set(trace) != set(STAGE_LABELS):
        raise ValueError(f"trace must have the stages {list(STAGE_LABELS)}, got {list(trace)}")
    n_tokens = len(np.atleast_1d(trace["x"]))
    header = pad(_("stage"), 34) + "".join(
        pad(_("token {number}").format(number=i + 1), 10, ">") for i in range(n_tokens))
    lines = [header]
    for stage, label in STAGE_LABELS.items():
        lines.append(pad(_(label), 34) + "".join(f"{float(v):>10.3f}" for v in np.atleast_1d(trace[stage])))
    return "\n".join(lines)
