"""Step-by-step tables of a computation, for display (layer: may import norms).

Introduced in notebook 01 (square, mean, root) and used again in notebook 02 (divide). A
:class:`StepTable` renders as HTML in JupyterLab and as fixed-width text elsewhere; every number is
formatted explicitly, so the output is the same on every numpy version (nbval compares it).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from rmsviz.audit import audit_steps
from rmsviz.formatting import fmt
from rmsviz.norms import layer_norm, rms, rms_norm


@dataclass
class StepTable:
    """A table of per-feature columns plus the statistics computed from them, one line each."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    results: list[tuple[str, str]] = field(default_factory=list)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                       for row in self.rows)
        res = "".join(f"<li>{html.escape(k)} = <b>{html.escape(v)}</b></li>" for k, v in self.results)
        return (f"<p><b>{html.escape(self.title)}</b></p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table><ul>{res}</ul>")

    def __repr__(self) -> str:
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]
        line = lambda cells: "  ".join(v.rjust(w) for v, w in zip(cells, widths))  # noqa: E731
        out = [self.title, line(self.columns), line(["-" * w for w in widths])]
        out += [line(r) for r in self.rows]
        out += [f"{k} = {v}" for k, v in self.results]
        return "\n".join(out)


def rms_steps(x, digits: int = 3) -> StepTable:
    """Square, mean, root: the RMS of a vector, RMS(x) = sqrt(mean(x_i**2)) (notebook 01)."""
    x = np.asarray(x, dtype=float)
    value = float(rms(x))
    rows = [[f"x{i + 1}", fmt(v, digits), fmt(v * v, digits)] for i, v in enumerate(x)]
    return StepTable(
        title=f"RMS of {[fmt(v, digits) for v in x]}".replace("'", ""),
        columns=["feature", "x", "x²  (1. square)"],
        rows=rows,
        results=[
            ("2. mean of squares", f"({' + '.join(fmt(v * v, digits) for v in x)}) / {x.size} "
                                   f"= {fmt(value**2, digits)}"),
            ("3. root", f"sqrt({fmt(value**2, digits)}) = {fmt(value, digits)}"),
        ],
    )


def rms_norm_steps(x, eps: float = 0.0, digits: int = 3) -> StepTable:
    """Square, mean, root, divide: RMSNorm(x) = x / sqrt(mean(x**2) + eps) (notebook 02)."""
    x = np.asarray(x, dtype=float)
    y = rms_norm(x, eps=eps)
    ms = float(rms(x)) ** 2
    denom = float(np.sqrt(ms + eps))
    rows = [[f"x{i + 1}", fmt(v, digits), fmt(v * v, digits), f"{fmt(v, digits)} / {fmt(denom, digits)}",
             fmt(out, digits)] for i, (v, out) in enumerate(zip(x, y))]
    eps_part = f" + {eps:g}" if eps else ""
    return StepTable(
        title=f"RMSNorm of {[fmt(v, digits) for v in x]}".replace("'", ""),
        columns=["feature", "x", "1. x²", "4. x / RMS", "y"],
        rows=rows,
        results=[
            ("2. mean of squares", fmt(ms, digits)),
            ("3. RMS = sqrt(mean of squares" + eps_part + ")", fmt(denom, digits)),
            ("check: RMS of y", fmt(float(rms(y)), digits)),
        ],
    )


def _centred_table(title, x, d, std, y, digits, results) -> StepTable:
    """The rows shared by every mean-centred table: x, x - mean, its square, the division, y."""
    rows = [[f"x{i + 1}", fmt(v, digits), fmt(dv, digits), fmt(dv * dv, digits),
             f"{fmt(dv, digits)} / {fmt(std, digits)}", fmt(out, digits)]
            for i, (v, dv, out) in enumerate(zip(x, d, y))]
    return StepTable(title=title, columns=["feature", "x", "1. x - mean", "2. (x - mean)²", "5. divide", "y"],
                     rows=rows, results=results)


def layer_norm_steps(x, eps: float = 0.0, digits: int = 3) -> StepTable:
    """Centre, square, mean, root, divide: the z-score LayerNorm(x) = (x - mean) / std (notebook 02)."""
    x = np.asarray(x, dtype=float)
    mean = float(np.mean(x))
    d = x - mean
    var = float(np.mean(d * d))
    std = float(np.sqrt(var + eps))
    y = layer_norm(x, eps=eps)
    return _centred_table(
        f"LayerNorm (z-score) of {[fmt(v, digits) for v in x]}".replace("'", ""), x, d, std, y, digits,
        results=[
            ("mean", fmt(mean, digits)),
            ("3. variance (mean of squared deviations, 1/n)", fmt(var, digits)),
            ("4. standard deviation", fmt(std, digits)),
        ],
    )


def z_score_steps(x, ddof: int = 1, digits: int = 3) -> StepTable:
    """The z-score with the sample standard deviation, (x - mean) / s, s² = sum((x - mean)²) / (n - ddof).

    Not a normalisation the series recommends: it is what the source text computes for
    [2, 4, 6, 8] (its "std 2.58" is the sample std, ddof = 1). ``ddof=0`` gives LayerNorm's z-score
    (the same numbers as :func:`layer_norm_steps`). Notebook 02.
    """
    x = np.asarray(x, dtype=float)
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 (population) or 1 (sample), got {ddof!r}")
    if x.ndim != 1 or x.size <= ddof:
        raise ValueError(f"x must be a vector with more than {ddof} entries, got shape {x.shape}")
    mean = float(np.mean(x))
    d = x - mean
    ss = float(np.sum(d * d))
    std = float(np.sqrt(ss / (x.size - ddof)))
    if std == 0:
        raise ValueError("x is constant: its standard deviation is 0 and the z-score is undefined")
    which = "sample, 1/(n-1)" if ddof else "population, 1/n"
    return _centred_table(
        f"z-score with the {which} std of {[fmt(v, digits) for v in x]}".replace("'", ""),
        x, d, std, d / std, digits,
        results=[
            ("mean", fmt(mean, digits)),
            ("3. sum of squared deviations", fmt(ss, digits)),
            (f"4. std = sqrt({fmt(ss, digits)} / {x.size - ddof})", fmt(std, digits)),
        ],
    )


def text_audit_table(example: str) -> StepTable:
    """The source text's worked example, line by line: printed, recomputed, correct (notebook 02).

    ``example`` is ``"vector"`` ([2, 4, 6, 8]) or ``"apples"``. "from its own lines" recomputes each
    line from the numbers the text printed before it; "correct" computes it from the data.
    """
    rows = []
    for a in audit_steps(example):
        s = a.step
        rows.append([s.id, s.korean, s.english, f"{s.printed:.{s.digits}f}",
                     f"{a.from_text:.{s.digits + 2}f}", f"{a.correct:.{s.digits + 2}f}",
                     a.status + (f" ({s.note})" if s.note else "")])
    n_slips = sum(1 for a in audit_steps(example) if not a.follows)
    n_wrong = sum(1 for a in audit_steps(example) if not a.is_correct)
    return StepTable(
        title=f"The source text's '{example}' example, recomputed",
        columns=["line", "the text (Korean)", "what it computes", "printed", "from its own lines",
                 "correct", "status"],
        rows=rows,
        results=[("lines that do not follow from the text's own numbers (slips)", str(n_slips)),
                 ("printed numbers that are wrong for the data", f"{n_wrong} of {len(rows)}")],
    )
