"""CLOCK (second chance): a FIFO that gives recently hit objects another round.

One reference bit per object, set on a hit; new objects enter at the newest
end with the bit clear. Eviction looks at the oldest object: bit set -> clear
it and move the object to the newest end; bit clear -> evict it (libCacheSim
Clock.c with one-bit counters, the FIFO-reinsertion form of Corbató's 1968 clock).
"""

from ...core.jit import njit
from .._engine import SIZE, TAIL, ends, kernel, n_objects, op, push_head, table, to_head, unlink
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy

LABEL = "CLOCK"
SOURCE = "Corbató 1968; libCacheSim Clock.c"
MAX_FREQ = 1  # a one-bit counter
FREQ = 3


@njit
def init(keys, capacity, next_access, seed):
    return table(n_objects(keys), 4), ends(1)


@op
def find(st, o, i):
    t = st[0]
    if t[o, SIZE] < 0:
        return False
    if t[o, FREQ] < MAX_FREQ:
        t[o, FREQ] += 1
    return True


@op
def insert(st, o, s, i):
    t, e = st
    push_head(t, e, 0, o)
    t[o, SIZE] = s
    t[o, FREQ] = 0
    return s


@op
def evict(st, s, i):
    t, e = st
    o = e[0, TAIL]
    while t[o, FREQ] >= 1:
        t[o, FREQ] -= 1
        to_head(t, e, 0, o)
        o = e[0, TAIL]
    unlink(t, e, 0, o)
    freed = t[o, SIZE]
    t[o, SIZE] = -1
    return freed


simulate = kernel(__name__)
