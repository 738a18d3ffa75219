"""rmsviz.norms against PyTorch: stored golden values always, live torch when it is importable.

tests/data/torch_golden.json is written by tests/data/make_golden.py (torch in float64). The live
tests recompute those cases and further random ones with the installed torch; without torch they
are skipped with a reason (PyTorch is never a dependency of rmsviz).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from rmsviz import layer_norm, layer_norm_backward, rms_norm, rms_norm_backward

GOLDEN_PATH = Path(__file__).parent / "data" / "torch_golden.json"
GOLDEN = json.loads(GOLDEN_PATH.read_text())
CASES = GOLDEN["cases"]

# float64 on both sides; the summation orders differ, so allow a few ulps of the largest value
RTOL = 1e-12
ATOL = 1e-13


def _arr(v):
    return None if v is None else np.asarray(v, dtype=np.float64)


def _axis(case):
    """JSON keeps a tuple of axes as a list."""
    return tuple(case["axis"]) if isinstance(case["axis"], list) else case["axis"]


def _rmsviz(function, x, grad_out, gain, bias, eps, axis):
    """(output, grad_x, grad_gain, grad_bias) from rmsviz."""
    if function == "rms_norm":
        y = rms_norm(x, gain=gain, eps=eps, axis=axis)
        gx, gg = rms_norm_backward(x, grad_out, gain=gain, eps=eps, axis=axis)
        return y, gx, gg, None
    y = layer_norm(x, gain=gain, bias=bias, eps=eps, axis=axis)
    gx, gg, gb = layer_norm_backward(x, grad_out, gain=gain, bias=bias, eps=eps, axis=axis)
    return y, gx, gg, gb


def _assert_matches(ours, theirs):
    for label, a, b in zip(("output", "grad_x", "grad_gain", "grad_bias"), ours, theirs):
        if b is None:
            assert a is None, f"{label}: rmsviz returned a value where torch has none"
            continue
        assert a is not None, f"{label}: rmsviz returned None"
        assert a.shape == b.shape, f"{label}: shape {a.shape} != {b.shape}"
        # absolute tolerance relative to the array's largest value (gradients can be large)
        assert_allclose(a, b, rtol=RTOL, atol=ATOL * max(1.0, float(np.max(np.abs(b)))), err_msg=label)


# ---------------------------------------------------------------------------------------------
# Stored golden values (always)


def test_golden_file_is_complete():
    assert GOLDEN["torch_version"]
    assert GOLDEN["float64_machine_eps"] == np.finfo(np.float64).eps
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)) >= 10
    functions = {c["function"] for c in CASES}
    assert functions == {"rms_norm", "layer_norm"}
    assert any(c["eps"] is None and c["function"] == "rms_norm" for c in CASES)
    assert any(c["eps"] is None and c["function"] == "layer_norm" for c in CASES)
    assert len({tuple(c["shape"]) for c in CASES}) >= 4
    assert {_axis(c) for c in CASES} >= {-1, 0, 1, (-3, -2, -1), (0, 2), (1, 2)}
    for c in CASES:
        assert np.shape(c["x"]) == tuple(c["shape"]) == np.shape(c["output"]) == np.shape(c["grad_x"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_stored_torch_values(case):
    x, g_out = _arr(case["x"]), _arr(case["grad_out"])
    ours = _rmsviz(case["function"], x, g_out, _arr(case["gain"]), _arr(case["bias"]), case["eps"], _axis(case))
    theirs = tuple(_arr(case[k]) for k in ("output", "grad_x", "grad_gain", "grad_bias"))
    _assert_matches(ours, theirs)


def test_eps_none_is_not_eps_zero_or_default():
    # the eps=None golden case really depends on eps: small inputs (scale 1e-4, mean square ~ 1e-8)
    # make torch's machine-epsilon default distinguishable from rmsviz's 1e-6 default
    case = next(c for c in CASES if c["name"] == "rms_eps_none_no_gain")
    x, expected = _arr(case["x"]), _arr(case["output"])
    assert_allclose(rms_norm(x, eps=None), expected, rtol=RTOL, atol=ATOL)
    assert not np.allclose(rms_norm(x), expected, rtol=1e-3)  # eps = 1e-6 differs visibly


def test_layer_norm_eps_none_is_machine_epsilon():
    # issue 10: layer_norm accepts eps=None like rms_norm (machine epsilon of the compute dtype; the
    # golden file passes torch.finfo(float64).eps to torch's layer_norm, which has no None). The
    # inputs (scale 1e-7, variance ~1e-14) make that eps visible beside 1e-6 and beside 0.
    case = next(c for c in CASES if c["name"] == "ln_eps_none")
    x, expected = _arr(case["x"]), _arr(case["output"])
    assert_allclose(layer_norm(x, eps=None), expected, rtol=RTOL, atol=ATOL)
    assert_allclose(layer_norm(x, eps=np.finfo(np.float64).eps), expected, rtol=RTOL, atol=ATOL)
    assert not np.allclose(layer_norm(x), expected, rtol=1e-3)
    assert not np.allclose(layer_norm(x, eps=0), expected, rtol=1e-5, atol=0)


# ---------------------------------------------------------------------------------------------
# Live torch (when importable)


@pytest.fixture(scope="module")
def torch_mod():
    # like pytest.importorskip, but a torch that is installed yet fails to import is skipped too
    try:
        import torch
    except ImportError as exc:
        pytest.skip(f"PyTorch is not importable ({exc}): live cross-check skipped, "
                    "the stored golden values are still checked")
    return torch


def _torch(torch, function, x, grad_out, gain, bias, eps, axis, dtype=None):
    """The same computation in torch (make_golden.torch_case); dtype defaults to float64."""
    spec = importlib.util.spec_from_file_location("make_golden", GOLDEN_PATH.with_name("make_golden.py"))
    make_golden = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_golden)
    out = make_golden.torch_case(function, x, grad_out, gain, bias, eps, axis,
                                 dtype=dtype or torch.float64)
    return out["output"], out["grad_x"], out["grad_gain"], out["grad_bias"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_stored_values_still_match_live_torch(torch_mod, case):
    x, g_out = _arr(case["x"]), _arr(case["grad_out"])
    live = _torch(torch_mod, case["function"], x, g_out, _arr(case["gain"]), _arr(case["bias"]),
                  case["eps"], _axis(case))
    stored = tuple(_arr(case[k]) for k in ("output", "grad_x", "grad_gain", "grad_bias"))
    _assert_matches(live, stored)


def _random_case(seed):
    """Every third case normalises a tuple of axes (any of them, negative or not, in any order)."""
    rng = np.random.default_rng(seed)
    ndim = int(rng.integers(1, 4))
    shape = tuple(int(s) for s in rng.integers(1, 7, size=ndim))
    if seed % 3 == 2:
        k = int(rng.integers(1, ndim + 1))
        axis = tuple(int(a) - ndim * int(rng.integers(0, 2)) for a in rng.permutation(ndim)[:k])
    else:
        axis = int(rng.integers(-ndim, ndim))
    axes = sorted(a % ndim for a in (axis if isinstance(axis, tuple) else (axis,)))
    if np.prod([shape[a] for a in axes]) == 1:
        shape = shape[:axes[0]] + (3,) + shape[axes[0] + 1:]
    function = "rms_norm" if seed % 2 == 0 else "layer_norm"
    eps = [1e-6, 1e-5, 1e-2, 0.0, 1.0, None][int(rng.integers(6))]
    scale = 10.0 ** rng.uniform(-3, 3)
    x = rng.normal(size=shape) * scale + rng.normal() * scale * rng.integers(0, 2)
    grad_out = rng.normal(size=shape)
    norm_shape = tuple(shape[a] for a in axes)
    gain = rng.normal(size=norm_shape) if rng.random() < 0.7 else None
    bias = rng.normal(size=norm_shape) if function == "layer_norm" and rng.random() < 0.7 else None
    return function, x, grad_out, gain, bias, eps, axis


@pytest.mark.parametrize("seed", range(40))
def test_random_inputs_match_live_torch(torch_mod, seed):
    function, x, grad_out, gain, bias, eps, axis = _random_case(seed)
    theirs = _torch(torch_mod, function, x, grad_out, gain, bias, eps, axis)
    ours = _rmsviz(function, x, grad_out, gain, bias, eps, axis)
    # gradients scale as 1/scale of x: compare relative to the largest torch value of each
    for label, a, b in zip(("output", "grad_x", "grad_gain", "grad_bias"), ours, theirs):
        if b is None:
            assert a is None, label
            continue
        assert_allclose(a, b, rtol=1e-10, atol=1e-12 * max(1.0, float(np.max(np.abs(b)))), err_msg=label)


@pytest.mark.parametrize("dtype_name", ["float32", "float16"])
def test_eps_none_low_precision_matches_torch(torch_mod, dtype_name):
    # torch's rms_norm with eps=None on float16/float32: rmsviz computes float16 in float32 with
    # float32's machine epsilon and returns float16; compare at the output precision
    rng = np.random.default_rng(3)
    x = (rng.normal(size=(4, 8)) * 1e-3).astype(dtype_name)  # mean square ~ 1e-6: eps visible-ish
    g = rng.normal(size=8).astype(dtype_name)
    theirs = torch_mod.nn.functional.rms_norm(torch_mod.tensor(x), [8], weight=torch_mod.tensor(g), eps=None)
    ours = rms_norm(x, gain=g, eps=None)
    assert ours.dtype == np.dtype(dtype_name)
    rtol = 1e-5 if dtype_name == "float32" else 2e-3
    assert_allclose(ours.astype(np.float64), theirs.to(torch_mod.float64).numpy(), rtol=rtol, atol=rtol)


def test_torch_rmsnorm_module_semantics(torch_mod):
    # torch.nn.RMSNorm(n) (no bias, eps=None, weight ones) equals rms_norm(x, gain=ones, eps=None)
    rng = np.random.default_rng(9)
    x = rng.normal(size=(3, 5))
    module = torch_mod.nn.RMSNorm(5, dtype=torch_mod.float64)
    with torch_mod.no_grad():
        module.weight.copy_(torch_mod.tensor(rng.normal(size=5)))
        theirs = module(torch_mod.tensor(x)).numpy()
    assert_allclose(rms_norm(x, gain=module.weight.detach().numpy(), eps=None), theirs, rtol=RTOL, atol=ATOL)


def test_torch_layernorm_module_over_several_axes(torch_mod):
    # torch.nn.LayerNorm((C, H, W)) equals layer_norm(x, gain=weight, bias=bias, eps=1e-5, axis=(-3, -2, -1))
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2, 3, 4, 5)) * 3 + 1
    module = torch_mod.nn.LayerNorm((3, 4, 5), dtype=torch_mod.float64)
    with torch_mod.no_grad():
        module.weight.copy_(torch_mod.tensor(rng.normal(size=(3, 4, 5))))
        module.bias.copy_(torch_mod.tensor(rng.normal(size=(3, 4, 5))))
        theirs = module(torch_mod.tensor(x)).numpy()
    ours = layer_norm(x, gain=module.weight, bias=module.bias, eps=module.eps, axis=(-3, -2, -1))
    assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)
