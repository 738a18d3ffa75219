"""rmsviz.panels.base: the Panel hooks (compute -> figure.update -> render -> readout), updates,
NaN from code, the timing helper and the argument checks, on a small panel made here."""

import math
from dataclasses import dataclass

import ipywidgets as widgets
import pytest

from rmsviz.figures.live import LiveFigure
from rmsviz.panels.base import Panel, check_choice, check_range


@dataclass(frozen=True)
class Doubled:
    a: float
    twice: float


class DotFigure(LiveFigure):
    def __init__(self):
        super().__init__(1, 1, figsize=(2.0, 2.0))
        self.axes[0].set_xlim(0, 10)
        self.axes[0].set_ylim(0, 20)
        self.dot = self.moving(self.axes[0].plot([0], [0], "o")[0])
        self.updates = []

    def update(self, result: Doubled):
        self.updates.append(result)
        self.dot.set_data([result.a], [result.twice])


class DoublePanel(Panel):
    title = "double"

    def __init__(self, a: float = 1.0):
        self.computed = 0
        super().__init__({"a": widgets.FloatSlider(value=check_range("a", a, 0.0, 10.0), min=0, max=10),
                          "b": widgets.Dropdown(options=["x", "y"], value="x")})

    def make_figure(self):
        return DotFigure()

    def compute(self, a, b) -> Doubled:
        self.computed += 1
        return Doubled(a=a, twice=2 * a)

    def readout(self, result: Doubled) -> str:
        return f"twice = {result.twice:g}"


def test_a_move_computes_hands_the_result_to_the_figure_and_reads_it_out():
    panel = DoublePanel()
    assert panel.result == Doubled(1.0, 2.0) and panel.figure.updates == [panel.result]
    assert panel.readout_view.value == "twice = 2" and panel.redraws == 1
    png = panel.image.value
    panel.controls["a"].value = 3.0
    assert panel.result == Doubled(3.0, 6.0) and panel.figure.updates[-1] is panel.result
    assert panel.readout_view.value == "twice = 6" and panel.image.value != png
    assert panel.computed == panel.redraws == 2


def test_update_sets_several_controls_with_one_redraw_and_rejects_unknown_names():
    panel = DoublePanel()
    panel.update(a=4.0, b="y")
    assert panel.redraws == 2 and panel.values == {"a": 4.0, "b": "y"}
    with pytest.raises(TypeError, match="no control"):
        panel.update(c=1.0)


def test_nan_from_code_is_rejected_cleanly():
    panel = DoublePanel(a=2.0)
    with pytest.raises(ValueError, match="a must be a number, got nan"):
        panel.update(a=math.nan)
    panel.controls["a"].value = math.nan  # ipywidgets lets NaN through its clamping
    assert panel.controls["a"].value == 2.0  # put back
    assert panel.redraws == 1 and panel.result == Doubled(2.0, 4.0)  # nothing redrawn


def test_time_moves_times_every_move_and_puts_the_control_back():
    panel = DoublePanel()
    times = panel.time_moves("a", [2.0, 3.0, 4.0])
    assert len(times) == 3 and all(t > 0 for t in times)
    assert panel.controls["a"].value == 1.0 and panel.result.a == 1.0
    with pytest.raises(RuntimeError, match="did not redraw once"):
        panel.time_moves("a", [1.0])  # an equal value fires nothing


def test_check_range_and_check_choice_name_what_is_allowed():
    assert check_range("p", 0.5, 0.0, 1.0) == 0.5
    assert check_range("depth", 3.0, 1, 12, integer=True) == 3
    assert check_range("eps", 10.0**-12, 1e-12, 0.1) == 10.0**-12
    with pytest.raises(ValueError, match=r"p must be between 0 and 1, got 2"):
        check_range("p", 2, 0.0, 1.0)
    with pytest.raises(ValueError, match="eps must be between 1e-12 and 0.1, got 0"):
        check_range("eps", 0, 1e-12, 0.1)
    with pytest.raises(ValueError, match="between"):
        check_range("p", math.nan, 0.0, 1.0)
    with pytest.raises(ValueError, match="whole number"):
        check_range("depth", 2.5, 1, 12, integer=True)
    with pytest.raises(TypeError, match="number"):
        check_range("p", "0.5", 0.0, 1.0)
    with pytest.raises(TypeError, match="number"):
        check_range("p", True, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"must be one of \['a', 'b'\], got 'c'"):
        check_choice("mode", "c", ("a", "b"))
    with pytest.raises(ValueError, match="between 0 and 10"):
        DoublePanel(a=11.0)


def test_text_representation():
    assert repr(DoublePanel()) == "<double panel>"
    assert DoublePanel()._repr_mimebundle_()["text/plain"] == "<double panel>"
