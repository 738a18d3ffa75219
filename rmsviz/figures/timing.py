"""Static figure: RMSNorm vs LayerNorm time on this CPU, beside the H200 GPU reference (notebook 03).

Both plots use one unit, nanoseconds per element (time / (rows * features)), so a small and a large
array can be compared. The figure draws what it is handed: a ``TimingResult`` and the ``GpuRow``
list of :mod:`rmsviz.experiments.timing` (it does not import them).
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rmsviz.i18n import _
from rmsviz.style import COLORS, tidy

__all__ = ["timing_figure"]

FONT = 11


def _label_ratios(ax, centres, heights, ratios, top):
    for x, h, q in zip(centres, heights, ratios):
        ax.text(x, h + 0.03 * top, f"{q:.2f}x", ha="center", va="bottom", fontsize=FONT - 1)


def timing_figure(result, gpu_rows) -> Figure:
    """Left: ns per element on this machine (fastest run) (``result``: a ``TimingResult``), with the ratio
    LayerNorm / RMSNorm above each pair. Right: ns per element of the H200 forward pass (``gpu_rows``:
    ``GpuRow`` objects) for fused RMSNorm, fused LayerNorm and eager (unfused) RMSNorm, with the
    ratio fused LayerNorm / fused RMSNorm above each pair."""
    fig = Figure(figsize=(13.0, 4.6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax_cpu, ax_gpu = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.7]})
    for ax in (ax_cpu, ax_gpu):
        tidy(ax)
        ax.tick_params(labelsize=FONT - 2)

    pos = np.arange(len(result.sizes))
    w = 0.38
    rms_ns, ln_ns = result.rms_ns_per_element, result.layer_ns_per_element
    ax_cpu.bar(pos - w / 2, rms_ns, w, color=COLORS["rmsnorm"], label=_("RMSNorm"))
    ax_cpu.bar(pos + w / 2, ln_ns, w, color=COLORS["layernorm"], label=_("LayerNorm"))
    top = float(np.max(np.maximum(rms_ns, ln_ns)))
    _label_ratios(ax_cpu, pos, np.maximum(rms_ns, ln_ns), result.ratio, top)
    ax_cpu.set_ylim(0, top * 1.3)
    ax_cpu.set_xticks(pos, [f"{r} x {d}" for r, d in result.sizes])
    ax_cpu.set_xlabel(_("rows x features"), fontsize=FONT)
    ax_cpu.set_ylabel(_("ns per element (fastest run)"), fontsize=FONT)
    ax_cpu.set_title(_("this machine, {label}\nratio = LayerNorm / RMSNorm").format(label=result.label), fontsize=FONT + 1)
    ax_cpu.legend(frameon=False, fontsize=FONT, loc="upper left", ncols=2)

    gpos = np.arange(len(gpu_rows))
    w = 0.27
    series = (("rms_ns_per_element", _("fused RMSNorm"), COLORS["rmsnorm"]),
              ("ln_ns_per_element", _("fused LayerNorm"), COLORS["layernorm"]),
              ("eager_ns_per_element", _("eager (unfused) RMSNorm"), COLORS["none"]))
    for k, (key, label, color) in enumerate(series):
        ax_gpu.bar(gpos + (k - 1) * w, [getattr(row, key) for row in gpu_rows], w, color=color, label=label)
    gtop = max(row.eager_ns_per_element for row in gpu_rows)
    _label_ratios(ax_gpu, gpos - w / 2, [max(r.ln_ns_per_element, r.rms_ns_per_element) for r in gpu_rows],
                  [r.speedup_fwd for r in gpu_rows], gtop)
    ax_gpu.set_ylim(0, gtop * 1.35)
    ax_gpu.set_xticks(gpos, [f"{row.dtype}\n{row.n} x {row.d}" for row in gpu_rows])
    ax_gpu.set_xlabel(_("data type, rows x features"), fontsize=FONT)
    ax_gpu.set_ylabel(_("ns per element, forward pass (median)"), fontsize=FONT)
    ax_gpu.set_title(_("NVIDIA H200, PyTorch (reference data)\nratio = fused LayerNorm / fused RMSNorm"),
                     fontsize=FONT + 1)
    ax_gpu.legend(frameon=False, fontsize=FONT, loc="upper left", ncols=3)
    return fig
