"""The worked examples of the series and the source text's claims and numbers, as data (numpy only).

The source text (``shared/seed/rmsnorm-explainer-ko.txt``, Korean) works through two vectors;
notebook 01 and notebook 02 recompute them, notebook 04 reuses the apples for a regression.

Notebook 02 audits the text. Two kinds of data live here so that the notebook's tables and the
tests share them:

* :data:`CLAIMS` -- every claim the text makes about RMSNorm (Korean original, English translation,
  verdict, correction, and the key of the code in :mod:`rmsviz.audit` that gives the evidence);
* :data:`TEXT_STEPS` -- every number the text prints in its two worked examples, with the value it
  printed, how that line follows from the text's own previous lines, the same line of the text's
  recipe (a z-score) recomputed from the data, and what RMSNorm computes at that step.
  :func:`rmsviz.audit.audit_steps` recomputes every line and classifies it: right, a convention,
  an arithmetic error, or a line that follows from an earlier one.

This module holds data only (layer: numpy and the language catalogue): the code that checks the
claims and the numbers lives in :mod:`rmsviz.audit`. Reader-visible English is marked with ``N_``
and translated where it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rmsviz.i18n import N_, _

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

#: One apple described by four features (notebook 02): the real-world shape of one example.
#: (feature name, value in its unit); the weight is the text's first apple.
ONE_APPLE = (
    (N_("weight (g)"), 200.0),
    (N_("diameter (mm)"), 75.0),
    (N_("sugar (°Brix)"), 13.0),
    (N_("days since harvest"), 5.0),
)

#: A tiny embedding table (notebook 02, claim C7): three tokens, each one vector of 4 features.
TOKENS = ("apple", "is", "red")
EMBEDDINGS = np.array([
    [0.8, -1.2, 0.3, 2.0],
    [-0.1, 0.4, -0.6, 0.2],
    [1.5, 0.9, -2.1, -0.7],
])

#: The gradient that arrives at RMSNorm's output from the layers above, dL/dy (claims C10, C14):
#: the one of the loss L = y1, the first output.
UPSTREAM_GRADIENT = np.array([1.0, 0.0, 0.0, 0.0])

#: The verdicts a claim can get (notebook 02; notebook 04 uses the same words).
VERDICTS = (N_("right"), N_("wrong"), N_("partly wrong"), N_("right conclusion, wrong reason"))


# ----------------------------------------------------------------------------------------------
# The claims


@dataclass(frozen=True)
class Claim:
    """One claim of the source text.

    ``korean`` quotes the text; ``english`` translates it. ``correction`` is a template: its named
    placeholders ({rms}, ...) are filled with numbers that :mod:`rmsviz.audit` computes, so no
    number in a correction is typed in by hand. ``evidence`` names the function in
    :data:`rmsviz.audit.EVIDENCE` that tests the claim with code; ``topic`` is what the claim is
    about (what RMSNorm computes, the axis, the sign...).
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
        english=N_("RMSNorm is one of the normalisation methods used in Transformer models."),
        verdict="right",
        correction=N_("Right. Llama, T5 and Mistral use it (T5 calls it T5LayerNorm). Which models use it "
                      "is a fact about those models: code cannot compute it. The code only checks the "
                      "formula y = x / sqrt(mean(x²) + eps) * g, with x = {x} and g = {gain}."),
        evidence="formula",
    ),
    Claim(
        id="C2",
        topic=N_("the axis"),
        korean="RMSNorm은 입력 벡터의 각 차원을 독립적으로 정규화합니다.",
        english=N_("RMSNorm normalises each dimension (차원) of the input vector independently."),
        verdict="wrong",
        correction=N_("Wrong. RMSNorm computes one number, the RMS, from all the features of one example. "
                      "It divides every feature by that same number ({rms} for [2, 4, 6, 8]). So a change "
                      "in one feature that changes the RMS changes every non-zero output."),
        evidence="shared_statistic",
    ),
    Claim(
        id="C3",
        topic=N_("what it computes"),
        korean="각 차원의 값을 해당 차원의 평균과 표준편차로 조정하는데",
        english=N_("It adjusts the value of each dimension (차원) with the mean and the standard deviation "
                   "of that dimension."),
        verdict="wrong",
        correction=N_("Wrong. Subtracting the mean and dividing by the standard deviation is the z-score "
                      "(standardisation, 표준화). The z-score is LayerNorm without g and b. RMSNorm "
                      "subtracts nothing and divides by the RMS: RMSNorm([2, 4, 6, 8]) = {rms_norm}, "
                      "z-score = {z}."),
        evidence="not_z_score",
    ),
    Claim(
        id="C4",
        topic=N_("the statistic"),
        korean="이때 표준편차는 차원 내의 모든 요소의 제곱의 평균의 제곱근으로 계산됩니다.",
        english=N_("Here the standard deviation is computed as the square root of the mean of the "
                   "squares of all the elements in the dimension (차원)."),
        verdict="wrong",
        correction=N_("Wrong name. The square root of the mean of the squares is the RMS, the number "
                      "RMSNorm divides by. It is not the standard deviation: for [2, 4, 6, 8] the RMS is "
                      "{rms} and the standard deviation is {std}. They are equal only when the mean is 0, "
                      "because RMS² = mean² + variance. The text's examples never compute this RMS."),
        evidence="rms_is_not_std",
    ),
    Claim(
        id="C5",
        topic=N_("the formula"),
        korean="RMS = √( (x₁² + x₂² + … + xₙ²) / n )",
        english=N_("RMS = sqrt((x1² + x2² + ... + xn²) / n): square, average, take the root."),
        verdict="right",
        correction=N_("Right. For [2, 4, 6, 8] it gives {rms}. RMSNorm divides by this number (with eps "
                      "inside the root)."),
        evidence="rms_formula",
    ),
    Claim(
        id="C6",
        topic=N_("the sign"),
        korean="정규화된 값들은 평균을 중심으로 양수 또는 음수의 범위에서 조정됩니다. / "
               "정규화된 값들은 평균인 225g을 중심으로 양수와 음수의 범위에서 조정되었습니다.",
        english=N_("The normalised values are adjusted in a range of positive or negative values, "
                   "centred on the mean. (For the apples: centred on the mean, 225 g.)"),
        verdict="wrong",
        correction=N_("True of the text's z-score, false of RMSNorm. A z-score is negative exactly where "
                      "x is below the mean (225 g for the apples). With the gain at 1, RMSNorm divides by "
                      "a positive number, so it keeps every sign: the four apple outputs are all positive, "
                      "with mean {rms_norm_mean}. With the gain at 1, only subtracting the mean makes positive "
                      "inputs negative."),
        evidence="keeps_sign",
    ),
    Claim(
        id="C7",
        topic=N_("the axis, for words"),
        korean="각 문장은 단어들로 이루어진 벡터로 표현됩니다. 이때, 입력 데이터의 각 차원은 특정 단어의 "
               "임베딩 값입니다.",
        english=N_("Each sentence is represented as a vector made of words. Here each dimension (차원) of "
                   "the input data is the embedding value of a particular word."),
        verdict="wrong",
        correction=N_("Wrong axis. Read together, the two sentences make one sentence one vector, with one "
                      "dimension per word. In a Transformer each token (a word or part of a word) is one "
                      "example: its embedding is one vector, with {n} features here. RMSNorm normalises each "
                      "token's vector across its features: every row gets RMS 1. A change in one token leaves "
                      "the other tokens' outputs unchanged, so the tokens do not share one RMS."),
        evidence="one_token_one_vector",
    ),
    Claim(
        id="C8",
        topic=N_("ratios between features"),
        korean="각 차원의 값들이 서로 비슷한 범위에서 분포하게 됩니다. 이는 모델이 각 차원의 중요도를 "
               "공정하게 학습할 수 있도록 도움을 줍니다.",
        english=N_("The values of the different dimensions (차원) end up in a similar range. This helps "
                   "the model learn the importance of each dimension fairly."),
        verdict="wrong",
        correction=N_("Wrong. With the gain at 1, every feature is divided by the same number, so every "
                      "ratio between features is kept: largest / smallest is {before} before and {after} "
                      "after. Putting each feature on a similar range is feature scaling across examples (standardising "
                      "one column of a data set, or BatchNorm, which notebook 03 explains)."),
        evidence="keeps_ratios",
    ),
    Claim(
        id="C9",
        topic=N_("the size of the values"),
        korean="RMSNorm은 주어진 값들의 편차를 작게 만들면서도 원래 값들의 의미를 유지하는 정규화 방법입니다.",
        english=N_("RMSNorm makes the deviations (편차) of the given values small while keeping the "
                   "meaning of the original values."),
        verdict="partly wrong",
        correction=N_("Partly wrong. RMSNorm sets the RMS to 1, so it can make the deviations larger: the "
                      "std of [0.01, 0.02] grows from {std_in} to {std_out}. With the gain at 1, it keeps "
                      "part of the meaning: signs and ratios. It loses the overall size: "
                      "[200, 300, 150, 250] g and ten times heavier apples give the same output. The "
                      "text's z-score also loses the level (section 8d)."),
        evidence="rescales_to_rms_one",
    ),
    Claim(
        id="C10",
        topic=N_("gradients"),
        korean="정규화된 값들은 작은 범위에서 조정되므로, 그레디언트의 크기도 상대적으로 작아집니다.",
        english=N_("Because the normalised values are adjusted within a small range, the size of the "
                   "gradient also becomes relatively small."),
        verdict="partly wrong",
        correction=N_("Partly wrong. This is about dL/dx, the gradient with respect to RMSNorm's input. "
                      "For the apples in grams, |dL/dx| = {grams}, smaller than the |dL/dy| = {upstream} "
                      "that arrives from above. In kilograms the outputs are the same, but |dL/dx| = "
                      "{kilograms}, larger than {upstream}. The gradient is at most |dL/dy| / RMS, so "
                      "it always shrinks when the RMS is above 1 ({rms} g here); it can grow only when "
                      "the RMS is below 1. The reason is this division, "
                      "not the small range of the outputs. Notebook 04 (claim 3) is about another "
                      "gradient, dL/dw of a regression."),
        evidence="gradient_scales_inversely",
    ),
    Claim(
        id="C11",
        topic=N_("training stability"),
        korean="이 방법은 트랜스포머 모델에서 그레디언트의 전파를 개선하고, 학습을 안정화시키는 데 도움이 "
               "됩니다. 각 차원의 값이 일정한 범위에 있을 때, 그레디언트의 크기가 적절하게 유지되고 …",
        english=N_("It improves gradient propagation in Transformer models and helps stabilise training. "
                   "The reason given: when each dimension's value lies in a fixed range, the gradient "
                   "keeps a suitable size."),
        verdict="right conclusion, wrong reason",
        correction=N_("The conclusion is what the RMSNorm paper reports from training runs; this code "
                      "trains no model (notebook 06 trains a small one). The text's reason is wrong: "
                      "outputs in a fixed range do not fix the gradient's size. The apples' outputs are the same in "
                      "grams and in kilograms, yet |dL/dx| is {factor} times larger in kilograms. The "
                      "paper's reason is weight re-scaling invariance: with weights 10 W instead of W, the output is the same and "
                      "dL/dW is {ratio} times smaller."),
        evidence="weight_rescaling_invariance",
    ),
    Claim(
        id="C12",
        topic=N_("sensitivity to the data"),
        korean="모델이 학습을 잘 수행하면서도 데이터의 변동성에 덜 민감해지게 됩니다.",
        english=N_("The model learns well and becomes less sensitive to the variability of the data."),
        verdict="partly wrong",
        correction=N_("Partly wrong. RMSNorm ignores a change of scale: grams and kilograms give the same "
                      "output. It does not ignore a shift: a 100 g tray under every apple changes the "
                      "first output from {first} to {first_tray}. LayerNorm ignores both."),
        evidence="scale_not_shift",
    ),
    Claim(
        id="C13",
        topic=N_("what the example computes"),
        korean="1. 각 차원의 값들을 해당 차원의 평균과 표준편차를 기준으로 정규화합니다. 평균: 5 표준편차: 2.58",
        english=N_("Worked example: normalise [2, 4, 6, 8] with its mean, 5, and its standard "
                   "deviation, 2.58."),
        verdict="wrong",
        correction=N_("Wrong: this is a z-score, not RMSNorm. Its 2.58 is the sample standard deviation "
                      "(divide by n - 1 = 3): a convention, not an error. LayerNorm uses the population "
                      "one, {population_std} (divide by n). The text's own definition gives the RMS, "
                      "{rms}. RMSNorm gives {rms_norm}."),
        evidence="sample_std",
    ),
    Claim(
        id="C14",
        topic=N_("gradient differences"),
        korean="따라서, RMSNorm을 통해 사과의 무게를 정규화하면, 그레디언트 값의 차이가 줄어들게 됩니다.",
        english=N_("So if we normalise the apple weights with RMSNorm, the differences between the "
                   "gradient values become smaller."),
        verdict="partly wrong",
        correction=N_("Partly wrong. The text does not say which gradient values. We read them as the "
                      "four numbers of dL/dx, one per apple. In grams their spread (largest - smallest) "
                      "is {grams}, against {upstream} without the norm. In kilograms the outputs are the "
                      "same, but the spread is {kilograms}: larger than without the norm. As in C10, the "
                      "reason is the division by the RMS, not the small range of the outputs."),
        evidence="gradient_spread",
    ),
)


def claim(claim_id: str) -> Claim:
    """The claim with this id (``"C1"`` ... ``"C14"``)."""
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise ValueError(f"unknown claim {claim_id!r}; known: {[c.id for c in CLAIMS]}")


# ----------------------------------------------------------------------------------------------
# The text's numerical steps


@dataclass(frozen=True)
class TextStep:
    """One number the source text prints in a worked example.

    ``printed`` is the value as printed, with ``digits`` decimals.

    * ``from_text(p)`` recomputes the line from the text's own previously printed numbers ``p`` (a
      dict id -> printed value): this tells an arithmetic error on this line from an error that
      follows from an earlier line. None when the text gives no working for the line (it prints
      2.58 without saying how it got it). ``depends`` names the earlier lines it uses.
    * ``z_score(x)`` recomputes the line of the text's own recipe, the z-score, from the data ``x``,
      with the population standard deviation (divide by n, as LayerNorm does). It is still not
      RMSNorm.
    * ``rms_norm(x)`` is what RMSNorm computes at the same step (x² instead of (x - mean)², the RMS
      instead of the std, x / RMS instead of the z-score); None where RMSNorm has no such step (the
      mean).
    * ``convention(x)``, with ``convention_name``, is the line under another accepted convention
      (the sample standard deviation, divide by n - 1): a printed value that matches it is a
      convention, not an error.
    """

    id: str
    example: str
    korean: str
    english: str
    printed: float
    digits: int
    from_text: Callable[[dict], float] | None
    z_score: Callable[[np.ndarray], float]
    rms_norm: Callable[[np.ndarray], float] | None = None
    depends: tuple[str, ...] = ()
    convention: Callable[[np.ndarray], float] | None = None
    convention_name: str = ""
    note: str = ""
    number: int = 0

    def label(self) -> str:
        """What the line computes, in the reader's language (``english`` is a template)."""
        return _(self.english).format(number=self.number)


def _pop_std(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean((x - np.mean(x)) ** 2)))


def _sample_std(x: np.ndarray) -> float:
    return float(np.sqrt(np.sum((x - np.mean(x)) ** 2) / (x.size - 1)))


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)))


def _z_step(step_id: str, example: str, i: int, english: str, korean: str, printed: float,
            mean_id: str, std_id: str) -> TextStep:
    """The line ``(x_i - mean) / std`` of an example: from the text's own printed mean and std
    (lines ``mean_id`` and ``std_id``), as a z-score from the data, and RMSNorm's x_i / RMS."""
    data = EXAMPLE_DATA[example]
    return TextStep(
        id=step_id, example=example, korean=korean, english=english, printed=printed, digits=2, number=i + 1,
        from_text=lambda p, i=i: (data[i] - p[mean_id]) / p[std_id],
        z_score=lambda x, i=i: float((x[i] - np.mean(x)) / _pop_std(x)),
        rms_norm=lambda x, i=i: float(x[i] / _rms(x)),
        depends=(mean_id, std_id),
    )


def _vector_quotient(i: int, korean: str, printed: float) -> TextStep:
    return _z_step(f"V{i + 3}", "vector", i, N_("feature {number}: (x - mean) / std"),
                   korean, printed, "V1", "V2")


def _apple_square(i: int, korean: str, printed: float, note: str = "") -> TextStep:
    return TextStep(
        id=f"A{i + 2}", example="apples", korean=korean,
        english=N_("apple {number}: (weight - mean)²"), printed=printed, digits=0, number=i + 1,
        from_text=lambda p, i=i: (APPLE_WEIGHTS_G[i] - p["A1"]) ** 2,
        z_score=lambda x, i=i: float((x[i] - np.mean(x)) ** 2),
        rms_norm=lambda x, i=i: float(x[i] ** 2),
        depends=("A1",), note=note,
    )


def _apple_quotient(i: int, korean: str, printed: float) -> TextStep:
    return _z_step(f"A{i + 9}", "apples", i, N_("apple {number}: (weight - mean) / std"),
                   korean, printed, "A1", "A8")


TEXT_STEPS: tuple[TextStep, ...] = (
    TextStep("V1", "vector", "평균: 5", N_("mean"), 5.0, 0,
             from_text=lambda p: float(np.mean(SEED_VECTOR)),
             z_score=lambda x: float(np.mean(x))),
    TextStep("V2", "vector", "표준편차: 2.58", N_("standard deviation"), 2.58, 2,
             from_text=None,  # the text prints 2.58 with no working
             z_score=_pop_std, rms_norm=_rms,
             convention=_sample_std, convention_name=N_("the sample std (divide by n - 1)"),
             note=N_("The text gives no working for 2.58, so 'from its own lines' shows '-'. 2.58 is the "
                     "sample std: divide by n - 1 = 3. torch.std, pandas and Excel's STDEV give it by "
                     "default. The text's own definition, the root of the mean of squares, gives the RMS "
                     "in the RMSNorm column.")),
    _vector_quotient(0, "첫 번째 차원: (2 – 5) / 2.58 = -1.16", -1.16),
    _vector_quotient(1, "두 번째 차원: (4 – 5) / 2.58 = -0.39", -0.39),
    _vector_quotient(2, "세 번째 차원: (6 – 5) / 2.58 = 0.39", 0.39),
    _vector_quotient(3, "네 번째 차원: (8 – 5) / 2.58 = 1.16", 1.16),
    TextStep("A1", "apples", "(200 + 300 + 150 + 250) / 4 = 225g", N_("mean"), 225.0, 0,
             from_text=lambda p: float(np.sum(APPLE_WEIGHTS_G) / 4),
             z_score=lambda x: float(np.mean(x))),
    _apple_square(0, "(200 – 225)^2 = 625", 625.0),
    _apple_square(1, "(300 – 225)^2 = 2025", 2025.0,
                  note=N_("2025 = 45². The deviation is 300 - 225 = 75, and 75² = 5625.")),
    _apple_square(2, "(150 – 225)^2 = 5625", 5625.0),
    _apple_square(3, "(250 – 225)^2 = 625", 625.0),
    TextStep("A6", "apples", "√[(625 + 2025 + 5625 + 625) / 4] = √(8900 / 4)", N_("sum of squared deviations"),
             8900.0, 0,
             from_text=lambda p: p["A2"] + p["A3"] + p["A4"] + p["A5"],
             z_score=lambda x: float(np.sum((x - np.mean(x)) ** 2)),
             rms_norm=lambda x: float(np.sum(x**2)),
             depends=("A2", "A3", "A4", "A5")),
    TextStep("A7", "apples", "√(8900 / 4) = √2225", N_("divide by n = 4 (the variance)"), 2225.0, 0,
             from_text=lambda p: p["A6"] / 4,
             z_score=lambda x: float(np.mean((x - np.mean(x)) ** 2)),
             rms_norm=lambda x: float(np.mean(x**2)),
             depends=("A6",)),
    TextStep("A8", "apples", "√2225 ≈ 47.23g", N_("square root (the standard deviation)"), 47.23, 2,
             from_text=lambda p: float(np.sqrt(p["A7"])),
             z_score=_pop_std, rms_norm=_rms,
             depends=("A7",),
             note=N_("Even from the text's own 2225, the root is 47.17, not 47.23.")),
    _apple_quotient(0, "첫 번째 사과: (200 – 225) / 47.23 ≈ -0.53", -0.53),
    _apple_quotient(1, "두 번째 사과: (300 – 225) / 47.23 ≈ 1.59", 1.59),
    _apple_quotient(2, "세 번째 사과: (150 – 225) / 47.23 ≈ -1.59", -1.59),
    _apple_quotient(3, "네 번째 사과: (250 – 225) / 47.23 ≈ 0.53", 0.53),
)
