"""Write paths, TTL and invalidation: what a cache in front of a database costs and risks.

One discrete-event model (kernel ``_paths_kernels.serve``): reads and writes
of keys with Zipf popularity, Poisson arrivals, log-normal latencies, a cache
without capacity limit (entries leave by TTL or invalidation) and a database.
Every committed write makes a new version of its key; a read is *stale* when
it returns a version older than the latest write acknowledged to a client.

Write strategies (Alex Petrov, *Database Internals*, O'Reilly 2019, ch. 5;
the AWS whitepaper "Database Caching Strategies Using Redis", 2017):

- ``cache-aside``: reads fill the cache on a miss; a write goes to the
  database, then removes the cached copy (the ``invalidation`` setting);
- ``read-through``: the same, but the cache loads misses itself and
  coalesces concurrent misses of a key into one database read;
- ``write-through``: a write goes through the cache to the database and
  leaves the new value in the cache;
- ``write-behind``: the cache acknowledges writes at once and flushes dirty
  keys every ``flush_interval_s`` in batches of ``batch`` keys (repeated
  writes to a key coalesce); a crash loses what was not yet flushed;
- ``write-around``: writes go to the database only; cached copies age out by TTL.

Invalidation (cache-aside and read-through): ``delete`` (synchronously after
the commit), ``event`` (a message delivered after an exponential delay, lost
with probability ``loss``), ``versioned`` (readers ask for the key's current
version, so the cache never answers with an old version; a read can still
return one if a write commits while the read is on its way), ``ttl``
(nothing: entries live out their TTL).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..core import validate
from ..core.rng import Dist, LogNormal, resolve_seed, zipf_pmf
from . import _paths_kernels as kk
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

STRATEGIES = {
    "cache-aside": kk.CACHE_ASIDE,
    "read-through": kk.READ_THROUGH,
    "write-through": kk.WRITE_THROUGH,
    "write-behind": kk.WRITE_BEHIND,
    "write-around": kk.WRITE_AROUND,
}
INVALIDATIONS = {
    "delete": kk.INV_DELETE,
    "event": kk.INV_EVENT,
    "versioned": kk.INV_VERSIONED,
    "ttl": kk.INV_TTL,
}


def latency(median_ms: float, sigma: float = 0.3) -> LogNormal:
    """A log-normal latency with the given median: the kit's default service-time shape.

    Parameters
    ----------
    median_ms : float
        Median in ms (> 0).
    sigma : float
        Spread of its logarithm (> 0); 0.3 puts the p99 at about twice the median.

    Returns
    -------
    LogNormal
        A kit distribution, in ms.
    """
    return LogNormal.from_median(validate.positive("median_ms", median_ms), validate.positive("sigma", sigma))


@dataclass(frozen=True)
class ServeSettings:
    """Settings of the write-path model (:func:`serve`); a field left None is read from ``kit.config``.

    Parameters
    ----------
    n_keys : int
        Keys behind the cache (``CACHING_KEYS``).
    alpha : float
        Zipf skew of their popularity; reads and writes pick keys alike (``CACHING_KEY_ALPHA``).
    read_rate, write_rate : float
        Poisson arrival rates, per second (``CACHING_READ_RATE``, ``CACHING_WRITE_RATE``).
    ttl_s : float
        Time to live of a cache entry in seconds, ``math.inf`` for none (``CACHING_TTL_S``).
    delay_ms : float
        Mean delivery delay of an invalidation event (``CACHING_INVALIDATION_DELAY_MS``).
    loss : float
        Probability an invalidation event is lost (``CACHING_INVALIDATION_LOSS``).
    flush_interval_s : float
        Write-behind: flush period (``CACHING_FLUSH_INTERVAL_S``).
    batch : int
        Write-behind: keys per flush (``CACHING_FLUSH_BATCH``).
    crash_at_s : float, optional
        Write-behind: the cache node crashes at this time; the run ends there.
    duration_s : float
        Simulated seconds (``CACHING_DURATION_S``).
    warmup_s : float
        The first seconds, not measured: the cache starts empty (``CACHING_WARMUP_S``).
    cache_latency, db_read_latency, db_write_latency : Dist, optional
        In ms (default log-normal, medians ``CACHING_LATENCY_MS``,
        ``CACHING_DB_READ_MS``, ``CACHING_DB_WRITE_MS``).
    max_requests : int, optional
        Stop the run after this many requests (``truncated``).
    """

    n_keys: int | None = None
    alpha: float | None = None
    read_rate: float | None = None
    write_rate: float | None = None
    ttl_s: float | None = None
    delay_ms: float | None = None
    loss: float | None = None
    flush_interval_s: float | None = None
    batch: int | None = None
    crash_at_s: float | None = None
    duration_s: float | None = None
    warmup_s: float | None = None
    cache_latency: Dist | None = None
    db_read_latency: Dist | None = None
    db_write_latency: Dist | None = None
    max_requests: int | None = None

    def __post_init__(self):
        check_fields(self, _SERVE_RULES)


@dataclass(frozen=True)
class ServeResult:
    """One run of the write-path model (:func:`serve`): per-request arrays and totals.

    Requests arriving before ``warmup_s`` (cache still filling) are not measured.

    Parameters
    ----------
    strategy, invalidation : str
        What was simulated.
    duration_s, warmup_s : float
        When the run ended (the crash, if any) and the unmeasured start, in seconds.
    is_read, key, start_s, latency_ms, hit, stale : array
        Per request: a read or a write, its key, its arrival (s), its latency
        until answered or acknowledged (ms; NaN if unanswered at the end),
        whether the cache answered, whether the answer was stale.
    db_reads, db_writes, flushes : int
        Database reads, rows written, and write-behind flushes, after the warm-up.
    acked_writes : int
        Writes acknowledged after the warm-up.
    lost_writes : int
        Write-behind: acknowledged writes lost in the crash.
    at_risk_s : float
        Write-behind: the number of acknowledged writes not yet durable,
        integrated over the measured time (write-seconds).
    truncated : bool
        The run reached ``max_requests`` before ``duration_s``.
    """

    strategy: str
    invalidation: str
    duration_s: float
    warmup_s: float
    is_read: np.ndarray
    key: np.ndarray
    start_s: np.ndarray
    latency_ms: np.ndarray
    hit: np.ndarray
    stale: np.ndarray
    db_reads: int
    db_writes: int
    flushes: int
    acked_writes: int
    lost_writes: int
    at_risk_s: float
    truncated: bool

    def _measured(self, reads: bool) -> np.ndarray:
        return (self.is_read == reads) & (self.start_s >= self.warmup_s) & np.isfinite(self.latency_ms)

    @property
    def measured_s(self) -> float:
        """Seconds measured: from the warm-up to the end."""
        return max(self.duration_s - self.warmup_s, 1e-12)

    @property
    def reads(self) -> int:
        """Reads measured."""
        return int(self._measured(True).sum())

    @property
    def writes(self) -> int:
        """Writes measured."""
        return int(self._measured(False).sum())

    @property
    def hit_ratio(self) -> float:
        """Fraction of reads the cache answered."""
        m = self._measured(True)
        return float(self.hit[m].mean()) if m.any() else math.nan

    @property
    def stale_fraction(self) -> float:
        """Fraction of reads that returned an older version than the latest acknowledged write."""
        m = self._measured(True)
        return float(self.stale[m].mean()) if m.any() else math.nan

    @property
    def db_reads_per_s(self) -> float:
        """Database reads per second."""
        return self.db_reads / self.measured_s

    @property
    def db_writes_per_s(self) -> float:
        """Rows written to the database per second (write-behind coalesces repeated writes)."""
        return self.db_writes / self.measured_s

    @property
    def writes_at_risk(self) -> float:
        """Mean number of acknowledged writes not yet in the database (write-behind):
        what a crash of the cache node at a random moment would lose."""
        return self.at_risk_s / self.measured_s

    def read_latency_ms(self, q: float) -> float:
        """The q-th percentile (0-100) of read latency, in ms."""
        return percentile(self.latency_ms[self._measured(True)], q)

    def write_latency_ms(self, q: float) -> float:
        """The q-th percentile (0-100) of write latency (until the writer is acknowledged), in ms."""
        return percentile(self.latency_ms[self._measured(False)], q)

    def summary(self) -> dict:
        """The measured quantities, one flat dict (a sweep row): ratios, per-second rates, ms."""
        return {
            "hit_ratio": self.hit_ratio,
            "stale_fraction": self.stale_fraction,
            "db_reads_per_s": self.db_reads_per_s,
            "db_writes_per_s": self.db_writes_per_s,
            "read_p50_ms": self.read_latency_ms(50),
            "read_p99_ms": self.read_latency_ms(99),
            "write_p50_ms": self.write_latency_ms(50),
            "write_p99_ms": self.write_latency_ms(99),
            "writes_at_risk": self.writes_at_risk,
            "lost_writes": self.lost_writes,
        }


def _ttl(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds or math.inf (got {name}={value!r})")
    return float(value)


_SERVE_RULES = {
    "n_keys": lambda n, v: validate.integer(n, v, 1),
    "alpha": lambda n, v: validate.number(n, v, 0.0, 5.0),
    "read_rate": lambda n, v: validate.number(n, v, 0.0),
    "write_rate": lambda n, v: validate.number(n, v, 0.0),
    "ttl_s": _ttl,
    "delay_ms": lambda n, v: validate.number(n, v, 0.0),
    "loss": validate.probability,
    "flush_interval_s": lambda n, v: validate.number(n, v, 1e-6),
    "batch": lambda n, v: validate.integer(n, v, 1, kk.BATCH_CODE - 1),
    "crash_at_s": lambda n, v: validate.number(n, v, 0.0),
    "duration_s": lambda n, v: validate.number(n, v, 1e-3),
    "warmup_s": lambda n, v: validate.number(n, v, 0.0),
    "cache_latency": is_dist,
    "db_read_latency": is_dist,
    "db_write_latency": is_dist,
    "max_requests": lambda n, v: validate.integer(n, v, 1),
}
_SERVE_DEFAULTS = {
    "n_keys": "CACHING_KEYS",
    "alpha": "CACHING_KEY_ALPHA",
    "read_rate": "CACHING_READ_RATE",
    "write_rate": "CACHING_WRITE_RATE",
    "ttl_s": "CACHING_TTL_S",
    "delay_ms": "CACHING_INVALIDATION_DELAY_MS",
    "loss": "CACHING_INVALIDATION_LOSS",
    "flush_interval_s": "CACHING_FLUSH_INTERVAL_S",
    "batch": "CACHING_FLUSH_BATCH",
    "duration_s": "CACHING_DURATION_S",
    "warmup_s": "CACHING_WARMUP_S",
    "max_requests": "CACHING_MAX_REQUESTS",
}


def resolve_serve(settings: ServeSettings, strategy: str) -> ServeSettings:
    """``settings`` with every unset field from ``kit.config``, the fields checked together and the
    expected work in budget (``max_requests`` becomes the run's bound)."""
    s = filled(settings, _SERVE_DEFAULTS)
    budget("n_keys", s.n_keys, "CACHING_MAX_KEYS", "keys")
    if s.read_rate + s.write_rate <= 0:
        raise ValueError("read_rate and write_rate cannot both be 0: nothing would happen")
    if s.warmup_s > s.duration_s:
        raise ValueError(f"warmup_s must be between 0 and duration_s={s.duration_s:g} (got {s.warmup_s:g})")
    crash = math.inf if s.crash_at_s is None else s.crash_at_s
    if crash < math.inf and crash > s.duration_s:
        raise ValueError(f"crash_at_s must be between 0 and duration_s={s.duration_s:g} (got {crash:g})")
    if crash < math.inf and strategy != "write-behind":
        raise ValueError("crash_at_s applies to write-behind only: the other strategies write synchronously")
    expected = expected_requests(s.read_rate + s.write_rate, s.duration_s)
    budget("duration_s", expected, "CACHING_MAX_REQUESTS", f"requests at {s.read_rate + s.write_rate:g}/s")
    return replace(
        s,
        cache_latency=dist(s.cache_latency, "CACHING_LATENCY_MS", 0.3),
        db_read_latency=dist(s.db_read_latency, "CACHING_DB_READ_MS", 0.5),
        db_write_latency=dist(s.db_write_latency, "CACHING_DB_WRITE_MS", 0.5),
        max_requests=int(min(s.max_requests, expected)),
    )


def serve(
    strategy: str = "cache-aside",
    invalidation: str = "delete",
    settings: ServeSettings | None = None,
    *,
    seed: int | None = None,
    **overrides,
) -> ServeResult:
    """Simulate reads and writes through a cache with one write strategy and one invalidation.

    Parameters
    ----------
    strategy : str
        A key of :data:`STRATEGIES` (see the module docstring).
    invalidation : str
        A key of :data:`INVALIDATIONS`; used by cache-aside and read-through.
    settings : ServeSettings, optional
        The model's settings; unset fields come from ``kit.config``.
    seed : int, optional
        Same seed, same run (default ``config.SEED``).
    **overrides
        Any field of :class:`ServeSettings` by name, e.g. ``write_rate=200.0``,
        ``ttl_s=math.inf``, ``crash_at_s=12.5``.

    Returns
    -------
    ServeResult
        ``.hit_ratio``, ``.stale_fraction``, ``.db_reads_per_s``,
        ``.db_writes_per_s``, ``.read_latency_ms(q)``, ``.writes_at_risk``,
        ``.lost_writes``, ``.summary()``.

    Notes
    -----
    Without writes, a key read at rate r with TTL T hits with probability
    rT / (1 + rT) (each miss starts an entry that serves the reads of the
    next T seconds), which the tests check. Refused beyond
    ``config.CACHING_MAX_REQUESTS`` expected requests or
    ``config.CACHING_MAX_KEYS`` keys.

    References
    ----------
    Jung, Berger & Balakrishnan, "Modeling TTL-based Internet caches",
    INFOCOM 2003, section III. Nishtala et al., "Scaling Memcache at
    Facebook", NSDI 2013 (cache-aside, invalidation, the fill race).

    Examples
    --------
    >>> r = serve("cache-aside", "delete", duration_s=5, warmup_s=1, seed=1)
    >>> 0 < r.hit_ratio < 1
    True
    """
    strategy = validate.choice("strategy", strategy, STRATEGIES)
    invalidation = validate.choice("invalidation", invalidation, INVALIDATIONS)
    s = resolve_serve(settings_with(ServeSettings, settings, overrides), strategy)
    params = kk.ServeParams(
        cdf=np.cumsum(zipf_pmf(s.n_keys, s.alpha)),
        read_rate=s.read_rate,
        write_rate=s.write_rate,
        duration_s=s.duration_s,
        warmup_s=s.warmup_s,
        strategy=STRATEGIES[strategy],
        invalidation=INVALIDATIONS[invalidation],
        ttl_s=s.ttl_s,
        delay_mean_s=s.delay_ms / 1e3,
        loss=s.loss,
        flush_interval_s=s.flush_interval_s,
        batch=s.batch,
        crash_at_s=math.inf if s.crash_at_s is None else s.crash_at_s,
        cache_spec=s.cache_latency.spec,
        read_spec=s.db_read_latency.spec,
        write_spec=s.db_write_latency.spec,
        max_requests=s.max_requests,
        seed=resolve_seed(seed),
    )
    (is_read, key, start, lat, hit, stale), counters, end, at_risk = kk.serve(params)
    return ServeResult(
        strategy=strategy,
        invalidation=invalidation,
        duration_s=float(end),
        warmup_s=min(s.warmup_s, float(end)),
        is_read=is_read,
        key=key,
        start_s=start,
        latency_ms=lat,
        hit=hit,
        stale=stale,
        db_reads=int(counters[kk.C_DB_READS]),
        db_writes=int(counters[kk.C_DB_WRITES]),
        flushes=int(counters[kk.C_FLUSHES]),
        acked_writes=int(counters[kk.C_ACKED]),
        lost_writes=int(counters[kk.C_LOST]),
        at_risk_s=float(at_risk),
        truncated=bool(counters[kk.C_TRUNCATED]),
    )


def ttl_hit_ratio(rate, ttl_s, write_rate=0.0):
    """Hit ratio of a key read at ``rate``, cached for ``ttl_s``, deleted by writes at ``write_rate``.

    An entry lives min(TTL, time to the next write): mean L = (1 - e^{-wT}) / w
    (= T without writes); each miss is followed by r L hits on average, so
    the hit ratio is r L / (1 + r L).

    Parameters
    ----------
    rate : float or array
        Reads per second (>= 0).
    ttl_s : float or array
        Time to live in seconds (> 0, ``inf`` allowed).
    write_rate : float or array
        Writes per second, each deleting the cached copy (>= 0).

    Returns
    -------
    float or array
        The hit ratio, between 0 and 1.

    References
    ----------
    Jung, Berger & Balakrishnan, "Modeling TTL-based Internet caches",
    INFOCOM 2003, section III (with invalidations as exponential lifetimes).
    """
    r = nonnegative_array("rate", rate)
    w = nonnegative_array("write_rate", write_rate)
    T = positive_array("ttl_s", ttl_s, allow_inf=True)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        life = np.where(w > 0, -np.expm1(-w * T) / np.where(w > 0, w, 1.0), T)
        x = np.where(r > 0, r * life, 0.0)
        h = np.where(np.isinf(x), 1.0, x / (1.0 + x))
    return float(h) if h.ndim == 0 else h


def ttl_stale_fraction(write_rate, ttl_s):
    """Stale fraction of a key read often, cached with TTL T, never invalidated, written at rate w.

    The entry's age at a read is uniform on [0, T) when reads are frequent;
    the read is stale if a write came after the entry was filled.

    Parameters
    ----------
    write_rate : float or array
        Writes per second (>= 0).
    ttl_s : float or array
        Time to live in seconds (> 0, ``inf`` allowed).

    Returns
    -------
    float or array
        1 - (1 - e^{-wT}) / (wT), between 0 and 1.

    References
    ----------
    Jung, Berger & Balakrishnan, INFOCOM 2003 (the renewal argument).
    """
    w = nonnegative_array("write_rate", write_rate)
    T = positive_array("ttl_s", ttl_s, allow_inf=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.where(w > 0, w * T, 0.0)  # no writes: never stale, whatever the TTL
        out = np.where(np.isinf(x), 1.0, np.where(x > 0, 1.0 + np.expm1(-x) / np.where(x > 0, x, 1.0), 0.0))
    return float(out) if out.ndim == 0 else out
