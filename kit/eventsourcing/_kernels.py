"""The read-model lag kernel: a polling projector fed by a stream of commits.

Arrays in, arrays out, no checks (the api validates once).
"""

import math

import numpy as np

from ..core.jit import njit


@njit
def _first_poll_from(t, poll_s, commit_s):
    """The first poll time ``t + k * poll_s`` (k >= 1) at or after ``commit_s``, as computed in floats.

    The division's rounding can put ``ceil`` one off (0.1 / 0.01 may land either side of 10).
    """
    k = max(1, math.ceil((commit_s - t) / poll_s))
    while k > 1 and t + (k - 1) * poll_s >= commit_s:
        k -= 1
    while t + k * poll_s < commit_s:
        k += 1
    return t + k * poll_s


@njit
def projector_applied(commits_s, poll_s, overhead_s, cost_s, batch):
    """When each event is applied by a projector that polls and applies in batches.

    The projector's loop (``projections.Projector``): at time t it reads the
    events committed at or before t, at most ``batch`` of them; if there are
    none it sleeps ``poll_s`` and polls again; otherwise it applies them in
    ``overhead_s + cost_s * k`` seconds (one read-model transaction for k
    events) and polls again at once. ``commits_s`` is sorted; the projector
    starts idle with a poll at time 0. The k-th poll after going idle at t is
    at ``t + k * poll_s``; a commit at the instant of a poll is seen by it.
    """
    n = commits_s.size
    applied = np.empty(n)
    t = 0.0
    i = 0
    while i < n:
        if commits_s[i] > t:  # the poll at t finds nothing: the next poll that can see event i
            if poll_s > 0.0:
                t = _first_poll_from(t, poll_s, commits_s[i])
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
