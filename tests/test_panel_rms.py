"""rmsviz.panels.rms: the notebook-01 panel driven without a browser."""

import gc

import numpy as np
import pytest
from matplotlib.figure import Figure

from rmsviz import rms
from rmsviz.panels import RMSPanel


def _heights(bars):
    return np.array([bar.get_height() for bar in bars])


def test_default_state_draws_the_seed_vector():
    panel = RMSPanel()
    fig = panel.figure
    assert np.allclose(_heights(fig.value_bars), [2, 4, 6, 8])
    assert np.allclose(_heights(fig.square_bars), [4, 16, 36, 64])
    assert fig.rms_line.get_ydata()[0] == pytest.approx(np.sqrt(30))
    assert fig.mean_line.get_ydata()[0] == pytest.approx(5)
    assert fig.std_line.get_ydata()[0] == pytest.approx(np.sqrt(5))
    assert fig.ms_line.get_ydata()[0] == pytest.approx(30)
    assert panel.result.rms == pytest.approx(np.sqrt(30))
    assert panel.readout_view.value == "RMS = <b>5.477</b> &nbsp; mean = 5.000 &nbsp; std = 2.236"
    assert bytes(panel.image.value).startswith(b"\x89PNG")


def test_moving_a_slider_updates_bars_lines_and_image():
    panel = RMSPanel()
    before = panel.image.value
    panel.controls["x1"].value = -2.0  # as a browser would: through the widget
    fig = panel.figure
    assert _heights(fig.value_bars)[0] == -2.0
    assert _heights(fig.square_bars)[0] == 4.0
    assert fig.mean_line.get_ydata()[0] == pytest.approx(4.0)
    assert fig.rms_line.get_ydata()[0] == pytest.approx(np.sqrt(30))  # the sign is squared away
    assert fig.std_line.get_ydata()[0] == pytest.approx(np.std([-2, 4, 6, 8]))
    assert panel.image.value != before


def test_identity_bar_always_reaches_the_mean_of_squares():
    panel = RMSPanel()
    rng = np.random.default_rng(0)
    for _ in range(10):
        values = rng.integers(-20, 21, size=4) / 2
        panel.update(**{f"x{i + 1}": float(v) for i, v in enumerate(values)})
        top = panel.figure.var_bar.get_y() + panel.figure.var_bar.get_height()
        assert top == pytest.approx(float(rms(values)) ** 2)


def test_update_sets_several_controls_with_one_redraw():
    panel = RMSPanel()
    start = panel.redraws
    panel.update(x1=1.0, x2=1.0, x3=1.0)
    assert panel.redraws == start + 1
    assert panel.vector.tolist() == [1.0, 1.0, 1.0, 8.0]


@pytest.mark.parametrize("bad", [[], [1.0] * 9, [[1.0, 2.0]], [11.0, 0.0], [np.nan, 1.0]])
def test_bad_vectors_are_rejected(bad):
    with pytest.raises(ValueError):
        RMSPanel(x=bad)


def test_hundred_moves_create_no_figure():
    panel = RMSPanel()
    gc.collect()
    figures_before = sum(isinstance(o, Figure) for o in gc.get_objects())
    fig_id = id(panel.figure.fig)
    for i in range(100):
        panel.controls[f"x{i % 4 + 1}"].value = float((i % 41) - 20) / 2
    gc.collect()
    figures_after = sum(isinstance(o, Figure) for o in gc.get_objects())
    assert figures_after == figures_before
    assert id(panel.figure.fig) == fig_id


def test_mimebundle_has_live_view_static_png_and_stable_text():
    bundle = RMSPanel()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    assert bundle["text/plain"] == "<RMS step by step panel: x = [2.0, 4.0, 6.0, 8.0]>"
