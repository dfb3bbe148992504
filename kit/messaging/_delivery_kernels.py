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


@njit
def _grow(a, n):
    if n < a.shape[0]:
        return a
    b = np.empty((2 * a.shape[0], *a.shape[1:]), a.dtype)
    b[: a.shape[0]] = a
    return b


@njit
def deliver_run(
    key,
    version,
    part,
    produce_t,
    poison,
    log,
    log_start,
    owner,
    own,
    own_start,
    n_keys,
    consumers,
    batch,
    amo,
    ack_batch,
    idem,
    retry_topic,
    fail_p,
    crash_p,
    crash_before,
    plan,
    service,
    vt,
    max_attempts,
    backoff,
    base,
    cap,
    multiplier,
    max_events,
    seed,
):
    """Run until every message is applied, dead-lettered or lost.

    ``log[log_start[p]:log_start[p + 1]]`` are partition p's message ids in
    offset order; ``owner[p]`` is the consumer that reads it, or -1 when
    every consumer competes for every partition; consumer c owns partitions
    ``own[own_start[c]:own_start[c + 1]]``. ``plan`` rows are planned
    crashes ``(consumer, its n-th attempt, 1 if before the side effect)``,
    sorted; ``crash_p`` adds random ones. Returns per-message
    ``(deliveries, attempts, applied, dead, superseded, first_effect_t)``,
    the effects log ``(t, message)`` and the counters ``C_*``.
    """
    np.random.seed(seed)
    n = key.size
    P = log_start.size - 1
    deliveries = np.zeros(n, np.int64)
    attempts = np.zeros(n, np.int64)
    applied = np.zeros(n, np.int64)
    dead = np.zeros(n, np.int8)
    superseded = np.zeros(n, np.int8)
    first_t = np.full(n, np.nan)
    prev_sleep = np.full(n, base)
    cur = np.full(n_keys, -1, np.int64)  # the version each key holds
    top = np.full(n_keys, -1, np.int64)  # the newest version ever applied to each key
    eff_t = np.empty(n + 16)
    eff_m = np.empty(n + 16, np.int64)
    n_eff = 0
    counters = np.zeros(C_SIZE)
    # partitions: a cursor into the log, and a FIFO of returned messages (a linked list in a pool)
    cursor = log_start[:-1].copy()
    ret_head = np.full(P, -1, np.int64)
    ret_tail = np.full(P, -1, np.int64)
    node_msg = np.empty(64, np.int64)
    node_next = np.empty(64, np.int64)
    n_nodes = 0
    free_node = -1
    # consumers
    alive = np.ones(consumers, np.int8)
    busy = np.zeros(consumers, np.int8)
    rr = np.zeros(consumers, np.int64)
    held = np.empty((consumers, batch), np.int64)
    handed = np.zeros((consumers, batch), np.int8)  # sent to the retry topic or the DLQ: not ours any more
    b_len = np.zeros(consumers, np.int64)
    b_pos = np.zeros(consumers, np.int64)
    b_ack = np.zeros(consumers, np.int64)  # first unacknowledged slot of the batch
    tries = np.zeros(consumers, np.int64)  # attempts this consumer has started
    plan_at = np.zeros(consumers, np.int64)
    for r in range(plan.shape[0] - 1, -1, -1):
        plan_at[plan[r, 0]] = r
    has_plan = np.zeros(consumers, np.int8)
    for r in range(plan.shape[0]):
        has_plan[plan[r, 0]] = 1

    h = heap_new(4 * consumers + 16)
    for c in range(consumers):
        h = heap_push(h, 0.0, WAKE, c)
    events = 0
    now = 0.0
    while heap_size(h) > 0:
        if events >= max_events:
            counters[C_TRUNCATED] = 1.0
            break
        now, kind, data = heap_pop(h)
        events += 1
        c = data
        start = -1  # consumer whose current message starts an attempt now
        fetch = -1  # consumer that looks for a new batch now
        if kind == WAKE or kind == RESTART:
            if kind == RESTART:
                alive[c] = 1
                busy[c] = 0
            if alive[c] == 1 and busy[c] == 0:
                fetch = c
        elif kind == REDO:  # a message returns to its partition
            p = part[data]
            if free_node >= 0:
                node = free_node
                free_node = node_next[node]
            else:
                node_msg = _grow(node_msg, n_nodes)
                node_next = _grow(node_next, n_nodes)
                node = n_nodes
                n_nodes += 1
            node_msg[node] = data
            node_next[node] = -1
            if ret_tail[p] >= 0:
                node_next[ret_tail[p]] = node
            else:
                ret_head[p] = node
            ret_tail[p] = node
            for k in range(consumers):
                if alive[k] == 1 and busy[k] == 0 and (owner[p] < 0 or owner[p] == k):
                    h = heap_push(h, now, WAKE, k)
        elif kind == RETRY:
            start = c
        else:  # DONE: the attempt at the current message ends
            i = held[c, b_pos[c]]
            failing = poison[i] == 1 or np.random.random() < fail_p
            crash = False
            before = True
            if has_plan[c] == 1 and plan_at[c] < plan.shape[0] and plan[plan_at[c], 0] == c:
                if plan[plan_at[c], 1] == tries[c]:
                    crash = True
                    before = plan[plan_at[c], 2] == 1
                    plan_at[c] += 1
            if not crash and crash_p > 0.0 and np.random.random() < crash_p:
                crash = True
                before = np.random.random() < crash_before
            if not failing and not (crash and before):
                # the side effect, unless an idempotent consumer recognises the message
                k = key[i]
                if idem == IDS and applied[i] > 0:
                    counters[C_DEDUP_HITS] += 1
                elif idem == VERSION and version[i] <= cur[k]:
                    if applied[i] > 0:
                        counters[C_DEDUP_HITS] += 1
                    else:
                        superseded[i] = 1
                else:
                    if applied[i] > 0:
                        counters[C_DUPLICATES] += 1
                    if version[i] < top[k]:
                        counters[C_VIOLATIONS] += 1
                    applied[i] += 1
                    counters[C_EFFECTS] += 1
                    cur[k] = version[i]
                    top[k] = max(top[k], version[i])
                    if np.isnan(first_t[i]):
                        first_t[i] = now
                    eff_t = _grow(eff_t, n_eff)
                    eff_m = _grow(eff_m, n_eff)
                    eff_t[n_eff] = now
                    eff_m[n_eff] = i
                    n_eff += 1
            if crash:
                counters[C_CRASHES] += 1
                alive[c] = 0
                busy[c] = 0
                for s in range(b_ack[c], b_len[c]):  # everything fetched and not acknowledged comes back
                    if handed[c, s] == 0:
                        h = heap_push(h, now + vt, REDO, held[c, s])
                h = heap_push(h, now + vt, RESTART, c)
                continue
            advance = True
            if failing:
                if attempts[i] >= max_attempts:
                    dead[i] = 1
                    handed[c, b_pos[c]] = 1
                else:
                    sleep = backoff_sleep(backoff, attempts[i], base, cap, multiplier, prev_sleep[i])
                    prev_sleep[i] = sleep
                    if retry_topic:  # hand it to the retry topic and move on: later messages overtake it
                        handed[c, b_pos[c]] = 1
                        h = heap_push(h, now + sleep, REDO, i)
                    else:  # retry in place: the partition waits
                        h = heap_push(h, now + sleep, RETRY, c)
                        advance = False
            if advance:
                if not ack_batch and b_ack[c] == b_pos[c]:
                    b_ack[c] = b_pos[c] + 1
                b_pos[c] += 1
                if b_pos[c] < b_len[c]:
                    start = c
                else:
                    b_ack[c] = b_len[c]
                    busy[c] = 0
                    fetch = c
        if fetch >= 0:
            c = fetch
            got = 0
            soonest = np.inf
            competing = owner[0] < 0
            m = P if competing else own_start[c + 1] - own_start[c]
            for step in range(m):
                j = (rr[c] + step) % m
                p = j if competing else own[own_start[c] + j]
                while got < batch and (
                    ret_head[p] >= 0 or (cursor[p] < log_start[p + 1] and produce_t[log[cursor[p]]] <= now)
                ):
                    if ret_head[p] >= 0:
                        node = ret_head[p]
                        i = node_msg[node]
                        ret_head[p] = node_next[node]
                        if ret_head[p] < 0:
                            ret_tail[p] = -1
                        node_next[node] = free_node
                        free_node = node
                    else:
                        i = log[cursor[p]]
                        cursor[p] += 1
                    deliveries[i] += 1
                    if attempts[i] >= max_attempts:  # received too often (crashes): redrive to the DLQ
                        dead[i] = 1
                        continue
                    held[c, got] = i
                    handed[c, got] = 0
                    got += 1
                if got > 0:
                    rr[c] = (j + 1) % m
                    break
                if cursor[p] < log_start[p + 1]:
                    soonest = min(soonest, produce_t[log[cursor[p]]])
            if got > 0:
                busy[c] = 1
                b_len[c] = got
                b_pos[c] = 0
                b_ack[c] = got if amo else 0
                start = c
            elif soonest < np.inf:
                h = heap_push(h, soonest, WAKE, c)
        if start >= 0:
            i = held[start, b_pos[start]]
            attempts[i] += 1
            tries[start] += 1
            h = heap_push(h, now + draw(service), DONE, start)
    counters[C_EVENTS] = events
    counters[C_END] = now
    return deliveries, attempts, applied, dead, superseded, first_t, eff_t[:n_eff], eff_m[:n_eff], counters
