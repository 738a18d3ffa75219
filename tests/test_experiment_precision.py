"""rmsviz.experiments.precision (notebook 05): float16 overflow, float32 accumulation, bfloat16 emulation."""

import numpy as np
import pytest

from rmsviz import rms_norm
from rmsviz.experiments import precision as P


def test_overflow_threshold_measured():
    assert P.square_overflow_threshold() == 256.0
    assert P.largest_safe_square() == 255.875
    assert np.isfinite(np.float16(255.875) * np.float16(255.875))
    with np.errstate(over="ignore"):
        assert np.isinf(np.float16(256) * np.float16(256))


def test_collapse_threshold():
    assert P.collapse_threshold() == 256.0
    assert P.collapse_threshold(n=16, seed=5) == 256.0


def test_naive_collapses_and_upcast_survives():
    x_ok = P.test_vector(255.875).astype(np.float16)
    x_bad = P.test_vector(256.0).astype(np.float16)
    ref = rms_norm(x_bad.astype(np.float64))
    np.testing.assert_allclose(P.naive_rms_norm(x_ok).astype(float), rms_norm(x_ok.astype(float)), atol=2e-3)
    assert np.all(P.naive_rms_norm(x_bad) == 0)
    up = P.upcast_rms_norm(x_bad)
    assert up.dtype == np.float16
    np.testing.assert_allclose(up.astype(float), ref, atol=2e-3)
    assert np.array_equal(up, rms_norm(x_bad))
    # float32 naive does not overflow at these sizes
    np.testing.assert_allclose(P.naive_rms_norm(x_bad, dtype=np.float32), ref, rtol=1e-5)


def test_bfloat16_known_values():
    got = P.to_bfloat16([1.0, 1 + 2**-8, 1 + 3 * 2**-8, np.pi, -np.pi, 0.0, 65504.0, 1e-40])
    expected = [1.0, 1.0, 1.015625, 3.140625, -3.140625, 0.0, 65536.0]
    np.testing.assert_array_equal(got[:7], np.array(expected, dtype=np.float32))
    assert got.dtype == np.float32
    # the low 16 bits are always clear
    bits = P.to_bfloat16(np.random.default_rng(0).standard_normal(1000)).view(np.uint32)
    assert np.all(bits & 0xFFFF == 0)
    # round-to-nearest: never off by more than half a bfloat16 step (2**-8 relative)
    x = np.random.default_rng(1).uniform(0.5, 2, 10000).astype(np.float32)
    assert np.max(np.abs(P.to_bfloat16(x) - x) / x) <= 2.0**-8
    assert np.isinf(P.to_bfloat16(3.4e38))


def test_bfloat16_matches_torch_when_available():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).standard_normal(20000).astype(np.float32) * 1000
    np.testing.assert_array_equal(P.to_bfloat16(x), torch.tensor(x).to(torch.bfloat16).float().numpy())


def test_rounding_errors_below_unit_roundoff():
    b, h = P.rounding_error("bfloat16"), P.rounding_error("float16")
    assert 0.9 * 2.0**-8 < b <= 2.0**-8
    assert 0.9 * 2.0**-11 < h <= 2.0**-11
    with pytest.raises(ValueError, match="kind"):
        P.rounding_error("float8")


def test_bfloat16_rms_norm_error():
    x = P.test_vector(1000.0)
    y = P.bfloat16_rms_norm(x)
    assert np.array_equal(P.to_bfloat16(y), y)
    err = np.max(np.abs(y - rms_norm(P.to_bfloat16(x).astype(float))))
    assert 0 < err < 2 * 2.0**-8 * np.sqrt(8)


def test_collapse_sweep():
    s = P.collapse_sweep([16.0, 255.875, 256.0, 1024.0])
    np.testing.assert_allclose(s.out_rms["float16_naive"][:2], 1.0, atol=2e-3)
    assert np.all(s.out_rms["float16_naive"][2:] == 0)
    np.testing.assert_allclose(s.out_rms["float32_accumulate"], 1.0, atol=2e-3)
    np.testing.assert_allclose(s.out_rms["bfloat16"], 1.0, atol=1e-2)
    assert np.all(s.max_error["float32_accumulate"] < s.max_error["bfloat16"])
    assert set(s.out_rms) == set(s.max_error) == set(P.MODES)


def test_precision_at_matches_the_sweep():
    r = P.precision_at(300.0, "float16_naive")
    assert r.out_rms == 0.0 and np.all(r.output == 0) and r.overflow_threshold == 256.0
    np.testing.assert_allclose(r.reference, rms_norm(P.test_vector(300.0).astype(np.float16).astype(float)))
    np.testing.assert_allclose(r.curve, P.collapse_curves().out_rms["float16_naive"])
    up = P.precision_at(300.0, "float32_accumulate")
    assert up.out_rms == pytest.approx(1.0, abs=2e-3) and up.max_error < 1e-3
    assert up.largest == pytest.approx(300.0, rel=1e-3)
    with pytest.raises(ValueError, match="mode"):
        P.precision_at(10.0, "float8")


def test_precision_bad_input():
    with pytest.raises(ValueError, match="magnitude"):
        P.test_vector(-1.0)
    with pytest.raises(ValueError, match="NaN"):
        P.naive_rms_norm([1.0, np.inf])
    with pytest.raises(TypeError, match="dtype"):
        P.naive_rms_norm([1.0], dtype=np.int32)
    with pytest.raises(ValueError, match="65504"):
        P.collapse_sweep([1e5])
    with pytest.raises(ValueError, match="empty"):
        P.to_bfloat16([])
