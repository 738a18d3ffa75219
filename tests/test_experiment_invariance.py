"""The paper's invariance table, recomputed (rmsviz.experiments.invariance)."""

import itertools

import numpy as np
import pytest

from rmsviz import layer_norm
from rmsviz.experiments import invariance as inv


def test_table_matches_the_paper():
    table = inv.invariance_table()
    assert table.agrees, table.disagreements()
    assert table.as_array().shape == (5, 6)
    assert "agrees with the paper: yes" in repr(table) and "agrees with the paper: <b>yes</b>" in table._repr_html_()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_table_matches_for_other_seeds_and_sizes(seed):
    assert inv.invariance_table(seed, n_examples=9, n_in=5, n_out=12).agrees


def test_rmsnorm_differs_from_layernorm_only_in_weight_recentring():
    t = inv.invariance_table()
    diff = [c for c, a, b in zip(inv.COLUMNS, t.computed["RMSNorm"], t.computed["LayerNorm"]) if a != b]
    assert diff == ["weight matrix re-centring"]


def test_fails_when_rms_norm_is_replaced_by_layer_norm(monkeypatch):
    monkeypatch.setattr(inv, "rms_norm", lambda a, eps=0.0: layer_norm(a, eps=eps))
    table = inv.invariance_table()
    assert not table.agrees
    assert ("RMSNorm", "weight matrix re-centring") in table.disagreements()


@pytest.mark.parametrize("a, b", [p for p in itertools.permutations(inv.NORM_NAMES, 2)
                                  if inv.PAPER_TABLE[p[0]] != inv.PAPER_TABLE[p[1]]])
def test_fails_when_any_norm_is_swapped_for_another(monkeypatch, a, b):
    monkeypatch.setitem(inv.LAYERS, a, inv.LAYERS[b])
    assert not inv.invariance_table().agrees


def test_rms_and_prms_share_a_row_but_compute_different_outputs():
    W, X = inv.make_problem(0)
    assert inv.PAPER_TABLE["RMSNorm"] == inv.PAPER_TABLE["pRMSNorm"]
    assert not np.allclose(inv.rms_norm_layer(W, X), inv.prms_norm_layer(W, X))


def test_fails_when_a_transformation_is_broken(monkeypatch):
    original = inv.transformations

    def broken(W, X, seed=1):
        moved = original(W, X, seed)
        moved[inv.COLUMNS[1]] = (W + 0.3 * np.ones_like(W) * np.arange(W.shape[0])[:, None], X)
        return moved

    monkeypatch.setattr(inv, "transformations", broken)
    assert not inv.invariance_table().agrees


def test_bad_problem_sizes_raise():
    with pytest.raises(ValueError, match="n_out"):
        inv.make_problem(0, n_out=1)


def test_recentring_w_shifts_every_neuron_of_an_example_by_one_number():
    change = inv.pre_activation_change("weight matrix re-centring")
    assert change.shape == (16, 8)
    np.testing.assert_allclose(change, change[:, :1] * np.ones((1, 8)))  # one number per row
    assert np.ptp(change[:, 0]) > 0.1  # ... that differs between examples


def test_recentring_x_shifts_every_example_by_w_gamma():
    change = inv.pre_activation_change("dataset re-centring")
    np.testing.assert_allclose(change, np.ones((16, 1)) * change[:1])  # the same row W gamma everywhere
    assert np.ptp(change[0]) > 0.1  # ... with a different number for each neuron
    W, X = inv.make_problem(0)
    _, X2 = inv.transformations(W, X, 1)["dataset re-centring"]
    np.testing.assert_allclose(change[0], W @ (X2 - X)[0])


def test_pre_activation_change_rejects_other_columns():
    with pytest.raises(ValueError, match="column"):
        inv.pre_activation_change("dataset re-scaling")
