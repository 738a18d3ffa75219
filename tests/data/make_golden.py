"""Write tests/data/torch_golden.json: PyTorch's rms_norm / layer_norm values and gradients.

Run from the repository root with PyTorch installed (it is NOT a dependency of rmsviz):

    pip install torch==2.13.0
    python tests/data/make_golden.py

Inputs come from numpy's seeded generator (so they do not depend on the torch version); torch only
computes, in float64: the outputs of ``torch.nn.functional.rms_norm`` / ``layer_norm`` and, for the
scalar loss ``sum(grad_out * output)``, the gradients with respect to the input, the gain (weight)
and the bias. rmsviz normalises along ``axis``; torch normalises the trailing dimension, so the
script moves ``axis`` last for torch and moves the results back. ``eps: null`` means torch's
default (``eps=None``, the machine epsilon of the dtype), which rmsviz's ``eps=None`` mirrors.
tests/test_norms_golden.py compares rmsviz against this file.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("torch_golden.json")

# (name, function, shape, axis, eps, with_gain, with_bias, input scale, input shift)
CASES = [
    ("rms_vector_default_eps", "rms_norm", (6,), -1, 1e-6, False, False, 1.0, 0.0),
    ("rms_batch_gain", "rms_norm", (3, 8), -1, 1e-6, True, False, 2.0, 0.5),
    ("rms_3d_eps_none", "rms_norm", (2, 3, 5), -1, None, True, False, 1.0, 0.0),
    ("rms_eps_none_no_gain", "rms_norm", (4, 4), -1, None, False, False, 1e-4, 0.0),
    ("rms_axis0_eps1e-5", "rms_norm", (7, 3), 0, 1e-5, True, False, 10.0, 1.0),
    ("rms_middle_axis_large_eps", "rms_norm", (2, 6, 3), 1, 0.5, True, False, 0.3, 0.0),
    ("rms_scaled_up", "rms_norm", (2, 16), -1, 1e-6, True, False, 1e3, 0.0),
    ("rms_eps_zero", "rms_norm", (3, 5), -1, 0.0, True, False, 1.0, 0.0),
    ("ln_vector", "layer_norm", (6,), -1, 1e-6, False, False, 1.0, 0.0),
    ("ln_batch_gain_bias", "layer_norm", (3, 8), -1, 1e-5, True, True, 2.0, 5.0),
    ("ln_3d_gain_only", "layer_norm", (2, 3, 5), -1, 1e-6, True, False, 1.0, -3.0),
    ("ln_bias_only", "layer_norm", (4, 4), -1, 1e-6, False, True, 1.0, 0.0),
    ("ln_axis0", "layer_norm", (7, 3), 0, 1e-5, True, True, 10.0, 100.0),
    ("ln_middle_axis_large_eps", "layer_norm", (2, 6, 3), 1, 0.5, True, True, 0.3, 0.0),
    ("ln_eps_zero", "layer_norm", (3, 5), -1, 0.0, True, True, 1.0, 0.0),
]


def torch_case(function, x, grad_out, gain, bias, eps, axis, dtype=torch.float64):
    """Output and gradients from torch in ``dtype``, with ``axis`` moved last and back again.

    Results come back as float64 numpy arrays; tests/test_norms_golden.py reuses this function
    for its live cross-checks.
    """
    xt = torch.tensor(np.moveaxis(x, axis, -1), dtype=dtype, requires_grad=True)
    gt = torch.tensor(np.moveaxis(grad_out, axis, -1), dtype=dtype)
    wt = None if gain is None else torch.tensor(gain, dtype=dtype, requires_grad=True)
    bt = None if bias is None else torch.tensor(bias, dtype=dtype, requires_grad=True)
    n = x.shape[axis]
    if function == "rms_norm":
        y = F.rms_norm(xt, [n], weight=wt, eps=eps)
    else:
        y = F.layer_norm(xt, [n], weight=wt, bias=bt, eps=eps)
    (y * gt).sum().backward()

    def back(t):
        return np.moveaxis(t.detach().to(torch.float64).numpy(), -1, axis)

    return {
        "output": back(y),
        "grad_x": back(xt.grad),
        "grad_gain": None if wt is None else wt.grad.to(torch.float64).numpy(),
        "grad_bias": None if bt is None else bt.grad.to(torch.float64).numpy(),
    }


def _list(a):
    return None if a is None else np.asarray(a, dtype=np.float64).tolist()


def main() -> None:
    torch.use_deterministic_algorithms(True)
    cases = []
    for k, (name, function, shape, axis, eps, with_gain, with_bias, scale, shift) in enumerate(CASES):
        rng = np.random.default_rng(1000 + k)
        x = rng.normal(size=shape) * scale + shift
        grad_out = rng.normal(size=shape)
        n = shape[axis]
        gain = rng.normal(size=n) if with_gain else None
        bias = rng.normal(size=n) if with_bias else None
        res = torch_case(function, x, grad_out, gain, bias, eps, axis)
        cases.append({
            "name": name,
            "function": function,
            "shape": list(shape),
            "axis": axis,
            "eps": eps,
            "x": _list(x),
            "grad_out": _list(grad_out),
            "gain": _list(gain),
            "bias": _list(bias),
            "output": _list(res["output"]),
            "grad_x": _list(res["grad_x"]),
            "grad_gain": _list(res["grad_gain"]),
            "grad_bias": _list(res["grad_bias"]),
        })
    doc = {
        "description": "torch.nn.functional.rms_norm / layer_norm in float64: outputs and gradients of "
                       "sum(grad_out * output) w.r.t. x, gain (weight) and bias; written by "
                       "tests/data/make_golden.py. eps null = torch's default (machine epsilon).",
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "float64_machine_eps": float(torch.finfo(torch.float64).eps),
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
