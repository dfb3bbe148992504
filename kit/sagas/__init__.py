"""05 sagas: distributed transactions without 2PC (Garcia-Molina & Salem 1987)."""

from . import examples, exercises, plots
from .api import (
    COUNTERMEASURES,
    OUTCOMES,
    anomalies,
    compare,
    outcome_shares,
    simulate,
    simulate_2pc,
    simulate_outbox,
    theory_2pc_blocked_ms,
    theory_dual_write_half_done,
    theory_expected_attempts,
    theory_p_committed,
    theory_p_step,
    trace,
    warm,
)
from .app import SagaApp
from .model import KINDS, MODES, Faults, Retry, Saga, Step, parallel

__all__ = [
    "COUNTERMEASURES",
    "KINDS",
    "MODES",
    "OUTCOMES",
    "Faults",
    "Retry",
    "Saga",
    "SagaApp",
    "Step",
    "anomalies",
    "compare",
    "examples",
    "exercises",
    "outcome_shares",
    "parallel",
    "plots",
    "simulate",
    "simulate_2pc",
    "simulate_outbox",
    "theory_2pc_blocked_ms",
    "theory_dual_write_half_done",
    "theory_expected_attempts",
    "theory_p_committed",
    "theory_p_step",
    "trace",
    "warm",
]
