"""The sagas app: failure rates, crashes, messages, retries and idempotency on any saga."""

from __future__ import annotations

import ipywidgets as w

from .. import config
from ..ui.app import App
from . import api, examples, plots
from .model import Faults, Saga, SagaDefinitionError

ATTEMPT_CHOICES = [("as defined", 0), ("1 (no retry)", 1), ("2", 2), ("3", 3), ("5", 5), ("8", 8)]


class SagaApp(App):
    """Orchestration, choreography and 2PC on one saga, under the faults the controls set.

    Parameters
    ----------
    saga : Saga, optional
        The saga to run (default: the travel booking).
    **initial
        Starting values of the controls (``crash_p=0.05``).

    Returns
    -------
    SagaApp
        Display it in a notebook cell: a Gantt of one run, the outcomes, the
        CDFs of latency and inconsistency window, and their numbers in a table.
    """

    title = "Sagas: what does a failure cost, and who cleans up?"

    def __init__(self, saga: Saga | None = None, **initial):
        self.saga = examples.travel_booking() if saga is None else saga
        self._compared = None  # (saga and faults, their comparison), reused while only `run` moves
        if not isinstance(self.saga, Saga):
            raise SagaDefinitionError(f"saga must be a kit.sagas.Saga (got {type(saga).__name__})")
        super().__init__(**initial)

    def make_controls(self):
        names = [s.name for s in self.saga.steps]
        idem = [("as defined", "as defined"), ("no step", "none"), ("every step", "all")]
        idem += [(f"every step but {n}", n) for n in names]
        return {
            "mode": w.Dropdown(options=list(api.PROTOCOLS[:2]), value=self.saga.mode, description="timeline"),
            "idempotent": w.Dropdown(options=idem, value="as defined", description="idempotent"),
            "attempts": w.Dropdown(options=ATTEMPT_CHOICES, value=0, description="attempts per step"),
            "comp_fail_p": w.FloatSlider(
                value=0.05, min=0.0, max=0.5, step=0.01, description="P(compensation fails)"
            ),
            "dup_p": w.FloatSlider(
                value=0.02, min=0.0, max=0.3, step=0.01, description="P(message duplicated)"
            ),
            "loss_p": w.FloatSlider(value=0.01, min=0.0, max=0.3, step=0.01, description="P(message lost)"),
            "crash_p": w.FloatSlider(
                value=0.02, min=0.0, max=0.3, step=0.01, description="P(crash) per attempt"
            ),
            "fail_scale": w.FloatSlider(
                value=1.0, min=0.0, max=5.0, step=0.1, description="step failure rates ×"
            ),
            "run": w.IntSlider(
                value=0, min=0, max=config.SAGAS_TRACE_RUNS - 1, description="timeline of run #"
            ),
        }

    def compute(self, mode, idempotent, attempts, comp_fail_p, dup_p, loss_p, crash_p, fail_scale, run):
        saga = self.saga.scaled(fail_scale)
        if attempts:
            saga = saga.replace(retry=attempts)
        if idempotent in ("all", "none"):
            saga = saga.replace(idempotent=idempotent == "all")
        elif idempotent != "as defined":
            saga = saga.replace(idempotent=True).replace(only=idempotent, idempotent=False)
        share = config.SAGAS_APP_PERMANENT_SHARE
        faults = Faults(
            crash_p=crash_p,
            loss_p=loss_p,
            dup_p=dup_p,
            comp_fail_p=comp_fail_p * (1.0 - share),
            comp_permanent_p=comp_fail_p * share,
        )
        key = (saga, faults)
        if self._compared is None or self._compared[0] != key:  # the run slider needs no new runs
            compared = api.compare(saga, config.SAGAS_APP_RUNS, config.SEED, faults)
            self._compared = (key, compared, api.summary(compared))
        _, compared, table = self._compared
        events = api.trace(saga, run + 1, config.SEED, faults, mode=mode)
        outcome = str(compared.outcome[(compared.protocol == mode)].iloc[run])
        return compared, table, events, run, outcome

    def figures(self, computed):
        compared, table, events, run, outcome = computed
        by_protocol = {p: compared[compared.protocol == p] for p in api.PROTOCOLS}
        return [
            plots.gantt(events, run, outcome),
            plots.outcomes(by_protocol),
            plots.summary(table),
            plots.cdf(compared, "latency_ms"),
            plots.cdf(compared, "inconsistency_ms"),
        ]
