"""rmsviz.experiments.deep_stack: the deep tanh stack, its statistics and its gradients (notebook 04)."""

import numpy as np
import pytest

from rmsviz import layer_norm, layer_norm_backward, rms_norm, rms_norm_backward
from rmsviz.experiments import deep_stack
from rmsviz.experiments.gradcheck import numerical_gradient, relative_error


def _profile(norm, residual=False, scale=0.5, key="std"):
    """A LayerStats field per layer, for the stack notebook 04 prints (depth 8, width 32, batch 64)."""
    run = deep_stack.run_stack(depth=8, scale=scale, norm=norm, residual=residual)
    return deep_stack.profile(run, key)


def test_small_init_without_a_norm_shrinks_the_signal_but_not_the_weight_gradients():
    """Notebook 04, part 3: at init scale 0.5 without a norm the activations shrink layer by layer
    and dL/dt fades toward the input, but std(dL/dW) (grad:data) is flat: the two cancel."""
    assert _profile("none")[-1] / _profile("none")[0] < 0.1
    g = _profile("none", key="grad_std")
    assert g[0] / g[-1] < 0.05  # dL/dt at layer 1 is more than 20x smaller than at layer 8
    flat = _profile("none", key="grad_data")
    assert flat.max() / flat.min() < 1.3
    w = _profile("none", key="weight_grad_std")
    assert w.max() / w.min() < 1.3


def test_a_norm_keeps_each_layers_input_the_same_size_and_raises_the_level():
    for norm in ("rmsnorm", "layernorm"):
        assert _profile(norm).max() / _profile(norm).min() < 1.2
        g = _profile(norm, key="grad_std")
        assert g.max() / g.min() < 2
        level = _profile(norm, key="grad_data").mean() / _profile("none", key="grad_data").mean()
        assert 100 < level < 250  # about 150x: the overall level is what the norm changes


@pytest.mark.parametrize("norm", ["none", "rmsnorm"])
def test_saturated_layers_make_gradients_grow_toward_the_input(norm):
    """At init scale 3 the tanh saturates, with a norm or without: dL/dt is larger at layer 1 than
    at layer 8, and grad:data falls from layer 1 to layer 8."""
    assert _profile(norm, scale=3.0, key="saturated").min() > 30
    g = _profile(norm, scale=3.0, key="grad_std")
    assert g[0] / g[-1] > 5 and np.all(np.diff(g) < 0)
    gd = _profile(norm, scale=3.0, key="grad_data")
    assert gd[0] / gd[-1] > 5


def test_profile_rejects_an_unknown_field():
    run = deep_stack.run_stack(depth=2, width=4, batch=3)
    with pytest.raises(ValueError, match="field must be one of"):
        deep_stack.profile(run, "gradient")


@pytest.mark.parametrize("norm", ["rmsnorm", "layernorm"])
def test_the_stacks_bare_norm_formulas_match_rmsviz_norms(norm):
    rng = np.random.default_rng(3)
    h, grad = rng.normal(size=(16, 32)) * 3 + 1, rng.normal(size=(16, 32))
    forward, backward = (rms_norm, rms_norm_backward) if norm == "rmsnorm" else (layer_norm, layer_norm_backward)
    np.testing.assert_allclose(deep_stack._norm_forward(h, norm), forward(h, eps=deep_stack.EPS),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(deep_stack._norm_backward(h, grad, norm), backward(h, grad, eps=deep_stack.EPS)[0],
                               rtol=1e-10, atol=1e-14)


def test_layer_lines_have_one_line_per_layer():
    run = deep_stack.run_stack(depth=5, width=8, batch=16)
    lines = deep_stack.layer_lines(run)
    assert len(lines) == 5
    assert all(k in lines[0] for k in ("t mean", "t std", "saturated", "std dL/dt", "grad:data"))


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
    with pytest.raises(ValueError, match="scale"):
        deep_stack.compare_norms(scale=float("nan"))


def test_compare_norms_caches_its_runs_read_only():
    a = deep_stack.compare_norms(depth=3, scale=0.7, norm="rmsnorm")
    b = deep_stack.compare_norms(depth=3, scale=0.7, norm="layernorm")
    assert b.none is a.none  # the run without a norm does not depend on the norm chosen
    assert deep_stack.compare_norms(depth=3, scale=0.7, norm="rmsnorm").chosen is a.chosen
    with pytest.raises(ValueError, match="read-only"):
        a.chosen.activations[0][0, 0] = 1.0
    fresh = deep_stack.run_stack(depth=3, scale=0.7, norm="rmsnorm")  # not cached: writeable
    fresh.activations[0][0, 0] = 1.0
