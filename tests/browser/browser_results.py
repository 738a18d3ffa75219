"""Results the browser test collects and the terminal summary prints (shared by conftest and test)."""

from __future__ import annotations

RESULTS = {"notebooks": 0, "sliders": 0, "timings_ms": [], "screenshots": None, "lines": []}


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
