"""The package's layers, checked: import-linter keeps the contracts in pyproject.toml, an import
the wrong way fails, and CONTRIBUTING.md's layer table says what the contract says and lists every
module of the package (so the table cannot drift from the code again)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rmsviz"
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")


def lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """Run import-linter on the pyproject.toml in ``cwd`` (no cache written)."""
    if LINT_IMPORTS is None:
        pytest.fail("lint-imports not found: pip install -r requirements-dev.txt (import-linter)")
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def contract_layers() -> list[list[str]]:
    """The layers of the "layers" contract in pyproject.toml, top (imports most) to bottom."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r'id = "layers".*?\nlayers = \[(.*?)\]', text, re.DOTALL)
    assert block, "pyproject.toml has no import-linter contract with id = \"layers\""
    return [[name.strip() for name in line.split("|")] for line in re.findall(r'"([^"]+)"', block.group(1))]


def contributing_rows() -> list[tuple[list[str], list[str]]]:
    """(layer, modules listed) of each row of CONTRIBUTING.md's "Package layers" table.

    A row names its layer(s) in the first column (``rmsviz.panels``) and its files in the second
    (``__init__.py``, ``eps.py``: files of the layer's package, or the layer's own modules).
    """
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Package layers", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `rmsviz"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        layer = re.findall(r"`rmsviz\.(\w+)`", cells[0])
        listed = []
        for stem in re.findall(r"`(\w+)\.py`", cells[1]):
            if len(layer) == 1 and (PACKAGE / layer[0]).is_dir():
                listed.append(layer[0] if stem == "__init__" else f"{layer[0]}.{stem}")
            else:
                listed.append(stem)
        rows.append((layer, listed))
    return rows


def package_modules() -> set[str]:
    """Every module of rmsviz, as a dotted name relative to the package (``panels.eps``)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts == ("__init__",):
            continue
        found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_the_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_an_import_the_wrong_way_fails(tmp_path):
    """The check can fail: a copy of the package whose norms imports a panel breaks the layers."""
    shutil.copytree(PACKAGE, tmp_path / "rmsviz", ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    norms = tmp_path / "rmsviz" / "norms.py"
    norms.write_text(norms.read_text(encoding="utf-8") + "\nfrom rmsviz.panels import base  # the wrong way\n",
                     encoding="utf-8")
    result = lint_imports(tmp_path, pythonpath=tmp_path)
    assert result.returncode != 0, result.stdout
    assert "rmsviz.norms -> rmsviz.panels" in result.stdout


def test_contributing_table_is_the_contract():
    rows = contributing_rows()
    table = [sorted(layer) for layer, _ in rows]  # lowest layer first, as DESIGN.md writes it
    contract = [sorted(layer) for layer in reversed(contract_layers())]
    assert table == contract, f"CONTRIBUTING.md table {table} != pyproject.toml layers {contract}"


def test_contributing_table_lists_every_module():
    listed = [name for _, names in contributing_rows() for name in names]
    assert len(listed) == len(set(listed)), "a module is listed twice"
    missing, stale = package_modules() - set(listed), set(listed) - package_modules()
    assert not missing and not stale, f"not in the table: {sorted(missing)}; no such module: {sorted(stale)}"
