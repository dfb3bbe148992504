"""S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023, Algorithm 1).

Three FIFO queues: *small* (10% of the capacity) takes new objects, *main*
(the rest) keeps the ones that proved themselves, and *ghost* remembers the
ids (and sizes) of objects recently dropped from small, up to 90% of the
capacity. Most objects are requested once ("one-hit wonders"); small lets
them leave quickly without disturbing main.

- miss: an id found in ghost goes straight to main; any other object goes
  to small, unless it is at least as large as small (then it is not admitted);
- hit: a frequency counter is incremented (only its cap of 3 matters);
- evict from small (unless main holds more than its share): an object hit at
  least twice while in small (frequency > 1) moves to main with the counter
  reset, otherwise its id goes to ghost;
- evict from main: a CLOCK with a 2-bit counter, capped at 3 and decremented
  each time an object is re-inserted.

The paper's Algorithm 1 leaves sizes and a few details open; they follow
libCacheSim S3FIFOv0.c, the code behind the paper's results, whose numbers
the tests reproduce exactly (``tests/naive.py`` lists where the pseudocode
read literally differs). A small queue must hold an object: by objects the
capacity must be at least 20 (a small queue of 2; an object as large as
small is refused). libCacheSim's later S3FIFO.c adds a warm-up rule (until
the first eviction, objects that find small full go to main), not kept here.
"""

import numpy as np

from ...core.jit import njit
from .._engine import SIZE, TAIL, ends, kernel, n_objects, op, push_head, table, unlink

LABEL = "S3-FIFO"
SOURCE = "Yang et al., SOSP 2023, Algorithm 1; libCacheSim S3FIFOv0.c"
SMALL_RATIO = 0.10
GHOST_RATIO = 0.90
MOVE_TO_MAIN = 2  # hits in small that earn a place in main
OUT, SMALL, MAIN, GHOST = 0, 1, 2, 3  # where an object is; also queue ids
WHERE, FREQ = 3, 4  # table columns; SIZE of a ghost entry is the size it had when cached
# meta: [used_small, used_main, used_ghost, cap_small, cap_main, cap_ghost, hit_on_ghost]
U_SMALL, U_MAIN, U_GHOST, C_SMALL, C_MAIN, C_GHOST, HIT_ON_GHOST = range(7)


MIN_CAPACITY_REASON = "its small queue (10% of the capacity, rounded down) must be larger than an object"


def min_capacity(object_size: int) -> int:
    """The smallest capacity whose small queue (10%, truncated) stores an object of ``object_size``."""
    capacity = 10 * (object_size + 1)
    while int(capacity * SMALL_RATIO) > object_size and capacity > 1:  # guard float rounding
        capacity -= 1
    while int(capacity * SMALL_RATIO) <= object_size:
        capacity += 1
    return capacity


@njit
def init(keys, capacity, next_access, seed):
    meta = np.zeros(7, np.int64)
    meta[C_SMALL] = np.int64(capacity * SMALL_RATIO)  # truncated, as in libCacheSim
    meta[C_MAIN] = capacity - meta[C_SMALL]
    meta[C_GHOST] = np.int64(capacity * GHOST_RATIO)
    t = table(n_objects(keys), 6)
    t[:, WHERE] = OUT
    return t, ends(4), meta


@op
def find(st, o, i):
    t, e, meta = st
    w = t[o, WHERE]
    if w == SMALL:
        t[o, FREQ] += 1
        return True
    meta[HIT_ON_GHOST] = 0
    if w == GHOST:
        unlink(t, e, GHOST, o)
        meta[U_GHOST] -= t[o, SIZE]
        t[o, WHERE] = OUT
        meta[HIT_ON_GHOST] = 1
        return False
    if w == MAIN:
        t[o, FREQ] += 1
        return True
    return False


@op
def admit(st, o, s, capacity):
    return s <= st[2][C_SMALL] and s <= capacity


@op
def _enter(t, e, meta, q, o, s):
    push_head(t, e, q, o)
    t[o, WHERE] = q
    t[o, SIZE] = s
    t[o, FREQ] = 0
    meta[U_SMALL if q == SMALL else U_MAIN] += s


@op
def insert(st, o, s, i):
    t, e, meta = st
    if meta[HIT_ON_GHOST]:
        meta[HIT_ON_GHOST] = 0
        _enter(t, e, meta, MAIN, o, s)
    elif s >= meta[C_SMALL]:
        return 0  # admitted (s <= small), evicted for, then refused: libCacheSim's rule
    else:
        _enter(t, e, meta, SMALL, o, s)
    return s


@op
def _remember(t, e, meta, o):
    """Put a dropped object's id into ghost, a FIFO bounded in bytes."""
    s = t[o, SIZE]
    t[o, WHERE] = OUT
    if meta[C_GHOST] == 0 or s > meta[C_GHOST]:
        return
    while meta[U_GHOST] + s > meta[C_GHOST]:
        g = e[GHOST, TAIL]
        unlink(t, e, GHOST, g)
        meta[U_GHOST] -= t[g, SIZE]
        t[g, WHERE] = OUT
    push_head(t, e, GHOST, o)
    t[o, WHERE] = GHOST
    meta[U_GHOST] += s


@op
def _evict_small(t, e, meta):
    while meta[U_SMALL] > 0:
        o = e[SMALL, TAIL]
        unlink(t, e, SMALL, o)
        s = t[o, SIZE]
        meta[U_SMALL] -= s
        if t[o, FREQ] >= MOVE_TO_MAIN:
            _enter(t, e, meta, MAIN, o, s)
        else:
            _remember(t, e, meta, o)
            return s
    return 0  # everything in small moved to main: nothing freed yet


@op
def _evict_main(t, e, meta):
    while meta[U_MAIN] > 0:
        o = e[MAIN, TAIL]
        unlink(t, e, MAIN, o)
        if t[o, FREQ] >= 1:
            push_head(t, e, MAIN, o)
            t[o, FREQ] = min(t[o, FREQ], 3) - 1
        else:
            meta[U_MAIN] -= t[o, SIZE]
            t[o, WHERE] = OUT
            return t[o, SIZE]
    return 0


@op
def evict(st, s, i):
    t, e, meta = st
    if meta[U_MAIN] > meta[C_MAIN] or meta[U_SMALL] == 0:
        return _evict_main(t, e, meta)
    return _evict_small(t, e, meta)


simulate = kernel(__name__)
