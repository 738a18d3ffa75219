"""Numbers as text, the same on every machine and numpy version (notebooks 01-05).

A raw numpy scalar prints as ``np.float64(1.03)`` under numpy 2 and ``1.03`` under numpy 1, and
round-off digits differ between CPUs, so every number a notebook compares goes through these.
This module imports nothing from rmsviz: every layer may use it.
"""

from __future__ import annotations

import unicodedata

import numpy as np

__all__ = ["display_width", "fmt", "fmt_vector", "pad"]


def fmt(value: float, digits: int = 3) -> str:
    """A number rounded to ``digits`` decimals without trailing zeros: 30.0 -> '30', 5.4772 -> '5.477'."""
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_vector(values, digits: int = 3) -> str:
    """A vector with a fixed number of decimals: [0.365, 0.730, 1.095, 1.461] (any shape is flattened)."""
    return "[" + ", ".join(f"{float(v):.{digits}f}" for v in np.ravel(values)) + "]"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font: 2 for a wide character (Hangul, CJK), else 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` monospaced columns (``f"{text:<width}"`` counts a Hangul
    syllable as one column, though it takes two, so Korean tables would not line up)."""
    return text + " " * max(width - display_width(text), 0)
