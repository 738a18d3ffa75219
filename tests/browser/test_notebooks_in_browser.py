"""Every notebook, in every installed front end, in a real Chromium: runs clean, every slider redraws.

Front ends (``frontends.py``): JupyterLab 4 and Notebook 7 (ipywidgets 8) in the main
environment, the classic Notebook 6.5 (ipywidgets 7.7, as on Colab) in CI's third environment;
one server per front end. For each notebook under ``notebooks/`` (found by itself, subfolders
included) the test opens it, runs all cells and fails on an error output, a traceback, a widget
that cannot be displayed, a JavaScript console error or a request to any address other than
loopback. Then it finds every slider (``.widget-slider``) and moves each with the keyboard (focus
the handle, ArrowRight, or ArrowLeft at the maximum), and the first one with one mouse drag. After
each move the slider's readout must move in the direction of the key (and show the handle's value
where the handle carries it: ipywidgets 8 linear sliders), and the figure of the panel the slider
belongs to (the ``<img>`` in the same output) must have different pixels (element screenshots).
In Notebook 7 every move is a mouse drag instead: there an arrow key on a focused slider goes to
the notebook's own shortcut (move to the next heading) before the slider sees it, so students
drag (see ``frontends.py``). For each move the time from the ``keydown`` (or ``mousedown``)
event to the new image decoded and painted (next animation frame) is recorded; a summary line per
front end gives the median and 95th percentile.
Nothing waits a fixed time: every wait is for a condition in the page.

Errors not counted (the only ones, each counted and printed in the notebook's result line):

* a console 404 for ``favicon.ico`` (a browser asking for an icon the server does not have);
* in the classic Notebook only, the console errors of MathJax 2's placeholder font (its HTML-CSS
  output declares ``@font-face MathJax_Blank`` with ``src: url('about:blank')``, which Chromium
  refuses: "Access to font at 'about:blank' ... blocked by CORS policy" and "Failed to load
  resource: net::ERR_FAILED" for ``about:blank``);
* in Notebook 7 only, the start-up page error ``Cannot read properties of undefined (reading
  'schema')`` thrown from Notebook 7's own ``notebook_core`` bundle: a known race between its
  shortcuts plugin and a settings load (jupyter/notebook issue 7862, open), seen here on an empty
  notebook too, before any cell runs.

A screenshot per notebook and front end is saved (folder printed).

Which notebooks each front end opens (:func:`scope`), to keep CI within its time budget while
every front end still meets every panel: a notebook that builds no panel (the worked solutions:
text and checks only) is left to nbval, which runs every cell of it in every environment; the
translated editions (``notebooks/ko/``) run the same code cells as the English notebooks (a test
checks it), so they are opened in the first front end only (JupyterLab), where their Hangul
figures are also screenshotted. ``RMSVIZ_BROWSER_EDITIONS=en`` limits a run to the English
notebooks (CI's extra environments).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import frontends  # noqa: E402
import notebook_harness as nh  # noqa: E402
from browser_results import for_frontend, percentile  # noqa: E402

NOTEBOOKS = nh.notebook_paths()
FRONTENDS = frontends.available()
EDITIONS = os.environ.get("RMSVIZ_BROWSER_EDITIONS", "all")
PANEL_CALL = re.compile(r"\b[A-Z]\w*Panel\(")
KEY_MOVES = int(os.environ.get("RMSVIZ_BROWSER_KEY_MOVES", "2"))  # per slider
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TIMEOUT_MS = 90_000
QUIET_MS = 100  # after a move: kernel idle and no image change for this long

# In-page instrumentation (installed before the page's own scripts, after window.__fe):
# keydown time stamps and a promise per move that resolves when the panel's <img> shows a new,
# decoded image (time stamped at the next animation frame).
INSTRUMENT = """
(() => {
  const state = {lastKey: 0, lastChange: 0};
  const stamp = () => { state.lastKey = performance.now(); };
  document.addEventListener('keydown', stamp, true);
  document.addEventListener('mousedown', stamp, true);
  // a drop-down chosen from code (select_option) gets no mousedown: its input event is the start
  document.addEventListener('input', (e) => { if (e.target.tagName === 'SELECT') stamp(); }, true);
  state.sliders = () => document.querySelectorAll(window.__fe.container + ' .widget-slider');
  // the other controls a panel has: toggle buttons, drop-downs, check boxes
  state.controls = () => document.querySelectorAll(['.widget-toggle-buttons', '.widget-dropdown',
    '.widget-checkbox'].map((c) => window.__fe.container + ' ' + c).join(', '));
  state.imageFor = (slider) => {
    const area = slider.closest(window.__fe.output);
    return area ? area.querySelector('img') : null;
  };
  state.arm = (index) => state.armImage(state.imageFor(state.sliders()[index]));
  state.armControl = (index) => state.armImage(state.imageFor(state.controls()[index]));
  state.armImage = (img) => {
    if (!img) return false;
    const before = img.src;
    state.pending = new Promise((resolve) => {
      const done = async () => {
        observer.disconnect();
        try { await img.decode(); } catch (e) {}
        requestAnimationFrame(() => {
          const t = performance.now();
          state.lastChange = t;
          resolve({key: state.lastKey, pixels: t});
        });
      };
      const observer = new MutationObserver(() => { if (img.src !== before) done(); });
      observer.observe(img, {attributes: true, attributeFilter: ['src']});
    });
    return before.length > 0;
  };
  state.watchAll = () => {
    document.querySelectorAll(window.__fe.container + ' img').forEach((img) => {
      new MutationObserver(() => { state.lastChange = performance.now(); })
        .observe(img, {attributes: true, attributeFilter: ['src']});
    });
  };
  state.slider = (index) => {
    const slider = state.sliders()[index];
    const handle = slider.querySelector(window.__fe.handle);
    const readout = slider.querySelector('.widget-readout');
    const label = slider.querySelector('.widget-label');
    return {
      fraction: window.__fe.fraction(handle),
      nowText: window.__fe.handleText(handle),
      readout: readout ? (readout.tagName === 'INPUT' ? readout.value : readout.textContent).trim() : null,
      label: label ? label.textContent.trim() : '',
      hasImage: state.imageFor(slider) !== null,
    };
  };
  state.control = (index) => {
    const control = state.controls()[index];
    const kind = control.classList.contains('widget-toggle-buttons') ? 'toggle'
      : control.classList.contains('widget-dropdown') ? 'dropdown' : 'checkbox';
    const label = control.querySelector('.widget-label');
    return {kind, label: label ? label.textContent.trim() : '', hasImage: state.imageFor(control) !== null};
  };
  window.__rmsviz = state;
})();
"""


def is_loopback(url: str) -> bool:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension", "devtools"):
        return True
    return parsed.hostname in LOOPBACK


def ignorable_console_error(frontend, text: str, url: str) -> str | None:
    """Why a console error is not counted (see the module docstring), or None."""
    if "404" in text and urllib.parse.urlparse(url or "").path.endswith("favicon.ico"):
        return "favicon 404"
    if frontend.key == "classic" and (
            text.startswith("Access to font at 'about:blank' from origin")
            or (url == "about:blank" and text == "Failed to load resource: net::ERR_FAILED")):
        return "MathJax 2 placeholder font"
    return None


def ignorable_page_error(frontend, error) -> bool:
    """The one page error not counted: Notebook 7's start-up race (jupyter/notebook issue 7862)."""
    return (frontend.key == "notebook7"
            and error.message == "Cannot read properties of undefined (reading 'schema')"
            and "/static/notebook/notebook_core." in (error.stack or ""))


def shutdown_kernels(server) -> None:
    base, token = server["base"], server["token"]
    with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=10) as r:
        kernels = json.load(r)
    for kernel in kernels:
        req = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}",
                                     method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()


def printed_interval(text: str) -> tuple[float, float]:
    """The values a number printed as ``text`` can stand for (half a unit of its last digit)."""
    text = text.strip().replace("\u2212", "-")  # d3-format prints a Unicode minus
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    scale = 10.0 ** int(exponent) if exponent else 1.0
    value, half = float(text), 0.5 * 10.0 ** -decimals * scale
    return value - half, value + half


def readout_matches(state) -> bool:
    """The slider's readout shows the handle's value (``aria-valuenow``, itself rounded).

    Only where the handle carries its value (ipywidgets 8) and the slider is linear (a log
    slider's handle sits at the exponent).
    """
    try:
        lo, hi = printed_interval(state["readout"])
        a_lo, a_hi = printed_interval(state["nowText"])
    except (AttributeError, TypeError, ValueError):
        return False
    return lo <= a_hi + 1e-9 and a_lo <= hi + 1e-9


def readout_value(state) -> float:
    return float(state["readout"].strip().replace("\u2212", "-"))


def check_readout(name, label, before, after, direction):
    """The readout changed in the direction of the move, and shows the handle's value when the
    handle carries it and the slider is linear (its readout matched the handle before the move)."""
    assert after["readout"] != before["readout"], f"{name}: {label} readout did not change"
    change = readout_value(after) - readout_value(before)
    assert change * direction > 0, (
        f"{name}: {label} readout went {before['readout']} -> {after['readout']} on a move "
        f"{'right' if direction > 0 else 'left'}")
    if readout_matches(before):
        assert readout_matches(after), (
            f"{name}: {label} readout {after['readout']!r} != handle value {after['nowText']}")


def builds_a_panel(path) -> bool:
    """Whether a code cell of the notebook at ``path`` builds a panel (``SomethingPanel(``)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return any(PANEL_CALL.search("".join(c["source"])) for c in cells if c["cell_type"] == "code")


def scope(frontend, path) -> str | None:
    """Why ``frontend`` does not open the notebook at ``path`` (module docstring), or None."""
    if not builds_a_panel(path):
        return "no panel: nbval runs every cell of it"
    # an edition lives in a folder named by its two-letter language code (notebooks/ko/...)
    translated = bool(re.fullmatch(r"[a-z]{2}", Path(nh.relative_name(path)).parts[0]))
    if translated and EDITIONS == "en":
        return "RMSVIZ_BROWSER_EDITIONS=en"
    if translated and FRONTENDS and frontend.key != FRONTENDS[0].key:
        return f"translated edition: same code cells, opened in {FRONTENDS[0].name} only"
    return None


@pytest.fixture
def in_scope(frontend, path):
    reason = scope(frontend, path)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session", params=FRONTENDS, ids=[f.key for f in FRONTENDS])
def frontend(request):
    return request.param


@pytest.fixture(scope="session")
def contexts(browser):
    """One browser context per front end (its HTTP cache shared by the notebooks it opens)."""
    made: dict = {}
    current = {"offsite": []}

    def route(r):
        if is_loopback(r.request.url):
            r.continue_()
        else:
            current["offsite"].append(r.request.url)
            r.abort()

    def get(frontend):
        if frontend.key not in made:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", route)
            context.add_init_script(frontend.js)
            context.add_init_script(INSTRUMENT)
            made[frontend.key] = context
        return made[frontend.key]

    get.current = current
    try:
        yield get
    finally:
        for context in made.values():
            context.close()


@pytest.fixture
def page(frontend, contexts, servers):
    server = servers(frontend)
    context = contexts(frontend)
    problems = {"console": [], "offsite": [], "ignored": []}
    contexts.current["offsite"] = problems["offsite"]
    pg = context.new_page()

    def on_console(message):
        if message.type != "error":
            return
        why = ignorable_console_error(frontend, message.text, (message.location or {}).get("url", ""))
        if why:
            problems["ignored"].append(why)
        else:
            problems["console"].append(message.text)

    def on_page_error(error):
        if ignorable_page_error(frontend, error):
            problems["ignored"].append("Notebook 7 start-up race (jupyter/notebook#7862)")
        else:
            problems["console"].append(f"page error: {error}")

    pg.on("console", on_console)
    pg.on("pageerror", on_page_error)
    pg.on("request", lambda r: None if is_loopback(r.url) else problems["offsite"].append(r.url))
    pg.on("websocket", lambda w: None if is_loopback(w.url) else problems["offsite"].append(w.url))
    pg.problems = problems
    pg.server = server
    try:
        yield pg
    finally:
        pg.close()
        shutdown_kernels(server)


def check_clean(page, name, when):
    problems = page.problems
    assert not problems["offsite"], f"{name} ({when}): requests left loopback: {problems['offsite']}"
    assert not problems["console"], f"{name} ({when}): JavaScript console errors: {problems['console']}"


def settle(page):
    """Wait until the kernel is idle and no image has changed for QUIET_MS."""
    page.wait_for_function(
        "(q) => window.__fe.ready() && performance.now() - window.__rmsviz.lastChange > q",
        arg=QUIET_MS, polling="raf", timeout=TIMEOUT_MS)


def slider(page, index):
    return page.locator(f"{page.evaluate('window.__fe.container')} .widget-slider").nth(index)


def figure_pixels(page, index) -> bytes:
    output_class = page.evaluate("window.__fe.output").lstrip(".")
    output = slider(page, index).locator(
        f"xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' {output_class} ')][1]")
    return output.locator("img").first.screenshot()


def drag(page, handle, direction, distance=None, steps=1):
    """Drag ``handle`` sideways by ``distance`` pixels (default: a sixth of its track) in ``steps``
    pointer moves (one move: one new value, one redraw)."""
    handle.hover()  # scrolled into view, stable, and the element that receives the pointer
    box = handle.bounding_box()
    if distance is None:
        track = handle.locator("xpath=ancestor::*[contains(@class, 'slider')][1]").bounding_box()
        distance = max(12.0, track["width"] / 6)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + direction * distance, y, steps=steps)
    page.mouse.up()


def move_and_time(page, frontend, index, direction):
    """Move slider ``index`` one step (a key) or a sixth of its track (a drag) in ``direction``;
    return ms from the keydown/mousedown to the new image painted."""
    handle = slider(page, index).locator(page.evaluate("window.__fe.handle"))
    assert page.evaluate("(i) => window.__rmsviz.arm(i)", index), "the panel image is empty"
    if frontend.moves == "key":
        handle.focus()
        page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
    else:
        drag(page, handle, direction)
    stamp = page.evaluate("() => Promise.race([window.__rmsviz.pending, "
                          "new Promise((r) => setTimeout(() => r(null), 10000))])")
    if stamp is None:
        state = page.evaluate("(i) => window.__rmsviz.slider(i)", index)
        raise AssertionError(f"slider {index} ({state['label']!r}, readout {state['readout']!r}): "
                             f"the figure did not change within 10 s of a "
                             f"{'key press' if frontend.moves == 'key' else 'drag'}")
    return stamp["pixels"] - stamp["key"]


def other_control(page, index):
    container = page.evaluate("window.__fe.container")
    return page.locator(", ".join(f"{container} {c}" for c in (
        ".widget-toggle-buttons", ".widget-dropdown", ".widget-checkbox"))).nth(index)


def change_control_and_time(page, index) -> float:
    """Change the other control ``index`` once, as a reader does (click the next toggle button,
    choose the next drop-down option, click the check box); return ms from the mousedown (or the
    drop-down's input event) to the new image painted."""
    state = page.evaluate("(i) => window.__rmsviz.control(i)", index)
    control = other_control(page, index)
    control.scroll_into_view_if_needed()
    assert page.evaluate("(i) => window.__rmsviz.armControl(i)", index), "the panel image is empty"
    if state["kind"] == "toggle":
        buttons = control.locator("button")
        active = [i for i in range(buttons.count()) if "mod-active" in (buttons.nth(i).get_attribute("class") or "")]
        nxt = ((active[0] if active else -1) + 1) % buttons.count()
        buttons.nth(nxt).click()
    elif state["kind"] == "dropdown":
        select = control.locator("select")
        values = select.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
        current = select.evaluate("(s) => s.value")
        select.select_option(values[(values.index(current) + 1) % len(values)])
    else:
        control.locator("input[type=checkbox]").click()
    stamp = page.evaluate("() => Promise.race([window.__rmsviz.pending, "
                          "new Promise((r) => setTimeout(() => r(null), 10000))])")
    if stamp is None:
        raise AssertionError(f"{state['kind']} {state['label']!r}: the figure did not change within 10 s")
    return stamp["pixels"] - stamp["key"]


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks under notebooks/")
@pytest.mark.skipif(not FRONTENDS, reason="no front end installed (jupyterlab or notebook)")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=nh.notebook_ids(NOTEBOOKS))
def test_notebook_in_browser(frontend, path, in_scope, page, screenshot_dir):
    name = f"{frontend.name}: {nh.relative_name(path)}"
    results = for_frontend(frontend.name)
    server = page.server
    started = time.monotonic()
    page.goto(frontend.url(server["base"], server["token"], nh.relative_name(path)),
              wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    page.wait_for_function("() => window.__fe.ready()", timeout=TIMEOUT_MS)
    opened = time.monotonic()
    results["notebooks"] += 1
    container = page.evaluate("window.__fe.container")
    page.wait_for_function(f"() => !document.querySelector({container!r}).innerText"
                           ".includes('Loading widget...')", timeout=TIMEOUT_MS)
    broken = page.locator(f"{container} :text('Error displaying widget')")
    assert broken.count() == 0, (
        f"{name}: a saved widget output shows 'Error displaying widget' before running (a saved "
        "widget view without stored widget state; save the panel's PNG without the view)")
    check_clean(page, name, "opened (trusted), before running")

    page.evaluate("() => window.__fe.runAll()")
    page.wait_for_function("() => window.__fe.finished()", polling=100, timeout=TIMEOUT_MS)
    cells = page.evaluate("() => window.__fe.cells()")
    executed = nh.prepare({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    code = [c for c in executed.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.get("execution_count") for c in code), f"{name}: not every code cell ran"
    assert not nh.error_outputs(executed), f"{name}: {nh.error_outputs(executed)}"
    views = sum(WIDGET_VIEW in o.get("data", {}) for c in code for o in c.get("outputs", []))
    try:  # widget views render after their cell has run
        page.wait_for_function("(n) => window.__fe.rendered() >= n", arg=views, polling=100,
                               timeout=TIMEOUT_MS)
    except Exception:
        raise AssertionError(f"{name}: {views} widget outputs, but only "
                             f"{page.evaluate('() => window.__fe.rendered()')} show a live widget")
    broken = page.locator(f"{container} :text('Error displaying widget')")
    assert broken.count() == 0, f"{name}: a widget could not be displayed"
    check_clean(page, name, "after running all cells")
    page.evaluate("() => window.__rmsviz.watchAll()")
    settle(page)
    ran = time.monotonic()

    sliders = page.evaluate("() => window.__rmsviz.sliders().length")
    results["sliders"] += sliders
    timings = []
    for index in range(sliders):
        slider(page, index).scroll_into_view_if_needed()
        state = page.evaluate("(i) => window.__rmsviz.slider(i)", index)
        label = state["label"] or f"slider {index}"
        assert state["hasImage"], f"{name}: slider {label!r} is not in an output with a figure"
        pixels = figure_pixels(page, index)
        for _ in range(KEY_MOVES):
            before = page.evaluate("(i) => window.__rmsviz.slider(i)", index)
            limit = 0.999 if frontend.moves == "key" else 0.8
            direction = -1 if before["fraction"] >= limit else 1
            timings.append(move_and_time(page, frontend, index, direction))
            settle(page)
            after = page.evaluate("(i) => window.__rmsviz.slider(i)", index)
            check_readout(name, label, before, after, direction)
            moved = figure_pixels(page, index)
            assert moved != pixels, f"{name}: moving {label} left the figure's pixels unchanged"
            pixels = moved

    if sliders:  # one mouse drag per notebook, on the first slider
        handle = slider(page, 0).locator(page.evaluate("window.__fe.handle"))
        handle.scroll_into_view_if_needed()
        before = page.evaluate("(i) => window.__rmsviz.slider(i)", 0)
        pixels = figure_pixels(page, 0)
        direction = -1 if before["fraction"] >= 0.5 else 1
        drag(page, handle, direction, distance=40, steps=8)
        settle(page)
        after = page.evaluate("(i) => window.__rmsviz.slider(i)", 0)
        check_readout(name, "first slider (mouse drag)", before, after, direction)
        assert figure_pixels(page, 0) != pixels, f"{name}: drag left the figure unchanged"

    controls = page.evaluate("() => window.__rmsviz.controls().length")
    results["controls"] = results.get("controls", 0) + controls
    control_timings = []
    for index in range(controls):
        state = page.evaluate("(i) => window.__rmsviz.control(i)", index)
        label = state["label"] or f"{state['kind']} {index}"
        assert state["hasImage"], f"{name}: control {label!r} is not in an output with a figure"
        for _ in range(2):  # to the next option and on again (a check box: off and on)
            control_timings.append(change_control_and_time(page, index))
            settle(page)

    check_clean(page, name, "after moving the sliders")
    shot = screenshot_dir / f"{frontend.key}-{nh.relative_name(path).replace('/', '-')}.png"
    if sliders:
        slider(page, 0).scroll_into_view_if_needed()
    page.screenshot(path=str(shot))

    results["timings_ms"].extend(timings)
    results.setdefault("control_timings_ms", []).extend(control_timings)
    results["lines"].append(
        f"{name}: {sliders} sliders, {len(timings)} {frontend.moves} moves, move-to-pixels p50 "
        f"{percentile(timings, 50):.0f} ms p95 {percentile(timings, 95):.0f} ms, "
        + (f"{controls} other controls, {len(control_timings)} changes, change-to-pixels p50 "
           f"{percentile(control_timings, 50):.0f} ms p95 {percentile(control_timings, 95):.0f} ms, "
           if controls else "")
        + f"{time.monotonic() - started:.1f} s (open {opened - started:.1f}, run all "
        f"{ran - opened:.1f}, controls {time.monotonic() - ran:.1f})"
        + (f", not counted: {', '.join(sorted(set(page.problems['ignored'])))}"
           if page.problems["ignored"] else ""))
