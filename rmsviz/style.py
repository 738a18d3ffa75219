"""One look for every figure in the series: the palette, and the figure styles (notebooks 00-06).

**Palette.** :data:`COLORS` holds Okabe-Ito colours (a palette designed for colour-blind readers)
and one colour of Paul Tol's muted scheme, one per meaning; RMSNorm and LayerNorm keep the same colour in every notebook. :data:`COLOR_GROUPS`
lists the colours that appear together in one figure; ``tests/test_style.py`` checks that the
members of every group stay apart (CIEDE2000 distance of at least :data:`MIN_COLOR_DISTANCE`)
for normal vision and simulated deuteranopia and protanopia.

**Styles.** ``set_style("projector")`` makes every figure built after the call readable from the
back of a classroom; ``set_style("default")`` goes back to the normal look. A style is a
matplotlib rc dict (fonts, line widths, marker and tick sizes), applied with
``matplotlib.rc_context`` while a figure is built, plus a figure size and floors for the sizes a
figure sets by hand. "Readable from the back" is these numbers, tested for every panel
(``tests/test_style.py``), at the figure's display size (shown one image pixel per screen pixel,
as a notebook shows a panel):

* every text at least 18 pt at 100 dpi (25 px high);
* every drawn line at least 2.5 pt (3.5 px) wide, every marker at least 10 pt (14 px);
* no text outside the figure, no two texts (or two tick labels) overlapping;
* the figure at most 1280 px wide, so a projector of that width shows it whole.

To keep large type inside the figure, projector mode breaks long titles, notes and legend entries
into lines and turns crowded category labels (:func:`enforce_floors`); a figure whose own layout
still crowds (texts placed in data coordinates) has to make room itself.

**Languages.** A figure is drawn in the fonts of the language it is built in
(``rmsviz.set_language``, :mod:`rmsviz.i18n`): :data:`LANGUAGE_FONTS` names, per language, a font
shipped in ``rmsviz/fonts``, registered with matplotlib's font manager the first time a figure is
built in that language and put in ``font.family`` after DejaVu Sans (matplotlib's default), which
stays first: matplotlib draws each character from the first font of the list that has it, so
Latin letters, digits and symbols look as in English (mathtext tick labels such as 10⁻³ need
DejaVu's minus sign) and Hangul comes from the language's font (the Korean edition: "Rmsviz
Hangul", a NanumGothic subset made by ``tools/make_korean_font.py``). English keeps matplotlib's
defaults untouched.

A figure keeps the style (and language) it was built in: a panel already on screen keeps its look
when the style changes, and a panel made afterwards gets the new one.

This module imports nothing from rmsviz except the language catalogue, and imports matplotlib
only when a figure is built (``import rmsviz`` stays light): every layer may use it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from rmsviz.i18n import N_, _, get_language

__all__ = ["BOLD_FONTS", "COLORS", "COLOR_GROUPS", "FALLBACK_FONT", "LANGUAGE_FONTS", "MIN_COLOR_DISTANCE", "STYLES",
           "FigureStyle", "current_style", "drawn_lines", "enforce_floors", "finish", "font_path",
           "get_style", "has_marker", "has_stroke", "in_current_style", "language_rc", "mark",
           "overlapping_tick_labels", "set_style", "style_of", "styled", "tidy", "use_language_font"]

COLORS = {
    "x": "#0072B2",          # input values (blue)
    "negative": "#882255",   # negative input values (wine, from Paul Tol's colour-blind-safe
                             # "muted" scheme: apart from the orange mean, vermilion LayerNorm and
                             # the purple highlight, which the Okabe-Ito colours left cannot all be)
    "square": "#56B4E9",     # squared values (sky blue)
    "rms": "#000000",        # the RMS (black)
    "mean": "#E69F00",       # the mean (orange)
    "std": "#009E73",        # the standard deviation (bluish green)
    "rmsnorm": "#0072B2",    # RMSNorm output (blue)
    "layernorm": "#D55E00",  # LayerNorm output (vermilion)
    "none": "#666666",       # no normalisation (dark grey: apart from the purple under deuteranopia)
    "highlight": "#CC79A7",  # anything to point at (reddish purple)
}

#: The colours that appear together in one figure (keys of :data:`COLORS`), by where they meet.
#: Within a group every two colours must stay distinguishable; two keys that never meet (such as
#: "x" and "rmsnorm") may share a colour.
COLOR_GROUPS = {
    N_("values and their statistics (RMS panel, notebooks 00 and 01)"):
        ("x", "negative", "square", "rms", "mean", "std"),
    N_("the two norms and the mean lines (notebooks 02 and 03)"): ("x", "layernorm", "mean"),
    N_("the two norms and the mean lines, outputs (notebooks 02 and 03)"): ("rmsnorm", "layernorm", "mean"),
    N_("no norm, RMSNorm, LayerNorm (notebooks 03, 04 and 06)"): ("none", "rmsnorm", "layernorm"),
    N_("a sweep and the point read off it (notebooks 04 and 05)"):
        ("none", "rmsnorm", "highlight", "rms", "mean", "std"),
    N_("float16 overflow (notebook 05)"): ("negative", "highlight", "rmsnorm", "rms"),
}

#: The smallest CIEDE2000 colour difference allowed between two colours of one group, for normal
#: vision and under simulated deuteranopia and protanopia. About 2 is just noticeable on large
#: patches side by side; thin lines and small markers need several times more.
MIN_COLOR_DISTANCE = 10.0


@dataclass(frozen=True)
class FigureStyle:
    """How figures look: rc parameters while a figure is built, its size, and size floors.

    ``scale`` multiplies a figure's size (inches), ``max_width`` (inches) caps its width, keeping
    its shape; ``dpi`` replaces the figure's dpi (``None``: keep it). The floors (points) are
    applied by :func:`enforce_floors` to every text, line and marker, so sizes a figure sets by
    hand (``fontsize=9``) are raised too; 0 means no floor. ``wrap_text`` breaks a title or a note
    (``ax.text``, ``fig.text``) that would leave the figure into lines. ``language`` is the
    language the figure's texts are in: its fonts (:func:`language_rc`) join the rc parameters.
    """

    name: str
    rc: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    scale: float = 1.0
    max_width: float | None = None
    dpi: float | None = None
    min_text: float = 0.0
    min_line: float = 0.0
    min_marker: float = 0.0
    wrap_text: bool = False
    language: str = "en"

    @property
    def has_floors(self) -> bool:
        return bool(self.min_text or self.min_line or self.min_marker or self.wrap_text)

    def context(self):
        """``matplotlib.rc_context`` with this style's rc parameters and its language's fonts
        (wrap figure construction, and drawing: ticks made while drawing read them)."""
        import matplotlib

        return matplotlib.rc_context({**self.rc, **language_rc(self.language)})

    def figure_size(self, figsize, dpi):
        """(figsize, dpi) of a figure asked for as ``figsize`` at ``dpi``, in this style."""
        width, height = (float(v) * self.scale for v in figsize)
        if self.max_width is not None and width > self.max_width:
            width, height = self.max_width, height * self.max_width / width
        return (width, height), (dpi if self.dpi is None else self.dpi)


_PROJECTOR_RC = {
    "figure.dpi": 100,
    "font.size": 18,
    "axes.titlesize": 20,
    "axes.labelsize": 18,
    "xtick.labelsize": 18,
    "ytick.labelsize": 18,
    "legend.fontsize": 18,
    "legend.title_fontsize": 18,
    "figure.titlesize": 22,
    "lines.linewidth": 3.0,
    "lines.markersize": 10.0,
    "lines.markeredgewidth": 1.5,
    "patch.linewidth": 1.5,
    "axes.linewidth": 1.6,
    "grid.linewidth": 1.2,
    "xtick.major.width": 1.6,
    "ytick.major.width": 1.6,
    "xtick.minor.width": 1.2,
    "ytick.minor.width": 1.2,
    "xtick.major.size": 7.0,
    "ytick.major.size": 7.0,
    "xtick.minor.size": 4.0,
    "ytick.minor.size": 4.0,
    "legend.handlelength": 2.0,
    "legend.handletextpad": 0.5,
    "legend.columnspacing": 1.0,
    "legend.borderaxespad": 0.3,
}

#: The styles by name. ``projector``: the numbers of the module docstring.
STYLES = {
    "default": FigureStyle("default"),
    "projector": FigureStyle("projector", MappingProxyType(_PROJECTOR_RC), scale=1.3, max_width=12.8,
                             dpi=100, min_text=18.0, min_line=2.5, min_marker=10.0, wrap_text=True),
}

#: The font each language other than English draws its figures in: language -> (family name, file
#: in ``rmsviz/fonts``). matplotlib's DejaVu Sans has no Hangul (its glyphs come out as boxes).
LANGUAGE_FONTS = {
    "ko": ("Rmsviz Hangul", "RmsvizHangul.ttf"),
}
#: The bold weight of a language's font, where one is shipped (file in ``rmsviz/fonts``).
BOLD_FONTS = {
    "ko": "RmsvizHangul-Bold.ttf",
}

#: The font before a language's own in ``font.family`` (matplotlib's default): matplotlib draws each
#: character from the first font of the list that has it, so Latin letters, digits and symbols
#: (√, ², ε, and mathtext's minus sign, which the Hangul subset lacks) come from here, as in
#: English, and only the characters it lacks (Hangul) from the language's font.
FALLBACK_FONT = "DejaVu Sans"

FONTS_DIR = Path(__file__).resolve().parent / "fonts"


def font_path(language: str) -> Path | None:
    """The font file figures in ``language`` are drawn in (``None``: matplotlib's default font)."""
    entry = LANGUAGE_FONTS.get(language)
    return None if entry is None else FONTS_DIR / entry[1]


def font_paths(language: str) -> list[Path]:
    """Every font file of ``language``: its regular weight, then its bold one if shipped."""
    regular = font_path(language)
    if regular is None:
        return []
    bold = BOLD_FONTS.get(language)
    return [regular] + ([FONTS_DIR / bold] if bold else [])


@functools.lru_cache(maxsize=None)
def _register_font(path: str) -> None:
    """Add a shipped font file to matplotlib's font manager, once per process (no cache rebuild).

    Each weight is its own file (regular and bold), so a bold title is drawn in bold Hangul: without
    a bold file matplotlib would draw bold Hangul in the regular weight beside bold Latin letters,
    and log "findfont: Failed to find font weight bold ..." to stderr (a notebook output).
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    manager.addfont(path)
    clear = getattr(manager._findfont_cached, "cache_clear", None)
    if clear is not None:  # a lookup made before may have fallen back elsewhere
        clear()


def language_rc(language: str) -> dict:
    """The rc parameters that draw figures in ``language``: ``{}`` for English (matplotlib's
    defaults, unchanged), else ``font.family`` = [DejaVu Sans, the language's font]; registers the
    font with matplotlib the first time."""
    entry = LANGUAGE_FONTS.get(language)
    if entry is None:
        return {}
    for path in font_paths(language):
        _register_font(str(path))
    return {"font.family": [FALLBACK_FONT, entry[0]]}


_state = {"style": STYLES["default"]}


def set_style(name: str) -> str:
    """Draw every figure built after this call in style ``name`` ("default" or "projector").

    Panels already displayed keep the style they were built in; a panel made after the call gets
    the new one. Returns the name. Raises TypeError/ValueError for a name that is not a style.
    """
    if not isinstance(name, str):
        raise TypeError(_("the style must be a name such as 'projector', got {kind}")
                        .format(kind=type(name).__name__))
    key = name.strip().lower()
    if key not in STYLES:
        raise ValueError(_("no style {name}; the styles are: {styles}")
                         .format(name=repr(name), styles=", ".join(STYLES)))
    _state["style"] = STYLES[key]
    return key


def get_style() -> str:
    """The name of the style figures are built in now."""
    return _state["style"].name


def current_style() -> FigureStyle:
    """The style figures are built in now, in the language strings are shown in now
    (``rmsviz.set_language``): the style itself in English, else a copy whose ``language`` is set."""
    return _in_language(_state["style"].name, get_language())


@functools.lru_cache(maxsize=None)
def _in_language(name: str, language: str) -> FigureStyle:
    style = STYLES[name]
    return style if language == style.language else replace(style, language=language)


def tidy(ax):
    """Hide the top and right spines (less ink, easier to read on a projector)."""
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def drawn_lines(fig):
    """The lines ``fig`` draws as content: ``Line2D`` (plots, reference lines, legend handles),
    outlines of unfilled patches (step histograms) and arrows. Not ticks, grid lines, spines, bar
    edges or line collections (wire frames): the rc parameters size those background guides."""
    from matplotlib.patches import FancyArrowPatch

    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    for ax in fig.axes:
        yield from ax.get_lines()
        for patch in ax.patches:
            if isinstance(patch, FancyArrowPatch) or not patch.get_fill():
                yield patch
    for legend in legends:
        if legend is not None:
            yield from legend.get_lines()
    yield from (p for p in fig.patches if isinstance(p, FancyArrowPatch))


def has_marker(artist) -> bool:
    """Does ``artist`` (a line) draw markers?"""
    get_marker = getattr(artist, "get_marker", None)
    return get_marker is not None and get_marker() not in (None, "", " ", "None", "none")


def has_stroke(artist) -> bool:
    """Does ``artist`` draw a line (a visible line style and width)?"""
    return artist.get_linestyle() not in ("", " ", "None", "none") and artist.get_linewidth() > 0


def _axes_axes(ax):
    return [getattr(ax, name) for name in ("xaxis", "yaxis", "zaxis") if hasattr(ax, name)]


def enforce_floors(fig, style: FigureStyle) -> None:
    """Raise every text, line width and marker of ``fig`` to ``style``'s floors (sizes a figure set
    by hand, which the rc parameters do not reach). Smaller sizes only; idempotent."""
    if not style.has_floors:
        return
    from matplotlib.text import Text

    for ax in fig.axes:
        for axis in _axes_axes(ax):
            # tick labels are made lazily: set the floor where new ticks read it
            size = axis.get_major_ticks()[0].label1.get_fontsize()
            if size < style.min_text:
                axis.set_tick_params(which="both", labelsize=style.min_text)
    for text in fig.findobj(Text):
        if text.get_fontsize() < style.min_text:
            text.set_fontsize(style.min_text)
    if style.wrap_text:  # a long title or note breaks into lines instead of leaving the figure
        for ax in fig.axes:
            for text in (ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None),
                         *ax.texts):
                if text is not None:
                    text.set_wrap(True)
        for text in fig.texts:
            text.set_wrap(True)
    for line in drawn_lines(fig):
        if has_stroke(line) and line.get_linewidth() < style.min_line:
            line.set_linewidth(style.min_line)
        if has_marker(line) and line.get_markersize() < style.min_marker:
            line.set_markersize(style.min_marker)
    if style.min_text:
        with style.context():
            _fit_texts(fig)


def overlapping_tick_labels(axis, renderer) -> list[tuple[str, str]]:
    """Pairs of neighbouring tick labels of ``axis`` (an x or y axis) that overlap when drawn.

    Call it inside the figure's style (``style.context()``): matplotlib places the ticks again
    when asked for their labels, by the rc parameters in force."""
    boxes = [(label.get_text(), label.get_window_extent(renderer)) for label in axis.get_ticklabels()
             if label.get_visible() and label.get_text().strip()]
    along = "x" if axis.axis_name == "x" else "y"
    boxes.sort(key=lambda item: getattr(item[1], along + "0"))
    return [(a, b) for (a, box_a), (b, box_b) in zip(boxes, boxes[1:])
            if getattr(box_a, along + "1") > getattr(box_b, along + "0") + 0.5]


def _free_texts(fig):
    """Titles, notes (``ax.text``, ``fig.text``) and figure titles: texts a figure places itself."""
    for ax in fig.axes:
        yield from (t for t in (ax.title, getattr(ax, "_left_title", None),
                                getattr(ax, "_right_title", None)) if t is not None)
        yield from ax.texts
    yield from fig.texts


def _room(text, fig, renderer) -> float:
    """The width (pixels) ``text`` may take: its axes' width for a title, else the room between its
    anchor and the figure's edges (both edges for centred text)."""
    ax = text.axes
    if ax is not None and text in (ax.title, getattr(ax, "_left_title", None),
                                   getattr(ax, "_right_title", None)):
        return ax.get_window_extent(renderer).width
    x = text.get_window_extent(renderer)
    left, right = fig.bbox.x0 + 4, fig.bbox.x1 - 4
    anchor = {"left": x.x0, "right": x.x1}.get(text.get_horizontalalignment(), (x.x0 + x.x1) / 2)
    return {"left": right - anchor, "right": anchor - left}.get(
        text.get_horizontalalignment(), 2 * min(anchor - left, right - anchor))


def _break_long_texts(fig, renderer) -> bool:
    """Break titles and notes wider than their room into lines (at spaces); True if any changed.
    Done by hand, not only with ``Text.set_wrap``: constrained layout before matplotlib 3.8 sizes
    a title by its unbroken width, and cuts off the lines that wrapping adds at drawing time."""
    changed = False
    for text in _free_texts(fig):
        content = text.get_text()
        if not text.get_visible() or "$" in content or not content.strip():
            continue
        room = _room(text, fig, renderer)
        if text.get_window_extent(renderer).width <= room:
            continue
        font = text.get_fontproperties()

        def width(line):
            return renderer.get_text_width_height_descent(line, font, ismath=False)[0]

        lines = []
        for paragraph in content.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and width(candidate) > room:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        if len(lines) > content.count("\n") + 1:
            text.set_text("\n".join(lines))
            changed = True
    return changed


def _legend_room(legend, fig, renderer) -> tuple[float, float]:
    """(width, room) of ``legend`` in pixels: its width, and what the figure leaves it around its
    anchor (to the right of a left-anchored legend, on both sides of a centred one)."""
    box = legend.get_window_extent(renderer)
    left, right = fig.bbox.x0 + 4, fig.bbox.x1 - 4
    if box.x0 >= left and box.x1 <= right:
        return box.width, box.width
    centre = (box.x0 + box.x1) / 2
    if box.x0 >= left:  # anchored on its left edge, running off the right of the figure
        return box.width, right - box.x0
    if box.x1 <= right:
        return box.width, box.x1 - left
    return box.width, 2 * min(centre - left, right - centre)


def _fit_legends(fig, renderer, tries: int = 8) -> bool:
    """Break the longest entry of a legend that leaves the figure into two lines (at the space
    nearest its middle), until the legend fits or no entry can be broken; True if any changed."""
    changed = False
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    for legend in legends:
        for _ in range(tries):
            width, room = _legend_room(legend, fig, renderer)
            if width <= room:
                break
            texts = sorted(legend.get_texts(), key=lambda t: -t.get_window_extent(renderer).width)
            for text in texts:
                lines = text.get_text().split("\n")
                longest = max(range(len(lines)), key=lambda k: len(lines[k]))
                words = lines[longest].split(" ")
                if len(words) > 1 and "$" not in lines[longest]:
                    middle = min(range(1, len(words)),
                                 key=lambda k: abs(len(" ".join(words[:k])) - len(lines[longest]) / 2))
                    lines[longest:longest + 1] = [" ".join(words[:middle]), " ".join(words[middle:])]
                    text.set_text("\n".join(lines))
                    changed = True
                    break
            else:
                break  # nothing left to break
            fig.draw_without_rendering()
    return changed


def _fit_texts(fig) -> None:
    """Make large type fit (projector mode): break titles and notes wider than their room into
    lines, and the entries of a legend that leaves the figure; then turn the x tick labels of an axes whose labels overlap (long category names) by
    30, then 45 degrees. Draws the figure (not on screen). What still does not fit is the figure's
    to shorten (``tests/test_style.py`` finds it)."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    if _fit_legends(fig, renderer):  # first: a legend too wide squeezes the axes it sits by
        fig.draw_without_rendering()
    if _break_long_texts(fig, renderer):
        fig.draw_without_rendering()
    for angle in (30, 45, None):
        crowded = [ax for ax in fig.axes if ax.name == "rectilinear"
                   and overlapping_tick_labels(ax.xaxis, renderer)]
        if not crowded or angle is None:
            return
        for ax in crowded:
            ax.tick_params(axis="x", which="both", labelrotation=angle)
            for label in ax.get_xticklabels(which="both"):
                label.set_horizontalalignment("right")
                label.set_rotation_mode("anchor")
        fig.draw_without_rendering()


def finish(fig, style: FigureStyle | None = None):
    """Give ``fig`` the size, floors and fonts of a style before it is drawn; returns ``fig``.

    The style is the one ``fig`` was built in if it was built by rmsviz (a panel's figure, a
    :func:`styled` builder), else ``style`` or the current one: so a figure a notebook makes
    itself and shows with ``rmsviz.figures.show`` follows the style too, and its language
    (:func:`use_language_font`). Sized once; the floors are idempotent.
    """
    built_in = getattr(fig, "_rmsviz_style", None)
    if built_in is None:
        built_in = style or current_style()
        figsize, dpi = built_in.figure_size(fig.get_size_inches(), fig.dpi)
        fig.set_size_inches(*figsize)
        fig.set_dpi(dpi)
        mark(fig, built_in)
    use_language_font(fig, built_in.language)
    enforce_floors(fig, built_in)
    return fig


def use_language_font(fig, language: str) -> None:
    """Draw the texts of ``fig`` made outside a style's rc parameters (a figure built with a bare
    ``Figure()``, which reads matplotlib's default ``font.family`` when each text is made) in
    ``language``'s fonts (:func:`language_rc`); texts given a font family of their own keep it.
    Nothing to do in English."""
    rc = language_rc(language)
    if not rc:
        return
    import matplotlib
    from matplotlib.text import Text

    default = list(matplotlib.rcParamsDefault["font.family"])
    for text in fig.findobj(Text):
        if list(text.get_fontfamily()) == default:
            text.set_fontfamily(rc["font.family"])


def mark(fig, style: FigureStyle) -> None:
    """Record that ``fig`` was built and sized in ``style`` (so :func:`finish` keeps its size)."""
    fig._rmsviz_style = style


def style_of(fig) -> FigureStyle | None:
    """The style ``fig`` was built in (``None`` if rmsviz did not build it)."""
    return getattr(fig, "_rmsviz_style", None)


def in_current_style(function):
    """Decorator: run ``function`` inside the current style's rc parameters (figure construction:
    ``LiveFigure`` wraps every subclass's ``__init__`` with it)."""

    @functools.wraps(function)
    def run_in_style(*args, **kwargs):
        with current_style().context():
            return function(*args, **kwargs)

    return run_in_style


def styled(build):
    """Decorator for a function that builds and returns a static figure (notebooks 03 and 05): it
    builds it inside the current style's rc parameters, then :func:`finish` gives it the style's
    size and floors."""

    @functools.wraps(build)
    def build_in_style(*args, **kwargs):
        style = current_style()
        with style.context():
            fig = build(*args, **kwargs)
        return finish(fig, style)

    return build_in_style
