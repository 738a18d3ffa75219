"""rmsviz.panels under stress: 200 rapid value changes per panel leak no figure and little memory
(every panel, found by itself).

The measurement is ``benchmarks/panels.py``'s ``stress`` (the benchmark prints the same figures):
after a short warm-up, 200 value changes cycling through every control's values; then the number of
figures registered with pyplot, the number of live ``matplotlib.figure.Figure`` objects (through
``gc``) and the process RSS are compared with before. Bounds are generous: no new figure at all,
RSS growth under 20 MB.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rmsviz.panels import available_panels

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rmsviz_benchmark_panels", ROOT / "benchmarks" / "panels.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

PANELS = available_panels()


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_rapid_changes_leak_nothing(cls):
    result = bench.stress(cls, moves=200)
    assert result["moves"] == 200, f"{cls.__name__}: only {result['moves']} value changes possible"
    assert result["redraws"] == 200, f"{cls.__name__}: {result['redraws']} redraws for 200 changes"
    assert result["pyplot_figures"] == 0, f"{cls.__name__} left pyplot figures open: {result}"
    assert result["figure_objects"] == 0, f"{cls.__name__} leaked Figure objects: {result}"
    assert result["rss_mb"] < 20, f"{cls.__name__}: RSS grew {result['rss_mb']:.1f} MB"


def test_every_panel_is_found_and_builds():
    assert PANELS, "rmsviz.panels.available_panels() found no panel"
    for cls in PANELS:
        panel = cls()
        assert panel.controls, f"{cls.__name__} has no controls"
        for name, control in panel.controls.items():
            assert len(bench.sweep(control)) == bench.MOVES_PER_CONTROL, f"{cls.__name__}.{name}"


def test_stress_detects_a_leak(monkeypatch):
    """The measurement can fail: a panel that makes a pyplot figure per move is caught."""
    import matplotlib
    import matplotlib.pyplot as plt

    monkeypatch.setitem(matplotlib.rcParams, "figure.max_open_warning", 0)
    cls = PANELS[0]

    class Leaky(cls):
        def compute(self, **values):
            self._leak = getattr(self, "_leak", []) + [plt.figure()]
            return super().compute(**values)

    try:
        result = bench.stress(Leaky, moves=20)
    finally:
        plt.close("all")
    assert result["pyplot_figures"] == 20 and result["figure_objects"] >= 20
