"""Per-layer histograms of a deep tanh stack, no norm vs a norm: DeepStackFigure and DeepStackPanel
(notebook 04).

Four panels: tanh outputs t_l (top) and log10|dL/dt_l| (bottom), for the stack without
normalisation (left) and with the chosen norm (right). Each layer is one pre-built ``stairs``
artist over fixed bins (darker = earlier layer); a move only replaces their heights, so nothing is
created per update. Gradients are binned on a log scale so that vanishing (curves drifting left
layer by layer) and exploding (drifting right) show on fixed axes; values outside the range fall
into the edge bins. The runs come from :func:`rmsviz.experiments.deep_stack.compare_norms`, and
the readout prints :func:`rmsviz.experiments.deep_stack.layer_lines` of both.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps

from rmsviz.experiments.deep_stack import MAX_DEPTH, NORMS, StackComparison, compare_norms, layer_lines
from rmsviz.figures.live import LiveFigure
from rmsviz.i18n import N_, _
from rmsviz.panels.base import Panel, check_choice, check_range

__all__ = ["DeepStackFigure", "DeepStackPanel"]

ACT_EDGES = np.linspace(-1.0, 1.0, 41)
LOG_GRAD_EDGES = np.linspace(-10.0, 0.0, 41)
NORM_LABELS = {"none": N_("no norm"), "layernorm": N_("LayerNorm"), "rmsnorm": N_("RMSNorm")}
#: Exponent range (base 10) of the init-scale slider: 0.1 to 10.
SCALE_EXPONENTS = (-1, 1)


def _label(norm: str, residual: bool) -> str:
    label = _(NORM_LABELS[norm])
    return _("{norm} + residual").format(norm=label) if residual else label


def _fractions(values, edges) -> np.ndarray:
    """Share of the values in each of the uniform bins ``edges`` (outliers in the edge bins)."""
    lo, hi, nb = edges[0], edges[-1], edges.size - 1
    idx = np.clip(((values.ravel() - lo) * (nb / (hi - lo))).astype(np.intp), 0, nb - 1)
    return np.bincount(idx, minlength=nb) / values.size


class DeepStackFigure(LiveFigure):
    """Histograms per layer: activations and log gradient sizes, none (left) vs chosen norm (right)."""

    def __init__(self, max_depth: int = MAX_DEPTH):
        super().__init__(2, 2, figsize=(9.0, 5.4), dpi=72, sharey="row")
        self.max_depth = max_depth
        colors = colormaps["viridis"](np.linspace(0.0, 0.9, max_depth))
        self.stairs = {}
        self.titles = []
        for col in range(2):
            ax_a, ax_g = self.axes[col], self.axes[2 + col]
            ax_a.set_xlim(ACT_EDGES[0], ACT_EDGES[-1])
            ax_a.set_ylim(0, 0.3)
            ax_a.set_xlabel(_("tanh output t"))
            ax_g.set_xlim(LOG_GRAD_EDGES[0], LOG_GRAD_EDGES[-1])
            ax_g.set_ylim(0, 0.3)
            ax_g.set_xlabel("log10 |dL/dt|")
            if col == 0:
                ax_a.set_ylabel(_("share of units"))
                ax_g.set_ylabel(_("share of units"))
            for l in range(max_depth):
                self.stairs["act", col, l] = ax_a.stairs(np.zeros(ACT_EDGES.size - 1), ACT_EDGES,
                                                        color=colors[l], lw=1.4)
                self.stairs["grad", col, l] = ax_g.stairs(np.zeros(LOG_GRAD_EDGES.size - 1),
                                                         LOG_GRAD_EDGES, color=colors[l], lw=1.4)
            self.titles.append((ax_a.set_title(""), ax_g.set_title("")))
        self.moving(*self.stairs.values())
        self._labels = None  # the (norm, residual) the titles show; titles are static (no blit cost)
        self.fig.suptitle(_("darker = earlier layer, lighter = deeper layer"), fontsize=9)

    def update(self, result: StackComparison):
        """Histograms of both runs (layers beyond the depth hidden); titles when the norm changes."""
        for col, run in enumerate((result.none, result.chosen)):
            for l in range(self.max_depth):
                sa, sg = self.stairs["act", col, l], self.stairs["grad", col, l]
                on = l < result.depth
                sa.set_visible(on)
                sg.set_visible(on)
                if on:
                    sa.set_data(_fractions(run.activations[l], ACT_EDGES))
                    with np.errstate(divide="ignore"):
                        logg = np.log10(np.abs(run.act_grads[l]))
                    sg.set_data(_fractions(np.maximum(logg, -1e3), LOG_GRAD_EDGES))
        if self._labels != (result.norm, result.residual):
            self._labels = (result.norm, result.residual)
            for col, name in enumerate(("none", result.norm)):
                label = _label(name, result.residual)
                self.titles[col][0].set_text(_("{label}: activations").format(label=label))
                self.titles[col][1].set_text(_("{label}: gradient sizes").format(label=label))
            self.invalidate()  # a title changed: redraw the static background once


class DeepStackPanel(Panel):
    """Histograms per layer of a (norm -> linear -> tanh) stack: no norm (left) vs the chosen norm."""

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
        return "<pre style='font-size: 11px; line-height: 1.25'>" + html.escape("\n\n".join(parts)) + "</pre>"

    def __repr__(self) -> str:
        v = self.values
        return _("<{title} panel: depth = {depth}, scale = {scale}, norm = {norm}, residual = {residual}>").format(
            title=_(self.title), depth=v["depth"], scale=f"{v['scale']:.2f}", norm=v["norm"],
            residual=v["residual"])
