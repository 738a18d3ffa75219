"""ipywidgets panels: sliders wired to figures (layer: may import figures).

Every panel is a :class:`~rmsviz.panels.base.Panel` subclass in a module of this package and can be
built with no arguments (its default state). :func:`available_panels` finds them all, so tests and
benchmarks cover panels added later without being edited.
"""

from __future__ import annotations

import importlib
import pkgutil

from rmsviz.panels.base import Panel
from rmsviz.panels.rms_bars import RMSPanel

__all__ = ["Panel", "RMSPanel", "available_panels"]


def available_panels() -> list[type[Panel]]:
    """Every concrete Panel subclass defined in this package, in a stable order (module, name)."""
    for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."):
        importlib.import_module(info.name)
    found, stack = [], list(Panel.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith(__name__ + ".") and "draw" in vars(cls):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))
