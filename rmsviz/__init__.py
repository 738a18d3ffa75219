"""rmsviz: learn RMSNorm by computing it, dragging sliders and watching values and gradients.

The numerical core lives in :mod:`rmsviz.norms` and is re-exported here, with the number
formatters every notebook prints with (:mod:`rmsviz.formatting`) and the figure style
(``rmsviz.set_style("projector")`` for a classroom, :mod:`rmsviz.style`). The panels are in
:mod:`rmsviz.panels` (``from rmsviz.panels import RMSPanel``). Notebook 00 introduces the package;
see README.md for the series and CONTRIBUTING.md for the package's layers.
"""

from rmsviz.formatting import fmt, fmt_vector, pad
from rmsviz.i18n import get_language, set_language, tr
from rmsviz.norms import (
    layer_norm,
    layer_norm_backward,
    partial_rms_norm,
    rms,
    rms_norm,
    rms_norm_backward,
)
from rmsviz.style import get_style, set_style

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "rms",
    "rms_norm",
    "layer_norm",
    "rms_norm_backward",
    "layer_norm_backward",
    "partial_rms_norm",
    "fmt",
    "fmt_vector",
    "pad",
    "set_style",
    "get_style",
    "set_language",
    "get_language",
    "tr",
]
