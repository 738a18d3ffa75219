"""The source text's claims and numbers checked by code (layer: norms and examples; notebook 02).

Two audits of the text (``shared/seed/rmsnorm-explainer-ko.txt``), on the data in
:mod:`rmsviz.examples`:

* the claims: each claim in :data:`rmsviz.examples.CLAIMS` names an evidence function here. An
  evidence function computes, with the numerical core, whether what the claim says happens
  (``claim_holds``) and, when the text gives a reason, whether that reason is the one that makes it
  happen (``reason_holds``). The verdict then follows from the computation, not from the data:

  * the claim does not hold                      -> "wrong"
  * it holds, but the text's reason does not     -> "right for another reason"
  * it holds, for the stated reason              -> "right"

  :func:`verdict_table` puts the stored verdict beside the computed one, so the notebook (and the
  tests) see at once when they disagree;
* the numbers: :func:`audit_steps` recomputes every line of the text's two worked examples
  (:data:`rmsviz.examples.TEXT_STEPS`) from the text's own earlier lines and from the data, and
  :func:`identify_statistic` names the statistic behind a printed "standard deviation".
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from rmsviz.examples import (
    APPLE_WEIGHTS_G,
    APPLE_WEIGHTS_KG,
    CLAIMS,
    EXAMPLE_DATA,
    SEED_VECTOR,
    TEXT_STEPS,
    TRAY_G,
    TextStep,
    claim,
)
from rmsviz.formatting import fmt_vector
from rmsviz.i18n import N_, _
from rmsviz.norms import layer_norm, rms, rms_norm, rms_norm_backward

# ----------------------------------------------------------------------------------------------
# The text's numbers


def _agrees(value: float, printed: float, digits: int) -> bool:
    """Does ``value`` round to ``printed`` at ``digits`` decimals (half a unit in the last place)?"""
    return abs(value - printed) <= 0.5 * 10.0 ** (-digits) * (1 + 1e-9) + 1e-12


@dataclass(frozen=True)
class AuditedStep:
    """One text line recomputed: what it printed, what its own inputs give, and the right value."""

    step: TextStep
    from_text: float
    correct: float
    follows: bool      # the printed value follows from the text's own previous lines
    is_correct: bool   # the printed value is right for the data

    @property
    def status(self) -> str:
        if self.is_correct:
            return _("correct")
        if self.follows:
            return _("carried over: follows from an earlier wrong line")
        return _("slip: does not follow from the text's own numbers")


def audit_steps(example: str | None = None) -> list[AuditedStep]:
    """Recompute every printed line of the text's worked examples (notebook 02).

    For each line: the value its own earlier printed numbers give (``from_text``), the correct value
    from the data, and whether the printed number agrees with each at the printed precision.
    ``example`` is ``"vector"``, ``"apples"`` or None (both).
    """
    if example is not None and example not in EXAMPLE_DATA:
        raise ValueError(f"example must be one of {sorted(EXAMPLE_DATA)} or None, got {example!r}")
    printed = {s.id: s.printed for s in TEXT_STEPS}
    out = []
    for s in TEXT_STEPS:
        if example is not None and s.example != example:
            continue
        from_text = float(s.from_text(printed))
        correct = float(s.correct(EXAMPLE_DATA[s.example]))
        out.append(AuditedStep(s, from_text, correct, _agrees(from_text, s.printed, s.digits),
                               _agrees(correct, s.printed, s.digits)))
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
    """What code says about one claim: does it hold, does its reason hold, and the numbers."""

    claim_holds: bool
    reason_holds: bool
    findings: tuple[str, ...]

    @property
    def verdict(self) -> str:
        """"wrong", "right" or "right for another reason" (untranslated: compared with the data)."""
        if not self.claim_holds:
            return "wrong"
        return "right" if self.reason_holds else "right for another reason"

    def __repr__(self) -> str:
        verdict = _("computed verdict: {verdict}").format(verdict=_(self.verdict))
        return "\n".join(self.findings + (verdict,))


def _z(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()


# ----------------------------------------------------------------------------------------------
# Evidence, one function per claim


def formula() -> Evidence:
    """C1: the Llama/T5 formula x / sqrt(mean(x²) + eps) * g is what ``rms_norm`` computes."""
    x, g, eps = SEED_VECTOR, np.array([1.0, 0.5, 2.0, 1.5]), 1e-6
    by_hand = x / np.sqrt(np.mean(x**2) + eps) * g
    same = bool(np.allclose(rms_norm(x, gain=g, eps=eps), by_hand, rtol=1e-12))
    return Evidence(same, True, (
        f"x / sqrt(mean(x²) + 1e-6) * g = {fmt_vector(by_hand)}",
        f"rms_norm(x, gain=g)           = {fmt_vector(rms_norm(x, gain=g, eps=eps))}",
    ))


def shared_statistic() -> Evidence:
    """C2: change one feature and every output changes; y / x is one number for all features."""
    x = SEED_VECTOR
    x2 = x.copy()
    x2[0] = 20.0
    y, y2 = rms_norm(x, eps=0), rms_norm(x2, eps=0)
    others_changed = bool(np.all(~np.isclose(y[1:], y2[1:])))
    ratios = y / x
    one_divisor = bool(np.allclose(ratios, ratios[0]))
    return Evidence(not others_changed and not one_divisor, False, (
        f"RMSNorm({fmt_vector(x, 0)}) = {fmt_vector(y)}",
        _("RMSNorm({x}) = {y}   (only x1 changed, yet x2..x4's outputs changed)").format(
            x=fmt_vector(x2, 0), y=fmt_vector(y2)),
        _("y / x = {ratios}: every feature divided by the same RMS {rms}").format(
            ratios=fmt_vector(ratios), rms=f"{float(rms(x)):.3f}"),
    ))


def not_z_score() -> Evidence:
    """C3: RMSNorm is not the z-score (x - mean) / std that the text computes."""
    x = SEED_VECTOR
    y, z = rms_norm(x, eps=0), _z(x)
    return Evidence(bool(np.allclose(y, z)), False, (
        f"RMSNorm(x)             = {fmt_vector(y)}",
        f"(x - mean) / std (1/n) = {fmt_vector(z)}  (= layer_norm(x, eps=0): "
        f"{fmt_vector(layer_norm(x, eps=0))})",
    ))


def rms_is_not_std() -> Evidence:
    """C4: sqrt(mean(x²)) is the RMS; the std is RMS(x - mean). RMS² = mean² + var."""
    x = SEED_VECTOR
    r, s, m = float(rms(x)), float(np.std(x)), float(np.mean(x))
    return Evidence(bool(np.isclose(r, s)), False, (
        _("sqrt(mean(x²)) = {rms} (the RMS);  std = RMS(x - mean) = {std}").format(
            rms=f"{r:.3f}", std=f"{float(rms(x - m)):.3f}"),
        f"RMS² = {r**2:.3f} = mean² + var = {m**2:.3f} + {s**2:.3f}",
    ))


def rms_formula() -> Evidence:
    """C5: the text's RMS formula agrees with ``rms``."""
    x = SEED_VECTOR
    by_hand = float(np.sqrt(np.sum(x**2) / x.size))
    return Evidence(bool(np.isclose(by_hand, float(rms(x)))), True, (
        f"sqrt((2² + 4² + 6² + 8²) / 4) = sqrt({np.sum(x**2):.0f} / 4) = {by_hand:.3f} = rms(x) "
        f"= {float(rms(x)):.3f}",
    ))


def keeps_sign() -> Evidence:
    """C6: RMSNorm keeps every sign; only centring makes outputs negative."""
    lines, negatives = [], False
    for x in (SEED_VECTOR, APPLE_WEIGHTS_G):
        y = rms_norm(x, eps=0)
        negatives |= bool(np.any(y < 0))
        lines.append(_("RMSNorm({x}) = {y}: signs kept = {kept}").format(
            x=fmt_vector(x, 0), y=fmt_vector(y), kept=bool(np.all(np.sign(y) == np.sign(x)))))
    lines.append(_("z-score of the apples = {z}: the negatives come from subtracting the mean").format(
        z=fmt_vector(_z(APPLE_WEIGHTS_G))))
    return Evidence(negatives, False, tuple(lines))


def keeps_mean() -> Evidence:
    """C7: normalised apples are not centred on 225 g; the z-score mean is 0, RMSNorm's is not."""
    x = APPLE_WEIGHTS_G
    y, z = rms_norm(x, eps=0), _z(x)
    centred_225 = bool(np.isclose(np.mean(y), 225.0) or np.isclose(np.mean(z), 225.0))
    return Evidence(centred_225, False, (
        _("mean of the z-scores = {mean}").format(mean=f"{abs(float(np.mean(z))):.3f}"),
        _("mean of RMSNorm(apples) = {mean}, its RMS = {rms}").format(
            mean=f"{float(np.mean(y)):.3f}", rms=f"{float(rms(y)):.3f}"),
    ))


def keeps_ratios() -> Evidence:
    """C8: features on very different scales keep their ratios after RMSNorm."""
    x = np.array([1.0, 10.0, 100.0, 1000.0])
    y = rms_norm(x, eps=0)
    spread_in, spread_out = float(x.max() / x.min()), float(y.max() / y.min())
    return Evidence(spread_out < spread_in * (1 - 1e-9), False, (
        f"RMSNorm({fmt_vector(x, 0)}) = {fmt_vector(y, 4)}",
        _("largest / smallest: {before} before, {after} after").format(
            before=f"{spread_in:.1f}", after=f"{spread_out:.1f}"),
    ))


def rescales_to_rms_one() -> Evidence:
    """C9: RMSNorm keeps the direction; it shrinks large inputs but enlarges small ones."""
    lines, shrinks_always, keeps_direction = [], True, True
    for x in (APPLE_WEIGHTS_G, np.array([0.01, 0.02])):
        y = rms_norm(x, eps=0)
        cos = float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))
        keeps_direction &= bool(np.isclose(cos, 1.0))
        shrinks_always &= bool(np.std(y) <= np.std(x))
        lines.append(f"x = {fmt_vector(x, 2)} -> {fmt_vector(y)}: std {float(np.std(x)):.3f} -> "
                     f"{float(np.std(y)):.3f}, RMS -> {float(rms(y)):.3f}, cos(x, y) = {cos:.3f}")
    return Evidence(keeps_direction, shrinks_always, tuple(lines))


def gradient_scales_inversely() -> Evidence:
    """C10: the gradient through RMSNorm scales as 1/c with the input scale c; J x = 0."""
    rng = np.random.default_rng(0)
    x, g = APPLE_WEIGHTS_G, rng.standard_normal(4)
    lines, norms = [], {}
    for c in (0.001, 1.0):
        gx, _grad_gain = rms_norm_backward(c * x, g, eps=0)
        norms[c] = float(np.linalg.norm(gx))
        same = bool(np.allclose(rms_norm(c * x, eps=0), rms_norm(x, eps=0)))
        lines.append(_("input scaled by c = {c}: |dL/dx| = {norm} (output identical: {same})").format(
            c=f"{c:g}", norm=f"{norms[c]:.4g}", same=same))
    gx, _grad_gain = rms_norm_backward(x, g, eps=0)
    along = abs(float(x @ gx)) / (float(np.linalg.norm(x)) * float(np.linalg.norm(gx)))
    lines.append(_("ratio = {ratio} = 1/c;  x . dL/dx = 0 (cosine below 1e-12: {tiny}): no gradient "
                   "along x").format(ratio=f"{norms[0.001] / norms[1.0]:.1f}", tiny=along < 1e-12))
    smaller_than_no_norm = norms[1.0] < float(np.linalg.norm(g))
    # the text's reason: outputs in a small range => small gradients. The outputs are identical at
    # both scales, yet the gradient is 1000 times larger for the small input.
    reason = bool(np.isclose(norms[0.001], norms[1.0]))
    return Evidence(smaller_than_no_norm, reason, tuple(lines))


def weight_rescaling_invariance() -> Evidence:
    """C11: y = RMSNorm(W x) ignores W -> delta W, and dL/dW shrinks as 1/delta."""
    rng = np.random.default_rng(1)
    W, x, g = rng.standard_normal((8, 8)), rng.standard_normal(8), rng.standard_normal(8)
    grads, same = {}, True
    for delta in (1.0, 10.0):
        h = (delta * W) @ x
        same &= bool(np.allclose(rms_norm(h, eps=0), rms_norm(W @ x, eps=0)))
        gh, _grad_gain = rms_norm_backward(h, g, eps=0)
        grads[delta] = float(np.linalg.norm(np.outer(gh, x)))
    one_hot = np.zeros(64)
    one_hot[0] = 1.0
    peak = float(np.max(np.abs(rms_norm(one_hot, eps=0))))
    return Evidence(same and np.isclose(grads[1.0] / grads[10.0], 10.0), peak <= 1.0 + 1e-9, (
        f"RMSNorm((10 W) x) = RMSNorm(W x): {same}",
        _("|dL/dW| at W: {at_w}, at 10 W: {at_10w} (ratio {ratio})").format(
            at_w=f"{grads[1.0]:.4f}", at_10w=f"{grads[10.0]:.4f}", ratio=f"{grads[1.0] / grads[10.0]:.1f}"),
        _("values are not kept in a fixed range: RMSNorm of a one-hot vector of 64 features has a "
          "feature equal to {peak} = sqrt(64)").format(peak=f"{peak:.1f}"),
    ))


def scale_not_shift() -> Evidence:
    """C12: grams or kilograms give the same RMSNorm; a 100 g tray changes it (not LayerNorm)."""
    g, kg, tray = APPLE_WEIGHTS_G, APPLE_WEIGHTS_KG, APPLE_WEIGHTS_G + TRAY_G
    scale_ok = bool(np.allclose(rms_norm(g, eps=0), rms_norm(kg, eps=0)))
    shift_ok = bool(np.allclose(rms_norm(g, eps=0), rms_norm(tray, eps=0)))
    return Evidence(scale_ok, shift_ok, (
        _("RMSNorm(grams) = {grams} = RMSNorm(kilograms) = {kilograms}").format(
            grams=fmt_vector(rms_norm(g, eps=0)), kilograms=fmt_vector(rms_norm(kg, eps=0))),
        _("RMSNorm(grams + 100 g tray) = {tray}: changed").format(tray=fmt_vector(rms_norm(tray, eps=0))),
        _("LayerNorm(grams) = {grams} = LayerNorm(grams + tray) = {tray}").format(
            grams=fmt_vector(layer_norm(g, eps=0)), tray=fmt_vector(layer_norm(tray, eps=0))),
    ))


def sample_std() -> Evidence:
    """C13: the text's 2.58 is the sample standard deviation, not LayerNorm's."""
    x = SEED_VECTOR
    which = identify_statistic(x, 2.58, 2)
    ln_std = float(np.std(x))
    return Evidence(bool(np.isclose(ln_std, 2.58, atol=0.005)), False, (
        _("2.58 matches: {which} (sqrt(20/3) = {sample_std})").format(
            which=", ".join(which) or _("nothing"), sample_std=f"{float(np.std(x, ddof=1)):.4f}"),
        _("LayerNorm's std (divide by n): sqrt(20/4) = {std};  the RMS = {rms}").format(
            std=f"{ln_std:.4f}", rms=f"{float(rms(x)):.4f}"),
        _("z-scores with 1/n: {z};  RMSNorm: {y}").format(z=fmt_vector(_z(x)),
                                                          y=fmt_vector(rms_norm(x, eps=0))),
    ))


EVIDENCE = {
    "formula": formula,
    "shared_statistic": shared_statistic,
    "not_z_score": not_z_score,
    "rms_is_not_std": rms_is_not_std,
    "rms_formula": rms_formula,
    "keeps_sign": keeps_sign,
    "keeps_mean": keeps_mean,
    "keeps_ratios": keeps_ratios,
    "rescales_to_rms_one": rescales_to_rms_one,
    "gradient_scales_inversely": gradient_scales_inversely,
    "weight_rescaling_invariance": weight_rescaling_invariance,
    "scale_not_shift": scale_not_shift,
    "sample_std": sample_std,
}


def evidence(claim_id: str) -> Evidence:
    """Run the code that tests one claim (``"C1"`` ... ``"C13"``) and return what it found."""
    c = claim(claim_id)
    if c.evidence not in EVIDENCE:
        raise ValueError(f"claim {claim_id} names unknown evidence {c.evidence!r}")
    return EVIDENCE[c.evidence]()


class VerdictTable:
    """All claims with the stored verdict, the verdict computed by code, and whether they agree."""

    def __init__(self, claims=CLAIMS):
        self.rows = [(c, evidence(c.id)) for c in claims]

    @property
    def all_agree(self) -> bool:
        return all(c.verdict == e.verdict for c, e in self.rows)

    def _computed(self, c, e) -> str:
        if c.verdict == e.verdict:
            return _("agrees")
        return _("DIFFERS: {verdict}").format(verdict=_(e.verdict))

    def _repr_html_(self) -> str:
        head = "<tr>" + "".join(f"<th>{_(h)}</th>" for h in (
            N_("id"), N_("the text says (Korean)"), N_("in English"), N_("verdict"), N_("computed"),
            N_("correction"), N_("code"))) + "</tr>"
        body = "".join(
            f"<tr><td>{c.id}</td><td>{html.escape(c.korean)}</td><td>{html.escape(_(c.english))}</td>"
            f"<td><b>{_(c.verdict)}</b></td><td>{self._computed(c, e)}"
            f"</td><td>{html.escape(_(c.correction))}</td><td><code>evidence(\"{c.id}\")</code></td></tr>"
            for c, e in self.rows)
        agree = _("code agrees with every verdict: {agree}").format(agree=f"<b>{self.all_agree}</b>")
        return f"<table>{head}{body}</table><p>{agree}</p>"

    def __repr__(self) -> str:
        computed = _("computed:")
        lines = [f"{c.id:<4} {_(c.verdict):<25} {computed} {_(e.verdict):<25} {_(c.english)}"
                 for c, e in self.rows]
        lines.append(_("code agrees with every verdict: {agree}").format(agree=self.all_agree))
        return "\n".join(lines)


def verdict_table() -> VerdictTable:
    """The verdict table of notebook 02."""
    return VerdictTable()
