"""rmsviz.experiments.training: the notebook-06 residual MLP, its hand-written backward pass and SGD."""

import numpy as np
import pytest

from rmsviz import layer_norm, layer_norm_backward, rms_norm, rms_norm_backward
from rmsviz.experiments import training
from rmsviz.experiments.gradcheck import numerical_gradient, relative_error


def small_model(norm_depth=2, copies=1, seed=0):
    """A tiny model (4 inputs, width 5, hidden 6, 3 outputs) at a random point: every gradient non-zero."""
    params = training.init_params(norm_depth, copies=copies, seed=seed, d_in=4, width=5, hidden=6, d_out=3)
    rng = np.random.default_rng(seed + 10)
    for a in params.arrays():
        a[...] = rng.normal(size=a.shape) * (0.6 if a.shape[-2] > 1 else 0.2)
    x = rng.normal(size=(7, 4))
    y = rng.normal(size=(7, 3))
    return params, x, y


@pytest.mark.parametrize("norm", training.NORMS)
def test_every_gradient_entry_matches_finite_differences(norm):
    params, x, y = small_model()
    loss, grads = training.loss_and_grads(params, x, y, norm)
    assert loss.shape == (1,)
    for name, (p, g) in enumerate(zip(params.arrays(), grads.arrays())):
        def f(value, p=p):
            saved = p.copy()
            p[...] = value
            try:
                return training.loss_and_grads(params, x, y, norm)[0][0]
            finally:
                p[...] = saved

        numeric = numerical_gradient(f, p.copy())
        assert relative_error(g, numeric) < 1e-6, (norm, name)


@pytest.mark.parametrize("norm", training.NORMS)
def test_copies_are_independent_models(norm):
    """Copy k's loss and gradients depend only on copy k's weights (the copies train side by side)."""
    two, x, y = small_model(copies=2)
    for a in two.arrays():
        a[1] *= 1.5
    loss, grads = training.loss_and_grads(two, x, y, norm)
    for k in range(2):
        one = training.Params(two.w_in[k:k + 1], [a[k:k + 1] for a in two.w1], [a[k:k + 1] for a in two.b1],
                              [a[k:k + 1] for a in two.w2], [a[k:k + 1] for a in two.b2], two.v[k:k + 1],
                              two.c[k:k + 1])
        loss_k, grads_k = training.loss_and_grads(one, x, y, norm)
        assert np.isclose(loss[k], loss_k[0], rtol=1e-12)
        for g, gk in zip(grads.arrays(), grads_k.arrays()):
            np.testing.assert_allclose(g[k:k + 1], gk, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("norm", training.NORMS)
def test_the_notebooks_directional_check_is_small(norm):
    assert training.gradient_check(norm) < 1e-7
    assert training.gradient_check(norm, depth=3, seed=5) < 1e-7


def test_a_wrong_gradient_fails_the_directional_check(monkeypatch):
    """The check can fail: drop the norm's backward pass (treat the norm as the identity)."""
    monkeypatch.setattr(training, "_norm_backward", lambda h, grad, norm: grad)
    assert training.gradient_check("rmsnorm") > 1e-3


def test_bare_formulas_match_rmsviz_norms():
    rng = np.random.default_rng(3)
    h, g = 3.0 * rng.normal(size=(4, 6, 32)) + 0.5, rng.normal(size=(4, 6, 32))
    np.testing.assert_allclose(training._bare_forward(h, "rmsnorm"), rms_norm(h, eps=training.EPS), rtol=1e-12)
    np.testing.assert_allclose(training._bare_forward(h, "layernorm"), layer_norm(h, eps=training.EPS),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(training._bare_backward(h, g, "rmsnorm"),
                               rms_norm_backward(h, g, eps=training.EPS)[0], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(training._bare_backward(h, g, "layernorm"),
                               layer_norm_backward(h, g, eps=training.EPS)[0], rtol=1e-9, atol=1e-12)


def test_training_is_deterministic():
    first = training._train.__wrapped__("rmsnorm", 2, (0.125, 1.0), 30, 16, 0, 1)
    second = training._train.__wrapped__("rmsnorm", 2, (0.125, 1.0), 30, 16, 0, 1)
    np.testing.assert_array_equal(first.losses, second.losses)
    np.testing.assert_array_equal(first.diverged_at, second.diverged_at)


def test_every_run_starts_from_the_same_loss():
    runs = [training.train(norm, 1, steps=5) for norm in training.NORMS]
    for run in runs:
        assert run.initial_loss == pytest.approx(training.initial_loss(steps=5), rel=1e-12)
        np.testing.assert_allclose(run.losses[:, 0], run.initial_loss, rtol=1e-12)


@pytest.mark.parametrize("norm", training.NORMS)
def test_a_stable_and_an_unstable_learning_rate_behave_as_claimed(norm):
    run = training.train(norm, 2, lrs=[0.0625, 2.0])
    small, large = 0, 1
    assert run.stable[small] and run.diverged_at[small] == -1
    assert run.final_losses[small] < 0.5 * run.initial_loss
    assert np.all(np.isfinite(run.losses[small]))
    assert not run.stable[large] and 0 < run.diverged_at[large] < 10
    stop = run.diverged_at[large]
    assert run.losses[large, stop] > training.DIVERGED * run.initial_loss or not np.isfinite(run.losses[large, stop])
    assert np.all(np.isnan(run.losses[large, stop + 1:]))
    assert run.largest_stable_lr == 0.0625


def test_the_norm_keeps_a_large_learning_rate_stable_at_depth_8():
    """Notebook 06's main observation: at depth 8 and lr 0.25 the model without a norm diverges,
    with either norm it trains."""
    for norm, stable in (("none", False), ("layernorm", True), ("rmsnorm", True)):
        run = training.train(norm, 8, lrs=[0.25])
        assert bool(run.stable[0]) is stable, norm


def test_learning_rates_train_side_by_side_as_they_would_alone():
    both = training.train("layernorm", 1, lrs=[0.03125, 0.5], steps=40)
    alone = training.train("layernorm", 1, lrs=[0.5], steps=40)
    np.testing.assert_allclose(both.losses[1], alone.losses[0], rtol=1e-9)


def test_one_weight_draw_per_copy():
    draws = training.init_params(2, copies=3, seed=(1, 5, 9))
    for k, seed in enumerate((1, 5, 9)):
        alone = training.init_params(2, seed=seed)
        for a, b in zip(draws.arrays(), alone.arrays()):
            np.testing.assert_array_equal(a[k], b[0])
    run = training.train("rmsnorm", 1, lrs=[0.125, 0.125], steps=20, init_seed=(1, 2))
    first = training.train("rmsnorm", 1, lrs=[0.125], steps=20, init_seed=1)
    np.testing.assert_allclose(run.losses[0], first.losses[0], rtol=1e-9)
    assert not np.allclose(run.losses[0, 1:], run.losses[1, 1:])
    with pytest.raises(ValueError, match="one seed per learning rate"):
        training.train("rmsnorm", 1, lrs=[0.125], init_seed=(1, 2))


def test_results_are_read_only_and_cached():
    run = training.train("none", 1, steps=5)
    assert training.train(norm="none", depth=1, steps=5) is run
    with pytest.raises(ValueError):
        run.losses[0, 0] = 1.0


def test_the_stream_grows_as_the_notebook_says():
    depth = 6
    none = training.stream_growth(depth, "none")
    rms = training.stream_growth(depth, "rmsnorm")
    layer = training.stream_growth(depth, "layernorm")
    l = np.arange(depth + 1)
    np.testing.assert_allclose(none / none[0], 1.5 ** l, rtol=0.08)
    np.testing.assert_allclose(rms - rms[0], l / 2, atol=0.08)
    np.testing.assert_allclose(layer - layer[0], l / 2, atol=0.08)
    own = training.stream_mean_squares(4, "none")
    assert own.shape == (5,) and np.all(np.diff(own) > 0)


def test_training_at_snaps_to_the_grid_and_runs_every_norm():
    view = training.training_at(lr=0.3, depth=1, norm="layernorm")
    assert view.lr == 0.25 and training.LR_GRID[view.index] == 0.25
    assert [r.norm for r in view.runs] == list(training.NORMS) and view.run.norm == "layernorm"
    assert training.snap_lr(1e-9) == 0 and training.snap_lr(100.0) == len(training.LR_GRID) - 1


def test_stable_lr_table_reads_the_runs():
    table = training.stable_lr_table(depths=(1,), norms=("none",))
    assert table == {("none", 1): training.train("none", 1).largest_stable_lr}


def test_time_steps_reports_every_kernel_and_norm():
    t = training.time_steps(depth=1, batch=8, repeats=1, number=1)
    for kernel in ("rmsviz", "bare"):
        assert all(t.step[kernel][n] > 0 for n in training.NORMS)
        assert t.norm_alone[kernel]["none"] == 0.0
        assert t.norm_alone[kernel]["rmsnorm"] > 0 and t.ratio(kernel) > 0 and t.ratio(kernel, "norm") > 0


@pytest.mark.parametrize("call, error, message", [
    (lambda: training.train("batchnorm", 2), ValueError, "norm must be one of"),
    (lambda: training.train("rmsnorm", 0), ValueError, "depth must be >= 1"),
    (lambda: training.train("rmsnorm", 2.5), TypeError, "depth must be an integer"),
    (lambda: training.train("rmsnorm", 2, lrs=[0.1, -1.0]), ValueError, "positive finite learning rates"),
    (lambda: training.train("rmsnorm", 2, lrs=[]), ValueError, "positive finite learning rates"),
    (lambda: training.training_at(depth=9), ValueError, "between 1 and 8"),
    (lambda: training.snap_lr(0.0), ValueError, "positive finite"),
    (lambda: training.snap_lr("fast"), TypeError, "must be a number"),
    (lambda: training.make_task(steps=0), ValueError, "steps must be >= 1"),
    (lambda: training.loss_and_grads(training.init_params(1), np.zeros((2, 16)), np.zeros((2, 4)), "bn"),
     ValueError, "norm must be one of"),
])
def test_bad_arguments_raise(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_warm_up_fills_the_cache_and_time_steps_waits_for_it():
    depth = training.MAX_DEPTH - 1
    thread = training.warm_up([depth])
    assert thread is not None
    training.time_steps(depth=1, repeats=1, number=1)  # waits until no warm-up is training
    assert training._warming_runs[0] == 0  # the warm-up's work was done before the timing
    thread.join(timeout=10)
    assert not thread.is_alive()
    hits = training._train.cache_info().hits
    training.training_at(depth=depth)
    assert training._train.cache_info().hits == hits + len(training.NORMS)
    with pytest.raises(ValueError):
        training.warm_up([0], background=False)
