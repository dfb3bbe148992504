"""04 caching: the public API in one place.

- traces: :func:`load_trace`, :func:`save_trace`, generators (:func:`zipf`,
  :func:`scan`, :func:`loop`, :func:`shifting_hot_set`, :func:`mix`,
  :func:`with_sizes`, :func:`sample_requests`) -> :class:`Trace`;
- eviction: :data:`POLICIES`, :func:`simulate`, :func:`miss_ratio_curve`,
  :func:`compare`, :func:`lru_mrc`, :func:`stack_distances`;
- theory: :func:`che_lru`, :func:`che_fifo`, :func:`characteristic_time`;
- write paths, TTL, invalidation: :func:`serve` (:class:`ServeSettings`),
  :func:`ttl_sweep`, :func:`strategy_table`;
- stampedes: :func:`stampede` (:class:`StampedeSettings`); tiers: :func:`tiers`
  (:class:`TierSettings`).

Every function checks its arguments and its expected work against the
``CACHING_MAX_*`` limits of ``kit.config`` before starting, and refuses with a
message naming the parameter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import threads, validate
from ..core.rng import Constant, derive_seed, resolve_seed
from . import _kernels as kk
from ._checks import budget, expected_requests, positive_array
from .eviction import (
    BY,
    SimResult,
    capacity_grid,
    compare,
    lru_mrc,
    miss_ratio_curve,
    policy_names,
    simulate,
    stack_distances,
)
from .paths import (
    INVALIDATIONS,
    STRATEGIES,
    ServeResult,
    ServeSettings,
    latency,
    resolve_serve,
    serve,
    ttl_hit_ratio,
    ttl_stale_fraction,
)
from .policies import POLICIES
from .stampede import (
    PROTECTIONS,
    StampedeResult,
    StampedeSettings,
    herd_size,
    stampede,
    xfetch_expiry_probability,
)
from .theory import characteristic_time, che_curves, che_fifo, che_lru
from .tiers import ROUTING, TierResult, TierSettings, tiers
from .traces import (
    WORKLOADS,
    Trace,
    check_trace,
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
    """One row per registered policy, in registry order.

    Returns
    -------
    DataFrame
        Columns ``policy`` (its key), ``label``, ``idea`` (the first paragraph
        of its module's docstring), ``source`` (papers and the libCacheSim file
        it follows) and ``offline`` (it needs the future: recorded traces only).
    """
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


def _sweep_budget(name: str, runs: int, strategy: str, overrides: dict) -> None:
    """Refuse a sweep whose runs together would simulate more than ``config.CACHING_MAX_SWEEP_REQUESTS``."""
    s = resolve_serve(ServeSettings(**{k: v for k, v in overrides.items() if k != "ttl_s"}), strategy)
    per_run = expected_requests(s.read_rate + s.write_rate, s.duration_s)
    budget(name, runs * per_run, "CACHING_MAX_SWEEP_REQUESTS", f"requests over {runs} runs")


def ttl_sweep(
    ttls, strategy: str = "write-around", invalidation: str = "ttl", seed: int | None = None, **overrides
) -> pd.DataFrame:
    """:func:`serve` at each TTL: one row per TTL with the measured quantities.

    Parameters
    ----------
    ttls : array of float
        TTLs in seconds (> 0, ``inf`` allowed).
    strategy, invalidation : str
        As :func:`serve`.
    seed : int, optional
        Each run gets its own seed derived from it.
    **overrides
        Settings of :class:`ServeSettings` for every run (e.g. ``write_rate``).

    Returns
    -------
    DataFrame
        Column ``ttl_s`` and the keys of :meth:`ServeResult.summary`.

    Examples
    --------
    >>> table = ttl_sweep([1, 10, 100], duration_s=4, warmup_s=1, seed=1)
    >>> bool(table.stale_fraction.is_monotonic_increasing)
    True
    """
    listed = positive_array("ttls", ttls, allow_inf=True).ravel()
    if listed.size == 0:
        raise ValueError(f"ttls must list at least one TTL in seconds (got ttls={ttls!r})")
    strategy = validate.choice("strategy", strategy, STRATEGIES)
    _sweep_budget("ttls", listed.size, strategy, overrides)
    base = resolve_seed(seed)
    rows = []
    for j, ttl in enumerate(listed):
        result = serve(strategy, invalidation, seed=derive_seed(base, j), ttl_s=ttl, **overrides)
        rows.append({"ttl_s": float(ttl), **result.summary()})
    return pd.DataFrame(rows)


def strategy_table(invalidation: str = "delete", seed: int | None = None, **overrides) -> pd.DataFrame:
    """:func:`serve` for every write strategy on the same seed: one row each.

    Parameters
    ----------
    invalidation : str
        A key of :data:`INVALIDATIONS`; applies to cache-aside and read-through.
    seed : int, optional
        The same for every strategy.
    **overrides
        Settings of :class:`ServeSettings` for every run.

    Returns
    -------
    DataFrame
        Column ``strategy`` and the keys of :meth:`ServeResult.summary`.
    """
    without_crash = {k: v for k, v in overrides.items() if k != "crash_at_s"}
    _sweep_budget("duration_s", len(STRATEGIES), "write-behind", without_crash)
    results = threads.map_calls(lambda s: serve(s, invalidation, seed=seed, **overrides), STRATEGIES)
    return pd.DataFrame([{"strategy": s, **r.summary()} for s, r in zip(STRATEGIES, results, strict=True)])


def policy_race(
    trace: Trace,
    capacity: int,
    policies=None,
    windows: int = 40,
    by: str = "objects",
    seed: int | None = None,
) -> dict:
    """Policies on one trace at one capacity, with the hit ratio per window of requests.

    Parameters
    ----------
    trace : Trace
    capacity : int
        Cache size in ``by`` units.
    policies : list of str, optional
        Keys of :data:`POLICIES` (default: all).
    windows : int
        Windows the trace is cut into (hit ratio over time).
    by : {"objects", "bytes"}
    seed : int, optional
        For "random".

    Returns
    -------
    dict
        ``{policy: SimResult}`` with ``windows`` windows each.
    """
    trace = check_trace(trace)
    windows = validate.integer("windows", windows, 1, 100_000)
    names = policy_names(policies)
    budget("policies", len(names) * len(trace), "CACHING_MAX_SIMULATED", "requests to simulate")
    window = max(1, -(-len(trace) // windows))

    def one(policy):
        return simulate(trace, policy, capacity, by=by, seed=seed, window=window)

    results = threads.map_calls(one, names)
    return dict(zip(names, results, strict=True))


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types.

    Returns
    -------
    None
    """
    trace = zipf(50, 0.9, 400, seed=0)
    sized = with_sizes(trace, Constant(2.0), seed=0)
    for policy in POLICIES:
        simulate(trace, policy, 40)
        simulate(sized, policy, 60, by="bytes")
    lru_mrc(trace)
    lru_mrc(sized, by="bytes")
    che_curves(trace.popularity, capacity_grid(trace, 4))
    kk.dense_ids(np.array([3, -1, 2**40], np.int64))  # the hashed path
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
    "ServeSettings",
    "SimResult",
    "StampedeResult",
    "StampedeSettings",
    "TierResult",
    "TierSettings",
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
