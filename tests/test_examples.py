"""The worked-example data and the source text's claims and numbers, as data (rmsviz.examples)."""

import numpy as np
import pytest

from rmsviz import layer_norm, rms_norm
from rmsviz.examples import (
    APPLE_WEIGHTS_G,
    APPLE_WEIGHTS_KG,
    CLAIMS,
    EXAMPLE_DATA,
    SEED_VECTOR,
    TEXT_STEPS,
    VERDICTS,
    Claim,
    claim,
)


def test_claims_are_complete_data():
    assert len(CLAIMS) >= 12
    assert len({c.id for c in CLAIMS}) == len(CLAIMS)
    for c in CLAIMS:
        assert c.verdict in VERDICTS
        assert c.korean and c.english and c.correction and c.topic
        assert any("\uac00" <= ch <= "\ud7a3" or ch in "√" for ch in c.korean), c.id
    assert {c.verdict for c in CLAIMS} == set(VERDICTS)


def test_bad_ids_and_verdicts_raise():
    with pytest.raises(ValueError, match="unknown claim"):
        claim("C99")
    with pytest.raises(ValueError, match="verdict"):
        Claim("X", "t", "k", "e", "maybe", "c", "formula")
    assert claim("C3").verdict == "wrong"


def test_text_steps_hold_what_the_text_printed():
    assert len(TEXT_STEPS) == 18
    printed = {s.id: s.printed for s in TEXT_STEPS}
    assert printed["V2"] == 2.58 and printed["A3"] == 2025 and printed["A8"] == 47.23
    assert {s.example for s in TEXT_STEPS} == set(EXAMPLE_DATA)
    assert all(s.digits >= 0 and s.korean for s in TEXT_STEPS)


def test_examples_holds_data_only():
    """No function that audits lives here any more (it moved to rmsviz.audit)."""
    import rmsviz.examples as examples

    public_functions = sorted(name for name, value in vars(examples).items()
                              if callable(value) and not isinstance(value, type)
                              and getattr(value, "__module__", "") == examples.__name__
                              and not name.startswith("_"))
    assert public_functions == ["claim"]


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
