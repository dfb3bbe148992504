"""The station: c servers and one queue, fed by clients, as a numba event loop.

Built on ``kit.core.events``. Events are arrivals (open-loop Poisson with a
piecewise-constant rate per class, in batches; a replayed trace;
closed-loop clients that think between requests), retries, departures and
client timeouts. Each attempt is one row of ``tm`` (its times) and of
``info`` (its facts); the api turns rows into statistics.

The client side: a timeout abandons an attempt (the server may keep working
on it, or cancel it); a failed attempt (timeout, error, rejection) is
retried after a backoff sleep while retries and the retry budget last; an
optional circuit breaker fails calls fast while it is open.

The api builds four parameter records once per call (``Sources``,
``Servers``, ``Policy``, ``Bounds``, numba-friendly named tuples) and the
loop in :func:`station` hands them to one function per step of an event.
The clock is in seconds.
"""

from collections import namedtuple

import numpy as np

from ..core import policy_kernels as kk
from ..core.events import heap_new, heap_peek_time, heap_pop, heap_push, heap_size
from ..core.jit import njit, prange
from ..core.rng import CONSTANT, EXPONENTIAL, draw_at

# event kinds
ARRIVAL, TRACE, THINK, RETRY, DEPARTURE, TIMEOUT = range(6)
# queue disciplines
FIFO, LIFO, PRIORITY = range(3)
# what the server does with work whose client has timed out
CANCEL_NONE, CANCEL_QUEUED, CANCEL_ALL = range(3)
# the client's view of an attempt
PENDING, OK, TIMED_OUT, ERROR, REJECTED, SHORT_CIRCUITED = range(6)
# the server's view of an attempt
NOT_RUN, QUEUED, IN_SERVICE, SERVED, ABORTED, DROPPED = range(6)

# columns of the attempt records: times (float64) ...
ARRIVE, START, DONE, REPLY, SLEEP, N_TIMES = range(6)
# ARRIVE: the attempt reaches the station; START: service starts (nan: never);
# DONE: service ends, or is aborted or dropped (nan: still running at the end);
# REPLY: the client has its answer, a response, timeout or rejection (nan: still
# waiting); SLEEP: backoff slept before this attempt (base for a first try).
# ... and facts (int32)
CLASS, ATTEMPT, FIRST, STATUS, SERVER, CLIENT, EPOCH, FAILS, N_INFO = range(9)
# ATTEMPT: 0 for the first try, k for the k-th retry; FIRST: row of the first try
# (one logical request); CLIENT: closed-loop client or -1; EPOCH: breaker epoch
# when permitted; FAILS: 1 when the service ends in an error.
ROW_BYTES = 8 * N_TIMES + 4 * N_INFO  # memory of one attempt
UNLIMITED = 2**62  # customers, when only the horizon bounds a run

# columns of the timeline samples
SAMPLE_WAITING, SAMPLE_BUSY, SAMPLE_BREAKER, SAMPLE_TOKENS, N_SAMPLE = range(5)

# the run's counters (one int64 array, so that steps can update them in place)
ROWS, FIRSTS, BUSY, WAITING, N_COUNTERS = range(5)

# --- parameter records, built once by the api -------------------------------------------------------

Sources = namedtuple(
    "Sources", "seg_t rates batch_table batch_at trace_t trace_cls clients think_table think_at customers"
)
"""Where requests come from, per class k: Poisson rates ``rates[k, j]`` on
[seg_t[j], seg_t[j+1]) with batch sizes drawn from the spec at ``batch_at[k]``;
a sorted trace (``trace_t``, ``trace_cls``); ``clients[k]`` closed-loop
clients thinking per the spec at ``think_at[k]``. ``customers``: first tries
after which every source falls silent."""

Servers = namedtuple("Servers", "c discipline queue_cap service_table service_at fault_t slowdown error_p")
"""``c`` servers, a queue (``discipline``, ``queue_cap`` places or -1 for no
limit), service time per class from the spec at ``service_at[k]``, times
``slowdown[k, j]`` and failing with ``error_p[k, j]`` on [fault_t[j], fault_t[j+1])."""

Policy = namedtuple(
    "Policy", "timeout cancel max_retries backoff base cap multiplier budget_ratio budget_cap breaker"
)
"""What clients do about failure (``kit.core.policies``): a ``timeout`` (s;
inf for none), ``cancel`` (what the server does with abandoned work), retries
with ``backoff`` (a ``policy_kernels`` code) from ``base`` to ``cap`` (s), a
retry budget (``budget_cap`` inf: none) and a breaker configuration
(``policy_kernels.B_*``; empty: none)."""

Bounds = namedtuple("Bounds", "horizon max_events max_rows sample_dt rows_hint")
"""Stop at ``horizon`` (s), or, truncated, at ``max_events`` events or
``max_rows`` attempts; sample the state every ``sample_dt`` s (0: never);
``rows_hint``: attempts to make room for at the start."""


# --- arrivals ---------------------------------------------------------------------------------------


@njit
def next_arrival(seg_t, rates, k, t):
    """Next arrival of class ``k`` after ``t``; rate ``rates[k, j]`` on [seg_t[j], seg_t[j+1]).

    Exact for piecewise-constant rates: an exponential gap that crosses a
    boundary is redrawn from the boundary (memorylessness). +inf if none.
    """
    m = seg_t.size
    if m == 1:  # a constant rate, the common case
        return t + np.random.exponential(1.0 / rates[k, 0]) if rates[k, 0] > 0.0 else np.inf
    j = np.searchsorted(seg_t, t, side="right") - 1
    while True:
        end = seg_t[j + 1] if j + 1 < m else np.inf
        if rates[k, j] > 0.0:
            t_next = t + np.random.exponential(1.0 / rates[k, j])
            if t_next < end:
                return t_next
        if end == np.inf:
            return np.inf
        t = end
        j += 1


@njit(inline="always")
def _next_source(next_arr, t_trace):
    """The next open-loop or trace arrival: ``(time, class, from_trace)``; ``t_trace``: the trace's next."""
    t_src = np.inf
    k_src = 0
    for k in range(next_arr.size):
        if next_arr[k] < t_src:
            t_src = next_arr[k]
            k_src = k
    if t_trace < t_src:
        return t_trace, k_src, True
    return t_src, k_src, False


@njit(inline="always")
def _think_s(think_table, think_at, k):
    """A think time of a closed-loop client of class ``k`` (s, not negative)."""
    return max(draw_at(think_table, think_at[k]), 0.0)


@njit
def _start_clients(src, ev):
    """Every closed-loop client's first think; returns ``(class of each client, heap)``."""
    client_cls = np.empty(src.clients.sum(), np.int64)
    cid = 0
    for k in range(src.clients.size):
        for _ in range(src.clients[k]):
            client_cls[cid] = k
            ev = heap_push(ev, _think_s(src.think_table, src.think_at, k), THINK, cid)
            cid += 1
    return client_cls, ev


# --- the attempt table ------------------------------------------------------------------------------


@njit
def _grow(tm, info, need, most):
    """A table with room for ``need`` rows: twice the size, but never beyond ``most`` rows."""
    rows = max(min(2 * tm.shape[0], most), need)
    tm2 = np.empty((rows, N_TIMES))
    info2 = np.empty((rows, N_INFO), np.int32)
    tm2[: tm.shape[0]] = tm
    info2[: info.shape[0]] = info
    return tm2, info2


@njit(inline="always")
def _init(tm, info, r, now, cls, attempt, first, client, sleep):
    tm[r, ARRIVE] = now
    tm[r, START] = np.nan
    tm[r, DONE] = np.nan
    tm[r, REPLY] = np.nan
    tm[r, SLEEP] = sleep
    info[r, CLASS] = cls
    info[r, ATTEMPT] = attempt
    info[r, FIRST] = first
    info[r, STATUS] = PENDING
    info[r, SERVER] = NOT_RUN
    info[r, CLIENT] = client
    info[r, EPOCH] = 0
    info[r, FAILS] = 0


@njit(inline="always")
def _batch(batch_table, at):
    """Requests one Poisson arrival brings (at least 1)."""
    if batch_table[at] == CONSTANT:  # plain Poisson: no draw
        return max(int(np.round(batch_table[at + 1])), 1)
    return max(int(np.round(draw_at(batch_table, at))), 1)


@njit(inline="always")
def _add_first_tries(run, tm, info, cnt, k, count, client, now, base):
    """``count`` first tries of class ``k`` (at most up to ``run.max_rows`` rows); returns the table."""
    n = cnt[ROWS]
    count = min(count, run.max_rows - n)
    if n + count > tm.shape[0]:
        tm, info = _grow(tm, info, n + count, run.max_rows)
    for i in range(n, n + count):
        _init(tm, info, i, now, k, 0, i, client, base)
    cnt[ROWS] = n + count
    cnt[FIRSTS] += count
    return tm, info


@njit(inline="always")
def _add_retry(run, tm, info, cnt, r, now):
    """The retry of attempt ``r``; returns the table."""
    n = cnt[ROWS]
    if n + 1 > tm.shape[0]:
        tm, info = _grow(tm, info, n + 1, run.max_rows)
    _init(tm, info, n, now, info[r, CLASS], info[r, ATTEMPT] + 1, info[r, FIRST], info[r, CLIENT],
          now - tm[r, REPLY])  # fmt: skip
    cnt[ROWS] = n + 1
    return tm, info


# --- servers and the waiting line -------------------------------------------------------------------


@njit(inline="always")
def _piece(bounds, values, k, t):
    """``values[k, j]`` for the piece [bounds[j], bounds[j+1]) holding t (bounds[0] = 0)."""
    return values[k, np.searchsorted(bounds, t, side="right") - 1]


@njit(inline="always")  # the hot path: inlined, no call passes the records' arrays around
def _start(srv, tm, info, r, now):
    """A server starts attempt ``r``: draw its (possibly slowed) service and its fate; returns its end."""
    tm[r, START] = now
    info[r, SERVER] = IN_SERVICE
    k = info[r, CLASS]
    at = srv.service_at[k]
    if srv.service_table[at] == EXPONENTIAL:  # the common case, drawn here rather than through draw_at
        s = np.random.exponential(srv.service_table[at + 1])
    else:
        s = draw_at(srv.service_table, at)
    if srv.fault_t.size > 1:  # there are degradations (without any, the schedule is a single piece)
        s *= _piece(srv.fault_t, srv.slowdown, k, now)
        p_error = _piece(srv.fault_t, srv.error_p, k, now)
        if p_error > 0.0 and np.random.random() < p_error:
            info[r, FAILS] = 1
    return now + max(s, 0.0)


# A FIFO or LIFO line is a ring of rows in one int64 array: [head, length, items...] with a
# power-of-2 number of items (O(1) at both ends); PRIORITY uses an event heap keyed by class.
@njit
def ring_new(capacity):
    """An empty ring with room for ``capacity`` (a power of 2) rows."""
    ring = np.empty(capacity + 2, np.int64)
    ring[0] = 0
    ring[1] = 0
    return ring


@njit(inline="always")
def _ring_push(ring, r):
    """Append row ``r``; returns the ring (twice the size when it was full)."""
    size = ring.size - 2
    head, length = ring[0], ring[1]
    if length == size:
        grown = ring_new(2 * size)
        for i in range(length):
            grown[2 + i] = ring[2 + ((head + i) & (size - 1))]
        ring = grown
        head = 0
        size *= 2
    ring[2 + ((head + length) & (size - 1))] = r
    ring[1] = length + 1
    return ring


@njit(inline="always")
def _enqueue(discipline, ring, q, info, cnt, r):
    """Attempt ``r`` joins the line; returns ``(ring, queue heap)`` (either may have grown)."""
    if discipline == PRIORITY:
        q = heap_push(q, float(info[r, CLASS]), 0, r)  # ties pop in push order: FIFO within a class
    else:
        ring = _ring_push(ring, r)
    info[r, SERVER] = QUEUED
    cnt[WAITING] += 1
    return ring, q


@njit(inline="always")
def _dequeue(discipline, ring, q, info, cnt):
    """The next live attempt of the line: the oldest (FIFO), newest (LIFO) or lowest class; -1 if none.

    Attempts whose client gave up while they waited (dropped) are skipped.
    """
    while ring[1] > 0 or heap_size(q) > 0:
        if discipline == PRIORITY:
            _, _, r = heap_pop(q)
        else:
            size = ring.size - 2
            ring[1] -= 1
            if discipline == LIFO:
                r = ring[2 + ((ring[0] + ring[1]) & (size - 1))]
            else:
                r = ring[2 + ring[0]]
                ring[0] = (ring[0] + 1) & (size - 1)
        if info[r, SERVER] != DROPPED:
            cnt[WAITING] -= 1
            return r
    return -1


# --- the client's side ------------------------------------------------------------------------------


@njit
def _record(pol, bst, bwin, tm, info, r, now):
    """Tell the breaker how the call of attempt ``r`` ended: failed (not OK) or not, and how long it took.

    Only calls it permitted count (``EPOCH``); a timed-out call took exactly the timeout.
    """
    failed = 1.0 if info[r, STATUS] != OK else 0.0
    duration = pol.timeout if info[r, STATUS] == TIMED_OUT else now - tm[r, ARRIVE]
    slow = 1.0 if duration > pol.breaker[kk.B_SLOW_S] else 0.0
    kk.breaker_record(pol.breaker, bst, bwin, now, float(info[r, EPOCH]), failed, slow)


@njit(inline="always")
def _departure(tm, info, cnt, r, now):
    """Service of ``r`` ends. Returns ``(row to settle or -1, a server was freed)``."""
    if info[r, SERVER] != IN_SERVICE:
        return -1, False  # aborted when its client timed out
    tm[r, DONE] = now
    info[r, SERVER] = SERVED
    cnt[BUSY] -= 1
    if info[r, STATUS] != PENDING:
        return -1, True  # its client has gone: wasted work
    tm[r, REPLY] = now
    info[r, STATUS] = ERROR if info[r, FAILS] else OK
    return r, True


@njit(inline="always")
def _timeout(cancel, tm, info, cnt, r, now):
    """The client of ``r`` gives up. Returns ``(row to settle or -1, a server was freed)``."""
    if info[r, STATUS] != PENDING:
        return -1, False
    info[r, STATUS] = TIMED_OUT
    tm[r, REPLY] = now
    if cancel >= CANCEL_QUEUED and info[r, SERVER] == QUEUED:
        info[r, SERVER] = DROPPED  # left in the line, skipped when it surfaces
        tm[r, DONE] = now
        cnt[WAITING] -= 1
    elif cancel == CANCEL_ALL and info[r, SERVER] == IN_SERVICE:
        info[r, SERVER] = ABORTED
        tm[r, DONE] = now
        cnt[BUSY] -= 1
        return r, True
    return r, False


@njit
def _settle(pol, think_table, think_at, tm, info, r, now, tokens, ev):
    """The client of attempt ``r`` has its answer: done, a retry, or (closed loop) think anew.

    A success earns ``budget_ratio`` tokens (up to ``budget_cap``); a retry
    spends one, and is allowed only with a whole token left. Schedules the
    RETRY of r or the THINK of its client; returns ``(heap, tokens)``.
    """
    if info[r, STATUS] == OK:
        tokens = min(pol.budget_cap, tokens + pol.budget_ratio)
    elif info[r, ATTEMPT] < pol.max_retries and tokens >= 1.0:
        if pol.budget_cap < np.inf:
            tokens -= 1.0
        sleep = kk.backoff_sleep(
            pol.backoff, info[r, ATTEMPT] + 1, pol.base, pol.cap, pol.multiplier, tm[r, SLEEP]
        )
        return heap_push(ev, now + sleep, RETRY, r), tokens
    if info[r, CLIENT] >= 0:
        ev = heap_push(ev, now + _think_s(think_table, think_at, info[r, CLASS]), THINK, info[r, CLIENT])
    return ev, tokens


@njit
def _short_circuit(src, pol, tm, info, bst, bwin, r, now):
    """A new attempt meets the breaker. Returns -1 if it may go on, else when its client tries anew.

    Failed fast, a closed-loop client thinks and tries anew (the time
    returned); an open-loop one does not retry a short-circuited call (inf).
    """
    if kk.breaker_acquire(pol.breaker, bst, bwin, now):
        info[r, EPOCH] = int(bst[kk.S_EPOCH])
        return -1.0
    info[r, STATUS] = SHORT_CIRCUITED
    tm[r, REPLY] = now
    return now + _think_s(src.think_table, src.think_at, info[r, CLASS]) if info[r, CLIENT] >= 0 else np.inf


# --- the loop ---------------------------------------------------------------------------------------


@njit
def _samples(run):
    """Room for the state at ``k * sample_dt`` up to the horizon (none without a finite horizon)."""
    n = int(np.floor(run.horizon / run.sample_dt)) + 1 if run.sample_dt > 0.0 and run.horizon < np.inf else 0
    return np.full((n, N_SAMPLE), np.nan)


@njit(inline="always")
def _sample_until(samples, i, dt, t, cnt, bst, tokens):
    """Record the state at every sample time up to ``t``; returns the next sample's index."""
    while i < samples.shape[0] and i * dt <= t:
        samples[i, SAMPLE_WAITING] = cnt[WAITING]
        samples[i, SAMPLE_BUSY] = cnt[BUSY]
        samples[i, SAMPLE_BREAKER] = bst[kk.S_STATE]
        samples[i, SAMPLE_TOKENS] = tokens
        i += 1
    return i


@njit
def station(src, srv, pol, run, seed):
    """Simulate the station; see the module docstring and ``kit.queueing.simulate``.

    Returns ``(tm, info, samples, end_time, events, truncated)``: one row of
    each per attempt; the state (waiting, busy, breaker, retry tokens) at
    ``k * sample_dt`` for k = 0.. up to the horizon; the time of the last
    event; the events handled; whether ``max_events`` or ``max_rows``
    stopped the run.
    """
    np.random.seed(seed)
    tm = np.empty((max(run.rows_hint, 64), N_TIMES))
    info = np.empty((tm.shape[0], N_INFO), np.int32)
    cnt = np.zeros(N_COUNTERS, np.int64)
    bst, bwin = (
        kk.breaker_new(pol.breaker) if pol.breaker.size > 0 else (np.zeros(kk.S_SIZE), np.zeros((1, 4)))
    )
    samples = _samples(run)
    # Open-loop sources and the trace keep their next arrival outside the heap:
    # a stream needs only its next time, and this saves a push and a pop per arrival.
    next_arr = np.array([next_arrival(src.seg_t, src.rates, k, 0.0) for k in range(src.rates.shape[0])])
    client_cls, ev = _start_clients(src, heap_new(64))
    ring, q = ring_new(64), heap_new(64 if srv.discipline == PRIORITY else 1)
    tokens, trace_i, next_sample, events, now, truncated = pol.budget_cap, 0, 0, 0, 0.0, False
    while True:
        t_trace = src.trace_t[trace_i] if trace_i < src.trace_t.size else np.inf
        t_src, k_src, from_trace = _next_source(next_arr, t_trace)
        t_next = min(t_src, heap_peek_time(ev))
        if t_next == np.inf or t_next > run.horizon:
            break
        if events >= run.max_events:
            truncated = True
            break
        if next_sample < samples.shape[0] and next_sample * run.sample_dt <= t_next:
            next_sample = _sample_until(samples, next_sample, run.sample_dt, t_next, cnt, bst, tokens)
        events += 1
        if t_src == t_next:  # ties: arrivals first
            now = t_src
            kind, data = (TRACE, trace_i) if from_trace else (ARRIVAL, k_src)
            trace_i += 1 if from_trace else 0
        else:
            now, kind, data = heap_pop(ev)

        first_new = cnt[ROWS]  # attempts this event creates: rows first_new .. cnt[ROWS]-1
        if kind <= RETRY and cnt[ROWS] >= run.max_rows:
            truncated = True
            break
        if kind == RETRY:
            tm, info = _add_retry(run, tm, info, cnt, data, now)
        elif kind <= THINK:
            if kind == ARRIVAL:
                k, count, client = data, _batch(src.batch_table, src.batch_at[data]), -1
                next_arr[data] = next_arrival(src.seg_t, src.rates, data, now)
            else:
                k, count, client = (
                    (src.trace_cls[data], 1, -1) if kind == TRACE else (client_cls[data], 1, data)
                )
            count = min(count, src.customers - cnt[FIRSTS])
            tm, info = _add_first_tries(run, tm, info, cnt, k, count, client, now, pol.base)
            if cnt[FIRSTS] >= src.customers:  # the sources fall silent
                next_arr[:] = np.inf
                trace_i = src.trace_t.size

        settle, freed = -1, False  # an attempt that ended, and whether it freed a server
        if kind == DEPARTURE:
            settle, freed = _departure(tm, info, cnt, data, now)
        elif kind == TIMEOUT:
            settle, freed = _timeout(pol.cancel, tm, info, cnt, data, now)
        if settle >= 0 and pol.breaker.size > 0:
            _record(pol, bst, bwin, tm, info, settle, now)
        while freed and cnt[BUSY] < srv.c:  # freed servers take the next live attempts from the line
            r = _dequeue(srv.discipline, ring, q, info, cnt)
            if r < 0:
                break
            cnt[BUSY] += 1
            ev = heap_push(ev, _start(srv, tm, info, r, now), DEPARTURE, r)

        for r in range(first_new, cnt[ROWS]):  # new attempts: the breaker, a server, the line or rejection
            if pol.breaker.size > 0:
                again = _short_circuit(src, pol, tm, info, bst, bwin, r, now)
                if again >= 0:
                    if again < np.inf:
                        ev = heap_push(ev, again, THINK, info[r, CLIENT])
                    continue
            if cnt[BUSY] < srv.c:
                cnt[BUSY] += 1
                ev = heap_push(ev, _start(srv, tm, info, r, now), DEPARTURE, r)
            elif srv.queue_cap < 0 or cnt[WAITING] < srv.queue_cap:
                ring, q = _enqueue(srv.discipline, ring, q, info, cnt, r)
            else:  # rejected: a failure the caller sees at once (resilience4j records it as one)
                info[r, STATUS] = REJECTED
                tm[r, REPLY] = now
                if pol.breaker.size > 0:
                    _record(pol, bst, bwin, tm, info, r, now)
                ev, tokens = _settle(pol, src.think_table, src.think_at, tm, info, r, now, tokens, ev)
                continue
            if pol.timeout < np.inf:
                ev = heap_push(ev, now + pol.timeout, TIMEOUT, r)
        if settle >= 0 and (
            info[settle, STATUS] != OK or info[settle, CLIENT] >= 0 or pol.budget_cap < np.inf
        ):
            ev, tokens = _settle(pol, src.think_table, src.think_at, tm, info, settle, now, tokens, ev)

    if not truncated:  # the state holds from the last event to the horizon
        _sample_until(samples, next_sample, run.sample_dt, np.inf, cnt, bst, tokens)
    n = cnt[ROWS]
    return tm[:n], info[:n], samples, now, events, truncated


# --- M/M/c replications -----------------------------------------------------------------------------


@njit
def mmc_stats(tm, warmup, c):
    """Mean wait, mean sojourn, fraction that waited, utilization: customers after ``warmup``.

    Rows are customers in arrival order (one class, no retries). The
    utilization is busy server time over [first measured arrival, last
    arrival], divided by c times its length, so the drain at the end does
    not dilute it.
    """
    n = tm.shape[0]
    m = n - warmup
    total_wait = 0.0
    total_sojourn = 0.0
    waited = 0
    for r in range(warmup, n):
        w = tm[r, START] - tm[r, ARRIVE]
        total_wait += w
        total_sojourn += tm[r, DONE] - tm[r, ARRIVE]
        if w > 0.0:
            waited += 1
    t0 = tm[warmup, ARRIVE]
    t1 = tm[n - 1, ARRIVE]
    busy = 0.0
    for r in range(n):
        busy += max(0.0, min(tm[r, DONE], t1) - max(tm[r, START], t0))
    utilization = busy / (c * (t1 - t0)) if t1 > t0 else np.nan
    return total_wait / m, total_sojourn / m, waited / m, utilization


@njit(parallel=True)
def mmc_replications(src, srv, pol, run, warmup, seeds):
    """The station once per seed, in parallel: float64[replications, 4] of ``mmc_stats``."""
    out = np.empty((seeds.size, 4))
    for i in prange(seeds.size):
        tm, _, _, _, _, _ = station(src, srv, pol, run, np.int64(seeds[i]))
        w, s, p, u = mmc_stats(tm, warmup, srv.c)
        out[i, 0] = w
        out[i, 1] = s
        out[i, 2] = p
        out[i, 3] = u
    return out
