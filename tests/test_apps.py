"""Drive every App of the kit across its controls' ranges, extremes included."""

import ipywidgets as w
import numpy as np
import pytest

import kit
from kit.ui.app import App

APPS = [cls for cls in App.registry if cls.__module__.startswith("kit.")]


def values_to_try(control):
    """Extremes and a middle for sliders, every option for choices."""
    if isinstance(control, w.FloatLogSlider):
        return [control.base**control.min, control.base**control.max, control.value]
    if isinstance(control, (w.IntRangeSlider, w.FloatRangeSlider)):
        lo, hi = control.min, control.max
        return [(lo, lo), (hi, hi), (lo, hi)]
    if hasattr(control, "min") and hasattr(control, "max"):
        mid = (control.min + control.max) / 2
        return [control.min, control.max, int(mid) if isinstance(control.value, int) else mid]
    if hasattr(control, "options"):
        return (
            [v for _, v in control._options_full]
            if hasattr(control, "_options_full")
            else list(control.options)
        )
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    return [control.value]


def test_every_topic_has_an_app():
    assert {cls.__module__.split(".")[1] for cls in APPS} >= {
        t.__name__.split(".")[1] for t in kit.TOPICS.values()
    }


@pytest.mark.parametrize("cls", APPS, ids=lambda c: c.__name__)
def test_controls_across_their_ranges(cls):
    app = cls()
    assert app.last_error is None, app.last_error
    assert app.figure_widgets, "an app shows at least one figure"
    for name, control in app.controls.items():
        start = control.value
        for value in values_to_try(control):
            control.value = value
            assert app.last_error is None or not app.last_error.startswith("Something went wrong"), (
                f"{cls.__name__}.{name}={value!r}: {app.last_error}"
            )
        control.value = start
    for button in app.buttons:
        for _ in range(3):
            button.click()
            assert app.last_error is None or not app.last_error.startswith("Something went wrong")


@pytest.mark.parametrize("cls", APPS, ids=lambda c: c.__name__)
def test_every_control_changes_a_figure(cls):
    app = cls()
    for name, control in app.controls.items():
        before = [fw.to_plotly_json() for fw in app.figure_widgets]
        options = [v for v in values_to_try(control) if not np.array_equal(v, control.value)]
        control.value = options[0]
        after = [fw.to_plotly_json() for fw in app.figure_widgets]
        assert before != after, f"{cls.__name__}: moving {name} changed no figure"
