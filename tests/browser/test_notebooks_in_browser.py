"""Every notebook, in JupyterLab, in a real Chromium: runs clean, and every slider moves its figure.

For each notebook under ``notebooks/`` (found automatically) the test opens it in a sandboxed
JupyterLab (see ``conftest.py``), runs all cells and fails on an error output, a traceback, a
widget that cannot be displayed, a JavaScript console error or a request to any address other than
loopback. Then it finds every slider (``.widget-slider``) and moves each with the keyboard (focus
the handle, ArrowRight, or ArrowLeft at the maximum), and the first one with one mouse drag. After
each move the slider's readout must show the handle's new value, and the figure of the panel the
slider belongs to (the ``<img>`` in the same output) must have different pixels (element
screenshots before and after). For each key press the time from the ``keydown`` event to the new
image decoded and painted (next animation frame) is recorded; the closing summary line gives the
median and 95th percentile over all moves. A screenshot per notebook is saved (folder printed).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_harness as nh  # noqa: E402
from browser_results import RESULTS, percentile  # noqa: E402

NOTEBOOKS = nh.notebook_paths()
KEY_MOVES = int(os.environ.get("RMSVIZ_BROWSER_KEY_MOVES", "3"))  # per slider
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
TIMEOUT_MS = 60_000

# In-page instrumentation: keydown time stamps and a promise per move that resolves when the
# panel's <img> shows a new, decoded image (time stamped at the next animation frame).
INSTRUMENT = """
() => {
  if (window.__rmsviz) return;
  const state = {lastKey: 0, lastChange: 0};
  document.addEventListener('keydown', () => { state.lastKey = performance.now(); }, true);
  state.imageFor = (slider) => {
    const area = slider.closest('.jp-OutputArea-output') || slider.closest('.jp-Cell');
    return area ? area.querySelector('img') : null;
  };
  state.arm = (index) => {
    const slider = document.querySelectorAll('.jp-NotebookPanel .widget-slider')[index];
    const img = state.imageFor(slider);
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
    document.querySelectorAll('.jp-NotebookPanel img').forEach((img) => {
      new MutationObserver(() => { state.lastChange = performance.now(); })
        .observe(img, {attributes: true, attributeFilter: ['src']});
    });
  };
  window.__rmsviz = state;
}
"""

SLIDER_STATE = """
(index) => {
  const slider = document.querySelectorAll('.jp-NotebookPanel .widget-slider')[index];
  const handle = slider.querySelector('.noUi-handle');
  const readout = slider.querySelector('.widget-readout');
  const label = slider.querySelector('.widget-label');
  return {
    now: parseFloat(handle.getAttribute('aria-valuenow')),
    nowText: handle.getAttribute('aria-valuenow'),
    min: parseFloat(handle.getAttribute('aria-valuemin')),
    max: parseFloat(handle.getAttribute('aria-valuemax')),
    readout: readout ? (readout.value !== undefined && readout.tagName === 'INPUT'
                        ? readout.value : readout.textContent).trim() : null,
    label: label ? label.textContent.trim() : '',
    hasImage: window.__rmsviz.imageFor(slider) !== null,
  };
}
"""

KERNEL_IDLE = """
() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return Boolean(w && w.context && w.context.isReady && kernel && kernel.connectionStatus === 'connected'
                 && kernel.status === 'idle' && !document.querySelector('.jp-Dialog'));
}
"""

CELLS_JSON = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  const out = [];
  for (let i = 0; i < cells.length; i++) out.push(cells.get(i).toJSON());
  return out;
}
"""


def is_loopback(url: str) -> bool:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension", "devtools"):
        return True
    return parsed.hostname in LOOPBACK


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

    Only for linear sliders: a log slider's handle sits at the exponent (any base).
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
    slider is linear (its readout matched the handle before the move)."""
    assert after["readout"] != before["readout"], f"{name}: {label} readout did not change"
    change = readout_value(after) - readout_value(before)
    assert change * direction > 0, (
        f"{name}: {label} readout went {before['readout']} -> {after['readout']} on a move "
        f"{'right' if direction > 0 else 'left'}")
    if readout_matches(before):
        assert readout_matches(after), (
            f"{name}: {label} readout {after['readout']!r} != handle value {after['nowText']}")


@pytest.fixture
def page(browser, lab_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    problems = {"console": [], "offsite": []}

    def route(r):
        if is_loopback(r.request.url):
            r.continue_()
        else:
            problems["offsite"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems["console"].append(f"page error: {e}"))
    pg.on("request", lambda r: None if is_loopback(r.url) else problems["offsite"].append(r.url))
    pg.on("websocket", lambda w: None if is_loopback(w.url) else problems["offsite"].append(w.url))
    pg.problems = problems
    try:
        yield pg
    finally:
        context.close()
        shutdown_kernels(lab_server)


def open_notebook(page, server, name):
    page.goto(f"{server['base']}/lab/tree/{urllib.parse.quote(name)}?reset&token={server['token']}",
              wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    wait_kernel_idle(page)
    page.evaluate(INSTRUMENT)


def wait_kernel_idle(page, timeout=TIMEOUT_MS):
    """Wait until the notebook is loaded and its kernel is connected and idle.

    (Running cells before the kernel is connected opens JupyterLab's "Select Kernel" dialog.)
    """
    page.wait_for_function(KERNEL_IDLE, timeout=timeout)


def check_clean(page, name, when):
    problems = page.problems
    assert not problems["offsite"], f"{name} ({when}): requests left loopback: {problems['offsite']}"
    assert not problems["console"], f"{name} ({when}): JavaScript console errors: {problems['console']}"


def move_and_time(page, index, key):
    """Press ``key`` on slider ``index``; return ms from keydown to the new image painted."""
    handle = page.locator(".jp-NotebookPanel .widget-slider").nth(index).locator(".noUi-handle")
    assert page.evaluate("(i) => window.__rmsviz.arm(i)", index), "the panel image is empty"
    handle.focus()
    page.keyboard.press(key)
    stamp = page.evaluate("() => Promise.race([window.__rmsviz.pending, "
                          "new Promise((r) => setTimeout(() => r(null), 10000))])")
    if stamp is None:
        state = page.evaluate(SLIDER_STATE, index)
        raise AssertionError(f"slider {index} ({state['label']!r}, now {state['now']}, readout "
                             f"{state['readout']!r}): the figure did not change within 10 s of {key}")
    return stamp["pixels"] - stamp["key"]


def settle(page, quiet_ms=250, limit_s=10.0):
    """Wait until the kernel is idle and no image changed for ``quiet_ms``."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        idle = page.evaluate(KERNEL_IDLE)
        quiet = page.evaluate(f"() => performance.now() - window.__rmsviz.lastChange > {quiet_ms}")
        if idle and quiet:
            return
        page.wait_for_timeout(50)


def figure_pixels(page, index) -> bytes:
    slider = page.locator(".jp-NotebookPanel .widget-slider").nth(index)
    output = slider.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")
    return output.locator("img").first.screenshot()


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks under notebooks/")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=nh.notebook_ids(NOTEBOOKS))
def test_notebook_in_browser(path, page, lab_server, screenshot_dir):
    name = path.name
    started = time.monotonic()
    open_notebook(page, lab_server, name)
    RESULTS["notebooks"] += 1
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel').innerText"
                           ".includes('Loading widget...')", timeout=TIMEOUT_MS)
    broken = page.locator(".jp-NotebookPanel :text('Error displaying widget')")
    assert broken.count() == 0, (
        f"{name}: a saved widget output shows 'Error displaying widget' before running (a saved "
        "widget view without stored widget state; save the panel's PNG without the view)")
    check_clean(page, name, "opened (trusted), before running")

    done = page.evaluate("() => Promise.race([window.jupyterapp.commands.execute('notebook:run-all-cells'),"
                         " new Promise((r) => setTimeout(() => r('timeout'), 60000))])")
    assert done not in (False, "timeout"), f"{name}: run all cells reported {done}"
    wait_kernel_idle(page)
    cells = page.evaluate(CELLS_JSON)
    executed = nh.prepare({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    code = [c for c in executed.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.get("execution_count") for c in code), f"{name}: not every code cell ran"
    assert not nh.error_outputs(executed), f"{name}: {nh.error_outputs(executed)}"
    broken = page.locator(".jp-NotebookPanel :text('Error displaying widget')")
    assert broken.count() == 0, f"{name}: a widget could not be displayed"
    check_clean(page, name, "after running all cells")
    page.evaluate("() => window.__rmsviz.watchAll()")
    settle(page)

    sliders = page.locator(".jp-NotebookPanel .widget-slider").count()
    RESULTS["sliders"] += sliders
    timings = RESULTS.setdefault("per_notebook", {}).setdefault(name, [])
    for index in range(sliders):
        page.locator(".jp-NotebookPanel .widget-slider").nth(index).scroll_into_view_if_needed()
        state = page.evaluate(SLIDER_STATE, index)
        label = state["label"] or f"slider {index}"
        assert state["hasImage"], f"{name}: slider {label!r} is not in an output with a figure"
        for _ in range(KEY_MOVES):
            before_state = page.evaluate(SLIDER_STATE, index)
            before_pixels = figure_pixels(page, index)
            key = "ArrowLeft" if before_state["now"] >= before_state["max"] else "ArrowRight"
            timings.append(move_and_time(page, index, key))
            RESULTS["timings_ms"].append(timings[-1])
            settle(page)
            after_state = page.evaluate(SLIDER_STATE, index)
            check_readout(name, label, before_state, after_state, 1 if key == "ArrowRight" else -1)
            assert figure_pixels(page, index) != before_pixels, (
                f"{name}: moving {label} to {after_state['now']} left the figure's pixels unchanged")

    if sliders:  # one mouse drag per notebook, on the first slider
        handle = page.locator(".jp-NotebookPanel .widget-slider").nth(0).locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        before_state = page.evaluate(SLIDER_STATE, 0)
        before_pixels = figure_pixels(page, 0)
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        direction = -1 if before_state["now"] >= (before_state["min"] + before_state["max"]) / 2 else 1
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + direction * 40, y, steps=8)
        page.mouse.up()
        settle(page)
        after_state = page.evaluate(SLIDER_STATE, 0)
        check_readout(name, "first slider (mouse drag)", before_state, after_state, direction)
        assert figure_pixels(page, 0) != before_pixels, f"{name}: drag left the figure unchanged"

    check_clean(page, name, "after moving the sliders")
    shot = screenshot_dir / f"{path.stem}.png"
    if sliders:
        page.locator(".jp-NotebookPanel .widget-slider").nth(0).scroll_into_view_if_needed()
    page.screenshot(path=str(shot))

    RESULTS["lines"].append(
        f"browser: {name}: {sliders} sliders, {len(timings)} key moves, move-to-pixels p50 "
        f"{percentile(timings, 50):.0f} ms p95 {percentile(timings, 95):.0f} ms, "
        f"{time.monotonic() - started:.1f} s, screenshot {shot}")
