"""Belady's MIN: evict the object whose next request is furthest in the future.

With objects of equal size it is the offline optimum (Belady, "A study of
replacement algorithms for a virtual-storage computer", IBM Systems Journal
5(2), 1966): no policy can miss less. With sizes (capacity in bytes) it is
only a heuristic: to fit one object it may evict several small ones where a
single large one would do, and policies such as LFU can miss less on some
traces (the tests keep such a trace); the offline optimum with sizes is
NP-hard (Chrobak et al., "Caching is hard -- even in the fault model",
Algorithmica 63(4), 2012), with practical bounds by Berger, Beckmann &
Harchol-Balter ("Practical bounds on optimal caching with variable object
sizes", SIGMETRICS 2018). It needs each request's next-access time, so it
runs on recorded traces only. Cached objects sit in a max-heap keyed by their
next access (libCacheSim Belady.c); an object never requested again is
evicted first.
"""

import numpy as np

from ...core.jit import njit
from .._engine import fits as admit  # noqa: F401 - admission is an operation of the policy
from .._engine import kernel, n_objects, op

LABEL = "Belady (OPT)"
LABEL_BYTES = "Belady (by bytes: a heuristic)"  # the label where the capacity counts bytes
SOURCE = "Belady 1966 (the optimum for equal sizes); Berger et al. 2018 (sizes); libCacheSim Belady.c"
NEEDS_FUTURE = True  # the engine passes next_access only to policies that set this


@njit
def init(keys, capacity, next_access, seed):
    n = n_objects(keys)
    heap = np.empty(n, np.int64)  # cached ids, max-heap on when[]
    pos = np.full(n, -1, np.int64)  # index of o in heap; -1 = not cached
    when = np.zeros(n, np.int64)  # next access of a cached object
    count = np.zeros(1, np.int64)
    return heap, pos, when, count, np.zeros(n, np.int64), next_access


@op
def _swap(heap, pos, a, b):
    heap[a], heap[b] = heap[b], heap[a]
    pos[heap[a]] = a
    pos[heap[b]] = b


@op
def _sift_up(heap, pos, when, j):
    while j > 0:
        parent = (j - 1) // 2
        if when[heap[parent]] >= when[heap[j]]:
            break
        _swap(heap, pos, j, parent)
        j = parent


@op
def _sift_down(heap, pos, when, j, n):
    while True:
        child = 2 * j + 1
        if child >= n:
            break
        if child + 1 < n and when[heap[child + 1]] > when[heap[child]]:
            child += 1
        if when[heap[j]] >= when[heap[child]]:
            break
        _swap(heap, pos, j, child)
        j = child


@op
def find(st, o, i):
    heap, pos, when, _, _, next_access = st
    if pos[o] < 0:
        return False
    when[o] = next_access[i]  # later than before: it can only rise in a max-heap
    _sift_up(heap, pos, when, pos[o])
    return True


@op
def insert(st, o, s, i):
    heap, pos, when, count, size, next_access = st
    j = count[0]
    count[0] += 1
    heap[j] = o
    pos[o] = j
    when[o] = next_access[i]
    size[o] = s
    _sift_up(heap, pos, when, j)
    return s


@op
def evict(st, s, i):
    heap, pos, when, count, size, _ = st
    o = heap[0]
    count[0] -= 1
    _swap(heap, pos, 0, count[0])
    _sift_down(heap, pos, when, 0, count[0])
    pos[o] = -1
    return size[o]


simulate = kernel(__name__)
