"""Pack the series into one zip for a class without JupyterHub or Colab (a USB stick, a course page).

    python tools/make_class_zip.py                    # dist/rmsviz-class.zip
    python tools/make_class_zip.py --no-solutions     # without the solutions (of every edition)
    python tools/make_class_zip.py -o /tmp/class.zip

The zip holds the tracked files a student needs, as committed in git (``git ls-files``: nothing
untracked, no outputs of a local run): the lesson notebooks, their solutions, the glossary, the
one-page recap (``docs/recap.*``), the ``rmsviz`` package with ``pyproject.toml`` and
``README.md`` (which the package build reads), and
``requirements.txt``, which installs that package from the unzipped folder. A short
``START-HERE.txt`` says what to run. Entries are sorted and dated 1980-01-01, so the same commit
gives the same zip.

A student unzips it and runs, in the unzipped folder::

    python -m pip install -r requirements.txt
    jupyter lab notebooks/00_start_here.ipynb
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = "rmsviz-class"
DEFAULT_OUTPUT = ROOT / "dist" / f"{FOLDER}.zip"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

#: What goes in (tracked files whose path starts with one of these), and what never does.
INCLUDE = ("notebooks/", "docs/recap.", "rmsviz/", "pyproject.toml", "requirements.txt", "README.md",
           "README.ko.md", "LICENSE")
EXCLUDE_PARTS = ("__pycache__", ".ipynb_checkpoints")

START_HERE = """\
RMSNorm, computed and dragged: the rmsviz notebook series
========================================================

1. Install Python 3.10 or newer.
2. In this folder, run:

       python -m pip install -r requirements.txt

3. Then open the first notebook:

       jupyter lab notebooks/00_start_here.ipynb

notebooks/      the lessons (00 to 06), solutions/ and glossary.md
docs/recap.pdf  the one-page recap: formulas, identities, the invariance table, defaults
rmsviz/         the helper package the notebooks import (installed by step 2)
"""


def tracked_files() -> list[str]:
    """Paths of the files git tracks in the repository (relative, with /)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True)
    return sorted(name for name in listed.stdout.decode().split("\0") if name)


def class_files(tracked: list[str], solutions: bool = True) -> list[str]:
    """The tracked paths that go into the class zip."""
    chosen = []
    for name in tracked:
        if not name.startswith(INCLUDE) or any(part in name.split("/") for part in EXCLUDE_PARTS):
            continue
        if not solutions and name.startswith("notebooks/") and "solutions" in name.split("/")[:-1]:
            continue  # notebooks/solutions/ and each edition's (notebooks/ko/solutions/)
        chosen.append(name)
    return chosen


def make_zip(output: Path = DEFAULT_OUTPUT, solutions: bool = True) -> list[str]:
    """Write the zip; returns the names inside it (each under ``rmsviz-class/``)."""
    files = class_files(tracked_files(), solutions)
    missing = [name for name in ("requirements.txt", "pyproject.toml", "docs/recap.md")
               if name not in files]
    if missing or not any(name.startswith("notebooks/") and name.endswith(".ipynb") for name in files):
        raise RuntimeError(f"the class zip would miss {missing or 'the notebooks'}: are they committed?")
    output.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [(f"{FOLDER}/START-HERE.txt", START_HERE.encode("utf-8"))]
        entries += [(f"{FOLDER}/{name}", (ROOT / name).read_bytes()) for name in files]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
            names.append(name)
    return names


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--no-solutions", action="store_true", help="leave the solutions out (notebooks/solutions/, notebooks/ko/solutions/)")
    args = parser.parse_args(argv)
    names = make_zip(args.output, solutions=not args.no_solutions)
    notebooks = sum(name.endswith(".ipynb") for name in names)
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({len(names)} files, {notebooks} notebooks, {size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
