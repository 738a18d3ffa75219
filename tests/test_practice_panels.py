"""Notebook 05 panels, driven without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmsviz.panels.eps_takeover import EpsPanel
from rmsviz.panels.float16_overflow import PrecisionPanel
from rmsviz.panels.partial_estimate import PartialPanel


def test_eps_panel_controls_change_the_figure():
    panel = EpsPanel()
    curve = panel.figure.rms_curve.get_ydata().copy()
    png = panel.image.value
    panel.update(eps=1e-2)
    assert not np.allclose(panel.figure.rms_curve.get_ydata(), curve)
    assert panel.figure.rms_take.get_xdata()[0] == pytest.approx(0.1)
    assert panel.image.value != png
    panel.controls["where"].value = "outside"
    assert panel.figure.rms_take.get_xdata()[0] == pytest.approx(1e-2)
    panel.update(scale=1e3)
    assert panel.last["out_rms"] == pytest.approx(1.0, abs=1e-4)
    panel.update(scale=1e-8)
    assert panel.last["out_rms"] < 1e-5
    assert "eps has taken over" in panel.readout.value
    assert repr(panel) == "<eps: where it takes over panel: input RMS 1.0e-08, eps 1e-02, outside>"


def test_precision_panel_collapses_past_256():
    panel = PrecisionPanel()
    assert panel.last["out_rms"] == pytest.approx(1.0, abs=2e-3)
    panel.update(magnitude=300.0)
    assert panel.last["out_rms"] == 0.0
    assert all(bar.get_height() == 0 for bar in panel.figure.bars)
    panel.update(mode="float32_accumulate")
    assert panel.last["out_rms"] == pytest.approx(1.0, abs=2e-3)
    assert np.allclose(panel.figure.curve.get_ydata(), 1.0, atol=2e-3)
    panel.update(mode="bfloat16")
    assert 0 < panel.last["max_error"] < 0.02
    assert panel.figure.threshold == 256.0


def test_partial_panel_spread_grows_as_p_falls():
    panel = PartialPanel()
    assert panel.last["k"] == 32
    spread = panel.last["spread"]
    heights = panel.last["heights"].copy()
    panel.update(p=2.0**-6)
    assert panel.last["k"] == 8 and panel.last["spread"] > spread
    assert not np.array_equal(panel.last["heights"], heights)
    assert panel.figure.p_line.get_xdata()[0] == pytest.approx(2.0**-6)
    panel.update(p=0.3)  # off the precomputed grid
    assert panel.last["k"] == 154
    panel.update(p=1.0)
    assert panel.last["spread"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("cls, name, values", [
    (EpsPanel, "scale", np.geomspace(1e-9, 1e3, 100)),
    (PrecisionPanel, "magnitude", np.geomspace(1, 4000, 100)),
    (PartialPanel, "p", np.resize(2.0 ** np.arange(-7, 0.01, 0.5), 100)),
])
def test_hundred_moves_make_no_new_figures(cls, name, values):
    panel = cls()
    before_pyplot = plt.get_fignums()
    fig = panel.figure.fig
    n_artists = len(fig.axes[0].get_children()) + len(fig.axes[1].get_children())
    redraws = panel.redraws
    for v in values:
        panel.controls[name].value = float(v)
    assert panel.redraws == redraws + len(set(values)) or panel.redraws > redraws + 50
    assert panel.figure.fig is fig and plt.get_fignums() == before_pyplot
    assert len(fig.axes[0].get_children()) + len(fig.axes[1].get_children()) == n_artists


@pytest.mark.parametrize("cls", [EpsPanel, PrecisionPanel, PartialPanel])
def test_mimebundle_is_stable(cls):
    bundle = cls()._repr_mimebundle_()
    assert {"image/png", "text/plain"} <= set(bundle)
    assert "0x" not in bundle["text/plain"]
