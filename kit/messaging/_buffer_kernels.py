"""The bounded buffer as a discrete-event kernel: producers, a broker of ``capacity``, ``c`` consumers.

Clock in seconds. A message is *generated* by a producer, *enters* the broker
(or waits upstream in a blocked producer, or is dropped), *starts* when a
consumer takes it and *ends* when the consumer is done (or when a newer
message pushes it out, for drop-oldest). ``capacity`` counts every message in
the broker, the ones being processed included (the K of M/M/c/K).
"""

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw

DROP_NEWEST, DROP_OLDEST, BLOCK, UNBOUNDED, CREDIT = range(5)
ARRIVAL, DEPARTURE, GRANT = range(3)
# fates
PENDING, DELIVERED, DROPPED_NEWEST, DROPPED_OLDEST = range(4)
# columns of the per-message times
GEN, ENTER, START, END = range(4)
# columns of the state samples
S_BROKER, S_UPSTREAM = range(2)


@njit
def next_arrival(t, seg_t, seg_rate):
    """The next event of a Poisson process with piecewise-constant rate after ``t`` (inf: none)."""
    need = np.random.exponential(1.0)
    j = np.searchsorted(seg_t, t, side="right") - 1
    while True:
        end = seg_t[j + 1] if j + 1 < seg_t.size else np.inf
        rate = seg_rate[j]
        if rate > 0.0 and need <= rate * (end - t):
            return t + need / rate
        if end == np.inf:
            return np.inf
        need -= rate * (end - t)
        t = end
        j += 1


@njit
def buffer_run(
    seg_t,
    seg_rate,
    burst,
    service,
    c,
    capacity,
    policy,
    rtt,
    grant,
    n,
    sample_dt,
    n_samples,
    spike_end,
    max_events,
    seed,
):
    """One run until ``n`` messages have been generated and every one has left.

    ``seg_rate`` is in messages per second; arrivals come in batches of
    geometric size with mean ``burst`` (1: single messages), so batches arrive
    at ``rate / burst``. ``capacity`` < 0 means unbounded. Block is credit flow
    with an instant grant per freed slot (``rtt`` 0, ``grant`` 1).

    Returns ``(times[n, 4], fate[n], samples[n_samples, 2], stats)`` with
    stats = (end time, events, truncated, broker area = integral of messages in the
    broker over time, drain time after ``spike_end`` or nan).
    """
    np.random.seed(seed)
    times = np.full((n, 4), np.nan)
    fate = np.zeros(n, np.int8)
    samples = np.zeros((n_samples, 2))
    queue = np.empty(n, np.int64)  # waiting messages in the broker, FIFO: each enters at most once
    q_head = 0
    q_tail = 0
    upstream = 0  # generated, waiting in blocked producers: ids enter in order from up_head
    up_head = 0
    generated = 0
    in_broker = 0  # waiting + in service
    idle = c
    credits = capacity if (policy == BLOCK or policy == CREDIT) else 0
    freed = 0
    batch_rate = seg_rate / burst
    h = heap_new(64)
    t0 = next_arrival(0.0, seg_t, batch_rate)
    if t0 < np.inf:
        h = heap_push(h, t0, ARRIVAL, 0)
    now = 0.0
    area = 0.0
    events = 0
    next_sample = 0
    drain = np.nan
    last_gen = 0.0
    truncated = False
    while heap_size(h) > 0:
        if events >= max_events:
            truncated = True
            break
        t, kind, data = heap_pop(h)
        events += 1
        while next_sample < n_samples and next_sample * sample_dt <= t:
            samples[next_sample, S_BROKER] = in_broker
            samples[next_sample, S_UPSTREAM] = upstream
            next_sample += 1
        area += in_broker * (t - now)
        now = t
        if kind == ARRIVAL:
            size = 1 if burst <= 1.0 else np.random.geometric(1.0 / burst)
            for _ in range(size):
                if generated == n:
                    break
                i = generated
                generated += 1
                times[i, GEN] = now
                last_gen = now
                if policy == BLOCK or policy == CREDIT:
                    upstream += 1  # admitted below, in order, while credits last
                elif policy == UNBOUNDED or in_broker < capacity:
                    times[i, ENTER] = now
                    in_broker += 1
                    queue[q_tail] = i
                    q_tail += 1
                elif policy == DROP_OLDEST and q_tail > q_head:
                    old = queue[q_head]
                    q_head += 1
                    fate[old] = DROPPED_OLDEST
                    times[old, END] = now
                    times[i, ENTER] = now
                    queue[q_tail] = i
                    q_tail += 1
                else:
                    fate[i] = DROPPED_NEWEST
            if generated < n:
                t_next = next_arrival(now, seg_t, batch_rate)
                if t_next < np.inf:
                    h = heap_push(h, t_next, ARRIVAL, 0)
        elif kind == DEPARTURE:
            fate[data] = DELIVERED
            times[data, END] = now
            in_broker -= 1
            idle += 1
            if policy == BLOCK:
                credits += 1
            elif policy == CREDIT:
                freed += 1
                if freed >= grant:
                    h = heap_push(h, now + rtt, GRANT, freed)
                    freed = 0
        else:  # GRANT: credits reach the producer
            credits += data
        # blocked producers send while they hold credits
        while upstream > 0 and credits > 0:
            i = up_head
            up_head += 1
            upstream -= 1
            credits -= 1
            times[i, ENTER] = now
            in_broker += 1
            queue[q_tail] = i
            q_tail += 1
        # idle consumers take the oldest waiting messages
        while idle > 0 and q_tail > q_head:
            i = queue[q_head]
            q_head += 1
            idle -= 1
            times[i, START] = now
            h = heap_push(h, now + draw(service), DEPARTURE, i)
        if np.isnan(drain) and now >= spike_end and q_tail == q_head and upstream == 0 and generated < n:
            drain = now - spike_end
    while next_sample < n_samples and next_sample * sample_dt <= now:
        samples[next_sample, S_BROKER] = in_broker
        samples[next_sample, S_UPSTREAM] = upstream
        next_sample += 1
    stats = np.array([now, events, 1.0 if truncated else 0.0, area, drain, last_gen])
    return times, fate, samples[:next_sample], stats
