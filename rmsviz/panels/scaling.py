"""ScalingPanel: input scale c, weight scale delta and eps for y = RMSNorm(W x) * g (notebook 04)."""

from __future__ import annotations

import ipywidgets as widgets

from rmsviz.figures.scaling import EPS_CHOICES, ScalingFigure
from rmsviz.panels.base import Panel


class ScalingPanel(Panel):
    """Drag c and delta along log-log axes; pick eps to see where the 1/c law bends."""

    title = "gradient scaling through RMSNorm"

    def __init__(self, c: float = 1.0, delta: float = 1.0, eps: float = 1e-6):
        figure = ScalingFigure()
        slider = dict(base=10, min=-4, max=3, step=0.05, readout_format=".2e",
                      layout=widgets.Layout(width="320px"))
        controls = {
            "c": widgets.FloatLogSlider(value=c, description="input scale c", **slider,
                                        style={"description_width": "initial"}),
            "delta": widgets.FloatLogSlider(value=delta, description="weight scale δ", **slider,
                                            style={"description_width": "initial"}),
            "eps": widgets.Dropdown(options=[(f"{e:g}", e) for e in EPS_CHOICES], value=eps,
                                    description="eps", layout=widgets.Layout(width="160px")),
        }
        super().__init__(figure, controls)

    def draw(self, c, delta, eps) -> str:
        v = self.figure.update(c, delta, eps)
        orth = v["orthogonality"]
        return (f"c = {c:.2e}: |dL/dx| = {v['dx_norm']:.3g} with RMSNorm, {v['dx_none']:.3g} without; "
                f"cos(x, dL/dx) = {orth['cosine']:+.2e} (eps / (mean(h²) + eps) = "
                f"{orth['predicted_fraction']:.2e})<br>"
                f"δ = {delta:.2e}: |dL/dW| = {v['dW_norm']:.3g} with RMSNorm, {v['dW_none']:.3g} without; "
                f"|dL/dg| = {v['dg_norm']:.3g}")

    def __repr__(self) -> str:
        v = self.values
        return f"<{self.title} panel: c = {v['c']:.2e}, delta = {v['delta']:.2e}, eps = {v['eps']:g}>"
