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
from .._engine import NONE, SIZE, TAIL, ends, kernel, n_objects, op, push_head, table, to_head, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "ARC"
SOURCE = "Megiddo & Modha, FAST 2003; libCacheSim ARC.c"
OUT, T1, T2, B1, B2 = -1, 0, 1, 2, 3  # where an object is; also the queue ids
WHERE = 3  # table column; SIZE of a ghost entry is the size it had when cached
# meta: bytes in T1, T2, B1, B2 (indexed by list id), the request that hit a ghost,
# and which ghost it hit (libCacheSim keeps these flags until an insert or a find resets them)
GHOST_REQ, IN_B1, IN_B2, CAPACITY = 4, 5, 6, 7


@njit
def init(keys, capacity, next_access, seed):
    meta = np.zeros(8, np.int64)
    meta[GHOST_REQ] = -1
    meta[CAPACITY] = capacity
    p = np.zeros(1)  # target bytes of T1
    t = table(n_objects(keys), 4)
    t[:, WHERE] = OUT
    return t, ends(4), meta, p


@op
def _ratio_at_least_one(a, b):
    """max(a / b, 1) in C's double arithmetic: a / 0 is +inf, 0 / 0 is NaN (and NaN > 1 is false)."""
    if b == 0:
        return np.inf if a > 0 else 1.0
    return max(a / b, 1.0)


@op
def find(st, o, i):
    t, e, meta, p = st
    w = t[o, WHERE]
    if w == OUT:
        return False
    meta[IN_B1] = 0
    meta[IN_B2] = 0
    s = t[o, SIZE]
    if w == T1:  # case I: promote to T2
        unlink(t, e, T1, o)
        push_head(t, e, T2, o)
        t[o, WHERE] = T2
        meta[T1] -= s
        meta[T2] += s
        return True
    if w == T2:
        to_head(t, e, T2, o)
        return True
    meta[GHOST_REQ] = i  # a miss that hit a ghost: adapt p, forget the ghost
    if w == B1:  # case II
        meta[IN_B1] = 1
        p[0] = min(p[0] + _ratio_at_least_one(meta[B2], meta[B1]), meta[CAPACITY])
    else:  # case III
        meta[IN_B2] = 1
        p[0] = max(p[0] - _ratio_at_least_one(meta[B1], meta[B2]), 0.0)
    unlink(t, e, w, o)
    meta[w] -= s
    t[o, WHERE] = OUT
    return False


@op
def _ghost_hit_now(meta, i):
    return meta[GHOST_REQ] == i and (meta[IN_B1] or meta[IN_B2])


@op
def insert(st, o, s, i):
    t, e, meta, _ = st
    q = T1
    if _ghost_hit_now(meta, i):
        q = T2
        meta[IN_B1] = 0
        meta[IN_B2] = 0
        meta[GHOST_REQ] = -1
    push_head(t, e, q, o)
    t[o, WHERE] = q
    t[o, SIZE] = s
    meta[q] += s
    return s


@op
def _demote(t, e, meta, data, ghost):
    """Move the LRU object of T1 (or T2) to the head of B1 (or B2); return its size."""
    o = e[data, TAIL]
    unlink(t, e, data, o)
    push_head(t, e, ghost, o)
    t[o, WHERE] = ghost
    s = t[o, SIZE]
    meta[data] -= s
    meta[ghost] += s
    return s


@op
def _forget_oldest(t, e, meta, ghost):
    o = e[ghost, TAIL]
    unlink(t, e, ghost, o)
    meta[ghost] -= t[o, SIZE]
    t[o, WHERE] = OUT


@op
def _replace(t, e, meta, p):
    """REPLACE of the paper: demote from T1 if it is over its target p, else from T2."""
    t1 = meta[T1]
    over = t1 > p[0] or (t1 == p[0] and meta[IN_B2])
    if ((t1 > 0 and over) or meta[T2] == 0) and e[T1, TAIL] != NONE:
        return _demote(t, e, meta, T1, B1)
    return _demote(t, e, meta, T2, B2)


@op
def evict(st, s, i):
    t, e, meta, p = st
    if _ghost_hit_now(meta, i):
        return _replace(t, e, meta, p)
    c = meta[CAPACITY]
    if meta[T1] + meta[B1] + s > c:  # case IV.A: L1 = T1 + B1 is full
        if meta[B1] > 0:
            _forget_oldest(t, e, meta, B1)
            return _replace(t, e, meta, p)
        o = e[T1, TAIL]  # T1 alone fills the cache: drop its LRU without a ghost
        unlink(t, e, T1, o)
        meta[T1] -= t[o, SIZE]
        t[o, WHERE] = OUT
        return t[o, SIZE]
    if meta[T1] + meta[B1] + meta[T2] + meta[B2] >= 2 * c and meta[B2] > 0:  # case IV.B
        _forget_oldest(t, e, meta, B2)
    return _replace(t, e, meta, p)


simulate = kernel(__name__)
