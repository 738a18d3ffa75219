"""rmsviz.experiments.layers: linear, tanh and MSE and their backward passes, against central
finite differences (notebook 04)."""

import numpy as np
import pytest

from rmsviz.experiments import deep_stack, layers
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
