"""Write-it-yourself exercises (rmsviz.checks): my_rms 01.4, my_rms_norm 01.5, my_layer_norm 03.3,
my_rms_norm_backward 04.4.

Every buggy implementation below makes one usual mistake and must get its own hint; correct
implementations in several styles must get "Correct!"; and no wrong function, from a grammar of
mistakes or a random perturbation of a right one, may ever get "Correct!".
"""

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmsviz.checks import check
from rmsviz.norms import layer_norm, rms_norm_backward


def _check(exercise_id, function):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return check(exercise_id, function)


def _assert_hint(exercise_id, function, *words):
    feedback = _check(exercise_id, function)
    assert not feedback.correct, feedback
    for word in words:
        assert word in feedback.message, feedback.message
    assert "\n" not in feedback.message


def _ms(x, axis=-1):
    return np.mean(np.asarray(x, dtype=float) ** 2, axis=axis, keepdims=True)


# ----------------------------------------------------------------------------------------------
# The answer is not a function yet


@pytest.mark.parametrize("exercise_id, name", [("01.4", "my_rms"), ("01.5", "my_rms_norm"),
                                               ("03.3", "my_layer_norm"), ("04.4", "my_rms_norm_backward")])
def test_the_notebook_stub_means_no_answer_yet(exercise_id, name):
    def stub(*args):
        # your code here
        return None

    def not_written(*args):
        raise NotImplementedError

    for answer in (stub, not_written, None):
        feedback = _check(exercise_id, answer)
        assert not feedback.correct
        assert feedback.message.startswith(f"No answer yet: write {name}(")
    passed_a_result = _check(exercise_id, np.array([1.0, 2.0]))
    assert f"pass {name} itself" in passed_a_result.message and "ndarray" in passed_a_result.message


def test_an_exception_is_named_with_the_input_that_raised_it():
    def fails_on_batches(x):
        if x.ndim > 1:
            return {}["row"]
        return np.sqrt(np.mean(x**2))

    _assert_hint("01.4", fails_on_batches, "raised KeyError", "x of shape (4, 4)")

    def divides_by_zero(x, gain, eps):
        return x / 0 if x.dtype.kind == "i" else x / np.sqrt(_ms(x) + eps) * gain

    # numpy's x / 0 warns and returns inf: the student's warnings stay quiet, the result is judged
    _assert_hint("01.5", divides_by_zero, "(integers)", "not an array of finite numbers")

    def wrong_signature(x):
        return x

    _assert_hint("01.5", wrong_signature, "raised TypeError", "the checker calls my_rms_norm(x, gain, eps)")


def test_a_function_that_returns_none_later_is_told_to_return():
    def forgets_batches(x):
        if x.ndim == 1:
            return np.sqrt(np.mean(x**2))

    _assert_hint("01.4", forgets_batches, "returns None", "return statement")


# ----------------------------------------------------------------------------------------------
# 01.4 my_rms(x)


def rms_keepdims(x):
    return np.sqrt(np.mean(np.square(x), axis=-1, keepdims=True))


def rms_loops(x):
    x = np.asarray(x, dtype=float)
    rows = x.reshape(-1, x.shape[-1])
    out = [math.sqrt(sum(v * v for v in row) / len(row)) for row in rows]
    return np.array(out).reshape(x.shape[:-1])


def rms_float32(x):
    x = np.asarray(x, dtype=np.float32)
    return np.sqrt(np.mean(x * x, axis=-1))


def rms_norm_based(x):
    return np.linalg.norm(x, axis=-1) / np.sqrt(np.shape(x)[-1])


@pytest.mark.parametrize("my_rms", [rms_keepdims, rms_loops, rms_float32, rms_norm_based])
def test_01_4_right_functions(my_rms):
    assert _check("01.4", my_rms).message == "Correct!"


@pytest.mark.parametrize("my_rms, words", [
    (lambda x: np.std(x, axis=-1), ["the standard deviation", "does not subtract the mean"]),
    (lambda x: np.mean(x**2, axis=-1), ["the square root is missing"]),
    (lambda x: np.sqrt(np.sum(x**2, axis=-1) / (x.shape[-1] - 1)), ["n - 1"]),
    (lambda x: np.sqrt(np.sum(x**2, axis=-1)), ["the length"]),
    (lambda x: np.mean(np.abs(x), axis=-1), ["the mean of the absolute values"]),
    (lambda x: np.mean(x, axis=-1), ["is the mean.", "-4 counts as much as 4"]),
    (lambda x: np.sqrt(np.mean(x**2, axis=0)), ["over the first axis"]),
    (lambda x: np.sqrt(np.mean(x**2, axis=1 if x.ndim > 1 else 0)), ["axis 1", "axis=-1"]),
    (lambda x: np.sqrt(np.mean(x**2)), ["one RMS of the whole array"]),
], ids=["mean subtracted", "missing root", "n - 1", "length", "absolute values", "no square", "axis 0",
        "axis 1", "all axes"])
def test_01_4_each_mistake_gets_its_hint(my_rms, words):
    _assert_hint("01.4", my_rms, *words)


def test_01_4_modifying_x_in_place_is_named():
    def squares_in_place(x):
        x **= 2
        return np.sqrt(x.mean(axis=-1))

    _assert_hint("01.4", squares_in_place, "changes its input x", "x /= r")


# ----------------------------------------------------------------------------------------------
# 01.5 my_rms_norm(x, gain, eps)


def rms_norm_keepdims(x, gain, eps):
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps) * gain


def rms_norm_loops(x, gain, eps):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for index in np.ndindex(x.shape[:-1]):
        row = x[index]
        r = math.sqrt(sum(v * v for v in row) / len(row) + eps)
        out[index] = [row[j] / r * gain[j] for j in range(len(row))]
    return out


def rms_norm_float32(x, gain, eps):
    x = np.asarray(x, dtype=np.float32)
    r = np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + np.float32(eps))
    return (x / r * gain.astype(np.float32)).astype(np.float32)


def rms_norm_rsqrt(x, gain, eps):
    inv = 1.0 / np.sqrt(np.einsum("...i,...i->...", x, x)[..., None] / x.shape[-1] + eps)
    return (x * inv) * gain


@pytest.mark.parametrize("my_rms_norm", [rms_norm_keepdims, rms_norm_loops, rms_norm_float32, rms_norm_rsqrt])
def test_01_5_right_functions(my_rms_norm):
    assert _check("01.5", my_rms_norm).message == "Correct!"


def _centred(x):
    return x - np.mean(x, axis=-1, keepdims=True)


@pytest.mark.parametrize("my_rms_norm, words", [
    (lambda x, g, e: _centred(x) / np.sqrt(np.var(x, axis=-1, keepdims=True) + e) * g, ["LayerNorm's output"]),
    (lambda x, g, e: _centred(x) / np.sqrt(_ms(x) + e) * g, ["(x - mean) / RMS(x)"]),
    (lambda x, g, e: x / (_ms(x) + e) * g, ["the square root is missing"]),
    (lambda x, g, e: x / (np.sqrt(_ms(x)) + e) * g, ["eps is outside the root", "inside the square root"]),
    (lambda x, g, e: x / np.sqrt(_ms(x)) * g, ["eps is missing"]),
    (lambda x, g, e: x / np.sqrt(np.sum(x**2, -1, keepdims=True) / (x.shape[-1] - 1) + e) * g, ["n - 1"]),
    (lambda x, g, e: x / np.sqrt(_ms(x, axis=0) + e) * g, ["over the first axis"]),
    (lambda x, g, e: x / np.sqrt(_ms(x, axis=1 if x.ndim > 1 else 0) + e) * g, ["axis 1"]),
    (lambda x, g, e: x / np.sqrt(np.mean(x**2) + e) * g, ["one statistic for the whole array"]),
    (lambda x, g, e: x / np.sqrt(np.mean(x**2, axis=-1) + e) * g, ["the reduced axis was dropped", "keepdims=True"]),
    (lambda x, g, e: x / np.sqrt(_ms(x) + e), ["without the gain"]),
    (lambda x, g, e: x / np.sqrt(_ms(x) + e) * (g[:, None] if x.ndim > 1 else g), ["along the first axis"]),
    (lambda x, g, e: x / np.sqrt(_ms(x) + e) + g, ["gain added"]),
    (lambda x, g, e: x * g / np.sqrt(_ms(x * g) + e), ["gain applied before the normalisation"]),
], ids=["LayerNorm", "mixed recipe", "missing root", "eps outside", "eps missing", "n - 1", "axis 0", "axis 1",
        "all axes", "no keepdims", "gain missing", "gain not broadcast", "gain added", "gain first"])
def test_01_5_each_mistake_gets_its_hint(my_rms_norm, words):
    _assert_hint("01.5", my_rms_norm, *words)


def test_01_5_modifying_x_in_place_is_named():
    def divides_in_place(x, gain, eps):
        x /= np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)
        return x * gain

    _assert_hint("01.5", divides_in_place, "changes its input x")

    def scales_gain_in_place(x, gain, eps):
        gain *= 1.0
        gain /= np.sqrt(np.mean(x**2) + eps)  # also wrong, but the change of gain is named first
        return x * gain

    _assert_hint("01.5", scales_gain_in_place, "changes its input gain")


def test_01_5_in_place_on_integer_input_is_named():
    def copies_then_divides_in_place(x, gain, eps):
        y = x.copy()
        y /= np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)  # fails for integer x
        return y * gain

    _assert_hint("01.5", copies_then_divides_in_place, "raised", "(integers)", "integer input")


def test_01_5_a_missing_keepdims_that_raises_names_keepdims():
    def no_keepdims_transposed(x, gain, eps):  # works on a square batch only by luck
        r = np.sqrt(np.mean(x**2, axis=-1) + eps)
        return (x.T / r).T * gain if x.ndim == 2 and x.shape[0] == x.shape[1] else x / r * gain

    _assert_hint("01.5", no_keepdims_transposed, "raised ValueError", "keepdims=True")


# ----------------------------------------------------------------------------------------------
# 03.3 my_layer_norm(x, gain, bias, eps), built from my_rms_norm


def layer_norm_from_rms_norm(x, gain, bias, eps):
    return rms_norm_keepdims(x - np.mean(x, axis=-1, keepdims=True), gain, eps) + bias


def layer_norm_numpy(x, gain, bias, eps):
    return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) * gain + bias


def layer_norm_float32(x, gain, bias, eps):
    x = np.asarray(x, dtype=np.float32)
    return layer_norm(x, gain.astype(np.float32), bias.astype(np.float32), eps)


@pytest.mark.parametrize("my_layer_norm", [layer_norm_from_rms_norm, layer_norm_numpy, layer_norm_float32])
def test_03_3_right_functions(my_layer_norm):
    assert _check("03.3", my_layer_norm).message == "Correct!"


def _xhat(x, e):
    return _centred(x) / np.sqrt(np.var(x, axis=-1, keepdims=True) + e)


@pytest.mark.parametrize("my_layer_norm, words", [
    (lambda x, g, b, e: rms_norm_keepdims(x, g, e) + b, ["RMSNorm's output", "subtract the mean"]),
    (lambda x, g, b, e: _centred(x) / np.sqrt(_ms(x) + e) * g + b, ["the RMS of x instead of"]),
    (lambda x, g, b, e: _centred(x) / (np.var(x, -1, keepdims=True) + e) * g + b, ["square root is missing"]),
    (lambda x, g, b, e: _centred(x) / (np.std(x, -1, keepdims=True) + e) * g + b, ["eps is outside the root"]),
    (lambda x, g, b, e: _centred(x) / np.std(x, -1, keepdims=True) * g + b, ["eps is missing"]),
    (lambda x, g, b, e: _centred(x) / np.sqrt(np.var(x, -1, ddof=1, keepdims=True) + e) * g + b, ["n - 1"]),
    (lambda x, g, b, e: (x - x.mean(0)) / np.sqrt(x.var(0) + e) * g + b, ["over the first axis"]),
    (lambda x, g, b, e: (x - x.mean()) / np.sqrt(x.var() + e) * g + b, ["one statistic for the whole array"]),
    (lambda x, g, b, e: _xhat(x, e) + b, ["without the gain"]),
    (lambda x, g, b, e: _xhat(x, e) * g, ["without the bias"]),
    (lambda x, g, b, e: (_xhat(x, e) + b) * g, ["bias is added before the gain"]),
    (lambda x, g, b, e: _xhat(x, e) * b + g, ["gain and bias are swapped"]),
    (lambda x, g, b, e: _xhat(x, e) + g + b, ["gain added"]),
], ids=["no centring", "RMS of x", "missing root", "eps outside", "eps missing", "n - 1", "axis 0", "all axes",
        "gain missing", "bias missing", "bias first", "swapped", "gain added"])
def test_03_3_each_mistake_gets_its_hint(my_layer_norm, words):
    _assert_hint("03.3", my_layer_norm, *words)


# ----------------------------------------------------------------------------------------------
# 04.4 my_rms_norm_backward(x, grad_out, gain, eps) -> (grad_x, grad_gain)


def backward_numpy(x, grad_out, gain, eps):
    x = np.asarray(x, dtype=float)
    r = np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)
    y = x / r
    d = grad_out * gain
    grad_x = (d - y * np.mean(d * y, axis=-1, keepdims=True)) / r
    grad_gain = np.sum((grad_out * y).reshape(-1, x.shape[-1]), axis=0)
    return grad_x, grad_gain


def backward_jacobian_loops(x, grad_out, gain, eps):
    """Row by row with the explicit Jacobian J = (I - y yᵀ / n) / r (times diag(gain))."""
    x = np.asarray(x, dtype=float)
    n = x.shape[-1]
    grad_x = np.empty_like(x)
    grad_gain = np.zeros(n)
    for index in np.ndindex(x.shape[:-1]):
        row, up = x[index], grad_out[index]
        r = math.sqrt(float(row @ row) / n + eps)
        y = row / r
        jacobian = (np.eye(n) - np.outer(y, y) / n) / r
        grad_x[index] = jacobian.T @ (up * gain)
        grad_gain += up * y
    return grad_x, grad_gain


def backward_float32(x, grad_out, gain, eps):
    x = np.asarray(x, dtype=np.float32)
    grad_x, grad_gain = rms_norm_backward(x, grad_out.astype(np.float32), gain.astype(np.float32), eps)
    return [grad_x, grad_gain]


@pytest.mark.parametrize("backward", [backward_numpy, backward_jacobian_loops, backward_float32])
def test_04_4_right_functions(backward):
    assert _check("04.4", backward).message == "Correct!"


def _backward(x, grad_out, gain, eps, *, path=1.0, reduce=np.mean, gain_in_d=True, extra_mean=False,
              r_of=None, grad_gain=None):
    x = np.asarray(x, dtype=float)
    r = r_of(x, eps) if r_of else np.sqrt(_ms(x) + eps)
    y = x / r
    d = grad_out * gain if gain_in_d else grad_out
    grad_x = d - path * y * reduce(d * y, axis=-1, keepdims=True)
    if extra_mean:
        grad_x = grad_x - np.mean(d, axis=-1, keepdims=True)
    grad_x = grad_x / r
    gg = grad_gain(x, grad_out, gain, y) if grad_gain else np.sum((grad_out * y).reshape(-1, x.shape[-1]), 0)
    return grad_x, gg


def _rows(a):
    return np.reshape(a, (-1, np.shape(a)[-1]))


@pytest.mark.parametrize("switches, words", [
    ({"path": 0.0}, ["grad_x is grad_out * gain / r", "r depends on x too"]),
    ({"path": -1.0}, ["the sign of the RMS term is wrong"]),
    ({"reduce": np.sum}, ["y * sum(d * y)"]),
    ({"gain_in_d": False}, ["grad_x is computed without the gain"]),
    ({"extra_mean": True}, ["mean(d) term"]),
    ({"r_of": lambda x, e: np.sqrt(_ms(x)) + e}, ["eps outside the root"]),
    ({"r_of": lambda x, e: np.sqrt(_ms(x))}, ["grad_x is computed without eps"]),
    ({"r_of": lambda x, e: np.sqrt(np.sum(x**2, -1, keepdims=True) / (x.shape[-1] - 1) + e)}, ["n - 1"]),
    ({"grad_gain": lambda x, g, gain, y: g * y}, ["not summed over the batch"]),
    ({"grad_gain": lambda x, g, gain, y: np.sum(_rows(g), axis=0)}, ["the sum of grad_out: the normalised x"]),
    ({"grad_gain": lambda x, g, gain, y: np.sum(_rows(g * y * gain), axis=0)}, ["an extra factor gain"]),
    ({"grad_gain": lambda x, g, gain, y: np.mean(_rows(g * y), axis=0)}, ["a mean over the batch"]),
    ({"grad_gain": lambda x, g, gain, y: np.sum(g * y, axis=-1)}, ["over the features instead"]),
], ids=["ignores the RMS path", "sign", "sum not mean", "gain missing", "LayerNorm term", "eps outside",
        "eps missing", "n - 1", "grad_gain not summed", "grad_gain without y", "grad_gain with gain",
        "grad_gain mean", "grad_gain wrong axis"])
def test_04_4_each_mistake_gets_its_hint(switches, words):
    _assert_hint("04.4", lambda x, g, gain, eps: _backward(x, g, gain, eps, **switches), *words)


def test_04_4_statistics_over_the_wrong_axis():
    def first_axis(x, grad_out, gain, eps):
        x = np.asarray(x, dtype=float)
        r = np.sqrt(np.mean(x**2, axis=0, keepdims=True) + eps)
        y, d = x / r, grad_out * gain
        return (d - y * np.mean(d * y, axis=0, keepdims=True)) / r, np.sum(_rows(grad_out * y), 0)

    _assert_hint("04.4", first_axis, "statistics over the first axis")


def test_04_4_the_form_of_the_result():
    _assert_hint("04.4", lambda x, g, gain, eps: backward_numpy(x, g, gain, eps)[0], "should return 2 arrays",
                 "(grad_x, grad_gain)", "ndarray")
    _assert_hint("04.4", lambda x, g, gain, eps: (backward_numpy(x, g, gain, eps)[0], None), "grad_gain", "None")
    _assert_hint("04.4", lambda x, g, gain, eps: backward_numpy(x, g, gain, eps) + (1,), "3 values")


# ----------------------------------------------------------------------------------------------
# No wrong function gets "Correct!"


def _rms_norm_grammar(centre, ddof, root, eps_at, axis, keepdims, gain_mode):
    def student(x, gain, eps):
        x = np.asarray(x, dtype=float)
        axes = tuple(range(x.ndim)) if axis == "all" else (axis % x.ndim,)
        n = math.prod(x.shape[a] for a in axes)
        d = x - np.mean(x, axis=axes, keepdims=True) if centre else x
        ms = np.sum(d * d, axis=axes, keepdims=keepdims) / (n - ddof)
        base = np.sqrt(ms) if root else ms
        r = {"inside": np.sqrt(ms + eps) if root else ms + eps, "outside": base + eps, "none": base}[eps_at]
        y = d / r
        if gain_mode == "rows":
            return y * np.reshape(gain, (-1,) + (1,) * (x.ndim - 1))
        return {"mul": y * gain, "none": y, "add": y + gain}[gain_mode]
    return student


_RMS_NORM_SWITCHES = list(itertools.product([False, True], [0, 1], [True, False], ["inside", "outside", "none"],
                                            [-1, 0, "all"], [True, False], ["mul", "none", "add", "rows"]))


def test_01_5_only_the_right_combination_of_choices_is_correct():
    right = (False, 0, True, "inside", -1, True, "mul")
    assert right in _RMS_NORM_SWITCHES
    for switches in _RMS_NORM_SWITCHES:
        feedback = _check("01.5", _rms_norm_grammar(*switches))
        assert feedback.correct == (switches == right), (switches, feedback)


def _backward_grammar(path, sign, reduce, gain_in_d, eps_inside, summed, times_y):
    def student(x, grad_out, gain, eps):
        x = np.asarray(x, dtype=float)
        r = np.sqrt(_ms(x) + eps) if eps_inside else np.sqrt(_ms(x)) + eps
        y = x / r
        d = grad_out * gain if gain_in_d else grad_out
        grad_x = (d + sign * path * y * reduce(d * y, axis=-1, keepdims=True)) / r
        contribution = grad_out * y if times_y else grad_out
        grad_gain = np.sum(_rows(contribution), axis=0) if summed else contribution
        return grad_x, grad_gain
    return student


def test_04_4_only_the_right_combination_of_choices_is_correct():
    right = (1.0, -1.0, np.mean, True, True, True, True)
    choices = list(itertools.product([1.0, 0.0], [-1.0, 1.0], [np.mean, np.sum], [True, False], [True, False],
                                     [True, False], [True, False]))
    for switches in choices:
        feedback = _check("04.4", _backward_grammar(*switches))
        assert feedback.correct == (switches == right), (switches, feedback)


_RIGHT = {"01.4": rms_keepdims, "01.5": rms_norm_keepdims, "03.3": layer_norm_numpy, "04.4": backward_numpy}


@given(exercise_id=st.sampled_from(sorted(_RIGHT)), call=st.integers(0, 5), output=st.integers(0, 1),
       position=st.integers(0, 10**6), size=st.floats(1e-3, 1e3), sign=st.sampled_from([-1.0, 1.0]))
def test_a_perturbed_right_function_is_never_correct(exercise_id, call, output, position, size, sign):
    """Change one entry of one result of one call by at least 0.1% of the result's largest entry.

    (A smaller change is within float32 round-off of the right result, which the checker accepts.)
    """
    right = _RIGHT[exercise_id]
    calls = []

    def perturbed(*args):
        result = right(*args)
        calls.append(None)
        if len(calls) - 1 != call:
            return result
        parts = [np.array(p, dtype=float) for p in (result if isinstance(result, tuple) else (result,))]
        k = output % len(parts)
        flat = parts[k].ravel().copy()
        i = position % flat.size
        flat[i] += sign * size * np.max(np.abs(flat))
        parts[k] = flat.reshape(parts[k].shape)
        return tuple(parts) if isinstance(result, tuple) else parts[0]

    feedback = _check(exercise_id, perturbed)
    assert not feedback.correct, feedback
