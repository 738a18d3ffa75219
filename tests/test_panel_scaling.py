"""rmsviz.panels.scaling: the notebook-04 scaling panel driven without a browser."""

import numpy as np
import pytest

from rmsviz.panels import ScalingPanel


def test_scaling_markers_follow_c_and_delta():
    panel = ScalingPanel()
    panel.update(c=1.0)
    y1 = panel.figure.c_marks.get_ydata()[0]
    panel.update(c=10.0)
    y10 = panel.figure.c_marks.get_ydata()[0]
    assert y10 == pytest.approx(y1 / 10, rel=0.02)  # the 1/c law with the norm
    assert y10 == panel.result.dx_norm
    panel.update(delta=0.1)
    assert panel.figure.d_marks.get_xdata()[0] == pytest.approx(0.1)
    before = np.array(panel.figure.c_line.get_ydata())
    panel.update(eps=1e-3)
    assert not np.allclose(before, panel.figure.c_line.get_ydata())
    np.testing.assert_array_equal(panel.figure.c_line.get_ydata(), panel.result.by_c.x)
    assert "cos(x, dL/dx)" in panel.readout_view.value
    panel.update(eps=0.0)
    assert "|cos| &lt; 1e-12: orthogonal to machine precision" in panel.readout_view.value or \
        "|cos| < 1e-12: orthogonal to machine precision" in panel.readout_view.value


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="eps must be one of"):
        ScalingPanel(eps=1e-4)
    with pytest.raises(ValueError, match="c must be between 0.0001 and 1000"):
        ScalingPanel(c=1e5)
