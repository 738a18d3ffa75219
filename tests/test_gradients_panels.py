"""Notebook 04's panels driven without a browser: controls change the figure, no new figures."""

import gc

import numpy as np
import pytest
from matplotlib.figure import Figure

from rmsviz.panels import available_panels
from rmsviz.panels.deep_stack import DeepStackPanel
from rmsviz.panels.regression import RegressionPanel
from rmsviz.panels.scaling import ScalingPanel

PANELS = [RegressionPanel, ScalingPanel, DeepStackPanel]


def _figures():
    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


def test_panels_are_discovered():
    found = available_panels()
    for cls in PANELS:
        assert cls in found


@pytest.mark.parametrize("cls", PANELS)
def test_default_state_renders_with_stable_text(cls):
    panel = cls()
    bundle = panel._repr_mimebundle_()
    assert bundle["image/png"] and "0x" not in bundle["text/plain"]
    assert panel.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_regression_lr_changes_the_lines():
    panel = RegressionPanel()
    raw = panel.figure.lines["loss", "raw"]
    panel.update(lr=1e-5)
    converging = np.array(raw.get_ydata())
    assert "converges" in panel.readout.value
    panel.controls["lr"].value = 1e-2  # a control move redraws by itself
    diverging = np.array(raw.get_ydata())
    assert diverging.size < converging.size or diverging[-1] > converging[-1]
    assert "diverges" in panel.readout.value
    panel.update(steps=20, lr=1e-5)
    assert raw.get_xdata()[-1] == 20
    panel.update(show="scaled")
    assert not raw.get_visible() and panel.figure.lines["loss", "scaled"].get_visible()


def test_scaling_markers_follow_c_and_delta():
    panel = ScalingPanel()
    panel.update(c=1.0)
    y1 = panel.figure.c_marks.get_ydata()[0]
    panel.update(c=10.0)
    y10 = panel.figure.c_marks.get_ydata()[0]
    assert y10 == pytest.approx(y1 / 10, rel=0.02)  # the 1/c law with the norm
    panel.update(delta=0.1)
    assert panel.figure.d_marks.get_xdata()[0] == pytest.approx(0.1)
    before = np.array(panel.figure.c_line.get_ydata())
    panel.update(eps=1e-3)
    assert not np.allclose(before, panel.figure.c_line.get_ydata())
    assert "cos(x, dL/dx)" in panel.readout.value


def test_deep_stack_histograms_change_in_place():
    panel = DeepStackPanel()
    stairs = panel.figure.stairs["act", 1, 0]
    before = stairs.get_data().values.copy()
    panel.update(scale=3.0)
    assert not np.allclose(before, stairs.get_data().values)
    assert panel.figure.stairs["act", 1, 0] is stairs
    panel.update(depth=3)
    assert not panel.figure.stairs["act", 1, 5].get_visible()
    assert panel.readout.value.count("layer  3") == 2 and "layer  4" not in panel.readout.value
    panel.update(norm="layernorm", residual=True)
    assert "LayerNorm + residual" in panel.readout.value


@pytest.mark.parametrize("cls", PANELS)
def test_one_hundred_moves_create_no_figures(cls):
    panel = cls()
    name, control = next((n, c) for n, c in panel.controls.items() if hasattr(c, "min"))
    lo, hi = control.min, control.max
    fig = panel.figure.fig
    start = _figures()
    images = set()
    for i in range(100):
        value = lo + (hi - lo) * (i % 10) / 9
        if hasattr(control, "base"):  # FloatLogSlider: min/max are exponents
            value = control.base ** value
        panel.controls[name].value = type(control.value)(value)
        images.add(panel.image.value)
    assert panel.figure.fig is fig
    assert _figures() == start
    assert len(images) > 1
