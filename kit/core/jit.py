"""The one place the kit meets numba.

``njit`` compiles with ``cache=True`` so a kernel compiled once (by the
warm-up, or Binder's postBuild) loads from disk in every later process. When
numba is not installed the kernels run as plain Python: slower, same answers.
``NUMBA_DISABLE_JIT=1`` does the same with numba installed (numba's own
switch), which is how the tests cover kernels line by line.
"""

from collections.abc import Callable
from contextlib import contextmanager

try:
    import numba

    HAVE_NUMBA = True
    prange = numba.prange
except ImportError:  # pragma: no cover - exercised in a subprocess test
    numba = None
    HAVE_NUMBA = False
    prange = range

_KERNELS: list = []  # every kernel made by njit, for warm-up checks


def njit(fn: Callable | None = None, **options):
    """``numba.njit`` with ``cache=True``; identity when numba is absent.

    Use bare (``@njit``) or with numba options (``@njit(parallel=True)``).
    A parallel kernel loops ``prange`` over chunks, each seeded from
    ``rng.stream_seeds``, so its result does not depend on the thread count.
    """

    def wrap(f):
        if not HAVE_NUMBA:
            return f
        options.setdefault("cache", True)
        kernel = numba.njit(**options)(f)
        _KERNELS.append(kernel)
        return kernel

    return wrap if fn is None else wrap(fn)


def kernels() -> list:
    """The numba dispatchers created so far (empty without numba)."""
    return list(_KERNELS)


def compile_stats() -> dict[str, tuple[int, int]]:
    """``{kernel name: (cache hits, cache misses)}`` for kernels used so far.

    A cache miss is a compilation: after a warm-up, a new process should
    show misses of zero for every kernel it calls.
    """
    stats = {}
    for k in _KERNELS:
        if k.signatures:
            hits = sum(k.stats.cache_hits.values())
            misses = sum(k.stats.cache_misses.values())
            stats[f"{k.py_func.__module__}.{k.__name__}"] = (hits, misses)
    return stats


@contextmanager
def one_chunk_at_a_time():
    """Run the ``prange`` loops of kernels called inside one iteration at a time per thread.

    By default numba splits a ``prange`` into one static block per thread, so
    the slowest thread sets the pace: on a shared machine (Binder, a laptop
    running other work) a descheduled thread can make a parallel kernel slower
    than a serial one. Handing out iterations one at a time (numba's
    ``parallel_chunksize(1)``) lets a busy thread take fewer. Use it around
    kernels whose iterations are whole replications; it changes no result.
    """
    if not HAVE_NUMBA:
        yield
        return
    with numba.parallel_chunksize(1):
        yield
