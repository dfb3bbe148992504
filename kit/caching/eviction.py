"""Eviction policies on a trace: one simulation, curves over many capacities, exact LRU curves.

Semantics are libCacheSim's (Yang et al., github.com/1a1a11a/libCacheSim,
``cache_get_base``), so the numbers its tests assert come out exactly: a hit
changes only the policy's metadata and the stored size stays that of the
request that admitted the object; a miss admits the object unless it is
larger than the whole cache, evicting until it fits. Capacity counts
objects (``by="objects"``, every object counts 1) or bytes (``by="bytes"``).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import resolve_seed
from . import _kernels
from .policies import POLICIES
from .traces import Trace

BY = ("objects", "bytes")
_NO_FUTURE = np.empty(0, np.int64)  # next access, for policies that do not look ahead
_NO_SIZES = np.empty(0, np.int64)  # a trace without sizes: every request is 1 byte


@dataclass(frozen=True)
class SimResult:
    """What one policy at one capacity did on one trace.

    ``hits_per_window[k]`` counts hits among requests ``k*window .. (k+1)*window-1``
    (a single window unless asked), for hit ratio over time. Bytes are the
    trace's sizes whatever the capacity counts; a trace without sizes counts
    every request as 1 byte, so ``byte_misses == misses``.
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
        return self.requests - self.hits

    @property
    def miss_ratio(self) -> float:
        return self.misses / self.requests if self.requests else 0.0

    @property
    def hit_ratio(self) -> float:
        return 1.0 - self.miss_ratio if self.requests else 0.0

    @property
    def byte_misses(self) -> int:
        return self.bytes_requested - self.hit_bytes

    @property
    def byte_miss_ratio(self) -> float:
        return self.byte_misses / self.bytes_requested if self.bytes_requested else 0.0

    def over_time(self) -> pd.DataFrame:
        """Hit ratio per window: columns ``request`` (end of the window) and ``hit_ratio``."""
        ends = np.minimum(np.arange(1, self.hits_per_window.size + 1) * self.window, self.requests)
        lengths = np.diff(np.concatenate([[0], ends]))
        return pd.DataFrame({"request": ends, "hit_ratio": self.hits_per_window / np.maximum(lengths, 1)})


def _check_trace(trace) -> Trace:
    if not isinstance(trace, Trace):
        raise ValueError(
            f"trace must be a kit.caching Trace, e.g. from load_trace() or zipf() (got {trace!r})"
        )
    return trace


def _check_setup(trace, policy: str, by: str) -> tuple[Trace, str, str]:
    trace = _check_trace(trace)
    policy = validate.choice("policy", policy, POLICIES)
    by = validate.choice("by", by, BY)
    if by == "bytes" and not trace.has_sizes:
        raise ValueError(f"by='bytes' needs object sizes, and {trace.name!r} has none: use by='objects'")
    return trace, policy, by


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
        A key of :data:`POLICIES`: "lru", "fifo", "random", "lfu", "clock",
        "sieve", "s3fifo", "arc", "belady".
    capacity : int
        Cache size in objects (``by="objects"``) or bytes (``by="bytes"``).
        S3-FIFO needs at least 10, so that its small queue holds something.
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
    Policies and their papers: see each module in ``kit/caching/policies/``.

    Example
    -------
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
    """About ``points`` log-spaced capacities from ``low`` of the working set to all of it."""
    trace = _check_trace(trace)
    by = validate.choice("by", by, BY)
    points = validate.integer("points", config.CACHING_CURVE_POINTS if points is None else points, 2, 10_000)
    top = trace.footprint_bytes if by == "bytes" else int((trace.counts > 0).sum())
    if top < 1:
        raise ValueError("the trace is empty: there is no capacity to sweep")
    grid = np.unique(np.round(np.geomspace(max(1.0, low * top), top, points)).astype(np.int64))
    return grid


def _workers(workers: int | None) -> int:
    default = config.CACHING_WORKERS or os.cpu_count() or 1
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

    Each capacity is an independent simulation; they run on ``workers``
    threads (the kernels release the GIL), so the table is the same for any
    number of workers. "random" uses the same seed at every capacity (common
    random numbers: a smoother curve). Capacities below a policy's minimum
    (S3-FIFO: 10) are left out of its curve.

    Returns a DataFrame with columns ``policy, by, capacity, miss_ratio,
    byte_miss_ratio, hits, misses, byte_misses``.

    Example
    -------
    >>> t = zipf(1000, 0.8, 20_000, seed=2)
    >>> curve = miss_ratio_curve(t, "fifo", [10, 100, 1000])
    >>> bool(curve.miss_ratio.is_monotonic_decreasing)
    True
    """
    trace, policy, by = _check_setup(trace, policy, by)
    capacities = capacity_grid(trace, by=by) if capacities is None else np.atleast_1d(capacities)
    caps = [validate.integer("capacity", c, 1, 2**62) for c in capacities]
    smallest, why = _smallest_capacity(trace, policy, by)
    caps = [c for c in caps if c >= smallest]  # e.g. S3-FIFO by objects needs 20: its curve starts there
    if not caps:
        listed = [int(c) for c in capacities]
        raise ValueError(
            f"capacities must include one of at least {smallest} {by} for {policy!r}{why} "
            f"(got capacities={listed})"
        )
    seed = resolve_seed(seed)
    sizes, future = _arrays(trace, policy)
    kernel = POLICIES[policy].simulate
    window = max(len(trace), 1)

    def one(capacity):
        hits, hit_bytes = kernel(trace.keys, sizes, by == "objects", capacity, future, seed, window)
        return int(hits.sum()), int(hit_bytes.sum())

    with ThreadPoolExecutor(max_workers=min(_workers(workers), max(len(caps), 1))) as pool:
        results = list(pool.map(one, caps))
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
    """:func:`miss_ratio_curve` for several policies (default: all of :data:`POLICIES`), stacked."""
    policies = list(POLICIES) if policies is None else list(policies)
    if not policies:
        raise ValueError("policies must name at least one policy")
    capacities = capacity_grid(trace, by=by) if capacities is None else capacities
    frames = [miss_ratio_curve(trace, p, capacities, by, seed, workers) for p in policies]
    return pd.concat(frames, ignore_index=True)


def stack_distances(trace: Trace, by: str = "objects") -> np.ndarray:
    """LRU stack distance of every request (0 for a first request, which misses at any size).

    A request with distance d hits in every LRU cache of capacity >= d
    (Mattson et al. 1970); with ``by="bytes"``, d counts the bytes of the
    distinct objects requested since, plus the object's own.
    """
    trace = _check_trace(trace)
    by = validate.choice("by", by, BY)
    if by == "bytes" and not trace.has_sizes:
        raise ValueError(f"by='bytes' needs object sizes, and {trace.name!r} has none: use by='objects'")
    sizes = trace.sizes if by == "bytes" else np.ones(len(trace), np.int64)
    return _kernels.stack_distances(trace.keys, sizes, trace.n_objects)


def lru_mrc(trace: Trace, by: str = "objects", capacities=None) -> pd.DataFrame:
    """Exact LRU miss-ratio curve for every capacity, in one pass over the trace.

    Parameters
    ----------
    trace : Trace
    by : {"objects", "bytes"}
        With "objects" the curve covers every capacity from 1 to the number
        of distinct objects. With "bytes" it is evaluated at ``capacities``
        (default :func:`capacity_grid`).
    capacities : array of int, optional
        Capacities at which to read the curve.

    Returns
    -------
    DataFrame with columns ``capacity`` and ``miss_ratio``.

    Notes
    -----
    Mattson, Gecsei, Slutz & Traiger, "Evaluation techniques for storage
    hierarchies", IBM Systems Journal 9(2), 1970: LRU has the inclusion
    property, so one pass computing each request's stack distance (here with
    a Fenwick tree, O(log n) per request) gives the hits at every size. It
    equals :func:`simulate` with "lru" at every capacity by objects; by bytes
    it is exact while no object is larger than the cache or changes size.

    Example
    -------
    >>> t = zipf(500, 0.9, 10_000, seed=3)
    >>> curve = lru_mrc(t)
    >>> bool(curve.miss_ratio.iloc[99] == simulate(t, "lru", 100).miss_ratio)
    True
    """
    distances = stack_distances(trace, by)
    if len(trace) == 0:
        return pd.DataFrame({"capacity": np.empty(0, np.int64), "miss_ratio": np.empty(0)})
    n = len(trace)
    if by == "objects" and capacities is None:
        distinct = max(int(np.count_nonzero(distances == 0)), 1)  # every object's first request
        hits = np.cumsum(np.bincount(distances, minlength=distinct + 1)[1:])
        return pd.DataFrame({"capacity": np.arange(1, hits.size + 1), "miss_ratio": (n - hits) / n})
    capacities = capacity_grid(trace, by=by) if capacities is None else np.atleast_1d(capacities)
    caps = np.array([validate.integer("capacity", c, 1) for c in capacities], dtype=np.int64)
    reused = np.sort(distances[distances > 0])
    hits = np.searchsorted(reused, caps, side="right")
    return pd.DataFrame({"capacity": caps, "miss_ratio": (n - hits) / n})
