"""Timing rms_norm against layer_norm on this machine, and the GPU reference data (notebook 03).

Layer: norms only. :func:`time_norms` times ``rms_norm`` and ``layer_norm`` on a few (rows x
features) float32 inputs and reports the median of repeated runs. It is machine-dependent: notebook
cells that print it start with ``# NBVAL_IGNORE_OUTPUT``.

:func:`load_gpu_reference` loads ``rmsviz/data/gpu_norm_bench_h200.json``, a copy of
``shared/data/gpu_norm_bench_h200.json``: one measurement of PyTorch's fused ``layer_norm`` and
``rms_norm`` and of the eager (unfused) RMSNorm pattern on one NVIDIA H200 (PyTorch 2.11.0+cu130,
CUDA 13), medians from ``triton.testing.do_bench`` (see that folder's README.md).
:func:`gpu_ratios` derives the speed ratios from it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from importlib import resources

import numpy as np

from rmsviz.norms import layer_norm, rms_norm

#: The default sizes (rows, features): a few tokens of a small, a medium and a wide model.
DEFAULT_SIZES = ((512, 256), (256, 1024), (64, 4096))

#: The paper's 2019 speed figures (Zhang & Sennrich, against unfused implementations of the time).
PAPER_2019 = {
    "end-to-end speed-up, RMSNorm or pRMSNorm vs LayerNorm, low": 0.07,
    "end-to-end speed-up, RMSNorm or pRMSNorm vs LayerNorm, high (pRMSNorm)": 0.64,
    "largest speed-up of RMSNorm alone": 0.408,
}


@dataclass(frozen=True)
class TimingResult:
    """Median seconds per call for each size, and the ratio layer_norm / rms_norm."""

    sizes: tuple
    rms_seconds: np.ndarray
    layer_seconds: np.ndarray
    repeats: int

    @property
    def ratio(self) -> np.ndarray:
        """layer_norm time / rms_norm time (> 1: RMSNorm is faster)."""
        return self.layer_seconds / self.rms_seconds

    def __repr__(self) -> str:
        lines = [f"{'size (rows x features)':<24}{'rms_norm':>12}{'layer_norm':>12}{'ratio':>8}"]
        for (r, d), a, b, q in zip(self.sizes, self.rms_seconds, self.layer_seconds, self.ratio):
            lines.append(f"{f'{r} x {d}':<24}{a * 1e3:>9.3f} ms{b * 1e3:>9.3f} ms{q:>7.2f}x")
        lines.append(f"(median of {self.repeats} runs each)")
        return "\n".join(lines)


def _median_time(fn, x, repeats: int, number: int) -> float:
    fn(x)  # warm up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn(x)
        samples.append((time.perf_counter() - start) / number)
    return float(np.median(samples))


def time_norms(sizes=DEFAULT_SIZES, repeats: int = 15, number: int = 3, seed: int = 0,
               dtype=np.float32) -> TimingResult:
    """Median time per call of ``rms_norm`` and ``layer_norm`` (eps = 1e-6) at each (rows, features).

    The two are timed alternately, size by size, so that a slow moment of the machine hits both.
    """
    sizes = tuple(tuple(s) for s in sizes)
    if not sizes or any(len(s) != 2 or min(s) < 1 for s in sizes):
        raise ValueError(f"sizes must be a non-empty list of (rows, features) pairs >= 1, got {sizes}")
    if repeats < 1 or number < 1:
        raise ValueError(f"repeats and number must be >= 1, got {repeats} and {number}")
    rng = np.random.default_rng(seed)
    rms_t, ln_t = [], []
    for rows, d in sizes:
        x = rng.standard_normal((rows, d)).astype(dtype)
        a, b = [], []
        for _ in range(3):  # interleave three blocks
            a.append(_median_time(rms_norm, x, max(1, repeats // 3), number))
            b.append(_median_time(layer_norm, x, max(1, repeats // 3), number))
        rms_t.append(float(np.median(a)))
        ln_t.append(float(np.median(b)))
    return TimingResult(sizes, np.array(rms_t), np.array(ln_t), repeats)


def load_gpu_reference() -> dict:
    """The H200 reference measurement (a dict: ``gpu``, ``torch``, ``copy_tb_s``, ``rows``)."""
    text = resources.files("rmsviz").joinpath("data/gpu_norm_bench_h200.json").read_text("utf-8")
    return json.loads(text)


def gpu_ratios(data: dict | None = None) -> list[dict]:
    """Per (dtype, rows, features): fused speed-up ln/rms (forward, forward+backward) and how much
    slower the eager (unfused) RMSNorm is than fused LayerNorm and fused RMSNorm."""
    data = load_gpu_reference() if data is None else data
    out = []
    for row in data["rows"]:
        out.append({
            "dtype": row["dtype"], "n": row["n"], "d": row["d"],
            "fused_ln_over_rms_fwd": row["layer_norm_us"] / row["rms_norm_us"],
            "fused_ln_over_rms_fwdbwd": row["layer_norm_fwdbwd_us"] / row["rms_norm_fwdbwd_us"],
            "naive_rms_over_fused_ln": row["naive_rms_us"] / row["layer_norm_us"],
            "naive_rms_over_fused_rms": row["naive_rms_us"] / row["rms_norm_us"],
            "ln_frac_of_copy_bw": row["layer_norm_frac_of_copy_bw"],
            "rms_frac_of_copy_bw": row["rms_norm_frac_of_copy_bw"],
        })
    return out
