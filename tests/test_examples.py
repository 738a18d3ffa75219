"""The source text's claims and numbers (rmsviz.examples, rmsviz.audit, the notebook-02 step tables)."""

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.audit import EVIDENCE, evidence, verdict_table
from rmsviz.examples import (
    APPLE_WEIGHTS_G,
    APPLE_WEIGHTS_KG,
    CLAIMS,
    SEED_VECTOR,
    TEXT_STEPS,
    VERDICTS,
    Claim,
    audit_steps,
    claim,
    identify_statistic,
)
from rmsviz.steps import layer_norm_steps, text_audit_table, z_score_steps


def test_claims_are_complete_data():
    assert len(CLAIMS) >= 12
    assert len({c.id for c in CLAIMS}) == len(CLAIMS)
    for c in CLAIMS:
        assert c.verdict in VERDICTS
        assert c.korean and c.english and c.correction
        assert any("\uac00" <= ch <= "\ud7a3" or ch in "√" for ch in c.korean), c.id
        assert c.evidence in EVIDENCE
    assert {c.verdict for c in CLAIMS} == set(VERDICTS)


@pytest.mark.parametrize("c", CLAIMS, ids=lambda c: c.id)
def test_code_agrees_with_each_stored_verdict(c):
    assert evidence(c.id).verdict == c.verdict


def test_verdict_table_reports_a_disagreement():
    flipped = tuple(Claim(**{**c.__dict__, "verdict": "right"}) if c.id == "C3" else c for c in CLAIMS)
    from rmsviz.audit import VerdictTable
    assert verdict_table().all_agree
    table = VerdictTable(flipped)
    assert not table.all_agree
    assert "DIFFERS" in table._repr_html_()


def test_bad_ids_and_verdicts_raise():
    with pytest.raises(ValueError, match="unknown claim"):
        claim("C99")
    with pytest.raises(ValueError, match="verdict"):
        Claim("X", "t", "k", "e", "maybe", "c", "formula")
    with pytest.raises(ValueError, match="example"):
        audit_steps("pears")


def _by_id():
    return {a.step.id: a for a in audit_steps()}


def test_every_printed_number_is_reproduced():
    assert len(TEXT_STEPS) == 18
    printed = {a.step.id: a.step.printed for a in audit_steps()}
    assert printed["V2"] == 2.58 and printed["A3"] == 2025 and printed["A8"] == 47.23


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


def test_which_standard_deviation():
    assert identify_statistic(SEED_VECTOR, 2.58) == ["sample std (divide by n - 1)"]
    assert identify_statistic(APPLE_WEIGHTS_G, 47.23) == []
    assert identify_statistic(APPLE_WEIGHTS_G, 55.90) == ["population std (divide by n)"]
    with pytest.raises(ValueError):
        identify_statistic([1.0], 1.0)


def test_units_and_tray():
    np.testing.assert_allclose(rms_norm(APPLE_WEIGHTS_G, eps=0), rms_norm(APPLE_WEIGHTS_KG, eps=0),
                               rtol=1e-12)
    # eps = 1e-6 is not negligible next to mean(x²) = 0.054 kg²: the outputs differ by ~1e-5
    diff = np.max(np.abs(rms_norm(APPLE_WEIGHTS_G) / rms_norm(APPLE_WEIGHTS_KG) - 1))
    assert 1e-6 < diff < 1e-4
    assert not np.allclose(rms_norm(APPLE_WEIGHTS_G), rms_norm(APPLE_WEIGHTS_G + 100))
    np.testing.assert_allclose(layer_norm(APPLE_WEIGHTS_G), layer_norm(APPLE_WEIGHTS_G + 100), rtol=1e-9)
    # both examples are 4-term arithmetic progressions: same z-scores as multisets
    np.testing.assert_allclose(np.sort(layer_norm(SEED_VECTOR)), np.sort(layer_norm(APPLE_WEIGHTS_G)))


def test_step_tables():
    z1 = z_score_steps(SEED_VECTOR, ddof=1)
    assert "2.582" in repr(z1) and "-1.162" in repr(z1)
    assert [r[-1] for r in z_score_steps(SEED_VECTOR, ddof=0).rows] == \
        [r[-1] for r in layer_norm_steps(SEED_VECTOR).rows]
    with pytest.raises(ValueError):
        z_score_steps([3.0, 3.0])
    with pytest.raises(ValueError):
        z_score_steps(SEED_VECTOR, ddof=2)
    t = text_audit_table("apples")
    assert "12500.00" in repr(t) and "47.17" in repr(t) and "<table>" in t._repr_html_()
