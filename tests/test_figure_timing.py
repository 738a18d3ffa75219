"""rmsviz.figures.timing: the static timing figure of notebook 03, drawn from a TimingResult."""

from rmsviz.experiments import timing
from rmsviz.figures.timing import timing_figure


def test_timing_figure_builds():
    r = timing.time_norms(sizes=((8, 16),), repeats=1, number=1)
    fig = timing_figure(r, timing.load_gpu_reference()["rows"])
    assert len(fig.axes) == 2
