"""Write rmsviz/data/torch_parity.json: the parity inputs and PyTorch's answers for them.

    pip install torch==2.13.0          # in a development venv only, never in requirements files
    python tools/make_torch_parity.py

The notebook 05 parity cells compare rmsviz against these answers when PyTorch is not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

from rmsviz.experiments.parity import GOLDEN_FILE, golden_json, make_cases, torch_outputs

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    torch.manual_seed(0)
    cases = make_cases()
    for case in cases:
        case["torch"] = torch_outputs(case)
    path = ROOT / "rmsviz" / "data" / GOLDEN_FILE
    path.write_text(golden_json(cases, torch.__version__.split("+")[0]), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(cases)} cases, PyTorch {torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
