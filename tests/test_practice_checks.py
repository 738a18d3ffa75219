"""Notebook 05 exercises."""

import numpy as np

from rmsviz.checks import check


def test_05_1():
    assert not check("05.1", None)
    assert check("05.1", 1e-3)
    assert "outside the root" in repr(check("05.1", 1e-6))


def test_05_2():
    assert check("05.2", 255.875)
    assert "step one float16 down" in repr(check("05.2", 256))
    assert not check("05.2", 65504)
    assert np.isfinite(np.float16(255.875) ** 2)


def test_05_3():
    assert check("05.3", 256)
    assert "fraction" in repr(check("05.3", 25600))
