"""Numba kernels for traces and hit-ratio curves: arrays in, arrays out, no checks."""

import numpy as np

from ..core.jit import njit

NEVER = np.iinfo(np.int64).max
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4)


@njit
def _slot(key, shift, mask):
    return np.int64((np.uint64(key) * _GOLDEN) >> shift) & mask


@njit
def dense_ids(keys):
    """Ids 0..n-1 in order of first appearance, and the original key of each id.

    An open-addressing hash table (linear probing, load <= 1/2, doubled when
    full) maps each 64-bit key to its id in one pass: O(1) per request where
    sorting (np.unique) costs O(log n).
    """
    bits = 16
    table = np.full(1 << bits, -1, np.int64)  # id stored at each slot, -1 = empty
    labels = np.empty(max(16, keys.size // 8), np.int64)
    out = np.empty(keys.size, np.int64)
    n = 0
    for i in range(keys.size):
        k = keys[i]
        mask = (1 << bits) - 1
        j = _slot(k, np.uint64(64 - bits), mask)
        while table[j] != -1 and labels[table[j]] != k:
            j = (j + 1) & mask
        if table[j] == -1:
            if n == labels.size:
                grown = np.empty(2 * labels.size, np.int64)
                grown[:n] = labels[:n]
                labels = grown
            labels[n] = k
            table[j] = n
            n += 1
            if 2 * n > table.size:  # rehash into a table twice the size
                bits += 1
                mask = (1 << bits) - 1
                table = np.full(1 << bits, -1, np.int64)
                for m in range(n):
                    j = _slot(labels[m], np.uint64(64 - bits), mask)
                    while table[j] != -1:
                        j = (j + 1) & mask
                    table[j] = m
            out[i] = n - 1
        else:
            out[i] = table[j]
    return out, labels[:n].copy()


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
