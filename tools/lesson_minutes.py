"""How many minutes each notebook needs in class, measured, and written into the teaching guide.

    python tools/lesson_minutes.py                 # every notebook: time it, print the table,
                                                   # rewrite the table in docs/teaching-guide.md
    python tools/lesson_minutes.py --no-write      # print only
    python tools/lesson_minutes.py --check         # only check that the headings the guide cites exist

For each lesson notebook of the English edition (``notebooks/NN_*.ipynb``; the teaching guide is in
English, and the Korean edition, ``notebooks/ko/``, runs the same code cells, so it takes the same
minutes):

* **run**: the notebook is executed top to bottom with nbclient in a fresh ``python3`` kernel (a
  copy, so the saved notebook is not touched) and the wall-clock time of Run All is measured;
* **reading**: the words of its prose (markdown cells, folded answers included; code, HTML tags,
  link targets and LaTeX commands not counted) at :data:`PROSE_WORDS_PER_MINUTE`, and the words
  of its code cells at :data:`CODE_WORDS_PER_MINUTE`;
* **panels**: each panel displayed (counted in the executed outputs) gets
  :data:`MINUTES_PER_PANEL` (predict, drag, read the folded answers);
* **exercises**: each exercise checked with ``check("NN.k", ...)`` gets :data:`MINUTES_PER_EXERCISE`.

The rates are assumptions, stated in the guide. The total is rounded up to whole minutes. The
table goes between the markers ``<!-- minutes:start -->`` and ``<!-- minutes:end -->`` of the guide.
"""

from __future__ import annotations

import argparse
import copy
import math
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GUIDE = ROOT / "docs" / "teaching-guide.md"
START, END = "<!-- minutes:start -->", "<!-- minutes:end -->"

#: Reading rate of prose for a reader whose first language is not English. Adults read English
#: non-fiction silently at about 238 words per minute (Brysbaert 2019, a meta-analysis of 190
#: studies); half of that for a second language and a technical text is our assumption.
PROSE_WORDS_PER_MINUTE = 120
#: Code is read more slowly than prose (an assumption): half the prose rate.
CODE_WORDS_PER_MINUTE = 60
#: Minutes to predict, drag the sliders and read the folded answers of one panel (an assumption).
MINUTES_PER_PANEL = 4
#: Minutes to solve one exercise and read its hint (an assumption).
MINUTES_PER_EXERCISE = 5

PANEL_REPR = re.compile(r"^<.+ panel(?::.*)?>$", re.DOTALL)
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d\.\d+)["']""")
HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
#: In the guide, a cited section heading: «text» (matched, ignoring case, inside a heading).
CITED = re.compile(r"«([^»]+)»")


@dataclass(frozen=True)
class Minutes:
    """What one notebook asks of a student, measured."""

    notebook: str
    run_seconds: float
    prose_words: int
    code_words: int
    panels: int
    exercises: int

    @property
    def reading_minutes(self) -> float:
        return self.prose_words / PROSE_WORDS_PER_MINUTE + self.code_words / CODE_WORDS_PER_MINUTE

    @property
    def total(self) -> int:
        return math.ceil(self.run_seconds / 60 + self.reading_minutes + self.panels * MINUTES_PER_PANEL
                         + self.exercises * MINUTES_PER_EXERCISE - 1e-9)


def prose_words(markdown: str) -> int:
    """Words a reader reads in a markdown cell: no HTML tags, link targets, LaTeX commands or
    markdown markup."""
    text = re.sub(r"<[^>]+>", " ", markdown)                  # HTML tags (<details>, <b>)
    text = re.sub(r"\]\([^)]*\)", "]", text)                  # link targets
    text = re.sub(r"\\[A-Za-z]+", " ", text)                  # LaTeX commands
    text = re.sub(r"[#*`|$\\{}_^>\[\]-]+", " ", text)         # markup and symbols
    return sum(1 for word in text.split() if re.search(r"\w", word))


def code_words(source: str) -> int:
    """Whitespace-separated words of a code cell, comments included (a student reads them)."""
    return len(source.split())


def count_panels(nb) -> int:
    """Panels displayed by the executed notebook (outputs whose text is a panel's repr)."""
    found = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = "".join(output.get("data", {}).get("text/plain", ""))
            found += bool(PANEL_REPR.match(text.strip()))
    return found


def count_exercises(nb) -> int:
    return len({m for cell in nb.cells if cell.cell_type == "code"
                for m in CHECK_CALL.findall(cell.source)})


def run_seconds(nb, folder: Path, timeout: int = 600) -> tuple[float, object]:
    """Seconds to execute a copy of ``nb`` in a fresh kernel (kernel start included), and the copy."""
    from nbclient import NotebookClient

    executed = copy.deepcopy(nb)
    client = NotebookClient(executed, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, executed


def measure(path: Path) -> Minutes:
    nb = nbformat.read(path, as_version=4)
    seconds, executed = run_seconds(nb, path.parent)
    return Minutes(
        notebook=path.stem,
        run_seconds=seconds,
        prose_words=sum(prose_words(c.source) for c in nb.cells if c.cell_type == "markdown"),
        code_words=sum(code_words(c.source) for c in nb.cells if c.cell_type == "code"),
        panels=count_panels(executed),
        exercises=count_exercises(nb),
    )


def table(rows: list[Minutes]) -> str:
    """The minutes table, in Markdown."""
    lines = ["| notebook | run all (s) | prose words | code words | reading (min) | panels | "
             "exercises | minutes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for m in rows:
        lines.append(f"| `{m.notebook}` | {m.run_seconds:.0f} | {m.prose_words} | {m.code_words} | "
                     f"{m.reading_minutes:.0f} | {m.panels} | {m.exercises} | **{m.total}** |")
    lines.append(f"| all | {sum(m.run_seconds for m in rows):.0f} | "
                 f"{sum(m.prose_words for m in rows)} | {sum(m.code_words for m in rows)} | "
                 f"{sum(m.reading_minutes for m in rows):.0f} | {sum(m.panels for m in rows)} | "
                 f"{sum(m.exercises for m in rows)} | **{sum(m.total for m in rows)}** |")
    return "\n".join(lines)


def replace_between_markers(text: str, body: str) -> str:
    """``text`` with everything between the minutes markers replaced by ``body``."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"the guide needs exactly one {START} ... {END} block")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{body}\n{END}{tail}"


def headings(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [h.strip() for c in nb.cells if c.cell_type == "markdown" for h in HEADING.findall(c.source)]


def _plain(text: str) -> str:
    return re.sub(r"[\s$`*]+", " ", text).strip().lower()


def cited_sections(guide_text: str) -> dict[str, list[str]]:
    """Notebook number -> the headings the guide cites («...») in its section (``## NN ...``)."""
    cited = {}
    for section in re.split(r"^(?=## )", guide_text, flags=re.MULTILINE):
        number = re.match(r"## (\d\d)\b", section)
        if number:
            cited[number[1]] = CITED.findall(section)
    return cited


def missing_citations(guide_text: str, notebooks: Path = NOTEBOOKS) -> list[str]:
    """Headings the guide cites («...») that no heading of their notebook contains.

    A citation belongs to the notebook of the guide section (``## NN ...``) it stands in. A
    section whose notebook is not in ``notebooks`` yet is not checked (:func:`unchecked`).
    """
    missing = []
    for number, citations in cited_sections(guide_text).items():
        paths = sorted(notebooks.glob(f"{number}_*.ipynb"))
        if not paths:
            continue
        found = [_plain(h) for h in headings(paths[0])]
        for cited in citations:
            if not any(_plain(cited) in h for h in found):
                missing.append(f"{paths[0].name}: no heading contains «{cited}»")
    return missing


def unchecked(guide_text: str, notebooks: Path = NOTEBOOKS) -> list[str]:
    """Numbers of the guide's notebook sections that cite headings of a notebook not there yet."""
    return [number for number, citations in cited_sections(guide_text).items()
            if citations and not list(notebooks.glob(f"{number}_*.ipynb"))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every lesson)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--check", action="store_true", help="only check the guide's cited headings")
    args = parser.parse_args(argv)
    guide = GUIDE.read_text(encoding="utf-8") if GUIDE.exists() else ""
    missing = missing_citations(guide)
    for problem in missing:
        print(f"teaching guide: {problem}")
    for number in unchecked(guide):
        print(f"teaching guide: section {number} not checked (no notebook {number}_*.ipynb yet)")
    if args.check:
        return 1 if missing else 0
    paths = args.paths or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    rows = []
    for path in paths:
        print(f"timing {path.name} ...", flush=True)
        rows.append(measure(path))
    body = table(rows)
    print(body)
    if not args.no_write and not args.paths:
        GUIDE.write_text(replace_between_markers(guide, body), encoding="utf-8")
        print(f"wrote the table into {GUIDE.relative_to(ROOT)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
