"""Monte Carlo kernels for sagas, two-phase commit and the outbox.

Arrays in, arrays out. A saga is a table of steps (``SF`` floats, ``SI``
ints, columns named below) whose latency distributions are slices of one flat
``specs`` array; faults are ``FF`` (floats) and ``FI`` (spec slices). Steps
are stored in order; ``SI[:, GROUP]`` numbers the groups of steps that run in
parallel, groups run one after another.

One run is simulated by :func:`_run_saga` as a sequence of attempts, each a
few draws, rather than through an event heap: a saga is sequential except
inside a parallel group, whose branches are independent until the group
joins. Runs go in chunks of ``CHUNK``, chunk c seeded with ``seeds[c]``, so
results do not depend on the thread count.

An optional trace of the first runs records every attempt, compensation,
message, timeout and crash as a row of ``TRACE_COLS`` floats; tests read the
invariants off it and the Gantt figure draws it.
"""

import numpy as np

from ..core.jit import njit, prange
from ..core.rng import draw

CHUNK = 512  # runs per independently seeded chunk

# step kinds (Richardson, Microservices Patterns, section 4.3.2)
COMPENSATABLE, PIVOT, RETRIABLE = 0, 1, 2
ORCHESTRATION, CHOREOGRAPHY = 0, 1
NO_JITTER, FULL_JITTER, EQUAL_JITTER = 0, 1, 2
COMMITTED, COMPENSATED, STUCK = 0, 1, 2  # a saga's outcome; 2PC uses COMMITTED and ABORTED
ABORTED = 1
OK, FAILED, UNKNOWN = 0, 1, 2  # a step as its caller sees it once its attempts are over
PERMANENT = 3  # what a caller sees of one attempt: OK, FAILED (transient), UNKNOWN (timeout) or this

# SF columns (float64 per step)
P_FAIL, P_PERM, TIMEOUT, BASE, MULT, CAP = range(6)
SF_COLS = 6
# SI columns (int64 per step)
ATTEMPTS, JITTER, IDEM, KIND, SERVICE, GROUP, ACT_OFF, ACT_LEN, COMP_OFF, COMP_LEN = range(10)
SI_COLS = 10
# FF columns (float64 faults)
LOSS_P, DUP_P, CRASH_P, COMP_FAIL_P, COMP_PERM_P, REDELIVER_MS = range(6)
FF_COLS = 6
# FI columns (spec slices of the fault distributions)
NET_OFF, NET_LEN, BROKER_OFF, BROKER_LEN, DOWN_OFF, DOWN_LEN = range(6)
FI_COLS = 6

# trace rows: [kind, step, t0, t1, result, attempt, src, dst]
TRACE_COLS = 8
T_ACTION, T_COMP, T_MESSAGE, T_TIMEOUT, T_DOWN = range(5)
# results of an attempt at the participant
R_APPLIED, R_REPLAYED, R_FAILED, R_PERMANENT, R_LOST = range(5)

# columns of a run's output row
(
    O_OUTCOME,
    O_LATENCY,
    O_MESSAGES,
    O_RETRIES,
    O_DUPLICATES,
    O_CRASHES,
    O_COMPENSATIONS,
    O_TTC,
    O_WINDOW,
    O_DIRTY,
    O_PENDING,
) = range(11)
OUT_COLS = 11

# per-run counters
C_MESSAGES, C_RETRIES, C_CRASHES, C_COMPENSATIONS = range(4)
MAX_LOOP = 10_000  # bound on redeliveries and recoveries: a run never hangs


@njit
def _rec(tr, tl, kind, step, t0, t1, result, attempt, src, dst):
    """Append one trace row when this run is traced and the buffer has room."""
    i = tl[0]
    if i < tr.shape[0]:
        tr[i, 0] = kind
        tr[i, 1] = step
        tr[i, 2] = t0
        tr[i, 3] = t1
        tr[i, 4] = result
        tr[i, 5] = attempt
        tr[i, 6] = src
        tr[i, 7] = dst
        tl[0] = i + 1
    elif tr.shape[0] > 0:
        tl[1] = 1  # truncated


@njit
def _spec(specs, off, n):
    return specs[off : off + n]


@njit
def backoff_ms(a, base, mult, cap, jitter):
    """Wait before retry ``a`` (1, 2, ...): capped exponential, with jitter (Brooker 2015)."""
    d = min(cap, base * mult ** (a - 1))
    if jitter == FULL_JITTER:
        return np.random.uniform(0.0, d) if d > 0 else 0.0
    if jitter == EQUAL_JITTER:
        return 0.5 * d + (np.random.uniform(0.0, 0.5 * d) if d > 0 else 0.0)
    return d


@njit
def _deliver(t, specs, off, n, loss_p, redeliver_ms, cnt, tr, tl, step, src, dst):
    """At-least-once delivery sent at ``t``: a lost copy is resent after ``redeliver_ms``."""
    cnt[C_MESSAGES] += 1
    arrive = t + draw(_spec(specs, off, n))
    k = 0
    while np.random.random() < loss_p and k < MAX_LOOP:
        _rec(tr, tl, T_MESSAGE, step, t, arrive, R_LOST, k, src, dst)
        t = t + redeliver_ms
        arrive = t + draw(_spec(specs, off, n))
        cnt[C_MESSAGES] += 1
        k += 1
    _rec(tr, tl, T_MESSAGE, step, t, arrive, R_APPLIED, k, src, dst)
    return arrive


@njit
def _attempt(s, t, a, remote, coord, SF, SI, specs, FF, FI, applied, first, busy, cnt, tr, tl):
    """One attempt of step ``s``'s action sent at ``t``.

    Returns ``(t_seen, seen)``: when the caller learns something and what
    (OK, FAILED for a transient failure, PERMANENT, or UNKNOWN for a
    timeout: the effect may or may not have happened). The
    participant's side is ground truth: ``applied[s]`` counts effects.
    """
    idem = SI[s, IDEM] == 1
    svc = SI[s, SERVICE]
    caller = coord if remote else svc
    timeout = SF[s, TIMEOUT]
    net_off, net_len = FI[NET_OFF], FI[NET_LEN]
    lost = False
    dup = False
    arrive = t
    if remote:
        cnt[C_MESSAGES] += 1
        lost = np.random.random() < FF[LOSS_P]
        dup = np.random.random() < FF[DUP_P]
        arrive = t + draw(_spec(specs, net_off, net_len))
        if dup:
            cnt[C_MESSAGES] += 1
        _rec(tr, tl, T_MESSAGE, s, t, arrive, R_LOST if lost else R_APPLIED, a, coord, svc)
    latency = draw(_spec(specs, SI[s, ACT_OFF], SI[s, ACT_LEN]))
    u = np.random.random()
    seen = OK
    reply_at = np.inf
    if not lost:
        done = arrive + latency
        if idem and applied[s] > 0:
            result = R_REPLAYED  # the idempotency key finds the stored result: no new effect
            done = max(done, first[s])  # ... once the original request has finished
        elif u < SF[s, P_PERM]:
            result = R_PERMANENT
        elif u < SF[s, P_PERM] + SF[s, P_FAIL]:
            result = R_FAILED
        else:
            result = R_APPLIED
        if result == R_APPLIED:
            if applied[s] == 0 or done < first[s]:
                first[s] = done  # a retry can overtake a slow earlier attempt
            applied[s] += 1
            if dup and not idem:
                applied[s] += 1  # the duplicated command runs the action twice
        busy[s] = max(busy[s], done)
        _rec(tr, tl, T_ACTION, s, arrive, done, result, a, svc, svc)
        if result == R_PERMANENT:
            seen = PERMANENT
        elif result == R_FAILED:
            seen = FAILED
        reply_at = done
        if remote:
            cnt[C_MESSAGES] += 1
            reply_lost = np.random.random() < FF[LOSS_P]
            reply_at = done + draw(_spec(specs, net_off, net_len))
            _rec(tr, tl, T_MESSAGE, s, done, reply_at, R_LOST if reply_lost else R_APPLIED, a, svc, coord)
            if reply_lost:
                reply_at = np.inf
    if reply_at - t > timeout:
        _rec(tr, tl, T_TIMEOUT, s, t, t + timeout, R_LOST, a, caller, caller)
        return t + timeout, UNKNOWN
    return reply_at, seen


@njit
def _crash(t_from, t_to, coord, specs, FF, FI, cnt, tr, tl, step):
    """With probability crash_p the caller crashes while waiting; returns (crashed, t_back)."""
    if FF[CRASH_P] <= 0.0 or np.random.random() >= FF[CRASH_P]:
        return False, t_to
    t_crash = t_from + np.random.random() * (t_to - t_from)
    t_back = t_crash + draw(_spec(specs, FI[DOWN_OFF], FI[DOWN_LEN]))
    cnt[C_CRASHES] += 1
    _rec(tr, tl, T_DOWN, step, t_crash, t_back, 0, 0, coord, coord)
    return True, t_back


@njit
def _forward(s, t, remote, coord, forward_attempts, SF, SI, specs, FF, FI, applied, first, busy, cnt, tr, tl):
    """Run step ``s`` with its retry policy from ``t``; returns ``(t_end, OK | FAILED | UNKNOWN)``.

    A retriable step is retried up to ``forward_attempts`` (it must
    eventually succeed). A timeout leaves the effect unknown, so a step that
    ever timed out and never succeeded ends UNKNOWN, never FAILED: the saga
    must then compensate it. An orchestrator that crashes while waiting
    reads its log on recovery and re-sends the command (a retry that does not
    count against the budget: the log says "sent, no answer").
    """
    limit = SI[s, ATTEMPTS]
    if SI[s, KIND] == RETRIABLE:
        limit = max(limit, forward_attempts)
    ever_unknown = False
    used = 0  # attempts counted against the budget
    resend = False
    for a in range(limit + MAX_LOOP):
        if a > 0:
            cnt[C_RETRIES] += 1
            if not resend:
                t = t + backoff_ms(used, SF[s, BASE], SF[s, MULT], SF[s, CAP], SI[s, JITTER])
        resend = False
        t_seen, seen = _attempt(
            s, t, a, remote, coord, SF, SI, specs, FF, FI, applied, first, busy, cnt, tr, tl
        )
        if remote:
            crashed, t_back = _crash(t, t_seen, coord, specs, FF, FI, cnt, tr, tl, s)
            if crashed:
                ever_unknown = True  # the reply died with the coordinator: maybe applied
                t = t_back
                resend = True
                continue
        used += 1
        t = t_seen
        if seen == OK:
            return t, OK
        if seen == PERMANENT:
            break
        if seen == UNKNOWN:
            ever_unknown = True
        if used >= limit:
            break
    return t, UNKNOWN if ever_unknown else FAILED


@njit
def _compensate(s, t, remote, coord, SF, SI, specs, FF, FI, busy, comp_at, cnt, tr, tl):
    """Undo step ``s`` from ``t``; returns ``(t_end, succeeded)``.

    The participant serialises work on one record, so a compensation starts
    only after every attempt of the action has finished there: a late action
    can never land after its undo. Compensations are idempotent (cancelling
    twice is a no-op), so a resend after a timeout or crash is safe.
    """
    svc = SI[s, SERVICE]
    caller = coord if remote else svc
    limit = SI[s, ATTEMPTS]
    timeout = SF[s, TIMEOUT]
    net_off, net_len = FI[NET_OFF], FI[NET_LEN]
    cnt[C_COMPENSATIONS] += 1
    used = 0
    resend = False
    for a in range(limit + MAX_LOOP):
        if a > 0:
            cnt[C_RETRIES] += 1
            if not resend:
                t = t + backoff_ms(used, SF[s, BASE], SF[s, MULT], SF[s, CAP], SI[s, JITTER])
        resend = False
        arrive = t
        lost = False
        if remote:
            cnt[C_MESSAGES] += 1
            lost = np.random.random() < FF[LOSS_P]
            arrive = t + draw(_spec(specs, net_off, net_len))
            _rec(tr, tl, T_MESSAGE, s, t, arrive, R_LOST if lost else R_APPLIED, a, coord, svc)
        latency = draw(_spec(specs, SI[s, COMP_OFF], SI[s, COMP_LEN]))
        u = np.random.random()
        reply_at = np.inf
        result = R_LOST
        if not lost:
            start = max(arrive, busy[s])
            done = start + latency
            busy[s] = done
            if u < FF[COMP_PERM_P]:
                result = R_PERMANENT
            elif u < FF[COMP_PERM_P] + FF[COMP_FAIL_P]:
                result = R_FAILED
            else:
                result = R_APPLIED
                if np.isnan(comp_at[s]):
                    comp_at[s] = done
            _rec(tr, tl, T_COMP, s, start, done, result, a, svc, svc)
            reply_at = done
            if remote:
                cnt[C_MESSAGES] += 1
                reply_at = done + draw(_spec(specs, net_off, net_len))
                reply_lost = np.random.random() < FF[LOSS_P]
                _rec(tr, tl, T_MESSAGE, s, done, reply_at, R_LOST if reply_lost else R_APPLIED, a, svc, coord)
                if reply_lost:
                    reply_at = np.inf
        t_seen = reply_at
        if reply_at - t > timeout:
            t_seen = t + timeout
            _rec(tr, tl, T_TIMEOUT, s, t, t_seen, R_LOST, a, caller, caller)
            result = R_LOST  # unknown to the caller: send the (idempotent) undo again
        if remote:
            crashed, t_back = _crash(t, t_seen, coord, specs, FF, FI, cnt, tr, tl, s)
            if crashed:
                t = t_back
                resend = True
                continue
        used += 1
        t = t_seen
        if result == R_APPLIED:
            return t, True
        if result == R_PERMANENT or used >= limit:
            return t, False
    return t, False


@njit
def _publish(t, s, svc, specs, FF, FI, cnt, tr, tl):
    """A service commits locally at ``t`` and publishes through its outbox.

    If it crashes between the commit and the publish, the outbox row survives
    and the relay publishes it after the restart: the event is late, not lost.
    """
    crashed, t_back = _crash(t, t, svc, specs, FF, FI, cnt, tr, tl, s)
    return t_back if crashed else t


@njit
def _events_to_next(src, dst, pub, extra, SI, specs, FF, FI, cnt, tr, tl, trigger, forward):
    """Every service of group ``dst`` starts when the events of all of group ``src`` reached it.

    ``pub[p]`` is when step p's event left its outbox. On the forward path a
    delivery may be duplicated, and a step that ran again because of a
    duplicate (not idempotent) publishes again: ``extra`` counts them.
    """
    for c in range(dst[0], dst[1]):
        ready = 0.0
        for p in range(src[0], src[1]):
            arrive = _deliver(
                pub[p],
                specs,
                FI[BROKER_OFF],
                FI[BROKER_LEN],
                FF[LOSS_P],
                FF[REDELIVER_MS],
                cnt,
                tr,
                tl,
                p,
                SI[p, SERVICE],
                SI[c, SERVICE],
            )
            ready = max(ready, arrive)
            if forward:
                if np.random.random() < FF[DUP_P]:
                    extra[c] += 1.0
                    cnt[C_MESSAGES] += 1
                if SI[p, IDEM] == 0 and extra[p] > 0:
                    extra[c] += extra[p]
                    cnt[C_MESSAGES] += 2 * int(extra[p])
        trigger[c] = ready


@njit
def _run_saga(mode, forward_attempts, SF, SI, starts, specs, FF, FI, st, cnt, tr, tl, out, r):
    """Simulate one saga run; write its row of ``out``.

    ``st`` holds per-step scratch rows: effects applied, first effect,
    busy-until, status, finish, compensated-at, trigger (when the step may
    start, forward then backward), extra deliveries, publish time.
    """
    n = SF.shape[0]
    G = starts.size - 1
    applied, first, busy, status, finish, comp_at, trigger, extra, pub = (
        st[0],
        st[1],
        st[2],
        st[3],
        st[4],
        st[5],
        st[6],
        st[7],
        st[8],
    )
    applied[:] = 0.0
    first[:] = np.nan
    busy[:] = 0.0
    status[:] = -1.0
    finish[:] = np.nan
    comp_at[:] = np.nan
    trigger[:] = 0.0
    extra[:] = 0.0
    pub[:] = 0.0
    cnt[:] = 0
    remote = mode == ORCHESTRATION
    coord = 0  # the orchestrator's row (in choreography: the initiator's), after the services
    for s in range(n):
        coord = max(coord, SI[s, SERVICE] + 1)
    if not remote:
        for s in range(starts[0], starts[1]):
            trigger[s] = _deliver(
                0.0,
                specs,
                FI[BROKER_OFF],
                FI[BROKER_LEN],
                FF[LOSS_P],
                FF[REDELIVER_MS],
                cnt,
                tr,
                tl,
                s,
                coord,
                SI[s, SERVICE],
            )
            if np.random.random() < FF[DUP_P]:
                extra[s] += 1.0
                cnt[C_MESSAGES] += 1

    # ---- forward, group after group
    t = 0.0
    failed_group = -1
    for g in range(G):
        t_end = t
        for s in range(starts[g], starts[g + 1]):
            t0 = t if remote else trigger[s]
            te, stt = _forward(
                s,
                t0,
                remote,
                coord,
                forward_attempts,
                SF,
                SI,
                specs,
                FF,
                FI,
                applied,
                first,
                busy,
                cnt,
                tr,
                tl,
            )
            status[s] = stt
            finish[s] = te
            t_end = max(t_end, te)
            if stt != OK:
                failed_group = g
            elif not remote and SI[s, IDEM] == 0 and extra[s] > 0:
                applied[s] += extra[s]  # each duplicated event ran the action again
        t = t_end
        if failed_group >= 0:
            break
        if not remote and g + 1 < G:
            for p in range(starts[g], starts[g + 1]):
                pub[p] = _publish(finish[p], p, SI[p, SERVICE], specs, FF, FI, cnt, tr, tl)
            _events_to_next(
                starts[g : g + 2],
                starts[g + 1 : g + 3],
                pub,
                extra,
                SI,
                specs,
                FF,
                FI,
                cnt,
                tr,
                tl,
                trigger,
                True,
            )

    outcome = COMMITTED
    if failed_group >= 0:
        # a step that cannot be undone is done, or may be: only a person can settle the saga now
        for s in range(starts[failed_group + 1]):
            if SI[s, KIND] != COMPENSATABLE and (status[s] == OK or status[s] == UNKNOWN):
                outcome = STUCK
    if failed_group >= 0 and outcome != STUCK:
        outcome = COMPENSATED
        lo, hi = starts[failed_group], starts[failed_group + 1]
        if not remote:
            # the first failure is published; its siblings undo themselves when it reaches them
            f = lo
            for s in range(lo, hi):
                if status[s] != OK and (status[f] == OK or finish[s] < finish[f]):
                    f = s
            t_fail = _publish(finish[f], f, SI[f, SERVICE], specs, FF, FI, cnt, tr, tl)
            for s in range(lo, hi):
                trigger[s] = finish[s]
                if status[s] == OK:
                    heard = _deliver(
                        t_fail,
                        specs,
                        FI[BROKER_OFF],
                        FI[BROKER_LEN],
                        FF[LOSS_P],
                        FF[REDELIVER_MS],
                        cnt,
                        tr,
                        tl,
                        f,
                        SI[f, SERVICE],
                        SI[s, SERVICE],
                    )
                    trigger[s] = max(finish[s], heard)
        for g in range(failed_group, -1, -1):
            g_end = t
            for s in range(starts[g], starts[g + 1]):
                t0 = t if remote else trigger[s]
                pub[s] = t0
                if status[s] == FAILED:
                    continue  # known not to have happened: nothing to undo
                te, ok = _compensate(s, t0, remote, coord, SF, SI, specs, FF, FI, busy, comp_at, cnt, tr, tl)
                pub[s] = te
                g_end = max(g_end, te)
                if not ok:
                    outcome = STUCK
            t = g_end
            if outcome == STUCK:
                break
            if not remote and g > 0:
                for p in range(starts[g], starts[g + 1]):
                    pub[p] = _publish(pub[p], p, SI[p, SERVICE], specs, FF, FI, cnt, tr, tl)
                _events_to_next(
                    starts[g : g + 2],
                    starts[g - 1 : g + 1],
                    pub,
                    extra,
                    SI,
                    specs,
                    FF,
                    FI,
                    cnt,
                    tr,
                    tl,
                    trigger,
                    False,
                )
                t = 0.0
                for c in range(starts[g - 1], starts[g]):
                    t = max(t, trigger[c])

    # ---- what the run leaves behind
    t_first = np.inf
    t_consistent = 0.0
    dup = 0.0
    dirty = 0.0
    pending = 0.0
    for s in range(n):
        if applied[s] > 0:
            t_first = min(t_first, first[s])
            dup += applied[s] - 1.0
            if outcome == COMMITTED:
                t_consistent = max(t_consistent, first[s])
                pending += t - first[s]
            elif outcome == COMPENSATED:
                t_consistent = max(t_consistent, comp_at[s])
                dirty += comp_at[s] - first[s]
                pending += comp_at[s] - first[s]
    out[r, O_OUTCOME] = outcome
    out[r, O_LATENCY] = t
    out[r, O_MESSAGES] = cnt[C_MESSAGES]
    out[r, O_RETRIES] = cnt[C_RETRIES]
    out[r, O_DUPLICATES] = dup
    out[r, O_CRASHES] = cnt[C_CRASHES]
    out[r, O_COMPENSATIONS] = cnt[C_COMPENSATIONS]
    if outcome == STUCK:
        out[r, O_TTC] = np.inf  # until a person steps in
        out[r, O_WINDOW] = np.inf
    elif t_first == np.inf:
        out[r, O_TTC] = 0.0  # nothing ever became visible: never inconsistent
        out[r, O_WINDOW] = 0.0
    else:
        out[r, O_TTC] = t_consistent
        out[r, O_WINDOW] = t_consistent - t_first
    out[r, O_DIRTY] = dirty
    out[r, O_PENDING] = pending


@njit(parallel=True)
def simulate_sagas(mode, forward_attempts, SF, SI, starts, specs, FF, FI, runs, seeds, n_trace, trace_cap):
    """``runs`` executions of one saga; returns (out[runs, OUT_COLS], trace, trace_len).

    ``trace[i]`` holds the rows of run i for i < n_trace; ``trace_len[i]`` is
    ``[rows, truncated]``.
    """
    n = SF.shape[0]
    out = np.empty((runs, OUT_COLS))
    trace = np.zeros((n_trace, trace_cap, TRACE_COLS))
    trace_len = np.zeros((n_trace, 2), np.int64)
    empty = np.zeros((0, TRACE_COLS))
    for c in prange(seeds.size):
        np.random.seed(seeds[c])
        st = np.empty((9, n))
        cnt = np.zeros(4, np.int64)
        dummy = np.zeros(2, np.int64)
        for r in range(c * CHUNK, min(runs, (c + 1) * CHUNK)):
            if r < n_trace:
                _run_saga(
                    mode,
                    forward_attempts,
                    SF,
                    SI,
                    starts,
                    specs,
                    FF,
                    FI,
                    st,
                    cnt,
                    trace[r],
                    trace_len[r],
                    out,
                    r,
                )
            else:
                _run_saga(
                    mode, forward_attempts, SF, SI, starts, specs, FF, FI, st, cnt, empty, dummy, out, r
                )
    return out, trace, trace_len


TPC_COLS = 7  # outcome, latency, messages, lock, blocked, window, crashed


@njit(parallel=True)
def simulate_2pc(SF, SI, specs, FF, FI, runs, seeds):
    """Two-phase commit over the same steps; returns float64[runs, TPC_COLS].

    Phase 1: the coordinator sends PREPARE to every participant at once; each
    locks its rows, does the work (retrying locally), votes. A vote that does
    not arrive within the step's timeout counts as NO. With probability
    crash_p the coordinator crashes after the votes are in and before it
    sends the decision: every participant that voted YES is *in doubt* and
    keeps its locks until the coordinator is back (Bernstein, Hadzilacos &
    Goodman 1987, section 7.4). Phase 2: the decision reaches each
    participant, which applies it and releases its locks.
    """
    n = SF.shape[0]
    out = np.empty((runs, TPC_COLS))
    empty = np.zeros((0, TRACE_COLS))
    net_off, net_len = FI[NET_OFF], FI[NET_LEN]
    for c in prange(seeds.size):
        np.random.seed(seeds[c])
        st = np.empty((3, n))
        cnt = np.zeros(4, np.int64)
        tl = np.zeros(2, np.int64)
        lock_at = np.empty(n)
        vote_yes = np.empty(n, np.bool_)
        for r in range(c * CHUNK, min(runs, (c + 1) * CHUNK)):
            applied = st[0]
            first = st[1]
            busy = st[2]
            applied[:] = 0.0
            busy[:] = 0.0
            cnt[:] = 0
            decide = 0.0
            commit = True
            for s in range(n):
                cnt[C_MESSAGES] += 2  # PREPARE and the vote
                lost = np.random.random() < FF[LOSS_P] or np.random.random() < FF[LOSS_P]
                lock_at[s] = draw(_spec(specs, net_off, net_len))
                te, stt = _forward(
                    s, lock_at[s], False, n, 1, SF, SI, specs, FF, FI, applied, first, busy, cnt, empty, tl
                )
                vote_at = te + draw(_spec(specs, net_off, net_len))
                vote_yes[s] = stt == OK
                if lost or vote_at > SF[s, TIMEOUT]:
                    vote_at = SF[s, TIMEOUT]  # no vote: the coordinator waits out its timeout
                    vote_yes[s] = False
                if not vote_yes[s]:
                    commit = False
                decide = max(decide, vote_at)
            crashed, t_back = _crash(decide, decide, n, specs, FF, FI, cnt, empty, tl, 0)
            blocked = 0.0
            if crashed:
                for s in range(n):
                    if vote_yes[s]:
                        blocked = t_back - decide  # in doubt: cannot commit or abort alone
                decide = t_back
            lock = 0.0
            t_first = np.inf
            t_last = 0.0
            for s in range(n):
                cnt[C_MESSAGES] += 2  # the decision and its acknowledgement
                t_send = decide
                while np.random.random() < FF[LOSS_P] and t_send - decide < 1e9:
                    t_send += FF[REDELIVER_MS]  # resent until acknowledged
                    cnt[C_MESSAGES] += 1
                got = t_send + draw(_spec(specs, net_off, net_len))
                lock = max(lock, got - lock_at[s])
                t_first = min(t_first, got)
                t_last = max(t_last, got)
            out[r, 0] = COMMITTED if commit else ABORTED
            out[r, 1] = decide
            out[r, 2] = cnt[C_MESSAGES]
            out[r, 3] = lock
            out[r, 4] = blocked
            out[r, 5] = t_last - t_first if commit else 0.0
            out[r, 6] = 1.0 if crashed else 0.0
    return out


@njit(parallel=True)
def simulate_outbox(n_events, crash_p, ack_loss_p, dup_p, outbox, idempotent, runs, seeds):
    """Each run publishes ``n_events`` events, one per local commit; returns int64[runs, 4].

    Columns: events lost, duplicate deliveries, duplicate effects at the
    consumer, and 1 if the run was left half-done (some event lost).
    Dual write (``outbox`` false): commit, then publish; a crash in between
    loses the event. Outbox: the event row commits with the data and a relay
    publishes it; a relay crash after publishing but before marking the row
    sent publishes it again. Either way a lost broker ack makes the producer
    publish again, and the broker may deliver twice (at-least-once).
    """
    out = np.zeros((runs, 4), np.int64)
    for c in prange(seeds.size):
        np.random.seed(seeds[c])
        for r in range(c * CHUNK, min(runs, (c + 1) * CHUNK)):
            for _ in range(n_events):
                crash = np.random.random() < crash_p
                if crash and not outbox:
                    out[r, 0] += 1
                    out[r, 3] = 1
                    continue
                copies = 1
                if crash:
                    copies += 1  # the relay cannot know it had published
                k = 0
                while np.random.random() < ack_loss_p and k < MAX_LOOP:
                    copies += 1
                    k += 1
                deliveries = 0
                for _ in range(copies):
                    deliveries += 2 if np.random.random() < dup_p else 1
                out[r, 1] += deliveries - 1
                if not idempotent:
                    out[r, 2] += deliveries - 1
    return out
