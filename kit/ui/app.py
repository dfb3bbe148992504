"""The App base: controls -> api -> figures, with the care a learner needs.

A topic's app subclasses :class:`App` and writes three small methods, none
holding logic a test would want to call directly:

``make_controls()``
    ``{name: widget}``; names are the keyword arguments of ``compute``.
    Build them with :mod:`kit.ui.controls` (``int_slider``, ``log_slider``,
    ``dropdown``...), defaults from ``kit.config``.
``compute(**values)``
    calls the topic's api and returns its result. A ``ValueError`` (bad
    input) appears in the banner as its message; the figures keep the last
    good result. Where the app changes or limits what the learner asked for,
    it says so beside the control: ``self.note("R", "R capped at N = 3: a
    read quorum cannot exceed the replicas.")``. Long work may call
    ``self.report(fraction)``; work that only some controls change may be
    kept with ``self.memo(key, make)``.
``figures(result)``
    a list of plotly figures from the topic's ``plots`` module.
``make_actions()`` (optional)
    ``{label: method}`` shown as buttons (e.g. "add node"); a click calls
    the method, which changes controls or state, then the app updates.

Set ``cache_results = True`` on an app whose ``compute`` reads nothing but
its controls: a setting seen before then redraws without recomputing.

The base lays the controls out on top (wrapping columns) and the figures
below at the cell's full width; replaces each slider's readout by a text box
whose typed value it clamps to the slider's range *and says so* (a short
note under the control, see :func:`kit.ui.controls.accept`); makes sliders
update on release (``continuous_update=False``); debounces bursts of
changes; shows a progress bar only past ``config.UI_PROGRESS_AFTER_S``; and
never lets an exception escape into the notebook as a traceback. Figures
built during an update skip plotly's validation
(:func:`kit.ui.theme.unchecked_figures`); the figure-rules test checks them
against it.

Each figure is drawn by plotly's own renderer in an ``Output`` of its own,
re-sent only when its spec changed. Not ``go.FigureWidget``: since plotly 6
(anywidget) several FigureWidgets shown together draw only the last one's
data (seen in JupyterLab 4 with plotly 7.1; plotly.py issues 4933 and 4998),
and a FigureWidget is drawn 700 px wide whatever the cell's width.
"""

from __future__ import annotations

import asyncio
import gc
import html
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import ClassVar

import ipywidgets as w
import plotly.graph_objects as go
import plotly.io as pio
import traitlets

from .. import config
from . import controls as ctl
from . import theme

_BANNER_STYLE = (
    "padding:6px 10px;border-left:4px solid #D55E00;background:#FDF0E8;"
    "color:#222;font-size:13px;line-height:1.4"
)
PLOTLY_MIME = "application/vnd.plotly.v1+json"
_NOTE_STYLE = "color:#8A3B00;font-size:12px;line-height:1.3;white-space:normal"
UPDATING = "updating…"  # the status while a change waits for its update: the change was received
CELL_WIDTH = "340px"  # one control with its typed-value box and its note


def sentence(message: str) -> str:
    """``message`` ending as a sentence ends (banners and notes are read, not parsed).

    Parameters
    ----------
    message : str
        An error or note text.

    Returns
    -------
    str
        The text, stripped, with a final full stop if it had no final punctuation.
    """
    message = message.strip()
    return message if not message or message[-1] in ".!?" else message + "."


def _display_data(spec: str, fig: go.Figure) -> dict:
    """An output showing ``fig`` with plotly's own renderer, at the output's full width."""
    data = json.loads(spec)  # numpy arrays travel as plotly's base64 typed arrays, NaN as gaps
    data["config"] = {"responsive": True, "displaylogo": False}
    title = fig.layout.title.text or "figure"
    return {"output_type": "display_data", "data": {PLOTLY_MIME: data, "text/plain": title}, "metadata": {}}


def _freeze_what_is_loaded() -> None:
    """Once per process: keep the objects alive now (modules, plotly's validators) out of collections.

    A full collection scans every tracked object, about 200,000 once plotly, pandas
    and numba are loaded: 100 ms or more in whichever update triggers it. Frozen objects
    are never scanned again (``gc.freeze``); what becomes garbage later is collected as before.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


class App:
    """Base of every interactive lab; see the module docstring."""

    registry: ClassVar[list[type[App]]] = []  # every concrete app, for tests and docs
    title: ClassVar[str] = ""
    cache_results: ClassVar[bool] = False  # True: compute depends on the controls alone

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        App.registry.append(cls)

    def __init__(self, **initial):
        _freeze_what_is_loaded()
        self.controls: dict[str, w.ValueWidget] = self.make_controls()
        self.banner = w.HTML(layout=w.Layout(display="none"))
        self.status = w.HTML()
        self.status.add_class("kit-status")
        self.progress_bar = w.FloatProgress(
            min=0.0, max=1.0, description="Working", layout=w.Layout(display="none")
        )
        self.last_error: str | None = None
        self.last_update_ms: float | None = None
        self.result = None
        self.figures_shown: list[go.Figure] = []  # what the learner sees now
        self._outputs: list[w.Output] = []
        self._specs: list[str] = []
        self._pending = None
        self._quiet = False
        self._echoing = False
        self._started = 0.0
        self._cache: OrderedDict = OrderedDict()  # control values -> (result, figures)
        self._memo: OrderedDict = OrderedDict()  # self.memo's keys -> values
        self._typed_notes: dict[str, str] = {}  # what the app did with a typed value, until it moves again
        self._notes: dict[str, str] = {}  # compute's notes for this update
        self.entries: dict[str, w.Text] = {}
        self.note_labels = {name: w.HTML(layout=w.Layout(display="none")) for name in self.controls}
        self.figure_box = w.VBox(layout=w.Layout(width="100%"))
        self.buttons = [self._button(label, action) for label, action in self.make_actions().items()]
        cells = [self._cell(name, control) for name, control in self.controls.items()]
        panel = w.HBox(
            [*cells, *self.buttons],
            layout=w.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="4px 24px"),
        )
        header = [w.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        self.widget = w.VBox(
            [*header, panel, self.status, self.banner, self.progress_bar, self.figure_box],
            layout=w.Layout(width="100%"),
        )
        self.widget.add_class("kit-app")
        self._quiet = True  # initial values: one update, after all are set
        try:
            for name, value in initial.items():
                self._set_initial(name, value)
        finally:
            self._quiet = False
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

    # --- for subclasses ------------------------------------------------------------
    def note(self, control: str, text: str) -> None:
        """Show ``text`` under ``control`` for this update (call from ``compute`` or ``figures``).

        Parameters
        ----------
        control : str
            A name from ``make_controls``.
        text : str
            What the app changed or limited and why, as full sentences.

        Returns
        -------
        None
        """
        if control not in self.controls:
            raise ValueError(f"control must be one of {', '.join(self.controls)} (got control={control!r})")
        self._notes[control] = sentence(text)

    def memo(self, key, make: Callable[[], object]):
        """``make()``, computed once per ``key`` and kept (the newest ``config.UI_CACHE_SIZE``).

        For work that only some controls change: ``self.memo(("sim", k, p), lambda: api.simulate(...))``
        lets the other controls redraw without redoing it.

        Parameters
        ----------
        key : hashable
            What the result depends on.
        make : callable
            Computes the result.

        Returns
        -------
        object
            ``make()``'s result, new or kept.
        """
        return self._lookup(self._memo, key, make)

    def clear_cache(self) -> None:
        """Forget every kept result (``cache_results`` and ``memo``).

        Returns
        -------
        None
        """
        self._cache.clear()
        self._memo.clear()

    def report(self, fraction: float) -> None:
        """Progress of the current update, 0..1; shown once work exceeds ~1 s.

        Parameters
        ----------
        fraction : float
            Share of the work done.

        Returns
        -------
        None
        """
        if time.perf_counter() - self._started >= config.UI_PROGRESS_AFTER_S:
            self.progress_bar.layout.display = None
            self.progress_bar.value = min(max(float(fraction), 0.0), 1.0)

    # --- machinery -----------------------------------------------------------------
    def values(self) -> dict:
        """The controls' current values, by name.

        Returns
        -------
        dict
        """
        return {name: c.value for name, c in self.controls.items()}

    def update(self) -> None:
        """Run compute and redraw now; errors go to the banner, notes beside their controls.

        Returns
        -------
        None
        """
        self._pending = None
        self._started = time.perf_counter()
        self._notes = {}
        try:
            ok, (result, figures) = self._guarded(self._compute_and_plot)
            if ok:
                self.result = result
                ok = self._guarded(lambda: self._draw(figures))[0]
        finally:
            self.progress_bar.layout.display = "none"
            self._show_notes()
        if not ok:
            self._show_status("")  # the banner says why
            return
        self.last_error = None
        self.banner.layout.display = "none"
        self.last_update_ms = (time.perf_counter() - self._started) * 1e3
        self._show_status(f"updated in {self.last_update_ms:.0f} ms")

    def _show_status(self, text: str) -> None:
        self.status.value = f"<small style='color:#666'>{text}</small>" if text else ""

    def _compute_and_plot(self):
        values = self.values()
        with theme.unchecked_figures():  # the figure-rules test checks them against plotly's validator
            if not self.cache_results:
                result = self.compute(**values)
                return result, self.figures(result)
            key = tuple((name, tuple(v) if isinstance(v, list) else v) for name, v in values.items())
            result, figures, notes = self._lookup(self._cache, key, lambda: self._fresh(values))
        self._notes = dict(notes)
        return result, figures

    def _fresh(self, values):
        result = self.compute(**values)
        return result, self.figures(result), dict(self._notes)

    @staticmethod
    def _lookup(store: OrderedDict, key, make):
        try:
            hash(key)
        except TypeError:
            return make()
        if key in store:
            store.move_to_end(key)
            return store[key]
        value = store[key] = make()
        while len(store) > config.UI_CACHE_SIZE:
            store.popitem(last=False)
        return value

    def _cell(self, name: str, control: w.ValueWidget) -> w.VBox:
        """The control, its typed-value box (sliders) and its note, in one column."""
        control.observe(self._on_change, names="value")
        control.style.description_width = "initial"
        if control.has_trait("continuous_update"):  # every app simulates: run on release
            control.continuous_update = False
        row = control
        if isinstance(control, ctl.SLIDERS):
            control.readout = False  # the browser would clamp typed values silently: ours says so
            entry = w.Text(
                value=ctl.shown(control),
                continuous_update=False,
                layout=w.Layout(width="120px" if isinstance(control, ctl.RANGES) else "80px"),
            )
            entry.add_class("kit-entry")
            if isinstance(control, ctl.RANGES):
                entry.add_class("kit-range")
            entry.observe(lambda change: self._echoing or self._typed(name, change.new), names="value")
            self.entries[name] = entry
            control.layout.width = "250px" if isinstance(control, ctl.RANGES) else "255px"
            row = w.HBox([control, entry], layout=w.Layout(align_items="center"))
        else:
            control.layout.width = CELL_WIDTH
        cell = w.VBox([row, self.note_labels[name]], layout=w.Layout(width=CELL_WIDTH))
        cell.add_class("kit-control")
        return cell

    def _set_initial(self, name: str, value) -> None:
        if name not in self.controls:
            raise ValueError(f"{name} is not a control of {type(self).__name__}")
        control = self.controls[name]
        if isinstance(control, ctl.SLIDERS):
            self._typed(name, value)
            return
        try:
            control.value = value
        except traitlets.TraitError:
            options = ", ".join(repr(v) for v in ctl.extremes(control))
            raise ValueError(f"{name} must be one of {options} (got {name}={value!r})") from None

    def _typed(self, name: str, typed) -> None:
        """A value typed into (or passed for) a slider: accept it, clamped, and say what changed."""
        control = self.controls[name]
        value, note = ctl.accept(control, typed)
        self._echo(name, ctl.shown(control) if value is None else ctl.shown(control, value))
        if value is not None and value != control.value:
            control.value = value  # updates, and clears the note of the last value
        self._typed_notes[name] = note
        self._show_notes()

    def _echo(self, name: str, text: str) -> None:
        """Show ``text`` in a slider's box without reading it back as typed."""
        self._echoing = True
        try:
            self.entries[name].value = text
        finally:
            self._echoing = False

    def _show_notes(self) -> None:
        for name, label in self.note_labels.items():
            text = " ".join(t for t in (self._typed_notes.get(name, ""), self._notes.get(name, "")) if t)
            label.value = f"<div style='{_NOTE_STYLE}'>{html.escape(text, quote=False)}</div>" if text else ""
            label.layout.display = None if text else "none"

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
        message = sentence(message)
        self.last_error = message
        if self.result is not None:
            message += " The figures still show the last valid result."
        self.banner.value = f"<div style='{_BANNER_STYLE}'>{html.escape(message)}</div>"
        self.banner.layout.display = None

    def _draw(self, figures: list[go.Figure]) -> None:
        """Show ``figures``, each in its own output; one whose spec is unchanged is not sent again."""
        specs = [pio.to_json(fig, validate=False) for fig in figures]
        if len(specs) != len(self._outputs):
            self._outputs = [w.Output(layout=w.Layout(width="100%")) for _ in specs]
            self.figure_box.children = self._outputs
            self._specs = [""] * len(specs)
        for output, fig, spec, old in zip(self._outputs, figures, specs, self._specs, strict=True):
            if spec != old:
                output.layout.min_height = f"{fig.layout.height or config.UI_FIGURE_HEIGHT}px"  # no jump
                output.outputs = (_display_data(spec, fig),)
        self._specs = specs
        self.figures_shown = list(figures)

    def _on_change(self, change) -> None:
        """A control moved: forget its typed-value note, echo it in its box, update (debounced)."""
        name = next((n for n, c in self.controls.items() if c is change.owner), None)
        if name in self.entries:
            self._typed_notes.pop(name, None)
            self._echo(name, ctl.shown(change.owner))
        if self._quiet:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (scripts, tests): run at once
            self.update()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._show_status(UPDATING)
        self._pending = loop.call_later(config.UI_DEBOUNCE_S, self.update)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
