"""Experiments compute (layer: may import norms, examples and everything below; never figures or
panels, never matplotlib or ipywidgets).

One module per topic: pure functions returning arrays or small frozen dataclasses with named
fields. A panel's topic has an experiment of the same name (``rmsviz/experiments/eps.py`` for
``rmsviz/panels/eps.py``) whose entry function takes the control values and returns the result the
panel's figure draws; precomputed sweeps are built once with ``functools.lru_cache``. Notebooks
import the module they need, for example ``from rmsviz.experiments import invariance``.
"""
