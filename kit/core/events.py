"""A binary-heap event queue for discrete-event kernels (numba-callable).

The SimPy idea in a few array functions: a kernel keeps a heap of
``(time, kind, data)`` events, pops the earliest, handles it by ``kind`` and
pushes what it causes. Ties in time pop in push order (a sequence number
breaks them), so a run is deterministic.

A heap is one float64 array of shape ``(capacity + 1, 4)``: row 0 holds
``(size, next_seq)``, rows ``1..size`` the events ``(time, seq, kind, data)``
in heap order. One array rather than several keeps an event's fields on one
cache line and makes passing the heap around cheap (one reference count,
not five), which is most of the cost of a push or pop. ``kind`` and ``data``
come back as integers; they are exact up to 2**53 in magnitude.
``heap_push`` returns the heap because a full heap is replaced by one twice
the size; always write ``h = heap_push(h, ...)``. The functions are inlined
into the kernels that call them (numba's ``inline="always"``): a call that
passes and returns an array costs more than the push itself. In a parallel
kernel, put the event loop in a function of its own and call it from the
``prange`` body: a pop inlined there (it may raise) keeps the loop serial.

Example (inside or outside a kernel)::

    h = heap_new(16)
    h = heap_push(h, 2.5, ARRIVAL, customer)
    while heap_size(h) > 0:
        now, kind, who = heap_pop(h)
"""

import numpy as np

from .jit import njit

TIME, SEQ, KIND, DATA = range(4)  # the columns of an event row


@njit
def heap_new(capacity):
    """An empty heap with room for ``capacity`` events before it grows."""
    h = np.empty((max(int(capacity), 1) + 1, 4))
    h[0, 0] = 0.0  # size
    h[0, 1] = 0.0  # next sequence number
    return h


@njit(inline="always")
def heap_size(h):
    return int(h[0, 0])


@njit(inline="always")
def heap_peek_time(h):
    """Time of the next event, or +inf when the heap is empty."""
    return h[1, TIME] if h[0, 0] > 0 else np.inf


@njit(inline="always")
def heap_push(h, t, kind, data):
    """Schedule event ``kind`` with payload ``data`` at time ``t``; returns the heap."""
    n = int(h[0, 0])
    if n + 1 == h.shape[0]:
        grown = np.empty((2 * h.shape[0] - 1, 4))
        grown[: n + 1] = h[: n + 1]
        h = grown
    seq = h[0, 1]
    h[0, 0] = n + 1
    h[0, 1] = seq + 1.0
    i = n + 1
    while i > 1:  # sift up: move parents down into the hole until t fits
        parent = i >> 1
        pt = h[parent, TIME]
        if pt < t or (pt == t and h[parent, SEQ] < seq):
            break
        h[i, TIME] = pt
        h[i, SEQ] = h[parent, SEQ]
        h[i, KIND] = h[parent, KIND]
        h[i, DATA] = h[parent, DATA]
        i = parent
    h[i, TIME] = t
    h[i, SEQ] = seq
    h[i, KIND] = kind
    h[i, DATA] = data
    return h


@njit(inline="always")
def heap_pop(h):
    """Remove and return the earliest ``(time, kind, data)``; the heap must not be empty."""
    n = int(h[0, 0])
    if n == 0:
        raise IndexError("pop from an empty event heap")
    t, kind, data = h[1, TIME], int(h[1, KIND]), int(h[1, DATA])
    # sift the last event down from the root into the hole
    lt, ls, lk, ld = h[n, TIME], h[n, SEQ], h[n, KIND], h[n, DATA]
    n -= 1
    h[0, 0] = n
    i = 1
    while True:
        child = i << 1
        if child > n:
            break
        right = child + 1
        if right <= n and (
            h[right, TIME] < h[child, TIME]
            or (h[right, TIME] == h[child, TIME] and h[right, SEQ] < h[child, SEQ])
        ):
            child = right
        if lt < h[child, TIME] or (lt == h[child, TIME] and ls < h[child, SEQ]):
            break
        h[i, TIME] = h[child, TIME]
        h[i, SEQ] = h[child, SEQ]
        h[i, KIND] = h[child, KIND]
        h[i, DATA] = h[child, DATA]
        i = child
    h[i, TIME] = lt
    h[i, SEQ] = ls
    h[i, KIND] = lk
    h[i, DATA] = ld
    return t, kind, data
