"""Timing and the GPU reference data (rmsviz.experiments.timing): behaviour, not speed."""

import json
from pathlib import Path

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.experiments import timing


def test_bare_formulas_compute_the_norms():
    x = np.random.default_rng(0).normal(1.0, 2.0, size=(5, 7))
    np.testing.assert_allclose(timing.bare_rms_norm(x), rms_norm(x, eps=1e-6), rtol=1e-12)
    np.testing.assert_allclose(timing.bare_layer_norm(x), layer_norm(x, eps=1e-6), rtol=1e-12)


@pytest.mark.parametrize("kind", ["bare", "rmsviz"])
def test_time_norms_returns_positive_times_per_element(kind):
    r = timing.time_norms(sizes=((8, 16), (4, 32)), repeats=3, number=1, kind=kind)
    assert r.sizes == ((8, 16), (4, 32)) and r.kind == kind
    assert r.rms_seconds.shape == r.layer_seconds.shape == (2,)
    assert np.all(r.rms_seconds > 0) and np.all(r.layer_seconds > 0)
    np.testing.assert_allclose(r.ratio, r.layer_seconds / r.rms_seconds)
    np.testing.assert_allclose(r.rms_ns_per_element, r.rms_seconds * 1e9 / np.array([128, 128]))
    text = repr(r)
    assert "8 x 16" in text and "nanoseconds per element" in text


def test_the_timed_functions_are_the_ones_named(monkeypatch):
    calls = []
    monkeypatch.setitem(timing.KINDS, "bare", (lambda x: calls.append("rms"), lambda x: calls.append("ln"), "t"))
    timing.time_norms(sizes=((2, 3),), repeats=2, number=1)
    assert calls.count("rms") == calls.count("ln") == 3  # one warm-up call, then one per run


@pytest.mark.parametrize("kw", [{"sizes": ()}, {"sizes": ((0, 4),)}, {"repeats": 0}, {"number": 0},
                                {"kind": "torch"}])
def test_bad_arguments_raise(kw):
    with pytest.raises(ValueError):
        timing.time_norms(**kw)


def test_gpu_reference_is_the_shared_copy():
    data = timing.load_gpu_reference()
    assert data["gpu"] == "NVIDIA H200" and len(data["rows"]) == 6
    shared = Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "data" / "gpu_norm_bench_h200.json"
    if shared.exists():
        assert json.loads(shared.read_text()) == data


def test_copy_bandwidth_fraction_recomputes_the_stored_one():
    data = timing.load_gpu_reference()
    for row in data["rows"]:
        for kernel in ("layer_norm", "rms_norm", "naive_rms"):
            assert timing.copy_bandwidth_fraction(row, kernel, data["copy_tb_s"]) == pytest.approx(
                row[f"{kernel}_frac_of_copy_bw"], rel=1e-9)
    with pytest.raises(ValueError, match="kernel"):
        timing.copy_bandwidth_fraction(data["rows"][0], "copy", data["copy_tb_s"])


def test_gpu_rows_match_the_readme_summary():
    rows = timing.gpu_rows()
    fwd = [r.speedup_fwd for r in rows]
    both = [r.speedup_fwdbwd for r in rows]
    eager = [r.eager_over_fused_ln for r in rows]
    assert round(min(fwd), 2) == 0.98 and round(max(fwd), 2) == 1.71
    assert round(min(both), 2) == 0.99 and round(max(both), 2) == 1.34
    assert round(min(eager), 1) == 2.8 and round(max(eager), 1) == 8.3


def test_speedup_is_the_ratio_of_bandwidth_fractions():
    # both kernels move the same bytes, so time_LN / time_RMS = fraction_RMS / fraction_LN
    for r in timing.gpu_rows():
        assert r.speedup_fwd == pytest.approx(r.rms_fraction / r.ln_fraction, rel=1e-9)
        assert r.rms_ns_per_element * r.speedup_fwd == pytest.approx(r.ln_ns_per_element, rel=1e-9)


def test_memory_bound_labels_follow_the_threshold():
    rows = timing.gpu_rows()
    first = rows[0]  # bfloat16, 32768 x 1024: the largest speed-up
    assert (first.dtype, first.n, first.d) == ("bfloat16", 32768, 1024)
    assert first.ln_fraction < 0.40 and not first.ln_memory_bound and first.rms_memory_bound
    for r in rows:
        assert r.ln_memory_bound == (r.ln_fraction >= timing.MEMORY_BOUND)
        assert r.eager_fraction < 0.25  # the eager pattern is far from the copy bandwidth everywhere
