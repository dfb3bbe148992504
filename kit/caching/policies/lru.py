"""LRU: evict the least recently used object; a hit moves the object to the newest end."""

import numpy as np

from ...core.jit import njit
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy
from .._engine import kernel, n_objects, push_head, queues, tail, to_head, unlink

LABEL = "LRU"
SOURCE = "Mattson et al. 1970; libCacheSim LRU.c"


@njit
def init(keys, capacity, next_access, seed):
    n = n_objects(keys)
    return queues(n, 1), np.zeros(n, np.bool_), np.zeros(n, np.int64)


@njit
def find(st, o, i):
    q, cached, _ = st
    if cached[o]:
        to_head(q, 0, o)
    return cached[o]


@njit
def insert(st, o, s, i):
    q, cached, size = st
    push_head(q, 0, o)
    cached[o] = True
    size[o] = s
    return s


@njit
def evict(st, s, i):
    q, cached, size = st
    o = tail(q, 0)
    unlink(q, 0, o)
    cached[o] = False
    return size[o]


simulate = kernel(__name__)
