"""The request loop every eviction policy shares, and the queues policies build on.

libCacheSim's design (Yang et al., "libCacheSim", github.com/1a1a11a/libCacheSim,
``cache_get_base``): one loop does the bookkeeping and a policy supplies a few
operations. Per request of object ``o`` of ``s`` bytes at position ``i``::

    if find(st, o, i):                       # a hit changes only policy metadata
        count a hit
    elif admit(st, o, s, capacity):          # by default: s <= capacity
        while used + s > capacity:
            used -= evict(st, s, i)          # bytes freed (0 if only reordered)
        used += insert(st, o, s, i)          # bytes stored (0 if the policy declines)

A policy is one module under ``policies/`` defining ``init(keys, capacity,
next_access, seed) -> st`` (a tuple of arrays: its whole state), ``find``,
``admit``, ``insert`` and ``evict`` as numba functions, then ending with
``simulate = kernel(__name__)``. :func:`kernel` compiles this loop with the
module's operations bound in, one machine-code kernel per policy with no
indirect calls.

Objects are dense ids ``0..n-1``, so per-object state is plain arrays indexed
by id, and queues are doubly linked lists threaded through two shared arrays
(``prev``/``nxt``): an object sits in at most one queue of a policy at a time.
"""

import sys
import types

import numpy as np

from ..core.jit import njit

NONE = -1  # "no object": an empty end of a queue, a missing neighbour
NEVER = np.iinfo(np.int64).max  # next access of an object never requested again


@njit
def n_objects(keys):
    """Number of dense ids a trace uses (ids are ``0..n-1``)."""
    return keys.max() + 1 if keys.size else 0


@njit
def fits(st, o, s, capacity):
    """Default admission: an object larger than the whole cache is not admitted."""
    return s <= capacity


# --- queues: doubly linked lists over object ids ---------------------------------------------
# ``ends[q] = (head, tail)`` of queue q; the head is the newest end. ``prev`` points
# towards the head, ``nxt`` towards the tail (libCacheSim's queue.prev / queue.next).


@njit
def queues(n_objects, n_queues):
    """``(prev, nxt, ends)`` for ``n_queues`` empty queues over ``n_objects`` ids."""
    return (
        np.full(n_objects, NONE, np.int64),
        np.full(n_objects, NONE, np.int64),
        np.full((n_queues, 2), NONE, np.int64),
    )


@njit
def push_head(q, k, o):
    """Put ``o`` at the newest end of queue ``k``."""
    prev, nxt, ends = q
    head = ends[k, 0]
    prev[o] = NONE
    nxt[o] = head
    if head != NONE:
        prev[head] = o
    else:
        ends[k, 1] = o
    ends[k, 0] = o


@njit
def unlink(q, k, o):
    """Take ``o`` out of queue ``k``."""
    prev, nxt, ends = q
    p, n = prev[o], nxt[o]
    if p != NONE:
        nxt[p] = n
    else:
        ends[k, 0] = n
    if n != NONE:
        prev[n] = p
    else:
        ends[k, 1] = p


@njit
def to_head(q, k, o):
    unlink(q, k, o)
    push_head(q, k, o)


@njit
def tail(q, k):
    """The oldest object of queue ``k`` (``NONE`` if empty)."""
    return q[2][k, 1]


@njit
def head(q, k):
    return q[2][k, 0]


# --- the loop -------------------------------------------------------------------------------


def _simulate(keys, sizes, capacity, next_access, seed, window):
    """Hits and hit bytes per window of ``window`` requests (see the module docstring)."""
    st = init(keys, capacity, next_access, seed)  # noqa: F821 - bound by kernel()
    n = keys.size
    n_windows = max(1, (n + window - 1) // window)
    hits = np.zeros(n_windows, np.int64)
    hit_bytes = np.zeros(n_windows, np.int64)
    used = 0
    for i in range(n):
        o = keys[i]
        s = sizes[i]
        if find(st, o, i):  # noqa: F821
            hits[i // window] += 1
            hit_bytes[i // window] += s
        elif admit(st, o, s, capacity):  # noqa: F821
            while used + s > capacity:
                used -= evict(st, s, i)  # noqa: F821
            used += insert(st, o, s, i)  # noqa: F821
    return hits, hit_bytes


def kernel(module_name: str):
    """The loop above compiled with the policy operations of module ``module_name``.

    Why a copy of the code object: numba cannot cache a kernel that takes other
    kernels as arguments or closes over them (their identity changes per
    process), but it can cache one whose operations are *globals*. So the loop's
    code is re-bound to the policy module's namespace and attributed to the
    policy's file: numba caches it beside that file, and editing the policy
    invalidates the cached kernel. ``nogil`` lets curves over many capacities
    run on threads.
    """
    module = sys.modules[module_name]
    namespace = {**_simulate.__globals__, **vars(module)}
    code = _simulate.__code__.replace(co_filename=module.__file__, co_name="simulate", co_qualname="simulate")
    return njit(types.FunctionType(code, namespace, "simulate"), nogil=True)
