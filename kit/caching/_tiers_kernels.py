# ruff: noqa: NPY002 - numba kernels can only use numpy's legacy global RNG (seeded per kernel call)
"""Numba kernel of cache tiers (``tiers.tiers``): edge cache -> app cache -> database replicas.

An event heap (``kit.core.events``) of Poisson arrivals, requests reaching
the database and database answers. Both caches are LRU by objects, built from
the eviction policy's own operations (``policies.lru``). The api builds one
:data:`TierParams` record. Latencies are drawn in milliseconds; time runs in
seconds.
"""

from collections import namedtuple

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw
from ._engine import SIZE, ends, table
from ._kernels import HEAP_START, MS, NO_DATA, ONE, draw_key, int64s
from .policies import lru

ARRIVE, AT_DB, DB_DONE = int64s(3)
RANDOM_REPLICA, LEAST_LOADED = 0, 1
EDGE, APP, DATABASE = 0, 1, 2  # the tier that answered

TierParams = namedtuple(
    "TierParams",
    [
        "cdf",  # running sum of key popularity
        "rate",  # requests per second at the edge (Poisson)
        "duration_s",
        "edge_capacity",  # objects; 0 = no edge cache
        "app_capacity",  # objects; 0 = no app cache
        "replicas",
        "routing",  # RANDOM_REPLICA or LEAST_LOADED
        "edge_spec",  # client-edge round trip, ms (kit.core.rng specs)
        "origin_spec",  # edge-origin round trip, ms
        "app_spec",  # app cache lookup, ms
        "db_spec",  # replica service time, ms
        "max_requests",
        "seed",
    ],
)

TierState = namedtuple(
    "TierState",
    [
        "edge",  # LRU state (policies.lru)
        "app",
        "used",  # objects held: edge, app
        "free_at",  # per replica: when it is next idle (s)
        "busy",  # per replica: busy seconds
        "start",  # per request: arrival (s)
        "latency",  # ms
        "tier",  # EDGE, APP or DATABASE
        "key",
        "counters",  # requests so far, truncated
    ],
)
N, TRUNCATED = 0, 1


@njit
def _lookup(cache, k, capacity):
    """True on a hit in an LRU cache; capacity 0 means no cache."""
    if capacity == 0:
        return False
    return lru.find(cache, k, NO_DATA)


@njit
def _fill(cache, k, capacity, used):
    """Insert k into an LRU cache of ``capacity`` objects if absent; returns objects held."""
    if capacity == 0 or cache[0][k, SIZE] >= 0:
        return used
    while used + 1 > capacity:
        used -= lru.evict(cache, ONE, NO_DATA)
    return used + lru.insert(cache, k, ONE, NO_DATA)


@njit
def _state(p):
    n_keys = p.cdf.size
    m = p.max_requests
    return TierState(
        (table(n_keys, 4), ends(1)),
        (table(n_keys, 4), ends(1)),
        np.zeros(2, np.int64),
        np.zeros(p.replicas),
        np.zeros(p.replicas),
        np.empty(m),
        np.full(m, np.nan),
        np.zeros(m, np.int8),
        np.empty(m, np.int64),
        np.zeros(2, np.int64),
    )


@njit
def _arrive(h, t, p, s):
    """A request at the edge: answered there, at the app cache, or sent on to the database."""
    r = s.counters[N]
    s.counters[N] += 1
    k = draw_key(p.cdf)
    s.key[r] = k
    s.start[r] = t
    spent = draw(p.edge_spec)
    if _lookup(s.edge, k, p.edge_capacity):
        s.latency[r] = spent
        return h
    spent += draw(p.origin_spec) + draw(p.app_spec)
    if _lookup(s.app, k, p.app_capacity):
        s.tier[r] = APP
        s.latency[r] = spent
        s.used[EDGE] = _fill(s.edge, k, p.edge_capacity, s.used[EDGE])
        return h
    s.tier[r] = DATABASE
    s.latency[r] = spent  # so far; the database adds queueing and service
    return heap_push(h, t + spent * MS, AT_DB, r)


@njit
def _at_database(h, t, r, p, s):
    """Queue at one replica (first come, first served), chosen at random or as the least loaded."""
    j = np.random.randint(0, p.replicas)
    if p.routing == LEAST_LOADED:
        j = np.argmin(s.free_at)
    service = draw(p.db_spec) * MS
    begin = max(t, s.free_at[j])
    s.free_at[j] = begin + service
    s.busy[j] += service
    s.latency[r] += (begin + service - t) / MS
    return heap_push(h, begin + service, DB_DONE, r)


@njit
def tiers(p):
    """Requests through an edge (CDN) cache, an app cache and database read replicas.

    A request pays the client-edge round trip; on an edge miss also the
    edge-origin round trip and the app cache lookup; on an app miss it
    queues at one replica for a service time. The answer fills both caches
    (LRU by objects). Returns per request ``start_s, latency_ms, tier`` (0
    edge, 1 app, 2 database) and ``key``, each replica's busy seconds, and
    whether the record filled up.
    """
    np.random.seed(p.seed)
    s = _state(p)
    h = heap_new(HEAP_START)
    h = heap_push(h, np.random.exponential(1.0 / p.rate), ARRIVE, NO_DATA)
    while heap_size(h) > 0:
        t, kind, r = heap_pop(h)
        if kind == ARRIVE:
            if t > p.duration_s:
                continue
            h = heap_push(h, t + np.random.exponential(1.0 / p.rate), ARRIVE, NO_DATA)
            if s.counters[N] >= p.max_requests:
                s.counters[TRUNCATED] = 1
                continue
            h = _arrive(h, t, p, s)
        elif kind == AT_DB:
            h = _at_database(h, t, r, p, s)
        else:
            k = s.key[r]
            s.used[APP] = _fill(s.app, k, p.app_capacity, s.used[APP])
            s.used[EDGE] = _fill(s.edge, k, p.edge_capacity, s.used[EDGE])
    n = s.counters[N]
    return (s.start[:n], s.latency[:n], s.tier[:n], s.key[:n]), s.busy, bool(s.counters[TRUNCATED])
