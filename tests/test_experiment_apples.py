"""rmsviz.experiments.apples: the apples in grams or kilograms through both norms (notebook 02)."""

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.examples import APPLE_WEIGHTS_G
from rmsviz.experiments.apples import normalise_apples


def test_grams_and_kilograms():
    g, kg = normalise_apples(APPLE_WEIGHTS_G, "g"), normalise_apples(APPLE_WEIGHTS_G, "kg")
    np.testing.assert_allclose(g.weights, APPLE_WEIGHTS_G)
    np.testing.assert_allclose(kg.weights, APPLE_WEIGHTS_G / 1000)
    np.testing.assert_allclose(g.rms_norm, rms_norm(APPLE_WEIGHTS_G))
    np.testing.assert_allclose(kg.rms_norm, g.rms_norm, rtol=1e-4)  # eps = 1e-6 aside
    np.testing.assert_allclose(g.layer_norm, layer_norm(APPLE_WEIGHTS_G))
    assert g.rms_norm_rms == pytest.approx(1.0) and g.rms_norm_mean == pytest.approx(0.970, abs=1e-3)
    assert abs(g.layer_norm_mean) < 1e-12 and g.layer_norm_std == pytest.approx(1.0)


def test_bad_input():
    with pytest.raises(ValueError, match="unit"):
        normalise_apples(APPLE_WEIGHTS_G, "lb")
    with pytest.raises(ValueError, match="4 entries"):
        normalise_apples([1.0, 2.0])
