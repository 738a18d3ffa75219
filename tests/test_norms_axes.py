"""What a learner coming from PyTorch expects (issue 10, item 6; robustness review section 1).

* ``axis`` may be a tuple of axes, normalised together like torch's ``normalized_shape``
  (LayerNorm over (C, H, W) is ``axis=(-3, -2, -1)``); a gain or bias has those axes' shape;
* an empty batch, shape ``(0, n)``, gives an empty result (and empty or zero gradients), while an
  empty normalised axis stays a ValueError;
* ``layer_norm`` and ``layer_norm_backward`` accept ``eps=None`` like ``rms_norm``: the machine
  epsilon of the compute dtype.

The live comparison with torch's ``normalized_shape`` is in tests/test_norms_golden.py (stored
cases with tuple axes, random tuple-axis cases, and ``torch.nn.LayerNorm((3, 4, 5))``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from rmsviz import layer_norm, layer_norm_backward, partial_rms_norm, rms, rms_norm, rms_norm_backward

moderate = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@st.composite
def arrays_with_axes(draw, min_side=1):
    """(x, axis, axes): axis is a tuple of distinct axes in any order, each possibly negative."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=min_side, max_side=4))
    ndim = len(shape)
    chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    axis = tuple(a - ndim if draw(st.booleans()) else a for a in chosen)
    x = draw(hnp.arrays(np.float64, shape, elements=moderate))
    return x, axis, tuple(sorted(chosen))


def _as_one_axis(x, axes):
    """x with the normalised axes moved last (in x's order) and flattened into one: (rows, n)."""
    last = list(range(x.ndim - len(axes), x.ndim))
    moved = np.moveaxis(x, list(axes), last)
    return moved.reshape(-1, int(np.prod([x.shape[a] for a in axes]))), moved.shape


def _back(rows, moved_shape, axes, ndim):
    last = list(range(ndim - len(axes), ndim))
    return np.moveaxis(rows.reshape(moved_shape), last, list(axes))


def _gain(data, x, axes, label):
    shape = tuple(x.shape[a] for a in axes)
    return data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.1, 3.0)), label=label)


# ---------------------------------------------------------------------------------------------
# Tuple axes: the same as reshaping those axes into one


@given(arrays_with_axes(), st.sampled_from([1e-6, 1e-2, 1.0]), st.data())
def test_tuple_axis_forward_equals_reshaping_to_one_axis(xa, eps, data):
    x, axis, axes = xa
    gain, bias = _gain(data, x, axes, "gain"), _gain(data, x, axes, "bias")
    rows, moved = _as_one_axis(x, axes)
    g1, b1 = gain.reshape(-1), bias.reshape(-1)
    cases = [
        (rms_norm(x, gain=gain, eps=eps, axis=axis), rms_norm(rows, gain=g1, eps=eps)),
        (layer_norm(x, gain=gain, bias=bias, eps=eps, axis=axis), layer_norm(rows, gain=g1, bias=b1, eps=eps)),
        (partial_rms_norm(x, 0.5, gain=gain, eps=eps, axis=axis), partial_rms_norm(rows, 0.5, gain=g1, eps=eps)),
    ]
    for ours, ref in cases:
        assert ours.shape == x.shape
        assert_allclose(ours, _back(ref, moved, axes, x.ndim), rtol=1e-14, atol=1e-14)
    r = rms(x, axis=axis)
    assert r.shape == tuple(s for i, s in enumerate(x.shape) if i not in axes)
    assert_allclose(r.reshape(-1), rms(rows), rtol=1e-15)
    kept = rms(x, axis=axis, keepdims=True)
    assert kept.shape == tuple(1 if i in axes else s for i, s in enumerate(x.shape))
    assert_array_equal(kept.reshape(r.shape), r)


@given(arrays_with_axes(), st.sampled_from([1e-6, 1.0, None]), st.data())
def test_tuple_axis_backward_equals_reshaping_to_one_axis(xa, eps, data):
    x, axis, axes = xa
    G = data.draw(hnp.arrays(np.float64, x.shape, elements=moderate), label="grad_out")
    gain, bias = _gain(data, x, axes, "gain"), _gain(data, x, axes, "bias")
    rows, moved = _as_one_axis(x, axes)
    G_rows, _ = _as_one_axis(G, axes)
    norm_shape = gain.shape
    gx, gg = rms_norm_backward(x, G, gain=gain, eps=eps, axis=axis)
    rx, rg = rms_norm_backward(rows, G_rows, gain=gain.reshape(-1), eps=eps)
    assert gg.shape == norm_shape
    assert_allclose(gx, _back(rx, moved, axes, x.ndim), rtol=1e-14, atol=1e-14)
    assert_allclose(gg, rg.reshape(norm_shape), rtol=1e-14, atol=1e-14)
    lx, lg, lb = layer_norm_backward(x, G, gain=gain, bias=bias, eps=eps, axis=axis)
    mx, mg, mb = layer_norm_backward(rows, G_rows, gain=gain.reshape(-1), bias=bias.reshape(-1), eps=eps)
    assert lg.shape == lb.shape == norm_shape
    assert_allclose(lx, _back(mx, moved, axes, x.ndim), rtol=1e-14, atol=1e-12)
    assert_allclose(lg, mg.reshape(norm_shape), rtol=1e-14, atol=1e-12)
    assert_allclose(lb, mb.reshape(norm_shape), rtol=1e-14, atol=1e-14)


def test_axis_order_and_sign_do_not_matter():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    gain = np.linspace(0.5, 2.0, 12).reshape(3, 4)  # the axes' shape in x's order, whatever the tuple
    ref = layer_norm(x, gain=gain, axis=(1, 2))
    for axis in [(2, 1), (-1, -2), (1, -1), (-2, 2)]:
        assert_array_equal(layer_norm(x, gain=gain, axis=axis), ref)
    assert_array_equal(rms_norm(x, axis=(0,)), rms_norm(x, axis=0))
    # all axes at once: one vector of 24 features
    assert_allclose(rms(x, axis=(0, 1, 2)), np.sqrt(np.mean(x**2)), rtol=1e-15)


def _numeric_grad(loss, t, h=1e-6):
    t = np.array(t, dtype=np.float64)
    grad = np.empty_like(t)
    for i in np.ndindex(t.shape):
        old = t[i]
        t[i] = old + h
        up = loss(t)
        t[i] = old - h
        down = loss(t)
        t[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("axis", [(1, 2), (0, 2), (-3, -1), (0, 1, 2)])
@pytest.mark.parametrize("eps", [1e-6, 0.0, None])
def test_tuple_axis_backward_matches_finite_differences(axis, eps):
    rng = np.random.default_rng(len(axis) * 10 + axis[0])
    x = rng.normal(size=(2, 3, 4)) * 2 + 0.5
    G = rng.normal(size=x.shape)
    norm_shape = tuple(x.shape[a % 3] for a in sorted(a % 3 for a in axis))
    gain, bias = rng.normal(size=norm_shape), rng.normal(size=norm_shape)

    def rms_loss(xx=x, gg=gain):
        return np.sum(G * rms_norm(xx, gain=gg, eps=eps, axis=axis))

    gx, gg = rms_norm_backward(x, G, gain=gain, eps=eps, axis=axis)
    assert_allclose(gx, _numeric_grad(lambda t: rms_loss(xx=t), x), rtol=1e-6, atol=1e-8)
    assert_allclose(gg, _numeric_grad(lambda t: rms_loss(gg=t), gain), rtol=1e-6, atol=1e-8)

    def ln_loss(xx=x, gg=gain, bb=bias):
        return np.sum(G * layer_norm(xx, gain=gg, bias=bb, eps=eps, axis=axis))

    lx, lg, lb = layer_norm_backward(x, G, gain=gain, bias=bias, eps=eps, axis=axis)
    assert_allclose(lx, _numeric_grad(lambda t: ln_loss(xx=t), x), rtol=1e-6, atol=1e-8)
    assert_allclose(lg, _numeric_grad(lambda t: ln_loss(gg=t), gain), rtol=1e-6, atol=1e-8)
    assert_allclose(lb, _numeric_grad(lambda t: ln_loss(bb=t), bias), rtol=1e-6, atol=1e-8)


def test_layer_norm_over_chw_has_mean_zero_and_variance_one_per_example():
    # the normalized_shape = (C, H, W) case: statistics over everything but the batch axis
    x = np.random.default_rng(1).normal(size=(5, 3, 4, 4)) * 7 + 3
    y = layer_norm(x, eps=0, axis=(-3, -2, -1))
    assert_allclose(y.mean(axis=(1, 2, 3)), 0.0, atol=1e-14)
    assert_allclose(y.var(axis=(1, 2, 3)), 1.0, rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# Empty batches


EMPTY = [((0, 4), -1), ((0, 3, 4), (1, 2)), ((2, 0, 5), -1), ((3, 0), 0), ((0,) * 1 + (2, 2), (-2, -1))]


@pytest.mark.parametrize("dtype, out_dtype", [(np.float64, np.float64), (np.float32, np.float32),
                                              (np.float16, np.float16), (np.int64, np.float64)])
@pytest.mark.parametrize("shape, axis", EMPTY, ids=[f"{s}-axis{a}" for s, a in EMPTY])
def test_empty_batch_gives_empty_results(shape, axis, dtype, out_dtype):
    x = np.zeros(shape, dtype=dtype)
    axes = sorted(a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,)))
    norm_shape = tuple(shape[a] for a in axes)
    batch_shape = tuple(s for i, s in enumerate(shape) if i not in axes)
    gain, bias = np.ones(norm_shape), np.zeros(norm_shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = rms(x, axis=axis)
        assert r.shape == batch_shape and r.dtype == out_dtype
        for y in (rms_norm(x, gain=gain, axis=axis), layer_norm(x, gain=gain, bias=bias, axis=axis),
                  partial_rms_norm(x, 0.5, gain=gain, axis=axis)):
            assert y.shape == shape and y.dtype == out_dtype
        gx, gg = rms_norm_backward(x, np.zeros(shape), gain=gain, axis=axis)
        assert gx.shape == shape and gx.dtype == out_dtype
        assert_array_equal(gg, np.zeros(norm_shape))  # a sum over no examples
        lx, lg, lb = layer_norm_backward(x, np.zeros(shape), gain=gain, bias=bias, axis=axis)
        assert lx.shape == shape and lg.shape == lb.shape == norm_shape
        assert_array_equal(lb, np.zeros(norm_shape))


def test_empty_masked_batch():
    x = np.ma.array(np.zeros((0, 3)), mask=np.zeros((0, 3), bool))
    y = layer_norm(x)
    assert isinstance(y, np.ma.MaskedArray) and y.shape == (0, 3)


@pytest.mark.parametrize("shape, axis, where", [
    ((3, 0), -1, r"the normalised axis of length 0"),
    ((0,), 0, r"the normalised axis of length 0"),
    ((0, 4), 0, r"the normalised axis of length 0"),
    ((2, 3, 0), (1, 2), r"the normalised axes \(1, 2\) of shape \(3, 0\)"),
])
def test_an_empty_normalised_axis_is_still_an_error(shape, axis, where):
    for fn in (rms, rms_norm, layer_norm, lambda v, axis: partial_rms_norm(v, 0.5, axis=axis)):
        with pytest.raises(ValueError, match=r"x is empty along " + where + ": there are no features"):
            fn(np.zeros(shape), axis=axis)
    with pytest.raises(ValueError, match=r"x is empty along"):
        layer_norm_backward(np.zeros(shape), np.zeros(shape), axis=axis)


@given(hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=3), st.data())
def test_any_empty_batch_shape_gives_an_empty_result(shape, data):
    ndim = len(shape)
    axes = data.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim - 1, unique=True), label="axes")
    shape = tuple(max(s, 1) if i in axes else s for i, s in enumerate(shape))  # features present
    zero_at = data.draw(st.sampled_from([i for i in range(ndim) if i not in axes]), label="empty axis")
    shape = tuple(0 if i == zero_at else s for i, s in enumerate(shape))
    x = np.zeros(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert layer_norm(x, axis=tuple(axes)).shape == shape
        assert rms_norm_backward(x, x, axis=tuple(axes))[0].shape == shape
        assert rms(x, axis=tuple(axes), keepdims=True).shape == tuple(
            1 if i in axes else s for i, s in enumerate(shape))


# ---------------------------------------------------------------------------------------------
# layer_norm(eps=None)


@pytest.mark.parametrize("dtype, machine_eps", [(np.float64, 2.0**-52), (np.float32, 2.0**-23),
                                                (np.float16, 2.0**-23), (np.int32, 2.0**-52)],
                         ids=["float64", "float32", "float16 (computed in float32)", "int (float64)"])
def test_layer_norm_eps_none_is_the_compute_dtype_machine_epsilon(dtype, machine_eps):
    # inputs whose variance is small enough for eps to be visible in every dtype
    x = (np.array([0, 1, 3, 4]) * (1 if dtype == np.int32 else 3e-4)).astype(dtype)
    assert_array_equal(layer_norm(x, eps=None), layer_norm(x, eps=machine_eps))
    G = np.array([1.0, -2.0, 0.5, 0.0])
    for ours, ref in zip(layer_norm_backward(x, G, gain=np.ones(4), eps=None),
                         layer_norm_backward(x, G, gain=np.ones(4), eps=machine_eps)):
        assert_array_equal(ours, ref)


def test_eps_none_does_not_change_when_a_wide_parameter_promotes_the_computation():
    # float32 x with a grad_out below float32's range (1e-40 is subnormal there) computes in float64,
    # but eps=None stays float32's eps; the variance (~2e-7) keeps that eps visible
    x = np.array([0.0, 3e-4, 1e-3], np.float32)
    G = [1e-40, -1e-40, 0.0]
    assert_array_equal(layer_norm_backward(x, G, eps=None)[0], layer_norm_backward(x, G, eps=2.0**-23)[0])
    assert not np.array_equal(layer_norm_backward(x, G, eps=None)[0], layer_norm_backward(x, G, eps=2.0**-52)[0])
