"""The public surface of the queueing topic: servers with queues, arrivals, client policies, theory.

Concepts, one module each:

- :mod:`~kit.queueing.station`: :func:`simulate`, c servers and a queue
  (FIFO, LIFO, priority) fed by Poisson arrivals with spikes and bursts,
  traces or closed-loop clients, service times from ``kit.core.rng``,
  degradations, client timeouts with or without cancellation, retries with
  backoff and a retry budget, circuit breakers; :class:`StationResult`.
- :mod:`~kit.queueing.replications`: :func:`simulate_mmc`, M/M/c replications against Erlang C.
- :mod:`~kit.queueing.theory`: M/M/1, M/M/c (Erlang B and C), waiting-time tails.
- ``Retry``, ``Breaker`` and their registries, from the kit's shared client
  policies (:mod:`kit.core.policies`; their numba functions are in
  :mod:`kit.core.policy_kernels`).

Other topics whose requests queue for servers (06 reliability, caching
stampedes, scaling out) run on :func:`simulate`.
"""

from ..core import policies
from ..core.policies import BACKOFFS, BREAKERS, STATES, Breaker, Retry, breaker_trace
from ..core.rng import Exponential
from .replications import MMcResult, simulate_mmc
from .station import (
    CANCEL,
    DISCIPLINES,
    ERROR,
    OK,
    PENDING,
    REJECTED,
    SHORT_CIRCUITED,
    STATUS,
    TIMED_OUT,
    ClosedLoop,
    Degradation,
    Poisson,
    StationResult,
    StationSettings,
    Trace,
    check_size,
    simulate,
)
from .theory import QueueTheory, erlang_b, erlang_c, mm1, mmc, overload_growth, servers_for_wait


def warm() -> None:
    """Compile (or load from cache) every kernel of the queueing topic with its real argument types.

    Returns
    -------
    None
    """
    simulate_mmc(1.0, 2.0, 1, 50, seed=0, replications=2)
    simulate(
        [Poisson(5.0, spikes=[(0.5, 0.5, 9.0)]), Trace([0.1, 0.2]), ClosedLoop(2, Exponential(0.1))],
        Exponential(0.05),
        2,
        timeout_s=0.2,
        retry=Retry(2, "full_jitter", 0.01, 0.1, budget_ratio=0.1),
        breaker=BREAKERS["hystrix"],
        degradations=[Degradation(0.5, 1.0, 3.0, 0.2)],
        horizon_s=2.0,
        seed=0,
    )
    policies.breaker_trace(BREAKERS["resilience4j"], [0.0], [0.1], [1.0])


__all__ = [
    "BACKOFFS",
    "BREAKERS",
    "CANCEL",
    "DISCIPLINES",
    "ERROR",
    "OK",
    "PENDING",
    "REJECTED",
    "SHORT_CIRCUITED",
    "STATES",
    "STATUS",
    "TIMED_OUT",
    "Breaker",
    "ClosedLoop",
    "Degradation",
    "MMcResult",
    "Poisson",
    "QueueTheory",
    "Retry",
    "StationResult",
    "StationSettings",
    "Trace",
    "breaker_trace",
    "check_size",
    "erlang_b",
    "erlang_c",
    "mm1",
    "mmc",
    "overload_growth",
    "servers_for_wait",
    "simulate",
    "simulate_mmc",
    "warm",
]
