"""rmsviz.figures.batch_axes: the axis picture of notebook 03, drawn from the statistics it is handed."""

import pytest
from matplotlib.patches import Rectangle

from rmsviz.experiments import batch_axes
from rmsviz.figures.batch_axes import axes_figure


def _outlines(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]


def test_one_column_and_two_rows_outlined():
    s = batch_axes.batch_statistics(0)
    fig = axes_figure(s, example=2, feature=5)
    bn, ln, rn = fig.axes
    (col,), (row_ln,), (row_rms,) = _outlines(bn), _outlines(ln), _outlines(rn)
    assert col.get_x() == pytest.approx(4.5) and col.get_width() == pytest.approx(1.0)  # column 6
    assert row_ln.get_y() == pytest.approx(1.5) and row_ln.get_height() == pytest.approx(1.0)  # row 3
    assert row_rms.get_y() == pytest.approx(1.5) and row_ln.get_width() > row_rms.get_width()
    texts = lambda ax: [t.get_text() for t in ax.texts]  # noqa: E731
    assert f"{s.bn_mean[5]:.2f}" in texts(bn) and f"{s.bn_std[5]:.2f}" in texts(bn)
    assert f"{s.ln_std[2]:.2f}" in texts(ln) and f"{s.rms[2]:.2f}" in texts(rn)
    assert "16 statistics: 8 means and 8 stds" in texts(bn)
    assert "6 statistics: 6 RMS values" in texts(rn)
    assert [t.get_text() for t in ln.get_xticklabels()][-2:] == ["mean", "std"]


def test_bad_highlight_raises():
    with pytest.raises(ValueError, match="feature"):
        axes_figure(batch_axes.batch_statistics(0), feature=8)
