"""RANDOM: evict an object chosen uniformly at random among those cached."""

import numpy as np

from ...core.jit import njit
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy
from .._engine import kernel, n_objects

LABEL = "RANDOM"
SOURCE = "libCacheSim Random.c"


@njit
def init(keys, capacity, next_access, seed):
    np.random.seed(seed)
    n = n_objects(keys)
    slot = np.full(n, -1, np.int64)  # where o sits in ``cached``; -1 = not cached
    cached = np.empty(n, np.int64)  # the cached ids, packed at the front
    count = np.zeros(1, np.int64)
    return slot, cached, count, np.zeros(n, np.int64)


@njit
def find(st, o, i):
    return st[0][o] >= 0


@njit
def insert(st, o, s, i):
    slot, cached, count, size = st
    slot[o] = count[0]
    cached[count[0]] = o
    count[0] += 1
    size[o] = s
    return s


@njit
def evict(st, s, i):
    slot, cached, count, size = st
    j = np.random.randint(0, count[0])
    o = cached[j]
    count[0] -= 1
    last = cached[count[0]]  # fill the hole with the last packed id
    cached[j] = last
    slot[last] = j
    slot[o] = -1
    return size[o]


simulate = kernel(__name__)
