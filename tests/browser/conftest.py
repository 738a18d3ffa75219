"""Fixtures for the real-browser test: one sandboxed server per front end and a headless Chromium.

Front ends (``frontends.py``): JupyterLab and Notebook 7 where they are installed, the classic
Notebook where ``notebook<7`` is (CI's ipywidgets 7.7 environment); ``RMSVIZ_FRONTENDS`` narrows
the list. Chromium: ``RMSVIZ_CHROMIUM`` (path to an executable), else ``/usr/bin/chromium`` when
it exists, else the browser ``python -m playwright install chromium`` provided; with none of these
the browser tests are skipped with the reason. Everything in this folder is marked ``browser``:
``-m browser`` selects it, ``-m "not browser"`` deselects it.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_harness as nh  # noqa: E402
from browser_results import RESULTS, percentile  # noqa: E402

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps",
                 "--disable-extensions", "--mute-audio", "--disable-breakpad",
                 "--disable-crash-reporter"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives the notebooks in a real Chromium (needs Chromium + Playwright)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def summary_line(name: str, result: dict) -> str:
    t = result["timings_ms"]
    c = result.get("control_timings_ms", [])
    return (f"{name} browser: {result['sliders']} sliders in {result['notebooks']} notebooks, "
            f"move-to-pixels p50 {percentile(t, 50):.0f} ms p95 {percentile(t, 95):.0f} ms; "
            f"{result.get('controls', 0)} other controls, change-to-pixels p50 "
            f"{percentile(c, 50):.0f} ms p95 {percentile(c, 95):.0f} ms")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if RESULTS.get("skipped"):
        terminalreporter.section("browser")
        terminalreporter.write_line(f"browser: skipped: {RESULTS['skipped']}")
    ran = [(name, r) for name, r in RESULTS["frontends"].items() if r["notebooks"]]
    if not ran:
        return
    terminalreporter.section("browser")
    for _, result in ran:
        for line in result["lines"]:
            terminalreporter.write_line(line)
    if RESULTS["screenshots"]:
        terminalreporter.write_line(f"browser: screenshots in {RESULTS['screenshots']}")
    for name, result in ran:
        terminalreporter.write_line(summary_line(name, result))


# -- Chromium ------------------------------------------------------------------------------------


def find_chromium() -> tuple[str | None, str]:
    """(executable path or None for Playwright's own, reason to skip or '')."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None, "Playwright's Python package is not installed (pip install playwright)"
    explicit = os.environ.get("RMSVIZ_CHROMIUM")
    if explicit:
        if not os.access(explicit, os.X_OK):
            return None, f"RMSVIZ_CHROMIUM={explicit} is not an executable file"
        return explicit, ""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium", ""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        bundled = p.chromium.executable_path
    if bundled and os.path.exists(bundled):
        return None, ""
    return None, ("no Chromium: set RMSVIZ_CHROMIUM, install Debian's chromium, or run "
                  "`python -m playwright install chromium`")


@pytest.fixture(scope="session")
def browser():
    executable, reason = find_chromium()
    if reason:
        RESULTS["skipped"] = reason
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


# -- notebook servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list:
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing or the process already gone
        return []


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop the server by its own process group, then any kernel it started that outlived it.

    (jupyter_client starts each kernel in a process group of its own, so the server's group does
    not include them; SIGTERM makes the server shut its kernels down, the rest is a fallback.)
    """
    children = descendants(proc.pid)
    if proc.poll() is not None:
        return
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for child in children:
        try:
            if child.is_running():
                child.kill()
        except Exception:
            pass


def start_server(frontend, root: Path) -> tuple[subprocess.Popen, dict]:
    """One server of ``frontend`` on 127.0.0.1 (random port and token) in a copy of the notebooks."""
    copy = nh.copy_notebooks(root)
    frontend.write_settings(root)
    env = nh.isolated_env(root, audit_writes=False)  # kernels and server: loopback only
    # Trust the copies, as the front end does for notebooks a user ran and saved: saved widget
    # views are then rendered (untrusted notebooks fall back to the PNG), so a saved view whose
    # model no longer exists shows up as "Error displaying widget: model not found".
    paths = [str(copy / nh.relative_name(p)) for p in nh.notebook_paths()]
    if paths:
        subprocess.run([sys.executable, "-m", "jupyter", "trust", *paths], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    token = secrets.token_hex(24)
    port = free_port()
    log_path = root / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(frontend.server_command(port, token, root, copy), cwd=copy, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_file = log
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{frontend.name} server exited ({proc.returncode}):\n"
                               + log_path.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_process_group(proc)
            raise RuntimeError(f"{frontend.name} server did not answer within 90 s:\n"
                               + log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.1)  # polling the server's status until it answers
    return proc, {"base": base, "token": token, "dir": copy, "root": root, "log": log_path,
                  "frontend": frontend}


@pytest.fixture(scope="session")
def servers(browser, tmp_path_factory):
    """``servers(frontend)``: its server, started on first use (stopping the previous front end's)."""
    started: dict = {}

    def get(frontend):
        if frontend.key not in started:
            for proc, _ in started.values():  # tests run front end by front end: one server at a time
                stop_process_group(proc)
            root = tmp_path_factory.mktemp(f"server-{frontend.key}")
            started[frontend.key] = start_server(frontend, root)
        return started[frontend.key][1]

    try:
        yield get
    finally:
        for proc, _ in started.values():
            stop_process_group(proc)
            proc.log_file.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-screenshots", numbered=True)
    RESULTS["screenshots"] = str(folder)
    return folder
