"""Numbers as text (rmsviz.formatting), the same on every machine."""

import numpy as np
import pytest

from rmsviz.formatting import fmt, fmt_vector


@pytest.mark.parametrize("value, text", [(30.0, "30"), (5.4772255, "5.477"), (-0.0001, "0"),
                                         (0.365148, "0.365"), (-1.3416, "-1.342"), (2.5, "2.5")])
def test_fmt(value, text):
    assert fmt(value) == text


def test_fmt_vector():
    assert fmt_vector(np.array([[0.36515, 0.7303]]), 2) == "[0.37, 0.73]"


def test_pad_counts_a_hangul_syllable_as_two_columns():
    from rmsviz.formatting import display_width, pad

    assert display_width("옳음") == 4 and display_width("right") == 5
    assert pad("옳음", 8) == "옳음    " and pad("right", 8) == "right   "
    assert pad("too long", 3) == "too long"  # never cut


def test_pad_aligns_right_and_centre_and_refuses_an_unknown_alignment():
    import pytest

    from rmsviz import pad

    assert pad("옳음", 6, ">") == "  옳음" and pad("ab", 6, "^") == "  ab  "
    assert pad("abc", 7, "<") == f"{'abc':<7}" and pad("abc", 7, ">") == f"{'abc':>7}"
    with pytest.raises(ValueError, match="align"):
        pad("x", 3, "=")
