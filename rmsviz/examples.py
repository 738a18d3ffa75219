"""The worked examples of the series, as data (layer: numpy only).

The source text (``shared/seed/rmsnorm-explainer-ko.txt``) works through two vectors; notebook 01
and notebook 02 recompute them, notebook 04 reuses the apples for a regression.
"""

from __future__ import annotations

import numpy as np

#: The source text's first example vector.
SEED_VECTOR = np.array([2.0, 4.0, 6.0, 8.0])

#: The source text's apple weights, in grams.
APPLE_WEIGHTS_G = np.array([200.0, 300.0, 150.0, 250.0])
