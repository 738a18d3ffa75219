"""Every notebook is reproducible: it runs alone, in any order, twice alike, offline, in a sandbox.

Each notebook is executed exactly twice here (nbval executes it a third time against the saved
outputs). What each run proves:

* run 1, ``test_runs_alone``: a fresh kernel per notebook, in its own temporary copy of
  ``notebooks/`` with its own home, temp, config, cache and bytecode folders. Proves the notebook
  runs alone top to bottom without an error output or a printed traceback, reaches no address
  other than loopback (the guard in ``tests/guard`` refuses and records it) and writes nothing
  outside its temporary folder (the guard records writes; the repository's file listing is
  compared before and after).
* run 2, ``test_reverse_order``: the English edition's set, last notebook first, each in a fresh
  kernel but all in ONE shared copy and ONE shared home, so a notebook that needs a file or cache another
  notebook left behind, or that breaks when one ran before it, fails. Its compared outputs must
  equal run 1's (the same normalisation as nbval: text outputs, streams coalesced, PNG and
  widget views skipped, ``NBVAL_IGNORE_OUTPUT`` cells left out): two consecutive executions
  agree, so the saved outputs are not a lucky draw. The other editions (``notebooks/ko/``) run
  the same code cells (``tests/test_editions.py``) and leave the same files, so their reverse
  order would double the run and find nothing new (``notebook_harness.one_edition``); they have
  their run 1.

``test_guard_refuses_network_and_records_writes`` proves the guard itself works in a kernel.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_harness as nh  # noqa: E402

NOTEBOOKS = nh.notebook_paths()
REVERSED = nh.one_edition(NOTEBOOKS)  # the other editions run the same code (module docstring)
IGNORED_IN_LISTING = {".git", "__pycache__", ".hypothesis", ".pytest_cache", ".ipynb_checkpoints"}

_alone: dict[str, object] = {}


def repo_listing(root: Path = nh.ROOT) -> dict[str, tuple[int, int]]:
    """Every file in the repository (size, mtime), except VCS and cache folders."""
    listing = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if IGNORED_IN_LISTING.intersection(rel.parts) or rel.parts[0].endswith(".egg-info"):
            continue
        if path.is_file():
            st = path.stat()
            listing[str(rel)] = (st.st_size, st.st_mtime_ns)
    return listing


def listing_changes(before: dict, after: dict) -> list[str]:
    changes = [f"created {p}" for p in sorted(set(after) - set(before))]
    changes += [f"deleted {p}" for p in sorted(set(before) - set(after))]
    changes += [f"modified {p}" for p in sorted(set(before) & set(after)) if before[p] != after[p]]
    return changes


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(f"  {v['kind']}: {v['detail']}" for v in violations)


def run_alone(path: Path, tmp_root: Path):
    """Run 1 for ``path`` (cached, so the reverse-order test can reuse it)."""
    name = nh.relative_name(path)
    if name not in _alone:
        root = tmp_root / f"alone-{name.replace('/', '-').removesuffix('.ipynb')}"
        root.mkdir(parents=True)
        copy = nh.copy_notebooks(root)
        env = nh.isolated_env(root)
        before = repo_listing()
        nb = nh.execute(copy / name, env)
        _alone[name] = {"nb": nb, "violations": nh.guard_violations(root),
                        "repo_changes": listing_changes(before, repo_listing())}
    return _alone[name]


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory):
    return tmp_path_factory.mktemp("reproducibility")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nh.notebook_ids(NOTEBOOKS))
def test_runs_alone(path, runs_root):
    run = run_alone(path, runs_root)
    assert not nh.error_outputs(run["nb"]), nh.error_outputs(run["nb"])
    assert not run["violations"], (
        f"{nh.relative_name(path)} reached the network or wrote outside its temporary folder:\n"
        + describe_violations(run["violations"]))
    assert not run["repo_changes"], f"{nh.relative_name(path)} changed the repository: {run['repo_changes']}"


@pytest.mark.skipif(not REVERSED, reason="no notebooks under notebooks/ yet")
def test_reverse_order(runs_root):
    root = runs_root / "reverse"
    root.mkdir()
    copy = nh.copy_notebooks(root)
    env = nh.isolated_env(root)
    before = repo_listing()
    reverse = {}
    for path in reversed(REVERSED):
        reverse[nh.relative_name(path)] = nh.execute(copy / nh.relative_name(path), env)
    assert listing_changes(before, repo_listing()) == []
    violations = nh.guard_violations(root)
    assert not violations, "network or writes outside the folder:\n" + describe_violations(violations)

    mismatches = []
    for path in REVERSED:
        first = nh.compared_outputs(run_alone(path, runs_root)["nb"])
        name = nh.relative_name(path)
        second = nh.compared_outputs(reverse[name])
        assert nh.error_outputs(reverse[name]) == [], nh.error_outputs(reverse[name])
        for (index, a), (_, b) in zip(first, second):
            if a != b:
                mismatches.append(f"{name} cell {index}:\n  run 1: {a}\n  run 2: {b}")
    assert not mismatches, ("outputs differ between two executions (make them deterministic or mark "
                            "the cell # NBVAL_IGNORE_OUTPUT):\n" + "\n".join(mismatches))


def test_guard_refuses_network_and_records_writes(tmp_path):
    """The sandbox the notebooks run in really refuses the network and records stray writes."""
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "outside.txt"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            import socket, urllib.request
            try:
                socket.create_connection(("192.0.2.1", 80), timeout=2)
            except OSError as exc:
                print(type(exc).__name__, exc)
            try:
                urllib.request.urlopen("http://example.com/", timeout=2)
            except OSError as exc:
                print("urlopen", type(exc).__name__)
            """)),
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            server = socket.socket()
            server.bind(("127.0.0.1", 0))
            server.listen()
            client = socket.create_connection(server.getsockname(), timeout=2)
            print("loopback ok")
            client.close(); server.close()
            """)),
        nbformat.v4.new_code_cell(f"open({str(outside)!r}, 'w').write('x')\n"
                                  "open('inside.txt', 'w').write('x')\n_ = None"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = root / "guard.ipynb"
    nbformat.write(nb, path)
    result = nh.execute(path, nh.isolated_env(root))
    out = [("".join(o.get("text", "")) for o in c.outputs) for c in result.cells]
    first, second = ("".join(x) for x in out[:2])
    assert "ConnectionRefusedError rmsviz test guard" in first
    assert "urlopen URLError" in first
    assert "loopback ok" in second
    kinds = [(v["kind"], v["detail"]) for v in nh.guard_violations(root)]
    assert ("socket.getaddrinfo", "'192.0.2.1'") in kinds
    assert ("socket.getaddrinfo", "'example.com'") in kinds
    assert ("write:open", str(outside.resolve())) in kinds
    assert not any("inside.txt" in detail for _, detail in kinds)
