"""Notebook 04's experiments: regression divergence threshold, scaling laws, the deep stack."""

import numpy as np
import pytest

from rmsviz import rms_norm_backward
from rmsviz.experiments import deep_stack, regression, scaling

MID = np.logspace(-2, 2, 41)  # scales where eps = 1e-6 is negligible


# -- regression ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def apples():
    return regression.apple_data()


def test_apple_data_starts_with_the_source_texts_apples(apples):
    grams, prices = apples
    assert grams[:4].tolist() == [200.0, 300.0, 150.0, 250.0]
    assert grams.size == prices.size == 16
    assert np.allclose(prices / grams, regression.PRICE_PER_GRAM, rtol=0.2)
    again = regression.apple_data()
    assert np.array_equal(again[0], grams) and np.array_equal(again[1], prices)


def test_stable_lr_is_one_over_mean_square(apples):
    grams, _ = apples
    assert regression.stable_lr(grams) == pytest.approx(1 / np.mean(grams**2))
    assert regression.stable_lr(regression.rms_scaled(grams)) == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["raw", "scaled"])
def test_divergence_threshold_is_two_over_curvature(apples, kind):
    grams, prices = apples
    x = grams if kind == "raw" else regression.rms_scaled(grams)
    stable = regression.stable_lr(x)
    assert not regression.gradient_descent(x, prices, 0.98 * stable, 100).diverged
    assert regression.gradient_descent(x, prices, 1.02 * stable, 100).diverged
    lrs = np.logspace(-7, 1, 401)
    found = regression.divergence_threshold(x, prices, lrs)
    assert stable <= found <= stable * 10 ** (8 / 400) * 1.0001


def test_raw_diverges_where_scaled_converges(apples):
    grams, prices = apples
    raw = regression.gradient_descent(grams, prices, 0.1, 200)
    scaled = regression.gradient_descent(regression.rms_scaled(grams), prices, 0.1, 200)
    assert raw.diverged and raw.diverged_at is not None
    assert np.all(np.isfinite(raw.losses)) and np.all(np.isfinite(raw.grad_norms))
    assert not scaled.diverged
    best = np.mean((prices - grams * (np.mean(grams * prices) / np.mean(grams**2))) ** 2)
    assert scaled.losses[-1] == pytest.approx(best, rel=1e-6)


def test_gradient_scales_with_feature_magnitude_squared(apples):
    grams, prices = apples
    # Same error in w, feature 10x larger: gradient (= curvature * error) 100x larger.
    r1 = regression.gradient_descent(grams, prices, 1e-9, 0, w0=0.0)
    r10 = regression.gradient_descent(10 * grams, 10 * prices, 1e-9, 0, w0=0.0)
    # with y scaled too, w* is unchanged, so the error at w0 = 0 is the same
    assert r10.grad_norms[0] / r1.grad_norms[0] == pytest.approx(100.0)


def test_regression_rejects_bad_input(apples):
    grams, prices = apples
    with pytest.raises(ValueError, match="lr"):
        regression.gradient_descent(grams, prices, -1.0, 10)
    with pytest.raises(ValueError, match="steps"):
        regression.gradient_descent(grams, prices, 0.1, 2.5)
    with pytest.raises(ValueError, match="same length"):
        regression.gradient_descent(grams, prices[:3], 0.1, 10)


# -- scaling laws ----------------------------------------------------------------------------

def test_slopes_are_minus_one_with_the_norm():
    by_c = scaling.sweep_input_scale(MID, norm=True, eps=1e-6)
    by_d = scaling.sweep_weight_scale(MID, norm=True, eps=1e-6)
    assert scaling.fitted_slope(MID, by_c["x"]) == pytest.approx(-1.0, abs=0.01)
    assert scaling.fitted_slope(MID, by_d["W"]) == pytest.approx(-1.0, abs=0.01)
    assert scaling.fitted_slope(MID, by_c["W"]) == pytest.approx(0.0, abs=0.01)  # dL/dW invariant to c
    assert scaling.fitted_slope(MID, by_d["g"]) == pytest.approx(0.0, abs=0.01)  # dL/dg invariant


def test_slopes_are_not_minus_one_without_the_norm():
    by_c = scaling.sweep_input_scale(MID, norm=False)
    by_d = scaling.sweep_weight_scale(MID, norm=False)
    assert scaling.fitted_slope(MID, by_c["x"]) > 0
    assert scaling.fitted_slope(MID, by_d["W"]) > 0


def test_gradient_is_orthogonal_to_x_at_eps_zero():
    for c in (1e-3, 1.0, 1e3):
        assert abs(scaling.orthogonality(c, eps=0.0)["cosine"]) < 1e-12
    small = scaling.orthogonality(1e-3, eps=1e-6)
    assert abs(small["cosine"]) > 0.05 and small["predicted_fraction"] > 0.3


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
    assert abs(scaling.fitted_slope(tiny, by_c["x"])) < 0.1


def test_fitted_slope_rejects_nonpositive():
    with pytest.raises(ValueError, match="positive"):
        scaling.fitted_slope([1, 2], [0, 1])


# -- deep stack ------------------------------------------------------------------------------

def _profile(norm, residual=False, scale=0.5, key="std"):
    run = deep_stack.run_stack(depth=8, width=32, batch=128, scale=scale, norm=norm, residual=residual)
    return np.array([s[key] for s in deep_stack.layer_stats(run)])


def test_no_norm_vanishes_and_norms_stay_flat():
    assert _profile("none")[-1] / _profile("none")[0] < 0.1
    g = _profile("none", key="grad_std")
    assert g[-1] / g[0] > 10  # gradients shrink by more than 10x from the last layer to the first
    for norm in ("rmsnorm", "layernorm"):
        s = _profile(norm)
        assert s.max() / s.min() < 1.2
        g = _profile(norm, key="grad_std")
        assert g.max() / g.min() < 2


def test_layer_lines_have_one_line_per_layer():
    run = deep_stack.run_stack(depth=5, width=8, batch=16)
    lines = deep_stack.layer_lines(run)
    assert len(lines) == 5
    assert all(k in lines[0] for k in ("mean", "std", "saturated", "grad std", "grad:data"))


def test_run_stack_is_deterministic():
    a = deep_stack.run_stack(depth=3, width=8, batch=4, seed=5)
    b = deep_stack.run_stack(depth=3, width=8, batch=4, seed=5)
    assert a.loss == b.loss and np.array_equal(a.input_grad, b.input_grad)
