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

from collections import namedtuple

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
# the settings of a run, typed (int, bool, float seconds), built once by delivery.deliver
Run = namedtuple(
    "Run",
    "keys consumers batch amo ack_batch idem retry_topic fail_p crash_p crash_before vt "
    "max_attempts backoff base cap multiplier max_events seed",
)
# Per-message tables keep a row per field and a column per message (message i is [FIELD, i]): each
# field is contiguous, as separate arrays would be, so a run over many messages streams through memory.
M_KEY, M_VERSION, M_PART, M_POISON = range(4)  # the messages (int32, built once by delivery.deliver)
# what happened to each message, and the next message in the return queue it waits in
DELIVERIES, ATTEMPTS, APPLIED, DEAD, SUPERSEDED, RET_NEXT = range(6)
# per partition (a row each): next offset of its log, the log's end, its queue of returned messages,
# its reader (-1: any)
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

    The queue links message ids (``track[RET_NEXT]``): a message is in one
    place at a time (its log, a consumer's batch, the event heap or one queue).
    """
    p = msgs[M_PART, i]
    track[RET_NEXT, i] = -1
    if part[p, RET_TAIL] >= 0:
        track[RET_NEXT, part[p, RET_TAIL]] = i
    else:
        part[p, RET_HEAD] = i
    part[p, RET_TAIL] = i
    for k in range(cons.shape[0]):
        if cons[k, ALIVE] == 1 and cons[k, BUSY] == 0 and (part[p, OWNER] < 0 or part[p, OWNER] == k):
            h = heap_push(h, now, WAKE, k)
    return h


@njit
def _crash_point(c, cons, plan, run):
    """Whether consumer ``c`` crashes as its attempt ends, and whether before the side effect."""
    r = cons[c, NEXT_PLAN]
    if r < plan.shape[0] and plan[r, 0] == c and plan[r, 1] == cons[c, TRIES]:
        cons[c, NEXT_PLAN] += 1
        return True, plan[r, 2] == 1
    if run.crash_p > 0.0 and np.random.random() < run.crash_p:
        return True, np.random.random() < run.crash_before
    return False, True


@njit
def _apply(i, msgs, track, keys, counters, idem):
    """The side effect of message ``i``, unless an idempotent consumer recognises it; True if applied.

    Without branches on purpose: each array is last used at the same place on
    every path, so numba prunes its reference counting; with early returns,
    every call paid atomic increments and decrements of four arrays.
    """
    k, v = msgs[M_KEY, i], msgs[M_VERSION, i]
    seen = track[APPLIED, i] > 0
    cur, top = keys[k, CUR], keys[k, TOP]
    known = (idem == IDS and seen) or (idem == VERSION and v <= cur)  # recognised: not applied
    fresh = not known
    counters[C_DEDUP_HITS] += known and seen
    track[SUPERSEDED, i] |= known and not seen  # a newer version was applied before this one's first try
    counters[C_DUPLICATES] += fresh and seen
    counters[C_VIOLATIONS] += fresh and v < top
    counters[C_EFFECTS] += fresh
    track[APPLIED, i] += fresh
    keys[k, CUR] = v if fresh else cur
    keys[k, TOP] = max(top, v) if fresh else top
    return fresh


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
def _fail(h, c, i, now, track, prev_sleep, cons, held, run):
    """Message ``i`` failed: dead-letter it or retry it after a backoff; False if ``c`` waits to retry it."""
    if track[ATTEMPTS, i] >= run.max_attempts:
        track[DEAD, i] = 1
        held[c, cons[c, B_POS]] = HANDED
        return h, True
    sleep = backoff_sleep(run.backoff, track[ATTEMPTS, i], run.base, run.cap, run.multiplier, prev_sleep[i])
    prev_sleep[i] = sleep
    if run.retry_topic:  # hand it to the retry topic and move on: later messages overtake it
        held[c, cons[c, B_POS]] = HANDED
        return heap_push(h, now + sleep, REDO, i), True
    return heap_push(h, now + sleep, RETRY, c), False  # retry in place: the partition waits


@njit
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


@njit
def _fetch(c, now, part, cons, held, track, log, produce_t, own, max_attempts):
    """Consumer ``c`` fetches a batch from the first of its partitions (round robin) that has messages.

    Returns the batch's length and, when it is empty, when the next message is produced (inf: never).
    One exit, after the loops, for the reason ``_apply`` has no branches (numba's reference counting).
    """
    got, soonest = 0, np.inf
    competing = part[0, OWNER] < 0
    m = part.shape[0] if competing else cons[c, OWN_END] - cons[c, OWN_FIRST]
    step = 0
    while step < m and got == 0:
        j = (cons[c, RR] + step) % m
        p = j if competing else own[cons[c, OWN_FIRST] + j]
        while got < held.shape[1]:
            i = part[p, RET_HEAD]  # a returned message first, else the next offset of the log if produced
            if i >= 0:
                part[p, RET_HEAD] = track[RET_NEXT, i]
                if part[p, RET_HEAD] < 0:
                    part[p, RET_TAIL] = -1
            elif part[p, CURSOR] < part[p, END] and produce_t[log[part[p, CURSOR]]] <= now:
                i = log[part[p, CURSOR]]
                part[p, CURSOR] += 1
            else:
                break
            track[DELIVERIES, i] += 1
            if track[ATTEMPTS, i] >= max_attempts:  # received too often (crashes): to the DLQ
                track[DEAD, i] = 1
                continue
            held[c, got] = i
            got += 1
        if got > 0:
            cons[c, RR] = (j + 1) % m
        elif part[p, CURSOR] < part[p, END]:
            soonest = min(soonest, produce_t[log[part[p, CURSOR]]])
        step += 1
    return got, soonest


@njit
def deliver_run(msgs, produce_t, log, log_start, own, own_start, plan, service, run):
    """Run until every message is applied, dead-lettered or lost.

    ``msgs[M_KEY, i]``, ``msgs[M_VERSION, i]``... describe message i;
    ``log[log_start[p]:log_start[p + 1]]`` are partition p's message ids in
    offset order; consumer c reads partitions ``own[own_start[c]:own_start[c + 1]]``,
    or every consumer competes for every partition when ``own`` is empty.
    ``plan`` rows are planned crashes ``(consumer, its n-th attempt, 1 if
    before the side effect)``, sorted; ``run.crash_p`` adds random ones.
    Returns per-message ``(deliveries, attempts, applied, dead, superseded,
    first_effect_t)``, the effects log ``(t, message)`` and the counters ``C_*``.
    """
    np.random.seed(run.seed)
    n, P, consumers = msgs.shape[1], log_start.size - 1, run.consumers
    track = np.zeros((6, n), np.int64)
    first_t = np.full(n, np.nan)
    prev_sleep = np.full(n, run.base)
    keys = np.full((run.keys, 2), -1, np.int64)
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
    held = np.empty((consumers, run.batch), np.int64)
    h = heap_new(4 * consumers + 16)
    for c in range(consumers):
        h = heap_push(h, 0.0, WAKE, c)
    events, now = 0, 0.0
    while heap_size(h) > 0:
        if events >= run.max_events:
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
            failing = msgs[M_POISON, i] == 1 or np.random.random() < run.fail_p
            crash, before = _crash_point(c, cons, plan, run)
            if not failing and not (crash and before) and _apply(i, msgs, track, keys, counters, run.idem):
                if np.isnan(first_t[i]):
                    first_t[i] = now
                eff_t, eff_m = _grow(eff_t, n_eff), _grow(eff_m, n_eff)
                eff_t[n_eff], eff_m[n_eff] = now, i
                n_eff += 1
            if crash:
                counters[C_CRASHES] += 1
                h = _crash(h, c, now, run.vt, cons, held)
                continue
            advance = True
            if failing:
                h, advance = _fail(h, c, i, now, track, prev_sleep, cons, held, run)
            if advance:
                start = _next_in_batch(c, cons, run.ack_batch)
                fetch = not start
        if fetch:
            got, soonest = _fetch(c, now, part, cons, held, track, log, produce_t, own, run.max_attempts)
            if got > 0:
                cons[c, BUSY], cons[c, B_LEN], cons[c, B_POS] = 1, got, 0
                cons[c, B_ACK] = got if run.amo else 0
                start = True
            elif soonest < np.inf:
                h = heap_push(h, soonest, WAKE, c)
        if start:
            i = held[c, cons[c, B_POS]]
            track[ATTEMPTS, i] += 1
            cons[c, TRIES] += 1
            h = heap_push(h, now + draw(service), DONE, c)
    counters[C_EVENTS], counters[C_END] = events, now
    deliveries, attempts, applied = track[DELIVERIES], track[ATTEMPTS], track[APPLIED]
    dead, superseded = track[DEAD].astype(np.int8), track[SUPERSEDED].astype(np.int8)
    return deliveries, attempts, applied, dead, superseded, first_t, eff_t[:n_eff], eff_m[:n_eff], counters
