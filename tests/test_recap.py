"""The one-page recap (tools/make_recap.py): docs/recap.md is what the package gives now, its
numbers are the package's, a false identity stops it, its strings go through the language
catalogue, and the printable page is one A4 page of real text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rmsviz import i18n
from rmsviz.experiments import eps as eps_exp
from rmsviz.experiments import invariance

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_recap  # noqa: E402


def recap_folder(language: str) -> Path:
    """docs/ for English, docs/<language>/ for a translated recap."""
    return ROOT / "docs" if language == i18n.SOURCE_LANGUAGE else ROOT / "docs" / language


@pytest.mark.parametrize("language", i18n.available_languages())
def test_docs_recap_md_is_up_to_date(language):
    """Byte for byte what the generator writes now, in every language with a catalogue (run
    python tools/make_recap.py [--language ko] after a change)."""
    committed = (recap_folder(language) / "recap.md").read_bytes()
    i18n.set_language(language)
    try:
        assert committed == make_recap.markdown().encode("utf-8")
    finally:
        i18n.set_language(i18n.SOURCE_LANGUAGE)


def test_check_mode_says_whether_the_recap_is_up_to_date(tmp_path, monkeypatch):
    assert make_recap.main(["--check"]) == 0
    monkeypatch.setattr(make_recap, "DOCS", tmp_path)
    (tmp_path / "recap.md").write_text(make_recap.markdown().replace("0.707", "0.700"), encoding="utf-8")
    assert make_recap.main(["--check"]) == 1


def test_the_numbers_are_the_packages():
    text = make_recap.markdown()
    table = invariance.invariance_table()
    for name in invariance.NORM_NAMES:
        row = "| " + " | ".join([name] + ["✓" if t else "✗" for t in table.computed[name]]) + " |"
        assert row in text
    assert f"{eps_exp.torch_default_eps('float32'):.2e}" == "1.19e-07"
    assert "machine epsilon of float32, 1.19e-07" in text
    assert "| 30.000 | 25.000 + 5.000 | holds |" in text
    assert "[0.365, 0.730, 1.095, 1.461]" in text  # RMSNorm([2, 4, 6, 8]) = x / sqrt(30)
    assert "sqrt(30) = 5.477" in text
    assert "from |x| = 256" in text and "255.875" in text and "4.00 for n = 4096" in text
    assert text.count("| holds |") == 6


def test_a_false_identity_stops_the_recap(monkeypatch):
    """The check can fail: a LayerNorm that divides by the sample std (n - 1) is not RMSNorm of
    the centred vector, and the generator refuses to print the identity."""
    def sample_std_layer_norm(x, eps=0.0):
        x = np.asarray(x, float)
        return (x - x.mean()) / x.std(ddof=1)

    monkeypatch.setattr(make_recap, "layer_norm", sample_std_layer_norm)
    with pytest.raises(AssertionError, match="LayerNorm"):
        make_recap.markdown()


def test_an_invariance_table_that_disagrees_with_the_paper_stops_the_recap(monkeypatch):
    monkeypatch.setitem(invariance.LAYERS, "RMSNorm", invariance.layer_norm_layer)
    with pytest.raises(AssertionError, match="invariance"):
        make_recap.markdown()


class Marked:
    """A stand-in catalogue that marks every string it translates."""

    def gettext(self, message):
        return f"«{message}»"


def test_reader_visible_strings_go_through_the_catalogue(monkeypatch):
    monkeypatch.setitem(i18n._state, "translation", Marked())
    text = make_recap.markdown()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings and all("«" in h for h in headings), headings
    assert "«holds»" in text and "«weight matrix re-scaling»" in text
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert bullets and all("«" in b for b in bullets), bullets


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="no catalogue"):
        make_recap.main(["--language", "xx"])
    assert i18n.get_language() == "en"


def test_the_printable_page_is_one_a4_page_of_real_text(tmp_path):
    written = make_recap.write(tmp_path)
    assert [p.name for p in written] == ["recap.md", "recap.pdf", "recap.png"]
    assert (tmp_path / "recap.md").read_text(encoding="utf-8") == make_recap.markdown()
    pdf = (tmp_path / "recap.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") <= 1
    assert b"/FontFile2" in pdf  # TrueType fonts embedded: the text is text, not curves
    image = Image.open(tmp_path / "recap.png")
    assert image.size == (1240, 1753)  # A4 at 150 dpi
    pixels = np.asarray(image)
    assert pixels.min() < 50 and (pixels < 128).mean() > 0.01  # text on it
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "recap.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        for needle in ("RMSNorm on one page", "1.19e-07", "255.875", "BatchNorm", "holds"):
            assert needle in text
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "recap.pdf")], capture_output=True, text=True,
                              check=True).stdout
        assert "Pages:           1" in info and "A4" in info


@pytest.mark.parametrize("language", i18n.available_languages())
def test_the_committed_pictures_exist(language):
    for name in ("recap.pdf", "recap.png"):
        assert (recap_folder(language) / name).stat().st_size > 10_000
