"""The notebook-02 step tables of rmsviz.steps built on the audit (z-scores, the text's example)."""

import pytest

from rmsviz.examples import SEED_VECTOR
from rmsviz.steps import layer_norm_steps, text_audit_table, z_score_steps


def test_step_tables():
    z1 = z_score_steps(SEED_VECTOR, ddof=1)
    assert "2.582" in repr(z1) and "-1.162" in repr(z1)
    assert [r[-1] for r in z_score_steps(SEED_VECTOR, ddof=0).rows] == \
        [r[-1] for r in layer_norm_steps(SEED_VECTOR).rows]
    with pytest.raises(ValueError):
        z_score_steps([3.0, 3.0])
    with pytest.raises(ValueError):
        z_score_steps(SEED_VECTOR, ddof=2)


def test_audit_table_never_calls_a_z_score_correct():
    """Review 2 item 2: the z-score column says it is not RMSNorm, and an RMSNorm column stands beside it."""
    for example, total in (("vector", 6), ("apples", 12)):
        t = text_audit_table(example)
        assert "correct" not in " ".join(t.columns)
        assert "the text's recipe, recomputed (still not RMSNorm)" in t.columns and "RMSNorm at this step" in t.columns
        assert dict(t.results)["lines that compute RMSNorm"] == f"0 of {total}"
        assert len(t.rows) == total and "<table>" in t._repr_html_()


def test_audit_table_rows():
    v = text_audit_table("vector")
    v2 = next(r for r in v.rows if r[0] == "V2")
    assert v2[4] == "-" and v2[5] == "2.2361" and v2[6] == "5.4772"  # no working; z-score std; the RMS
    assert "convention" in v2[-1]
    assert dict(v.results)["arithmetic errors"] == "none"
    assert dict(v.results)["conventions, not errors"] == "V2"
    assert any("torch.std" in n for n in v.notes)
    a = text_audit_table("apples")
    assert "12500.00" in repr(a) and "47.17" in repr(a) and "215000.00" in repr(a)
    assert dict(a.results)["arithmetic errors"] == "A3, A8"
    assert [n.split(":")[0] for n in a.notes] == ["A3", "A8"]
