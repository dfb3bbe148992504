"""Eviction policies on a trace: one simulation, curves over many capacities, exact LRU curves.

Semantics are libCacheSim's (Yang et al., github.com/1a1a11a/libCacheSim,
``cache_get_base``), so the numbers its tests assert come out exactly: a hit
changes only the policy's metadata and the stored size stays that of the
request that admitted the object; a miss admits the object unless it is
larger than the whole cache, evicting until it fits. Capacity counts
objects (``by="objects"``, every object counts 1) or bytes (``by="bytes"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import threads, validate
from ..core.rng import resolve_seed
from . import _kernels as kk
from ._checks import budget
from .policies import POLICIES
from .traces import Trace, check_trace

BY = ("objects", "bytes")
_NO_FUTURE = np.empty(0, np.int64)  # next access, for policies that do not look ahead
_NO_SIZES = np.empty(0, np.int64)  # a trace without sizes: every request is 1 byte


@dataclass(frozen=True)
class SimResult:
    """What one policy at one capacity did on one trace (from :func:`simulate`).

    Parameters
    ----------
    policy : str
        The policy's key in :data:`POLICIES`.
    capacity : int
        Cache size, in ``by`` units.
    by : {"objects", "bytes"}
        What the capacity counts.
    requests : int
        Requests in the trace.
    hits : int
        Requests served from the cache.
    bytes_requested, hit_bytes : int
        Bytes of all requests and of the hits (the trace's sizes whatever the
        capacity counts; 1 per request for a trace without sizes).
    window : int
        Requests per window of ``hits_per_window``.
    hits_per_window : array of int
        ``hits_per_window[k]`` counts hits among requests ``k*window ..
        (k+1)*window-1``: hit ratio over time.
    """

    policy: str
    capacity: int
    by: str
    requests: int
    hits: int
    bytes_requested: int
    hit_bytes: int
    window: int
    hits_per_window: np.ndarray

    @property
    def misses(self) -> int:
        """Requests not served from the cache."""
        return self.requests - self.hits

    @property
    def miss_ratio(self) -> float:
        """Misses per request (0 for an empty trace)."""
        return self.misses / self.requests if self.requests else 0.0

    @property
    def hit_ratio(self) -> float:
        """Hits per request (0 for an empty trace)."""
        return 1.0 - self.miss_ratio if self.requests else 0.0

    @property
    def byte_misses(self) -> int:
        """Bytes of the requests that missed."""
        return self.bytes_requested - self.hit_bytes

    @property
    def byte_miss_ratio(self) -> float:
        """Missed bytes per requested byte."""
        return self.byte_misses / self.bytes_requested if self.bytes_requested else 0.0

    def over_time(self) -> pd.DataFrame:
        """Hit ratio per window.

        Returns
        -------
        DataFrame
            Columns ``request`` (the window's last request, counted from 1) and
            ``hit_ratio``.
        """
        ends = np.minimum(np.arange(1, self.hits_per_window.size + 1) * self.window, self.requests)
        lengths = np.diff(np.concatenate([[0], ends]))
        return pd.DataFrame({"request": ends, "hit_ratio": self.hits_per_window / np.maximum(lengths, 1)})


def _check_setup(trace, policy: str, by: str) -> tuple[Trace, str, str]:
    trace = check_trace(trace)
    policy = validate.choice("policy", policy, POLICIES)
    return trace, policy, _check_by(trace, by)


def _check_by(trace: Trace, by: str) -> str:
    by = validate.choice("by", by, BY)
    if by == "bytes" and not trace.has_sizes:
        raise ValueError(f"by='bytes' needs object sizes, and {trace.name!r} has none: use by='objects'")
    return by


def _smallest_capacity(trace: Trace, policy: str, by: str) -> tuple[int, str]:
    """The least capacity at which ``policy`` can store an object of ``trace``, and why.

    A policy may define ``min_capacity(object_size)`` (S3-FIFO: its small
    queue, 10% of the cache, must hold the object); otherwise any capacity of
    at least 1 will do.
    """
    rule = getattr(POLICIES[policy], "min_capacity", None)
    if rule is None:
        return 1, ""
    object_size = int(trace.sizes.min()) if by == "bytes" and len(trace) else 1
    why = f": {POLICIES[policy].MIN_CAPACITY_REASON}"
    if by == "bytes":
        why += f" (the smallest here is {object_size} bytes)"
    return rule(object_size), why


def _check_capacity(trace: Trace, policy: str, capacity, by: str) -> int:
    smallest, why = _smallest_capacity(trace, policy, by)
    capacity = validate.integer("capacity", capacity, 1, 2**62)
    if capacity < smallest:
        raise ValueError(
            f"capacity must be at least {smallest} {by} for {policy!r}{why} (got capacity={capacity})"
        )
    return capacity


def _check_capacities(trace: Trace, capacities, by: str, runs: int = 1) -> np.ndarray:
    """The capacities of a curve (default :func:`capacity_grid`), each an integer >= 1, within budget.

    ``runs``: simulations per capacity (policies), for the work estimate.
    """
    if capacities is None:
        return capacity_grid(trace, by=by)
    listed = np.asarray(capacities, dtype=object)
    if listed.ndim > 1 or listed.size == 0:
        raise ValueError(f"capacities must list at least one capacity (got capacities={capacities!r})")
    budget("capacities", listed.size, "CACHING_MAX_CAPACITIES", "capacities in one curve")
    budget("capacities", listed.size * runs * len(trace), "CACHING_MAX_SIMULATED", "requests to simulate")
    return np.array([validate.integer("capacities", c, 1, 2**62) for c in listed.ravel()], dtype=np.int64)


def policy_names(policies) -> list[str]:
    """``policies`` as a list of keys of :data:`POLICIES` (None: all; one name: that one)."""
    if policies is None:
        return list(POLICIES)
    if isinstance(policies, str):
        policies = [policies]
    if not isinstance(policies, list | tuple | np.ndarray) or not len(policies):
        raise ValueError(
            f"policies must name at least one policy of {list(POLICIES)} (got policies={policies!r})"
        )
    for policy in policies:
        validate.choice("policies", policy, POLICIES)
    return list(policies)


def _arrays(trace: Trace, policy: str):
    sizes = trace.sizes if trace.has_sizes else _NO_SIZES
    future = trace.next_access if getattr(POLICIES[policy], "NEEDS_FUTURE", False) else _NO_FUTURE
    return sizes, future


def _total_bytes(trace: Trace) -> int:
    return int(trace.sizes.sum()) if trace.has_sizes else len(trace)


def simulate(
    trace: Trace,
    policy: str,
    capacity: int,
    by: str = "objects",
    seed: int | None = None,
    window: int | None = None,
) -> SimResult:
    """Run one eviction policy over a trace.

    Parameters
    ----------
    trace : Trace
        From :func:`load_trace` or a generator such as :func:`zipf`.
    policy : str
        A key of :data:`POLICIES` ("lru", "fifo", "s3fifo", "belady", ...).
    capacity : int
        Cache size in objects (``by="objects"``) or bytes (``by="bytes"``).
        S3-FIFO needs a small queue (10%, rounded down) larger than an object:
        20 by objects.
    by : {"objects", "bytes"}
        What the capacity counts.
    seed : int, optional
        For "random" only; same seed, same evictions.
    window : int, optional
        Requests per window of ``hits_per_window`` (default: the whole trace).

    Returns
    -------
    SimResult
        ``.hits``, ``.misses``, ``.miss_ratio``, ``.byte_misses``, ...

    Notes
    -----
    Reproduces the miss counts libCacheSim's tests assert on its CloudPhysics
    trace (``test/test_evictionAlgo.c``) for every deterministic policy here.
    Policies and their papers: ``policy_table()`` and each module in
    ``kit/caching/policies/``.

    References
    ----------
    Yang et al., libCacheSim, github.com/1a1a11a/libCacheSim.

    Examples
    --------
    >>> t = zipf(1000, 1.0, 50_000, seed=1)
    >>> r = simulate(t, "lru", 100)
    >>> r.hits + r.misses == len(t)
    True
    """
    trace, policy, by = _check_setup(trace, policy, by)
    capacity = _check_capacity(trace, policy, capacity, by)
    window = validate.integer("window", len(trace) if window is None else window, 1) if len(trace) else 1
    sizes, future = _arrays(trace, policy)
    kernel = POLICIES[policy].simulate
    hits, hit_bytes = kernel(trace.keys, sizes, by == "objects", capacity, future, resolve_seed(seed), window)
    return SimResult(
        policy=policy,
        capacity=capacity,
        by=by,
        requests=len(trace),
        hits=int(hits.sum()),
        bytes_requested=_total_bytes(trace),
        hit_bytes=int(hit_bytes.sum()),
        window=window,
        hits_per_window=hits,
    )


def capacity_grid(
    trace: Trace, points: int | None = None, by: str = "objects", low: float = 1e-3
) -> np.ndarray:
    """About ``points`` log-spaced capacities from a fraction ``low`` of the working set to all of it.

    Parameters
    ----------
    trace : Trace
    points : int, optional
        How many (default ``config.CACHING_CURVE_POINTS``); fewer when small
        capacities round to the same integer.
    by : {"objects", "bytes"}
        Objects: the working set is the number of distinct objects; bytes:
        their total size.
    low : float
        The smallest capacity as a fraction of the working set (0 to 1].

    Returns
    -------
    array of int
        Increasing capacities, in ``by`` units.
    """
    trace = check_trace(trace)
    by = _check_by(trace, by)
    points = config.CACHING_CURVE_POINTS if points is None else points
    points = validate.integer("points", points, 2, config.CACHING_MAX_CAPACITIES)
    low = validate.number("low", low, 1e-12, 1.0)
    top = trace.footprint_bytes if by == "bytes" else int((trace.counts > 0).sum())
    if top < 1:
        raise ValueError("trace must have requests: there is no capacity to sweep for an empty trace")
    return np.unique(np.round(np.geomspace(max(1.0, low * top), top, points)).astype(np.int64))


def _workers(workers: int | None) -> int:
    default = config.CACHING_WORKERS or threads.cores()
    return validate.integer("workers", default if workers is None else workers, 1, 1024)


def miss_ratio_curve(
    trace: Trace,
    policy: str,
    capacities=None,
    by: str = "objects",
    seed: int | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Miss ratio of one policy at many capacities, simulated in parallel over capacities.

    Parameters
    ----------
    trace : Trace
    policy : str
        A key of :data:`POLICIES`.
    capacities : array of int, optional
        Cache sizes in ``by`` units (default :func:`capacity_grid`). Those
        below a policy's minimum (S3-FIFO: 20 objects) are left out of its
        curve.
    by : {"objects", "bytes"}
    seed : int, optional
        For "random": the same seed at every capacity (common random numbers:
        a smoother curve).
    workers : int, optional
        Threads (default ``config.CACHING_WORKERS``, 0 = one per CPU); the
        kernels release the GIL, and the table is the same for any number.

    Returns
    -------
    DataFrame
        One row per capacity: ``policy, by, capacity, miss_ratio,
        byte_miss_ratio, hits, misses, byte_misses`` (ratios per request and
        per byte).

    Examples
    --------
    >>> t = zipf(1000, 0.8, 20_000, seed=2)
    >>> curve = miss_ratio_curve(t, "fifo", [10, 100, 1000])
    >>> bool(curve.miss_ratio.is_monotonic_decreasing)
    True
    """
    trace, policy, by = _check_setup(trace, policy, by)
    capacities = _check_capacities(trace, capacities, by)
    smallest, why = _smallest_capacity(trace, policy, by)
    caps = [int(c) for c in capacities if c >= smallest]  # e.g. S3-FIFO by objects: from 20
    if not caps:
        raise ValueError(
            f"capacities must include one of at least {smallest} {by} for {policy!r}{why} "
            f"(got capacities={capacities.tolist()})"
        )
    seed = resolve_seed(seed)
    sizes, future = _arrays(trace, policy)
    kernel = POLICIES[policy].simulate
    window = max(len(trace), 1)

    def one(capacity):
        hits, hit_bytes = kernel(trace.keys, sizes, by == "objects", capacity, future, seed, window)
        return int(hits.sum()), int(hit_bytes.sum())

    results = threads.map_calls(one, caps, _workers(workers))
    n, total_bytes = len(trace), _total_bytes(trace)
    hits = np.array([h for h, _ in results], dtype=np.int64)
    hit_bytes = np.array([b for _, b in results], dtype=np.int64)
    return pd.DataFrame(
        {
            "policy": policy,
            "by": by,
            "capacity": np.array(caps, dtype=np.int64),
            "miss_ratio": (n - hits) / max(n, 1),
            "byte_miss_ratio": (total_bytes - hit_bytes) / max(total_bytes, 1),
            "hits": hits,
            "misses": n - hits,
            "byte_misses": total_bytes - hit_bytes,
        }
    )


def compare(
    trace: Trace,
    capacities=None,
    policies=None,
    by: str = "objects",
    seed: int | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """:func:`miss_ratio_curve` for several policies on the same trace and capacities, stacked.

    Parameters
    ----------
    trace : Trace
    capacities : array of int, optional
        Cache sizes in ``by`` units (default :func:`capacity_grid`).
    policies : list of str, optional
        Keys of :data:`POLICIES` (default: all, in registry order).
    by : {"objects", "bytes"}
    seed : int, optional
        For "random".
    workers : int, optional
        Threads per curve.

    Returns
    -------
    DataFrame
        The curves' rows, policy after policy (columns as
        :func:`miss_ratio_curve`).
    """
    trace = check_trace(trace)
    by = _check_by(trace, by)
    policies = policy_names(policies)
    capacities = _check_capacities(trace, capacities, by, runs=len(policies))
    frames = [miss_ratio_curve(trace, p, capacities, by, seed, workers) for p in policies]
    return pd.concat(frames, ignore_index=True)


def stack_distances(trace: Trace, by: str = "objects") -> np.ndarray:
    """LRU stack distance of every request.

    Parameters
    ----------
    trace : Trace
    by : {"objects", "bytes"}
        Objects: one plus the number of distinct objects requested since the
        previous request of the same object. Bytes: the bytes of those
        objects (each at its latest request's size) plus the request's own.

    Returns
    -------
    array of int
        One per request; 0 for a first request (an infinite distance). A
        request at distance d hits in every LRU cache of capacity >= d.

    References
    ----------
    Mattson, Gecsei, Slutz & Traiger, "Evaluation techniques for storage
    hierarchies", IBM Systems Journal 9(2), 1970.
    """
    trace = check_trace(trace)
    by = _check_by(trace, by)
    sizes = trace.sizes if by == "bytes" else np.ones(len(trace), np.int64)
    return kk.stack_distances(trace.keys, sizes, trace.n_objects)


def lru_mrc(trace: Trace, by: str = "objects", capacities=None) -> pd.DataFrame:
    """Exact LRU miss-ratio curve: every capacity in one pass over the trace.

    Parameters
    ----------
    trace : Trace
    by : {"objects", "bytes"}
        With "objects" and no ``capacities`` the curve covers every capacity
        from 1 to the number of distinct objects.
    capacities : array of int, optional
        Capacities (``by`` units) at which to read the curve (default, by
        bytes: :func:`capacity_grid`).

    Returns
    -------
    DataFrame
        Columns ``capacity`` and ``miss_ratio`` (misses per request).

    Notes
    -----
    LRU has the inclusion property (Mattson et al. 1970): with a request's
    stack distance d (:func:`stack_distances`), it hits exactly in the caches
    of capacity >= d. By bytes this holds while objects keep one size (the
    function refuses a trace whose objects change size) and fit the cache: an
    object larger than a capacity is never admitted there, so it evicts
    nothing. Each capacity below the largest object gets one more pass, over
    the requests of the objects it can hold. It equals :func:`simulate` with
    "lru" at every capacity.

    References
    ----------
    Mattson, Gecsei, Slutz & Traiger, "Evaluation techniques for storage
    hierarchies", IBM Systems Journal 9(2), 1970.

    Examples
    --------
    >>> t = zipf(500, 0.9, 10_000, seed=3)
    >>> curve = lru_mrc(t)
    >>> bool(curve.miss_ratio.iloc[99] == simulate(t, "lru", 100).miss_ratio)
    True
    """
    trace = check_trace(trace)
    by = _check_by(trace, by)
    n = len(trace)
    if n == 0:
        return pd.DataFrame({"capacity": np.empty(0, np.int64), "miss_ratio": np.empty(0)})
    if by == "objects" and capacities is None:
        distances = stack_distances(trace)
        distinct = max(int(np.count_nonzero(distances == 0)), 1)  # every object's first request
        hits = np.cumsum(np.bincount(distances, minlength=distinct + 1)[1:])
        return pd.DataFrame({"capacity": np.arange(1, hits.size + 1), "miss_ratio": (n - hits) / n})
    caps = _check_capacities(trace, capacities, by)
    hits = _lru_hits(trace, by, caps)
    return pd.DataFrame({"capacity": caps, "miss_ratio": (n - hits) / n})


def _lru_hits(trace: Trace, by: str, caps: np.ndarray) -> np.ndarray:
    """LRU hits at each capacity from stack distances, one pass per set of objects too large to cache."""
    if by == "objects":
        distances = stack_distances(trace)
        return np.searchsorted(np.sort(distances[distances > 0]), caps, side="right")
    size = trace.object_sizes()
    changed = int(np.count_nonzero(trace.sizes != size[trace.keys]))
    if changed:
        raise ValueError(
            f"trace must keep one size per object for lru_mrc by bytes ({changed:,} requests of "
            f"{trace.name!r} change an object's size): use miss_ratio_curve(trace, 'lru', by='bytes')"
        )
    sorted_sizes = np.sort(size[trace.counts > 0])
    too_large = sorted_sizes.size - np.searchsorted(sorted_sizes, caps, side="right")  # objects > capacity
    passes = np.unique(too_large)
    budget("capacities", passes.size * len(trace), "CACHING_MAX_SIMULATED", "requests to simulate")
    hits = np.zeros(caps.size, np.int64)
    for excluded in passes:
        fits = size[trace.keys] <= (sorted_sizes[-excluded - 1] if excluded < sorted_sizes.size else -1)
        keys, sizes = trace.keys[fits], trace.sizes[fits]
        distances = kk.stack_distances(keys, sizes, trace.n_objects)
        reused = np.sort(distances[distances > 0])
        here = too_large == excluded
        hits[here] = np.searchsorted(reused, caps[here], side="right")
    return hits
