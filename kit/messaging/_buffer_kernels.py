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


# the parameter record one run reads (float64, built once by buffers.simulate_buffer)
(P_BURST, P_CONSUMERS, P_CAPACITY, P_POLICY, P_RTT, P_GRANT, P_MESSAGES, P_SAMPLE_DT, P_SAMPLES,
 P_SPIKE_END, P_MAX_EVENTS, P_SEED, N_PARAMS) = range(13)  # fmt: skip
# the run's counters (int64): the waiting queue's ends, blocked producers, consumers, credits
(Q_HEAD, Q_TAIL, UPSTREAM, UP_HEAD, GENERATED, IN_BROKER, IDLE, CREDITS, FREED,
 N_STATE) = range(10)  # fmt: skip


@njit(inline="always")
def _enqueue(st, queue, times, i, now):
    """Message ``i`` enters the broker's waiting queue now."""
    times[i, ENTER] = now
    st[IN_BROKER] += 1
    queue[st[Q_TAIL]] = i
    st[Q_TAIL] += 1


@njit(inline="always")
def _generate(st, queue, times, fate, now, policy, capacity):
    """The next message: it waits upstream, enters, pushes the oldest out, or is dropped."""
    i = st[GENERATED]
    st[GENERATED] += 1
    times[i, GEN] = now
    if policy == BLOCK or policy == CREDIT:
        st[UPSTREAM] += 1  # admitted by _dispatch, in order, while credits last
    elif policy == UNBOUNDED or st[IN_BROKER] < capacity:
        _enqueue(st, queue, times, i, now)
    elif policy == DROP_OLDEST and st[Q_TAIL] > st[Q_HEAD]:
        old = queue[st[Q_HEAD]]
        st[Q_HEAD] += 1
        fate[old] = DROPPED_OLDEST
        times[old, END] = now
        times[i, ENTER] = now  # takes the place of the one pushed out: the count is unchanged
        queue[st[Q_TAIL]] = i
        st[Q_TAIL] += 1
    else:
        fate[i] = DROPPED_NEWEST


@njit(inline="always")
def _depart(h, st, times, fate, i, now, policy, rtt, grant):
    """Message ``i`` is done: its consumer is free, and the producers get their credit back (or later)."""
    fate[i] = DELIVERED
    times[i, END] = now
    st[IN_BROKER] -= 1
    st[IDLE] += 1
    if policy == BLOCK:
        st[CREDITS] += 1
    elif policy == CREDIT:
        st[FREED] += 1
        if st[FREED] >= grant:
            h = heap_push(h, now + rtt, GRANT, st[FREED])
            st[FREED] = 0
    return h


@njit(inline="always")
def _dispatch(h, st, queue, times, now, service):
    """Blocked producers send while they hold credits; idle consumers take the oldest waiting messages."""
    while st[UPSTREAM] > 0 and st[CREDITS] > 0:
        i = st[UP_HEAD]
        st[UP_HEAD] += 1
        st[UPSTREAM] -= 1
        st[CREDITS] -= 1
        _enqueue(st, queue, times, i, now)
    while st[IDLE] > 0 and st[Q_TAIL] > st[Q_HEAD]:
        i = queue[st[Q_HEAD]]
        st[Q_HEAD] += 1
        st[IDLE] -= 1
        times[i, START] = now
        h = heap_push(h, now + draw(service), DEPARTURE, i)
    return h


@njit(inline="always")
def _sample(samples, taken, t, st, sample_dt):
    """Record the broker's and the producers' backlog at every sample time up to ``t``; the new count."""
    while taken < samples.shape[0] and taken * sample_dt <= t:
        samples[taken, S_BROKER] = st[IN_BROKER]
        samples[taken, S_UPSTREAM] = st[UPSTREAM]
        taken += 1
    return taken


@njit
def buffer_run(seg_t, seg_rate, service, params):
    """One run until ``params[P_MESSAGES]`` messages have been generated and every one has left.

    ``seg_rate`` is in messages per second; arrivals come in batches of
    geometric size with mean ``params[P_BURST]`` (1: single messages), so
    batches arrive at ``rate / burst``. A capacity < 0 means unbounded. Block
    is credit flow with an instant grant per freed slot (rtt 0, grant 1).

    Returns ``(times[n, 4], fate[n], samples[n_samples, 2], stats)`` with
    stats = (end time, events, truncated, broker area = integral of messages in the
    broker over time, drain time after the spike's end or nan, time of the last message).
    """
    np.random.seed(int(params[P_SEED]))
    n, burst, policy = int(params[P_MESSAGES]), params[P_BURST], int(params[P_POLICY])
    capacity, spike_end, sample_dt = int(params[P_CAPACITY]), params[P_SPIKE_END], params[P_SAMPLE_DT]
    rtt, grant, max_events = params[P_RTT], int(params[P_GRANT]), int(params[P_MAX_EVENTS])
    times = np.full((n, 4), np.nan)
    fate = np.zeros(n, np.int8)
    samples = np.zeros((int(params[P_SAMPLES]), 2))
    queue = np.empty(n, np.int64)  # waiting messages in the broker, FIFO: each enters at most once
    st = np.zeros(N_STATE, np.int64)
    st[IDLE] = int(params[P_CONSUMERS])
    st[CREDITS] = capacity if (policy == BLOCK or policy == CREDIT) else 0
    batch_rate = seg_rate / burst
    h = heap_new(64)
    t0 = next_arrival(0.0, seg_t, batch_rate)
    if t0 < np.inf:
        h = heap_push(h, t0, ARRIVAL, 0)
    now, area, events, taken, drain, last_gen = 0.0, 0.0, 0, 0, np.nan, 0.0
    truncated = False
    while heap_size(h) > 0:
        if events >= max_events:
            truncated = True
            break
        t, kind, data = heap_pop(h)
        events += 1
        taken = _sample(samples, taken, t, st, sample_dt)
        area += st[IN_BROKER] * (t - now)
        now = t
        if kind == ARRIVAL:
            size = 1 if burst <= 1.0 else np.random.geometric(1.0 / burst)
            for _ in range(min(size, n - st[GENERATED])):
                _generate(st, queue, times, fate, now, policy, capacity)
                last_gen = now
            if st[GENERATED] < n:
                t_next = next_arrival(now, seg_t, batch_rate)
                if t_next < np.inf:
                    h = heap_push(h, t_next, ARRIVAL, 0)
        elif kind == DEPARTURE:
            h = _depart(h, st, times, fate, data, now, policy, rtt, grant)
        else:  # GRANT: credits reach the producer
            st[CREDITS] += data
        h = _dispatch(h, st, queue, times, now, service)
        idle_broker = st[Q_TAIL] == st[Q_HEAD] and st[UPSTREAM] == 0
        if np.isnan(drain) and now >= spike_end and idle_broker and st[GENERATED] < n:
            drain = now - spike_end
    taken = _sample(samples, taken, now, st, sample_dt)
    stats = np.array([now, events, 1.0 if truncated else 0.0, area, drain, last_gen])
    return times, fate, samples[:taken], stats
