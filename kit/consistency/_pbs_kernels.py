"""WARS Monte Carlo of a partial quorum (Bailis et al., VLDB 2012, section 4).

One trial is one write followed by one read of the same key. Replica i
receives the write after ``W_i`` and acknowledges after ``A_i``; the write
commits at the W-th fastest ``W_i + A_i``. A read issued ``t`` after commit
reaches replica i after ``R_i`` and its answer returns after ``S_i``; the
coordinator keeps the R fastest answers. The read is consistent if one of
those replicas had the write when the read reached it:
``commit + t + R_i >= W_i``. So each trial has a threshold
``t* = min over the R fastest of (W_i - commit - R_i)`` and is consistent for
every ``t >= t*``: one pass gives the whole t-visibility curve, and, since
R and W only pick order statistics of the same delays, every (R, W) at once.
"""

# ruff: noqa: NPY002  (numba kernels can only use numpy's legacy global RNG, seeded per chunk)

import numpy as np

from ..core.jit import njit, prange
from ..core.rng import draw

CHUNK = 4096  # trials per independently seeded chunk


@njit
def _order_by(keys, idx, n):
    """Fill ``idx[:n]`` with 0..n-1 sorted by ``keys`` (insertion sort: n is a replica count)."""
    for i in range(n):
        idx[i] = i
    for i in range(1, n):
        j = i
        while j > 0 and keys[idx[j - 1]] > keys[idx[j]]:
            idx[j - 1], idx[j] = idx[j], idx[j - 1]
            j -= 1


@njit(parallel=True)
def wars_trials(w_spec, a_spec, r_spec, s_spec, N, Rs, Ws, remote_ms, trials, seeds):
    """Per trial and quorum pair j = (Rs[j], Ws[j]): t* (ms), write latency, read latency.

    Every pair is read off the same draws (common random numbers): the write
    commits at the W-th fastest ``W_i + A_i``, the read keeps the R fastest
    ``R_i + S_i``, and ``t* = min over those of (W_i - R_i) - commit``, a
    prefix minimum in read order. ``remote_ms`` > 0 models the paper's WAN:
    the writer and the reader each sit beside one replica drawn at random,
    and every one-way message to or from another replica takes ``remote_ms``
    longer. Chunk c of ``CHUNK`` trials is seeded with ``seeds[c]``. Returns
    three float64 arrays of shape ``(len(Rs), trials)``.
    """
    pairs = Rs.size
    t_star = np.empty((pairs, trials))
    write_ms = np.empty((pairs, trials))
    read_ms = np.empty((pairs, trials))
    for c in prange(seeds.size):
        np.random.seed(seeds[c])
        w = np.empty(N)
        wa = np.empty(N)
        r = np.empty(N)
        rs = np.empty(N)
        by_write = np.empty(N, np.int64)
        by_read = np.empty(N, np.int64)
        first = np.empty(N)
        for t in range(c * CHUNK, min(trials, (c + 1) * CHUNK)):
            near_w = np.random.randint(0, N) if remote_ms > 0.0 else -1
            near_r = np.random.randint(0, N) if remote_ms > 0.0 else -1
            for i in range(N):
                extra_w = remote_ms if (near_w >= 0 and i != near_w) else 0.0
                extra_r = remote_ms if (near_r >= 0 and i != near_r) else 0.0
                w[i] = draw(w_spec) + extra_w
                wa[i] = w[i] + draw(a_spec) + extra_w
                r[i] = draw(r_spec) + extra_r
                rs[i] = r[i] + draw(s_spec) + extra_r
            _order_by(wa, by_write, N)
            _order_by(rs, by_read, N)
            best = np.inf
            for k in range(N):  # first[k]: min of W_i - R_i over the k+1 fastest readers
                i = by_read[k]
                best = min(best, w[i] - r[i])
                first[k] = best
            for j in range(pairs):
                commit = wa[by_write[Ws[j] - 1]]
                t_star[j, t] = first[Rs[j] - 1] - commit
                write_ms[j, t] = commit
                read_ms[j, t] = rs[by_read[Rs[j] - 1]]
    return t_star, write_ms, read_ms
