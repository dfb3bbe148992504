"""CLOCK (second chance): a FIFO that gives recently hit objects another round.

One reference bit per object, set on a hit; new objects enter at the newest
end with the bit clear. Eviction looks at the oldest object: bit set -> clear
it and move the object to the newest end; bit clear -> evict it (libCacheSim
Clock.c with one-bit counters, the FIFO-reinsertion form of Corbató's 1968 clock).
"""

import numpy as np

from ...core.jit import njit
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy
from .._engine import kernel, n_objects, push_head, queues, tail, to_head, unlink

LABEL = "CLOCK"
SOURCE = "Corbató 1968; libCacheSim Clock.c"
MAX_FREQ = 1  # a one-bit counter


@njit
def init(keys, capacity, next_access, seed):
    n = n_objects(keys)
    return queues(n, 1), np.zeros(n, np.bool_), np.zeros(n, np.int64), np.zeros(n, np.int8)


@njit
def find(st, o, i):
    q, cached, size, freq = st
    if cached[o] and freq[o] < MAX_FREQ:
        freq[o] += 1
    return cached[o]


@njit
def insert(st, o, s, i):
    q, cached, size, freq = st
    push_head(q, 0, o)
    cached[o] = True
    size[o] = s
    freq[o] = 0
    return s


@njit
def evict(st, s, i):
    q, cached, size, freq = st
    o = tail(q, 0)
    while freq[o] >= 1:
        freq[o] -= 1
        to_head(q, 0, o)
        o = tail(q, 0)
    unlink(q, 0, o)
    cached[o] = False
    return size[o]


simulate = kernel(__name__)
