"""The App base: controls -> api -> figures, with the care a learner needs.

A topic's app subclasses :class:`App` and writes three small methods, none
holding logic a test would want to call directly:

``make_controls()``
    ``{name: widget}``; names are the keyword arguments of ``compute``.
``compute(**values)``
    calls the topic's api and returns its result. A ``ValueError`` (bad
    input) appears in the banner as its message; the figures keep the last
    good result. Long work may call ``self.report(fraction)``.
``figures(result)``
    a list of plotly figures from the topic's ``plots`` module.
``make_actions()`` (optional)
    ``{label: method}`` shown as buttons (e.g. "add node"); a click calls
    the method, which changes controls or state, then the app updates.

The base builds one ``FigureWidget`` per figure and afterwards updates them
in place inside ``batch_update`` (one message to the browser per figure),
makes sliders update on release (``continuous_update=False``: every app
simulates), debounces bursts of control changes, shows a progress bar only when an
update takes longer than ``config.UI_PROGRESS_AFTER_S``, and never lets an
exception escape into the notebook as a traceback.
"""

from __future__ import annotations

import asyncio
import html
import time
from typing import ClassVar

import ipywidgets as w
import plotly.graph_objects as go

from .. import config

_BANNER_STYLE = (
    "padding:6px 10px;border-left:4px solid #D55E00;background:#FDF0E8;"
    "color:#222;font-size:13px;line-height:1.4"
)


class App:
    """Base of every interactive lab; see the module docstring."""

    registry: ClassVar[list[type[App]]] = []  # every concrete app, for tests and docs
    title: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        App.registry.append(cls)

    def __init__(self, **initial):
        self.controls: dict[str, w.ValueWidget] = self.make_controls()
        for name, value in initial.items():
            if name not in self.controls:
                raise ValueError(f"{name} is not a control of {type(self).__name__}")
            self.controls[name].value = value
        self.banner = w.HTML(layout=w.Layout(display="none"))
        self.status = w.HTML()
        self.progress_bar = w.FloatProgress(
            min=0.0, max=1.0, description="Working", layout=w.Layout(display="none")
        )
        self.last_error: str | None = None
        self.result = None
        self.figure_widgets: list[go.FigureWidget] = []
        self._pending = None
        self._quiet = False
        self._started = 0.0
        self.figure_box = w.VBox()
        self.buttons = [self._button(label, action) for label, action in self.make_actions().items()]
        # Controls on top, wrapping into columns, so every figure gets the cell's full width
        # (plotly draws a figure widget 700 px wide, whatever room a side panel leaves it).
        panel = w.HBox(
            [*self.controls.values(), *self.buttons],
            layout=w.Layout(flex_flow="row wrap", align_items="center", grid_gap="4px 24px"),
        )
        header = [w.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        self.widget = w.VBox([*header, panel, self.status, self.banner, self.progress_bar, self.figure_box])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
            control.style.description_width = "initial"
            control.layout.width = "330px"
            if control.has_trait("continuous_update"):  # every app simulates: run on release
                control.continuous_update = False
        self.update()

    # --- to override ---------------------------------------------------------------
    def make_controls(self) -> dict[str, w.ValueWidget]:
        raise NotImplementedError

    def make_actions(self) -> dict:
        return {}

    def compute(self, **values):
        raise NotImplementedError

    def figures(self, result) -> list[go.Figure]:
        raise NotImplementedError

    # --- machinery -----------------------------------------------------------------
    def values(self) -> dict:
        return {name: c.value for name, c in self.controls.items()}

    def update(self) -> None:
        """Run compute and redraw now; errors go to the banner."""
        self._pending = None
        self._started = time.perf_counter()
        try:
            ok, (result, figures) = self._guarded(self._compute_and_plot)
        finally:
            self.progress_bar.layout.display = "none"
        if not ok:
            return
        self.result = result
        self._draw(figures)
        self.last_error = None
        self.banner.layout.display = "none"
        ms = (time.perf_counter() - self._started) * 1e3
        self.status.value = f"<small style='color:#666'>updated in {ms:.0f} ms</small>"

    def _compute_and_plot(self):
        result = self.compute(**self.values())
        return result, self.figures(result)

    def _button(self, label: str, action) -> w.Button:
        def clicked(_):
            self._quiet = True  # the action may move controls: update once, after it
            try:
                ok, _ = self._guarded(action)
            finally:
                self._quiet = False
            if ok:
                self.update()

        button = w.Button(description=label)
        button.on_click(clicked)
        return button

    def report(self, fraction: float) -> None:
        """Progress of the current update, 0..1; shown once work exceeds ~1 s."""
        if time.perf_counter() - self._started >= config.UI_PROGRESS_AFTER_S:
            self.progress_bar.layout.display = None
            self.progress_bar.value = min(max(float(fraction), 0.0), 1.0)

    def _guarded(self, fn):
        """``(True, fn())``, or ``(False, (None, None))`` with the failure in the banner."""
        try:
            return True, fn()
        except ValueError as e:
            self._show_error(str(e))
        except Exception as e:  # never a traceback in a lab
            self._show_error(f"Something went wrong ({type(e).__name__}: {e}).")
        return False, (None, None)

    def _show_error(self, message: str) -> None:
        self.last_error = message
        if self.result is not None:
            message += " The figures still show the last valid result."
        self.banner.value = f"<div style='{_BANNER_STYLE}'>{html.escape(message)}</div>"
        self.banner.layout.display = None

    def _draw(self, figures: list[go.Figure]) -> None:
        if len(figures) != len(self.figure_widgets):
            self.figure_widgets = [go.FigureWidget(f) for f in figures]
            self.figure_box.children = self.figure_widgets
            return
        for fw, fig in zip(self.figure_widgets, figures, strict=True):
            same_shape = [t.type for t in fw.data] == [t.type for t in fig.data]
            if not same_shape:
                fw.data = ()
                fw.add_traces(fig.data)
            with fw.batch_update():
                if same_shape:
                    for old, new in zip(fw.data, fig.data, strict=True):
                        old.update(new.to_plotly_json(), overwrite=True)
                fw.layout.update(fig.layout.to_plotly_json(), overwrite=True)

    def _on_change(self, _change) -> None:
        """Debounce: within a running kernel, wait for a pause in the changes."""
        if self._quiet:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (scripts, tests): run at once
            self.update()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(config.UI_DEBOUNCE_S, self.update)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
