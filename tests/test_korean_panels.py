"""Under ``rmsviz.set_language("ko")`` everything a reader sees is Korean and renders (issue 11).

With the Korean catalogue (``rmsviz/locale/ko/LC_MESSAGES/rmsviz.po``, compiled to ``rmsviz.mo``):

* every panel of ``rmsviz.panels.available_panels()``, built in Korean and rendered, in the
  default and the projector style: every text of its figure that holds Latin letters also holds
  Hangul, unless it is on :data:`TECHNICAL` (names, formulas and symbols that stay as they are in
  Korean ML text); its control labels (descriptions, the labels of toggle and dropdown options)
  and its readout HTML hold Hangul; in the projector style, the Korean figure is as readable from
  the back as the English one (``tests/test_style.py``'s numbers: no text below 18 pt, outside
  the figure or over another);
* the same for the static figures of ``rmsviz.figures`` (block diagram, batch axes, timing), the
  step tables of ``rmsviz.steps``, the verdict table of ``rmsviz.audit``, every checker's messages
  and hints (``rmsviz.checks``) and the environment report;
* nothing is drawn without a glyph: no "Glyph ... missing from font(s)" warning (an error under
  pytest anyway, ``pyproject.toml``), no mathtext "does not have a glyph" and no "findfont"
  message in the log.

Without the Korean catalogue this module cannot test anything: under CI (``CI=true``) it fails
saying so; elsewhere it is skipped with that reason (``pytest -rs`` lists it).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.text import Text

import rmsviz
from rmsviz.i18n import LOCALE_DIR, _, available_languages

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_style import readability_problems  # noqa: E402

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CATALOGUE = LOCALE_DIR / "ko" / "LC_MESSAGES" / "rmsviz.mo"

LATIN = re.compile(r"[A-Za-z]")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")

#: Texts that hold Latin letters and stay untranslated in Korean: names of methods and number
#: formats, symbols, numbers, as Korean ML writing keeps them. A whole text must match one pattern
#: (``re.fullmatch``); anything longer (a sentence around the name) must hold Hangul.
TECHNICAL = [
    r"\$[^$]*\$",                                    # a formula in mathtext only (ticks such as 10^-3)
    r"(RMSNorm|LayerNorm|pRMSNorm|BatchNorm|RMS|SGD|float16|float32|bfloat16)"  # names of methods, formats,
    r"(\s*=?\s*[-−+0-9.,e]+)?",                       # maybe with a value: RMS 5.48
    r"std",                                           # numpy's name of the standard deviation: the batch-
                                                      # axes figure's column is too narrow for 표준편차
    r"(Attention|MLP|out)",                           # notebook 05's block diagram: its parts, and the
                                                      # variable of its formula out = h + MLP(RMSNorm(h))
    r"(g|kg)",                                        # units
    r"[-−+0-9.,]+(e[-−+]?\d+)?\s*[x×%]?",             # numbers: 0.5, 1e-05, a speed-up 1.73x
    r"(b?float\d+)\s+\d+ x \d+",                     # a number format and a shape: bfloat16 32768 x 4096
]
_TECHNICAL = [re.compile(p) for p in TECHNICAL]

#: The words a formula written in plain text may use (``y1 = x1 / RMS(x)``, ``log10 |dL/dW|``,
#: ``|dL/dg| RMSNorm``, ``eps = 1e-05``, ``c``): one-letter variables (maybe indexed: x1, g3),
#: differentials (dL, dx) and these names. A text
#: made of them alone, with an operator, a bracket or an ``=``, or a single variable, is a formula.
FORMULA_WORDS = {"RMS", "RMSNorm", "LayerNorm", "Attention", "MLP", "mean", "std", "sqrt", "eps", "log",
                 "dL", "dW", "e", "out"}
OPERATOR = re.compile(r"[=()/|*+−\-^²√]")


def is_formula(text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", text)
    if not all(len(w) == 1 or w in FORMULA_WORDS or re.fullmatch(r"d[A-Za-z]", w) for w in words):
        return False
    return bool(OPERATOR.search(text)) or (len(words) == 1 and len(words[0]) == 1) or text in ("eps",)


def needs_hangul(text: str) -> bool:
    """Does ``text`` hold Latin letters, no Hangul, and is it not a technical name or formula?"""
    text = text.strip()
    if not LATIN.search(text) or HANGUL.search(text):
        return False
    return not (any(p.fullmatch(text) for p in _TECHNICAL) or is_formula(text))


@pytest.fixture(scope="module")
def korean():
    """``set_language("ko")`` for the module, back to English afterwards (other tests expect it)."""
    if "ko" not in available_languages() or not CATALOGUE.exists():
        message = (f"no compiled Korean catalogue ({CATALOGUE.relative_to(LOCALE_DIR.parents[1])}): "
                   "the Korean edition needs rmsviz/locale/ko/LC_MESSAGES/rmsviz.po, compiled with "
                   "`python tools/i18n_catalogue.py compile`")
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    before = rmsviz.get_language()
    rmsviz.set_language("ko")
    yield "ko"
    rmsviz.set_language(before)


@pytest.fixture
def no_missing_glyphs(caplog):
    """Collect glyph and font problems: warnings (also errors under pytest) and log messages."""
    caplog.set_level(logging.WARNING, logger="matplotlib")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    problems = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    problems += [r.getMessage() for r in caplog.records
                 if "does not have a glyph" in r.getMessage() or "findfont" in r.getMessage()]
    assert not problems, "characters drawn without a glyph:\n" + "\n".join(sorted(set(problems)))


def figure_texts(fig) -> list[str]:
    """Every visible, non-empty text of ``fig`` (drawn first, so the tick labels exist)."""
    from rmsviz.style import style_of

    style = style_of(fig)
    if style is None:
        fig.canvas.draw()
    else:
        with style.context():
            fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def english_left(texts) -> list[str]:
    return sorted({t for t in texts if needs_hangul(t)})


def report(where: str, left: list[str]) -> str:
    return f"{where}: {len(left)} text(s) with Latin letters and no Hangul:\n  " + "\n  ".join(map(repr, left))


# -- panels ----------------------------------------------------------------------------------------

from rmsviz.panels import available_panels  # noqa: E402

PANELS = available_panels()


def control_labels(control) -> list[str]:
    labels = [control.description] if getattr(control, "description", "") else []
    for option in getattr(control, "options", ()) or ():
        labels.append(option[0] if isinstance(option, tuple) else str(option))
    return labels


@pytest.mark.parametrize("style", ["default", "projector"])
@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_panel_speaks_korean(cls, style, korean, no_missing_glyphs):
    rmsviz.set_style(style)
    try:
        panel = cls()
        panel.figure.render()
        left = english_left(figure_texts(panel.figure.fig))
        labels = [label for control in panel.controls.values() for label in control_labels(control)]
        left += [f"control: {label}" for label in english_left(labels)]
        readout = re.sub(r"<[^>]+>", " ", panel.readout_view.value)
        if LATIN.search(readout) and not HANGUL.search(readout):
            left.append(f"readout: {readout.strip()}")
        if not HANGUL.search(repr(panel)):
            left.append(f"repr: {panel!r}")
        if style == "projector":
            left += [f"projector: {problem}" for problem in readability_problems(panel.figure.fig)]
    finally:
        rmsviz.set_style("default")
    assert not left, report(cls.__name__, left)


# -- static figures --------------------------------------------------------------------------------


def static_figures():
    from rmsviz.experiments import batch_axes, timing
    from rmsviz.figures.batch_axes import axes_figure
    from rmsviz.figures.block_diagram import block_diagram
    from rmsviz.figures.timing import timing_figure

    measured = timing.time_norms(sizes=((8, 16), (4, 64)), repeats=1, number=1)
    return {"block_diagram": block_diagram(),
            "batch_axes": axes_figure(batch_axes.batch_statistics(0)),
            "timing": timing_figure(measured, timing.gpu_rows())}


def test_static_figures_speak_korean(korean, no_missing_glyphs):
    from rmsviz.figures import show

    problems = []
    for name, fig in static_figures().items():
        show(fig, name)  # as the notebooks show them (rmsviz.style.finish gives them the language's font)
        if left := english_left(figure_texts(fig)):
            problems.append(report(name, left))
    assert not problems, "\n".join(problems)


# -- tables, checkers, environment ---------------------------------------------------------------


def table_texts(table) -> list[str]:
    return [table.title, *table.columns, *(k for k, _v in table.results), *table.notes,
            *(cell for row in table.rows for cell in row)]


def test_step_tables_speak_korean(korean):
    from rmsviz import steps
    from rmsviz.examples import EXAMPLE_DATA

    x = np.array([3.0, 4.0])
    tables = {"rms_steps": steps.rms_steps(x), "rms_norm_steps": steps.rms_norm_steps(x, eps=1e-5),
              "layer_norm_steps": steps.layer_norm_steps(x), "z_score_steps": steps.z_score_steps(x)}
    tables.update({f"text_audit_table({e!r})": steps.text_audit_table(e) for e in EXAMPLE_DATA})
    problems = [report(name, left) for name, table in tables.items() if (left := english_left(table_texts(table)))]
    assert not problems, "\n".join(problems)


def test_verdict_table_speaks_korean(korean):
    from rmsviz import audit

    table = audit.verdict_table()
    html = table._repr_html_()
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", html, re.DOTALL)]
    lines = repr(table).splitlines()
    texts = cells + lines + [repr(e) for _c, e in table.rows]
    assert not (left := english_left(texts)), report("verdict table", left)


def checker_messages() -> dict[str, list[str]]:
    """Per exercise: the hint, and the feedback to no answer, a non-number, the right answer (where
    the checker computes it) and each usual mistake."""
    from rmsviz.checks import EXERCISES, FunctionExercise, NumberExercise

    found = {}
    for exercise_id, exercise in EXERCISES.items():
        answers = [None, "abc", [1.0, float("nan")]]
        if isinstance(exercise, NumberExercise):
            if exercise.answer is not None:
                answers.append(float(exercise.answer()))
            answers += [float(m.value()) for m in exercise.mistakes if m.value is not None]
        if isinstance(exercise, FunctionExercise):
            answers.append(lambda x, *args, **kwargs: np.zeros_like(np.asarray(x, dtype=float)))
        messages = [repr(exercise.check(a)) for a in answers]
        if exercise.hint:
            messages.append(_(exercise.hint))
        found[exercise_id] = messages
    return found


def test_checker_messages_and_hints_speak_korean(korean):
    problems = [f"{eid}: {m!r}" for eid, messages in checker_messages().items()
                for m in messages if not HANGUL.search(m)]
    assert not problems, f"{len(problems)} checker message(s) without Hangul:\n" + "\n".join(problems)


def test_environment_report_speaks_korean(korean, capsys):
    from rmsviz.environment import problems, report

    report()
    printed = capsys.readouterr().out
    last = printed.strip().splitlines()[-1]
    assert HANGUL.search(last), f"the report's verdict line is not Korean: {last!r}"
    for problem in problems({"numpy": "1.0.0", "matplotlib": "2.0.0", "ipywidgets": "6.0.0"}):
        assert HANGUL.search(problem), f"environment problem not Korean: {problem!r}"


# -- the allowlist itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["RMSNorm", "$\\|x\\|_2$", "x1", "c", "c = 2.0", "eps = 1e-05", "eps",
                                  "1.73x", "log10 |dL/dW|", "y1 = x1 / RMS(x)", "0.5", "float16",
                                  "x - mean(x)", "RMS 5.48", "|dL/dg| RMSNorm", "std"])
def test_technical_texts_may_stay_latin(text):
    assert not needs_hangul(text)


@pytest.mark.parametrize("text", ["input RMS", "step", "RMSNorm output", "eps inside the root",
                                  "(no norm)", "mean", "x = apple weights", "features", "x (residual stream)"])
def test_words_must_be_translated(text):
    assert needs_hangul(text)
    assert not needs_hangul(f"입력 {text}")
