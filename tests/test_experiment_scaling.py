"""rmsviz.experiments.scaling: how gradients change with scale through RMSNorm (notebook 04)."""

import numpy as np
import pytest

from rmsviz import rms_norm_backward
from rmsviz.experiments import scaling
from rmsviz.experiments.gradcheck import numerical_gradient, relative_error

MID = np.logspace(-2, 2, 41)  # scales where eps = 1e-6 is negligible


def test_slopes_are_minus_one_with_the_norm():
    by_c = scaling.sweep_input_scale(MID, norm=True, eps=1e-6)
    by_d = scaling.sweep_weight_scale(MID, norm=True, eps=1e-6)
    assert scaling.fitted_slope(MID, by_c.x) == pytest.approx(-1.0, abs=0.01)
    assert scaling.fitted_slope(MID, by_d.W) == pytest.approx(-1.0, abs=0.01)
    assert scaling.fitted_slope(MID, by_c.W) == pytest.approx(0.0, abs=0.01)  # dL/dW invariant to c
    assert scaling.fitted_slope(MID, by_d.g) == pytest.approx(0.0, abs=0.01)  # dL/dg invariant


def test_slopes_are_not_minus_one_without_the_norm():
    by_c = scaling.sweep_input_scale(MID, norm=False)
    by_d = scaling.sweep_weight_scale(MID, norm=False)
    assert scaling.fitted_slope(MID, by_c.x) > 0
    assert scaling.fitted_slope(MID, by_d.W) > 0


def test_gradient_is_orthogonal_to_x_at_eps_zero():
    for c in (1e-3, 1.0, 1e3):
        assert abs(scaling.orthogonality(c, eps=0.0).cosine) < 1e-12
    small = scaling.orthogonality(1e-3, eps=1e-6)
    assert abs(small.cosine) > 0.05 and small.predicted_fraction > 0.3


def test_eps_share_formula_matches_backward():
    rng = np.random.default_rng(0)
    h, v = rng.normal(size=8) * 1e-3, rng.normal(size=8)
    eps = 1e-6
    r = np.sqrt(np.mean(h**2) + eps)
    frac = eps / (np.mean(h**2) + eps)
    gh, _ = rms_norm_backward(h, v, eps=eps)
    # J is symmetric: h . (J v) = v . (J h) = v . h * frac / r
    assert h @ gh == pytest.approx(v @ h * frac / r, rel=1e-10)


def test_eps_flattens_the_law_at_small_scales():
    tiny = np.logspace(-4, -3.5, 5)
    by_c = scaling.sweep_input_scale(tiny, norm=True, eps=1e-3)
    assert abs(scaling.fitted_slope(tiny, by_c.x)) < 0.1


def test_fitted_slope_rejects_nonpositive():
    with pytest.raises(ValueError, match="positive"):
        scaling.fitted_slope([1, 2], [0, 1])


@pytest.mark.parametrize("norm", [True, False])
def test_scaling_model_gradients_match_finite_differences(norm):
    p = scaling.make_problem(n=5, m=4, seed=3)
    x, W, g, t = p.x, p.W, p.g, p.t
    grads = scaling.gradients(x, W, g, t, norm=norm, eps=1e-6)
    loss = lambda x_, W_, g_: scaling.gradients(x_, W_, g_, t, norm=norm, eps=1e-6).loss  # noqa: E731
    assert relative_error(grads.x, numerical_gradient(lambda a: loss(a, W, g), x)) < 1e-6
    assert relative_error(grads.W, numerical_gradient(lambda a: loss(x, a, g), W)) < 1e-6
    assert relative_error(grads.g, numerical_gradient(lambda a: loss(x, W, a), g)) < 1e-6


def test_gradients_at_reads_the_curves():
    r = scaling.gradients_at(10.0, 0.1, 1e-6)
    curves = scaling.scaling_curves()
    assert r.by_c is curves.by_c[1e-6] and r.by_delta is curves.by_delta[1e-6]
    at_c = scaling.sweep_input_scale([10.0], True, 1e-6, curves.problem)
    at_delta = scaling.sweep_weight_scale([0.1], True, 1e-6, curves.problem)
    assert r.dx_norm == pytest.approx(at_c.x[0], rel=0.02)  # log-log interpolation between 57 points
    assert r.dW_norm == pytest.approx(at_delta.W[0], rel=0.02)
    assert r.dg_norm == pytest.approx(at_delta.g[0], rel=0.02)
    assert r.orthogonality.cosine == pytest.approx(scaling.orthogonality(10.0, 1e-6, curves.problem).cosine)
    assert scaling.scaling_curves(57, 0) is curves  # built once, however it is called
    with pytest.raises(ValueError, match="eps"):
        scaling.gradients_at(1.0, 1.0, 1e-4)


def test_without_the_norm_the_local_slope_changes_so_there_is_no_power_law():
    """Review 1, item 26: the no-norm curves go from slope 0 to slope 1 (dL/dx against c) or from 1
    to 2 (dL/dW against c): one fitted slope over the range only averages them."""
    by_c = scaling.sweep_input_scale(MID, norm=False)
    dx, dW = scaling.local_slopes(MID, by_c.x), scaling.local_slopes(MID, by_c.W)
    assert dx[0] == pytest.approx(0.0, abs=0.05) and dx[-1] == pytest.approx(1.0, abs=0.05)
    assert dW[0] == pytest.approx(1.0, abs=0.05) and dW[-1] == pytest.approx(2.0, abs=0.05)
    with_norm = scaling.local_slopes(MID, scaling.sweep_input_scale(MID, norm=True, eps=0.0).x)
    np.testing.assert_allclose(with_norm, -1.0, atol=1e-9)  # a power law: the same slope everywhere
    with pytest.raises(ValueError, match="positive"):
        scaling.local_slopes([1.0, 2.0], [1.0, -1.0])


def test_cosine_text_prints_what_round_off_means():
    assert scaling.cosine_text(-7.6e-17) == "|cos| < 1e-12: orthogonal to machine precision"
    assert scaling.cosine_text(1.3e-16) == scaling.cosine_text(-1.3e-16)
    assert scaling.cosine_text(-0.0004) == "+0.000"  # never -0.000
    assert scaling.cosine_text(0.1751) == "+0.175" and scaling.cosine_text(-0.161) == "-0.161"
