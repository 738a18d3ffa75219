"""The front ends the browser test drives, and what differs between them.

* ``lab``: JupyterLab 4 (``jupyter lab``), ipywidgets 8;
* ``notebook7``: Notebook 7 (``jupyter notebook`` from ``notebook>=7``: JupyterLab's components in
  a one-document page), ipywidgets 8;
* ``classic``: the classic Notebook 6.5 (``notebook<7``), ipywidgets 7.7: the closest front end
  to Colab's that runs here.

:func:`available` lists those installed in the running Python (``jupyterlab`` installed: lab;
``notebook`` 7 or newer: notebook7; older: classic), narrowed by the environment variable
``RMSVIZ_FRONTENDS`` (comma-separated keys). Each front end gives the command that starts its
server, the URL of a notebook, and a small JavaScript API the test installs in the page
(``window.__fe``: CSS selectors, kernel readiness, run all, the cells as JSON), so the test itself
is the same for all three.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

# JupyterLab and Notebook 7 settings that make the page testable: every cell in the DOM (no
# virtual scrolling) and, in JupyterLab, no news/update toast over the page (Notebook 7 has no
# such plugin: a settings file for it there throws "Cannot read properties of undefined").
TRACKER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
LAB_SETTINGS = {
    **TRACKER_SETTINGS,
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}

# JupyterLab and Notebook 7 share the application object (exposed as window.jupyterapp).
LAB_JS = """
window.__fe = {
  container: '.jp-NotebookPanel',
  handle: '.noUi-handle',
  output: '.jp-OutputArea-output',
  panel() {
    const app = window.jupyterapp;
    return app && app.shell && app.shell.currentWidget;
  },
  ready() {
    const w = this.panel();
    const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return Boolean(w && w.context && w.context.isReady && kernel && kernel.connectionStatus === 'connected'
                   && kernel.status === 'idle' && !document.querySelector('.jp-Dialog'));
  },
  runAll() {
    window.__fe.ran = false;
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(
      () => { window.__fe.ran = true; }, (e) => { window.__fe.ran = 'error: ' + e; });
  },
  finished() { return window.__fe.ran === true && this.ready(); },
  cells() {
    const cells = this.panel().content.model.cells;
    const out = [];
    for (let i = 0; i < cells.length; i++) out.push(cells.get(i).toJSON());
    return out;
  },
  rendered() {  // outputs showing a live widget
    return [...document.querySelectorAll(this.output)].filter((e) => e.querySelector('.jupyter-widgets')).length;
  },
  fraction(handle) {
    const now = parseFloat(handle.getAttribute('aria-valuenow'));
    const min = parseFloat(handle.getAttribute('aria-valuemin'));
    const max = parseFloat(handle.getAttribute('aria-valuemax'));
    return max > min ? (now - min) / (max - min) : 0;
  },
  handleText(handle) { return handle.getAttribute('aria-valuenow'); },
};
"""

# Classic Notebook 6.5 (window.Jupyter); ipywidgets 7 sliders are jQuery UI sliders.
CLASSIC_JS = """
// Notebook 6.5 shows a "Notebook 7 is coming" banner unless this is set (turning the banner off
// on the server instead, --NotebookApp.show_banner=False, makes its own page script throw).
try { localStorage.setItem('showNotebookNews', 'false'); } catch (e) {}
window.__fe = {
  container: '#notebook-container',
  handle: '.ui-slider-handle',
  output: '.output_area',
  ready() {
    const nb = window.Jupyter && window.Jupyter.notebook;
    return Boolean(nb && nb._fully_loaded && nb.kernel && nb.kernel.is_connected()
                   && document.querySelector('#kernel_indicator_icon.kernel_idle_icon')
                   && !document.querySelector('.modal.in'));
  },
  runAll() {
    window.Jupyter.notebook.execute_all_cells();  // every code cell shows '*' until it has run
  },
  finished() {
    const cells = window.Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
    return cells.every((c) => typeof c.input_prompt_number === 'number') && this.ready();
  },
  cells() { return window.Jupyter.notebook.toJSON().cells; },
  rendered() {  // outputs showing a live widget
    return [...document.querySelectorAll(this.output)].filter((e) => e.querySelector('.jupyter-widgets')).length;
  },
  fraction(handle) { return parseFloat(handle.style.left || '0') / 100; },
  handleText(handle) { return null; },  // jQuery UI handles carry no value
};
"""


@dataclass(frozen=True)
class FrontEnd:
    key: str
    name: str
    js: str
    # How a student moves a slider there: "key" (focus the handle, arrow keys) or "mouse" (drag
    # the handle). Notebook 7 dispatches key presses to its own shortcuts before the page sees
    # them (its application does not use JupyterLab's bubbling key handling), so an arrow key on
    # a focused slider moves the notebook's cursor to the next heading instead of the slider.
    moves: str = "key"

    def server_command(self, port: int, token: str, root: Path, notebooks: Path) -> list[str]:
        common = ["--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0"]
        if self.key == "classic":
            cmd = [sys.executable, "-m", "notebook", *common, f"--NotebookApp.token={token}",
                   f"--NotebookApp.notebook_dir={notebooks}", "--NotebookApp.open_browser=False"]
        else:
            app = "LabApp" if self.key == "lab" else "JupyterNotebookApp"
            module = "jupyterlab" if self.key == "lab" else "notebook"
            cmd = [sys.executable, "-m", module, *common, f"--IdentityProvider.token={token}",
                   f"--ServerApp.root_dir={notebooks}", "--ServerApp.open_browser=False",
                   f"--{app}.user_settings_dir={root / 'settings'}",
                   f"--{app}.workspaces_dir={root / 'workspaces'}",
                   f"--{app}.expose_app_in_browser=True"]
            if self.key == "lab":
                cmd += ["--LabApp.news_url=", "--LabServerApp.collaborative=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def write_settings(self, root: Path) -> None:
        if self.key == "classic":
            return
        for name, values in (LAB_SETTINGS if self.key == "lab" else TRACKER_SETTINGS).items():
            target = root / "settings" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))

    def url(self, base: str, token: str, relative: str) -> str:
        quoted = urllib.parse.quote(relative)
        if self.key == "lab":
            return f"{base}/lab/tree/{quoted}?reset&token={token}"
        return f"{base}/notebooks/{quoted}?token={token}"


FRONTENDS = {
    "lab": FrontEnd("lab", "JupyterLab", LAB_JS),
    "notebook7": FrontEnd("notebook7", "Notebook 7", LAB_JS, moves="mouse"),
    "classic": FrontEnd("classic", "classic Notebook", CLASSIC_JS),
}


def _notebook_major() -> int | None:
    try:
        return int(metadata.version("notebook").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return None


def available() -> list[FrontEnd]:
    """The front ends installed here (narrowed by ``RMSVIZ_FRONTENDS``), in a fixed order."""
    keys = []
    if util.find_spec("jupyterlab") is not None:
        keys.append("lab")
    major = _notebook_major()
    if major is not None:
        keys.append("notebook7" if major >= 7 else "classic")
    wanted = os.environ.get("RMSVIZ_FRONTENDS")
    if wanted:
        chosen = [k.strip() for k in wanted.split(",") if k.strip()]
        unknown = set(chosen) - set(FRONTENDS)
        if unknown:
            raise ValueError(f"RMSVIZ_FRONTENDS: unknown front end(s) {sorted(unknown)}; "
                             f"known: {', '.join(FRONTENDS)}")
        keys = [k for k in keys if k in chosen]
    return [FRONTENDS[k] for k in keys]
