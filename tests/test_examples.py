"""The worked-example data and the source text's claims and numbers, as data (rmsviz.examples)."""

import re
import string

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.examples import (
    APPLE_WEIGHTS_G,
    APPLE_WEIGHTS_KG,
    CLAIMS,
    EMBEDDINGS,
    EXAMPLE_DATA,
    ONE_APPLE,
    SEED_VECTOR,
    TEXT_STEPS,
    TOKENS,
    UPSTREAM_GRADIENT,
    VERDICTS,
    Claim,
    claim,
)

def test_claims_are_complete_data():
    assert len(CLAIMS) == 14
    assert [c.id for c in CLAIMS] == [f"C{i}" for i in range(1, 15)]
    for c in CLAIMS:
        assert c.verdict in VERDICTS
        assert c.korean and c.english and c.correction and c.topic
        assert any("\uac00" <= ch <= "\ud7a3" or ch in "√" for ch in c.korean), c.id
    assert {c.verdict for c in CLAIMS} == set(VERDICTS)
    assert "right for another reason" not in VERDICTS  # review 2, item 11


def test_two_claims_review_1_found_unaudited_are_audited():
    korean = " ".join(c.korean for c in CLAIMS)
    assert "입력 데이터의 각 차원은 특정 단어의 임베딩 값" in korean
    assert "그레디언트 값의 차이가 줄어들게 됩니다" in korean


def test_merged_sign_claim_quotes_both_sentences():
    c6 = claim("C6")
    assert "평균을 중심으로 양수 또는 음수" in c6.korean and "평균인 225g을 중심으로" in c6.korean
    assert "positive inputs negative" in c6.correction and "True of the text's z-score" in c6.correction


def test_corrections_name_only_numbers_the_evidence_fills_in():
    """No number is typed into a correction: the numbers are placeholders the evidence fills."""
    for c in CLAIMS:
        fields = {f for _lit, f, _spec, _conv in string.Formatter().parse(c.correction) if f}
        text = c.correction
        for f in fields:
            text = text.replace("{" + f + "}", "")
        # what is left may name the data ([2, 4, 6, 8], 225 g, 100 g, 64, 10 W, n - 1 = 3) but no result
        assert not re.search(r"\d\.\d{3}", text), (c.id, text)


def test_bad_ids_and_verdicts_raise():
    with pytest.raises(ValueError, match="unknown claim"):
        claim("C99")
    with pytest.raises(ValueError, match="verdict"):
        Claim("X", "t", "k", "e", "maybe", "c", "formula")
    assert claim("C3").verdict == "wrong"
    assert claim("C9").verdict == "partly wrong"
    assert claim("C10").verdict == "partly wrong" and claim("C14").verdict == "partly wrong"
    assert claim("C11").verdict == "right conclusion, wrong reason"


def test_text_steps_hold_what_the_text_printed():
    assert len(TEXT_STEPS) == 18
    printed = {s.id: s.printed for s in TEXT_STEPS}
    assert printed["V2"] == 2.58 and printed["A3"] == 2025 and printed["A8"] == 47.23
    assert {s.example for s in TEXT_STEPS} == set(EXAMPLE_DATA)
    assert all(s.digits >= 0 and s.korean for s in TEXT_STEPS)
    ids = [s.id for s in TEXT_STEPS]
    for s in TEXT_STEPS:  # a line depends only on lines before it
        assert all(ids.index(d) < ids.index(s.id) for d in s.depends), s.id
    v2 = next(s for s in TEXT_STEPS if s.id == "V2")
    assert v2.from_text is None and v2.convention is not None  # no working given; a convention
    assert [s.label() for s in TEXT_STEPS[2:4]] == ["feature 1: (x - mean) / std", "feature 2: (x - mean) / std"]


def test_examples_holds_data_only():
    """No function that audits lives here any more (it moved to rmsviz.audit)."""
    import rmsviz.examples as examples

    public_functions = sorted(name for name, value in vars(examples).items()
                              if callable(value) and not isinstance(value, type)
                              and getattr(value, "__module__", "") == examples.__name__
                              and not name.startswith("_"))
    assert public_functions == ["claim"]


def test_other_example_data():
    assert len(ONE_APPLE) == 4 and ONE_APPLE[0][1] == APPLE_WEIGHTS_G[0]
    assert EMBEDDINGS.shape == (len(TOKENS), 4)
    assert UPSTREAM_GRADIENT.shape == APPLE_WEIGHTS_G.shape


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


def test_gradient_and_axis_corrections_state_the_bound_and_the_zeros():
    """C10: |dL/dx| <= |dL/dy| / RMS, so it can grow only below RMS 1; C2: zero outputs stay 0."""
    c10 = claim("C10").correction
    assert "at most |dL/dy| / RMS" in c10 and "only when the RMS is below 1" in c10
    assert "shrinks only when" not in c10
    assert "every non-zero output" in claim("C2").correction
