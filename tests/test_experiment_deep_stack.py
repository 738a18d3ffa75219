"""rmsviz.experiments.deep_stack: the deep tanh stack, its statistics and its gradients (notebook 04)."""

import numpy as np
import pytest

from rmsviz.experiments import deep_stack
from rmsviz.experiments.gradcheck import numerical_gradient, relative_error


def _profile(norm, residual=False, scale=0.5, key="std"):
    run = deep_stack.run_stack(depth=8, width=32, batch=128, scale=scale, norm=norm, residual=residual)
    return np.array([getattr(s, key) for s in deep_stack.layer_stats(run)])


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


@pytest.mark.parametrize("norm", deep_stack.NORMS)
@pytest.mark.parametrize("residual", [False, True])
def test_whole_stack_matches_finite_differences(norm, residual):
    rng = np.random.default_rng(7)
    params = deep_stack.init_stack(depth=3, width=5, scale=1.3, seed=1)
    params = [(W, rng.normal(size=5) * 0.1) for W, _ in params]
    x, target = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    run = deep_stack.backward(deep_stack.forward(x, params, target, norm, residual), target)

    def loss_with(l=None, which=None, value=None, x_=x):
        ps = [list(p) for p in params]
        if l is not None:
            ps[l][which] = value
        return deep_stack.forward(x_, [tuple(p) for p in ps], target, norm, residual).loss

    assert relative_error(run.input_grad, numerical_gradient(lambda a: loss_with(x_=a), x)) < 1e-6
    for l, (W, b) in enumerate(params):
        dW, db = run.weight_grads[l]
        assert relative_error(dW, numerical_gradient(lambda a: loss_with(l, 0, a), W)) < 1e-6
        assert relative_error(db, numerical_gradient(lambda a: loss_with(l, 1, a), b)) < 1e-6


def test_compare_norms_runs_the_same_stack_twice():
    pair = deep_stack.compare_norms(depth=4, scale=0.5, norm="layernorm", residual=True)
    none = deep_stack.run_stack(depth=4, scale=0.5, norm="none", residual=True)
    chosen = deep_stack.run_stack(depth=4, scale=0.5, norm="layernorm", residual=True)
    assert pair.none.loss == none.loss and pair.chosen.loss == chosen.loss
    assert pair.chosen.norm == "layernorm" and pair.none.norm == "none" and pair.residual
    assert pair.none.activations[0].shape == (deep_stack.BATCH, deep_stack.WIDTH)
    with pytest.raises(ValueError, match="depth"):
        deep_stack.compare_norms(depth=deep_stack.MAX_DEPTH + 1)
