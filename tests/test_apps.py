"""Drive every App of the kit across its controls' ranges, extremes included."""

import numpy as np
import plotly.graph_objects as go
import pytest

import kit
from kit.ui import controls, theme
from kit.ui.app import App

APPS = [cls for cls in App.registry if cls.__module__.startswith("kit.")]


def test_every_topic_has_an_app():
    assert {cls.__module__.split(".")[1] for cls in APPS} >= {
        t.__name__.split(".")[1] for t in kit.TOPICS.values()
    }


@pytest.mark.parametrize("cls", APPS, ids=lambda c: c.__name__)
def test_every_slider_says_why_its_range_ends_there(cls):
    """A typed value outside a slider's range is clamped with a note; the note needs the reason."""
    app = cls()
    bare = [
        name
        for name, c in app.controls.items()
        if isinstance(c, controls.SLIDERS) and not getattr(c, "limits_why", "").strip()
    ]
    assert not bare, f"sliders without a reason for their range (controls.*(..., why=...)): {bare}"


@pytest.mark.parametrize("cls", APPS, ids=lambda c: c.__name__)
def test_controls_across_their_ranges(cls):
    app = cls()
    assert app.last_error is None, app.last_error
    assert app.figures_shown, "an app shows at least one figure"
    for name, control in app.controls.items():
        start = control.value
        for value in controls.extremes(control):
            control.value = value
            assert app.last_error is None or not app.last_error.startswith("Something went wrong"), (
                f"{cls.__name__}.{name}={value!r}: {app.last_error}"
            )
        control.value = start
    for button in app.buttons:
        for _ in range(3):
            button.click()
            assert app.last_error is None or not app.last_error.startswith("Something went wrong")


def same_drawing(a, b) -> bool:
    """Whether two plotly specs (``fig.to_plotly_json()``) draw the same thing.

    Arrays compare by value with NaN equal to NaN: a gap drawn twice is the
    same gap. (``==`` on the specs is False whenever they hold a NaN, so a
    control that changes nothing would pass as one that changes a figure.)
    """
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(same_drawing(a[k], b[k]) for k in a)
        )
    if isinstance(a, (list, tuple, np.ndarray)) or isinstance(b, (list, tuple, np.ndarray)):
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype.kind in "biuf" and y.dtype.kind in "biuf":
            return np.array_equal(x, y, equal_nan=True)
        return (
            isinstance(a, (list, tuple, np.ndarray))
            and isinstance(b, (list, tuple, np.ndarray))
            and len(a) == len(b)
            and all(same_drawing(u, v) for u, v in zip(a, b, strict=True))
        )
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return bool(a == b)


def drawn(app) -> list[dict]:
    """What the app's figures draw, as plotly specs (one list, so a figure added or removed counts)."""
    return [fig.to_plotly_json() for fig in app.figures_shown]


def controls_that_change_nothing(app) -> list[str]:
    """The controls that, moved from the defaults (the others at theirs), change no figure."""
    idle = []
    for name, control in app.controls.items():
        start, before = control.value, drawn(app)
        changed = False
        for value in [v for v in controls.extremes(control) if not np.array_equal(v, start)]:
            control.value = value  # a value the model refuses (a banner) changes nothing: try the next
            if app.last_error is None and not same_drawing(drawn(app), before):
                changed = True
                break
        control.value = start
        if not changed:
            idle.append(name)
    return idle


@pytest.mark.parametrize("cls", APPS, ids=lambda c: c.__name__)
def test_every_control_changes_a_figure(cls):
    """Each control, moved from the defaults (the others back at theirs), can change what is drawn."""
    idle = controls_that_change_nothing(cls())
    assert not idle, f"{cls.__name__}: moving {', '.join(idle)} changed no figure"


class Gappy(App):
    """A planted app: its figure has a gap (NaN), and its control "ignored" changes nothing."""

    def make_controls(self):
        return {
            "n": controls.int_slider("n", 2, 1, 5),
            "ignored": controls.dropdown("ignored", ["a", "b"]),
        }

    def compute(self, n, ignored):
        return n

    def figures(self, n):
        gap = float("nan")  # a new NaN each time, as a computed value is
        return [theme.figure(title=f"n={n}").add_scatter(x=np.arange(3), y=[n, gap, 2 * n])]


def test_a_control_that_changes_nothing_is_found_even_in_a_figure_with_nan():
    assert controls_that_change_nothing(Gappy()) == ["ignored"]


def test_same_drawing_treats_nan_as_a_gap_and_sees_any_change():
    app = Gappy()
    fig, spec = app.figures_shown[0], app.figures_shown[0].to_plotly_json()
    again = app.figures(2)[0].to_plotly_json()
    assert spec != again  # why == cannot be used: NaN != NaN
    assert same_drawing(spec, again)
    moved = go.Figure(fig).update_traces(y=[2, np.nan, 5]).to_plotly_json()
    renamed = go.Figure(fig).update_layout(title="n=3").to_plotly_json()
    assert not same_drawing(spec, moved) and not same_drawing(spec, renamed)
    assert not same_drawing({"y": [1.0, np.nan]}, {"y": [1.0, 2.0]})
    assert not same_drawing({"y": [1.0]}, {"y": [1.0], "x": [0]})
