"""Delivery of messages to a consumer group that crashes: the discrete-event kernel.

Messages sit in partitions (ordered logs). A consumer fetches a batch of up to
``batch`` messages from one partition it may read, processes them one at a
time and acknowledges them: at-most-once acknowledges the whole batch when it
fetches it (commit, then process); at-least-once acknowledges each message
after its side effect, or the whole batch after the last one (``ack_batch``).
A crash loses the consumer's place: every fetched, unacknowledged message
returns to its partition after the visibility timeout, ahead of the newer ones
(restart from the last committed offset), and the consumer comes back then.

Each message is an update "key := version"; its side effect is applied unless
an idempotent consumer recognises it (``IDS``: a table of processed message
ids; ``VERSION``: the key's stored version is already as new). Applying a
version older than one already applied to its key moves that key's state
back in time: an order violation.

Clock in seconds; ``kit.core.events`` heap; retries sleep per the kit's
shared backoff (``kit.core.policy_kernels.backoff_sleep``).
"""

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.policy_kernels import backoff_sleep
from ..core.rng import draw

NONE, IDS, VERSION = range(3)  # idempotency of the consumer
WAKE, DONE, RETRY, REDO, RESTART = range(5)
# counters returned
(
    C_EFFECTS,
    C_DUPLICATES,
    C_VIOLATIONS,
    C_DEDUP_HITS,
    C_CRASHES,
    C_EVENTS,
    C_TRUNCATED,
    C_END,
    C_SIZE,
) = range(9)
# the parameter record of a run (float64, built once by delivery.deliver)
(P_KEYS, P_CONSUMERS, P_BATCH, P_AMO, P_ACK_BATCH, P_IDEM, P_RETRY_TOPIC, P_FAIL_P, P_CRASH_P,
 P_CRASH_BEFORE, P_VT, P_MAX_ATTEMPTS, P_BACKOFF, P_BASE, P_CAP, P_MULTIPLIER, P_MAX_EVENTS, P_SEED,
 N_PARAMS) = range(19)  # fmt: skip
M_KEY, M_VERSION, M_PART, M_POISON = range(4)  # columns of a message (built once by delivery.deliver)
# per message: what happened to it, and the next message in the return queue it waits in
DELIVERIES, ATTEMPTS, APPLIED, DEAD, SUPERSEDED, RET_NEXT = range(6)
# per partition: next offset of its log, the log's end, its queue of returned messages, its reader (-1: any)
CURSOR, END, RET_HEAD, RET_TAIL, OWNER = range(5)
# per consumer: up, busy, its partitions (own[OWN_FIRST:OWN_END]) and where its round robin resumes,
# its batch (length, slot in hand, first slot not acknowledged), attempts started, its next row of plan
ALIVE, BUSY, OWN_FIRST, OWN_END, RR, B_LEN, B_POS, B_ACK, TRIES, NEXT_PLAN = range(10)
CUR, TOP = range(2)  # per key: the version it holds, the newest version ever applied to it
HANDED = -1  # a batch slot whose message went to the retry topic or the DLQ: not the consumer's any more


@njit
def _grow(a, n):
    if n < a.shape[0]:
        return a
    b = np.empty((2 * a.shape[0], *a.shape[1:]), a.dtype)
    b[: a.shape[0]] = a
    return b


@njit
def _give_back(h, i, now, msgs, track, part, cons):
    """Message ``i`` joins the end of its partition's queue of returned messages; idle readers wake.

    The queue links message ids (``track[:, RET_NEXT]``): a message is in one
    place at a time (its log, a consumer's batch, the event heap or one queue).
    """
    p = msgs[i, M_PART]
    track[i, RET_NEXT] = -1
    if part[p, RET_TAIL] >= 0:
        track[part[p, RET_TAIL], RET_NEXT] = i
    else:
        part[p, RET_HEAD] = i
    part[p, RET_TAIL] = i
    for k in range(cons.shape[0]):
        if cons[k, ALIVE] == 1 and cons[k, BUSY] == 0 and (part[p, OWNER] < 0 or part[p, OWNER] == k):
            h = heap_push(h, now, WAKE, k)
    return h


@njit(inline="always")
def _crash_point(c, cons, plan, params):
    """Whether consumer ``c`` crashes as its attempt ends, and whether before the side effect."""
    r = cons[c, NEXT_PLAN]
    if r < plan.shape[0] and plan[r, 0] == c and plan[r, 1] == cons[c, TRIES]:
        cons[c, NEXT_PLAN] += 1
        return True, plan[r, 2] == 1
    if params[P_CRASH_P] > 0.0 and np.random.random() < params[P_CRASH_P]:
        return True, np.random.random() < params[P_CRASH_BEFORE]
    return False, True


@njit(inline="always")
def _apply(i, msgs, track, keys, counters, idem):
    """The side effect of message ``i``, unless an idempotent consumer recognises it; True if applied."""
    k, v = msgs[i, M_KEY], msgs[i, M_VERSION]
    if idem == IDS and track[i, APPLIED] > 0:
        counters[C_DEDUP_HITS] += 1
        return False
    if idem == VERSION and v <= keys[k, CUR]:
        if track[i, APPLIED] > 0:
            counters[C_DEDUP_HITS] += 1
        else:
            track[i, SUPERSEDED] = 1
        return False
    if track[i, APPLIED] > 0:
        counters[C_DUPLICATES] += 1
    if v < keys[k, TOP]:
        counters[C_VIOLATIONS] += 1
    track[i, APPLIED] += 1
    counters[C_EFFECTS] += 1
    keys[k, CUR] = v
    keys[k, TOP] = max(keys[k, TOP], v)
    return True


@njit
def _crash(h, c, now, vt, cons, held):
    """Consumer ``c`` goes down: what it fetched and did not acknowledge returns after ``vt``, and it too."""
    cons[c, ALIVE] = 0
    cons[c, BUSY] = 0
    for s in range(cons[c, B_ACK], cons[c, B_LEN]):
        if held[c, s] != HANDED:
            h = heap_push(h, now + vt, REDO, held[c, s])
    return heap_push(h, now + vt, RESTART, c)


@njit
def _fail(h, c, i, now, track, prev_sleep, cons, held, params):
    """Message ``i`` failed: dead-letter it or retry it after a backoff; False if ``c`` waits to retry it."""
    if track[i, ATTEMPTS] >= params[P_MAX_ATTEMPTS]:
        track[i, DEAD] = 1
        held[c, cons[c, B_POS]] = HANDED
        return h, True
    base, cap, multiplier = params[P_BASE], params[P_CAP], params[P_MULTIPLIER]
    sleep = backoff_sleep(int(params[P_BACKOFF]), track[i, ATTEMPTS], base, cap, multiplier, prev_sleep[i])
    prev_sleep[i] = sleep
    if params[P_RETRY_TOPIC] > 0.0:  # hand it to the retry topic and move on: later messages overtake it
        held[c, cons[c, B_POS]] = HANDED
        return heap_push(h, now + sleep, REDO, i), True
    return heap_push(h, now + sleep, RETRY, c), False  # retry in place: the partition waits


@njit(inline="always")
def _next_in_batch(c, cons, ack_batch):
    """Consumer ``c`` moves past the message in hand; True if its batch has another."""
    if not ack_batch and cons[c, B_ACK] == cons[c, B_POS]:
        cons[c, B_ACK] = cons[c, B_POS] + 1
    cons[c, B_POS] += 1
    if cons[c, B_POS] < cons[c, B_LEN]:
        return True
    cons[c, B_ACK] = cons[c, B_LEN]
    cons[c, BUSY] = 0
    return False


@njit(inline="always")
def _fetch(c, now, part, cons, held, track, log, produce_t, own, params):
    """Consumer ``c`` fetches a batch from the first of its partitions (round robin) that has messages.

    Returns the batch's length and, when it is empty, when the next message is produced (inf: never).
    """
    got, soonest = 0, np.inf
    competing = part[0, OWNER] < 0
    m = part.shape[0] if competing else cons[c, OWN_END] - cons[c, OWN_FIRST]
    for step in range(m):
        j = (cons[c, RR] + step) % m
        p = j if competing else own[cons[c, OWN_FIRST] + j]
        while got < held.shape[1]:
            i = part[p, RET_HEAD]  # a returned message first, else the next offset of the log if produced
            if i >= 0:
                part[p, RET_HEAD] = track[i, RET_NEXT]
                if part[p, RET_HEAD] < 0:
                    part[p, RET_TAIL] = -1
            elif part[p, CURSOR] < part[p, END] and produce_t[log[part[p, CURSOR]]] <= now:
                i = log[part[p, CURSOR]]
                part[p, CURSOR] += 1
            else:
                break
            track[i, DELIVERIES] += 1
            if track[i, ATTEMPTS] >= params[P_MAX_ATTEMPTS]:  # received too often (crashes): to the DLQ
                track[i, DEAD] = 1
                continue
            held[c, got] = i
            got += 1
        if got > 0:
            cons[c, RR] = (j + 1) % m
            return got, soonest
        if part[p, CURSOR] < part[p, END]:
            soonest = min(soonest, produce_t[log[part[p, CURSOR]]])
    return got, soonest


@njit
def deliver_run(msgs, produce_t, log, log_start, own, own_start, plan, service, params):
    """Run until every message is applied, dead-lettered or lost.

    ``msgs`` rows are messages ``(M_KEY, M_VERSION, M_PART, M_POISON)``;
    ``log[log_start[p]:log_start[p + 1]]`` are partition p's message ids in
    offset order; consumer c reads partitions ``own[own_start[c]:own_start[c + 1]]``,
    or every consumer competes for every partition when ``own`` is empty.
    ``plan`` rows are planned crashes ``(consumer, its n-th attempt, 1 if
    before the side effect)``, sorted; ``params[P_CRASH_P]`` adds random ones.
    Returns per-message ``(deliveries, attempts, applied, dead, superseded,
    first_effect_t)``, the effects log ``(t, message)`` and the counters ``C_*``.
    """
    np.random.seed(int(params[P_SEED]))
    n, P, consumers = msgs.shape[0], log_start.size - 1, int(params[P_CONSUMERS])
    idem, ack_batch, vt = int(params[P_IDEM]), params[P_ACK_BATCH] > 0.0, params[P_VT]
    track = np.zeros((n, 6), np.int64)
    first_t = np.full(n, np.nan)
    prev_sleep = np.full(n, params[P_BASE])
    keys = np.full((int(params[P_KEYS]), 2), -1, np.int64)
    eff_t, eff_m, n_eff = np.empty(n + 16), np.empty(n + 16, np.int64), 0
    counters = np.zeros(C_SIZE)
    part = np.full((P, 5), -1, np.int64)
    part[:, CURSOR], part[:, END] = log_start[:-1], log_start[1:]
    cons = np.zeros((consumers, 10), np.int64)
    cons[:, ALIVE], cons[:, OWN_FIRST], cons[:, OWN_END] = 1, own_start[:-1], own_start[1:]
    cons[:, NEXT_PLAN] = plan.shape[0]
    for r in range(plan.shape[0] - 1, -1, -1):
        cons[plan[r, 0], NEXT_PLAN] = r
    for c in range(consumers):
        part[own[own_start[c] : own_start[c + 1]], OWNER] = c
    held = np.empty((consumers, int(params[P_BATCH])), np.int64)
    h = heap_new(4 * consumers + 16)
    for c in range(consumers):
        h = heap_push(h, 0.0, WAKE, c)
    events, now = 0, 0.0
    while heap_size(h) > 0:
        if events >= params[P_MAX_EVENTS]:
            counters[C_TRUNCATED] = 1.0
            break
        now, kind, c = heap_pop(h)
        events += 1
        start = kind == RETRY  # the message in c's hand starts an attempt now
        fetch = False  # c looks for a new batch now
        if kind == WAKE or kind == RESTART:
            if kind == RESTART:
                cons[c, ALIVE], cons[c, BUSY] = 1, 0
            fetch = cons[c, ALIVE] == 1 and cons[c, BUSY] == 0
        elif kind == REDO:  # the event's data is a message, not a consumer
            h = _give_back(h, c, now, msgs, track, part, cons)
        elif kind == DONE:  # the attempt at the message in hand ends
            i = held[c, cons[c, B_POS]]
            failing = msgs[i, M_POISON] == 1 or np.random.random() < params[P_FAIL_P]
            crash, before = _crash_point(c, cons, plan, params)
            if not failing and not (crash and before) and _apply(i, msgs, track, keys, counters, idem):
                if np.isnan(first_t[i]):
                    first_t[i] = now
                eff_t, eff_m = _grow(eff_t, n_eff), _grow(eff_m, n_eff)
                eff_t[n_eff], eff_m[n_eff] = now, i
                n_eff += 1
            if crash:
                counters[C_CRASHES] += 1
                h = _crash(h, c, now, vt, cons, held)
                continue
            advance = True
            if failing:
                h, advance = _fail(h, c, i, now, track, prev_sleep, cons, held, params)
            if advance:
                start = _next_in_batch(c, cons, ack_batch)
                fetch = not start
        if fetch:
            got, soonest = _fetch(c, now, part, cons, held, track, log, produce_t, own, params)
            if got > 0:
                cons[c, BUSY], cons[c, B_LEN], cons[c, B_POS] = 1, got, 0
                cons[c, B_ACK] = got if params[P_AMO] > 0.0 else 0
                start = True
            elif soonest < np.inf:
                h = heap_push(h, soonest, WAKE, c)
        if start:
            i = held[c, cons[c, B_POS]]
            track[i, ATTEMPTS] += 1
            cons[c, TRIES] += 1
            h = heap_push(h, now + draw(service), DONE, c)
    counters[C_EVENTS], counters[C_END] = events, now
    deliveries, attempts = track[:, DELIVERIES].copy(), track[:, ATTEMPTS].copy()
    applied, dead = track[:, APPLIED].copy(), track[:, DEAD].astype(np.int8)
    superseded = track[:, SUPERSEDED].astype(np.int8)
    return deliveries, attempts, applied, dead, superseded, first_t, eff_t[:n_eff], eff_m[:n_eff], counters
