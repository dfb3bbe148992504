"""ARC (Megiddo & Modha, "ARC: A self-tuning, low overhead replacement cache", FAST 2003).

Two LRU lists of cached objects, T1 (seen once recently) and T2 (seen at
least twice), each shadowed by a ghost list of recently evicted ids, B1 and
B2. A hit in B1 means T1 was too small: the target size p of T1 grows; a hit
in B2 shrinks it. REPLACE evicts from T1 when T1 exceeds p, else from T2,
demoting the victim to its ghost list. Sizes count bytes (or objects), and p
is a real number, as in libCacheSim ARC.c, whose case analysis this follows
line by line (including its handling of variable object sizes).
"""

import numpy as np

from ...core.jit import njit
from .._engine import NONE, kernel, n_objects, push_head, queues, tail, to_head, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "ARC"
SOURCE = "Megiddo & Modha, FAST 2003; libCacheSim ARC.c"
OUT, T1, T2, B1, B2 = -1, 0, 1, 2, 3  # where an object is; also the queue ids
# meta: bytes in T1, T2, B1, B2 (indexed by list id), the request that hit a ghost,
# and which ghost it hit (B1 or B2; libCacheSim keeps the last one until reset)
GHOST_REQ, IN_B1, IN_B2, CAPACITY = 4, 5, 6, 7


@njit
def init(keys, capacity, next_access, seed):
    n = n_objects(keys)
    meta = np.zeros(8, np.int64)
    meta[GHOST_REQ] = -1
    meta[CAPACITY] = capacity
    p = np.zeros(1)  # target bytes of T1
    return queues(n, 4), np.full(n, OUT, np.int8), np.zeros(n, np.int64), meta, p


@njit
def _ratio_at_least_one(a, b):
    """max(a / b, 1) in C's double arithmetic: a / 0 is +inf, 0 / 0 is NaN (and NaN > 1 is false)."""
    if b == 0:
        return np.inf if a > 0 else 1.0
    return max(a / b, 1.0)


@njit
def find(st, o, i):
    q, where, size, meta, p = st
    w = where[o]
    if w == OUT:
        return False
    meta[IN_B1] = 0
    meta[IN_B2] = 0
    if w == T1:  # case I: promote to T2
        unlink(q, T1, o)
        push_head(q, T2, o)
        where[o] = T2
        meta[T1] -= size[o]
        meta[T2] += size[o]
        return True
    if w == T2:
        to_head(q, T2, o)
        return True
    meta[GHOST_REQ] = i  # a miss that hit a ghost: adapt p, forget the ghost
    if w == B1:  # case II
        meta[IN_B1] = 1
        p[0] = min(p[0] + _ratio_at_least_one(meta[B2], meta[B1]), meta[CAPACITY])
    else:  # case III
        meta[IN_B2] = 1
        p[0] = max(p[0] - _ratio_at_least_one(meta[B1], meta[B2]), 0.0)
    unlink(q, w, o)
    meta[w] -= size[o]
    where[o] = OUT
    return False


@njit
def _ghost_hit_now(meta, i):
    return meta[GHOST_REQ] == i and (meta[IN_B1] or meta[IN_B2])


@njit
def insert(st, o, s, i):
    q, where, size, meta, p = st
    k = T1
    if _ghost_hit_now(meta, i):
        k = T2
        meta[IN_B1] = 0
        meta[IN_B2] = 0
        meta[GHOST_REQ] = -1
    push_head(q, k, o)
    where[o] = k
    size[o] = s
    meta[k] += s
    return s


@njit
def _demote(q, where, size, meta, data, ghost):
    """Move the LRU object of T1 (or T2) to the head of B1 (or B2); return its size."""
    o = tail(q, data)
    unlink(q, data, o)
    push_head(q, ghost, o)
    where[o] = ghost
    meta[data] -= size[o]
    meta[ghost] += size[o]
    return size[o]


@njit
def _forget_oldest(q, where, size, meta, ghost):
    o = tail(q, ghost)
    unlink(q, ghost, o)
    meta[ghost] -= size[o]
    where[o] = OUT


@njit
def _replace(q, where, size, meta, p):
    """REPLACE of the paper: demote from T1 if it is over its target p, else from T2."""
    t1 = meta[T1]
    over = t1 > p[0] or (t1 == p[0] and meta[IN_B2])
    if ((t1 > 0 and over) or meta[T2] == 0) and tail(q, T1) != NONE:
        return _demote(q, where, size, meta, T1, B1)
    return _demote(q, where, size, meta, T2, B2)


@njit
def evict(st, s, i):
    q, where, size, meta, p = st
    if _ghost_hit_now(meta, i):
        return _replace(q, where, size, meta, p)
    c = meta[CAPACITY]
    if meta[T1] + meta[B1] + s > c:  # case IV.A: L1 = T1 + B1 is full
        if meta[B1] > 0:
            _forget_oldest(q, where, size, meta, B1)
            return _replace(q, where, size, meta, p)
        o = tail(q, T1)  # T1 alone fills the cache: drop its LRU without a ghost
        unlink(q, T1, o)
        meta[T1] -= size[o]
        where[o] = OUT
        return size[o]
    if meta[T1] + meta[B1] + meta[T2] + meta[B2] >= 2 * c and meta[B2] > 0:  # case IV.B
        _forget_oldest(q, where, size, meta, B2)
    return _replace(q, where, size, meta, p)


simulate = kernel(__name__)
