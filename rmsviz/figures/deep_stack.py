"""DeepStackFigure: per-layer histograms of activations and gradient sizes, none vs a norm.

Notebook 04. Four panels: tanh outputs t_l (top) and log10|dL/dt_l| (bottom), for the stack
without normalisation (left) and with the chosen norm (right). Each layer is one pre-built
``stairs`` artist over fixed bins (darker = earlier layer); a move only replaces their heights, so
nothing is created per update. Gradients are binned on a log scale so that vanishing (curves
drifting left layer by layer) and exploding (drifting right) show on fixed axes; values outside
the range fall into the edge bins.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps

from rmsviz.experiments.deep_stack import layer_lines, run_stack
from rmsviz.figures.live import LiveFigure

MAX_DEPTH = 12
ACT_EDGES = np.linspace(-1.0, 1.0, 41)
LOG_GRAD_EDGES = np.linspace(-10.0, 0.0, 41)
NORM_NAMES = {"none": "no norm", "layernorm": "LayerNorm", "rmsnorm": "RMSNorm"}


def _fractions(values, edges) -> np.ndarray:
    """Share of the values in each of the uniform bins ``edges`` (outliers in the edge bins)."""
    lo, hi, nb = edges[0], edges[-1], edges.size - 1
    idx = np.clip(((values.ravel() - lo) * (nb / (hi - lo))).astype(np.intp), 0, nb - 1)
    return np.bincount(idx, minlength=nb) / values.size


class DeepStackFigure(LiveFigure):
    """Histograms per layer: activations and log gradient sizes, none (left) vs chosen norm (right)."""

    def __init__(self, width: int = 32, batch: int = 64, seed: int = 0):
        super().__init__(2, 2, figsize=(9.0, 5.4), dpi=72, sharey="row")
        self.width, self.batch, self.seed = width, batch, seed
        colors = colormaps["viridis"](np.linspace(0.0, 0.9, MAX_DEPTH))
        self.stairs = {}
        self.titles = []
        for col in range(2):
            ax_a, ax_g = self.axes[col], self.axes[2 + col]
            ax_a.set_xlim(ACT_EDGES[0], ACT_EDGES[-1])
            ax_a.set_ylim(0, 0.3)
            ax_a.set_xlabel("tanh output t")
            ax_g.set_xlim(LOG_GRAD_EDGES[0], LOG_GRAD_EDGES[-1])
            ax_g.set_ylim(0, 0.3)
            ax_g.set_xlabel("log10 |dL/dt|")
            if col == 0:
                ax_a.set_ylabel("share of units")
                ax_g.set_ylabel("share of units")
            for l in range(MAX_DEPTH):
                self.stairs["act", col, l] = ax_a.stairs(np.zeros(ACT_EDGES.size - 1), ACT_EDGES,
                                                        color=colors[l], lw=1.4)
                self.stairs["grad", col, l] = ax_g.stairs(np.zeros(LOG_GRAD_EDGES.size - 1),
                                                         LOG_GRAD_EDGES, color=colors[l], lw=1.4)
            self.titles.append((ax_a.set_title(""), ax_g.set_title("")))
        self.moving(*self.stairs.values())
        self._labels = None  # the (norm, residual) the titles show; titles are static (no blit cost)
        self.fig.suptitle("darker = earlier layer, lighter = deeper layer", fontsize=9)

    def update(self, depth: int, scale: float, norm: str, residual: bool) -> dict:
        """Run the stack without a norm and with ``norm``; redraw both columns; returns both runs."""
        depth = int(depth)
        if not 1 <= depth <= MAX_DEPTH:
            raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
        runs = {}
        for col, name in enumerate(("none", norm)):
            run = run_stack(depth, self.width, self.batch, scale, name, residual, self.seed)
            runs["none" if col == 0 else "chosen"] = run
            for l in range(MAX_DEPTH):
                sa, sg = self.stairs["act", col, l], self.stairs["grad", col, l]
                on = l < depth
                sa.set_visible(on)
                sg.set_visible(on)
                if on:
                    sa.set_data(_fractions(run.activations[l], ACT_EDGES))
                    with np.errstate(divide="ignore"):
                        logg = np.log10(np.abs(run.act_grads[l]))
                    sg.set_data(_fractions(np.maximum(logg, -1e3), LOG_GRAD_EDGES))
        if self._labels != (norm, bool(residual)):
            self._labels = (norm, bool(residual))
            for col, name in enumerate(("none", norm)):
                label = NORM_NAMES[name] + (" + residual" if residual else "")
                self.titles[col][0].set_text(f"{label}: activations")
                self.titles[col][1].set_text(f"{label}: gradient sizes")
            self.invalidate()  # a title changed: redraw the static background once
        return runs

    @staticmethod
    def layer_lines(run) -> list[str]:
        """One printed line per layer of a run (mean, std, saturation, gradient std, grad:data)."""
        return layer_lines(run)
