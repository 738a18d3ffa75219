"""rmsviz.experiments.shift_scale: a·x0 + b through RMSNorm and LayerNorm (notebook 03)."""

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.experiments.shift_scale import DEFAULT_X0, shift_and_scale


def test_scale_is_ignored_shift_only_by_layer_norm():
    x0 = np.array(DEFAULT_X0)
    base, scaled, shifted = (shift_and_scale(x0, 1.0, 0.0), shift_and_scale(x0, 2.5, 0.0),
                             shift_and_scale(x0, 1.0, 3.0))
    np.testing.assert_allclose(scaled.input.values, 2.5 * x0)
    np.testing.assert_allclose(scaled.rms_norm.values, base.rms_norm.values, rtol=1e-6)
    np.testing.assert_allclose(shifted.layer_norm.values, base.layer_norm.values, atol=1e-6)
    assert not np.allclose(shifted.rms_norm.values, base.rms_norm.values)
    np.testing.assert_allclose(shifted.rms_norm.values, rms_norm(x0 + 3.0))
    np.testing.assert_allclose(shifted.layer_norm.values, layer_norm(x0 + 3.0))
    assert shifted.layer_norm.mean == 0.0  # round-off shown as 0
    assert shifted.rms_norm.rms == pytest.approx(1.0, abs=1e-6)
    flipped = shift_and_scale(x0, -1.0, 0.0)
    np.testing.assert_allclose(flipped.rms_norm.values, -base.rms_norm.values)


def test_bad_x0():
    with pytest.raises(ValueError, match="2 to 12"):
        shift_and_scale([1.0], 1.0, 0.0)
    with pytest.raises(ValueError, match="NaN"):
        shift_and_scale([1.0, np.nan], 1.0, 0.0)
