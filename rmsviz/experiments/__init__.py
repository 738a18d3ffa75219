"""Experiments: pure functions returning arrays (layer: may import norms).

One module per topic; notebooks import the module they need, for example
``from rmsviz.experiments import invariance``.
"""
