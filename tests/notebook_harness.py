"""Shared helpers for the notebook checks (reproducibility, static rendering, browser).

Everything here finds notebooks and panels by itself, so notebooks added under ``notebooks/`` and
panels added to ``rmsviz.panels`` are covered without editing a test:

* :func:`notebook_paths` lists every ``*.ipynb`` under ``notebooks/``, subfolders included (the
  Korean edition in ``notebooks/ko/``), skipping ``.ipynb_checkpoints`` and other hidden folders
  (or under the folder named by the environment variable ``RMSVIZ_NOTEBOOKS``, used to try the
  checks on a scratch notebook); :func:`relative_name` names each one by its path in that folder;
* :func:`isolated_env` builds a kernel environment whose home, config, cache, temp and bytecode
  folders are all inside one temporary folder, with the guard in ``tests/guard`` on ``PYTHONPATH``
  (sockets to non-loopback addresses refused, writes outside the folder recorded);
* :func:`execute` runs a notebook top to bottom in a fresh kernel with nbclient, honouring nbval's
  markers (``NBVAL_SKIP`` cells are not run, ``NBVAL_RAISES_EXCEPTION`` cells may raise);
* :func:`compared_outputs` reduces a notebook to what nbval compares (same markers, same stream
  coalescing, same skipped keys).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbval.plugin import (
    coalesce_streams,
    find_comment_markers,
    find_metadata_tags,
    transform_streams_for_comparison,
)

ROOT = Path(__file__).resolve().parents[1]
GUARD = Path(__file__).resolve().parent / "guard"
KERNEL_NAME = "python3"
# Keys nbval never compares (nbval 0.11, without --nbdime: PNG/JPEG are skipped too).
NBVAL_SKIP_COMPARE = frozenset({
    "metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
    "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg",
})


def notebooks_dir() -> Path:
    return Path(os.environ.get("RMSVIZ_NOTEBOOKS", ROOT / "notebooks")).resolve()


def notebook_paths() -> list[Path]:
    """Every notebook under the notebooks folder, subfolders included, in series order.

    Hidden files and folders (``.ipynb_checkpoints``) are skipped. Order: the top folder's
    notebooks first, then each subfolder's (``ko/...``), each by name.
    """
    folder = notebooks_dir()
    found = []
    for path in folder.rglob("*.ipynb"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or "__pycache__" in rel.parts:
            continue
        found.append(path)
    return sorted(found, key=lambda p: (len(p.relative_to(folder).parts), p.relative_to(folder).as_posix()))


def relative_name(path: Path) -> str:
    """``path`` relative to the notebooks folder, with forward slashes (``ko/01_x.ipynb``)."""
    return Path(path).resolve().relative_to(notebooks_dir()).as_posix()


def language_of(path: Path) -> str:
    """The language a notebook is written in: the name of its edition's folder (``ko/...`` is
    Korean), English for the notebooks of the top folder and its ``solutions/``."""
    first = relative_name(path).split("/")[0]
    return first if len(first) == 2 and first.isalpha() and first.islower() else "en"


def one_edition(paths) -> list[Path]:
    """The English edition's notebooks among ``paths``: for the checks that re-run the notebooks for
    what their code does, not what they say (reverse order, other CPU kernels). Every edition runs
    the same code cells (``tests/test_editions.py``), a fresh kernel per notebook, so running the
    other editions there would double the time and find nothing new."""
    return [p for p in paths if language_of(p) == "en"]


@contextlib.contextmanager
def in_language(code: str):
    """Run the block with ``rmsviz.set_language(code)``, then go back to the language before."""
    from rmsviz.i18n import get_language, set_language

    before = get_language()
    set_language(code)
    try:
        yield code
    finally:
        set_language(before)


def notebook_ids(paths) -> list[str]:
    return [relative_name(p) for p in paths]


def copy_notebooks(dest: Path) -> Path:
    """Copy the notebooks folder (notebooks plus any data next to them) into ``dest``."""
    src = notebooks_dir()
    target = dest / "notebooks"
    shutil.copytree(src, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return target


def markers(cell) -> dict:
    """nbval's options for a cell: 'check', 'check_exception', 'skip' (comment markers and tags)."""
    found = dict(find_comment_markers(cell.get("source", "")))
    found.update(find_metadata_tags(cell.get("metadata", {})))
    return found


# -- isolated kernels ----------------------------------------------------------------------------


def isolated_env(root: Path, audit_writes: bool = True) -> dict:
    """Environment for a kernel that may write only under ``root`` and reach only loopback."""
    root = Path(root).resolve()
    dirs = {name: root / "env" / name for name in
            ("home", "tmp", "mplconfig", "ipython", "jupyter-config", "jupyter-runtime",
             "xdg-cache", "xdg-config", "xdg-data", "pycache")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    for key in list(env):  # nothing from the caller's Jupyter/IPython/matplotlib configuration
        if key.startswith(("JUPYTER_", "IPYTHON", "MPL", "XDG_", "PYTEST_", "RMSVIZ_GUARD")):
            del env[key]
    env.update({
        "HOME": str(dirs["home"]),
        "TMPDIR": str(dirs["tmp"]), "TEMP": str(dirs["tmp"]), "TMP": str(dirs["tmp"]),
        "MPLCONFIGDIR": str(dirs["mplconfig"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "JUPYTER_CONFIG_DIR": str(dirs["jupyter-config"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["jupyter-runtime"]),
        "XDG_CACHE_HOME": str(dirs["xdg-cache"]),
        "XDG_CONFIG_HOME": str(dirs["xdg-config"]),
        "XDG_DATA_HOME": str(dirs["xdg-data"]),
        "PYTHONPYCACHEPREFIX": str(dirs["pycache"]),
        "PYTHONPATH": os.pathsep.join([str(GUARD)] + [p for p in
                                                      env.get("PYTHONPATH", "").split(os.pathsep) if p]),
        "RMSVIZ_GUARD_LOG": str(root / "guard.log"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    if audit_writes:
        env["RMSVIZ_GUARD_WRITE_ROOTS"] = str(root)
    return env


def guard_violations(root: Path) -> list[dict]:
    log = Path(root) / "guard.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def prepare(nb):
    """A copy of ``nb`` ready for nbclient with nbval's semantics.

    ``NBVAL_SKIP`` cells become raw cells (not run); ``NBVAL_RAISES_EXCEPTION`` cells get the
    ``raises-exception`` tag that nbclient honours. Cell indices are unchanged.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        opts = markers(cell)
        if opts.get("skip"):
            nb.cells[i] = nbformat.v4.new_raw_cell(cell.source)
        elif opts.get("check_exception"):
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
    return nb


def execute(path: Path, env: dict, timeout: int = 300):
    """Run the notebook at ``path`` top to bottom in a fresh kernel, in its own folder.

    Returns the executed notebook; raises nbclient's CellExecutionError on an unexpected error.
    """
    nb = prepare(nbformat.read(path, as_version=4))
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, allow_errors=False,
                            store_widget_state=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute(env=env)
    return nb


# -- what nbval compares -------------------------------------------------------------------------


def compared_outputs(nb) -> list:
    """Per code cell whose output nbval checks: the flattened outputs nbval compares.

    Mirrors ``nbval.plugin.IPyNbCell.compare_outputs``: streams coalesced by name, then every
    output key and every ``data`` MIME type except those nbval skips (PNG, widget views, metadata,
    tracebacks, execution counts). Cells marked ``NBVAL_IGNORE_OUTPUT`` or ``NBVAL_SKIP`` are left
    out. Returns ``[(cell_index, {key: [values...]}), ...]``.
    """
    result = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        opts = markers(cell)
        if opts.get("skip") or opts.get("check", True) is False:
            continue
        outputs = [nbformat.from_dict(json.loads(json.dumps(o))) for o in cell.get("outputs", [])]
        flat: dict[str, list] = {}
        for output in transform_streams_for_comparison(coalesce_streams(outputs)):
            for key, value in output.items():
                if key in NBVAL_SKIP_COMPARE:
                    continue
                if key == "data":
                    for mime, item in value.items():
                        if mime not in NBVAL_SKIP_COMPARE:
                            flat.setdefault(mime, []).append(item)
                else:
                    flat.setdefault(key, []).append(value)
        result.append((index, flat))
    return result


#: Text matplotlib prints to stderr when a figure's fonts lack a character (drawn as an empty box
#: or a dummy symbol) or a font is not found: never acceptable in a notebook of either edition.
FONT_PROBLEMS = ("missing from font", "does not have a glyph", "findfont:")


def error_outputs(nb) -> list[str]:
    """Descriptions of error outputs, tracebacks printed to a stream and font warnings on stderr
    (:data:`FONT_PROBLEMS`), cell by cell."""
    found = []
    for index, cell in enumerate(nb.cells):
        expected = markers(cell).get("check_exception", False)
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", "")) if output.get("output_type") == "stream" else ""
            if output.get("output_type") == "error" and not expected:
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif "Traceback (most recent call last)" in text:
                found.append(f"cell {index}: traceback printed to {output.get('name')}")
            elif output.get("name") == "stderr" and any(p in text for p in FONT_PROBLEMS):
                line = next(line for line in text.splitlines() if any(p in line for p in FONT_PROBLEMS))
                found.append(f"cell {index}: font warning on stderr: {line.strip()}")
    return found


def python() -> str:
    return sys.executable
