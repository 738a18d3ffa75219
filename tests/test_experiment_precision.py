"""rmsviz.experiments.precision (notebook 05): where float16 overflows (a square, the sum of the
squares), float32 accumulation, bfloat16 emulation."""

import numpy as np
import pytest

from rmsviz import rms_norm
from rmsviz.experiments import precision as P


def test_square_overflow_measured():
    assert P.square_overflow_threshold() == 256.0
    assert P.largest_safe_square() == 255.875
    assert np.isfinite(np.float16(255.875) * np.float16(255.875))
    with np.errstate(over="ignore"):
        assert np.isinf(np.float16(256) * np.float16(256))


def test_float16_sum_rounds_every_partial_sum():
    assert P.float16_sum(np.full(4, 1.0, dtype=np.float16)) == 4.0
    # 2048 + 1 is not a float16 (spacing 2 there): each addition rounds to even
    assert P.float16_sum(np.array([2048, 1], dtype=np.float16)) == 2048.0
    # the sum passes 65504 although every term is small: inf
    assert np.isinf(P.float16_sum(np.full(4096, 16.0, dtype=np.float16)))
    assert P.float16_sum(np.full(4094, 16.0, dtype=np.float16)) == 65504.0  # 4094 * 16
    assert np.isinf(P.float16_sum(np.full(4095, 16.0, dtype=np.float16)))  # 65520 rounds to inf
    # odd lengths and other axes
    x = np.arange(15, dtype=np.float16).reshape(3, 5)
    np.testing.assert_array_equal(P.float16_sum(x, axis=0), x.astype(float).sum(axis=0))
    assert P.float16_sum(x).dtype == np.float16
    with pytest.raises(ValueError, match="NaN"):
        P.float16_sum([1.0, np.nan])


def test_float16_only_overflows_at_256_over_sqrt_n():
    for n in (8, 64, 512, 4096):
        threshold = P.sum_overflow_rms(n)
        # the sum n RMS² passes 65520 (rounds to inf): RMS = sqrt(65520 / n), about 256 / sqrt(n)
        assert threshold == pytest.approx(np.sqrt(65520 / n), rel=2e-3)
        assert threshold == pytest.approx(256 / np.sqrt(n), rel=2e-3)
        below = P.vector_with_rms(threshold * 0.999, n).astype(np.float16)
        above = P.vector_with_rms(threshold, n).astype(np.float16)
        np.testing.assert_allclose(P.float16_rms_norm(below).astype(float), rms_norm(below.astype(float)),
                                   atol=4e-3)
        assert np.all(P.float16_rms_norm(above) == 0)
        # the other ways survive the sum's overflow
        np.testing.assert_allclose(P.float16_squares_rms_norm(above).astype(float),
                                   rms_norm(above.astype(float)), atol=4e-3)
    assert P.sum_overflow_rms(4096) < 4.0 < P.sum_overflow_rms(4096) * 1.001


def test_a_square_overflows_when_the_largest_x_reaches_256():
    for n in (8, 4096):
        r = P.square_overflow_rms(n)
        u = P.unit_direction(n)
        assert np.max(np.abs(r * u)) == pytest.approx(256, rel=1e-3)
        above = P.vector_with_rms(r, n).astype(np.float16)
        assert np.max(np.abs(above)) == 256.0
        assert np.all(P.float16_squares_rms_norm(above) == 0)
        below = P.vector_with_rms(r * 0.999, n).astype(np.float16)
        assert np.max(np.abs(below)) <= 255.875
        assert np.all(P.float16_squares_rms_norm(below) != 0)
        up = P.upcast_rms_norm(above)
        assert up.dtype == np.float16 and np.array_equal(up, rms_norm(above))
        np.testing.assert_allclose(up.astype(float), rms_norm(above.astype(float)), atol=2e-3)
    # with many features the sum overflows long before a square does
    assert P.sum_overflow_rms(4096) * 10 < P.square_overflow_rms(4096)


def test_float16_arithmetic_is_exactly_rounded():
    # every step is one float64 operation rounded once: compare with a slow scalar version
    x = P.vector_with_rms(3.0, 64, seed=3).astype(np.float16)
    squares = [np.float16(float(v) * float(v)) for v in x]
    total = squares
    while len(total) > 1:
        total = [np.float16(float(a) + float(b)) for a, b in zip(total[0::2], total[1::2])]
    mean = np.float16(float(total[0]) / 64)
    root = np.float16(np.sqrt(float(np.float16(float(mean) + float(np.float16(1e-6))))))
    expected = np.array([np.float16(float(v) / float(root)) for v in x])
    np.testing.assert_array_equal(P.float16_rms_norm(x), expected)


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
    x = P.vector_with_rms(1000.0, 8)
    y = P.bfloat16_rms_norm(x)
    assert np.array_equal(P.to_bfloat16(y), y)
    err = np.max(np.abs(y - rms_norm(P.to_bfloat16(x).astype(float))))
    assert 0 < err < 2 * 2.0**-8 * np.sqrt(8)


def test_collapse_sweep():
    s = P.collapse_sweep([1.0, 3.99, 4.0, 64.0, 70.0], n=4096)
    assert s.n == 4096 and set(s.out_rms) == set(s.max_error) == set(P.MODES)
    np.testing.assert_allclose(s.out_rms["float16"][:2], 1.0, atol=2e-3)
    assert np.all(s.out_rms["float16"][2:] == 0)
    np.testing.assert_allclose(s.out_rms["float16_squares"][:4], 1.0, atol=2e-3)
    assert s.out_rms["float16_squares"][4] == 0
    np.testing.assert_allclose(s.out_rms["float32"], 1.0, atol=2e-3)
    np.testing.assert_allclose(s.out_rms["bfloat16"], 1.0, atol=1e-2)
    assert np.all(s.max_error["float32"] < s.max_error["bfloat16"])


def test_collapse_curves_are_computed_once():
    P._collapse_curves.cache_clear()
    first = P.collapse_curves(64)
    assert P.collapse_curves(n=64) is first and P._collapse_curves.cache_info().misses == 1
    np.testing.assert_allclose(first.rms_values, P.RMS_GRID)
    assert P.RMS_GRID[0] == 0.25 and P.RMS_GRID[-1] == 4096.0


def test_precision_at_matches_the_sweep():
    r = P.precision_at(8.0, "float16", n=4096)
    assert r.out_rms == 0.0 and np.all(r.output == 0) and r.output.shape == (4096,)
    assert r.sum_overflow == P.sum_overflow_rms(4096) and r.square_overflow == P.square_overflow_rms(4096)
    np.testing.assert_allclose(r.reference, rms_norm(P.vector_with_rms(8.0, 4096).astype(np.float16).astype(float)))
    np.testing.assert_allclose(r.curve, P.collapse_curves(4096).out_rms["float16"])
    i = int(np.argmin(np.abs(P.RMS_GRID - 8.0)))
    assert r.curve[i] == r.out_rms
    for mode in ("float16_squares", "float32"):
        ok = P.precision_at(8.0, mode, n=4096)
        assert ok.out_rms == pytest.approx(1.0, abs=2e-3) and ok.max_error < 3e-3
    assert P.precision_at(8.0, "float32", n=4096).largest == pytest.approx(8.0 * np.max(np.abs(P.unit_direction(4096))), rel=1e-3)
    with pytest.raises(ValueError, match="mode"):
        P.precision_at(10.0, "float8")


def test_results_do_not_depend_on_the_cpu():
    # no float16 result comes from numpy's float16 loops (which may use the CPU's own half-precision
    # instructions): the same numbers from an exact float64 reference rounded once
    x = P.vector_with_rms(2.5, 4096).astype(np.float16)
    y = P.float16_rms_norm(x)
    assert y.dtype == np.float16 and np.isfinite(y).all()
    assert abs(float(np.sqrt(np.mean(y.astype(float) ** 2))) - 1) < 2e-3


def test_precision_bad_input():
    with pytest.raises(ValueError, match="rms"):
        P.vector_with_rms(-1.0)
    with pytest.raises(ValueError, match="NaN"):
        P.float16_rms_norm([1.0, np.inf])
    with pytest.raises(ValueError, match="65504"):
        P.float16_rms_norm([1e5, 1.0])
    with pytest.raises(TypeError, match="dtype"):
        P.float16_squares_rms_norm(np.array(["a"]))
    with pytest.raises(ValueError, match="65504"):
        P.collapse_sweep([1e5])
    with pytest.raises(ValueError, match="empty"):
        P.to_bfloat16([])
    with pytest.raises(ValueError, match="eps"):
        P.float16_rms_norm([1.0], eps=-1.0)
    with pytest.raises(ValueError, match="number of features"):
        P.unit_direction(0)
