"""ApplesPanel: four apple-weight sliders and a unit toggle; RMSNorm and LayerNorm update (notebook 02)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from rmsviz.figures.apples import UNITS, ApplesFigure
from rmsviz.panels.base import Panel

DEFAULT_WEIGHTS_G = (200.0, 300.0, 150.0, 250.0)


class ApplesPanel(Panel):
    """Drag the apple weights (grams) and switch the unit: watch both normalisations."""

    title = "Apples: RMSNorm and LayerNorm"

    def __init__(self, weights_g=DEFAULT_WEIGHTS_G, max_grams: float = 500.0):
        w = np.asarray(weights_g, dtype=float)
        if w.shape != (4,) or np.any(w < 0) or np.any(w > max_grams):
            raise ValueError(f"weights_g must be 4 weights in [0, {max_grams}] g, got {weights_g}")
        controls = {
            f"w{i + 1}": widgets.FloatSlider(value=float(v), min=10.0, max=max_grams, step=10.0,
                                             description=f"apple {i + 1} (g)",
                                             style={"description_width": "initial"},
                                             layout=widgets.Layout(width="240px"))
            for i, v in enumerate(w)
        }
        controls["unit"] = widgets.ToggleButtons(options=list(UNITS), value="g", description="unit")
        super().__init__(ApplesFigure(max_grams=max_grams), controls)

    @property
    def weights_g(self) -> np.ndarray:
        return np.array([self.controls[f"w{i + 1}"].value for i in range(4)])

    def draw(self, **values) -> str:
        out = self.figure.update(self.weights_g, values["unit"])
        shown = ", ".join(f"{v:.3f}" for v in out["rms_norm"])
        return (f"RMSNorm = [{shown}] &nbsp; LayerNorm = "
                f"[{', '.join(f'{v:.3f}' for v in out['layer_norm'])}]")

    def __repr__(self) -> str:
        return f"<{self.title} panel: weights = {self.weights_g.tolist()} g, unit = {self.controls['unit'].value}>"
