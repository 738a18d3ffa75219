"""Every hand-written backward pass of notebook 04 against central finite differences."""

import numpy as np
import pytest

from rmsviz import layer_norm, layer_norm_backward, rms_norm, rms_norm_backward
from rmsviz.experiments import deep_stack, layers, scaling
from rmsviz.experiments.gradcheck import numerical_gradient, relative_error

TOL = 1e-7


@pytest.fixture
def rng():
    return np.random.default_rng(42)


def test_linear_backward_matches_finite_differences(rng):
    x, W, b = rng.normal(size=(4, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)
    v = rng.normal(size=(4, 3))  # L = sum(v * linear(x))
    gx, gW, gb = layers.linear_backward(x, W, v, b)
    assert relative_error(gx, numerical_gradient(lambda x_: np.sum(v * layers.linear(x_, W, b)), x)) < TOL
    assert relative_error(gW, numerical_gradient(lambda W_: np.sum(v * layers.linear(x, W_, b)), W)) < TOL
    assert relative_error(gb, numerical_gradient(lambda b_: np.sum(v * layers.linear(x, W, b_)), b)) < TOL


def test_linear_backward_single_vector_and_no_bias(rng):
    x, W = rng.normal(size=5), rng.normal(size=(3, 5))
    v = rng.normal(size=3)
    gx, gW, gb = layers.linear_backward(x, W, v)
    assert gb is None
    assert relative_error(gx, numerical_gradient(lambda x_: v @ layers.linear(x_, W), x)) < TOL
    assert relative_error(gW, numerical_gradient(lambda W_: v @ layers.linear(x, W_), W)) < TOL


def test_tanh_backward_matches_finite_differences(rng):
    z, v = rng.normal(size=(3, 4)) * 2, rng.normal(size=(3, 4))
    got = layers.tanh_backward(layers.tanh(z), v)
    assert relative_error(got, numerical_gradient(lambda z_: np.sum(v * layers.tanh(z_)), z)) < TOL


@pytest.mark.parametrize("axis", [None, -1])
def test_mse_backward_matches_finite_differences(rng, axis):
    p, t = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    got = layers.mse_backward(p, t, axis=axis)
    f = (lambda p_: layers.mse(p_, t)) if axis is None else (lambda p_: np.sum(layers.mse(p_, t, axis=-1)))
    assert relative_error(got, numerical_gradient(f, p)) < TOL


@pytest.mark.parametrize("eps", [0.0, 1e-6, 0.5])
def test_norm_backward_passes_match_finite_differences(rng, eps):
    x, v, g, b = rng.normal(size=(3, 6)), rng.normal(size=(3, 6)), rng.normal(size=6), rng.normal(size=6)
    gx, gg = rms_norm_backward(x, v, gain=g, eps=eps)
    assert relative_error(gx, numerical_gradient(lambda x_: np.sum(v * rms_norm(x_, g, eps)), x)) < 1e-6
    assert relative_error(gg, numerical_gradient(lambda g_: np.sum(v * rms_norm(x, g_, eps)), g)) < 1e-6
    gx, gg, gb = layer_norm_backward(x, v, gain=g, bias=b, eps=eps)
    f = lambda x_: np.sum(v * layer_norm(x_, g, b, eps))  # noqa: E731
    assert relative_error(gx, numerical_gradient(f, x)) < 1e-6
    assert relative_error(gb, numerical_gradient(lambda b_: np.sum(v * layer_norm(x, g, b_, eps)), b)) < 1e-6


@pytest.mark.parametrize("norm", [True, False])
def test_scaling_model_gradients_match_finite_differences(norm):
    p = scaling.make_problem(n=5, m=4, seed=3)
    x, W, g, t = p["x"], p["W"], p["g"], p["t"]
    grads = scaling.gradients(x, W, g, t, norm=norm, eps=1e-6)
    loss = lambda x_, W_, g_: scaling.gradients(x_, W_, g_, t, norm=norm, eps=1e-6)["loss"]  # noqa: E731
    assert relative_error(grads["x"], numerical_gradient(lambda a: loss(a, W, g), x)) < 1e-6
    assert relative_error(grads["W"], numerical_gradient(lambda a: loss(x, a, g), W)) < 1e-6
    assert relative_error(grads["g"], numerical_gradient(lambda a: loss(x, W, a), g)) < 1e-6


@pytest.mark.parametrize("norm", deep_stack.NORMS)
@pytest.mark.parametrize("residual", [False, True])
def test_whole_stack_matches_finite_differences(norm, residual):
    rng = np.random.default_rng(7)
    params = deep_stack.init_stack(depth=3, width=5, scale=1.3, seed=1)
    params = [(W, rng.normal(size=5) * 0.1) for W, _ in params]
    x, target = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    run = deep_stack.backward(deep_stack.forward(x, params, target, norm, residual), target)

    def loss_with(l=None, which=None, value=None, x_=x):
        ps = [list(p) for p in params]
        if l is not None:
            ps[l][which] = value
        return deep_stack.forward(x_, [tuple(p) for p in ps], target, norm, residual).loss

    assert relative_error(run.input_grad, numerical_gradient(lambda a: loss_with(x_=a), x)) < 1e-6
    for l, (W, b) in enumerate(params):
        dW, db = run.weight_grads[l]
        assert relative_error(dW, numerical_gradient(lambda a: loss_with(l, 0, a), W)) < 1e-6
        assert relative_error(db, numerical_gradient(lambda a: loss_with(l, 1, a), b)) < 1e-6


def test_layers_reject_bad_input():
    with pytest.raises(ValueError, match="features"):
        layers.linear(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match="NaN"):
        layers.linear([np.nan, 1.0], np.ones((2, 2)))
    with pytest.raises(ValueError, match="grad_out"):
        layers.linear_backward(np.ones((2, 3)), np.ones((4, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="same shape"):
        layers.mse(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="tanh"):
        layers.tanh_backward(np.array([2.0]), np.array([1.0]))
    with pytest.raises(TypeError):
        layers.tanh("abc")
    with pytest.raises(ValueError, match="norm must be one of"):
        deep_stack.run_stack(norm="batchnorm")
    with pytest.raises(ValueError, match="depth"):
        deep_stack.init_stack(0, 4)
