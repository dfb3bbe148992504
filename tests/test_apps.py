"""Drive every App of the kit across its controls' ranges, extremes included."""

import numpy as np
import pytest

import kit
from kit.ui import controls
from kit.ui.app import App

APPS = [cls for cls in App.registry if cls.__module__.startswith("kit.")]


def test_every_topic_has_an_app():
    assert {cls.__module__.split(".")[1] for cls in APPS} >= {
        t.__name__.split(".")[1] for t in kit.TOPICS.values()
    }


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


def shown(app) -> list[str]:
    """What the app's figures draw, as plotly specs."""
    return [fig.to_json() for fig in app.figures_shown]


@pytest.mark.parametrize("cls", APPS, ids=lambda c: c.__name__)
def test_every_control_changes_a_figure(cls):
    """Each control, moved from the defaults (the others back at theirs), can change what is drawn."""
    app = cls()
    for name, control in app.controls.items():
        start, before = control.value, shown(app)
        changed = False
        for value in [v for v in controls.extremes(control) if not np.array_equal(v, start)]:
            control.value = value  # a value the model refuses (a banner) changes nothing: try the next
            if app.last_error is None and shown(app) != before:
                changed = True
                break
        control.value = start
        assert changed, f"{cls.__name__}: moving {name} changed no figure"
