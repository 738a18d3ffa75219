"""Keep the language catalogues in step with the code (gettext, with Babel).

    python tools/i18n_catalogue.py extract     # rmsviz/locale/rmsviz.pot from every _() and N_()
    python tools/i18n_catalogue.py update      # add new message ids to every <lang>.po, mark stale ones
    python tools/i18n_catalogue.py compile     # every rmsviz.po -> rmsviz.mo (what rmsviz.i18n loads)
    python tools/i18n_catalogue.py check       # exit 1 if a catalogue is stale, incomplete or broken

The English text is the message id (see ``rmsviz/i18n.py``). A translator edits one file per
language, ``rmsviz/locale/<lang>/LC_MESSAGES/rmsviz.po``, with any PO editor, then runs
``update`` and ``compile``. ``tests/test_i18n.py`` runs the same checks as ``check``.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rmsviz"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "rmsviz.pot"
KEYWORDS = {"_": None, "N_": None}
PLACEHOLDER = re.compile(r"\{(\w*)(?:[:!][^{}]*)?\}")


def catalogues() -> dict[str, Path]:
    """Every language's .po file, by language code."""
    return {p.parent.parent.name: p for p in sorted(LOCALE.glob("*/LC_MESSAGES/rmsviz.po"))}


def extracted() -> Catalog:
    """A catalogue of every message id the package passes to ``_()`` or ``N_()``."""
    catalog = Catalog(project="rmsviz", domain="rmsviz", charset="utf-8",
                      header_comment="# The messages a reader of rmsviz sees; the English text is the id.\n"
                                     "# Made by tools/i18n_catalogue.py; translate in <lang>/LC_MESSAGES/rmsviz.po.")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("Translators:",), strip_comment_tags=True):
        if isinstance(message, tuple):  # a plural form: not used by rmsviz
            message = message[0]
        if message:
            catalog.add(message, locations=[(f"rmsviz/{filename}", lineno)], auto_comments=comments,
                        context=context)
    return catalog


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
    found = []
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
