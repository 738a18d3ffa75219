"""Panel: controls wired to an experiment and to a figure that redraws in place (notebook 01).

The split follows scikit-learn's Display objects (``from_predictions`` computes, ``plot`` draws):

* the **experiment** computes: ``rmsviz/experiments/<topic>.py`` holds pure functions of the control
  values that return small frozen dataclasses (the *result*);
* the **figure** draws: ``<Topic>Figure``, a :class:`~rmsviz.figures.live.LiveFigure` built once
  from data handed to it; its ``update(result)`` only sets artist data and never calls an
  experiment;
* the **panel** wires: ``<Topic>Panel``, beside its figure in ``rmsviz/panels/<topic>.py``, owns
  the controls; every move runs :meth:`Panel.compute` -> ``figure.update(result)`` -> render ->
  :meth:`Panel.readout`, and keeps the result in :attr:`Panel.result`.

A subclass implements three hooks and calls ``super().__init__(controls)`` at the end of its own
``__init__`` (after checking its arguments with :func:`check_range` and :func:`check_choice`:
a panel rejects an out-of-range argument instead of letting a slider clamp it silently)::

    make_figure(self) -> LiveFigure      # once: the figure, from data the experiment computed
    compute(self, **values) -> result    # every move: run the experiment on the control values
    readout(self, result) -> str         # every move: HTML under the figure (through rmsviz.i18n._)

Displayed, a panel is live in JupyterLab, Notebook 7, classic Notebook, VS Code and Colab
(ipywidgets 7.7 and 8), and its ``_repr_mimebundle_`` also carries a PNG of the current state and
a short stable text, so GitHub, nbviewer and exported HTML show the lesson, and nbval has nothing
unstable to compare.

Tests (and the benchmark) drive a panel without a browser: ``panel.update(name=value)`` or
``panel.controls[name].value = value``, then read ``panel.result``, ``panel.figure`` or
``panel.image.value``; :meth:`Panel.time_moves` times moves the way a browser sends them.
"""

from __future__ import annotations

import base64
import math
import time

import ipywidgets as widgets

from rmsviz.i18n import N_, _

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

__all__ = ["Panel", "check_choice", "check_range"]


def check_range(name: str, value, low: float, high: float, integer: bool = False):
    """``value`` (a float, or an int when ``integer``) if ``low <= value <= high``, else a
    ValueError that names the range (a slider would clamp it without a word)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    number = float(value)
    # log-slider ends are computed powers: allow for their last bit, relative to each end
    if not low - 1e-9 * abs(low) <= number <= high + 1e-9 * abs(high):  # NaN fails here too
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    if integer:
        if number != int(number):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        return int(number)
    return number


def check_choice(name: str, value, choices):
    """``value`` if it is one of ``choices``, else a ValueError that lists them."""
    if value not in tuple(choices):
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


class Panel:
    """Controls wired to an experiment (:meth:`compute`) and a figure that redraws in place.

    ``title`` names the panel in its text representation (marked with ``N_``, shown through
    ``_``). ``result`` is the dataclass the last :meth:`compute` returned, the numbers the figure
    and the readout show.
    """

    title = N_("panel")
    #: What the last :meth:`compute` returned (a frozen dataclass of the topic's experiment).
    result = None

    def __init__(self, controls: dict, caption: str = ""):
        self.controls = dict(controls)
        self.figure = self.make_figure()
        self.image = widgets.Image(format="png")
        self.readout_view = widgets.HTML()
        self.redraws = 0
        self._holding = False
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        children = [widgets.HTML(f"<b>{caption}</b>")] if caption else []
        children += [widgets.HBox(list(self.controls.values()),
                                  layout=widgets.Layout(flex_flow="row wrap")),
                     self.image, self.readout_view]
        self.widget = widgets.VBox(children)
        self.refresh()

    # -- the three hooks ----------------------------------------------------------------------

    def make_figure(self):
        """The panel's figure, built once from data the experiment computed (called by __init__)."""
        raise NotImplementedError

    def compute(self, **values):
        """Run the experiment for these control values; return its result (a frozen dataclass)."""
        raise NotImplementedError

    def readout(self, result) -> str:
        """The HTML shown under the figure for ``result`` ("" for none)."""
        return ""

    # -- state ------------------------------------------------------------------------------

    @property
    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values):
        """Set some controls (by name) and redraw once."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no control(s) {sorted(unknown)}; "
                            f"its controls are {sorted(self.controls)}")
        for name, value in values.items():
            if _is_nan(value):
                raise ValueError(f"{name} must be a number, got nan")
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.refresh()

    def refresh(self):
        """Compute the result for the controls' values, update the figure, push the new PNG and readout."""
        self.result = self.compute(**self.values)
        self.figure.update(self.result)
        self.image.value = self.figure.png()
        self.readout_view.value = self.readout(self.result) or ""
        self.redraws += 1

    def _on_change(self, change):
        if self._holding:
            return
        if _is_nan(change["new"]):
            # Only code can send NaN (a browser slider cannot); ipywidgets lets it through its
            # clamping. Put the previous value back and keep the figure as it was.
            self._holding = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._holding = False
            return
        self.refresh()

    def time_moves(self, name: str, values) -> list[float]:
        """Milliseconds from ``controls[name].value = v`` (as a browser move arrives) to the new PNG
        in the view, for each v in ``values``; the control is put back afterwards.

        For the benchmark (``benchmarks/panels.py``): the lessons do not time panels. Raises
        RuntimeError if a value did not redraw exactly once (an equal value fires nothing).
        """
        control = self.controls[name]
        start_value = control.value
        times = []
        try:
            for value in values:
                redraws = self.redraws
                t0 = time.perf_counter()
                control.value = value
                elapsed = time.perf_counter() - t0
                if self.redraws != redraws + 1 or not self.image.value:
                    raise RuntimeError(f"{type(self).__name__}.{name} = {value!r} did not redraw once")
                times.append(elapsed * 1e3)
        finally:
            control.value = start_value
        return times

    # -- display ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        return _("<{title} panel>").format(title=_(self.title))

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget view, a PNG of the current state and a stable text.

        Front ends that run widgets show the view; GitHub, nbviewer and exported HTML show the PNG;
        nbval compares only the text (it skips PNGs and widget views). The view is written here
        rather than taken from ``VBox._repr_mimebundle_``, which ipywidgets 7 (Colab's) does not
        have (it displays through ``_ipython_display_``): ipywidgets 7 and 8 both describe a view as
        ``{"version_major": 2, "version_minor": 0, "model_id": ...}``. A closed widget offers no
        view, as in ipywidgets 8.
        """
        bundle = {"text/plain": repr(self),
                  "image/png": base64.b64encode(self.image.value).decode("ascii")}
        if getattr(self.widget, "comm", None) is not None and self.widget._view_name is not None:
            bundle[WIDGET_VIEW] = {"version_major": 2, "version_minor": 0,
                                   "model_id": self.widget.model_id}
        return bundle
