"""rmsviz.experiments.sphere: RMSNorm on the sphere, LayerNorm on the circle, for n = 3 (notebook 03)."""

import numpy as np
import pytest

from rmsviz.experiments.sphere import RADIUS, project


def test_images_lie_on_the_sphere_and_the_circle():
    r = project([-1.0, 2.5, 0.5])
    assert r.rms_norm_length == pytest.approx(RADIUS, rel=1e-6)
    assert r.layer_norm_length == pytest.approx(RADIUS, rel=1e-6)
    assert r.layer_norm_sum == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(r.projection, r.x - np.mean(r.x))
    # RMSNorm stays on the ray through x, LayerNorm on the ray through the projection
    np.testing.assert_allclose(r.rms_norm / np.linalg.norm(r.rms_norm), r.x / np.linalg.norm(r.x))
    np.testing.assert_allclose(r.layer_norm / RADIUS, r.projection / np.linalg.norm(r.projection), rtol=1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match="3 entries"):
        project([1.0, 2.0])
