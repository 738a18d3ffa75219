"""rmsviz.experiments.gradcheck: central finite differences, used on the norms' backward passes
(notebook 04)."""

import numpy as np
import pytest

from rmsviz import layer_norm, layer_norm_backward, rms_norm, rms_norm_backward
from rmsviz.experiments.gradcheck import numerical_gradient, numerical_jacobian, relative_error


@pytest.fixture
def rng():
    return np.random.default_rng(42)


def test_numerical_gradient_of_a_quadratic_is_exact_enough():
    a = np.array([1.0, -2.0, 3.0])
    x = np.array([0.5, 0.25, -1.0])
    grad = numerical_gradient(lambda v: float(np.sum(a * v**2)), x)
    assert relative_error(grad, 2 * a * x) < 1e-8
    assert np.array_equal(x, [0.5, 0.25, -1.0])  # x is not modified


def test_gradcheck_rejects_bad_input():
    with pytest.raises(TypeError, match="callable"):
        numerical_gradient(3.0, [1.0])
    with pytest.raises(ValueError, match="positive"):
        numerical_gradient(np.sum, [1.0], h=0.0)
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.ones(2), np.ones(3))
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0


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


@pytest.mark.parametrize("eps", [0.0, 1e-6, 0.5])
def test_numerical_jacobian_matches_the_rms_norm_jacobian(rng, eps):
    """Notebook 04 derives J = (I - y y^T / n) / r for y = x / r, r = sqrt(mean(x²) + eps)."""
    x = rng.normal(size=5)
    r = np.sqrt(np.mean(x**2) + eps)
    y = x / r
    formula = (np.eye(5) - np.outer(y, y) / 5) / r
    assert relative_error(formula, numerical_jacobian(lambda v: rms_norm(v, eps=eps), x)) < 1e-7
    with pytest.raises(ValueError, match="1-d"):
        numerical_jacobian(lambda v: v, np.ones((2, 2)))
    with pytest.raises(ValueError, match="1-d array"):
        numerical_jacobian(lambda v: np.outer(v, v), x)
    with pytest.raises(TypeError, match="callable"):
        numerical_jacobian(None, x)
