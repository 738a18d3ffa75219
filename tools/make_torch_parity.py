"""Write rmsviz/data/torch_parity.json: the parity inputs and PyTorch's answers for them.

    pip install torch==2.13.0          # in a development venv only, never in requirements files
    python tools/make_torch_parity.py

The notebook 05 parity cells compare rmsviz against these answers when PyTorch is not installed.
The file also keeps PyTorch's output for the source text's vector [2, 4, 6, 8] ("examples"), which
notebook 00 prints (rmsviz.experiments.parity.load_examples reads them).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from rmsviz.experiments.parity import GOLDEN_FILE, golden_json, make_cases, torch_outputs

ROOT = Path(__file__).resolve().parents[1]

#: The source text's vector, as notebook 00 gives it to PyTorch (float32, PyTorch's default dtype).
SEED_VECTOR = [2.0, 4.0, 6.0, 8.0]


def seed_vector_examples() -> list[dict]:
    """PyTorch's RMSNorm of [2, 4, 6, 8]: the module with its defaults, and the function with eps=1e-6."""
    x = torch.tensor(SEED_VECTOR)
    calls = [
        ("nn.RMSNorm(4)", "torch.nn.RMSNorm(4)(torch.tensor([2.0, 4.0, 6.0, 8.0]))", None,
         lambda: torch.nn.RMSNorm(4)(x)),
        ("F.rms_norm, eps=1e-6", "torch.nn.functional.rms_norm(torch.tensor([2.0, 4.0, 6.0, 8.0]), (4,), eps=1e-6)",
         1e-6, lambda: torch.nn.functional.rms_norm(x, (4,), eps=1e-6)),
    ]
    examples = []
    for name, call, eps, run in calls:
        with torch.no_grad():
            y = run()
        examples.append({"name": name, "call": call, "dtype": "float32", "eps": eps, "x": SEED_VECTOR,
                         "y": [float(v) for v in y.to(torch.float64)]})
    return examples


def main() -> int:
    torch.manual_seed(0)
    cases = make_cases()
    for case in cases:
        case["torch"] = torch_outputs(case)
    path = ROOT / "rmsviz" / "data" / GOLDEN_FILE
    data = json.loads(golden_json(cases, torch.__version__.split("+")[0]))
    data["examples"] = seed_vector_examples()
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(cases)} cases, {len(data['examples'])} examples, "
          f"PyTorch {torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
