"""The environment check every notebook's setup cell runs (introduced in notebook 00).

Its sentences go through the language catalogue (:mod:`rmsviz.i18n`), the only part of rmsviz it
imports at module level.
"""

from __future__ import annotations

import platform
import re
import sys
from importlib import metadata

from rmsviz.i18n import _

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
        out.append(_("Python {version} is too old: the series needs 3.10 or newer").format(version=found["python"]))
    for name, minimum in MINIMUM.items():
        have = found.get(name, "missing")
        if have == "missing":
            out.append(_("{name} is not installed: run `python -m pip install -r requirements.txt`, then restart "
                         "the kernel").format(name=name))
        elif _as_tuple(have) < _as_tuple(minimum):
            out.append(_("{name} {have} is older than {minimum}: run `python -m pip install -r requirements.txt`, "
                         "then restart the kernel").format(name=name, have=have, minimum=minimum))
    return out


def report() -> None:
    """Print one line per library and whether the environment is ready (a notebook's setup cell)."""
    for name, version in versions().items():
        print(f"{name:<11} {version}")
    issues = problems()
    print(_("ready") if not issues else _("NOT READY:") + "\n  " + "\n  ".join(issues))
