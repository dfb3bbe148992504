"""06 reliability: timeouts, retries, backoff and jitter, metastable failure, breakers, availability, SLOs.

Concepts, one module each, all on the queueing core (``kit.queueing``):

- :mod:`~kit.reliability.backoff`: Brooker's backoff-and-jitter race (AWS Architecture Blog, 2015).
- :mod:`~kit.reliability.storms`: retry storms and metastable failure (Bronson et al., HotOS '21).
- :mod:`~kit.reliability.resilience`: circuit breakers, fallbacks and bulkheads.
- :mod:`~kit.reliability.health`: health checks, time to detect, readiness vs liveness.
- :mod:`~kit.reliability.availability`: series/parallel/k-of-n, nines, SLOs and burn-rate alerts.
"""

from .. import queueing
from . import exercises, plots
from .app import AvailabilityApp, BackoffApp, BreakerApp, StormApp
from .availability import (
    WORKBOOK_RULES,
    BurnRule,
    Component,
    KOfN,
    Parallel,
    Series,
    availability,
    burn_rate_for,
    designs,
    detection_time_min,
    downtime_min,
    downtime_table,
    error_budget_min,
    evaluate_alerts,
    from_mtbf,
    incident,
    multi_az,
    nines,
    simulate_availability,
)
from .availability import warm as _warm_availability
from .backoff import BROOKER_2015, STRATEGIES, BackoffResult, backoff_experiment, backoff_sweep, sleeps
from .backoff import warm as _warm_backoff
from .health import PROBES, Probe, detection, stall_outcome
from .health import warm as _warm_health
from .resilience import BREAKER_CHOICES, breaker_comparison, breaker_demo, bulkhead_demo
from .resilience import warm as _warm_resilience
from .storms import RETRY_POLICIES, StormResult, drain_s, phase_diagram, retry_storm, sustained_load
from .storms import warm as _warm_storms

BREAKERS = queueing.BREAKERS  # the breaker presets (resilience4j, Hystrix, Polly), from the queueing core


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic and of the queueing core."""
    for step in (
        queueing.warm,
        _warm_backoff,
        _warm_storms,
        _warm_resilience,
        _warm_health,
        _warm_availability,
    ):
        step()


__all__ = [
    "BREAKERS",
    "BREAKER_CHOICES",
    "BROOKER_2015",
    "PROBES",
    "RETRY_POLICIES",
    "STRATEGIES",
    "WORKBOOK_RULES",
    "AvailabilityApp",
    "BackoffApp",
    "BackoffResult",
    "BreakerApp",
    "BurnRule",
    "Component",
    "KOfN",
    "Parallel",
    "Probe",
    "Series",
    "StormApp",
    "StormResult",
    "availability",
    "backoff_experiment",
    "backoff_sweep",
    "breaker_comparison",
    "breaker_demo",
    "bulkhead_demo",
    "burn_rate_for",
    "designs",
    "detection",
    "detection_time_min",
    "downtime_min",
    "downtime_table",
    "drain_s",
    "error_budget_min",
    "evaluate_alerts",
    "exercises",
    "from_mtbf",
    "incident",
    "multi_az",
    "nines",
    "phase_diagram",
    "plots",
    "retry_storm",
    "simulate_availability",
    "sleeps",
    "stall_outcome",
    "sustained_load",
    "warm",
]
