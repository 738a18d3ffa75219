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
