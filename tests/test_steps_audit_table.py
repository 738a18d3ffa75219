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
    t = text_audit_table("apples")
    assert "12500.00" in repr(t) and "47.17" in repr(t) and "<table>" in t._repr_html_()
