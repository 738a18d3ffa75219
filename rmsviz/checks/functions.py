"""Write-it-yourself exercises: the student passes a function and the checker calls it (notebooks 01, 03, 04).

Part of :mod:`rmsviz.checks`. A :class:`FunctionExercise` calls the student's function on its own
seeded inputs (:class:`Case`), checks that no input was changed, compares each result with the
reference from :mod:`rmsviz.norms`, and names the first :class:`FunctionMistake` that explains a
wrong result. None or NotImplementedError on the first call means "No answer yet"; any other
exception becomes a sentence naming it and the input that raised it, never a traceback.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np

from rmsviz.checks.answers import FormError, number_text, read_numbers, shape_text, vector_text
from rmsviz.checks.kinds import CORRECT, Exercise, Feedback
from rmsviz.i18n import _


@dataclass(frozen=True)
class Case:
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


def describe_value(name: str, value) -> str:
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.size <= 6:
            text = _("{name} = {values}").format(name=name, values=vector_text(value))
        else:
            text = _("{name} of shape {shape}").format(name=name, shape=shape_text(value.shape))
        if value.dtype.kind in "iu":
            text = _("{value} (integers)").format(value=text)
        return text
    return _("{name} = {value}").format(name=name, value=number_text(value))


def _one_line(text: str, limit: int = 80) -> str:
    """``text`` on one line, at most ``limit`` characters, without memory addresses (nbval compares it)."""
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", " ".join(str(text).split()))
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
    cases: Callable[[], list[Case]] | None = None
    reference: Callable | None = None
    mistakes: list[FunctionMistake] = field(default_factory=list)
    shape_hint: str = ""
    rtol: float = 1e-4
    loose_shape: bool = False

    @cached_property
    def _cases(self) -> list[Case]:
        return self.cases()

    def _call_text(self) -> str:
        return f"{self.name}({', '.join(self.params)})"

    def _inputs_text(self, case: Case) -> str:
        return ", ".join(describe_value(n, a) for n, a in zip(self.params, case.args))

    def _judge(self, given) -> Feedback:
        if not callable(given):
            return Feedback(False, _(
                "Expected a function: pass {name} itself, without parentheses (). "
                "Your answer is of type {type}.").format(name=self.name, type=type(given).__name__))
        try:
            for index, case in enumerate(self._cases):
                verdict = self._try(given, case, first=index == 0)
                if verdict is not None:
                    return verdict
        except _NoAnswer:
            return self.no_answer()
        return Feedback(True, _(CORRECT))

    def _call(self, function, args):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return function(*args)

    def _try(self, function, case: Case, first: bool) -> Feedback | None:
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

    def _raised(self, error: str, detail: str, case: Case, inputs: str) -> Feedback:
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
                    raise FormError("none")
                arrays.append(read_numbers(part))
            except FormError as problem:
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

    def _compare(self, function, result, case: Case, inputs: str) -> Feedback | None:
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
                    "Hint: {hint}").format(inputs=inputs, what=what, got=shape_text(g.shape),
                                           expected=shape_text(e.shape), hint=_(self.shape_hint)))
            with np.errstate(all="ignore"):
                worst = np.unravel_index(int(np.argmax(np.abs(g - e))), e.shape) if e.ndim else ()
            where = _(" at index {index}").format(index=[int(i) for i in worst]) if e.ndim else ""
            return Feedback(False, _(
                "Not yet: for {inputs}, {what} is {got}{where}, but the right value is {expected}. "
                "Hint: {hint}").format(inputs=inputs, what=what, got=number_text(g[worst]), where=where,
                                       expected=number_text(e[worst]), hint=_(self.hint)))
        return None

    def _mistake_matches(self, mistake: FunctionMistake, got: np.ndarray, case: Case) -> bool | None:
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

    def _student_result(self, function, case: Case, index: int) -> np.ndarray | None:
        """The student's result number ``index`` on ``case``, or None when it raises or is not numbers."""
        try:
            result = self._results(self._call(function, case.copies()), "")
        except Exception:  # the student's code
            return None
        return None if isinstance(result, Feedback) else result[index]

    def _diagnose(self, function, got: np.ndarray, failing: Case, index: int) -> FunctionMistake | None:
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
