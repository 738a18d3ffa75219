"""The words notebook code cells print go through the language catalogue (``tr()``).

A translated edition copies the English code cells, so an English literal printed without ``tr()``
would print English there. ``tools/i18n_catalogue.py`` extracts every ``tr()`` string of the English
notebooks into the catalogue and reports printed literals with English words outside ``tr()``.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import i18n_catalogue  # noqa: E402

SETUP = ('import sys\nif "google.colab" in sys.modules:\n'
         '    %pip install -q "rmsviz @ git+https://github.com/rmsviz/rmsviz"\n'
         "from rmsviz import tr\n")


def notebook(tmp_path: Path, *sources: str, name: str = "99_synthetic.ipynb") -> Path:
    """A small notebook: a markdown cell, then one code cell per source."""
    cells = [{"cell_type": "markdown", "id": "md", "metadata": {}, "source": ["# print('no words here')"]}]
    cells += [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [],
               "source": source.splitlines(keepends=True)} for i, source in enumerate(sources)]
    path = tmp_path / name
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")
    return path


def test_extraction_finds_tr_strings_in_code_cells(tmp_path):
    path = notebook(tmp_path, SETUP,
                    'm = 2.5\nprint(tr("mean of squares: {value}").format(value=m))\n'
                    'print(tr("two "\n         "lines"))\nname = "x"\nprint(tr(name))\n')
    found = list(i18n_catalogue.notebook_messages([path]))
    assert [(location, message) for location, message, _comments in found] == [
        ("99_synthetic.ipynb:cell 2", "mean of squares: {value}"),
        ("99_synthetic.ipynb:cell 2", "two lines"),
    ]


def test_magics_do_not_stop_extraction():
    source = i18n_catalogue.python_source('x = 1\n%time y = 2\n!ls\nif x:\n    %pip install rmsviz\n')
    compile(source, "<cell>", "exec")  # plain Python now


@pytest.mark.parametrize("line", [
    'print("mean of squares:", 2.5)',
    'print(f"the mean goes from {a} g to {b} g")',
    'show(fig, "the same batch three times")',
    'ax.set_title("loss against the step")',
    'ax.legend(title="no norm")',
    'print("sum of {n} squares".format(n=4))',
])
def test_an_untranslated_sentence_is_reported(tmp_path, line):
    path = notebook(tmp_path, SETUP, "a, b, n, fig, ax = 1, 2, 3, None, None\n" + line + "\n")
    found = i18n_catalogue.untranslated_literals([path])
    assert len(found) == 1 and found[0].startswith("99_synthetic.ipynb:cell 2, line 2:"), found


@pytest.mark.parametrize("line", [
    'print(tr("mean of squares: {value}").format(value=2.5))',
    'print(tr("mean of squares:"), 2.5)',
    'print("np.mean(batch**2, axis=-1)                :", 1)',   # code
    'print(f"RMS(x - mean(x))       = {a:.3f}")',                 # maths
    'print(f"x = {a}:  RMSNorm {b}  LayerNorm {n}")',             # one word between placeholders
    'print("   BatchNorm: mean", a)',                             # a label, then a word
    'label = "not shown by this line"',                           # not printed here
])
def test_code_maths_and_translated_text_pass(tmp_path, line):
    path = notebook(tmp_path, SETUP, "a, b, n, batch = 1, 2, 3, 4\n" + line + "\n")
    assert i18n_catalogue.untranslated_literals([path]) == []


def test_the_english_notebooks_print_no_untranslated_sentences():
    assert i18n_catalogue.english_notebooks(), "no notebooks found"
    assert i18n_catalogue.untranslated_literals() == []


def test_every_english_notebook_has_tr_strings_and_no_translated_edition_is_read():
    paths = i18n_catalogue.english_notebooks()
    assert not any("ko" in p.relative_to(ROOT / "notebooks").parts for p in paths)
    located = {location.split(":cell")[0] for location, _m, _c in i18n_catalogue.notebook_messages()}
    assert located == {p.relative_to(ROOT).as_posix() for p in paths}


def test_a_catalogue_without_the_notebook_strings_is_reported(tmp_path, monkeypatch):
    """A language catalogue made from the package's messages alone lacks the notebooks' ids."""
    from babel.messages.catalog import Catalog

    notebook_ids = {message for _l, message, _c in i18n_catalogue.notebook_messages()}
    package_only = Catalog(locale="xx", domain="rmsviz")
    for message in i18n_catalogue.extracted():
        if message.id and message.id not in notebook_ids:
            package_only.add(message.id, string=message.id)
    po = tmp_path / "xx" / "LC_MESSAGES" / "rmsviz.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(i18n_catalogue.po_bytes(package_only, no_location=True))
    monkeypatch.setattr(i18n_catalogue, "LOCALE", tmp_path)
    monkeypatch.setattr(i18n_catalogue, "ROOT", tmp_path)
    problems = i18n_catalogue.problems()
    assert any(p.startswith("xx: ") and "message ids not in the catalogue" in p for p in problems), problems
