"""rmsviz.experiments.transformer: the tiny pre-norm block of notebook 05."""

import numpy as np
import pytest

from rmsviz import rms, rms_norm
from rmsviz.experiments import transformer


def test_block_is_seeded_and_shapes():
    w1, w2 = transformer.make_block(seed=3), transformer.make_block(seed=3)
    assert np.array_equal(w1.wq, w2.wq) and w1.d_model == 16
    x = transformer.make_tokens()
    assert x.shape == (4, 16)
    np.testing.assert_allclose(rms(x), [0.5, 2.0, 8.0, 30.0])
    out = transformer.block_forward(x, w1)
    assert out.shape == x.shape and np.all(np.isfinite(out))


def test_block_is_pre_norm_residual():
    w = transformer.make_block()
    x = transformer.make_tokens()
    out, st = transformer.block_forward(x, w, return_stages=True)
    np.testing.assert_allclose(st["norm1"], rms_norm(x, w.g1))
    np.testing.assert_allclose(st["h"], x + st["attn"])
    np.testing.assert_allclose(st["norm2"], rms_norm(st["h"], w.g2))
    np.testing.assert_allclose(out, st["h"] + st["mlp"])


def test_attention_is_causal():
    w = transformer.make_block()
    x = transformer.make_tokens()
    y = transformer.block_forward(x, w)
    x2 = x.copy()
    x2[-1] *= -3.0  # changing the last token leaves the earlier ones untouched
    y2 = transformer.block_forward(x2, w)
    np.testing.assert_allclose(y[:-1], y2[:-1])
    assert not np.allclose(y[-1], y2[-1])


def test_residual_trace_norms_give_rms_one_and_stream_keeps_size():
    trace = transformer.residual_trace()
    assert list(trace) == list(transformer.STAGE_LABELS)
    np.testing.assert_allclose(trace["norm1"], 1.0, atol=1e-5)  # eps = 1e-6 on RMS 0.5
    np.testing.assert_allclose(trace["norm2"], 1.0, atol=1e-5)
    assert trace["h"][-1] > 20 and trace["attn"].max() < 2


def test_trace_table_prints_every_stage_and_token():
    trace = transformer.residual_trace()
    lines = transformer.trace_table(trace).splitlines()
    assert lines[0].split() == ["stage", "token", "1", "token", "2", "token", "3", "token", "4"]
    assert len(lines) == 1 + len(transformer.STAGE_LABELS)
    assert lines[2].startswith("after RMSNorm 1") and lines[2].split()[-4:] == ["1.000"] * 4
    assert lines[1].split()[-4:] == ["0.500", "2.000", "8.000", "30.000"]
    with pytest.raises(ValueError, match="stages"):
        transformer.trace_table({"x": trace["x"]})


def test_block_bad_input():
    with pytest.raises(ValueError, match="multiple of n_heads"):
        transformer.make_block(d_model=10, n_heads=3)
    with pytest.raises(TypeError, match="d_model"):
        transformer.make_block(d_model=2.5)
    with pytest.raises(ValueError, match="shape"):
        transformer.block_forward(np.ones((3, 5)))
    with pytest.raises(ValueError, match="NaN"):
        transformer.block_forward(np.full((2, 16), np.nan))
    with pytest.raises(ValueError, match="scale"):
        transformer.make_tokens(scales=(1.0, -1.0))
