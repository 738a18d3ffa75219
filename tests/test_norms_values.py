"""Hand-computed values for rmsviz.norms: the source text's two vectors done right, dtypes, extremes.

Every expected value is derived by hand in the test (exact integer/fraction arithmetic in the
comments and in ``Fraction``), never by calling the code under test. The last step, a square
root, is taken with ``math.sqrt`` (correctly rounded), so the comparisons can be tight.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from rmsviz import layer_norm, partial_rms_norm, rms, rms_norm
from rmsviz.norms import partial_count

VEC = [2, 4, 6, 8]  # the source text's input vector
APPLES = [200, 300, 150, 250]  # the source text's apple weights in grams

TIGHT = dict(rtol=4e-16, atol=0)  # a couple of float64 roundings at most

SQRT5 = math.sqrt(5)


def _mean(values) -> Fraction:
    return Fraction(sum(values), len(values))


def _pop_var(values) -> Fraction:
    m = _mean(values)
    return sum((Fraction(v) - m) ** 2 for v in values) / len(values)


# ---------------------------------------------------------------------------------------------
# [2, 4, 6, 8]


def test_hand_arithmetic_of_vec():
    # squares 4, 16, 36, 64 sum to 120; / 4 = 30.  mean = 20 / 4 = 5.
    # deviations -3, -1, 1, 3; squares 9, 1, 1, 9 sum to 20; / 4 = 5 (population variance).
    assert _mean([v * v for v in VEC]) == 30
    assert _mean(VEC) == 5
    assert _pop_var(VEC) == 5
    # the identity RMS^2 = mean^2 + var: 30 = 25 + 5
    assert _mean([v * v for v in VEC]) == _mean(VEC) ** 2 + _pop_var(VEC)


def test_rms_of_vec_is_sqrt_30():
    # mean of squares = 120 / 4 = 30 exactly, so RMS = sqrt(30) ~ 5.477
    assert_allclose(rms(VEC), math.sqrt(30), **TIGHT)
    assert rms(VEC).shape == ()


def test_rms_norm_of_vec_default_eps():
    # y = x / sqrt(30 + 1e-6), eps inside the root
    expected = np.array(VEC, dtype=float) / math.sqrt(30 + 1e-6)
    assert_allclose(rms_norm(VEC), expected, **TIGHT)


def test_rms_norm_of_vec_eps0_and_its_rms_is_one():
    # y = [2, 4, 6, 8] / sqrt(30); its squares sum to 120 / 30 = 4, mean 1: RMS 1
    y = rms_norm(VEC, eps=0)
    assert_allclose(y, np.array(VEC, dtype=float) / math.sqrt(30), **TIGHT)
    assert_allclose(np.mean(y**2), 1.0, rtol=1e-15)


def test_rms_norm_of_vec_keeps_mean_signs_and_ratios():
    # RMSNorm is one division by sqrt(30): mean becomes 5 / sqrt(30) ~ 0.913, not 0,
    # and y[i] / y[0] = x[i] / x[0] = 1, 2, 3, 4.
    y = rms_norm(VEC, eps=0)
    assert_allclose(np.mean(y), 5 / math.sqrt(30), rtol=1e-15)
    assert_allclose(y / y[0], [1, 2, 3, 4], rtol=1e-15)


def test_layer_norm_of_vec_is_z_score_with_population_std():
    # mean 5, deviations [-3, -1, 1, 3], population var 5: y = [-3, -1, 1, 3] / sqrt(5 + eps)
    assert_allclose(layer_norm(VEC, eps=0), np.array([-3, -1, 1, 3]) / SQRT5, **TIGHT)
    assert_allclose(layer_norm(VEC), np.array([-3, -1, 1, 3]) / math.sqrt(5 + 1e-6), **TIGHT)


def test_layer_norm_of_vec_differs_from_rms_norm():
    # the source text's "RMSNorm" is this z-score; the true RMSNorm keeps the mean 5 / sqrt(30)
    z = layer_norm(VEC, eps=0)
    y = rms_norm(VEC, eps=0)
    assert abs(np.mean(z)) < 1e-15
    assert np.mean(y) > 0.9
    # and LayerNorm(x) = RMSNorm(x - mean): x - 5 = [-3, -1, 1, 3] has RMS sqrt(20/4) = sqrt(5)
    assert_allclose(rms([-3, -1, 1, 3]), SQRT5, **TIGHT)


def test_gain_and_bias_on_vec():
    g = [1.0, 0.5, -2.0, 3.0]
    b = [0.25, 0.0, -1.0, 10.0]
    # RMSNorm: x * g / sqrt(30 + eps): [2, 2, -12, 24] / sqrt(30 + 1e-6)
    assert_allclose(rms_norm(VEC, gain=g), np.array([2, 2, -12, 24]) / math.sqrt(30 + 1e-6), **TIGHT)
    # LayerNorm: [-3, -1, 1, 3] * g / sqrt(5) + b = [-3, -0.5, -2, 9] / sqrt(5) + b
    expected = np.array([-3, -0.5, -2, 9]) / SQRT5 + np.array(b)
    assert_allclose(layer_norm(VEC, gain=g, bias=b, eps=0), expected, rtol=1e-15, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# Apples [200, 300, 150, 250] g


def test_hand_arithmetic_of_apples_corrects_the_source():
    # mean = 900 / 4 = 225 (the source agrees)
    assert _mean(APPLES) == 225
    # deviations -25, 75, -75, 25; squares 625, 5625, 5625, 625 (the source wrote 2025 for 75^2)
    devs = [a - 225 for a in APPLES]
    assert devs == [-25, 75, -75, 25]
    assert [d * d for d in devs] == [625, 5625, 5625, 625]
    # sum 12500, / 4 = 3125 (the source: 8900 / 4 = 2225); std = sqrt(3125) = 25 sqrt(5) ~ 55.90
    assert _pop_var(APPLES) == 3125
    assert Fraction(3125) == 25**2 * 5
    # mean of squares = (40000 + 90000 + 22500 + 62500) / 4 = 215000 / 4 = 53750 = 25^2 * 86
    assert _mean([a * a for a in APPLES]) == 53750 == 25**2 * 86
    # RMS^2 = mean^2 + var: 53750 = 50625 + 3125
    assert 53750 == 225**2 + 3125


def test_rms_of_apples():
    # sqrt(53750) = 25 sqrt(86) ~ 231.84 g
    assert_allclose(rms(APPLES), math.sqrt(53750), **TIGHT)
    assert_allclose(rms(APPLES), 25 * math.sqrt(86), rtol=1e-15)


def test_population_std_of_apples_is_sqrt_3125_not_47_23():
    # std = RMS of the deviations [-25, 75, -75, 25] = sqrt(12500 / 4) = sqrt(3125) ~ 55.90
    std = rms(np.array(APPLES) - 225)
    assert_allclose(std, math.sqrt(3125), **TIGHT)
    assert abs(std - 47.23) > 8  # the source text's value is far off


def test_rms_norm_of_apples():
    # y = apples / sqrt(53750 + eps); eps = 0 gives [8, 12, 6, 10] / sqrt(86) (divide by 25)
    assert_allclose(rms_norm(APPLES), np.array(APPLES) / math.sqrt(53750 + 1e-6), **TIGHT)
    assert_allclose(rms_norm(APPLES, eps=0), np.array([8, 12, 6, 10]) / math.sqrt(86), rtol=1e-15)
    # every value stays positive: RMSNorm does not centre
    assert np.all(rms_norm(APPLES) > 0)


def test_layer_norm_of_apples_is_minus1_3_minus3_1_over_sqrt5():
    # (a - 225) / (25 sqrt 5) = [-1, 3, -3, 1] / sqrt(5) ~ [-0.447, 1.342, -1.342, 0.447]
    # (the source text's [-0.53, 1.59, -1.59, 0.53] came from its wrong std 47.23)
    z = layer_norm(APPLES, eps=0)
    assert_allclose(z, np.array([-1, 3, -3, 1]) / SQRT5, rtol=1e-15, atol=0)
    assert_allclose(layer_norm(APPLES), np.array([-25, 75, -75, 25]) / math.sqrt(3125 + 1e-6), **TIGHT)
    assert not np.allclose(z, [-0.53, 1.59, -1.59, 0.53], atol=0.05)


def test_grams_and_kilograms_give_the_same_output():
    # dividing by 1000 divides the RMS by 1000 too; with eps = 0 the output is unchanged
    kg = np.array(APPLES) / 1000
    assert_allclose(rms_norm(kg, eps=0), np.array([8, 12, 6, 10]) / math.sqrt(86), rtol=1e-15)
    assert_allclose(layer_norm(kg, eps=0), np.array([-1, 3, -3, 1]) / SQRT5, rtol=1e-14)


def test_a_100g_tray_changes_rms_norm_but_not_layer_norm():
    # [300, 400, 250, 350]: squares 90000 + 160000 + 62500 + 122500 = 435000, / 4 = 108750
    tray = np.array(APPLES) + 100
    assert_allclose(rms_norm(tray, eps=0), tray / math.sqrt(108750), **TIGHT)
    # LayerNorm subtracts the new mean 325: deviations are unchanged
    assert_allclose(layer_norm(tray, eps=0), np.array([-1, 3, -3, 1]) / SQRT5, rtol=1e-15)


# ---------------------------------------------------------------------------------------------
# dtypes


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16])
def test_integers_are_computed_in_float64(dtype):
    x = np.array(VEC, dtype=dtype)
    for fn, expected in [
        (lambda a: rms_norm(a, eps=0), np.array(VEC) / math.sqrt(30)),
        (lambda a: layer_norm(a, eps=0), np.array([-3, -1, 1, 3]) / SQRT5),
        (lambda a: partial_rms_norm(a, 1.0, eps=0), np.array(VEC) / math.sqrt(30)),
    ]:
        y = fn(x)
        assert y.dtype == np.float64
        assert_allclose(y, expected, rtol=1e-15)
    assert rms(x).dtype == np.float64
    assert_allclose(rms(x), math.sqrt(30), **TIGHT)


def test_int8_squares_do_not_wrap_around():
    # 100^2 = 10000 does not fit int8; in float64 the RMS of [100, 100] is 100 and y = [1, 1]
    x = np.array([100, -100], dtype=np.int8)
    assert_allclose(rms(x), 100.0, **TIGHT)
    assert_allclose(rms_norm(x, eps=0), [1.0, -1.0], **TIGHT)


def test_python_lists_of_ints_give_float64():
    assert rms_norm([1, 2, 3]).dtype == np.float64
    assert layer_norm([[1, 2, 3]]).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_are_kept(dtype):
    x = np.array(VEC, dtype=dtype)
    rtol = 1e-6 if dtype == np.float32 else 1e-15
    for y, expected in [
        (rms_norm(x, eps=0), np.array(VEC) / math.sqrt(30)),
        (layer_norm(x, eps=0), np.array([-3, -1, 1, 3]) / SQRT5),
        (partial_rms_norm(x, 0.5, eps=0), np.array(VEC) / math.sqrt(10)),
        (rms(x), math.sqrt(30)),
    ]:
        assert y.dtype == dtype
        assert_allclose(y, expected, rtol=rtol)


def test_float16_is_computed_in_float32_and_returned_as_float16():
    # 300^2 = 90000 overflows float16 (max 65504); in float32 the mean of squares of [300, 400]
    # is (90000 + 160000) / 2 = 125000, RMS = 250 sqrt(2) ~ 353.6, y = [3, 4] sqrt(2) / 5
    x = np.array([300, 400], dtype=np.float16)
    y = rms_norm(x, eps=0)
    assert y.dtype == np.float16
    assert_array_equal(y, np.array([0.6 * math.sqrt(2), 0.8 * math.sqrt(2)]).astype(np.float16))
    r = rms(x)
    assert r.dtype == np.float16
    assert r == np.float16(250 * math.sqrt(2))
    # a naive float16 computation would give inf for the mean of squares and y = [0, 0]
    with np.errstate(over="ignore"):
        assert np.isinf(np.mean(np.square(x)))


def test_float16_layer_norm_and_partial():
    # deviations of [300, 400, 500] from 400 are [-100, 0, 100]; squares 10000 fit float16 but their
    # sum 20000 + the mean 400^2 = 160000 would not: population var 20000/3, y = [-1, 0, 1] sqrt(3/2)
    x = np.array([300, 400, 500], dtype=np.float16)
    y = layer_norm(x, eps=0)
    assert y.dtype == np.float16
    assert_array_equal(y, np.array([-1, 0, 1]) * np.float16(math.sqrt(1.5)))
    # pRMSNorm with p = 1/3: k = 1, divide by |300|: [1, 4/3, 5/3]
    yp = partial_rms_norm(x, 1 / 3, eps=0)
    assert yp.dtype == np.float16
    assert_array_equal(yp, np.array([1, 4 / 3, 5 / 3]).astype(np.float16))


# ---------------------------------------------------------------------------------------------
# Overflow, underflow, zeros and constants


def test_rms_norm_huge_values_do_not_overflow():
    # [1e200, 3e200] = 1e200 * [1, 3]; RMS = 1e200 sqrt(10 / 2) = sqrt(5) 1e200; y = [1, 3] / sqrt(5)
    expected = np.array([1, 3]) / SQRT5
    assert_allclose(rms_norm([1e200, 3e200]), expected, rtol=1e-15)
    assert_allclose(rms([1e200, 3e200]), SQRT5 * 1e200, rtol=1e-15)


def test_rms_norm_tiny_values_do_not_underflow():
    # (1e-200)^2 underflows to 0, yet y = [1, 3] / sqrt(5) exactly as above (eps = 0)
    expected = np.array([1, 3]) / SQRT5
    assert_allclose(rms_norm([1e-200, 3e-200], eps=0), expected, rtol=1e-15)
    assert_allclose(rms([1e-200, 3e-200]), SQRT5 * 1e-200, rtol=1e-15)
    # with eps = 1e-6 the data is negligible beside eps: y = x / sqrt(1e-6) = 1000 x
    assert_allclose(rms_norm([1e-200, 3e-200]), [1e-197, 3e-197], rtol=1e-15)


def test_extremes_of_float64():
    big = np.finfo(np.float64).max
    # [max, max]: RMS = max, y = [1, 1]; [-max, max]: mean 0, LayerNorm gives [-1, 1]
    assert_allclose(rms_norm([big, big]), [1.0, 1.0], rtol=1e-15)
    assert_allclose(rms([big, -big]), big, rtol=1e-15)
    assert_allclose(layer_norm([-big, big]), [-1.0, 1.0], rtol=1e-15)
    assert_allclose(layer_norm([1e200, 3e200]), [-1.0, 1.0], rtol=1e-15)
    # the smallest subnormal: [s, 0] has mean of squares s^2 / 2, y = [s / (s / sqrt 2), 0]
    s = 5e-324
    assert_allclose(rms_norm([s, 0.0], eps=0), [math.sqrt(2), 0.0], rtol=1e-15)


def test_float32_extremes():
    # 1e30^2 overflows float32; y = [1, 3] / sqrt(5) in float32
    x = np.array([1e30, 3e30], dtype=np.float32)
    y = rms_norm(x)
    assert y.dtype == np.float32
    assert_allclose(y, np.array([1, 3]) / SQRT5, rtol=1e-6)
    x = np.array([1e-30, 3e-30], dtype=np.float32)
    assert_allclose(rms_norm(x, eps=0), np.array([1, 3]) / SQRT5, rtol=1e-6)


@pytest.mark.parametrize("eps", [1e-6, 0.0, None])
def test_zero_vector_gives_zeros(eps):
    # 0 / sqrt(0 + eps) = 0; with eps = 0 the limit is taken as 0, never NaN
    for dtype in (np.float64, np.float32, np.float16, np.int64):
        y = rms_norm(np.zeros(5, dtype=dtype), eps=eps)
        assert_array_equal(y, np.zeros(5))
        y = partial_rms_norm(np.zeros(5, dtype=dtype), 0.4, eps=eps)
        assert_array_equal(y, np.zeros(5))
    assert rms([0, 0, 0]) == 0.0


def test_zero_vector_with_gain_gives_zeros():
    assert_array_equal(rms_norm([0.0, 0.0], gain=[2.0, -3.0], eps=0), [0.0, 0.0])


@pytest.mark.parametrize("eps", [1e-6, 0.0])
@pytest.mark.parametrize("value", [5.0, 0.1, -7.25, 1e300, 1e-300, 0.0])
def test_layer_norm_of_a_constant_vector_is_zero(value, eps):
    # x - mean(x) = 0 exactly, so the z-score is 0 (not 0/0), even for 0.1 whose float mean may
    # differ from 0.1 in the last bit
    assert_array_equal(layer_norm(np.full(7, value), eps=eps), np.zeros(7))


def test_layer_norm_of_a_constant_vector_with_bias_is_the_bias():
    assert_array_equal(layer_norm([3, 3, 3], gain=[2, 2, 2], bias=[1, -1, 0.5], eps=0), [1, -1, 0.5])


def test_single_feature():
    # n = 1: RMSNorm(x) = x / |x| = sign(x) with eps = 0; LayerNorm of one value is 0
    assert_allclose(rms_norm([-3.0], eps=0), [-1.0], **TIGHT)
    assert_array_equal(layer_norm([-3.0]), [0.0])
    assert_allclose(rms([-3.0]), 3.0, **TIGHT)


# ---------------------------------------------------------------------------------------------
# Vectorisation and axes


def test_rows_are_normalised_independently():
    x = np.array([VEC, APPLES, [0, 0, 0, 0]], dtype=float)
    y = rms_norm(x, eps=0)
    assert_allclose(y[0], np.array(VEC) / math.sqrt(30), **TIGHT)
    assert_allclose(y[1], np.array(APPLES) / math.sqrt(53750), **TIGHT)
    assert_array_equal(y[2], 0.0)
    z = layer_norm(x, eps=0)
    assert_allclose(z[0], np.array([-3, -1, 1, 3]) / SQRT5, rtol=1e-15)
    assert_allclose(z[1], np.array([-1, 3, -3, 1]) / SQRT5, rtol=1e-15)
    assert_array_equal(z[2], 0.0)
    assert_allclose(rms(x), [math.sqrt(30), math.sqrt(53750), 0.0], **TIGHT)
    assert rms(x, keepdims=True).shape == (3, 1)


def test_axis_zero_normalises_columns():
    x = np.array([VEC, APPLES], dtype=float).T  # shape (4, 2): the vectors are columns
    y = rms_norm(x, eps=0, axis=0)
    assert y.shape == (4, 2)
    assert_allclose(y[:, 0], np.array(VEC) / math.sqrt(30), **TIGHT)
    assert_allclose(y[:, 1], np.array(APPLES) / math.sqrt(53750), **TIGHT)
    assert_allclose(layer_norm(x, eps=0, axis=-2)[:, 1], np.array([-1, 3, -3, 1]) / SQRT5, rtol=1e-15)
    assert_allclose(rms(x, axis=0), [math.sqrt(30), math.sqrt(53750)], **TIGHT)
    assert rms(x, axis=0, keepdims=True).shape == (1, 2)
    # a gain has the length of the normalised axis (4 here)
    g = [1.0, 2.0, 3.0, 4.0]
    assert_allclose(rms_norm(x, gain=g, eps=0, axis=0)[:, 0],
                    np.array([2, 8, 18, 32]) / math.sqrt(30), **TIGHT)


def test_middle_axis_of_a_batch():
    # shape (2, 4, 3): vector VEC along axis 1, scaled by (b + 1) * (c + 1); eps = 0 removes the scale
    base = np.array(VEC, dtype=float)
    x = np.empty((2, 4, 3))
    for b in range(2):
        for c in range(3):
            x[b, :, c] = base * (b + 1) * (c + 1) * (-1) ** c
    y = rms_norm(x, eps=0, axis=1)
    z = layer_norm(x, eps=0, axis=1)
    p = partial_rms_norm(x, 0.5, eps=0, axis=1)
    assert y.shape == z.shape == p.shape == x.shape
    for b in range(2):
        for c in range(3):
            sign = (-1) ** c
            assert_allclose(y[b, :, c], sign * base / math.sqrt(30), rtol=1e-15)
            assert_allclose(z[b, :, c], sign * np.array([-3, -1, 1, 3]) / SQRT5, rtol=1e-14)
            # head [2, 4]: mean of squares 10
            assert_allclose(p[b, :, c], sign * base / math.sqrt(10), rtol=1e-15)
    assert rms(x, axis=1).shape == (2, 3)


def test_numpy_integer_axis_is_accepted():
    assert_allclose(rms_norm(VEC, eps=0, axis=np.int64(0)), np.array(VEC) / math.sqrt(30), **TIGHT)


# ---------------------------------------------------------------------------------------------
# pRMSNorm


@pytest.mark.parametrize(
    "n, p, k",
    [(4, 1.0, 4), (4, 0.5, 2), (4, 0.25, 1), (4, 0.3, 2), (4, 0.51, 3), (10, 0.3, 3),
     (10, 0.1, 1), (100, 0.0625, 7), (16, 0.0625, 1), (3, 1e-9, 1), (7, 0.999, 7)],
)
def test_partial_count_is_ceil_n_p(n, p, k):
    # k = ceil(n p): 4 * 0.3 = 1.2 -> 2; 4 * 0.51 = 2.04 -> 3; 10 * 0.3 = 3 (not 3.0000000000000004 -> 4);
    # 100 * 0.0625 = 6.25 -> 7; at least one feature
    assert partial_count(n, p) == k


def test_partial_rms_norm_values():
    x = np.array(VEC, dtype=float)
    # k = 1: mean of squares of [2] = 4, y = x / 2
    assert_allclose(partial_rms_norm(x, 0.25, eps=0), [1, 2, 3, 4], **TIGHT)
    # k = 2: (4 + 16) / 2 = 10, y = x / sqrt(10 + eps)
    assert_allclose(partial_rms_norm(x, 0.5), x / math.sqrt(10 + 1e-6), **TIGHT)
    # k = 3 (p = 0.51): (4 + 16 + 36) / 3 = 56 / 3
    assert_allclose(partial_rms_norm(x, 0.51, eps=0), x / math.sqrt(56 / 3), rtol=1e-15)
    # gain is applied to every feature
    assert_allclose(partial_rms_norm(x, 0.25, gain=[1, 0, -1, 2], eps=0), [1, 0, -3, 8], **TIGHT)


@pytest.mark.parametrize("eps", [1e-6, 0.0, None, 0.5])
def test_partial_rms_norm_p1_equals_rms_norm(eps):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 5, 6)) * 3
    g = rng.normal(size=5)
    assert_array_equal(partial_rms_norm(x, 1.0, gain=g, eps=eps, axis=1),
                       rms_norm(x, gain=g, eps=eps, axis=1))
    assert_array_equal(partial_rms_norm(APPLES, 1, eps=eps), rms_norm(APPLES, eps=eps))


def test_partial_rms_norm_huge_and_tiny():
    # head [1e200] of [1e200, 3e200]: RMS 1e200, y = [1, 3]
    assert_allclose(partial_rms_norm([1e200, 3e200], 0.5), [1.0, 3.0], rtol=1e-15)
    assert_allclose(partial_rms_norm([1e-200, 3e-200], 0.5, eps=0), [1.0, 3.0], rtol=1e-15)


def test_partial_rms_norm_zero_head_with_eps():
    # head [0] with eps = 1e-6: y = x / sqrt(0 + 1e-6) = 1000 x
    assert_allclose(partial_rms_norm([0.0, 3.0], 0.5, eps=1e-6), [0.0, 3000.0], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# eps = None: the compute dtype's machine epsilon (PyTorch's rms_norm default)


def test_eps_none_float64_is_2_to_minus_52():
    x = np.array([1e-8, 3e-8])
    # mean of squares = (1e-16 + 9e-16) / 2 = 5e-16, comparable to 2^-52 ~ 2.22e-16
    eps = 2.0**-52
    assert eps == np.finfo(np.float64).eps
    assert_allclose(rms_norm(x, eps=None), x / math.sqrt(5e-16 + eps), rtol=1e-14)
    assert_allclose(partial_rms_norm(x, 1.0, eps=None), x / math.sqrt(5e-16 + eps), rtol=1e-14)


def test_eps_none_float32_is_2_to_minus_23():
    x = np.array([1e-4, 3e-4], dtype=np.float32)
    # mean of squares = 5e-8, comparable to 2^-23 ~ 1.19e-7
    y = rms_norm(x, eps=None)
    assert y.dtype == np.float32
    assert_allclose(y, np.array([1e-4, 3e-4]) / math.sqrt(5e-8 + 2.0**-23), rtol=1e-5)


def test_eps_none_float16_uses_float32_eps_not_float16_eps():
    # float16 is computed in float32, so eps = 2^-23 ~ 1.19e-7 (float16's own eps would be 2^-10).
    # x = [0.01, 0.01]: mean of squares ~ 1e-4 (in float16 0.01 is 0.0099945068359375)
    x = np.array([0.01, 0.01], dtype=np.float16)
    xv = float(x[0])
    y = rms_norm(x, eps=None)
    assert y.dtype == np.float16
    expected = xv / math.sqrt(xv * xv + 2.0**-23)  # ~ 0.9994
    assert_allclose(y, [expected, expected], rtol=1e-3)
    assert abs(float(y[0]) - xv / math.sqrt(xv * xv + 2.0**-10)) > 0.5  # ~ 0.30 with float16's eps


def test_eps_none_int_is_float64_eps():
    # ints compute in float64: eps = 2^-52; [2, 4, 6, 8] / sqrt(30 + 2^-52) rounds to / sqrt(30)
    assert_allclose(rms_norm(VEC, eps=None), np.array(VEC) / math.sqrt(30), **TIGHT)


def test_eps_changes_the_output_only_when_comparable_to_mean_square():
    # eps = 30 doubles the denominator's square: y = x / sqrt(60)
    assert_allclose(rms_norm(VEC, eps=30), np.array(VEC) / math.sqrt(60), **TIGHT)
    # LayerNorm with eps = 5 (= var): y = [-3, -1, 1, 3] / sqrt(10)
    assert_allclose(layer_norm(VEC, eps=5), np.array([-3, -1, 1, 3]) / math.sqrt(10), **TIGHT)


def test_inputs_are_not_modified_and_outputs_are_new_arrays():
    from rmsviz import layer_norm_backward, rms_norm_backward

    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4))
    G = rng.normal(size=(3, 4))
    g = rng.normal(size=4)
    b = rng.normal(size=4)
    copies = [a.copy() for a in (x, G, g, b)]
    outs = [
        rms(x), rms_norm(x), rms_norm(x, gain=g), layer_norm(x, gain=g, bias=b), partial_rms_norm(x, 0.5),
        *rms_norm_backward(x, G, gain=g), *layer_norm_backward(x, G, gain=g, bias=b),
    ]
    for a, c in zip((x, G, g, b), copies):
        assert_array_equal(a, c)
    for out in outs:
        for a in (x, G, g, b):
            assert not np.shares_memory(out, a)
