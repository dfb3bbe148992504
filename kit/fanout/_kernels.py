"""Monte Carlo of fan-out latency: a request waits for its slowest server."""

import numpy as np

from ..core.jit import njit, prange
from ..core.rng import draw

CHUNK = 256  # trials per independently seeded chunk


@njit(parallel=True)
def fanout_max(spec, ks, trials, seeds):
    """Request latency for each fan-out in ``ks`` (sorted, >= 1), per trial.

    One trial draws ``ks[-1]`` server latencies and keeps the running
    maximum, so every fan-out in ``ks`` is read off the same draws (common
    random numbers: the curve over k is smooth, and costs one pass).
    Trials run in chunks of ``CHUNK``, chunk c seeded with ``seeds[c]``.
    Returns float64[trials, len(ks)].
    """
    out = np.empty((trials, ks.size))
    for c in prange(seeds.size):
        np.random.seed(seeds[c])
        for t in range(c * CHUNK, min(trials, (c + 1) * CHUNK)):
            worst = 0.0
            j = 0
            for i in range(1, ks[-1] + 1):
                x = draw(spec)
                if x > worst:
                    worst = x
                while j < ks.size and ks[j] == i:
                    out[t, j] = worst
                    j += 1
    return out
