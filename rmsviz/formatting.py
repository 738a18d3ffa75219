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


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` aligned in ``width`` monospaced columns: ``"<"`` left, ``">"`` right, ``"^"`` centred.

    Like ``f"{text:<width}"``, but a wide character (a Hangul syllable) counts as the two columns
    it takes, so a table a notebook prints lines up in the Korean edition too; never cuts
    ``text``. ``print(pad(tr("largest stable lr"), 18) + ...)`` (notebook 06).
    """
    if align not in ("<", ">", "^"):
        raise ValueError(f"align must be '<', '>' or '^', got {align!r}")
    room = max(width - display_width(text), 0)
    if align == "<":
        return text + " " * room
    if align == ">":
        return " " * room + text
    return " " * (room // 2) + text + " " * (room - room // 2)
