"""rmsviz.panels.precision: the notebook-05 float16 panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.panels import PrecisionPanel


def test_precision_panel_collapses_past_256():
    panel = PrecisionPanel()
    assert panel.result.out_rms == pytest.approx(1.0, abs=2e-3)
    panel.update(magnitude=300.0)
    assert panel.result.out_rms == 0.0
    assert all(bar.get_height() == 0 for bar in panel.figure.bars)
    panel.update(mode="float32_accumulate")
    assert panel.result.out_rms == pytest.approx(1.0, abs=2e-3)
    assert np.allclose(panel.figure.curve.get_ydata(), 1.0, atol=2e-3)
    panel.update(mode="bfloat16")
    assert 0 < panel.result.max_error < 0.02
    assert panel.result.overflow_threshold == 256.0
    assert "float16 x² overflows from 256" in panel.readout_view.value


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="magnitude must be between 1 and 4096"):
        PrecisionPanel(magnitude=1e5)
    with pytest.raises(ValueError, match="mode"):
        PrecisionPanel(mode="float8")
