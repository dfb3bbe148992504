"""Cache stampedes: a hot key expires under load, and four ways to keep the database standing.

When a key requested R times per second expires and recomputing it takes
delta seconds, every request in that window misses: about 1 + R * delta
recomputes hit the database at once (the "thundering herd", or dog-pile).
Cures: a lock (single flight), probabilistic early expiration (XFetch), and
serving the stale value while one request revalidates (RFC 5861).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..core import validate
from ..core.rng import Dist, resolve_seed
from . import _stampede_kernels as kk
from ._checks import (
    budget,
    check_fields,
    dist,
    expected_requests,
    filled,
    is_dist,
    nonnegative_array,
    percentile,
    positive_array,
    settings_with,
)

PROTECTIONS = {
    "none": kk.NO_PROTECTION,
    "lock": kk.LOCK,
    "xfetch": kk.XFETCH,
    "stale-while-revalidate": kk.STALE_WHILE_REVALIDATE,
}


@dataclass(frozen=True)
class StampedeSettings:
    """Settings of the hot-key model (:func:`stampede`); a field left None is read from ``kit.config``.

    Parameters
    ----------
    rate : float
        Requests per second for the key, Poisson (``CACHING_HOT_RATE``).
    ttl_s : float
        The value's time to live after each recompute, in seconds (``CACHING_HOT_TTL_S``).
    recompute : Dist, optional
        Recompute time in ms (default log-normal, median ``CACHING_RECOMPUTE_MS``, sigma 0.3).
    beta : float
        XFetch's eagerness: 1 is the paper's optimum; larger recomputes earlier (``CACHING_XFETCH_BETA``).
    max_stale_s : float
        Stale-while-revalidate: how long past expiry a stale value may be served (``CACHING_MAX_STALE_S``).
    duration_s : float
        Simulated seconds (``CACHING_STAMPEDE_DURATION_S``).
    bin_s : float
        The timeline's resolution in seconds (``CACHING_STAMPEDE_BIN_S``).
    cache_latency : Dist, optional
        A cache read in ms (default log-normal, median ``CACHING_LATENCY_MS``).
    max_requests : int, optional
        Stop the run after this many requests (``truncated``).
    """

    rate: float | None = None
    ttl_s: float | None = None
    recompute: Dist | None = None
    beta: float | None = None
    max_stale_s: float | None = None
    duration_s: float | None = None
    bin_s: float | None = None
    cache_latency: Dist | None = None
    max_requests: int | None = None

    def __post_init__(self):
        check_fields(self, _STAMPEDE_RULES)


@dataclass(frozen=True)
class StampedeResult:
    """One run of the hot-key model (:func:`stampede`).

    Parameters
    ----------
    protection : str
        A key of :data:`PROTECTIONS`.
    rate, ttl_s, duration_s, bin_s : float
        The run's request rate (per second), TTL, length and bin width (seconds).
    beta : float
        XFetch's eagerness in this run (used by "xfetch" only).
    start_s, latency_ms, outcome : array
        Per request: arrival (s), latency (ms), and 0 (fresh value), 1 (stale
        value) or 2 (waited on a recompute).
    recomputes_per_bin, concurrent_per_bin : array of int
        Per ``bin_s`` bin: recomputes started, and the most running at once.
    recomputes : int
        Database queries (recomputes) started.
    values : int
        New values stored (a recompute started before the current value was
        stored only duplicates it).
    expired : int
        Values that reached their expiry before a new one replaced them.
    max_concurrent : int
        The most recomputes running at once.
    truncated : bool
        The run reached ``max_requests`` before ``duration_s``.
    """

    protection: str
    rate: float
    ttl_s: float
    duration_s: float
    bin_s: float
    beta: float
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
    def label(self) -> str:
        """The protection, with XFetch's beta."""
        return f"xfetch (β={self.beta:g})" if self.protection == "xfetch" else self.protection

    @property
    def waited_fraction(self) -> float:
        """Requests that waited for a recompute (a miss, as the user sees it)."""
        return float((self.outcome == kk.WAITED).mean()) if self.outcome.size else math.nan

    @property
    def stale_fraction(self) -> float:
        """Requests answered with a value past its expiry (stale-while-revalidate)."""
        return float((self.outcome == kk.STALE).mean()) if self.outcome.size else math.nan

    @property
    def expired_fraction(self) -> float:
        """Stored values that reached their expiry before a fresher one replaced them."""
        return self.expired / max(self.values, 1)

    @property
    def recomputes_per_expiry(self) -> float:
        """Database queries per value that expired: the herd size without protection."""
        return self.recomputes / self.expired if self.expired else math.nan

    def latency(self, q: float) -> float:
        """The q-th percentile (0-100) of request latency, in ms."""
        return percentile(self.latency_ms[np.isfinite(self.latency_ms)], q)

    def timeline(self) -> pd.DataFrame:
        """Per bin: ``t_s`` (its start, s), ``recomputes`` started, ``concurrent`` (most at once)."""
        return pd.DataFrame(
            {
                "t_s": np.arange(self.recomputes_per_bin.size) * self.bin_s,
                "recomputes": self.recomputes_per_bin,
                "concurrent": self.concurrent_per_bin,
            }
        )

    def summary(self) -> dict:
        """Database load (per s), most recomputes at once, fractions waited and stale, p50 and p99 (ms)."""
        return {
            "db_load_per_s": self.db_load_per_s,
            "max_concurrent": self.max_concurrent,
            "waited_fraction": self.waited_fraction,
            "stale_fraction": self.stale_fraction,
            "p50_ms": self.latency(50),
            "p99_ms": self.latency(99),
        }


_STAMPEDE_RULES = {
    "rate": lambda n, v: validate.number(n, v, 1e-6),
    "ttl_s": lambda n, v: validate.number(n, v, 1e-6, 1e9),
    "recompute": is_dist,
    "beta": lambda n, v: validate.number(n, v, 0.0, 1e3),
    "max_stale_s": lambda n, v: validate.number(n, v, 0.0),
    "duration_s": lambda n, v: validate.number(n, v, 1e-3),
    "bin_s": lambda n, v: validate.number(n, v, 1e-6),
    "cache_latency": is_dist,
    "max_requests": lambda n, v: validate.integer(n, v, 1),
}
_STAMPEDE_DEFAULTS = {
    "rate": "CACHING_HOT_RATE",
    "ttl_s": "CACHING_HOT_TTL_S",
    "beta": "CACHING_XFETCH_BETA",
    "max_stale_s": "CACHING_MAX_STALE_S",
    "duration_s": "CACHING_STAMPEDE_DURATION_S",
    "bin_s": "CACHING_STAMPEDE_BIN_S",
    "max_requests": "CACHING_MAX_REQUESTS",
}


def resolve_stampede(settings: StampedeSettings) -> StampedeSettings:
    """``settings`` with every unset field from ``kit.config`` and the expected work in budget
    (``max_requests`` becomes the run's bound)."""
    s = filled(settings, _STAMPEDE_DEFAULTS)
    expected = expected_requests(s.rate, s.duration_s)
    budget("duration_s", expected, "CACHING_MAX_REQUESTS", f"requests at rate={s.rate:g}/s")
    budget("bin_s", s.duration_s / s.bin_s, "CACHING_MAX_BINS", f"time bins over duration_s={s.duration_s:g}")
    return replace(
        s,
        recompute=dist(s.recompute, "CACHING_RECOMPUTE_MS", 0.3),
        cache_latency=dist(s.cache_latency, "CACHING_LATENCY_MS", 0.3),
        max_requests=int(min(s.max_requests, expected)),
    )


def stampede(
    protection: str = "none",
    settings: StampedeSettings | None = None,
    *,
    seed: int | None = None,
    **overrides,
) -> StampedeResult:
    """Simulate one hot key through its expiries with a stampede protection.

    Parameters
    ----------
    protection : {"none", "lock", "xfetch", "stale-while-revalidate"}
        What a request does when the value has expired (or, XFetch, is about to).
    settings : StampedeSettings, optional
        The model's settings; unset fields come from ``kit.config``.
    seed : int, optional
        Same seed, same run.
    **overrides
        Any field of :class:`StampedeSettings` by name, e.g. ``rate=500.0``,
        ``recompute=Constant(100.0)``, ``ttl_s=2.0``.

    Returns
    -------
    StampedeResult
        ``.db_load_per_s``, ``.max_concurrent``, ``.waited_fraction``,
        ``.latency(q)``, ``.timeline()``, ``.summary()``.

    Notes
    -----
    XFetch: a request at time t recomputes when ``t - delta * beta *
    ln(rand()) >= expiry``, and waits for its recompute, as in the paper's
    algorithm. With Poisson requests at rate R and a constant delta, a value
    then survives to its expiry with probability exp(-R delta beta
    (e^{-1/beta} - e^{-T/(delta beta)})) (:func:`xfetch_expiry_probability`);
    the tests check it. XFetch assumes delta much shorter than the TTL: a
    request a time s before expiry recomputes with probability
    exp(-s / (delta beta)), so when delta beta approaches the TTL most
    requests recompute early and wait, and XFetch loads the database more
    than no protection at all.

    References
    ----------
    Vattani, Chierichetti & Lowenstein, "Optimal probabilistic cache stampede
    prevention", PVLDB 8(8), 2015, section 4 (XFetch). Nottingham, "HTTP
    Cache-Control extensions for stale content", RFC 5861, section 3
    (stale-while-revalidate).

    Examples
    --------
    >>> none = stampede("none", seed=1)
    >>> lock = stampede("lock", seed=1)
    >>> none.max_concurrent > lock.max_concurrent == 1
    True
    """
    protection = validate.choice("protection", protection, PROTECTIONS)
    s = resolve_stampede(settings_with(StampedeSettings, settings, overrides))
    params = kk.StampedeParams(
        rate=s.rate,
        ttl_s=s.ttl_s,
        duration_s=s.duration_s,
        protection=PROTECTIONS[protection],
        beta=s.beta,
        max_stale_s=s.max_stale_s,
        recompute_spec=s.recompute.spec,
        cache_spec=s.cache_latency.spec,
        bin_s=s.bin_s,
        max_requests=s.max_requests,
        seed=resolve_seed(seed),
    )
    (start, lat, outcome), started, concurrent, counters = kk.stampede(params)
    return StampedeResult(
        protection=protection,
        rate=s.rate,
        ttl_s=s.ttl_s,
        duration_s=s.duration_s,
        bin_s=s.bin_s,
        beta=s.beta,
        start_s=start,
        latency_ms=lat,
        outcome=outcome,
        recomputes_per_bin=started,
        concurrent_per_bin=concurrent,
        recomputes=int(counters[kk.S_RECOMPUTES]),
        values=int(counters[kk.S_VALUES]),
        expired=int(counters[kk.S_EXPIRED]),
        max_concurrent=int(counters[kk.S_MAX_CONCURRENT]),
        truncated=bool(counters[kk.S_TRUNCATED]),
    )


def herd_size(rate, recompute_s):
    """Recomputes per expiry without protection, for a constant recompute time: 1 + R * delta.

    The first request after expiry starts a recompute; each of the Poisson
    arrivals during the next delta seconds starts its own.

    Parameters
    ----------
    rate : float or array
        Requests per second (>= 0).
    recompute_s : float or array
        Recompute time delta in seconds (>= 0).

    Returns
    -------
    float or array
        Expected database queries per expiry.

    References
    ----------
    Vattani, Chierichetti & Lowenstein, PVLDB 8(8), 2015, section 2.
    """
    h = 1.0 + nonnegative_array("rate", rate) * nonnegative_array("recompute_s", recompute_s)
    return float(h) if h.ndim == 0 else h


def xfetch_expiry_probability(rate, recompute_s, beta, ttl_s=math.inf):
    """P(a value reaches its expiry) under XFetch, for Poisson requests and a constant recompute time.

    A request s seconds before expiry triggers with probability
    exp(-s / (delta beta)); the value is replaced in time only if a trigger
    comes at least delta before expiry, so the number of useful triggers is
    Poisson with mean R delta beta (e^{-1/beta} - e^{-T/(delta beta)}).

    Parameters
    ----------
    rate : float or array
        Requests per second R (>= 0).
    recompute_s : float or array
        Recompute time delta in seconds (> 0).
    beta : float or array
        XFetch's eagerness (> 0).
    ttl_s : float or array
        The TTL T in seconds (> 0; inf: the value's whole life counts).

    Returns
    -------
    float or array
        The probability, between 0 and 1.

    References
    ----------
    Vattani, Chierichetti & Lowenstein, PVLDB 8(8), 2015, section 4.
    """
    R = nonnegative_array("rate", rate)
    d = positive_array("recompute_s", recompute_s)
    b = positive_array("beta", beta)
    T = positive_array("ttl_s", ttl_s, allow_inf=True)
    with np.errstate(over="ignore"):
        window = d * b * (np.exp(-1.0 / b) - np.exp(-T / (d * b)))
    p = np.exp(-R * np.maximum(window, 0.0))
    return float(p) if p.ndim == 0 else p
