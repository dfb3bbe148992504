"""LFU: evict the least frequently used object; ties go to the one that reached
that frequency first.

Frequencies count hits since admission (an evicted object forgets its count).
Objects of equal frequency sit in one FIFO bucket, so every operation is O(1)
(Shah, Mitra & Matani, "An O(1) algorithm for implementing the LFU cache
eviction scheme", 2010; libCacheSim LFU.c, which breaks ties the same way).
"""

import numpy as np

from ...core.jit import njit
from .._engine import NONE, kernel, n_objects, push_head, queues, tail, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "LFU"
SOURCE = "libCacheSim LFU.c"


@njit
def init(keys, capacity, next_access, seed):
    n = n_objects(keys)
    # bucket f holds the cached objects of frequency f; no object exceeds its request count
    max_freq = np.bincount(keys).max() + 1 if keys.size else 1
    min_freq = np.ones(1, np.int64)  # never above the true minimum (see evict)
    return queues(n, max_freq + 1), np.zeros(n, np.int64), np.zeros(n, np.int64), min_freq


@njit
def find(st, o, i):
    q, freq, size, min_freq = st
    f = freq[o]
    if f == 0:
        return False
    unlink(q, f, o)
    push_head(q, f + 1, o)
    freq[o] = f + 1
    if tail(q, f) == NONE and min_freq[0] == f:
        min_freq[0] = f + 1
    return True


@njit
def insert(st, o, s, i):
    q, freq, size, min_freq = st
    push_head(q, 1, o)
    freq[o] = 1
    size[o] = s
    min_freq[0] = 1
    return s


@njit
def evict(st, s, i):
    q, freq, size, min_freq = st
    while tail(q, min_freq[0]) == NONE:  # emptied by an earlier eviction
        min_freq[0] += 1
    o = tail(q, min_freq[0])
    unlink(q, min_freq[0], o)
    freq[o] = 0
    return size[o]


simulate = kernel(__name__)
