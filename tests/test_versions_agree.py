"""The declared version floors agree everywhere, and the lowest-versions environment has them.

``rmsviz/environment.py`` (what every notebook's setup cell reports), ``pyproject.toml`` (what
``pip install rmsviz`` and Colab's setup cell install), ``requirements.txt`` (JupyterLab 4 /
Notebook 7), ``requirements-min.txt`` (the constraints CI's lowest-versions environment installs)
and ``requirements-colab.txt`` (CI's ipywidgets 7.7 + classic Notebook environment) must state the
same lowest versions. When ``RMSVIZ_EXPECT_MINIMUM`` is set (``.ci/run`` sets it to ``python,libs``
in that environment, or to ``libs`` on a machine without Python 3.10), the installed versions must
be exactly those floors, on the lowest Python the series supports.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from rmsviz import environment

sys.path.insert(0, os.path.dirname(__file__))
import notebook_harness as nh  # noqa: E402

try:
    import tomllib
except ImportError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib

ROOT = nh.ROOT


def read_requirements(name: str) -> dict[str, Requirement]:
    """Requirement lines of a requirements file by canonical name (``-e``, ``-r``, ``-c`` skipped)."""
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        found[canonicalize_name(req.name)] = req
    return found


def bound(req: Requirement, operator: str) -> str | None:
    versions = [s.version for s in req.specifier if s.operator == operator]
    assert len(versions) <= 1, f"{req}: more than one {operator} bound"
    return versions[0] if versions else None


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and environment._padded(a) == environment._padded(b)


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def lab_floors() -> dict[str, str]:
    return {**environment.MINIMUM, **environment.JUPYTERLAB_STACK}


def test_pyproject_states_the_package_floors():
    project = pyproject()["project"]
    assert project["requires-python"] == f">={environment.PYTHON_MINIMUM}"
    deps = {canonicalize_name(Requirement(d).name): Requirement(d) for d in project["dependencies"]}
    assert set(deps) == set(environment.MINIMUM)
    for name, minimum in environment.MINIMUM.items():
        assert same(bound(deps[name], ">="), minimum), f"pyproject {deps[name]} vs environment {minimum}"
        if name in environment.BELOW:
            assert same(bound(deps[name], "<"), environment.BELOW[name]), f"pyproject {deps[name]}"
        else:
            assert bound(deps[name], "<") is None, f"pyproject {deps[name]}: no upper bound declared"


def test_requirements_state_the_jupyterlab_floors():
    reqs = read_requirements("requirements.txt")
    for name, minimum in lab_floors().items():
        assert name in reqs, f"requirements.txt does not list {name}"
        assert same(bound(reqs[name], ">="), minimum), f"requirements.txt {reqs[name]} vs {minimum}"
    assert same(bound(reqs["ipywidgets"], "<"), environment.BELOW["ipywidgets"])


def test_constraints_pin_exactly_the_floors():
    pins = read_requirements("requirements-min.txt")
    assert set(pins) == set(lab_floors()), "requirements-min.txt must pin every floor and nothing else"
    for name, minimum in lab_floors().items():
        assert same(bound(pins[name], "=="), minimum), f"requirements-min.txt {pins[name]} vs {minimum}"


def test_colab_stack_is_the_ipywidgets_floor():
    pins = read_requirements("requirements-colab.txt")
    assert same(bound(pins["ipywidgets"], "=="), environment.MINIMUM["ipywidgets"])
    assert bound(pins["notebook"], "==").startswith("6.")


def test_environment_report_flags_versions_outside_the_range():
    assert environment.problems({"numpy": "1.0"}) == [
        f"numpy 1.0 is older than {environment.MINIMUM['numpy']}: run `python -m pip install -r "
        "requirements.txt`, then restart the kernel"]
    assert environment.problems({"numpy": environment.MINIMUM["numpy"] + ".0"}) == []
    assert environment.problems({"ipywidgets": "9.0.0"}) == [
        "ipywidgets 9.0.0 is newer than the series supports (below 9)"]
    assert environment.problems({"ipywidgets": "7.7.1", "pillow": "missing"}) == [
        "pillow is not installed: run `python -m pip install -r requirements.txt`, then restart the kernel"]


EXPECT = set(filter(None, os.environ.get("RMSVIZ_EXPECT_MINIMUM", "").split(",")))


@pytest.mark.skipif(not EXPECT, reason="only in CI's lowest-versions environment "
                                       "(RMSVIZ_EXPECT_MINIMUM=python,libs)")
def test_lowest_versions_environment_has_exactly_the_floors():
    if "python" in EXPECT:
        assert platform.python_version_tuple()[:2] == tuple(environment.PYTHON_MINIMUM.split(".")), (
            f"the lowest-versions environment runs Python {platform.python_version()}, "
            f"not {environment.PYTHON_MINIMUM}")
    for name, minimum in lab_floors().items():
        installed = metadata.version(name)
        assert same(installed, minimum), f"{name} {installed} installed, floor {minimum}"
