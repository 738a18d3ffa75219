"""rmsviz.panels: every panel is found, re-exported, built with no arguments, rejects out-of-range
arguments, ignores a NaN set from code, shows its strings through the language catalogue, and
never calls an experiment from its figure."""

import inspect
import math

import numpy as np
import pytest
from matplotlib.text import Text

import rmsviz.panels
from rmsviz import i18n
from rmsviz.panels import available_panels

PANELS = available_panels()


def test_every_panel_is_found_and_re_exported():
    names = {cls.__name__ for cls in PANELS}
    assert names == {"ApplesPanel", "DeepStackPanel", "EpsPanel", "PartialPanel", "PrecisionPanel",
                     "RegressionPanel", "RMSPanel", "ScalingPanel", "ShiftScalePanel", "SpherePanel",
                     "TrainingPanel"}
    for cls in PANELS:
        assert getattr(rmsviz.panels, cls.__name__) is cls and cls.__name__ in rmsviz.panels.__all__


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_one_module_per_topic_named_after_its_experiment(cls):
    """``rmsviz/panels/<topic>.py`` holds ``<Topic>Figure`` and ``<Topic>Panel`` and runs
    ``rmsviz/experiments/<topic>.py``."""
    module = inspect.getmodule(cls)
    topic = module.__name__.rsplit(".", 1)[-1]
    figure = type(cls().figure)
    assert figure.__module__ == module.__name__ and figure.__name__ == cls.__name__[:-5] + "Figure"
    assert f"rmsviz.experiments.{topic}" in {getattr(v, "__module__", None) for v in vars(module).values()}


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_figures_draw_what_they_are_handed(cls):
    """A figure's update only sets artists from the result: it calls no experiment function."""
    figure = type(cls().figure)
    source = inspect.getsource(figure)
    module = inspect.getmodule(cls)
    experiment_names = [name for name, value in vars(module).items()
                        if callable(value) and str(getattr(value, "__module__", "")).startswith("rmsviz.experiments")
                        and not isinstance(value, type)]
    called = [name for name in experiment_names if f"{name}(" in source]
    assert not called, f"{figure.__name__} calls {called}"


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_default_state_renders_with_stable_text(cls):
    panel = cls()
    bundle = panel._repr_mimebundle_()
    assert bundle["image/png"] and "0x" not in bundle["text/plain"]
    assert bundle["text/plain"].startswith(f"<{cls.title} panel")
    assert panel.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert panel.result is not None and panel.redraws == 1


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_nan_on_a_float_slider_is_put_back_without_a_redraw(cls):
    panel = cls()
    floats = [name for name, c in panel.controls.items() if isinstance(c.value, float) and hasattr(c, "max")]
    assert floats, f"{cls.__name__} has no float slider"
    for name in floats:
        before, redraws, png = panel.controls[name].value, panel.redraws, panel.image.value
        panel.controls[name].value = math.nan
        assert panel.controls[name].value == before and panel.redraws == redraws
        assert panel.image.value == png
        with pytest.raises(ValueError, match="nan"):
            panel.update(**{name: math.nan})


# The robustness review's reproducers (section 5) and one more per panel: every constructor
# argument outside its slider's range is refused with a message that names the range.
OUT_OF_RANGE = [
    ("ApplesPanel", dict(weights_g=[0] * 4), "between 10 and 500"),
    ("EpsPanel", dict(eps=0), "between 1e-12 and 0.1"),
    ("EpsPanel", dict(scale=1e5), "between 1e-10 and 10000"),
    ("PartialPanel", dict(p=2), "between 0.0078125 and 1"),
    ("PrecisionPanel", dict(rms=0.1), "between 0.25 and 4096"),
    ("RegressionPanel", dict(lr=1e-9), "between 1e-07 and 10"),
    ("ScalingPanel", dict(delta=0.0), "between 0.0001 and 1000"),
    ("DeepStackPanel", dict(depth=0), "between 1 and 12"),
    ("RMSPanel", dict(x=[11.0, 0.0]), r"\[-10.0, 10.0\]"),
    ("SpherePanel", dict(x=[0.0, 0.0, 4.0]), r"\[-3.0, 3.0\]"),
    ("ShiftScalePanel", dict(max_shift=0.0), "between 0.25 and 1000"),
    ("TrainingPanel", dict(lr=1e-4), "between 0.015625 and 1"),
]


@pytest.mark.parametrize("name, kwargs, message", OUT_OF_RANGE, ids=[f"{n}-{list(k)[0]}" for n, k, _ in OUT_OF_RANGE])
def test_out_of_range_arguments_raise(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(rmsviz.panels, name)(**kwargs)


def test_every_panel_has_an_out_of_range_case():
    assert {name for name, _, _ in OUT_OF_RANGE} == {cls.__name__ for cls in PANELS}


def test_in_range_arguments_are_kept_exactly():
    panel = rmsviz.panels.EpsPanel(scale=1e-10, eps=1e-12, where="outside")
    assert panel.values == {"scale": 1e-10, "eps": 1e-12, "where": "outside"}
    assert np.isclose(rmsviz.panels.PartialPanel(p=2.0**-7).result.p, 2.0**-7)


class Marked:
    """A stand-in catalogue that marks every string it translates."""

    def gettext(self, message):
        return f"«{message}»"


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_reader_visible_strings_go_through_the_catalogue(cls, monkeypatch):
    monkeypatch.setitem(i18n._state, "translation", Marked())
    panel = cls()
    assert repr(panel).startswith("«<«")  # the text representation and the title
    assert "«" in panel.readout_view.value
    texts = [t.get_text() for t in panel.figure.fig.findobj(Text) if t.get_text()]
    assert any("«" in t for t in texts), texts
    # control labels and option labels that are words (not symbols such as "x1", "eps", "kg", "+")
    labels = [c.description for c in panel.controls.values()]
    labels += [o for c in panel.controls.values() for o in getattr(c, "_options_labels", ())]
    words = [t for t in labels if " " in t or (t.isalpha() and len(t) > 3)]
    assert all("«" in t for t in words), words


@pytest.mark.parametrize("cls", PANELS, ids=[c.__name__ for c in PANELS])
def test_figure_size_is_a_whole_number_of_pixels(cls):
    """Inches x dpi lands on an integer: 4.6 in x 100 dpi = 459.99999 px, which one matplotlib
    rounds to 460 and another truncates to 459, so a saved PNG would not match its figure there."""
    fig = cls().figure.fig
    for pixels in fig.get_size_inches() * fig.dpi:
        assert math.floor(pixels) == round(pixels), f"{cls.__name__}: {pixels!r} px"
