"""Property tests (hypothesis) for the identities and invariances of DESIGN.md section 2.

Strategies are bounded so that every property is well-conditioned in float64; where a property
depends on the spread of the vector (LayerNorm), the tolerance is derived from its condition number
and near-constant vectors are excluded with ``assume``. The hypothesis profile (deterministic,
60 examples) is set in conftest.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose

from rmsviz import layer_norm, layer_norm_backward, partial_rms_norm, rms, rms_norm, rms_norm_backward
from rmsviz.norms import partial_count

MACH = np.finfo(np.float64).eps

# -- strategies --------------------------------------------------------------------------------

lengths = st.integers(min_value=1, max_value=16)
# |x| <= 1e3, and tiny values flushed to 0 so that numpy's own mean/var/std (the references in
# the identity tests, which are not scale-safe) do not underflow
moderate = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(
    lambda v: 0.0 if abs(v) < 1e-100 else v
)
# any finite float64, subnormals and +-1.8e308 included: the scale-safe paths must handle them
any_finite = st.floats(allow_nan=False, allow_infinity=False)


def _wide_element():
    """0 or m * 10**e with 0.1 <= |m| <= 1 and |e| <= 250: values from 1e-251 to 1e250."""
    mantissa = st.floats(min_value=0.1, max_value=1.0) | st.floats(min_value=-1.0, max_value=-0.1)
    return st.just(0.0) | st.builds(lambda m, e: m * 10.0**e, mantissa, st.integers(-250, 250))


wide = _wide_element()


def vectors(elements, min_n=1, max_n=16):
    return hnp.arrays(np.float64, st.integers(min_n, max_n), elements=elements)


def batches(elements):
    shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)
    return hnp.arrays(np.float64, shapes, elements=elements)


eps_values = st.sampled_from([0.0, 1e-12, 1e-6, 1e-2, 1.0])
positive_scales = st.floats(min_value=1e-40, max_value=1e40)


def _nonzero(x):
    return np.max(np.abs(x)) > 0


def _range_ok(x, limit=1e290):
    """The largest and smallest non-zero magnitudes are within ``limit`` of each other.

    Then every non-zero output x_i / RMS(x) >= x_i / max|x| stays a normal float: a wider range
    would underflow the smallest outputs to subnormals or zero (a float64 limit, not a bug).
    """
    a = np.abs(x[x != 0])
    return a.size == 0 or np.log(np.max(a)) - np.log(np.min(a)) < np.log(limit)


def _spread_ok(x, ratio=1e-6):
    """The vector is not near-constant: std(x) is at least ratio * max|x|."""
    m = np.max(np.abs(x))
    return m > 0 and np.std(x / m) >= ratio


# -- RMSNorm: output RMS, signs, ratios, scale invariance -------------------------------------


@given(vectors(any_finite))
def test_rms_norm_output_has_rms_one(x):
    assume(_nonzero(x))
    y = rms_norm(x, eps=0)
    assert np.all(np.isfinite(y))
    assert_allclose(np.sqrt(np.mean(y**2)), 1.0, rtol=1e-14)
    # the same through rms itself
    assert_allclose(rms(y), 1.0, rtol=1e-14)


@given(batches(wide), st.data())
def test_rms_norm_output_has_rms_one_along_any_axis(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    y = rms_norm(x, eps=0, axis=axis)
    r = np.sqrt(np.mean(y**2, axis=axis))
    nonzero = np.max(np.abs(x), axis=axis) > 0
    assert_allclose(r[nonzero], 1.0, rtol=1e-14)
    assert np.all(r[~nonzero] == 0)  # zero vectors map to zeros


@given(vectors(wide), positive_scales)
def test_rms_norm_is_invariant_to_positive_scaling(x, c):
    # c x stays a normal float (|x| <= 1e250, c <= 1e40 and vice versa): each entry rounds once
    y = rms_norm(x, eps=0)
    assert_allclose(rms_norm(c * x, eps=0), y, rtol=1e-14, atol=1e-300)
    # and -x maps to -y (scaling by -1 flips every output)
    assert_allclose(rms_norm(-x, eps=0), -y, rtol=0, atol=0)


@given(vectors(moderate), st.floats(min_value=1e-3, max_value=1e3), eps_values)
def test_rms_norm_scaling_with_eps_scaled_by_c_squared(x, c, eps):
    # x / sqrt(mean(x^2) + eps) = c x / sqrt(mean(c^2 x^2) + c^2 eps)
    assert_allclose(rms_norm(c * x, eps=c * c * eps), rms_norm(x, eps=eps), rtol=1e-13, atol=1e-300)


@given(vectors(wide), eps_values)
def test_rms_norm_keeps_signs_and_ratios(x, eps):
    assume(_range_ok(x))
    y = rms_norm(x, eps=eps)
    # one division by a positive number: every sign is kept (zeros stay zero) ...
    assert np.array_equal(np.sign(y), np.sign(x))
    # ... and y = k x for a single k > 0, so every ratio y_i / y_j = x_i / x_j
    nz = x != 0
    if np.any(nz):
        k = y[nz] / x[nz]
        assert np.all(k > 0)
        assert_allclose(k, k[0], rtol=1e-14)


@given(vectors(moderate), eps_values, st.data())
def test_gain_multiplies_the_output(x, eps, data):
    g = data.draw(hnp.arrays(np.float64, x.shape, elements=moderate), label="gain")
    assert_allclose(rms_norm(x, gain=g, eps=eps), rms_norm(x, eps=eps) * g, rtol=1e-15, atol=0)


# -- identities ---------------------------------------------------------------------------------


@given(vectors(moderate))
def test_rms_squared_is_mean_squared_plus_variance(x):
    # no cancellation: both terms on the right are >= 0, so a relative tolerance is fair
    r = rms(x)
    assert_allclose(r**2, np.mean(x) ** 2 + np.var(x), rtol=1e-12, atol=1e-300)


@given(vectors(moderate))
def test_std_is_rms_of_the_deviations(x):
    assert_allclose(rms(x - np.mean(x)), np.std(x), rtol=1e-12, atol=1e-300)


@given(vectors(moderate, min_n=2), st.sampled_from([1e-6, 1e-2, 1.0]), st.data())
def test_layer_norm_is_rms_norm_of_the_centred_vector(x, eps, data):
    assume(_spread_ok(x))
    g = data.draw(hnp.arrays(np.float64, x.shape, elements=moderate), label="gain")
    b = data.draw(hnp.arrays(np.float64, x.shape, elements=moderate), label="bias")
    centred = x - np.mean(x)
    assert_allclose(layer_norm(x, eps=eps), rms_norm(centred, eps=eps), rtol=1e-12, atol=1e-12)
    # gains and bias: LN(x; g, b) = RMSNorm(x - mean; g) + b
    assert_allclose(layer_norm(x, gain=g, bias=b, eps=eps), rms_norm(centred, gain=g, eps=eps) + b,
                    rtol=1e-12, atol=1e-9)


@given(vectors(moderate), eps_values)
def test_layer_norm_equals_rms_norm_when_mean_is_zero(x, eps):
    x = np.stack([x, -x], axis=1).ravel()  # [v1, -v1, v2, -v2, ...]: the float sum cancels exactly
    assume(np.mean(x) == 0.0)
    assert_allclose(layer_norm(x, eps=eps), rms_norm(x, eps=eps), rtol=1e-13, atol=1e-15)


# -- LayerNorm: mean 0, variance 1, shift-and-scale invariance ---------------------------------


@given(vectors(moderate, min_n=2))
def test_layer_norm_output_has_mean_zero_and_variance_one(x):
    assume(_spread_ok(x))
    z = layer_norm(x, eps=0)
    assert abs(np.mean(z)) < 1e-9
    assert_allclose(np.var(z), 1.0, rtol=1e-9)


@given(vectors(moderate, min_n=2), st.floats(min_value=1e-3, max_value=1e3),
       st.floats(min_value=-1e4, max_value=1e4))
def test_layer_norm_is_invariant_to_shift_and_positive_scale(x, a, b):
    assume(_spread_ok(x, 1e-4))
    shifted = a * x + b
    # the deviations of a x + b lose about ulp(|a x| + |b|) each; relative to a std(x) that is
    # the condition number below; the tolerance scales with it
    cond = (a * np.max(np.abs(x)) + abs(b)) / (a * np.std(x))
    assume(cond < 1e7)
    tol = 64 * MACH * cond
    assert_allclose(layer_norm(shifted, eps=0), layer_norm(x, eps=0), rtol=0, atol=tol)
    # a negative scale flips the output
    assert_allclose(layer_norm(-shifted, eps=0), -layer_norm(x, eps=0), rtol=0, atol=tol)


# -- Jacobians ----------------------------------------------------------------------------------


@given(vectors(wide))
def test_rms_norm_jacobian_annihilates_x(x):
    # J = (I - xhat xhat^T / n) / r is symmetric, so J x = J^T x = rms_norm_backward(x, grad_out=x);
    # with eps = 0, J x = (x - xhat * mean(x * xhat)) / r = (x - x) / r = 0
    assume(_nonzero(x))
    m = np.max(np.abs(x))
    assume(m < 1e250)  # J x has the size of x / r ~ 1; keep x itself representable after scaling
    jx, _ = rms_norm_backward(x, x, eps=0)
    assert_allclose(jx, 0.0, atol=1e-13 * np.sqrt(x.size))


@given(vectors(moderate), st.data())
def test_rms_norm_gradient_is_orthogonal_to_x(x, data):
    # x . grad_x = (J x) . G = 0 for every upstream gradient G (eps = 0)
    assume(_spread_ok(x, 0) and np.max(np.abs(x)) > 1e-3)
    G = data.draw(hnp.arrays(np.float64, x.shape, elements=moderate), label="grad_out")
    gx, _ = rms_norm_backward(x, G, eps=0)
    scale = np.linalg.norm(G) * np.sqrt(x.size)  # |x| |gx| <= |x| |G| / r = sqrt(n) |G|
    assert abs(np.dot(x, gx)) <= 1e-13 * max(scale, 1e-300)


@given(vectors(moderate), st.sampled_from([1e-6, 1e-2, 1.0]))
def test_rms_norm_jacobian_times_x_with_eps(x, eps):
    # with eps > 0: J x = (x - xhat * mean(x^2) / r) / r = x (1 - mean(x^2) / r^2) / r = eps x / r^3
    r = np.sqrt(np.mean(x**2) + eps)
    jx, _ = rms_norm_backward(x, x, eps=eps)
    expected = eps * x / r**3
    assert_allclose(jx, expected, rtol=1e-8, atol=1e-12 * np.max(np.abs(x / r)) + 1e-300)


@given(vectors(moderate, min_n=2), st.sampled_from([0.0, 1e-6, 1.0]))
def test_layer_norm_jacobian_annihilates_constants_and_x(x, eps):
    # J = (I - 1 1^T / n - xhat xhat^T / n) / sigma is symmetric: J 1 = 0 (LN ignores shifts), and
    # with eps = 0 also J x = 0 (LN ignores scaling)
    assume(_spread_ok(x, 1e-3))
    ones = np.ones_like(x)
    j1, _, _ = layer_norm_backward(x, ones, eps=eps)
    sigma = np.sqrt(np.var(x) + eps)
    assert_allclose(j1, 0.0, atol=1e-12 * np.sqrt(x.size) / sigma)
    if eps == 0:
        jx, _, _ = layer_norm_backward(x, x, eps=0)
        assert_allclose(jx, 0.0, atol=1e-12 * np.sqrt(x.size) * np.max(np.abs(x)) / sigma)


@given(vectors(moderate), positive_scales.filter(lambda c: 1e-6 < c < 1e6), st.data())
def test_gradient_through_rms_norm_scales_as_one_over_c(x, c, data):
    assume(np.max(np.abs(x)) > 1e-3)
    G = data.draw(hnp.arrays(np.float64, x.shape, elements=moderate), label="grad_out")
    gx, _ = rms_norm_backward(x, G, eps=0)
    gx_c, _ = rms_norm_backward(c * x, G, eps=0)
    assert_allclose(gx_c * c, gx, rtol=1e-10, atol=1e-12 * (np.linalg.norm(gx) + np.linalg.norm(G)))


# -- vectorisation and pRMSNorm -----------------------------------------------------------------


@given(batches(moderate), eps_values, st.data())
def test_batched_call_equals_per_vector_calls(x, eps, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    y = rms_norm(x, eps=eps, axis=axis)
    z = layer_norm(x, eps=max(eps, 1e-12), axis=axis)
    xs = np.moveaxis(x, axis, -1).reshape(-1, x.shape[axis])
    ys = np.moveaxis(y, axis, -1).reshape(-1, x.shape[axis])
    zs = np.moveaxis(z, axis, -1).reshape(-1, x.shape[axis])
    for row, yrow, zrow in zip(xs, ys, zs):
        assert_allclose(yrow, rms_norm(row, eps=eps), rtol=1e-14, atol=1e-300)
        assert_allclose(zrow, layer_norm(row, eps=max(eps, 1e-12)), rtol=1e-9, atol=1e-9)


@given(vectors(wide), st.floats(min_value=0.01, max_value=1.0), positive_scales)
def test_partial_rms_norm_head_has_rms_one_and_is_scale_invariant(x, p, c):
    k = partial_count(x.size, p)
    head = x[:k]
    assume(_nonzero(head) and _range_ok(x))
    y = partial_rms_norm(x, p, eps=0)
    assert_allclose(np.sqrt(np.mean(y[:k] ** 2)), 1.0, rtol=1e-14)
    # and it is x divided by the RMS of its head: the same k for every feature
    nz = x != 0
    ratios = y[nz] / x[nz]
    assert_allclose(ratios, ratios[0], rtol=1e-14)
    assert_allclose(partial_rms_norm(c * x, p, eps=0), y, rtol=1e-14, atol=1e-300)


@given(vectors(moderate), eps_values)
def test_partial_rms_norm_with_p_one_is_rms_norm(x, eps):
    assert np.array_equal(partial_rms_norm(x, 1.0, eps=eps), rms_norm(x, eps=eps))


@given(vectors(moderate, min_n=1), eps_values)
def test_float32_agrees_with_float64(x, eps):
    assume(np.max(np.abs(x)) > 1e-3)
    y64 = rms_norm(x, eps=eps)
    y32 = rms_norm(x.astype(np.float32), eps=eps)
    assert y32.dtype == np.float32
    # float32 rounding of x and of the statistic: a few float32 ulps of the largest output
    assert_allclose(y32, y64, rtol=0, atol=1e-5 * max(1.0, np.max(np.abs(y64))))
