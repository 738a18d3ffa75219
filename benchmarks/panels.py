"""Interaction benchmark: how fast every panel in rmsviz.panels redraws after a slider move.

    python benchmarks/panels.py            # all panels
    python benchmarks/panels.py RMSPanel   # only the panels whose class name is given

For every panel in ``rmsviz.panels.available_panels()`` (built with no arguments), in-process, each
slider is set through 50 values (evenly spaced from min to max, snapped to the step), one at a
time, exactly as a slider move arrives from the browser: ``control.value = v``. Other controls
(drop-downs, check boxes: changed now and then, and allowed to redraw the whole figure) go through
10 changes each and are printed on the panel's line but left out of the slider figures. The time
measured is from that assignment to the new PNG bytes in the panel's image widget
(``Panel.time_moves``, the package's one timing helper: the experiment, the artist updates, the
blit and the PNG encode).

Baseline: the naive version a beginner writes with ``interact``: for every move, compute everything
again (the experiments' cached sweeps are cleared), build the figure again (``panel.make_figure()``,
every artist drawn, nothing cached), update it with the panel's own ``compute`` and encode it the
way the inline backend does (``savefig(format="png", bbox_inches="tight")``, which draws the figure
twice). 20 moves per panel, so the baseline does not dominate the run time.

Stress: 200 rapid value changes per panel; open matplotlib (pyplot) figures, live ``Figure``
objects (found through ``gc``) and the process RSS are compared before and after
(``tests/test_panels_stress.py`` asserts on the same function).

One line per panel, then exactly:
``panels: p50 <ms> ms, worst panel p50 <ms> ms, naive baseline p50 <ms> ms``.
A panel's figure in "worst panel" is the p50 of its slowest control, slider or not (a toggle or a
drop-down is held to the same target); "p50" is over every move of every control.
Targets (issue 3, and issue 13 for the other controls): worst panel p50 <= 30 ms on a 2-core
machine and >= 4x faster than the naive baseline.
"""

from __future__ import annotations

import gc
import io
import os
import statistics
import sys
import time

import numpy as np

MOVES_PER_CONTROL = 50
NAIVE_MOVES = 20
STRESS_MOVES = 200


# -- control values ------------------------------------------------------------------------------


def sweep(control, n: int = MOVES_PER_CONTROL) -> list:
    """``n`` values for ``control``, each different from the one before (starting from the current).

    Sliders go from min to max snapped to their step; log sliders through their exponent range;
    range sliders move their upper end; selection widgets cycle their options; booleans alternate.
    """
    current = control.value
    options = getattr(control, "_options_values", None)
    if options:
        values = [options[i % len(options)] for i in range(n + 1)]
    elif isinstance(current, bool):
        values = [not current if i % 2 == 0 else current for i in range(n)]
    elif hasattr(control, "min") and hasattr(control, "max"):
        lo, hi = float(control.min), float(control.max)
        step = getattr(control, "step", None)
        if hasattr(control, "base"):  # FloatLogSlider: min/max are exponents
            raw = control.base ** np.linspace(lo, hi, n)
        else:
            raw = np.linspace(lo, hi, n)
            if step:
                raw = lo + np.round((raw - lo) / float(step)) * float(step)
        raw = np.clip(raw, min(lo, hi), max(lo, hi)) if not hasattr(control, "base") else raw
        cast = int if isinstance(current if not isinstance(current, tuple) else current[0], int) \
            else float
        if isinstance(current, tuple):  # range slider: keep the lower end, move the upper one
            low = current[0]
            values = [(low, cast(v)) for v in raw if cast(v) >= low]
        else:
            values = [cast(v) for v in raw]
    else:
        raise TypeError(f"do not know how to move a {type(control).__name__}")
    out, previous = [], current
    for v in values:
        if v != previous:
            out.append(v)
            previous = v
    while out and len(out) < n:  # small ranges (IntSlider 0..5): go back and forth
        out.extend(reversed(out[: n - len(out)]))
        out = [v for i, v in enumerate(out) if i == 0 or v != out[i - 1]]
    return out[:n]


# -- timings -------------------------------------------------------------------------------------


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def is_slider(control) -> bool:
    """A slider (anything with a min and a max); drop-downs, toggles and check boxes are not."""
    return hasattr(control, "min") and hasattr(control, "max")


OTHER_MOVES = 10


def time_panel(cls) -> dict:
    """Per control: ms from ``control.value = v`` to new PNG bytes (``Panel.time_moves``).

    Sliders go through ``sweep(control)`` (50 values); other controls (drop-downs, check boxes,
    toggles), which a reader changes once in a while and which may redraw the whole figure, go
    through 10 changes and are reported apart (``per_other``), not in the slider figures.
    """
    panel = cls()
    per_control, per_other = {}, {}
    for name, control in panel.controls.items():
        moves = sweep(control, MOVES_PER_CONTROL if is_slider(control) else OTHER_MOVES)
        (per_control if is_slider(control) else per_other)[name] = panel.time_moves(name, moves)
    return {"panel": panel, "per_control": per_control, "per_other": per_other}


def clear_experiment_caches():
    """Forget every sweep the experiments cached (``functools.lru_cache``): the naive baseline
    recomputes everything on every move."""
    import importlib
    import pkgutil

    import rmsviz.experiments

    for info in pkgutil.iter_modules(rmsviz.experiments.__path__, prefix="rmsviz.experiments."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def naive_times(cls, moves: int = NAIVE_MOVES) -> list[float]:
    """The interact + inline-backend approach on the same plot: everything recomputed, a new figure
    and savefig per move."""
    panel = cls()
    sliders = {n: c for n, c in panel.controls.items() if is_slider(c)} or panel.controls
    plan = []
    for name, control in sliders.items():
        plan += [(name, v) for v in sweep(control, max(2, moves // len(sliders) + 1))]
    plan = plan[:moves]
    times = []
    for name, value in plan:
        values = dict(panel.values, **{name: value})
        t0 = time.perf_counter()
        clear_experiment_caches()
        fresh = panel.make_figure()
        for artist in fresh._moving:  # a plain figure: every artist drawn by savefig
            artist.set_animated(False)
        fresh.update(panel.compute(**values))
        buf = io.BytesIO()
        fresh.fig.savefig(buf, format="png", dpi=fresh.fig.dpi, bbox_inches="tight")
        times.append((time.perf_counter() - t0) * 1e3)
    return times


# -- stress --------------------------------------------------------------------------------------


def rss_bytes() -> int:
    try:
        import psutil

        return psutil.Process().memory_info().rss
    except ImportError:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def live_figures() -> int:
    from matplotlib.figure import Figure

    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, Figure))


def stress(cls, moves: int = STRESS_MOVES) -> dict:
    """200 rapid value changes: change in pyplot figures, live Figure objects and RSS (MB)."""
    import matplotlib.pyplot as plt  # only to count figures registered with pyplot

    panel = cls()
    plan = []  # every slider through its 50 values, other controls through 4 changes (full redraws)
    for name, control in panel.controls.items():
        plan += [(name, v) for v in sweep(control, MOVES_PER_CONTROL if is_slider(control) else 4)]
    for name, value in plan[:10]:  # warm-up: caches, fonts, first background
        panel.controls[name].value = value
    gc.collect()
    before = {"pyplot": len(plt.get_fignums()), "figures": live_figures(), "rss": rss_bytes()}
    redraws = panel.redraws
    changes, i = 0, 0
    while changes < moves and i < 5 * moves:  # every move a real change (equal values fire nothing)
        name, value = plan[i % len(plan)]
        i += 1
        if panel.controls[name].value != value:
            panel.controls[name].value = value
            changes += 1
    gc.collect()
    after = {"pyplot": len(plt.get_fignums()), "figures": live_figures(), "rss": rss_bytes()}
    return {"moves": changes, "redraws": panel.redraws - redraws,
            "pyplot_figures": after["pyplot"] - before["pyplot"],
            "figure_objects": after["figures"] - before["figures"],
            "rss_mb": (after["rss"] - before["rss"]) / 2**20}


# -- report --------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from rmsviz.panels import available_panels

    panels = [c for c in available_panels() if not argv or c.__name__ in argv]
    if not panels:
        print("no panels found")
        return 1
    all_times, panel_p50, naive_all = [], [], []
    for cls in panels:
        result = time_panel(cls)
        if not result["per_control"]:  # no slider at all: its other controls are what moves
            result["per_control"], result["per_other"] = result["per_other"], {}
        times = [t for ts in result["per_control"].values() for t in ts]
        others = "".join(f"; {n} (not a slider, {len(ts)} changes) p50 {statistics.median(ts):.1f} ms"
                         for n, ts in result["per_other"].items())
        worst_name, worst = max(((n, statistics.median(ts)) for n, ts in result["per_control"].items()),
                                key=lambda item: item[1])
        naive = naive_times(cls)
        s = stress(cls)
        p50 = statistics.median(times)
        all_times += times + [t for ts in result["per_other"].values() for t in ts]
        # the panel's figure for the last line: its slowest control's p50, sliders and the other
        # controls alike (a toggle that redraws everything must meet the same 30 ms)
        panel_p50.append(max(statistics.median(ts) for group in (result["per_control"], result["per_other"])
                             for ts in group.values()))
        naive_all += naive
        print(f"{cls.__name__} ({cls.__module__.rsplit('.', 1)[-1]}): {len(result['per_control'])} sliders x "
              f"{MOVES_PER_CONTROL} values, update p50 {p50:.1f} ms p95 {percentile(times, 95):.1f} ms "
              f"(slowest slider {worst_name} p50 {worst:.1f} ms){others}; naive p50 "
              f"{statistics.median(naive):.1f} ms ({statistics.median(naive) / p50:.1f}x slower); "
              f"stress {s['moves']} moves: pyplot figures {s['pyplot_figures']:+d}, Figure objects "
              f"{s['figure_objects']:+d}, RSS {s['rss_mb']:+.1f} MB", flush=True)
    print(f"panels: p50 {statistics.median(all_times):.1f} ms, worst panel p50 {max(panel_p50):.1f} ms, "
          f"naive baseline p50 {statistics.median(naive_all):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
