"""Every exercise of the series, by id: ``EXERCISES["01.1"]`` ... (part of :mod:`rmsviz.checks`).

Right answers are computed by rmsviz (never typed in); each usual wrong answer has a label saying
what it is and a hint. Questions, labels and hints are English message ids marked with ``N_`` and
translated where they are shown.
"""

from __future__ import annotations

import math

import numpy as np

from rmsviz.checks.answers import ShapeError, number_text, shape_text, vector_text
from rmsviz.checks.functions import FunctionExercise
from rmsviz.checks.kinds import Accepted, Exercise, Mistake, NumberExercise, OpenExercise
from rmsviz.checks.text_errors import TextErrorsExercise
from rmsviz.checks.usual_mistakes import backward_mistakes, norm_mistakes, rms_mistakes, trial_inputs
from rmsviz.audit import audit_steps
from rmsviz.examples import APPLE_WEIGHTS_G, TRAY_G
from rmsviz.experiments import precision, regression, training
from rmsviz.i18n import N_, _
from rmsviz.norms import layer_norm, partial_count, rms, rms_norm, rms_norm_backward


# ----------------------------------------------------------------------------------------------
# Notebook 00


_SEED_00 = np.array([2.0, 4.0, 6.0, 8.0])


def _centred_first_rms_norm(ddof: int = 0) -> float:
    """RMSNorm (no gain, eps = 0) of the first feature of [2, 4, 6, 8] - mean: -3 / RMS([-3, -1, 1, 3])."""
    d = _SEED_00 - np.mean(_SEED_00)
    return float(d[0] / np.sqrt(np.sum(d**2) / (d.size - ddof)))

EXERCISES_00: dict[str, Exercise] = {
    "00.1": NumberExercise(
        question=N_("the source text's own formula, RMS = sqrt((x1² + ... + xn²) / n), applied to its apple "
                    "weights [200, 300, 150, 250] g: what does it give, in g (two decimals)?"),
        answer=lambda: float(rms(APPLE_WEIGHTS_G)),
        mistakes=[
            Mistake(N_("the mean, 225 g"), N_("square every weight first, then average the squares."),
                    value=lambda: float(np.mean(APPLE_WEIGHTS_G))),
            Mistake(N_("the text's 47.23, its standard deviation"),
                    N_("the formula subtracts no mean: square the weights themselves."), value=lambda: 47.23),
            Mistake(N_("the standard deviation (divide by n)"),
                    N_("the formula subtracts no mean: square the weights themselves."),
                    value=lambda: float(np.std(APPLE_WEIGHTS_G))),
            Mistake(N_("the standard deviation (divide by n - 1)"),
                    N_("the formula subtracts no mean: square the weights themselves."),
                    value=lambda: float(np.std(APPLE_WEIGHTS_G, ddof=1))),
            Mistake(N_("the mean of squares (RMS²)"), N_("one step is left: the square root."),
                    value=lambda: float(np.mean(APPLE_WEIGHTS_G**2))),
            Mistake(N_("the root of the sum of squares (the length)"),
                    N_("divide the sum of squares by n = 4 before taking the root."),
                    value=lambda: float(np.linalg.norm(APPLE_WEIGHTS_G))),
            Mistake(N_("the sum of squares divided by n - 1 = 3, then the root"),
                    N_("the formula divides by n = 4, the number of values."),
                    value=lambda: float(np.sqrt(np.sum(APPLE_WEIGHTS_G**2) / 3))),
        ],
        hint=N_("square the four weights, average the squares, then take the square root."),
    ),
    "00.2": NumberExercise(
        question=N_("LayerNorm(x) = RMSNorm(x - mean(x)). For x = [2, 4, 6, 8], x - mean(x) = [-3, -1, 1, 3]. "
                    "What does RMSNorm (no gain, eps = 0) give for its first feature, -3 (two decimals)?"),
        answer=_centred_first_rms_norm,
        mistakes=[
            Mistake(N_("the text's -1.16, with a mean of squares over n - 1 = 3"),
                    N_("the RMS divides the sum of squares by n = 4: RMS([-3, -1, 1, 3]) = sqrt(20 / 4)."),
                    value=lambda: _centred_first_rms_norm(ddof=1)),
            Mistake(N_("RMSNorm of x itself, 2 / sqrt(30)"),
                    N_("normalise the centred vector: its first feature is -3, not 2."),
                    value=lambda: float(_SEED_00[0] / rms(_SEED_00))),
            Mistake(N_("(x - mean) / RMS(x): neither RMSNorm nor LayerNorm"),
                    N_("take the RMS of the centred vector [-3, -1, 1, 3], not of x."),
                    value=lambda: float(-3.0 / rms(_SEED_00))),
            Mistake(N_("-3 divided by the length sqrt(20)"),
                    N_("divide the sum of squares by n = 4 before taking the root."),
                    value=lambda: float(-3.0 / np.sqrt(20.0))),
            Mistake(N_("the right size with the wrong sign"),
                    N_("RMSNorm divides by a positive number, so -3 stays negative."),
                    value=lambda: -_centred_first_rms_norm()),
        ],
        hint=N_("RMS([-3, -1, 1, 3]) = sqrt((9 + 1 + 1 + 9) / 4); divide -3 by it."),
    ),
}


# ----------------------------------------------------------------------------------------------
# Notebook 01


def _vec(*values) -> np.ndarray:
    return np.array(values, dtype=float)


_X_01_1 = _vec(3, -4, 0, 5)

EXERCISES: dict[str, Exercise] = {
    **EXERCISES_00,
    "01.1": NumberExercise(
        question=N_("what is the RMS of [3, -4, 0, 5] (two decimals)?"),
        answer=lambda: float(rms(_X_01_1)),
        mistakes=[
            Mistake(N_("the mean"), N_("square every feature first, so that -4 counts as much as 4."),
                    value=lambda: float(np.mean(_X_01_1))),
            Mistake(N_("the mean of the absolute values"),
                    N_("square every feature, then average the squares: the RMS weighs large features more."),
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
                    N_("the zero is a feature too: divide by n = 4, not by 3."),
                    value=lambda: float(np.sqrt(np.sum(_X_01_1**2) / 3))),
        ],
        hint=N_("square each feature, average the squares, then take the square root."),
    ),
    "01.2": NumberExercise(
        question=N_("a vector of n = 5 features has mean 2 and standard deviation 3 (1/n). What is its RMS?"),
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
            raise ShapeError(_("This exercise expects a list of 4 numbers, but your answer is one number."))
        raise ShapeError(_("This exercise expects a list of 4 numbers, but your answer has shape {shape}.")
                         .format(shape=shape_text(x.shape)))
    peak = float(np.max(np.abs(x)))
    if peak == 0:
        return _("the zero vector is excluded")
    exponent = math.frexp(peak)[1]
    scaled = np.ldexp(x, -exponent)  # entries in [-1, 1]; multiplying by a power of two is exact
    r = float(np.sqrt(np.mean(scaled**2)))
    s = float(np.sqrt(np.mean((scaled - np.mean(scaled)) ** 2)))
    if math.isclose(r, s, rel_tol=1e-9):
        return None
    return _("RMS = {rms} but std = {std}").format(rms=number_text(math.ldexp(r, exponent)),
                                                   std=number_text(math.ldexp(s, exponent)))


EXERCISES["01.3"] = OpenExercise(
    question=N_("find a vector of 4 features, not all zero, whose RMS equals its standard deviation."),
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


def _apple_printed() -> dict:
    lines = audit_steps("apples")
    return {"apples": vector_text(APPLE_WEIGHTS_G),
            "printed": ", ".join(f"{a.step.printed:.{a.step.digits}f}" for a in lines)}


EXERCISES.update({
    "02.0": TextErrorsExercise(
        question=N_("the text computes the standard deviation of the apples {apples} g and prints, line by "
                    "line: {printed}. Recompute each line with code. Which printed numbers are arithmetic "
                    "errors, wrong even from the text's own earlier lines? Give them as a list."),
        question_values=_apple_printed,
        hint=N_("recompute each line from the numbers the text printed before it, not from the right values."),
    ),
    "02.1": NumberExercise(
        question=N_("what does RMSNorm (no gain, eps = 0) give for the feature 8 of [2, 4, 6, 8] "
                    "(two decimals)?"),
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
        question=N_("RMSNorm (no gain, eps = 0) maps every non-zero vector of n = 16 features onto a sphere. "
                    "What is the radius of that sphere?"),
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


def _first_grid_point_above(exact: float) -> float:
    """The first learning rate of notebook 04's grid above ``exact``: what a scan reports."""
    return float(_NOTEBOOK_LR_GRID[_NOTEBOOK_LR_GRID > exact][0])


def _within_3_figures(value: float, target: float) -> bool:
    """Does ``value`` equal ``target`` to 3 significant figures (relative difference <= 0.3%)?"""
    return abs(value / target - 1.0) <= 3e-3


def _scan_answer(value: float) -> bool:
    """Is ``value`` the scan's answer for the four apples, the first grid point above 2 / C
    (1.905e-05), to 3 significant figures? Only that grid point: the last one below 2 / C
    (1.820e-05) is a learning rate that still converges, and it equals the 16 apples' 2 / C to
    3 significant figures, so it gets that mistake's hint instead."""
    return _within_3_figures(value, _first_grid_point_above(regression.stable_lr(APPLE_WEIGHTS_G)))


def _printed_16_apples(value: float) -> bool:
    """Is ``value`` notebook 04's 2/C of the 16 apples (1.818e-05), to 3 significant figures (1.82e-05)?"""
    return _within_3_figures(value, regression.stable_lr(regression.apple_data()[0]))


#: The lesson's regression slider: learning rates 10**-7 ... 10 in steps of 10**0.05.
_NOTEBOOK_LR_SLIDER = 10.0 ** np.arange(-7, 1.001, 0.05)


def _slider_below_16_apples(value: float) -> bool:
    """Is ``value`` the last slider value below the 16 apples' 2 / C (1.78e-05), to 3 significant figures?"""
    limit = regression.stable_lr(regression.apple_data()[0])
    return _within_3_figures(value, float(_NOTEBOOK_LR_SLIDER[_NOTEBOOK_LR_SLIDER < limit].max()))


EXERCISES.update({
    "04.1": NumberExercise(
        question=N_("price = w * x fitted by gradient descent on the mean squared error, with x the four "
                    "apples [200, 300, 150, 250] in grams: what is the stability limit of the learning "
                    "rate, below which every run converges (3 significant figures, e.g. 1.23e-05)?"),
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
            Mistake(N_("2 / C for the 16 apples of the notebook's data set (1.818e-05, or 1.82e-05 to 3 "
                       "significant figures)"),
                    N_("the question asks about the four apples of the source text only. For those four, "
                       "1.82e-05 is the last grid point below the limit, not the limit. Compute 2 / C."),
                    matches=_printed_16_apples),
            Mistake(N_("the last slider value below 2 / C for the notebook's 16 apples (1.78e-05)"),
                    N_("the question asks about the four apples only, and the slider moves in steps of a "
                       "factor 1.12. Compute 2 / C = 1 / mean(x²) for the four apples."),
                    matches=_slider_below_16_apples),
        ],
        also_accepted=[Accepted(
            matches=_scan_answer,
            note=N_("Correct within one grid step. A scan finds the threshold only to within one step of "
                    "its grid ({step}% for 401 points from 1e-7 to 10). The exact value is 2 / C = {exact}."),
            note_values=lambda: {"step": f"{100 * (_scan_step() - 1):.1f}",
                                 "exact": f"{regression.stable_lr(APPLE_WEIGHTS_G):.3e}"},
        )],
        hint=N_("the curvature is C = 2 mean(x²); the stability limit is 2 / C."),
        atol=0.0, rtol=0.01,
    ),
    "04.2": NumberExercise(
        question=N_("the same four apples in kilograms [0.2, 0.3, 0.15, 0.25]: the stability limit of the learning rate?"),
        answer=lambda: regression.stable_lr(APPLE_WEIGHTS_G / 1000),
        mistakes=[
            Mistake(N_("the grams answer times 1000"),
                    N_("the curvature has x squared in it: 1000 times smaller x, a million times smaller "
                       "curvature."),
                    value=lambda: 1000.0 * regression.stable_lr(APPLE_WEIGHTS_G)),
            Mistake(N_("the grams answer"), N_("the unit changes mean(x²), so it changes the stability limit."),
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
            Mistake(N_("10"), N_("the output does not change, but the Jacobian has the factor 1/r, and r grew by c."),
                    value=lambda: 10.0),
            Mistake(N_("1"), N_("that is the factor for dL/dW and dL/dg; dL/dx has the factor 1/r."),
                    value=lambda: 1.0),
            Mistake(N_("0.01"), N_("r grows by the factor c only once: J = (I - ŷ ŷᵀ/n) / r."), value=lambda: 0.01),
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
                    N_("that is where eps matters when eps is outside the root. Inside the root, eps is added to "
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
                    N_("256² = 65536 is above float16's largest value 65504: take the float16 number just below 256."),
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
        hint=N_("float16's largest value is 65504; between 128 and 256 its numbers are 0.125 apart."),
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
# Notebook 06


def _trained_numbers(depth: int, per_norm: int = 0, leave_out: tuple = ()) -> float:
    """Weights and biases of notebook 06's model of this depth (one copy), without the arrays named in
    ``leave_out`` (``Params`` field names), plus ``per_norm`` parameters per feature in each of its norms."""
    params = training.init_params(depth)
    count = 0
    for name in ("w_in", "w1", "b1", "w2", "b2", "v", "c"):
        if name not in leave_out:
            value = getattr(params, name)
            count += sum(a[0].size for a in (value if isinstance(value, list) else [value]))
    return float(count + per_norm * (depth + 1) * training.WIDTH)


_NO_NORM_PARAMETERS = N_("the norms in this model have no gain and no bias: the next linear layer can absorb them.")


def _stable_lr_depth(depth: int) -> float:
    return float(training.train("rmsnorm", depth).largest_stable_lr)


EXERCISES.update({
    "06.1": NumberExercise(
        question=N_("notebook 06's model with depth L = 4: how many numbers does SGD train (every weight and "
                    "every bias)?"),
        answer=lambda: _trained_numbers(4),
        mistakes=[
            Mistake(N_("the weights without the biases"), N_("count b1 and b2 in every block, and c in the read-out."),
                    value=lambda: _trained_numbers(4, leave_out=("b1", "b2", "c"))),
            Mistake(N_("the count with a gain in every norm"), _NO_NORM_PARAMETERS,
                    value=lambda: _trained_numbers(4, per_norm=1)),
            Mistake(N_("the count with a gain and a bias in every norm"), _NO_NORM_PARAMETERS,
                    value=lambda: _trained_numbers(4, per_norm=2)),
            Mistake(N_("the count without W_in"), N_("W_in (16 × 32) is trained too."),
                    value=lambda: _trained_numbers(4, leave_out=("w_in",))),
            Mistake(N_("the count without the read-out"), N_("V (32 × 4) and c (4) are trained too."),
                    value=lambda: _trained_numbers(4, leave_out=("v", "c"))),
        ],
        hint=N_("W_in has 16 × 32 numbers; each block has W1 (32 × 32), b1 (32), W2 (32 × 32) and b2 (32); "
                "the read-out has V (32 × 4) and c (4)."),
        atol=0.0, rtol=0.0,
    ),
    "06.2": NumberExercise(
        question=N_("with a norm in every block, the stream starts with mean(h_0²) = 1. On average, what is "
                    "mean(h_12²) after 12 blocks?"),
        answer=lambda: 1.0 + 12 / 2,
        mistakes=[
            Mistake(N_("1.5 to the power 12, the law without a norm"),
                    N_("with a norm, every block sees an input u with mean(u²) = 1, whatever the size of h: "
                       "each block adds the same amount."),
                    value=lambda: 1.5**12),
            Mistake(N_("12 × 0.5, without the start"), N_("the stream starts at mean(h_0²) = 1: add that."),
                    value=lambda: 12 / 2),
            Mistake(N_("1 + 12, a whole 1 per block"),
                    N_("ReLU keeps half of the mean square of its input on average, so a block adds 0.5, not 1."),
                    value=lambda: 13.0),
            Mistake(N_("1, as if the norm normalised the stream"),
                    N_("the norm normalises the block's input u; the stream h itself is never normalised, and "
                       "every block adds to it."),
                    value=lambda: 1.0),
        ],
        hint=N_("the norm makes mean(u²) = 1 for the block's input u; each block adds mean(u²) / 2 to mean(h²)."),
        atol=0.0, rtol=0.02,
    ),
    "06.3": NumberExercise(
        question=N_("train the RMSNorm model at depth 3 with training.train(\"rmsnorm\", 3). What is its "
                    "largest stable learning rate on the grid?"),
        answer=lambda: _stable_lr_depth(3),
        mistakes=[
            Mistake(N_("the smallest learning rate that diverged"),
                    N_("a run that diverged is not stable: take the grid point just below it."),
                    value=lambda: 2.0 * _stable_lr_depth(3)),
            Mistake(N_("the value at depth 4, from the table"),
                    N_("the question is about depth 3: run training.train(\"rmsnorm\", 3) and read "
                       "largest_stable_lr."),
                    value=lambda: _stable_lr_depth(4)),
        ],
        hint=N_("run = training.train(\"rmsnorm\", 3), then look at run.largest_stable_lr (or at run.stable "
                "and run.lrs)."),
        atol=0.0, rtol=1e-6,
    ),
})


# ----------------------------------------------------------------------------------------------
# Write it yourself

EXERCISES.update({
    "01.4": FunctionExercise(
        question=N_("write my_rms(x). It returns the RMS over the last axis of a numpy array x, one value "
                    "per row. It must not change x."),
        name="my_rms", params=("x",), cases=lambda: [c for c in trial_inputs([2, 4, 6, 8], False, False, False)],
        reference=lambda x: rms(x), mistakes=rms_mistakes(), loose_shape=True,
        hint=N_("square every feature, take the mean over the last axis (axis=-1), then the square root."),
        shape_hint=N_("take the mean over the last axis only: axis=-1."),
    ),
    "01.5": FunctionExercise(
        question=N_("write my_rms_norm(x, gain, eps). It returns x / sqrt(mean(x²) + eps) * gain, with the "
                    "mean over the last axis of x. gain has one number per feature. It must not change x."),
        name="my_rms_norm", params=("x", "gain", "eps"),
        cases=lambda: trial_inputs([2, 4, 6, 8], True, False, False),
        reference=lambda x, gain, eps: rms_norm(x, gain, eps), mistakes=norm_mistakes(centre=False),
        hint=N_("r = sqrt(mean(x²) + eps) over the last axis with keepdims=True; return x / r * gain."),
        shape_hint=N_("the output has the shape of x: divide each row by its own RMS (keepdims=True)."),
    ),
    "03.3": FunctionExercise(
        question=N_("write my_layer_norm(x, gain, bias, eps) with your my_rms_norm: subtract the mean of each "
                    "row (last axis), apply my_rms_norm(x - mean, gain, eps), then add bias."),
        name="my_layer_norm", params=("x", "gain", "bias", "eps"),
        cases=lambda: trial_inputs([2, 4, 6, 8], True, True, False),
        reference=lambda x, gain, bias, eps: layer_norm(x, gain, bias, eps), mistakes=norm_mistakes(centre=True),
        hint=N_("LayerNorm(x) = (x - mean) / sqrt(var + eps) * gain + bias, with var = mean((x - mean)²) "
                "over the last axis."),
        shape_hint=N_("the output has the shape of x: keep the reduced axis (keepdims=True)."),
    ),
    "04.4": FunctionExercise(
        question=N_("write my_rms_norm_backward(x, grad_out, gain, eps). It returns (grad_x, grad_gain) for "
                    "y = x / r * gain with r = sqrt(mean(x²) + eps) over the last axis. grad_gain sums over "
                    "every other axis."),
        name="my_rms_norm_backward", params=("x", "grad_out", "gain", "eps"), outputs=("grad_x", "grad_gain"),
        cases=lambda: trial_inputs([2, -1, 3, 0.5], True, False, True),
        reference=lambda x, g, gain, eps: rms_norm_backward(x, g, gain, eps), mistakes=backward_mistakes(),
        hint=N_("with d = grad_out * gain and y = x / r: grad_x = (d - y * mean(d * y)) / r, and grad_gain "
                "is the sum of grad_out * y over every axis but the last."),
        shape_hint=N_("grad_x has the shape of x; grad_gain has one number per feature."),
    ),
})
