"""The sagas app: failure rates, crashes, messages, retries and idempotency on any saga."""

from __future__ import annotations

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, examples, plots
from .model import Faults, Saga, SagaDefinitionError

ATTEMPTS = {"as defined": 0, "1 (no retry)": 1, "2": 2, "3": 3, "5": 5, "8": 8}
FAULTS = {  # control -> (label, why its slider ends where it does)
    "comp_fail_p": ("P(compensation fails)", "beyond it nearly every compensated saga needs a person"),
    "dup_p": ("P(message duplicated)", "beyond it most messages arrive twice"),
    "loss_p": ("P(message lost)", "beyond it most runs are dominated by resends"),
    "crash_p": ("P(crash) per attempt", "beyond it a run of a dozen attempts nearly always crashes"),
}


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
        Display it in a notebook cell: a Gantt of one run, the outcomes, how
        far the medians moved from the starting settings, the numbers in a
        table, and the CDFs of latency and inconsistency window.
    """

    title = "Sagas: what does a failure cost, and who cleans up?"
    cache_results = True  # compute reads the controls and the saga, fixed per app

    def __init__(self, saga: Saga | None = None, **initial):
        self.saga = examples.travel_booking() if saga is None else saga
        if not isinstance(self.saga, Saga):
            raise SagaDefinitionError(f"saga must be a kit.sagas.Saga (got {type(saga).__name__})")
        self._start = None  # the (saga, faults) of the first update: what "moved" compares with
        super().__init__(**initial)

    def make_controls(self):
        names = [s.name for s in self.saga.steps]
        idem = {"as defined": "as defined", "no step": "none", "every step": "all"}
        idem |= {f"every step but {n}": n for n in names}
        faults = {
            name: controls.float_slider(
                label,
                config.SAGAS_APP_FAULTS[name],
                0.0,
                config.SAGAS_APP_FAULT_MAX[name],
                0.01,
                why=f"The slider stops at {config.SAGAS_APP_FAULT_MAX[name]:g}: {why}; "
                "sagas.Faults takes any probability below 1",
            )
            for name, (label, why) in FAULTS.items()
        }
        return {
            "mode": controls.dropdown("timeline", list(api.PROTOCOLS[:2]), value=self.saga.mode),
            "idempotent": controls.dropdown("idempotent", idem),
            "attempts": controls.dropdown("attempts per step", ATTEMPTS),
            **faults,
            "fail_scale": controls.float_slider(
                "step failure rates ×",
                1.0,
                0.0,
                config.SAGAS_APP_FAIL_SCALE_MAX,
                0.1,
                why=f"Up to {config.SAGAS_APP_FAIL_SCALE_MAX:g} times the saga's own rates; "
                "Saga.scaled takes up to 100",
            ),
            "run": controls.int_slider(
                "timeline of run #",
                0,
                0,
                config.SAGAS_TRACE_RUNS - 1,
                why=f"A simulation keeps the timelines of its first {config.SAGAS_TRACE_RUNS} runs",
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
        if comp_fail_p:
            self.note(
                "comp_fail_p",
                f"{1 - share:.0%} of these failures are transient (retried), {share:.0%} for good (stuck).",
            )
        self._start = self._start or (saga, faults)
        events = api.trace(saga, run + 1, config.SEED, faults, mode=mode)
        return (saga, faults), events, run, mode

    def _compared(self, saga, faults):
        """The three protocols' runs and their summary, kept while only `mode` and `run` move."""

        def make():
            compared = api.compare(saga, config.SAGAS_APP_RUNS, config.SEED, faults)
            return compared, api.summary(compared)

        return self.memo(("compare", saga, faults), make)

    def _statistics(self, setting):
        """The figures of all runs (outcomes, medians moved, table, CDFs): they ignore `mode` and `run`."""

        def make():
            compared, table = self._compared(*setting)
            by_protocol = {p: compared[compared.protocol == p] for p in api.PROTOCOLS}
            return [
                plots.outcomes(by_protocol),
                plots.moved(table, self._compared(*self._start)[1]),
                plots.summary(table),
                plots.cdf(compared, "latency_ms"),
                plots.cdf(compared, "inconsistency_ms"),
            ]

        return self.memo(("figures", *setting), make)

    def figures(self, computed):
        setting, events, run, mode = computed
        compared = self._compared(*setting)[0]
        outcome = str(compared.outcome[compared.protocol == mode].iloc[run])
        return [plots.gantt(events, run, outcome), *self._statistics(setting)]
