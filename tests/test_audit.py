"""The source text audited by code (rmsviz.audit): claims' evidence, the text's numbers recomputed."""

import string

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.audit import (
    EVIDENCE,
    Evidence,
    VerdictTable,
    audit_steps,
    candidate_statistics,
    correction,
    evidence,
    identify_statistic,
    verdict_table,
)
from rmsviz.examples import APPLE_WEIGHTS_G, CLAIMS, SEED_VECTOR, TEXT_STEPS, Claim


def test_every_claim_names_evidence_code():
    for c in CLAIMS:
        assert c.evidence in EVIDENCE, c.id


@pytest.mark.parametrize("c", CLAIMS, ids=lambda c: c.id)
def test_evidence_points_to_each_stored_verdict(c):
    assert evidence(c.id).verdict == c.verdict


@pytest.mark.parametrize("c", CLAIMS, ids=lambda c: c.id)
def test_every_correction_is_filled_by_its_evidence(c):
    fields = {f for _lit, f, _spec, _conv in string.Formatter().parse(c.correction) if f}
    assert fields <= set(evidence(c.id).numbers), c.id
    text = correction(c.id)
    assert "{" not in text and "}" not in text


def test_verdict_rules():
    assert Evidence((False,), None, ()).verdict == "wrong"
    assert Evidence((True, False), None, ()).verdict == "partly wrong"
    assert Evidence((True,), False, ()).verdict == "right conclusion, wrong reason"
    assert Evidence((True,), True, ()).verdict == "right"
    assert Evidence((True,), None, ()).verdict == "right"


def test_verdict_table_reports_a_disagreement():
    flipped = tuple(Claim(**{**c.__dict__, "verdict": "right"}) if c.id == "C3" else c for c in CLAIMS)
    assert verdict_table().consistent
    table = VerdictTable(flipped)
    assert not table.consistent and table.disagreements() == ["C3"]


def test_verdict_table_shows_no_circular_agreement_line():
    """Review 1 item 5: the table does not print 'code agrees with every verdict' as a proof."""
    table = verdict_table()
    html, text = table._repr_html_(), repr(table)
    assert "agrees" not in html and "agrees" not in text
    assert "right for another reason" not in html
    assert html.count("<tr>") == len(CLAIMS) + 1
    assert table.counts() == {"right": 2, "wrong": 7, "partly wrong": 4, "right conclusion, wrong reason": 1}


def test_c9_evidence_refutes_the_small_spread():
    e = evidence("C9")
    assert e.parts == (False, True)  # the spread grows for small inputs; the direction is kept
    assert e.numbers["std_in"] == "0.005" and e.numbers["std_out"] == "0.316"


def test_c10_and_c14_are_about_dl_dx_and_its_1_over_c_law():
    e10, e14 = evidence("C10"), evidence("C14")
    assert e10.reason_holds is False and e14.reason_holds is False
    # Round 2: the gradient shrinks in grams (RMS above 1) and grows in kilograms (RMS below 1).
    assert e10.parts == (True, False) and e14.parts == (True, False)
    assert e10.verdict == e14.verdict == "partly wrong"
    g, kg = float(e10.numbers["grams"]), float(e10.numbers["kilograms"])
    assert kg / g == pytest.approx(1000, rel=0.02)  # rounded numbers: the ratio of the unit change
    assert g < float(e10.numbers["upstream"]) < kg
    assert "dL/dx" in correction("C10") and "Notebook 04 (claim 3)" in correction("C10")
    assert float(e14.numbers["grams"]) < float(e14.numbers["upstream"]) < float(e14.numbers["kilograms"])


def test_c11_evidence_uses_the_gradient_not_a_one_hot_bound():
    """Round 2: a one-hot output sqrt(n) is the bound of an RMS-1 vector, not a counterexample."""
    e = evidence("C11")
    assert e.verdict == "right conclusion, wrong reason"
    assert "one-hot" not in repr(e) and e.numbers["factor"] == "1000"


def test_c7_embedding_axis():
    e = evidence("C7")
    assert e.verdict == "wrong"
    assert "[1.000, 1.000, 1.000]" in "\n".join(e.findings)


def test_c1_evidence_shows_its_inputs():
    assert "g = [1.0, 0.5, 2.0, 1.5]" in repr(evidence("C1"))


def test_bad_example_raises():
    with pytest.raises(ValueError, match="example"):
        audit_steps("pears")


def _by_id():
    return {a.step.id: a for a in audit_steps()}


def test_every_printed_number_is_reproduced():
    audited = audit_steps()
    assert [a.step.id for a in audited] == [s.id for s in TEXT_STEPS]
    assert [a.step.id for a in audit_steps("vector")] == [f"V{i}" for i in range(1, 7)]
    # the kinds do not depend on which example is asked for
    assert {a.step.id: a.kind for a in audit_steps("apples")} == {
        k: v.kind for k, v in _by_id().items() if k.startswith("A")}


def test_the_kinds_of_line():
    a = _by_id()
    kinds = {k: v.kind for k, v in a.items()}
    assert sorted(k for k, v in kinds.items() if v == "error") == ["A3", "A8"]
    assert [k for k, v in kinds.items() if v == "convention"] == ["V2"]
    assert sorted(k for k, v in kinds.items() if v == "follows_convention") == ["V3", "V4", "V5", "V6"]
    assert sorted(k for k, v in kinds.items() if v == "follows_error") == sorted(
        ["A6", "A7", "A9", "A10", "A11", "A12"])
    assert sorted(k for k, v in kinds.items() if v == "right") == ["A1", "A2", "A4", "A5", "V1"]
    assert a["V2"].from_text is None and a["V2"].follows  # no working given: nothing to contradict
    assert a["A3"].correct == pytest.approx(75.0**2)
    assert a["A6"].correct == pytest.approx(12500.0) and a["A6"].from_text == pytest.approx(8900.0)
    assert a["A7"].correct == pytest.approx(3125.0)
    assert a["A8"].from_text == pytest.approx(np.sqrt(2225.0))
    assert a["A8"].correct == pytest.approx(np.std(APPLE_WEIGHTS_G))
    assert a["V2"].correct == pytest.approx(np.sqrt(5.0))
    np.testing.assert_allclose([a[f"V{i}"].correct for i in range(3, 7)], layer_norm(SEED_VECTOR, eps=0))
    assert a["A3"].status == "arithmetic error" and a["A6"].status == "follows from an earlier wrong line"
    assert a["V3"].status == "follows from the convention of line V2"
    assert a["V2"].status == "a convention, not an error: the sample std (divide by n - 1)"
    assert a["V1"].status == "right"


def test_the_rms_norm_column_and_no_line_computes_rms_norm():
    a = _by_id()
    assert a["V1"].rms_norm is None and a["A1"].rms_norm is None
    assert a["V2"].rms_norm == pytest.approx(np.sqrt(30.0))
    np.testing.assert_allclose([a[f"V{i}"].rms_norm for i in range(3, 7)], rms_norm(SEED_VECTOR, eps=0))
    np.testing.assert_allclose([a[f"A{i}"].rms_norm for i in range(9, 13)], rms_norm(APPLE_WEIGHTS_G, eps=0))
    assert a["A6"].rms_norm == pytest.approx(float(np.sum(APPLE_WEIGHTS_G**2)))
    assert not any(x.computes_rms_norm for x in a.values())


def test_the_notes_state_true_arithmetic():
    a = _by_id()
    assert 45**2 == a["A3"].step.printed and 75**2 == pytest.approx(a["A3"].correct)
    assert f"{a['A8'].from_text:.2f}" == "47.17" and "47.17" in a["A8"].step.note
    assert f"{np.std(SEED_VECTOR, ddof=1):.2f}" == "2.58"


def test_which_standard_deviation():
    assert identify_statistic(SEED_VECTOR, 2.58) == ["sample std (divide by n - 1)"]
    assert identify_statistic(APPLE_WEIGHTS_G, 47.23) == []
    assert identify_statistic(APPLE_WEIGHTS_G, 55.90) == ["population std (divide by n)"]
    stats = candidate_statistics(SEED_VECTOR)
    assert stats["RMS (root of the mean of squares)"] == pytest.approx(np.sqrt(30))
    with pytest.raises(ValueError):
        identify_statistic([1.0], 1.0)
