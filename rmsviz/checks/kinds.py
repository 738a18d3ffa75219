"""The kinds of exercise and their verdict, :class:`Feedback` (part of :mod:`rmsviz.checks`).

:class:`Exercise` holds a question and a hint and turns any answer into one line: "No answer yet"
for None, a sentence about the form for an answer that is not numbers (:mod:`.answers`), and the
verdict of the subclass otherwise. :class:`NumberExercise` compares one number with a computed
answer and names the usual mistakes; :class:`OpenExercise` asks a function whether an answer is right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from rmsviz.checks.answers import FormError, ShapeError, one_number, read_numbers
from rmsviz.i18n import N_, _


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a one-line message (its repr, compared by nbval)."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.correct


NO_ANSWER = N_("No answer yet: {question}")
CORRECT = N_("Correct!")


@dataclass
class Exercise:
    """The common part of every exercise: a question, a general hint, and :meth:`check`.

    ``question`` and ``hint`` are English message ids (marked with ``N_``), translated when shown.
    ``question_values`` fills named placeholders in the question (computed, never typed in).
    Subclasses implement ``_judge(given) -> Feedback``; they may raise :class:`FormError` or
    :class:`ShapeError`, which :meth:`check` turns into a one-line sentence.
    """

    question: str
    hint: str = ""
    question_values: Callable[[], dict] | None = field(default=None, kw_only=True)

    def prompt(self) -> str:
        """The question, in the current language, with its placeholders filled."""
        values = self.question_values() if self.question_values else {}
        return _(self.question).format(**values)

    def no_answer(self) -> Feedback:
        return Feedback(False, _(NO_ANSWER).format(question=self.prompt()))

    def check(self, given) -> Feedback:
        """The feedback on ``given``: right, a named mistake with a hint, or what is wrong with its form."""
        if given is None or given is ...:
            return self.no_answer()
        try:
            return self._judge(given)
        except FormError as problem:
            return Feedback(False, problem.sentence())
        except ShapeError as problem:
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
        value = one_number(read_numbers(given))
        if self.is_right(value) if self.is_right else self._close(value, float(self.answer())):
            return Feedback(True, _(CORRECT))
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
    :class:`ShapeError` when the answer has the wrong number of entries.
    """

    accept: Callable[[np.ndarray], str | None] | None = None

    def _judge(self, given) -> Feedback:
        reason = self.accept(read_numbers(given))
        if reason is None:
            return Feedback(True, _(CORRECT))
        return self._not_yet(reason)
