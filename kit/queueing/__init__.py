"""The discrete-event core: servers with queues, arrivals, client policies, and the theory beside them.

A supporting package: ``kit.reliability`` (notebook 06) runs its labs on
it, and any topic that needs requests queueing for servers can too.

- :func:`simulate`: c servers and a queue (FIFO, LIFO, priority), Poisson
  arrivals with spikes and bursts, traces, closed-loop clients, service
  times from ``kit.core.rng``, degradations, client timeouts with or without
  cancellation, retries with backoff and a retry budget, circuit breakers.
- :func:`simulate_mmc`: M/M/c replications against Erlang C.
- :mod:`~kit.queueing.theory`: M/M/1, M/M/c (Erlang B and C), waiting-time tails.
- :mod:`~kit.queueing.policies`: ``Retry``, ``Breaker`` and their registries.
- The numba pieces for other kernels: ``_kernels.station``,
  ``_policies.backoff_sleep`` and the ``breaker_*`` functions.
"""

from . import plots, policies, theory
from .api import (
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
    MMcResult,
    Poisson,
    StationResult,
    Trace,
    simulate,
    simulate_mmc,
    warm,
)
from .app import QueueApp
from .policies import BACKOFFS, BREAKERS, STATES, Breaker, Retry, breaker_trace
from .theory import QueueTheory, erlang_b, erlang_c, mm1, mmc, servers_for_wait

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
    "QueueApp",
    "QueueTheory",
    "Retry",
    "StationResult",
    "Trace",
    "breaker_trace",
    "erlang_b",
    "erlang_c",
    "mm1",
    "mmc",
    "plots",
    "policies",
    "servers_for_wait",
    "simulate",
    "simulate_mmc",
    "theory",
    "warm",
]
