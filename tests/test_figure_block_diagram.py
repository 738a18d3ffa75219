"""rmsviz.figures.block_diagram: the static pre-norm block of notebook 05."""

from rmsviz.figures.block_diagram import block_diagram


def test_block_diagram_draws_without_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = block_diagram()
    fig.canvas.draw()
    assert plt.get_fignums() == before
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert texts.count("RMSNorm") >= 2 and "Attention" in texts and "MLP" in texts
