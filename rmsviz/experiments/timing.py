"""The cost of one statistic against two: timing on this machine, and the GPU reference (notebook 03).

Layer: norms only.

On this machine, :func:`time_norms` times the bare formulas a reader would write with numpy,

* :func:`bare_rms_norm`:   ``x / sqrt(mean(x * x) + eps)``,
* :func:`bare_layer_norm`: ``c / sqrt(mean(c * c) + eps)`` with ``c = x - mean(x)``,

both over the last axis, and reports the fastest of repeated runs in nanoseconds per element
(time / (rows * features)), so that small and large arrays share one unit. ``kind="rmsviz"`` times
the package's own ``rms_norm`` and ``layer_norm`` instead; they check their input and guard every
row against overflow, so they do extra work and must not be used to compare the formulas. The
times depend on the machine: notebook cells that print them start with ``# NBVAL_IGNORE_OUTPUT``.

The GPU reference, ``rmsviz/data/gpu_norm_bench_h200.json`` (:func:`load_gpu_reference`), is one
measurement of PyTorch's fused ``layer_norm`` and ``rms_norm`` and of the eager (unfused) RMSNorm
pattern (upcast to float32, ``x * rsqrt(mean(x**2) + eps)``, cast back, times the gain) on one
NVIDIA H200 (PyTorch 2.11.0+cu130, CUDA 13, 2026-11-27). Each time is the median of many runs (from
Triton's benchmarking function). ``*_us`` is the forward pass in microseconds, ``*_fwdbwd_us``
forward plus backward with respect to the input, ``copy_tb_s`` the measured bandwidth of a plain
device-to-device copy (TB/s), and ``*_frac_of_copy_bw`` the fraction of that bandwidth a kernel
reaches: (bytes read + bytes written by one ideal pass, 2 * rows * features * bytes per element)
/ time / copy bandwidth. :func:`copy_bandwidth_fraction` recomputes it from the time;
:func:`gpu_rows` derives the speed-ups and the memory-bound labels.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from importlib import resources

import numpy as np

from rmsviz.formatting import pad
from rmsviz.i18n import N_, _
from rmsviz.norms import layer_norm, rms_norm

__all__ = ["DEFAULT_SIZES", "KINDS", "MEMORY_BOUND", "PAPER_2019", "GpuRow", "TimingResult",
           "bare_layer_norm", "bare_rms_norm", "copy_bandwidth_fraction", "gpu_rows",
           "load_gpu_reference", "time_norms"]

#: The default sizes (rows, features): a few tokens of a small, a medium and a wide model.
DEFAULT_SIZES = ((512, 256), (256, 1024), (64, 4096))

#: A kernel is called memory-bound here when it reaches at least this fraction of the copy bandwidth.
MEMORY_BOUND = 0.60

#: Bytes per element of the GPU data types.
BYTES_PER_ELEMENT = {"bfloat16": 2, "float16": 2, "float32": 4}

#: The paper's 2019 speed figures, as its abstract states them (Zhang & Sennrich, arXiv:1910.07467):
#: RMSNorm "reduces the running time by 7%~64% on different models", compared with LayerNorm. These
#: are whole-model times with the software of 2019, not kernel times.
PAPER_2019 = {
    N_("running time shorter than with LayerNorm, smallest reduction over the paper's models"): 0.07,
    N_("running time shorter than with LayerNorm, largest reduction over the paper's models"): 0.64,
}


def bare_rms_norm(x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm as one line of numpy: ``x / sqrt(mean(x²) + eps)`` over the last axis (no checks)."""
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)


def bare_layer_norm(x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """LayerNorm as numpy: ``c / sqrt(mean(c²) + eps)`` with ``c = x - mean(x)`` (no checks)."""
    c = x - np.mean(x, axis=-1, keepdims=True)
    return c / np.sqrt(np.mean(c * c, axis=-1, keepdims=True) + eps)


#: What :func:`time_norms` can time: kind -> (RMSNorm function, LayerNorm function, label).
KINDS = {
    "bare": (bare_rms_norm, bare_layer_norm, N_("bare numpy formulas")),
    "rmsviz": (rms_norm, layer_norm, N_("rmsviz's checked functions")),
}


@dataclass(frozen=True)
class TimingResult:
    """Seconds per call (fastest run) for each (rows, features) size, for RMSNorm and LayerNorm."""

    sizes: tuple
    rms_seconds: np.ndarray
    layer_seconds: np.ndarray
    repeats: int
    kind: str = "bare"

    @property
    def elements(self) -> np.ndarray:
        """rows * features for each size."""
        return np.array([r * d for r, d in self.sizes], dtype=float)

    @property
    def rms_ns_per_element(self) -> np.ndarray:
        return self.rms_seconds * 1e9 / self.elements

    @property
    def layer_ns_per_element(self) -> np.ndarray:
        return self.layer_seconds * 1e9 / self.elements

    @property
    def ratio(self) -> np.ndarray:
        """LayerNorm time / RMSNorm time (> 1: RMSNorm is faster)."""
        return self.layer_seconds / self.rms_seconds

    @property
    def label(self) -> str:
        return _(KINDS[self.kind][2])

    def __repr__(self) -> str:
        head = (pad(_("rows x features"), 24) + pad(_("RMSNorm"), 10, ">") + pad(_("LayerNorm"), 12, ">")
                + pad(_("LayerNorm / RMSNorm"), 22, ">"))
        lines = [self.label + _(", nanoseconds per element (fastest run):"), head]
        for (r, d), a, b, q in zip(self.sizes, self.rms_ns_per_element, self.layer_ns_per_element, self.ratio):
            lines.append(f"{f'{r} x {d}':<24}{a:>10.2f}{b:>12.2f}{q:>21.2f}x")
        lines.append(_("(fastest of {repeats} runs each)").format(repeats=self.repeats))
        return "\n".join(lines)


def _time_once(fn, x, number: int) -> float:
    start = time.perf_counter()
    for _j in range(number):
        fn(x)
    return (time.perf_counter() - start) / number


def time_norms(sizes=DEFAULT_SIZES, repeats: int = 15, number: int = 3, seed: int = 0,
               dtype=np.float32, kind: str = "bare") -> TimingResult:
    """Time per call of RMSNorm and LayerNorm (eps = 1e-6) at each (rows, features) size.

    ``kind="bare"`` (default) times :func:`bare_rms_norm` and :func:`bare_layer_norm`;
    ``kind="rmsviz"`` times ``rmsviz.rms_norm`` and ``rmsviz.layer_norm``. Each of the ``repeats``
    runs times ``number`` calls of one norm, then of the other; the result is the fastest run of
    each, as :mod:`timeit` advises: other programs on the machine can only make a run slower.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    sizes = tuple(tuple(int(v) for v in s) for s in sizes)
    if not sizes or any(len(s) != 2 or min(s) < 1 for s in sizes):
        raise ValueError(f"sizes must be a non-empty list of (rows, features) pairs >= 1, got {sizes}")
    if repeats < 1 or number < 1:
        raise ValueError(f"repeats and number must be >= 1, got {repeats} and {number}")
    rms_fn, ln_fn, _label = KINDS[kind]
    rng = np.random.default_rng(seed)
    rms_t, ln_t = [], []
    for rows, d in sizes:
        x = rng.standard_normal((rows, d)).astype(dtype)
        rms_fn(x), ln_fn(x)  # warm up
        pairs = [(_time_once(rms_fn, x, number), _time_once(ln_fn, x, number)) for _i in range(repeats)]
        rms_t.append(min(a for a, _b in pairs))
        ln_t.append(min(b for _a, b in pairs))
    return TimingResult(sizes, np.array(rms_t), np.array(ln_t), repeats, kind)


def load_gpu_reference() -> dict:
    """The H200 reference measurement (a dict: ``gpu``, ``torch``, ``copy_tb_s``, ``rows``)."""
    text = resources.files("rmsviz").joinpath("data/gpu_norm_bench_h200.json").read_text("utf-8")
    return json.loads(text)


def copy_bandwidth_fraction(row: dict, kernel: str, copy_tb_s: float) -> float:
    """The fraction of the copy bandwidth ``kernel`` reaches in ``row``: one ideal pass reads and
    writes every element once, ``2 * n * d * bytes``; divided by the time, then by ``copy_tb_s``.

    ``kernel`` is ``"layer_norm"``, ``"rms_norm"`` or ``"naive_rms"`` (forward times only).
    """
    if kernel not in ("layer_norm", "rms_norm", "naive_rms"):
        raise ValueError(f"kernel must be 'layer_norm', 'rms_norm' or 'naive_rms', got {kernel!r}")
    if row["dtype"] not in BYTES_PER_ELEMENT:
        raise ValueError(f"unknown dtype {row['dtype']!r}; known: {sorted(BYTES_PER_ELEMENT)}")
    moved = 2.0 * row["n"] * row["d"] * BYTES_PER_ELEMENT[row["dtype"]]
    return moved / (row[f"{kernel}_us"] * 1e-6) / (copy_tb_s * 1e12)


@dataclass(frozen=True)
class GpuRow:
    """One (dtype, rows, features) row of the GPU reference, with what notebook 03 reads from it."""

    dtype: str
    n: int
    d: int
    ln_ns_per_element: float     # fused LayerNorm, forward
    rms_ns_per_element: float    # fused RMSNorm, forward
    eager_ns_per_element: float  # eager (unfused) RMSNorm, forward
    speedup_fwd: float           # fused LayerNorm time / fused RMSNorm time
    speedup_fwdbwd: float        # the same for forward plus backward
    eager_over_fused_ln: float   # eager RMSNorm time / fused LayerNorm time
    ln_fraction: float           # fused LayerNorm's fraction of the copy bandwidth
    rms_fraction: float          # fused RMSNorm's fraction of the copy bandwidth
    eager_fraction: float        # eager RMSNorm's fraction of the copy bandwidth

    @property
    def ln_memory_bound(self) -> bool:
        return self.ln_fraction >= MEMORY_BOUND

    @property
    def rms_memory_bound(self) -> bool:
        return self.rms_fraction >= MEMORY_BOUND


def gpu_rows(data: dict | None = None) -> list[GpuRow]:
    """The GPU reference row by row: times per element, speed-ups, fractions of the copy bandwidth."""
    data = load_gpu_reference() if data is None else data
    copy = data["copy_tb_s"]
    out = []
    for row in data["rows"]:
        elements = row["n"] * row["d"]
        out.append(GpuRow(
            dtype=row["dtype"], n=row["n"], d=row["d"],
            ln_ns_per_element=row["layer_norm_us"] * 1e3 / elements,
            rms_ns_per_element=row["rms_norm_us"] * 1e3 / elements,
            eager_ns_per_element=row["naive_rms_us"] * 1e3 / elements,
            speedup_fwd=row["layer_norm_us"] / row["rms_norm_us"],
            speedup_fwdbwd=row["layer_norm_fwdbwd_us"] / row["rms_norm_fwdbwd_us"],
            eager_over_fused_ln=row["naive_rms_us"] / row["layer_norm_us"],
            ln_fraction=copy_bandwidth_fraction(row, "layer_norm", copy),
            rms_fraction=copy_bandwidth_fraction(row, "rms_norm", copy),
            eager_fraction=copy_bandwidth_fraction(row, "naive_rms", copy),
        ))
    return out
