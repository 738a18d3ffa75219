"""Step-by-step tables of a computation, for display (layer: may import norms, examples).

Introduced in notebook 01 (square, mean, root) and used again in notebook 02 (divide). A
:class:`StepTable` renders as HTML in JupyterLab and as fixed-width text elsewhere; every number is
formatted explicitly, so the output is the same on every numpy version (nbval compares it).

The hand steps are computed exactly (squares, sums and means as fractions; roots in decimal
arithmetic with 40 significant digits and an exponent range far beyond float64's), so that any
finite input gives a table without overflow, inf or nan cells: the square of 1e308 is shown as
1e+616, the mean of [1e308, -1e308] is 0, and the spread of [1e-320, 0] is not mistaken for 0.
The last column (the normalised output) comes from :mod:`rmsviz.norms`, the functions the table
explains.
"""

from __future__ import annotations

import decimal
import html
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np

from rmsviz.audit import audit_steps
from rmsviz.formatting import display_width, fmt, pad
from rmsviz.i18n import N_, _
from rmsviz.norms import layer_norm, rms, rms_norm

__all__ = ["StepTable", "fmt", "layer_norm_steps", "rms_norm_steps", "rms_steps", "text_audit_table",
           "z_score_steps"]

#: Decimal arithmetic for roots and display: 40 significant digits, exponents far beyond float64's.
_CONTEXT = decimal.Context(prec=40, Emax=10**6, Emin=-10**6)

#: Numbers at least this large are shown in scientific notation (1e+09), not with every digit.
_LARGE = Decimal("1e9")


@dataclass
class StepTable:
    """A table of per-feature columns plus the statistics computed from them, one line each."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    results: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                       for row in self.rows)
        res = "".join(f"<li>{html.escape(k)} = <b>{html.escape(v)}</b></li>" for k, v in self.results)
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return (f"<p><b>{html.escape(self.title)}</b></p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table><ul>{res}</ul>{notes}")

    def __repr__(self) -> str:
        # display widths: a Hangul syllable (the source text's own words) takes two columns
        widths = [max(display_width(c), *(display_width(r[i]) for r in self.rows))
                  for i, c in enumerate(self.columns)]
        line = lambda cells: "  ".join(pad(v, w, ">") for v, w in zip(cells, widths))  # noqa: E731
        out = [self.title, line(self.columns), line(["-" * w for w in widths])]
        out += [line(r) for r in self.rows]
        out += [f"{k} = {v}" for k, v in self.results]
        out += self.notes
        return "\n".join(out)


def _decimal(value) -> Decimal:
    """``value`` (a Fraction, a Decimal or a float) as a Decimal of at most 40 significant digits."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        return _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    return Decimal(float(value))


def _root(value: Fraction) -> Decimal:
    """The square root of an exact non-negative fraction, to 40 significant digits."""
    return _CONTEXT.sqrt(_decimal(value))


def _show(value, digits: int) -> str:
    """A number for a table cell: ``digits`` decimals (30, 5.477), or scientific when it is huge or tiny.

    Numbers from 10**-digits up to 1e9 look as :func:`rmsviz.formatting.fmt` prints them; others keep
    ``digits`` significant decimals in scientific notation (1e+616, 7.071e-321) instead of turning
    into a row of digits or into 0.
    """
    d = _decimal(value)
    if d.is_zero():
        return "0"
    if Decimal(10) ** -digits <= abs(d) < _LARGE:
        return fmt(float(d), digits)
    mantissa, exponent = f"{d:.{digits}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent):+03d}"


def _vector(x) -> np.ndarray:
    """``x`` as a float64 vector, after the checks of :func:`rmsviz.rms` (ValueError/TypeError otherwise)."""
    rms(x)  # raises ValueError or TypeError naming the problem: empty, NaN, text, ...
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"x must be one vector (1-d), got shape {arr.shape}")
    return arr


def _exact(x: np.ndarray) -> list[Fraction]:
    return [Fraction(float(v)) for v in x]  # exact: every finite float is a fraction


def _vector_title(x: np.ndarray, digits: int) -> str:
    return "[" + ", ".join(_show(v, digits) for v in x) + "]"


def rms_steps(x, digits: int = 3) -> StepTable:
    """Square, mean, root: the RMS of a vector, RMS(x) = sqrt(mean(x_i**2)) (notebook 01)."""
    x = _vector(x)
    xs = _exact(x)
    squares = [v * v for v in xs]
    mean_square = sum(squares) / len(xs)
    return StepTable(
        title=_("RMS of {x}").format(x=_vector_title(x, digits)),
        columns=[_("feature"), _("x"), _("x²  (1. square)")],
        rows=[[f"x{i + 1}", _show(v, digits), _show(s, digits)] for i, (v, s) in enumerate(zip(xs, squares))],
        results=[
            (_("2. mean of squares"), "({terms}) / {n} = {value}".format(
                terms=" + ".join(_show(s, digits) for s in squares), n=len(xs), value=_show(mean_square, digits))),
            (_("3. root"), "sqrt({ms}) = {root}".format(
                ms=_show(mean_square, digits), root=_show(_root(mean_square), digits))),
        ],
    )


def rms_norm_steps(x, eps: float = 0.0, digits: int = 3) -> StepTable:
    """Square, mean, root, divide: RMSNorm(x) = x / sqrt(mean(x**2) + eps) (notebook 02)."""
    x = _vector(x)
    y = rms_norm(x, eps=eps)  # also checks eps
    xs = _exact(x)
    mean_square = sum(v * v for v in xs) / len(xs)
    denom = _root(mean_square + Fraction(float(eps)))
    rows = [[f"x{i + 1}", _show(v, digits), _show(v * v, digits),
             f"{_show(v, digits)} / {_show(denom, digits)}", _show(out, digits)]
            for i, (v, out) in enumerate(zip(xs, y))]
    eps_part = f" + {eps:g}" if eps else ""
    return StepTable(
        title=_("RMSNorm of {x}").format(x=_vector_title(x, digits)),
        columns=[_("feature"), _("x"), _("1. x²"), _("4. x / RMS"), _("y")],
        rows=rows,
        results=[
            (_("2. mean of squares"), _show(mean_square, digits)),
            (_("3. RMS = sqrt(mean of squares{eps})").format(eps=eps_part), _show(denom, digits)),
            (_("check: RMS of y"), _show(float(rms(y)), digits)),
        ],
    )


def _centred(x: np.ndarray) -> tuple[list[Fraction], Fraction, list[Fraction], Fraction]:
    """The values, their mean, the deviations from it and the sum of squared deviations, exactly."""
    xs = _exact(x)
    mean = sum(xs) / len(xs)
    deviations = [v - mean for v in xs]
    return xs, mean, deviations, sum(d * d for d in deviations)


def _centred_table(title, xs, deviations, std, y, digits, results) -> StepTable:
    """The rows shared by every mean-centred table: x, x - mean, its square, the division, y."""
    rows = [[f"x{i + 1}", _show(v, digits), _show(d, digits), _show(d * d, digits),
             f"{_show(d, digits)} / {_show(std, digits)}", _show(out, digits)]
            for i, (v, d, out) in enumerate(zip(xs, deviations, y))]
    return StepTable(title=title, columns=[_("feature"), _("x"), _("1. x - mean"), _("2. (x - mean)²"),
                                           _("5. divide"), _("y")],
                     rows=rows, results=results)


def layer_norm_steps(x, eps: float = 0.0, digits: int = 3) -> StepTable:
    """Centre, square, mean, root, divide: the z-score LayerNorm(x) = (x - mean) / std (notebook 02)."""
    x = _vector(x)
    y = layer_norm(x, eps=eps)  # also checks eps
    xs, mean, deviations, sum_squares = _centred(x)
    var = sum_squares / len(xs)
    std = _root(var + Fraction(float(eps)))
    return _centred_table(
        _("LayerNorm (z-score) of {x}").format(x=_vector_title(x, digits)), xs, deviations, std, y, digits,
        results=[
            (_("mean"), _show(mean, digits)),
            (_("3. variance (mean of squared deviations, 1/n)"), _show(var, digits)),
            (_("4. standard deviation"), _show(std, digits)),
        ],
    )


def z_score_steps(x, ddof: int = 1, digits: int = 3) -> StepTable:
    """The z-score with the sample standard deviation, (x - mean) / s, s² = sum((x - mean)²) / (n - ddof).

    Not a normalisation the series recommends: it is what the source text computes for
    [2, 4, 6, 8] (its "std 2.58" is the sample std, ddof = 1). ``ddof=0`` gives LayerNorm's z-score
    (the same numbers as :func:`layer_norm_steps`). Notebook 02.
    """
    if isinstance(ddof, bool) or ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 (population) or 1 (sample), got {ddof!r}")
    x = _vector(x)
    if x.size <= ddof:
        raise ValueError(f"x must be a vector with more than {ddof} entries, got shape {x.shape}")
    if np.all(x == x[0]):
        raise ValueError("x is constant: its standard deviation is 0 and the z-score is undefined")
    xs, mean, deviations, sum_squares = _centred(x)
    std = _root(sum_squares / (len(xs) - ddof))
    y = [_CONTEXT.divide(_decimal(d), std) for d in deviations]
    which = _("sample, 1/(n-1)") if ddof else _("population, 1/n")
    return _centred_table(
        _("z-score with the {which} std of {x}").format(which=which, x=_vector_title(x, digits)),
        xs, deviations, std, y, digits,
        results=[
            (_("mean"), _show(mean, digits)),
            (_("3. sum of squared deviations"), _show(sum_squares, digits)),
            (_("4. std = sqrt({ss} / {n})").format(ss=_show(sum_squares, digits), n=len(xs) - ddof),
             _show(std, digits)),
        ],
    )


def _cell(value, digits: int) -> str:
    """A recomputed value for the audit table, two decimals more than printed; "-" for none."""
    return "-" if value is None else f"{value:.{digits + 2}f}"


#: The readable name of each of the source text's worked examples, for the table's title.
_EXAMPLE_TITLES = {
    "vector": N_("The source text's vector worked example"),
    "apples": N_("The source text's apples worked example"),
}


def text_audit_table(example: str) -> StepTable:
    """The source text's worked example, line by line (notebook 02).

    ``example`` is ``"vector"`` ([2, 4, 6, 8]) or ``"apples"``. Columns: what the text printed;
    the line recomputed from the numbers the text printed before it ("-" where the text gives no
    working); the same line of the text's recipe, a z-score with the population std, recomputed
    from the data (still not RMSNorm); what RMSNorm computes at that step ("-" where it has no
    such step); and the kind of line (right, a convention, an arithmetic error, or it follows
    from an earlier line). Under the table: the arithmetic errors, the conventions, how many
    lines compute RMSNorm, and a note per line that needs one.
    """
    audited = audit_steps(example)
    rows = []
    for a in audited:
        s = a.step
        rows.append([s.id, s.korean, s.label(), f"{s.printed:.{s.digits}f}", _cell(a.from_text, s.digits),
                     _cell(a.correct, s.digits), _cell(a.rms_norm, s.digits), a.status])
    errors = [a.step.id for a in audited if a.kind == "error"]
    conventions = [a.step.id for a in audited if a.kind == "convention"]
    n_rms_norm = sum(1 for a in audited if a.computes_rms_norm)
    none = _("none")
    results = [
        (_("arithmetic errors"), ", ".join(errors) or none),
        (_("conventions, not errors"), ", ".join(conventions) or none),
        (_("lines that compute RMSNorm"), _("{count} of {total}").format(count=n_rms_norm, total=len(rows))),
    ]
    notes = [_("{line}: {note}").format(line=a.step.id, note=_(a.step.note)) for a in audited if a.step.note]
    return StepTable(
        title=_("{example}, recomputed").format(example=_(_EXAMPLE_TITLES[example])),
        columns=[_("line"), _("the text (Korean)"), _("what it computes"), _("printed"),
                 _("from its own lines"), _("the text's recipe, recomputed (still not RMSNorm)"),
                 _("RMSNorm at this step"), _("status")],
        rows=rows,
        results=results,
        notes=notes,
    )
