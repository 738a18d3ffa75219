"""Results the browser test collects and the terminal summary prints (shared by conftest and test)."""

from __future__ import annotations

RESULTS = {"frontends": {}, "screenshots": None}


def for_frontend(name: str) -> dict:
    """The results of one front end (created on first use, in the order front ends run)."""
    return RESULTS["frontends"].setdefault(
        name, {"notebooks": 0, "sliders": 0, "timings_ms": [], "lines": []})


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
