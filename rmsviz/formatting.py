"""Numbers as text, the same on every machine and numpy version (notebooks 01-05).

A raw numpy scalar prints as ``np.float64(1.03)`` under numpy 2 and ``1.03`` under numpy 1, and
round-off digits differ between CPUs, so every number a notebook compares goes through these.
This module imports nothing from rmsviz: every layer may use it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fmt", "fmt_vector"]


def fmt(value: float, digits: int = 3) -> str:
    """A number rounded to ``digits`` decimals without trailing zeros: 30.0 -> '30', 5.4772 -> '5.477'."""
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_vector(values, digits: int = 3) -> str:
    """A vector with a fixed number of decimals: [0.365, 0.730, 1.095, 1.461] (any shape is flattened)."""
    return "[" + ", ".join(f"{float(v):.{digits}f}" for v in np.ravel(values)) + "]"
