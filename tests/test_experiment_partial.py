"""rmsviz.experiments.partial: pRMSNorm estimate bias, spread and output error (notebook 05)."""

import numpy as np
import pytest

from rmsviz import partial_rms_norm, rms, rms_norm
from rmsviz.experiments import partial as P


def test_random_vectors_seeded():
    a, b = P.random_vectors(10, 32, seed=4), P.random_vectors(10, 32, seed=4)
    assert a.shape == (10, 32) and np.array_equal(a, b)


def test_ratios_and_errors_agree_with_definitions():
    x = P.random_vectors(50, 64, seed=1)
    r = P.estimate_ratios(x, 0.25)
    np.testing.assert_allclose(r, rms(x[:, :16]) / rms(x))
    e = P.output_errors(x, 0.25)
    np.testing.assert_allclose(e, rms(partial_rms_norm(x, 0.25) - rms_norm(x)))
    # the output error is |1/ratio - 1| (eps aside): pRMSNorm = RMSNorm / ratio
    np.testing.assert_allclose(e, np.abs(1 / r - 1), rtol=1e-5)
    assert np.all(P.estimate_ratios(x, 1.0) == 1.0) or np.allclose(P.estimate_ratios(x, 1.0), 1.0)


def test_spread_formula():
    np.testing.assert_allclose(P.spread_formula([32, 128, 512], 512),
                               [np.sqrt(1 / 64 - 1 / 1024), np.sqrt(1 / 256 - 1 / 1024), 0.0])
    assert P.spread_formula(1, 10**9) == pytest.approx(1 / np.sqrt(2))
    with pytest.raises(ValueError, match="k must be between 1 and n"):
        P.spread_formula(0, 8)


def test_sweep_spread_follows_the_finite_population_formula():
    s = P.partial_sweep([1 / 32, P.PAPER_P, 0.25, 0.5, 1.0], P.random_vectors(2000, 512, seed=0))
    assert list(s.k) == [16, 32, 128, 256, 512] and s.n == 512
    np.testing.assert_allclose(s.formula, P.spread_formula(s.k, 512))
    # within 5% from k = 16 on (2000 vectors: the measured std itself varies by about 1.6%);
    # 1/sqrt(2k) alone is 14% off at k = 128
    np.testing.assert_allclose(s.spread[:-1], s.formula[:-1], rtol=0.05)
    assert s.formula[-1] == 0.0
    assert abs(s.spread[2] * np.sqrt(2 * 128) - 1) > 0.1
    assert np.all(np.diff(s.spread) < 0) and s.spread[-1] == pytest.approx(0, abs=1e-12)
    assert s.bias[0] < 0 and abs(s.bias[-1]) < 1e-12
    assert np.all(np.diff(s.error_median) < 0)
    assert s.ratios.shape == (5, 2000)


def test_estimate_at_reads_the_grid_and_computes_off_it():
    on = P.estimate_at(P.PAPER_P, trials=200, n=64)
    sweep = P.grid_sweep(200, 64)
    i = int(np.argmin(np.abs(sweep.ps - P.PAPER_P)))
    assert on.k == 4 and on.n == 64 and np.shares_memory(on.ratios, sweep.ratios)  # read off the grid
    assert on.spread == pytest.approx(sweep.spread[i]) and on.error_median == sweep.error_median[i]
    off = P.estimate_at(0.3, trials=200, n=64)
    vectors = P.panel_vectors(200, 64)
    # off the grid, from the running means of squares: the same numbers as the definitions
    np.testing.assert_allclose(off.ratios, P.estimate_ratios(vectors, 0.3), rtol=1e-12)
    assert off.error_median == pytest.approx(float(np.median(P.output_errors(vectors, 0.3))), rel=1e-12)
    assert off.k == 20 and off.bias == pytest.approx(off.ratios.mean() - 1)
    assert off.formula == pytest.approx(float(P.spread_formula(20, 64)))
    means = P.prefix_mean_squares(200, 64)
    np.testing.assert_allclose(means[:, 19], np.mean(vectors[:, :20] ** 2, axis=1))
    assert not means.flags.writeable
    assert not vectors.flags.writeable  # shared by every panel: read-only
    with pytest.raises(ValueError, match="p must"):
        P.estimate_at(0.0)


def test_partial_bad_input():
    with pytest.raises(ValueError, match="p must"):
        P.estimate_ratios(np.ones((2, 4)), 0.0)
    with pytest.raises(ValueError, match="shape"):
        P.estimate_ratios(np.ones(4), 0.5)
    with pytest.raises(ValueError, match="ps"):
        P.partial_sweep([1.5], np.ones((2, 4)))
    with pytest.raises(ValueError, match="positive"):
        P.random_vectors(0, 4)


# The exact spread (review B, finding 5: 2000 vectors carry a sampling error of about 1.6%)


def test_exact_spread_matches_a_large_simulation():
    from rmsviz.experiments.partial import exact_mean_ratio, exact_spread
    rng = np.random.default_rng(1)
    n = 64
    x = rng.standard_normal((200_000, n))
    for k in (2, 4, 16, 63):
        ratios = np.sqrt(np.mean(x[:, :k] ** 2, axis=1) / np.mean(x**2, axis=1))
        assert abs(ratios.mean() - exact_mean_ratio(k, n)) < 5e-4
        assert abs(ratios.std() / exact_spread(k, n) - 1) < 0.01
    assert exact_spread(n, n) == 0.0 and exact_mean_ratio(n, n) == 1.0


def test_the_finite_population_formula_against_the_exact_spread():
    from rmsviz.experiments.partial import exact_spread, spread_formula
    n = 512
    above = {k: float(spread_formula(k, n)) / exact_spread(k, n) - 1 for k in (4, 16, 32, 128)}
    assert 0.03 < above[4] < 0.04           # 3.6% too high at k = 4
    assert all(0 < above[k] < 0.01 for k in (16, 32, 128))
    assert 0.15 < 1 / np.sqrt(2 * 128) / exact_spread(128, n) - 1 < 0.16   # the simple form: 15.6%


def test_exact_spread_rejects_bad_counts():
    from rmsviz.experiments.partial import exact_spread, sampling_error
    for k, n in ((0, 4), (5, 4), (1.5, 4)):
        with pytest.raises(ValueError):
            exact_spread(k, n)
    assert abs(sampling_error(2000) - 0.0158) < 1e-4
    with pytest.raises(ValueError):
        sampling_error(1)
