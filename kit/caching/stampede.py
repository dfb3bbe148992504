"""Cache stampedes: a hot key expires under load, and four ways to keep the database standing.

When a key requested R times per second expires and recomputing it takes
delta seconds, every request in that window misses: about 1 + R * delta
recomputes hit the database at once (the "thundering herd", or dog-pile).
Cures: a lock (single flight), probabilistic early expiration (XFetch), and
serving the stale value while one request revalidates (RFC 5861).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import Dist, resolve_seed
from . import _events
from .paths import _dist, _percentile

PROTECTIONS = {
    "none": _events.NO_PROTECTION,
    "lock": _events.LOCK,
    "xfetch": _events.XFETCH,
    "stale-while-revalidate": _events.STALE_WHILE_REVALIDATE,
}


@dataclass(frozen=True)
class StampedeResult:
    """One run: per request ``start_s, latency_ms, outcome`` (0 fresh, 1 stale, 2 waited
    on a recompute), and per ``bin_s`` bin the recomputes started and the most running at once."""

    protection: str
    rate: float
    ttl_s: float
    duration_s: float
    bin_s: float
    start_s: np.ndarray
    latency_ms: np.ndarray
    outcome: np.ndarray
    recomputes_per_bin: np.ndarray
    concurrent_per_bin: np.ndarray
    recomputes: int
    values: int
    expired: int
    max_concurrent: int
    truncated: bool

    @property
    def db_load_per_s(self) -> float:
        """Recomputes (database queries) per second."""
        return self.recomputes / self.duration_s

    @property
    def waited_fraction(self) -> float:
        """Requests that waited for a recompute (a miss, as the user sees it)."""
        return float((self.outcome == 2).mean()) if self.outcome.size else math.nan

    @property
    def stale_fraction(self) -> float:
        return float((self.outcome == 1).mean()) if self.outcome.size else math.nan

    @property
    def expired_fraction(self) -> float:
        """Stored values that reached their expiry before a fresher one replaced them."""
        return self.expired / max(self.values, 1)

    @property
    def recomputes_per_expiry(self) -> float:
        """Database queries per value that expired: the herd size without protection."""
        return self.recomputes / self.expired if self.expired else math.nan

    def latency(self, q: float) -> float:
        """The q-th percentile (0-100) of request latency in ms."""
        done = self.latency_ms[np.isfinite(self.latency_ms)]
        return _percentile(done, validate.number("q", q, 0.0, 100.0))

    def timeline(self):
        """DataFrame: bin start (s), recomputes started, most running at once."""
        import pandas as pd

        return pd.DataFrame(
            {
                "t_s": np.arange(self.recomputes_per_bin.size) * self.bin_s,
                "recomputes": self.recomputes_per_bin,
                "concurrent": self.concurrent_per_bin,
            }
        )

    def summary(self) -> dict:
        return {
            "db_load_per_s": self.db_load_per_s,
            "max_concurrent": self.max_concurrent,
            "waited_fraction": self.waited_fraction,
            "stale_fraction": self.stale_fraction,
            "p50_ms": self.latency(50),
            "p99_ms": self.latency(99),
        }


def stampede(
    protection: str = "none",
    *,
    rate: float | None = None,
    ttl_s: float | None = None,
    recompute: Dist | None = None,
    beta: float | None = None,
    max_stale_s: float | None = None,
    duration_s: float | None = None,
    bin_s: float | None = None,
    cache_latency: Dist | None = None,
    max_requests: int | None = None,
    seed: int | None = None,
) -> StampedeResult:
    """Simulate one hot key through its expiries with a stampede protection.

    Parameters
    ----------
    protection : {"none", "lock", "xfetch", "stale-while-revalidate"}
    rate : float
        Requests per second for the key (Poisson).
    ttl_s : float
        The value's time to live after each recompute.
    recompute : Dist, optional
        Recompute time in ms (default log-normal, median ``config.CACHING_RECOMPUTE_MS``).
    beta : float
        XFetch's eagerness (1 is the paper's optimum; larger recomputes earlier).
    max_stale_s : float
        Stale-while-revalidate: how long past expiry a stale value may be served.
    duration_s, bin_s : float
        Simulated time and the timeline's resolution.

    Returns
    -------
    StampedeResult

    Notes
    -----
    XFetch: Vattani, Chierichetti & Lowenstein, "Optimal probabilistic cache
    stampede prevention", PVLDB 8(8), 2015, section 4: a request at time t
    recomputes when ``t - delta * beta * ln(rand()) >= expiry``. With Poisson
    requests at rate R and a constant delta, a value then survives to its
    expiry with probability exp(-R delta beta (e^{-1/beta} - e^{-T/(delta beta)}))
    (:func:`xfetch_expiry_probability`); the tests check it.
    Stale-while-revalidate: RFC 5861, section 3.

    Example
    -------
    >>> none = stampede("none", seed=1)
    >>> lock = stampede("lock", seed=1)
    >>> none.max_concurrent > lock.max_concurrent == 1
    True
    """
    protection = validate.choice("protection", protection, PROTECTIONS)
    rate = validate.number("rate", config.CACHING_HOT_RATE if rate is None else rate, 1e-6, 1e7)
    ttl_s = validate.number("ttl_s", config.CACHING_HOT_TTL_S if ttl_s is None else ttl_s, 1e-6, 1e7)
    beta = validate.number("beta", config.CACHING_XFETCH_BETA if beta is None else beta, 0.0, 1e3)
    max_stale = config.CACHING_MAX_STALE_S if max_stale_s is None else max_stale_s
    max_stale = validate.number("max_stale_s", max_stale, 0.0)
    duration_s = validate.number(
        "duration_s", config.CACHING_STAMPEDE_DURATION_S if duration_s is None else duration_s, 1e-3, 1e7
    )
    bin_s = validate.number("bin_s", config.CACHING_STAMPEDE_BIN_S if bin_s is None else bin_s, 1e-6)
    if duration_s / bin_s > 10_000_000:
        raise ValueError(f"bin_s={bin_s:g} makes too many bins for duration_s={duration_s:g}")
    recompute_d = _dist("recompute", recompute, config.CACHING_RECOMPUTE_MS, 0.3)
    cache_d = _dist("cache_latency", cache_latency, config.CACHING_LATENCY_MS, 0.3)
    bound = config.CACHING_MAX_REQUESTS if max_requests is None else max_requests
    bound = validate.integer("max_requests", bound, 1, 100_000_000)
    expected = rate * duration_s
    start, lat, outcome, started, concurrent, counters = _events.stampede(
        rate,
        ttl_s,
        duration_s,
        PROTECTIONS[protection],
        beta,
        max_stale,
        recompute_d.spec,
        cache_d.spec,
        bin_s,
        int(min(bound, expected + 10 * math.sqrt(expected) + 100)),
        resolve_seed(seed),
    )
    return StampedeResult(
        protection=protection,
        rate=rate,
        ttl_s=ttl_s,
        duration_s=duration_s,
        bin_s=bin_s,
        start_s=start,
        latency_ms=lat,
        outcome=outcome,
        recomputes_per_bin=started,
        concurrent_per_bin=concurrent,
        recomputes=int(counters[_events.S_RECOMPUTES]),
        values=int(counters[_events.S_VALUES]),
        expired=int(counters[_events.S_EXPIRED]),
        max_concurrent=int(counters[_events.S_MAX_CONCURRENT]),
        truncated=bool(counters[_events.S_TRUNCATED]),
    )


def herd_size(rate, recompute_s):
    """Recomputes per expiry without protection, for a constant recompute time: 1 + R * delta.

    The first request after expiry starts a recompute; each of the Poisson
    arrivals during the next delta seconds starts its own.
    """
    return 1.0 + np.asarray(rate, dtype=float) * np.asarray(recompute_s, dtype=float)


def xfetch_expiry_probability(rate, recompute_s, beta, ttl_s=math.inf):
    """P(a value reaches its expiry) under XFetch, for Poisson requests and a constant recompute time.

    A request s seconds before expiry triggers with probability
    exp(-s / (delta beta)); the value is replaced in time only if a trigger
    comes at least delta before expiry, so the number of useful triggers is
    Poisson with mean R delta beta (e^{-1/beta} - e^{-T/(delta beta)}).
    """
    R = np.asarray(rate, dtype=float)
    d = np.asarray(recompute_s, dtype=float)
    b = np.asarray(beta, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        window = d * b * (np.exp(-1.0 / b) - np.exp(-np.asarray(ttl_s, dtype=float) / (d * b)))
    return np.exp(-R * window)
