"""Monte Carlo kernels for sagas, two-phase commit, the outbox and concurrent sagas' anomalies.

Arrays in, arrays out; every clock is in seconds. A saga arrives as a
parameter record ``P`` (``model.Params``): a table of steps (``SF`` floats,
``SI`` ints, columns named below) whose latency distributions sit end to end
in one ``specs`` table (``SI[:, ACT_AT]`` are offsets), faults ``FF`` and the
offsets ``FI`` of the fault distributions. ``starts`` delimits the groups:
steps of one group run in parallel, groups one after another. Orchestration,
choreography and 2PC all run that same step graph.

One run is a sequence of attempts, each a few draws, rather than an event
heap: a run is sequential except inside a parallel group, whose branches are
independent until the group joins. Every attempt of every protocol goes
through one helper, :func:`_persist` (attempts with retries and backoff from
``kit.core.policy_kernels``, crash recovery), so the protocols differ only in
what they send. Runs go in chunks of ``CHUNK``, chunk c seeded with
``seeds[c]``, so results do not depend on the thread count.

An optional trace of the first runs records every attempt, compensation,
message, timeout and crash as a row of ``TRACE_COLS`` floats; tests read the
invariants off it and the Gantt figure draws it.
"""

from collections import namedtuple

import numpy as np

from ..core.jit import njit, prange
from ..core.policy_kernels import backoff_sleep
from ..core.rng import draw_at

CHUNK = 512  # runs per independently seeded chunk
MAX_LOOP = 10_000  # bound on resends and redeliveries: a run never hangs

# step kinds (Richardson, Microservices Patterns, section 4.3.2) and protocols
COMPENSATABLE, PIVOT, RETRIABLE = 0, 1, 2
ORCHESTRATION, CHOREOGRAPHY, TWO_PC = 0, 1, 2
COMMITTED, COMPENSATED, STUCK = 0, 1, 2  # a run's outcome; for 2PC the middle one means aborted
# a step once its attempts are over, and what a caller sees of one attempt
OK, FAILED, UNKNOWN, GONE, PERMANENT = 0, 1, 2, 3, 4
# what an attempt carries
ACT, COMP, PREPARE, DECIDE = 0, 1, 2, 3

# SF columns (float64 per step)
P_FAIL, P_PERM, TIMEOUT_S, BASE_S, MULT, CAP_S = range(6)
SF_COLS = 6
# SI columns (int64 per step)
ATTEMPTS, BACKOFF, IDEM, KIND, SERVICE, ACT_AT, COMP_AT = range(7)
SI_COLS = 7
# FF columns (float64 faults)
LOSS_P, DUP_P, CRASH_P, STAY_DOWN_P, COMP_FAIL_P, COMP_PERM_P, REDELIVER_S, REPAIR_S = range(8)
FF_COLS = 8
# FI: offsets of the fault distributions in the spec table
NET_AT, BROKER_AT, DOWN_AT = range(3)

# trace rows: [kind, step, t0, t1, result, attempt, src, dst]
TRACE_COLS = 8
T_ACTION, T_COMP, T_MESSAGE, T_TIMEOUT, T_DOWN = range(5)
R_APPLIED, R_REPLAYED, R_FAILED, R_PERMANENT, R_LOST = range(5)

# a run's output row
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
    O_LOCK,
    O_BLOCKED,
    O_IN_DOUBT,
    O_ATTEMPTS,
) = range(15)
OUT_COLS = 15
# per step of a run, for the anomalies of concurrent sagas: effect visible, undone (by a compensation
# or by the person who settles a stuck saga), restored by a compensation, settled, undone out of order
W_FIRST, W_UNDONE, W_RESTORED, W_SETTLE, W_LATE = range(5)
W_COLS = 5

# rows of the per-run scratch array ``st.x`` (one column per step)
(
    X_APPLIED,  # effects the action had at the participant
    X_FIRST,  # when the first effect landed
    X_ACT_END,  # when the last effective action attempt ended
    X_BUSY,  # the participant serialises work on the record until then
    X_STATUS,
    X_FINISH,
    X_COMP_AT,  # when a compensation took effect
    X_COMP_ARRIVE,  # when that compensation reached the participant
    X_TRIGGER,  # choreography: when the step may start
    X_EXTRA,  # choreography: duplicate deliveries it got
    X_PUB,  # choreography: when its event left the outbox
    X_WORK_AT,  # when the first command reached the participant (2PC: its locks from then)
    X_PREPARED,  # 2PC: when it voted YES
    X_DECIDED,  # 2PC: when the decision reached it
) = range(14)
X_ROWS = 14
# per-run counters ``st.cnt``
C_MESSAGES, C_RETRIES, C_CRASHES, C_COMPENSATIONS = range(4)
C_STUCK_AT, C_COMMIT_PHASE, C_BLOCKED, C_ATTEMPTS = range(4, 8)
C_SIZE = 8

State = namedtuple("State", "x cnt tr tl")
"""One run's scratch: step rows ``x``, counters ``cnt``, its trace buffer and ``[rows, truncated]``."""


@njit
def _rec(st, kind, step, t0, t1, result, attempt, src, dst):
    """Append one trace row when this run is traced and the buffer has room."""
    i = st.tl[0]
    if i < st.tr.shape[0]:
        row = st.tr[i]
        row[0] = kind
        row[1] = step
        row[2] = t0
        row[3] = t1
        row[4] = result
        row[5] = attempt
        row[6] = src
        row[7] = dst
        st.tl[0] = i + 1
    elif st.tr.shape[0] > 0:
        st.tl[1] = 1  # truncated


@njit
def _deliver(P, st, t, step, src, dst):
    """An event sent through the broker at ``t``, at least once: a lost copy is resent after redeliver_s."""
    st.cnt[C_MESSAGES] += 1
    arrive = t + draw_at(P.specs, P.FI[BROKER_AT])
    k = 0
    while np.random.random() < P.FF[LOSS_P] and k < MAX_LOOP:
        _rec(st, T_MESSAGE, step, t, arrive, R_LOST, k, src, dst)
        t = t + P.FF[REDELIVER_S]
        arrive = t + draw_at(P.specs, P.FI[BROKER_AT])
        st.cnt[C_MESSAGES] += 1
        k += 1
    _rec(st, T_MESSAGE, step, t, arrive, R_APPLIED, k, src, dst)
    return arrive


@njit
def _in_doubt(st, s, t):
    """2PC: participant ``s`` voted YES by ``t`` and has not heard the decision."""
    prepared = st.x[X_PREPARED, s]
    decided = st.x[X_DECIDED, s]
    return prepared <= t and not decided <= t


@njit
def _down(P, st, t, who, s):
    """With probability crash_p, ``who`` crashes at ``t``, before handling an outcome.

    Returns when it is back: ``t`` without a crash, ``inf`` if it stays down.
    In 2PC's commit phase the downtime while participant ``s`` is in doubt is blocked time.
    """
    if P.FF[CRASH_P] <= 0.0 or np.random.random() >= P.FF[CRASH_P]:
        return t
    st.cnt[C_CRASHES] += 1
    back = np.inf
    if P.FF[STAY_DOWN_P] <= 0.0 or np.random.random() >= P.FF[STAY_DOWN_P]:
        back = t + draw_at(P.specs, P.FI[DOWN_AT])
    else:
        st.cnt[C_STUCK_AT] = t
    _rec(st, T_DOWN, s, t, min(back, t + P.FF[REPAIR_S]), 0, 0, who, who)
    if st.cnt[C_COMMIT_PHASE] > 0 and _in_doubt(st, s, t):
        st.cnt[C_BLOCKED] += min(back, t + P.FF[REPAIR_S]) - t  # a person settles it after repair_s
    return back


@njit
def _apply_action(P, st, s, arrive, work, u, dup, a):
    """The participant runs one attempt of the action; returns (done, result)."""
    x = st.x
    idem = P.SI[s, IDEM] == 1
    done = arrive + work
    if idem and x[X_APPLIED, s] > 0:
        result = R_REPLAYED  # the idempotency key finds the stored result: no new effect
        done = max(done, x[X_FIRST, s])  # ... once the original request has finished
    elif u < P.SF[s, P_PERM]:
        result = R_PERMANENT
    elif u < P.SF[s, P_PERM] + P.SF[s, P_FAIL]:
        result = R_FAILED
    else:
        result = R_APPLIED
        if x[X_APPLIED, s] == 0 or done < x[X_FIRST, s]:
            x[X_FIRST, s] = done  # a retry can overtake a slow earlier attempt
        x[X_APPLIED, s] += 2.0 if dup and not idem else 1.0  # a duplicated command acts twice
        x[X_ACT_END, s] = max(x[X_ACT_END, s], done)
    x[X_BUSY, s] = max(x[X_BUSY, s], done)
    _rec(st, T_ACTION, s, arrive, done, result, a, P.SI[s, SERVICE], P.SI[s, SERVICE])
    return done, result


@njit
def _apply_compensation(P, st, s, arrive, work, u, a):
    """The participant runs one attempt of the compensation; returns (done, result).

    It serialises work on the record (a version file, Richardson 2018,
    section 4.3.2), so an undo starts only after every earlier attempt of the
    action has finished there; ``X_COMP_ARRIVE`` keeps when it arrived, for
    the anomalies a participant without that ordering would show.
    Compensations are idempotent (cancelling twice is a no-op).
    """
    x = st.x
    start = max(arrive, x[X_BUSY, s])
    done = start + work
    x[X_BUSY, s] = done
    if u < P.FF[COMP_PERM_P]:
        result = R_PERMANENT
    elif u < P.FF[COMP_PERM_P] + P.FF[COMP_FAIL_P]:
        result = R_FAILED
    else:
        result = R_APPLIED
        if np.isnan(x[X_COMP_AT, s]):
            x[X_COMP_AT, s] = done
            x[X_COMP_ARRIVE, s] = arrive
    _rec(st, T_COMP, s, start, done, result, a, P.SI[s, SERVICE], P.SI[s, SERVICE])
    return done, result


@njit
def _at_participant(P, st, s, op, arrive, dup, a):
    """What one attempt does where it lands at ``arrive``; returns (done, result)."""
    x = st.x
    if np.isnan(x[X_WORK_AT, s]) or arrive < x[X_WORK_AT, s]:
        x[X_WORK_AT, s] = arrive
    if op == ACT:
        work = draw_at(P.specs, P.SI[s, ACT_AT])
        return _apply_action(P, st, s, arrive, work, np.random.random(), dup, a)
    if op == COMP:
        work = draw_at(P.specs, P.SI[s, COMP_AT])
        return _apply_compensation(P, st, s, arrive, work, np.random.random(), a)
    row = X_PREPARED if op == PREPARE else X_DECIDED  # a vote or a decision: a forced log write
    if np.isnan(x[row, s]) or arrive < x[row, s]:
        x[row, s] = arrive
    return arrive, R_APPLIED


@njit
def _try(P, st, s, t, a, op):
    """One attempt of ``op`` on step ``s`` sent at ``t``; returns ``(t_seen, seen)``.

    ``seen`` is OK, FAILED (transient), PERMANENT, or UNKNOWN (a timeout:
    the effect may or may not have happened). In choreography the step's own
    service runs it, without messages.
    """
    remote = P.mode != CHOREOGRAPHY
    svc = P.SI[s, SERVICE]
    st.cnt[C_ATTEMPTS] += 1
    arrive = t
    lost = False
    dup = False
    if remote:
        st.cnt[C_MESSAGES] += 1
        lost = np.random.random() < P.FF[LOSS_P]
        dup = np.random.random() < P.FF[DUP_P]
        st.cnt[C_MESSAGES] += 1.0 if dup else 0.0
        arrive = t + draw_at(P.specs, P.FI[NET_AT])
        _rec(st, T_MESSAGE, s, t, arrive, R_LOST if lost else R_APPLIED, a, P.coord, svc)
    reply = np.inf
    seen = OK
    if not lost:
        done, result = _at_participant(P, st, s, op, arrive, dup, a)
        if result == R_PERMANENT:
            seen = PERMANENT
        elif result == R_FAILED:
            seen = FAILED
        reply = done
        if remote:
            st.cnt[C_MESSAGES] += 1
            reply_lost = np.random.random() < P.FF[LOSS_P]
            reply = done + draw_at(P.specs, P.FI[NET_AT])
            _rec(st, T_MESSAGE, s, done, reply, R_LOST if reply_lost else R_APPLIED, a, svc, P.coord)
            if reply_lost:
                reply = np.inf
    timeout = P.SF[s, TIMEOUT_S]
    if reply - t > timeout:
        caller = P.coord if remote else svc
        _rec(st, T_TIMEOUT, s, t, t + timeout, R_LOST, a, caller, caller)
        return t + timeout, UNKNOWN
    return reply, seen


@njit
def _persist(P, st, s, t, op, limit):
    """Attempts of ``op`` on step ``s`` from ``t`` with the step's retry policy; ``(t_end, status)``.

    Status is OK; FAILED (known not to have happened: only transient or
    permanent failures were seen); UNKNOWN (some attempt timed out, so the
    effect may have happened: a saga must compensate it); or GONE (the
    process handling it crashed and stayed down). A crash before handling an
    outcome: a coordinator resends after recovery (its log says "sent, no
    answer"; not counted against ``limit``); a choreography service handles
    the outcome after recovery, and the broker redelivers the event it had
    not acknowledged, so a non-idempotent action runs again.
    """
    remote = P.mode != CHOREOGRAPHY
    caller = P.coord if remote else P.SI[s, SERVICE]
    base, cap, mult = P.SF[s, BASE_S], P.SF[s, CAP_S], P.SF[s, MULT]
    previous = base
    ever_unknown = False
    used = 0
    for a in range(limit + MAX_LOOP):
        t_seen, seen = _try(P, st, s, t, a, op)
        back = _down(P, st, t_seen, caller, s)
        if back == np.inf:
            return np.inf, GONE
        if back > t_seen:
            if remote:
                ever_unknown = True  # the reply died with the coordinator: maybe applied
                st.cnt[C_RETRIES] += 1
                t = back
                continue
            if op == ACT and seen == OK and P.SI[s, IDEM] == 0:
                st.x[X_APPLIED, s] += 1.0
            t_seen = back
        used += 1
        t = t_seen
        if seen == OK:
            return t, OK
        if seen == PERMANENT:
            break
        ever_unknown = ever_unknown or seen == UNKNOWN
        if used >= limit:
            break
        st.cnt[C_RETRIES] += 1
        previous = backoff_sleep(P.SI[s, BACKOFF], used, base, cap, mult, previous)
        t += previous
    return t, UNKNOWN if ever_unknown else FAILED


@njit
def _limit(P, s):
    """Attempts allowed to step ``s``'s action: a retriable step must eventually succeed."""
    if P.SI[s, KIND] == RETRIABLE:
        return max(P.SI[s, ATTEMPTS], P.persist)
    return P.SI[s, ATTEMPTS]


@njit
def _hand_over(P, st, src, dst, forward):
    """Choreography: every step of group ``dst`` starts once the events of all of group ``src`` reached it.

    ``X_PUB`` is when each source step's event left its outbox. On the
    forward path a delivery may be duplicated, and a step that ran again
    because of a duplicate (not idempotent) publishes again: ``X_EXTRA`` counts them.
    """
    x = st.x
    for c in range(P.starts[dst], P.starts[dst + 1]):
        ready = 0.0
        for p in range(P.starts[src], P.starts[src + 1]):
            arrive = _deliver(P, st, x[X_PUB, p], p, P.SI[p, SERVICE], P.SI[c, SERVICE])
            ready = max(ready, arrive)
            if forward:
                if np.random.random() < P.FF[DUP_P]:
                    x[X_EXTRA, c] += 1.0
                    st.cnt[C_MESSAGES] += 1
                if P.SI[p, IDEM] == 0 and x[X_EXTRA, p] > 0:
                    x[X_EXTRA, c] += x[X_EXTRA, p]
                    st.cnt[C_MESSAGES] += 2 * x[X_EXTRA, p]
        x[X_TRIGGER, c] = ready


@njit
def _kick_off(P, st):
    """Choreography: the initiator's event reaches the first group (perhaps twice)."""
    for s in range(P.starts[0], P.starts[1]):
        st.x[X_TRIGGER, s] = _deliver(P, st, 0.0, s, P.coord, P.SI[s, SERVICE])
        if np.random.random() < P.FF[DUP_P]:
            st.x[X_EXTRA, s] += 1.0
            st.cnt[C_MESSAGES] += 1


@njit
def _forward(P, st):
    """Run the groups in order; returns ``(t, index of the group that failed or -1)``."""
    x = st.x
    local = P.mode == CHOREOGRAPHY
    if local:
        _kick_off(P, st)
    t = 0.0
    G = P.starts.size - 1
    for g in range(G):
        t_end = t
        failed = False
        for s in range(P.starts[g], P.starts[g + 1]):
            t0 = x[X_TRIGGER, s] if local else t
            te, status = _persist(P, st, s, t0, ACT, _limit(P, s))
            x[X_STATUS, s] = status
            x[X_FINISH, s] = te
            x[X_PUB, s] = te
            t_end = max(t_end, te)
            if status != OK:
                failed = True
            elif local and P.SI[s, IDEM] == 0:
                x[X_APPLIED, s] += x[X_EXTRA, s]  # each duplicated event ran the action again
        t = t_end
        if failed:
            return t, g
        if local and g + 1 < G:
            _hand_over(P, st, g, g + 1, True)
    return t, -1


@njit
def _cannot_go_back(P, st, failed):
    """A step that cannot be undone is done, or may be: only a person can settle the saga now."""
    for s in range(P.starts[failed + 1]):
        status = st.x[X_STATUS, s]
        if status == GONE:
            return True
        if P.SI[s, KIND] != COMPENSATABLE and (status == OK or status == UNKNOWN):
            return True
    return False


@njit
def _announce_failure(P, st, g):
    """Choreography: the first failure of group ``g`` is published; its siblings undo on hearing it."""
    x = st.x
    lo, hi = P.starts[g], P.starts[g + 1]
    f = lo
    for s in range(lo, hi):
        if x[X_STATUS, s] != OK and (x[X_STATUS, f] == OK or x[X_FINISH, s] < x[X_FINISH, f]):
            f = s
    for s in range(lo, hi):
        x[X_TRIGGER, s] = x[X_FINISH, s]
        if x[X_STATUS, s] == OK:
            heard = _deliver(P, st, x[X_FINISH, f], f, P.SI[f, SERVICE], P.SI[s, SERVICE])
            x[X_TRIGGER, s] = max(x[X_FINISH, s], heard)


@njit
def _backward(P, st, failed, t):
    """Compensate groups ``failed`` down to 0, in reverse; returns ``(t, COMPENSATED or STUCK)``.

    Compensations are retried until they succeed (Garcia-Molina & Salem
    1987, section 2), up to ``P.persist`` attempts; one that fails for good,
    or a coordinator that stays down, leaves the saga stuck.
    """
    x = st.x
    local = P.mode == CHOREOGRAPHY
    if local:
        _announce_failure(P, st, failed)
    for g in range(failed, -1, -1):
        g_end = t
        stuck = False
        for s in range(P.starts[g], P.starts[g + 1]):
            t0 = x[X_TRIGGER, s] if local else t
            x[X_PUB, s] = t0
            if x[X_STATUS, s] == FAILED:
                continue  # known not to have happened: nothing to undo
            st.cnt[C_COMPENSATIONS] += 1
            te, status = _persist(P, st, s, t0, COMP, P.persist)
            if status == GONE:
                return st.cnt[C_STUCK_AT], STUCK
            x[X_PUB, s] = te
            g_end = max(g_end, te)
            stuck = stuck or status != OK
        t = g_end
        if stuck:
            st.cnt[C_STUCK_AT] = t
            return t, STUCK
        if local and g > 0:
            _hand_over(P, st, g, g - 1, False)
            t = 0.0
            for c in range(P.starts[g - 1], P.starts[g]):
                t = max(t, x[X_TRIGGER, c])
    return t, COMPENSATED


@njit
def _reset(st):
    x = st.x
    x[:, :] = 0.0
    for row in (X_FIRST, X_STATUS, X_FINISH, X_COMP_AT, X_COMP_ARRIVE, X_WORK_AT, X_PREPARED, X_DECIDED):
        x[row, :] = np.nan
    st.cnt[:] = 0.0
    st.cnt[C_STUCK_AT] = np.nan


@njit
def _run_saga(P, st):
    """One saga run, orchestrated or choreographed; returns ``(outcome, t_end)``."""
    t, failed = _forward(P, st)
    if failed < 0:
        return COMMITTED, t
    if _cannot_go_back(P, st, failed):
        if np.isnan(st.cnt[C_STUCK_AT]):
            st.cnt[C_STUCK_AT] = t
        return STUCK, st.cnt[C_STUCK_AT]
    t, outcome = _backward(P, st, failed, t)
    return outcome, t


@njit
def _round(P, st, t, op):
    """2PC: ``op`` (PREPARE or the decision) to every participant that got work, in parallel.

    Returns ``(t_all_answered, every participant answered OK)``; a vote
    round uses each step's retry policy, a decision is resent until acknowledged.
    """
    t_end = t
    ok = True
    for s in range(P.SI.shape[0]):
        if np.isnan(st.x[X_WORK_AT, s]):
            continue  # never reached: nothing to prepare or decide
        limit = P.SI[s, ATTEMPTS] if op == PREPARE else P.persist
        te, status = _persist(P, st, s, t, op, limit)
        if status == GONE:
            return np.inf, False
        t_end = max(t_end, te)
        ok = ok and status == OK
    return t_end, ok


@njit
def _run_2pc(P, st):
    """One two-phase-commit run over the same step graph; returns ``(outcome, t_end)``.

    The coordinator runs the steps as the orchestrator does, each
    participant holding its locks, then asks every participant to PREPARE
    (resent on timeout with the step's retry policy) and sends the decision
    (resent until acknowledged). A missing vote or failed step aborts, which
    a participant can always do: nothing of it was visible.
    """
    t, failed = _forward(P, st)
    if failed >= 0 and not np.isnan(st.cnt[C_STUCK_AT]):
        # gone before any vote: participants that never voted abort on their own once they give up
        # on the coordinator (after repair_s), releasing their locks then
        return COMPENSATED, st.cnt[C_STUCK_AT]
    st.cnt[C_COMMIT_PHASE] = 1.0
    commit = failed < 0
    if commit:
        t, commit = _round(P, st, t, PREPARE)
        if t == np.inf:
            return STUCK, st.cnt[C_STUCK_AT]  # gone while participants are in doubt
    if not commit:
        for s in range(P.SI.shape[0]):
            st.x[X_APPLIED, s] = 0.0  # rolled back: no effect survives
    t, _ = _round(P, st, t, DECIDE)
    if t == np.inf:
        return STUCK, st.cnt[C_STUCK_AT]
    return (COMMITTED if commit else COMPENSATED), t


@njit
def _visibility(P, st, outcome, t_end, out, r, steps):
    """Per step: when its effect became visible and when it was undone or settled (seconds)."""
    x = st.x
    repair = st.cnt[C_STUCK_AT] + P.FF[REPAIR_S]
    t_first, t_consistent, dirty, pending = np.inf, 0.0, 0.0, 0.0
    for s in range(P.SI.shape[0]):
        if x[X_APPLIED, s] <= 0:
            continue
        first = x[X_DECIDED, s] if P.mode == TWO_PC else x[X_FIRST, s]  # 2PC: visible once committed
        if np.isnan(first):
            continue  # 2PC in doubt: nothing visible yet
        undone = np.inf
        settle = t_end
        if outcome != COMMITTED:
            undone = x[X_COMP_AT, s] if not np.isnan(x[X_COMP_AT, s]) else repair
            settle = undone
            dirty += undone - first
        pending += settle - first
        t_first = min(t_first, first)
        t_consistent = max(t_consistent, first if outcome == COMMITTED else undone)
        if steps.shape[0] > 0:
            steps[r, s, W_FIRST] = first
            steps[r, s, W_UNDONE] = undone
            steps[r, s, W_RESTORED] = np.inf if np.isnan(x[X_COMP_AT, s]) else x[X_COMP_AT, s]
            steps[r, s, W_SETTLE] = settle
            steps[r, s, W_LATE] = 1.0 if x[X_COMP_ARRIVE, s] < x[X_ACT_END, s] else 0.0
    out[r, O_TTC] = 0.0 if t_first == np.inf else t_consistent
    out[r, O_WINDOW] = 0.0 if t_first == np.inf else t_consistent - t_first
    out[r, O_DIRTY] = dirty
    out[r, O_PENDING] = pending


@njit
def _summarise(P, st, outcome, t_end, out, r, steps):
    """Write run ``r``'s row of ``out`` (and of ``steps``)."""
    x = st.x
    dup, lock, in_doubt = 0.0, 0.0, 0.0
    for s in range(P.SI.shape[0]):
        dup += max(x[X_APPLIED, s] - 1.0, 0.0)
        if P.mode == TWO_PC and not np.isnan(x[X_WORK_AT, s]):
            released = x[X_DECIDED, s] if not np.isnan(x[X_DECIDED, s]) else t_end + P.FF[REPAIR_S]
            lock = max(lock, released - x[X_WORK_AT, s])
            if not np.isnan(x[X_PREPARED, s]):
                in_doubt = max(in_doubt, released - x[X_PREPARED, s])
    out[r, O_OUTCOME] = outcome
    out[r, O_LATENCY] = t_end
    out[r, O_MESSAGES] = st.cnt[C_MESSAGES]
    out[r, O_RETRIES] = st.cnt[C_RETRIES]
    out[r, O_DUPLICATES] = dup
    out[r, O_CRASHES] = st.cnt[C_CRASHES]
    out[r, O_COMPENSATIONS] = st.cnt[C_COMPENSATIONS]
    out[r, O_LOCK] = lock
    out[r, O_BLOCKED] = st.cnt[C_BLOCKED]
    out[r, O_IN_DOUBT] = in_doubt
    out[r, O_ATTEMPTS] = st.cnt[C_ATTEMPTS]
    if steps.shape[0] > 0:
        steps[r, :, :] = np.nan
    _visibility(P, st, outcome, t_end, out, r, steps)


@njit
def _simulate_chunk(c, P, runs, seeds, n_trace, result):
    """Chunk ``c`` of :func:`simulate`: its runs, written into ``result``."""
    out, steps, trace, trace_len = result
    n = P.SI.shape[0]
    np.random.seed(seeds[c])
    x = np.empty((X_ROWS, n))
    cnt = np.zeros(C_SIZE)
    untraced = State(x, cnt, np.zeros((0, TRACE_COLS)), np.zeros(2, np.int64))
    for r in range(c * CHUNK, min(runs, (c + 1) * CHUNK)):
        st = State(x, cnt, trace[r], trace_len[r]) if r < n_trace else untraced
        _reset(st)
        if P.mode == TWO_PC:
            outcome, t_end = _run_2pc(P, st)
        else:
            outcome, t_end = _run_saga(P, st)
        _summarise(P, st, outcome, t_end, out, r, steps)


@njit
def _simulate_result(P, runs, n_trace, trace_cap, keep_steps):
    n = P.SI.shape[0]
    return (
        np.empty((runs, OUT_COLS)),
        np.empty((runs if keep_steps else 0, n, W_COLS)),
        np.zeros((n_trace, trace_cap, TRACE_COLS)),
        np.zeros((n_trace, 2), np.int64),
    )


@njit(nogil=True)  # protocols run side by side (kit.core.threads)
def simulate(P, runs, seeds, n_trace, trace_cap, keep_steps):
    """``runs`` executions of one saga under ``P.mode``, on one core.

    Returns ``(out[runs, OUT_COLS], steps, trace, trace_len)``: ``steps`` is
    ``[runs, n, W_COLS]`` when ``keep_steps`` (else empty), ``trace[i]`` the
    rows of run i for i < n_trace, ``trace_len[i]`` ``[rows, truncated]``.
    Chunk c of ``CHUNK`` runs is seeded with ``seeds[c]``.
    """
    result = _simulate_result(P, runs, n_trace, trace_cap, keep_steps)
    for c in range(seeds.size):
        _simulate_chunk(c, P, runs, seeds, n_trace, result)
    return result


@njit(parallel=True)
def simulate_parallel(P, runs, seeds, n_trace, trace_cap, keep_steps):
    """As :func:`simulate`, the chunks spread over the cores (same result; waking threads costs ms)."""
    result = _simulate_result(P, runs, n_trace, trace_cap, keep_steps)
    for c in prange(seeds.size):
        _simulate_chunk(c, P, runs, seeds, n_trace, result)
    return result


@njit(parallel=True)
def simulate_outbox(n_events, crash_p, ack_loss_p, dup_p, outbox, idempotent, runs, seeds):
    """Each run publishes up to ``n_events`` events, one per local commit; returns int64[runs, 4].

    Columns: events lost, duplicate deliveries, duplicate effects at the
    consumer, and 1 if the run was left half-done (an event lost).
    Dual write (``outbox`` false): commit, then publish; a crash in between
    loses the event, and since the next step never hears of it the saga
    stops there. Outbox: the event row commits with the data and a relay
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
                    out[r, 0] = 1
                    out[r, 3] = 1
                    break  # nobody hears of this step: the saga stops, half-done
                copies = 2 if crash else 1  # the relay cannot know it had published
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


# --- anomalies of concurrent sagas on shared records ------------------------------------
# writes arrive sorted by (key, time); columns of the result per write
A_DIRTY, A_LOST, A_REJECTED = range(3)


@njit
def _dirty_reads(t, undone, saga, lo, hi, res):
    """A write reads dirty data if another saga's effect on its record is visible and will be undone.

    One sweep keeps the latest undo time among earlier writes (``best``)
    and the latest among sagas other than ``best``'s (``second``).
    """
    best, best_saga, second = -np.inf, -1, -np.inf
    for w in range(lo, hi):
        if (best_saga != saga[w] and best > t[w]) or second > t[w]:
            res[w, A_DIRTY] = 1
        u = undone[w]
        if u == np.inf:
            continue  # committed: never undone, so never dirty
        if saga[w] == best_saga:
            best = max(best, u)
        elif u > best:
            second = best
            best, best_saga = u, saga[w]
        else:
            second = max(second, u)


@njit
def _lost_updates(t, undone, restored, saga, lo, hi, res):
    """A compensation that restores the record's before-image erases other sagas' writes made since.

    Counted on the restored write: the writes of other sagas between it and
    the compensation that were still meant to stand at that moment. (The
    person who settles a stuck saga is assumed to undo by hand, not blindly.)
    """
    for w in range(lo, hi):
        if restored[w] == np.inf:
            continue
        k = w + 1
        while k < hi and t[k] < restored[w]:
            if saga[k] != saga[w] and undone[k] > restored[w]:
                res[w, A_LOST] += 1
            k += 1


@njit
def _semantic_lock(t, settle, saga, lo, hi, res):
    """A record written by a saga is PENDING until that saga settles it; other sagas' writes are refused."""
    holder, until = -1, -np.inf
    for w in range(lo, hi):
        if saga[w] != holder and t[w] < until:
            res[w, A_REJECTED] = 1
            continue
        if saga[w] == holder:
            until = max(until, settle[w])
        else:
            holder, until = saga[w], settle[w]


@njit
def anomalies(key, t, undone, restored, settle, saga, semantic_lock):
    """Per write (sorted by key, then time): dirty read, updates its undo erased, rejected. int64[m, 3]."""
    m = key.size
    res = np.zeros((m, 3), np.int64)
    lo = 0
    while lo < m:
        hi = lo
        while hi < m and key[hi] == key[lo]:
            hi += 1
        if semantic_lock:
            _semantic_lock(t, settle, saga, lo, hi, res)
        else:
            _dirty_reads(t, undone, saga, lo, hi, res)
            _lost_updates(t, undone, restored, saga, lo, hi, res)
        lo = hi
    return res
