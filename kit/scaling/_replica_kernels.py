# ruff: noqa: NPY002 - numba kernels can only use numpy's legacy global RNG (seeded per run)
"""A primary and k asynchronous replicas: which reads see stale data.

Writes commit on the primary at Poisson times, each to one key; replica r
applies write i at a[r, i] = max(a[r, i-1], c_i + L[r, i]): the log is
applied in commit order (as MySQL's and PostgreSQL's replicas replay it), so
a write can wait behind a slower earlier one. Clock in seconds.
"""

from collections import namedtuple

import numpy as np

from ..core.jit import njit
from ..core.rng import draw

# counts returned
ANY_READS, ANY_STALE, OWN_READS, OWN_MISSED, OWN_PRIMARY, N_COUNTS = range(6)


#: Scalars of a run, built once by the api: replicas, writes and popular reads per second, the
#: factor that turns the specs' draws into seconds, the read-your-writes window, the run's length
#: and the start of its measured part (s).
Run = namedtuple("Run", "k write_rate read_rate to_s window_s duration_s warmup_s")


@njit
def replicate(run, key_cdf, lag_spec, gap_spec, seed):
    """Simulate ``run.duration_s`` seconds (``run``: a :data:`Run`); count reads from ``warmup_s`` on.

    Popular reads arrive at ``read_rate`` (keys by ``key_cdf``) and go to a
    replica chosen uniformly (the primary when k = 0); a read is stale when the
    latest write to its key, committed before the read, is not yet applied on
    that replica. After each write its writer reads the key back after a gap
    (``gap_spec``): to the primary when the gap is under ``window_s``
    (read-your-writes routing), else to a random replica, where it misses the
    write when the replica has not applied it. ``lag_spec`` and ``gap_spec``
    draw in the unit ``to_s`` converts to seconds. Returns int64[N_COUNTS].
    """
    k, write_rate, read_rate, to_s, window_s, duration_s, warmup_s = run
    np.random.seed(seed)
    n_keys = key_cdf.size
    # writes: commit times and keys
    cap = int(write_rate * duration_s * 1.2) + 64
    commit = np.empty(cap)
    wkey = np.empty(cap, np.int64)
    t = 0.0
    n = 0
    while True:
        t += np.random.exponential(1.0 / write_rate) if write_rate > 0 else np.inf
        if t >= duration_s:
            break
        if n == commit.size:
            commit = np.concatenate((commit, np.empty(commit.size)))
            wkey = np.concatenate((wkey, np.empty(wkey.size, np.int64)))
        commit[n] = t
        wkey[n] = np.searchsorted(key_cdf, np.random.random() * key_cdf[-1], side="right")
        n += 1
    # in-order apply times on each replica
    applied = np.empty((max(k, 1), n))
    for r in range(k):
        last = 0.0
        for i in range(n):
            last = max(last, commit[i] + max(draw(lag_spec), 0.0) * to_s)
            applied[r, i] = last
    counts = np.zeros(N_COUNTS, np.int64)
    # the writers read their own writes back
    for i in range(n):
        gap = max(draw(gap_spec), 0.0) * to_s
        when = commit[i] + gap
        if when < warmup_s or when >= duration_s:
            continue
        counts[OWN_READS] += 1
        if k == 0 or gap < window_s:
            counts[OWN_PRIMARY] += 1
        elif applied[np.random.randint(0, k), i] > when:
            counts[OWN_MISSED] += 1
    # popular reads, in time order with the writes: the latest committed write per key
    latest = np.full(n_keys, -1, np.int64)
    t = 0.0
    i = 0
    while True:
        t += np.random.exponential(1.0 / read_rate) if read_rate > 0 else np.inf
        if t >= duration_s:
            break
        while i < n and commit[i] <= t:
            latest[wkey[i]] = i
            i += 1
        key = np.searchsorted(key_cdf, np.random.random() * key_cdf[-1], side="right")
        if t < warmup_s:
            continue
        counts[ANY_READS] += 1
        w = latest[key]
        if k > 0 and w >= 0 and applied[np.random.randint(0, k), w] > t:
            counts[ANY_STALE] += 1
    return counts
