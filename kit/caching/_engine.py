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

Objects are dense ids ``0..n-1``, so per-object state is a table indexed by
id, and queues are doubly linked lists threaded through it (see below).
"""

import sys
import types

import numpy as np

from ..core.jit import njit

op = njit(_nrt=False)  # decorator of every operation the loop calls (see kernel())

NONE = -1  # "no object": an empty end of a queue, a missing neighbour


@njit
def n_objects(keys):
    """Number of dense ids a trace uses (ids are ``0..n-1``)."""
    return keys.max() + 1 if keys.size else 0


@op
def fits(st, o, s, capacity):
    """Default admission: an object larger than the whole cache is not admitted."""
    return s <= capacity


# --- per-object table and queues ----------------------------------------------------------
# One row per object id: PREV, NEXT (queue links), SIZE (bytes stored; -1 = not cached)
# and the policy's own fields from column 3. Keeping an object's fields in one row
# (32 bytes) means one cache line per object touched: on large traces memory
# latency, not arithmetic, is the cost of a simulation. Queue q has
# ``ends[q] = (head, tail)``; the head is the newest end; PREV points towards
# the head and NEXT towards the tail (libCacheSim's queue.prev / queue.next).
# An object sits in at most one queue of a policy at a time.

PREV, NEXT, SIZE = 0, 1, 2
HEAD, TAIL = 0, 1


@njit
def table(n_objects, columns):
    """An ``n_objects x columns`` int64 table: no links, nothing stored, policy fields 0."""
    t = np.zeros((n_objects, columns), np.int64)
    t[:, :3] = NONE
    return t


@njit
def ends(n_queues):
    """Head and tail of ``n_queues`` empty queues."""
    return np.full((n_queues, 2), NONE, np.int64)


@op
def push_head(t, e, q, o):
    """Put ``o`` at the newest end of queue ``q``."""
    first = e[q, HEAD]
    t[o, PREV] = NONE
    t[o, NEXT] = first
    if first != NONE:
        t[first, PREV] = o
    else:
        e[q, TAIL] = o
    e[q, HEAD] = o


@op
def unlink(t, e, q, o):
    """Take ``o`` out of queue ``q``."""
    p, n = t[o, PREV], t[o, NEXT]
    if p != NONE:
        t[p, NEXT] = n
    else:
        e[q, HEAD] = n
    if n != NONE:
        t[n, PREV] = p
    else:
        e[q, TAIL] = p


@op
def to_head(t, e, q, o):
    if e[q, HEAD] != o:
        unlink(t, e, q, o)
        push_head(t, e, q, o)


# --- the loop -------------------------------------------------------------------------------


def _run(st, keys, sizes, by_objects, capacity, window, hits, hit_bytes):
    """Fill hits and hit bytes per window of ``window`` requests (see the module docstring).

    ``by_objects``: every object occupies 1 (capacity in objects). An empty
    ``sizes`` means the trace has none: every request is 1 byte.
    """
    used = 0
    w = 0  # the current window, advanced by counting (a division per request costs more)
    end = window
    sized = sizes.size > 0
    for i in range(keys.size):
        if i == end:
            w += 1
            end += window
        o = keys[i]
        b = sizes[i] if sized else 1
        s = 1 if by_objects else b
        if find(st, o, i):  # noqa: F821 - the policy's operations, bound by kernel()
            hits[w] += 1
            hit_bytes[w] += b
        elif admit(st, o, s, capacity):  # noqa: F821
            while used + s > capacity:
                used -= evict(st, s, i)  # noqa: F821
            used += insert(st, o, s, i)  # noqa: F821


def _simulate(keys, sizes, by_objects, capacity, next_access, seed, window):
    """Hits and hit bytes per window of ``window`` requests, from an empty cache."""
    st = init(keys, capacity, next_access, seed)  # noqa: F821
    n_windows = max(1, (keys.size + window - 1) // window)
    hits = np.zeros(n_windows, np.int64)
    hit_bytes = np.zeros(n_windows, np.int64)
    run(st, keys, sizes, by_objects, capacity, window, hits, hit_bytes)  # noqa: F821
    return hits, hit_bytes


def _bind(template, module, namespace, name, **options):
    code = template.__code__.replace(co_filename=module.__file__, co_name=name, co_qualname=name)
    return njit(types.FunctionType(code, namespace, name), **options)


def kernel(module_name: str):
    """The loop above compiled with the policy operations of module ``module_name``.

    Why copies of code objects: numba cannot cache a kernel that takes other
    kernels as arguments or closes over them (their identity changes per
    process), but it can cache one whose operations are *globals*. So the
    loop's code is re-bound to the policy module's namespace and attributed
    to the policy's file: numba caches it beside that file, and editing the
    policy invalidates the cached kernel. It is also why a policy keeps all its
    operations in its own file, even those another policy shares (LRU's
    ``insert`` and ``evict`` are FIFO's): only that file decides when the
    cached kernel is stale.

    The loop and the operations it inlines run without numba's reference
    counting (``_nrt=False``, hence :data:`op`): an array passed between
    functions would otherwise cost atomic increments on every request, which
    made simulations four times slower. Allocation happens outside, in
    ``init`` and the returned ``simulate``. ``nogil`` lets curves over many
    capacities run on threads.
    """
    module = sys.modules[module_name]
    namespace = {**_run.__globals__, **vars(module)}
    namespace["run"] = _bind(_run, module, namespace, "run", nogil=True, _nrt=False)
    return _bind(_simulate, module, namespace, "simulate", nogil=True)
