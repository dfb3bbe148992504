"""Read replicas and where sessions live: what scaling reads out costs in staleness.

:func:`read_replicas` simulates a primary with k asynchronous replicas (the
kernel applies the log in commit order, as MySQL and PostgreSQL replicas
do): the probability that a read sees stale data, that a user misses their
own write, and what read-your-writes routing (a user's reads go to the
primary for a window after they write) costs the primary.
:func:`read_capacity` is the read throughput the nodes can carry.

:func:`session_failover` is the other half of "stateless services": when a
node fails, which users lose the session it held in memory.

Closed forms for checks, with Poisson writes at rate w, key popularity p_x
and a constant lag L (each write is then applied exactly L after it commits):
a read of key x is stale when some write to x committed in the last L, so
P(stale) = sum_x p_x (1 - exp(-w p_x L)) (an M/G/inf count of writes in
flight); a writer who reads back after a gap G misses their write when
window <= G < L.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config, sharding
from ..core import validate
from ..core.rng import Dist, Exponential, LogNormal, resolve_seed, zipf_pmf
from . import _inputs
from . import _replica_kernels as kk

MS = 1000.0
PLACEMENTS = {
    "sticky_cookie": "in memory, sticky by a cookie naming the node",
    "sticky_hash_mod_n": "in memory, sticky by hash(user) mod N",
    "sticky_consistent_hash": "in memory, sticky by consistent hashing",
    "shared_store": "in a shared store (Redis, a database): any node serves any user",
}
"""Where a web tier keeps sessions, by name."""


def _dist(name: str, value, default_ms: float) -> Dist:
    if value is None:
        return Exponential(default_ms)
    if isinstance(value, Dist):
        return value
    return Exponential(validate.positive(name, value))


@dataclass(frozen=True)
class ReplicaResult:
    """Read staleness with k asynchronous replicas.

    Attributes
    ----------
    replicas : int
        k.
    window_ms : float
        Read-your-writes window (0: none).
    reads : int
        Popular reads counted.
    stale : float
        Share of them that returned stale data.
    own_reads : int
        Writers' read-backs counted.
    own_missed : float
        Share of read-backs that missed the writer's own write.
    primary_share : float
        Share of all reads served by the primary (read-your-writes routing).
    read_capacity : float
        Reads per second the nodes carry (:func:`read_capacity`).
    """

    replicas: int
    window_ms: float
    reads: int
    stale: float
    own_reads: int
    own_missed: float
    primary_share: float
    read_capacity: float

    def se(self, measure: str) -> float:
        """Binomial standard error of ``stale`` or ``own_missed``."""
        validate.choice("measure", measure, ("stale", "own_missed"))
        p, n = (self.stale, self.reads) if measure == "stale" else (self.own_missed, self.own_reads)
        return math.sqrt(p * (1.0 - p) / n) if n else math.nan


def read_capacity(replicas: int, node_ops: float, write_rate: float, primary_share: float = 0.0) -> float:
    """Reads per second a primary and k replicas carry, each node serving ``node_ops`` operations/s.

    Every node spends ``write_rate`` on writes (the primary commits them, replicas
    apply them); reads go to the replicas, except a ``primary_share`` sent to the
    primary. The busiest node limits: R = (node_ops - w) x min(1 / share,
    k / (1 - share)), and (node_ops - w) with no replica.

    Parameters
    ----------
    replicas : int
        k, at least 0.
    node_ops : float
        Operations per second one node serves.
    write_rate : float
        Writes per second.
    primary_share : float
        Share of reads the primary serves, in [0, 1].

    Returns
    -------
    float
        Reads per second (0 when writes alone fill a node).

    Examples
    --------
    >>> read_capacity(3, 10_000.0, 1_000.0)
    27000.0
    """
    k = validate.integer("replicas", replicas, 0, 10_000)
    ops = validate.positive("node_ops", node_ops)
    w = validate.number("write_rate", write_rate, 0.0)
    share = validate.probability("primary_share", primary_share)
    free = max(ops - w, 0.0)
    if k == 0:
        return free
    limits = [k / (1.0 - share) if share < 1.0 else math.inf, 1.0 / share if share > 0.0 else math.inf]
    return free * min(limits)


def read_replicas(
    replicas: int | None = None,
    lag_ms=None,
    window_ms: float | None = None,
    write_rate: float | None = None,
    read_rate: float | None = None,
    gap_ms=None,
    zipf_alpha: float | None = None,
    duration_s: float | None = None,
    seed: int | None = None,
) -> ReplicaResult:
    """Simulate reads against a primary and k asynchronous replicas.

    Parameters
    ----------
    replicas : int, optional
        k, 0 to 1,000 (default ``config.SCALING_REPLICAS``).
    lag_ms : float or Dist, optional
        Replication lag of each write to each replica, ms: a Dist, or a number for an
        exponential with that mean (default: log-normal, median ``config.SCALING_LAG_MEDIAN_MS``,
        sigma ``config.SCALING_LAG_SIGMA``).
    window_ms : float, optional
        Read-your-writes: a writer's read-back within this long of the write goes to the
        primary (default ``config.SCALING_RYW_WINDOW_MS``: none).
    write_rate : float, optional
        Writes per second (default ``config.SCALING_WRITE_RATE``).
    read_rate : float, optional
        Popular reads per second (default ``config.SCALING_READ_RATE``).
    gap_ms : float or Dist, optional
        Time from a write to its writer's read-back, ms (default: exponential with mean
        ``config.SCALING_GAP_MS``).
    zipf_alpha : float, optional
        Popularity skew of the ``config.SCALING_KEYS`` keys, for reads and writes alike
        (default ``config.SCALING_ZIPF_ALPHA``).
    duration_s : float, optional
        Simulated seconds (default ``config.SCALING_REPLICA_SECONDS``; the first 10% are
        not counted).
    seed : int, optional

    Returns
    -------
    ReplicaResult
        ``.stale``, ``.own_missed``, ``.primary_share``, ``.read_capacity``, ``.se(measure)``.

    Examples
    --------
    >>> r = read_replicas(2, lag_ms=50.0, window_ms=1000.0, seed=1)
    >>> r.own_missed < 0.01 < r.primary_share
    True
    """
    k = validate.integer("replicas", config.SCALING_REPLICAS if replicas is None else replicas, 0, 1000)
    lag = (
        LogNormal.from_median(config.SCALING_LAG_MEDIAN_MS, config.SCALING_LAG_SIGMA)
        if lag_ms is None
        else _dist("lag_ms", lag_ms, 0.0)
    )
    gap = _dist("gap_ms", gap_ms, config.SCALING_GAP_MS)
    window = validate.number(
        "window_ms", config.SCALING_RYW_WINDOW_MS if window_ms is None else window_ms, 0.0
    )
    w = validate.number("write_rate", config.SCALING_WRITE_RATE if write_rate is None else write_rate, 0.0)
    r = validate.number("read_rate", config.SCALING_READ_RATE if read_rate is None else read_rate, 0.0)
    alpha = validate.number(
        "zipf_alpha", config.SCALING_ZIPF_ALPHA if zipf_alpha is None else zipf_alpha, 0.0, 5.0
    )
    duration = validate.positive(
        "duration_s", config.SCALING_REPLICA_SECONDS if duration_s is None else duration_s
    )
    ops = duration * (w * (k + 2) + r)
    if ops > config.SCALING_MAX_REPLICA_OPS:
        raise ValueError(
            f"duration_s x (write_rate x (replicas + 2) + read_rate) = {ops:.3g} operations, more than "
            f"SCALING_MAX_REPLICA_OPS={config.SCALING_MAX_REPLICA_OPS:,} (got duration_s={duration:g})"
        )
    key_cdf = np.cumsum(zipf_pmf(config.SCALING_KEYS, alpha))
    run = kk.Run(k, w, r, 1.0 / MS, window / MS, duration, 0.1 * duration)
    c = kk.replicate(run, key_cdf, lag.spec, gap.spec, resolve_seed(seed))
    reads, own = int(c[kk.ANY_READS]), int(c[kk.OWN_READS])
    share = c[kk.OWN_PRIMARY] / (reads + own) if reads + own else 0.0
    if k == 0:
        share = 1.0
    return ReplicaResult(
        replicas=k,
        window_ms=window,
        reads=reads,
        stale=float(c[kk.ANY_STALE] / reads) if reads else math.nan,
        own_reads=own,
        own_missed=float(c[kk.OWN_MISSED] / own) if own else math.nan,
        primary_share=float(share),
        read_capacity=read_capacity(k, config.SCALING_NODE_OPS, w, share),
    )


def stale_theory(lag_ms: float, write_rate: float, zipf_alpha: float | None = None) -> float:
    """P(a read is stale) for a constant lag: sum_x p_x (1 - exp(-w p_x L)).

    Parameters
    ----------
    lag_ms : float
        The constant replication lag L, ms.
    write_rate : float
        Writes per second w, spread over keys by the same popularity as reads.
    zipf_alpha : float, optional
        Skew of the ``config.SCALING_KEYS`` keys (default ``config.SCALING_ZIPF_ALPHA``).

    Returns
    -------
    float
        The probability.

    Examples
    --------
    >>> round(stale_theory(10.0, 100.0, 0.0), 6)  # uniform keys: 1 - exp(-w L / K)
    0.0001
    """
    lag = validate.number("lag_ms", lag_ms, 0.0) / MS
    w = validate.number("write_rate", write_rate, 0.0)
    alpha = validate.number(
        "zipf_alpha", config.SCALING_ZIPF_ALPHA if zipf_alpha is None else zipf_alpha, 0.0, 5.0
    )
    p = zipf_pmf(config.SCALING_KEYS, alpha)
    return float(np.sum(p * -np.expm1(-w * p * lag)))


def _finite(*values) -> bool:
    """Numbers to estimate work with; anything else is left for read_replicas to refuse by name."""
    return all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values)


def replica_sweep(replicas, windows_ms=(0.0,), seed: int | None = None, **options) -> pd.DataFrame:
    """:func:`read_replicas` over replica counts and read-your-writes windows.

    Parameters
    ----------
    replicas : array of int
        Replica counts k.
    windows_ms : array of float
        Read-your-writes windows.
    seed : int, optional
    **options
        ``lag_ms``, ``write_rate``, ``read_rate``, ``gap_ms``, ``zipf_alpha``, ``duration_s``.

    Returns
    -------
    pandas.DataFrame
        One row per (replicas, window_ms): ``stale``, ``own_missed``, ``primary_share``,
        ``read_capacity``.

    Examples
    --------
    >>> t = replica_sweep([1, 4], duration_s=2.0, seed=1)
    >>> t.read_capacity.tolist()
    [9800.0, 39200.0]
    """
    ks = _inputs.integers("replicas", replicas, 0, 1000)
    ws = _inputs.numbers("windows_ms", windows_ms, 0.0, 1e9)
    duration = options.get("duration_s", config.SCALING_REPLICA_SECONDS)
    w = options.get("write_rate", config.SCALING_WRITE_RATE)
    r = options.get("read_rate", config.SCALING_READ_RATE)
    ops = sum(duration * (w * (int(k) + 2) + r) for k in ks) * ws.size if _finite(duration, w, r) else 0.0
    if ops > config.SCALING_MAX_SWEEP_REPLICA_OPS:
        raise ValueError(
            f"replicas x windows_ms: about {ops:.3g} operations over every run, more than "
            f"SCALING_MAX_SWEEP_REPLICA_OPS={config.SCALING_MAX_SWEEP_REPLICA_OPS:,}"
        )
    if ks.size * ws.size > 1000:
        raise ValueError(f"replicas x windows_ms must hold 1 to 1000 runs (got {ks.size} x {ws.size})")
    rows = []
    for k in ks:
        for w in ws:
            r = read_replicas(int(k), window_ms=float(w), seed=seed, **options)
            rows.append(
                {
                    "replicas": r.replicas,
                    "window_ms": r.window_ms,
                    "stale": r.stale,
                    "own_missed": r.own_missed,
                    "primary_share": r.primary_share,
                    "read_capacity": r.read_capacity,
                }
            )
    return pd.DataFrame(rows)


def session_failover(nodes: int, sessions: int = 100_000, seed: int | None = None) -> pd.DataFrame:
    """What one node's failure does to users' sessions, for each place sessions live.

    Parameters
    ----------
    nodes : int
        Web nodes N before the failure, at least 2.
    sessions : int
        Active sessions (users).
    seed : int, optional
        Placement of cookie-sticky sessions (least-loaded at login: uniform).

    Returns
    -------
    pandas.DataFrame
        One row per :data:`PLACEMENTS` entry: ``lost`` (share of sessions lost: the user is
        logged out, their cart is gone), ``theory``, ``extra_ms`` (latency a request pays
        to read its session).

    Notes
    -----
    A node's in-memory sessions die with it. Hash-sticky routing also sends the users
    of *surviving* nodes elsewhere when N changes: with hash mod N almost all of them
    ((N - 1)/N of the rest), with consistent hashing none (the failed node's arc goes to
    its neighbours; ``theory`` is that arc's share of the ring). A shared store loses
    nothing but adds a round trip to every request (``config.SCALING_SESSION_STORE_MS``)
    and is a dependency of its own.

    Examples
    --------
    >>> t = session_failover(4, 40_000, seed=1).set_index("placement")
    >>> round(float(t.lost["sticky_hash_mod_n"]), 2), float(t.lost["shared_store"])
    (0.75, 0.0)
    """
    n = validate.integer("nodes", nodes, 2, 10_000)
    m = validate.integer("sessions", sessions, 1, 10_000_000)
    users = np.arange(m)
    failed = n - 1  # the node that fails (hash schemes can only lose the last one without renumbering)
    rng = np.random.default_rng(resolve_seed(seed))
    cookie = rng.integers(0, n, m)
    mod_before = sharding.assign(users, "mod", n)
    mod_after = sharding.assign(users, "mod", n - 1)
    ring_before = sharding.assign(users, "ring", n, vnodes=config.SCALING_VNODES)
    ring_after = sharding.assign(users, "ring", n - 1, vnodes=config.SCALING_VNODES)
    lost = {
        "sticky_cookie": np.mean(cookie == failed),
        "sticky_hash_mod_n": np.mean((mod_before == failed) | (mod_before != mod_after)),
        "sticky_consistent_hash": np.mean((ring_before == failed) | (ring_before != ring_after)),
        "shared_store": 0.0,
    }
    theory = {
        "sticky_cookie": 1.0 / n,
        "sticky_hash_mod_n": 1.0
        - 1.0 / n,  # a user stays only if h mod N == h mod (N - 1), not on the failed node
        # the failed node's arc of the ring: 1/N on average, uneven by about 1/sqrt(vnodes)
        "sticky_consistent_hash": float(sharding.ring(n, config.SCALING_VNODES).shares[failed]),
        "shared_store": 0.0,
    }
    return pd.DataFrame(
        {
            "placement": list(PLACEMENTS),
            "lost": [float(lost[p]) for p in PLACEMENTS],
            "theory": [theory[p] for p in PLACEMENTS],
            "extra_ms": [config.SCALING_SESSION_STORE_MS if p == "shared_store" else 0.0 for p in PLACEMENTS],
        }
    )
