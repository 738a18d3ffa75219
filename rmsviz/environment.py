"""The environment check every notebook's setup cell runs (introduced in notebook 00).

The version floors here are the ones the requirements files declare and CI installs and tests
(``tests/test_versions_agree.py`` keeps them in step):

* :data:`MINIMUM` / :data:`BELOW`: what ``rmsviz`` itself needs (``pyproject.toml``; what Colab's
  setup cell installs). ipywidgets 7.7 (Colab's, classic Notebook) and 8 both work.
* :data:`JUPYTERLAB_STACK`: what ``requirements.txt`` adds for JupyterLab 4 and Notebook 7, which
  show widgets only with ipywidgets 8 (``requirements-min.txt`` pins all these floors).

Its sentences go through the language catalogue (:mod:`rmsviz.i18n`), the only part of rmsviz it
imports at module level.
"""

from __future__ import annotations

import platform
import re
import sys
from importlib import metadata

from rmsviz.i18n import _

PYTHON_MINIMUM = "3.10"
# Lowest versions rmsviz runs with (pyproject.toml [project] dependencies).
MINIMUM = {"numpy": "1.24", "matplotlib": "3.7", "ipywidgets": "7.7.1", "pillow": "9.0"}
# Versions rmsviz does not support yet (exclusive upper bounds).
BELOW = {"ipywidgets": "9"}
# Floors the JupyterLab / Notebook 7 set-up adds (requirements.txt), on top of MINIMUM.
JUPYTERLAB_STACK = {"ipywidgets": "8.0", "jupyterlab": "4.1.8", "ipykernel": "6.20.1"}


def _as_tuple(version: str) -> tuple[int, ...]:
    """'8.1.9rc1' -> (8, 1, 9): the leading number of each of the first three parts."""
    parts = []
    for piece in version.split(".")[:3]:
        match = re.match(r"\d+", piece)
        parts.append(int(match.group()) if match else 0)
    return tuple(parts)


def _padded(version: str) -> tuple[int, ...]:
    """``_as_tuple`` padded with zeros to three parts, so '1.24' == '1.24.0'."""
    parts = _as_tuple(version)
    return parts + (0,) * (3 - len(parts))


def versions() -> dict[str, str]:
    """Installed versions of Python, rmsviz and the libraries the series relies on."""
    import rmsviz

    found = {"python": platform.python_version(), "rmsviz": rmsviz.__version__}
    for name in MINIMUM:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def problems(found: dict[str, str] | None = None) -> list[str]:
    """What is too old, too new or missing, as sentences (empty when all is well).

    ``found`` (default: :func:`versions`) maps names to versions; only the libraries it lists are
    checked.
    """
    found = versions() if found is None else found
    out = []
    if sys.version_info < _as_tuple(PYTHON_MINIMUM):
        out.append(_("Python {version} is too old: the series needs {minimum} or newer").format(
            version=found.get("python", platform.python_version()), minimum=PYTHON_MINIMUM))
    for name, minimum in MINIMUM.items():
        if name not in found:
            continue
        have = found[name]
        if have == "missing":
            out.append(_("{name} is not installed: run `python -m pip install -r requirements.txt`, then restart the kernel")
                       .format(name=name))
        elif _padded(have) < _padded(minimum):
            out.append(_("{name} {version} is older than {minimum}: run `python -m pip install -r requirements.txt`, "
                         "then restart the kernel").format(
                name=name, version=have, minimum=minimum))
        elif name in BELOW and _padded(have) >= _padded(BELOW[name]):
            out.append(_("{name} {version} is newer than the series supports (below {limit})")
                       .format(name=name, version=have, limit=BELOW[name]))
    return out


def report() -> None:
    """Print one line per library and whether the environment is ready (a notebook's setup cell)."""
    for name, version in versions().items():
        print(f"{name:<11} {version}")
    issues = problems()
    print(_("ready") if not issues else _("NOT READY:") + "\n  " + "\n  ".join(issues))
