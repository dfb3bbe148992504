"""Numba kernels for traces and hit-ratio curves, and the pieces the discrete-event kernels share.

Arrays in, arrays out, no checks: the public modules validate first.
"""

import numpy as np

from ..core.jit import njit

NEVER = np.iinfo(np.int64).max
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4)


@njit
def _slot(key, shift):
    return np.int64((np.uint64(key) * _GOLDEN) >> shift)


@njit
def _dense_direct(keys, lo, span):
    """Ids by direct addressing: ``first[k - lo]`` is the id of key k (keys span < 4n)."""
    first = np.full(span, -1, np.int64)
    out = np.empty(keys.size, np.int64)
    labels = np.empty(keys.size, np.int64)
    n = 0
    for i in range(keys.size):
        j = keys[i] - lo
        if first[j] < 0:
            first[j] = n
            labels[n] = keys[i]
            n += 1
        out[i] = first[j]
    return out, labels[:n].copy()


@njit
def _dense_hashed(keys):
    """Ids through an open-addressing hash table (linear probing, load <= 1/2, doubled when full).

    Each slot holds (key, id) side by side, so a probe touches one cache line.
    """
    bits = 16
    table = np.full((1 << bits, 2), -1, np.int64)
    labels = np.empty(keys.size, np.int64)
    out = np.empty(keys.size, np.int64)
    n = 0
    for i in range(keys.size):
        k = keys[i]
        mask = (1 << bits) - 1
        j = _slot(k, np.uint64(64 - bits))
        while table[j, 1] != -1 and table[j, 0] != k:
            j = (j + 1) & mask
        if table[j, 1] == -1:
            table[j, 0] = k
            table[j, 1] = n
            labels[n] = k
            n += 1
            if 2 * n > table.shape[0]:  # rehash into a table twice the size
                bits += 1
                mask = (1 << bits) - 1
                table = np.full((1 << bits, 2), -1, np.int64)
                for m in range(n):
                    j = _slot(labels[m], np.uint64(64 - bits))
                    while table[j, 1] != -1:
                        j = (j + 1) & mask
                    table[j, 0] = labels[m]
                    table[j, 1] = m
            out[i] = n - 1
        else:
            out[i] = table[j, 1]
    return out, labels[:n].copy()


@njit
def dense_ids(keys):
    """Ids 0..n-1 in order of first appearance, and the original key of each id.

    One pass, O(1) per request (sorting, as np.unique does, costs O(log n)):
    keys spanning a range under four times the trace length are addressed
    directly; any others (64-bit hashes, say) go through a hash table.
    """
    if keys.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    lo = keys.min()
    hi = keys.max()
    if lo >= 0 and hi - lo < 4 * keys.size + 1024:
        return _dense_direct(keys, lo, hi - lo + 1)
    return _dense_hashed(keys)


@njit
def next_access(ids, n_objects):
    """Index of the next request for the same object, or NEVER."""
    nxt = np.empty(ids.size, np.int64)
    seen = np.full(n_objects, NEVER, np.int64)
    for i in range(ids.size - 1, -1, -1):
        nxt[i] = seen[ids[i]]
        seen[ids[i]] = i
    return nxt


@njit
def request_counts(ids, n_objects):
    return np.bincount(ids, minlength=n_objects)


# --- exact LRU curves: stack distances (Mattson et al. 1970) ------------------------------


@njit
def _fenwick_add(tree, j, value):
    j += 1
    while j < tree.size:
        tree[j] += value
        j += j & -j


@njit
def _fenwick_prefix(tree, j):
    """Sum of entries 0..j."""
    j += 1
    total = 0
    while j > 0:
        total += tree[j]
        j -= j & -j
    return total


@njit
def stack_distances(ids, sizes, n_objects):
    """LRU stack distance of every request; 0 for a first request (an infinite distance).

    With unit sizes the distance is the number of distinct objects requested
    since the previous request of the same object, plus one: the request hits
    in every LRU cache of at least that many objects (Mattson, Gecsei, Slutz &
    Traiger, "Evaluation techniques for storage hierarchies", IBM Systems
    Journal 9(2), 1970). With sizes, it is those objects' bytes plus the
    object's own.

    Each object's latest request holds a marker (its size) in a Fenwick tree
    ordered by time, so a distance is one prefix sum: O(log n) per request.
    The tree has slots for twice the number of objects, not one per request:
    when the slots run out, the live markers are renumbered in order and the
    tree rebuilt, O(objects) once every ~objects requests. A smaller tree
    stays in the CPU caches.
    """
    n = ids.size
    slots = 2 * n_objects + 16
    tree = np.zeros(slots + 1, np.int64)
    slot_of = np.full(n_objects, -1, np.int64)  # slot of each object's latest request
    owner = np.full(slots, -1, np.int64)  # object whose marker sits in each slot
    weight = np.zeros(slots, np.int64)  # size held by each slot's marker
    out = np.zeros(n, np.int64)
    total = 0  # sum of all markers: bytes of all distinct objects so far
    t = 0  # next free slot
    for i in range(n):
        if t == slots:  # compact: live markers keep their order in slots 0..m-1
            m = 0
            for j in range(slots):
                if owner[j] >= 0:
                    owner[m] = owner[j]
                    weight[m] = weight[j]
                    slot_of[owner[m]] = m
                    m += 1
            owner[m:] = -1
            weight[m:] = 0
            tree[:] = 0
            for k in range(1, slots + 1):  # linear-time Fenwick build, up to the root
                tree[k] += weight[k - 1]
                up = k + (k & -k)
                if up <= slots:
                    tree[up] += tree[k]
            t = m
        o = ids[i]
        p = slot_of[o]
        if p >= 0:
            own = weight[p]
            out[i] = total - _fenwick_prefix(tree, p) + own
            _fenwick_add(tree, p, -own)
            total -= own
            owner[p] = -1
            weight[p] = 0
        _fenwick_add(tree, t, sizes[i])
        total += sizes[i]
        owner[t] = o
        weight[t] = sizes[i]
        slot_of[o] = t
        t += 1
    return out


# --- shared by the discrete-event kernels (_paths_kernels, _stampede_kernels, _tiers_kernels) ---------

MS = 1e-3  # latencies are drawn in ms; the clocks run in s


def int64s(n):
    """``n`` constants as int64 scalars: numba compiles a callee once per distinct plain-int
    literal it is passed, so event kinds as ints would mean one heap_push per kind."""
    return tuple(np.int64(k) for k in range(n))


NO_DATA, ONE = int64s(2)  # an event's empty payload; a unit size
HEAP_START = np.int64(64)  # events a heap holds before it first grows


@njit
def draw_key(cdf):
    """A key drawn with the probabilities whose running sum is ``cdf``."""
    return np.searchsorted(cdf, np.random.random() * cdf[-1], side="right")
