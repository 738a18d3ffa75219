"""rmsviz: learn RMSNorm by computing it, dragging sliders and watching values and gradients.

The numerical core lives in :mod:`rmsviz.norms` and is re-exported here. Notebook 00 introduces
the package; see README.md for the series.
"""

from rmsviz.norms import (
    layer_norm,
    layer_norm_backward,
    partial_rms_norm,
    rms,
    rms_norm,
    rms_norm_backward,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "rms",
    "rms_norm",
    "layer_norm",
    "rms_norm_backward",
    "layer_norm_backward",
    "partial_rms_norm",
]
