"""What GitHub, nbviewer and exported HTML show: every saved notebook renders without a kernel.

For every notebook under ``notebooks/`` (found by itself), as saved:

* every panel displayed (an output whose text is a panel's ``<title panel...>`` repr, in the
  notebook's language, for every panel in ``rmsviz.panels.available_panels()``) carries an
  ``image/png`` of the figure, with the figure's size, not blank; when the panel is in its
  default state (same repr as the panel built with no arguments) the picture is the
  default-state figure (compared by :func:`shift_tolerant_difference`, so the few-pixel layout
  and anti-aliasing changes between matplotlib 3.7 and the newest release do not fail it, while a
  moved panel does);
* a panel class a code cell builds (``Name(``) is displayed somewhere in that notebook;
* no saved widget view without stored widget state (reopened, it shows "Error displaying widget:
  model not found" instead of the PNG); ``metadata.widgets``, if present, has a ``state`` key
  (GitHub refuses to render the notebook otherwise);
* no stored output larger than 1 MB; no error outputs, no printed tracebacks and no font warning
  on stderr ("Glyph ... missing from font(s)": a character drawn as an empty box).

A notebook under ``notebooks/ko/`` is compared with the panels built under
``rmsviz.set_language("ko")`` (``notebook_harness.language_of``).
"""

from __future__ import annotations

import base64
import io
import json
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image

from rmsviz.i18n import _
from rmsviz.panels import available_panels

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_harness as nh  # noqa: E402

NOTEBOOKS = nh.notebook_paths()
PANELS = available_panels()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MAX_OUTPUT_BYTES = 1_000_000


def decode_png(b64) -> np.ndarray:
    data = base64.b64decode("".join(b64) if isinstance(b64, list) else b64)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def shift_tolerant_difference(a: np.ndarray, b: np.ndarray, radius: int = 4, tol: int = 48) -> float:
    """Share of pixels of either image with no pixel of the same colour (within ``tol`` per RGB
    channel) within ``radius`` pixels in the other image.

    Between matplotlib releases, text and axes move by a pixel or two and anti-aliasing changes
    (0.3 % or less of the default-state figures of every panel differ by this measure between
    matplotlib 3.7 and 3.11, where 4-6 % of the raw pixels differ); a bar, line or band at another
    place differs by much more than that.
    """

    def one_way(x, y):
        ys, xs = np.nonzero(np.abs(x - y).max(axis=2) > tol)  # only these need a neighbourhood
        padded = np.pad(y, ((radius, radius), (radius, radius), (0, 0)), mode="edge")
        colours = x[ys, xs]
        unmatched = np.ones(ys.size, dtype=bool)
        for dy in range(2 * radius + 1):
            for dx in range(2 * radius + 1):
                near = padded[ys[unmatched] + dy, xs[unmatched] + dx]
                unmatched[unmatched] = np.abs(colours[unmatched] - near).max(axis=1) > tol
        return float(unmatched.sum()) / (x.shape[0] * x.shape[1])

    return max(one_way(a, b), one_way(b, a))


DEFAULT_STATE_TOLERANCE = 0.01
_defaults: dict = {}


def default_of(cls, language: str = "en"):
    """(repr, RGB pixels) of the panel built with no arguments, in ``language`` (a notebook's
    edition: a Korean notebook shows the panel with Korean labels)."""
    if (cls, language) not in _defaults:
        with nh.in_language(language):
            panel = cls()
            pixels = np.asarray(Image.open(io.BytesIO(panel.image.value)).convert("RGB"), dtype=np.int16)
            _defaults[cls, language] = (repr(panel), pixels)
    return _defaults[cls, language]


def panel_outputs(nb):
    """(cell index, panel class, output) for every displayed panel (its title in the notebook's
    language)."""
    with nh.in_language(nh.language_of(nb.path)):
        by_title = {_(cls.title): cls for cls in PANELS}
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = "".join(output.get("data", {}).get("text/plain", ""))
            text = text.strip()
            # a panel's text is "<" + its title (translated) + the rest of its repr's template
            # (translated too, so not one pattern for every language): the longest title it begins with
            titles = [t for t in by_title if re.match(rf"<{re.escape(t)}(?!\w).*>$", text, re.DOTALL)]
            if titles:
                yield index, by_title[max(titles, key=len)], output


@pytest.fixture(params=NOTEBOOKS, ids=nh.notebook_ids(NOTEBOOKS))
def nb(request):
    notebook = nbformat.read(request.param, as_version=4)
    notebook.path = request.param
    return notebook


def test_every_panel_has_a_default_state_png(nb):
    language = nh.language_of(nb.path)
    problems = []
    for index, cls, output in panel_outputs(nb):
        data = output["data"]
        if "image/png" not in data:
            problems.append(f"cell {index}: {cls.__name__} output has no image/png")
            continue
        pixels = decode_png(data["image/png"])
        figure = default_of(cls, language)[1]
        if pixels.shape != figure.shape:
            problems.append(f"cell {index}: {cls.__name__} PNG is {pixels.shape[1]}x{pixels.shape[0]}, "
                            f"the figure is {figure.shape[1]}x{figure.shape[0]}")
            continue
        if pixels.std() < 1:
            problems.append(f"cell {index}: {cls.__name__} PNG is blank")
        text = "".join(data.get("text/plain", "")).strip()
        if text == default_of(cls, language)[0]:
            differing = shift_tolerant_difference(pixels, figure)
            if differing > DEFAULT_STATE_TOLERANCE:
                problems.append(f"cell {index}: {cls.__name__} PNG is not its default state "
                                f"({differing:.1%} of pixels differ)")
    assert not problems, "\n".join(problems)


def test_default_state_check_detects_a_moved_panel():
    """The comparison above can fail: the RMS panel with x1 at its maximum is not its default."""
    from rmsviz.panels.rms import RMSPanel

    panel = RMSPanel()
    name, control = next(iter(panel.controls.items()))
    panel.update(**{name: control.max})
    moved = np.asarray(Image.open(io.BytesIO(panel.image.value)).convert("RGB"), dtype=np.int16)
    assert shift_tolerant_difference(moved, default_of(RMSPanel)[1]) > DEFAULT_STATE_TOLERANCE
    assert shift_tolerant_difference(default_of(RMSPanel)[1], default_of(RMSPanel)[1]) == 0


def test_every_panel_built_is_displayed(nb):
    shown = {cls for _, cls, _ in panel_outputs(nb)}
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    built = {cls for cls in PANELS if re.search(rf"\b{cls.__name__}\(", code)}
    missing = sorted(cls.__name__ for cls in built - shown)
    language = nh.language_of(nb.path)
    hint = (f" (its panels' texts must be in its language, {language!r}: re-execute it with "
            "tools/execute_notebooks.py)" if language != "en" else "")
    assert not missing, f"{nh.relative_name(nb.path)} builds {missing} but no saved output shows it{hint}"


def test_widget_metadata_is_valid(nb):
    widgets = nb.metadata.get("widgets")
    if widgets is not None:
        assert "state" in widgets.get(WIDGET_STATE, {}), (
            "metadata.widgets has no 'state' key (GitHub will not render the notebook); "
            "remove metadata.widgets or store the state")
    stored = set(widgets.get(WIDGET_STATE, {}).get("state", {})) if widgets else set()
    orphans = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None and view.get("model_id") not in stored:
                orphans.append(index)
    assert not orphans, (
        f"{nh.relative_name(nb.path)}: cells {orphans} save a widget view whose model is not stored: reopened, "
        "they show 'Error displaying widget: model not found' instead of the PNG "
        "(re-execute with tools/execute_notebooks.py, which drops these views)")


def test_outputs_are_small_and_error_free(nb):
    big = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            size = len(json.dumps(output))
            if size > MAX_OUTPUT_BYTES:
                big.append(f"cell {index}: {output.get('output_type')} of {size / 1e6:.2f} MB")
    assert not big, "outputs over 1 MB:\n" + "\n".join(big)
    assert not nh.error_outputs(nb), nh.error_outputs(nb)
