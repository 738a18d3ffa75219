"""Keep the editions of the series in step: same cells, same code, other words (issue 11).

    python tools/editions.py check                          # every edition: print the drift, exit 1 if any
    python tools/editions.py check notebooks/ko/04_gradients.ipynb
    python tools/editions.py sync notebooks/ko/04_gradients.ipynb   # copy the English code cells in

An edition is a folder under ``notebooks/`` named by its language code (``notebooks/ko/``). Every
English notebook (the lessons ``notebooks/NN_*.ipynb`` and ``notebooks/solutions/NN_*.ipynb``) has a
twin at the same relative path in every edition, and the twins agree:

* the same number of cells, of the same types, in the same order (markdown cells are translated);
* identical code cells once comments are removed (Python ``#`` comments, whole-line and trailing,
  found with :mod:`tokenize`, so a ``#`` inside a string stays; nbval's markers such as
  ``# NBVAL_IGNORE_OUTPUT`` are kept, since they change what nbval checks) and once the one
  language line ``rmsviz.set_language("ko")`` is removed from the edition's setup cell;
* that line is in the edition's first code cell, exactly once, directly after ``import rmsviz``,
  and in no other cell; no English notebook has it;
* the same cell tags and ``jupyter`` metadata (``source_hidden`` solutions, nbval tags).

``sync`` rewrites an edition's notebook from its English twin: every code cell becomes the English
one (plus the language line), every markdown cell keeps the edition's translation, in order. Code
cells whose source changed lose their outputs: re-execute with ``tools/execute_notebooks.py``.
Translations are matched to the English text cells by their order, so ``sync`` refuses when the
numbers of text cells differ (a translator adds or deletes the cells first); when English gained
one text cell and lost another, check that each translation still sits by its English cell.
``tests/test_editions.py`` runs :func:`check`.
"""

from __future__ import annotations

import copy
import difflib
import io
import sys
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: The editions other than English: language code -> folder under notebooks/.
EDITIONS = ("ko",)
SETUP_IMPORT = "import rmsviz"
NBVAL_MARKER = "# NBVAL_"
COMPARED_METADATA = ("tags", "jupyter")


def language_line(code: str) -> str:
    """The line an edition's setup cell adds: ``rmsviz.set_language("ko")``."""
    return f'rmsviz.set_language("{code}")'


def english_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The English notebooks every edition translates: lessons, then solutions."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb")) + sorted(folder.glob("solutions/[0-9][0-9]_*.ipynb"))


def twin(english: Path, code: str, folder: Path = NOTEBOOKS) -> Path:
    """Where ``english``'s twin in edition ``code`` lives (same relative path under notebooks/<code>/)."""
    return folder / code / Path(english).resolve().relative_to(folder.resolve())


def strip_comments(source: str) -> list[str]:
    """The lines of a code cell without ``#`` comments (whole-line comments drop the line; trailing
    ones are cut), trailing spaces removed; nbval markers kept. Found with :mod:`tokenize`, so a
    ``#`` inside a string stays. IPython's ``%magic`` and ``!shell`` lines are kept as written
    (a ``#`` there is cut only if it starts the rest of the line after spaces)."""
    lines = source.splitlines()
    cuts: dict[int, int] = {}  # line index -> column where its comment starts
    python = "\n".join(line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!"))
                       else line for line in lines)
    try:
        for token in tokenize.generate_tokens(io.StringIO(python + "\n").readline):
            if token.type == tokenize.COMMENT and not token.string.startswith(NBVAL_MARKER):
                cuts[token.start[0] - 1] = token.start[1]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # not Python (a cell tokenize cannot read): fall back to whole-line comments only
        cuts = {i: line.index("#") for i, line in enumerate(lines)
                if line.lstrip().startswith("#") and not line.lstrip().startswith(NBVAL_MARKER)}
    kept = []
    for i, line in enumerate(lines):
        if i in cuts:
            if not line[:cuts[i]].strip():
                continue  # a whole-line comment
            line = line[:cuts[i]]
        kept.append(line.rstrip())
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _code_cells(nb) -> list[int]:
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def _language_lines(cell, code: str) -> list[int]:
    return [i for i, line in enumerate(cell.source.splitlines()) if line.strip() == language_line(code)]


def compare(english, edition, code: str, name: str = "") -> list[str]:
    """What differs between an English notebook and its twin in edition ``code`` (both nbformat
    notebooks); each message names the notebook (``name``) and the cell index."""
    name = name or f"{code} edition"
    found = []
    line = language_line(code)
    for i in _code_cells(english):
        if any(text.strip() == line for text in english.cells[i].source.splitlines()):
            found.append(f"{name}: the English notebook has `{line}` in cell {i}")
    codes = _code_cells(edition)
    if not codes:
        found.append(f"{name}: no code cell (the setup cell with `{line}` is missing)")
    else:
        setup = edition.cells[codes[0]]
        at = _language_lines(setup, code)
        source = setup.source.splitlines()
        if len(at) != 1:
            found.append(f"{name}: cell {codes[0]} (the setup cell) has `{line}` {len(at)} times, "
                         "not once")
        elif at[0] == 0 or source[at[0] - 1].strip() != SETUP_IMPORT:
            found.append(f"{name}: cell {codes[0]}: `{line}` is not directly after `{SETUP_IMPORT}`")
        for i in codes[1:]:
            if _language_lines(edition.cells[i], code):
                found.append(f"{name}: cell {i} has `{line}` (only the setup cell may have it)")
    types_en = [c.cell_type for c in english.cells]
    types_ed = [c.cell_type for c in edition.cells]
    if len(types_en) != len(types_ed):
        found.append(f"{name}: {len(types_ed)} cells, the English notebook has {len(types_en)}")
    first = next((i for i, (a, b) in enumerate(zip(types_en, types_ed)) if a != b), None)
    if first is not None:
        found.append(f"{name}: cell {first} is {types_ed[first]}, in English it is {types_en[first]} "
                     "(cells added, removed or reordered from here on)")
        return found  # cells no longer line up: comparing code cell by cell would only add noise
    for i, (a, b) in enumerate(zip(english.cells, edition.cells)):
        if a.cell_type != "code":
            continue
        theirs = strip_comments("\n".join(text for text in b.source.splitlines() if text.strip() != line))
        ours = strip_comments(a.source)
        if ours != theirs:
            diff = difflib.unified_diff(ours, theirs, "English", code, n=0, lineterm="")
            found.append(f"{name}: cell {i}: code differs from English (comments ignored):\n    "
                         + "\n    ".join(list(diff)[2:]))
        for key in COMPARED_METADATA:
            if a.metadata.get(key) != b.metadata.get(key):
                found.append(f"{name}: cell {i}: metadata {key!r} is {b.metadata.get(key)!r}, in "
                             f"English {a.metadata.get(key)!r}")
    return found


def check(code: str | None = None, folder: Path = NOTEBOOKS, paths=None) -> list[str]:
    """The drift of every edition (or of edition ``code``, or of the edition notebooks ``paths``)
    from English: missing twins, twins without an English notebook, and :func:`compare`'s findings."""
    folder = Path(folder)
    found = []
    codes = [code] if code else list(EDITIONS)
    wanted = {Path(p).resolve() for p in paths} if paths else None
    for language in codes:
        if not (folder / language).is_dir():
            found.append(f"notebooks/{language}/ is missing (the {language} edition)")
            continue
        english = english_notebooks(folder)
        twins = {twin(p, language, folder).resolve(): p for p in english}
        for path in english_notebooks(folder / language):
            if path.resolve() not in twins and (wanted is None or path.resolve() in wanted):
                found.append(f"{path.relative_to(folder).as_posix()}: no English notebook "
                             f"{path.relative_to(folder / language).as_posix()}")
        for target, source in twins.items():
            if wanted is not None and target not in wanted:
                continue
            name = target.relative_to(folder.resolve()).as_posix()
            if not target.exists():
                found.append(f"{name}: missing (the {language} twin of "
                             f"{source.relative_to(folder).as_posix()})")
                continue
            found += compare(nbformat.read(source, as_version=4), nbformat.read(target, as_version=4),
                             language, name)
    return found


def synced(english, edition, code: str, name: str = ""):
    """A new edition notebook: ``english``'s cells, with the markdown (and raw) cells of ``edition``
    in order, the language line added after ``import rmsviz`` in the first code cell. A code cell
    whose source is unchanged keeps its outputs; the others have none. Raises ValueError when the
    two do not have the same number of markdown cells (translate or delete one by hand first)."""
    name = name or f"{code} edition"
    text_en = [c for c in english.cells if c.cell_type != "code"]
    text_ed = [c for c in edition.cells if c.cell_type != "code"]
    if [c.cell_type for c in text_en] != [c.cell_type for c in text_ed]:
        raise ValueError(f"{name}: {len(text_ed)} text cells, English has {len(text_en)} (or of other "
                         "types): add or remove the translated cells by hand, then sync again")
    old_code = [c for c in edition.cells if c.cell_type == "code"]
    new = copy.deepcopy(edition)
    new.cells = []
    translated = iter(text_ed)
    code_index = 0
    for cell in english.cells:
        if cell.cell_type != "code":
            new.cells.append(copy.deepcopy(next(translated)))
            continue
        made = copy.deepcopy(cell)
        if code_index == 0:
            lines = [text for text in made.source.splitlines() if text.strip() != language_line(code)]
            at = next((k for k, text in enumerate(lines) if text.strip() == SETUP_IMPORT), None)
            if at is None:
                raise ValueError(f"{name}: the English setup cell has no line `{SETUP_IMPORT}`")
            lines.insert(at + 1, language_line(code))
            made.source = "\n".join(lines)
        old = old_code[code_index] if code_index < len(old_code) else None
        if old is not None and old.source == made.source:
            made.outputs = copy.deepcopy(old.outputs)
            made.execution_count = old.execution_count
            if "id" in old:
                made.id = old.id
        else:
            made.outputs = []
            made.execution_count = None
        new.cells.append(made)
        code_index += 1
    return new


def sync(path: Path, folder: Path = NOTEBOOKS) -> bool:
    """Rewrite the edition notebook ``path`` from its English twin; True if it changed."""
    path = Path(path).resolve()
    rel = path.relative_to(Path(folder).resolve())
    code, english_rel = rel.parts[0], Path(*rel.parts[1:])
    if code not in EDITIONS:
        raise ValueError(f"{path} is not in an edition folder ({', '.join(EDITIONS)})")
    english_path = Path(folder) / english_rel
    edition = nbformat.read(path, as_version=4)
    new = synced(nbformat.read(english_path, as_version=4), edition, code, rel.as_posix())
    if new == edition:
        return False
    nbformat.validate(new)
    nbformat.write(new, path)
    return True


def main(argv: list[str]) -> int:
    command, paths = (argv[0], argv[1:]) if argv else ("check", [])
    if command == "check":
        found = check(paths=[Path(p) for p in paths] or None)
        print("\n".join(found) if found else "editions in step with English")
        return 1 if found else 0
    if command == "sync" and paths:
        for p in paths:
            changed = sync(Path(p))
            print(f"{p}: {'synced from English (re-execute it)' if changed else 'already in step'}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
