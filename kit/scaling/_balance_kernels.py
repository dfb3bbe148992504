# ruff: noqa: NPY002 - numba kernels can only use numpy's legacy global RNG (seeded per run)
"""N servers behind one load balancer: a discrete-event loop on ``kit.core.events``.

Requests arrive in a Poisson stream; the balancer sends each to one server
by its policy; every server serves its own FIFO queue, one request at a
time, at its speed. Because a server's queue is FIFO and a service time
does not depend on the state, a request's departure is known when it is
dispatched (Lindley's recursion: it starts when it arrives or when the
server's previous request leaves); the heap holds those departures, so that
the number of requests at each server (what load-aware policies read) is
exact at every arrival. Clock in seconds.

Events at equal times: departures first, then the balancer's refresh of its
view, then the arrival.
"""

from collections import namedtuple

import numpy as np

from ..core.events import heap_new, heap_peek_time, heap_pop, heap_push
from ..core.jit import njit, prange
from ..core.rng import draw

RANDOM, ROUND_ROBIN, LEAST_CONN, POWER_OF_D, HASH, WEIGHTED_RR = range(6)
DEPARTURE = 0

# what one run reports beside its arrays
OUT_T0, OUT_T1, OUT_EVENTS, N_OUT = range(4)


@njit(inline="always")
def _move_up(order, pos, start, s, c):
    """Server ``s`` goes from c to c + 1 requests: swap it to the end of bucket c, shrink the bucket."""
    last = start[c + 1] - 1
    other = order[last]
    i = pos[s]
    order[i], order[last] = other, s
    pos[other], pos[s] = i, last
    start[c + 1] -= 1


@njit(inline="always")
def _move_down(order, pos, start, s, c):
    """Server ``s`` goes from c to c - 1 requests: swap it to the front of bucket c, grow bucket c - 1."""
    first = start[c]
    other = order[first]
    i = pos[s]
    order[i], order[first] = other, s
    pos[other], pos[s] = i, first
    start[c] += 1


@njit(inline="always")
def _hold(tis, last_change, s, c, now, t0):
    """Server ``s`` has held ``c`` requests since its last change: count the time inside the window."""
    if now > t0:
        tis[s, min(c, tis.shape[1] - 1)] += now - last_change[s]
        last_change[s] = now


@njit(inline="always")
def _smooth_wrr(current, speeds, total):
    """nginx's smooth weighted round robin: add each weight, take the largest, subtract the total."""
    s = 0
    for j in range(speeds.size):
        current[j] += speeds[j]
        if current[j] > current[s]:
            s = j
    current[s] -= total
    return s


@njit
def _grow_start(start, n):
    """Room for a bucket one higher: a bucket that does not exist yet starts at n (empty)."""
    grown = np.full(2 * start.size, n, np.int64)
    grown[: start.size] = start
    return grown


@njit
def _pick_min(values, cand, n):
    """The servers with the smallest ``values``: writes them to ``cand``, returns how many."""
    best = values[0]
    for s in range(1, n):
        if values[s] < best:
            best = values[s]
    k = 0
    for s in range(n):
        if values[s] == best:
            cand[k] = s
            k += 1
    return k


@njit(inline="always")
def _power_of_d(view, n, d):
    """Least loaded (by ``view``) of d servers drawn independently and uniformly; ties at random.

    Independent draws (with replacement), as in Mitzenmacher's supermarket model.
    """
    best = np.random.randint(0, n)
    best_load = view[best]
    ties = 1
    for _ in range(d - 1):
        s = np.random.randint(0, n)
        load = view[s]
        if load < best_load:
            best, best_load, ties = s, load, 1
        elif load == best_load:
            ties += 1
            if np.random.randint(0, ties) == 0:
                best = s
    return best


#: Scalars of a run, built once by the api: the policy's code, the factor that turns ``spec``'s
#: draws into seconds, the arrival rate (1/s), requests and the first ``warmup`` left out, d (power
#: of d), the view's refresh period (s; 0: live) and the queue-length bins.
Run = namedtuple("Run", "policy to_s lam requests warmup d refresh nbins")


@njit
def run_one(run, speeds, spec, owner, key_cdf, seed):
    """One run (``run``: a :data:`Run`); see the module docstring. ``spec`` draws service times.

    Returns ``(response_s, server, time_in_state, out)``: the response time and
    server of each measured request (after ``warmup``), in arrival order;
    ``time_in_state[s, k]``, how long server s held k requests (the last bin:
    k or more) during the measured window; ``out`` = (window start, window end,
    events handled).
    """
    policy, to_s, lam, requests, warmup, d, refresh, nbins = run
    np.random.seed(seed)
    n = speeds.size
    measured = requests - warmup
    response = np.empty(measured, np.float32)
    server = np.empty(measured, np.int32)
    tis = np.zeros((n, nbins))
    count = np.zeros(n, np.int64)
    last_change = np.zeros(n)
    last_departure = np.zeros(n)
    view = np.zeros(n, np.int64)  # the balancer's (possibly stale) view of count
    cand = np.empty(n, np.int64)
    n_cand = _pick_min(view, cand, n)
    live = refresh <= 0.0
    # buckets of servers by count (least connections): order[start[c]:start[c+1]] hold count c
    buckets = policy == LEAST_CONN and live
    order = np.arange(n)
    pos = np.arange(n)
    start = np.full(8, n, np.int64)
    start[0] = 0
    current = np.zeros(n)  # smooth weighted round robin (nginx)
    total_speed = speeds.sum()
    rr = 0
    h = heap_new(1024)
    t = 0.0
    t0 = np.inf
    next_refresh = refresh if not live else np.inf
    events = 0
    for i in range(requests):
        t += np.random.exponential(1.0 / lam)
        if i == warmup:
            t0 = t
            for s in range(n):
                last_change[s] = t
        # departures (and refreshes of the balancer's view) up to now
        while True:
            t_dep = heap_peek_time(h)
            if t_dep <= t and t_dep <= next_refresh:
                td, _, s = heap_pop(h)
                events += 1
                c = count[s]
                _hold(tis, last_change, s, c, td, t0)
                if buckets:
                    _move_down(order, pos, start, s, c)
                count[s] = c - 1
            elif next_refresh <= t:
                view[:] = count
                n_cand = _pick_min(view, cand, n)
                next_refresh += refresh
            else:
                break
        # the balancer's choice
        if policy == RANDOM:
            s = np.random.randint(0, n)
        elif policy == ROUND_ROBIN:
            s = rr
            rr = rr + 1 if rr + 1 < n else 0
        elif policy == LEAST_CONN:
            if buckets:
                m = count[order[0]]
                s = order[np.random.randint(0, start[m + 1])]
            else:
                s = cand[np.random.randint(0, n_cand)]
        elif policy == POWER_OF_D:
            s = _power_of_d(count if live else view, n, d)
        elif policy == HASH:
            s = owner[np.searchsorted(key_cdf, np.random.random() * key_cdf[-1], side="right")]
        else:  # WEIGHTED_RR, weights = speeds
            s = _smooth_wrr(current, speeds, total_speed)
        # the request joins server s: its departure follows by Lindley's recursion
        service = max(draw(spec), 0.0) * to_s / speeds[s]
        done = max(t, last_departure[s]) + service
        last_departure[s] = done
        h = heap_push(h, done, DEPARTURE, s)
        events += 1
        c = count[s]
        _hold(tis, last_change, s, c, t, t0)
        if buckets:
            if c + 2 >= start.size:
                start = _grow_start(start, n)
            _move_up(order, pos, start, s, c)
        count[s] = c + 1
        if i >= warmup:
            response[i - warmup] = done - t
            server[i - warmup] = s
    for s in range(n):  # close the window at the last arrival
        _hold(tis, last_change, s, count[s], t, t0)
    out = np.empty(N_OUT)
    out[OUT_T0], out[OUT_T1], out[OUT_EVENTS] = t0, t, events
    return response, server, tis, out


@njit(parallel=True)
def run_many(run, speeds, spec, owner, key_cdf, seeds):
    """Independent replications of :func:`run_one`, one per seed, in parallel; results stacked."""
    reps = seeds.size
    n = speeds.size
    measured = run.requests - run.warmup
    response = np.empty(reps * measured, np.float32)
    server = np.empty(reps * measured, np.int32)
    tis = np.empty((reps, n, run.nbins))
    out = np.empty((reps, N_OUT))
    for r in prange(reps):
        rs, sv, ts, o = run_one(run, speeds, spec, owner, key_cdf, seeds[r])
        response[r * measured : (r + 1) * measured] = rs
        server[r * measured : (r + 1) * measured] = sv
        tis[r] = ts
        out[r] = o
    return response, server, tis, out
