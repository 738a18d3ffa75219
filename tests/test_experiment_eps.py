"""rmsviz.experiments.eps: eps inside vs outside the root, PyTorch's eps=None, the panel's eps_at (notebook 05)."""

import numpy as np
import pytest

from rmsviz import rms, rms_norm
from rmsviz.experiments import eps as E

X = np.array([1.5, -0.5, 1.0, -1.0, 0.25, 0.75])


def test_normalize_inside_is_rms_norm_and_outside_formula():
    np.testing.assert_allclose(E.normalize(X, 1e-3, "inside"), rms_norm(X, eps=1e-3))
    np.testing.assert_allclose(E.normalize(X, 1e-3, "outside"), X / (np.sqrt(np.mean(X**2)) + 1e-3))
    assert np.array_equal(E.normalize(np.zeros(4), 0.0, "outside"), np.zeros(4))


@pytest.mark.parametrize("eps", [1e-8, 1e-6, 1e-3])
def test_dominance_points(eps):
    x = X / rms(X)
    inside = E.normalize(x * E.dominance_rms(eps, "inside"), eps, "inside")
    outside = E.normalize(x * E.dominance_rms(eps, "outside"), eps, "outside")
    assert float(rms(inside)) == pytest.approx(1 / np.sqrt(2), rel=1e-6)
    assert float(rms(outside)) == pytest.approx(0.5, rel=1e-6)


def test_scale_sweep_shape_and_limits():
    s = E.scale_sweep(X, np.geomspace(1e-10, 1e4, 50), 1e-6, "inside", index=2)
    assert s.out_rms.shape == (50,)
    assert s.out_rms[-1] == pytest.approx(1.0) and s.out_rms[0] < 1e-3
    assert np.all(np.diff(s.out_rms) >= 0)
    np.testing.assert_allclose(s.value, E.normalize(np.outer(s.scales, X), 1e-6)[:, 2])


def test_eps_at_is_one_point_on_its_curves():
    r = E.eps_at(1e-2, 1e-6, "inside")
    x = E.unit_vector()
    assert float(rms(x)) == pytest.approx(1.0)
    y = E.normalize(1e-2 * x, 1e-6, "inside")
    assert r.out_rms == pytest.approx(float(rms(y))) and r.value == pytest.approx(y[0])
    assert r.dominance == pytest.approx(1e-3) and r.normalised
    np.testing.assert_allclose(r.curves.scales, E.SCALES)
    i = int(np.argmin(np.abs(np.log(E.SCALES / 1e-2))))
    assert r.curves.out_rms[i] == pytest.approx(r.out_rms, rel=0.05)
    assert not E.eps_at(1e-8, 1e-2, "outside").normalised
    assert E.eps_at(1e-8, 1e-2, "outside").dominated
    # between the two: eps matters (output RMS 0.97) but does not dominate yet
    mid = E.eps_at(4e-3, 1e-6, "inside")
    assert not mid.normalised and not mid.dominated and 0.9 < mid.out_rms < 0.99


def test_dominance_curves_are_computed_once():
    E._dominance_curves.cache_clear()
    first = E.eps_at(1.0, 1e-4, "outside").curves
    assert E.eps_at(5.0, 1e-4, "outside").curves is first
    assert E.dominance_curves(1e-4, where="outside") is first
    assert E._dominance_curves.cache_info().misses == 1
    assert E.eps_at(5.0, 1e-4, "inside").curves is not first


def test_torch_default_eps():
    f32 = float(np.finfo(np.float32).eps)
    assert E.torch_default_eps("bfloat16") == f32 == E.torch_default_eps(np.float16)
    assert E.torch_default_eps(np.dtype("float32")) == f32
    assert E.torch_default_eps("float64") == float(np.finfo(np.float64).eps)
    with pytest.raises(TypeError):
        E.torch_default_eps(np.int32)


def test_eps_bad_input():
    with pytest.raises(ValueError, match="where"):
        E.normalize(X, 1e-6, "beside")
    with pytest.raises(ValueError, match="eps"):
        E.dominance_rms(-1.0)
    with pytest.raises(TypeError, match="eps"):
        E.normalize(X, "small")
    with pytest.raises(ValueError, match="one vector"):
        E.scale_sweep(np.ones((2, 2)), [1.0])
    with pytest.raises(ValueError, match="scales"):
        E.scale_sweep(X, [np.nan])
    with pytest.raises(ValueError, match="index"):
        E.scale_sweep(X, [1.0], index=10)
    with pytest.raises(ValueError, match="scale"):
        E.eps_at(0.0)


def test_input_type_eps_is_what_pytorch_used_before_2025():
    from rmsviz.experiments.eps import dominance_rms, input_type_eps, torch_default_eps
    assert input_type_eps("float16") == 2.0 ** -10
    assert input_type_eps("bfloat16") == 2.0 ** -7
    assert input_type_eps(np.float32) == torch_default_eps("float32")
    assert abs(dominance_rms(input_type_eps("float16")) - 0.03125) < 1e-12
    with pytest.raises(TypeError):
        input_type_eps("int32")
