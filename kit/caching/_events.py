# ruff: noqa: NPY002 - numba kernels can only use numpy's legacy global RNG (seeded per kernel call)
"""Discrete-event kernels: a cache in front of a database, a hot key's expiry, cache tiers.

Each kernel keeps an event heap (``kit.core.events``), pops the earliest
event, handles it by kind and pushes what it causes; arrivals are Poisson
streams that schedule their own next arrival. Per-request records are
arrays indexed by request number, bounded by ``max_requests`` (a run that
reaches the bound stops early and says so). Latencies are drawn from kit
distributions (``draw(spec)``), in milliseconds; time runs in seconds.
"""

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw
from ._engine import SIZE, ends, table
from .policies import lru

MS = 1e-3  # latencies are drawn in ms; the clock runs in s


def _int64s(n):
    """``n`` constants as int64 scalars: numba compiles a callee once per distinct plain-int
    literal it is passed, so event kinds as ints would mean one heap_push per kind."""
    return tuple(np.int64(k) for k in range(n))


NO_DATA, ONE = _int64s(2)  # an event's empty payload; a unit size
HEAP_START = np.int64(64)  # events the heap holds before it first grows

# --- write paths, TTL and invalidation ------------------------------------------------------------

CACHE_ASIDE, READ_THROUGH, WRITE_THROUGH, WRITE_BEHIND, WRITE_AROUND = range(5)
INV_DELETE, INV_EVENT, INV_VERSIONED, INV_TTL = range(4)
READ, WRITE, DB_READ_DONE, DB_WRITE_DONE, INVALIDATE, FLUSH, FLUSH_DONE, CRASH = _int64s(8)
# counters returned by serve
C_DB_READS, C_DB_WRITES, C_FLUSHES, C_LOST, C_ACKED, C_TRUNCATED, C_END = range(7)  # C_END: how many


@njit
def _key(cdf):
    return np.searchsorted(cdf, np.random.random() * cdf[-1], side="right")


@njit
def serve(
    cdf,
    read_rate,
    write_rate,
    duration_s,
    warmup_s,
    strategy,
    invalidation,
    ttl_s,
    delay_mean_s,
    loss,
    flush_interval_s,
    batch,
    crash_at_s,
    cache_spec,
    read_spec,
    write_spec,
    max_requests,
    seed,
):
    """Reads and writes of keys drawn from ``cdf`` against a cache and a database.

    Versions: every committed write increments the key's version. A read is
    *stale* if it returns a version older than the latest acknowledged write
    of its key at the moment it answers. The cache has no capacity limit
    here: entries leave by TTL or invalidation only.

    Returns per request ``is_read, key, start_s, latency_ms, hit, stale``
    (latency NaN if unfinished at the end), the counters ``C_*`` (database
    operations counted from ``warmup_s`` on), when the run ended, and the
    time integral of acknowledged writes not yet durable (write-behind).
    """
    np.random.seed(seed)
    n_keys = cdf.size
    cached = np.full(n_keys, -1, np.int64)  # version in the cache; -1 = absent
    expires = np.zeros(n_keys)
    db = np.zeros(n_keys, np.int64)  # committed (durable) version
    acked = np.zeros(n_keys, np.int64)  # latest version acknowledged to a writer
    loading = np.full(n_keys, -1, np.int64)  # read-through: request whose load is in flight
    dirty = np.zeros(n_keys, np.int64)  # write-behind: acknowledged writes not yet flushed
    flushing = np.zeros(n_keys, np.int64)  # ... and those in a flush not yet done
    queued = np.zeros(n_keys, np.bool_)
    dirty_fifo = np.empty(n_keys, np.int64)  # ring buffer of dirty keys, oldest first
    fifo_head = 0
    fifo_len = 0
    flush_log = np.empty((64, 3), np.int64)  # (key, version, writes) per key flushed, grown by doubling
    logged = 0
    # cache-aside and read-through remove cached copies on writes; the others never do
    invalidates = strategy == CACHE_ASIDE or strategy == READ_THROUGH
    versioned = invalidates and invalidation == INV_VERSIONED
    is_read = np.zeros(max_requests, np.bool_)
    key = np.empty(max_requests, np.int64)
    start = np.empty(max_requests)
    latency = np.full(max_requests, np.nan)
    hit = np.zeros(max_requests, np.bool_)
    stale = np.zeros(max_requests, np.bool_)
    version = np.zeros(max_requests, np.int64)  # version a DB read returned
    waiter = np.full(max_requests, -1, np.int64)  # next request waiting on the same load
    counters = np.zeros(C_END, np.int64)
    unflushed = 0  # write-behind: acknowledged writes not yet durable, and their time integral
    at_risk = 0.0
    last_change = warmup_s
    n = 0
    h = heap_new(HEAP_START)
    if read_rate > 0:
        h = heap_push(h, np.random.exponential(1.0 / read_rate), READ, NO_DATA)
    if write_rate > 0:
        h = heap_push(h, np.random.exponential(1.0 / write_rate), WRITE, NO_DATA)
    if strategy == WRITE_BEHIND:
        h = heap_push(h, flush_interval_s, FLUSH, NO_DATA)
        if crash_at_s < duration_s:
            h = heap_push(h, crash_at_s, CRASH, NO_DATA)
    while heap_size(h) > 0:
        t, kind, data = heap_pop(h)
        if t > duration_s:
            break
        if kind == READ or kind == WRITE:
            nxt = t + np.random.exponential(1.0 / (read_rate if kind == READ else write_rate))
            h = heap_push(h, nxt, kind, NO_DATA)
            if n >= max_requests:
                counters[C_TRUNCATED] = 1
                duration_s = t
                break
            k = _key(cdf)
            r = n
            n += 1
            key[r] = k
            start[r] = t
            is_read[r] = kind == READ
            if kind == WRITE:
                if strategy == WRITE_BEHIND:  # acknowledged once the cache has it
                    acked[k] += 1
                    cached[k] = acked[k]
                    expires[k] = t + ttl_s
                    dirty[k] += 1
                    counters[C_ACKED] += t >= warmup_s
                    if t >= warmup_s:
                        at_risk += unflushed * (t - last_change)
                        last_change = t
                    unflushed += 1
                    if not queued[k]:
                        queued[k] = True
                        dirty_fifo[(fifo_head + fifo_len) % n_keys] = k
                        fifo_len += 1
                    latency[r] = draw(cache_spec)
                else:
                    counters[C_DB_WRITES] += t >= warmup_s
                    extra = draw(cache_spec) if strategy == WRITE_THROUGH else 0.0
                    h = heap_push(h, t + (draw(write_spec) + extra) * MS, DB_WRITE_DONE, r)
                continue
            # a read: versioned keys ask for the current version, so an older entry is a miss
            pinned = dirty[k] > 0 or flushing[k] > 0 or queued[k]
            present = cached[k] >= 0 and (t < expires[k] or pinned)
            if versioned:
                present = present and cached[k] == acked[k]
            if present:
                hit[r] = True
                latency[r] = draw(cache_spec)
                stale[r] = cached[k] < acked[k]
            elif strategy == READ_THROUGH and loading[k] >= 0:
                waiter[r] = waiter[loading[k]]  # wait for the load already in flight
                waiter[loading[k]] = r
            else:
                counters[C_DB_READS] += t >= warmup_s
                version[r] = db[k]  # the database answers with what is committed now
                if strategy == READ_THROUGH:
                    loading[k] = r
                h = heap_push(h, t + (draw(cache_spec) + draw(read_spec)) * MS, DB_READ_DONE, r)
        elif kind == DB_READ_DONE:
            r = data
            k = key[r]
            # fill the cache: a plain SET, so an older value can win a race against a write,
            # except over a write-behind entry not yet durable (the cache is then the truth)
            # and, with versioned keys, over a newer version (a different key)
            pinned = dirty[k] > 0 or flushing[k] > 0 or queued[k]
            if not pinned and not (versioned and version[r] < cached[k]):
                cached[k] = version[r]
                expires[k] = t + ttl_s
            if strategy == READ_THROUGH:
                loading[k] = -1
            while r >= 0:
                latency[r] = (t - start[r]) / MS
                stale[r] = version[data] < acked[k]
                r = waiter[r]
        elif kind == DB_WRITE_DONE:
            r = data
            k = key[r]
            db[k] += 1
            acked[k] = db[k]
            counters[C_ACKED] += start[r] >= warmup_s
            latency[r] = (t - start[r]) / MS
            if strategy == WRITE_THROUGH:
                cached[k] = db[k]
                expires[k] = t + ttl_s
            elif invalidates:
                if invalidation == INV_DELETE:
                    cached[k] = -1
                elif invalidation == INV_EVENT and np.random.random() >= loss:
                    h = heap_push(h, t + np.random.exponential(delay_mean_s), INVALIDATE, k)
        elif kind == INVALIDATE:
            cached[data] = -1
        elif kind == FLUSH:
            h = heap_push(h, t + flush_interval_s, FLUSH, NO_DATA)
            m = min(batch, fifo_len)
            if m > 0:
                first = logged
                if logged + m > flush_log.shape[0]:
                    grown = np.empty((2 * (logged + m), 3), np.int64)
                    grown[:logged] = flush_log[:logged]
                    flush_log = grown
                for j in range(m):
                    k = dirty_fifo[(fifo_head + j) % n_keys]
                    flush_log[first + j, 0] = k
                    flush_log[first + j, 1] = acked[k]
                    flush_log[first + j, 2] = dirty[k]
                    flushing[k] += dirty[k]
                    dirty[k] = 0
                    queued[k] = False
                logged += m
                fifo_head = (fifo_head + m) % n_keys
                fifo_len -= m
                if t >= warmup_s:
                    counters[C_DB_WRITES] += m  # one row per key: repeated writes coalesce
                    counters[C_FLUSHES] += 1
                h = heap_push(h, t + draw(write_spec) * MS, FLUSH_DONE, first * 1_000_000 + m)
        elif kind == FLUSH_DONE:
            first, m = data // 1_000_000, data % 1_000_000
            if t >= warmup_s:
                at_risk += unflushed * (t - last_change)
                last_change = t
            for j in range(first, first + m):
                k = flush_log[j, 0]
                db[k] = max(db[k], flush_log[j, 1])
                flushing[k] -= flush_log[j, 2]
                unflushed -= flush_log[j, 2]
        elif kind == CRASH:  # the cache node dies: what it acknowledged but never wrote is gone
            counters[C_LOST] = dirty.sum() + flushing.sum()
            duration_s = t
            break
    if duration_s > last_change:
        at_risk += unflushed * (duration_s - last_change)
    return is_read[:n], key[:n], start[:n], latency[:n], hit[:n], stale[:n], counters, duration_s, at_risk


# --- a hot key's expiry: stampedes and their cures ------------------------------------------------

NO_PROTECTION, LOCK, XFETCH, STALE_WHILE_REVALIDATE = range(4)
REQUEST, RECOMPUTED = _int64s(2)
S_RECOMPUTES, S_VALUES, S_EXPIRED, S_MAX_CONCURRENT, S_TRUNCATED, S_END = range(6)


@njit
def stampede(
    rate,
    ttl_s,
    duration_s,
    protection,
    beta,
    max_stale_s,
    recompute_spec,
    cache_spec,
    bin_s,
    max_requests,
    seed,
):
    """One hot key requested at ``rate`` per second, cached for ``ttl_s`` after each recompute.

    Protections: none (every request that finds no fresh value recomputes),
    a lock (single flight: one recomputes, the others wait), XFetch
    (Vattani, Chierichetti & Lowenstein, "Optimal probabilistic cache
    stampede prevention", VLDB 2015: a request recomputes early when
    ``now - delta * beta * ln(rand()) >= expiry``, delta being the last
    recompute's duration), and stale-while-revalidate (after expiry, serve
    the old value for up to ``max_stale_s`` while one background refresh runs).

    The run starts with a value just computed (expiring at ``ttl_s``).
    Returns per request ``start_s, latency_ms, outcome`` (0 fresh hit, 1
    stale hit, 2 waited for a recompute), per time bin ``recomputes started``
    and ``max concurrent recomputes``, and the counters ``S_*``: new values
    stored (a recompute started before the current value was stored only
    duplicates it), and how many values reached their expiry before a new
    one replaced them.
    """
    np.random.seed(seed)
    n_bins = int(np.ceil(duration_s / bin_s)) + 1
    started = np.zeros(n_bins, np.int64)
    concurrent = np.zeros(n_bins, np.int64)
    start = np.empty(max_requests)
    latency = np.full(max_requests, np.nan)
    outcome = np.zeros(max_requests, np.int8)
    waiter = np.full(max_requests, -1, np.int64)  # chain of requests waiting on a recompute
    rc_start = np.empty(max_requests + 1)  # recompute c: when it started, who waits on it
    rc_first = np.full(max_requests + 1, -1, np.int64)
    counters = np.zeros(S_END, np.int64)
    # the run starts just after a recompute: the herd of interest is at expiry, not a cold start
    have = True  # a value exists (fresh or stale)
    delta = draw(recompute_spec) * MS  # duration of the last recompute (XFetch's delta)
    expiry = ttl_s
    stored_at = 0.0
    running = 0
    lock_holder = -1  # recompute everyone may wait on (lock, stale-while-revalidate)
    n = 0
    n_rc = 0
    h = heap_new(HEAP_START)
    h = heap_push(h, np.random.exponential(1.0 / rate), REQUEST, NO_DATA)
    while heap_size(h) > 0:
        t, kind, data = heap_pop(h)
        if t > duration_s:
            break
        b = int(t / bin_s)
        if kind == REQUEST:
            h = heap_push(h, t + np.random.exponential(1.0 / rate), REQUEST, NO_DATA)
            if n >= max_requests:
                counters[S_TRUNCATED] = 1
                break
            r = n
            n += 1
            start[r] = t
            fresh = have and t < expiry
            recompute = False
            join = -1
            if protection == NO_PROTECTION:
                recompute = not fresh
            elif protection == LOCK:
                if not fresh:
                    if lock_holder >= 0:
                        join = lock_holder
                    else:
                        recompute = True
            elif protection == XFETCH:
                recompute = not fresh or t - delta * beta * np.log(np.random.random()) >= expiry
            else:  # stale-while-revalidate
                if not fresh:
                    if have and t < expiry + max_stale_s:
                        outcome[r] = 1
                        latency[r] = draw(cache_spec)
                        if lock_holder < 0:  # one background refresh
                            rc_start[n_rc] = t
                            lock_holder = n_rc
                            running += 1
                            counters[S_RECOMPUTES] += 1
                            started[b] += 1
                            h = heap_push(h, t + draw(recompute_spec) * MS, RECOMPUTED, n_rc)
                            n_rc += 1
                            concurrent[b] = max(concurrent[b], running)
                            counters[S_MAX_CONCURRENT] = max(counters[S_MAX_CONCURRENT], running)
                        continue
                    if lock_holder >= 0:
                        join = lock_holder
                    else:
                        recompute = True
            if join >= 0:
                outcome[r] = 2
                waiter[r] = rc_first[join]
                rc_first[join] = r
            elif recompute:
                outcome[r] = 2
                rc_start[n_rc] = t
                rc_first[n_rc] = r
                if protection == LOCK or protection == STALE_WHILE_REVALIDATE:
                    lock_holder = n_rc
                running += 1
                counters[S_RECOMPUTES] += 1
                started[b] += 1
                h = heap_push(h, t + draw(recompute_spec) * MS, RECOMPUTED, n_rc)
                n_rc += 1
            else:
                latency[r] = draw(cache_spec)
            concurrent[b] = max(concurrent[b], running)
            counters[S_MAX_CONCURRENT] = max(counters[S_MAX_CONCURRENT], running)
        else:  # a recompute finished: store the value, answer whoever waited on it
            c = data
            running -= 1
            delta = t - rc_start[c]
            if rc_start[c] >= stored_at:  # a new value, not a duplicate of the herd that made the last
                counters[S_VALUES] += 1
                if t >= expiry:
                    counters[S_EXPIRED] += 1  # the old value outlived its TTL before this replaced it
                stored_at = t
            have = True
            expiry = t + ttl_s
            if lock_holder == c:
                lock_holder = -1
            r = rc_first[c]
            while r >= 0:
                latency[r] = (t - start[r]) / MS + draw(cache_spec)
                r = waiter[r]
    return start[:n], latency[:n], outcome[:n], started, concurrent, counters


# --- tiers: edge cache -> app cache -> database replicas --------------------------------------------

ARRIVE, AT_DB, DB_DONE = _int64s(3)
RANDOM_REPLICA, LEAST_LOADED = 0, 1
EDGE, APP, DATABASE = 0, 1, 2


@njit
def _lookup(st, k, capacity):
    """True on a hit in an LRU cache (policies.lru); capacity 0 means no cache."""
    if capacity == 0:
        return False
    return lru.find(st, k, NO_DATA)


@njit
def _fill(st, k, capacity, used):
    """Insert k into an LRU cache of ``capacity`` objects if absent; returns objects held."""
    if capacity == 0 or st[0][k, SIZE] >= 0:
        return used
    while used + 1 > capacity:
        used -= lru.evict(st, ONE, NO_DATA)
    return used + lru.insert(st, k, ONE, NO_DATA)


@njit
def tiers(
    cdf,
    rate,
    duration_s,
    edge_capacity,
    app_capacity,
    replicas,
    routing,
    edge_spec,
    origin_spec,
    app_spec,
    db_spec,
    max_requests,
    seed,
):
    """Requests through an edge (CDN) cache, an app cache and database read replicas.

    A request pays the client-edge round trip; on an edge miss also the
    edge-origin round trip and the app cache lookup; on an app miss it
    queues at one replica (first come, first served; chosen at random or as
    the least loaded) for a service time. The answer fills both caches (LRU
    by objects). Returns per request ``start_s, latency_ms, tier`` (0 edge,
    1 app, 2 database), each replica's busy seconds, and whether the record
    filled up.
    """
    np.random.seed(seed)
    n_keys = cdf.size
    edge = (table(n_keys, 4), ends(1))
    app = (table(n_keys, 4), ends(1))
    edge_used = 0
    app_used = 0
    free_at = np.zeros(replicas)
    busy = np.zeros(replicas)
    start = np.empty(max_requests)
    latency = np.full(max_requests, np.nan)
    tier = np.zeros(max_requests, np.int8)
    key = np.empty(max_requests, np.int64)
    truncated = False
    n = 0
    h = heap_new(HEAP_START)
    h = heap_push(h, np.random.exponential(1.0 / rate), ARRIVE, NO_DATA)
    while heap_size(h) > 0:
        t, kind, r = heap_pop(h)
        if kind == ARRIVE:
            if t > duration_s:
                continue
            h = heap_push(h, t + np.random.exponential(1.0 / rate), ARRIVE, NO_DATA)
            if n >= max_requests:
                truncated = True
                continue
            r = n
            n += 1
            k = _key(cdf)
            key[r] = k
            start[r] = t
            spent = draw(edge_spec)
            if _lookup(edge, k, edge_capacity):
                latency[r] = spent
                continue
            spent += draw(origin_spec) + draw(app_spec)
            if _lookup(app, k, app_capacity):
                tier[r] = APP
                latency[r] = spent
                edge_used = _fill(edge, k, edge_capacity, edge_used)
                continue
            tier[r] = DATABASE
            latency[r] = spent  # so far; the database adds queueing and service
            h = heap_push(h, t + spent * MS, AT_DB, r)
        elif kind == AT_DB:
            j = np.random.randint(0, replicas)
            if routing == LEAST_LOADED:
                j = np.argmin(free_at)
            service = draw(db_spec) * MS
            begin = max(t, free_at[j])
            free_at[j] = begin + service
            busy[j] += service
            latency[r] += (begin + service - t) / MS
            h = heap_push(h, begin + service, DB_DONE, r)
        else:
            k = key[r]
            app_used = _fill(app, k, app_capacity, app_used)
            edge_used = _fill(edge, k, edge_capacity, edge_used)
    return start[:n], latency[:n], tier[:n], key[:n], busy, truncated
