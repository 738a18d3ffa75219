"""The source text's claims and numbers checked by code (layer: norms and examples; notebook 02).

Two audits of the text (``shared/seed/rmsnorm-explainer-ko.txt``), on the data in
:mod:`rmsviz.examples`:

* the numbers: :func:`audit_steps` recomputes every line of the text's two worked examples
  (:data:`rmsviz.examples.TEXT_STEPS`) from the text's own earlier lines, as the text's recipe (a
  z-score) from the data, and as what RMSNorm computes at the same step. Each line is then
  right, a convention (the sample standard deviation), an arithmetic error (it does not follow
  from the text's own earlier lines), or it follows from an earlier line;
  :func:`identify_statistic` names the statistic behind a printed "standard deviation";
* the claims: each claim in :data:`rmsviz.examples.CLAIMS` names an evidence function here. It
  computes, with the numerical core, whether each part of the claim happens (``parts``) and,
  when the text gives a reason, whether that reason is what makes it happen (``reason_holds``).
  The verdict the evidence points to:

  * no part holds                         -> "wrong"
  * some parts hold, not all              -> "partly wrong"
  * every part holds, the reason does not -> "right conclusion, wrong reason"
  * every part holds (and the reason)     -> "right"

  This is evidence, not proof: the code computes the numbers, but a person chose which numbers
  test each claim. The tests check that the stored verdicts and the evidence agree, so a change
  to either one is seen.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from rmsviz.examples import (
    APPLE_WEIGHTS_G,
    APPLE_WEIGHTS_KG,
    CLAIMS,
    EMBEDDINGS,
    EXAMPLE_DATA,
    SEED_VECTOR,
    TEXT_STEPS,
    TRAY_G,
    UPSTREAM_GRADIENT,
    VERDICTS,
    TextStep,
    claim,
)
from rmsviz.formatting import display_width, fmt_vector, pad
from rmsviz.i18n import N_, SOURCE_LANGUAGE, _, get_language
from rmsviz.norms import layer_norm, rms, rms_norm, rms_norm_backward

# ----------------------------------------------------------------------------------------------
# The text's numbers


def _agrees(value: float, printed: float, digits: int) -> bool:
    """Does ``value`` round to ``printed`` at ``digits`` decimals (half a unit in the last place)?"""
    return abs(value - printed) <= 0.5 * 10.0 ** (-digits) * (1 + 1e-9) + 1e-12


#: The kinds of line the audit finds (translated where shown).
LINE_KINDS = {
    "right": N_("right"),
    "convention": N_("a convention, not an error: {name}"),
    "error": N_("arithmetic error"),
    "follows_error": N_("follows from an earlier wrong line"),
    "follows_convention": N_("follows from the convention of line {line}"),
}


@dataclass(frozen=True)
class AuditedStep:
    """One text line recomputed.

    ``from_text`` (None when the text gives no working), ``correct`` (the line of the text's
    recipe, a z-score with the population std, recomputed from the data: still not RMSNorm) and
    ``rms_norm`` (what RMSNorm computes at this step; None where it has no such step).
    ``follows``: the printed value does not contradict the text's own earlier lines (True when
    there is no working to contradict). ``is_correct``: it agrees with ``correct``.
    ``kind``: "right", "convention", "error", "follows_error" or "follows_convention".
    """

    step: TextStep
    from_text: float | None
    correct: float
    rms_norm: float | None
    follows: bool
    is_correct: bool
    kind: str
    source: str = ""    # the convention line a "follows_convention" line depends on

    @property
    def computes_rms_norm(self) -> bool:
        """Does the printed number agree with what RMSNorm computes at this step?"""
        return self.rms_norm is not None and _agrees(self.rms_norm, self.step.printed, self.step.digits)

    @property
    def status(self) -> str:
        """The kind of line, in the reader's language."""
        return _(LINE_KINDS[self.kind]).format(name=_(self.step.convention_name), line=self.source)


def _kind(step: TextStep, follows: bool, is_correct: bool, earlier: dict) -> tuple[str, str]:
    """The kind of one line, given the kinds of the lines before it (``earlier``: id -> (kind, source))."""
    if is_correct:
        return "right", ""
    if step.convention is not None and _agrees(step.convention(EXAMPLE_DATA[step.example]),
                                               step.printed, step.digits):
        return "convention", step.id
    if not follows:
        return "error", ""
    upstream = [earlier[d] for d in step.depends if earlier[d][0] != "right"]
    if any(kind in ("error", "follows_error") for kind, _src in upstream):
        return "follows_error", ""
    sources = [src for kind, src in upstream if kind in ("convention", "follows_convention")]
    return ("follows_convention", sources[0]) if sources else ("follows_error", "")


def audit_steps(example: str | None = None) -> list[AuditedStep]:
    """Recompute every printed line of the text's worked examples (notebook 02).

    For each line: the value its own earlier printed numbers give (``from_text``), the text's
    recipe recomputed from the data (``correct``, a z-score: still not RMSNorm), what RMSNorm
    computes at that step, and the kind of line. ``example`` is ``"vector"``, ``"apples"`` or None
    (both).
    """
    if example is not None and example not in EXAMPLE_DATA:
        raise ValueError(f"example must be one of {sorted(EXAMPLE_DATA)} or None, got {example!r}")
    printed = {s.id: s.printed for s in TEXT_STEPS}
    out, kinds = [], {}
    for s in TEXT_STEPS:
        data = EXAMPLE_DATA[s.example]
        from_text = None if s.from_text is None else float(s.from_text(printed))
        correct = float(s.z_score(data))
        rms_norm_value = None if s.rms_norm is None else float(s.rms_norm(data))
        follows = from_text is None or _agrees(from_text, s.printed, s.digits)
        is_correct = _agrees(correct, s.printed, s.digits)
        kind, source = _kind(s, follows, is_correct, kinds)
        kinds[s.id] = (kind, source)
        if example is None or s.example == example:
            out.append(AuditedStep(s, from_text, correct, rms_norm_value, follows, is_correct, kind,
                                   source))
    return out


#: The spread statistics :func:`candidate_statistics` computes, by name (translated where shown).
STATISTICS = (
    N_("population std (divide by n)"),
    N_("sample std (divide by n - 1)"),
    N_("RMS (root of the mean of squares)"),
    N_("mean absolute deviation"),
)


def candidate_statistics(x) -> dict[str, float]:
    """Spread statistics a text might call "the standard deviation" of x, by (translated) name.

    population std (divide by n, LayerNorm's), sample std (divide by n - 1), the RMS (the text's
    own definition), the mean absolute deviation.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be a vector of at least 2 values, got shape {x.shape}")
    values = (float(np.std(x)), float(np.std(x, ddof=1)), float(np.sqrt(np.mean(x**2))),
              float(np.mean(np.abs(x - np.mean(x)))))
    return {_(name): value for name, value in zip(STATISTICS, values)}


def identify_statistic(x, printed: float, digits: int = 2) -> list[str]:
    """The names of the candidate statistics of x that round to ``printed`` (may be empty)."""
    return [name for name, v in candidate_statistics(x).items() if _agrees(v, printed, digits)]


# ----------------------------------------------------------------------------------------------
# The claims


@dataclass(frozen=True)
class Evidence:
    """What code says about one claim: which parts hold, whether its reason holds, and the numbers.

    ``parts``: one bool per part of the claim (does it happen?). ``reason_holds``: None when the
    text gives no reason, else whether its reason is what makes it happen. ``findings``: the lines
    to show. ``numbers``: the computed numbers the claim's correction quotes, as text.
    """

    parts: tuple[bool, ...]
    reason_holds: bool | None
    findings: tuple[str, ...]
    numbers: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """The verdict this evidence points to (untranslated: it is compared with the data)."""
        if not any(self.parts):
            return "wrong"
        if not all(self.parts):
            return "partly wrong"
        return "right conclusion, wrong reason" if self.reason_holds is False else "right"

    def __repr__(self) -> str:
        verdict = _("the evidence points to: {verdict}").format(verdict=_(self.verdict))
        return "\n".join(self.findings + (verdict,))


def _z(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()


def _f(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}"


# ----------------------------------------------------------------------------------------------
# Evidence, one function per claim


def formula() -> Evidence:
    """C1: the Llama/T5 formula x / sqrt(mean(x²) + eps) * g is what ``rms_norm`` computes.

    Which models use RMSNorm is a fact about those models; this only checks the formula.
    """
    x, g, eps = SEED_VECTOR, np.array([1.0, 0.5, 2.0, 1.5]), 1e-6
    by_hand = x / np.sqrt(np.mean(x**2) + eps) * g
    same = bool(np.allclose(rms_norm(x, gain=g, eps=eps), by_hand, rtol=1e-12))
    return Evidence((same,), None, (
        f"x = {fmt_vector(x, 0)},  g = {fmt_vector(g, 1)},  eps = 1e-6",
        f"x / sqrt(mean(x²) + eps) * g = {fmt_vector(by_hand)}",
        f"rms_norm(x, gain=g, eps=eps) = {fmt_vector(rms_norm(x, gain=g, eps=eps))}",
    ), {"x": fmt_vector(x, 0), "gain": fmt_vector(g, 1)})


def shared_statistic() -> Evidence:
    """C2: change one feature and every output changes; y / x is one number for all features."""
    x = SEED_VECTOR
    x2 = x.copy()
    x2[0] = 20.0
    y, y2 = rms_norm(x, eps=0), rms_norm(x2, eps=0)
    others_changed = bool(np.all(~np.isclose(y[1:], y2[1:])))
    ratios = y / x
    one_divisor = bool(np.allclose(ratios, ratios[0]))
    return Evidence((not others_changed and not one_divisor,), None, (
        f"RMSNorm({fmt_vector(x, 0)}) = {fmt_vector(y)}",
        _("RMSNorm({x}) = {y}   (only x1 changed, yet the outputs of x2, x3, x4 changed)").format(
            x=fmt_vector(x2, 0), y=fmt_vector(y2)),
        _("y / x = {ratios}: every feature is divided by the same RMS, {rms}").format(
            ratios=fmt_vector(ratios), rms=_f(float(rms(x)))),
    ), {"rms": _f(float(rms(x)))})


def not_z_score() -> Evidence:
    """C3: RMSNorm is not the z-score (x - mean) / std that the text computes."""
    x = SEED_VECTOR
    y, z = rms_norm(x, eps=0), _z(x)
    return Evidence((bool(np.allclose(y, z)),), None, (
        f"RMSNorm(x)             = {fmt_vector(y)}",
        f"(x - mean) / std (1/n) = {fmt_vector(z)}  (= layer_norm(x, eps=0): "
        f"{fmt_vector(layer_norm(x, eps=0))})",
    ), {"rms_norm": fmt_vector(y), "z": fmt_vector(z)})


def rms_is_not_std() -> Evidence:
    """C4: sqrt(mean(x²)) is the RMS; the std is RMS(x - mean). RMS² = mean² + var."""
    x = SEED_VECTOR
    r, s, m = float(rms(x)), float(np.std(x)), float(np.mean(x))
    return Evidence((bool(np.isclose(r, s)),), None, (
        _("sqrt(mean(x²)) = {rms} (the RMS);  std = RMS(x - mean) = {std}").format(
            rms=_f(r), std=_f(float(rms(x - m)))),
        f"RMS² = {r**2:.3f} = mean² + var = {m**2:.3f} + {s**2:.3f}",
    ), {"rms": _f(r), "std": _f(s)})


def rms_formula() -> Evidence:
    """C5: the text's RMS formula agrees with ``rms``."""
    x = SEED_VECTOR
    by_hand = float(np.sqrt(np.sum(x**2) / x.size))
    return Evidence((bool(np.isclose(by_hand, float(rms(x)))),), None, (
        f"sqrt((2² + 4² + 6² + 8²) / 4) = sqrt({np.sum(x**2):.0f} / 4) = {by_hand:.3f} = rms(x) "
        f"= {float(rms(x)):.3f}",
    ), {"rms": _f(by_hand)})


def keeps_sign() -> Evidence:
    """C6: RMSNorm keeps every sign; only subtracting the mean makes positive inputs negative (the z-score's
    sign is the sign of x - mean, which is what the text describes)."""
    lines, negatives = [], False
    for x in (SEED_VECTOR, APPLE_WEIGHTS_G):
        y = rms_norm(x, eps=0)
        negatives |= bool(np.any(y < 0))
        lines.append(_("RMSNorm({x}) = {y}: every sign kept = {kept}").format(
            x=fmt_vector(x, 0), y=fmt_vector(y), kept=bool(np.all(np.sign(y) == np.sign(x)))))
    x = APPLE_WEIGHTS_G
    z, y = _z(x), rms_norm(x, eps=0)
    z_like_text = bool(np.all(np.sign(z) == np.sign(x - np.mean(x))))
    lines.append(_("z-score of the apples = {z}: negative exactly below the mean 225 g = {same}").format(
        z=fmt_vector(z), same=z_like_text))
    lines.append(_("mean of RMSNorm(apples) = {mean}; mean of the z-scores = {z_mean}").format(
        mean=_f(float(np.mean(y))), z_mean=_f(abs(float(np.mean(z))))))
    return Evidence((negatives,), None, tuple(lines), {"rms_norm_mean": _f(float(np.mean(y)))})


def one_token_one_vector() -> Evidence:
    """C7: each token is one vector of features; RMSNorm normalises each token across its features.

    Normalising each feature across the tokens (the text's "each dimension") is another
    computation, and a change in one token's embedding changes only that token's output.
    """
    e = EMBEDDINGS
    rows = rms_norm(e, eps=0, axis=-1)
    columns = rms_norm(e, eps=0, axis=0)
    changed = e.copy()
    changed[2] *= -3.0
    after = rms_norm(changed, eps=0, axis=-1)
    others_same = bool(np.allclose(after[:2], rows[:2]))
    row_rms = np.sqrt(np.mean(rows**2, axis=-1))
    column_rms = np.sqrt(np.mean(rows**2, axis=0))
    per_feature_differs = not np.allclose(rows, columns)
    holds = not (others_same and per_feature_differs)
    return Evidence((holds,), None, (
        _("{tokens} tokens x {features} features: one row per token").format(
            tokens=e.shape[0], features=e.shape[1]),
        _("RMS of each token's output (row): {rms}").format(rms=fmt_vector(row_rms)),
        _("RMS of each feature's output (column): {rms}").format(rms=fmt_vector(column_rms)),
        _("the third token changed: outputs of the other two unchanged = {same}").format(same=others_same),
    ), {"n": str(e.shape[1])})


def keeps_ratios() -> Evidence:
    """C8: features on very different scales keep their ratios after RMSNorm."""
    x = np.array([1.0, 10.0, 100.0, 1000.0])
    y = rms_norm(x, eps=0)
    spread_in, spread_out = float(x.max() / x.min()), float(y.max() / y.min())
    return Evidence((spread_out < spread_in * (1 - 1e-9),), None, (
        f"RMSNorm({fmt_vector(x, 0)}) = {fmt_vector(y, 4)}",
        _("largest / smallest: {before} before, {after} after").format(
            before=_f(spread_in, 1), after=_f(spread_out, 1)),
    ), {"before": _f(spread_in, 1), "after": _f(spread_out, 1)})


def rescales_to_rms_one() -> Evidence:
    """C9: RMSNorm keeps the direction (signs and ratios) and loses the overall size; it shrinks
    the spread of large inputs but enlarges that of small ones."""
    lines, shrinks_always, keeps_direction, stds = [], True, True, {}
    for x in (APPLE_WEIGHTS_G, np.array([0.01, 0.02])):
        y = rms_norm(x, eps=0)
        cos = float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))
        keeps_direction &= bool(np.isclose(cos, 1.0))
        shrinks_always &= bool(np.std(y) <= np.std(x))
        stds[x.size] = (float(np.std(x)), float(np.std(y)))
        lines.append(_("x = {x} -> {y}: std {std_in} -> {std_out}, RMS -> {rms}, "
                       "same direction (cos = 1) = {direction}").format(
            x=fmt_vector(x, 0 if x[0] >= 1 else 2), y=fmt_vector(y), std_in=_f(stds[x.size][0]), std_out=_f(stds[x.size][1]),
            rms=_f(float(rms(y))), direction=bool(np.isclose(cos, 1.0))))
    ten_times = bool(np.allclose(rms_norm(10 * APPLE_WEIGHTS_G, eps=0), rms_norm(APPLE_WEIGHTS_G, eps=0)))
    lines.append(_("apples ten times heavier give the same output = {same}: the overall size is lost").format(
        same=ten_times))
    return Evidence((shrinks_always, keeps_direction), None, tuple(lines),
                    {"std_in": _f(stds[2][0]), "std_out": _f(stds[2][1])})


def _input_gradients():
    """dL/dx through RMSNorm for the apples in grams and in kilograms, with dL/dy = UPSTREAM_GRADIENT."""
    grads = {}
    for unit, x in (("g", APPLE_WEIGHTS_G), ("kg", APPLE_WEIGHTS_KG)):
        grads[unit], _grad_gain = rms_norm_backward(x, UPSTREAM_GRADIENT, eps=0)
    return grads


def gradient_scales_inversely() -> Evidence:
    """C10: |dL/dx| through RMSNorm is divided by the input's RMS: smaller than |dL/dy| for the apples
    in grams (RMS above 1), larger in kilograms (RMS below 1), while the outputs (the text's "small
    range") are identical in both units."""
    g = UPSTREAM_GRADIENT
    grads = _input_gradients()
    norm = {unit: float(np.linalg.norm(v)) for unit, v in grads.items()}
    upstream = float(np.linalg.norm(g))
    same = bool(np.allclose(rms_norm(APPLE_WEIGHTS_G, eps=0), rms_norm(APPLE_WEIGHTS_KG, eps=0)))
    lines = [_("dL/dy arriving from above = {g} (the loss L = y1), |dL/dy| = {norm}").format(
                 g=fmt_vector(g, 1), norm=_f(upstream, 1)),
             _("grams:      |dL/dx| = {norm}").format(norm=f"{norm['g']:.4f}"),
             _("kilograms:  |dL/dx| = {norm}").format(norm=f"{norm['kg']:.4f}"),
             _("ratio kg / g = {ratio}, the factor of the change of unit; "
               "the outputs are identical = {same}").format(ratio=_f(norm["kg"] / norm["g"], 1), same=same)]
    # The text's reason: outputs in a small range => small gradients. The outputs are identical in
    # both units, yet the gradients differ 1000 times: the range of the outputs is not the reason.
    reason = bool(np.isclose(norm["g"], norm["kg"]))
    return Evidence((norm["g"] < upstream, norm["kg"] < upstream), reason, tuple(lines), {
        "grams": f"{norm['g']:.4f}", "kilograms": _f(norm["kg"], 2), "upstream": _f(upstream, 1),
        "rms": _f(float(rms(APPLE_WEIGHTS_G)), 2)})


def gradient_spread() -> Evidence:
    """C14: the spread of dL/dx's entries (one per apple) is smaller than without the norm in grams,
    larger in kilograms, for the same reason as C10."""
    g = UPSTREAM_GRADIENT
    grads = _input_gradients()
    spread = {unit: float(np.ptp(v)) for unit, v in grads.items()}
    upstream = float(np.ptp(g))
    lines = [_("without the norm: dL/dx = dL/dy = {g}, spread {spread}").format(g=fmt_vector(g, 1),
                                                                              spread=_f(upstream, 1)),
             _("grams:      dL/dx = {grad}, spread {spread}").format(grad=fmt_vector(grads["g"], 4),
                                                                     spread=f"{spread['g']:.4f}"),
             _("kilograms:  dL/dx = {grad}, spread {spread}").format(grad=fmt_vector(grads["kg"], 2),
                                                                     spread=_f(spread["kg"], 2))]
    reason = bool(np.isclose(spread["g"], spread["kg"]))
    return Evidence((spread["g"] < upstream, spread["kg"] < upstream), reason, tuple(lines), {
        "grams": f"{spread['g']:.4f}", "kilograms": _f(spread["kg"], 2), "upstream": _f(upstream, 1)})


def weight_rescaling_invariance() -> Evidence:
    """C11: y = RMSNorm(W x) ignores W -> delta W, and dL/dW shrinks as 1/delta (the paper's reason).
    The text's reason fails: the apples' outputs are identical in grams and kilograms, yet |dL/dx| is
    1000 times larger in kilograms, so outputs in a fixed range do not fix the gradient's size."""
    rng = np.random.default_rng(1)
    W, x, g = rng.standard_normal((8, 8)), rng.standard_normal(8), rng.standard_normal(8)
    grads, same = {}, True
    for delta in (1.0, 10.0):
        h = (delta * W) @ x
        same &= bool(np.allclose(rms_norm(h, eps=0), rms_norm(W @ x, eps=0)))
        gh, _grad_gain = rms_norm_backward(h, g, eps=0)
        grads[delta] = float(np.linalg.norm(np.outer(gh, x)))
    ratio = grads[1.0] / grads[10.0]
    apples = _input_gradients()
    size = {unit: float(np.linalg.norm(v)) for unit, v in apples.items()}
    outputs_same = bool(np.allclose(rms_norm(APPLE_WEIGHTS_G, eps=0), rms_norm(APPLE_WEIGHTS_KG, eps=0)))
    factor = size["kg"] / size["g"]
    # The text's reason: outputs in a fixed range keep the gradient's size. Identical outputs with
    # gradients 1000 times apart show that they do not.
    reason = outputs_same and bool(np.isclose(size["g"], size["kg"]))
    return Evidence((same and bool(np.isclose(ratio, 10.0)),), reason, (
        _("8 x 8 weights W, input x and dL/dy drawn with seed 1"),
        _("RMSNorm((10 W) x) = RMSNorm(W x): {same}").format(same=same),
        _("|dL/dW| at W: {at_w}, at 10 W: {at_10w} (ratio {ratio})").format(
            at_w=f"{grads[1.0]:.4f}", at_10w=f"{grads[10.0]:.4f}", ratio=_f(ratio, 1)),
        _("the apples' RMSNorm outputs in grams and in kilograms are identical = {same}").format(
            same=outputs_same),
        _("|dL/dx| in grams: {grams}, in kilograms: {kilograms} ({factor} times larger): outputs in a "
          "fixed range do not fix the gradient's size").format(
            grams=f"{size['g']:.4f}", kilograms=f"{size['kg']:.4f}", factor=_f(factor, 0)),
    ), {"factor": _f(factor, 0), "ratio": _f(ratio, 1)})


def scale_not_shift() -> Evidence:
    """C12: grams or kilograms give the same RMSNorm; a 100 g tray changes it (not LayerNorm)."""
    g, kg, tray = APPLE_WEIGHTS_G, APPLE_WEIGHTS_KG, APPLE_WEIGHTS_G + TRAY_G
    scale_ok = bool(np.allclose(rms_norm(g, eps=0), rms_norm(kg, eps=0)))
    shift_ok = bool(np.allclose(rms_norm(g, eps=0), rms_norm(tray, eps=0)))
    return Evidence((scale_ok, shift_ok), None, (
        _("RMSNorm(grams) = {grams} = RMSNorm(kilograms) = {kilograms}").format(
            grams=fmt_vector(rms_norm(g, eps=0)), kilograms=fmt_vector(rms_norm(kg, eps=0))),
        _("RMSNorm(grams + 100 g tray) = {tray}: changed").format(tray=fmt_vector(rms_norm(tray, eps=0))),
        _("LayerNorm(grams) = {grams} = LayerNorm(grams + tray) = {tray}").format(
            grams=fmt_vector(layer_norm(g, eps=0)), tray=fmt_vector(layer_norm(tray, eps=0))),
    ), {"first": _f(float(rms_norm(g, eps=0)[0])), "first_tray": _f(float(rms_norm(tray, eps=0)[0]))})


def sample_std() -> Evidence:
    """C13: the text's example is a z-score; its 2.58 is the sample standard deviation (a convention)."""
    x = SEED_VECTOR
    which = identify_statistic(x, 2.58, 2)
    ln_std = float(np.std(x))
    y, z = rms_norm(x, eps=0), _z(x)
    return Evidence((bool(np.allclose(y, _z(x))),), None, (
        _("2.58 matches: {which} (sqrt(20/3) = {sample_std})").format(
            which=", ".join(which) or _("nothing"), sample_std=f"{float(np.std(x, ddof=1)):.4f}"),
        _("LayerNorm's std (divide by n): sqrt(20/4) = {std};  the RMS = {rms}").format(
            std=f"{ln_std:.4f}", rms=f"{float(rms(x)):.4f}"),
        _("z-scores with 1/n: {z};  RMSNorm: {y}").format(z=fmt_vector(z), y=fmt_vector(y)),
    ), {"population_std": _f(ln_std), "rms": _f(float(rms(x))), "rms_norm": fmt_vector(y)})


EVIDENCE = {
    "formula": formula,
    "shared_statistic": shared_statistic,
    "not_z_score": not_z_score,
    "rms_is_not_std": rms_is_not_std,
    "rms_formula": rms_formula,
    "keeps_sign": keeps_sign,
    "one_token_one_vector": one_token_one_vector,
    "keeps_ratios": keeps_ratios,
    "rescales_to_rms_one": rescales_to_rms_one,
    "gradient_scales_inversely": gradient_scales_inversely,
    "weight_rescaling_invariance": weight_rescaling_invariance,
    "scale_not_shift": scale_not_shift,
    "sample_std": sample_std,
    "gradient_spread": gradient_spread,
}


def evidence(claim_id: str) -> Evidence:
    """Run the code that tests one claim (``"C1"`` ... ``"C14"``) and return what it found."""
    c = claim(claim_id)
    if c.evidence not in EVIDENCE:
        raise ValueError(f"claim {claim_id} names unknown evidence {c.evidence!r}")
    return EVIDENCE[c.evidence]()


def correction(claim_id: str) -> str:
    """The claim's correction in the reader's language, with the numbers its evidence computed."""
    return _(claim(claim_id).correction).format(**evidence(claim_id).numbers)


class VerdictTable:
    """All claims: the Korean original, the English, the verdict and the correction (notebook 02).

    The correction's numbers come from each claim's evidence. ``consistent`` says whether every
    stored verdict is the one its evidence points to (for the tests: evidence, not proof).
    """

    def __init__(self, claims=CLAIMS):
        self.rows = [(c, EVIDENCE[c.evidence]()) for c in claims]

    @property
    def consistent(self) -> bool:
        return all(c.verdict == e.verdict for c, e in self.rows)

    def disagreements(self) -> list[str]:
        """The ids of the claims whose stored verdict differs from the one their evidence points to."""
        return [c.id for c, e in self.rows if c.verdict != e.verdict]

    def counts(self) -> dict[str, int]:
        """How many claims get each verdict (untranslated keys, in the order of VERDICTS)."""
        return {v: sum(1 for c, _e in self.rows if c.verdict == v) for v in VERDICTS}

    def _repr_html_(self) -> str:
        # In a translated edition the claim's translation is the Korean original again (the
        # catalogue gives the text's own sentence), so the English column is left out there.
        english = get_language() == SOURCE_LANGUAGE
        head = "<tr>" + "".join(f"<th>{_(h)}</th>" for h in (
            N_("claim"), N_("the text says (Korean)"), *([N_("in English")] if english else []),
            N_("verdict"), N_("why (numbers computed by the evidence code)"))) + "</tr>"
        body = "".join(
            f"<tr><td>{c.id}</td><td>{html.escape(c.korean)}</td>"
            + (f"<td>{html.escape(_(c.english))}</td>" if english else "")
            + f"<td><b>{html.escape(_(c.verdict))}</b></td>"
            f"<td>{html.escape(_(c.correction).format(**e.numbers))}</td></tr>"
            for c, e in self.rows)
        return f"<table>{head}{body}</table>"

    def __repr__(self) -> str:
        width = max(display_width(_(v)) for v in VERDICTS) + 1
        return "\n".join(f"{c.id:<4} {pad(_(c.verdict), width)} {_(c.english)}" for c, _e in self.rows)


def verdict_table() -> VerdictTable:
    """The verdict table of notebook 02."""
    return VerdictTable()
