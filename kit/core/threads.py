"""Independent kernel runs side by side, one per core.

A numba kernel compiled with ``nogil=True`` releases the GIL while it runs,
so plain threads run several at once. Where a call runs the same serial
kernel for each of a few designs (the write strategies, the saga protocols,
the stampede protections), :func:`map_calls` runs them on all cores: the
runs share nothing and each seeds its own random stream (numba keeps one per
thread), so the results are those of running them one after another.

Only for kernels that are not parallel themselves: a ``prange`` kernel
already uses every core, and numba's fallback threading layer (workqueue)
must not be entered from two threads at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def map_calls(fn: Callable, items: Iterable, workers: int | None = None) -> list:
    """``[fn(item) for item in items]``, the calls spread over threads.

    Parameters
    ----------
    fn : callable
        Spends its time in a ``nogil`` serial kernel.
    items : iterable
        One call each, started in this order: put the longest first, so that a
        long call does not start last, after the short ones (two cores, calls
        of 2, 1 and 1 units: 2 units longest first, 3 in the other order).
    workers : int, optional
        Threads at most (default: :func:`cores`).

    Returns
    -------
    list
        The results in the order of ``items``; the first exception raised is re-raised.

    Examples
    --------
    >>> map_calls(abs, [-1, 2, -3])
    [1, 2, 3]
    """
    items = list(items)
    workers = min(len(items), cores() if workers is None else workers)
    if workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))
