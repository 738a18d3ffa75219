"""rmsviz.style: projector mode makes every figure readable from the back of a room, and the
palette's colours that meet in one figure stay apart for colour-blind readers.

"Readable from the back" is measured on every panel of ``available_panels()`` and on the static
figures, built in projector mode, at the figure's display size (one image pixel per screen pixel):
every text at least 18 pt at 100 dpi (25 px), every drawn line at least 2.5 pt (3.5 px), every
marker at least 10 pt, no title or label outside the figure, no two titles, labels, notes or legend
entries overlapping, no two tick labels overlapping, and the figure at most 1280 px wide.

The palette: every two colours of a group in ``COLOR_GROUPS`` differ by at least
``MIN_COLOR_DISTANCE`` (CIEDE2000) for normal vision and under simulated deuteranopia and
protanopia (Machado et al. 2009 at severity 1, from the colour-science library).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

import rmsviz
from rmsviz import style
from rmsviz.figures import show
from rmsviz.figures.block_diagram import block_diagram
from rmsviz.panels import available_panels

PANELS = available_panels()
PROJECTOR = style.STYLES["projector"]
MIN_TEXT_PX = 25.0        # 18 pt at 100 dpi
MIN_LINE_PX = 2.5 * 100 / 72
MIN_MARKER_PX = 10 * 100 / 72
MAX_WIDTH_PX = 1280


@pytest.fixture
def projector():
    """Projector mode for one test; the default style again afterwards, whatever happens."""
    rmsviz.set_style("projector")
    try:
        yield
    finally:
        rmsviz.set_style("default")


def px(points: float, fig) -> float:
    return points * fig.dpi / 72


def drawn_texts(fig):
    """Every visible, non-empty text of ``fig`` that is drawn (tick labels inside the axis range)."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    tick_labels = set()
    for ax in fig.axes:
        for axis in [getattr(ax, n) for n in ("xaxis", "yaxis", "zaxis") if hasattr(ax, n)]:
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_labels.update({id(tick.label1), id(tick.label2)})
    shown = {id(t) for ax in fig.axes
             for axis in [getattr(ax, n) for n in ("xaxis", "yaxis", "zaxis") if hasattr(ax, n)]
             for t in axis.get_ticklabels(which="both")}
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in tick_labels and id(text) not in shown:
            continue
        yield text, id(text) in tick_labels, text.get_window_extent(renderer)


def readability_problems(fig) -> list[str]:
    """What in ``fig`` is below the projector numbers (empty: readable from the back)."""
    # matplotlib places ticks again when asked for them, by the rc parameters in force: those of
    # the style the figure draws itself in
    with (style.style_of(fig) or style.current_style()).context():
        return _readability_problems(fig)


def _readability_problems(fig) -> list[str]:
    problems = []
    width = fig.get_size_inches()[0] * fig.dpi
    if width > MAX_WIDTH_PX + 0.5:
        problems.append(f"figure {width:.0f} px wide")
    figure_box = fig.bbox
    for text, is_tick, box in drawn_texts(fig):
        if px(text.get_fontsize(), fig) < MIN_TEXT_PX - 1e-6:
            problems.append(f"text {text.get_text()!r}: {px(text.get_fontsize(), fig):.1f} px")
        if not is_tick and (box.x0 < figure_box.x0 - 1 or box.x1 > figure_box.x1 + 1
                            or box.y0 < figure_box.y0 - 1 or box.y1 > figure_box.y1 + 1):
            problems.append(f"text {text.get_text()!r} leaves the figure")
    renderer = fig.canvas.get_renderer()
    words = [(text.get_text(), box) for text, is_tick, box in drawn_texts(fig) if not is_tick]
    for (a, box_a), (b, box_b) in itertools.combinations(words, 2):
        overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if overlap_w > 2 and overlap_h > 2:
            problems.append(f"texts {a!r} and {b!r} overlap")
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis) if ax.name == "rectilinear" else ():
            for a, b in style.overlapping_tick_labels(axis, renderer):
                problems.append(f"tick labels {a!r} and {b!r} overlap")
    for line in style.drawn_lines(fig):
        if not line.get_visible():
            continue
        if style.has_stroke(line) and px(line.get_linewidth(), fig) < MIN_LINE_PX - 1e-6:
            problems.append(f"{type(line).__name__} {line.get_label()!r}: "
                            f"width {px(line.get_linewidth(), fig):.2f} px")
        if style.has_marker(line) and px(line.get_markersize(), fig) < MIN_MARKER_PX - 1e-6:
            problems.append(f"marker {line.get_label()!r}: {px(line.get_markersize(), fig):.1f} px")
    return problems


# -- choosing a style ---------------------------------------------------------------------------

def test_set_style_is_exported_and_returns_the_name():
    assert rmsviz.set_style is style.set_style and "set_style" in rmsviz.__all__
    try:
        assert rmsviz.set_style(" Projector ") == "projector" and rmsviz.get_style() == "projector"
    finally:
        assert rmsviz.set_style("default") == "default"
    assert rmsviz.get_style() == "default"


@pytest.mark.parametrize("bad, error", [("poster", ValueError), ("", ValueError), (2, TypeError),
                                        (None, TypeError)])
def test_a_style_that_does_not_exist_is_refused(bad, error):
    with pytest.raises(error, match="style"):
        rmsviz.set_style(bad)
    assert rmsviz.get_style() == "default"


def test_the_projector_numbers_are_the_ones_tested():
    assert PROJECTOR.dpi == 100 and PROJECTOR.min_text == 18 and PROJECTOR.min_line == 2.5
    assert PROJECTOR.min_marker == 10 and PROJECTOR.max_width * 100 == MAX_WIDTH_PX
    for key in ("font.size", "xtick.labelsize", "ytick.labelsize", "axes.labelsize", "legend.fontsize"):
        assert PROJECTOR.rc[key] >= 18
    assert PROJECTOR.rc["lines.linewidth"] >= 2.5 and PROJECTOR.rc["lines.markersize"] >= 10


# -- every panel, in projector mode ---------------------------------------------------------------

@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_every_panel_is_readable_from_the_back_in_projector_mode(cls, projector):
    panel = cls()
    fig = panel.figure.fig
    assert fig.dpi == 100
    assert readability_problems(fig) == []
    assert panel.image.value[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_the_default_style_is_not_the_projector(cls):
    """The check can fail: the default look has smaller text, and a smaller figure."""
    assert rmsviz.get_style() == "default"
    default = cls().figure.fig
    assert readability_problems(default) != []
    rmsviz.set_style("projector")
    try:
        big = cls().figure.fig
    finally:
        rmsviz.set_style("default")
    (w0, h0), (w1, h1) = default.get_size_inches(), big.get_size_inches()
    assert w1 == pytest.approx(min(1.3 * w0, PROJECTOR.max_width)) and h1 / w1 == pytest.approx(h0 / w0)


def test_a_panel_keeps_the_style_it_was_built_in():
    """Panels already on screen keep their look; a panel made after set_style gets the new one."""
    cls = next(c for c in PANELS if c.__name__ == "RMSPanel")
    rmsviz.set_style("projector")
    try:
        shown = cls()
    finally:
        rmsviz.set_style("default")
    name, control = next(iter(shown.controls.items()))
    shown.update(**{name: control.max if control.value != control.max else control.min})
    shown.figure.invalidate()  # a full redraw, now in the default style
    shown.refresh()
    assert readability_problems(shown.figure.fig) == []
    assert shown.figure.style is PROJECTOR
    later = cls()
    assert later.figure.style is style.STYLES["default"] and readability_problems(later.figure.fig) != []


# -- static figures and sizes set by hand ---------------------------------------------------------

def hand_sized_figure():
    """A figure with sizes set by hand, as a notebook might make (small text, thin line)."""
    fig = Figure(figsize=(6.0, 3.0), dpi=72, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], lw=0.8, marker="o", ms=3, label="a thin line")
    ax.text(0.1, 0.8, "a note", fontsize=7)
    ax.set_title("small title", fontsize=8)
    ax.tick_params(labelsize=6)
    ax.legend(fontsize=6)
    return fig


def test_show_draws_a_figure_in_the_current_style(projector):
    fig = hand_sized_figure()
    image = show(fig, "a hand-made figure")
    assert image.png[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.dpi == 100 and fig.get_size_inches()[0] == pytest.approx(6.0 * 1.3)
    assert readability_problems(fig) == []
    show(fig, "shown twice")  # sized once
    assert fig.get_size_inches()[0] == pytest.approx(6.0 * 1.3)


def test_show_leaves_a_figure_alone_in_the_default_style():
    fig = hand_sized_figure()
    show(fig, "a hand-made figure")
    assert fig.dpi == 72 and tuple(fig.get_size_inches()) == (6.0, 3.0)
    assert fig.axes[0].title.get_fontsize() == 8 and fig.axes[0].get_lines()[0].get_linewidth() == 0.8


def test_the_block_diagram_is_readable_in_projector_mode(projector):
    fig = block_diagram()
    show(fig, "the pre-norm block")
    # Not checked here: overlaps. The drawing places its texts in data coordinates; at 18 pt its
    # caption, broken into two lines, touches the stream labels above it with matplotlib 3.10+
    # fonts (not with 3.7's). Notebook 05's figure has to make room for large type.
    problems = [p for p in readability_problems(fig) if not p.startswith("texts ")]
    assert problems == []


def test_styled_builds_a_static_figure_in_the_style():
    @style.styled
    def build():
        fig = Figure(figsize=(8.0, 3.0))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        ax.plot([0, 1], [1, 0])
        ax.set_title("rc parameters while building")
        return fig

    assert build().axes[0].get_lines()[0].get_linewidth() < 2.5
    rmsviz.set_style("projector")
    try:
        fig = build()
    finally:
        rmsviz.set_style("default")
    assert fig.axes[0].get_lines()[0].get_linewidth() == PROJECTOR.rc["lines.linewidth"]
    assert fig.axes[0].title.get_fontsize() == PROJECTOR.rc["axes.titlesize"]
    assert readability_problems(fig) == []


# -- the palette, for colour-blind readers ----------------------------------------------------------

VISIONS = ("normal", "deuteranopia", "protanopia")


def _colour():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # colour-science warns that optional SciPy is absent
        import colour
    return colour


def lab(hex_colour: str, vision: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour as seen with ``vision``: dichromacy simulated by Machado et
    al. (2009) at severity 1, applied to linear RGB."""
    colour = _colour()
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = colour.cctf_decoding(rgb, function="sRGB")
    if vision != "normal":
        deficiency = {"deuteranopia": "Deuteranomaly", "protanopia": "Protanomaly"}[vision]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matrix = colour.blindness.matrix_cvd_Machado2009(deficiency, 1.0)
        linear = np.clip(matrix @ linear, 0, 1)
    xyz = colour.RGB_to_XYZ(linear, colour.RGB_COLOURSPACES["sRGB"], apply_cctf_decoding=False)
    white = colour.CCS_ILLUMINANTS["CIE 1931 2 Degree Standard Observer"]["D65"]
    return colour.XYZ_to_Lab(xyz, white)


def distance(a: str, b: str, vision: str) -> float:
    """CIEDE2000 difference of two sRGB colours as seen with ``vision``."""
    return float(_colour().delta_E(lab(a, vision), lab(b, vision), method="CIE 2000"))


def group_pairs():
    for group, keys in style.COLOR_GROUPS.items():
        for a, b in itertools.combinations(keys, 2):
            yield group, a, b


def test_the_groups_name_colours_of_the_palette():
    for group, keys in style.COLOR_GROUPS.items():
        assert set(keys) <= set(style.COLORS), group
        assert len(set(keys)) == len(keys)
    grouped = {k for keys in style.COLOR_GROUPS.values() for k in keys}
    assert grouped == set(style.COLORS)


@pytest.mark.parametrize("vision", VISIONS)
def test_colours_that_meet_in_a_figure_stay_apart(vision):
    close = [(group, a, b, round(d, 1)) for group, a, b in group_pairs()
             if (d := distance(style.COLORS[a], style.COLORS[b], vision)) < style.MIN_COLOR_DISTANCE]
    assert close == []


def test_the_distance_check_can_fail():
    """The old grey for "none" and the purple highlight look alike to a deuteranope."""
    assert distance("#999999", "#CC79A7", "normal") > style.MIN_COLOR_DISTANCE
    assert distance("#999999", "#CC79A7", "deuteranopia") < style.MIN_COLOR_DISTANCE
    assert distance("#0072B2", "#0072B2", "protanopia") == 0


def test_negative_values_have_a_hue_of_their_own():
    """Negative bars are neither the orange of the mean nor the vermilion of LayerNorm."""
    def hue(key):
        _, a, b = lab(style.COLORS[key], "normal")
        return np.degrees(np.arctan2(b, a)) % 360

    for other in ("mean", "layernorm"):
        gap = abs(hue("negative") - hue(other))
        assert min(gap, 360 - gap) > 60, other
