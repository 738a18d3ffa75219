"""Exercise checkers with hints (layer: may import norms, examples, steps, experiments).

Introduced in notebook 01. Every exercise of the series lives in :data:`EXERCISES` under an id like
``"01.1"``; a notebook calls ``check("01.1", answer)`` and shows the :class:`Feedback`, which prints
one stable line (nbval compares it).

Four kinds of exercise:

* :class:`NumberExercise` -- one number, computed by ``rmsviz`` (never typed in), with the usual
  wrong answers (:class:`Mistake`) and a hint for each;
* :class:`OpenExercise` -- many right answers (for example "a vector whose RMS equals its std"):
  a function says whether an answer is right, and why not;
* :class:`SetExercise` -- a set of numbers in any order (notebook 02: find the text's arithmetic
  errors yourself);
* :class:`FunctionExercise` -- "write it yourself": the student passes a function, the checker calls
  it on its own seeded inputs, compares with :mod:`rmsviz.norms` and names the usual mistake.

Every answer a student can type gets a sentence, never a traceback: text, None, NaN, dicts, ragged
lists, complex numbers, huge integers, masked arrays and arrays of the wrong shape are answered with
what is wrong with the answer's form.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Callable

import numpy as np

from rmsviz.examples import APPLE_WEIGHTS_G, TRAY_G, audit_steps
from rmsviz.experiments import precision, regression
from rmsviz.formatting import fmt
from rmsviz.i18n import N_, _
from rmsviz.norms import layer_norm, partial_count, rms, rms_norm, rms_norm_backward

__all__ = [
    "EXERCISES",
    "Exercise",
    "Feedback",
    "FunctionExercise",
    "Mistake",
    "NumberExercise",
    "OpenExercise",
    "SetExercise",
    "check",
]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a one-line message (its repr, compared by nbval)."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.correct


# ----------------------------------------------------------------------------------------------
# Reading an answer: numbers, or a sentence saying what is wrong with the answer's form

_FORM = {
    "none": N_("Your answer is None: give a number or a list of numbers."),
    "text": N_("Your answer holds text ({text}), not numbers: remove the quotes."),
    "bool": N_("Your answer holds True or False, which are yes/no values: give numbers."),
    "none_inside": N_("Your answer holds None, an empty value: replace it with a number."),
    "complex": N_("Your answer holds a complex number: give real numbers only."),
    "nan": N_("Your answer holds NaN (not a number): give finite numbers."),
    "inf": N_("Your answer holds an infinite value: give finite numbers."),
    "too_large": N_("Your answer holds a number too large for a float (above 1.8e308)."),
    "ragged": N_("Your answer is a ragged list: its rows have different lengths."),
    "empty": N_("Your answer is empty: give a number or a list of numbers."),
    "masked": N_("Your answer is a masked array with hidden entries: give plain numbers."),
    "dates": N_("Your answer holds dates or times, not numbers."),
    "deep": N_("Your answer is a list nested too deeply: give a number or a list of numbers."),
    "set": N_("Your answer is a set, which has no order: give a list."),
    "type": N_("Your answer is of type {type}: give a number or a list of numbers."),
    "type_inside": N_("Your answer holds a value of type {type}: give a number or a list of numbers."),
}

#: The same problems, as the noun phrase that ends "your function returns ...".
_RESULT_FORM = {
    "none": N_("None"),
    "text": N_("text"),
    "bool": N_("True/False values"),
    "none_inside": N_("None inside a list"),
    "complex": N_("complex numbers"),
    "nan": N_("NaN values"),
    "inf": N_("infinite values"),
    "too_large": N_("numbers too large for a float"),
    "ragged": N_("a ragged list"),
    "empty": N_("an empty array"),
    "masked": N_("a masked array"),
    "dates": N_("dates or times"),
    "deep": N_("a list nested too deeply"),
    "set": N_("a set"),
    "type": N_("a value of type {type}"),
    "type_inside": N_("a value of type {type}"),
}

_MAX_DEPTH = 16


class _FormError(Exception):
    """The answer's form is wrong: ``code`` names the problem (a key of ``_FORM``)."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values

    def sentence(self) -> str:
        """The problem as a sentence about "your answer"."""
        return _(_FORM[self.code]).format(**self.values)

    def phrase(self) -> str:
        """The problem as a noun phrase, for what a student's function returns."""
        return _(_RESULT_FORM[self.code]).format(**self.values)


class _ShapeError(Exception):
    """The answer has numbers, but not as many as the exercise expects: ``args[0]`` is the sentence."""


def _short_text(text) -> str:
    """At most 20 characters of a string, on one line, in quotes."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = " ".join(str(text).split())
    return "'" + (text if len(text) <= 20 else text[:19] + "…") + "'"


def _num(value: float) -> str:
    """A number for a message: four significant digits, no trailing zeros (1.86e-05, 3.61, 256)."""
    return f"{float(value):.4g}"


def _vector_text(values) -> str:
    """A short vector for a message: ``[2, 4, 6, 8]``."""
    return "[" + ", ".join(_num(v) for v in np.ravel(values)) + "]"


def _read_numbers(value, depth: int = 0) -> np.ndarray:
    """``value`` as a float64 array of finite real numbers, or a :class:`_FormError`.

    Reads lists, tuples, numbers and numpy arrays itself (never ``np.asarray`` on an unknown
    object), so that no answer raises numpy's errors or warnings, and text is text whether it comes
    as a string or as a numpy array of strings.
    """
    if depth > _MAX_DEPTH:
        raise _FormError("deep")
    if value is None:
        raise _FormError("none_inside")
    if isinstance(value, (bool, np.bool_)):
        raise _FormError("bool")
    if isinstance(value, (str, bytes)):
        raise _FormError("text", text=_short_text(value))
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.is_masked(value):
            raise _FormError("masked")
        return _read_array(np.ma.getdata(value), depth)
    if isinstance(value, (np.ndarray, np.generic)):
        return _read_array(np.asarray(value), depth)
    if isinstance(value, numbers.Number) or isinstance(value, Decimal):
        return np.array(_read_scalar(value))
    if isinstance(value, (set, frozenset)):
        raise _FormError("set")
    if isinstance(value, (list, tuple, range)):
        return _read_sequence(value, depth)
    code = "type" if depth == 0 else "type_inside"
    raise _FormError(code, type=type(value).__name__)


def _read_scalar(value) -> float:
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise _FormError("complex")
    if isinstance(value, Decimal):
        if value.is_nan():
            raise _FormError("nan")
        if value.is_infinite():
            raise _FormError("inf")
    try:
        number = float(value)
    except OverflowError:
        raise _FormError("too_large") from None
    except (TypeError, ValueError):
        raise _FormError("type", type=type(value).__name__) from None
    if math.isnan(number):
        raise _FormError("nan")
    if math.isinf(number):
        # a float inf was typed as such; a Decimal or Fraction beyond float64 is a finite number
        raise _FormError("inf" if isinstance(value, (float, np.floating)) else "too_large")
    return number


def _read_sequence(values, depth: int) -> np.ndarray:
    if len(values) == 0:
        raise _FormError("empty")
    items = [_read_numbers(v, depth + 1) for v in values]
    if len({item.shape for item in items}) > 1:
        raise _FormError("ragged")
    return np.stack(items)


def _read_array(arr: np.ndarray, depth: int) -> np.ndarray:
    kind = arr.dtype.kind
    if kind == "O":
        if arr.ndim == 0:
            return _read_numbers(arr.item(), depth + 1)
        return _read_sequence(list(arr), depth)
    if kind == "b":
        raise _FormError("bool")
    if kind in "US":
        first = arr.flat[0] if arr.size else ""
        raise _FormError("text", text=_short_text(first))
    if kind == "c":
        raise _FormError("complex")
    if kind in "Mm":
        raise _FormError("dates")
    if kind not in "iuf":
        raise _FormError("type", type=str(arr.dtype))
    if arr.size == 0:
        raise _FormError("empty")
    with np.errstate(over="ignore", invalid="ignore"):
        out = arr.astype(np.float64)
    finite = np.isfinite(out)
    if not finite.all():
        if np.isnan(arr).any():
            raise _FormError("nan")
        if np.isinf(arr).any():
            raise _FormError("inf")
        raise _FormError("too_large")  # a longdouble beyond float64
    return out


def _one_number(arr: np.ndarray) -> float:
    """The single number of an answer that must be one number, or a :class:`_ShapeError`."""
    if arr.shape == ():
        return float(arr)
    if arr.size == 1:
        value = _num(arr.flat[0])
        raise _ShapeError(_("This exercise expects one number, not a list: write {value} instead of "
                            "[{value}].").format(value=value))
    raise _ShapeError(_("This exercise expects one number, but your answer holds {count} numbers.")
                      .format(count=arr.size))


# ----------------------------------------------------------------------------------------------
# Exercises


_NO_ANSWER = N_("No answer yet: {question}")
_CORRECT = N_("Correct!")


@dataclass
class Exercise:
    """The common part of every exercise: a question, a general hint, and :meth:`check`.

    ``question`` and ``hint`` are English message ids (marked with ``N_``), translated when shown.
    ``question_values`` fills named placeholders in the question (computed, never typed in).
    Subclasses implement ``_judge(given) -> Feedback``; they may raise :class:`_FormError` or
    :class:`_ShapeError`, which :meth:`check` turns into a one-line sentence.
    """

    question: str
    hint: str = ""
    question_values: Callable[[], dict] | None = field(default=None, kw_only=True)

    def prompt(self) -> str:
        """The question, in the current language, with its placeholders filled."""
        values = self.question_values() if self.question_values else {}
        return _(self.question).format(**values)

    def no_answer(self) -> Feedback:
        return Feedback(False, _(_NO_ANSWER).format(question=self.prompt()))

    def check(self, given) -> Feedback:
        """The feedback on ``given``: right, a named mistake with a hint, or what is wrong with its form."""
        if given is None or given is ...:
            return self.no_answer()
        try:
            return self._judge(given)
        except _FormError as problem:
            return Feedback(False, problem.sentence())
        except _ShapeError as problem:
            return Feedback(False, str(problem))

    def _judge(self, given) -> Feedback:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _not_yet(self, reason: str | None = None) -> Feedback:
        if reason is None:
            return Feedback(False, _("Not yet. Hint: {hint}").format(hint=_(self.hint)))
        return Feedback(False, _("Not yet: {reason}. Hint: {hint}").format(reason=reason, hint=_(self.hint)))


@dataclass(frozen=True)
class Mistake:
    """A usual wrong answer: ``label`` says what the number is, ``hint`` how to get the right one.

    The answer matches the mistake when it is within the exercise's tolerance of ``value()``, or
    when ``matches(answer)`` is true (for mistakes that are a range of numbers, not one number).
    """

    label: str
    hint: str
    value: Callable[[], float] | None = None
    matches: Callable[[float], bool] | None = None


@dataclass(frozen=True)
class Accepted:
    """An answer that is right for a reason the exact answer does not cover, with a note saying so.

    Example: a learning-rate scan on a grid finds the threshold only to within one grid step.
    """

    matches: Callable[[float], bool]
    note: str
    note_values: Callable[[], dict] = dict


@dataclass
class NumberExercise(Exercise):
    """A question whose answer is one number, computed by ``answer()``.

    An answer is right within ``atol`` absolute plus ``rtol`` relative tolerance (so that the
    two-decimal rounding the questions ask for passes), or when ``is_right(answer)`` is true.
    """

    answer: Callable[[], float] | None = None
    mistakes: list[Mistake] = field(default_factory=list)
    atol: float = 0.006
    rtol: float = 1e-3
    is_right: Callable[[float], bool] | None = None
    also_accepted: list[Accepted] = field(default_factory=list)

    def _close(self, given: float, expected: float) -> bool:
        return abs(given - expected) <= self.atol + self.rtol * abs(expected)

    def _judge(self, given) -> Feedback:
        value = _one_number(_read_numbers(given))
        if self.is_right(value) if self.is_right else self._close(value, float(self.answer())):
            return Feedback(True, _(_CORRECT))
        for mistake in self.mistakes:
            if mistake.matches(value) if mistake.matches else self._close(value, float(mistake.value())):
                return Feedback(False, _("Not yet: that is {label}. Hint: {hint}").format(
                    label=_(mistake.label), hint=_(mistake.hint)))
        for accepted in self.also_accepted:
            if accepted.matches(value):
                return Feedback(True, _(accepted.note).format(**accepted.note_values()))
        return self._not_yet()


@dataclass
class OpenExercise(Exercise):
    """A question with many right answers: ``accept(array)`` returns None when right, else the reason.

    ``accept`` receives the answer as a float64 array of finite numbers; it may raise
    :class:`_ShapeError` when the answer has the wrong number of entries.
    """

    accept: Callable[[np.ndarray], str | None] | None = None

    def _judge(self, given) -> Feedback:
        reason = self.accept(_read_numbers(given))
        if reason is None:
            return Feedback(True, _(_CORRECT))
        return self._not_yet(reason)


def check(exercise_id: str, answer) -> Feedback:
    """Check an answer to the exercise with this id (``"01.1"``, ...) and return the feedback.

    Every answer gets a :class:`Feedback`; only an unknown exercise id (a mistake in the notebook,
    not in the answer) raises ValueError.
    """
    if not isinstance(exercise_id, str):
        raise TypeError(f"the exercise id must be a string such as '01.1', got {type(exercise_id).__name__}")
    if exercise_id not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; known: {sorted(EXERCISES)}")
    return EXERCISES[exercise_id].check(answer)


# ----------------------------------------------------------------------------------------------
# "Write it yourself": the student passes a function, the checker calls it


@dataclass(frozen=True)
class _Case:
    """One call of the student's function: the arguments, in the order of the exercise's ``params``."""

    args: tuple

    def copies(self) -> tuple:
        return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in self.args)


@dataclass(frozen=True)
class FunctionMistake:
    """A usual mistake in a student's function: ``wrong(*args)`` returns what that mistake returns.

    ``output`` is the index of the result it concerns (0, or 1 for ``grad_gain`` of a backward pass).
    """

    label: str
    hint: str
    wrong: Callable
    output: int = 0


def _describe_value(name: str, value) -> str:
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.size <= 6:
            text = _("{name} = {values}").format(name=name, values=_vector_text(value))
        else:
            text = _("{name} of shape {shape}").format(name=name, shape=_shape_text(value.shape))
        if value.dtype.kind in "iu":
            text = _("{value} (integers)").format(value=text)
        return text
    return _("{name} = {value}").format(name=name, value=_num(value))


def _shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _one_line(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _NoAnswer(Exception):
    """The student's function returns None or raises NotImplementedError on its first call."""


@dataclass
class FunctionExercise(Exercise):
    """Write a function; the checker calls it on its own inputs and compares with ``reference``.

    ``name`` and ``params`` give the call the question asks for (``my_rms_norm(x, gain, eps)``);
    ``cases()`` returns the inputs (seeded); ``reference(*args)`` the right result, a tuple of
    arrays when the function returns several (``outputs`` names them). ``mistakes`` are the usual
    wrong functions; the first whose result matches the student's on the failing input names the
    mistake. A result matches within ``rtol`` of the largest reference value (float32 code passes).
    ``loose_shape`` accepts a result with an extra trailing axis of length 1 (``keepdims=True``).
    """

    name: str = ""
    params: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    cases: Callable[[], list[_Case]] | None = None
    reference: Callable | None = None
    mistakes: list[FunctionMistake] = field(default_factory=list)
    shape_hint: str = ""
    rtol: float = 1e-4
    loose_shape: bool = False

    @cached_property
    def _cases(self) -> list[_Case]:
        return self.cases()

    def _call_text(self) -> str:
        return f"{self.name}({', '.join(self.params)})"

    def _inputs_text(self, case: _Case) -> str:
        return ", ".join(_describe_value(n, a) for n, a in zip(self.params, case.args))

    def _judge(self, given) -> Feedback:
        if not callable(given):
            return Feedback(False, _(
                "Expected a function: pass {name} itself, without brackets or arguments. "
                "Your answer is of type {type}.").format(name=self.name, type=type(given).__name__))
        try:
            for index, case in enumerate(self._cases):
                verdict = self._try(given, case, first=index == 0)
                if verdict is not None:
                    return verdict
        except _NoAnswer:
            return self.no_answer()
        return Feedback(True, _(_CORRECT))

    def _call(self, function, args):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return function(*args)

    def _try(self, function, case: _Case, first: bool) -> Feedback | None:
        """None when the student's function is right on this case, else the feedback."""
        args = case.copies()
        inputs = self._inputs_text(case)
        try:
            result = self._call(function, args)
        except NotImplementedError:
            if first:
                raise _NoAnswer from None
            return self._raised("NotImplementedError", "", case, inputs)
        except Exception as error:  # the student's code: any exception becomes a sentence
            return self._raised(type(error).__name__, str(error), case, inputs)
        if result is None:
            if first:
                raise _NoAnswer
            return Feedback(False, _("Not yet: for {inputs}, your function returns None. "
                                     "Hint: end it with a return statement.").format(inputs=inputs))
        for name, before, after in zip(self.params, case.args, args):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after):
                return Feedback(False, _(
                    "Not yet: your function changes its input {name} (for {inputs}). Hint: compute a "
                    "new array (y = x / r) instead of writing into the input (x /= r)."
                ).format(name=name, inputs=inputs))
        return self._compare(function, result, case, inputs)

    def _raised(self, error: str, detail: str, case: _Case, inputs: str) -> Feedback:
        detail = _one_line(detail)
        if error == "ValueError" and "broadcast" in detail:
            hint = _("keep the reduced axis, mean(..., axis=-1, keepdims=True), so that it divides "
                     "each row by its own statistic.")
        elif "cast" in detail and any(isinstance(a, np.ndarray) and a.dtype.kind in "iu" for a in case.args):
            hint = _("do not write the result into an integer input (x /= r); compute a new array "
                     "(y = x / r).")
        else:
            hint = _("the checker calls {call}.").format(call=self._call_text())
        return Feedback(False, _("Not yet: your function raised {error} for {inputs}{detail}. Hint: {hint}")
                        .format(error=error, inputs=inputs, detail=f" ({detail})" if detail else "",
                                hint=hint))

    def _results(self, result, inputs: str) -> tuple[np.ndarray, ...] | Feedback:
        """The student's result as a tuple of float arrays, one per output, or the feedback on its form."""
        if len(self.outputs) > 1:
            if not isinstance(result, (tuple, list)) or len(result) != len(self.outputs):
                return Feedback(False, _("Not yet: your function should return {count} arrays, "
                                         "({names}), but for {inputs} it returns {what}.").format(
                    count=len(self.outputs), names=", ".join(self.outputs), inputs=inputs,
                    what=_("a value of type {type}").format(type=type(result).__name__)
                    if not isinstance(result, (tuple, list))
                    else _("{count} values").format(count=len(result))))
            parts = tuple(result)
        else:
            parts = (result,)
        arrays = []
        for name, part in zip(self.outputs or ("",), parts):
            try:
                if part is None:
                    raise _FormError("none")
                arrays.append(_read_numbers(part))
            except _FormError as problem:
                if len(parts) > 1:
                    return Feedback(False, _("Not yet: for {inputs}, {name} is {what}, not an array of finite "
                                             "numbers.").format(inputs=inputs, name=name, what=problem.phrase()))
                return Feedback(False, _("Not yet: for {inputs}, your function returns {what}, not an "
                                         "array of finite numbers.").format(inputs=inputs, what=problem.phrase()))
        return tuple(arrays)

    def _close(self, got: np.ndarray, expected: np.ndarray) -> bool:
        if got.shape != expected.shape:
            return False
        scale = float(np.max(np.abs(expected))) if expected.size else 0.0
        with np.errstate(all="ignore"):
            return bool(np.all(np.abs(got - expected) <= self.rtol * (np.abs(expected) + scale) + 1e-12))

    def _fit_shape(self, got: np.ndarray, expected: np.ndarray) -> np.ndarray:
        if self.loose_shape and got.shape == expected.shape + (1,):
            return got[..., 0]
        return got

    def _compare(self, function, result, case: _Case, inputs: str) -> Feedback | None:
        got = self._results(result, inputs)
        if isinstance(got, Feedback):
            return got
        expected = self.reference(*case.copies())
        expected = expected if isinstance(expected, tuple) else (expected,)
        for index, (g, e) in enumerate(zip(got, expected)):
            e = np.asarray(e, dtype=float)
            g = self._fit_shape(g, e)
            if self._close(g, e):
                continue
            mistake = self._diagnose(function, g, case, index)
            what = self.outputs[index] if len(self.outputs) > 1 else _("your result")
            if mistake is not None:
                return Feedback(False, _("Not yet: for {inputs}, {what} is {label}. Hint: {hint}").format(
                    inputs=inputs, what=what, label=_(mistake.label), hint=_(mistake.hint)))
            if g.shape != e.shape:
                return Feedback(False, _(
                    "Not yet: for {inputs}, {what} has shape {got}, but the right shape is {expected}. "
                    "Hint: {hint}").format(inputs=inputs, what=what, got=_shape_text(g.shape),
                                           expected=_shape_text(e.shape), hint=_(self.shape_hint)))
            with np.errstate(all="ignore"):
                worst = np.unravel_index(int(np.argmax(np.abs(g - e))), e.shape) if e.ndim else ()
            where = _(" at index {index}").format(index=list(worst)) if e.ndim else ""
            return Feedback(False, _(
                "Not yet: for {inputs}, {what} is {got}{where}, but the right value is {expected}. "
                "Hint: {hint}").format(inputs=inputs, what=what, got=_num(g[worst]), where=where,
                                       expected=_num(e[worst]), hint=_(self.hint)))
        return None

    def _mistake_matches(self, mistake: FunctionMistake, got: np.ndarray, case: _Case) -> bool | None:
        """Does the student's result ``got`` on ``case`` match ``mistake``? None if the mistake does not apply."""
        try:
            with np.errstate(all="ignore"):
                wrong = mistake.wrong(*case.copies())
        except (ValueError, IndexError):  # a mistake that cannot happen for this shape of input
            return None
        if wrong is None:
            return None
        wrong = np.asarray(wrong, dtype=float)
        return self._close(self._fit_shape(got, wrong), wrong)

    def _student_result(self, function, case: _Case, index: int) -> np.ndarray | None:
        """The student's result number ``index`` on ``case``, or None when it raises or is not numbers."""
        try:
            result = self._results(self._call(function, case.copies()), "")
        except Exception:  # the student's code
            return None
        return None if isinstance(result, Feedback) else result[index]

    def _diagnose(self, function, got: np.ndarray, failing: _Case, index: int) -> FunctionMistake | None:
        """The usual mistake that explains the student's result on the failing case.

        When several mistakes give the same numbers on that case (the mean and the mean of absolute
        values agree on a positive vector), the one that also agrees on the other cases wins.
        """
        candidates = [m for m in self.mistakes
                      if m.output == index and self._mistake_matches(m, got, failing)]
        if len(candidates) > 1:
            others = [(c, self._student_result(function, c, index)) for c in self._cases if c is not failing]
            for mistake in candidates:
                if all(r is None or self._mistake_matches(mistake, r, c) is not False for c, r in others):
                    return mistake
        return candidates[0] if candidates else None


# ----------------------------------------------------------------------------------------------
# Notebook 01


def _vec(*values) -> np.ndarray:
    return np.array(values, dtype=float)


_X_01_1 = _vec(3, -4, 0, 5)

EXERCISES: dict[str, Exercise] = {
    "01.1": NumberExercise(
        question=N_("what is the RMS of [3, -4, 0, 5] (two decimals)?"),
        answer=lambda: float(rms(_X_01_1)),
        mistakes=[
            Mistake(N_("the mean"), N_("square every entry first, so that -4 counts as much as 4."),
                    value=lambda: float(np.mean(_X_01_1))),
            Mistake(N_("the mean of the absolute values"),
                    N_("square every entry, then average the squares: the RMS weighs large entries more."),
                    value=lambda: float(np.mean(np.abs(_X_01_1)))),
            Mistake(N_("the standard deviation"), N_("the RMS does not subtract the mean."),
                    value=lambda: float(np.std(_X_01_1))),
            Mistake(N_("the mean of squares (RMS²)"),
                    N_("you squared and averaged; one step is left: the square root."),
                    value=lambda: float(rms(_X_01_1)) ** 2),
            Mistake(N_("the root of the sum of squares (the length)"),
                    N_("divide the sum of squares by n = 4 before taking the root."),
                    value=lambda: float(np.linalg.norm(_X_01_1))),
            Mistake(N_("the sum of squares divided by 3, then the root"),
                    N_("the zero is an entry too: divide by n = 4, not by 3."),
                    value=lambda: float(np.sqrt(np.sum(_X_01_1**2) / 3))),
        ],
        hint=N_("square each entry, average the squares, then take the square root."),
    ),
    "01.2": NumberExercise(
        question=N_("a vector of n = 5 entries has mean 2 and standard deviation 3 (1/n). What is its RMS?"),
        answer=lambda: float(np.sqrt(2**2 + 3**2)),
        mistakes=[
            Mistake(N_("mean + std"), N_("the identity adds squares: RMS² = mean² + var."), value=lambda: 5.0),
            Mistake(N_("RMS² (mean² + var)"), N_("that is RMS²; take its square root."), value=lambda: 13.0),
            Mistake(N_("the root of mean² + std"), N_("the variance is the square of the std: 3² = 9."),
                    value=lambda: float(np.sqrt(2**2 + 3))),
        ],
        hint=N_("use RMS² = mean² + var."),
    ),
}


def _rms_equals_std(x: np.ndarray) -> str | None:
    """None when RMS(x) = std(x) for a non-zero vector of 4 numbers, else the reason (exercise 01.3).

    The vector is first divided by a power of two near its largest entry (exact in floating point),
    so that [1e308, -1e308, 1e308, -1e308] is judged like [1, -1, 1, -1], with no overflow.
    """
    if x.shape != (4,):
        if x.shape == ():
            raise _ShapeError(_("This exercise expects a list of 4 numbers, but your answer is one number."))
        raise _ShapeError(_("This exercise expects a list of 4 numbers, but your answer has shape {shape}.")
                          .format(shape=_shape_text(x.shape)))
    peak = float(np.max(np.abs(x)))
    if peak == 0:
        return _("the zero vector is excluded")
    exponent = math.frexp(peak)[1]
    scaled = np.ldexp(x, -exponent)  # entries in [-1, 1]; multiplying by a power of two is exact
    r = float(np.sqrt(np.mean(scaled**2)))
    s = float(np.sqrt(np.mean((scaled - np.mean(scaled)) ** 2)))
    if math.isclose(r, s, rel_tol=1e-9):
        return None
    return _("RMS = {rms} but std = {std}").format(rms=_num(math.ldexp(r, exponent)),
                                                   std=_num(math.ldexp(s, exponent)))


EXERCISES["01.3"] = OpenExercise(
    question=N_("find a vector of 4 entries, not all zero, whose RMS equals its standard deviation."),
    accept=_rms_equals_std,
    hint=N_("RMS² = mean² + var, so RMS = std exactly when the mean is 0."),
)


# ----------------------------------------------------------------------------------------------
# Notebook 02


def _rms_norm_plain(x: np.ndarray) -> np.ndarray:
    return x / rms(x)


def _z_score(x: np.ndarray, ddof: int = 0) -> np.ndarray:
    return (x - np.mean(x)) / np.std(x, ddof=ddof)


_SEED = _vec(2, 4, 6, 8)


@dataclass
class SetExercise(Exercise):
    """Exercise 02.0: which of the text's printed numbers are arithmetic errors of their own?

    The answer is a list, tuple or set of numbers in any order. Each printed line of the text's
    apple computation (:func:`rmsviz.examples.audit_steps`) is correct, an arithmetic error (it does
    not follow from the text's own earlier lines), or follows from an earlier wrong line.
    """

    example: str = "apples"

    def _lines(self):
        return audit_steps(self.example)

    def _judge(self, given) -> Feedback:
        if isinstance(given, (set, frozenset)):
            given = list(given)
        numbers_given = np.atleast_1d(_read_numbers(given))
        if numbers_given.ndim != 1:
            raise _ShapeError(_("This exercise expects a flat list of numbers, but your answer has shape "
                                "{shape}.").format(shape=_shape_text(numbers_given.shape)))
        lines = self._lines()
        data = [float(v) for v in np.unique(np.concatenate([APPLE_WEIGHTS_G, [len(APPLE_WEIGHTS_G)]]))]
        found, follows, right, inputs, unknown = set(), [], [], [], []
        for value in dict.fromkeys(float(v) for v in numbers_given):  # drop repeats, keep the order
            line = next((a for a in lines if abs(value - a.step.printed) <= 0.5 * 10.0 ** -a.step.digits), None)
            if line is None:
                (inputs if value in data else unknown).append(value)
            elif line.is_correct:
                right.append(value)
            elif line.follows:
                follows.append(value)
            else:
                found.add(line.step.id)
        if unknown:
            return self._not_yet(_("the text's apple computation does not print {values}").format(
                values=", ".join(_num(v) for v in unknown[:3])))
        if inputs:
            return self._not_yet(_("{values} is data (an apple weight or n), not a computed number").format(
                values=", ".join(_num(v) for v in inputs[:3])))
        if right:
            return self._not_yet(_("{values} is correct: recompute it from the apple weights").format(
                values=", ".join(_num(v) for v in right[:3])))
        if follows:
            return self._not_yet(_("{values} follows from an earlier wrong line of the text; it is not an "
                                   "arithmetic error of its own").format(values=", ".join(_num(v) for v in follows[:3])))
        missing = sum(1 for a in lines if not a.follows) - len(found)
        if missing:
            return self._not_yet(_("every number you give is an arithmetic error, but {count} more "
                                   "are missing").format(count=missing))
        return Feedback(True, _(_CORRECT))


def _apple_printed() -> dict:
    lines = audit_steps("apples")
    return {"apples": _vector_text(APPLE_WEIGHTS_G),
            "printed": ", ".join(f"{a.step.printed:.{a.step.digits}f}" for a in lines)}


EXERCISES.update({
    "02.0": SetExercise(
        question=N_("the text computes the standard deviation of the apples {apples} g and prints, line by "
                    "line: {printed}. Recompute each line with code. Which printed numbers are arithmetic "
                    "errors, wrong even from the text's own earlier lines? Give them as a list."),
        question_values=_apple_printed,
        hint=N_("recompute each line from the numbers the text printed before it, not from the right values."),
    ),
    "02.1": NumberExercise(
        question=N_("what does RMSNorm (no gain, eps = 0) give for the entry 8 of [2, 4, 6, 8] (two decimals)?"),
        answer=lambda: float(_rms_norm_plain(_SEED)[3]),
        mistakes=[
            Mistake(N_("the source text's 1.16, a z-score with the sample std"),
                    N_("RMSNorm subtracts no mean and divides by the RMS, sqrt(mean(x²))."),
                    value=lambda: float(_z_score(_SEED, ddof=1)[3])),
            Mistake(N_("the z-score (LayerNorm without gain)"),
                    N_("that is LayerNorm: RMSNorm does not subtract the mean."),
                    value=lambda: float(_z_score(_SEED)[3])),
            Mistake(N_("(x - mean) / RMS(x), the text's mixed recipe: neither RMSNorm nor LayerNorm"),
                    N_("RMSNorm does not subtract the mean. It divides x itself by the RMS."),
                    value=lambda: float((_SEED - np.mean(_SEED))[3] / rms(_SEED))),
            Mistake(N_("8 divided by the length sqrt(120)"),
                    N_("divide the sum of squares by n = 4 before the root."),
                    value=lambda: float(8 / np.sqrt(np.sum(_SEED**2)))),
        ],
        hint=N_("compute RMS = sqrt((4 + 16 + 36 + 64) / 4), then 8 / RMS."),
    ),
    "02.2": NumberExercise(
        question=N_("what is the standard deviation (divide by n) of the apple weights [200, 300, 150, 250] g, "
                    "the number the text prints as 47.23 (two decimals)?"),
        answer=lambda: float(np.std(APPLE_WEIGHTS_G)),
        mistakes=[
            Mistake(N_("the text's 47.23"), N_("recompute (300 - 225)² yourself."), value=lambda: 47.23),
            Mistake(N_("sqrt(2225), the root of the text's own wrong variance"),
                    N_("the text squared 300 - 225 = 75 as 2025; 75² = 5625."),
                    value=lambda: float(np.sqrt(2225.0))),
            Mistake(N_("the sample standard deviation (divide by n - 1)"),
                    N_("LayerNorm divides the sum of squared deviations by n = 4."),
                    value=lambda: float(np.std(APPLE_WEIGHTS_G, ddof=1))),
            Mistake(N_("the RMS of the weights"),
                    N_("the standard deviation is the RMS of the deviations x - mean, not of x."),
                    value=lambda: float(rms(APPLE_WEIGHTS_G))),
        ],
        hint=N_("the deviations from 225 are -25, 75, -75, 25; square them, average over 4, take the root."),
    ),
    "02.3": NumberExercise(
        question=N_("put every apple on a 100 g tray ([300, 400, 250, 350] g). What is RMSNorm's output for "
                    "the first one (two decimals)?"),
        answer=lambda: float(_rms_norm_plain(APPLE_WEIGHTS_G + TRAY_G)[0]),
        mistakes=[
            Mistake(N_("RMSNorm of the apples without the tray"),
                    N_("RMSNorm ignores a re-scaling, not a shift: the tray changes the output."),
                    value=lambda: float(_rms_norm_plain(APPLE_WEIGHTS_G)[0])),
            Mistake(N_("the z-score (LayerNorm)"),
                    N_("that is LayerNorm, which ignores the tray; RMSNorm keeps the mean."),
                    value=lambda: float(_z_score(APPLE_WEIGHTS_G + TRAY_G)[0])),
        ],
        hint=N_("compute the RMS of [300, 400, 250, 350] and divide 300 by it."),
    ),
})


# ----------------------------------------------------------------------------------------------
# Notebook 03

EXERCISES.update({
    "03.1": NumberExercise(
        question=N_("for vectors of n = 16 features, what is the radius of the sphere that RMSNorm "
                    "(no gain, eps = 0) maps every non-zero input onto?"),
        answer=lambda: float(np.linalg.norm(_rms_norm_plain(np.arange(1.0, 17.0)))),
        mistakes=[
            Mistake(N_("1, the RMS of the output"),
                    N_("the RMS is 1, but the length is sqrt(sum of squares) = sqrt(n * RMS²)."),
                    value=lambda: 1.0),
            Mistake(N_("16, the squared length"), N_("that is |y|²; take the root."), value=lambda: 16.0),
        ],
        hint=N_("|y|² = sum of y_i² = n * mean(y_i²) = n * RMS(y)²."),
    ),
    "03.2": NumberExercise(
        question=N_("x = [4, 2, 4, 2] (that is 3 + [1, -1, 1, -1]). What is the mean of RMSNorm(x) "
                    "(no gain, eps = 0; two decimals)?"),
        answer=lambda: float(np.mean(_rms_norm_plain(_vec(4, 2, 4, 2)))),
        mistakes=[
            Mistake(N_("0, the mean of LayerNorm(x)"),
                    N_("LayerNorm removes the mean; RMSNorm keeps it (scaled by 1/RMS)."), value=lambda: 0.0),
            Mistake(N_("3, the mean of x"), N_("RMSNorm divides the mean too, by RMS(x) = sqrt(10)."),
                    value=lambda: 3.0),
            Mistake(N_("1, the RMS of RMSNorm(x)"), N_("that is the output's RMS, not its mean."),
                    value=lambda: 1.0),
        ],
        hint=N_("RMS(x)² = mean² + var = 9 + 1; the output mean is mean(x) / RMS(x)."),
    ),
})


# ----------------------------------------------------------------------------------------------
# Notebook 04


def _grad_x_ratio(c: float) -> float:
    """|dL/dx| at c x over |dL/dx| at x through RMSNorm (eps = 0) for a fixed upstream gradient."""
    x, v = _vec(2, -1, 3, 0.5), _vec(1, 0.5, -2, 1)
    return float(np.linalg.norm(rms_norm_backward(c * x, v, eps=0.0)[0])
                 / np.linalg.norm(rms_norm_backward(x, v, eps=0.0)[0]))


#: The learning-rate grid of notebook 04's scan: 401 points, evenly spaced in log10 from 1e-7 to 10.
_NOTEBOOK_LR_GRID = np.logspace(-7, 1, 401)


def _scan_step() -> float:
    """The ratio between two neighbouring learning rates of notebook 04's scan (1.047)."""
    return float(_NOTEBOOK_LR_GRID[1] / _NOTEBOOK_LR_GRID[0])


def _within_one_scan_step(value: float) -> bool:
    """Is ``value`` within one grid step (plus 3-significant-figure rounding) of 2 / C?"""
    exact, step = regression.stable_lr(APPLE_WEIGHTS_G), _scan_step()
    return exact / step * (1 - 0.005) <= value <= exact * step * (1 + 0.005)


def _printed_16_apples(value: float) -> bool:
    """Does ``value`` round to notebook 04's 2/C of the 16 apples, printed as 1.818e-05?"""
    return math.isclose(value, regression.stable_lr(regression.apple_data()[0]), rel_tol=3e-4)


EXERCISES.update({
    "04.1": NumberExercise(
        question=N_("price = w * x fitted by gradient descent on the mean squared error, with x the four "
                    "apples [200, 300, 150, 250] in grams: what is the largest stable learning rate "
                    "(3 significant figures, e.g. 1.23e-05)?"),
        answer=lambda: regression.stable_lr(APPLE_WEIGHTS_G),
        mistakes=[
            Mistake(N_("1 / curvature"),
                    N_("one step multiplies the error by (1 - lr C); it still shrinks up to lr = 2 / C."),
                    value=lambda: 0.5 * regression.stable_lr(APPLE_WEIGHTS_G)),
            Mistake(N_("2 / mean(x²)"), N_("the curvature of mean((w x - y)²) is 2 mean(x²), not mean(x²)."),
                    value=lambda: 2.0 * regression.stable_lr(APPLE_WEIGHTS_G)),
            Mistake(N_("2 / (2 max(x)²)"),
                    N_("the curvature averages x² over the apples; the heaviest apple alone does not set it."),
                    value=lambda: 1.0 / float(np.max(APPLE_WEIGHTS_G)) ** 2),
            Mistake(N_("2 / C for the 16 apples of the notebook's data set (1.818e-05)"),
                    N_("the question asks about the four apples of the source text only."),
                    matches=_printed_16_apples),
        ],
        also_accepted=[Accepted(
            matches=_within_one_scan_step,
            note=N_("Correct within one grid step. A scan finds the threshold only to within one step of "
                    "its grid ({step}% for 401 points from 1e-7 to 10). The exact value is 2 / C = {exact}."),
            note_values=lambda: {"step": f"{100 * (_scan_step() - 1):.1f}",
                                 "exact": f"{regression.stable_lr(APPLE_WEIGHTS_G):.3e}"},
        )],
        hint=N_("the curvature is C = 2 mean(x²); the largest stable step is 2 / C."),
        atol=0.0, rtol=0.01,
    ),
    "04.2": NumberExercise(
        question=N_("the same four apples in kilograms [0.2, 0.3, 0.15, 0.25]: the largest stable learning rate?"),
        answer=lambda: regression.stable_lr(APPLE_WEIGHTS_G / 1000),
        mistakes=[
            Mistake(N_("the grams answer times 1000"),
                    N_("the curvature has x squared in it: 1000 times smaller x, a million times smaller "
                       "curvature."),
                    value=lambda: 1000.0 * regression.stable_lr(APPLE_WEIGHTS_G)),
            Mistake(N_("the grams answer"), N_("the unit changes mean(x²), so it changes the largest stable step."),
                    value=lambda: regression.stable_lr(APPLE_WEIGHTS_G)),
        ],
        hint=N_("2 / C with C = 2 mean(x²), x now in kilograms."),
        atol=0.0, rtol=0.01,
    ),
    "04.3": NumberExercise(
        question=N_("through RMSNorm with eps = 0, the input x is multiplied by c = 10 (the gradient arriving "
                    "from above stays the same): by what factor is |dL/dx| multiplied?"),
        answer=lambda: _grad_x_ratio(10.0),
        mistakes=[
            Mistake(N_("10"), N_("the output does not change, but the Jacobian has 1/r in front, and r grew."),
                    value=lambda: 10.0),
            Mistake(N_("1"), N_("that is the factor for dL/dW and dL/dg; dL/dx carries 1/r."), value=lambda: 1.0),
            Mistake(N_("0.01"), N_("r grows by c, once: J = (I - y yᵀ/n) / r."), value=lambda: 0.01),
        ],
        hint=N_("J = (I - y yᵀ / n) / r, where y does not change and r = RMS(c x) = c RMS(x)."),
        atol=0.0, rtol=0.01,
    ),
})


# ----------------------------------------------------------------------------------------------
# Notebook 05


def _float16(value: float) -> float:
    """``value`` as float16 stores it (inf above 65519), without numpy's overflow warning."""
    with np.errstate(over="ignore"):
        return float(np.float16(value))


EXERCISES.update({
    "05.1": NumberExercise(
        question=N_("with eps = 1e-6 inside the root, at what input RMS does eps equal mean(x²)?"),
        answer=lambda: float(np.sqrt(1e-6)),
        mistakes=[
            Mistake(N_("eps itself (1e-6)"),
                    N_("that is where eps takes over when it sits outside the root. Inside, eps is added to "
                       "mean(x²) = RMS², so compare RMS² with eps."),
                    value=lambda: 1e-6),
            Mistake(N_("eps² (1e-12)"), N_("solve RMS² = eps for RMS: take a square root, not a square."),
                    value=lambda: 1e-12),
        ],
        hint=N_("mean(x²) is RMS²; solve RMS² = eps."),
        atol=0.0, rtol=0.02,
    ),
    "05.2": NumberExercise(
        question=N_("what is the largest float16 value whose square, computed in float16, is still finite? "
                    "Print float(np.float16(v)) to see the value float16 stores for your v."),
        answer=precision.largest_safe_square,
        # numpy shows np.float16(255.875) as 255.9: any number float16 stores as 255.875 is right
        is_right=lambda v: _float16(v) == precision.largest_safe_square(),
        mistakes=[
            Mistake(N_("256, the first value whose square overflows"),
                    N_("256² = 65536 is above float16's largest value 65504; step one float16 down."),
                    matches=lambda v: v == precision.square_overflow_threshold()),
            Mistake(N_("sqrt(65504) = 255.94, which float16 cannot hold"),
                    N_("float16 numbers between 128 and 256 are spaced 0.125 apart: round down to one of them."),
                    matches=lambda v: abs(v - math.sqrt(65504.0)) <= 0.006),
            Mistake(N_("a number that float16 stores as 256"),
                    N_("float16 numbers near 256 are 0.125 apart, and 256² overflows. Print float(np.float16(v))."),
                    matches=lambda v: _float16(v) == precision.square_overflow_threshold()),
            Mistake(N_("65504, float16's largest value"),
                    N_("that is the largest square allowed; you need the largest x whose square stays below it."),
                    matches=lambda v: v == 65504.0),
        ],
        hint=N_("float16 tops out at 65504; between 128 and 256 its numbers are 0.125 apart."),
    ),
    "05.3": NumberExercise(
        question=N_("pRMSNorm with p = 6.25% on vectors of n = 4096 features: how many features k does it use?"),
        answer=lambda: float(partial_count(4096, 0.0625)),
        mistakes=[
            Mistake(N_("n × 6.25 (p taken as a percentage number)"), N_("6.25% is the fraction 0.0625."),
                    value=lambda: 4096 * 6.25),
            Mistake(N_("n / 6.25"), N_("multiply n by the fraction p = 0.0625."), value=lambda: 4096 / 6.25),
        ],
        hint=N_("k = ceil(n × p) with p as a fraction."),
        atol=0.0, rtol=0.0,
    ),
})


# ----------------------------------------------------------------------------------------------
# Write it yourself: my_rms (01.4), my_rms_norm (01.5), my_layer_norm (03.3), my_rms_norm_backward (04.4)
#
# Every usual mistake is one switch of _variant away from the right formula, so the mistakes below
# are the right computation with one switch flipped.


def _axes(x: np.ndarray, axis) -> tuple[int, ...]:
    return tuple(range(x.ndim)) if axis == "all" else (axis % x.ndim,)


def _variant(x, gain=None, bias=None, eps=0.0, *, centre=False, ddof=0, root=True, eps_at="inside",
             axis=-1, keepdims=True, gain_at="after", bias_at="after", statistic_of=None):
    """RMSNorm (``centre=False``) or LayerNorm (``centre=True``) with one usual mistake switched on.

    ``statistic_of`` ("centred" or "raw") overrides which values the RMS is taken of; the right
    formula takes it of the values it divides. Returns ``(y, x_hat, r)``: the output, the
    normalised values and the divisor (kept dims), for the backward-pass mistakes.
    """
    x = np.asarray(x, dtype=float)
    if gain is None:
        gain_at = "none"
    axes = _axes(x, axis)
    n = math.prod(x.shape[a] for a in axes)
    if gain_at == "before":
        x = x * gain
    d = x - np.mean(x, axis=axes, keepdims=True) if centre else x
    source = {"centred": x - np.mean(x, axis=axes, keepdims=True), "raw": x}.get(statistic_of, d)
    mean_square = np.sum(source * source, axis=axes, keepdims=True) / (n - ddof)
    if eps_at == "inside":
        r = np.sqrt(mean_square + eps) if root else mean_square + eps
    elif eps_at == "outside":
        r = (np.sqrt(mean_square) if root else mean_square) + eps
    else:
        r = np.sqrt(mean_square) if root else mean_square
    if not keepdims:
        r = np.squeeze(r, axis=axes)  # divides along the wrong axis, or raises ValueError
    x_hat = d / r
    if gain_at == "after":
        y = x_hat * gain
    elif gain_at == "rows":
        y = x_hat * np.reshape(gain, (-1,) + (1,) * (x.ndim - 1))
    elif gain_at == "added":
        y = x_hat + gain
    elif gain_at == "swapped":
        y = x_hat * bias + gain
    else:  # "none", or "before" (x was multiplied by gain above)
        y = x_hat
    if bias is not None and gain_at != "swapped":
        if bias_at == "after":
            y = y + bias
        elif bias_at == "before":
            y = (x_hat + bias) * gain
    return y, x_hat, r


def _cases(shape_1d_values, with_gain: bool, with_bias: bool, with_grad: bool) -> list[_Case]:
    """The inputs every write-it-yourself checker tries, in order: simple first, then harder.

    1. a small vector (the numbers of notebook 01); 2. a vector of RMS 0.19 with eps = 0.1 (eps
    matters); 3. an integer vector; 4. a square batch (4, 4), where a dropped axis divides silently
    by the wrong RMS (before any other batch, so that this mistake gets its name); 5. a batch
    (3, 5); 6. a 3-d array (2, 3, 4). Seeded; entries rounded to one decimal to read well.
    """
    rng = np.random.default_rng(12)
    xs = [
        (np.array(shape_1d_values, dtype=float), 1e-6),
        (np.array([0.3, -0.1, 0.2, 0.05]), 0.1),
        (np.array([3, -4, 0, 5]), 1e-6),
        (np.round(rng.normal(-0.5, 1.5, (4, 4)), 1), 1e-5),
        (np.round(rng.normal(1.0, 2.0, (3, 5)), 1), 1e-5),
        (np.round(rng.normal(0.5, 1.0, (2, 3, 4)), 1), 1e-3),
    ]
    gains = [np.array([1.0, 2.0, 0.5, -1.0]), np.array([1.0, -1.0, 2.0, 0.5]), np.array([0.5, 1.0, 1.5, 2.0])]
    cases = []
    for i, (x, eps) in enumerate(xs):
        n = x.shape[-1]
        gain = gains[i] if i < 3 else np.round(rng.normal(1.0, 0.5, n), 1)
        bias = np.round(rng.normal(0.0, 1.0, n), 1)
        grad = np.round(rng.normal(0.0, 1.0, x.shape), 1) if i != 0 else np.array([1.0, 0.5, -2.0, 1.0])
        args = (x,) + ((grad,) if with_grad else ()) + ((gain,) if with_gain else ()) \
            + ((bias,) if with_bias else ()) + ((eps,) if with_gain else ())
        cases.append(_Case(args))
    return cases


def _rms_mistakes() -> list[FunctionMistake]:
    def stat(**switches):
        def wrong(x):
            _, _, r = _variant(x, **switches)
            return np.squeeze(r, axis=_axes(np.asarray(x), switches.get("axis", -1)))
        return wrong

    return [
        FunctionMistake(N_("the standard deviation: the mean is subtracted"),
                        N_("the RMS does not subtract the mean: square the entries of x itself."),
                        stat(centre=True)),
        FunctionMistake(N_("the mean of the squares: the square root is missing"),
                        N_("take the square root of the mean of the squares."), stat(root=False)),
        FunctionMistake(N_("a mean over n - 1 entries"), N_("divide the sum of the squares by n, not by n - 1."),
                        stat(ddof=1)),
        FunctionMistake(N_("the length: the sum of the squares is not divided by n"),
                        N_("take the mean of the squares, not their sum."),
                        lambda x: np.sqrt(np.sum(np.asarray(x, float) ** 2, axis=-1))),
        FunctionMistake(N_("the mean of the absolute values"),
                        N_("square every entry, then average the squares."),
                        lambda x: np.mean(np.abs(x), axis=-1)),
        FunctionMistake(N_("the mean"), N_("square every entry first, so that -4 counts as much as 4."),
                        lambda x: np.mean(x, axis=-1)),
        FunctionMistake(N_("one RMS per column: the mean is over the first axis"),
                        N_("take the mean over the last axis, axis=-1: one RMS per row."), stat(axis=0)),
        FunctionMistake(N_("the mean over axis 1, which is the last axis only for 2-d arrays"),
                        N_("write axis=-1: it is the last axis of an array of any shape."),
                        lambda x: rms(x, axis=1) if np.ndim(x) > 2 else None),
        FunctionMistake(N_("one RMS of all the entries"),
                        N_("take the mean over the last axis only, axis=-1: one RMS per row."),
                        lambda x: rms(np.ravel(x)) if np.ndim(x) > 1 else None),
    ]


def _norm_mistakes(centre: bool) -> list[FunctionMistake]:
    """The usual mistakes of my_rms_norm (centre=False) or my_layer_norm (centre=True)."""
    layer = centre

    def y(**switches):
        def wrong(x, gain, *rest):
            bias, eps = rest if layer else (None, rest[0])
            return _variant(x, gain, bias, eps, **{"centre": centre, **switches})[0]
        return wrong

    mistakes = []
    if layer:
        mistakes += [
            FunctionMistake(N_("RMSNorm's output: the mean is not subtracted"),
                            N_("subtract the mean of each row first: my_rms_norm(x - mean, gain, eps) + bias."),
                            y(centre=False)),
            FunctionMistake(N_("(x - mean) / RMS(x): the RMS of x instead of the RMS of x - mean"),
                            N_("apply my_rms_norm to x - mean: the RMS of x - mean is the standard deviation."),
                            y(statistic_of="raw")),
        ]
    else:
        mistakes += [
            FunctionMistake(N_("LayerNorm's output: the mean is subtracted"),
                            N_("RMSNorm does not subtract the mean: divide x itself by sqrt(mean(x²) + eps)."),
                            y(centre=True)),
            FunctionMistake(N_("(x - mean) / RMS(x): the mean is subtracted"),
                            N_("RMSNorm does not subtract the mean: divide x itself by sqrt(mean(x²) + eps)."),
                            y(centre=True, statistic_of="raw")),
        ]
    mistakes += [
        FunctionMistake(N_("x / (mean(x²) + eps): the square root is missing"),
                        N_("divide by the square root, sqrt(mean(x²) + eps)."), y(root=False)),
        FunctionMistake(N_("x / (sqrt(mean(x²)) + eps): eps is outside the root"),
                        N_("add eps inside the square root: sqrt(mean(x²) + eps)."), y(eps_at="outside")),
        FunctionMistake(N_("x / sqrt(mean(x²)): eps is missing"),
                        N_("add eps inside the square root: sqrt(mean(x²) + eps)."), y(eps_at="none")),
        FunctionMistake(N_("computed with a mean over n - 1 entries"), N_("divide the sum of the squares by n, not by n - 1."),
                        y(ddof=1)),
        FunctionMistake(N_("computed with statistics over the first axis (one per column)"),
                        N_("take the mean over the last axis: axis=-1, keepdims=True."), y(axis=0)),
        FunctionMistake(N_("computed with statistics over axis 1, which is the last axis only for 2-d arrays"),
                        N_("write axis=-1: it is the last axis of an array of any shape."),
                        lambda x, *rest: y(axis=1)(x, *rest) if np.ndim(x) > 2 else None),
        FunctionMistake(N_("computed with one statistic for the whole array"),
                        N_("take the mean over the last axis only: axis=-1, keepdims=True."), y(axis="all")),
        FunctionMistake(N_("computed with the statistic of one row for each column: the reduced axis was dropped"),
                        N_("keep the reduced axis, keepdims=True, so that each row is divided by its own value."),
                        lambda x, *rest: y(keepdims=False)(x, *rest) if np.ndim(x) > 1 else None),
        FunctionMistake(N_("computed without the gain"), N_("multiply the normalised x by gain."),
                        y(gain_at="none")),
        FunctionMistake(N_("multiplied by gain along the first axis"),
                        N_("gain has one entry per feature, on the last axis: multiply by gain as it is."),
                        y(gain_at="rows")),
        FunctionMistake(N_("computed with gain added, not multiplied"), N_("gain multiplies the normalised x."),
                        y(gain_at="added")),
        FunctionMistake(N_("computed with the gain applied before the normalisation"),
                        N_("normalise x first, then multiply by gain."), y(gain_at="before")),
    ]
    if layer:
        mistakes += [
            FunctionMistake(N_("computed without the bias"), N_("add bias after multiplying by gain."),
                            y(bias_at="none")),
            FunctionMistake(N_("(x_hat + bias) * gain: the bias is added before the gain"),
                            N_("multiply by gain first, then add bias."), y(bias_at="before")),
            FunctionMistake(N_("x_hat * bias + gain: gain and bias are swapped"),
                            N_("gain multiplies, bias adds: x_hat * gain + bias."), y(gain_at="swapped")),
        ]
    return mistakes


def _backward_variant(x, grad_out, gain, eps, *, path=True, sign=-1.0, reduce="mean", gain_in_d=True,
                      layer_term=False, **switches):
    """rms_norm_backward with one usual mistake switched on: returns ``(grad_x, grad_gain)``."""
    x = np.asarray(x, dtype=float)
    _, x_hat, r = _variant(x, gain, None, eps, **switches)
    axes = _axes(x, switches.get("axis", -1))
    d = grad_out * gain if gain_in_d else np.asarray(grad_out, dtype=float)
    along = np.mean(d * x_hat, axis=axes, keepdims=True) if reduce == "mean" \
        else np.sum(d * x_hat, axis=axes, keepdims=True)
    grad_x = d + (sign * x_hat * along if path else 0.0)
    if layer_term:
        grad_x = grad_x - np.mean(d, axis=axes, keepdims=True)
    grad_x = grad_x / r
    grad_gain = np.sum((grad_out * x_hat).reshape(-1, x.shape[-1]), axis=0)
    return grad_x, grad_gain


def _backward_mistakes() -> list[FunctionMistake]:
    def gx(**switches):
        return lambda x, g, gain, eps: _backward_variant(x, g, gain, eps, **switches)[0]

    def x_hat(x, eps):
        x = np.asarray(x, dtype=float)
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)

    last = lambda a: np.reshape(a, (-1, np.shape(a)[-1]))  # noqa: E731 - every row of the batch
    return [
        FunctionMistake(N_("grad_out * gain / r: the path through the RMS is missing"),
                        N_("r depends on x too: grad_x = (d - y * mean(d * y)) / r, with d = grad_out * gain "
                           "and y = x / r."), gx(path=False)),
        FunctionMistake(N_("(d + y * mean(d * y)) / r: the sign of the RMS term is wrong"),
                        N_("subtract the part along y: (d - y * mean(d * y)) / r."), gx(sign=+1.0)),
        FunctionMistake(N_("computed with y * sum(d * y) instead of y * mean(d * y)"),
                        N_("the 1/n of the mean stays in the gradient: (d - y * mean(d * y)) / r."),
                        gx(reduce="sum")),
        FunctionMistake(N_("computed without the gain in d"),
                        N_("grad_out reaches the normalised x through the gain: d = grad_out * gain."),
                        gx(gain_in_d=False)),
        FunctionMistake(N_("computed with an extra mean(d) term, which belongs to LayerNorm"),
                        N_("RMSNorm subtracts no mean, so its backward pass has no mean(d) term."),
                        gx(layer_term=True)),
        FunctionMistake(N_("computed with eps outside the root"),
                        N_("use the r of the forward pass: r = sqrt(mean(x²) + eps)."), gx(eps_at="outside")),
        FunctionMistake(N_("computed without eps"),
                        N_("use the r of the forward pass: r = sqrt(mean(x²) + eps)."), gx(eps_at="none")),
        FunctionMistake(N_("computed with a mean over n - 1 entries"),
                        N_("divide the sum of the squares by n, not by n - 1."), gx(ddof=1)),
        FunctionMistake(N_("computed with statistics over the first axis"),
                        N_("take every mean over the last axis: axis=-1, keepdims=True."), gx(axis=0)),
        FunctionMistake(N_("computed with one statistic for the whole array"),
                        N_("take every mean over the last axis only: axis=-1, keepdims=True."), gx(axis="all")),
        FunctionMistake(N_("grad_out * y for every row: it is not summed over the batch"),
                        N_("every row uses the same gain: sum grad_out * y over every axis but the last."),
                        lambda x, g, gain, eps: g * x_hat(x, eps), output=1),
        FunctionMistake(N_("the sum of grad_out: the normalised x is missing"),
                        N_("y = gain * x / r, so dL/dgain is the sum of grad_out * x / r."),
                        lambda x, g, gain, eps: np.sum(last(g), axis=0), output=1),
        FunctionMistake(N_("the sum of grad_out * y * gain: one gain too many"),
                        N_("dL/dgain is the sum of grad_out * x / r; gain itself is not in it."),
                        lambda x, g, gain, eps: np.sum(last(g * x_hat(x, eps) * gain), axis=0), output=1),
        FunctionMistake(N_("a mean over the batch instead of a sum"),
                        N_("add up the contributions of every row: a sum, not a mean."),
                        lambda x, g, gain, eps: np.mean(last(g * x_hat(x, eps)), axis=0), output=1),
        FunctionMistake(N_("a sum over the features instead of over the batch"),
                        N_("sum over every axis but the last: one entry per feature."),
                        lambda x, g, gain, eps: np.sum(g * x_hat(x, eps), axis=-1), output=1),
        FunctionMistake(N_("computed without eps"),
                        N_("use the r of the forward pass: r = sqrt(mean(x²) + eps)."),
                        lambda x, g, gain, eps: np.sum(last(g * x_hat(x, 0.0)), axis=0), output=1),
    ]


EXERCISES.update({
    "01.4": FunctionExercise(
        question=N_("write my_rms(x). It returns the RMS over the last axis of a numpy array x, one value "
                    "per row. It must not change x."),
        name="my_rms", params=("x",), cases=lambda: [c for c in _cases([2, 4, 6, 8], False, False, False)],
        reference=lambda x: rms(x), mistakes=_rms_mistakes(), loose_shape=True,
        hint=N_("square every entry, take the mean over the last axis (axis=-1), then the square root."),
        shape_hint=N_("take the mean over the last axis only: axis=-1."),
    ),
    "01.5": FunctionExercise(
        question=N_("write my_rms_norm(x, gain, eps). It returns x / sqrt(mean(x²) + eps) * gain, with the "
                    "mean over the last axis of x. gain has one entry per feature. It must not change x."),
        name="my_rms_norm", params=("x", "gain", "eps"),
        cases=lambda: _cases([2, 4, 6, 8], True, False, False),
        reference=lambda x, gain, eps: rms_norm(x, gain, eps), mistakes=_norm_mistakes(centre=False),
        hint=N_("r = sqrt(mean(x²) + eps) over the last axis with keepdims=True; return x / r * gain."),
        shape_hint=N_("the output has the shape of x: divide each row by its own RMS (keepdims=True)."),
    ),
    "03.3": FunctionExercise(
        question=N_("write my_layer_norm(x, gain, bias, eps) with your my_rms_norm: subtract the mean of each "
                    "row (last axis), apply my_rms_norm(x - mean, gain, eps), then add bias."),
        name="my_layer_norm", params=("x", "gain", "bias", "eps"),
        cases=lambda: _cases([2, 4, 6, 8], True, True, False),
        reference=lambda x, gain, bias, eps: layer_norm(x, gain, bias, eps), mistakes=_norm_mistakes(centre=True),
        hint=N_("LayerNorm(x) = (x - mean) / sqrt(var + eps) * gain + bias, with var = mean((x - mean)²) "
                "over the last axis."),
        shape_hint=N_("the output has the shape of x: keep the reduced axis (keepdims=True)."),
    ),
    "04.4": FunctionExercise(
        question=N_("write my_rms_norm_backward(x, grad_out, gain, eps). It returns (grad_x, grad_gain) for "
                    "y = x / r * gain with r = sqrt(mean(x²) + eps) over the last axis. grad_gain sums over "
                    "every other axis."),
        name="my_rms_norm_backward", params=("x", "grad_out", "gain", "eps"), outputs=("grad_x", "grad_gain"),
        cases=lambda: _cases([2, -1, 3, 0.5], True, False, True),
        reference=lambda x, g, gain, eps: rms_norm_backward(x, g, gain, eps), mistakes=_backward_mistakes(),
        hint=N_("with d = grad_out * gain and y = x / r: grad_x = (d - y * mean(d * y)) / r, and grad_gain "
                "is the sum of grad_out * y over every axis but the last."),
        shape_hint=N_("grad_x has the shape of x; grad_gain has one entry per feature."),
    ),
})
