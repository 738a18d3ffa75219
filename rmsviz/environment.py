"""The environment check every notebook's setup cell runs (introduced in notebook 00)."""

from __future__ import annotations

import platform
import re
import sys
from importlib import metadata

MINIMUM = {"numpy": "1.24", "matplotlib": "3.7", "ipywidgets": "8.0"}


def _as_tuple(version: str) -> tuple[int, ...]:
    """'8.1.9rc1' -> (8, 1, 9): the leading number of each of the first three parts."""
    parts = []
    for piece in version.split(".")[:3]:
        match = re.match(r"\d+", piece)
        parts.append(int(match.group()) if match else 0)
    return tuple(parts)


def versions() -> dict[str, str]:
    """Installed versions of Python, rmsviz and the libraries the series relies on."""
    import rmsviz

    found = {"python": platform.python_version(), "rmsviz": rmsviz.__version__}
    for name in ("numpy", "matplotlib", "ipywidgets"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def problems(found: dict[str, str] | None = None) -> list[str]:
    """What is too old or missing, as sentences (empty when all is well)."""
    found = versions() if found is None else found
    out = []
    if sys.version_info < (3, 10):
        out.append(f"Python {found['python']} is too old: the series needs 3.10 or newer")
    for name, minimum in MINIMUM.items():
        have = found.get(name, "missing")
        if have == "missing":
            out.append(f"{name} is not installed: run `python -m pip install -r requirements.txt`")
        elif _as_tuple(have) < _as_tuple(minimum):
            out.append(f"{name} {have} is older than {minimum}: upgrade it")
    return out


def report() -> None:
    """Print one line per library and whether the environment is ready (a notebook's setup cell)."""
    for name, version in versions().items():
        print(f"{name:<11} {version}")
    issues = problems()
    print("ready" if not issues else "NOT READY:\n  " + "\n  ".join(issues))
