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


def test_sweep_spread_follows_one_over_sqrt_2k():
    s = P.partial_sweep([1 / 64, P.PAPER_P, 0.5, 1.0], P.random_vectors(4000, 512, seed=0))
    assert list(s.k) == [8, 32, 256, 512]
    np.testing.assert_allclose(s.spread[:2], 1 / np.sqrt(2 * s.k[:2]), rtol=0.1)
    assert np.all(np.diff(s.spread) < 0) and s.spread[-1] == pytest.approx(0, abs=1e-12)
    assert s.bias[0] < 0 and abs(s.bias[-1]) < 1e-12
    assert np.all(np.diff(s.error_median) < 0)
    assert s.ratios.shape == (4, 4000)


def test_estimate_at_reads_the_grid_and_computes_off_it():
    on = P.estimate_at(P.PAPER_P, trials=200, n=64)
    sweep = P.grid_sweep(200, 64)
    i = int(np.argmin(np.abs(sweep.ps - P.PAPER_P)))
    assert on.k == 4 and on.n == 64 and np.shares_memory(on.ratios, sweep.ratios)  # read off the grid
    assert on.spread == pytest.approx(sweep.spread[i]) and on.error_median == sweep.error_median[i]
    off = P.estimate_at(0.3, trials=200, n=64)
    vectors = P.panel_vectors(200, 64)
    np.testing.assert_allclose(off.ratios, P.estimate_ratios(vectors, 0.3))
    assert off.k == 20 and off.bias == pytest.approx(off.ratios.mean() - 1)
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
