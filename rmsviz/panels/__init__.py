"""ipywidgets panels: controls -> experiment -> figure, and the readout (layer: may import experiments,
figures, norms and everything below them).

One module per topic, named after the topic and after the experiment it runs
(``rmsviz/panels/eps.py`` runs ``rmsviz/experiments/eps.py``), holding the topic's
``<Topic>Figure`` and ``<Topic>Panel``; :mod:`rmsviz.panels.base` holds the base class. Every
panel is re-exported here, so a notebook imports what it needs in one line::

    from rmsviz.panels import ScalingPanel, DeepStackPanel

Every panel can be built with no arguments (its default state). :func:`available_panels` finds
them all, so tests and benchmarks cover panels added later without being edited.
"""

from __future__ import annotations

import importlib
import pkgutil

from rmsviz.panels.apples import ApplesPanel
from rmsviz.panels.base import Panel
from rmsviz.panels.deep_stack import DeepStackPanel
from rmsviz.panels.eps import EpsPanel
from rmsviz.panels.partial import PartialPanel
from rmsviz.panels.precision import PrecisionPanel
from rmsviz.panels.regression import RegressionPanel
from rmsviz.panels.rms import RMSPanel
from rmsviz.panels.scaling import ScalingPanel
from rmsviz.panels.shift_scale import ShiftScalePanel
from rmsviz.panels.sphere import SpherePanel
from rmsviz.panels.training import TrainingPanel

__all__ = [
    "Panel",
    "available_panels",
    "ApplesPanel",
    "DeepStackPanel",
    "EpsPanel",
    "PartialPanel",
    "PrecisionPanel",
    "RegressionPanel",
    "RMSPanel",
    "ScalingPanel",
    "ShiftScalePanel",
    "SpherePanel",
    "TrainingPanel",
]


def available_panels() -> list[type[Panel]]:
    """Every concrete Panel subclass defined in this package, in a stable order (module, name)."""
    for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."):
        importlib.import_module(info.name)
    found, stack = [], list(Panel.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith(__name__ + ".") and "compute" in vars(cls):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))
