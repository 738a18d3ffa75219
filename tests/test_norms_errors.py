"""Bad input to every public function of rmsviz.norms raises ValueError/TypeError naming the problem.

Issue 2 lists: empty input, NaN or infinity, non-numeric values, negative or non-finite eps, an axis
out of range, a gain or bias whose shape does not match the normalised axis, a grad_out whose shape
differs from x, p outside (0, 1]. Also: strings, booleans, complex numbers, ragged nesting, a scalar,
a non-integer axis, a non-numeric eps or p, and the undefined cases with eps = 0. Issue 10 adds tuple
axes (duplicates, empty tuples, non-integers inside), gains for several axes, integers too large for
float64 as eps or p (a ValueError, not OverflowError), and masked gains. An empty batch is not an
error (tests/test_norms_axes.py); an empty normalised axis is.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from rmsviz import layer_norm, layer_norm_backward, partial_rms_norm, rms, rms_norm, rms_norm_backward

GOOD = np.array([2.0, 4.0, 6.0, 8.0])


def _call_rms(x, **kw):
    return rms(x, **kw)


def _call_rms_norm(x, **kw):
    return rms_norm(x, **kw)


def _call_layer_norm(x, **kw):
    return layer_norm(x, **kw)


def _call_partial(x, **kw):
    return partial_rms_norm(x, 0.5, **kw)


def _call_rms_norm_backward(x, **kw):
    grad = kw.pop("grad_out", x)  # x is validated first, so a bad x is reported as x
    return rms_norm_backward(x, grad, **kw)


def _call_layer_norm_backward(x, **kw):
    grad = kw.pop("grad_out", x)
    return layer_norm_backward(x, grad, **kw)


ALL = {
    "rms": _call_rms,
    "rms_norm": _call_rms_norm,
    "layer_norm": _call_layer_norm,
    "partial_rms_norm": _call_partial,
    "rms_norm_backward": _call_rms_norm_backward,
    "layer_norm_backward": _call_layer_norm_backward,
}
WITH_EPS = {k: v for k, v in ALL.items() if k != "rms"}
WITH_GAIN = WITH_EPS
WITH_BIAS = {k: ALL[k] for k in ("layer_norm", "layer_norm_backward")}
BACKWARD = {k: ALL[k] for k in ("rms_norm_backward", "layer_norm_backward")}


def _ids(d):
    return list(d)


# ---------------------------------------------------------------------------------------------
# x


BAD_X = [
    # (id, value, exception, message fragment)
    ("empty list", [], ValueError, r"x is empty along the normalised axis of length 0"),
    ("empty rows", np.zeros((3, 0)), ValueError, r"x is empty along the normalised axis of length 0"),
    ("nan", [1.0, math.nan, 3.0], ValueError, r"x contains NaN or infinity"),
    ("inf", [1.0, math.inf], ValueError, r"x contains NaN or infinity"),
    ("-inf", [[1.0, 2.0], [-math.inf, 0.0]], ValueError, r"x contains NaN or infinity"),
    ("nan float32", np.array([1, np.nan], dtype=np.float32), ValueError, r"NaN or infinity"),
    ("inf float16", np.array([1, np.inf], dtype=np.float16), ValueError, r"NaN or infinity"),
    ("object", [1.0, object(), 3.0], TypeError, r"x must hold real numbers.*non-numeric"),
    ("dict", {1: 2}, TypeError, r"x must hold real numbers.*non-numeric"),
    ("strings", ["a", "b"], TypeError, r"x must hold real numbers.*dtype is <U1"),
    ("numeric strings", ["1", "2"], TypeError, r"x must hold real numbers.*dtype is <U1"),
    ("mixed string", [1.0, "a"], TypeError, r"x must hold real numbers.*<U"),
    ("one string", "abc", TypeError, r"x must hold real numbers"),
    ("bytes", b"abc", TypeError, r"x must hold real numbers.*S3"),
    ("bools", [True, False, True], TypeError, r"x must hold real numbers, not booleans"),
    ("bool array", np.ones(3, dtype=bool), TypeError, r"not booleans"),
    ("complex", [1.0, 2 + 1j], TypeError, r"x must hold real numbers, not complex"),
    ("complex zero imag", np.array([1, 2], dtype=complex), TypeError, r"not complex"),
    ("datetime", np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, r"dtype is datetime64"),
    ("ragged", [[1.0, 2.0], [3.0]], ValueError, r"x must be a rectangular array of numbers"),
    ("ragged deep", [[[1.0]], [[1.0, 2.0]]], ValueError, r"rectangular"),
    ("python float", 3.0, ValueError, r"at least one dimension.*scalar"),
    ("python int", 3, ValueError, r"at least one dimension.*scalar"),
    ("numpy scalar", np.float64(3.0), ValueError, r"scalar"),
    ("0-d array", np.array(3.0), ValueError, r"scalar"),
]


@pytest.mark.parametrize("fn", ALL.values(), ids=_ids(ALL))
@pytest.mark.parametrize("bad, exc, match", [c[1:] for c in BAD_X], ids=[c[0] for c in BAD_X])
def test_bad_x(fn, bad, exc, match):
    with pytest.raises(exc, match=match):
        fn(bad)


@pytest.mark.parametrize("fn", ALL.values(), ids=_ids(ALL))
def test_none_element_is_reported_as_non_numeric(fn):
    # numpy turns None into NaN when casting an object array; the error must still be raised
    with pytest.raises((ValueError, TypeError), match=r"x "):
        fn([1.0, None, 3.0])


def test_none_element_message_names_non_numeric():
    with pytest.raises(TypeError, match=r"non-numeric"):
        rms_norm([1.0, None, 3.0])


@pytest.mark.parametrize("fn", ALL.values(), ids=_ids(ALL))
def test_int_too_large_for_float64(fn):
    with pytest.raises((ValueError, TypeError), match=r"x .*(too large|float64)"):
        fn([10**400, 1])


# ---------------------------------------------------------------------------------------------
# eps


BAD_EPS = [
    ("negative", -1e-6, ValueError, r"eps must be >= 0, got -1e-06"),
    ("negative int", -1, ValueError, r"eps must be >= 0"),
    ("nan", math.nan, ValueError, r"eps must be finite, got nan"),
    ("numpy nan", np.float64("nan"), ValueError, r"eps must be finite"),
    ("inf", math.inf, ValueError, r"eps must be finite, got inf"),
    ("-inf", -math.inf, ValueError, r"eps must be finite"),
    ("string", "1e-6", TypeError, r"eps must be a real number, got str"),
    ("bool", True, TypeError, r"eps must be a real number, got bool"),
    ("list", [1e-6], TypeError, r"eps must be a real number, got list"),
    ("complex", 1e-6j, TypeError, r"eps must be a real number, got complex"),
]


@pytest.mark.parametrize("fn", WITH_EPS.values(), ids=_ids(WITH_EPS))
@pytest.mark.parametrize("eps, exc, match", [c[1:] for c in BAD_EPS], ids=[c[0] for c in BAD_EPS])
def test_bad_eps(fn, eps, exc, match):
    with pytest.raises(exc, match=match):
        fn(GOOD, eps=eps)


@pytest.mark.parametrize("fn", WITH_EPS.values(), ids=_ids(WITH_EPS))
def test_eps_too_large_for_float64_is_a_value_error(fn):
    # finding 9 of the robustness review: float(10**400) raised OverflowError
    with pytest.raises(ValueError, match=r"eps must be finite, got an integer too large for float64"):
        fn(GOOD, eps=10**400)


def test_p_too_large_for_float64_is_a_value_error():
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\], got an integer too large for float64"):
        partial_rms_norm(GOOD, 10**400)


# ---------------------------------------------------------------------------------------------
# axis


BAD_AXIS = [
    ("1 for 1-D", GOOD, 1, ValueError, r"axis 1 is out of range for an input with 1 dimension"),
    ("-2 for 1-D", GOOD, -2, ValueError, r"axis -2 is out of range"),
    ("2 for 2-D", np.ones((2, 4)), 2, ValueError, r"axis 2 is out of range for an input with 2 dim"),
    ("-3 for 2-D", np.ones((2, 4)), -3, ValueError, r"axis -3 is out of range"),
    ("float", GOOD, 0.0, TypeError, r"axis must be an integer or a tuple of integers, got float"),
    ("string", GOOD, "0", TypeError, r"axis must be an integer or a tuple of integers, got str"),
    ("None", GOOD, None, TypeError, r"axis must be an integer or a tuple of integers, got NoneType"),
    ("bool", GOOD, True, TypeError, r"axis must be an integer or a tuple of integers, got bool"),
    ("float in tuple", np.ones((2, 4)), (0, 1.0), TypeError, r"tuple of integers, got float"),
    ("empty tuple", np.ones((2, 4)), (), ValueError, r"axis must name at least one axis, got an empty tuple"),
    ("duplicate", np.ones((2, 4)), (1, 1), ValueError, r"axis 1 is given more than once in \(1, 1\)"),
    ("duplicate negative", np.ones((2, 4)), (-1, 1), ValueError, r"axis 1 is given more than once in \(-1, 1\)"),
    ("out of range in tuple", np.ones((2, 4)), (0, 2), ValueError, r"axis 2 is out of range for an input with 2 dim"),
]


@pytest.mark.parametrize("fn", ALL.values(), ids=_ids(ALL))
@pytest.mark.parametrize("x, axis, exc, match", [c[1:] for c in BAD_AXIS], ids=[c[0] for c in BAD_AXIS])
def test_bad_axis(fn, x, axis, exc, match):
    with pytest.raises(exc, match=match):
        fn(x, axis=axis)


# ---------------------------------------------------------------------------------------------
# gain and bias


BAD_FEATURE_VECTOR = [
    ("too short", [1.0, 1.0, 1.0], ValueError, r"{name} must have shape \(4,\) .*length 4, got shape \(3,\)"),
    ("too long", np.ones(5), ValueError, r"{name} must have shape \(4,\).*got shape \(5,\)"),
    ("2-D", np.ones((1, 4)), ValueError, r"{name} must have shape \(4,\).*got shape \(1, 4\)"),
    ("scalar", 2.0, ValueError, r"{name} must have shape \(4,\).*got shape \(\)"),
    ("empty", [], ValueError, r"{name} is empty"),
    ("nan", [1.0, math.nan, 1.0, 1.0], ValueError, r"{name} contains NaN or infinity"),
    ("inf", [1.0, 1.0, 1.0, -math.inf], ValueError, r"{name} contains NaN or infinity"),
    ("strings", ["a", "b", "c", "d"], TypeError, r"{name} must hold real numbers"),
    ("bools", [True] * 4, TypeError, r"{name} must hold real numbers, not booleans"),
    ("complex", [1j] * 4, TypeError, r"{name} must hold real numbers, not complex"),
    ("ragged", [[1.0], [1.0, 2.0]], ValueError, r"{name} must be a rectangular array"),
]


@pytest.mark.parametrize("fn", WITH_GAIN.values(), ids=_ids(WITH_GAIN))
@pytest.mark.parametrize("gain, exc, match", [c[1:] for c in BAD_FEATURE_VECTOR],
                         ids=[c[0] for c in BAD_FEATURE_VECTOR])
def test_bad_gain(fn, gain, exc, match):
    with pytest.raises(exc, match=match.format(name="gain")):
        fn(GOOD, gain=gain)


@pytest.mark.parametrize("fn", WITH_BIAS.values(), ids=_ids(WITH_BIAS))
@pytest.mark.parametrize("bias, exc, match", [c[1:] for c in BAD_FEATURE_VECTOR],
                         ids=[c[0] for c in BAD_FEATURE_VECTOR])
def test_bad_bias(fn, bias, exc, match):
    with pytest.raises(exc, match=match.format(name="bias")):
        fn(GOOD, bias=bias)


@pytest.mark.parametrize("fn", WITH_GAIN.values(), ids=_ids(WITH_GAIN))
def test_gain_for_several_axes_must_have_their_shape(fn):
    # like torch's normalized_shape: the gain of axes (1, 2) of a (2, 3, 4) array has shape (3, 4)
    x = np.arange(24.0).reshape(2, 3, 4)
    with pytest.raises(ValueError, match=r"gain must have shape \(3, 4\) to match the normalised axes "
                                         r"\(1, 2\) of shape \(3, 4\), got shape \(12,\)"):
        fn(x, gain=np.ones(12), axis=(1, 2))
    with pytest.raises(ValueError, match=r"gain must have shape \(3, 4\).*got shape \(4, 3\)"):
        fn(x, gain=np.ones((4, 3)), axis=(-1, -2))  # the order of the axes in x, not in the tuple
    fn(x, gain=np.ones((3, 4)), axis=(2, 1))


@pytest.mark.parametrize("fn", WITH_GAIN.values(), ids=_ids(WITH_GAIN))
def test_masked_gain_is_refused(fn):
    gain = np.ma.array([1.0, 1.0, 1.0, 1.0], mask=[0, 1, 0, 0])
    with pytest.raises(TypeError, match=r"gain is a masked array.*gain.filled\(value\)"):
        fn(GOOD, gain=gain)


@pytest.mark.parametrize("fn", WITH_GAIN.values(), ids=_ids(WITH_GAIN))
def test_gain_must_match_the_normalised_axis_not_the_last(fn):
    x = np.ones((4, 3))  # normalising axis 0 (length 4): a gain of length 3 is wrong
    with pytest.raises(ValueError, match=r"gain must have shape \(4,\).*got shape \(3,\)"):
        fn(x, gain=np.ones(3), axis=0)
    fn(x + np.arange(4)[:, None], gain=np.ones(4), axis=0)  # and length 4 is right


# ---------------------------------------------------------------------------------------------
# grad_out


BAD_GRAD = [
    ("shorter", np.ones(3), ValueError, r"grad_out must have the same shape as x \(4,\), got \(3,\)"),
    ("extra dim", np.ones((1, 4)), ValueError, r"grad_out must have the same shape as x \(4,\), got \(1, 4\)"),
    ("scalar", 1.0, ValueError, r"grad_out must have the same shape as x \(4,\), got \(\)"),
    ("empty", [], ValueError, r"grad_out is empty"),
    ("nan", [1.0, math.nan, 0.0, 0.0], ValueError, r"grad_out contains NaN or infinity"),
    ("inf", [1.0, math.inf, 0.0, 0.0], ValueError, r"grad_out contains NaN or infinity"),
    ("strings", list("abcd"), TypeError, r"grad_out must hold real numbers"),
    ("bools", [True, False, True, False], TypeError, r"grad_out must hold real numbers, not booleans"),
    ("complex", [1j, 0, 0, 0], TypeError, r"grad_out must hold real numbers, not complex"),
]


@pytest.mark.parametrize("fn", BACKWARD.values(), ids=_ids(BACKWARD))
@pytest.mark.parametrize("grad, exc, match", [c[1:] for c in BAD_GRAD], ids=[c[0] for c in BAD_GRAD])
def test_bad_grad_out(fn, grad, exc, match):
    with pytest.raises(exc, match=match):
        fn(GOOD, grad_out=grad)


@pytest.mark.parametrize("fn", BACKWARD.values(), ids=_ids(BACKWARD))
def test_grad_out_transposed_is_rejected(fn):
    x = np.arange(12.0).reshape(4, 3)
    with pytest.raises(ValueError, match=r"grad_out must have the same shape as x \(4, 3\), got \(3, 4\)"):
        fn(x, grad_out=np.ones((3, 4)), axis=0)


# ---------------------------------------------------------------------------------------------
# p (pRMSNorm)


@pytest.mark.parametrize("p", [0, 0.0, -0.5, 1.0000001, 2, math.nan, math.inf, -math.inf],
                         ids=["0", "0.0", "-0.5", "just above 1", "2", "nan", "inf", "-inf"])
def test_p_outside_unit_interval(p):
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\], got"):
        partial_rms_norm(GOOD, p)


@pytest.mark.parametrize("p, name", [("0.5", "str"), (None, "NoneType"), (True, "bool"), ([0.5], "list"),
                                     (0.5j, "complex"), (np.array([0.5]), "ndarray")])
def test_p_not_a_real_number(p, name):
    with pytest.raises(TypeError, match=rf"p must be a real number in \(0, 1\], got {name}"):
        partial_rms_norm(GOOD, p)


# ---------------------------------------------------------------------------------------------
# Undefined results with eps = 0, and results that cannot be represented


def test_partial_rms_norm_zero_head_with_eps0():
    with pytest.raises(ValueError, match=r"first k=2 features .* all zero .* eps=0"):
        partial_rms_norm([0.0, 0.0, 1.0, 2.0], 0.5, eps=0)
    # one bad row in a batch is enough
    with pytest.raises(ValueError, match=r"first k=1 features"):
        partial_rms_norm([[1.0, 2.0], [0.0, 2.0]], 0.5, eps=0)


def test_rms_norm_backward_at_zero_vector_with_eps0():
    with pytest.raises(ValueError, match=r"gradient of RMSNorm at the zero vector is undefined when eps=0"):
        rms_norm_backward([[1.0, 2.0], [0.0, 0.0]], np.ones((2, 2)), eps=0)


def test_layer_norm_backward_at_constant_vector_with_eps0():
    with pytest.raises(ValueError, match=r"gradient of LayerNorm at a constant vector is undefined when eps=0"):
        layer_norm_backward([[1.0, 2.0], [3.0, 3.0]], np.ones((2, 2)), eps=0)


def test_output_that_overflows_is_an_error_not_inf():
    # each value is 1e308 * xhat + 1e308 with xhat = +-1: 2e308 does not fit float64
    with pytest.raises(ValueError, match=r"layer_norm\(x\) does not fit in float64: the result overflows"):
        with np.errstate(over="ignore"):
            layer_norm([0.0, 1.0], gain=[1e308, 1e308], bias=[1e308, 1e308])
    # float16 output: 60000 * 1 + 60000 > 65504
    with pytest.raises(ValueError, match=r"does not fit in float16"):
        with np.errstate(over="ignore"):
            layer_norm(np.array([0, 1], dtype=np.float16), gain=[6e4, 6e4], bias=[6e4, 6e4])
    # the gradient at the smallest subnormal is ~ 1 / 5e-324, beyond float64
    with pytest.raises(ValueError, match=r"gradient with respect to x does not fit in float64"):
        rms_norm_backward([5e-324, 0.0], [1.0, 1.0], eps=0)


def test_overflowing_output_raises_without_a_runtime_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"does not fit"):
            layer_norm([0.0, 1.0], gain=[1e308, 1e308], bias=[1e308, 1e308])


def test_valid_inputs_raise_nothing():
    # a sanity check that the error tests above fail for the stated reason, not for every input
    for fn in ALL.values():
        fn(GOOD)
        fn(np.ones((2, 4)) + np.arange(4), axis=1)
    for fn in WITH_GAIN.values():
        fn(GOOD, gain=np.ones(4), eps=0.0)
    for fn in WITH_BIAS.values():
        fn(GOOD, gain=np.ones(4), bias=np.zeros(4), eps=1)
    for fn in BACKWARD.values():
        fn(GOOD, grad_out=np.ones(4))
    partial_rms_norm(GOOD, 1e-12)
    partial_rms_norm(GOOD, 1)
