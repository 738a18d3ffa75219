"""rmsviz.experiments.regression: the apple regression, raw grams vs RMS-scaled (notebook 04)."""

import numpy as np
import pytest

from rmsviz.experiments import regression


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


def test_gradient_at_zero_is_linear_in_scale_and_curvature_is_quadratic(apples):
    """Review 1, item 3: at w = 0 the gradient is -2 mean(x y), linear in the feature's scale; at a
    fixed error in w it is C (w - w*), and C = 2 mean(x**2) goes with the square."""
    grams, prices = apples
    at_zero = regression.gradient(grams, prices, 0.0)
    assert at_zero == pytest.approx(-2 * np.mean(grams * prices))
    assert regression.gradient(10 * grams, prices, 0.0) / at_zero == pytest.approx(10.0)
    assert regression.curvature(10 * grams) / regression.curvature(grams) == pytest.approx(100.0)
    w_star = np.mean(grams * prices) / np.mean(grams**2)
    error = 1e-3
    assert regression.gradient(grams, prices, w_star + error) == pytest.approx(regression.curvature(grams) * error)


def test_behaviour_at_and_around_two_over_c(apples):
    grams, prices = apples
    x = regression.rms_scaled(grams)
    assert regression.stable_lr(x) == 1.0
    assert regression.behaviour(0.99, x) == "converges"
    assert regression.behaviour(1.0, x) == "oscillates"
    assert regression.behaviour(1.01, x) == "diverges"
    run = regression.gradient_descent(x, prices, 1.0, 100)  # lr = 2 / C: the error flips sign
    assert not run.diverged and run.losses.max() == pytest.approx(run.losses.min(), rel=1e-9)
    assert run.weights[2] == pytest.approx(0.0, abs=1e-12) and run.weights[1] > 0
    with pytest.raises(ValueError, match="lr"):
        regression.behaviour(0.0, x)


def test_compare_features_reports_the_behaviour():
    result = regression.compare_features(1.0, 10)
    assert [(r.feature, r.behaviour) for r in result.runs] == [("raw", "diverges"), ("scaled", "oscillates")]


def test_regression_rejects_bad_input(apples):
    grams, prices = apples
    with pytest.raises(ValueError, match="lr"):
        regression.gradient_descent(grams, prices, -1.0, 10)
    with pytest.raises(ValueError, match="steps"):
        regression.gradient_descent(grams, prices, 0.1, 2.5)
    with pytest.raises(ValueError, match="same length"):
        regression.gradient_descent(grams, prices[:3], 0.1, 10)
    with pytest.raises(ValueError, match="same length"):
        regression.gradient(grams, prices[:3], 0.0)
