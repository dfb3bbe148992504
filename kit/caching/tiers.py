"""Cache tiers: a CDN edge, an application cache, database read replicas; latency end to end.

A request pays the client-edge round trip; if the edge misses, the
edge-origin round trip and an app-cache lookup; if that misses too, a queue
and a service time at one database read replica. Answers fill both caches
(LRU, by objects). Hit ratios multiply into latency: each tier's hit ratio
decides how many requests pay for the slower tiers behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import Dist, Exponential, resolve_seed, zipf_pmf
from . import _events
from .paths import _dist, _percentile

ROUTING = {"random": _events.RANDOM_REPLICA, "least-loaded": _events.LEAST_LOADED}
TIER_NAMES = ("edge", "app cache", "database")


@dataclass(frozen=True)
class TierResult:
    """Per request ``start_s, latency_ms, tier`` (0 edge, 1 app cache, 2 database), and
    each replica's busy time. Requests before ``warmup_s`` (caches filling) are not measured."""

    duration_s: float
    warmup_s: float
    start_s: np.ndarray
    latency_ms: np.ndarray
    tier: np.ndarray
    key: np.ndarray
    busy_s: np.ndarray
    truncated: bool

    @property
    def measured(self) -> np.ndarray:
        """Mask of the requests measured: finished, and arrived after the warm-up."""
        return (self.start_s >= self.warmup_s) & np.isfinite(self.latency_ms)

    @property
    def edge_hit_ratio(self) -> float:
        return float((self.tier[self.measured] == _events.EDGE).mean())

    @property
    def app_hit_ratio(self) -> float:
        """Of the requests the edge missed, the fraction the app cache answered."""
        t = self.tier[self.measured]
        missed = t != _events.EDGE
        return float((t[missed] == _events.APP).mean()) if missed.any() else math.nan

    @property
    def db_fraction(self) -> float:
        return float((self.tier[self.measured] == _events.DATABASE).mean())

    @property
    def db_reads_per_s(self) -> float:
        return float((self.tier[self.measured] == _events.DATABASE).sum()) / (self.duration_s - self.warmup_s)

    @property
    def utilization(self) -> np.ndarray:
        """Busy fraction of each replica over the whole run."""
        return self.busy_s / self.duration_s

    def latency(self, q: float, tier: int | None = None) -> float:
        """The q-th percentile (0-100) of latency in ms, overall or for requests answered by ``tier``."""
        m = self.measured if tier is None else self.measured & (self.tier == tier)
        return _percentile(self.latency_ms[m], validate.number("q", q, 0.0, 100.0))

    def cdf(self, x_ms) -> np.ndarray:
        """Fraction of measured requests answered within ``x_ms``."""
        done = np.sort(self.latency_ms[self.measured])
        return np.searchsorted(done, np.asarray(x_ms, dtype=float), side="right") / max(done.size, 1)

    def summary(self) -> dict:
        return {
            "edge_hit_ratio": self.edge_hit_ratio,
            "app_hit_ratio": self.app_hit_ratio,
            "db_reads_per_s": self.db_reads_per_s,
            "max_utilization": float(self.utilization.max()),
            "p50_ms": self.latency(50),
            "p99_ms": self.latency(99),
        }


def tiers(
    *,
    n_keys: int | None = None,
    alpha: float | None = None,
    rate: float | None = None,
    edge_capacity: int | None = None,
    app_capacity: int | None = None,
    replicas: int | None = None,
    routing: str = "random",
    edge_rtt: Dist | None = None,
    origin_rtt: Dist | None = None,
    app_latency: Dist | None = None,
    db_service: Dist | None = None,
    duration_s: float | None = None,
    warmup_s: float | None = None,
    max_requests: int | None = None,
    seed: int | None = None,
) -> TierResult:
    """Simulate requests through edge cache -> app cache -> database read replicas.

    Parameters
    ----------
    n_keys, alpha : int, float
        Objects and their Zipf popularity (IRM).
    rate : float
        Requests per second arriving at the edge (Poisson).
    edge_capacity, app_capacity : int
        Cache sizes in objects (0 = no such tier).
    replicas : int
        Database read replicas, each a first-come-first-served server.
    routing : {"random", "least-loaded"}
        How a request picks its replica.
    edge_rtt, origin_rtt, app_latency, db_service : Dist, optional
        In ms (defaults from ``kit.config``; the service time is exponential).

    Returns
    -------
    TierResult

    Notes
    -----
    Under the IRM the edge is an LRU cache fed by the full request stream, so
    its hit ratio follows the Che approximation (:func:`che_lru`); each
    replica with random routing is an M/M/1 queue whose mean time in system
    is S / (1 - rho) (Kleinrock, *Queueing Systems* vol. 1, 1975, section
    3.2). The tests check both.

    Example
    -------
    >>> r = tiers(duration_s=5, warmup_s=2, seed=1)
    >>> r.latency(50) < r.latency(99)
    True
    """
    n_keys = validate.integer("n_keys", config.CACHING_TIER_KEYS if n_keys is None else n_keys, 1, 10_000_000)
    alpha = validate.number("alpha", config.CACHING_TIER_ALPHA if alpha is None else alpha, 0.0, 5.0)
    rate = validate.number("rate", config.CACHING_TIER_RATE if rate is None else rate, 1e-6, 1e7)
    edge_capacity = validate.integer(
        "edge_capacity", config.CACHING_EDGE_CAPACITY if edge_capacity is None else edge_capacity, 0
    )
    app_capacity = validate.integer(
        "app_capacity", config.CACHING_APP_CAPACITY if app_capacity is None else app_capacity, 0
    )
    replicas = validate.integer(
        "replicas", config.CACHING_REPLICAS if replicas is None else replicas, 1, 1000
    )
    routing = validate.choice("routing", routing, ROUTING)
    duration_s = validate.number(
        "duration_s", config.CACHING_TIER_DURATION_S if duration_s is None else duration_s, 1e-3, 1e7
    )
    warmup_s = config.CACHING_TIER_WARMUP_S if warmup_s is None else warmup_s
    warmup_s = validate.number("warmup_s", warmup_s, 0.0, duration_s * (1 - 1e-9))
    edge_d = _dist("edge_rtt", edge_rtt, config.CACHING_EDGE_RTT_MS, 0.3)
    origin_d = _dist("origin_rtt", origin_rtt, config.CACHING_ORIGIN_RTT_MS, 0.3)
    app_d = _dist("app_latency", app_latency, config.CACHING_APP_LOOKUP_MS, 0.3)
    db_d = Exponential(config.CACHING_DB_SERVICE_MS) if db_service is None else db_service
    if not isinstance(db_d, Dist):
        raise ValueError(f"db_service must be a kit distribution such as Exponential(2.0) (got {db_d!r})")
    bound = config.CACHING_MAX_REQUESTS if max_requests is None else max_requests
    bound = validate.integer("max_requests", bound, 1, 100_000_000)
    expected = rate * duration_s
    start, lat, tier, key, busy, truncated = _events.tiers(
        np.cumsum(zipf_pmf(n_keys, alpha)),
        rate,
        duration_s,
        edge_capacity,
        app_capacity,
        replicas,
        ROUTING[routing],
        edge_d.spec,
        origin_d.spec,
        app_d.spec,
        db_d.spec,
        int(min(bound, expected + 10 * math.sqrt(expected) + 100)),
        resolve_seed(seed),
    )
    return TierResult(duration_s, warmup_s, start, lat, tier, key, busy, bool(truncated))
