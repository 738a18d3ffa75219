"""rmsviz.panels.rms: the notebook-01 panel driven without a browser."""

import gc

import numpy as np
import pytest
from matplotlib.figure import Figure

from matplotlib.colors import to_rgb

from rmsviz import rms
from rmsviz.panels import RMSPanel
from rmsviz.panels.rms import label_heights
from rmsviz.style import COLORS


def _heights(bars):
    return np.array([bar.get_height() for bar in bars])


def test_default_state_draws_the_seed_vector():
    panel = RMSPanel()
    fig = panel.figure
    assert np.allclose(_heights(fig.value_bars), [2, 4, 6, 8])
    assert np.allclose(_heights(fig.square_bars), [4, 16, 36, 64])
    assert fig.rms_line.get_ydata()[0] == pytest.approx(np.sqrt(30))
    assert fig.mean_line.get_ydata()[0] == pytest.approx(5)
    # the std is a band mean ± std around the mean, not a level from zero
    assert fig.std_band.get_y() == pytest.approx(5 - np.sqrt(5))
    assert fig.std_band.get_height() == pytest.approx(2 * np.sqrt(5))
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
    std = np.std([-2, 4, 6, 8])
    assert fig.std_band.get_y() == pytest.approx(4.0 - std)
    assert fig.std_band.get_y() + fig.std_band.get_height() == pytest.approx(4.0 + std)
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


def _label_boxes(panel):
    """Display-space boxes of the RMS and mean labels, after a render (as the saved PNG shows them)."""
    panel.figure.render()
    renderer = panel.figure.fig.canvas.get_renderer()
    return (panel.figure.rms_label.get_window_extent(renderer),
            panel.figure.mean_label.get_window_extent(renderer))


@pytest.mark.parametrize("x", [[3.0, 4.0], [5.0, 5.0, 5.0, 5.0], [10.0, 10.0], [-10.0, -10.0, -10.0, -10.0]])
def test_rms_and_mean_labels_do_not_overlap_when_the_lines_nearly_coincide(x):
    panel = RMSPanel(x=x)
    rms_box, mean_box = _label_boxes(panel)
    assert not rms_box.overlaps(mean_box)
    assert rms_box.y0 >= mean_box.y1  # the RMS label is above the mean label (RMS >= mean)
    axes_box = panel.figure.axes[0].get_window_extent()
    for box in (rms_box, mean_box):  # inside the figure's left plot, vertically
        assert axes_box.y0 - 1 <= box.y0 and box.y1 <= axes_box.y1 + 1


def test_labels_give_the_values_and_sit_on_their_lines_when_apart():
    panel = RMSPanel()
    fig = panel.figure
    assert fig.rms_label.get_text() == "RMS 5.48" and fig.mean_label.get_text() == "mean 5.00"
    panel.update(x1=-6.0, x2=-6.0, x3=6.0, x4=6.0)  # mean 0, RMS 6: far apart
    assert fig.rms_label.get_position()[1] == pytest.approx(6.0)
    assert fig.mean_label.get_position()[1] == pytest.approx(0.0)


def test_label_heights():
    assert label_heights(5.48, 5.0, 0.2, -10, 10) == (5.48, 5.0)  # apart: each at its line
    high, low = label_heights(3.54, 3.5, 2.0, -10, 10)
    assert high - low == pytest.approx(2.0) and (high + low) / 2 == pytest.approx(3.52)
    for rms_value, mean in [(10.0, 10.0), (10.0, -10.0), (10.0, 9.9), (10.0, -9.9), (0.0, 0.0)]:
        high, low = label_heights(rms_value, mean, 2.0, -9.5, 9.5)
        assert -9.5 <= low and high <= 9.5 and high - low >= 2.0 - 1e-12
    assert label_heights(10.0, -10.0, 2.0, -9.5, 9.5) == (9.5, -9.5)


def _distance(a, b) -> float:
    return float(np.linalg.norm(np.subtract(to_rgb(a), to_rgb(b))))


def test_negative_bars_have_a_colour_far_from_the_mean_line_and_from_layernorm():
    panel = RMSPanel(x=[-2.0, 4.0, 6.0, 8.0])
    negative, positive = panel.figure.value_bars[0], panel.figure.value_bars[1]
    assert to_rgb(positive.get_facecolor()) == to_rgb(COLORS["x"])
    colour = negative.get_facecolor()
    for other in (COLORS["mean"], COLORS["layernorm"], COLORS["x"], COLORS["std"]):
        assert _distance(colour, other) > 0.3, other
    panel.update(x1=2.0)
    assert to_rgb(negative.get_facecolor()) == to_rgb(COLORS["x"])


def test_band_is_clipped_to_the_bars_range():
    panel = RMSPanel(x=[-10.0, -10.0, -10.0, 10.0])  # mean -5, std 8.66: mean - std = -13.66
    band = panel.figure.std_band
    assert band.get_y() == pytest.approx(-10.0)
    assert band.get_y() + band.get_height() == pytest.approx(-5 + np.std([-10, -10, -10, 10]))


@pytest.mark.parametrize("x", [[-10.0] * 4, [10.0] * 4, [-10.0, -10.0, -10.0, 10.0]])
def test_no_bar_band_or_line_covers_a_legend(x):
    """The legends are drawn once, in strips outside the range of the moving artists."""
    panel = RMSPanel(x=x)
    fig = panel.figure
    fig.render()
    renderer = fig.fig.canvas.get_renderer()
    ax_x, ax_sq = fig.axes
    left, right = ax_x.get_legend().get_window_extent(renderer), ax_sq.get_legend().get_window_extent(renderer)
    for artist in [*fig.value_bars, fig.std_band, fig.rms_line, fig.mean_line]:
        assert artist.get_window_extent(renderer).y0 >= left.y1 - 1
    for artist in [*fig.square_bars, fig.mean_sq_bar, fig.var_bar, fig.ms_line]:
        assert artist.get_window_extent(renderer).y1 <= right.y0 + 1
