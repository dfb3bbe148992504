"""The discrete-event core: servers with queues, arrivals, client policies, and the theory beside them.

A supporting package: ``kit.reliability`` (notebook 06) runs its labs on
it, and any topic that needs requests queueing for servers can too.

- :func:`simulate`: c servers and a queue (FIFO, LIFO, priority), Poisson
  arrivals with spikes and bursts, traces, closed-loop clients, service
  times from ``kit.core.rng``, degradations, client timeouts with or without
  cancellation, retries with backoff and a retry budget, circuit breakers.
- :func:`simulate_mmc`: M/M/c replications against Erlang C.
- :mod:`~kit.queueing.theory`: M/M/1, M/M/c (Erlang B and C), waiting-time tails.
- ``Retry``, ``Breaker`` and their registries, from the kit's shared client
  policies (:mod:`kit.core.policies`; their numba functions are in
  :mod:`kit.core.policy_kernels`).
"""

from ..core.policies import BACKOFFS, BREAKERS, STATES, Breaker, Retry, breaker_trace
from . import plots, theory
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
    "servers_for_wait",
    "simulate",
    "simulate_mmc",
    "theory",
    "warm",
]
