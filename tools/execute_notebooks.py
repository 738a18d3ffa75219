"""Execute notebooks in place, top to bottom in a fresh kernel, and save them with outputs.

    python tools/execute_notebooks.py                 # every notebook under notebooks/ (the
                                                      # lessons, solutions/ and every edition)
    python tools/execute_notebooks.py notebooks/01_rms_step_by_step.ipynb

Each notebook runs in its own folder with the standard ``python3`` kernelspec, which is also what
nbval and JupyterLab use. Widget state is not stored: each panel saves a PNG of its default state
in its own output, which is what GitHub and nbviewer show. The saved outputs keep that PNG and the
text but not the widget view (``application/vnd.jupyter.widget-view+json``): without stored state
its model does not exist when the notebook is reopened, and JupyterLab (trusted notebook), Notebook
7 and VS Code would show "Error displaying widget: model not found" instead of the PNG. Running the
cell brings the live panel back.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def drop_widget_views(nb) -> None:
    """Remove widget views (models that will not exist on reopening) from outputs with a fallback."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.pop("widgets", None)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    drop_widget_views(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"executing {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
