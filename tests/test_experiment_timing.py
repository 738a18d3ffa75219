"""Timing and the GPU reference data (rmsviz.experiments.timing): behaviour, not speed."""

import json
from pathlib import Path

import numpy as np
import pytest

from rmsviz.experiments import timing


def test_time_norms_returns_positive_medians():
    r = timing.time_norms(sizes=((8, 16), (4, 32)), repeats=3, number=1)
    assert r.sizes == ((8, 16), (4, 32))
    assert r.rms_seconds.shape == r.layer_seconds.shape == (2,)
    assert np.all(r.rms_seconds > 0) and np.all(r.layer_seconds > 0)
    np.testing.assert_allclose(r.ratio, r.layer_seconds / r.rms_seconds)
    assert "8 x 16" in repr(r)


@pytest.mark.parametrize("kw", [{"sizes": ()}, {"sizes": ((0, 4),)}, {"repeats": 0}, {"number": 0}])
def test_bad_arguments_raise(kw):
    with pytest.raises(ValueError):
        timing.time_norms(**kw)


def test_gpu_reference_is_the_shared_copy():
    data = timing.load_gpu_reference()
    assert data["gpu"] == "NVIDIA H200" and len(data["rows"]) == 6
    shared = Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "data" / "gpu_norm_bench_h200.json"
    if shared.exists():
        assert json.loads(shared.read_text()) == data


def test_gpu_ratios_match_the_readme_summary():
    rows = timing.gpu_ratios()
    fwd = [r["fused_ln_over_rms_fwd"] for r in rows]
    both = [r["fused_ln_over_rms_fwdbwd"] for r in rows]
    naive = [r["naive_rms_over_fused_ln"] for r in rows]
    assert round(min(fwd), 2) == 0.98 and round(max(fwd), 2) == 1.71
    assert round(min(both), 2) == 0.99 and round(max(both), 2) == 1.34
    assert round(min(naive), 1) == 2.8 and round(max(naive), 1) == 8.3
    assert min(naive) > 1  # eager RMSNorm is slower than fused LayerNorm everywhere
