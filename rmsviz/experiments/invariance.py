"""The paper's invariance table (Zhang & Sennrich 2019, Table 1) recomputed (layer: norms only).

Introduced in notebook 03. A linear layer ``a = W x`` (W: n_out x n_in, one row per neuron) is
followed by a normalisation; a data set X holds one example per row, so the layer's pre-activations
are ``A = X @ W.T`` (examples x neurons). Each of six transformations is applied to W or to X, and a
cell is a tick when the normalised output is unchanged (to ``rtol=1e-9``):

====================================  ==================================================
weight-matrix re-scaling              W -> delta W                    (delta > 0 scalar)
weight-matrix re-centring             W -> W + 1 gamma^T              (same vector added to every row)
weight-vector re-scaling              w_i -> delta_i w_i              (one row, delta_i > 0)
dataset re-scaling                    X -> delta X                    (every example)
dataset re-centring                   X -> X + 1 gamma^T              (same vector added to every example)
single-example re-scaling             x_k -> delta x_k                (one example)
====================================  ==================================================

The normalisations (eps = 0, gains 1, biases 0):

* BatchNorm: ``(a_i - mean_batch(a_i)) / std_batch(a_i)`` per neuron, statistics over the examples;
* WeightNorm: ``a_i = w_i . x / |w_i|``;
* LayerNorm: ``layer_norm(a)`` over the neurons of one example;
* RMSNorm: ``rms_norm(a)``;
* pRMSNorm: ``partial_rms_norm(a, p)`` (RMS of the first ceil(n p) neurons).

:func:`invariance_table` computes every cell; :data:`PAPER_TABLE` is the paper's table; the result's
``agrees`` says whether they match. RMSNorm and pRMSNorm have the same row in the table, so the table
cannot tell those two apart; every other swap of two norms changes at least one cell.

The two re-centring columns differ in which way the shift runs (:func:`pre_activation_change`):
re-centring W adds ``gamma . x`` to every neuron of an example (one number per example, which
LayerNorm's mean along the row removes); re-centring X adds ``W gamma`` to every example (one
number per neuron, which BatchNorm's mean down the column removes, and LayerNorm's does not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmsviz.formatting import display_width, pad
from rmsviz.i18n import N_, _
from rmsviz.norms import layer_norm, partial_rms_norm, rms_norm

#: The six transformations, in the paper's column order (translated where shown).
COLUMNS = (
    N_("weight matrix re-scaling"),
    N_("weight matrix re-centring"),
    N_("weight vector re-scaling"),
    N_("dataset re-scaling"),
    N_("dataset re-centring"),
    N_("single example re-scaling"),
)

#: The normalisations, in the paper's row order.
NORM_NAMES = ("BatchNorm", "WeightNorm", "LayerNorm", "RMSNorm", "pRMSNorm")

_T, _F = True, False
#: The paper's Table 1 (True = invariant, a tick).
PAPER_TABLE = {
    "BatchNorm": (_T, _F, _T, _T, _T, _F),
    "WeightNorm": (_T, _F, _T, _F, _F, _F),
    "LayerNorm": (_T, _T, _F, _T, _F, _T),
    "RMSNorm": (_T, _F, _F, _T, _F, _T),
    "pRMSNorm": (_T, _F, _F, _T, _F, _T),
}

#: pRMSNorm's fraction of neurons used for the RMS in this experiment.
P = 0.25


def batch_norm_layer(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """BatchNorm of ``A = X @ W.T``: each neuron standardised over the examples (1/m variance)."""
    A = X @ W.T
    return (A - A.mean(axis=0)) / A.std(axis=0)


def weight_norm_layer(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """WeightNorm: ``a_i = w_i . x / |w_i|`` (each row of W divided by its length)."""
    return X @ (W / np.linalg.norm(W, axis=1, keepdims=True)).T


def layer_norm_layer(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """LayerNorm of ``A = X @ W.T`` over the neurons of each example (eps = 0)."""
    return layer_norm(X @ W.T, eps=0.0)


def rms_norm_layer(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """RMSNorm of ``A = X @ W.T`` over the neurons of each example (eps = 0)."""
    return rms_norm(X @ W.T, eps=0.0)


def prms_norm_layer(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """pRMSNorm of ``A = X @ W.T`` with p = :data:`P` (eps = 0)."""
    return partial_rms_norm(X @ W.T, P, eps=0.0)


#: name -> function(W, X) -> normalised outputs. Looked up at call time, so a test can swap one.
LAYERS = {
    "BatchNorm": batch_norm_layer,
    "WeightNorm": weight_norm_layer,
    "LayerNorm": layer_norm_layer,
    "RMSNorm": rms_norm_layer,
    "pRMSNorm": prms_norm_layer,
}


def make_problem(seed: int = 0, n_examples: int = 16, n_in: int = 6, n_out: int = 8):
    """A random layer W (n_out x n_in) and data set X (n_examples x n_in), seeded."""
    for name, v in (("n_examples", n_examples), ("n_in", n_in), ("n_out", n_out)):
        if not isinstance(v, (int, np.integer)) or v < 2:
            raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_out, n_in)), rng.standard_normal((n_examples, n_in)) + 0.5


def transformations(W: np.ndarray, X: np.ndarray, seed: int = 1) -> dict:
    """The six transformed problems, name -> (W', X'), with seeded random factors and shifts."""
    rng = np.random.default_rng(seed)
    delta = float(rng.uniform(1.5, 4.0))
    gamma_w = rng.standard_normal(W.shape[1])
    gamma_x = rng.standard_normal(X.shape[1])
    row_scale = np.ones((W.shape[0], 1))
    row_scale[0] = rng.uniform(1.5, 4.0)
    example_scale = np.ones((X.shape[0], 1))
    example_scale[0] = rng.uniform(1.5, 4.0)
    return {
        COLUMNS[0]: (delta * W, X),
        COLUMNS[1]: (W + gamma_w[None, :], X),
        COLUMNS[2]: (row_scale * W, X),
        COLUMNS[3]: (W, delta * X),
        COLUMNS[4]: (W, X + gamma_x[None, :]),
        COLUMNS[5]: (W, example_scale * X),
    }


def is_invariant(layer, W, X, W2, X2, rtol: float = 1e-9) -> bool:
    """Is ``layer(W2, X2)`` equal to ``layer(W, X)`` (a tick)?"""
    before, after = layer(W, X), layer(W2, X2)
    return bool(np.allclose(after, before, rtol=rtol, atol=1e-12 * float(np.max(np.abs(before)))))


@dataclass(frozen=True)
class InvarianceTable:
    """Computed ticks (norm -> 6 booleans), the paper's, and whether they agree."""

    computed: dict
    paper: dict

    @property
    def agrees(self) -> bool:
        return all(tuple(self.computed[n]) == tuple(self.paper[n]) for n in self.paper)

    def disagreements(self) -> list[tuple[str, str]]:
        """(norm, column) of every cell where the computation and the paper differ."""
        return [(n, c) for n in self.paper for c, a, b in zip(COLUMNS, self.computed[n], self.paper[n])
                if a != b]

    def as_array(self) -> np.ndarray:
        """The computed ticks as a boolean array (norms x columns)."""
        return np.array([self.computed[n] for n in NORM_NAMES], dtype=bool)

    def _cell(self, n, j) -> str:
        mine, theirs = self.computed[n][j], self.paper[n][j]
        mark = lambda b: "✓" if b else "✗"  # noqa: E731
        return mark(mine) + " / " + mark(theirs) + ("" if mine == theirs else "  ≠")

    def _agreement(self, bold: bool = False) -> str:
        answer = _("yes") if self.agrees else _("no")
        return _("computed table agrees with the paper: {answer}").format(
            answer=f"<b>{answer}</b>" if bold else answer)

    def __repr__(self) -> str:
        width = max(18, display_width(_("computed / paper")) + 2)
        cells = {n: [self._cell(n, j) for j in range(6)] for n in NORM_NAMES}
        column = max(display_width(c) for row in cells.values() for c in row)  # one width per column
        head = pad(_("computed / paper"), width) + " | ".join(pad(f"({j + 1})", column) for j in range(6))
        lines = [head.rstrip()] + [(pad(n, width) + " | ".join(pad(c, column) for c in cells[n])).rstrip()
                                   for n in NORM_NAMES]
        lines += [f"({j + 1}) {_(c)}" for j, c in enumerate(COLUMNS)]
        lines.append(self._agreement())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<tr><th>{_('computed / paper')}</th>" + "".join(f"<th>{_(c)}</th>" for c in COLUMNS) + "</tr>"
        body = "".join(f"<tr><td>{n}</td>" + "".join(f"<td>{self._cell(n, j)}</td>" for j in range(6))
                       + "</tr>" for n in NORM_NAMES)
        return f"<table>{head}{body}</table><p>{self._agreement(bold=True)}</p>"


def invariance_table(seed: int = 0, **problem) -> InvarianceTable:
    """Compute every cell of Table 1 on a seeded random layer and data set (notebook 03)."""
    W, X = make_problem(seed, **problem)
    moved = transformations(W, X, seed + 1)
    computed = {name: tuple(is_invariant(LAYERS[name], W, X, *moved[c]) for c in COLUMNS)
                for name in NORM_NAMES}
    return InvarianceTable(computed, dict(PAPER_TABLE))


def pre_activation_change(column: str, seed: int = 0, **problem) -> np.ndarray:
    """How re-centring changes the layer's pre-activations: ``A' - A`` (examples x neurons) for
    ``column`` "weight matrix re-centring" (``gamma . x_k`` in row k: one number per example) or
    "dataset re-centring" (``W gamma`` in every row: one number per neuron), on the problem and
    the shifts :func:`invariance_table` uses for ``seed``."""
    if column not in (COLUMNS[1], COLUMNS[4]):
        raise ValueError(f"column must be {COLUMNS[1]!r} or {COLUMNS[4]!r}, got {column!r}")
    W, X = make_problem(seed, **problem)
    W2, X2 = transformations(W, X, seed + 1)[column]
    return X2 @ W2.T - X @ W.T
