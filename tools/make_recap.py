"""Build the one-page recap of the series from the rmsviz package: ``docs/recap.md``, and a
printable ``docs/recap.pdf`` and ``docs/recap.png`` with the same content.

    python tools/make_recap.py                  # write docs/recap.md, .pdf and .png
    python tools/make_recap.py --check          # exit 1 if docs/recap.md is not what the package gives
    python tools/make_recap.py --language ko    # the same recap in Korean, in docs/ko/

Every number on the page is computed here by the package (the identities on [2, 4, 6, 8], the
invariance table, eps and float16 figures), so the recap cannot drift from the code: an identity
that does not hold stops the script. Every string a reader sees goes through ``rmsviz.i18n``.
Notebook 00 links to the recap; ``tests/test_recap.py`` checks that ``docs/recap.md`` is up to date.
"""

from __future__ import annotations

import argparse
import io
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rmsviz import i18n, layer_norm, rms, rms_norm, rms_norm_backward  # noqa: E402
from rmsviz.examples import SEED_VECTOR  # noqa: E402
from rmsviz.experiments import eps as eps_exp  # noqa: E402
from rmsviz.experiments import invariance, models, precision  # noqa: E402
from rmsviz.i18n import N_, _  # noqa: E402

DOCS = ROOT / "docs"
#: The vector every identity is checked on: the source text's own example.
X = SEED_VECTOR
#: Features of the float16-sum example (a Llama-sized hidden vector).
N_FEATURES = 4096


@dataclass(frozen=True)
class Formula:
    name: str
    latex: str  # LaTeX that both GitHub's math and matplotlib's mathtext render
    note: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple
    rows: tuple
    note: str = ""
    math_column: int | None = None  # a column of LaTeX


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    items: tuple = field(default_factory=tuple)  # Formula, Table or str (a bullet)


# -- numbers, from the package -------------------------------------------------------------------

def _holds(left, right, tol=1e-12) -> bool:
    return bool(np.allclose(np.asarray(left, float), np.asarray(right, float), rtol=tol, atol=tol))


def _vector(v) -> str:
    return "[" + ", ".join(f"{float(a):.3f}" for a in np.ravel(v)) + "]"


def _check(name: str, left, right) -> str:
    """"holds" (translated) if ``left`` equals ``right``; stops the recap otherwise."""
    if not _holds(left, right):
        raise AssertionError(f"the identity {name} does not hold on {X.tolist()}: {left} != {right}")
    return _("holds")


def dominance_rms(eps: float) -> float:
    """The input RMS below which eps dominates (eps inside the root): notebook 05."""
    return float(eps_exp.dominance_rms(eps, "inside"))


def float16_sum_overflow_rms(n: int) -> float:
    """The input RMS at which a float16 sum of the n squares overflows: notebook 05."""
    return float(precision.sum_overflow_rms(n))


def identities() -> Table:
    x = X
    mean, var, std = float(np.mean(x)), float(np.var(x)), float(np.std(x))
    r = float(rms(x))
    centred = x - mean
    ln = layer_norm(x, eps=0.0)
    rn_centred = rms_norm(centred, eps=0.0)
    y = rms_norm(x, eps=0.0)
    grad_along_x = rms_norm_backward(x, x, eps=0.0)[0]  # J x (J is symmetric)
    along = float(np.max(np.abs(grad_along_x)))
    rows = (
        (r"\mathrm{RMS}(x)^2 = \mathrm{mean}(x)^2 + \mathrm{var}(x)",
         f"{r ** 2:.3f}", f"{mean ** 2:.3f} + {var:.3f}", _check("RMS^2", r ** 2, mean ** 2 + var)),
        (r"\mathrm{std}(x) = \mathrm{RMS}(x - \mathrm{mean}(x))",
         f"{std:.3f}", f"{float(rms(centred)):.3f}", _check("std", std, rms(centred))),
        (r"\mathrm{LayerNorm}(x) = \mathrm{RMSNorm}(x - \mathrm{mean}(x))",
         _vector(ln), _vector(rn_centred), _check("LayerNorm", ln, rn_centred)),
        (r"\mathrm{RMS}(\mathrm{RMSNorm}(x)) = 1",
         f"{float(rms(y)):.3f}", "1", _check("RMS 1", rms(y), 1.0)),
        (r"\mathrm{RMSNorm}(x) = x\, /\, \mathrm{RMS}(x)",
         _vector(y), _vector(x / r), _check("one division", y, x / r)),
        (r"J\, x = 0 \quad (\varepsilon = 0)",
         _("max |J x| < 1e-12") if along < 1e-12 else f"{along:.1e}", "0", _check("J x", along, 0.0)),
    )
    header = (_("identity"), _("left side"), _("right side"), _("check"))
    note = _("x = {x}, eps = 0, no gain; RMS(x) = sqrt({ms}) = {r}, mean {mean}, population "
             "variance {var} (divide by n).").format(
        x=_vector(x).replace(".000", ""), ms=f"{r ** 2:.0f}", r=f"{r:.3f}", mean=f"{mean:g}",
        var=f"{var:g}")
    return Table(header, rows, note, math_column=0)


def invariance_section_table() -> Table:
    table = invariance.invariance_table()
    if not table.agrees:
        raise AssertionError(f"the computed invariance table disagrees with the paper: "
                             f"{table.disagreements()}")
    header = (_("norm"),) + tuple(_(c) for c in invariance.COLUMNS)
    rows = tuple((name,) + tuple("✓" if tick else "✗" for tick in table.computed[name])
                 for name in invariance.NORM_NAMES)
    note = _("✓ = output unchanged. Computed by rmsviz.experiments.invariance on a seeded random "
             "layer; it agrees with the paper's Table 1. RMSNorm and LayerNorm differ only in "
             "weight matrix re-centring.")
    return Table(header, rows, note)


def defaults_section_items() -> tuple:
    torch_eps = eps_exp.torch_default_eps("float32")
    llama = [m for m in models.MODELS if m["eps"] is not None]
    # model names are proper names; the one description among them is in the catalogue
    rows = tuple((_(m["model"]), f"{m['eps']:.0e}", _(m["where"])) for m in llama)
    rows += ((_(next(m["model"] for m in models.MODELS if m["eps"] is None)),
              _("None = {eps}").format(eps=f"{torch_eps:.2e}"), _("inside")),)
    # at RMS = sqrt(eps) the mean of squares equals eps: the output RMS is 1/sqrt(2)
    eps = 1e-6
    x_at = X / float(rms(X)) * dominance_rms(eps)
    out_rms = float(rms(eps_exp.normalize(x_at, eps=eps, where="inside")))
    f16_max = float(np.finfo(np.float16).max)
    square_from = precision.square_overflow_threshold()
    safe = precision.largest_safe_square()
    sum_rms = float16_sum_overflow_rms(N_FEATURES)
    bullets = (
        _("eps goes inside the root in PyTorch, Llama, T5 and Hugging Face; the paper's own code "
          "adds it outside, to the RMS."),
        _("Since January 2025, PyTorch's eps=None means the machine epsilon of float32, {eps}, for float16, bfloat16 "
          "and float32 inputs.").format(eps=f"{torch_eps:.2e}"),
        _("eps dominates when RMS(x) is about sqrt(eps): {at} for eps = 1e-6, {at5} for 1e-5, {att} "
          "for PyTorch's default. There the output RMS is {out}, not 1.").format(
            at=f"{dominance_rms(1e-6):.1e}", at5=f"{dominance_rms(1e-5):.1e}",
            att=f"{dominance_rms(torch_eps):.1e}", out=f"{out_rms:.3f}"),
        _("float16 holds at most {max}: x² overflows from |x| = {first} (the largest safe |x| is "
          "{safe}); a float16 sum of n squares overflows once RMS(x) > 256/sqrt(n), {sum} for "
          "n = {n}.").format(max=f"{f16_max:.0f}", first=f"{square_from:g}", safe=f"{safe:g}",
                             sum=f"{sum_rms:.2f}", n=N_FEATURES),
        _("So accumulate in float32: square, sum and divide in float32, and cast the result back "
          "(as rmsviz.rms_norm and PyTorch do)."),
    )
    table = Table((_("model or library"), "eps", _("where")), rows,
                  _("From rmsviz.experiments.models (released configs and constructor defaults)."))
    return bullets + (table,)


FORMULAS = (
    (N_("RMS"), r"\mathrm{RMS}(x) = \sqrt{\frac{1}{n}\sum_{i=1}^{n} x_i^2}", ""),
    (N_("RMSNorm"), r"\mathrm{RMSNorm}(x) = \frac{x}{\sqrt{\mathrm{mean}(x^2) + \varepsilon}} \odot g",
     N_("eps inside the root; no mean subtracted; no bias")),
    (N_("LayerNorm"),
     r"\mathrm{LayerNorm}(x) = \frac{x - \mathrm{mean}(x)}{\sqrt{\mathrm{var}(x) + \varepsilon}} \odot g + b",
     N_("var divides by n: the population variance")),
    (N_("pRMSNorm"),
     r"\mathrm{pRMSNorm}(x) = \frac{x}{\sqrt{\mathrm{mean}(x_1^2, \ldots, x_k^2) + \varepsilon}} \odot g,"
     r"\quad k = \lceil n\,p \rceil",
     N_("the RMS estimated from the first k features")),
    (N_("Jacobian"),
     r"\frac{\partial y}{\partial x} = \frac{1}{r}\left(I - \frac{y\, y^{\top}}{n}\right),"
     r"\quad r = \sqrt{\mathrm{mean}(x^2) + \varepsilon},\ y = x / r",
     N_("times diag(g); gradients through the norm scale as 1/c when x becomes c x")),
)


def recap_sections() -> tuple:
    """The recap's content, computed now by the package, in the current language."""
    formulas = tuple(Formula(_(name), latex, _(note) if note else "") for name, latex, note in FORMULAS)
    return (
        Section(_("1. Formulas"),
                _("For one example x with n features, eps >= 0, a gain g and a bias b (one per "
                  "feature). The statistics are taken across the features of one example, never "
                  "across a batch."),
                formulas),
        Section(_("2. Identities, checked on the source text's vector"), "", (identities(),)),
        Section(_("3. Invariance (Zhang and Sennrich 2019, Table 1), recomputed"), "",
                (invariance_section_table(),)),
        Section(_("4. Practical defaults"), "", defaults_section_items()),
    )


# -- Markdown ------------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(sections=None) -> str:
    sections = recap_sections() if sections is None else sections
    lines = [f"# {_('RMSNorm on one page')}", "",
             "<!-- " + _("Generated by tools/make_recap.py from the rmsviz package. Do not edit: "
                         "run python tools/make_recap.py.") + " -->", "",
             _("A recap of the series (notebooks 00 to 06). Printable: [recap.pdf](recap.pdf), "
               "[recap.png](recap.png). Every number below is computed by the rmsviz package."),
             ""]
    for section in sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        bullets = False
        for item in section.items:
            if isinstance(item, Formula):
                note = f" ({item.note})" if item.note else ""
                lines.append(f"- **{item.name}**: ${item.latex}${note}")
                bullets = True
            elif isinstance(item, str):
                lines.append(f"- {item}")
                bullets = True
            else:
                if bullets:
                    lines.append("")
                    bullets = False
                lines.append("| " + " | ".join(_md_cell(h) for h in item.header) + " |")
                lines.append("|" + "---|" * len(item.header))
                for row in item.rows:
                    cells = [f"${c}$" if j == item.math_column else _md_cell(c) for j, c in enumerate(row)]
                    lines.append("| " + " | ".join(cells) + " |")
                if item.note:
                    lines += ["", item.note]
                lines.append("")
        if bullets:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# -- the printable page ----------------------------------------------------------------------------

PAGE = (8.27, 11.69)  # A4 portrait, inches
MARGIN = 0.5
BODY = 8.5  # points


class _Page:
    """A cursor down an A4 figure: headings, wrapped paragraphs, formulas and tables as real text.
    Every line is measured after it is placed, so tall formulas push the next line down."""

    def __init__(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=PAGE, dpi=150)
        FigureCanvasAgg(self.fig)
        self.renderer = self.fig.canvas.get_renderer()
        self.y = MARGIN  # inches from the top
        self.width = PAGE[0] - 2 * MARGIN

    def text(self, x_in, s, size=BODY, **kw):
        """Place ``s`` with its top at the cursor; returns its height in inches."""
        artist = self.fig.text(x_in / PAGE[0], 1 - self.y / PAGE[1], s, fontsize=size, va="top", **kw)
        return artist.get_window_extent(self.renderer).height / self.fig.dpi

    def text_width(self, s, size, **kw) -> float:
        from matplotlib.font_manager import FontProperties

        width, _h, _d = self.renderer.get_text_width_height_descent(
            s, FontProperties(size=size, **kw), ismath=False)
        return width / self.fig.dpi

    def wrap(self, s, width_in, size, **kw) -> list[str]:
        """``s`` broken into lines no wider than ``width_in`` (measured in the page's font)."""
        lines, line = [], ""
        for word in s.split():
            candidate = f"{line} {word}".strip()
            if line and self.text_width(candidate, size, **kw) > width_in:
                lines.append(line)
                line = word
            else:
                line = candidate
        return lines + [line]

    def advance(self, points: float):
        self.y += points / 72

    def heading(self, s, size=11.5):
        self.advance(5)
        self.y += self.text(MARGIN, s, size=size, weight="bold")
        self.advance(4)

    def paragraph(self, s, indent=0.0, bullet=False, size=BODY):
        for k, line in enumerate(self.wrap(s, self.width - indent, size)):
            if bullet and k == 0:
                self.text(MARGIN + indent - 0.12, "•", size=size)
            self.text(MARGIN + indent, line, size=size)
            self.advance(size * 1.3)
        self.advance(2)

    def formula(self, item: Formula):
        self.text(MARGIN, item.name, size=BODY, weight="bold")
        self.y += self.text(MARGIN + 0.95, f"${item.latex}$", size=BODY + 1.5) + 2 / 72
        if item.note:
            self.y += self.text(MARGIN + 0.95, item.note, size=BODY - 0.5, color="0.3")
        self.advance(5)

    def table(self, item: Table, widths):
        x = [MARGIN + sum(widths[:j]) for j in range(len(widths))]
        size = BODY - 0.5
        tallest = 0.0
        for xj, w, h in zip(x, widths, item.header):
            lines = self.wrap(h, w - 0.08, size, weight="bold")
            tallest = max(tallest, self.text(xj, "\n".join(lines), size=size, weight="bold",
                                             linespacing=1.15))
        self.y += tallest + 2 / 72
        self.rule()
        for row in item.rows:
            tallest = 0.0
            for j, (xj, cell) in enumerate(zip(x, row)):
                tallest = max(tallest, self.text(xj, f"${cell}$" if j == item.math_column else cell,
                                                 size=size))
            self.y += tallest + size * 0.45 / 72
        self.rule()
        if item.note:
            self.advance(1)
            self.paragraph(item.note, size=size - 0.5)

    def rule(self):
        from matplotlib.lines import Line2D

        y = 1 - (self.y + 0.01) / PAGE[1]
        self.fig.add_artist(Line2D([MARGIN / PAGE[0], 1 - MARGIN / PAGE[0]], [y, y], lw=0.5, color="0.6"))
        self.advance(4)


def page(sections=None):
    """The recap as one A4 matplotlib figure (real text; numbers as in the Markdown)."""
    sections = recap_sections() if sections is None else sections
    p = _Page()
    p.y += p.text(MARGIN, _("RMSNorm on one page"), size=17, weight="bold")
    p.advance(6)
    p.paragraph(_("A recap of the rmsviz series (notebooks 00 to 06). Every number is computed by "
                  "the rmsviz package (tools/make_recap.py)."), size=BODY)
    for section in sections:
        p.heading(section.title)
        if section.intro:
            p.paragraph(section.intro)
        for item in section.items:
            if isinstance(item, Formula):
                p.formula(item)
            elif isinstance(item, str):
                p.paragraph(item, indent=0.15, bullet=True)
            elif item.math_column is not None:
                p.table(item, (2.9, 1.8, 1.8, p.width - 6.5))
            elif len(item.header) == 7:
                p.table(item, (1.1,) + ((p.width - 1.1) / 6,) * 6)
            else:
                p.table(item, (3.2, 1.6, p.width - 4.8))
    if p.y > PAGE[1] - MARGIN / 2:
        raise AssertionError(f"the recap does not fit on one page ({p.y:.2f} in of {PAGE[1]} in)")
    return p.fig


def write(out_dir: Path, pictures: bool = True) -> list[Path]:
    """Write recap.md (and recap.pdf, recap.png) into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sections = recap_sections()
    written = [out_dir / "recap.md"]
    written[0].write_text(markdown(sections), encoding="utf-8")
    if pictures:
        import matplotlib

        from PIL import Image

        from rmsviz.style import language_rc

        # the language's fonts while the page is laid out (texts are measured as they are placed)
        with matplotlib.rc_context(language_rc(i18n.get_language())):
            fig = page(sections)
        # TrueType fonts in the PDF (its text can be selected and searched); no creation date
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            fig.savefig(out_dir / "recap.pdf", metadata={"CreationDate": None, "Creator": "rmsviz"})
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        # the page is black and grey: one grey channel keeps every pixel and a third of the bytes
        Image.open(buffer).convert("L").save(out_dir / "recap.png", optimize=True)
        written += [out_dir / "recap.pdf", out_dir / "recap.png"]
    return written


def output_dir(language: str) -> Path:
    return DOCS if language == i18n.SOURCE_LANGUAGE else DOCS / language


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default=i18n.SOURCE_LANGUAGE, help="en (default), ko, ...")
    parser.add_argument("--check", action="store_true",
                        help="only compare recap.md with what the package gives; exit 1 if it differs")
    args = parser.parse_args(argv)
    language = i18n.set_language(args.language)
    out = output_dir(language)
    recap = out / "recap.md"
    shown = recap.relative_to(ROOT) if ROOT in recap.parents else recap
    if args.check:
        current = recap.read_text(encoding="utf-8") if recap.exists() else None
        if current != markdown():
            print(f"{shown} is out of date: run python tools/make_recap.py"
                  + (f" --language {language}" if language != i18n.SOURCE_LANGUAGE else ""))
            return 1
        print(f"{shown} is up to date")
        return 0
    for path in write(out):
        print(f"wrote {path.relative_to(ROOT) if ROOT in path.parents else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
