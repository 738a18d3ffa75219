"""rmsviz.experiments.rms: the statistics of one vector that notebook 01's panel shows."""

import numpy as np
import pytest

from rmsviz.experiments.rms import rms_stats


def test_seed_vector():
    s = rms_stats([2, 4, 6, 8])
    assert s.rms == pytest.approx(np.sqrt(30)) and s.mean_square == pytest.approx(30)
    assert s.mean == 5 and s.std == pytest.approx(np.sqrt(5))
    assert s.mean_square == pytest.approx(s.mean**2 + s.std**2)  # RMS² = mean² + var
    assert s.x.tolist() == [2.0, 4.0, 6.0, 8.0]


def test_bad_input():
    with pytest.raises(ValueError, match="vector"):
        rms_stats([[1.0, 2.0]])
    with pytest.raises(ValueError):
        rms_stats([])
