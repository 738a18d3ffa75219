"""Keep the language catalogues in step with the code (gettext, with Babel).

    python tools/i18n_catalogue.py extract     # rmsviz/locale/rmsviz.pot from every _(), N_() and tr()
    python tools/i18n_catalogue.py update      # add new message ids to every <lang>.po, mark stale ones
    python tools/i18n_catalogue.py compile     # every rmsviz.po -> rmsviz.mo (what rmsviz.i18n loads)
    python tools/i18n_catalogue.py check       # exit 1 if a catalogue is stale, incomplete or broken

The messages come from the package (``_()`` and ``N_()``) and from the code cells of the English
notebooks (``tr()``, see ``rmsviz/i18n.py``; ``notebooks/*.ipynb`` and ``notebooks/solutions/*.ipynb``,
not the translated editions, whose code cells are copies), each notebook message located as
``notebooks/NN_name.ipynb:cell N`` (N counts every cell from 0). ``check`` also reports a string
literal with English words that a notebook code cell prints without ``tr()``
(:func:`untranslated_literals`).

The English text is the message id (see ``rmsviz/i18n.py``). A translator edits one file per
language, ``rmsviz/locale/<lang>/LC_MESSAGES/rmsviz.po``, with any PO editor, then runs
``update`` and ``compile``. ``tests/test_i18n.py`` runs the same checks as ``check``.
"""

from __future__ import annotations

import ast
import io
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as babel_extract
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rmsviz"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "rmsviz.pot"
NOTEBOOKS = ROOT / "notebooks"
#: Tools whose output a student reads (the one-page recap): their _() strings are in the catalogue.
TOOLS_SHOWN = (ROOT / "tools" / "make_recap.py",)
KEYWORDS = {"_": None, "N_": None, "tr": None}
COMMENT_TAGS = ("Translators:",)
PLACEHOLDER = re.compile(r"\{(\w*)(?:[:!][^{}]*)?\}")
MAGIC = re.compile(r"^(\s*)[%!]")  # an IPython magic or shell line: not Python


def catalogues() -> dict[str, Path]:
    """Every language's .po file, by language code."""
    return {p.parent.parent.name: p for p in sorted(LOCALE.glob("*/LC_MESSAGES/rmsviz.po"))}


def english_notebooks() -> list[Path]:
    """The notebooks whose code cells are the source of every edition's code cells."""
    return sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))


def python_source(cell_source: str) -> str:
    """A code cell's source as plain Python: each IPython magic or shell line becomes ``pass``."""
    return "\n".join(MAGIC.sub(r"\1pass  # ", line) if MAGIC.match(line) else line
                     for line in cell_source.splitlines())


def code_cells(path: Path):
    """``(index, python source)`` of every code cell of a notebook (index counts every cell from 0)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            yield index, python_source(source)


def notebook_name(path: Path) -> str:
    path = path.resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def notebook_messages(paths=None):
    """``(location, message, comments)`` of every ``tr()``/``_()``/``N_()`` string in the code cells of
    ``paths`` (default: the English notebooks); location is ``notebooks/NN_name.ipynb:cell N``."""
    for path in english_notebooks() if paths is None else paths:
        for index, source in code_cells(Path(path)):
            for _lineno, message, comments, _context in babel_extract(
                    "python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS,
                    comment_tags=COMMENT_TAGS, strip_comment_tags=True):
                if isinstance(message, tuple):
                    message = message[0]
                if message:
                    yield f"{notebook_name(Path(path))}:cell {index}", message, comments


def extracted() -> Catalog:
    """A catalogue of every message id the package passes to ``_()`` or ``N_()`` and the English
    notebooks' code cells pass to ``tr()``."""
    catalog = Catalog(project="rmsviz", domain="rmsviz", charset="utf-8",
                      header_comment="# The messages a reader of rmsviz sees; the English text is the id.\n"
                                     "# Made by tools/i18n_catalogue.py; translate in <lang>/LC_MESSAGES/rmsviz.po.")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        if isinstance(message, tuple):  # a plural form: not used by rmsviz
            message = message[0]
        if message:
            catalog.add(message, locations=[(f"rmsviz/{filename}", lineno)], auto_comments=comments,
                        context=context)
    # the printed recap (tools/make_recap.py) is read by students too, in their language
    for recap in TOOLS_SHOWN:
        with open(recap, "rb") as fh:
            for lineno, message, comments, context in babel_extract("python", fh, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True):
                if isinstance(message, tuple):
                    message = message[0]
                if message:
                    catalog.add(message, locations=[(recap.relative_to(ROOT).as_posix(), lineno)],
                                auto_comments=comments, context=context)
    for location, message, comments in notebook_messages():
        catalog.add(message, locations=[(location, None)], auto_comments=comments)
    return catalog


# Calls whose string arguments a reader sees, and the lookups that translate them.
SHOWN_BY = {"print", "show", "set_title", "set_xlabel", "set_ylabel", "legend", "text", "suptitle",
            "title", "xlabel", "ylabel", "annotate"}
LOOKUPS = {"tr", "_", "N_"}
WORD = re.compile(r"[A-Za-z]{2,}(?:'[a-z]+)?")


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def english_words(text: str) -> str | None:
    """The first two consecutive English words of ``text`` (separated by spaces, or a comma and a
    space), if any; a word followed by a colon ends a label (``"BatchNorm: mean"`` passes)."""
    tokens = text.split()
    for a, b in zip(tokens, tokens[1:]):
        a, b = a.lstrip("(\"").rstrip(","), b.strip("(\"").rstrip(",;:.?!)")
        if WORD.fullmatch(a) and WORD.fullmatch(b):
            return f"{a} {b}"
    return None


def _literals(node: ast.AST):
    """String constants under ``node`` (each constant part of an f-string), skipping tr()/_()/N_() calls."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LOOKUPS:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
        return
    for child in ast.iter_child_nodes(node):
        yield from _literals(child)


def untranslated_literals(paths=None) -> list[str]:
    """String literals with two or more consecutive English words that a notebook code cell passes to
    print(), show(), set_title(), set_xlabel(), set_ylabel(), legend(), text() ... outside tr()
    (a heuristic: labels that are code or maths, such as ``np.mean(batch**2, axis=-1)``, pass)."""
    found = []
    for path in english_notebooks() if paths is None else paths:
        for index, source in code_cells(Path(path)):
            try:
                tree = ast.parse(source)
            except SyntaxError as error:
                found.append(f"{notebook_name(Path(path))}:cell {index}: not Python ({error.msg})")
                continue
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and _called(node) in SHOWN_BY):
                    continue
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    for literal in _literals(argument):
                        words = english_words(literal.value)
                        if words:
                            found.append(f"{notebook_name(Path(path))}:cell {index}, line {literal.lineno}: "
                                         f"{literal.value!r} is printed without tr() ({words!r})")
    return found


def po_bytes(catalog: Catalog, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, **kwargs)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def template_text() -> bytes:
    """The .pot as ``extract`` writes it (no creation date, so it is stable)."""
    catalog = extracted()
    text = po_bytes(catalog, no_location=True)
    # Lines that change with the day or the Babel version would make the check fail for no reason.
    return re.sub(rb'"(POT-Creation-Date|Generated-By): [^"]*"\n', b"", text)


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems() -> list[str]:
    """What is out of step: the template, untranslated or fuzzy ids, placeholders, stale .mo files."""
    found = untranslated_literals()
    if not TEMPLATE.exists() or TEMPLATE.read_bytes() != template_text():
        found.append(f"{TEMPLATE.relative_to(ROOT)} is out of date: run `python tools/i18n_catalogue.py extract`")
    ids = {m.id for m in extracted() if m.id}
    for language, path in catalogues().items():
        catalog = read(path)
        translated = {m.id: m for m in catalog if m.id}
        missing = sorted(ids - set(translated))
        if missing:
            found.append(f"{language}: {len(missing)} message ids not in the catalogue "
                         f"(run `update`), e.g. {missing[0]!r}")
        for message_id in sorted(ids & set(translated)):
            message = translated[message_id]
            if not message.string:
                found.append(f"{language}: untranslated: {message_id!r}")
            elif message.fuzzy:
                found.append(f"{language}: fuzzy (needs review): {message_id!r}")
            elif placeholders(message_id) != placeholders(message.string):
                found.append(f"{language}: placeholders differ in {message_id!r}: "
                             f"{sorted(placeholders(message_id))} vs {sorted(placeholders(message.string))}")
        stale = sorted(set(translated) - ids)
        if stale:
            found.append(f"{language}: {len(stale)} entries no longer in the code (run `update`), "
                         f"e.g. {stale[0]!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            found.append(f"{language}: {mo.relative_to(ROOT)} does not match the .po: run `compile`")
    return found


def extract() -> None:
    LOCALE.mkdir(exist_ok=True)
    TEMPLATE.write_bytes(template_text())
    print(f"{TEMPLATE.relative_to(ROOT)}: {sum(1 for m in extracted() if m.id)} message ids")


def update() -> None:
    template = extracted()
    for language, path in catalogues().items():
        catalog = read(path)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.write_bytes(po_bytes(catalog, no_location=True))
        left = sum(1 for m in catalog if m.id and not m.string)
        print(f"{language}: {len(catalog)} entries, {left} untranslated")


def compile_all() -> None:
    for language, path in catalogues().items():
        path.with_suffix(".mo").write_bytes(mo_bytes(read(path)))
        print(f"{language}: compiled {path.with_suffix('.mo').relative_to(ROOT)}")


def new_language(code: str) -> None:
    """Start ``<code>.po`` from the template (every id untranslated)."""
    path = LOCALE / code / "LC_MESSAGES" / "rmsviz.po"
    if path.exists():
        raise SystemExit(f"{path} exists")
    path.parent.mkdir(parents=True)
    catalog = extracted()
    catalog.locale = code
    path.write_bytes(po_bytes(catalog, no_location=True))
    print(f"started {path.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "new" and len(argv) == 2:
        new_language(argv[1])
    elif command == "check":
        found = problems()
        print("\n".join(found) if found else "catalogues in step with the code")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
