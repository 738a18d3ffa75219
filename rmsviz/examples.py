"""The worked examples of the series and the source text's claims and numbers, as data (numpy only).

The source text (``shared/seed/rmsnorm-explainer-ko.txt``, Korean) works through two vectors;
notebook 01 and notebook 02 recompute them, notebook 04 reuses the apples for a regression.

Notebook 02 audits the text. Two kinds of data live here so that the notebook's tables and the
tests share them:

* :data:`CLAIMS` -- every claim the text makes about RMSNorm (Korean original, English translation,
  verdict, correction, and the key of the code in :mod:`rmsviz.audit` that shows it);
* :data:`TEXT_STEPS` -- every number the text prints in its two worked examples, with the value it
  printed, how that line follows from the text's own previous lines, and how the correct value is
  computed from the data. :func:`rmsviz.audit.audit_steps` recomputes every line and classifies it.

This module holds data only (layer: numpy and the language catalogue): the code that checks the
claims and the numbers lives in :mod:`rmsviz.audit`. Reader-visible English is marked with ``N_``
and translated where it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rmsviz.i18n import N_

#: The source text's first example vector.
SEED_VECTOR = np.array([2.0, 4.0, 6.0, 8.0])

#: The source text's apple weights, in grams.
APPLE_WEIGHTS_G = np.array([200.0, 300.0, 150.0, 250.0])

#: The same apples in kilograms (notebook 02: re-scaling invariance).
APPLE_WEIGHTS_KG = APPLE_WEIGHTS_G / 1000.0

#: The data each worked example of the text works on.
EXAMPLE_DATA = {"vector": SEED_VECTOR, "apples": APPLE_WEIGHTS_G}

#: A tray weighing 100 g, added to every apple (notebook 02: a shift changes RMSNorm, not LayerNorm).
TRAY_G = 100.0

#: The verdicts a claim can get.
VERDICTS = (N_("right"), N_("wrong"), N_("right for another reason"))


# ----------------------------------------------------------------------------------------------
# The claims


@dataclass(frozen=True)
class Claim:
    """One claim of the source text.

    ``evidence`` names the function in :data:`rmsviz.audit.EVIDENCE` that tests the claim with code;
    ``topic`` is what the claim is about (what RMSNorm computes, the axis, the mean, the sign...).
    """

    id: str
    topic: str
    korean: str
    english: str
    verdict: str
    correction: str
    evidence: str

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim {self.id}: verdict must be one of {VERDICTS}, got {self.verdict!r}")


CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="C1",
        topic=N_("where it is used"),
        korean="RMSNorm은 정규화 기법 중 하나로, 트랜스포머 모델에서 사용되는 정규화 방법 중 하나입니다.",
        english=N_("RMSNorm is a normalisation technique used in Transformer models."),
        verdict="right",
        correction=N_("Right: Llama, T5, Mistral and many other Transformers use it (in T5 it is called "
                      "T5LayerNorm). Its formula is y = x / sqrt(mean(x²) + eps) * g."),
        evidence="formula",
    ),
    Claim(
        id="C2",
        topic=N_("the axis"),
        korean="RMSNorm은 입력 벡터의 각 차원을 독립적으로 정규화합니다.",
        english=N_("RMSNorm normalises each dimension of the input vector independently."),
        verdict="wrong",
        correction=N_("One statistic, the RMS, is computed across all the features of one vector, and "
                      "every feature is divided by that same number. Changing one feature changes the "
                      "output of every other feature."),
        evidence="shared_statistic",
    ),
    Claim(
        id="C3",
        topic=N_("what it computes"),
        korean="각 차원의 값을 해당 차원의 평균과 표준편차로 조정하는데",
        english=N_("It adjusts the value of each dimension by the mean and the standard deviation."),
        verdict="wrong",
        correction=N_("That is a z-score (LayerNorm without gain and bias). RMSNorm subtracts nothing and "
                      "divides by the RMS of the raw values: RMSNorm([2, 4, 6, 8]) = [0.365, 0.730, "
                      "1.095, 1.461], not the text's [-1.16, -0.39, 0.39, 1.16]."),
        evidence="not_z_score",
    ),
    Claim(
        id="C4",
        topic=N_("the statistic"),
        korean="이때 표준편차는 차원 내의 모든 요소의 제곱의 평균의 제곱근으로 계산됩니다.",
        english=N_("Here the standard deviation is computed as the square root of the mean of the "
                   "squares of all the elements."),
        verdict="wrong",
        correction=N_("The square root of the mean of the squares is the RMS, not the standard "
                      "deviation: RMS(x)² = mean(x)² + var(x), so they agree only when the mean is 0 "
                      "(for [2, 4, 6, 8]: RMS 5.477, std 2.236). The text's own examples do not use "
                      "this definition either."),
        evidence="rms_is_not_std",
    ),
    Claim(
        id="C5",
        topic=N_("the formula"),
        korean="RMS = √( (x₁² + x₂² + … + xₙ²) / n )",
        english=N_("RMS = sqrt((x1² + x2² + ... + xn²) / n): square, average, take the root."),
        verdict="right",
        correction=N_("Right, and this is the number RMSNorm divides by (with eps inside the root)."),
        evidence="rms_formula",
    ),
    Claim(
        id="C6",
        topic=N_("the sign"),
        korean="정규화된 값들은 평균을 중심으로 양수 또는 음수의 범위에서 조정됩니다.",
        english=N_("The normalised values are spread over positive and negative values around the mean."),
        verdict="wrong",
        correction=N_("RMSNorm divides by a positive number, so it keeps every sign: positive inputs "
                      "stay positive. Only mean-centring (LayerNorm) makes some outputs negative."),
        evidence="keeps_sign",
    ),
    Claim(
        id="C7",
        topic=N_("the mean"),
        korean="정규화된 값들은 평균인 225g을 중심으로 양수와 음수의 범위에서 조정되었습니다.",
        english=N_("The normalised apple weights are centred on the mean, 225 g."),
        verdict="wrong",
        correction=N_("Normalised values have no unit, and they are not centred on 225: the z-scores "
                      "have mean 0, and RMSNorm keeps a non-zero mean (0.970 for the apples) and makes "
                      "the RMS 1."),
        evidence="keeps_mean",
    ),
    Claim(
        id="C8",
        topic=N_("ratios between features"),
        korean="각 차원의 값들이 서로 비슷한 범위에서 분포하게 됩니다. 이는 모델이 각 차원의 중요도를 "
               "공정하게 학습할 수 있도록 도움을 줍니다.",
        english=N_("The values of the different dimensions end up in a similar range, which helps the "
                   "model weigh each dimension fairly."),
        verdict="wrong",
        correction=N_("Every feature is divided by the same number, so every ratio between features is "
                      "kept: a feature 10 times larger than another stays 10 times larger. Putting each "
                      "feature on a similar range is per-feature scaling over a data set (what "
                      "BatchNorm or standardising a column does)."),
        evidence="keeps_ratios",
    ),
    Claim(
        id="C9",
        topic=N_("the size of the values"),
        korean="RMSNorm은 주어진 값들의 편차를 작게 만들면서도 원래 값들의 의미를 유지하는 정규화 방법입니다.",
        english=N_("RMSNorm makes the spread of the values small while keeping their meaning."),
        verdict="right for another reason",
        correction=N_("It rescales the vector to RMS 1: large inputs shrink, but small inputs grow "
                      "(x = [0.01, 0.02] becomes [0.632, 1.265]). What it keeps is the direction of the "
                      "vector (signs and ratios), because it is one division by a positive number."),
        evidence="rescales_to_rms_one",
    ),
    Claim(
        id="C10",
        topic=N_("gradients"),
        korean="정규화된 값들은 작은 범위에서 조정되므로, 그레디언트의 크기도 상대적으로 작아집니다.",
        english=N_("Because the normalised values lie in a small range, the gradients become "
                   "relatively small too."),
        verdict="right for another reason",
        correction=N_("The gradient through RMSNorm scales as 1/c when the input is scaled by c (input "
                      "Jacobian J = (I - y yᵀ/n) / RMS(x)), and has no component along x. A large input "
                      "gives a small gradient, a small input a large one: the norm adapts the step, it "
                      "does not simply make gradients small."),
        evidence="gradient_scales_inversely",
    ),
    Claim(
        id="C11",
        topic=N_("training stability"),
        korean="이 방법은 트랜스포머 모델에서 그레디언트의 전파를 개선하고, 학습을 안정화시키는 데 도움이 됩니다.",
        english=N_("It improves gradient propagation in Transformer models and helps stabilise training."),
        verdict="right for another reason",
        correction=N_("The paper's reason is re-scaling invariance: the output does not change when the "
                      "weights or an input are scaled, and the gradient with respect to the weights "
                      "shrinks as 1/delta when W -> delta W (implicit learning-rate adaptation). Not "
                      "because each value is kept in a fixed range."),
        evidence="weight_rescaling_invariance",
    ),
    Claim(
        id="C12",
        topic=N_("sensitivity to the data"),
        korean="모델이 학습을 잘 수행하면서도 데이터의 변동성에 덜 민감해지게 됩니다.",
        english=N_("The model becomes less sensitive to the variability of the data."),
        verdict="right for another reason",
        correction=N_("RMSNorm is insensitive to scale only: multiplying an input by c > 0 leaves the "
                      "output unchanged (grams or kilograms), but shifting it (a 100 g tray on every "
                      "apple) changes the output. LayerNorm ignores both."),
        evidence="scale_not_shift",
    ),
    Claim(
        id="C13",
        topic=N_("what the example computes"),
        korean="1. 각 차원의 값들을 해당 차원의 평균과 표준편차를 기준으로 정규화합니다. 평균: 5 표준편차: 2.58",
        english=N_("Worked example: normalise [2, 4, 6, 8] by its mean (5) and standard deviation (2.58)."),
        verdict="wrong",
        correction=N_("2.58 is the sample standard deviation (divide by n - 1 = 3); LayerNorm uses the "
                      "population one, 2.236 (divide by n = 4), and the apple example divides by n. "
                      "The z-scores are ±1.342 and ±0.447, and RMSNorm gives [0.365, 0.730, 1.095, 1.461]."),
        evidence="sample_std",
    ),
)


def claim(claim_id: str) -> Claim:
    """The claim with this id (``"C1"`` ... ``"C13"``)."""
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise ValueError(f"unknown claim {claim_id!r}; known: {[c.id for c in CLAIMS]}")


# ----------------------------------------------------------------------------------------------
# The text's numerical steps


@dataclass(frozen=True)
class TextStep:
    """One number the source text prints in a worked example.

    ``printed`` is the value as printed, with ``digits`` decimals. ``from_text(p)`` recomputes the
    line from the text's own previously printed numbers ``p`` (a dict id -> printed value), which
    tells an arithmetic slip on this line from an error carried over from an earlier line.
    ``correct(x)`` computes what the line should say, from the data ``x``, with the statistic the
    line names (the population standard deviation, as LayerNorm uses).
    """

    id: str
    example: str
    korean: str
    english: str
    printed: float
    digits: int
    from_text: Callable[[dict], float]
    correct: Callable[[np.ndarray], float]
    note: str = ""


def _pop_std(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean((x - np.mean(x)) ** 2)))


def _z_step(step_id: str, example: str, i: int, english: str, korean: str, printed: float,
            mean_id: str, std_id: str) -> TextStep:
    """The line ``(x_i - mean) / std`` of an example: from the text's own printed mean and std
    (lines ``mean_id`` and ``std_id``), and correct from the data."""
    data = EXAMPLE_DATA[example]
    return TextStep(
        id=step_id, example=example, korean=korean, english=english, printed=printed, digits=2,
        from_text=lambda p, i=i: (data[i] - p[mean_id]) / p[std_id],
        correct=lambda x, i=i: float((x[i] - np.mean(x)) / _pop_std(x)),
    )


def _vector_quotient(i: int, korean: str, printed: float) -> TextStep:
    return _z_step(f"V{i + 3}", "vector", i, f"dimension {i + 1}: (x{i + 1} - mean) / std", korean,
                   printed, "V1", "V2")


def _apple_square(i: int, korean: str, printed: float, note: str = "") -> TextStep:
    return TextStep(
        id=f"A{i + 2}", example="apples", korean=korean,
        english=f"apple {i + 1}: (weight - mean)²", printed=printed, digits=0,
        from_text=lambda p, i=i: (APPLE_WEIGHTS_G[i] - p["A1"]) ** 2,
        correct=lambda x, i=i: float((x[i] - np.mean(x)) ** 2), note=note,
    )


def _apple_quotient(i: int, korean: str, printed: float) -> TextStep:
    return _z_step(f"A{i + 9}", "apples", i, f"apple {i + 1}: (weight - mean) / std", korean, printed,
                   "A1", "A8")


TEXT_STEPS: tuple[TextStep, ...] = (
    TextStep("V1", "vector", "평균: 5", "mean", 5.0, 0,
             from_text=lambda p: float(np.mean(SEED_VECTOR)),
             correct=lambda x: float(np.mean(x))),
    TextStep("V2", "vector", "표준편차: 2.58", "standard deviation", 2.58, 2,
             # the text gives no working for this line: recompute it as the std it names
             from_text=lambda p: _pop_std(SEED_VECTOR),
             correct=_pop_std,
             note="2.58 is the sample std sqrt(20/3) (divide by n - 1); the text's own definition "
                  "(root of the mean of squares) gives the RMS 5.477; LayerNorm's std is sqrt(20/4)"),
    _vector_quotient(0, "첫 번째 차원: (2 – 5) / 2.58 = -1.16", -1.16),
    _vector_quotient(1, "두 번째 차원: (4 – 5) / 2.58 = -0.39", -0.39),
    _vector_quotient(2, "세 번째 차원: (6 – 5) / 2.58 = 0.39", 0.39),
    _vector_quotient(3, "네 번째 차원: (8 – 5) / 2.58 = 1.16", 1.16),
    TextStep("A1", "apples", "(200 + 300 + 150 + 250) / 4 = 225g", "mean", 225.0, 0,
             from_text=lambda p: float(np.sum(APPLE_WEIGHTS_G) / 4),
             correct=lambda x: float(np.mean(x))),
    _apple_square(0, "(200 – 225)^2 = 625", 625.0),
    _apple_square(1, "(300 – 225)^2 = 2025", 2025.0, note="2025 = 45²; 300 - 225 = 75 and 75² = 5625"),
    _apple_square(2, "(150 – 225)^2 = 5625", 5625.0),
    _apple_square(3, "(250 – 225)^2 = 625", 625.0),
    TextStep("A6", "apples", "625 + 2025 + 5625 + 625 = 8900", "sum of squared deviations",
             8900.0, 0,
             from_text=lambda p: p["A2"] + p["A3"] + p["A4"] + p["A5"],
             correct=lambda x: float(np.sum((x - np.mean(x)) ** 2))),
    TextStep("A7", "apples", "√(8900 / 4) = √2225", "divide by n = 4 (the variance)", 2225.0, 0,
             from_text=lambda p: p["A6"] / 4,
             correct=lambda x: float(np.mean((x - np.mean(x)) ** 2))),
    TextStep("A8", "apples", "√2225 ≈ 47.23g", "square root (the standard deviation)", 47.23, 2,
             from_text=lambda p: float(np.sqrt(p["A7"])),
             correct=_pop_std,
             note="even from its own 2225 the root is 47.17, not 47.23"),
    _apple_quotient(0, "첫 번째 사과: (200 – 225) / 47.23 ≈ -0.53", -0.53),
    _apple_quotient(1, "두 번째 사과: (300 – 225) / 47.23 ≈ 1.59", 1.59),
    _apple_quotient(2, "세 번째 사과: (150 – 225) / 47.23 ≈ -1.59", -1.59),
    _apple_quotient(3, "네 번째 사과: (250 – 225) / 47.23 ≈ 0.53", 0.53),
)
