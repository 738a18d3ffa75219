"""Exercise 02.0: find the source text's arithmetic errors yourself (part of :mod:`rmsviz.checks`).

Before notebook 02 shows its audit, the student recomputes the text's apple computation with code and
lists the printed numbers that are wrong even from the text's own earlier lines. The lines and their
status come from :func:`rmsviz.examples.audit_steps`, never typed in here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.checks.answers import ShapeError, number_text, read_numbers, shape_text
from rmsviz.checks.kinds import CORRECT, Exercise, Feedback
from rmsviz.audit import audit_steps
from rmsviz.examples import APPLE_WEIGHTS_G
from rmsviz.i18n import _


@dataclass
class TextErrorsExercise(Exercise):
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
        numbers_given = np.atleast_1d(read_numbers(given))
        if numbers_given.ndim != 1:
            raise ShapeError(_("This exercise expects a flat list of numbers, but your answer has shape "
                               "{shape}.").format(shape=shape_text(numbers_given.shape)))
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
                values=", ".join(number_text(v) for v in unknown[:3])))
        if inputs:
            return self._not_yet(_("{values} is data (an apple weight or n), not a computed number").format(
                values=", ".join(number_text(v) for v in inputs[:3])))
        if right:
            return self._not_yet(_("{values} is right for the apple weights, so it is not an error").format(
                values=", ".join(number_text(v) for v in right[:3])))
        if follows:
            return self._not_yet(_("{values} follows from an earlier wrong line of the text; it is not an "
                                   "arithmetic error of its own").format(
                values=", ".join(number_text(v) for v in follows[:3])))
        missing = sum(1 for a in lines if not a.follows) - len(found)
        if missing == 1:
            return self._not_yet(_("every number you give is an arithmetic error, but 1 more is missing"))
        if missing:
            return self._not_yet(_("every number you give is an arithmetic error, but {count} more "
                                   "are missing").format(count=missing))
        return Feedback(True, _(CORRECT))
