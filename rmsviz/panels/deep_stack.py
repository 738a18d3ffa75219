"""Per-layer histograms of a deep tanh stack, no norm vs a norm: DeepStackFigure and DeepStackPanel
(notebook 04).

Six histograms: the tanh outputs t_l, log10|dL/dt_l| and log10|dL/dW_l| (columns), for the stack
without normalisation (top row) and with the chosen norm (bottom row, its name over the middle
plot). Both rows share their x-axes, so a gradient level that differs between the rows shows as a
shift to the left or right.
Each histogram axes holds one pre-built ``LineCollection``: one step line per layer over fixed bins
(darker = earlier layer), drawn in one call. A move only replaces the lines' heights, so nothing is created per update and the axes never change. The row
headings name the norm: each (norm, residual) pair keeps its own static background
(``LiveFigure.use_background``), so a toggle costs a full redraw only the first time. Gradients are binned
on a log scale so that sizes that shrink or grow layer by layer show on fixed axes; values outside
the range fall into the edge bins. The runs come from
:func:`rmsviz.experiments.deep_stack.compare_norms`, and the readout prints
:func:`rmsviz.experiments.deep_stack.layer_lines` of both.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection

from rmsviz.experiments.deep_stack import MAX_DEPTH, NORMS, StackComparison, compare_norms, layer_lines
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range

__all__ = ["DeepStackFigure", "DeepStackPanel"]

ACT_EDGES = np.linspace(-1.0, 1.0, 41)
LOG_GRAD_EDGES = np.linspace(-10.0, 0.0, 41)
NORM_LABELS = {"none": N_("no norm"), "layernorm": N_("LayerNorm"), "rmsnorm": N_("RMSNorm")}
#: The three histogram columns: (key, bins, x-axis label).
COLUMNS = (
    ("act", ACT_EDGES, N_("activations:\ntanh output t")),
    ("grad", LOG_GRAD_EDGES, N_("gradient:\nlog10 |dL/dt|")),
    ("weight", LOG_GRAD_EDGES, N_("weight gradient:\nlog10 |dL/dW|")),
)
#: Exponent range (base 10) of the init-scale slider: 0.1 to 10.
SCALE_EXPONENTS = (-1, 1)
#: Font sizes in points at the figure's 100 dpi (12 pt = 17 px): readable on a projector.
TICKS, LABELS = 11, 12


def _label(norm: str, residual: bool) -> str:
    label = _(NORM_LABELS[norm])
    return _("{norm} + residual").format(norm=label) if residual else label


def _shares(values, edges) -> np.ndarray:
    """Share of the values of each layer (rows of ``values``, shape (layers, count)) in each of
    the uniform bins ``edges`` (outliers in the edge bins); one ``bincount`` for every layer."""
    layers, count = values.shape
    lo, hi, nb = edges[0], edges[-1], edges.size - 1
    idx = np.clip(((values - lo) * (nb / (hi - lo))).astype(np.intp), 0, nb - 1)
    idx += nb * np.arange(layers)[:, None]
    return np.bincount(idx.ravel(), minlength=layers * nb).reshape(layers, nb) / count


def _steps(shares, edges) -> np.ndarray:
    """Step lines of histograms: (layers, 2 * bins, 2) vertices, one line per row of ``shares``."""
    layers, nb = shares.shape
    xs = np.broadcast_to(np.repeat(edges, 2)[1:-1], (layers, 2 * nb))
    return np.stack([xs, np.repeat(shares, 2, axis=1)], axis=-1)


def _log_sizes(arrays) -> np.ndarray:
    """log10 |a| of each array, one row per array (exact zeros go to the left edge bin)."""
    stacked = np.abs(np.stack([a.reshape(-1) for a in arrays]))
    with np.errstate(divide="ignore"):
        return np.maximum(np.log10(stacked), -1e3)


class DeepStackFigure(LiveFigure):
    """Histograms per layer of t, log10|dL/dt| and log10|dL/dW|: no norm (top) vs chosen norm (bottom)."""

    def __init__(self, max_depth: int = MAX_DEPTH):
        # 4.75 in = 475 px exactly (4.6 in gives 459.99999 px, which old matplotlib rounds down to 459)
        super().__init__(2, 3, figsize=(9.0, 4.75), dpi=100, sharex="col", sharey=True)
        self.max_depth = max_depth
        self.colors = colormaps["viridis"](np.linspace(0.0, 0.9, max_depth))
        self.lines = {}
        for row in range(2):
            for col, (key, edges, xlabel) in enumerate(COLUMNS):
                ax = self.axes[3 * row + col]
                ax.set_xlim(edges[0], edges[-1])
                # no tick label at a gradient column's left end: it would touch the column on its left
                ax.set_xticks([-1.0, -0.5, 0.0, 0.5, 1.0] if key == "act" else [-8, -6, -4, -2, 0])
                ax.set_ylim(0, 0.3)
                ax.set_yticks([0.0, 0.1, 0.2, 0.3])
                ax.tick_params(labelsize=TICKS, labelbottom=True)
                if row == 1:
                    ax.set_xlabel(_(xlabel), fontsize=LABELS)
                if col == 0:
                    ax.set_ylabel(_("share of values"), fontsize=LABELS)
                self.lines[key, row] = ax.add_collection(LineCollection([], linewidths=1.6))
        # One heading per row, over its middle plot, naming the norm. It is static: each (norm,
        # residual) pair gets its own background (use_background), drawn once.
        self.headings = [self.axes[3 * row + 1].set_title(" ", fontsize=LABELS + 1, fontweight="bold")
                         for row in range(2)]
        self.moving(*self.lines.values())
        self.fig.suptitle(_("one line per layer: darker = nearer the input, lighter = nearer the output"),
                          fontsize=TICKS)

    def update(self, result: StackComparison):
        """Histograms of both runs (one line per layer, depth lines); headings when the norm changes."""
        for row, run in enumerate((result.none, result.chosen)):
            shares = {
                "act": _shares(np.stack([t.reshape(-1) for t in run.activations]), ACT_EDGES),
                "grad": _shares(_log_sizes(run.act_grads), LOG_GRAD_EDGES),
                "weight": _shares(_log_sizes([dW for dW, _db in run.weight_grads]), LOG_GRAD_EDGES),
            }
            for key, edges, _xlabel in COLUMNS:
                lines = self.lines[key, row]
                lines.set_segments(_steps(shares[key], edges))
                lines.set_color(self.colors[:result.depth])
        for row, name in enumerate(("none", result.norm)):
            self.headings[row].set_text(_label(name, result.residual))
        self.use_background((result.norm, result.residual))


class DeepStackPanel(Panel):
    """Histograms per layer of a (norm -> linear -> tanh) stack: no norm (top) vs the chosen norm."""

    title = N_("deep stack")

    def __init__(self, depth: int = 8, scale: float = 0.5, norm: str = "rmsnorm", residual: bool = False):
        depth = check_range("depth", depth, 1, MAX_DEPTH, integer=True)
        scale = check_range("scale", scale, 10.0 ** SCALE_EXPONENTS[0], 10.0 ** SCALE_EXPONENTS[1])
        check_choice("norm", norm, NORMS)
        check_choice("residual", residual, (False, True))
        controls = {
            "depth": widgets.IntSlider(value=depth, min=1, max=MAX_DEPTH, description=_("depth L"),
                                       layout=widgets.Layout(width="280px")),
            "scale": widgets.FloatLogSlider(value=scale, base=10, min=SCALE_EXPONENTS[0], max=SCALE_EXPONENTS[1],
                                            step=0.02, description=_("init scale"), readout_format=".2f",
                                            layout=widgets.Layout(width="300px")),
            "norm": widgets.Dropdown(options=[(_(NORM_LABELS[key]), key) for key in NORMS],
                                     value=norm, description=_("norm"), layout=widgets.Layout(width="200px")),
            "residual": widgets.Checkbox(value=bool(residual), description=_("residual")),
        }
        super().__init__(controls)

    def make_figure(self) -> DeepStackFigure:
        return DeepStackFigure(MAX_DEPTH)

    def compute(self, depth, scale, norm, residual) -> StackComparison:
        return compare_norms(depth, scale, norm, residual)

    def readout(self, result: StackComparison) -> str:
        parts = []
        for name, run in (("none", result.none), (result.norm, result.chosen)):
            head = _("{label} (loss {loss})").format(label=_label(name, result.residual), loss=f"{run.loss:.4f}")
            parts.append(head + "\n" + "\n".join(layer_lines(run)))
        return "<pre style='font-size: 12px; line-height: 1.25'>" + html.escape("\n\n".join(parts)) + "</pre>"

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: depth = {depth}, scale = {scale}, norm = {norm}, residual = {residual}>").format(
            title=_(self.title), depth=v["depth"], scale=f"{v['scale']:.2f}", norm=_(v["norm"]),
            residual=v["residual"])
