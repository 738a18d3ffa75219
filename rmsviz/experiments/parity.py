"""Parity with PyTorch: rmsviz.rms_norm and its backward pass against torch.nn.RMSNorm (notebook 05).

The same inputs go through ``rmsviz.rms_norm`` / ``rmsviz.rms_norm_backward`` and through
``torch.nn.functional.rms_norm`` and ``torch.nn.RMSNorm`` (eps passed explicitly, and eps=None),
outputs and gradients (with respect to x and to the gain) compared. The inputs, and PyTorch's
answers for them, are shipped in ``rmsviz/data/torch_parity.json`` (made by
``tools/make_torch_parity.py``): when PyTorch is importable the comparison runs it live on those
inputs, otherwise it compares against the stored answers. PyTorch is never needed at run time.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from rmsviz.i18n import N_, _
from rmsviz.norms import rms_norm, rms_norm_backward

__all__ = [
    "TOLERANCE",
    "make_cases",
    "torch_available",
    "torch_outputs",
    "rmsviz_outputs",
    "load_golden",
    "load_examples",
    "compare",
    "ParityResult",
    "relative_error",
    "case_name",
]

#: Largest relative error accepted (see :func:`relative_error`), by dtype: a few units in the last
#: place of each type.
TOLERANCE = {"float64": 1e-12, "float32": 1e-5}

#: The words of the cases' names (saved in the golden file in English), translated when shown.
CASE_WORDS = {"gain": N_("gain"), "no gain": N_("no gain"), "small input": N_("small input"),
              "large input": N_("large input")}

GOLDEN_FILE = "torch_parity.json"
OUTPUT_KEYS = ("y", "y_module", "grad_x", "grad_gain")


def make_cases(seed: int = 0) -> list[dict]:
    """The parity inputs: float64 and float32, with and without a gain, eps explicit and None.

    Each case is ``{"name", "dtype", "eps", "x", "gain", "grad_out"}`` (``gain`` may be None).
    """
    rng = np.random.default_rng(seed)
    specs = [
        ("float64, gain, eps=1e-6", "float64", (3, 8), True, 1e-6, 1.0),
        ("float64, no gain, eps=1e-5", "float64", (2, 3, 16), False, 1e-5, 1.0),
        ("float64, gain, eps=None", "float64", (4, 32), True, None, 1.0),
        ("float64, small input, eps=1e-6", "float64", (3, 8), True, 1e-6, 1e-3),
        ("float32, gain, eps=None", "float32", (4, 32), True, None, 1.0),
        ("float32, large input, eps=1e-6", "float32", (3, 64), True, 1e-6, 300.0),
    ]
    cases = []
    for name, dtype, shape, with_gain, eps, scale in specs:
        n = shape[-1]
        cases.append({
            "name": name,
            "dtype": dtype,
            "eps": eps,
            "x": (rng.standard_normal(shape) * scale).astype(dtype),
            "gain": (1.0 + 0.5 * rng.standard_normal(n)).astype(dtype) if with_gain else None,
            "grad_out": rng.standard_normal(shape).astype(dtype),
        })
    return cases


def torch_available() -> bool:
    """True when PyTorch can be imported (it is optional: nothing in rmsviz needs it)."""
    return importlib.util.find_spec("torch") is not None


def torch_outputs(case: dict) -> dict:
    """PyTorch's answers for one case: ``y`` (F.rms_norm), ``y_module`` (nn.RMSNorm), ``grad_x``
    and ``grad_gain`` (autograd of ``sum(y * grad_out)``), as float64 numpy arrays.
    """
    import torch  # optional dependency: only here

    dtype = getattr(torch, case["dtype"])
    n = case["x"].shape[-1]
    x = torch.tensor(np.asarray(case["x"]), dtype=dtype, requires_grad=True)
    gain = None
    if case["gain"] is not None:
        gain = torch.tensor(np.asarray(case["gain"]), dtype=dtype, requires_grad=True)
    y = torch.nn.functional.rms_norm(x, (n,), weight=gain, eps=case["eps"])
    (y * torch.tensor(np.asarray(case["grad_out"]), dtype=dtype)).sum().backward()
    module = torch.nn.RMSNorm(n, eps=case["eps"], elementwise_affine=gain is not None, dtype=dtype)
    with torch.no_grad():
        if gain is not None:
            module.weight.copy_(gain)
        y_module = module(x)

    def arr(t):
        return None if t is None else t.detach().to(torch.float64).numpy().copy()

    return {"y": arr(y), "y_module": arr(y_module), "grad_x": arr(x.grad),
            "grad_gain": arr(gain.grad) if gain is not None else None}


def rmsviz_outputs(case: dict) -> dict:
    """rmsviz's answers for one case, same keys as :func:`torch_outputs` (``y_module`` = ``y``)."""
    y = rms_norm(case["x"], case["gain"], eps=case["eps"])
    grad_x, grad_gain = rms_norm_backward(case["x"], case["grad_out"], case["gain"], eps=case["eps"])

    def arr(a):
        return None if a is None else np.asarray(a, dtype=np.float64)

    return {"y": arr(y), "y_module": arr(y), "grad_x": arr(grad_x), "grad_gain": arr(grad_gain)}


def _array(values, dtype, shape):
    return None if values is None else np.asarray(values, dtype=np.float64).reshape(shape).astype(dtype)


def load_golden(text: str | None = None) -> dict:
    """The shipped golden file: ``{"torch_version", "cases": [case + {"torch": outputs}]}``."""
    if text is None:
        text = resources.files("rmsviz").joinpath("data", GOLDEN_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    cases = []
    for c in data["cases"]:
        shape = tuple(c["shape"])
        n = shape[-1]
        case = {"name": c["name"], "dtype": c["dtype"], "eps": c["eps"],
                "x": _array(c["x"], c["dtype"], shape),
                "gain": _array(c["gain"], c["dtype"], (n,)),
                "grad_out": _array(c["grad_out"], c["dtype"], shape)}
        case["torch"] = {"y": _array(c["y"], np.float64, shape),
                         "y_module": _array(c["y_module"], np.float64, shape),
                         "grad_x": _array(c["grad_x"], np.float64, shape),
                         "grad_gain": _array(c["grad_gain"], np.float64, (n,))}
        cases.append(case)
    return {"torch_version": data["torch_version"], "cases": cases}


def load_examples(text: str | None = None) -> dict:
    """PyTorch's saved outputs for the source text's vector [2, 4, 6, 8] (notebook 00), by name.

    ``{name: {"call": the PyTorch call as text, "dtype", "eps", "x", "y": float64 array}}``, from
    the ``"examples"`` of the shipped golden file (written by ``tools/make_torch_parity.py``).
    """
    if text is None:
        text = resources.files("rmsviz").joinpath("data", GOLDEN_FILE).read_text(encoding="utf-8")
    return {e["name"]: {"call": e["call"], "dtype": e["dtype"], "eps": e["eps"],
                        "x": np.asarray(e["x"], dtype=e["dtype"]), "y": np.asarray(e["y"], dtype=np.float64)}
            for e in json.loads(text).get("examples", [])}


def golden_json(cases: list[dict], torch_version: str) -> str:
    """The golden file's text for ``cases`` (each with a ``"torch"`` entry of outputs)."""
    def flat(a):
        return None if a is None else [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]

    rows = []
    for c in cases:
        row = {"name": c["name"], "dtype": c["dtype"], "eps": c["eps"], "shape": list(c["x"].shape),
               "x": flat(c["x"]), "gain": flat(c["gain"]), "grad_out": flat(c["grad_out"])}
        row.update({k: flat(c["torch"][k]) for k in OUTPUT_KEYS})
        rows.append(row)
    return json.dumps({"torch_version": torch_version, "cases": rows}, indent=1) + "\n"


@dataclass(frozen=True)
class ParityResult:
    """The comparison: where PyTorch's answers came from, and per-case maximum errors."""

    source: str  # "live" or "golden"
    torch_version: str
    rows: tuple  # (name, dtype, relative error of outputs, relative error of gradients)

    @property
    def match(self) -> bool:
        return all(out <= TOLERANCE[dt] and grad <= TOLERANCE[dt] for _, dt, out, grad in self.rows)

    def max_error(self, dtype: str, what: str = "outputs") -> float:
        col = 2 if what == "outputs" else 3
        errs = [row[col] for row in self.rows if row[1] == dtype]
        if not errs:
            raise ValueError(f"no case of dtype {dtype!r}")
        return max(errs)

    def summary(self) -> str:
        """Lines that are the same whether PyTorch ran now or its saved answers were used (the
        notebook compares them under nbval with and without PyTorch installed)."""
        lines = [_("every case agrees with PyTorch: {verdict}").format(
            verdict=_("yes") if self.match else _("NO"))]
        for dt, tol in TOLERANCE.items():
            ok = self.max_error(dt, "outputs") <= tol and self.max_error(dt, "gradients") <= tol
            message = (_("{dtype}: outputs and gradients differ from PyTorch's by less than {tol} "
                         "of the largest value") if ok else
                       _("{dtype}: outputs or gradients differ from PyTorch's by more than {tol} "
                         "of the largest value"))
            lines.append(message.format(dtype=dt, tol=f"{tol:.0e}"))
        return "\n".join(lines)

    def describe_source(self) -> str:
        """Where PyTorch's answers came from: run now, or saved with rmsviz (and why)."""
        if self.source == "live":
            return _("reference: PyTorch {version}, run now on the same inputs").format(
                version=self.torch_version)
        if torch_available():
            return _("reference: PyTorch {version}'s answers, saved with rmsviz (asked not to run "
                     "PyTorch now)").format(version=self.torch_version)
        return _("reference: PyTorch {version}'s answers, saved with rmsviz (PyTorch is not "
                 "installed here, so they were not recomputed)").format(version=self.torch_version)


def case_name(name: str) -> str:
    """A case's name as shown (notebook 05): its words translated, dtypes and eps kept.

    ``"float64, no gain, eps=1e-5"`` stays as it is in English; in another language the words
    ``gain``, ``no gain``, ``small input``, ``large input`` are looked up in the catalogue.
    """
    return ", ".join(_(CASE_WORDS[part]) if part in CASE_WORDS else part for part in name.split(", "))


def relative_error(ours, ref) -> float:
    """``max|ours - ref| / max|ref|``: the largest difference, relative to the reference's size."""
    if ours is None and ref is None:
        return 0.0
    if ours is None or ref is None or np.shape(ours) != np.shape(ref):
        raise ValueError("rmsviz and PyTorch returned outputs of different shapes")
    ours, ref = np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    size = float(np.max(np.abs(ref)))
    return float(np.max(np.abs(ours - ref))) / (size if size > 0 else 1.0)


def compare(source: str = "auto") -> ParityResult:
    """Compare rmsviz with PyTorch on the shipped inputs.

    ``source`` is ``"live"`` (run PyTorch now), ``"golden"`` (the stored answers) or ``"auto"``
    (live when PyTorch is importable).
    """
    if source not in ("auto", "live", "golden"):
        raise ValueError(f"source must be 'auto', 'live' or 'golden', got {source!r}")
    if source == "auto":
        source = "live" if torch_available() else "golden"
    golden = load_golden()
    version = golden["torch_version"]
    if source == "live":
        import torch

        version = torch.__version__.split("+")[0]
    rows = []
    for case in golden["cases"]:
        ref = torch_outputs(case) if source == "live" else case["torch"]
        ours = rmsviz_outputs(case)
        err_out = max(relative_error(ours[k], ref[k]) for k in ("y", "y_module"))
        err_grad = max(relative_error(ours[k], ref[k]) for k in ("grad_x", "grad_gain"))
        rows.append((case["name"], case["dtype"], err_out, err_grad))
    return ParityResult(source, version, tuple(rows))
