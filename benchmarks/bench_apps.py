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

The wall time is what the learner waits; run the benchmark on an idle
machine. Each update is also measured in CPU seconds of this process (all
threads): on a shared machine it stays near what an idle machine's wall time
would be for a serial update, and above the wall time where kernels run on
several cores at once (``prange`` kernels, ``kit.core.threads``).

An app has no peer library a learner would pick instead, so the peer
column is the goal: the ratio is goal / ours, above 1 within it.
"""

import statistics
import time

import numpy as np

import kit  # noqa: F401  (registers every topic's apps)
from kit.ui import controls
from kit.ui.app import App

from .common import Row

GOAL_S = {"median": 0.100, "worst": 0.300}  # issue 20, at default sizes


def drive(cls) -> dict[str, list[float]]:
    """Update times (s), wall and CPU, of one app: each control to each of its extremes, then back."""
    app = cls()
    app.cache_results = False  # every setting computed afresh
    times = {"wall": [], "cpu": []}

    def move(control, value):
        wall, cpu = time.perf_counter(), time.process_time()
        control.value = value
        times["wall"].append(time.perf_counter() - wall)
        times["cpu"].append(time.process_time() - cpu)

    for control in app.controls.values():
        start_value = control.value
        for value in controls.extremes(control):
            if not np.array_equal(value, control.value):
                move(control, value)
        if not np.array_equal(start_value, control.value):
            move(control, start_value)
    return times


def run() -> list[Row]:
    rows = []
    for cls in [cls for cls in App.registry if cls.__module__.startswith("kit.")]:
        cls()  # warm-up: numba caches load, plotly validators build
        times = drive(cls)
        for kind in ("wall", "cpu"):
            for stat, fn in (("median", statistics.median), ("worst", max)):
                label = f"{cls.__name__}: {stat} {kind} of {len(times[kind])} updates"
                goal = GOAL_S[stat]
                rows.append(Row(label, fn(times[kind]), f"goal {goal * 1e3:.0f} ms", goal))
    return rows
