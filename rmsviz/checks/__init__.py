"""Exercise checkers with hints (layer: may import norms, examples, steps, experiments).

Introduced in notebook 01. Every exercise of the series lives in :data:`EXERCISES` under an id like
``"01.1"``; a notebook calls ``check("01.1", answer)`` and shows the :class:`Feedback`, which prints
one stable line (nbval compares it).

Four kinds of exercise:

* :class:`NumberExercise` -- one number, computed by ``rmsviz`` (never typed in), with the usual
  wrong answers (:class:`Mistake`) and a hint for each;
* :class:`OpenExercise` -- many right answers (for example "a vector whose RMS equals its std"):
  a function says whether an answer is right, and why not;
* :class:`TextErrorsExercise` -- numbers in any order (notebook 02: find the text's arithmetic
  errors yourself);
* :class:`FunctionExercise` -- "write it yourself": the student passes a function, the checker calls
  it on its own seeded inputs, compares with :mod:`rmsviz.norms` and names the usual mistake.

Every answer a student can type gets a sentence, never a traceback: text, None, NaN, dicts, ragged
lists, complex numbers, huge integers, masked arrays and arrays of the wrong shape are answered with
what is wrong with the answer's form.

Modules: :mod:`.answers` (reading an answer), :mod:`.kinds` (exercises and feedback),
:mod:`.functions` (calling a student's function), :mod:`.usual_mistakes` (the mistakes in a
hand-written norm), :mod:`.text_errors` (exercise 02.0), :mod:`.exercises` (every exercise).
"""

from __future__ import annotations

from rmsviz.checks.exercises import EXERCISES
from rmsviz.checks.functions import FunctionExercise, FunctionMistake
from rmsviz.checks.kinds import Accepted, Exercise, Feedback, Mistake, NumberExercise, OpenExercise
from rmsviz.checks.text_errors import TextErrorsExercise

__all__ = [
    "EXERCISES",
    "Accepted",
    "Exercise",
    "Feedback",
    "FunctionExercise",
    "FunctionMistake",
    "Mistake",
    "NumberExercise",
    "OpenExercise",
    "TextErrorsExercise",
    "check",
]


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
