"""Client policies as numba functions: backoff sleeps and a circuit breaker.

Every simulator whose clients retry or break circuits (the station of
``kit.queueing``, the backoff race of ``kit.reliability``, the sagas of
``kit.sagas``) calls these with plain arrays, so one implementation serves
them all. Times are in seconds, like every kernel's clock.

Circuit breaker layout. ``cfg`` (float64, see the ``B_*`` indices) holds the
configuration; ``st`` (float64, ``S_*``) the mutable state; ``win`` a
float64[n, 4] array for the sliding window: a ring of the last n calls
(columns: failed, slow) for a count-based window, or n time buckets
(columns: bucket number, calls, failures, slow calls) for a time-based one.
"""

import numpy as np

from .jit import njit

# --- backoff ------------------------------------------------------------------------
NONE, EXPONENTIAL, FULL_JITTER, EQUAL_JITTER, DECORRELATED, CONSTANT = range(6)


@njit
def backoff_sleep(strategy, retry, base, cap, multiplier, previous):
    """Sleep before retry number ``retry`` (1 for the first retry).

    The kit's one convention: ``exp = min(cap, base * multiplier**(retry - 1))``,
    so the first retry waits ``base``. Exponential sleeps ``exp``; full
    jitter ``U(0, exp)``; equal jitter ``exp/2 + U(0, exp/2)``; decorrelated
    ``min(cap, U(base, 3*previous))``, where ``previous`` is the sleep before
    the previous retry (``base`` before the first); constant sleeps ``base``
    (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
    """
    if strategy == NONE:
        return 0.0
    if strategy == CONSTANT:
        return base
    if strategy == DECORRELATED:
        return min(cap, np.random.uniform(base, previous * 3.0))  # noqa: NPY002 (numba: legacy RNG)
    expo = base
    for _ in range(retry - 1):  # stop at the cap: no overflow, however many retries
        if expo >= cap:
            break
        expo *= multiplier
    expo = min(cap, expo)
    if strategy == FULL_JITTER:
        return np.random.uniform(0.0, expo)  # noqa: NPY002
    if strategy == EQUAL_JITTER:
        return expo / 2.0 + np.random.uniform(0.0, expo / 2.0)  # noqa: NPY002
    return expo


# --- circuit breaker ------------------------------------------------------------------
COUNT_WINDOW, TIME_WINDOW = 0, 1
CLOSED, OPEN, HALF_OPEN = 0, 1, 2

# cfg indices
(
    B_WINDOW_TYPE,
    B_WINDOW,  # calls (count) or seconds (time)
    B_BUCKETS,  # time window: number of buckets
    B_MIN_CALLS,
    B_FAILURE_RATE,  # fraction; opens at >=
    B_SLOW_S,  # a call longer than this is slow
    B_SLOW_RATE,  # fraction; opens at >=
    B_WAIT_OPEN_S,
    B_HALF_OPEN_CALLS,
    B_SIZE,
) = range(10)

# st indices
(
    S_STATE,
    S_OPENED_AT,
    S_EPOCH,  # bumps on every transition: late results of older calls are ignored
    S_HO_PERMITTED,
    S_HO_DONE,
    S_HO_FAILED,
    S_HO_SLOW,
    S_HEAD,  # count window: next slot
    S_COUNT,  # count window: calls held
    S_SIZE,
) = range(10)


@njit
def breaker_new(cfg):
    """Fresh state and window arrays for the configuration ``cfg`` (CLOSED)."""
    st = np.zeros(S_SIZE)
    if int(cfg[B_WINDOW_TYPE]) == COUNT_WINDOW:
        n = int(cfg[B_WINDOW])
    else:
        n = int(cfg[B_BUCKETS])
    win = np.zeros((max(n, 1), 4))
    _reset_window(cfg, win)
    return st, win


@njit
def _reset_window(cfg, win):
    win[:, :] = 0.0
    if int(cfg[B_WINDOW_TYPE]) == TIME_WINDOW:
        win[:, 0] = -1.0  # no bucket number yet


@njit
def _transition(cfg, st, win, state, now):
    st[S_STATE] = state
    st[S_EPOCH] += 1.0
    if state == OPEN:
        st[S_OPENED_AT] = now
    elif state == HALF_OPEN:
        st[S_HO_PERMITTED] = 0.0
        st[S_HO_DONE] = 0.0
        st[S_HO_FAILED] = 0.0
        st[S_HO_SLOW] = 0.0
    else:  # CLOSED starts with an empty window
        st[S_HEAD] = 0.0
        st[S_COUNT] = 0.0
        _reset_window(cfg, win)


@njit
def breaker_acquire(cfg, st, win, now):
    """May a call start at ``now``? Moves OPEN to HALF_OPEN once the wait is over.

    Like resilience4j, Hystrix and Polly, the move happens on the first
    call after the wait, not on a timer.
    """
    state = int(st[S_STATE])
    if state == OPEN:
        if now - st[S_OPENED_AT] < cfg[B_WAIT_OPEN_S]:
            return False
        _transition(cfg, st, win, HALF_OPEN, now)
        state = HALF_OPEN
    if state == HALF_OPEN:
        if st[S_HO_PERMITTED] >= cfg[B_HALF_OPEN_CALLS]:
            return False
        st[S_HO_PERMITTED] += 1.0
    return True


@njit
def _window_totals(cfg, st, win, now):
    """(calls, failures, slow calls) in the window as of ``now``."""
    if int(cfg[B_WINDOW_TYPE]) == COUNT_WINDOW:
        n = int(st[S_COUNT])
        fails = 0.0
        slows = 0.0
        for i in range(n):
            fails += win[i, 0]
            slows += win[i, 1]
        return float(n), fails, slows
    width = cfg[B_WINDOW] / cfg[B_BUCKETS]
    current = np.floor(now / width)
    calls = 0.0
    fails = 0.0
    slows = 0.0
    for i in range(win.shape[0]):
        if win[i, 0] > current - cfg[B_BUCKETS]:
            calls += win[i, 1]
            fails += win[i, 2]
            slows += win[i, 3]
    return calls, fails, slows


@njit
def breaker_record(cfg, st, win, now, epoch, failed, slow):
    """Record a call permitted in ``epoch`` that ended at ``now``; may open or close.

    A call that started before the last transition belongs to a window
    that no longer exists and is ignored. Returns the state after.
    """
    if epoch != st[S_EPOCH]:
        return int(st[S_STATE])
    state = int(st[S_STATE])
    if state == HALF_OPEN:
        st[S_HO_DONE] += 1.0
        st[S_HO_FAILED] += failed
        st[S_HO_SLOW] += slow
        if st[S_HO_DONE] >= cfg[B_HALF_OPEN_CALLS]:
            done = st[S_HO_DONE]
            if st[S_HO_FAILED] / done >= cfg[B_FAILURE_RATE] or st[S_HO_SLOW] / done >= cfg[B_SLOW_RATE]:
                _transition(cfg, st, win, OPEN, now)
            else:
                _transition(cfg, st, win, CLOSED, now)
        return int(st[S_STATE])
    if state == OPEN:
        return state
    if int(cfg[B_WINDOW_TYPE]) == COUNT_WINDOW:
        head = int(st[S_HEAD])
        win[head, 0] = failed
        win[head, 1] = slow
        st[S_HEAD] = (head + 1) % win.shape[0]
        st[S_COUNT] = min(st[S_COUNT] + 1.0, float(win.shape[0]))
    else:
        width = cfg[B_WINDOW] / cfg[B_BUCKETS]
        bucket = np.floor(now / width)
        i = int(bucket % win.shape[0])
        if win[i, 0] != bucket:  # reuse the slot of an expired bucket
            win[i, 0] = bucket
            win[i, 1] = 0.0
            win[i, 2] = 0.0
            win[i, 3] = 0.0
        win[i, 1] += 1.0
        win[i, 2] += failed
        win[i, 3] += slow
    calls, fails, slows = _window_totals(cfg, st, win, now)
    if calls >= cfg[B_MIN_CALLS] and calls > 0:
        if fails / calls >= cfg[B_FAILURE_RATE] or slows / calls >= cfg[B_SLOW_RATE]:
            _transition(cfg, st, win, OPEN, now)
    return int(st[S_STATE])


@njit
def breaker_trace(cfg, times, durations, failed):
    """Drive a breaker with calls ``i`` starting at ``times[i]`` and lasting ``durations[i]``.

    Calls are taken one at a time (each ends before the next starts), the
    way conformance tests of resilience4j feed outcomes. Returns
    ``(permitted, state_after)``: int8 and int64 arrays, one per call.
    """
    st, win = breaker_new(cfg)
    n = times.size
    permitted = np.zeros(n, np.int8)
    state_after = np.empty(n, np.int64)
    for i in range(n):
        if breaker_acquire(cfg, st, win, times[i]):
            permitted[i] = 1
            slow = 1.0 if durations[i] > cfg[B_SLOW_S] else 0.0
            breaker_record(cfg, st, win, times[i] + durations[i], st[S_EPOCH], float(failed[i]), slow)
        state_after[i] = int(st[S_STATE])
    return permitted, state_after
