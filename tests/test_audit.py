"""The source text audited by code (rmsviz.audit): claims' verdicts, the text's numbers recomputed."""

import numpy as np
import pytest

from rmsviz import layer_norm
from rmsviz.audit import (
    EVIDENCE,
    VerdictTable,
    audit_steps,
    candidate_statistics,
    evidence,
    identify_statistic,
    verdict_table,
)
from rmsviz.examples import APPLE_WEIGHTS_G, CLAIMS, SEED_VECTOR, TEXT_STEPS, Claim


def test_every_claim_names_evidence_code():
    for c in CLAIMS:
        assert c.evidence in EVIDENCE, c.id


@pytest.mark.parametrize("c", CLAIMS, ids=lambda c: c.id)
def test_code_agrees_with_each_stored_verdict(c):
    assert evidence(c.id).verdict == c.verdict


def test_verdict_table_reports_a_disagreement():
    flipped = tuple(Claim(**{**c.__dict__, "verdict": "right"}) if c.id == "C3" else c for c in CLAIMS)
    assert verdict_table().all_agree
    table = VerdictTable(flipped)
    assert not table.all_agree
    assert "DIFFERS: wrong" in table._repr_html_()
    assert repr(table).endswith("code agrees with every verdict: False")


def test_bad_example_raises():
    with pytest.raises(ValueError, match="example"):
        audit_steps("pears")


def _by_id():
    return {a.step.id: a for a in audit_steps()}


def test_every_printed_number_is_reproduced():
    audited = audit_steps()
    assert [a.step.id for a in audited] == [s.id for s in TEXT_STEPS]
    assert [a.step.id for a in audit_steps("vector")] == [f"V{i}" for i in range(1, 7)]


def test_the_slips_found():
    a = _by_id()
    slips = sorted(k for k, v in a.items() if not v.follows)
    assert slips == ["A3", "A8", "V2"]
    wrong = sorted(k for k, v in a.items() if not v.is_correct)
    assert wrong == sorted(["V2", "V3", "V4", "V5", "V6", "A3", "A6", "A7", "A8",
                            "A9", "A10", "A11", "A12"])
    assert a["A3"].correct == pytest.approx(75.0**2)
    assert a["A6"].correct == pytest.approx(12500.0) and a["A6"].from_text == pytest.approx(8900.0)
    assert a["A7"].correct == pytest.approx(3125.0)
    assert a["A8"].from_text == pytest.approx(np.sqrt(2225.0))
    assert a["A8"].correct == pytest.approx(np.std(APPLE_WEIGHTS_G))
    assert a["V2"].correct == pytest.approx(np.sqrt(5.0))
    for k in ("A9", "A10", "A11", "A12"):
        assert a[k].follows  # the quotients are right for the text's 47.23
    np.testing.assert_allclose([a[f"V{i}"].correct for i in range(3, 7)], layer_norm(SEED_VECTOR, eps=0))
    assert a["A3"].status.startswith("slip") and a["A6"].status.startswith("carried over")
    assert a["V1"].status == "correct"


def test_which_standard_deviation():
    assert identify_statistic(SEED_VECTOR, 2.58) == ["sample std (divide by n - 1)"]
    assert identify_statistic(APPLE_WEIGHTS_G, 47.23) == []
    assert identify_statistic(APPLE_WEIGHTS_G, 55.90) == ["population std (divide by n)"]
    stats = candidate_statistics(SEED_VECTOR)
    assert stats["RMS (root of the mean of squares)"] == pytest.approx(np.sqrt(30))
    with pytest.raises(ValueError):
        identify_statistic([1.0], 1.0)
