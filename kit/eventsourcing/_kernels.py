"""The read-model lag kernel: a polling projector fed by a stream of commits.

Arrays in, arrays out, no checks (the api validates once).
"""

import math

import numpy as np

from ..core.jit import njit


@njit
def projector_applied(commits_s, poll_s, overhead_s, cost_s, batch):
    """When each event is applied by a projector that polls and applies in batches.

    The projector's loop (``projections.Projector``): at time t it reads the
    events committed at or before t, at most ``batch`` of them; if there are
    none it sleeps ``poll_s`` and polls again; otherwise it applies them in
    ``overhead_s + cost_s * k`` seconds (one read-model transaction for k
    events) and polls again at once. ``commits_s`` is sorted; the projector
    starts idle with a poll at time 0.
    """
    n = commits_s.size
    applied = np.empty(n)
    t = 0.0
    i = 0
    while i < n:
        if commits_s[i] > t:  # the poll at t finds nothing: the next poll that can see event i
            if poll_s > 0.0:
                t += poll_s * math.ceil((commits_s[i] - t) / poll_s)
            else:
                t = commits_s[i]
            continue
        j = i
        while j < n and j - i < batch and commits_s[j] <= t:
            j += 1
        t += overhead_s + cost_s * (j - i)
        applied[i:j] = t
        i = j
    return applied
