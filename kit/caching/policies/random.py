# ruff: noqa: NPY002 - numba kernels can only use numpy's legacy global RNG (seeded in init)
"""RANDOM: evict an object chosen uniformly at random among those cached."""

import numpy as np

from ...core.jit import njit
from .._engine import NONE, SIZE, kernel, n_objects, op, table
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "RANDOM"
SOURCE = "libCacheSim Random.c"
SLOT = 3  # where the object sits in the packed list of cached ids


@njit
def init(keys, capacity, next_access, seed):
    np.random.seed(seed)
    n = n_objects(keys)
    cached = np.empty(n + 1, np.int64)  # the cached ids packed at the front; last cell = count
    cached[n] = 0
    return table(n, 4), cached


@op
def find(st, o, i):
    return st[0][o, SIZE] >= 0


@op
def insert(st, o, s, i):
    t, cached = st
    count = cached[-1]
    t[o, SLOT] = count
    t[o, SIZE] = s
    cached[count] = o
    cached[-1] = count + 1
    return s


@op
def evict(st, s, i):
    t, cached = st
    count = cached[-1] - 1
    j = np.random.randint(0, count + 1)
    o = cached[j]
    last = cached[count]  # fill the hole with the last packed id
    cached[j] = last
    t[last, SLOT] = j
    cached[-1] = count
    t[o, SLOT] = NONE
    freed = t[o, SIZE]
    t[o, SIZE] = -1
    return freed


simulate = kernel(__name__)
