"""The promise of no overflow or underflow for any finite input: the robustness review's twelve findings.

``/work/shared/docs/reviews/robustness-review.md`` section 4 (issue 10, item 6). One test per
finding, each with the reproducer from the review and the true value derived by hand in the test
(never by calling the code under test); then property tests: no RuntimeWarning leaks from any
public function for any finite input, and rows never influence each other.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from rmsviz import layer_norm, layer_norm_backward, partial_rms_norm, rms, rms_norm, rms_norm_backward

F32 = np.float32
SQRT2 = math.sqrt(2)


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    # every finding here must also be answered without a RuntimeWarning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ---------------------------------------------------------------------------------------------
# 1-4: wrong answers with no error


def test_1_layer_norm_backward_of_a_huge_constant_vector():
    # a constant vector: var = 0, sigma = sqrt(eps) = 1e-3, xhat = 0, so
    # grad_x = (g - mean(g)) / sigma = [1, -1] / 1e-3. Was [0, -0]: eps / S**2 underflowed to 0.
    grad_x, _, _ = layer_norm_backward([1e308, 1e308], [1.0, -1.0])
    assert_allclose(grad_x, [1000.0, -1000.0], rtol=1e-12)
    grad_x, _, _ = layer_norm_backward(np.array([3e38, 3e38], F32), np.array([1, -1], F32))
    assert grad_x.dtype == F32
    assert_allclose(grad_x, [1000.0, -1000.0], rtol=1e-6)  # float32 holds 1e-6 to 3e-8


SMALL = [1e-200, 2e-200, 3e-200]
HUGE = [-1.7e308, 1.7e308, 1.7e308]


def test_2_rows_do_not_influence_each_other():
    # SMALL alone: mean 2e-200, deviations [-1, 0, 1] e-200, var ~ 7e-401 (nothing beside eps = 1e-6),
    # sigma = 1e-3: grad_x = (g - mean(g)) / sigma = [1000, 0, -1000] (xhat ~ 1e-197 is negligible)
    # and the output is [-1, 0, 1] e-200 / 1e-3. Stacked with HUGE it was [0, 0, -0], with a warning.
    g = [1.0, 0.0, -1.0]
    alone = layer_norm_backward(SMALL, g)[0]
    assert_allclose(alone, [1000.0, 0.0, -1000.0], rtol=1e-12, atol=1e-12)
    stacked = layer_norm_backward([SMALL, HUGE], [g, [0.0, 0.0, 0.0]])[0]
    assert_allclose(stacked[0], alone, rtol=1e-15, atol=0)
    y = layer_norm([SMALL, HUGE])
    assert_allclose(y[0], [-1e-197, 0.0, 1e-197], rtol=1e-12, atol=1e-300)
    # HUGE: mean 0.567e308, deviations -2/+1/+1 in units of 1.133e308: the z-score of [-2, 1, 1]
    assert_allclose(y[1], [-SQRT2, 1 / SQRT2, 1 / SQRT2], rtol=1e-12)
    # and the same for RMSNorm
    assert_allclose(rms_norm([SMALL, HUGE])[0], rms_norm(SMALL), rtol=1e-15, atol=0)


def test_3_rms_norm_backward_at_a_subnormal_vector():
    # r = sqrt(mean(x^2) + eps) = sqrt(0.5) (x^2 ~ 1e-647 is nothing), xhat ~ 7e-324, so
    # grad_x = (g - xhat mean(g xhat)) / r = [1, 0] / sqrt(0.5) = [sqrt 2, 0]. Was [1, 0].
    grad_x, _ = rms_norm_backward([5e-324, 0.0], [1.0, 0.0], eps=0.5)
    assert_allclose(grad_x, [SQRT2, 0.0], rtol=1e-15)
    grad_x, _ = rms_norm_backward(np.array([1e-45, 0], F32), np.array([1, 0], F32), eps=0.5)
    assert_allclose(grad_x, [SQRT2, 0.0], rtol=1e-6)


@pytest.mark.parametrize("x", [np.array([0, 3e-45, 3e-45], F32), np.array([0.0, 1e-323, 1e-323])],
                         ids=["float32", "float64"])
def test_4_layer_norm_of_subnormals_is_centred(x):
    # x = t [0, 1, 1] for a subnormal t; with eps = 0 LayerNorm ignores t: mean 2/3, deviations
    # [-2, 1, 1] / 3, variance 2/9: output [-2, 1, 1] / sqrt 2 = [-sqrt 2, 1/sqrt 2, 1/sqrt 2].
    # Was [-1, 1, 1]: the subnormal mean rounded to t/2... and the output was not centred.
    y = layer_norm(x, eps=0)
    assert y.dtype == x.dtype
    assert_allclose(y, [-SQRT2, 1 / SQRT2, 1 / SQRT2], rtol=1e-6 if x.dtype == F32 else 1e-15)


# ---------------------------------------------------------------------------------------------
# 5-10: errors or warnings where a finite answer exists


def test_5_partial_rms_norm_with_a_tiny_head_and_a_large_tail():
    # k = 1: r = sqrt(x0^2 + 1e-6) = 1e-3 (x0^2 is nothing), so y = x / 1e-3. Raised "does not fit".
    x = np.array([1e-40, 1.0], F32)
    assert_allclose(partial_rms_norm(x, p=0.5), [float(x[0]) * 1e3, 1e3], rtol=1e-6)
    tiny = 2.2250738585072014e-308
    assert_allclose(partial_rms_norm([tiny, 4.0], 0.5), [tiny * 1e3, 4e3], rtol=1e-15)


def test_6_zero_and_constant_rows_with_an_eps_below_the_dtype():
    # eps = 1e-100 is 0 in float32; the true output of a zero vector is 0 / sqrt(1e-100) = 0,
    # and of a constant vector LayerNorm gives (x - mean) / sqrt(eps) = 0. Both raised "overflows".
    y = rms_norm(np.zeros(3, F32), eps=1e-100)
    assert y.dtype == F32
    assert_array_equal(y, [0, 0, 0])
    z = layer_norm(np.ones(3, np.float16), eps=1e-80)
    assert z.dtype == np.float16
    assert_array_equal(z, [0, 0, 0])
    # and an eps beneath float32's range still counts where it matters: x = 1e-30 (x^2 = 1e-60 is 0 in
    # float32) with eps = 1e-60 gives x / sqrt(x^2 + eps) = 1 / sqrt(2)
    assert_allclose(rms_norm(np.array([1e-30], F32), eps=1e-60), [1 / SQRT2], rtol=1e-6)


def test_7_no_intermediate_overflow_in_the_backward_passes():
    # RMSNorm, x = [1, 0], eps = 1e-6: r^2 = 0.5 + eps, xhat = x / r, and for g = [G, 0]
    # grad_0 = (G - G / (2 r^2)) / r = G (2 r^2 - 1) / (2 r^3) = G eps / r^3, grad_1 = 0.
    G = 3e38
    r = math.sqrt(0.5 + 1e-6)
    expected = G * 1e-6 / r**3  # 8.485e32
    grad_x, _ = rms_norm_backward(np.array([1, 0], F32), np.array([G, 0], F32))
    assert grad_x.dtype == F32 and grad_x[1] == 0
    # the along-x component is a cancellation (1 - 0.999998) that float32 resolves to ~5%
    assert_allclose(grad_x[0], expected, rtol=0.1)
    grad64, _ = rms_norm_backward([1.0, 0.0], [1e308, 0.0])
    assert_allclose(grad64, [1e308 * 1e-6 / r**3, 0.0], rtol=1e-9)
    # LayerNorm, x = [1, 0]: mean 1/2, sigma^2 = 1/4 + eps, xhat = [1, -1] / (2 sigma); for g = [G, -G]
    # mean(g) = 0, mean(g xhat) = G / (2 sigma): grad_0 = G (1 - 1/(4 sigma^2)) / sigma = G eps / sigma^3
    s = math.sqrt(0.25 + 1e-6)
    grad_x, _, _ = layer_norm_backward([1.0, 0.0], [1e308, -1e308])
    assert_allclose(grad_x, [1e308 * 1e-6 / s**3, -1e308 * 1e-6 / s**3], rtol=1e-9)  # +-8.0e302


def test_8_float32_eps_beyond_float32():
    # y = [1, 2] / sqrt(2.5 + 1e39) = [1, 2] / 3.162e19 (eps = 1e39 is inf in float32). Was [0, 0].
    y = rms_norm(np.array([1, 2], F32), eps=1e39)
    assert y.dtype == F32
    assert_allclose(y, np.array([1.0, 2.0]) / math.sqrt(1e39), rtol=1e-6)
    assert_allclose(layer_norm(np.array([1, 2], F32), eps=1e39), np.array([-0.5, 0.5]) / math.sqrt(1e39), rtol=1e-6)


def test_9_value_error_not_overflow_error_and_torch_tensors_that_require_grad():
    with pytest.raises(ValueError, match=r"eps must be finite"):
        rms_norm([1.0, 2.0], eps=10**400)
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\]"):
        partial_rms_norm([1.0, 2.0], 10**400)
    # a tensor that requires grad is read through .detach() (see also test_torch_tensor_* below)
    t = _FakeTensor([3.0, 4.0], requires_grad=True)
    assert_allclose(rms_norm(t, eps=0), np.array([3.0, 4.0]) / math.sqrt(12.5), rtol=1e-15)


def test_10_gain_or_grad_out_beyond_float32():
    # y = [1, 2] / sqrt(2.5) * 1e39 = [6.3e38, 1.3e39]: beyond float32, so a ValueError (no warning)
    with pytest.raises(ValueError, match=r"rms_norm\(x\) does not fit in float32"):
        rms_norm(np.array([1, 2], F32), gain=[1e39] * 2)
    # x = 1e30 [1, 2], g = [G, G]: r = 1e30 sqrt(2.5), xhat = [1, 2] / sqrt(2.5), mean(g xhat) = 3G / (2 sqrt 2.5),
    # grad_i = G (1 - 3 a_i / 5) / r for a = [1, 2]: G [0.4, -0.2] / r = [2.53e8, -1.26e8], which fits.
    grad_x, _ = rms_norm_backward(np.array([1e30, 2e30], F32), [1e39] * 2)
    assert grad_x.dtype == F32
    assert_allclose(grad_x, 1e39 * np.array([0.4, -0.2]) / (1e30 * math.sqrt(2.5)), rtol=1e-6)


def test_11_masked_arrays_keep_their_mask():
    # the masked 1e6 takes no part: RMS of [1, 2] = sqrt(5/2). Was 577350 (the mask was dropped).
    r = rms(np.ma.array([1, 2, 1e6], mask=[0, 0, 1]))
    assert_allclose(float(r), math.sqrt(2.5), rtol=1e-15)


def test_12_layer_norm_of_two_neighbouring_floats():
    # [1, 1 + u] with u = 2^-52: mean 1 + u/2, deviations [-u/2, u/2], std u/2: output [-1, 1].
    # The plain mean rounds 1 + 2^-53 to 1 and gave [0, 1.414]; the corrected two-pass mean does not.
    assert_array_equal(layer_norm([1.0, 1.0 + 2.0**-52], eps=0), [-1.0, 1.0])
    assert_array_equal(layer_norm(np.array([1.0, 1.0 + 2.0**-23], F32), eps=0), [-1.0, 1.0])


# ---------------------------------------------------------------------------------------------
# Masked arrays and torch tensors, the semantics chosen for findings 9 and 11


class _FakeTensor:
    """Behaves like a CPU torch tensor as numpy sees it: refuses ``__array__`` while it requires grad."""

    __module__ = "torch"

    def __init__(self, values, requires_grad=False):
        self.values = np.asarray(values)
        self.requires_grad = requires_grad

    def detach(self):
        return _FakeTensor(self.values)

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.values if dtype is None else self.values.astype(dtype)


@pytest.mark.parametrize("name", ["x", "gain", "bias", "grad_out"])
def test_tensor_that_requires_grad_is_read_through_detach(name):
    x, g, b, go = np.array([1.0, 2.0, 4.0]), np.array([0.5, 1.0, 2.0]), np.array([1.0, 0.0, -1.0]), np.ones(3)
    args = dict(x=x, gain=g, bias=b, grad_out=go)
    args[name] = _FakeTensor(args[name], requires_grad=True)
    y = layer_norm(args["x"], gain=args["gain"], bias=args["bias"])
    assert_allclose(y, layer_norm(x, gain=g, bias=b), rtol=0)
    grads = layer_norm_backward(args["x"], args["grad_out"], gain=args["gain"], bias=args["bias"])
    for ours, ref in zip(grads, layer_norm_backward(x, go, gain=g, bias=b)):
        assert_allclose(ours, ref, rtol=0)


def test_torch_tensor_live():
    try:  # like pytest.importorskip, but a torch that is installed yet fails to import is skipped too
        import torch
    except ImportError as exc:
        pytest.skip(f"PyTorch is not importable ({exc}); the duck-typed tensor tests above still run")
    x = torch.tensor([[3.0, 4.0], [1.0, -1.0]], requires_grad=True)
    weight = torch.nn.Parameter(torch.tensor([2.0, 0.5]))  # a module's weight requires grad too
    y = rms_norm(x, gain=weight, eps=None)
    assert isinstance(y, np.ndarray) and y.dtype == np.float32
    expected = torch.nn.functional.rms_norm(x, [2], weight=weight).detach().numpy()
    assert_allclose(y, expected, rtol=1e-6)
    # bfloat16 has no numpy dtype: it is read as float32
    assert rms_norm(x.to(torch.bfloat16)).dtype == np.float32


def _compressed_rows(x, mask):
    return [row[~m] for row, m in zip(x, mask)]


@pytest.mark.parametrize("function", ["rms_norm", "layer_norm", "rms", "partial_rms_norm"])
def test_masked_statistics_use_the_unmasked_entries_only(function):
    x = np.array([[1.0, 2.0, 1e6, 4.0], [3.0, -1.0, 2.0, 0.5], [7.0, 7.0, 7.0, 7.0]])
    mask = np.array([[0, 0, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1]], dtype=bool)
    xm = np.ma.array(x, mask=mask)
    fn = {
        "rms_norm": lambda v: rms_norm(v, eps=1e-3),
        "layer_norm": lambda v: layer_norm(v, eps=1e-3),
        "rms": rms,
        "partial_rms_norm": lambda v: partial_rms_norm(v, 1.0, eps=1e-3),
    }[function]
    out = fn(xm)
    assert isinstance(out, np.ma.MaskedArray)
    for i, row in enumerate(_compressed_rows(x, mask)):
        if row.size == 0:
            assert np.all(np.ma.getmaskarray(out[i]))  # nothing to normalise: wholly masked
            continue
        if function == "rms":
            assert_allclose(out[i], rms(row), rtol=1e-15)
        else:
            assert_array_equal(np.ma.getmaskarray(out[i]), mask[i])
            assert_allclose(out[i].compressed(), fn(row), rtol=1e-14)


def test_masked_backward_equals_the_backward_of_the_unmasked_entries():
    x = np.ma.array([[1.0, 2.0, np.nan, 4.0], [3.0, -1.0, 2.0, 0.5]], mask=[[0, 0, 1, 0], [0, 0, 0, 0]])
    g = np.array([[0.5, -1.0, 9.0, 2.0], [1.0, 1.0, -2.0, 0.0]])
    gain, bias = np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4)
    gx, gg, gb = layer_norm_backward(x, g, gain=gain, bias=bias)
    assert_array_equal(np.ma.getmaskarray(gx), x.mask)
    keep = [0, 1, 3]
    ref_x0, ref_g0, ref_b0 = layer_norm_backward(x.data[0, keep], g[0, keep], gain=gain[keep], bias=bias[keep])
    ref_x1, ref_g1, ref_b1 = layer_norm_backward(x.data[1], g[1], gain=gain, bias=bias)
    assert_allclose(gx[0].compressed(), ref_x0, rtol=1e-14)
    assert_allclose(gx[1], ref_x1, rtol=1e-14)
    # the masked entry's output does not exist: it contributes nothing to grad_gain or grad_bias
    assert_allclose(gg[keep], ref_g0 + ref_g1[keep], rtol=1e-14)
    assert_allclose(gg[2], ref_g1[2], rtol=1e-14)
    assert_allclose(gb, [1.5, 0.0, -2.0, 2.0], rtol=0)
    rx, rg = rms_norm_backward(x, g, gain=gain)
    assert_allclose(rx[0].compressed(), rms_norm_backward(x.data[0, keep], g[0, keep], gain=gain[keep])[0], rtol=1e-14)


def test_masked_grad_out_entries_count_as_zero():
    x = np.array([1.0, 2.0, 3.0])
    g = np.ma.array([1.0, 5.0, -1.0], mask=[0, 1, 0])
    assert_allclose(rms_norm_backward(x, g)[0], rms_norm_backward(x, [1.0, 0.0, -1.0])[0], rtol=0)


# ---------------------------------------------------------------------------------------------
# Properties: no warning ever leaks; a finite answer or a ValueError that says why


any_finite = st.floats(allow_nan=False, allow_infinity=False)
extreme_eps = st.sampled_from([0.0, 5e-324, 1e-320, 1e-100, 1e-40, 1e-6, 1.0, 1e39, 1e300, 1.7e308])


def _arrays(dtype):
    elements = any_finite if dtype == np.float64 else st.floats(
        allow_nan=False, allow_infinity=False, width=32 if dtype == np.float32 else 16)
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5), elements=elements)


def _call_all(x, g, eps):
    """Every public function on x; a ValueError must say the result does not fit or is undefined."""
    n = x.shape[-1]
    gain = np.resize(g, n)
    calls = [
        lambda: rms(x),
        lambda: rms_norm(x, gain=gain, eps=eps),
        lambda: layer_norm(x, gain=gain, bias=gain, eps=eps),
        lambda: partial_rms_norm(x, 0.5, gain=gain, eps=eps),
        lambda: rms_norm_backward(x, np.resize(g, x.shape), gain=gain, eps=eps),
        lambda: layer_norm_backward(x, np.resize(g, x.shape), gain=gain, bias=gain, eps=eps),
    ]
    for call in calls:
        try:
            out = call()
        except ValueError as exc:
            assert re.search(r"does not fit|undefined", str(exc)), str(exc)
            continue
        for a in out if isinstance(out, tuple) else (out,):
            assert a is None or np.all(np.isfinite(a))


@given(_arrays(np.float64), _arrays(np.float64), extreme_eps)
@example(np.array([SMALL, HUGE]), np.array([1.0, 0.0, -1.0]), 1e-6)  # finding 2
@example(np.array([1.0, 0.0]), np.array([1e308, -1e308]), 1e-6)  # finding 7
def test_no_runtime_warning_for_any_finite_float64_input(x, g, eps):
    _call_all(x, g, eps)


@given(st.sampled_from([np.float32, np.float16]).flatmap(lambda dt: st.tuples(_arrays(dt), _arrays(dt))),
       extreme_eps)
@example((np.zeros(3, F32), np.ones(3, F32)), 1e-100)  # finding 6
@example((np.array([1e30, 2e30], F32), np.array([3e38, 3e38], F32)), 1e-6)  # finding 10
def test_no_runtime_warning_for_any_finite_float32_or_float16_input(xg, eps):
    x, g = xg
    _call_all(x, g, eps)


wide_rows = hnp.arrays(np.float64, st.tuples(st.integers(2, 4), st.integers(1, 5)), elements=any_finite)


@given(wide_rows, st.sampled_from([0.0, 1e-6, 1e-300, 1.0]))
@example(np.array([SMALL, HUGE]), 1e-6)  # finding 2
def test_each_row_is_computed_as_if_alone(x, eps):
    # a batch is a loop over rows: a huge row beside a tiny one changes nothing in it
    y = rms_norm(x, eps=eps)
    for i, row in enumerate(x):
        assert_array_equal(y[i], rms_norm(row, eps=eps))
    if eps > 0:  # (with eps = 0 a near-constant row's gradient may legitimately not fit)
        g = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)
        z = layer_norm(x, eps=eps)
        gz = layer_norm_backward(x, g, eps=eps)[0]
        gr = rms_norm_backward(x, g, eps=eps)[0]
        for i, row in enumerate(x):
            assert_array_equal(z[i], layer_norm(row, eps=eps))
            assert_array_equal(gz[i], layer_norm_backward(row, g[i], eps=eps)[0])
            assert_array_equal(gr[i], rms_norm_backward(row, g[i], eps=eps)[0])
