"""One look for every figure in the series: a colour-blind-safe palette (Okabe-Ito).

RMSNorm and LayerNorm keep the same colour in every notebook. This module imports nothing from
rmsviz: every layer may use it (introduced in notebook 01).
"""

from __future__ import annotations

COLORS = {
    "x": "#0072B2",          # input values (blue)
    "negative": "#D55E00",   # negative input values (vermillion)
    "square": "#56B4E9",     # squared values (sky blue)
    "rms": "#000000",        # the RMS (black)
    "mean": "#E69F00",       # the mean (orange)
    "std": "#009E73",        # the standard deviation (green)
    "rmsnorm": "#0072B2",    # RMSNorm output (blue)
    "layernorm": "#D55E00",  # LayerNorm output (vermillion)
    "none": "#999999",       # no normalisation (grey)
    "highlight": "#CC79A7",  # anything to point at (purple)
}


def tidy(ax):
    """Hide the top and right spines (less ink, easier to read on a projector)."""
    ax.spines[["top", "right"]].set_visible(False)
    return ax
