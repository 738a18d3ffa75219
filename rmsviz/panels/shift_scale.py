"""ShiftScalePanel: scale, sign and shift sliders on an input; RMSNorm vs LayerNorm (notebook 03)."""

from __future__ import annotations

import ipywidgets as widgets

from rmsviz.figures.shift_scale import DEFAULT_X0, ShiftScaleFigure
from rmsviz.panels.base import Panel


class ShiftScalePanel(Panel):
    """Apply a*x + b (a = sign * scale) and watch which normalisation ignores what."""

    title = "Shift and scale: RMSNorm vs LayerNorm"

    def __init__(self, x0=DEFAULT_X0, max_scale: float = 3.0, max_shift: float = 5.0):
        controls = {
            "scale": widgets.FloatSlider(value=1.0, min=0.1, max=max_scale, step=0.1,
                                         description="scale |a|"),
            "sign": widgets.ToggleButtons(options=["+", "−"], value="+", description="sign of a"),
            "shift": widgets.FloatSlider(value=0.0, min=-max_shift, max=max_shift, step=0.25,
                                         description="shift b"),
        }
        super().__init__(ShiftScaleFigure(x0, max_scale, max_shift), controls)

    @property
    def a(self) -> float:
        return self.controls["scale"].value * (1.0 if self.controls["sign"].value == "+" else -1.0)

    def draw(self, **values) -> str:
        out = self.figure.update(self.a, values["shift"])
        (m_r, r_r), (m_l, r_l) = out["stats"]["rms_norm"], out["stats"]["layer_norm"]
        return (f"a = {self.a:.2f}, b = {values['shift']:.2f} &nbsp;|&nbsp; RMSNorm output: mean "
                f"<b>{m_r:.3f}</b>, RMS <b>{r_r:.3f}</b> &nbsp;|&nbsp; LayerNorm output: mean "
                f"<b>{m_l:.3f}</b>, RMS <b>{r_l:.3f}</b>")

    def __repr__(self) -> str:
        return f"<{self.title} panel: a = {self.a:.2f}, b = {self.controls['shift'].value:.2f}>"
