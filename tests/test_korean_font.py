"""Hangul renders: the shipped font, the language switch of the figures, and glyph coverage.

* ``rmsviz.set_language("ko")`` makes figures built afterwards use ``font.family`` = [DejaVu Sans,
  Rmsviz Hangul] (``rmsviz.style.language_rc``): Hangul from the shipped NanumGothic subset
  (``rmsviz/fonts/RmsvizHangul.ttf``, ``tools/make_korean_font.py``), everything else as in
  English; the font is registered with matplotlib once; ``set_language("en")`` gives back the
  English figures pixel for pixel.
* A "Glyph ... missing from font(s)" warning is an error under pytest (``pyproject.toml``).
* Every character of every Korean translation (``rmsviz/locale/ko/LC_MESSAGES/rmsviz.po``) and of
  the markdown and text outputs of the Korean notebooks (``notebooks/ko``) is in one of the fonts of
  that list (their ``cmap`` tables, read with fontTools), so a new translation cannot bring a
  character that would be drawn as an empty box.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

import nbformat
import numpy as np
import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from PIL import Image

import rmsviz
from rmsviz import style
from rmsviz.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "ko" / "LC_MESSAGES" / "rmsviz.po"
KOREAN_NOTEBOOKS = ROOT / "notebooks" / "ko"
IGNORED = set("\n\r\t")  # line breaks and tabs are laid out, not drawn


@pytest.fixture
def korean():
    before = rmsviz.get_language()
    rmsviz.set_language("ko")
    yield
    rmsviz.set_language(before)


@lru_cache(maxsize=None)
def fallback_chain() -> tuple[tuple[str, frozenset], ...]:
    """(family, the characters its font has) for each font of the Korean ``font.family``, as
    matplotlib resolves them (no silent fallback to another font)."""
    chain = []
    for family in style.language_rc("ko")["font.family"]:
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        chain.append((family, frozenset(chr(c) for c in TTFont(path, lazy=True).getBestCmap())))
    return tuple(chain)


def undrawable(texts) -> dict[str, str]:
    """Characters of ``texts`` no font of the chain has -> the first text holding each."""
    covered = frozenset().union(*(chars for _family, chars in fallback_chain()))
    found = {}
    for text in texts:
        for ch in set(text) - covered - IGNORED:
            found.setdefault(ch, text)
    return found


def describe(found: dict[str, str]) -> str:
    return "\n".join(f"  U+{ord(ch):04X} {ch!r} in {text[:80]!r}" for ch, text in sorted(found.items()))


def test_the_korean_fonts_are_the_shipped_font_after_dejavu():
    assert style.language_rc("en") == {}
    families = style.language_rc("ko")["font.family"]
    assert families == ["DejaVu Sans", "Rmsviz Hangul"]
    shipped = font_manager.findfont(font_manager.FontProperties(family="Rmsviz Hangul"), fallback_to_default=False)
    assert Path(shipped) == style.font_path("ko") and style.font_path("ko").exists()
    hangul = dict(fallback_chain())["Rmsviz Hangul"]
    assert {"가", "힣", "ㄱ", "A", "1"} <= hangul  # the syllables, the jamo and ASCII
    assert "가" not in dict(fallback_chain())["DejaVu Sans"]


def test_the_font_is_registered_once():
    style.language_rc("ko")
    style.language_rc("ko")
    entries = [f for f in font_manager.fontManager.ttflist if f.name == "Rmsviz Hangul"]
    assert sorted(f.weight for f in entries) == [400, 700]  # the regular file and the bold file
    assert {Path(f.fname).name for f in entries} == {"RmsvizHangul.ttf", "RmsvizHangul-Bold.ttf"}


def test_a_missing_glyph_is_an_error_under_pytest():
    with pytest.raises(UserWarning, match="missing from font"):
        warnings.warn("Glyph 54620 (\\N{HANGUL SYLLABLE HAN}) missing from font(s) DejaVu Sans.", UserWarning)


def test_korean_figures_draw_hangul_and_english_comes_back_unchanged(korean):
    from rmsviz.panels.rms import RMSPanel

    def pixels():
        return np.asarray(Image.open(io.BytesIO(RMSPanel().image.value)))

    rmsviz.set_language("en")
    english = pixels()
    assert style.current_style() is style.STYLES["default"]
    rmsviz.set_language("ko")
    assert style.current_style().language == "ko"
    with warnings.catch_warnings():
        # a font problem is an error; other libraries' warnings (ipywidgets 7.7, on Colab's stack,
        # says ipykernel.comm.Comm is deprecated) are not what this test checks
        warnings.filterwarnings("error", message=".*(missing from font|findfont|font family).*")
        korean_pixels = pixels()
        rmsviz.set_style("projector")
        try:
            assert style.current_style().language == "ko" and style.current_style().name == "projector"
            RMSPanel().figure.render()
        finally:
            rmsviz.set_style("default")
    assert korean_pixels.shape == english.shape
    rmsviz.set_language("en")
    assert np.array_equal(pixels(), english), "the English figure changed after a Korean one"


def test_a_figure_built_outside_the_style_gets_the_font_when_shown(korean):
    from matplotlib.figure import Figure

    from rmsviz.figures import show

    fig = Figure()
    fig.subplots().set_title("제곱의 평균")
    with warnings.catch_warnings():
        # a font problem is an error; other libraries' warnings (ipywidgets 7.7, on Colab's stack,
        # says ipykernel.comm.Comm is deprecated) are not what this test checks
        warnings.filterwarnings("error", message=".*(missing from font|findfont|font family).*")
        show(fig, "제곱의 평균")
    assert fig.axes[0].title.get_fontfamily() == ["DejaVu Sans", "Rmsviz Hangul"]


def test_every_character_of_the_korean_catalogue_has_a_glyph():
    assert PO.exists(), f"{PO.relative_to(ROOT)} is missing (the Korean catalogue)"
    with PO.open("rb") as f:
        catalog = read_po(f)
    strings = [m.string for m in catalog if m.id and m.string]
    assert strings, "the Korean catalogue has no translation"
    found = undrawable(strings)
    assert not found, ("characters of Korean translations that no figure font has (drawn as an empty "
                       f"box; fonts {[f for f, _c in fallback_chain()]}):\n" + describe(found))


def notebook_texts(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    texts = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append("".join(output.get("text", "")))
            for mime in ("text/plain", "text/markdown", "text/html"):
                value = output.get("data", {}).get(mime)
                if value:
                    texts.append("".join(value))
    return texts


def test_every_character_of_the_korean_notebooks_has_a_glyph():
    paths = sorted(KOREAN_NOTEBOOKS.rglob("*.ipynb"))
    if not paths:
        pytest.skip("no Korean notebooks (notebooks/ko) yet; tests/test_editions.py fails under CI then")
    problems = []
    for path in paths:
        if found := undrawable(notebook_texts(path)):
            problems.append(f"{path.relative_to(ROOT)}:\n{describe(found)}")
    assert not problems, "characters no figure font has:\n" + "\n".join(problems)


def test_the_coverage_check_finds_a_character_without_a_glyph():
    assert undrawable(["평균제곱근 √x², ε", "줄\n바꿈"]) == {}
    assert set(undrawable(["사과 🍎", "漢字"])) == {"🍎", "漢", "字"}
