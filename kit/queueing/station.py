"""The discrete-event station for people: arrivals, servers, clients, results.

A *station* is ``c`` servers in front of one queue (FIFO, LIFO, or
priority by class), fed by one or more classes of arrivals:

- :class:`Poisson` open-loop arrivals at a rate, with scheduled spikes
  (the rate changes for a window) and bursts (each arrival brings a batch);
- :class:`Trace` arrivals at given times (a recorded trace, a thundering herd);
- :class:`ClosedLoop` clients that send a request, wait for its outcome,
  think, and send the next.

Service times come from any ``kit.core.rng`` distribution, per class, and
:class:`Degradation` windows slow the servers down or make them fail. The
clients may time out (the server then keeps working on abandoned work, or
cancels it), retry with backoff under a retry budget, and call through a
circuit breaker (:mod:`kit.core.policies`).

Time is in seconds and rates in events per second.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from ..core import policies, validate
from ..core.rng import Constant, Dist, resolve_seed, spec_table
from . import _kernels as kk
from ._kernels import ERROR, OK, PENDING, REJECTED, SHORT_CIRCUITED, TIMED_OUT

DISCIPLINES = {"fifo": kk.FIFO, "lifo": kk.LIFO, "priority": kk.PRIORITY}
"""Queue orders: first come first served, last come first served, by class (0 first)."""
CANCEL = {"none": kk.CANCEL_NONE, "queued": kk.CANCEL_QUEUED, "all": kk.CANCEL_ALL}
"""What the server does with work whose client timed out: keep it, drop it
while it waits, or also abort it in service."""
STATUS = {
    PENDING: "pending",
    OK: "ok",
    TIMED_OUT: "timeout",
    ERROR: "error",
    REJECTED: "rejected",
    SHORT_CIRCUITED: "short_circuited",
}
"""The client's view of an attempt."""


def _dist(name: str, value) -> Dist:
    if not isinstance(value, Dist):
        raise ValueError(f"{name} must be a kit distribution such as Exponential(0.01) (got {value!r})")
    return value


@dataclass(frozen=True)
class Poisson:
    """Open-loop Poisson arrivals, with scheduled spikes and bursts.

    Parameters
    ----------
    rate : float
        Arrivals per second (0 or more).
    spikes : sequence of (start_s, duration_s, rate)
        Windows during which the rate is replaced (a later spike wins where
        they overlap); times in seconds, rates per second.
    batch : Dist, optional
        Requests per arrival (rounded, at least 1), for bursts; None: one.

    Examples
    --------
    80/s with a 150/s spike for 10 s at t = 30 s:

    >>> Poisson(80, spikes=[(30, 10, 150)]).rate_at([0, 35, 45]).tolist()
    [80.0, 150.0, 80.0]
    """

    rate: float
    spikes: Sequence[tuple[float, float, float]] = ()
    batch: Dist | None = None

    def __post_init__(self):
        validate.number("rate", self.rate, 0.0)
        try:
            spikes = tuple(
                (float(start), float(duration), float(rate)) for start, duration, rate in self.spikes
            )
        except (TypeError, ValueError):
            raise ValueError(
                f"spikes must be (start_s, duration_s, rate) triples (got spikes={self.spikes!r})"
            ) from None
        for start, duration, rate in spikes:
            validate.number("spike start_s", start, 0.0)
            validate.number("spike duration_s", duration, 0.0)
            validate.number("spike rate", rate, 0.0)
        object.__setattr__(self, "spikes", spikes)
        if self.batch is not None:
            _dist("batch", self.batch)

    def rate_at(self, t) -> np.ndarray:
        """The arrival rate at times ``t``.

        Parameters
        ----------
        t : float or array of float
            Times in seconds.

        Returns
        -------
        numpy.ndarray
            Arrivals per second at each time.
        """
        t = np.asarray(t, dtype=float)
        rate = np.full(t.shape, self.rate)
        for start, duration, spike in self.spikes:
            rate = np.where((t >= start) & (t < start + duration), spike, rate)
        return rate

    def breakpoints(self) -> np.ndarray:
        """Times where the rate may change (0 and every spike's start and end).

        Returns
        -------
        numpy.ndarray
            Sorted times in seconds, starting at 0.
        """
        return np.unique([0.0, *(s[0] for s in self.spikes), *(s[0] + s[1] for s in self.spikes)])

    def expected_arrivals(self, horizon_s: float) -> float:
        """Mean number of arrivals in [0, horizon_s) (batches count once).

        Parameters
        ----------
        horizon_s : float
            End of the window, seconds (may be inf).

        Returns
        -------
        float
            The integral of the rate over the window.
        """
        bounds = self.breakpoints()
        ends = np.minimum(np.append(bounds[1:], math.inf), horizon_s)
        lengths = np.maximum(ends - np.minimum(bounds, horizon_s), 0.0)
        rates = self.rate_at(bounds)
        with np.errstate(invalid="ignore"):  # inf x 0 is no arrivals
            return float(np.nansum(np.where(rates > 0, rates * lengths, 0.0)))


@dataclass(frozen=True, eq=False)
class Trace:
    """Arrivals at given times.

    Parameters
    ----------
    times_s : array of float
        Arrival times in seconds (any order; repeats arrive together); finite, 0 or more.
    """

    times_s: np.ndarray

    def __post_init__(self):
        try:
            t = np.sort(np.asarray(self.times_s, dtype=np.float64).ravel())
        except (TypeError, ValueError):
            raise ValueError(f"times_s must be an array of numbers (got times_s={self.times_s!r})") from None
        if t.size and not (np.all(np.isfinite(t)) and t[0] >= 0):
            raise ValueError("times_s must be finite and non-negative")
        object.__setattr__(self, "times_s", t)


@dataclass(frozen=True)
class ClosedLoop:
    """Clients that each send a request, wait for its outcome, think, and repeat.

    Parameters
    ----------
    clients : int
        How many (1 to 10 million).
    think : Dist
        Think time between an outcome and the next request, seconds.
    """

    clients: int
    think: Dist

    def __post_init__(self):
        validate.integer("clients", self.clients, 1, 10_000_000)
        _dist("think", self.think)


@dataclass(frozen=True)
class Degradation:
    """A window during which service is slower and may fail.

    Parameters
    ----------
    start_s, end_s : float
        The window, seconds (``end_s`` after ``start_s``).
    slowdown : float
        Service takes this many times longer (positive).
    error_p : float
        Probability that a service started in the window ends in an error.
    classes : sequence of int, optional
        The classes it affects (a slow dependency among several); None: every class.
    """

    start_s: float
    end_s: float
    slowdown: float = 1.0
    error_p: float = 0.0
    classes: Sequence[int] | None = None

    def __post_init__(self):
        if self.classes is not None:
            if not isinstance(self.classes, Sequence | np.ndarray):
                raise ValueError(f"classes must be a list of class numbers (got classes={self.classes!r})")
            object.__setattr__(
                self, "classes", tuple(validate.integer("classes", k, 0, 63) for k in self.classes)
            )
        validate.number("start_s", self.start_s, 0.0)
        validate.number("end_s", self.end_s, 0.0)
        if not self.end_s > self.start_s:
            raise ValueError(f"end_s must be after start_s (got start_s={self.start_s}, end_s={self.end_s})")
        validate.positive("slowdown", self.slowdown)
        validate.probability("error_p", self.error_p)


def _classes(name, value, kinds) -> list:
    items = list(value) if isinstance(value, list | tuple) else [value]
    if not items or len(items) > 64:
        raise ValueError(f"{name} must be one item or a list of 1 to 64, one per class")
    for item in items:
        if not isinstance(item, kinds):
            raise ValueError(f"{name} must be {' or '.join(k.__name__ for k in kinds)} (got {item!r})")
    return items


def _faults(degradations, n_classes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Piecewise-constant slowdown and error probability per class: (bounds, [k, j], [k, j])."""
    bounds = np.unique([0.0, *(d.start_s for d in degradations), *(d.end_s for d in degradations)])
    slowdown = np.ones((n_classes, bounds.size))
    ok = np.ones((n_classes, bounds.size))
    for d in degradations:
        rows = range(n_classes) if d.classes is None else d.classes
        if any(k >= n_classes for k in rows):
            raise ValueError(
                f"degradation classes must be below the number of classes, {n_classes} (got {d.classes})"
            )
        inside = (bounds >= d.start_s) & (bounds < d.end_s)
        for k in rows:
            slowdown[k, inside] *= d.slowdown
            ok[k, inside] *= 1.0 - d.error_p
    return bounds, slowdown, 1.0 - ok


# --- records for the kernel, built once per call --------------------------------------------------


def _sources(arrivals, customers: int) -> kk.Sources:
    """The kernel's record of where requests come from (see ``kk.Sources``)."""
    bounds = np.unique(
        np.concatenate([a.breakpoints() for a in arrivals if isinstance(a, Poisson)] or [[0.0]])
    )
    rates = np.zeros((len(arrivals), bounds.size))
    for k, a in enumerate(arrivals):
        if isinstance(a, Poisson):
            rates[k] = a.rate_at(bounds)
    batch_table, batch_at = spec_table(
        [a.batch if isinstance(a, Poisson) and a.batch is not None else Constant(1.0) for a in arrivals]
    )
    traces = [(a.times_s, np.full(a.times_s.size, k)) for k, a in enumerate(arrivals) if isinstance(a, Trace)]
    trace_t = np.concatenate([t for t, _ in traces]) if traces else np.empty(0)
    trace_cls = np.concatenate([k for _, k in traces]).astype(np.int64) if traces else np.empty(0, np.int64)
    order = np.argsort(trace_t, kind="stable")
    clients = np.array([a.clients if isinstance(a, ClosedLoop) else 0 for a in arrivals], dtype=np.int64)
    think_table, think_at = spec_table(
        [a.think if isinstance(a, ClosedLoop) else Constant(0.0) for a in arrivals]
    )
    return kk.Sources(
        seg_t=bounds,
        rates=rates,
        batch_table=batch_table,
        batch_at=batch_at,
        trace_t=trace_t[order],
        trace_cls=trace_cls[order],
        clients=clients,
        think_table=think_table,
        think_at=think_at,
        customers=int(customers),
    )


def _servers(c: int, discipline: str, queue_capacity: int, services, degradations) -> kk.Servers:
    """The kernel's record of the servers and their queue (see ``kk.Servers``)."""
    service_table, service_at = spec_table(services)
    fault_t, slowdown, error_p = _faults(degradations, len(services))
    return kk.Servers(
        c=int(c),
        discipline=int(DISCIPLINES[discipline]),
        queue_cap=int(queue_capacity),
        service_table=service_table,
        service_at=service_at,
        fault_t=fault_t,
        slowdown=slowdown,
        error_p=error_p,
    )


def _policy(
    timeout_s: float, cancel: str, retry: policies.Retry, breaker: policies.Breaker | None
) -> kk.Policy:
    """The kernel's record of the clients' policies (see ``kk.Policy``)."""
    budget = retry.budget_ratio is not None
    return kk.Policy(
        timeout=float(timeout_s),
        cancel=int(CANCEL[cancel]),
        max_retries=int(retry.max_retries),
        backoff=int(policies.backoff_code(retry.backoff)),
        base=float(retry.base_s),
        cap=float(retry.cap_s),
        multiplier=float(retry.multiplier),
        budget_ratio=float(retry.budget_ratio) if budget else 0.0,
        budget_cap=float(retry.budget_cap) if budget else math.inf,
        breaker=breaker.cfg if breaker is not None else np.empty(0),
    )


def _bounds(horizon_s: float, max_events: int, rows_hint: float, sample_dt: float) -> kk.Bounds:
    """The kernel's record of how long and how much (see ``kk.Bounds``); rows are capped by memory."""
    max_rows = max(int(config.QUEUEING_MAX_MEMORY_MB * 2**20 // kk.ROW_BYTES), 1)
    return kk.Bounds(
        float(horizon_s), int(max_events), max_rows, float(sample_dt), int(min(rows_hint, max_rows))
    )


# --- work and memory, estimated before a run ------------------------------------------------------


def _expected_requests(arrivals, services, horizon_s: float) -> float:
    """Mean number of first tries the sources send before ``horizon_s`` (inf: unbounded).

    A closed-loop client sends at most one request per think time plus
    service time (mean), so that bounds its share.
    """
    total = 0.0
    for a, s in zip(arrivals, services, strict=True):
        if isinstance(a, Poisson):
            batch = 1.0 if a.batch is None else max(float(a.batch.mean), 1.0)
            n = a.expected_arrivals(horizon_s)
            total += n * batch if n > 0 else 0.0
        elif isinstance(a, Trace):
            total += float(np.count_nonzero(a.times_s <= horizon_s))
        else:
            cycle = max(float(a.think.mean), 0.0) + max(float(s.mean), 0.0)
            total += a.clients * (1.0 + horizon_s / cycle) if cycle > 0 else math.inf
    return total


def check_size(events: float, rows: float, **parameters) -> None:
    """Refuse a run of the station beyond the kit's limits on work and memory.

    Parameters
    ----------
    events : float
        Events the run is expected to handle (an arrival, a departure, a
        timeout, a retry each), at most ``config.QUEUEING_MAX_EVENTS``.
    rows : float
        Attempt records it holds at once (84 bytes each), at most
        ``config.QUEUEING_MAX_MEMORY_MB`` of them.
    **parameters
        The caller's parameters that set the size, named in the message.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        Naming ``parameters`` and the limit they exceed.

    Examples
    --------
    >>> check_size(3e6, 1e6, horizon_s=10_000.0)
    >>> check_size(3e12, 1e12, horizon_s=1e10)
    Traceback (most recent call last):
    ...
    ValueError: horizon_s=1e+10 means about 3e+12 events: more than config.QUEUEING_MAX_EVENTS = ...
    """
    for name, value in (("events", events), ("rows", rows)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise ValueError(f"{name} must be a number, 0 or more (got {name}={value!r})")
    named = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in parameters.items())
    means = "means" if len(parameters) == 1 else "mean"
    if events > config.QUEUEING_MAX_EVENTS:
        raise ValueError(
            f"{named} {means} about {events:.3g} events: more than config.QUEUEING_MAX_EVENTS = "
            f"{config.QUEUEING_MAX_EVENTS:,} in one call. Shorten the run or lower the load, "
            "or raise the limit"
        )
    memory_mb = rows * kk.ROW_BYTES / 2**20
    if memory_mb > config.QUEUEING_MAX_MEMORY_MB:
        raise ValueError(
            f"{named} {means} about {rows:.3g} rows of attempt records ({memory_mb:,.0f} MB): more than "
            f"config.QUEUEING_MAX_MEMORY_MB = {config.QUEUEING_MAX_MEMORY_MB:,}. Shorten the run, "
            "or raise the limit"
        )


# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class StationResult:
    """One run of the station: a row per attempt, and the state sampled over time.

    Parameters
    ----------
    times : numpy.ndarray
        float64[attempts, 5]: arrive, start, done, reply (seconds; nan:
        never) and the backoff slept before the attempt.
    info : numpy.ndarray
        int32[attempts, 8]: class, attempt number, row of the first try,
        status, server state, client, breaker epoch, failed.
    samples : numpy.ndarray
        float64[samples, 4]: waiting, busy servers, breaker state, retry
        tokens at ``k * sample_s`` seconds.
    sample_s : float
        Spacing of the samples, seconds.
    end_s : float
        Time of the last event handled, seconds.
    horizon_s : float
        Where the run was asked to stop, seconds (inf: when the work ran out).
    events : int
        Events handled.
    truncated : bool
        A bound (events, memory) stopped the run at ``end_s``, before the horizon.
    c, classes : int
        Servers and classes of arrivals.
    timeout_s : float
        The client timeout, seconds (inf: none).
    seed : int

    Notes
    -----
    Per attempt, as arrays of the same length: ``arrive_s``, ``start_s``
    (nan: never served), ``done_s``, ``reply_s`` (nan: still waiting at the
    end), ``cls``, ``attempt`` (0 = first try), ``first`` (row of the first
    try: the logical request), ``status`` (codes of ``STATUS``), ``server``
    (the server's view).
    """

    times: np.ndarray = field(repr=False)
    info: np.ndarray = field(repr=False)
    samples: np.ndarray = field(repr=False)
    sample_s: float
    end_s: float
    horizon_s: float
    events: int
    truncated: bool
    c: int
    classes: int
    timeout_s: float
    seed: int

    # --- per attempt ------------------------------------------------------------------
    @property
    def attempts(self) -> int:
        """Attempts made (first tries and retries)."""
        return self.times.shape[0]

    @property
    def arrive_s(self) -> np.ndarray:
        """When each attempt reached the station, s."""
        return self.times[:, kk.ARRIVE]

    @property
    def start_s(self) -> np.ndarray:
        """When its service started, s (nan: never)."""
        return self.times[:, kk.START]

    @property
    def done_s(self) -> np.ndarray:
        """When its service ended, or it was dropped or aborted, s (nan: not yet)."""
        return self.times[:, kk.DONE]

    @property
    def reply_s(self) -> np.ndarray:
        """When its client had an answer (response, timeout, rejection), s (nan: not yet)."""
        return self.times[:, kk.REPLY]

    @property
    def cls(self) -> np.ndarray:
        """Class of each attempt."""
        return self.info[:, kk.CLASS]

    @property
    def attempt(self) -> np.ndarray:
        """0 for a first try, k for the k-th retry."""
        return self.info[:, kk.ATTEMPT]

    @property
    def first(self) -> np.ndarray:
        """Row of the first try of each attempt's logical request."""
        return self.info[:, kk.FIRST]

    @property
    def status(self) -> np.ndarray:
        """The client's view (codes of ``STATUS``)."""
        return self.info[:, kk.STATUS]

    @property
    def server(self) -> np.ndarray:
        """The server's view: not run, queued, in service, served, aborted, dropped (0..5)."""
        return self.info[:, kk.SERVER]

    @property
    def wait_s(self) -> np.ndarray:
        """Time in the queue, s (nan for attempts never served)."""
        return self.start_s - self.arrive_s

    @property
    def response_s(self) -> np.ndarray:
        """Time until the client had its answer, timeouts included, s (nan: still waiting)."""
        return self.reply_s - self.arrive_s

    @property
    def covered_s(self) -> float:
        """The span the run describes completely: the horizon, or ``end_s`` if cut short, s."""
        if self.truncated or not math.isfinite(self.horizon_s):
            return self.end_s
        return self.horizon_s

    def for_class(self, k: int) -> StationResult:
        """The attempts of one class only (the sampled state stays the whole station's).

        Parameters
        ----------
        k : int
            The class, 0 to ``classes - 1``.

        Returns
        -------
        StationResult
        """
        k = validate.integer("k", k, 0, self.classes - 1)
        keep = self.cls == k
        renumber = np.cumsum(keep) - 1  # old row -> new row; retries share their first try's class
        info = self.info[keep].copy()
        info[:, kk.FIRST] = renumber[info[:, kk.FIRST]]
        return dataclasses.replace(self, times=self.times[keep], info=info)

    # --- per logical request ------------------------------------------------------------
    def requests(self) -> pd.DataFrame:
        """One row per logical request.

        Returns
        -------
        pandas.DataFrame
            ``arrive_s`` (first try, s), ``cls``, ``attempts``, ``status``
            (of the last attempt) and ``latency_s`` (first arrival to the
            last answer, s; nan: still waiting).
        """
        rows = np.arange(self.attempts)
        last = np.full(self.attempts, -1)
        np.maximum.at(last, self.first, rows)
        firsts = np.flatnonzero(self.attempt == 0)
        final = last[firsts]
        return pd.DataFrame(
            {
                "arrive_s": self.arrive_s[firsts],
                "cls": self.cls[firsts],
                "attempts": self.attempt[final] + 1,
                "status": pd.Categorical.from_codes(self.status[final], list(STATUS.values())),
                "latency_s": self.reply_s[final] - self.arrive_s[firsts],
            }
        )

    # --- over time ------------------------------------------------------------------------
    def timeline(self, bin_s: float | None = None) -> pd.DataFrame:
        """Rates per second in bins of time, and the sampled state.

        Parameters
        ----------
        bin_s : float, optional
            Bin width, seconds (default: 100 bins over the run; at most
            ``config.QUEUEING_MAX_POINTS`` bins). A truncated run's bins stop
            where it stopped.

        Returns
        -------
        pandas.DataFrame
            ``t_s`` (bin start, s); per second: ``offered`` (attempts
            arriving, retries included), ``new`` (first tries), ``retries``,
            ``goodput`` (successful replies), ``throughput`` (work the
            servers finished), ``wasted`` (finished work nobody was waiting
            for), ``timeouts``, ``errors``, ``rejected``,
            ``short_circuited``; ``latency_s`` (mean of the successful
            replies, s); ``waiting``, ``busy``, ``breaker`` (state code) and
            ``tokens`` (retry budget) at the start of each bin.
        """
        end = max(self.covered_s, 1e-12)
        bin_s = end / 100 if bin_s is None else validate.positive("bin_s", bin_s)
        if end / bin_s > config.QUEUEING_MAX_POINTS:
            raise ValueError(
                f"bin_s={bin_s:g} makes {end / bin_s:.3g} bins over {end:g} s: more than "
                f"config.QUEUEING_MAX_POINTS = {config.QUEUEING_MAX_POINTS:,}"
            )
        edges = np.arange(0.0, end + bin_s * 0.5, bin_s)
        if edges[-1] < end:
            edges = np.append(edges, end)

        def rate(times, mask=None):
            t = times if mask is None else times[mask]
            return np.histogram(t[np.isfinite(t)], edges)[0] / np.diff(edges)

        served = self.server == kk.SERVED
        ok = self.status == OK
        table = {
            "t_s": edges[:-1],
            "offered": rate(self.arrive_s),
            "new": rate(self.arrive_s, self.attempt == 0),
            "retries": rate(self.arrive_s, self.attempt > 0),
            "goodput": rate(self.reply_s, ok),
            "throughput": rate(self.done_s, served),
            "wasted": rate(self.done_s, served & ~ok),
            "timeouts": rate(self.reply_s, self.status == TIMED_OUT),
            "errors": rate(self.reply_s, self.status == ERROR),
            "rejected": rate(self.reply_s, self.status == REJECTED),
            "short_circuited": rate(self.reply_s, self.status == SHORT_CIRCUITED),
        }
        sums = np.histogram(self.reply_s[ok], edges, weights=self.response_s[ok])[0]
        counts = np.histogram(self.reply_s[ok], edges)[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            table["latency_s"] = np.where(counts > 0, sums / counts, np.nan)
        names = {
            "waiting": kk.SAMPLE_WAITING,
            "busy": kk.SAMPLE_BUSY,
            "breaker": kk.SAMPLE_BREAKER,
            "tokens": kk.SAMPLE_TOKENS,
        }
        for name, col in names.items():
            if self.samples.shape[0]:
                i = np.minimum((edges[:-1] / self.sample_s).astype(int), self.samples.shape[0] - 1)
                table[name] = self.samples[i, col]
            else:
                table[name] = np.nan
        return pd.DataFrame(table)

    def state(self) -> pd.DataFrame:
        """The sampled state.

        Returns
        -------
        pandas.DataFrame
            Every ``sample_s`` seconds (``t_s``): ``waiting``, ``busy``
            servers, ``breaker`` state code and retry ``tokens`` (nan after
            a truncated run stopped).
        """
        return pd.DataFrame(
            {
                "t_s": np.arange(self.samples.shape[0]) * self.sample_s,
                "waiting": self.samples[:, kk.SAMPLE_WAITING],
                "busy": self.samples[:, kk.SAMPLE_BUSY],
                "breaker": self.samples[:, kk.SAMPLE_BREAKER],
                "tokens": self.samples[:, kk.SAMPLE_TOKENS],
            }
        )

    def summary(self, start_s: float = 0.0, end_s: float | None = None) -> dict:
        """Rates over a window, and the fate of the requests that arrived in it.

        Parameters
        ----------
        start_s, end_s : float
            The window, seconds (default: the whole run). It must lie within
            what the run covers: a truncated run refuses a window past where
            it stopped rather than count missing work as none.

        Returns
        -------
        dict
            ``offered_per_s``, ``goodput_per_s``, ``throughput_per_s``,
            ``wasted_per_s`` (per second); ``requests`` (first tries in the
            window), ``p_success`` and ``attempts_per_request`` (nan when none).
        """
        end = self.covered_s if end_s is None else validate.number("end_s", end_s, 0.0)
        start = validate.number("start_s", start_s, 0.0)
        if not end > start:
            raise ValueError(f"end_s must be after start_s (got start_s={start}, end_s={end})")
        if self.truncated and end > self.end_s:
            raise ValueError(
                f"end_s={end:g} is past the end of a truncated run (stopped at {self.end_s:g} s by a "
                "bound on its work): the rates after that point are unknown"
            )
        span = end - start

        def per_s(times, mask):
            t = times[mask]
            return float(np.count_nonzero((t >= start) & (t < end)) / span)

        everything = np.ones(self.attempts, bool)
        req = self.requests()
        req = req[(req.arrive_s >= start) & (req.arrive_s < end)]
        ok = self.status == OK
        served = self.server == kk.SERVED
        return {
            "offered_per_s": per_s(self.arrive_s, everything),
            "goodput_per_s": per_s(self.reply_s, ok),
            "throughput_per_s": per_s(self.done_s, served),
            "wasted_per_s": per_s(self.done_s, served & ~ok),
            "requests": len(req),
            "p_success": float((req.status == "ok").mean()) if len(req) else math.nan,
            "attempts_per_request": float(req.attempts.mean()) if len(req) else math.nan,
        }


def _check_policies(retry, breaker, degradations) -> policies.Retry:
    retry = policies.Retry(max_retries=0) if retry is None else retry
    if not isinstance(retry, policies.Retry):
        raise ValueError(f"retry must be a Retry (got {retry!r})")
    if breaker is not None and not isinstance(breaker, policies.Breaker):
        raise ValueError(f"breaker must be a Breaker such as BREAKERS['resilience4j'] (got {breaker!r})")
    if isinstance(degradations, Degradation) or not isinstance(degradations, Sequence):
        raise ValueError(f"degradations must be a list of Degradation windows (got {degradations!r})")
    for d in degradations:
        if not isinstance(d, Degradation):
            raise ValueError(f"degradations must be Degradation windows (got {d!r})")
    return retry


def _size_parameter(customers, horizon_s, expected) -> tuple[str, object]:
    """The parameter that sets a run's size, for messages: the binding one of customers and horizon_s."""
    if horizon_s is not None and (customers is None or expected < customers):
        return "horizon_s", horizon_s
    if customers is not None:
        return "customers", customers
    return "arrivals", "a trace"


@dataclass(frozen=True)
class StationSettings:
    """Everything :func:`simulate` takes besides the workload and the servers; None means the default.

    Parameters
    ----------
    discipline : {"fifo", "lifo", "priority"}, optional
        Queue order; "priority" serves class 0 first, FIFO within a class
        (default ``config.QUEUEING_DISCIPLINE``).
    queue_capacity : int, optional
        Waiting room; an arrival that finds it full is rejected. None: unlimited.
    timeout_s : float, optional
        The client gives up on an attempt after this many seconds.
    cancel : {"none", "queued", "all"}, optional
        Whether the server drops work whose client gave up (see ``CANCEL``; default
        ``config.QUEUEING_CANCEL``).
    retry : Retry, optional
        Retries with backoff and a budget (``kit.core.policies.Retry``); None: no retries.
    breaker : Breaker, optional
        A circuit breaker in front of the servers (``kit.core.policies.Breaker``).
    degradations : list of Degradation
        Windows of slower or failing service.
    customers : int, optional
        Logical requests to create (first tries); the run then drains.
    horizon_s : float, optional
        Stop at this time, seconds. At least one of ``customers`` and
        ``horizon_s`` is needed unless every class is a finite ``Trace``.
    sample_s : float, optional
        Spacing of the state samples, seconds (default: horizon / ``config.QUEUEING_SAMPLES``).
    max_events : int, optional
        Stop after this many events with ``truncated=True`` (a partial run
        you ask for); at most and by default ``config.QUEUEING_MAX_EVENTS``.
    seed : int, optional
        Random seed (default ``config.SEED``).
    """

    discipline: str | None = None
    queue_capacity: int | None = None
    timeout_s: float | None = None
    cancel: str | None = None
    retry: policies.Retry | None = None
    breaker: policies.Breaker | None = None
    degradations: Sequence[Degradation] = ()
    customers: int | None = None
    horizon_s: float | None = None
    sample_s: float | None = None
    max_events: int | None = None
    seed: int | None = None

    def __post_init__(self):
        for name, check in _SETTING_CHECKS.items():
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check(name, value))
        _check_policies(self.retry, self.breaker, self.degradations)


_SETTING_CHECKS = {
    "discipline": lambda n, v: validate.choice(n, v, DISCIPLINES),
    "queue_capacity": lambda n, v: validate.integer(n, v, 0, kk.UNLIMITED),
    "timeout_s": validate.positive,
    "cancel": lambda n, v: validate.choice(n, v, CANCEL),
    "customers": lambda n, v: validate.integer(n, v, 1, kk.UNLIMITED),
    "horizon_s": validate.positive,
    "sample_s": validate.positive,
    "max_events": lambda n, v: validate.integer(n, v, 1, config.QUEUEING_MAX_EVENTS),
    "seed": lambda n, v: resolve_seed(v),
}


def _settings(settings, overrides: dict) -> StationSettings:
    """``settings`` (None: every default) with ``overrides`` applied; an unknown name is refused."""
    if settings is None:
        settings = StationSettings()
    elif not isinstance(settings, StationSettings):
        raise ValueError(f"settings must be a StationSettings (got settings={settings!r})")
    names = [f.name for f in dataclasses.fields(StationSettings)]
    for name in overrides:
        if name not in names:
            raise ValueError(f"{name} is not a setting of simulate; the settings are {', '.join(names)}")
    return dataclasses.replace(settings, **overrides)


def _workload(arrivals, service) -> tuple[list, list]:
    """The classes of arrivals and one service distribution per class."""
    arrivals = _classes("arrivals", arrivals, (Poisson, Trace, ClosedLoop))
    services = _classes("service", service, (Dist,))
    if len(services) == 1 and len(arrivals) > 1:
        services = services * len(arrivals)
    if len(services) != len(arrivals):
        raise ValueError(
            f"service must give one distribution per class (got {len(services)} for {len(arrivals)} classes)"
        )
    return arrivals, services


def _size(arrivals, services, s: StationSettings, horizon: float, timeout: float) -> tuple[float, float]:
    """Expected requests and the state samples' spacing; refuses a run beyond the limits of ``kit.config``."""
    open_loop = any(isinstance(a, Poisson | ClosedLoop) for a in arrivals)
    if open_loop and s.customers is None and s.horizon_s is None:
        raise ValueError("customers or horizon_s must be given: Poisson and closed-loop clients never stop")
    if s.sample_s is None:
        sample_dt = horizon / config.QUEUEING_SAMPLES if math.isfinite(horizon) else 0.0
    else:
        sample_dt = s.sample_s
    expected = _expected_requests(arrivals, services, horizon)
    if not math.isfinite(expected) and s.customers is None:
        raise ValueError(
            "customers must be given: closed-loop clients with no think time and no service time "
            "send requests without end"
        )
    expected = min(expected, kk.UNLIMITED if s.customers is None else s.customers)
    n_samples = int(horizon / sample_dt) + 1 if sample_dt > 0 and math.isfinite(horizon) else 0
    if n_samples > config.QUEUEING_MAX_POINTS:
        raise ValueError(
            f"sample_s={sample_dt:g} makes {n_samples:,} samples: more than "
            f"config.QUEUEING_MAX_POINTS = {config.QUEUEING_MAX_POINTS:,}"
        )
    name, value = _size_parameter(s.customers, s.horizon_s, expected)
    check_size(expected * (2.0 + math.isfinite(timeout)), expected, **{name: value})
    return expected, sample_dt


def simulate(
    arrivals, service, c: int = 1, *, settings: StationSettings | None = None, **overrides
) -> StationResult:
    """Run the station until ``customers`` requests have come and gone, or until ``horizon_s``.

    Parameters
    ----------
    arrivals : Poisson, Trace or ClosedLoop, or a list of them (one per class)
    service : Dist or list of Dist
        Service time per class, in seconds (e.g. ``Exponential(0.01)``: 100/s).
    c : int
        Servers.
    settings : StationSettings, optional
        Queue order, clients' policies, faults, size and seed; unset fields take their defaults.
    **overrides
        Any field of :class:`StationSettings` by name, e.g. ``customers=20_000``,
        ``timeout_s=0.5``, ``seed=1``.

    Returns
    -------
    StationResult
        Per-attempt rows (times in seconds), ``timeline()``, ``summary()``, ``state()``.

    Raises
    ------
    ValueError
        A bad parameter, named; or a run whose expected work or memory
        exceeds ``config.QUEUEING_MAX_EVENTS`` or ``config.QUEUEING_MAX_MEMORY_MB``
        (the message names ``horizon_s`` or ``customers``). Retries can make
        a run longer than expected: it then stops at the bound, ``truncated``.

    Notes
    -----
    A discrete-event simulation in the manner of SimPy (a heap of timed
    events, ``kit.core.events``), compiled with numba. Checked against
    M/M/1 and Erlang C (:mod:`kit.queueing.theory`) and against a plain
    Python event loop (``tests/naive.py``) on deterministic inputs.

    References
    ----------
    L. Kleinrock, *Queueing Systems*, Vol. 1, Wiley, 1975, §3.2-3.5.

    Examples
    --------
    >>> from kit.core.rng import Exponential
    >>> from kit.queueing import theory
    >>> r = simulate(Poisson(80), Exponential(0.01), customers=20_000, seed=1)
    >>> bool(abs(np.nanmean(r.wait_s) - theory.mm1(80, 100).Wq) < 0.01)
    True
    """
    s = _settings(settings, overrides)
    arrivals, services = _workload(arrivals, service)
    c = validate.integer("c", c, 1, 1_000_000)
    timeout = math.inf if s.timeout_s is None else s.timeout_s
    horizon = math.inf if s.horizon_s is None else s.horizon_s
    expected, sample_dt = _size(arrivals, services, s, horizon, timeout)
    seed = resolve_seed(s.seed)
    capacity = -1 if s.queue_capacity is None else s.queue_capacity
    retry = _check_policies(s.retry, s.breaker, s.degradations)
    tm, info, samples, end, n_events, truncated = kk.station(
        _sources(arrivals, kk.UNLIMITED if s.customers is None else s.customers),
        _servers(c, s.discipline or config.QUEUEING_DISCIPLINE, capacity, services, s.degradations),
        _policy(timeout, s.cancel or config.QUEUEING_CANCEL, retry, s.breaker),
        _bounds(horizon, s.max_events or config.QUEUEING_MAX_EVENTS, 1.1 * expected + 64, sample_dt),
        seed,
    )
    return StationResult(
        times=tm.copy(),
        info=info.copy(),
        samples=samples,
        sample_s=sample_dt,
        end_s=float(end),
        horizon_s=horizon,
        events=int(n_events),
        truncated=bool(truncated),
        c=c,
        classes=len(arrivals),
        timeout_s=timeout,
        seed=seed,
    )
