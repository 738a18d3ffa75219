"""Exercise checkers with hints (layer: may import norms).

Introduced in notebook 01. An :class:`Exercise` knows the right answer (computed by ``rmsviz``,
never typed in) and the usual wrong answers, each with a hint. ``exercise.check(answer)`` returns
a :class:`Feedback` that prints one stable line, so nbval can compare it.

Every notebook's exercises live in :data:`EXERCISES` under an id like ``"01.1"``; notebooks call
``check("01.1", answer)``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from rmsviz.norms import rms, rms_norm_backward


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a one-line message."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.correct


@dataclass
class Exercise:
    """A question with a computed answer and hints for the usual mistakes.

    ``answer`` computes the expected value; each entry of ``mistakes`` is (label, function computing
    the value a learner gets by that mistake, hint). Answers match within ``atol`` absolute or
    ``rtol`` relative tolerance (so 2-decimal rounding is accepted by default). An open question
    (many right answers) gives ``accept`` instead of ``answer``: it takes the answer as an array and
    returns None when it is right, or the reason it is not.
    """

    question: str
    answer: Callable[[], object] | None = None
    mistakes: list[tuple[str, Callable[[], object], str]] = field(default_factory=list)
    hint: str = ""
    atol: float = 0.006
    rtol: float = 1e-3
    accept: Callable[[np.ndarray], str | None] | None = None

    def _matches(self, given, expected) -> bool:
        expected = np.asarray(expected, dtype=float)
        try:
            given = np.asarray(given, dtype=float)
        except (TypeError, ValueError):
            return False
        if given.shape != expected.shape:
            return False
        return bool(np.all(np.abs(given - expected) <= self.atol + self.rtol * np.abs(expected)))

    def check(self, given) -> Feedback:
        if given is None or given is ...:
            return Feedback(False, f"No answer yet: {self.question}")
        if isinstance(given, (str, bytes, bool)) or not (
            isinstance(given, numbers.Real) or np.ndim(given) >= 1
        ):
            return Feedback(False, f"Expected a number or a list of numbers, got {type(given).__name__}.")
        if self.accept is not None:
            reason = self.accept(np.asarray(given, dtype=float))
            if reason is None:
                return Feedback(True, "Correct!")
            return Feedback(False, f"Not yet: {reason}. Hint: {self.hint}")
        if self._matches(given, self.answer()):
            return Feedback(True, "Correct!")
        for label, wrong, hint in self.mistakes:
            if self._matches(given, wrong()):
                return Feedback(False, f"Not yet: that is {label}. Hint: {hint}")
        return Feedback(False, f"Not yet. Hint: {self.hint}")


def _vec(*values) -> np.ndarray:
    return np.array(values, dtype=float)


EXERCISES: dict[str, Exercise] = {
    "01.1": Exercise(
        question="what is the RMS of [3, -4, 0, 5] (two decimals)?",
        answer=lambda: float(rms(_vec(3, -4, 0, 5))),
        mistakes=[
            ("the mean", lambda: float(np.mean(_vec(3, -4, 0, 5))),
             "square every entry first, so that -4 counts as much as 4."),
            ("the standard deviation", lambda: float(np.std(_vec(3, -4, 0, 5))),
             "the RMS does not subtract the mean."),
            ("the mean of squares (RMS²)", lambda: float(rms(_vec(3, -4, 0, 5)) ** 2),
             "you squared and averaged; one step is left: the square root."),
            ("the root of the sum of squares (the length)",
             lambda: float(np.linalg.norm(_vec(3, -4, 0, 5))),
             "divide the sum of squares by n = 4 before taking the root."),
        ],
        hint="square each entry, average the squares, then take the square root.",
    ),
    "01.2": Exercise(
        question="a vector of n = 5 entries has mean 2 and standard deviation 3 (1/n). What is its RMS?",
        answer=lambda: float(np.sqrt(2**2 + 3**2)),
        mistakes=[
            ("mean + std", lambda: 5.0, "the identity adds squares: RMS² = mean² + var."),
            ("RMS² (mean² + var)", lambda: 13.0, "that is RMS²; take its square root."),
        ],
        hint="use RMS² = mean² + var.",
    ),
    "01.3": Exercise(
        question="find a vector of 4 entries, not all zero, whose RMS equals its standard deviation.",
        accept=lambda x: _rms_equals_std(x),
        hint="RMS² = mean² + var, so RMS = std exactly when the mean is 0.",
    ),
}


def _rms_equals_std(x: np.ndarray) -> str | None:
    if x.shape != (4,):
        return f"expected 4 numbers, got shape {x.shape}"
    if not np.any(x):
        return "the zero vector is excluded"
    if not np.isclose(float(rms(x)), float(np.std(x)), rtol=1e-9, atol=1e-12):
        return f"RMS = {float(rms(x)):.3f} but std = {float(np.std(x)):.3f}"
    return None


def check(exercise_id: str, answer) -> Feedback:
    """Check an answer to the exercise with this id (``"01.1"``, ...) and return the feedback."""
    if exercise_id not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; known: {sorted(EXERCISES)}")
    return EXERCISES[exercise_id].check(answer)


# Notebook 02
_APPLES_G = _vec(200, 300, 150, 250)


def _rms_norm_plain(x: np.ndarray) -> np.ndarray:
    return x / rms(x)


def _z_score(x: np.ndarray, ddof: int = 0) -> np.ndarray:
    return (x - np.mean(x)) / np.std(x, ddof=ddof)


EXERCISES.update({
    "02.1": Exercise(
        question="what does RMSNorm (no gain, eps = 0) give for the entry 8 of [2, 4, 6, 8] (two decimals)?",
        answer=lambda: float(_rms_norm_plain(_vec(2, 4, 6, 8))[3]),
        mistakes=[
            ("the source text's 1.16, a z-score with the sample std",
             lambda: float(_z_score(_vec(2, 4, 6, 8), ddof=1)[3]),
             "RMSNorm subtracts no mean and divides by the RMS, sqrt(mean(x²))."),
            ("the z-score (LayerNorm without gain)", lambda: float(_z_score(_vec(2, 4, 6, 8))[3]),
             "that is LayerNorm: RMSNorm does not subtract the mean."),
            ("8 divided by the length sqrt(120)", lambda: float(8 / np.sqrt(120)),
             "divide the sum of squares by n = 4 before the root."),
        ],
        hint="compute RMS = sqrt((4 + 16 + 36 + 64) / 4), then 8 / RMS.",
    ),
    "02.2": Exercise(
        question="what is the standard deviation (divide by n) of the apple weights [200, 300, 150, 250] g, "
                 "the number the text prints as 47.23 (two decimals)?",
        answer=lambda: float(np.std(_APPLES_G)),
        mistakes=[
            ("the text's 47.23", lambda: 47.23, "recompute (300 - 225)² yourself."),
            ("sqrt(2225), the root of the text's own wrong variance", lambda: float(np.sqrt(2225.0)),
             "the text squared 300 - 225 = 75 as 2025; 75² = 5625."),
            ("the sample standard deviation (divide by n - 1)", lambda: float(np.std(_APPLES_G, ddof=1)),
             "LayerNorm divides the sum of squared deviations by n = 4."),
            ("the RMS of the weights", lambda: float(rms(_APPLES_G)),
             "the standard deviation is the RMS of the deviations x - mean, not of x."),
        ],
        hint="deviations from 225 are -25, 75, -75, 25; square, average over 4, take the root.",
    ),
    "02.3": Exercise(
        question="put every apple on a 100 g tray ([300, 400, 250, 350] g). What is RMSNorm's output for "
                 "the first one (two decimals)?",
        answer=lambda: float(_rms_norm_plain(_APPLES_G + 100)[0]),
        mistakes=[
            ("RMSNorm of the apples without the tray", lambda: float(_rms_norm_plain(_APPLES_G)[0]),
             "RMSNorm ignores a re-scaling, not a shift: the tray changes the output."),
            ("the z-score (LayerNorm)", lambda: float(_z_score(_APPLES_G + 100)[0]),
             "that is LayerNorm, which ignores the tray; RMSNorm keeps the mean."),
        ],
        hint="compute the RMS of [300, 400, 250, 350] and divide 300 by it.",
    ),
})


# Notebook 03
EXERCISES.update({
    "03.1": Exercise(
        question="for vectors of n = 16 features, what is the radius of the sphere that RMSNorm "
                 "(no gain, eps = 0) maps every non-zero input onto?",
        answer=lambda: float(np.linalg.norm(_rms_norm_plain(np.arange(1.0, 17.0)))),
        mistakes=[
            ("1, the RMS of the output", lambda: 1.0,
             "the RMS is 1, but the length is sqrt(sum of squares) = sqrt(n * RMS²)."),
            ("16, the squared length", lambda: 16.0, "that is |y|²; take the root."),
        ],
        hint="|y|² = sum of y_i² = n * mean(y_i²) = n * RMS(y)².",
    ),
    "03.2": Exercise(
        question="x = [4, 2, 4, 2] (that is 3 + [1, -1, 1, -1]). What is the mean of RMSNorm(x) "
                 "(no gain, eps = 0; two decimals)?",
        answer=lambda: float(np.mean(_rms_norm_plain(_vec(4, 2, 4, 2)))),
        mistakes=[
            ("0, the mean of LayerNorm(x)", lambda: 0.0,
             "LayerNorm removes the mean; RMSNorm keeps it (scaled by 1/RMS)."),
            ("3, the mean of x", lambda: 3.0, "RMSNorm divides the mean too, by RMS(x) = sqrt(10)."),
            ("1, the RMS of RMSNorm(x)", lambda: 1.0, "that is the output's RMS, not its mean."),
        ],
        hint="RMS(x)² = mean² + var = 9 + 1; the output mean is mean(x) / RMS(x).",
    ),
})


# Notebook 04


def _grad_x_ratio(c: float) -> float:
    """|dL/dx| at c x over |dL/dx| at x through RMSNorm (eps = 0) for a fixed upstream gradient."""
    x, v = _vec(2, -1, 3, 0.5), _vec(1, 0.5, -2, 1)
    return float(np.linalg.norm(rms_norm_backward(c * x, v, eps=0.0)[0])
                 / np.linalg.norm(rms_norm_backward(x, v, eps=0.0)[0]))


EXERCISES.update({
    "04.1": Exercise(
        question=("price = w * x fitted by gradient descent on the mean squared error, with x the four "
                  "apples [200, 300, 150, 250] in grams: what is the largest stable learning rate "
                  "(3 significant figures, e.g. 1.23e-05)?"),
        answer=lambda: 1.0 / float(rms(_APPLES_G)) ** 2,
        mistakes=[
            ("1 / curvature", lambda: 0.5 / float(rms(_APPLES_G)) ** 2,
             "one step multiplies the error by (1 - lr C); it still shrinks up to lr = 2 / C."),
            ("2 / mean(x²)", lambda: 2.0 / float(rms(_APPLES_G)) ** 2,
             "the curvature of mean((w x - y)²) is 2 mean(x²), not mean(x²)."),
            ("2 / (2 max(x)²)", lambda: 1.0 / 300.0**2,
             "the curvature averages x² over the apples; it is not set by the heaviest one."),
        ],
        hint="the curvature is C = 2 mean(x²); the largest stable step is 2 / C.",
        atol=0.0, rtol=0.01,
    ),
    "04.2": Exercise(
        question="the same four apples in kilograms [0.2, 0.3, 0.15, 0.25]: the largest stable learning rate?",
        answer=lambda: 1.0 / float(rms(_APPLES_G / 1000)) ** 2,
        mistakes=[
            ("the grams answer times 1000", lambda: 1000.0 / float(rms(_APPLES_G)) ** 2,
             "the curvature has x squared in it: 1000 times smaller x, a million times smaller curvature."),
            ("the grams answer", lambda: 1.0 / float(rms(_APPLES_G)) ** 2,
             "the unit changes mean(x²), so it changes the largest stable step."),
        ],
        hint="2 / C with C = 2 mean(x²), x now in kilograms.",
        atol=0.0, rtol=0.01,
    ),
    "04.3": Exercise(
        question=("through RMSNorm with eps = 0, the input x is multiplied by c = 10 (the gradient arriving "
                  "from above stays the same): by what factor is |dL/dx| multiplied?"),
        answer=lambda: _grad_x_ratio(10.0),
        mistakes=[
            ("10", lambda: 10.0, "the output does not change, but the Jacobian has 1/r in front, and r grew."),
            ("1", lambda: 1.0, "that is the factor for dL/dW and dL/dg; dL/dx carries 1/r."),
            ("0.01", lambda: 0.01, "r grows by c, once: J = (I - y yᵀ/n) / r."),
        ],
        hint="J = (I - y yᵀ / n) / r, where y does not change and r = RMS(c x) = c RMS(x).",
        atol=0.0, rtol=0.01,
    ),
})


# Notebook 05


def _largest_safe_float16() -> float:
    """The largest float16 whose float16 square is finite, found by trying every float16."""
    values = np.arange(1, 0x7C00, dtype=np.uint16).view(np.float16)
    with np.errstate(over="ignore"):
        return float(values[np.isfinite(values * values)][-1])


EXERCISES.update({
    "05.1": Exercise(
        question="with eps = 1e-6 inside the root, at what input RMS does eps equal mean(x²)?",
        answer=lambda: float(np.sqrt(1e-6)),
        mistakes=[
            ("eps itself (1e-6)", lambda: 1e-6,
             "that is where eps takes over when it sits outside the root. Inside, eps is added to "
             "mean(x²) = RMS², so compare RMS² with eps."),
            ("eps² (1e-12)", lambda: 1e-12, "solve RMS² = eps for RMS: take a square root, not a square."),
        ],
        hint="mean(x²) is RMS²; solve RMS² = eps.",
        atol=0.0,
        rtol=0.02,
    ),
    "05.2": Exercise(
        question="what is the largest float16 value whose square, computed in float16, is still finite?",
        answer=_largest_safe_float16,
        mistakes=[
            ("256, the first value whose square overflows", lambda: 256.0,
             "256² = 65536 is above float16's largest value 65504; step one float16 down."),
            ("65504, float16's largest value", lambda: 65504.0,
             "that is the largest square allowed; you need the largest x whose square stays below it."),
            ("sqrt(65504) = 255.94, which float16 cannot hold", lambda: float(np.sqrt(65504.0)),
             "float16 numbers between 128 and 256 are spaced 0.125 apart: round down to one of them."),
        ],
        hint="float16 tops out at 65504; between 128 and 256 its numbers are 0.125 apart.",
        atol=1e-6,
        rtol=0.0,
    ),
    "05.3": Exercise(
        question="pRMSNorm with p = 6.25% on vectors of n = 4096 features: how many features k does it use?",
        answer=lambda: float(np.ceil(4096 * 0.0625)),
        mistakes=[
            ("n × 6.25 (p taken as a percentage number)", lambda: 4096 * 6.25,
             "6.25% is the fraction 0.0625."),
            ("n / 6.25", lambda: 4096 / 6.25, "multiply n by the fraction p = 0.0625."),
        ],
        hint="k = ceil(n × p) with p as a fraction.",
        atol=0.0,
        rtol=0.0,
    ),
})
