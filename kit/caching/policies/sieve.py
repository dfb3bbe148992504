"""SIEVE (Zhang et al., NSDI 2024): a FIFO whose hand sifts out unvisited objects.

New objects enter at the head with the visited bit clear; a hit sets it. The
hand moves from the tail towards the head, clearing visited bits, and evicts
the first unvisited object; it stays where it stopped (on that object's newer
neighbour) for the next eviction and wraps to the tail past the head. Unlike
CLOCK, survivors are not moved, so new objects are examined first
(libCacheSim Sieve.c).
"""

import numpy as np

from ...core.jit import njit
from .._engine import NONE, kernel, n_objects, push_head, queues, tail, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "SIEVE"
SOURCE = "Zhang et al., NSDI 2024; libCacheSim Sieve.c"


@njit
def init(keys, capacity, next_access, seed):
    n = n_objects(keys)
    hand = np.full(1, NONE, np.int64)
    return queues(n, 1), np.zeros(n, np.bool_), np.zeros(n, np.int64), np.zeros(n, np.bool_), hand


@njit
def find(st, o, i):
    q, cached, size, visited, hand = st
    if cached[o]:
        visited[o] = True
    return cached[o]


@njit
def insert(st, o, s, i):
    q, cached, size, visited, hand = st
    push_head(q, 0, o)
    cached[o] = True
    size[o] = s
    visited[o] = False
    return s


@njit
def evict(st, s, i):
    q, cached, size, visited, hand = st
    prev = q[0]
    o = hand[0] if hand[0] != NONE else tail(q, 0)
    while visited[o]:
        visited[o] = False
        o = prev[o] if prev[o] != NONE else tail(q, 0)
    hand[0] = prev[o]
    unlink(q, 0, o)
    cached[o] = False
    return size[o]


simulate = kernel(__name__)
