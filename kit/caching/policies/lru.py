"""LRU: evict the least recently used object; a hit moves the object to the newest end."""

from ...core.jit import njit
from .._engine import SIZE, TAIL, ends, kernel, n_objects, op, push_head, table, to_head, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "LRU"
SOURCE = "Mattson et al. 1970; libCacheSim LRU.c"


@njit
def init(keys, capacity, next_access, seed):
    return table(n_objects(keys), 4), ends(1)


@op
def find(st, o, i):
    t, e = st
    if t[o, SIZE] < 0:
        return False
    to_head(t, e, 0, o)
    return True


@op
def insert(st, o, s, i):
    t, e = st
    push_head(t, e, 0, o)
    t[o, SIZE] = s
    return s


@op
def evict(st, s, i):
    t, e = st
    o = e[0, TAIL]
    unlink(t, e, 0, o)
    freed = t[o, SIZE]
    t[o, SIZE] = -1
    return freed


simulate = kernel(__name__)
