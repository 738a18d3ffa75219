"""Write tests/data/torch_golden.json: PyTorch's rms_norm / layer_norm values and gradients.

Run from the repository root with PyTorch installed (it is NOT a dependency of rmsviz):

    pip install torch==2.13.0
    python tests/data/make_golden.py

Inputs come from numpy's seeded generator (so they do not depend on the torch version); torch only
computes, in float64: the outputs of ``torch.nn.functional.rms_norm`` / ``layer_norm`` and, for the
scalar loss ``sum(grad_out * output)``, the gradients with respect to the input, the gain (weight)
and the bias. rmsviz normalises along ``axis`` (an integer or a tuple of axes); torch normalises the
trailing dimensions given by ``normalized_shape``, so the script moves the axes last (in the order
they have in x) for torch and moves the results back; a gain has the shape of those axes.
``eps: null`` means rmsviz's ``eps=None``, the machine epsilon of the dtype: torch's own default for
``rms_norm``, and passed explicitly to ``layer_norm`` (which has no None).
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
    # issue 10: several normalised axes (torch's normalized_shape) and layer_norm's eps=None
    ("ln_chw_normalized_shape", "layer_norm", (2, 3, 4, 5), (-3, -2, -1), 1e-5, True, True, 1.5, 2.0),
    ("ln_two_inner_axes", "layer_norm", (4, 3, 5), (0, 2), 1e-6, True, False, 1.0, -1.0),
    ("rms_two_trailing_axes", "rms_norm", (3, 4, 5), (1, 2), None, True, False, 1.0, 0.0),
    ("ln_eps_none", "layer_norm", (4, 4), -1, None, False, False, 1e-7, 0.0),
]


def torch_case(function, x, grad_out, gain, bias, eps, axis, dtype=torch.float64):
    """Output and gradients from torch in ``dtype``, with the ``axis`` (or axes) moved last and back.

    Results come back as float64 numpy arrays; tests/test_norms_golden.py reuses this function
    for its live cross-checks.
    """
    axes = sorted(a % x.ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    last = list(range(x.ndim - len(axes), x.ndim))
    normalized_shape = [x.shape[a] for a in axes]
    xt = torch.tensor(np.moveaxis(x, axes, last), dtype=dtype, requires_grad=True)
    gt = torch.tensor(np.moveaxis(grad_out, axes, last), dtype=dtype)
    wt = None if gain is None else torch.tensor(gain, dtype=dtype, requires_grad=True)
    bt = None if bias is None else torch.tensor(bias, dtype=dtype, requires_grad=True)
    if function == "rms_norm":
        y = F.rms_norm(xt, normalized_shape, weight=wt, eps=eps)
    else:
        ln_eps = torch.finfo(dtype).eps if eps is None else eps  # rmsviz's eps=None rule
        y = F.layer_norm(xt, normalized_shape, weight=wt, bias=bt, eps=ln_eps)
    (y * gt).sum().backward()

    def back(t):
        return np.moveaxis(t.detach().to(torch.float64).numpy(), last, axes)

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
        axes = axis if isinstance(axis, tuple) else (axis,)
        norm_shape = tuple(shape[a] for a in sorted(a % len(shape) for a in axes))
        gain = rng.normal(size=norm_shape) if with_gain else None
        bias = rng.normal(size=norm_shape) if with_bias else None
        res = torch_case(function, x, grad_out, gain, bias, eps, axis)
        cases.append({
            "name": name,
            "function": function,
            "shape": list(shape),
            "axis": list(axis) if isinstance(axis, tuple) else axis,
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
