"""Step tables (rmsviz.steps), exercise checks (rmsviz.checks) and the environment report."""

import math

import pytest

from rmsviz import environment
from rmsviz.checks import EXERCISES, check
from rmsviz.steps import fmt, layer_norm_steps, rms_norm_steps, rms_steps


@pytest.mark.parametrize("value, text", [(30.0, "30"), (5.4772255, "5.477"), (-0.0001, "0"),
                                         (0.365148, "0.365"), (-1.3416, "-1.342"), (2.5, "2.5")])
def test_fmt(value, text):
    assert fmt(value) == text


def test_rms_steps_of_the_seed_vector():
    table = rms_steps([2, 4, 6, 8])
    assert [row[2] for row in table.rows] == ["4", "16", "36", "64"]
    text = repr(table)
    assert "(4 + 16 + 36 + 64) / 4 = 30" in text
    assert "sqrt(30) = 5.477" in text
    assert "<table>" in table._repr_html_()


def test_rms_norm_steps_divide_by_the_rms():
    table = rms_norm_steps([2, 4, 6, 8])
    assert [row[-1] for row in table.rows] == [fmt(v / math.sqrt(30)) for v in (2, 4, 6, 8)]
    assert dict(table.results)["check: RMS of y"] == "1"


def test_layer_norm_steps_use_the_population_std():
    table = layer_norm_steps([200, 300, 150, 250])
    results = dict(table.results)
    assert results["mean"] == "225"
    assert results["3. variance (mean of squared deviations, 1/n)"] == "3125"
    assert results["4. standard deviation"] == fmt(math.sqrt(3125))


def test_exercise_01_1_right_and_typical_mistakes():
    right = math.sqrt((9 + 16 + 0 + 25) / 4)
    assert check("01.1", right).correct
    assert check("01.1", round(right, 2)).correct
    assert "mean" in check("01.1", 1.0).message
    assert "mean of squares" in check("01.1", 12.5).message
    assert "length" in check("01.1", math.sqrt(50)).message
    assert not check("01.1", 4.2).correct
    assert "No answer yet" in check("01.1", None).message
    assert "Expected a number" in check("01.1", "3.54").message


def test_exercise_01_2_and_01_3():
    assert check("01.2", math.sqrt(13)).correct
    assert "mean + std" in check("01.2", 5).message
    assert check("01.3", [1, -1, 3, -3]).correct
    assert not check("01.3", [1, 2, 3, 4]).correct
    assert "zero vector" in check("01.3", [0, 0, 0, 0]).message
    assert "4 numbers" in check("01.3", [1, -1]).message


def test_every_exercise_has_a_hint_and_unknown_ids_are_rejected():
    for exercise in EXERCISES.values():
        assert exercise.hint
    with pytest.raises(ValueError, match="unknown exercise"):
        check("99.9", 1.0)


def test_environment_report(capsys):
    environment.report()
    out = capsys.readouterr().out
    assert "numpy" in out and "ready" in out
    assert environment.problems({"python": "3.11", "numpy": "1.0", "matplotlib": "missing",
                                 "ipywidgets": "8.1"}) == [
        "numpy 1.0 is older than 1.24: upgrade it",
        "matplotlib is not installed: run `python -m pip install -r requirements.txt`",
    ]
    assert environment._as_tuple("8.1.9rc1") == (8, 1, 9)
    assert environment._as_tuple("2.4") == (2, 4)
