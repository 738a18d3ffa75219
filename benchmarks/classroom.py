"""Classroom load test: N students on a real JupyterHub, dragging sliders at a human pace.

    python benchmarks/classroom.py                            # N = 1, 5, 10, 20; 75 s of moves
    python benchmarks/classroom.py --students 3 --duration 20 # what tests/test_classroom.py runs
    python benchmarks/classroom.py --json results.json        # also save every figure

For each N, on this machine and on 127.0.0.1 only:

1. start JupyterHub from ``classroom/jupyterhub_config.py`` in test mode (built-in
   DummyAuthenticator, SimpleLocalProcessSpawner, configurable-http-proxy from
   ``classroom/node_modules``, the idle culler), on free ports, in a temporary folder;
2. make a local git repository of the series (the tracked files as they are in this working tree);
3. for each student, in a thread of its own, as the browser does: log in through the hub's login
   form; start the server (REST, with the student's own token); pull the series with nbgitpuller
   (the ``git-pull`` API the link's page calls, with the link's parameters from
   :func:`rmsviz.project.nbgitpuller_url`); open notebooks 01 and 04 (a session and a kernel each)
   and run every code cell of the pulled copy over the kernel's websocket, all through the proxy;
4. when every student is ready, each one moves sliders for ``--duration`` seconds: a random slider
   of a random displayed panel (found from the ``comm_open`` messages and the widget views the
   cells displayed), set to a new value on its step grid by a widget ``comm_msg``
   (``{"method": "update", "state": {"value": v}}``), exactly what the front end sends; the time
   from sending it to the arrival of the update of the panel's ``Image`` value is the move's
   latency; then a pause of 0.5-1 s (a person looking at the picture) before the next move. A
   move the kernel handles without sending an image (the new picture is byte for byte the old one,
   e.g. more steps of a run that had already diverged) counts as "same picture", not as a failure;
   a move with no answer within 10 s, or an error, is a failure;
5. stop everything it started (hub, proxy, culler, every server and kernel), also on failure.

Per N it prints: failed logins, spawns, pulls, notebook runs; link-to-sliders time (and each
step's median); moves (new picture / same picture / unanswered), move-to-image latency p50/p95;
memory per student (RSS of the student's
server plus its two kernels, peak; and PSS, which shares libraries fairly); kernel CPU per
student, hub and proxy CPU (percent of one core over the moving phase); errors. Then a table, and
last, for the largest N:
``classroom: <N> students, move-to-image p50 <ms> ms p95 <ms> ms, <MB> MB per student, <k> errors``.

Kernels and servers run with ``tests/guard`` on their path (when present): a connection to any
address but loopback is refused and counted as an error.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # hubload, and rmsviz from this checkout
from hubload.hub import Hub, alive, cmdline, cpu_seconds, make_series_repository  # noqa: E402
from hubload.student import (  # noqa: E402
    MOVE_TIMEOUT, NOTEBOOKS, THINK_SECONDS, StepFailed, Student, StudentResult)

SAMPLE_EVERY = 1.0           # memory sampling period, seconds
DEFAULT_STUDENTS = (1, 5, 10, 20)


def percentile(values, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# -- one class -------------------------------------------------------------------------------------


def sample_memory(hub: Hub, peaks: dict, stop: threading.Event) -> None:
    """Per student, the peak of (server + kernels) RSS and PSS, in bytes, until ``stop``."""
    while not stop.is_set():
        try:
            students = hub.processes()["students"]
        except psutil.Error:
            students = {}
        for user, procs in students.items():
            rss = pss = server_rss = kernel_rss = 0
            for p in [procs["server"], *procs["kernels"]]:
                try:
                    info = p.memory_full_info()
                except psutil.Error:
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                if p is procs["server"]:
                    server_rss = info.rss
                else:
                    kernel_rss = max(kernel_rss, info.rss)
            peak = peaks.setdefault(user, {"rss": 0, "pss": 0, "kernels": 0, "server_rss": 0,
                                           "kernel_rss": 0})
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            peak["kernels"] = max(peak["kernels"], len(procs["kernels"]))
            peak["server_rss"] = max(peak["server_rss"], server_rss)
            peak["kernel_rss"] = max(peak["kernel_rss"], kernel_rss)
        stop.wait(SAMPLE_EVERY)


def cpu_snapshot(hub: Hub) -> dict:
    procs = hub.processes()
    kernels = [k for s in procs["students"].values() for k in s["kernels"]]
    servers = [s["server"] for s in procs["students"].values()]
    return {"time": time.monotonic(), "load": os.getloadavg()[0], "hub": cpu_seconds(procs["hub"]),
            "proxy": cpu_seconds(procs["proxy"]) if procs["proxy"] else 0.0,
            "kernels": {k.pid: cpu_seconds(k) for k in kernels},
            "servers": {s.pid: cpu_seconds(s) for s in servers}}


def run_class(students: int, duration: float, setup_timeout: float = 600, seed: int = 0,
              keep: bool = False, log=print) -> dict:
    """Start a hub, let ``students`` students set up and move sliders for ``duration`` seconds,
    stop everything; return the figures (see the module docstring)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"rmsviz-classroom-{students}-"))
    hub = Hub(workdir)
    atexit.register(hub.stop)
    peaks: dict = {}
    stop_sampling = threading.Event()
    results: list[StudentResult] = []
    started = time.monotonic()
    try:
        repository = make_series_repository(workdir / "origin")
        hub.start()
        log(f"  hub up on {hub.url} after {time.monotonic() - started:.1f} s")
        sampler = threading.Thread(target=sample_memory, args=(hub, peaks, stop_sampling),
                                   daemon=True)
        sampler.start()
        crew = [Student(hub, f"student{i + 1:02d}", repository, seed + i) for i in range(students)]
        started = time.monotonic()  # the teacher sends the link: link-to-sliders counts from here
        results = [s.result for s in crew]
        window: dict = {}

        def open_window():  # runs once, when the last student is ready, before anyone moves
            window["before"] = cpu_snapshot(hub)
            window["end"] = time.monotonic() + duration

        ready = threading.Barrier(students + 1, action=open_window)

        def lesson(student: Student) -> None:
            try:
                try:
                    student.setup(started)
                except StepFailed as e:
                    student.result.errors.append(str(e))
                finally:
                    ready.wait()
                if student.result.ready_after is not None:
                    student.move_until(window["end"])
            except threading.BrokenBarrierError:
                student.result.errors.append("setup: the class did not get ready in time")
            except Exception as e:  # noqa: BLE001 - any surprise is an error of this student
                student.result.errors.append(f"{type(e).__name__}: {e}")

        threads = [threading.Thread(target=lesson, args=(s,), daemon=True) for s in crew]
        for t in threads:
            t.start()
        try:
            ready.wait(timeout=setup_timeout)
        except threading.BrokenBarrierError:
            pass
        set_up = time.monotonic() - started
        log(f"  {sum(r.ready_after is not None for r in results)}/{students} students ready "
            f"after {set_up:.1f} s; moving sliders for {duration:.0f} s")
        before = window.get("before") or cpu_snapshot(hub)
        for t in threads:
            t.join(timeout=duration + MOVE_TIMEOUT + 30)
        after = cpu_snapshot(hub)
        stop_sampling.set()
        sampler.join(timeout=10)
        for s in crew:
            s.close()
        guard = hub.guard_violations()
    finally:
        stop_sampling.set()
        try:
            hub.stop()
            atexit.unregister(hub.stop)
        finally:
            if not keep:
                shutil.rmtree(workdir, ignore_errors=True)
    summary = summarise(students, duration, results, peaks, before, after, guard, set_up)
    summary["processes_seen"] = len(hub.tree.seen) + 1
    summary["processes_left"] = [cmdline(p)[:120] for p in [hub.tree.root, *hub.tree.seen.values()]
                                 if alive(p)]
    return summary


def summarise(students, duration, results, peaks, before, after, guard, set_up) -> dict:
    wall = max(1e-9, after["time"] - before["time"])
    latencies = [t for r in results for t in r.latencies]

    def pct_of_core(key):
        return 100 * (after[key] - before[key]) / wall

    kernel_cpu = sum(after["kernels"][pid] - t for pid, t in before["kernels"].items()
                     if pid in after["kernels"])
    server_cpu = sum(after["servers"][pid] - t for pid, t in before["servers"].items()
                     if pid in after["servers"])
    # Everything a student's server and kernels did before the moves: start, pull, run all.
    setup_cpu = sum(before["kernels"].values()) + sum(before["servers"].values())
    failed = {step: sum(step not in r.steps_done for r in results)
              for step in ("login", "spawn", "pull", "open_notebooks")}
    errors = [e for r in results for e in r.errors] + [f"network guard: {v}" for v in guard]
    mb = 1024 * 1024
    rss = [p["rss"] / mb for p in peaks.values()]
    pss = [p["pss"] / mb for p in peaks.values()]
    ready = [r.ready_after for r in results if r.ready_after is not None]
    steps = {step: percentile([r.step_seconds[step] for r in results if step in r.step_seconds], 50)
             for step in ("login", "spawn", "pull", *NOTEBOOKS)}
    return {
        "students": students, "duration_s": duration, "setup_s": set_up,
        "failed": failed, "errors": errors, "error_count": len(errors),
        "ready_p50_s": percentile(ready, 50), "ready_max_s": max(ready) if ready else float("nan"),
        "moves": sum(r.moves for r in results), "new_picture": len(latencies),
        "unanswered": sum(r.unanswered for r in results),
        "unchanged": sum(r.unchanged for r in results),
        "same_picture": sum(r.same_picture for r in results),
        "moves_per_student": [r.moves for r in results],
        "p50_ms": 1e3 * percentile(latencies, 50), "p95_ms": 1e3 * percentile(latencies, 95),
        "max_ms": 1e3 * max(latencies) if latencies else float("nan"),
        "rss_mb_per_student": statistics.mean(rss) if rss else float("nan"),
        "rss_mb_max": max(rss) if rss else float("nan"),
        "pss_mb_per_student": statistics.mean(pss) if pss else float("nan"),
        "server_mb": max((p["server_rss"] / mb for p in peaks.values()), default=float("nan")),
        "largest_kernel_mb": max((p["kernel_rss"] / mb for p in peaks.values()),
                                 default=float("nan")),
        "step_p50_s": steps,
        "setup_cpu_s_per_student": setup_cpu / max(1, students),
        "kernel_cpu_pct_per_student": 100 * kernel_cpu / wall / max(1, students),
        "server_cpu_pct_per_student": 100 * server_cpu / wall / max(1, students),
        "hub_cpu_pct": pct_of_core("hub"), "proxy_cpu_pct": pct_of_core("proxy"),
        # the machine's 1-minute load average as the moves began and ended (other work included)
        "load_average": (before["load"], after["load"]),
    }


def describe(r: dict) -> str:
    f = r["failed"]
    return (f"N={r['students']:>2}: failed logins {f['login']}, spawns {f['spawn']}, "
            f"pulls {f['pull']}, "
            f"notebook runs {f['open_notebooks']}; link-to-sliders p50 {r['ready_p50_s']:.1f} s, "
            f"max {r['ready_max_s']:.1f} s ("
            + ", ".join(f"{k.split('_')[0]} {v:.1f}" for k, v in r["step_p50_s"].items())
            + f" s); set-up CPU {r['setup_cpu_s_per_student']:.1f} s per student\n"
            f"      moves {r['moves']}: new picture {r['new_picture']}, "
            f"same picture (kernel answered, "
            f"nothing to redraw) {r['same_picture']}, unanswered {r['unanswered']}, image update "
            f"without change {r['unchanged']}; move-to-image p50 {r['p50_ms']:.0f} ms, "
            f"p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms\n"
            f"      per student: {r['rss_mb_per_student']:.0f} MB RSS (max {r['rss_mb_max']:.0f}; "
            f"server {r['server_mb']:.0f}, largest kernel {r['largest_kernel_mb']:.0f}), "
            f"{r['pss_mb_per_student']:.0f} MB PSS, "
            f"kernels {r['kernel_cpu_pct_per_student']:.1f} % "
            f"+ server {r['server_cpu_pct_per_student']:.1f} % of a core; "
            f"hub {r['hub_cpu_pct']:.1f} %, "
            f"proxy {r['proxy_cpu_pct']:.1f} % of a core; errors {r['error_count']}; machine load "
            f"average {r['load_average'][0]:.1f} -> {r['load_average'][1]:.1f}")


def table(rows: list[dict]) -> str:
    """The figures of every N as the Markdown table of classroom/README.md."""
    lines = ["| students | move-to-image p50 | p95 | max | MB per student, RSS / PSS | CPU per "
             "student (kernels + server) | hub CPU | proxy CPU | link to sliders, p50 / last | "
             "set-up CPU per student | moves (same picture) | errors | machine load average |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['students']} | {r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms "
            f"| {r['max_ms']:.0f} ms "
            f"| {r['rss_mb_per_student']:.0f} / {r['pss_mb_per_student']:.0f} "
            f"| {r['kernel_cpu_pct_per_student']:.1f} + {r['server_cpu_pct_per_student']:.1f} % "
            f"| {r['hub_cpu_pct']:.1f} % | {r['proxy_cpu_pct']:.1f} % "
            f"| {r['ready_p50_s']:.0f} / {r['ready_max_s']:.0f} s "
            f"| {r['setup_cpu_s_per_student']:.1f} s | {r['moves']} ({r['same_picture']}) "
            f"| {r['error_count']} | {r['load_average'][0]:.0f} -> {r['load_average'][1]:.0f} |")
    return "\n".join(lines)


def summary_line(r: dict) -> str:
    return (f"classroom: {r['students']} students, move-to-image p50 {r['p50_ms']:.0f} ms "
            f"p95 {r['p95_ms']:.0f} ms, {r['rss_mb_per_student']:.0f} MB per student, "
            f"{r['error_count']} errors")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=list(DEFAULT_STUDENTS))
    parser.add_argument("--duration", type=float, default=75.0,
                        help="seconds of slider moves per N")
    parser.add_argument("--setup-timeout", type=float, default=600.0)
    parser.add_argument("--json", type=Path, help="save every figure here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (logs)")
    args = parser.parse_args(argv)

    def stop_on_signal(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through run_class's finally: everything stops

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    rows = []
    for n in args.students:
        print(f"classroom: {n} students", flush=True)
        row = run_class(n, args.duration, args.setup_timeout, keep=args.keep,
                        log=lambda s: print(s, flush=True))
        rows.append(row)
        print(describe(row), flush=True)
        for e in row["errors"][:10]:
            print(f"      error: {e}", flush=True)
    print()
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"{args.duration:.0f} s of moves per N, one move per student every "
          f"{THINK_SECONDS[0]}-{THINK_SECONDS[1]} s after the previous picture")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    print(summary_line(max(rows, key=lambda r: r["students"])))
    return 0 if all(r["error_count"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
