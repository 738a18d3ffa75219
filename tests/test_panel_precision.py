"""rmsviz.panels.precision: the notebook-05 float16 panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.experiments import precision as P
from rmsviz.panels import PrecisionPanel


def test_float16_only_collapses_once_the_sum_overflows():
    panel = PrecisionPanel()
    assert panel.values == {"rms": 2.0, "n": 4096, "mode": "float16"}
    assert panel.result.out_rms == pytest.approx(1.0, abs=2e-3)
    panel.update(rms=4.0)  # 4096 * 4² = 65536 > 65504
    assert panel.result.out_rms == 0.0
    assert all(bar.get_height() == 0 for bar in panel.figure.bars)
    assert panel.figure.sum_line.get_xdata()[0] == P.sum_overflow_rms(4096)
    assert panel.figure.square_line.get_xdata()[0] == P.square_overflow_rms(4096)
    text = panel.readout_view.value
    assert "overflows from input RMS 3.9999 (256/√n = 4)" in text
    assert "largest square overflows from input RMS 65.483" in text


def test_float32_sum_survives_until_a_square_overflows():
    panel = PrecisionPanel(rms=4.0, mode="float16_squares")
    assert panel.result.out_rms == pytest.approx(1.0, abs=2e-3)
    panel.update(rms=2.0 ** 6.125)  # largest |x| beyond 256
    assert panel.result.out_rms == 0.0 and panel.result.largest >= 256
    panel.update(mode="float32")
    assert panel.result.out_rms == pytest.approx(1.0, abs=2e-3)
    assert np.allclose(panel.figure.curve.get_ydata(), 1.0, atol=2e-3)
    panel.update(mode="bfloat16")
    assert 0 < panel.result.max_error < 0.03


def test_n_moves_the_overflow_point_and_the_title_names_the_mode():
    panel = PrecisionPanel()
    panel.update(n=8)
    assert panel.figure.sum_line.get_xdata()[0] == pytest.approx(256 / np.sqrt(8), rel=1e-3)
    assert panel.result.output.shape == (8,)
    labels = [t.get_text() for t in panel.figure.axes[1].get_legend().get_texts()]
    assert labels == ["output, computed as the title says", "float64 (reference)"]
    assert panel.figure.title.get_text() == "float16 only"
    panel.update(mode="float16_squares")
    assert panel.figure.title.get_text() == "float16 squares, float32 sum"
    assert repr(panel) == "<float16 overflow panel: input RMS 2, n = 8, float16_squares>"


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="rms must be between 0.25 and 4096"):
        PrecisionPanel(rms=1e5)
    with pytest.raises(ValueError, match="mode"):
        PrecisionPanel(mode="float8")
    with pytest.raises(ValueError, match="n must be one of"):
        PrecisionPanel(n=100)
