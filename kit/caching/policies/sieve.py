"""SIEVE (Zhang et al., NSDI 2024): a FIFO whose hand sifts out unvisited objects.

New objects enter at the head with the visited bit clear; a hit sets it. The
hand moves from the tail towards the head, clearing visited bits, and evicts
the first unvisited object; it stays where it stopped (on that object's newer
neighbour) for the next eviction and wraps to the tail past the head. Unlike
CLOCK, survivors are not moved, so new objects are examined first
(libCacheSim Sieve.c).
"""

from ...core.jit import njit
from .._engine import NONE, PREV, SIZE, TAIL, ends, kernel, n_objects, op, push_head, table, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "SIEVE"
SOURCE = "Zhang et al., NSDI 2024; libCacheSim Sieve.c"
VISITED = 3
HAND = 1  # ends row 1 holds the hand (column 0)


@njit
def init(keys, capacity, next_access, seed):
    return table(n_objects(keys), 4), ends(2)


@op
def find(st, o, i):
    t = st[0]
    if t[o, SIZE] < 0:
        return False
    t[o, VISITED] = 1
    return True


@op
def insert(st, o, s, i):
    t, e = st
    push_head(t, e, 0, o)
    t[o, SIZE] = s
    t[o, VISITED] = 0
    return s


@op
def evict(st, s, i):
    t, e = st
    o = e[HAND, 0] if e[HAND, 0] != NONE else e[0, TAIL]
    while t[o, VISITED]:
        t[o, VISITED] = 0
        o = t[o, PREV] if t[o, PREV] != NONE else e[0, TAIL]
    e[HAND, 0] = t[o, PREV]
    unlink(t, e, 0, o)
    freed = t[o, SIZE]
    t[o, SIZE] = -1
    return freed


simulate = kernel(__name__)
