"""Cache tiers: a CDN edge, an application cache, database read replicas; latency end to end.

A request pays the client-edge round trip; if the edge misses, the
edge-origin round trip and an app-cache lookup; if that misses too, a queue
and a service time at one database read replica. Answers fill both caches
(LRU, by objects). Hit ratios multiply into latency: each tier's hit ratio
decides how many requests pay for the slower tiers behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import Dist, Exponential, resolve_seed, zipf_pmf
from . import _tiers_kernels as kk
from ._checks import budget, check_fields, dist, expected_requests, filled, is_dist, percentile, settings_with

ROUTING = {"random": kk.RANDOM_REPLICA, "least-loaded": kk.LEAST_LOADED}
TIER_NAMES = ("edge", "app cache", "database")


@dataclass(frozen=True)
class TierSettings:
    """Settings of the tiers model (:func:`tiers`); a field left None is read from ``kit.config``.

    Parameters
    ----------
    n_keys : int
        Objects (``CACHING_TIER_KEYS``).
    alpha : float
        Their Zipf popularity, IRM (``CACHING_TIER_ALPHA``).
    rate : float
        Requests per second arriving at the edge, Poisson (``CACHING_TIER_RATE``).
    edge_capacity, app_capacity : int
        Cache sizes in objects, 0 = no such tier (``CACHING_EDGE_CAPACITY``,
        ``CACHING_APP_CAPACITY``).
    replicas : int
        Database read replicas, each a first-come-first-served server (``CACHING_REPLICAS``).
    routing : {"random", "least-loaded"}
        How a request picks its replica.
    edge_rtt, origin_rtt, app_latency : Dist, optional
        In ms (default log-normal, medians ``CACHING_EDGE_RTT_MS``,
        ``CACHING_ORIGIN_RTT_MS``, ``CACHING_APP_LOOKUP_MS``).
    db_service : Dist, optional
        A replica's service time in ms (default exponential, mean ``CACHING_DB_SERVICE_MS``).
    duration_s, warmup_s : float
        Simulated seconds, and the first ones, not measured (caches filling)
        (``CACHING_TIER_DURATION_S``, ``CACHING_TIER_WARMUP_S``).
    max_requests : int, optional
        Stop taking requests after this many (``truncated``).
    """

    n_keys: int | None = None
    alpha: float | None = None
    rate: float | None = None
    edge_capacity: int | None = None
    app_capacity: int | None = None
    replicas: int | None = None
    routing: str = "random"
    edge_rtt: Dist | None = None
    origin_rtt: Dist | None = None
    app_latency: Dist | None = None
    db_service: Dist | None = None
    duration_s: float | None = None
    warmup_s: float | None = None
    max_requests: int | None = None

    def __post_init__(self):
        check_fields(self, _TIER_RULES)


@dataclass(frozen=True)
class TierResult:
    """One run of the tiers model (:func:`tiers`).

    Parameters
    ----------
    duration_s, warmup_s : float
        The run's length and its unmeasured start, in seconds.
    start_s, latency_ms, tier, key : array
        Per request: arrival (s), end-to-end latency (ms), the tier that
        answered (0 edge, 1 app cache, 2 database) and the object.
    busy_s : array of float
        Each replica's busy seconds.
    truncated : bool
        The run reached ``max_requests``.
    """

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
        """Fraction of requests the edge answered."""
        return float((self.tier[self.measured] == kk.EDGE).mean())

    @property
    def app_hit_ratio(self) -> float:
        """Of the requests the edge missed, the fraction the app cache answered."""
        t = self.tier[self.measured]
        missed = t != kk.EDGE
        return float((t[missed] == kk.APP).mean()) if missed.any() else math.nan

    @property
    def db_fraction(self) -> float:
        """Fraction of requests that reached the database."""
        return float((self.tier[self.measured] == kk.DATABASE).mean())

    @property
    def db_reads_per_s(self) -> float:
        """Database reads per second."""
        return float((self.tier[self.measured] == kk.DATABASE).sum()) / (self.duration_s - self.warmup_s)

    @property
    def utilization(self) -> np.ndarray:
        """Busy fraction of each replica over the whole run."""
        return self.busy_s / self.duration_s

    def latency(self, q: float, tier: int | None = None) -> float:
        """The q-th percentile (0-100) of latency in ms, overall or for requests answered by ``tier``."""
        if tier is not None:
            tier = validate.integer("tier", tier, 0, len(TIER_NAMES) - 1)
        m = self.measured if tier is None else self.measured & (self.tier == tier)
        return percentile(self.latency_ms[m], q)

    def cdf(self, x_ms) -> np.ndarray:
        """Fraction of measured requests answered within each of ``x_ms`` (ms)."""
        done = np.sort(self.latency_ms[self.measured])
        return np.searchsorted(done, np.asarray(x_ms, dtype=float), side="right") / max(done.size, 1)

    def summary(self) -> dict:
        """Hit ratios, database reads per second, the busiest replica's utilisation, p50 and p99 (ms)."""
        return {
            "edge_hit_ratio": self.edge_hit_ratio,
            "app_hit_ratio": self.app_hit_ratio,
            "db_reads_per_s": self.db_reads_per_s,
            "max_utilization": float(self.utilization.max()),
            "p50_ms": self.latency(50),
            "p99_ms": self.latency(99),
        }


_TIER_RULES = {
    "n_keys": lambda n, v: validate.integer(n, v, 1),
    "alpha": lambda n, v: validate.number(n, v, 0.0, 5.0),
    "rate": lambda n, v: validate.number(n, v, 1e-6),
    "edge_capacity": lambda n, v: validate.integer(n, v, 0),
    "app_capacity": lambda n, v: validate.integer(n, v, 0),
    "replicas": lambda n, v: validate.integer(n, v, 1, 1000),
    "routing": lambda n, v: validate.choice(n, v, ROUTING),
    "edge_rtt": is_dist,
    "origin_rtt": is_dist,
    "app_latency": is_dist,
    "db_service": is_dist,
    "duration_s": lambda n, v: validate.number(n, v, 1e-3),
    "warmup_s": lambda n, v: validate.number(n, v, 0.0),
    "max_requests": lambda n, v: validate.integer(n, v, 1),
}
_TIER_DEFAULTS = {
    "n_keys": "CACHING_TIER_KEYS",
    "alpha": "CACHING_TIER_ALPHA",
    "rate": "CACHING_TIER_RATE",
    "edge_capacity": "CACHING_EDGE_CAPACITY",
    "app_capacity": "CACHING_APP_CAPACITY",
    "replicas": "CACHING_REPLICAS",
    "duration_s": "CACHING_TIER_DURATION_S",
    "warmup_s": "CACHING_TIER_WARMUP_S",
    "max_requests": "CACHING_MAX_REQUESTS",
}


def resolve_tiers(settings: TierSettings) -> TierSettings:
    """``settings`` with every unset field from ``kit.config`` and the expected work in budget
    (``max_requests`` becomes the run's bound)."""
    s = filled(settings, _TIER_DEFAULTS)
    budget("n_keys", s.n_keys, "CACHING_MAX_KEYS", "keys")
    if s.warmup_s >= s.duration_s:
        raise ValueError(f"warmup_s must be below duration_s={s.duration_s:g} (got {s.warmup_s:g})")
    expected = expected_requests(s.rate, s.duration_s)
    budget("duration_s", expected, "CACHING_MAX_REQUESTS", f"requests at rate={s.rate:g}/s")
    return replace(
        s,
        edge_rtt=dist(s.edge_rtt, "CACHING_EDGE_RTT_MS", 0.3),
        origin_rtt=dist(s.origin_rtt, "CACHING_ORIGIN_RTT_MS", 0.3),
        app_latency=dist(s.app_latency, "CACHING_APP_LOOKUP_MS", 0.3),
        db_service=Exponential(config.CACHING_DB_SERVICE_MS) if s.db_service is None else s.db_service,
        max_requests=int(min(s.max_requests, expected)),
    )


def tiers(settings: TierSettings | None = None, *, seed: int | None = None, **overrides) -> TierResult:
    """Simulate requests through edge cache -> app cache -> database read replicas.

    Parameters
    ----------
    settings : TierSettings, optional
        The model's settings; unset fields come from ``kit.config``.
    seed : int, optional
        Same seed, same run.
    **overrides
        Any field of :class:`TierSettings` by name, e.g. ``edge_capacity=0``,
        ``routing="least-loaded"``.

    Returns
    -------
    TierResult
        ``.edge_hit_ratio``, ``.app_hit_ratio``, ``.db_reads_per_s``,
        ``.latency(q)``, ``.cdf(x_ms)``, ``.summary()``.

    Notes
    -----
    Under the IRM the edge is an LRU cache fed by the full request stream, so
    its hit ratio follows the Che approximation (:func:`che_lru`); each
    replica with random routing is an M/M/1 queue whose mean time in system
    is S / (1 - rho). The tests check both.

    References
    ----------
    Che, Tung & Wang, IEEE JSAC 20(7), 2002 (the edge's hit ratio);
    Kleinrock, *Queueing Systems* vol. 1, 1975, section 3.2 (M/M/1).

    Examples
    --------
    >>> r = tiers(duration_s=5, warmup_s=2, seed=1)
    >>> r.latency(50) < r.latency(99)
    True
    """
    s = resolve_tiers(settings_with(TierSettings, settings, overrides))
    params = kk.TierParams(
        cdf=np.cumsum(zipf_pmf(s.n_keys, s.alpha)),
        rate=s.rate,
        duration_s=s.duration_s,
        edge_capacity=s.edge_capacity,
        app_capacity=s.app_capacity,
        replicas=s.replicas,
        routing=ROUTING[s.routing],
        edge_spec=s.edge_rtt.spec,
        origin_spec=s.origin_rtt.spec,
        app_spec=s.app_latency.spec,
        db_spec=s.db_service.spec,
        max_requests=s.max_requests,
        seed=resolve_seed(seed),
    )
    (start, lat, tier, key), busy, truncated = kk.tiers(params)
    return TierResult(s.duration_s, s.warmup_s, start, lat, tier, key, busy, truncated)
