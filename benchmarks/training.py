"""Notebook 06's costs: time per training step of each norm, the training grid, and the notebook.

    python benchmarks/training.py              # time per step, the grid, the notebook in a fresh kernel
    python benchmarks/training.py --no-notebook

Prints, on this machine (figures are printed, never asserted; a busy machine inflates them):

* time per SGD step of the notebook's model (depth 4, batch 32) and of the norm alone (one forward
  and one backward call on a 32 x 32 array), with rmsviz's checked functions and with bare numpy
  formulas (``rmsviz.experiments.training.time_steps``: the fastest of 9 rounds);
* the time to train the grid notebook 06 tabulates (every norm at depths 1, 2, 4, 8, every learning
  rate), which is most of the notebook's run time, and its largest stable learning rates;
* the notebook's run time alone in a fresh kernel: ``tools/execute_notebooks.py`` on a copy of
  notebook 06, minus the same run on a copy holding only its setup cell (kernel start-up and
  nbclient), as the notebook's budget (under 20 s on 2 cores) is stated without them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06_training.ipynb"


def step_times() -> None:
    from rmsviz.experiments import training

    timing = training.time_steps(depth=4)
    print(f"time per step (depth {timing.depth}, batch {timing.batch}; fastest of {timing.repeats} rounds)")
    for kernel in ("rmsviz", "bare"):
        steps = ", ".join(f"{n} {timing.step[kernel][n] * 1e3:.2f} ms" for n in training.NORMS)
        alone = ", ".join(f"{n} {timing.norm_alone[kernel][n] * 1e6:.0f} us" for n in ("layernorm", "rmsnorm"))
        print(f"  {kernel:6s} step: {steps}; LN/RMS {timing.ratio(kernel):.2f}x")
        print(f"  {kernel:6s} norm alone: {alone}; LN/RMS {timing.ratio(kernel, 'norm'):.2f}x")


def grid_time() -> None:
    from rmsviz.experiments import training

    start = time.perf_counter()
    table = training.stable_lr_table()
    elapsed = time.perf_counter() - start
    print(f"training grid (3 norms x depths {training.DEPTHS} x {len(training.LR_GRID)} learning rates, "
          f"{training.STEPS} steps): {elapsed:.1f} s")
    for norm in training.NORMS:
        print(f"  largest stable lr, {norm:9s}: " + ", ".join(
            f"depth {d} {table[norm, d]:g}" for d in training.DEPTHS))


def _execute(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "tools" / "execute_notebooks.py"), str(path)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def notebook_time() -> None:
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / NOTEBOOK.name
        shutil.copy(NOTEBOOK, full)
        setup_only = Path(tmp) / "setup_only.ipynb"
        nb = nbformat.read(NOTEBOOK, as_version=4)
        first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
        nb.cells = [first_code]
        nbformat.write(nb, setup_only)
        baseline = _execute(setup_only)
        total = _execute(full)
    print(f"notebook 06 in a fresh kernel: {total:.1f} s; setup cell only: {baseline:.1f} s; "
          f"the notebook alone: {total - baseline:.1f} s (budget 20 s)")


def main(argv: list[str]) -> int:
    step_times()
    grid_time()
    if "--no-notebook" not in argv:
        notebook_time()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
