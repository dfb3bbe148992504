"""Write paths, TTL and invalidation: what a cache in front of a database costs and risks.

One discrete-event model (kernel ``_events.serve``): reads and writes of keys
with Zipf popularity, Poisson arrivals, log-normal latencies, a cache without
capacity limit (entries leave by TTL or invalidation) and a database. Every
committed write makes a new version of its key; a read is *stale* when it
returns a version older than the latest write acknowledged to a client.

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
version, so an old entry is simply never read again), ``ttl`` (nothing: entries
live out their TTL).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import Dist, LogNormal, resolve_seed, zipf_pmf
from . import _events

STRATEGIES = {
    "cache-aside": _events.CACHE_ASIDE,
    "read-through": _events.READ_THROUGH,
    "write-through": _events.WRITE_THROUGH,
    "write-behind": _events.WRITE_BEHIND,
    "write-around": _events.WRITE_AROUND,
}
INVALIDATIONS = {
    "delete": _events.INV_DELETE,
    "event": _events.INV_EVENT,
    "versioned": _events.INV_VERSIONED,
    "ttl": _events.INV_TTL,
}


def latency(median_ms: float, sigma: float = 0.3) -> LogNormal:
    """A log-normal latency in ms with the given median: the kit's default service-time shape."""
    return LogNormal.from_median(validate.positive("median_ms", median_ms), sigma)


def _dist(name: str, value, default_median_ms: float, sigma: float) -> Dist:
    if value is None:
        return latency(default_median_ms, sigma)
    if not isinstance(value, Dist):
        raise ValueError(f"{name} must be a kit distribution such as latency(5.0) (got {value!r})")
    return value


def _percentile(x: np.ndarray, q: float) -> float:
    return float(np.percentile(x, q)) if x.size else math.nan


@dataclass(frozen=True)
class ServeResult:
    """One run of the write-path model; per-request arrays and the measured quantities.

    Requests arriving before ``warmup_s`` (cache still filling) are not measured.
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
        return max(self.duration_s - self.warmup_s, 1e-12)

    @property
    def reads(self) -> int:
        return int(self._measured(True).sum())

    @property
    def writes(self) -> int:
        return int(self._measured(False).sum())

    @property
    def hit_ratio(self) -> float:
        m = self._measured(True)
        return float(self.hit[m].mean()) if m.any() else math.nan

    @property
    def stale_fraction(self) -> float:
        """Fraction of reads that returned an older version than the latest acknowledged write."""
        m = self._measured(True)
        return float(self.stale[m].mean()) if m.any() else math.nan

    @property
    def db_reads_per_s(self) -> float:
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
        """The q-th percentile (0-100) of read latency."""
        return _percentile(self.latency_ms[self._measured(True)], validate.number("q", q, 0.0, 100.0))

    def write_latency_ms(self, q: float) -> float:
        """The q-th percentile (0-100) of write latency (until the writer is acknowledged)."""
        return _percentile(self.latency_ms[self._measured(False)], validate.number("q", q, 0.0, 100.0))

    def summary(self) -> dict:
        """The measured quantities of the issue, one flat dict (a sweep row)."""
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


def serve(
    strategy: str = "cache-aside",
    invalidation: str = "delete",
    *,
    n_keys: int | None = None,
    alpha: float | None = None,
    read_rate: float | None = None,
    write_rate: float | None = None,
    ttl_s: float | None = None,
    delay_ms: float | None = None,
    loss: float | None = None,
    flush_interval_s: float | None = None,
    batch: int | None = None,
    crash_at_s: float | None = None,
    duration_s: float | None = None,
    warmup_s: float | None = None,
    cache_latency: Dist | None = None,
    db_read_latency: Dist | None = None,
    db_write_latency: Dist | None = None,
    max_requests: int | None = None,
    seed: int | None = None,
) -> ServeResult:
    """Simulate reads and writes through a cache with one write strategy and one invalidation.

    Parameters
    ----------
    strategy : str
        A key of :data:`STRATEGIES` (see the module docstring).
    invalidation : str
        A key of :data:`INVALIDATIONS`; used by cache-aside and read-through.
    n_keys, alpha : int, float
        Keys and their Zipf popularity (reads and writes pick keys alike).
    read_rate, write_rate : float
        Poisson arrival rates, per second.
    ttl_s : float
        Time to live of a cache entry (``math.inf`` for none).
    delay_ms, loss : float
        Mean delivery delay and loss probability of invalidation events.
    flush_interval_s, batch : float, int
        Write-behind: flush period and keys per flush.
    crash_at_s : float, optional
        Write-behind: the cache node crashes at this time; the run ends there
        and ``lost_writes`` counts acknowledged writes never made durable.
    duration_s, warmup_s : float
        Simulated time, and the initial part not measured.
    cache_latency, db_read_latency, db_write_latency : Dist, optional
        In ms (default log-normal, medians from ``kit.config``).
    max_requests : int, optional
        Bound on the run; reaching it ends the run early (``truncated``).
    seed : int, optional

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
    next T seconds: Jung, Berger & Balakrishnan, "Modeling TTL-based Internet
    caches", INFOCOM 2003, section III), which the tests check.

    Example
    -------
    >>> r = serve("cache-aside", "delete", duration_s=5, warmup_s=1, seed=1)
    >>> 0 < r.hit_ratio < 1
    True
    """
    strategy = validate.choice("strategy", strategy, STRATEGIES)
    invalidation = validate.choice("invalidation", invalidation, INVALIDATIONS)
    n_keys = validate.integer("n_keys", config.CACHING_KEYS if n_keys is None else n_keys, 1, 10_000_000)
    alpha = validate.number("alpha", config.CACHING_KEY_ALPHA if alpha is None else alpha, 0.0, 5.0)
    read_rate = validate.number(
        "read_rate", config.CACHING_READ_RATE if read_rate is None else read_rate, 0.0
    )
    write_rate = validate.number(
        "write_rate", config.CACHING_WRITE_RATE if write_rate is None else write_rate, 0.0
    )
    if read_rate + write_rate <= 0:
        raise ValueError("read_rate and write_rate cannot both be 0: nothing would happen")
    ttl_s = config.CACHING_TTL_S if ttl_s is None else ttl_s
    if not (isinstance(ttl_s, (int, float)) and ttl_s > 0):
        raise ValueError(f"ttl_s must be a positive number of seconds or math.inf (got ttl_s={ttl_s!r})")
    delay_ms = validate.number(
        "delay_ms", config.CACHING_INVALIDATION_DELAY_MS if delay_ms is None else delay_ms, 0.0
    )
    loss = validate.probability("loss", config.CACHING_INVALIDATION_LOSS if loss is None else loss)
    flush = validate.number(
        "flush_interval_s",
        config.CACHING_FLUSH_INTERVAL_S if flush_interval_s is None else flush_interval_s,
        1e-6,
    )
    batch = validate.integer("batch", config.CACHING_FLUSH_BATCH if batch is None else batch, 1, 999_999)
    duration_s = validate.number(
        "duration_s", config.CACHING_DURATION_S if duration_s is None else duration_s, 1e-3, 1e7
    )
    warmup_s = validate.number(
        "warmup_s", config.CACHING_WARMUP_S if warmup_s is None else warmup_s, 0.0, duration_s
    )
    crash = math.inf if crash_at_s is None else validate.number("crash_at_s", crash_at_s, 0.0, duration_s)
    if crash < math.inf and strategy != "write-behind":
        raise ValueError("crash_at_s applies to write-behind only: the other strategies write synchronously")
    cache_d = _dist("cache_latency", cache_latency, config.CACHING_LATENCY_MS, 0.3)
    read_d = _dist("db_read_latency", db_read_latency, config.CACHING_DB_READ_MS, 0.5)
    write_d = _dist("db_write_latency", db_write_latency, config.CACHING_DB_WRITE_MS, 0.5)
    bound = config.CACHING_MAX_REQUESTS if max_requests is None else max_requests
    bound = validate.integer("max_requests", bound, 1, 100_000_000)
    expected = (read_rate + write_rate) * duration_s
    out = _events.serve(
        np.cumsum(zipf_pmf(n_keys, alpha)),
        read_rate,
        write_rate,
        duration_s,
        warmup_s,
        STRATEGIES[strategy],
        INVALIDATIONS[invalidation],
        float(ttl_s),
        delay_ms / 1e3,
        loss,
        flush,
        batch,
        crash,
        cache_d.spec,
        read_d.spec,
        write_d.spec,
        int(min(bound, expected + 10 * math.sqrt(expected) + 100)),
        resolve_seed(seed),
    )
    is_read, key, start, lat, hit, stale, counters, end, at_risk = out
    return ServeResult(
        strategy=strategy,
        invalidation=invalidation,
        duration_s=float(end),
        warmup_s=min(warmup_s, float(end)),
        is_read=is_read,
        key=key,
        start_s=start,
        latency_ms=lat,
        hit=hit,
        stale=stale,
        db_reads=int(counters[_events.C_DB_READS]),
        db_writes=int(counters[_events.C_DB_WRITES]),
        flushes=int(counters[_events.C_FLUSHES]),
        acked_writes=int(counters[_events.C_ACKED]),
        lost_writes=int(counters[_events.C_LOST]),
        at_risk_s=float(at_risk),
        truncated=bool(counters[_events.C_TRUNCATED]),
    )


def ttl_hit_ratio(rate, ttl_s, write_rate=0.0):
    """Hit ratio of a key read at ``rate``/s, cached ``ttl_s``, deleted by writes at ``write_rate``/s.

    An entry lives min(TTL, time to the next write): mean L = (1 - e^{-wT}) / w
    (= T without writes); each miss is followed by r L hits on average, so
    the hit ratio is r L / (1 + r L) (Jung, Berger & Balakrishnan, INFOCOM
    2003, section III, with invalidations as exponential lifetimes).
    """
    r = np.asarray(rate, dtype=float)
    w = np.asarray(write_rate, dtype=float)
    T = np.asarray(ttl_s, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        life = np.where(w > 0, -np.expm1(-w * T) / np.where(w > 0, w, 1.0), T)
    return r * life / (1.0 + r * life)


def ttl_stale_fraction(write_rate, ttl_s):
    """Stale fraction of a key read often, cached with TTL T, never invalidated, written at rate w.

    The entry's age at a read is uniform on [0, T) when reads are frequent;
    the read is stale if a write came after the entry was filled:
    1 - (1 - e^{-wT}) / (wT).
    """
    x = np.asarray(write_rate, dtype=float) * np.asarray(ttl_s, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x > 0, 1.0 + np.expm1(-x) / np.where(x > 0, x, 1.0), 0.0)
