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


# the parameter record of a group run (float64, built once by partitions.consumer_group)
P_CONSUMERS, P_SAMPLE_DT, P_SAMPLES, P_MAX_EVENTS, P_SEED, N_PARAMS = range(6)
SEG_START, SEG_END, SEG_OWNER = range(3)  # columns of an ownership segment (owner -1: a rebalance pause)
HEAD, LOCKED, SEG = range(3)  # per partition: next message to process, one in progress, current segment
RR, BUSY, WORKING_ON = range(3)  # per consumer: where its round robin resumes, busy, the partition it serves


@njit
def _sample_lag(lag, taken, t, sample_dt, arrive, log_start, part):
    """Messages arrived and not yet processed, per partition, at every sample time up to ``t``."""
    while taken < lag.shape[0] and taken * sample_dt <= t:
        ts = taken * sample_dt
        for p in range(lag.shape[1]):
            lag[taken, p] = np.searchsorted(arrive[log_start[p] : log_start[p + 1]], ts, "right") - (
                part[p, HEAD] - log_start[p]
            )
        taken += 1
    return taken


@njit
def _finish(c, now, cons, part, done_t):
    """Consumer ``c`` is done with the head message of the partition it serves."""
    p = cons[c, WORKING_ON]
    done_t[part[p, HEAD]] = now
    part[p, HEAD] += 1
    part[p, LOCKED] = 0
    cons[c, BUSY] = 0
    cons[c, WORKING_ON] = -1


@njit
def _owns(p, c, now, part, segments, seg_first):
    """Whether consumer ``c`` may read partition ``p`` now (moving ``p`` to its current segment)."""
    while part[p, SEG] < seg_first[p + 1] - 1 and segments[part[p, SEG], SEG_END] <= now:
        part[p, SEG] += 1
    here = segments[part[p, SEG]]
    return here[SEG_OWNER] == c and here[SEG_START] <= now


@njit
def _take_next(h, c, now, cons, part, arrive, log_start, segments, seg_first, service):
    """Consumer ``c`` takes the next waiting message of its partitions (round robin), or waits for one."""
    P = part.shape[0]
    soonest = np.inf
    for step in range(P):
        p = (cons[c, RR] + step) % P
        if not _owns(p, c, now, part, segments, seg_first):
            continue
        if part[p, LOCKED] == 0 and part[p, HEAD] < log_start[p + 1]:
            if arrive[part[p, HEAD]] <= now:
                part[p, LOCKED] = 1
                cons[c, BUSY] = 1
                cons[c, WORKING_ON] = p
                cons[c, RR] = (p + 1) % P
                return heap_push(h, now + draw(service), DONE, c)
            soonest = min(soonest, arrive[part[p, HEAD]])
    if soonest < np.inf:
        h = heap_push(h, soonest, WAKE, c)
    return h


@njit
def group_run(arrive, log_start, segments, seg_first, wakes, service, params):
    """Consumers draining partitions whose owners change over time.

    ``arrive[log_start[p]:log_start[p + 1]]`` are partition p's arrival times,
    sorted. Ownership is a list of segments per partition,
    ``segments[seg_first[p]:seg_first[p + 1]]``, each row ``[start, end)`` and
    owner (-1: nobody may read it, a rebalance pause). A consumer takes one
    message at a time from the partitions it owns (round robin), finishes what
    it started, and wakes at every time in ``wakes`` (ownership changes).
    Returns ``(done_t per message, lag samples[n_samples, P], counters)``.
    """
    np.random.seed(int(params[P_SEED]))
    P, consumers = log_start.size - 1, int(params[P_CONSUMERS])
    done_t = np.full(arrive.size, np.nan)
    part = np.zeros((P, 3), np.int64)
    part[:, HEAD] = log_start[:-1]
    part[:, SEG] = seg_first[:-1]
    cons = np.zeros((consumers, 3), np.int64)
    cons[:, WORKING_ON] = -1
    lag = np.zeros((int(params[P_SAMPLES]), P))
    h = heap_new(2 * consumers + wakes.size + 8)
    for c in range(consumers):
        h = heap_push(h, 0.0, WAKE, c)
        for w in range(wakes.size):
            h = heap_push(h, wakes[w], WAKE, c)
    events, truncated, taken, now = 0, 0.0, 0, 0.0
    while heap_size(h) > 0:
        if events >= params[P_MAX_EVENTS]:
            truncated = 1.0
            break
        t, kind, c = heap_pop(h)
        events += 1
        taken = _sample_lag(lag, taken, t, params[P_SAMPLE_DT], arrive, log_start, part)
        now = t
        if kind == DONE:
            _finish(c, now, cons, part, done_t)
        if cons[c, BUSY] == 0:
            h = _take_next(h, c, now, cons, part, arrive, log_start, segments, seg_first, service)
    return done_t, lag[:taken], np.array([now, events, truncated])
