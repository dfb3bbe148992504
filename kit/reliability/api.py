"""The public surface of lab 06: timeouts, retries, backoff and jitter, metastable failure, breakers,
health checks, availability and SLOs.

Concepts, one module each, on the queueing topic's station (:mod:`kit.queueing`)
and the kit's client policies (:mod:`kit.core.policies`):

- :mod:`~kit.reliability.backoff`: Brooker's backoff-and-jitter race (AWS Architecture Blog, 2015).
- :mod:`~kit.reliability.storms`: retry storms and metastable failure (Bronson et al., HotOS '21).
- :mod:`~kit.reliability.resilience`: circuit breakers, fallbacks and bulkheads.
- :mod:`~kit.reliability.health`: health checks, time to detect, readiness vs liveness.
- :mod:`~kit.reliability.availability`: series/parallel/k-of-n, nines, SLOs and burn-rate alerts.
"""

from .. import queueing
from ..core.policies import BREAKERS
from . import availability as _availability
from . import backoff as _backoff
from . import health as _health
from . import resilience as _resilience
from . import storms as _storms
from .availability import (
    WORKBOOK_RULES,
    AvailabilityCheck,
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
from .backoff import BROOKER_2015, STRATEGIES, BackoffResult, backoff_experiment, backoff_sweep, sleeps
from .health import PROBES, DetectionResult, Probe, detection, stall_outcome
from .resilience import (
    BREAKER_CHOICES,
    BreakerResult,
    BreakerSettings,
    BulkheadResult,
    breaker_comparison,
    breaker_demo,
    bulkhead_demo,
)
from .storms import RETRY_POLICIES, StormResult, drain_s, phase_diagram, retry_storm, sustained_load


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic and of the queueing topic it runs on.

    Returns
    -------
    None
    """
    queueing.warm()
    for concept in (_backoff, _storms, _resilience, _health, _availability):
        concept.warm()


__all__ = [
    "BREAKERS",
    "BREAKER_CHOICES",
    "BROOKER_2015",
    "PROBES",
    "RETRY_POLICIES",
    "STRATEGIES",
    "WORKBOOK_RULES",
    "AvailabilityCheck",
    "BackoffResult",
    "BreakerResult",
    "BreakerSettings",
    "BulkheadResult",
    "BurnRule",
    "Component",
    "DetectionResult",
    "KOfN",
    "Parallel",
    "Probe",
    "Series",
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
    "from_mtbf",
    "incident",
    "multi_az",
    "nines",
    "phase_diagram",
    "retry_storm",
    "simulate_availability",
    "sleeps",
    "stall_outcome",
    "sustained_load",
    "warm",
]
