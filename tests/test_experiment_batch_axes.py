"""rmsviz.experiments.batch_axes: which numbers BatchNorm, LayerNorm and RMSNorm take statistics over."""

import numpy as np
import pytest

from rmsviz import layer_norm, rms, rms_norm
from rmsviz.experiments import batch_axes


def test_statistics_run_along_the_right_axis():
    s = batch_axes.batch_statistics(seed=0)
    assert s.batch.shape == (6, 8) and s.n_examples == 6 and s.n_features == 8
    assert np.all(s.batch == np.round(s.batch)) and s.batch.min() >= 1 and s.batch.max() <= 9
    for i in range(8):  # BatchNorm: down column i
        assert s.bn_mean[i] == pytest.approx(np.mean(s.batch[:, i]))
        assert s.bn_std[i] == pytest.approx(np.std(s.batch[:, i]))
    for k in range(6):  # LayerNorm and RMSNorm: along row k
        assert s.ln_mean[k] == pytest.approx(np.mean(s.batch[k]))
        assert s.ln_std[k] == pytest.approx(np.std(s.batch[k]))
        assert s.rms[k] == pytest.approx(float(rms(s.batch[k])))
    assert (s.count("BatchNorm"), s.count("LayerNorm"), s.count("RMSNorm")) == (16, 12, 6)


def test_seed_gives_the_same_batch():
    np.testing.assert_array_equal(batch_axes.batch_statistics(3).batch, batch_axes.batch_statistics(3).batch)
    assert not np.array_equal(batch_axes.batch_statistics(3).batch, batch_axes.batch_statistics(4).batch)


def test_normalise_matches_the_package_norms():
    b = batch_axes.batch_statistics(1).batch
    np.testing.assert_allclose(batch_axes.normalise(b, "LayerNorm"), layer_norm(b))
    np.testing.assert_allclose(batch_axes.normalise(b, "RMSNorm"), rms_norm(b))
    bn = batch_axes.normalise(b, "BatchNorm", eps=0.0)
    np.testing.assert_allclose(bn.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(bn.std(axis=0), 1)
    # BatchNorm of the batch is LayerNorm of its transpose: the same formula along the other axis
    np.testing.assert_allclose(bn, layer_norm(b.T, eps=0.0).T)


def test_changing_one_number_moves_a_column_or_a_row():
    b = batch_axes.batch_statistics(0).batch
    c = batch_axes.changed_outputs(b, example=1, feature=4, delta=3.0)
    column = np.zeros(b.shape, bool)
    column[:, 4] = True
    row = np.zeros(b.shape, bool)
    row[1, :] = True
    np.testing.assert_array_equal(c.changed["BatchNorm"], column)
    np.testing.assert_array_equal(c.changed["LayerNorm"], row)
    np.testing.assert_array_equal(c.changed["RMSNorm"], row)  # no zero in the batch: every feature moves


@pytest.mark.parametrize("call", [
    lambda: batch_axes.batch_statistics(n_examples=1),
    lambda: batch_axes.batch_statistics(n_features=2.5),
    lambda: batch_axes.statistics_of([1.0, 2.0, 3.0]),
    lambda: batch_axes.statistics_of([[1.0, np.nan], [2.0, 3.0]]),
    lambda: batch_axes.normalise(np.ones((3, 3)), "GroupNorm"),
    lambda: batch_axes.batch_norm(np.ones((3, 3)), eps=-1.0),
    lambda: batch_axes.changed_outputs(np.ones((3, 3)), example=3, feature=0),
    lambda: batch_axes.changed_outputs(np.ones((3, 3)), example=0, feature=0, delta=0.0),
    lambda: batch_axes.batch_statistics().count("GroupNorm"),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()
