"""LFU: evict the least frequently used object; ties go to the one that reached
that frequency first.

Frequencies count requests since admission (an evicted object forgets its
count). Objects of equal frequency sit in one FIFO bucket, so every operation
is O(1) (Shah, Mitra & Matani, "An O(1) algorithm for implementing the LFU
cache eviction scheme", 2010; libCacheSim LFU.c, which breaks ties the same way).
"""

import numpy as np

from ...core.jit import njit
from .._engine import NONE, SIZE, TAIL, ends, kernel, n_objects, op, push_head, table, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "LFU"
SOURCE = "libCacheSim LFU.c"
FREQ = 3
MIN = 0  # ends row 0 column 0 holds the lowest frequency that may be non-empty


@njit
def init(keys, capacity, next_access, seed):
    # bucket f (ends row f) holds the cached objects of frequency f; no object
    # exceeds its request count
    max_freq = np.bincount(keys).max() + 1 if keys.size else 1
    e = ends(max_freq + 1)
    e[MIN, 0] = 1
    return table(n_objects(keys), 4), e


@op
def find(st, o, i):
    t, e = st
    if t[o, SIZE] < 0:
        return False
    f = t[o, FREQ]
    unlink(t, e, f, o)
    push_head(t, e, f + 1, o)
    t[o, FREQ] = f + 1
    if e[f, TAIL] == NONE and e[MIN, 0] == f:
        e[MIN, 0] = f + 1
    return True


@op
def insert(st, o, s, i):
    t, e = st
    push_head(t, e, 1, o)
    t[o, FREQ] = 1
    t[o, SIZE] = s
    e[MIN, 0] = 1
    return s


@op
def evict(st, s, i):
    t, e = st
    f = e[MIN, 0]
    while e[f, TAIL] == NONE:  # emptied by an earlier eviction; never above the true minimum
        f += 1
    e[MIN, 0] = f
    o = e[f, TAIL]
    unlink(t, e, f, o)
    freed = t[o, SIZE]
    t[o, SIZE] = -1
    return freed


simulate = kernel(__name__)
