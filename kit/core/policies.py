"""What clients do about failure: retry with backoff, a retry budget, a circuit breaker.

These are records for people; :func:`kit.queueing.simulate` hands their
numbers to the kernels. Registries (``BACKOFFS``, ``BREAKERS``) are what
dropdowns, tests and docs iterate.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from . import policy_kernels as kk
from . import validate

BACKOFFS = {
    "none": kk.NONE,
    "constant": kk.CONSTANT,
    "exponential": kk.EXPONENTIAL,
    "full_jitter": kk.FULL_JITTER,
    "equal_jitter": kk.EQUAL_JITTER,
    "decorrelated": kk.DECORRELATED,
}
"""Backoff strategies (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).

With ``exp = min(cap, base * multiplier**(retry - 1))`` for retry number ``retry``
(1, 2, ...), so the first retry waits ``base``:
none sleeps 0; constant sleeps ``base``; exponential sleeps ``exp``; full jitter
``U(0, exp)``; equal jitter ``exp/2 + U(0, exp/2)``; decorrelated
``min(cap, U(base, 3 * previous sleep))`` starting from ``base``.
"""


def _at_least(name: str, value, lo: float) -> float:
    """A number (inf allowed: no limit) of at least ``lo``; NaN and other types refused by name."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= lo:
        raise ValueError(f"{name} must be a number of at least {lo:g}, or inf (got {name}={value!r})")
    return float(value)


def backoff_code(strategy: str) -> int:
    """The kernel code of a backoff strategy name.

    Parameters
    ----------
    strategy : str
        A name of ``BACKOFFS`` (a ValueError lists them).

    Returns
    -------
    int
        The code ``policy_kernels.backoff_sleep`` takes.
    """
    return BACKOFFS[validate.choice("backoff", strategy, BACKOFFS)]


@dataclass(frozen=True)
class Retry:
    """Retry a failed attempt (timeout, error, rejection) up to ``max_retries`` times.

    Each retry sleeps per ``backoff`` first: the first retry waits
    ``base_s``, retry r waits ``min(cap_s, base_s * multiplier**(r - 1))``
    before jitter (see ``BACKOFFS``). With ``budget_ratio`` set, retries draw
    on a token bucket that starts full: every success adds ``budget_ratio``
    tokens (at most ``budget_cap``), every retry spends one, and with less
    than one token left a failure is not retried. A ratio of 0.1 caps
    retries at about 10% of successes.

    Parameters
    ----------
    max_retries : int
        Retries after the first try (0 to 1000).
    backoff : {"none", "constant", "exponential", "full_jitter", "equal_jitter", "decorrelated"}
        How long to sleep before a retry.
    base_s : float
        The first retry's sleep, seconds.
    cap_s : float
        The longest sleep, seconds (at least ``base_s``; inf: no cap).
    multiplier : float
        Growth of the sleep per retry (1 to 100).
    budget_ratio : float, optional
        Tokens a success earns; None: no retry budget.
    budget_cap : float
        Most tokens the bucket holds (and its start), at least 1.

    References
    ----------
    M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
    2015; gRFC A6 "gRPC Retry Design" (retry throttling with a token
    ratio); AWS SDKs and Tools Reference Guide, "Retry behavior" (retry quota).
    """

    max_retries: int = 3
    backoff: str = "none"
    base_s: float = 0.0
    cap_s: float = math.inf
    multiplier: float = 2.0
    budget_ratio: float | None = None
    budget_cap: float = 10.0

    def __post_init__(self):
        validate.integer("max_retries", self.max_retries, 0, 1000)
        backoff_code(self.backoff)
        validate.number("base_s", self.base_s, 0.0)
        validate.number("multiplier", self.multiplier, 1.0, 100.0)
        _at_least("cap_s", self.cap_s, 0.0)
        if self.cap_s < self.base_s:
            raise ValueError(
                f"cap_s must be at least base_s (got cap_s={self.cap_s:g}, base_s={self.base_s:g})"
            )
        if self.budget_ratio is not None:
            validate.number("budget_ratio", self.budget_ratio, 0.0, 1000.0)
        _at_least("budget_cap", self.budget_cap, 1.0)


WINDOWS = {"count": kk.COUNT_WINDOW, "time": kk.TIME_WINDOW}
STATES = {kk.CLOSED: "CLOSED", kk.OPEN: "OPEN", kk.HALF_OPEN: "HALF_OPEN"}


@dataclass(frozen=True)
class Breaker:
    """A circuit breaker: CLOSED, OPEN (fail fast), HALF_OPEN (a few trial calls).

    Field names and defaults follow resilience4j's ``CircuitBreakerConfig``.
    The breaker opens when, over the window holding at least
    ``minimum_calls`` calls, the failure rate or the slow-call rate reaches
    its threshold (reaching it is enough). Open, it rejects every call for
    ``wait_open_s``; the next call then moves it to HALF_OPEN (on a call,
    not on a timer), where ``half_open_calls`` calls go through and their
    failure rate decides: back to OPEN, or CLOSED with an empty window. A
    timeout counts as a failure; a result of a call permitted before the
    last transition is ignored.

    Parameters
    ----------
    failure_rate : float
        Threshold on the share of failed calls (0 to 1).
    window_type : {"count", "time"}
        A sliding window of the last ``window`` calls, or of the last
        ``window`` seconds in ``buckets`` buckets.
    window : float
        Calls (count) or seconds (time).
    buckets : int
        Buckets of a time window.
    minimum_calls : int
        Calls the window needs before it can open the breaker (a count
        window never needs more than it holds).
    wait_open_s : float
        Seconds the breaker stays open.
    half_open_calls : int
        Trial calls in HALF_OPEN.
    slow_call_s : float
        A call longer than this many seconds is slow.
    slow_call_rate : float
        Threshold on the share of slow calls (0 to 1).

    References
    ----------
    resilience4j documentation, "CircuitBreaker"; M. T. Nygard, *Release
    It!*, 2nd ed., 2018, ch. 5 "Circuit Breaker".
    """

    failure_rate: float = 0.5
    window_type: str = "count"
    window: float = 100
    buckets: int = 10
    minimum_calls: int = 100
    wait_open_s: float = 60.0
    half_open_calls: int = 10
    slow_call_s: float = 60.0
    slow_call_rate: float = 1.0

    def __post_init__(self):
        validate.number("failure_rate", self.failure_rate, 1e-9, 1.0)
        validate.number("slow_call_rate", self.slow_call_rate, 1e-9, 1.0)
        validate.choice("window_type", self.window_type, WINDOWS)
        if self.window_type == "count":
            validate.integer("window", self.window, 1, 100_000)
        else:
            validate.positive("window", self.window)
        validate.integer("buckets", self.buckets, 1, 10_000)
        validate.integer("minimum_calls", self.minimum_calls, 1)
        validate.number("wait_open_s", self.wait_open_s, 0.0)
        validate.integer("half_open_calls", self.half_open_calls, 1, 100_000)
        _at_least("slow_call_s", self.slow_call_s, 0.0)
        if self.slow_call_s == 0:
            raise ValueError("slow_call_s must be a positive number of seconds (got slow_call_s=0)")

    @property
    def cfg(self) -> np.ndarray:
        """The kernels' float64 configuration array (see ``policy_kernels.B_*``)."""
        cfg = np.empty(kk.B_SIZE)
        cfg[kk.B_WINDOW_TYPE] = WINDOWS[self.window_type]
        cfg[kk.B_WINDOW] = self.window
        cfg[kk.B_BUCKETS] = self.buckets
        # like resilience4j, a count window never needs more calls than it holds
        minimum = min(self.minimum_calls, self.window) if self.window_type == "count" else self.minimum_calls
        cfg[kk.B_MIN_CALLS] = minimum
        cfg[kk.B_FAILURE_RATE] = self.failure_rate
        cfg[kk.B_SLOW_S] = self.slow_call_s
        cfg[kk.B_SLOW_RATE] = self.slow_call_rate
        cfg[kk.B_WAIT_OPEN_S] = self.wait_open_s
        cfg[kk.B_HALF_OPEN_CALLS] = self.half_open_calls
        return cfg


BREAKERS = {
    # resilience4j CircuitBreakerConfig defaults
    "resilience4j": Breaker(),
    # Hystrix: circuitBreaker.requestVolumeThreshold 20, errorThresholdPercentage 50,
    # sleepWindowInMilliseconds 5000, metrics.rollingStats 10 s in 10 buckets; one trial call
    "hystrix": Breaker(
        failure_rate=0.5,
        window_type="time",
        window=10.0,
        buckets=10,
        minimum_calls=20,
        wait_open_s=5.0,
        half_open_calls=1,
        slow_call_s=math.inf,
    ),
    # Polly v8 CircuitBreakerStrategyOptions defaults: FailureRatio 0.1, MinimumThroughput 100,
    # SamplingDuration 30 s, BreakDuration 5 s; one trial call after the break
    "polly": Breaker(
        failure_rate=0.1,
        window_type="time",
        window=30.0,
        buckets=10,
        minimum_calls=100,
        wait_open_s=5.0,
        half_open_calls=1,
        slow_call_s=math.inf,
    ),
}
"""Breaker presets with the defaults of the libraries users know."""


def _floats(name: str, values) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers (got {name}={values!r})") from None


def breaker_trace(breaker: Breaker, times_s, durations_s, failed) -> tuple[np.ndarray, np.ndarray]:
    """Feed calls one at a time to a fresh breaker: which were permitted, the state after each.

    Parameters
    ----------
    breaker : Breaker
        E.g. ``BREAKERS["resilience4j"]``.
    times_s : array of float
        When each call starts, seconds (non-decreasing; each call ends before the next starts).
    durations_s : array of float
        How long each lasts, seconds.
    failed : array of float or bool
        Whether each fails.

    Returns
    -------
    permitted : numpy.ndarray
        bool per call: the breaker let it through.
    state : numpy.ndarray
        int per call: the state after it, as in ``STATES``.

    Examples
    --------
    resilience4j's defaults: 50 failures in the last 100 calls open it.

    >>> import numpy as np
    >>> failed = np.r_[np.zeros(50), np.ones(50)]
    >>> calls = np.arange(100.0)
    >>> permitted, state = breaker_trace(BREAKERS["resilience4j"], calls, np.full(100, 0.01), failed)
    >>> STATES[int(state[-1])]
    'OPEN'
    """
    if not isinstance(breaker, Breaker):
        raise ValueError(f"breaker must be a Breaker such as BREAKERS['resilience4j'] (got {breaker!r})")
    times, durations, failed = (
        _floats(name, value)
        for name, value in (("times_s", times_s), ("durations_s", durations_s), ("failed", failed))
    )
    if not (times.ndim == 1 and times.shape == durations.shape == failed.shape):
        raise ValueError("times_s, durations_s and failed must be 1-d arrays of the same length")
    validate.in_range("durations_s", durations, 0.0, np.inf)
    ends = times[:-1] + durations[:-1]
    if not np.all(np.isfinite(times)) or np.any(times[1:] < ends - 1e-9 * np.maximum(1.0, np.abs(ends))):
        raise ValueError("times_s must be finite, and each call must end before the next starts")
    permitted, state = kk.breaker_trace(breaker.cfg, times, durations, failed)
    return permitted.astype(bool), state
