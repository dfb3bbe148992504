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
"""

import numpy as np

from ..core.events import heap_new, heap_peek_time, heap_pop, heap_push, heap_size
from ..core.jit import njit, prange
from ..core.policy_kernels import (
    B_SLOW_S,
    NONE,
    S_EPOCH,
    S_SIZE,
    S_STATE,
    backoff_sleep,
    breaker_acquire,
    breaker_new,
    breaker_record,
)
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

# columns of the timeline samples
SAMPLE_WAITING, SAMPLE_BUSY, SAMPLE_BREAKER, SAMPLE_TOKENS, N_SAMPLE = range(5)


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


@njit
def _piece(bounds, values, k, t):
    """``values[k, j]`` for the piece [bounds[j], bounds[j+1]) holding t (bounds[0] = 0)."""
    return values[k, np.searchsorted(bounds, t, side="right") - 1]


@njit
def _grow(tm, info, need):
    rows = max(2 * tm.shape[0], need)
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


@njit(inline="always")  # the hot path: a call passing seven arrays costs more than the body
def _start(tm, info, r, now, service_table, service_at, fault_t, slowdown, error_p):
    """Server starts attempt ``r``: draw its (possibly slowed) service and its fate; returns its end."""
    tm[r, START] = now
    info[r, SERVER] = IN_SERVICE
    k = info[r, CLASS]
    at = service_at[k]
    if service_table[at] == EXPONENTIAL:  # the common case, drawn here rather than through draw_at
        s = np.random.exponential(service_table[at + 1])
    else:
        s = draw_at(service_table, at)
    if fault_t.size > 1:  # there are degradations (without any, the schedule is a single piece)
        s *= _piece(fault_t, slowdown, k, now)
        p_error = _piece(fault_t, error_p, k, now)
        if p_error > 0.0 and np.random.random() < p_error:
            info[r, FAILS] = 1
    return now + max(s, 0.0)


@njit
def _settle(
    tm, info, r, now, max_retries, backoff, base, cap, multiplier, budget_ratio, budget_cap, tokens,
    think_table, think_at,
):  # fmt: skip
    """The client of attempt ``r`` has its answer: success, a retry, or giving up.

    Returns ``(time, kind, tokens)``: the event to schedule (a RETRY of r,
    a THINK of its closed-loop client, or kind -1 for none) and the retry
    tokens left. A success earns ``budget_ratio`` tokens (up to
    ``budget_cap``); a retry spends one.
    """
    if info[r, STATUS] == OK:
        tokens = min(budget_cap, tokens + budget_ratio)
    elif info[r, ATTEMPT] < max_retries and tokens >= 1.0:
        if budget_cap < np.inf:
            tokens -= 1.0
        sleep = backoff_sleep(backoff, info[r, ATTEMPT] + 1, base, cap, multiplier, tm[r, SLEEP])
        return now + sleep, RETRY, tokens
    if info[r, CLIENT] >= 0:
        return now + max(draw_at(think_table, think_at[info[r, CLASS]]), 0.0), THINK, tokens
    return now, -1, tokens


@njit
def _grow_ring(ring, head, length):
    """The ring's items in order at the start of one twice the size (sizes are powers of 2)."""
    grown = np.empty(2 * ring.size, np.int64)
    for i in range(length):
        grown[i] = ring[(head + i) & (ring.size - 1)]
    return grown


@njit
def _sample(samples, i, waiting, busy, bst, tokens):
    samples[i, SAMPLE_WAITING] = waiting
    samples[i, SAMPLE_BUSY] = busy
    samples[i, SAMPLE_BREAKER] = bst[S_STATE]
    samples[i, SAMPLE_TOKENS] = tokens


@njit
def station(
    c,
    discipline,
    queue_cap,
    seg_t,
    rates,
    batch_table,
    batch_at,
    trace_t,
    trace_cls,
    clients,
    think_table,
    think_at,
    service_table,
    service_at,
    fault_t,
    slowdown,
    error_p,
    timeout,
    cancel,
    max_retries,
    backoff,
    base,
    cap,
    multiplier,
    budget_ratio,
    budget_cap,
    breaker_cfg,
    customers,
    horizon,
    max_events,
    sample_dt,
    rows_hint,
    seed,
):
    """Simulate the station; see the module docstring and ``kit.queueing.simulate``.

    Distributions per class k are specs in a table at ``*_at[k]``
    (``kit.core.rng.spec_table``). Returns ``(tm, info, samples, end_time,
    events, truncated)``: one row of each per attempt; the state (waiting,
    busy, breaker, retry tokens) at ``k * sample_dt`` for k = 0.. up to the
    horizon; the time of the last event; the events handled; whether
    ``max_events`` stopped the run.
    """
    np.random.seed(seed)
    n_classes = rates.shape[0]
    ev = heap_new(64)
    rows = max(rows_hint, 64)
    tm = np.empty((rows, N_TIMES))
    info = np.empty((rows, N_INFO), np.int32)
    n = 0  # attempts so far
    n_first = 0  # logical requests so far
    busy = 0
    waiting = 0
    tokens = budget_cap
    use_breaker = breaker_cfg.size > 0
    if use_breaker:
        bst, bwin = breaker_new(breaker_cfg)
    else:
        bst, bwin = np.zeros(S_SIZE), np.zeros((1, 4))
    slow_s = breaker_cfg[B_SLOW_S] if use_breaker else np.inf
    n_samples = int(np.floor(horizon / sample_dt)) + 1 if sample_dt > 0.0 and horizon < np.inf else 0
    samples = np.full((n_samples, N_SAMPLE), np.nan)
    next_sample = 0

    # Open-loop sources and the trace keep their next arrival outside the heap:
    # a stream needs only its next time, and this saves a push and a pop per arrival.
    next_arr = np.empty(n_classes)
    for k in range(n_classes):
        next_arr[k] = next_arrival(seg_t, rates, k, 0.0)
    trace_i = 0
    client_cls = np.empty(clients.sum(), np.int64)
    cid = 0
    for k in range(n_classes):
        for _ in range(clients[k]):
            client_cls[cid] = k
            ev = heap_push(ev, max(draw_at(think_table, think_at[k]), 0.0), THINK, cid)
            cid += 1
    # FIFO and LIFO queues are a ring of rows (O(1)); PRIORITY uses a heap keyed by class
    ring = np.empty(64, np.int64)
    ring_head = 0
    ring_len = 0
    q = heap_new(64 if discipline == PRIORITY else 1)

    events = 0
    now = 0.0
    truncated = False
    while True:
        t_src = np.inf
        k_src = 0
        for k in range(n_classes):
            if next_arr[k] < t_src:
                t_src = next_arr[k]
                k_src = k
        from_trace = trace_i < trace_t.size and trace_t[trace_i] < t_src
        if from_trace:
            t_src = trace_t[trace_i]
        t_heap = heap_peek_time(ev)
        t_next = min(t_src, t_heap)
        if t_next == np.inf or t_next > horizon:
            break
        if events >= max_events:
            truncated = True
            break
        while next_sample < n_samples and next_sample * sample_dt <= t_next:
            _sample(samples, next_sample, waiting, busy, bst, tokens)
            next_sample += 1
        events += 1
        if t_src <= t_heap:  # ties: arrivals first
            now = t_src
            if from_trace:
                kind = TRACE
                data = trace_i
                trace_i += 1
            else:
                kind = ARRIVAL
                data = k_src
        else:
            now, kind, data = heap_pop(ev)

        # 1. events that create attempts (rows first_new .. n-1)
        first_new = n
        if kind == ARRIVAL or kind == TRACE or kind == THINK:
            if kind == ARRIVAL:
                k = data
                at = batch_at[k]
                if batch_table[at] == CONSTANT:  # plain Poisson: no draw
                    count = max(int(np.round(batch_table[at + 1])), 1)
                else:
                    count = max(int(np.round(draw_at(batch_table, at))), 1)
                next_arr[k] = next_arrival(seg_t, rates, k, now)
            elif kind == TRACE:
                k = trace_cls[data]
                count = 1
            else:
                k = client_cls[data]
                count = 1
            count = min(count, customers - n_first)
            if n + count > tm.shape[0]:
                tm, info = _grow(tm, info, n + count)
            for _ in range(count):
                _init(tm, info, n, now, k, 0, n, data if kind == THINK else -1, base)
                n += 1
            n_first += count
            if n_first >= customers:  # the sources fall silent
                next_arr[:] = np.inf
                trace_i = trace_t.size
        elif kind == RETRY:
            r = data
            if n + 1 > tm.shape[0]:
                tm, info = _grow(tm, info, n + 1)
            _init(tm, info, n, now, info[r, CLASS], info[r, ATTEMPT] + 1, info[r, FIRST], info[r, CLIENT],
                  now - tm[r, REPLY])  # fmt: skip
            n += 1

        # 2. events that end an attempt: the row to settle in step 5
        settle = -1
        freed = False
        if kind == DEPARTURE:
            r = data
            if info[r, SERVER] != IN_SERVICE:
                continue  # aborted when its client timed out
            tm[r, DONE] = now
            info[r, SERVER] = SERVED
            busy -= 1
            freed = True
            if info[r, STATUS] == PENDING:
                tm[r, REPLY] = now
                failed = info[r, FAILS]
                info[r, STATUS] = ERROR if failed else OK
                if use_breaker:
                    slow = 1.0 if now - tm[r, ARRIVE] > slow_s else 0.0
                    breaker_record(breaker_cfg, bst, bwin, now, float(info[r, EPOCH]), float(failed), slow)
                settle = r
        elif kind == TIMEOUT:
            r = data
            if info[r, STATUS] != PENDING:
                continue
            info[r, STATUS] = TIMED_OUT
            tm[r, REPLY] = now
            if use_breaker:
                slow = 1.0 if timeout > slow_s else 0.0
                breaker_record(breaker_cfg, bst, bwin, now, float(info[r, EPOCH]), 1.0, slow)
            if cancel >= CANCEL_QUEUED and info[r, SERVER] == QUEUED:
                info[r, SERVER] = DROPPED  # left in the queue heap, skipped when it surfaces
                tm[r, DONE] = now
                waiting -= 1
            elif cancel == CANCEL_ALL and info[r, SERVER] == IN_SERVICE:
                info[r, SERVER] = ABORTED
                tm[r, DONE] = now
                busy -= 1
                freed = True
            settle = r

        # 3. a freed server takes the next live attempt from the queue
        while freed and busy < c and (ring_len > 0 or heap_size(q) > 0):
            if discipline == FIFO:
                r = ring[ring_head]
                ring_head = (ring_head + 1) & (ring.size - 1)
                ring_len -= 1
            elif discipline == LIFO:
                ring_len -= 1
                r = ring[(ring_head + ring_len) & (ring.size - 1)]
            else:
                _, _, r = heap_pop(q)
            if info[r, SERVER] == DROPPED:
                continue
            waiting -= 1
            busy += 1
            ev = heap_push(
                ev,
                _start(tm, info, r, now, service_table, service_at, fault_t, slowdown, error_p),
                DEPARTURE,
                r,
            )

        # 4. new attempts meet the breaker, then a free server, the queue, or rejection
        for r in range(first_new, n):
            if use_breaker:
                if not breaker_acquire(breaker_cfg, bst, bwin, now):
                    info[r, STATUS] = SHORT_CIRCUITED
                    tm[r, REPLY] = now
                    if info[r, CLIENT] >= 0:  # failed fast: the client thinks, then tries anew
                        think = max(draw_at(think_table, think_at[info[r, CLASS]]), 0.0)
                        ev = heap_push(ev, now + think, THINK, info[r, CLIENT])
                    continue
                info[r, EPOCH] = int(bst[S_EPOCH])
            if busy < c:
                busy += 1
                ev = heap_push(
                    ev,
                    _start(tm, info, r, now, service_table, service_at, fault_t, slowdown, error_p),
                    DEPARTURE,
                    r,
                )
            elif queue_cap >= 0 and waiting >= queue_cap:
                info[r, STATUS] = REJECTED
                tm[r, REPLY] = now
                t, then, tokens = _settle(
                    tm, info, r, now, max_retries, backoff, base, cap, multiplier,
                    budget_ratio, budget_cap, tokens, think_table, think_at,
                )  # fmt: skip
                if then >= 0:
                    ev = heap_push(ev, t, then, r if then == RETRY else info[r, CLIENT])
                continue
            else:
                if discipline == PRIORITY:
                    q = heap_push(q, float(info[r, CLASS]), 0, r)  # ties pop in push order: FIFO
                else:
                    if ring_len == ring.size:
                        ring = _grow_ring(ring, ring_head, ring_len)
                        ring_head = 0
                    ring[(ring_head + ring_len) & (ring.size - 1)] = r
                    ring_len += 1
                info[r, SERVER] = QUEUED
                waiting += 1
            if timeout < np.inf:
                ev = heap_push(ev, now + timeout, TIMEOUT, r)

        # 5. the client reacts to an attempt that ended: done, retry, or give up
        if settle >= 0 and info[settle, STATUS] == OK and info[settle, CLIENT] < 0 and budget_cap == np.inf:
            pass  # an open-loop success without a retry budget: nothing to do
        elif settle >= 0:
            t, then, tokens = _settle(
                tm, info, settle, now, max_retries, backoff, base, cap, multiplier,
                budget_ratio, budget_cap, tokens, think_table, think_at,
            )  # fmt: skip
            if then >= 0:
                ev = heap_push(ev, t, then, settle if then == RETRY else info[settle, CLIENT])

    # the state holds from the last event to the horizon, unless the run was cut short
    while not truncated and next_sample < n_samples:
        _sample(samples, next_sample, waiting, busy, bst, tokens)
        next_sample += 1
    return tm[:n], info[:n], samples, now, events, truncated


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
def mmc_replications(lam, mu, c, customers, warmup, seeds):
    """M/M/c FIFO, one replication per seed, in parallel: float64[replications, 4] of ``mmc_stats``."""
    out = np.empty((seeds.size, 4))
    seg_t = np.zeros(1)
    rates = np.full((1, 1), lam)
    one = np.array([float(CONSTANT), 1.0, 0.0])  # one customer per arrival (and no think time)
    service = np.array([float(EXPONENTIAL), 1.0 / mu, 0.0])
    at = np.zeros(1, np.int64)
    no_trace = np.empty(0)
    no_trace_cls = np.empty(0, np.int64)
    no_clients = np.zeros(1, np.int64)
    ones = np.ones((1, 1))
    zeros = np.zeros((1, 1))
    no_breaker = np.empty(0)
    # int64 variables, not literals: a literal argument would compile a second station
    fifo, unlimited_queue, no_cancel, no_retries, no_backoff = (
        np.int64(FIFO), np.int64(-1), np.int64(CANCEL_NONE), np.int64(0), np.int64(NONE)
    )  # fmt: skip
    max_events = np.int64(2**62)
    for i in prange(seeds.size):
        tm, _, _, _, _, _ = station(
            c, fifo, unlimited_queue, seg_t, rates, one, at, no_trace, no_trace_cls, no_clients, one, at,
            service, at, np.zeros(1), ones, zeros, np.inf, no_cancel, no_retries, no_backoff, 0.0, 0.0, 2.0,
            0.0, np.inf, no_breaker, customers, np.inf, max_events, 0.0, customers, np.int64(seeds[i]),
        )  # fmt: skip
        w, s, p, u = mmc_stats(tm, warmup, c)
        out[i, 0] = w
        out[i, 1] = s
        out[i, 2] = p
        out[i, 3] = u
    return out
