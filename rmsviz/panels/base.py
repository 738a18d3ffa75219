"""Panel: ipywidgets controls wired to a :class:`~rmsviz.figures.live.LiveFigure`.

Introduced in notebook 01. A panel owns its controls, one figure (built once) and an
``ipywidgets.Image`` that shows the figure's PNG. Moving a control calls :meth:`Panel.update`,
which hands every control's value to the subclass's :meth:`Panel.draw`, re-renders only the moving
artists and replaces the image bytes: no new figure, no new output.

Displayed, a panel is live in JupyterLab, Notebook 7, classic Notebook, VS Code and Colab
(ipywidgets 7.7 and 8), and its ``_repr_mimebundle_`` also carries a PNG of the current state and
a short stable text, so GitHub, nbviewer and exported HTML show the lesson, and nbval has nothing
unstable to compare.

Tests (and the benchmark) drive a panel without a browser: ``panel.update(name=value)`` or
``panel.controls[name].value = value``, then read ``panel.figure`` or ``panel.image.value``.
"""

from __future__ import annotations

import base64

import ipywidgets as widgets

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Panel:
    """Sliders and toggles wired to a figure that redraws in place.

    Subclasses build ``controls`` (a dict name -> ipywidgets value widget) and a ``figure``, pass
    them to ``Panel.__init__``, and implement :meth:`draw`. ``title`` names the panel in its text
    representation and in the benchmark.
    """

    title = "panel"

    def __init__(self, figure, controls: dict, caption: str = ""):
        self.figure = figure
        self.controls = dict(controls)
        self.image = widgets.Image(format="png")
        self.readout = widgets.HTML()
        self.redraws = 0
        self._holding = False
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        children = [widgets.HTML(f"<b>{caption}</b>")] if caption else []
        children += [widgets.HBox(list(self.controls.values()),
                                  layout=widgets.Layout(flex_flow="row wrap")),
                     self.image, self.readout]
        self.widget = widgets.VBox(children)
        self.refresh()

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
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.refresh()

    def refresh(self):
        """Redraw the figure from the controls' values and push the new PNG to the view."""
        text = self.draw(**self.values)
        self.image.value = self.figure.png()
        self.readout.value = text or ""
        self.redraws += 1

    def draw(self, **values) -> str:
        """Update the figure's artists from the control values; return readout HTML (or "")."""
        raise NotImplementedError

    def _on_change(self, change):
        if not self._holding:
            self.refresh()

    # -- display ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"<{self.title} panel>"

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
