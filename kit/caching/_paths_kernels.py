# ruff: noqa: NPY002 - numba kernels can only use numpy's legacy global RNG (seeded per kernel call)
"""Numba kernel of the write-path model (``paths.serve``): a cache in front of a database.

The kernel keeps an event heap (``kit.core.events``), pops the earliest
event, handles it by kind and pushes what it causes; reads and writes are
Poisson streams that schedule their own next arrival. Per-request records are
arrays indexed by request number, bounded by ``max_requests`` (a run that
reaches the bound stops early and says so). Latencies are drawn from kit
distributions (``draw(spec)``), in milliseconds; time runs in seconds.

The api builds one :data:`ServeParams` record; the kernel keeps its whole
state in one :data:`ServeState` record, which each named step below reads
and updates.
"""

from collections import namedtuple

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw
from ._kernels import HEAP_START, MS, NO_DATA, draw_key, int64s

CACHE_ASIDE, READ_THROUGH, WRITE_THROUGH, WRITE_BEHIND, WRITE_AROUND = range(5)
INV_DELETE, INV_EVENT, INV_VERSIONED, INV_TTL = range(4)
READ, WRITE, DB_READ_DONE, DB_WRITE_DONE, INVALIDATE, FLUSH, FLUSH_DONE, CRASH = int64s(8)
# counters: those returned, then the kernel's own (C_END: how many are returned)
C_DB_READS, C_DB_WRITES, C_FLUSHES, C_LOST, C_ACKED, C_TRUNCATED, C_END = range(7)
N, FIFO_HEAD, FIFO_LEN, LOGGED, UNFLUSHED, C_ALL = range(C_END, C_END + 6)
AT_RISK, LAST_CHANGE = 0, 1  # the float clocks: writes at risk integrated over time, when it last moved
BATCH_CODE = 1_000_000  # a flush's payload is first * BATCH_CODE + batch size (batch < BATCH_CODE)

ServeParams = namedtuple(
    "ServeParams",
    [
        "cdf",  # running sum of key popularity
        "read_rate",  # per second
        "write_rate",  # per second
        "duration_s",
        "warmup_s",  # database operations are counted from here on
        "strategy",  # CACHE_ASIDE ... WRITE_AROUND
        "invalidation",  # INV_DELETE ... INV_TTL
        "ttl_s",
        "delay_mean_s",  # of an invalidation event
        "loss",  # probability an invalidation event is lost
        "flush_interval_s",  # write-behind
        "batch",  # write-behind: keys per flush
        "crash_at_s",  # write-behind: the cache node dies (inf: never)
        "cache_spec",  # latency distributions (kit.core.rng specs), ms
        "read_spec",
        "write_spec",
        "max_requests",
        "seed",
    ],
)

ServeState = namedtuple(
    "ServeState",
    [
        # per key
        "cached",  # version in the cache; -1 = absent
        "expires",
        "db",  # committed (durable) version
        "acked",  # latest version acknowledged to a writer
        "loading",  # read-through: request whose load is in flight, -1 if none
        "dirty",  # write-behind: acknowledged writes not yet flushed
        "flushing",  # ... and those in a flush not yet done
        "queued",  # the key waits in dirty_fifo
        "dirty_fifo",  # ring buffer of dirty keys, oldest first
        "flush_log",  # (key, version, writes) per key flushed
        # per request
        "is_read",
        "key",
        "start",
        "latency",  # ms; NaN while unanswered
        "hit",
        "stale",
        "version",  # the version a database read returned
        "waiter",  # next request waiting on the same load
        # totals
        "counters",  # C_* and the kernel's own counts
        "clock",  # AT_RISK, LAST_CHANGE
    ],
)


@njit
def _state(p):
    n_keys = p.cdf.size
    m = p.max_requests
    log_rows = m if p.strategy == WRITE_BEHIND else 1  # one row per flushed key: at most one per write
    clock = np.zeros(2)
    clock[LAST_CHANGE] = p.warmup_s
    return ServeState(
        np.full(n_keys, -1, np.int64),
        np.zeros(n_keys),
        np.zeros(n_keys, np.int64),
        np.zeros(n_keys, np.int64),
        np.full(n_keys, -1, np.int64),
        np.zeros(n_keys, np.int64),
        np.zeros(n_keys, np.int64),
        np.zeros(n_keys, np.bool_),
        np.empty(n_keys, np.int64),
        np.empty((log_rows, 3), np.int64),
        np.zeros(m, np.bool_),
        np.empty(m, np.int64),
        np.empty(m),
        np.full(m, np.nan),
        np.zeros(m, np.bool_),
        np.zeros(m, np.bool_),
        np.zeros(m, np.int64),
        np.full(m, -1, np.int64),
        np.zeros(C_ALL, np.int64),
        clock,
    )


@njit
def _invalidates(p):
    """Cache-aside and read-through remove cached copies on writes; the others never do."""
    return p.strategy == CACHE_ASIDE or p.strategy == READ_THROUGH


@njit
def _pinned(s, k):
    """A write-behind entry not yet durable: the cache is the truth, it neither expires nor is refilled."""
    return s.dirty[k] > 0 or s.flushing[k] > 0 or s.queued[k]


@njit
def _risk_until(s, t):
    """Integrate the acknowledged writes not yet durable up to ``t``."""
    s.clock[AT_RISK] += s.counters[UNFLUSHED] * (t - s.clock[LAST_CHANGE])
    s.clock[LAST_CHANGE] = t


@njit
def _write_behind(t, r, k, p, s):
    """Acknowledge a write once the cache has it; queue the key for the next flush."""
    s.acked[k] += 1
    s.cached[k] = s.acked[k]
    s.expires[k] = t + p.ttl_s
    s.dirty[k] += 1
    s.counters[C_ACKED] += t >= p.warmup_s
    if t >= p.warmup_s:
        _risk_until(s, t)
    s.counters[UNFLUSHED] += 1
    if not s.queued[k]:
        s.queued[k] = True
        n_keys = p.cdf.size
        s.dirty_fifo[(s.counters[FIFO_HEAD] + s.counters[FIFO_LEN]) % n_keys] = k
        s.counters[FIFO_LEN] += 1
    s.latency[r] = draw(p.cache_spec)


@njit
def _write(h, t, r, k, p, s):
    if p.strategy == WRITE_BEHIND:
        _write_behind(t, r, k, p, s)
        return h
    s.counters[C_DB_WRITES] += t >= p.warmup_s
    extra = draw(p.cache_spec) if p.strategy == WRITE_THROUGH else 0.0
    return heap_push(h, t + (draw(p.write_spec) + extra) * MS, DB_WRITE_DONE, r)


@njit
def _read(h, t, r, k, p, s):
    """Versioned keys ask for the current version, so an older entry is a miss."""
    present = s.cached[k] >= 0 and (t < s.expires[k] or _pinned(s, k))
    if _invalidates(p) and p.invalidation == INV_VERSIONED:
        present = present and s.cached[k] == s.acked[k]
    if present:
        s.hit[r] = True
        s.latency[r] = draw(p.cache_spec)
        s.stale[r] = s.cached[k] < s.acked[k]
    elif p.strategy == READ_THROUGH and s.loading[k] >= 0:
        s.waiter[r] = s.waiter[s.loading[k]]  # wait for the load already in flight
        s.waiter[s.loading[k]] = r
    else:
        s.counters[C_DB_READS] += t >= p.warmup_s
        s.version[r] = s.db[k]  # the database answers with what is committed now
        if p.strategy == READ_THROUGH:
            s.loading[k] = r
        h = heap_push(h, t + (draw(p.cache_spec) + draw(p.read_spec)) * MS, DB_READ_DONE, r)
    return h


@njit
def _arrive(h, t, reading, p, s):
    """A new read or write of a random key."""
    k = draw_key(p.cdf)
    r = s.counters[N]
    s.counters[N] += 1
    s.key[r] = k
    s.start[r] = t
    s.is_read[r] = reading
    return _read(h, t, r, k, p, s) if reading else _write(h, t, r, k, p, s)


@njit
def _read_done(t, r, p, s):
    """Fill the cache and answer the reader (and, read-through, everyone waiting on the load).

    The fill is a plain SET, so an older value can win a race against a write, except over a
    write-behind entry not yet durable and, with versioned keys, over a newer version (a
    different key).
    """
    k = s.key[r]
    versioned = _invalidates(p) and p.invalidation == INV_VERSIONED
    if not _pinned(s, k) and not (versioned and s.version[r] < s.cached[k]):
        s.cached[k] = s.version[r]
        s.expires[k] = t + p.ttl_s
    if p.strategy == READ_THROUGH:
        s.loading[k] = -1
    first = r
    while r >= 0:
        s.latency[r] = (t - s.start[r]) / MS
        s.stale[r] = s.version[first] < s.acked[k]
        r = s.waiter[r]


@njit
def _write_done(h, t, r, p, s):
    """A write committed: acknowledge it, then update or invalidate the cached copy."""
    k = s.key[r]
    s.db[k] += 1
    s.acked[k] = s.db[k]
    s.counters[C_ACKED] += s.start[r] >= p.warmup_s
    s.latency[r] = (t - s.start[r]) / MS
    if p.strategy == WRITE_THROUGH:
        s.cached[k] = s.db[k]
        s.expires[k] = t + p.ttl_s
    elif _invalidates(p):
        if p.invalidation == INV_DELETE:
            s.cached[k] = -1
        elif p.invalidation == INV_EVENT and np.random.random() >= p.loss:
            h = heap_push(h, t + np.random.exponential(p.delay_mean_s), INVALIDATE, k)
    return h


@njit
def _flush(h, t, p, s):
    """Write-behind: send the oldest ``batch`` dirty keys to the database (one row each)."""
    h = heap_push(h, t + p.flush_interval_s, FLUSH, NO_DATA)
    m = min(p.batch, s.counters[FIFO_LEN])
    if m == 0:
        return h
    n_keys = p.cdf.size
    first = s.counters[LOGGED]
    for j in range(m):
        k = s.dirty_fifo[(s.counters[FIFO_HEAD] + j) % n_keys]
        s.flush_log[first + j, 0] = k
        s.flush_log[first + j, 1] = s.acked[k]
        s.flush_log[first + j, 2] = s.dirty[k]
        s.flushing[k] += s.dirty[k]
        s.dirty[k] = 0
        s.queued[k] = False
    s.counters[LOGGED] += m
    s.counters[FIFO_HEAD] = (s.counters[FIFO_HEAD] + m) % n_keys
    s.counters[FIFO_LEN] -= m
    if t >= p.warmup_s:
        s.counters[C_DB_WRITES] += m  # one row per key: repeated writes coalesce
        s.counters[C_FLUSHES] += 1
    return heap_push(h, t + draw(p.write_spec) * MS, FLUSH_DONE, first * BATCH_CODE + m)


@njit
def _flush_done(t, data, p, s):
    """A flush committed: what it carried is durable."""
    first, m = data // BATCH_CODE, data % BATCH_CODE
    if t >= p.warmup_s:
        _risk_until(s, t)
    for j in range(first, first + m):
        k = s.flush_log[j, 0]
        s.db[k] = max(s.db[k], s.flush_log[j, 1])
        s.flushing[k] -= s.flush_log[j, 2]
        s.counters[UNFLUSHED] -= s.flush_log[j, 2]


@njit
def _first_events(p):
    h = heap_new(HEAP_START)
    if p.read_rate > 0:
        h = heap_push(h, np.random.exponential(1.0 / p.read_rate), READ, NO_DATA)
    if p.write_rate > 0:
        h = heap_push(h, np.random.exponential(1.0 / p.write_rate), WRITE, NO_DATA)
    if p.strategy == WRITE_BEHIND:
        h = heap_push(h, p.flush_interval_s, FLUSH, NO_DATA)
        if p.crash_at_s < p.duration_s:
            h = heap_push(h, p.crash_at_s, CRASH, NO_DATA)
    return h


@njit(nogil=True)  # strategies run side by side (kit.core.threads)
def serve(p):
    """Reads and writes of keys drawn from ``p.cdf`` against a cache and a database.

    Versions: every committed write increments the key's version. A read is
    *stale* if it returns a version older than the latest acknowledged write
    of its key at the moment it answers. The cache has no capacity limit
    here: entries leave by TTL or invalidation only.

    Returns per request ``is_read, key, start_s, latency_ms, hit, stale``
    (latency NaN if unfinished at the end), the counters ``C_*`` (database
    operations counted from ``warmup_s`` on), when the run ended, and the
    time integral of acknowledged writes not yet durable (write-behind).
    """
    np.random.seed(p.seed)
    s = _state(p)
    h = _first_events(p)
    end = p.duration_s
    while heap_size(h) > 0:
        t, kind, data = heap_pop(h)
        if t > p.duration_s:
            break
        if kind == READ or kind == WRITE:
            reading = kind == READ
            h = heap_push(
                h, t + np.random.exponential(1.0 / (p.read_rate if reading else p.write_rate)), kind, NO_DATA
            )
            if s.counters[N] >= p.max_requests:
                s.counters[C_TRUNCATED] = 1
                end = t
                break
            h = _arrive(h, t, reading, p, s)
        elif kind == DB_READ_DONE:
            _read_done(t, data, p, s)
        elif kind == DB_WRITE_DONE:
            h = _write_done(h, t, data, p, s)
        elif kind == INVALIDATE:
            s.cached[data] = -1
        elif kind == FLUSH:
            h = _flush(h, t, p, s)
        elif kind == FLUSH_DONE:
            _flush_done(t, data, p, s)
        else:  # CRASH: the cache node dies; what it acknowledged but never wrote is gone
            s.counters[C_LOST] = s.dirty.sum() + s.flushing.sum()
            end = t
            break
    if end > s.clock[LAST_CHANGE]:
        _risk_until(s, end)
    n = s.counters[N]
    out = (s.is_read[:n], s.key[:n], s.start[:n], s.latency[:n], s.hit[:n], s.stale[:n])
    return out, s.counters[:C_END].copy(), end, s.clock[AT_RISK]
