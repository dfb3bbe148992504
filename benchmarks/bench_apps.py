"""Every app's update time, as a learner meets it: defaults, then each control moved.

Scenario: for every ``App`` of the kit, open it at its defaults, then move
each control in turn to the values ``kit.ui.controls.extremes`` gives (its
ends and middle, every option of a menu) and back. Each update is timed from
the value change to the figures redrawn (compute + figures + in-place
widget update), with the cache of whole updates off (``cache_results``), so
the numbers are what a new setting costs; what an app keeps with
``App.memo`` (work the moved control does not change) it keeps, as it does
for a learner. The goal (issue 20): median under 100 ms, every
update under 300 ms at default sizes.

The peer column is the previous run of this benchmark on this machine
(``build/bench_apps.json``, rewritten at the end), so a change shows as a
ratio; the first run has none.
"""

import json
import statistics
import time
from pathlib import Path

import numpy as np

import kit  # noqa: F401  (registers every topic's apps)
from kit.ui import controls
from kit.ui.app import App

from .common import Row

PREVIOUS = Path(__file__).resolve().parents[1] / "build" / "bench_apps.json"


def drive(cls) -> list[float]:
    """Update times (s) of one app: each control to each of its extremes, then back."""
    app = cls()
    app.cache_results = False  # every setting computed afresh
    times = []

    def move(control, value):
        start = time.perf_counter()
        control.value = value
        times.append(time.perf_counter() - start)

    for control in app.controls.values():
        start_value = control.value
        for value in controls.extremes(control):
            if not np.array_equal(value, control.value):
                move(control, value)
        if not np.array_equal(start_value, control.value):
            move(control, start_value)
    return times


def run() -> list[Row]:
    apps = [cls for cls in App.registry if cls.__module__.startswith("kit.")]
    previous = json.loads(PREVIOUS.read_text()) if PREVIOUS.exists() else {}
    now, rows = {}, []
    for cls in apps:
        cls()  # warm-up: numba caches load, plotly validators build
        times = drive(cls)
        now[cls.__name__] = {"median": statistics.median(times), "worst": max(times), "updates": len(times)}
        for stat in ("median", "worst"):
            before = previous.get(cls.__name__, {}).get(stat, float("nan"))
            label = f"{cls.__name__}: {stat} of {len(times)} updates"
            rows.append(Row(label, now[cls.__name__][stat], "previous run", before))
    PREVIOUS.parent.mkdir(exist_ok=True)
    PREVIOUS.write_text(json.dumps(now, indent=1))
    return rows
