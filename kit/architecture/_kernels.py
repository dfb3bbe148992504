"""Monte Carlo of requests through a service graph, and of a strangler-fig migration.

The graph arrives compiled by ``graph.py`` into flat arrays (nodes in
topological order, edges grouped by caller, synchronous edges before
asynchronous ones, in stage order). Distributions are specs in one table
(``kit.core.rng.spec_table``), in milliseconds; the clock is in seconds.

A request is a walk of the call tree with an explicit stack (numba has no
cheap recursion): a frame per call in progress, holding where the caller is
in its list of calls and what it has measured so far.
"""

import numpy as np

from ..core.jit import njit, prange
from ..core.rng import draw_at

CHUNK = 512  # requests per independently seeded chunk
MS = 1e-3  # the specs are in milliseconds, the clock in seconds

SYNC, ASYNC = 0, 1
OK, TIMED_OUT, DOWN = 0, 1, 2  # a request's outcome; the worse one wins (max)


@njit(inline="always")
def _own_time(table, own_at, wait_at, s):
    """Service ``s``'s own work for one call, plus its queueing wait when it has servers."""
    t = draw_at(table, own_at[s])
    if wait_at[s] >= 0:
        t += draw_at(table, wait_at[s])
    return t * MS


@njit
def _one_request(g, table, up, frames, times, entry):
    """(response_s, completion_s, outcome, deferred) of one request entering at ``entry``.

    ``g`` = (first, dst, kind, fanout, new_stage, timeout_s, net_at, own_at, wait_at, unit);
    ``up[unit]`` is this request's draw of which units are up. ``frames`` (int, depth x 4:
    node, edge, copy, status-and-deferred) and ``times`` (float, depth x 6: stage start,
    stage max, edge max, response, finish, network of the pending call) are scratch.
    """
    first, dst, kind, fanout, new_stage, timeout_s, net_at, own_at, wait_at, unit = g
    if not up[unit[entry]]:
        return 0.0, 0.0, DOWN, False
    d = 0
    _enter(frames, times, d, entry, first, table, own_at, wait_at)
    while True:
        s = frames[d, 0]
        e = frames[d, 1]
        if e < first[s + 1]:
            if frames[d, 2] == 0:  # starting edge e
                if kind[e] == ASYNC and times[d, 3] < 0.0:
                    times[d, 3] = times[d, 0] + times[d, 1]  # the response leaves before async work
                elif kind[e] == SYNC and new_stage[e]:
                    times[d, 0] += times[d, 1]
                    times[d, 1] = 0.0
            if frames[d, 2] < fanout[e]:
                frames[d, 2] += 1
                net = draw_at(table, net_at[e]) * MS
                times[d, 5] = net
                v = dst[e]
                if up[unit[v]]:
                    d += 1
                    _enter(frames, times, d, v, first, table, own_at, wait_at)
                elif kind[e] == SYNC:  # refused at once: the caller fails
                    frames[d, 3] |= DOWN
                    times[d, 2] = max(times[d, 2], net)
                else:  # the message waits in the queue for the consumer
                    frames[d, 3] |= 4
                continue
            if kind[e] == SYNC:
                times[d, 1] = max(times[d, 1], times[d, 2])
                times[d, 2] = 0.0
            frames[d, 1] += 1
            frames[d, 2] = 0
            continue
        # frame d is done
        resp = times[d, 0] + times[d, 1] if times[d, 3] < 0.0 else times[d, 3]
        fin = max(times[d, 4], resp)
        status = frames[d, 3]
        if d == 0:
            return resp, fin, status & 3, (status & 4) != 0
        d -= 1
        e = frames[d, 1]
        net = times[d, 5]
        if kind[e] == SYNC:
            t = net + resp
            frames[d, 3] |= status
            times[d, 4] = max(times[d, 4], times[d, 0] + net + fin)
            if t > timeout_s[e]:
                t = timeout_s[e]
                frames[d, 3] |= TIMED_OUT
            times[d, 2] = max(times[d, 2], t)
        else:
            times[d, 4] = max(times[d, 4], times[d, 3] + net + fin)
            if status != OK:
                frames[d, 3] |= 4


@njit(inline="always")
def _enter(frames, times, d, s, first, table, own_at, wait_at):
    own = _own_time(table, own_at, wait_at, s)
    frames[d, 0] = s
    frames[d, 1] = first[s]
    frames[d, 2] = 0
    frames[d, 3] = OK
    times[d, 0] = own
    times[d, 1] = 0.0
    times[d, 2] = 0.0
    times[d, 3] = -1.0
    times[d, 4] = own
    times[d, 5] = 0.0


@njit
def _request_chunk(c, g, table, p_up, entry, depth, requests, seeds, out):
    """Chunk ``c`` of :func:`simulate_requests`: its requests, written into ``out``."""
    resp, fin, outcome, deferred = out
    np.random.seed(seeds[c])
    frames = np.zeros((depth, 4), dtype=np.int64)
    times = np.zeros((depth, 6))
    up = np.empty(p_up.size, dtype=np.bool_)
    for r in range(c * CHUNK, min(requests, (c + 1) * CHUNK)):
        for u in range(p_up.size):
            up[u] = np.random.random() < p_up[u]
        a, b, o, x = _one_request(g, table, up, frames, times, entry)
        resp[r] = a
        fin[r] = b
        outcome[r] = o
        deferred[r] = x


@njit
def _request_outputs(requests):
    return (
        np.empty(requests),
        np.empty(requests),
        np.empty(requests, dtype=np.int8),
        np.empty(requests, dtype=np.bool_),
    )


@njit
def simulate_requests(g, table, p_up, entry, depth, requests, seeds):
    """Response and completion times (s), outcomes and deferrals of ``requests`` requests.

    Each request draws afresh which units are up (unit u with probability
    ``p_up[u]``, independently): a request arrives at a random moment, and
    every call it makes sees that moment's state. Chunk c of ``CHUNK``
    requests is seeded with ``seeds[c]``. The outcome bits: TIMED_OUT (1),
    DOWN (2), both (3: reported as DOWN by the api). One core: waking
    threads costs milliseconds, more than a small run takes.
    """
    out = _request_outputs(requests)
    for c in range(seeds.size):
        _request_chunk(c, g, table, p_up, entry, depth, requests, seeds, out)
    return out


@njit(parallel=True)
def simulate_requests_parallel(g, table, p_up, entry, depth, requests, seeds):
    """As :func:`simulate_requests`, the chunks spread over the cores (same result)."""
    out = _request_outputs(requests)
    for c in prange(seeds.size):
        _request_chunk(c, g, table, p_up, entry, depth, requests, seeds, out)
    return out


# --- the strangler fig ------------------------------------------------------------------------

ADVANCE, ROLLBACK, DONE = 0, 1, 2


@njit
def _binomial(n, p):
    """Binomial(n, p) for counts beyond numpy's int32 range (normal approximation above 10^6)."""
    if n <= 0 or p <= 0.0:
        return 0
    if n < 1_000_000:
        return np.random.binomial(n, p)
    mean = n * p
    k = round(mean + np.sqrt(mean * (1.0 - p)) * np.random.normal())
    return min(max(k, 0), n)


@njit(parallel=True)
def strangler_runs(shares, params, max_steps, runs, seeds):
    """``runs`` migrations through ``shares`` (fractions of traffic on the new system).

    ``params`` = (requests per step, legacy error rate, new error rate, P(the new system
    has a regression), regression error rate, gate: the most errors a step may have,
    steps a fix takes). Each step routes ``shares[i]`` of the traffic to the new system;
    a regression (drawn once per run; the fix after a rollback removes it) adds its
    error rate to the new system's. After the step the gate counts its errors (both systems):
    above the limit, traffic goes back to the previous share (rollback) for the steps
    the fix takes, then the share is tried again. Returns per run and step: share,
    requests, errors, decision (ADVANCE, ROLLBACK, DONE after the last share; -1 unused).
    Chunk c of ``CHUNK`` runs is seeded with ``seeds[c]``.
    """
    share = np.zeros((runs, max_steps))
    errors = np.zeros((runs, max_steps), dtype=np.int64)
    requests = np.zeros((runs, max_steps), dtype=np.int64)
    decision = np.full((runs, max_steps), -1, dtype=np.int8)
    for c in prange(seeds.size):
        np.random.seed(seeds[c])
        for r in range(c * CHUNK, min(runs, (c + 1) * CHUNK)):
            _one_migration(shares, params, share[r], requests[r], errors[r], decision[r])
    return share, requests, errors, decision


@njit
def _one_migration(shares, params, share, requests, errors, decision):
    """One run of :func:`strangler_runs`, written into its rows of the outputs."""
    n_req = round(params[0])
    e_old, e_new, p_reg, e_reg, gate, fix_steps = (
        params[1],
        params[2],
        params[3],
        params[4],
        params[5],
        params[6],
    )
    i = 0  # index of the share being tried
    regression = np.random.random() < p_reg
    fixing = 0
    for t in range(share.size):
        s = shares[i] if fixing == 0 else (shares[i - 1] if i > 0 else 0.0)
        n_new = round(n_req * s)
        e = e_new + (e_reg if regression and fixing == 0 else 0.0)
        bad_new = _binomial(n_new, min(e, 1.0))
        bad_old = _binomial(n_req - n_new, e_old)
        share[t] = s
        requests[t] = n_req
        errors[t] = bad_new + bad_old
        if fixing > 0:  # running on the previous share while the fix is made
            fixing -= 1
            regression = regression and fixing > 0
            decision[t] = ROLLBACK
        elif bad_new + bad_old > gate:
            fixing = round(fix_steps)
            regression = regression and fixing > 0
            decision[t] = ROLLBACK
        elif i == shares.size - 1:
            decision[t] = DONE
            return
        else:
            decision[t] = ADVANCE
            i += 1
