"""A small residual MLP trained by hand with SGD: no norm, LayerNorm or RMSNorm (notebook 06).

The task: regression to a fixed random *teacher* network. Inputs x have ``D_IN`` features drawn
from N(0, 1); the target is ``y = tanh(2 x A) B`` with seeded A and B (``D_OUT`` outputs). Every
step draws a fresh seeded batch, so the training loss is also a fair test loss.

The model (rows are examples; ``@`` is a matrix product; ``norm`` is the same function in every
block: none, LayerNorm or RMSNorm, without gain or bias, eps = 1e-6)::

    h_0 = x @ W_in                                     (no bias)
    for l = 1 .. L:                                    (pre-norm residual blocks)
        u_l = norm(h_{l-1})
        z_l = u_l @ W1_l + b1_l                         (WIDTH -> HIDDEN)
        a_l = relu(z_l) = max(z_l, 0)
        h_l = h_{l-1} + a_l @ W2_l + b2_l               (HIDDEN -> WIDTH, added to the residual stream)
    out = norm(h_L) @ V + c                            (the read-out; V and c start at 0)
    loss = mean((out - y)**2)                           (over the batch and the outputs)

The norms have no gain or bias: the linear layer right after each norm can absorb them
(``(u * g) @ W = u @ (diag(g) W)``; a bias after the norm shifts ``z`` like ``b1``). The read-out
starts at 0, so every run starts from the same loss, ``mean(y**2)`` on the first batch.

The backward pass is written out in :func:`loss_and_grads`; the norms' backward passes are
``rmsviz.norms``' ``rms_norm_backward`` and ``layer_norm_backward``. The tests check the whole
gradient against central finite differences.

Training is plain SGD, ``p <- p - lr * dL/dp``, with one learning rate for every parameter. SGD,
not Adam: with SGD the step is the gradient times lr, so the gradient's size (which a norm
changes) decides directly whether training is stable. Adam divides each step by a running RMS of
the gradient, which hides much of that.

To be fast, :func:`train` trains one copy of the model per learning rate of ``lrs`` at once
(arrays with a leading axis of length ``len(lrs)``), on the same batches from the same start.

*Stable* has one precise meaning here: the run never diverged (its loss stayed finite and at most
``DIVERGED`` times the initial loss, at every step), and its final loss (the mean of the last
``FINAL_WINDOW`` steps) is below its initial loss. A diverged run stops at the step where it
diverged (its losses after that step are NaN). :attr:`TrainingRun.largest_stable_lr` is the largest stable
learning rate of the grid, so it is known to within one grid step (a factor of 2 on ``LR_GRID``).
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from rmsviz.norms import layer_norm, layer_norm_backward, rms_norm, rms_norm_backward

__all__ = [
    "NORMS", "D_IN", "WIDTH", "HIDDEN", "D_OUT", "BATCH", "STEPS", "DEPTHS", "MAX_DEPTH", "LR_GRID",
    "GRID_STEP", "DIVERGED", "FINAL_WINDOW", "EPS",
    "Task", "make_task", "initial_loss", "Params", "init_params", "loss_and_grads",
    "stream_mean_squares", "stream_growth", "gradient_check",
    "TrainingRun", "train", "snap_lr", "TrainingView", "training_at", "stable_lr_table",
    "StepTiming", "time_steps",
]

NORMS = ("none", "layernorm", "rmsnorm")
#: Input features, residual-stream width, hidden width of each block's MLP, outputs.
D_IN, WIDTH, HIDDEN, D_OUT = 16, 32, 32, 4
#: Examples per step, and steps per run.
BATCH, STEPS = 32, 60
#: The depths notebook 06 tabulates, and the panel's largest depth.
DEPTHS = (1, 2, 4, 8)
MAX_DEPTH = 8
#: The learning rates tried: 2**-6 (about 0.016) to 2**0 = 1, a factor of 2 apart.
GRID_STEP = 2.0
LR_GRID = GRID_STEP ** np.arange(-6, 1)
LR_GRID.setflags(write=False)
#: A loss above DIVERGED times the initial loss (or not finite) counts as diverged; the run stops.
DIVERGED = 100.0
#: The final loss is the mean loss of the last FINAL_WINDOW steps.
FINAL_WINDOW = 10
EPS = 1e-6
#: Seeds of the task (teacher and batches) and of the initial weights.
TASK_SEED, INIT_SEED = 0, 1


def _check_norm(norm: str) -> str:
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    return norm


def _check_int(name: str, value, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return int(value)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ----------------------------------------------------------------------------------------------
# The task


@dataclass(frozen=True)
class Task:
    """Seeded batches for every step: ``inputs`` (steps, batch, D_IN), ``targets`` (steps, batch, D_OUT)."""

    inputs: np.ndarray
    targets: np.ndarray
    seed: int


@functools.lru_cache(maxsize=8)
def _make_task(steps: int, batch: int, seed: int) -> Task:
    rng = np.random.default_rng(seed)
    teacher_hidden = 32
    a = rng.normal(size=(D_IN, teacher_hidden)) / np.sqrt(D_IN)
    b = rng.normal(size=(teacher_hidden, D_OUT)) / np.sqrt(teacher_hidden)
    x = rng.normal(size=(steps, batch, D_IN))
    y = np.tanh(2.0 * (x @ a)) @ b
    return Task(_readonly(x), _readonly(y), seed)


def make_task(steps: int = STEPS, batch: int = BATCH, seed: int = TASK_SEED) -> Task:
    """The teacher's batches: x ~ N(0, 1) with D_IN features, ``y = tanh(2 x A) B`` (A, B seeded)."""
    return _make_task(_check_int("steps", steps, 1), _check_int("batch", batch, 1), int(seed))


def initial_loss(steps: int = STEPS, batch: int = BATCH, seed: int = TASK_SEED) -> float:
    """The loss every run starts from: ``mean(y**2)`` on the first batch (the read-out starts at 0)."""
    return float(np.mean(make_task(steps, batch, seed).targets[0] ** 2))


# ----------------------------------------------------------------------------------------------
# The model


@dataclass
class Params:
    """The weights of ``copies`` models at once: every array has a leading axis of that length.

    ``w_in`` (copies, d_in, width); per block l: ``w1[l]`` (copies, width, hidden), ``b1[l]``
    (copies, 1, hidden), ``w2[l]`` (copies, hidden, width), ``b2[l]`` (copies, 1, width); the
    read-out ``v`` (copies, width, d_out) and ``c`` (copies, 1, d_out). Gradients have the same shape.
    """

    w_in: np.ndarray
    w1: list
    b1: list
    w2: list
    b2: list
    v: np.ndarray
    c: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.w1)

    def arrays(self) -> list[np.ndarray]:
        """Every array, in a fixed order (for updates and finite differences)."""
        return [self.w_in, *self.w1, *self.b1, *self.w2, *self.b2, self.v, self.c]

    def copy(self) -> "Params":
        return Params(self.w_in.copy(), [a.copy() for a in self.w1], [a.copy() for a in self.b1],
                      [a.copy() for a in self.w2], [a.copy() for a in self.b2], self.v.copy(), self.c.copy())


def init_params(depth: int, copies: int = 1, seed=INIT_SEED, d_in: int = D_IN, width: int = WIDTH,
                hidden: int = HIDDEN, d_out: int = D_OUT) -> Params:
    """Seeded initial weights, the same for every norm; the same for every copy, or one draw per
    copy when ``seed`` is a sequence of ``copies`` seeds.

    Weight entries are N(0, 1 / fan_in) (fan_in = the number of inputs of the layer), biases 0, and
    the read-out V = 0 (so the model starts by predicting 0). The blocks' weights do not depend on
    the depth: block l is the same in a model of depth 4 and of depth 8.
    """
    depth = _check_int("depth", depth, 1)
    copies = _check_int("copies", copies, 1)
    if not isinstance(seed, (int, np.integer)):
        seeds = [int(s) for s in seed]
        if len(seeds) != copies:
            raise ValueError(f"seed must be one seed or {copies} seeds (one per copy), got {len(seeds)}")
        draws = [init_params(depth, 1, s, d_in, width, hidden, d_out) for s in seeds]
        stacked = [np.concatenate(parts) for parts in zip(*(d.arrays() for d in draws))]
        return Params(stacked[0], stacked[1:1 + depth], stacked[1 + depth:1 + 2 * depth],
                      stacked[1 + 2 * depth:1 + 3 * depth], stacked[1 + 3 * depth:1 + 4 * depth],
                      stacked[-2], stacked[-1])
    rng = np.random.default_rng(seed)

    def normal(n_in, n_out):
        return rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)

    def tile(a):
        return np.repeat(a[None], copies, axis=0)

    w_in = normal(d_in, width)
    blocks = [(normal(width, hidden), normal(hidden, width)) for _block in range(depth)]
    return Params(
        w_in=tile(w_in),
        w1=[tile(w1) for w1, _w2 in blocks],
        b1=[np.zeros((copies, 1, hidden)) for _block in blocks],
        w2=[tile(w2) for _w1, w2 in blocks],
        b2=[np.zeros((copies, 1, width)) for _block in blocks],
        v=np.zeros((copies, width, d_out)),
        c=np.zeros((copies, 1, d_out)),
    )


def _norm_forward(h, norm):
    if norm == "rmsnorm":
        return rms_norm(h, eps=EPS)
    if norm == "layernorm":
        return layer_norm(h, eps=EPS)
    return h


def _norm_backward(h, grad, norm):
    if norm == "rmsnorm":
        return rms_norm_backward(h, grad, eps=EPS)[0]
    if norm == "layernorm":
        return layer_norm_backward(h, grad, eps=EPS)[0]
    return grad


def _swap(a):
    """The transpose of every matrix in a stack: (copies, m, n) -> (copies, n, m)."""
    return np.swapaxes(a, -1, -2)


def loss_and_grads(params: Params, x, y, norm: str = "rmsnorm", kernels=None) -> tuple[np.ndarray, Params]:
    """Forward and backward pass of every copy on one batch: ``(loss per copy, dL/dparams)``.

    ``x`` (batch, d_in) and ``y`` (batch, d_out) are shared by the copies. The backward pass, from
    the loss down (``_T`` is a transpose, sums are over the batch)::

        d_out  = 2 (out - y) / (batch * d_out)
        dV = norm(h_L)_T @ d_out          dc = sum(d_out)          dh = norm_backward(h_L, d_out @ V_T)
        block l = L .. 1:
            dW2_l = a_l_T @ dh            db2_l = sum(dh)
            dz    = (dh @ W2_l_T) * (z_l > 0)
            dW1_l = u_l_T @ dz            db1_l = sum(dz)
            dh    = dh + norm_backward(h_{l-1}, dz @ W1_l_T)    (the residual passes dh through)
        dW_in = x_T @ dh

    ``kernels`` is a pair (forward, backward) of functions ``f(h, norm)`` and ``g(h, grad, norm)``;
    by default ``rmsviz.norms``' functions. (:func:`time_steps` passes bare numpy formulas.)
    """
    _check_norm(norm)
    forward_norm, backward_norm = kernels or (_norm_forward, _norm_backward)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    h = x @ params.w_in
    inputs, normed, pre, acts = [], [], [], []
    for w1, b1, w2, b2 in zip(params.w1, params.b1, params.w2, params.b2):
        inputs.append(h)
        u = forward_norm(h, norm)
        z = u @ w1 + b1
        a = np.maximum(z, 0.0)
        normed.append(u)
        pre.append(z)
        acts.append(a)
        h = h + (a @ w2 + b2)
    u_out = forward_norm(h, norm)
    diff = u_out @ params.v + params.c - y
    loss = np.mean(diff * diff, axis=(-2, -1))
    d_out = diff * (2.0 / (diff.shape[-2] * diff.shape[-1]))
    grad_v = _swap(u_out) @ d_out
    grad_c = d_out.sum(axis=-2, keepdims=True)
    dh = backward_norm(h, d_out @ _swap(params.v), norm)
    depth = params.depth
    grad_w1, grad_b1, grad_w2, grad_b2 = [None] * depth, [None] * depth, [None] * depth, [None] * depth
    for l in range(depth - 1, -1, -1):
        grad_w2[l] = _swap(acts[l]) @ dh
        grad_b2[l] = dh.sum(axis=-2, keepdims=True)
        dz = (dh @ _swap(params.w2[l])) * (pre[l] > 0)
        grad_w1[l] = _swap(normed[l]) @ dz
        grad_b1[l] = dz.sum(axis=-2, keepdims=True)
        dh = dh + backward_norm(inputs[l], dz @ _swap(params.w1[l]), norm)
    grad_w_in = x.T @ dh
    return loss, Params(grad_w_in, grad_w1, grad_b1, grad_w2, grad_b2, grad_v, grad_c)


def _stream(h, params, norm, copy=0) -> list[float]:
    out = [float(np.mean(h * h))]
    for w1, w2 in zip(params.w1, params.w2):
        h = h + np.maximum(_norm_forward(h, norm) @ w1[copy], 0.0) @ w2[copy]
        out.append(float(np.mean(h * h)))
    return out


def stream_mean_squares(depth: int, norm: str = "none", seed: int = TASK_SEED) -> np.ndarray:
    """``mean(h_l**2)`` for l = 0 .. depth at the start of training, for the model :func:`train`
    starts from, on the first batch. The read-out's input is ``h_depth`` without a norm and
    ``norm(h_depth)`` (mean square 1) with one."""
    _check_norm(norm)
    params = init_params(_check_int("depth", depth, 1))
    return np.array(_stream(make_task(1, BATCH, seed).inputs[0] @ params.w_in[0], params, norm))


def stream_growth(depth: int, norm: str = "none", draws: int = 100, seed: int = 100) -> np.ndarray:
    """The mean over ``draws`` random weight draws of ``mean(h_l**2)``, l = 0 .. depth, for a stream
    that starts as N(0, 1) entries (a (BATCH, WIDTH) array), through the model's blocks.

    Expected (notebook 06): each block adds ``relu(u W1) W2``, whose mean square is
    ``mean(u**2) / 2`` on average (relu keeps half of it; the linear layers keep it). Without a norm
    ``u = h`` and ``mean(h_l**2)`` grows as ``1.5**l``; with either norm ``mean(u**2) = 1`` and it
    grows as ``1 + l / 2``.
    """
    _check_norm(norm)
    depth = _check_int("depth", depth, 1)
    draws = _check_int("draws", draws, 1)
    rng = np.random.default_rng(seed)
    h = rng.normal(size=(draws, BATCH, WIDTH))  # all draws at once: one stack per draw
    out = [np.mean(h * h, axis=(1, 2))]
    for _block in range(depth):
        w1 = rng.normal(size=(draws, WIDTH, HIDDEN)) / np.sqrt(WIDTH)
        w2 = rng.normal(size=(draws, HIDDEN, WIDTH)) / np.sqrt(HIDDEN)
        h = h + np.maximum(_norm_forward(h, norm) @ w1, 0.0) @ w2
        out.append(np.mean(h * h, axis=(1, 2)))
    return np.mean(out, axis=1)


def gradient_check(norm: str = "rmsnorm", depth: int = 2, h: float = 1e-6, seed: int = 0) -> float:
    """Relative difference between the analytic and the finite-difference slope of the loss along
    one random direction D of every parameter at once::

        analytic = sum over every parameter of dL/dp * D        numeric = (L(p + h D) - L(p - h D)) / (2 h)

    at a random point (seeded; the read-out V is random too, so every gradient is non-zero).
    About 1e-8 or less when the backward pass is right (notebook 06; the tests check every entry).
    """
    _check_norm(norm)
    rng = np.random.default_rng(seed)
    params = init_params(_check_int("depth", depth, 1))
    params.v[...] = rng.normal(size=params.v.shape) / np.sqrt(WIDTH)
    for b in (*params.b1, *params.b2, params.c):
        b[...] = 0.1 * rng.normal(size=b.shape)
    task = make_task(1, BATCH, seed)
    x, y = task.inputs[0], task.targets[0]
    _loss, grads = loss_and_grads(params, x, y, norm)
    direction = [rng.normal(size=a.shape) for a in params.arrays()]
    analytic = sum(float(np.sum(g * d)) for g, d in zip(grads.arrays(), direction))

    def loss_at(sign):
        moved = params.copy()
        for a, d in zip(moved.arrays(), direction):
            a += sign * h * d
        return float(loss_and_grads(moved, x, y, norm)[0][0])

    numeric = (loss_at(1.0) - loss_at(-1.0)) / (2.0 * h)
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-300)


# ----------------------------------------------------------------------------------------------
# Training


@dataclass(frozen=True)
class TrainingRun:
    """One model trained with each learning rate of ``lrs`` (SGD, same start, same batches).

    ``losses[k, t]`` is the loss of learning rate ``lrs[k]`` at step t (NaN after the step where
    it diverged); ``diverged_at[k]`` is that step (-1: never). ``final_losses[k]`` is the mean loss
    of the last ``FINAL_WINDOW`` steps and ``stable[k]`` says whether the run is stable. ``initial_loss`` is the loss at
    step 0 (the same for every learning rate, since the read-out starts at 0).
    """

    norm: str
    depth: int
    lrs: np.ndarray
    losses: np.ndarray
    diverged_at: np.ndarray
    initial_loss: float
    final_losses: np.ndarray = field(repr=False)
    stable: np.ndarray = field(repr=False)

    @property
    def largest_stable_lr(self) -> float | None:
        """The largest learning rate of the grid whose run is stable (None if none is)."""
        good = self.lrs[self.stable]
        return float(good.max()) if good.size else None


def _update(params: Params, grads: Params, scale: np.ndarray):
    for p, g in zip(params.arrays(), grads.arrays()):
        p -= scale * g


@functools.lru_cache(maxsize=64)
def _train(norm: str, depth: int, lrs: tuple, steps: int, batch: int, seed: int, init_seed) -> TrainingRun:
    task = make_task(steps, batch, seed)
    copies = len(lrs)
    lr = np.array(lrs)
    params = init_params(depth, copies, init_seed)
    start = params.copy()
    losses = np.full((copies, steps), np.nan)
    diverged_at = np.full(copies, -1)
    alive = np.ones(copies, bool)
    initial = None
    with np.errstate(all="ignore"):  # a diverging copy may overflow; it is stopped below
        for t in range(steps):
            loss, grads = loss_and_grads(params, task.inputs[t], task.targets[t], norm)
            if initial is None:
                initial = float(loss[0])
            finite_step = np.ones(copies, bool)
            for g in grads.arrays():
                finite_step &= np.isfinite(g).all(axis=(-2, -1))
            bad = alive & ~(np.isfinite(loss) & (loss <= DIVERGED * initial) & finite_step)
            if bad.any():
                # A diverged copy stops here. Its weights go back to the start, so that every later
                # forward pass of the batch stays finite (its losses are no longer recorded).
                diverged_at[bad] = t
                alive &= ~bad
                for p, p0 in zip(params.arrays(), start.arrays()):
                    p[bad] = p0[bad]
                for g in grads.arrays():
                    g[bad] = 0.0  # 0 * inf would be NaN
            losses[alive | bad, t] = loss[alive | bad]  # the diverged step's loss is kept (may be inf)
            _update(params, grads, np.where(alive, lr, 0.0)[:, None, None])
    final = np.mean(losses[:, -FINAL_WINDOW:], axis=1) if steps >= FINAL_WINDOW else losses[:, -1]
    stable = (diverged_at < 0) & (final < initial)
    return TrainingRun(norm, depth, _readonly(lr), _readonly(losses), _readonly(diverged_at), initial,
                       _readonly(final), _readonly(stable))


def train(norm: str = "rmsnorm", depth: int = 4, lrs=LR_GRID, steps: int = STEPS, batch: int = BATCH,
          seed: int = TASK_SEED, init_seed=INIT_SEED) -> TrainingRun:
    """Train the model with ``norm`` and ``depth`` blocks once per learning rate of ``lrs`` (cached).

    SGD for ``steps`` steps on the task's batches (seeded by ``seed``), from the initial weights
    seeded by ``init_seed``: one seed for every copy, or one seed per learning rate (to train the
    same learning rate from several weight draws). The result's arrays are read-only (they are
    shared through the cache).
    """
    _check_norm(norm)
    depth = _check_int("depth", depth, 1)
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or lrs.size == 0 or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"lrs must be a non-empty list of positive finite learning rates, got {lrs}")
    if isinstance(init_seed, (int, np.integer)):
        init_seed = int(init_seed)
    else:
        init_seed = tuple(int(v) for v in init_seed)
        if len(init_seed) != lrs.size:
            raise ValueError(f"init_seed must be one seed or one seed per learning rate ({lrs.size}), "
                             f"got {len(init_seed)}")
    return _train(norm, depth, tuple(float(v) for v in lrs), _check_int("steps", steps, 1),
                  _check_int("batch", batch, 1), int(seed), init_seed)


def snap_lr(lr: float, grid=LR_GRID) -> int:
    """Index of the grid point nearest to ``lr`` on a log scale."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
        raise TypeError(f"lr must be a number, got {lr!r}")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    return int(np.argmin(np.abs(np.log(np.asarray(grid)) - np.log(float(lr)))))


@dataclass(frozen=True)
class TrainingView:
    """What notebook 06's panel shows: the three norms trained at ``depth`` over the whole grid, and
    the chosen learning rate (``lr``, a grid point, index ``index``) and norm."""

    lr: float
    index: int
    depth: int
    norm: str
    runs: tuple  # one TrainingRun per norm of NORMS

    @property
    def run(self) -> TrainingRun:
        """The chosen norm's run."""
        return self.runs[NORMS.index(self.norm)]


def training_at(lr: float = 0.25, depth: int = 4, norm: str = "rmsnorm") -> TrainingView:
    """The panel's entry point: every norm at ``depth`` on :data:`LR_GRID`, and the grid point nearest ``lr``."""
    _check_norm(norm)
    depth = _check_int("depth", depth, 1, MAX_DEPTH)
    index = snap_lr(lr)
    runs = tuple(train(name, depth) for name in NORMS)
    return TrainingView(float(LR_GRID[index]), index, depth, norm, runs)


def stable_lr_table(depths=DEPTHS, norms=NORMS) -> dict:
    """``{(norm, depth): largest stable learning rate or None}`` on :data:`LR_GRID` (the default runs)."""
    return {(norm, depth): train(norm, depth).largest_stable_lr for norm in norms for depth in depths}


# ----------------------------------------------------------------------------------------------
# Time per step


def _bare_forward(h, norm):
    """The two norms as bare numpy formulas (no checks): what a framework's kernel computes."""
    if norm == "rmsnorm":
        return h / np.sqrt(np.mean(h * h, axis=-1, keepdims=True) + EPS)
    if norm == "layernorm":
        d = h - h.mean(axis=-1, keepdims=True)
        return d / np.sqrt(np.mean(d * d, axis=-1, keepdims=True) + EPS)
    return h


def _bare_backward(h, grad, norm):
    """grad_x = (g - y mean(g y)) / r for RMSNorm; (g - mean(g) - y mean(g y)) / sigma for LayerNorm."""
    if norm == "rmsnorm":
        r = np.sqrt(np.mean(h * h, axis=-1, keepdims=True) + EPS)
        y = h / r
        return (grad - y * np.mean(grad * y, axis=-1, keepdims=True)) / r
    if norm == "layernorm":
        d = h - h.mean(axis=-1, keepdims=True)
        s = np.sqrt(np.mean(d * d, axis=-1, keepdims=True) + EPS)
        y = d / s
        return (grad - grad.mean(axis=-1, keepdims=True) - y * np.mean(grad * y, axis=-1, keepdims=True)) / s
    return grad


#: The implementations :func:`time_steps` compares: rmsviz's checked functions and bare formulas.
KERNELS = {"rmsviz": (_norm_forward, _norm_backward), "bare": (_bare_forward, _bare_backward)}


@dataclass(frozen=True)
class StepTiming:
    """Seconds per training step and per norm call (forward + backward), by kernel and norm: the
    fastest of ``repeats`` rounds, each the mean of ``number`` calls.

    ``step[kernel][norm]`` and ``norm_alone[kernel][norm]``; kernel in ("rmsviz", "bare"), norm in
    NORMS (the norm alone is 0 for "none"). Machine-dependent: print it in an NBVAL_IGNORE_OUTPUT cell.
    """

    depth: int
    batch: int
    step: dict
    norm_alone: dict
    repeats: int

    def ratio(self, kernel: str, what: str = "step") -> float:
        """LayerNorm time / RMSNorm time (> 1: RMSNorm is faster)."""
        table = self.step if what == "step" else self.norm_alone
        return table[kernel]["layernorm"] / table[kernel]["rmsnorm"]


def _median_seconds(fn, repeats: int, number: int) -> float:
    fn()  # warm up
    samples = []
    for _repeat in range(repeats):
        start = time.perf_counter()
        for _call in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return float(np.median(samples))


#: How many :func:`warm_up` runs are still training; :func:`time_steps` waits until none is, so it
#: never times a step while another thread computes. Counted before the thread starts, so a
#: timing asked for right after a warm-up cannot slip in before it.
_WARMING = threading.Condition()
_warming_runs = [0]


def warm_up(depths, background: bool = True):
    """Train every norm at each of ``depths`` (in the order given) so that a later
    :func:`training_at` at that depth is a cache hit. The first visit of a depth costs 0.3 to 1 s
    (three norms over the learning-rate grid); :class:`rmsviz.panels.TrainingPanel` calls this in a
    background thread once it is on screen, nearest depths first (notebook 06). Returns the thread
    (``None`` when ``background`` is False)."""
    depths = [_check_int("depth", d, 1, MAX_DEPTH) for d in depths]
    with _WARMING:
        _warming_runs[0] += 1

    def work():
        try:
            for depth in depths:
                for norm in NORMS:
                    train(norm, depth)
        finally:
            with _WARMING:
                _warming_runs[0] -= 1
                _WARMING.notify_all()

    if not background:
        work()
        return None
    thread = threading.Thread(target=work, name="rmsviz-training-warm-up", daemon=True)
    thread.start()
    return thread


def time_steps(depth: int = 4, batch: int = BATCH, lr: float = 0.0625, repeats: int = 9,
               number: int = 3) -> StepTiming:
    """Time of one SGD step of one model (forward, backward, update) and of one norm call.

    Each (kernel, norm) is timed in ``repeats`` rounds of ``number`` steps, the norms interleaved,
    so a slow moment of the machine hits all of them; the fastest round counts (other programs on
    the machine only ever add time, as Python's ``timeit`` documentation explains). The norm alone
    is one forward and one backward call on a (batch, WIDTH) array, as in one block. A
    :func:`warm_up` still training in the background is waited for first.
    """
    with _WARMING:  # no timing while another thread computes
        _WARMING.wait_for(lambda: _warming_runs[0] == 0)
    depth = _check_int("depth", depth, 1)
    batch = _check_int("batch", batch, 1)
    repeats = _check_int("repeats", repeats, 1)
    number = _check_int("number", number, 1)
    task = make_task(number + 1, batch)
    x, y = task.inputs[0], task.targets[0]
    h = x @ init_params(1).w_in[0]
    grad = np.random.default_rng(0).normal(size=h.shape)
    samples = {(k, n): ([], []) for k in KERNELS for n in NORMS}
    for _round in range(repeats):
        for kernel, (fwd, bwd) in KERNELS.items():
            for norm in NORMS:
                params = init_params(depth)

                def step():
                    _loss, grads = loss_and_grads(params, x, y, norm, (fwd, bwd))
                    _update(params, grads, lr)

                def norm_alone():
                    fwd(h, norm)
                    bwd(h, grad, norm)

                steps_s, norm_s = samples[kernel, norm]
                steps_s.append(_median_seconds(step, 1, number))
                if norm != "none":
                    norm_s.append(_median_seconds(norm_alone, 1, number))
    # The fastest round: other programs on the machine only ever add time (as in Python's timeit).
    step_t = {k: {n: float(np.min(samples[k, n][0])) for n in NORMS} for k in KERNELS}
    alone = {k: {n: float(np.min(samples[k, n][1])) if samples[k, n][1] else 0.0 for n in NORMS}
             for k in KERNELS}
    return StepTiming(depth, batch, step_t, alone, repeats)
