"""rmsviz.experiments.parity (notebook 05): parity of rmsviz with PyTorch, via the shipped golden file and live when possible."""

import json

import numpy as np
import pytest

from rmsviz import rms_norm
from rmsviz.experiments import parity


def test_golden_file_holds_the_cases_make_cases_makes():
    golden = parity.load_golden()
    made = parity.make_cases()
    assert [c["name"] for c in golden["cases"]] == [c["name"] for c in made]
    for g, m in zip(golden["cases"], made):
        assert g["dtype"] == m["dtype"] and g["eps"] == m["eps"]
        assert np.array_equal(g["x"], m["x"]) and g["x"].dtype == m["x"].dtype
        assert (g["gain"] is None) == (m["gain"] is None)
    assert any(c["eps"] is None for c in golden["cases"])
    assert {c["dtype"] for c in golden["cases"]} == set(parity.TOLERANCE)


def test_rmsviz_matches_golden_values():
    result = parity.compare("golden")
    assert result.source == "golden" and result.match
    assert result.max_error("float64") < 1e-14 and result.max_error("float64", "gradients") < 1e-14
    assert result.max_error("float32") < 1e-6 and result.max_error("float32", "gradients") < 1e-6
    assert result.summary().startswith("every case agrees with PyTorch: yes")


def test_golden_detects_a_wrong_answer():
    data = json.loads(parity.golden_json(parity.load_golden()["cases"], "0"))
    data["cases"][0]["y"][0] += 1e-3
    golden = parity.load_golden(json.dumps(data))
    case = golden["cases"][0]
    ours = parity.rmsviz_outputs(case)
    assert parity.relative_error(ours["y"], case["torch"]["y"]) > 1e-4


def test_golden_json_round_trip():
    golden = parity.load_golden()
    again = parity.load_golden(parity.golden_json(golden["cases"], golden["torch_version"]))
    for a, b in zip(golden["cases"], again["cases"]):
        for key in parity.OUTPUT_KEYS:
            if a["torch"][key] is None:
                assert b["torch"][key] is None
            else:
                assert np.array_equal(a["torch"][key], b["torch"][key])


def test_summary_same_for_live_and_golden():
    golden = parity.compare("golden")
    if not parity.torch_available():
        assert "not installed" in golden.describe_source()
        pytest.skip("PyTorch not installed: live comparison not possible")
    live = parity.compare("live")
    assert live.match and live.summary() == golden.summary()
    assert "run now" in live.describe_source()


def test_live_torch_against_golden_values():
    pytest.importorskip("torch")
    for case in parity.load_golden()["cases"]:
        out = parity.torch_outputs(case)
        for key in parity.OUTPUT_KEYS:
            if out[key] is None:
                assert case["torch"][key] is None
            else:
                np.testing.assert_allclose(out[key], case["torch"][key], rtol=1e-6, atol=1e-12)


def test_parity_bad_input():
    with pytest.raises(ValueError, match="source"):
        parity.compare("web")
    with pytest.raises(ValueError, match="shapes"):
        parity.relative_error(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="dtype"):
        parity.compare("golden").max_error("float16")


def test_saved_examples_are_pytorchs_rmsnorm_of_the_seed_vector():
    examples = parity.load_examples()
    assert set(examples) == {"nn.RMSNorm(4)", "F.rms_norm, eps=1e-6"}
    module = examples["nn.RMSNorm(4)"]
    assert module["eps"] is None and module["x"].tolist() == [2.0, 4.0, 6.0, 8.0]
    # x / sqrt(30), computed here in float64: PyTorch's float32 answer is within float32 rounding
    np.testing.assert_allclose(module["y"], np.array([2, 4, 6, 8]) / np.sqrt(30), rtol=1e-6)
    for example in examples.values():
        ours = rms_norm(example["x"], eps=example["eps"])
        assert parity.relative_error(ours, example["y"]) <= parity.TOLERANCE["float32"]
    assert parity.load_examples('{"torch_version": "0", "cases": []}') == {}


def test_saved_examples_match_live_torch():
    torch = pytest.importorskip("torch")
    for example in parity.load_examples().values():
        x = torch.tensor(example["x"])
        if example["eps"] is None:
            live = torch.nn.RMSNorm(4)(x)
        else:
            live = torch.nn.functional.rms_norm(x, (4,), eps=example["eps"])
        np.testing.assert_allclose(live.detach().to(torch.float64).numpy(), example["y"], rtol=1e-6)


def test_compared_lines_are_the_same_live_and_saved(monkeypatch):
    # Without PyTorch here, stand in for it with its saved answers: the lines the notebook
    # compares (summary) must not say where the answers came from; describe_source does.
    import sys
    import types

    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(__version__="9.9.9+cpu"))
    monkeypatch.setattr(parity, "torch_available", lambda: True)
    monkeypatch.setattr(parity, "torch_outputs", lambda case: case["torch"])
    live, saved = parity.compare("live"), parity.compare("golden")
    assert live.source == "live" and live.torch_version == "9.9.9"
    assert live.summary() == saved.summary()
    assert live.describe_source() == "reference: PyTorch 9.9.9, run now on the same inputs"
    assert "saved with rmsviz" in saved.describe_source()


def test_case_name_translates_only_the_words():
    assert parity.case_name("float64, no gain, eps=1e-5") == "float64, no gain, eps=1e-5"
    named = {part for case in parity.make_cases() for part in case["name"].split(", ")}
    words = {p for p in named if not p.startswith(("float", "eps="))}
    assert words == set(parity.CASE_WORDS)
    import rmsviz
    rmsviz.set_language("ko")
    try:
        assert parity.case_name("float32, large input, eps=1e-6").startswith("float32, ")
    finally:
        rmsviz.set_language("en")
