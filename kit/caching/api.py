"""04 caching: the public API in one place.

- traces: :func:`load_trace`, :func:`save_trace`, generators (:func:`zipf`,
  :func:`scan`, :func:`loop`, :func:`shifting_hot_set`, :func:`mix`,
  :func:`with_sizes`, :func:`sample_requests`) -> :class:`Trace`;
- eviction: :data:`POLICIES`, :func:`simulate`, :func:`miss_ratio_curve`,
  :func:`compare`, :func:`lru_mrc`, :func:`stack_distances`;
- theory: :func:`che_lru`, :func:`che_fifo`, :func:`characteristic_time`;
- write paths, TTL, invalidation: :func:`serve`, :func:`ttl_sweep`;
- stampedes: :func:`stampede`; tiers: :func:`tiers`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import validate
from ..core.rng import Constant, derive_seed, resolve_seed
from . import _kernels
from .eviction import (
    BY,
    SimResult,
    capacity_grid,
    compare,
    lru_mrc,
    miss_ratio_curve,
    simulate,
    stack_distances,
)
from .paths import (
    INVALIDATIONS,
    STRATEGIES,
    ServeResult,
    latency,
    serve,
    ttl_hit_ratio,
    ttl_stale_fraction,
)
from .policies import POLICIES
from .stampede import PROTECTIONS, StampedeResult, herd_size, stampede, xfetch_expiry_probability
from .theory import characteristic_time, che_curves, che_fifo, che_lru
from .tiers import ROUTING, TierResult, tiers
from .traces import (
    WORKLOADS,
    Trace,
    load_trace,
    loop,
    mix,
    sample_requests,
    save_trace,
    scan,
    shifting_hot_set,
    with_sizes,
    workload,
    zipf,
)


def policy_table() -> pd.DataFrame:
    """One row per registered policy: its name, label, one-line description and sources."""
    rows = []
    for name, module in POLICIES.items():
        rows.append(
            {
                "policy": name,
                "label": module.LABEL,
                "idea": " ".join(module.__doc__.split("\n\n")[0].split()),
                "source": module.SOURCE,
                "offline": getattr(module, "NEEDS_FUTURE", False),
            }
        )
    return pd.DataFrame(rows)


def ttl_sweep(
    ttls, strategy: str = "write-around", invalidation: str = "ttl", seed=None, **kwargs
) -> pd.DataFrame:
    """:func:`serve` at each TTL in ``ttls``: one row per TTL with the measured quantities.

    Each run gets its own seed derived from ``seed``. Extra keyword
    arguments go to :func:`serve` (e.g. ``write_rate``).

    Example
    -------
    >>> table = ttl_sweep([1, 10, 100], duration_s=4, warmup_s=1, seed=1)
    >>> bool(table.stale_fraction.is_monotonic_increasing)
    True
    """
    ttls = np.atleast_1d(np.asarray(ttls, dtype=float))
    if ttls.size == 0:
        raise ValueError("ttls must list at least one TTL in seconds")
    base = resolve_seed(seed)
    rows = []
    for j, ttl in enumerate(ttls):
        result = serve(strategy, invalidation, ttl_s=float(ttl), seed=derive_seed(base, j), **kwargs)
        rows.append({"ttl_s": float(ttl), **result.summary()})
    return pd.DataFrame(rows)


def strategy_table(invalidation: str = "delete", seed=None, **kwargs) -> pd.DataFrame:
    """:func:`serve` for every write strategy (same seed): one row each with the measured quantities.

    ``invalidation`` applies to cache-aside and read-through; extra keyword
    arguments go to :func:`serve`.
    """
    rows = []
    for strategy in STRATEGIES:
        result = serve(strategy, invalidation, seed=seed, **kwargs)
        rows.append({"strategy": strategy, **result.summary()})
    return pd.DataFrame(rows)


def policy_race(
    trace: Trace, capacity: int, policies=None, windows: int = 40, by: str = "objects", seed=None
) -> dict:
    """Every policy in ``policies`` (default all) on one trace at one capacity, hit ratio per window.

    Returns ``{policy: SimResult}`` with ``windows`` windows each.
    """
    windows = validate.integer("windows", windows, 1, 100_000)
    window = max(1, -(-len(trace) // windows))
    names = list(POLICIES) if policies is None else list(policies)
    return {p: simulate(trace, p, capacity, by=by, seed=seed, window=window) for p in names}


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types."""
    trace = zipf(50, 0.9, 400, seed=0)
    sized = with_sizes(trace, Constant(2.0), seed=0)
    for policy in POLICIES:
        simulate(trace, policy, 40)
        simulate(sized, policy, 60, by="bytes")
    lru_mrc(trace)
    lru_mrc(sized, by="bytes")
    che_curves(trace.popularity, capacity_grid(trace, 4))
    _kernels.dense_ids(np.array([3, -1, 2**40], np.int64))  # the hashed path
    Trace.from_keys(np.array(["a", "b"]))
    for strategy in STRATEGIES:
        serve(strategy, duration_s=0.05, warmup_s=0.0, seed=0)
    for protection in PROTECTIONS:
        stampede(protection, duration_s=0.05, seed=0)
    tiers(duration_s=0.05, warmup_s=0.0, seed=0)


__all__ = [
    "BY",
    "INVALIDATIONS",
    "POLICIES",
    "PROTECTIONS",
    "ROUTING",
    "STRATEGIES",
    "WORKLOADS",
    "ServeResult",
    "SimResult",
    "StampedeResult",
    "TierResult",
    "Trace",
    "capacity_grid",
    "characteristic_time",
    "che_curves",
    "che_fifo",
    "che_lru",
    "compare",
    "herd_size",
    "latency",
    "load_trace",
    "loop",
    "lru_mrc",
    "miss_ratio_curve",
    "mix",
    "policy_race",
    "policy_table",
    "sample_requests",
    "save_trace",
    "scan",
    "serve",
    "shifting_hot_set",
    "simulate",
    "stack_distances",
    "stampede",
    "strategy_table",
    "tiers",
    "ttl_hit_ratio",
    "ttl_stale_fraction",
    "ttl_sweep",
    "warm",
    "with_sizes",
    "workload",
    "xfetch_expiry_probability",
    "zipf",
]
