"""rmsviz.experiments.apples: the apples in grams or kilograms through both norms (notebook 02)."""

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.examples import APPLE_WEIGHTS_G
from rmsviz.experiments.apples import eps_effect, normalise_apples


def test_grams_and_kilograms():
    g, kg = normalise_apples(APPLE_WEIGHTS_G, "g"), normalise_apples(APPLE_WEIGHTS_G, "kg")
    np.testing.assert_allclose(g.weights, APPLE_WEIGHTS_G)
    np.testing.assert_allclose(kg.weights, APPLE_WEIGHTS_G / 1000)
    np.testing.assert_allclose(kg.weights_g, APPLE_WEIGHTS_G)
    np.testing.assert_allclose(g.rms_norm, rms_norm(APPLE_WEIGHTS_G))
    np.testing.assert_allclose(kg.rms_norm, g.rms_norm, rtol=1e-4)  # eps = 1e-6 aside
    np.testing.assert_allclose(g.layer_norm, layer_norm(APPLE_WEIGHTS_G))
    assert g.rms_norm_rms == pytest.approx(1.0) and g.rms_norm_mean == pytest.approx(0.970, abs=1e-3)
    assert abs(g.layer_norm_mean) < 1e-12 and g.layer_norm_std == pytest.approx(1.0)


def test_with_eps_zero_the_unit_changes_no_digit():
    g, kg = normalise_apples(APPLE_WEIGHTS_G, "g", eps=0), normalise_apples(APPLE_WEIGHTS_G, "kg", eps=0)
    np.testing.assert_allclose(kg.rms_norm, g.rms_norm, rtol=1e-12)
    np.testing.assert_allclose(kg.layer_norm, g.layer_norm, rtol=1e-12)
    assert g.eps == 0.0


def test_eps_effect_is_what_review_2_saw():
    """With eps = 1e-6, LayerNorm's largest output reads 1.342 in g and 1.341 in kg; RMSNorm's does not move."""
    e = eps_effect(APPLE_WEIGHTS_G, 1e-6)
    assert f"{e.layer_norm_g:.3f}" == "1.342" and f"{e.layer_norm_kg:.3f}" == "1.341"
    assert f"{e.rms_norm_g:.3f}" == f"{e.rms_norm_kg:.3f}" == "1.294"
    assert e.variance_kg == pytest.approx(0.003125) and e.mean_square_kg == pytest.approx(0.05375)
    assert e.variance_kg < e.mean_square_kg  # LayerNorm adds eps to the smaller number
    zero = eps_effect(APPLE_WEIGHTS_G, 0.0)
    assert zero.layer_norm_g == pytest.approx(zero.layer_norm_kg, rel=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="unit"):
        normalise_apples(APPLE_WEIGHTS_G, "lb")
    with pytest.raises(ValueError, match="4 entries"):
        normalise_apples([1.0, 2.0])
    with pytest.raises(ValueError, match="4 entries"):
        eps_effect([1.0, 2.0])
