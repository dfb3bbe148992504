"""Circuit breakers, fallbacks and bulkheads, on the queueing core.

Breaker scenario: a service calls a dependency (``c`` workers, exponential
service) at a steady rate with a client timeout. For a while the dependency
degrades: slower and failing. Without a breaker every call waits for its
timeout and the dependency drowns in work nobody waits for, so it stays
slow after it is repaired. A breaker notices the failure rate, fails calls
fast while OPEN (the dependency's queue drains), probes in HALF_OPEN, and
closes once the probes succeed. A fallback (a stale cached value) turns
the fast failures into answers: graceful degradation (Nygard, *Release It!*,
2nd ed., 2018, ch. 5 "Stability Patterns": Circuit Breaker, Bulkheads,
Fail Fast).

Bulkhead scenario: one thread pool serves calls to two dependencies; one
slows down and its calls hold every thread, so calls to the healthy one
are rejected too. Separate pools per dependency (Hystrix's thread-pool
isolation) keep the healthy one's calls flowing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config, queueing
from ..core import policies, validate
from ..core.rng import Exponential, derive_seed, resolve_seed

BREAKER_CHOICES = ("none", *policies.BREAKERS)


@dataclass(frozen=True)
class BreakerResult:
    """One run of the breaker scenario; ``run`` is the station's result."""

    breaker: str
    fallback_hit: float
    degrade_start_s: float
    degrade_end_s: float
    horizon_s: float
    run: queueing.StationResult

    def outcomes(self, start_s: float = 0.0, end_s: float | None = None) -> dict:
        """What callers saw for requests arriving in [start_s, end_s).

        ``success``: the dependency answered; ``with_fallback``: success or
        a stale value served instead of a failure; ``fast_failed``: rejected
        by the open breaker; ``mean_latency_s``: time to the answer (a
        fallback is as quick as the failure behind it).
        """
        end = self.horizon_s if end_s is None else end_s
        r = self.run
        mask = (r.arrive_s >= start_s) & (r.arrive_s < end) & np.isfinite(r.reply_s)
        status = r.status[mask]
        if not status.size:
            raise ValueError(f"no request arrived in [{start_s:g}, {end:g})")
        ok = np.mean(status == queueing.OK)
        return {
            "success": float(ok),
            "with_fallback": float(ok + (1.0 - ok) * self.fallback_hit),
            "fast_failed": float(np.mean(status == queueing.SHORT_CIRCUITED)),
            "timed_out": float(np.mean(status == queueing.TIMED_OUT)),
            "mean_latency_s": float(np.mean(r.response_s[mask])),
        }

    def recovered_at_s(self) -> float:
        """First time after the repair from which successes stay above 90% of requests (per 5 s bin)."""
        tl = self.run.timeline(5.0)
        answered = tl.goodput + tl.errors + tl.timeouts + tl.short_circuited + tl.rejected
        good = (tl.goodput >= 0.9 * answered) & (answered > 0)
        after = tl.t_s >= self.degrade_end_s
        bad = np.flatnonzero(after & ~good)
        if not bad.size:
            return self.degrade_end_s
        last_bad = bad[-1]
        return float(tl.t_s.iloc[last_bad] + 5.0) if last_bad + 1 < len(tl) else float("inf")


def breaker_demo(
    breaker: str | policies.Breaker = "resilience4j",
    *,
    rate: float | None = None,
    workers: int | None = None,
    service_s: float | None = None,
    timeout_s: float | None = None,
    degrade: tuple[float, float] | None = None,
    slowdown: float | None = None,
    error_p: float | None = None,
    fallback_hit: float | None = None,
    horizon_s: float | None = None,
    seed: int | None = None,
) -> BreakerResult:
    """A dependency degrades for a while; its callers use ``breaker`` (or "none").

    Parameters
    ----------
    breaker : {"none", "resilience4j", "hystrix", "polly"} or Breaker
    rate : float, optional
        Calls per second (default ``config.RELIABILITY_BREAKER_RATE``).
    workers, service_s : optional
        The dependency: workers and mean service time (capacity workers/service_s).
    timeout_s : float, optional
        The callers' timeout.
    degrade : (start_s, end_s), optional
        When the dependency is degraded; ``slowdown`` and ``error_p`` say how badly.
    fallback_hit : float, optional
        Fraction of failed calls a stale cached value can stand in for.
    horizon_s, seed : optional

    Returns
    -------
    BreakerResult
        ``.outcomes(start, end)``, ``.recovered_at_s()``, ``.run.timeline()``
        (with the breaker ``state`` sampled over time).

    Notes
    -----
    Breaker semantics: resilience4j ``CircuitBreaker`` (see
    ``kit.core.policies.Breaker``); presets with Hystrix's and Polly's
    defaults. Nygard, *Release It!* (2018), ch. 5.

    Example
    -------
    >>> with_breaker = breaker_demo("resilience4j", seed=1)
    >>> without = breaker_demo("none", seed=1)
    >>> with_breaker.recovered_at_s() < without.recovered_at_s()
    True
    """
    if isinstance(breaker, str):
        name = validate.choice("breaker", breaker, BREAKER_CHOICES)
        chosen = None if name == "none" else policies.BREAKERS[name]
    elif isinstance(breaker, policies.Breaker):
        name, chosen = "custom", breaker
    else:
        raise ValueError(f"breaker must be one of {BREAKER_CHOICES} or a Breaker (got {breaker!r})")
    rate = validate.positive("rate", config.RELIABILITY_BREAKER_RATE if rate is None else rate)
    workers = validate.integer(
        "workers", config.RELIABILITY_BREAKER_WORKERS if workers is None else workers, 1, 10_000
    )
    service = validate.positive(
        "service_s", config.RELIABILITY_BREAKER_SERVICE_S if service_s is None else service_s
    )
    timeout = validate.positive(
        "timeout_s", config.RELIABILITY_BREAKER_TIMEOUT_S if timeout_s is None else timeout_s
    )
    start, end = config.RELIABILITY_BREAKER_DEGRADE_S if degrade is None else degrade
    slow = validate.positive(
        "slowdown", config.RELIABILITY_BREAKER_SLOWDOWN if slowdown is None else slowdown
    )
    p_err = validate.probability(
        "error_p", config.RELIABILITY_BREAKER_ERROR_P if error_p is None else error_p
    )
    hit = validate.probability(
        "fallback_hit", config.RELIABILITY_BREAKER_FALLBACK_HIT if fallback_hit is None else fallback_hit
    )
    horizon = validate.positive(
        "horizon_s", config.RELIABILITY_BREAKER_HORIZON_S if horizon_s is None else horizon_s
    )
    if not 0 <= start < end <= horizon:
        raise ValueError(
            f"degrade must be (start_s, end_s) within the run (got {(start, end)}, horizon_s={horizon:g})"
        )
    run = queueing.simulate(
        queueing.Poisson(rate),
        Exponential(service),
        workers,
        timeout_s=timeout,
        breaker=chosen,
        degradations=[queueing.Degradation(start, end, slow, p_err)],
        horizon_s=horizon,
        seed=seed,
    )
    return BreakerResult(
        breaker=name, fallback_hit=hit, degrade_start_s=start, degrade_end_s=end, horizon_s=horizon, run=run
    )


def breaker_comparison(seed: int | None = None, **scenario) -> pd.DataFrame:
    """Every choice of ``BREAKER_CHOICES`` on the same scenario: outcomes during and after the fault."""
    seed = resolve_seed(seed)
    rows = []
    for name in BREAKER_CHOICES:
        r = breaker_demo(name, seed=seed, **scenario)
        during = r.outcomes(r.degrade_start_s, r.degrade_end_s)
        rows.append(
            {
                "breaker": name,
                "success_during": during["success"],
                "with_fallback_during": during["with_fallback"],
                "latency_during_s": during["mean_latency_s"],
                "recovered_after_s": r.recovered_at_s() - r.degrade_end_s,
            }
        )
    return pd.DataFrame(rows)


# --- bulkheads -------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkheadResult:
    """Calls to a healthy dependency A and a slowing dependency B, through shared or separate pools."""

    isolated: bool
    threads: int
    slow_start_s: float
    slow_end_s: float
    runs: tuple[queueing.StationResult, ...]  # one shared run, or one per dependency

    def success(self, dependency: int, start_s: float | None = None, end_s: float | None = None) -> float:
        """Fraction of calls to dependency 0 (A) or 1 (B) that succeeded in [start_s, end_s).

        Defaults to the slow window.
        """
        validate.integer("dependency", dependency, 0, 1)
        start = self.slow_start_s if start_s is None else start_s
        end = self.slow_end_s if end_s is None else end_s
        run = self.runs[dependency] if self.isolated else self.runs[0]
        mask = (run.arrive_s >= start) & (run.arrive_s < end) & np.isfinite(run.reply_s)
        if not self.isolated:
            mask &= run.cls == dependency
        return float(np.mean(run.status[mask] == queueing.OK)) if mask.any() else float("nan")

    def timeline(self, dependency: int, bin_s: float = 2.0) -> pd.DataFrame:
        """Rates per second of one dependency's calls (goodput, rejected, timeouts...) over time."""
        validate.integer("dependency", dependency, 0, 1)
        if self.isolated:
            return self.runs[dependency].timeline(bin_s)
        return self.runs[0].for_class(dependency).timeline(bin_s)


def bulkhead_demo(
    isolated: bool,
    *,
    threads: int | None = None,
    rates: tuple[float, float] | None = None,
    service_s: float | None = None,
    slowdown: float | None = None,
    slow: tuple[float, float] | None = None,
    timeout_s: float | None = None,
    horizon_s: float | None = None,
    seed: int | None = None,
) -> BulkheadResult:
    """Calls to two dependencies, A and B, share one pool of ``threads`` or get half each.

    B slows down by ``slowdown`` during ``slow``. A pool with no free thread
    rejects the call at once (Hystrix's default: no queue in front of a
    thread pool). Abandoned calls keep their thread until the dependency
    answers, as a blocked thread does.

    Example
    -------
    >>> shared = bulkhead_demo(False, seed=1)
    >>> separate = bulkhead_demo(True, seed=1)
    >>> shared.success(0) < 0.5 < 0.99 < separate.success(0)
    True
    """
    threads = validate.integer(
        "threads", config.RELIABILITY_BULKHEAD_THREADS if threads is None else threads, 2, 10_000
    )
    rate_a, rate_b = config.RELIABILITY_BULKHEAD_RATES if rates is None else rates
    validate.positive("rates", rate_a)
    validate.positive("rates", rate_b)
    service = validate.positive(
        "service_s", config.RELIABILITY_BULKHEAD_SERVICE_S if service_s is None else service_s
    )
    factor = validate.positive(
        "slowdown", config.RELIABILITY_BULKHEAD_SLOWDOWN if slowdown is None else slowdown
    )
    start, end = config.RELIABILITY_BULKHEAD_SLOW_S if slow is None else slow
    timeout = validate.positive(
        "timeout_s", config.RELIABILITY_BULKHEAD_TIMEOUT_S if timeout_s is None else timeout_s
    )
    horizon = validate.positive(
        "horizon_s", config.RELIABILITY_BULKHEAD_HORIZON_S if horizon_s is None else horizon_s
    )
    if not 0 <= start < end <= horizon:
        raise ValueError(
            f"slow must be (start_s, end_s) within the run (got {(start, end)}, horizon_s={horizon:g})"
        )
    seed = resolve_seed(seed)
    common = dict(queue_capacity=0, timeout_s=timeout, horizon_s=horizon)
    if isolated:
        half = threads // 2
        runs = (
            queueing.simulate(
                queueing.Poisson(rate_a), Exponential(service), half, seed=derive_seed(seed, 0), **common
            ),
            queueing.simulate(
                queueing.Poisson(rate_b),
                Exponential(service),
                threads - half,
                degradations=[queueing.Degradation(start, end, factor)],
                seed=derive_seed(seed, 1),
                **common,
            ),
        )
    else:
        runs = (
            queueing.simulate(
                [queueing.Poisson(rate_a), queueing.Poisson(rate_b)],
                Exponential(service),
                threads,
                degradations=[queueing.Degradation(start, end, factor, classes=[1])],
                seed=seed,
                **common,
            ),
        )
    return BulkheadResult(
        isolated=bool(isolated), threads=threads, slow_start_s=start, slow_end_s=end, runs=runs
    )


def warm() -> None:
    breaker_demo("polly", degrade=(1.0, 2.0), horizon_s=3.0, seed=0)
    bulkhead_demo(False, slow=(1.0, 2.0), horizon_s=3.0, seed=0)
