"""rmsviz.figures.timing: the static timing figure of notebook 03, drawn from what it is handed."""

import numpy as np

from rmsviz.experiments import timing
from rmsviz.figures.timing import timing_figure


def test_both_plots_show_ns_per_element():
    r = timing.time_norms(sizes=((8, 16), (4, 64)), repeats=1, number=1)
    rows = timing.gpu_rows()
    fig = timing_figure(r, rows)
    ax_cpu, ax_gpu = fig.axes
    assert "ns per element" in ax_cpu.get_ylabel() and "ns per element" in ax_gpu.get_ylabel()
    heights = [p.get_height() for p in ax_cpu.patches]
    np.testing.assert_allclose(heights, np.concatenate([r.rms_ns_per_element, r.layer_ns_per_element]))
    gpu_heights = [p.get_height() for p in ax_gpu.patches]
    expected = [getattr(row, key) for key in ("rms_ns_per_element", "ln_ns_per_element", "eager_ns_per_element")
                for row in rows]
    np.testing.assert_allclose(gpu_heights, expected)
    labels = [t.get_text() for t in ax_gpu.texts]
    assert labels == [f"{row.speedup_fwd:.2f}x" for row in rows]
