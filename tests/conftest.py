"""Shared pytest configuration: a deterministic hypothesis profile for every run (CI included).

``derandomize=True`` makes hypothesis derive its examples from each test's source, so two runs of
the suite try the same inputs; ``deadline=None`` avoids flaky timing failures on a busy machine;
``max_examples`` is modest so the whole numerical suite stays well under 30 s.
For a longer local search: ``HYPOTHESIS_PROFILE=thorough python -m pytest tests``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "rmsviz",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    derandomize=False,
    deadline=None,
    max_examples=2000,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "rmsviz"))
