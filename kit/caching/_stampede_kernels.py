# ruff: noqa: NPY002 - numba kernels can only use numpy's legacy global RNG (seeded per kernel call)
"""Numba kernel of a hot key's expiry (``stampede.stampede``): the herd and its cures.

An event heap (``kit.core.events``) of Poisson requests for one key and of
recomputes finishing. The api builds one :data:`StampedeParams` record; the
kernel keeps its state in one :data:`StampedeState` record. Latencies are
drawn in milliseconds; time runs in seconds.
"""

from collections import namedtuple

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw
from ._kernels import HEAP_START, MS, NO_DATA, int64s

NO_PROTECTION, LOCK, XFETCH, STALE_WHILE_REVALIDATE = range(4)
REQUEST, RECOMPUTED = int64s(2)
# counters: those returned, then the kernel's own (S_END: how many are returned)
S_RECOMPUTES, S_VALUES, S_EXPIRED, S_MAX_CONCURRENT, S_TRUNCATED, S_END = range(6)
N, N_RC, RUNNING, LOCK_HOLDER, S_ALL = range(S_END, S_END + 5)
DELTA, EXPIRY, STORED_AT = range(3)  # the float clocks
FRESH, STALE, WAITED = 0, 1, 2  # a request's outcome
# what a request does
SERVE, SERVE_STALE, RECOMPUTE, JOIN = range(4)

StampedeParams = namedtuple(
    "StampedeParams",
    [
        "rate",  # requests per second (Poisson)
        "ttl_s",  # a value's life after its recompute
        "duration_s",
        "protection",  # NO_PROTECTION ... STALE_WHILE_REVALIDATE
        "beta",  # XFetch's eagerness
        "max_stale_s",  # stale-while-revalidate: how long past expiry
        "recompute_spec",  # ms (kit.core.rng specs)
        "cache_spec",  # ms
        "bin_s",  # timeline resolution
        "max_requests",
        "seed",
    ],
)

StampedeState = namedtuple(
    "StampedeState",
    [
        "start",  # per request: arrival (s)
        "latency",  # ms
        "outcome",  # FRESH, STALE or WAITED
        "waiter",  # next request waiting on the same recompute
        "rc_start",  # per recompute: when it started
        "rc_first",  # the first request waiting on it (-1: a background refresh)
        "started",  # per bin: recomputes started
        "concurrent",  # per bin: most running at once
        "counters",  # S_* and the kernel's own
        "clock",  # DELTA (the last recompute's duration), EXPIRY, STORED_AT
    ],
)


@njit
def _state(p, first_delta):
    n_bins = int(np.ceil(p.duration_s / p.bin_s)) + 1
    m = p.max_requests
    counters = np.zeros(S_ALL, np.int64)
    counters[LOCK_HOLDER] = -1  # the recompute everyone may wait on (lock, stale-while-revalidate)
    clock = np.zeros(3)
    clock[DELTA] = first_delta
    clock[EXPIRY] = p.ttl_s
    return StampedeState(
        np.empty(m),
        np.full(m, np.nan),
        np.zeros(m, np.int8),
        np.full(m, -1, np.int64),
        np.empty(m + 1),
        np.full(m + 1, -1, np.int64),
        np.zeros(n_bins, np.int64),
        np.zeros(n_bins, np.int64),
        counters,
        clock,
    )


@njit
def _lock_or_join(s):
    """Recompute, or wait for the recompute already running (single flight)."""
    return (JOIN, s.counters[LOCK_HOLDER]) if s.counters[LOCK_HOLDER] >= 0 else (RECOMPUTE, -1)


@njit
def _choose(t, p, s):
    """What a request at ``t`` does under the protection, and whose recompute it would join."""
    fresh = t < s.clock[EXPIRY]
    if p.protection == NO_PROTECTION:
        return (SERVE, -1) if fresh else (RECOMPUTE, -1)
    if p.protection == XFETCH:  # Vattani et al.: recompute early with a probability rising to expiry
        early = fresh and t - s.clock[DELTA] * p.beta * np.log(np.random.random()) >= s.clock[EXPIRY]
        return (RECOMPUTE, -1) if not fresh or early else (SERVE, -1)
    if fresh:
        return SERVE, -1
    if p.protection == STALE_WHILE_REVALIDATE and t < s.clock[EXPIRY] + p.max_stale_s:
        return SERVE_STALE, -1
    return _lock_or_join(s)


@njit
def _start_recompute(h, t, b, first, holds_lock, p, s):
    """A recompute starts at ``t`` (bin ``b``); ``first`` waits on it (-1: nobody, a background refresh)."""
    c = s.counters[N_RC]
    s.rc_start[c] = t
    s.rc_first[c] = first
    if holds_lock:
        s.counters[LOCK_HOLDER] = c
    s.counters[RUNNING] += 1
    s.counters[S_RECOMPUTES] += 1
    s.started[b] += 1
    s.counters[N_RC] += 1
    return heap_push(h, t + draw(p.recompute_spec) * MS, RECOMPUTED, c)


@njit
def _note_concurrency(b, s):
    s.concurrent[b] = max(s.concurrent[b], s.counters[RUNNING])
    s.counters[S_MAX_CONCURRENT] = max(s.counters[S_MAX_CONCURRENT], s.counters[RUNNING])


@njit
def _request(h, t, b, p, s):
    r = s.counters[N]
    s.counters[N] += 1
    s.start[r] = t
    action, holder = _choose(t, p, s)
    if action == SERVE_STALE:  # serve the old value; one background refresh at a time
        s.outcome[r] = STALE
        s.latency[r] = draw(p.cache_spec)
        if s.counters[LOCK_HOLDER] < 0:
            h = _start_recompute(h, t, b, -1, True, p, s)
            _note_concurrency(b, s)
        return h
    if action == JOIN:
        s.outcome[r] = WAITED
        s.waiter[r] = s.rc_first[holder]
        s.rc_first[holder] = r
    elif action == RECOMPUTE:
        s.outcome[r] = WAITED
        single_flight = p.protection == LOCK or p.protection == STALE_WHILE_REVALIDATE
        h = _start_recompute(h, t, b, r, single_flight, p, s)
    else:
        s.latency[r] = draw(p.cache_spec)
    _note_concurrency(b, s)
    return h


@njit
def _recomputed(t, c, p, s):
    """A recompute finished: store the value, answer whoever waited on it.

    A recompute started before the current value was stored only duplicates
    it; a new value that arrives after the old one's expiry counts as an expiry.
    """
    s.counters[RUNNING] -= 1
    s.clock[DELTA] = t - s.rc_start[c]
    if s.rc_start[c] >= s.clock[STORED_AT]:
        s.counters[S_VALUES] += 1
        if t >= s.clock[EXPIRY]:
            s.counters[S_EXPIRED] += 1
        s.clock[STORED_AT] = t
    s.clock[EXPIRY] = t + p.ttl_s
    if s.counters[LOCK_HOLDER] == c:
        s.counters[LOCK_HOLDER] = -1
    r = s.rc_first[c]
    while r >= 0:
        s.latency[r] = (t - s.start[r]) / MS + draw(p.cache_spec)
        r = s.waiter[r]


@njit(nogil=True)  # protections run side by side (kit.core.threads)
def stampede(p):
    """One hot key requested at ``p.rate`` per second, cached for ``p.ttl_s`` after each recompute.

    Protections: none (every request that finds no fresh value recomputes),
    a lock (single flight: one recomputes, the others wait), XFetch
    (Vattani, Chierichetti & Lowenstein, "Optimal probabilistic cache
    stampede prevention", VLDB 2015: a request recomputes early when
    ``now - delta * beta * ln(rand()) >= expiry``, delta being the last
    recompute's duration), and stale-while-revalidate (after expiry, serve
    the old value for up to ``max_stale_s`` while one background refresh runs).

    The run starts with a value just computed (expiring at ``ttl_s``): the
    herd of interest is at expiry, not a cold start. Returns per request
    ``start_s, latency_ms, outcome``, per time bin ``recomputes started`` and
    ``max concurrent recomputes``, and the counters ``S_*``: new values
    stored, and how many values reached their expiry before a new one
    replaced them.
    """
    np.random.seed(p.seed)
    s = _state(p, draw(p.recompute_spec) * MS)
    h = heap_new(HEAP_START)
    h = heap_push(h, np.random.exponential(1.0 / p.rate), REQUEST, NO_DATA)
    while heap_size(h) > 0:
        t, kind, data = heap_pop(h)
        if t > p.duration_s:
            break
        if kind == REQUEST:
            h = heap_push(h, t + np.random.exponential(1.0 / p.rate), REQUEST, NO_DATA)
            if s.counters[N] >= p.max_requests:
                s.counters[S_TRUNCATED] = 1
                break
            h = _request(h, t, int(t / p.bin_s), p, s)
        else:
            _recomputed(t, data, p, s)
    n = s.counters[N]
    out = (s.start[:n], s.latency[:n], s.outcome[:n])
    return out, s.started, s.concurrent, s.counters[:S_END].copy()
