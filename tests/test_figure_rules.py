"""Every app's figures follow the figure rules at its defaults and at the extremes of every control.

The rules are :func:`kit.ui.rules.problems` (legend beside or below and not
crowded, axis titles with units, full log-axis labels, no look-alike series,
no colliding labels, no NaN in JSON, no empty figure without a reason, the
cell's width). A topic whose figures are not yet built with ``kit.ui.figures``
is listed in ``PENDING`` and skipped with the reason shown; its owner removes
it from the set when converting it.
"""

import numpy as np
import pytest

import kit  # noqa: F401  (registers every topic's apps)
from kit.ui import controls, rules
from kit.ui.app import App

PENDING: dict[str, str] = {}  # topics whose figures are not built with kit.ui.figures yet: skipped, visibly
APPS = [cls for cls in App.registry if cls.__module__.startswith("kit.")]


def topic(cls) -> str:
    return cls.__module__.split(".")[1]


def broken(app, setting: str) -> list[str]:
    return [f"{setting}: {p}" for fig in app.figures_shown for p in rules.problems(fig)]


@pytest.mark.parametrize("cls", APPS, ids=lambda c: c.__name__)
def test_figures_follow_the_rules_at_every_setting(cls):
    if topic(cls) in PENDING:
        pytest.skip(f"{topic(cls)} PENDING, figures not built with kit.ui.figures yet: {PENDING[topic(cls)]}")
    app = cls()
    found = broken(app, "defaults")
    for name, control in app.controls.items():
        start = control.value
        for value in controls.extremes(control):
            if not np.array_equal(value, control.value):
                control.value = value
                found += broken(app, f"{name}={value!r}")
        control.value = start
    assert not found, "\n".join(found)


def test_pending_names_only_topics_that_exist():
    assert set(PENDING) <= {topic(cls) for cls in APPS}
