"""Static figure: rms_norm vs layer_norm time on this CPU, beside the H200 GPU reference (notebook 03)."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rmsviz.i18n import _
from rmsviz.style import COLORS, tidy


def timing_figure(result, gpu_rows) -> Figure:
    """Left: median ms per call on this machine (``TimingResult``), with the ratio above each pair.
    Right: H200 forward time (us) of fused LayerNorm, fused RMSNorm and eager (unfused) RMSNorm
    for each (dtype, features) row of the GPU reference data."""
    fig = Figure(figsize=(11.0, 3.8), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax_cpu, ax_gpu = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
    for ax in (ax_cpu, ax_gpu):
        tidy(ax)
    pos = np.arange(len(result.sizes))
    w = 0.38
    ax_cpu.bar(pos - w / 2, result.rms_seconds * 1e3, w, color=COLORS["rmsnorm"], label="rms_norm")
    ax_cpu.bar(pos + w / 2, result.layer_seconds * 1e3, w, color=COLORS["layernorm"], label="layer_norm")
    top = float(np.max(result.layer_seconds * 1e3))
    for i, q in enumerate(result.ratio):
        height = max(result.rms_seconds[i], result.layer_seconds[i]) * 1e3
        ax_cpu.text(i, height + 0.03 * top, f"{q:.2f}x", ha="center", va="bottom", fontsize=9)
    ax_cpu.set_ylim(0, top * 1.25)
    ax_cpu.set_xticks(pos, [f"{r} x {d}" for r, d in result.sizes], fontsize=8)
    ax_cpu.set_ylabel(_("ms per call (median)"))
    ax_cpu.set_title(_("this machine (numpy, rmsviz); ratio = layer_norm / rms_norm"), fontsize=10)
    ax_cpu.legend(frameon=False, fontsize=8, loc="upper left")

    gpos = np.arange(len(gpu_rows))
    w = 0.27
    series = (("layer_norm_us", _("fused layer_norm"), COLORS["layernorm"]),
              ("rms_norm_us", _("fused rms_norm"), COLORS["rmsnorm"]),
              ("naive_rms_us", _("eager (unfused) RMSNorm"), COLORS["none"]))
    for k, (key, label, color) in enumerate(series):
        ax_gpu.bar(gpos + (k - 1) * w, [row[key] for row in gpu_rows], w, color=color, label=label)
    ax_gpu.set_xticks(gpos, [f"{row['dtype']}\n{row['n']} x {row['d']}" for row in gpu_rows], fontsize=8)
    ax_gpu.set_ylabel(_("µs per forward pass"))
    ax_gpu.set_title(_("NVIDIA H200, PyTorch fused kernels (reference data)"))
    ax_gpu.legend(frameon=False, fontsize=8, loc="upper left")
    return fig
