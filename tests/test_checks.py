"""Exercise checks (rmsviz.checks): right answers, named mistakes, and every form of answer a student can type."""

import decimal
import fractions
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rmsviz import i18n
from rmsviz.checks import EXERCISES, Feedback, FunctionExercise, NumberExercise, check
from rmsviz.audit import audit_steps
from rmsviz.examples import APPLE_WEIGHTS_G
from rmsviz.experiments import regression

NUMBER_IDS = sorted(k for k, e in EXERCISES.items() if isinstance(e, NumberExercise))


def _quiet_check(exercise_id, answer) -> Feedback:
    """check() with every warning turned into an error: the checkers must not warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return check(exercise_id, answer)


# ----------------------------------------------------------------------------------------------
# Number exercises: right answers, rounding the question asks for, named mistakes


def test_exercise_00_1_the_texts_formula_on_its_apples():
    right = math.sqrt((200**2 + 300**2 + 150**2 + 250**2) / 4)  # 231.84 g
    assert check("00.1", right).correct and check("00.1", round(right, 2)).correct
    assert "the mean, 225 g" in check("00.1", 225).message
    assert "47.23" in check("00.1", 47.23).message
    assert "(divide by n)" in check("00.1", 55.90).message  # sqrt(3125): what the text meant to compute
    assert "(divide by n - 1)" in check("00.1", 64.55).message
    assert "square root" in check("00.1", 53750).message
    assert "length" in check("00.1", 463.68).message
    assert not check("00.1", 230.0).correct
    assert check("00.1", None).message.startswith("No answer yet: the source text's own formula")


def test_exercise_00_2_layernorm_is_rmsnorm_of_the_centred_vector():
    right = -3 / math.sqrt(5)  # -1.342: LayerNorm([2, 4, 6, 8])[0]
    assert check("00.2", right).correct and check("00.2", -1.34).correct
    assert "-1.16" in check("00.2", -1.16).message  # the text's own number: n - 1
    assert "RMSNorm of x itself" in check("00.2", 0.37).message
    assert "neither RMSNorm nor LayerNorm" in check("00.2", -0.55).message
    assert "wrong sign" in check("00.2", 1.34).message
    assert not check("00.2", -1.0).correct


def test_exercise_01_1_right_and_typical_mistakes():
    right = math.sqrt((9 + 16 + 0 + 25) / 4)
    assert check("01.1", right).correct
    assert check("01.1", round(right, 2)).correct
    assert "the mean." in check("01.1", 1.0).message
    assert "mean of squares" in check("01.1", 12.5).message
    assert "length" in check("01.1", math.sqrt(50)).message
    assert not check("01.1", 4.2).correct
    assert check("01.1", None).message == "No answer yet: what is the RMS of [3, -4, 0, 5] (two decimals)?"


def test_01_1_dividing_by_three_gets_its_own_hint():
    feedback = check("01.1", 4.08)  # sqrt(50 / 3): the zero left out of n
    assert not feedback.correct
    assert "divide by n = 4, not by 3" in feedback.message


def test_exercise_01_2():
    assert check("01.2", math.sqrt(13)).correct
    assert check("01.2", 3.61).correct
    assert "mean + std" in check("01.2", 5).message
    assert "3² = 9" in check("01.2", math.sqrt(7)).message


@pytest.mark.parametrize("answer", [[3.61], (3.61,), np.array([3.61]), [[3.61]]])
def test_01_2_a_one_element_list_is_told_to_be_one_number(answer):
    feedback = check("01.2", answer)
    assert not feedback.correct
    assert feedback.message == "This exercise expects one number, not a list: write 3.61 instead of [3.61]."


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
def test_every_number_exercise_answers_a_one_element_list_about_its_form(exercise_id):
    value = float(EXERCISES[exercise_id].answer())
    feedback = check(exercise_id, [value])
    assert not feedback.correct
    assert "expects one number, not a list" in feedback.message
    assert check(exercise_id, value).correct


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
def test_the_rounding_a_question_asks_for_is_accepted(exercise_id):
    exercise = EXERCISES[exercise_id]
    value = float(exercise.answer())
    if "two decimals" in exercise.question:
        assert check(exercise_id, round(value, 2)).correct
    if "3 significant figures" in exercise.question:
        assert check(exercise_id, float(f"{value:.2e}")).correct


def test_exercise_01_3_open_answers():
    assert check("01.3", [1, -1, 3, -3]).correct
    assert not check("01.3", [1, 2, 3, 4]).correct
    assert "zero vector" in check("01.3", [0, 0, 0, 0]).message
    assert "4 numbers" in check("01.3", [1, -1]).message
    assert "4 numbers" in check("01.3", 3.0).message
    assert "4 numbers" in check("01.3", [[1, -1], [1, -1]]).message


@pytest.mark.parametrize("answer", [[1e308, -1e308, 1e308, -1e308], [5e-324, -5e-324, 0, 0],
                                    [1.7976931348623157e308, -1.7976931348623157e308, 0, 0],
                                    [0.1, 0.2, -0.3, 0.0], [1e-320, 3e-320, -2e-320, -2e-320]])
def test_01_3_judges_valid_extreme_answers_right(answer):
    assert _quiet_check("01.3", answer).message == "Correct!"


@pytest.mark.parametrize("answer", [[1e308, 1e308, 1e308, -1e308], [1e-320, 0, 0, 0], [1, 1, 1, 1]])
def test_01_3_judges_extreme_wrong_answers_with_finite_numbers(answer):
    feedback = _quiet_check("01.3", answer)
    assert not feedback.correct
    assert "RMS = " in feedback.message and "inf" not in feedback.message and "nan" not in feedback.message


def test_every_exercise_has_a_hint_and_unknown_ids_are_rejected():
    for exercise in EXERCISES.values():
        assert exercise.hint
    with pytest.raises(ValueError, match="unknown exercise"):
        check("99.9", 1.0)
    with pytest.raises(TypeError, match="string"):
        check(1.1, 1.0)


def test_02_1_the_texts_mixed_recipe_is_a_named_mistake():
    feedback = check("02.1", 0.548)  # (8 - 5) / sqrt(30)
    assert not feedback.correct
    assert "neither RMSNorm nor LayerNorm" in feedback.message
    assert check("02.1", 1.46).correct


# Notebook 04


def test_04_1_a_scan_on_the_notebooks_grid_is_accepted_and_told_about_the_grid():
    x = APPLE_WEIGHTS_G
    prices = regression.apple_data()[1][:4]
    scanned = regression.divergence_threshold(x, prices, np.logspace(-7, 1, 401), steps=100)
    assert 1.90e-5 < scanned < 1.91e-5  # the review's 1.905e-5
    for answer in (scanned, float(f"{scanned:.2e}"), 1.905e-05):
        feedback = check("04.1", answer)
        assert feedback.correct, answer
        assert "within one grid step" in feedback.message and "4.7%" in feedback.message
        assert "1.860e-05" in feedback.message
    assert check("04.1", regression.stable_lr(x)).message == "Correct!"


def test_04_1_the_16_apples_of_the_notebook_get_a_named_hint():
    sixteen = regression.stable_lr(regression.apple_data()[0])
    assert f"{sixteen:.3e}" == "1.818e-05"
    for answer in (sixteen, 1.818e-05, 1.818e-5):
        feedback = check("04.1", answer)
        assert not feedback.correct
        assert "16 apples" in feedback.message and "four apples" in feedback.message


def test_04_1_the_16_apples_and_the_slider_are_not_correct():
    """The review's finding: 1.82e-05 (the 16 apples' 2 / C to 3 significant figures, printed by the
    lesson) and 1.78e-05 (the slider value below it) were "Correct within one grid step"."""
    assert f"{regression.stable_lr(APPLE_WEIGHTS_G):.3e}" == "1.860e-05"
    for answer in (1.82e-05, 1.8197e-05):
        feedback = check("04.1", answer)
        assert not feedback.correct, answer
        assert "16 apples" in feedback.message and "four apples" in feedback.message
    feedback = check("04.1", 1.78e-05)
    assert not feedback.correct
    assert "slider" in feedback.message and "four apples" in feedback.message
    for answer in (1.77e-05, 1.80e-05, 1.83e-05, 1.88e-05, 1.89e-05, 1.92e-05, 1.96e-05, 2.00e-05):
        assert not check("04.1", answer).correct, answer
    for answer in (1.85e-05, 1.86e-05, 1.87e-05, 1.905e-05, 1.91e-05):
        assert check("04.1", answer).correct, answer


def test_04_1_far_answers_are_not_accepted():
    assert not check("04.1", 2.2e-5).correct
    assert not check("04.1", 1.6e-5).correct
    assert "2 mean(x²)" in check("04.1", 2 * regression.stable_lr(APPLE_WEIGHTS_G)).message


# Notebook 05


def test_05_1():
    assert not check("05.1", None)
    assert check("05.1", 1e-3)
    assert "outside the root" in repr(check("05.1", 1e-6))


@pytest.mark.parametrize("answer", [255.875, 255.9, 255.88, 255.93, np.float16(255.875), 255.82])
def test_05_2_accepts_every_number_float16_stores_as_255_875(answer):
    assert np.float16(answer) == np.float16(255.875)
    assert _quiet_check("05.2", answer).message == "Correct!"


def test_05_2_named_mistakes():
    assert "just below 256" in repr(check("05.2", 256))
    rounds_up = _quiet_check("05.2", 255.95)
    assert not rounds_up.correct
    assert "float16 stores as 256" in rounds_up.message and "float(np.float16(v))" in rounds_up.message
    assert "cannot hold" in check("05.2", 255.94).message
    assert "largest square" in check("05.2", 65504).message
    assert not _quiet_check("05.2", 1e10).correct  # beyond float16: no overflow warning
    assert "float(np.float16(v))" in check("05.2", None).message
    assert np.isfinite(np.float16(255.875) ** 2)


def test_06_1_counts_every_weight_and_bias():
    assert check("06.1", 9092) and check("06.1", 9092.0)
    assert "biases" in check("06.1", 8832).message
    assert "no gain" in check("06.1", 9092 + 5 * 32).message
    assert "no gain" in check("06.1", 9092 + 5 * 64).message
    assert "W_in" in check("06.1", 9092 - 16 * 32).message
    assert "read-out" in check("06.1", 9092 - 32 * 4 - 4).message
    assert not check("06.1", 9093)


def test_06_2_the_stream_grows_by_a_half_per_block_with_a_norm():
    assert check("06.2", 7) and check("06.2", 7.05)
    assert "without a norm" in check("06.2", 1.5**12).message
    assert "starts at" in check("06.2", 6).message
    assert "half" in check("06.2", 13).message
    assert "never normalised" in check("06.2", 1).message


def test_06_3_is_read_from_the_run_at_depth_3():
    from rmsviz.experiments import training

    right = training.train("rmsnorm", 3).largest_stable_lr
    assert check("06.3", right)
    assert "diverged" in check("06.3", 2 * right).message
    assert not check("06.3", right / 2)


def test_05_3():
    assert check("05.3", 256)
    assert "fraction" in repr(check("05.3", 25600))


# ----------------------------------------------------------------------------------------------
# The form of an answer: a sentence, never a traceback


@pytest.mark.parametrize("answer, words", [
    ("3.54", "text ('3.54')"),
    (b"3.54", "text ('3.54')"),
    (np.array(["1", "-1", "1", "-1"]), "text ('1')"),
    (["1", "-1", "1", "-1"], "text ('1')"),
    (np.str_("3.54"), "text ('3.54')"),
    ([1, None, 3, 4], "None"),
    ([1, float("nan"), 3, 4], "NaN"),
    (float("nan"), "NaN"),
    (np.array([1.0, np.inf, 1, 1]), "infinite"),
    (decimal.Decimal("NaN"), "NaN"),
    (decimal.Decimal("sNaN"), "NaN"),
    (decimal.Decimal("Infinity"), "infinite"),
    (decimal.Decimal("1e400"), "too large"),
    (10**400, "too large"),
    ([10**400, 1, 1, 1], "too large"),
    (fractions.Fraction(10**400, 3), "too large"),
    (np.longdouble("1e4000") if np.finfo(np.longdouble).max > 1e4000 else 10**400, "too large"),
    (1 + 2j, "complex"),
    (np.array([1 + 0j, 2, 3, 4]), "complex"),
    ({"rms": 3.54}, "dict"),
    ([{"a": 1}, 2, 3, 4], "dict"),
    ([[1, 2], [3]], "ragged"),
    ([1, [2, 3], 4, 5], "ragged"),
    ([], "empty"),
    (np.array([]), "empty"),
    ([[]], "empty"),
    (True, "True or False"),
    (np.array([True, False, True, False]), "True or False"),
    (np.ma.masked_array([1, -1, 1, -1], mask=[0, 1, 0, 0]), "masked"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "dates"),
    (object(), "type object"),
    ([[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]], "nested too deeply"),
])
@pytest.mark.parametrize("exercise_id", ["01.1", "01.3", "02.0"])
def test_every_wrong_form_gets_a_sentence(exercise_id, answer, words):
    feedback = _quiet_check(exercise_id, answer)
    assert not feedback.correct
    assert words in feedback.message
    assert "\n" not in feedback.message


def test_a_set_has_no_order_except_where_order_does_not_matter():
    assert "set, which has no order" in check("01.3", {1, -1, 2, -2}).message
    assert "set, which has no order" in check("01.1", {3.54}).message
    assert check("02.0", {2025, 47.23}).correct


def test_a_numpy_string_array_is_treated_as_the_plain_string():
    as_text = check("01.3", "1 -1 1 -1")
    as_array = check("01.3", np.array(["1", "-1", "1", "-1"]))
    assert not as_text.correct and not as_array.correct
    assert "text" in as_text.message and "text" in as_array.message
    assert "remove the quotes" in as_text.message and "remove the quotes" in as_array.message


def test_answers_in_other_numeric_forms_are_judged():
    right = [1, -1, 3, -3]
    for answer in (np.array(right), tuple(right), np.array(right, dtype=np.float32), np.array(right, dtype=np.int8),
                   np.array(right, dtype=object), [np.float16(v) for v in right],
                   [decimal.Decimal(v) for v in right], [fractions.Fraction(v) for v in right],
                   np.ma.masked_array(right)):
        assert _quiet_check("01.3", answer).correct, answer
    assert _quiet_check("01.1", np.float32(3.5355)).correct
    assert _quiet_check("01.1", np.array(3.5355)).correct
    assert _quiet_check("01.1", decimal.Decimal("3.54")).correct
    assert _quiet_check("01.1", fractions.Fraction(354, 100)).correct


class _ArrayLike:
    """An object with its own conversion to an array, as a pandas Series or a torch tensor has."""

    def __init__(self, values, fails=False):
        self.values, self.fails = values, fails

    def __array__(self, dtype=None, copy=None):
        if self.fails:
            raise RuntimeError("cannot convert")
        return np.array(self.values, dtype=dtype)


def test_array_like_objects_are_converted_by_their_own_method():
    assert _quiet_check("01.3", _ArrayLike([1, -1, 3, -3])).correct
    assert "text" in _quiet_check("01.3", _ArrayLike(["1", "-1", "3", "-3"])).message
    assert _quiet_check("01.3", _ArrayLike([1, -1], fails=True)).message == (
        "Your answer is of type _ArrayLike: give a number or a list of numbers.")


def test_wrong_number_of_numbers():
    assert check("01.1", [3.54, 1]).message == "This exercise expects one number, but your answer holds 2 numbers."
    assert "shape (2, 2)" in check("01.3", [[1, -1], [1, -1]]).message


# ----------------------------------------------------------------------------------------------
# Every exercise, any answer: a Feedback, no exception, no warning, one stable line

_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**300, max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8)
    | st.complex_numbers(allow_nan=True, allow_infinity=True),
    lambda children: st.lists(children, max_size=5) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=12,
)

_dtypes = (hnp.floating_dtypes() | hnp.integer_dtypes() | hnp.unsigned_integer_dtypes() | hnp.boolean_dtypes()
           | hnp.complex_number_dtypes() | hnp.unicode_string_dtypes(max_len=3) | hnp.byte_string_dtypes(max_len=3)
           | hnp.datetime64_dtypes())
_arrays = hnp.arrays(_dtypes, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
_masked = st.builds(lambda a, m: np.ma.masked_array(a, mask=m),
                    hnp.arrays(np.float64, (4,), elements=st.floats(-1e308, 1e308)),
                    hnp.arrays(np.bool_, (4,)))
_answers = _json_like | _arrays | _masked


def _function_returning(value):
    return lambda *args: value


def _function_raising(error):
    def student(*args):
        raise error
    return student


_functions = (st.builds(_function_returning, _json_like | _arrays)
              | st.builds(_function_raising, st.sampled_from([ValueError("bad\nvalue"), TypeError("x"),
                                                              ZeroDivisionError(), KeyError("k"),
                                                              RuntimeError(), IndexError("i"),
                                                              NotImplementedError()])))


def _assert_good_feedback(exercise_id, answer):
    first = _quiet_check(exercise_id, answer)
    again = _quiet_check(exercise_id, answer)
    assert isinstance(first, Feedback)
    assert first.message and "\n" not in first.message
    assert repr(first) == first.message == again.message  # stable: nbval compares it
    assert not re.search(r"0x[0-9a-fA-F]{4,}", first.message)  # no memory address
    assert "Traceback" not in first.message


@given(answer=_answers, exercise_id=st.sampled_from(sorted(EXERCISES)))
def test_any_answer_to_any_exercise_gets_one_stable_line(answer, exercise_id):
    _assert_good_feedback(exercise_id, answer)


@given(function=_functions,
       exercise_id=st.sampled_from(sorted(k for k, e in EXERCISES.items() if isinstance(e, FunctionExercise))))
def test_any_function_to_any_write_it_yourself_exercise_gets_one_stable_line(function, exercise_id):
    _assert_good_feedback(exercise_id, function)
    assert not _quiet_check(exercise_id, function).correct


@given(values=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=4, max_size=4))
def test_01_3_any_finite_vector_is_judged_by_its_mean(values):
    feedback = _quiet_check("01.3", values)
    exact_mean = sum(fractions.Fraction(v) for v in values)
    if exact_mean == 0 and any(values):
        assert feedback.correct
    if feedback.correct:  # then the mean is negligible next to the entries
        peak = max(abs(v) for v in values)
        assert abs(exact_mean) / 4 <= 1e-7 * peak


# ----------------------------------------------------------------------------------------------
# 02.0: the text's arithmetic errors, found with code

ERRORS = {2025, 47.23}  # 300 - 225 = 75 and 75² = 5625, not 2025; sqrt(2225) = 47.17, not 47.23


def test_02_0_the_answer_is_the_two_lines_that_do_not_follow_from_the_text():
    from_audit = {a.step.printed for a in audit_steps("apples") if not a.follows}
    assert from_audit == ERRORS


@pytest.mark.parametrize("answer", [[2025, 47.23], [47.23, 2025], (2025.0, 47.23), {47.23, 2025},
                                    np.array([2025, 47.23]), [2025, 47.23, 2025], [2025, 47.229]])
def test_02_0_right_in_any_order_and_form(answer):
    assert _quiet_check("02.0", answer).message == "Correct!"


def test_02_0_hints():
    assert check("02.0", None).message.startswith("No answer yet: the text computes the standard deviation")
    assert "2025" in check("02.0", None).message and "47.23" in check("02.0", None).message
    missing = check("02.0", [2025])
    assert not missing.correct and "1 more is missing" in missing.message
    assert "1 more" in check("02.0", [47.23]).message
    for carried in (8900, 2225, -0.53, 1.59):
        feedback = check("02.0", [2025, 47.23, carried])
        assert not feedback.correct
        assert "follows from an earlier wrong line" in feedback.message
    not_printed = check("02.0", [2025, 47.17])
    assert "does not print 47.17" in not_printed.message
    assert "data" in check("02.0", [2025, 47.23, 300]).message
    assert "is right for the apple weights" in check("02.0", [2025, 47.23, 5625]).message
    assert "expects a flat list" in check("02.0", [[2025, 47.23]]).message
    one = check("02.0", 2025)
    assert not one.correct and "1 more" in one.message


# ----------------------------------------------------------------------------------------------
# Messages go through the language catalogue and read as plain English


class _Marking:
    """A stand-in catalogue that wraps every translated string in « », to see what went through _()."""

    def gettext(self, message):
        return f"«{message}»"


def test_messages_questions_and_hints_are_translated_when_shown(monkeypatch):
    monkeypatch.setitem(i18n._state, "translation", _Marking())
    assert check("01.1", None).message == "«No answer yet: «what is the RMS of [3, -4, 0, 5] (two decimals)?»»"
    assert check("01.1", 1.0).message == ("«Not yet: that is «the mean». Hint: «square every feature first, so "
                                          "that -4 counts as much as 4.»»")
    assert check("01.1", 3.5355).message == "«Correct!»"
    assert check("01.1", "x").message.startswith("«Your answer holds text")
    assert check("01.4", None).message.startswith("«No answer yet: «write my_rms(x)")


def test_reader_text_avoids_the_idioms_the_series_dropped():
    texts = []
    for exercise in EXERCISES.values():
        texts += [exercise.prompt(), exercise.hint]
        texts += [t for m in getattr(exercise, "mistakes", []) for t in (m.label, m.hint)]
    for text in texts:
        assert "slip" not in text.lower() and "carried over" not in text.lower(), text
