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

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import config, queueing
from ..core import policies, validate
from ..core.rng import Exponential, derive_seed, resolve_seed

BREAKER_CHOICES = ("none", *policies.BREAKERS)
"""No breaker, or one of the presets of ``kit.queueing.BREAKERS``."""
FALLBACK_STREAM = 1  # the fallback's draws come from their own stream of the run's seed


@dataclass(frozen=True)
class BreakerResult:
    """One run of the breaker scenario.

    Attributes
    ----------
    breaker : str
        A name of ``BREAKER_CHOICES``, or "custom".
    fallback_hit : float
        Share of failed calls a stale cached value can answer.
    degrade_start_s, degrade_end_s : float
        When the dependency was degraded, seconds.
    horizon_s : float
        Length of the run, seconds.
    run : kit.queueing.StationResult
        The station's result: one row per call.
    fallback : numpy.ndarray
        Per call (row of ``run``): a stale value answered it. Only failed
        calls get one, each with probability ``fallback_hit``, as quickly as
        the failure came (at once when the breaker is open, after the
        timeout when not).
    """

    breaker: str
    fallback_hit: float
    degrade_start_s: float
    degrade_end_s: float
    horizon_s: float
    run: queueing.StationResult
    fallback: np.ndarray = field(repr=False)

    def outcomes(self, start_s: float = 0.0, end_s: float | None = None) -> dict:
        """What callers saw for calls arriving in a window.

        Parameters
        ----------
        start_s, end_s : float
            The window, seconds (default: the whole run).

        Returns
        -------
        dict
            Shares of the calls: ``success`` (the dependency answered),
            ``with_fallback`` (it answered, or a stale value did),
            ``fast_failed`` (rejected by the open breaker), ``timed_out``;
            ``mean_latency_s``: seconds to the answer or the failure.
        """
        start = validate.number("start_s", start_s, 0.0)
        end = self.horizon_s if end_s is None else validate.number("end_s", end_s, 0.0)
        r = self.run
        mask = (r.arrive_s >= start) & (r.arrive_s < end) & np.isfinite(r.reply_s)
        status = r.status[mask]
        if not status.size:
            raise ValueError(f"no call arrived in [start_s, end_s) = [{start:g}, {end:g})")
        ok = status == queueing.OK
        return {
            "success": float(np.mean(ok)),
            "with_fallback": float(np.mean(ok | self.fallback[mask])),
            "fast_failed": float(np.mean(status == queueing.SHORT_CIRCUITED)),
            "timed_out": float(np.mean(status == queueing.TIMED_OUT)),
            "mean_latency_s": float(np.mean(r.response_s[mask])),
        }

    def with_fallback_hit(self, fallback_hit: float) -> BreakerResult:
        """The same run with another share of failed calls answered by a stale value.

        The fallback's draws come from their own stream of the run's seed, so the
        result is the one :func:`breaker_demo` gives with this ``fallback_hit``.

        Parameters
        ----------
        fallback_hit : float
            Share of failed calls a stale cached value can answer, between 0 and 1.

        Returns
        -------
        BreakerResult
            The same ``run``, a new ``fallback``.
        """
        hit = validate.probability("fallback_hit", fallback_hit)
        return replace(self, fallback_hit=hit, fallback=_fallback(self.run, hit))

    def recovered_at_s(self) -> float:
        """When callers are served again after the repair.

        Returns
        -------
        float
            The first time after the repair from which successes stay above
            90% of the calls in every 5 s bin, seconds (inf: not by the end).
        """
        tl = self.run.timeline(5.0)
        answered = tl.goodput + tl.errors + tl.timeouts + tl.short_circuited + tl.rejected
        good = (tl.goodput >= 0.9 * answered) & (answered > 0)
        after = tl.t_s >= self.degrade_end_s
        bad = np.flatnonzero(after & ~good)
        if not bad.size:
            return self.degrade_end_s
        last_bad = bad[-1]
        return float(tl.t_s.iloc[last_bad] + 5.0) if last_bad + 1 < len(tl) else float("inf")


def _fallback(run: queueing.StationResult, hit: float) -> np.ndarray:
    """Per call: a stale value answered it; only failed calls, each with probability ``hit``."""
    failed = np.isfinite(run.reply_s) & (run.status != queueing.OK)
    draws = np.random.default_rng(derive_seed(run.seed, FALLBACK_STREAM)).random(run.attempts)
    return failed & (draws < hit)


def _pair(name: str, value, default, check) -> tuple[float, float]:
    """Two numbers, each passing ``check``, from ``default`` when None."""
    pair = default if value is None else value
    try:
        a, b = pair
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair of numbers (got {name}={value!r})") from None
    return check(name, a), check(name, b)


def _window(name: str, value, default, horizon: float) -> tuple[float, float]:
    """A (start_s, end_s) window within [0, horizon], from ``default`` when None."""
    start, end = _pair(name, value, default, validate.number)
    if not 0 <= start < end <= horizon:
        raise ValueError(
            f"{name} must be (start_s, end_s) within the run "
            f"(got {name}={(start, end)}, horizon_s={horizon:g})"
        )
    return start, end


def _breaker(breaker) -> tuple[str, policies.Breaker | None]:
    if isinstance(breaker, str):
        name = validate.choice("breaker", breaker, BREAKER_CHOICES)
        return name, None if name == "none" else policies.BREAKERS[name]
    if isinstance(breaker, policies.Breaker):
        return "custom", breaker
    raise ValueError(f"breaker must be one of {BREAKER_CHOICES} or a Breaker (got breaker={breaker!r})")


def _from_config(name: str, value, default, check):
    return check(name, default if value is None else value)


_BREAKER_CHECKS = {
    "rate": validate.positive,
    "workers": lambda n, v: validate.integer(n, v, 1, 10_000),
    "service_s": validate.positive,
    "timeout_s": validate.positive,
    "degrade": lambda n, v: _pair(n, v, None, validate.number),
    "slowdown": validate.positive,
    "error_p": validate.probability,
    "fallback_hit": validate.probability,
    "horizon_s": validate.positive,
}
_BREAKER_DEFAULTS = {  # field -> its default in kit.config, read when a run starts
    "rate": "RELIABILITY_BREAKER_RATE",
    "workers": "RELIABILITY_BREAKER_WORKERS",
    "service_s": "RELIABILITY_BREAKER_SERVICE_S",
    "timeout_s": "RELIABILITY_BREAKER_TIMEOUT_S",
    "degrade": "RELIABILITY_BREAKER_DEGRADE_S",
    "slowdown": "RELIABILITY_BREAKER_SLOWDOWN",
    "error_p": "RELIABILITY_BREAKER_ERROR_P",
    "fallback_hit": "RELIABILITY_BREAKER_FALLBACK_HIT",
    "horizon_s": "RELIABILITY_BREAKER_HORIZON_S",
}


@dataclass(frozen=True)
class BreakerSettings:
    """The breaker scenario of :func:`breaker_demo`; a field left None is read from ``kit.config``.

    Parameters
    ----------
    rate : float, optional
        Calls per second, Poisson (``RELIABILITY_BREAKER_RATE``).
    workers : int, optional
        The dependency's workers (``RELIABILITY_BREAKER_WORKERS``).
    service_s : float, optional
        Their mean service time, exponential, seconds (capacity: workers / service_s
        calls per second; ``RELIABILITY_BREAKER_SERVICE_S``).
    timeout_s : float, optional
        The callers' timeout, seconds (``RELIABILITY_BREAKER_TIMEOUT_S``).
    degrade : (start_s, end_s), optional
        When the dependency is degraded, seconds, within the run
        (``RELIABILITY_BREAKER_DEGRADE_S``).
    slowdown : float, optional
        How much slower it serves then, a factor (``RELIABILITY_BREAKER_SLOWDOWN``).
    error_p : float, optional
        The share of its answers that are errors then (``RELIABILITY_BREAKER_ERROR_P``).
    fallback_hit : float, optional
        Share of failed calls a stale cached value can stand in for
        (``RELIABILITY_BREAKER_FALLBACK_HIT``).
    horizon_s : float, optional
        Length of the run, seconds (``RELIABILITY_BREAKER_HORIZON_S``).

    Examples
    --------
    >>> BreakerSettings(slowdown=20.0).resolved().rate == config.RELIABILITY_BREAKER_RATE
    True
    """

    rate: float | None = None
    workers: int | None = None
    service_s: float | None = None
    timeout_s: float | None = None
    degrade: tuple[float, float] | None = None
    slowdown: float | None = None
    error_p: float | None = None
    fallback_hit: float | None = None
    horizon_s: float | None = None

    def __post_init__(self):
        for name, check in _BREAKER_CHECKS.items():
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check(name, value))

    def resolved(self) -> BreakerSettings:
        """Every field set (unset ones from ``kit.config``, read now) and the run within the limits.

        Returns
        -------
        BreakerSettings
            No field None; ``degrade`` lies within ``horizon_s``.

        Raises
        ------
        ValueError
            ``degrade`` outside the run, or a run beyond ``config.QUEUEING_MAX_EVENTS``
            or ``config.QUEUEING_MAX_MEMORY_MB`` (named by ``rate`` and ``horizon_s``).
        """
        unset = {
            name: getattr(config, key)
            for name, key in _BREAKER_DEFAULTS.items()
            if getattr(self, name) is None
        }
        s = replace(self, **unset)  # checked again: kit.config may have been edited
        _window("degrade", s.degrade, None, s.horizon_s)
        calls = s.rate * s.horizon_s
        queueing.check_size(3.0 * calls, calls, rate=s.rate, horizon_s=s.horizon_s)
        return s


def _breaker_settings(settings, overrides: dict) -> BreakerSettings:
    """``settings`` (None: every default) with ``overrides`` applied; an unknown name is refused."""
    if settings is None:
        settings = BreakerSettings()
    elif not isinstance(settings, BreakerSettings):
        raise ValueError(f"settings must be a BreakerSettings (got settings={settings!r})")
    unknown = sorted(set(overrides) - set(_BREAKER_CHECKS))
    if unknown:
        raise ValueError(
            f"{unknown[0]} is not a setting of breaker_demo; the settings are {', '.join(_BREAKER_CHECKS)}"
        )
    return replace(settings, **overrides).resolved()


def breaker_demo(
    breaker: str | policies.Breaker = "resilience4j",
    settings: BreakerSettings | None = None,
    *,
    seed: int | None = None,
    **overrides,
) -> BreakerResult:
    """A dependency degrades for a while; its callers use ``breaker`` (or "none").

    Parameters
    ----------
    breaker : {"none", "resilience4j", "hystrix", "polly"} or Breaker
        A preset of ``BREAKER_CHOICES`` or your own ``kit.queueing.Breaker``.
    settings : BreakerSettings, optional
        The scenario: load, the dependency, the fault, the fallback, the run's
        length; unset fields come from ``kit.config``.
    seed : int, optional
        Random seed (default ``config.SEED``).
    **overrides
        Any field of :class:`BreakerSettings` by name, e.g. ``slowdown=20.0``,
        ``degrade=(10.0, 30.0)``, ``horizon_s=60.0``.

    Returns
    -------
    BreakerResult
        ``.outcomes(start, end)``, ``.recovered_at_s()``, ``.run.timeline()``
        (with the breaker ``state`` sampled over time), ``.fallback``.

    Notes
    -----
    Breaker semantics: resilience4j ``CircuitBreaker`` (see
    ``kit.core.policies.Breaker``); presets with Hystrix's and Polly's defaults.

    References
    ----------
    M. T. Nygard, *Release It!*, 2nd ed., Pragmatic Bookshelf, 2018, ch. 5
    "Stability Patterns" (Circuit Breaker, Fail Fast).

    Examples
    --------
    >>> with_breaker = breaker_demo("resilience4j", seed=1)
    >>> without = breaker_demo("none", seed=1)
    >>> with_breaker.recovered_at_s() < without.recovered_at_s()
    True
    """
    name, chosen = _breaker(breaker)
    s = _breaker_settings(settings, overrides)
    seed = resolve_seed(seed)
    start, end = s.degrade
    run = queueing.simulate(
        queueing.Poisson(s.rate),
        Exponential(s.service_s),
        s.workers,
        timeout_s=s.timeout_s,
        breaker=chosen,
        degradations=[queueing.Degradation(start, end, s.slowdown, s.error_p)],
        horizon_s=s.horizon_s,
        seed=seed,
    )
    return BreakerResult(
        breaker=name,
        fallback_hit=s.fallback_hit,
        degrade_start_s=start,
        degrade_end_s=end,
        horizon_s=s.horizon_s,
        run=run,
        fallback=_fallback(run, s.fallback_hit),
    )


def breaker_comparison(seed: int | None = None, **scenario) -> pd.DataFrame:
    """Every choice of ``BREAKER_CHOICES`` on the same scenario: outcomes during and after the fault.

    Parameters
    ----------
    seed : int, optional
        Random seed, the same for every choice (the same arrivals and faults).
    **scenario
        ``settings`` (a :class:`BreakerSettings`) or any of its fields by name
        (``rate``, ``degrade``, ``horizon_s``...), as :func:`breaker_demo` takes them.

    Returns
    -------
    pandas.DataFrame
        Per breaker: success_during, with_fallback_during (shares),
        latency_during_s and recovered_after_s (seconds).

    References
    ----------
    M. T. Nygard, *Release It!*, 2nd ed., 2018, ch. 5.
    """
    if "breaker" in scenario:
        raise ValueError("breaker_comparison runs every breaker: leave out breaker")
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
    """Calls to a healthy dependency A and a slowing dependency B, through shared or separate pools.

    Attributes
    ----------
    isolated : bool
        One pool per dependency (True) or one shared pool.
    threads : int
        Threads in all.
    slow_start_s, slow_end_s : float
        When B was slow, seconds.
    runs : tuple of kit.queueing.StationResult
        One shared run (classes 0 = A, 1 = B), or one per dependency.
    """

    isolated: bool
    threads: int
    slow_start_s: float
    slow_end_s: float
    runs: tuple[queueing.StationResult, ...]

    def success(self, dependency: int, start_s: float | None = None, end_s: float | None = None) -> float:
        """Share of the calls to one dependency that succeeded in a window.

        Parameters
        ----------
        dependency : int
            0 (A, healthy) or 1 (B, slowed).
        start_s, end_s : float, optional
            The window, seconds (default: while B was slow).

        Returns
        -------
        float
            Between 0 and 1 (nan when no call arrived).
        """
        validate.integer("dependency", dependency, 0, 1)
        start = self.slow_start_s if start_s is None else validate.number("start_s", start_s, 0.0)
        end = self.slow_end_s if end_s is None else validate.number("end_s", end_s, 0.0)
        run = self.runs[dependency] if self.isolated else self.runs[0]
        mask = (run.arrive_s >= start) & (run.arrive_s < end) & np.isfinite(run.reply_s)
        if not self.isolated:
            mask &= run.cls == dependency
        return float(np.mean(run.status[mask] == queueing.OK)) if mask.any() else float("nan")

    def timeline(self, dependency: int, bin_s: float = 2.0) -> pd.DataFrame:
        """Rates per second of one dependency's calls over time.

        Parameters
        ----------
        dependency : int
            0 (A) or 1 (B).
        bin_s : float
            Bin width, seconds.

        Returns
        -------
        pandas.DataFrame
            ``StationResult.timeline`` of that dependency's calls.
        """
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
    """Calls to two dependencies, A and B, share one pool of threads or get half each.

    B slows down by ``slowdown`` during ``slow``. A pool with no free thread
    rejects the call at once (Hystrix's default: no queue in front of a
    thread pool). Abandoned calls keep their thread until the dependency
    answers, as a blocked thread does.

    Parameters
    ----------
    isolated : bool
        A pool per dependency (Hystrix's thread-pool isolation) or one shared pool.
    threads : int, optional
        Threads in all (default ``config.RELIABILITY_BULKHEAD_THREADS``).
    rates : (float, float), optional
        Calls per second to A and to B.
    service_s : float, optional
        Mean call time when healthy, seconds.
    slowdown : float, optional
        How much slower B's calls are while it is slow (a factor).
    slow : (start_s, end_s), optional
        When B is slow, seconds.
    timeout_s : float, optional
        The callers' timeout, seconds.
    horizon_s : float, optional
        Length of the run, seconds.
    seed : int, optional
        Random seed (default ``config.SEED``).

    Returns
    -------
    BulkheadResult
        ``.success(dependency)`` and ``.timeline(dependency)``.

    References
    ----------
    M. T. Nygard, *Release It!*, 2nd ed., 2018, ch. 5 "Bulkheads"; Netflix
    Hystrix wiki, "How it Works: Isolation".

    Examples
    --------
    >>> shared = bulkhead_demo(False, seed=1)
    >>> separate = bulkhead_demo(True, seed=1)
    >>> shared.success(0) < 0.5 < 0.99 < separate.success(0)
    True
    """
    if not isinstance(isolated, bool | np.bool_):
        raise ValueError(f"isolated must be True or False (got isolated={isolated!r})")
    threads = validate.integer(
        "threads", config.RELIABILITY_BULKHEAD_THREADS if threads is None else threads, 2, 10_000
    )
    rate_a, rate_b = _pair("rates", rates, config.RELIABILITY_BULKHEAD_RATES, validate.positive)
    service = _from_config("service_s", service_s, config.RELIABILITY_BULKHEAD_SERVICE_S, validate.positive)
    factor = _from_config("slowdown", slowdown, config.RELIABILITY_BULKHEAD_SLOWDOWN, validate.positive)
    timeout = _from_config("timeout_s", timeout_s, config.RELIABILITY_BULKHEAD_TIMEOUT_S, validate.positive)
    horizon = _from_config("horizon_s", horizon_s, config.RELIABILITY_BULKHEAD_HORIZON_S, validate.positive)
    start, end = _window("slow", slow, config.RELIABILITY_BULKHEAD_SLOW_S, horizon)
    seed = resolve_seed(seed)
    calls = (rate_a + rate_b) * horizon
    queueing.check_size(3.0 * calls, calls, rates=(rate_a, rate_b), horizon_s=horizon)
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
    """Compile (or load) the kernels this module runs with their real argument types."""
    breaker_demo("polly", degrade=(1.0, 2.0), horizon_s=3.0, seed=0)
    bulkhead_demo(False, slow=(1.0, 2.0), horizon_s=3.0, seed=0)
