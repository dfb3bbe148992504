"""Kafka's key partitioner (murmur2) and a consumer group draining partitions: numba kernels.

Clock in seconds; ``kit.core.events`` heap.
"""

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw

MASK = 0xFFFFFFFF
WAKE, DONE = range(2)


@njit
def murmur2(data, starts):
    """Kafka's ``Utils.murmur2`` (seed 0x9747b28c) of ``data[starts[i]:starts[i + 1]]``, as int32."""
    m = np.uint64(0x5BD1E995)
    out = np.empty(starts.size - 1, np.int64)
    for s in range(starts.size - 1):
        lo = starts[s]
        length = starts[s + 1] - lo
        h = (np.uint64(0x9747B28C) ^ np.uint64(length)) & MASK
        for i in range(length // 4):
            b = lo + 4 * i
            k = np.uint64(data[b]) | (np.uint64(data[b + 1]) << 8)
            k |= (np.uint64(data[b + 2]) << 16) | (np.uint64(data[b + 3]) << 24)
            k = (k * m) & MASK
            k ^= k >> 24
            k = (k * m) & MASK
            h = ((h * m) & MASK) ^ k
        tail = lo + (length & ~3)
        rest = length % 4
        if rest == 3:
            h ^= np.uint64(data[tail + 2]) << 16
        if rest >= 2:
            h ^= np.uint64(data[tail + 1]) << 8
        if rest >= 1:
            h ^= np.uint64(data[tail])
            h = (h * m) & MASK
        h ^= h >> 13
        h = (h * m) & MASK
        h ^= h >> 15
        v = np.int64(h)
        out[s] = v - 4294967296 if v >= 2147483648 else v
    return out


@njit
def group_run(
    arrive,
    log_start,
    seg_start,
    seg_end,
    seg_owner,
    seg_first,
    consumers,
    service,
    wakes,
    sample_dt,
    n_samples,
    max_events,
    seed,
):
    """Consumers draining partitions whose owners change over time.

    ``arrive[log_start[p]:log_start[p + 1]]`` are partition p's arrival times,
    sorted. Ownership is a list of segments per partition,
    ``seg_first[p]:seg_first[p + 1]``, each ``[seg_start, seg_end)`` with owner
    ``seg_owner`` (-1: nobody may read it, a rebalance pause). A consumer takes
    one message at a time from the partitions it owns (round robin), finishes
    what it started, and wakes at every time in ``wakes`` (ownership changes).
    Returns ``(done_t per message, lag samples[n_samples, P], counters)``.
    """
    np.random.seed(seed)
    P = log_start.size - 1
    done_t = np.full(arrive.size, np.nan)
    head = log_start[:-1].copy()  # next message to process, per partition
    locked = np.zeros(P, np.int8)  # a message of it is being processed
    seg = seg_first[:-1].copy()
    rr = np.zeros(consumers, np.int64)
    busy = np.zeros(consumers, np.int8)
    working_on = np.full(consumers, -1, np.int64)
    lag = np.zeros((n_samples, P))
    h = heap_new(2 * consumers + wakes.size + 8)
    for c in range(consumers):
        h = heap_push(h, 0.0, WAKE, c)
        for w in range(wakes.size):
            h = heap_push(h, wakes[w], WAKE, c)
    events = 0
    truncated = 0.0
    next_sample = 0
    now = 0.0
    while heap_size(h) > 0:
        if events >= max_events:
            truncated = 1.0
            break
        t, kind, c = heap_pop(h)
        events += 1
        while next_sample < n_samples and next_sample * sample_dt <= t:
            ts = next_sample * sample_dt
            for p in range(P):  # lag: arrived and not yet processed
                lag[next_sample, p] = np.searchsorted(
                    arrive[log_start[p] : log_start[p + 1]], ts, "right"
                ) - (head[p] - log_start[p])
            next_sample += 1
        now = t
        if kind == DONE:
            p = working_on[c]
            done_t[head[p]] = now
            head[p] += 1
            locked[p] = 0
            busy[c] = 0
            working_on[c] = -1
        if busy[c] == 1:
            continue
        soonest = np.inf
        for step in range(P):
            p = (rr[c] + step) % P
            while seg[p] < seg_first[p + 1] - 1 and seg_end[seg[p]] <= now:
                seg[p] += 1
            if seg_owner[seg[p]] != c or seg_start[seg[p]] > now:
                continue
            if locked[p] == 0 and head[p] < log_start[p + 1]:
                if arrive[head[p]] <= now:
                    locked[p] = 1
                    busy[c] = 1
                    working_on[c] = p
                    rr[c] = (p + 1) % P
                    h = heap_push(h, now + draw(service), DONE, c)
                    break
                soonest = min(soonest, arrive[head[p]])
        if busy[c] == 0 and soonest < np.inf:
            h = heap_push(h, soonest, WAKE, c)
    return done_t, lag[:next_sample], np.array([now, events, truncated])
