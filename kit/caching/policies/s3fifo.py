"""S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023).

Three FIFO queues: *small* (10% of the capacity) takes new objects, *main*
(the rest) keeps the ones that proved themselves, and *ghost* remembers the
ids (and sizes) of objects recently dropped from small, up to 90% of the
capacity. Most objects are requested once ("one-hit wonders"); small lets
them leave quickly without disturbing main.

- miss: an id found in ghost goes straight to main; any other object goes
  to small, unless it is at least as large as small (then it is not admitted);
- hit: a frequency counter is incremented;
- evict from small (when main holds no more than its share): frequency >= 2
  moves the object to main with the counter reset, otherwise its id goes to ghost;
- evict from main: a CLOCK with a 2-bit counter, capped at 3 and decremented
  each time an object is re-inserted.

Details follow libCacheSim S3FIFO.c (the version behind its published
numbers): until the first eviction, objects that find small full go to main.
"""

import numpy as np

from ...core.jit import njit
from .._engine import kernel, n_objects, push_head, queues, tail, unlink

LABEL = "S3-FIFO"
SOURCE = "Yang et al., SOSP 2023; libCacheSim S3FIFO.c"
SMALL_RATIO = 0.10
GHOST_RATIO = 0.90
MOVE_TO_MAIN = 2  # hits in small that earn a place in main
OUT, SMALL, MAIN, GHOST = 0, 1, 2, 3  # where an object is; also queue ids (ghost = 3)
# meta: [used_small, used_main, used_ghost, cap_small, cap_main, cap_ghost, has_evicted, hit_on_ghost]
U_SMALL, U_MAIN, U_GHOST, C_SMALL, C_MAIN, C_GHOST, HAS_EVICTED, HIT_ON_GHOST = range(8)


@njit
def init(keys, capacity, next_access, seed):
    n = n_objects(keys)
    meta = np.zeros(8, np.int64)
    meta[C_SMALL] = np.int64(capacity * SMALL_RATIO)  # truncated, as in libCacheSim
    meta[C_MAIN] = capacity - meta[C_SMALL]
    meta[C_GHOST] = np.int64(capacity * GHOST_RATIO)
    return queues(n, 4), np.zeros(n, np.int8), np.zeros(n, np.int64), np.zeros(n, np.int64), meta


@njit
def find(st, o, i):
    q, where, size, freq, meta = st
    if where[o] == SMALL:
        freq[o] += 1
        return True
    meta[HIT_ON_GHOST] = 0
    if where[o] == GHOST:
        unlink(q, GHOST, o)
        meta[U_GHOST] -= size[o]
        where[o] = OUT
        meta[HIT_ON_GHOST] = 1
        return False
    if where[o] == MAIN:
        freq[o] += 1
        return True
    return False


@njit
def admit(st, o, s, capacity):
    return s <= st[4][C_SMALL] and s <= capacity


@njit
def _enter(q, where, size, freq, meta, k, o, s):
    push_head(q, k, o)
    where[o] = k
    size[o] = s
    freq[o] = 0
    meta[U_SMALL if k == SMALL else U_MAIN] += s


@njit
def insert(st, o, s, i):
    q, where, size, freq, meta = st
    if meta[HIT_ON_GHOST]:
        meta[HIT_ON_GHOST] = 0
        _enter(q, where, size, freq, meta, MAIN, o, s)
    elif s >= meta[C_SMALL]:
        return 0
    elif not meta[HAS_EVICTED] and meta[U_SMALL] >= meta[C_SMALL]:
        _enter(q, where, size, freq, meta, MAIN, o, s)
    else:
        _enter(q, where, size, freq, meta, SMALL, o, s)
    return s


@njit
def _remember(q, where, size, meta, o):
    """Put a dropped object's id into ghost, a FIFO bounded in bytes."""
    s = size[o]
    if meta[C_GHOST] == 0 or s > meta[C_GHOST]:
        where[o] = OUT
        return
    while meta[U_GHOST] + s > meta[C_GHOST]:
        g = tail(q, GHOST)
        unlink(q, GHOST, g)
        meta[U_GHOST] -= size[g]
        where[g] = OUT
    push_head(q, GHOST, o)
    where[o] = GHOST
    meta[U_GHOST] += s


@njit
def _evict_small(q, where, size, freq, meta):
    while meta[U_SMALL] > 0:
        o = tail(q, SMALL)
        unlink(q, SMALL, o)
        meta[U_SMALL] -= size[o]
        if freq[o] >= MOVE_TO_MAIN:
            _enter(q, where, size, freq, meta, MAIN, o, size[o])
        else:
            _remember(q, where, size, meta, o)
            return size[o]
    return 0  # everything in small moved to main: nothing freed yet


@njit
def _evict_main(q, where, size, freq, meta):
    while meta[U_MAIN] > 0:
        o = tail(q, MAIN)
        unlink(q, MAIN, o)
        if freq[o] >= 1:
            push_head(q, MAIN, o)
            freq[o] = min(freq[o], 3) - 1
        else:
            meta[U_MAIN] -= size[o]
            where[o] = OUT
            return size[o]
    return 0


@njit
def evict(st, s, i):
    q, where, size, freq, meta = st
    meta[HAS_EVICTED] = 1
    if meta[U_MAIN] > meta[C_MAIN] or meta[U_SMALL] == 0:
        return _evict_main(q, where, size, freq, meta)
    return _evict_small(q, where, size, freq, meta)


simulate = kernel(__name__)
