"""The teacher's kit: docs/teaching-guide.md (linked from the README), the minutes measured by
tools/lesson_minutes.py, the class links and the class zip (tools/make_class_zip.py)."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from rmsviz import project, style

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "teaching-guide.md"
sys.path.insert(0, str(ROOT / "tools"))
import lesson_minutes  # noqa: E402
import make_class_zip  # noqa: E402

# English lessons only: the teaching guide (English) times and cites the English notebooks; the
# Korean edition runs the same code cells (tests/test_editions.py), so its minutes are the same.
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


# -- the guide ------------------------------------------------------------------------------------

def test_the_readme_links_the_guide_and_the_recap():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For instructors and maintainers", 1)[1]
    assert "(docs/teaching-guide.md)" in section and "(docs/recap.md)" in section


def test_the_guide_has_every_part_for_every_notebook():
    text = guide()
    for path in LESSONS:
        number = path.name[:2]
        section = text.split(f"\n## {number} ", 1)[1].split("\n## ", 1)[0]
        for part in ("**Goals.**", "**Minutes.**", "**Show on the projector.**", "**Skip in class.**",
                     "**Misconceptions to expect.**", "**Discussion questions.**"):
            assert part in section, (path.name, part)
        assert f"`{path.stem}`" in section  # the row of the minutes table
    assert "### 50 minutes" in text and "### 90 minutes" in text


@pytest.mark.parametrize("length", [50, 90])
def test_each_lesson_plan_fills_its_time_without_gaps(length):
    plan = guide().split(f"### {length} minutes", 1)[1].split("\n#", 1)[0]
    spans = [tuple(map(int, m)) for m in re.findall(r"^\| (\d+)-(\d+) \|", plan, re.MULTILINE)]
    assert spans[0][0] == 0 and spans[-1][1] == length
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))


def test_the_minutes_table_names_every_notebook():
    text = guide()
    block = text.split(lesson_minutes.START, 1)[1].split(lesson_minutes.END, 1)[0]
    rows = re.findall(r"^\| `(\d\d_\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| \*\*(\d+)\*\* \|",
                      block, re.MULTILINE)
    assert [r[0] for r in rows] == [p.stem for p in LESSONS]
    for name, run, prose, code, reading, panels, exercises, total in rows:
        # the stated method gives the stated total (run time to the second, as printed)
        low = (int(prose) / 120 + int(code) / 60 + 4 * int(panels) + 5 * int(exercises)
               + max(int(run) - 0.5, 0) / 60)
        assert int(total) in (int(low) + 1, int(low) + 2, round(low)), name
    assert "120 words per" in text and "4 minutes for each panel" in text and "5 minutes for each exercise" in text
    assert (lesson_minutes.PROSE_WORDS_PER_MINUTE, lesson_minutes.CODE_WORDS_PER_MINUTE,
            lesson_minutes.MINUTES_PER_PANEL, lesson_minutes.MINUTES_PER_EXERCISE) == (120, 60, 4, 5)


def test_the_guide_cites_only_headings_the_notebooks_have():
    assert lesson_minutes.missing_citations(guide()) == []
    assert lesson_minutes.cited_sections(guide())["03"]  # it does cite headings


def test_the_projector_numbers_in_the_guide_are_the_styles():
    text = guide()
    projector = style.STYLES["projector"]
    assert 'rmsviz.set_style("projector")' in text
    assert f"at least {projector.min_text:g} pt at {projector.dpi:g} dpi" in text
    assert f"at least {projector.min_line:g} pt wide" in text and f"at least {projector.min_marker:g} pt" in text
    assert f"at most {projector.max_width * projector.dpi:.0f} pixels wide" in text
    assert f"CIEDE2000 colour difference of at least {style.MIN_COLOR_DISTANCE:g}" in text


def test_the_closest_colour_pairs_in_the_guide_are_measured():
    """The guide quotes the two closest pairs; tests/test_style.py computes them."""
    import test_style

    measured = sorted((test_style.distance(style.COLORS[a], style.COLORS[b], vision), vision)
                      for _, a, b in test_style.group_pairs() for vision in test_style.VISIONS)
    (d1, v1), (d2, v2) = measured[0], next(m for m in measured if m[1] != measured[0][1])
    text = guide()
    assert f"{d1:.1f} (blue and purple, {v1})" in text and f"{d2:.1f} (orange and\nvermilion, {v2})" in text


def test_the_class_links_are_the_tools_output():
    printed = subprocess.run([sys.executable, str(ROOT / "tools" / "project_links.py"), "--hub",
                              "https://hub.example.edu"], capture_output=True, text=True, check=True).stdout
    text = guide()
    for line in printed.splitlines():
        assert line in text
    for number in sorted(lesson_minutes.cited_sections(text)):
        paths = sorted((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
        if paths:
            assert project.colab_url(paths[0].name) in text
            assert f"{paths[0].name}: {project.nbgitpuller_url('https://hub.example.edu', paths[0].name)}" in text


# -- measuring the minutes ---------------------------------------------------------------------------

def tiny_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nSix words of prose, [a link](http://x.y/z).\n"
                                      "<details><summary><b>Answers</b></summary>\n\n$\\sqrt{x}$ two\n</details>"),
        nbformat.v4.new_code_cell("from rmsviz.panels import RMSPanel\npanel = RMSPanel()\npanel"),
        nbformat.v4.new_code_cell('def check(k, a):\n    return a\ncheck("09.1", 1)\ncheck("09.1", 2)\n'
                                  'check("09.2", 3)'),
    ]
    return nb


def test_prose_words_leave_out_markup_links_and_latex():
    # Title, Six, words, of, prose, a, link (not the address)
    assert lesson_minutes.prose_words("# Title\n\nSix words of prose, [a link](http://x.y/z).") == 7
    # Answers, x, two (not the tags, not \\sqrt)
    assert lesson_minutes.prose_words("<details><summary><b>Answers</b></summary> $\\sqrt{x}$ two") == 3
    assert lesson_minutes.prose_words("| a | b |\n|---|---|") == 2


def test_a_notebook_is_timed_in_a_fresh_kernel_and_its_work_counted(tmp_path):
    path = tmp_path / "09_tiny.ipynb"
    nbformat.write(tiny_notebook(), path)
    before = path.read_bytes()
    minutes = lesson_minutes.measure(path)
    assert path.read_bytes() == before  # the saved notebook is not touched
    assert minutes.notebook == "09_tiny" and minutes.panels == 1 and minutes.exercises == 2
    assert minutes.prose_words == 7 + 3 and minutes.code_words > 5
    assert 0.1 < minutes.run_seconds < 300
    expected = (minutes.run_seconds / 60 + 10 / 120 + minutes.code_words / 60 + 4 + 2 * 5)
    assert minutes.total == -(-expected // 1)
    assert "| `09_tiny` |" in lesson_minutes.table([minutes])


def test_the_table_is_written_between_the_markers_only():
    text = f"before\n{lesson_minutes.START}\nold table\n{lesson_minutes.END}\nafter\n"
    new = lesson_minutes.replace_between_markers(text, "| new |")
    assert new == f"before\n{lesson_minutes.START}\n| new |\n{lesson_minutes.END}\nafter\n"
    with pytest.raises(ValueError, match="markers|block"):
        lesson_minutes.replace_between_markers("no markers", "| new |")


def test_a_citation_of_a_missing_heading_is_found(tmp_path):
    nb = tiny_notebook()
    nbformat.write(nb, tmp_path / "09_tiny.ipynb")
    text = "## 09 · Tiny\n\nShow «Title». Then «No such section».\n\n## 10 · Later\n\n«Anything»\n"
    assert lesson_minutes.missing_citations(text, tmp_path) == ["09_tiny.ipynb: no heading contains «No such section»"]
    assert lesson_minutes.unchecked(text, tmp_path) == ["10"]


# -- the class zip ---------------------------------------------------------------------------------

def test_the_zip_holds_the_committed_lessons_recap_package_and_requirements(tmp_path):
    out = tmp_path / "class.zip"
    names = make_class_zip.make_zip(out)
    tracked = make_class_zip.tracked_files()
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == names
        inside = {name.split("/", 1)[1]: archive.read(name) for name in names}
    for path in LESSONS:
        assert inside[f"notebooks/{path.name}"] == path.read_bytes()
    for name in ("docs/recap.md", "docs/recap.pdf", "requirements.txt", "pyproject.toml", "README.md",
                 "rmsviz/__init__.py", "rmsviz/norms.py", "START-HERE.txt"):
        assert name in inside, name
    if "notebooks/glossary.md" in tracked:
        assert "notebooks/glossary.md" in inside
    assert set(inside) - {"START-HERE.txt"} <= set(tracked)  # only committed files
    assert not any(n.startswith(("tests/", "tools/", "benchmarks/", ".ci/", "docs/teaching")) for n in inside)
    assert b"pip install -r requirements.txt" in inside["START-HERE.txt"]


def test_the_zip_is_the_same_for_the_same_commit(tmp_path):
    make_class_zip.make_zip(tmp_path / "a.zip")
    make_class_zip.make_zip(tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_untracked_files_and_solutions_can_be_left_out():
    tracked = ["notebooks/00_a.ipynb", "notebooks/solutions/00_solutions.ipynb", "notebooks/glossary.md",
               "notebooks/ko/00_a.ipynb", "notebooks/ko/solutions/00_solutions.ipynb", "rmsviz/x.py", "rmsviz/__pycache__/x.pyc", "tests/test_x.py", "docs/recap.md",
               "docs/teaching-guide.md", "requirements.txt", "requirements-dev.txt"]
    assert make_class_zip.class_files(tracked) == [
        "notebooks/00_a.ipynb", "notebooks/solutions/00_solutions.ipynb", "notebooks/glossary.md",
        "notebooks/ko/00_a.ipynb", "notebooks/ko/solutions/00_solutions.ipynb", "rmsviz/x.py",
        "docs/recap.md", "requirements.txt"]
    without = make_class_zip.class_files(tracked, solutions=False)
    assert not [name for name in without if "solutions" in name]  # every edition's solutions
    assert "notebooks/ko/00_a.ipynb" in without


def test_the_unzipped_folder_builds_the_package(tmp_path):
    """What a student's pip install -r requirements.txt does first: build rmsviz from the folder."""
    make_class_zip.make_zip(tmp_path / "class.zip")
    with zipfile.ZipFile(tmp_path / "class.zip") as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / make_class_zip.FOLDER
    assert "-e ." in (folder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                             str(tmp_path / "wheels"), str(folder)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    wheel = next((tmp_path / "wheels").glob("rmsviz-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert "rmsviz/norms.py" in archive.namelist()
