"""Step tables (rmsviz.steps): the hand computation, for any finite input, without overflow or warnings."""

import math
import re
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmsviz import i18n
from rmsviz.formatting import fmt
from rmsviz.steps import layer_norm_steps, rms_norm_steps, rms_steps, text_audit_table, z_score_steps


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args, **kwargs)


def test_rms_steps_of_the_seed_vector():
    table = rms_steps([2, 4, 6, 8])
    assert [row[2] for row in table.rows] == ["4", "16", "36", "64"]
    text = repr(table)
    assert text.splitlines()[0] == "RMS of [2, 4, 6, 8]"
    assert "(4 + 16 + 36 + 64) / 4 = 30" in text
    assert "sqrt(30) = 5.477" in text
    assert "<table>" in table._repr_html_()


def test_rms_norm_steps_divide_by_the_rms():
    table = rms_norm_steps([2, 4, 6, 8])
    assert [row[-1] for row in table.rows] == [fmt(v / math.sqrt(30)) for v in (2, 4, 6, 8)]
    assert dict(table.results)["check: RMS of y"] == "1"
    assert dict(table.results)["3. RMS = sqrt(mean of squares)"] == "5.477"
    with_eps = dict(rms_norm_steps([2, 4, 6, 8], eps=1e-6).results)
    assert "3. RMS = sqrt(mean of squares + 1e-06)" in with_eps


def test_layer_norm_steps_use_the_population_std():
    table = layer_norm_steps([200, 300, 150, 250])
    results = dict(table.results)
    assert results["mean"] == "225"
    assert results["3. variance (mean of squared deviations, 1/n)"] == "3125"
    assert results["4. standard deviation"] == fmt(math.sqrt(3125))


def test_z_score_steps_with_the_sample_std():
    table = z_score_steps([2, 4, 6, 8], ddof=1)
    results = dict(table.results)
    assert results["4. std = sqrt(20 / 3)"] == fmt(math.sqrt(20 / 3))
    assert [row[-1] for row in table.rows] == [fmt((v - 5) / math.sqrt(20 / 3)) for v in (2, 4, 6, 8)]
    with pytest.raises(ValueError, match="constant"):
        z_score_steps([3, 3, 3])
    with pytest.raises(ValueError, match="ddof"):
        z_score_steps([1, 2], ddof=2)


@pytest.mark.parametrize("bad", [[], [1.0, float("nan")], ["a", "b"], [[1, 2], [3, 4]]])
@pytest.mark.parametrize("table", [rms_steps, rms_norm_steps, layer_norm_steps, z_score_steps])
def test_bad_input_raises_a_value_or_type_error(table, bad):
    with pytest.raises((ValueError, TypeError)):
        table(bad)


# ----------------------------------------------------------------------------------------------
# Extreme and tiny inputs (robustness review, section 3)


def test_huge_entries_are_squared_without_overflow():
    table = _quiet(rms_steps, [1e308, 1e308])
    assert [row[2] for row in table.rows] == ["1e+616", "1e+616"]
    assert dict(table.results)["3. root"] == "sqrt(1e+616) = 1e+308"
    norm = _quiet(rms_norm_steps, [1e308, 1e308])
    assert [row[-1] for row in norm.rows] == ["1", "1"]
    assert [row[-1] for row in _quiet(rms_norm_steps, [1e308, -1e308, 0, 0]).rows] == ["1.414", "-1.414", "0", "0"]
    assert dict(norm.results)["3. RMS = sqrt(mean of squares)"] == "1e+308"


def test_layer_norm_steps_of_opposite_huge_entries():
    table = _quiet(layer_norm_steps, [1e308, -1e308])
    results = dict(table.results)
    assert results["mean"] == "0"
    assert results["4. standard deviation"] == "1e+308"
    assert [row[-1] for row in table.rows] == ["1", "-1"]


def test_tiny_entries_are_not_called_constant():
    table = _quiet(z_score_steps, [1e-320, 0])
    assert [row[-1] for row in table.rows] == ["0.707", "-0.707"]
    assert dict(table.results)["mean"] == "5e-321"
    assert dict(_quiet(z_score_steps, [1e308, -1e308], ddof=0).results)["4. std = sqrt(2e+616 / 2)"] == "1e+308"


_finite = st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(_finite, min_size=2, max_size=6))
@pytest.mark.parametrize("table", [rms_steps, rms_norm_steps, layer_norm_steps])
def test_any_finite_vector_gives_a_table_without_inf_or_nan(table, values):
    text = repr(_quiet(table, values))
    assert not re.search(r"\binf\b|\bnan\b", text)


@given(st.lists(_finite, min_size=2, max_size=6), st.sampled_from([0, 1]))
def test_z_score_steps_says_constant_only_for_a_constant_vector(values, ddof):
    if all(v == values[0] for v in values):
        with pytest.raises(ValueError, match="constant"):
            z_score_steps(values, ddof=ddof)
        return
    table = _quiet(z_score_steps, values, ddof=ddof)
    assert not re.search(r"\binf\b|\bnan\b", repr(table))
    outputs = [float(row[-1]) for row in table.rows]
    assert max(abs(v) for v in outputs) > 0  # a z-score of a non-constant vector is never all zeros


# ----------------------------------------------------------------------------------------------
# The audit table, in the words of the exercises


def test_the_audit_table_names_the_arithmetic_errors():
    table = text_audit_table("apples")
    statuses = {row[0]: row[-1] for row in table.rows}
    assert statuses["A3"] == "arithmetic error"
    assert statuses["A6"] == "follows from an earlier wrong line"
    assert statuses["A1"] == "right"
    assert dict(table.results)["arithmetic errors"] == "A3, A8"
    assert "slip" not in repr(table).lower() and "carried over" not in repr(table).lower()


class _Marking:
    def gettext(self, message):
        return f"«{message}»"


def test_table_text_goes_through_the_catalogue(monkeypatch):
    monkeypatch.setitem(i18n._state, "translation", _Marking())
    table = rms_steps([2, 4, 6, 8])
    assert table.title == "«RMS of {x}»".replace("{x}", "[2, 4, 6, 8]")
    assert table.columns[0] == "«feature»"
    assert text_audit_table("apples").rows[0][-1] == "«right»"
