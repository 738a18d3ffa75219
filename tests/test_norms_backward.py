"""The analytic backward passes of rmsviz.norms against central finite differences.

For a fixed upstream gradient G, the scalar loss L(x, gain, bias) = sum(G * f(x, gain, bias)) has
dL/dx = grad_x, dL/dgain = grad_gain and dL/dbias = grad_bias; each partial derivative is estimated
by (L(t + h) - L(t - h)) / 2h with h = 1e-6 in float64 (truncation error ~ h^2, rounding ~ 1e-16/h).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from rmsviz import layer_norm, layer_norm_backward, rms_norm, rms_norm_backward

H = 1e-6
RTOL = 1e-6
ATOL = 1e-8


def _numeric_grad(loss, t: np.ndarray) -> np.ndarray:
    """Central differences of the scalar function ``loss`` at every entry of ``t`` (float64)."""
    t = np.array(t, dtype=np.float64)
    grad = np.empty_like(t)
    for i in np.ndindex(t.shape):
        old = t[i]
        t[i] = old + H
        up = loss(t)
        t[i] = old - H
        down = loss(t)
        t[i] = old
        grad[i] = (up - down) / (2 * H)
    return grad


def _data(seed, shape, axis, with_gain, with_bias=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape) * rng.uniform(0.5, 3.0) + rng.normal()
    G = rng.normal(size=shape)
    n = shape[axis]
    gain = rng.normal(size=n) if with_gain else None
    bias = rng.normal(size=n) if with_bias else None
    return x, G, gain, bias


CASES = [
    # (shape, axis)
    ((5,), -1),
    ((1,), 0),
    ((2,), 0),
    ((3, 7), -1),
    ((3, 7), 0),
    ((2, 3, 4), 1),
    ((2, 3, 4), -1),
    ((4, 2, 3), 0),
]


@pytest.mark.parametrize("eps", [1e-6, 0.0, 0.3, None])
@pytest.mark.parametrize("with_gain", [False, True], ids=["no gain", "gain"])
@pytest.mark.parametrize("shape, axis", CASES, ids=[f"{s}-axis{a}" for s, a in CASES])
def test_rms_norm_backward_matches_finite_differences(shape, axis, with_gain, eps):
    seed = len(shape) * 100 + axis + 10 * with_gain
    x, G, gain, _ = _data(seed, shape, axis, with_gain)
    grad_x, grad_gain = rms_norm_backward(x, G, gain=gain, eps=eps, axis=axis)
    assert grad_x.shape == x.shape and grad_x.dtype == np.float64

    num_x = _numeric_grad(lambda t: np.sum(G * rms_norm(t, gain=gain, eps=eps, axis=axis)), x)
    assert_allclose(grad_x, num_x, rtol=RTOL, atol=ATOL)

    if with_gain:
        num_g = _numeric_grad(lambda t: np.sum(G * rms_norm(x, gain=t, eps=eps, axis=axis)), gain)
        assert grad_gain.shape == gain.shape
        assert_allclose(grad_gain, num_g, rtol=RTOL, atol=ATOL)
    else:
        assert grad_gain is None


@pytest.mark.parametrize("eps", [1e-6, 0.0, 0.3])
@pytest.mark.parametrize("with_gain, with_bias", [(False, False), (True, False), (False, True), (True, True)],
                         ids=["plain", "gain", "bias", "gain+bias"])
@pytest.mark.parametrize("shape, axis", [c for c in CASES if c[0][c[1]] > 1],
                         ids=[f"{s}-axis{a}" for s, a in CASES if s[a] > 1])
def test_layer_norm_backward_matches_finite_differences(shape, axis, with_gain, with_bias, eps):
    seed = 7 + len(shape) * 100 + axis + 10 * with_gain + 20 * with_bias
    x, G, gain, bias = _data(seed, shape, axis, with_gain, with_bias)
    grad_x, grad_gain, grad_bias = layer_norm_backward(x, G, gain=gain, bias=bias, eps=eps, axis=axis)
    assert grad_x.shape == x.shape and grad_x.dtype == np.float64

    def f(xx=x, gg=gain, bb=bias):
        return np.sum(G * layer_norm(xx, gain=gg, bias=bb, eps=eps, axis=axis))

    assert_allclose(grad_x, _numeric_grad(lambda t: f(xx=t), x), rtol=RTOL, atol=ATOL)
    if with_gain:
        assert_allclose(grad_gain, _numeric_grad(lambda t: f(gg=t), gain), rtol=RTOL, atol=ATOL)
    else:
        assert grad_gain is None
    if with_bias:
        assert_allclose(grad_bias, _numeric_grad(lambda t: f(bb=t), bias), rtol=RTOL, atol=ATOL)
    else:
        assert grad_bias is None


def test_layer_norm_backward_of_single_feature_is_zero():
    # n = 1: LayerNorm is constant (0 + bias), so every gradient w.r.t. x is 0 (eps > 0)
    grad_x, grad_gain, grad_bias = layer_norm_backward([[3.0], [-2.0]], [[1.0], [5.0]], gain=[2.0], bias=[1.0])
    assert_allclose(grad_x, [[0.0], [0.0]], atol=0)
    assert_allclose(grad_gain, [0.0], atol=0)
    assert_allclose(grad_bias, [6.0])  # sum of the upstream gradient


def test_rms_norm_backward_hand_values():
    # x = [3, 4], eps = 0: r = sqrt((9 + 16) / 2) = 5 / sqrt(2), xhat = [3, 4] sqrt(2) / 5.
    # For G = [1, 0]: grad_x = (G - xhat * mean(G * xhat)) / r
    #   mean(G * xhat) = 3 sqrt(2) / 10;  xhat * that = [18, 24] / 50 = [0.36, 0.48]
    #   grad_x = [1 - 0.36, -0.48] * sqrt(2) / 5 = [0.64, -0.48] sqrt(2) / 5
    grad_x, _ = rms_norm_backward([3.0, 4.0], [1.0, 0.0], eps=0)
    assert_allclose(grad_x, np.array([0.64, -0.48]) * np.sqrt(2) / 5, rtol=1e-15)
    # x . grad_x = (3 * 0.64 - 4 * 0.48) sqrt(2) / 5 = 0: no gradient along x itself
    assert abs(np.dot([3.0, 4.0], grad_x)) < 1e-15


def test_layer_norm_backward_hand_values():
    # x = [1, 3], eps = 0: mean 2, var 1, sigma 1, xhat = [-1, 1].
    # G = [1, 0]: mean(G) = 1/2, mean(G * xhat) = -1/2; grad_x = G - 1/2 - xhat * (-1/2) = [0, 0]
    # (a two-feature LayerNorm always outputs [-1, 1] or [1, -1]: locally constant)
    grad_x, _, _ = layer_norm_backward([1.0, 3.0], [1.0, 0.0], eps=0)
    assert_allclose(grad_x, [0.0, 0.0], atol=1e-16)
    # x = [0, 1, 2]: mean 1, var 2/3, sigma = sqrt(2/3), xhat = [-1, 0, 1] sqrt(3/2).
    # G = [0, 1, 0]: mean(G) = 1/3, mean(G * xhat) = 0; grad_x = ([0, 1, 0] - 1/3) / sigma
    grad_x, _, _ = layer_norm_backward([0.0, 1.0, 2.0], [0.0, 1.0, 0.0], eps=0)
    assert_allclose(grad_x, (np.array([0, 1, 0]) - 1 / 3) * np.sqrt(1.5), rtol=1e-15)


@pytest.mark.parametrize("c", [1e200, 1e-200, 1e-150, 1e150])
def test_backward_scales_as_one_over_c_at_extreme_scales(c):
    # with eps = 0 the output is invariant to x -> c x, so every gradient w.r.t. x scales as 1/c;
    # this must hold even where x**2 overflows or underflows
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 6))
    G = rng.normal(size=(3, 6))
    g = rng.normal(size=6)
    gx, gg = rms_norm_backward(x, G, gain=g, eps=0)
    gx_c, gg_c = rms_norm_backward(c * x, G, gain=g, eps=0)
    assert_allclose(gx_c * c, gx, rtol=1e-12)
    assert_allclose(gg_c, gg, rtol=1e-12)  # dL/dgain sees only xhat: invariant
    lx, lg, lb = layer_norm_backward(x, G, gain=g, bias=g, eps=0)
    lx_c, lg_c, lb_c = layer_norm_backward(c * x, G, gain=g, bias=g, eps=0)
    assert_allclose(lx_c * c, lx, rtol=1e-12)
    assert_allclose(lg_c, lg, rtol=1e-12)
    assert_allclose(lb_c, lb, rtol=1e-15)


def test_backward_dtypes():
    x = np.array([[1, 2, 3], [4, 5, 7]])
    G = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -3.0]])
    for dtype, rtol in [(np.float32, 1e-5), (np.float16, 2e-3)]:
        gx, gg = rms_norm_backward(x.astype(dtype), G.astype(dtype), gain=np.ones(3), eps=1e-6)
        ref, ref_g = rms_norm_backward(x.astype(np.float64), G, gain=np.ones(3), eps=1e-6)
        assert gx.dtype == dtype and gg.dtype == dtype
        assert_allclose(gx.astype(np.float64), ref, rtol=rtol, atol=rtol)
        assert_allclose(gg.astype(np.float64), ref_g, rtol=rtol, atol=rtol)
        lx, lg, lb = layer_norm_backward(x.astype(dtype), G.astype(dtype), gain=np.ones(3), bias=np.zeros(3))
        ref_lx, ref_lg, ref_lb = layer_norm_backward(x.astype(np.float64), G, gain=np.ones(3), bias=np.zeros(3))
        assert lx.dtype == lg.dtype == lb.dtype == dtype
        assert_allclose(lx.astype(np.float64), ref_lx, rtol=rtol, atol=rtol)
    # integers compute (and return) float64
    gx, _ = rms_norm_backward(x, G)
    assert gx.dtype == np.float64
    lx, _, _ = layer_norm_backward(x, G)
    assert lx.dtype == np.float64


def test_backward_zero_vector_with_eps():
    # at x = 0 with eps > 0: r = sqrt(eps), xhat = 0, grad_x = G / sqrt(eps)
    G = np.array([1.0, -2.0, 0.5])
    gx, gg = rms_norm_backward(np.zeros(3), G, gain=[1.0, 2.0, 3.0], eps=0.25)
    assert_allclose(gx, G * [1.0, 2.0, 3.0] / 0.5, rtol=1e-15)
    assert_allclose(gg, [0.0, 0.0, 0.0], atol=0)
    # a constant vector for LayerNorm: sigma = sqrt(eps), grad_x = (d - mean(d)) / sqrt(eps)
    lx, _, _ = layer_norm_backward(np.full(3, 7.0), G, eps=0.25)
    assert_allclose(lx, (G - G.mean()) / 0.5, rtol=1e-15)
