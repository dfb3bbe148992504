"""A binary-heap event queue for discrete-event kernels (numba-callable).

The SimPy idea in a few array functions: a kernel keeps a heap of
``(time, kind, data)`` events, pops the earliest, handles it by ``kind`` and
pushes what it causes. Ties in time pop in push order (a sequence number
breaks them), so a run is deterministic.

A heap is a tuple of arrays, ``(times, seqs, kinds, data, meta)`` with
``meta = [size, next_seq]``. ``heap_push`` returns the heap because a full
heap is replaced by one twice the size; always write ``h = heap_push(h, ...)``.

Example (inside or outside a kernel)::

    h = heap_new(16)
    h = heap_push(h, 2.5, ARRIVAL, customer)
    while heap_size(h) > 0:
        now, kind, who = heap_pop(h)
"""

import numpy as np

from .jit import njit


@njit
def heap_new(capacity):
    """An empty heap with room for ``capacity`` events before it grows."""
    capacity = max(int(capacity), 1)
    return (
        np.empty(capacity, np.float64),
        np.empty(capacity, np.int64),
        np.empty(capacity, np.int64),
        np.empty(capacity, np.int64),
        np.zeros(2, np.int64),
    )


@njit
def heap_size(h):
    return h[4][0]


@njit
def heap_peek_time(h):
    """Time of the next event, or +inf when the heap is empty."""
    return h[0][0] if h[4][0] > 0 else np.inf


@njit
def _before(times, seqs, i, j):
    return times[i] < times[j] or (times[i] == times[j] and seqs[i] < seqs[j])


@njit
def _swap(h, i, j):
    times, seqs, kinds, data, _ = h
    times[i], times[j] = times[j], times[i]
    seqs[i], seqs[j] = seqs[j], seqs[i]
    kinds[i], kinds[j] = kinds[j], kinds[i]
    data[i], data[j] = data[j], data[i]


@njit
def _grow(h):
    n = h[0].size * 2
    times = np.empty(n, np.float64)
    seqs = np.empty(n, np.int64)
    kinds = np.empty(n, np.int64)
    data = np.empty(n, np.int64)
    m = h[4][0]
    times[:m] = h[0][:m]
    seqs[:m] = h[1][:m]
    kinds[:m] = h[2][:m]
    data[:m] = h[3][:m]
    return (times, seqs, kinds, data, h[4])


@njit
def heap_push(h, t, kind, data):
    """Schedule event ``kind`` with payload ``data`` at time ``t``; returns the heap."""
    if h[4][0] == h[0].size:
        h = _grow(h)
    times, seqs, kinds, payload, meta = h
    i = meta[0]
    times[i] = t
    seqs[i] = meta[1]
    kinds[i] = kind
    payload[i] = data
    meta[0] += 1
    meta[1] += 1
    while i > 0:  # sift up
        parent = (i - 1) // 2
        if not _before(times, seqs, i, parent):
            break
        _swap(h, i, parent)
        i = parent
    return h


@njit
def heap_pop(h):
    """Remove and return the earliest ``(time, kind, data)``; the heap must not be empty."""
    times, seqs, kinds, payload, meta = h
    if meta[0] == 0:
        raise IndexError("pop from an empty event heap")
    t, kind, data = times[0], kinds[0], payload[0]
    meta[0] -= 1
    n = meta[0]
    if n > 0:
        times[0], seqs[0], kinds[0], payload[0] = times[n], seqs[n], kinds[n], payload[n]
        i = 0
        while True:  # sift down
            left = 2 * i + 1
            if left >= n:
                break
            child = left
            if left + 1 < n and _before(times, seqs, left + 1, left):
                child = left + 1
            if not _before(times, seqs, child, i):
                break
            _swap(h, i, child)
            i = child
    return t, kind, data
