"""Numba kernels for traces and hit-ratio curves: arrays in, arrays out, no checks."""

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
def stack_distances(ids, sizes, n_objects):
    """LRU stack distance of every request; 0 for a first request (an infinite distance).

    With unit sizes the distance is the number of distinct objects requested
    since the previous request of the same object, plus one: the request hits
    in every LRU cache of at least that many objects (Mattson, Gecsei, Slutz &
    Traiger, "Evaluation techniques for storage hierarchies", IBM Systems
    Journal 9(2), 1970). With sizes, it is those objects' bytes plus the
    object's own. A Fenwick tree over request positions holds each object's
    size at its latest request, so each distance is one prefix-sum query:
    O(n log n) in all, one pass.
    """
    n = ids.size
    tree = np.zeros(n + 1, np.int64)
    last = np.full(n_objects, -1, np.int64)
    out = np.zeros(n, np.int64)
    total = 0  # sum of the tree: bytes of all distinct objects so far
    for i in range(n):
        o = ids[i]
        p = last[o]
        if p >= 0:
            # bytes marked at positions > p = total - prefix(p)
            j = p + 1
            prefix = 0
            while j > 0:
                prefix += tree[j]
                j -= j & -j
            out[i] = total - prefix + sizes[p]
            j = p + 1
            while j <= n:  # unmark the previous request
                tree[j] -= sizes[p]
                j += j & -j
            total -= sizes[p]
        j = i + 1
        while j <= n:
            tree[j] += sizes[i]
            j += j & -j
        total += sizes[i]
        last[o] = i
    return out
