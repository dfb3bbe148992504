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

Time is in seconds and rates in events per second, though any consistent
unit works (:func:`simulate_mmc` is unit-free).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from ..core import policies, validate
from ..core.jit import one_chunk_at_a_time
from ..core.rng import Constant, Dist, resolve_seed, spec_table, stream_seeds
from . import _kernels as kk
from . import theory
from ._kernels import ERROR, OK, PENDING, REJECTED, SHORT_CIRCUITED, TIMED_OUT

DISCIPLINES = {"fifo": kk.FIFO, "lifo": kk.LIFO, "priority": kk.PRIORITY}
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
UNLIMITED = 2**62  # customers, when only the horizon bounds a run


def _dist(name: str, value) -> Dist:
    if not isinstance(value, Dist):
        raise ValueError(f"{name} must be a kit distribution such as Exponential(0.01) (got {value!r})")
    return value


@dataclass(frozen=True)
class Poisson:
    """Open-loop Poisson arrivals at ``rate`` per second.

    ``spikes`` are ``(start_s, duration_s, rate)`` windows during which the
    rate is replaced (a later spike wins where they overlap); ``batch`` is a
    distribution of requests per arrival (rounded, at least 1) for bursts.

    Example: 80/s with a 150/s spike for 10 s at t = 30 s:
    ``Poisson(80, spikes=[(30, 10, 150)])``.
    """

    rate: float
    spikes: Sequence[tuple[float, float, float]] = ()
    batch: Dist | None = None

    def __post_init__(self):
        validate.number("rate", self.rate, 0.0)
        spikes = tuple(tuple(float(x) for x in s) for s in self.spikes)
        for start, duration, rate in spikes:
            validate.number("spike start_s", start, 0.0)
            validate.number("spike duration_s", duration, 0.0)
            validate.number("spike rate", rate, 0.0)
        object.__setattr__(self, "spikes", spikes)
        if self.batch is not None:
            _dist("batch", self.batch)

    def rate_at(self, t) -> np.ndarray:
        """The arrival rate at times ``t`` (vectorised)."""
        t = np.asarray(t, dtype=float)
        rate = np.full(t.shape, self.rate)
        for start, duration, spike in self.spikes:
            rate = np.where((t >= start) & (t < start + duration), spike, rate)
        return rate

    def breakpoints(self) -> np.ndarray:
        return np.unique([0.0, *(s[0] for s in self.spikes), *(s[0] + s[1] for s in self.spikes)])


@dataclass(frozen=True, eq=False)
class Trace:
    """Arrivals at the given times (seconds, any order; repeats arrive together)."""

    times_s: np.ndarray

    def __post_init__(self):
        t = np.sort(np.asarray(self.times_s, dtype=np.float64).ravel())
        if t.size and not (np.all(np.isfinite(t)) and t[0] >= 0):
            raise ValueError("times_s must be finite and non-negative")
        object.__setattr__(self, "times_s", t)


@dataclass(frozen=True)
class ClosedLoop:
    """``clients`` that each send a request, wait for its outcome, think for ``think``, repeat."""

    clients: int
    think: Dist

    def __post_init__(self):
        validate.integer("clients", self.clients, 1, 10_000_000)
        _dist("think", self.think)


@dataclass(frozen=True)
class Degradation:
    """From ``start_s`` to ``end_s`` service takes ``slowdown`` times longer and fails with ``error_p``.

    ``classes`` limits it to those classes (a slow dependency among several);
    None means every class.
    """

    start_s: float
    end_s: float
    slowdown: float = 1.0
    error_p: float = 0.0
    classes: Sequence[int] | None = None

    def __post_init__(self):
        if self.classes is not None:
            object.__setattr__(
                self, "classes", tuple(validate.integer("classes", k, 0, 63) for k in self.classes)
            )
        validate.number("start_s", self.start_s, 0.0)
        if not self.end_s > self.start_s:
            raise ValueError(f"end_s must be after start_s (got start_s={self.start_s}, end_s={self.end_s})")
        validate.positive("slowdown", self.slowdown)
        validate.probability("error_p", self.error_p)


Arrivals = Poisson | Trace | ClosedLoop


def _classes(name, value, kinds) -> list:
    items = list(value) if isinstance(value, list | tuple) else [value]
    if not items or len(items) > 64:
        raise ValueError(f"{name} must be one item or a list of 1 to 64, one per class")
    for item in items:
        if not isinstance(item, kinds):
            raise ValueError(f"{name} must be {' or '.join(k.__name__ for k in kinds)} (got {item!r})")
    return items


def _rates(arrivals) -> tuple[np.ndarray, np.ndarray]:
    bounds = np.unique(
        np.concatenate([a.breakpoints() for a in arrivals if isinstance(a, Poisson)] or [[0.0]])
    )
    rates = np.zeros((len(arrivals), bounds.size))
    for k, a in enumerate(arrivals):
        if isinstance(a, Poisson):
            rates[k] = a.rate_at(bounds)
    return bounds, rates


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


@dataclass(frozen=True, eq=False)
class StationResult:
    """One run of the station: a row per attempt, and the state sampled over time.

    Times are seconds from the start. Per attempt (arrays of the same length):
    ``arrive_s``, ``start_s`` (nan: never served), ``done_s``, ``reply_s``
    (nan: still waiting at the end), ``cls``, ``attempt`` (0 = first try),
    ``first`` (row of the first try: the logical request), ``status``
    (codes of ``STATUS``), ``server`` (the server's view).
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
        return self.times.shape[0]

    @property
    def arrive_s(self) -> np.ndarray:
        return self.times[:, kk.ARRIVE]

    @property
    def start_s(self) -> np.ndarray:
        return self.times[:, kk.START]

    @property
    def done_s(self) -> np.ndarray:
        return self.times[:, kk.DONE]

    @property
    def reply_s(self) -> np.ndarray:
        return self.times[:, kk.REPLY]

    @property
    def cls(self) -> np.ndarray:
        return self.info[:, kk.CLASS]

    @property
    def attempt(self) -> np.ndarray:
        return self.info[:, kk.ATTEMPT]

    @property
    def first(self) -> np.ndarray:
        return self.info[:, kk.FIRST]

    @property
    def status(self) -> np.ndarray:
        return self.info[:, kk.STATUS]

    @property
    def server(self) -> np.ndarray:
        return self.info[:, kk.SERVER]

    @property
    def wait_s(self) -> np.ndarray:
        """Time in the queue (nan for attempts never served)."""
        return self.start_s - self.arrive_s

    @property
    def response_s(self) -> np.ndarray:
        """Time until the client had its answer, timeouts included (nan: still waiting)."""
        return self.reply_s - self.arrive_s

    def for_class(self, k: int) -> StationResult:
        """The attempts of class ``k`` only (the sampled state stays the whole station's)."""
        k = validate.integer("k", k, 0, self.classes - 1)
        keep = self.cls == k
        renumber = np.cumsum(keep) - 1  # old row -> new row; retries share their first try's class
        info = self.info[keep].copy()
        info[:, kk.FIRST] = renumber[info[:, kk.FIRST]]
        return dataclasses.replace(self, times=self.times[keep], info=info)

    # --- per logical request ------------------------------------------------------------
    def requests(self) -> pd.DataFrame:
        """One row per logical request: its first arrival, attempts, final status and latency."""
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
        """Rates per second in bins of ``bin_s`` (default: 100 bins) and the sampled state.

        Columns: ``offered`` (attempts arriving, retries included), ``new``
        (first tries), ``retries``, ``goodput`` (successful replies),
        ``throughput`` (work the servers finished), ``wasted`` (finished
        work nobody was waiting for), ``timeouts``, ``errors``, ``rejected``,
        ``short_circuited``, all per second; ``latency_s`` (mean of the
        successful replies); ``waiting``, ``busy``, ``breaker`` (state code)
        and ``tokens`` (retry budget) at the start of each bin.
        """
        end = self.horizon_s if math.isfinite(self.horizon_s) else self.end_s
        end = max(end, 1e-12)
        bin_s = end / 100 if bin_s is None else validate.positive("bin_s", bin_s)
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
        """The state every ``sample_s`` seconds: waiting, busy servers, breaker state, retry tokens."""
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
        """Rates per second over [start_s, end_s) and the fate of requests that arrived in it."""
        end = (self.horizon_s if math.isfinite(self.horizon_s) else self.end_s) if end_s is None else end_s
        validate.number("start_s", start_s, 0.0)
        if not end > start_s:
            raise ValueError(f"end_s must be after start_s (got start_s={start_s}, end_s={end})")
        span = end - start_s

        def per_s(times, mask):
            t = times[mask]
            return float(np.count_nonzero((t >= start_s) & (t < end)) / span)

        everything = np.ones(self.attempts, bool)
        req = self.requests()
        req = req[(req.arrive_s >= start_s) & (req.arrive_s < end)]
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


def simulate(
    arrivals,
    service,
    c: int = 1,
    *,
    discipline: str = "fifo",
    queue_capacity: int | None = None,
    timeout_s: float | None = None,
    cancel: str = "none",
    retry: policies.Retry | None = None,
    breaker: policies.Breaker | None = None,
    degradations: Sequence[Degradation] = (),
    customers: int | None = None,
    horizon_s: float | None = None,
    sample_s: float | None = None,
    max_events: int | None = None,
    seed: int | None = None,
) -> StationResult:
    """Run the station until ``customers`` requests have come and gone, or until ``horizon_s``.

    Parameters
    ----------
    arrivals : Poisson, Trace or ClosedLoop, or a list of them (one per class)
    service : Dist or list of Dist
        Service time per class, in seconds (e.g. ``Exponential(0.01)``: 100/s).
    c : int
        Servers.
    discipline : {"fifo", "lifo", "priority"}
        Queue order; "priority" serves class 0 first, FIFO within a class.
    queue_capacity : int, optional
        Waiting room; an arrival that finds it full is rejected. None: unlimited.
    timeout_s : float, optional
        The client gives up on an attempt after this long.
    cancel : {"none", "queued", "all"}
        Whether the server drops work whose client gave up (see ``CANCEL``).
    retry : Retry, optional
    breaker : Breaker, optional
    degradations : list of Degradation
    customers : int, optional
        Logical requests to create (first tries); the run then drains.
    horizon_s : float, optional
        Stop at this time. At least one of ``customers`` and ``horizon_s`` is
        needed unless every class is a finite ``Trace``.
    sample_s : float, optional
        Spacing of the state samples (default: horizon / ``config.QUEUEING_SAMPLES``).
    max_events : int, optional
        Bound on the work (default ``config.QUEUEING_MAX_EVENTS``); a run that
        reaches it stops early with ``truncated=True``.
    seed : int, optional

    Returns
    -------
    StationResult

    Notes
    -----
    A discrete-event simulation in the manner of SimPy (a heap of timed
    events, ``kit.core.events``), compiled with numba. Checked against
    M/M/1 and Erlang C (:mod:`kit.queueing.theory`) and against a plain
    Python event loop (``tests/naive.py``) on deterministic inputs.

    Example
    -------
    >>> from kit.core.rng import Exponential
    >>> r = simulate(Poisson(80), Exponential(0.01), customers=20_000, seed=1)
    >>> bool(abs(np.nanmean(r.wait_s) - theory.mm1(80, 100).Wq) < 0.01)
    True
    """
    arrivals = _classes("arrivals", arrivals, (Poisson, Trace, ClosedLoop))
    services = _classes("service", service, (Dist,))
    if len(services) == 1 and len(arrivals) > 1:
        services = services * len(arrivals)
    if len(services) != len(arrivals):
        raise ValueError(
            f"service must give one distribution per class (got {len(services)} for {len(arrivals)} classes)"
        )
    c = validate.integer("c", c, 1, 1_000_000)
    validate.choice("discipline", discipline, DISCIPLINES)
    validate.choice("cancel", cancel, CANCEL)
    cap = -1 if queue_capacity is None else validate.integer("queue_capacity", queue_capacity, 0)
    timeout = math.inf if timeout_s is None else validate.positive("timeout_s", timeout_s)
    retry = policies.Retry(max_retries=0) if retry is None else retry
    if not isinstance(retry, policies.Retry):
        raise ValueError(f"retry must be a Retry (got {retry!r})")
    if breaker is not None and not isinstance(breaker, policies.Breaker):
        raise ValueError(f"breaker must be a Breaker such as BREAKERS['resilience4j'] (got {breaker!r})")
    for d in degradations:
        if not isinstance(d, Degradation):
            raise ValueError(f"degradations must be Degradation windows (got {d!r})")
    n_customers = UNLIMITED if customers is None else validate.integer("customers", customers, 1, 10**9)
    horizon = math.inf if horizon_s is None else validate.positive("horizon_s", horizon_s)
    endless = any(isinstance(a, Poisson | ClosedLoop) for a in arrivals)
    if endless and customers is None and horizon_s is None:
        raise ValueError("customers or horizon_s must be given: Poisson and closed-loop clients never stop")
    if sample_s is None:
        sample_dt = horizon / config.QUEUEING_SAMPLES if math.isfinite(horizon) else 0.0
    else:
        sample_dt = validate.positive("sample_s", sample_s)
    events = validate.integer(
        "max_events", config.QUEUEING_MAX_EVENTS if max_events is None else max_events, 1
    )
    seed = resolve_seed(seed)

    seg_t, rates = _rates(arrivals)
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
    service_table, service_at = spec_table(services)
    fault_t, slowdown, error_p = _faults(degradations, len(arrivals))
    budget = retry.budget_ratio is not None
    rows_hint = min(n_customers, 1 << 20)

    tm, info, samples, end, n_events, truncated = kk.station(
        c, DISCIPLINES[discipline], cap, seg_t, rates, batch_table, batch_at,
        trace_t[order], trace_cls[order], clients, think_table, think_at, service_table, service_at,
        fault_t, slowdown, error_p, timeout, CANCEL[cancel],
        retry.max_retries, policies.backoff_code(retry.backoff), retry.base_s, retry.cap_s, retry.multiplier,
        retry.budget_ratio if budget else 0.0, retry.budget_cap if budget else math.inf,
        breaker.cfg if breaker is not None else np.empty(0),
        n_customers, horizon, events, sample_dt, rows_hint, seed,
    )  # fmt: skip
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


# --- M/M/c against Erlang C ------------------------------------------------------------

MEASURES = {"mean_wait": "Wq", "mean_sojourn": "W", "p_wait": "p_wait", "utilization": "rho"}
"""Simulated measure -> the matching field of ``theory.QueueTheory``."""


@dataclass(frozen=True)
class MMcResult:
    """Replications of an M/M/c queue: means over replications and their standard errors.

    ``per_replication[i]`` holds replication i's mean wait, mean sojourn,
    fraction of customers that waited, and server utilization.
    """

    lam: float
    mu: float
    c: int
    customers: int
    warmup: int
    seed: int
    per_replication: np.ndarray = field(repr=False)

    @property
    def replications(self) -> int:
        return self.per_replication.shape[0]

    def _column(self, measure: str) -> np.ndarray:
        validate.choice("measure", measure, MEASURES)
        return self.per_replication[:, list(MEASURES).index(measure)]

    @property
    def mean_wait(self) -> float:
        return float(self._column("mean_wait").mean())

    @property
    def mean_sojourn(self) -> float:
        return float(self._column("mean_sojourn").mean())

    @property
    def p_wait(self) -> float:
        return float(self._column("p_wait").mean())

    @property
    def utilization(self) -> float:
        return float(self._column("utilization").mean())

    def se(self, measure: str) -> float:
        """Standard error of a measure's mean over replications (needs at least 2)."""
        x = self._column(measure)
        return float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan

    @property
    def theory(self) -> theory.QueueTheory | None:
        """Erlang C's steady state, or None when lam >= c mu (no steady state)."""
        if self.lam >= self.c * self.mu:
            return None
        return theory.mmc(self.lam, self.mu, self.c)

    def z(self, measure: str) -> float:
        """(simulated - theory) / standard error: within +-3 means the simulation agrees."""
        th = self.theory
        if th is None:
            raise ValueError(
                f"lam={self.lam:g} >= c*mu={self.c * self.mu:g}: there is no steady state to compare"
            )
        return (float(self._column(measure).mean()) - getattr(th, MEASURES[measure])) / self.se(measure)


def simulate_mmc(
    lam: float,
    mu: float,
    c: int,
    customers: int,
    seed: int | None = None,
    replications: int | None = None,
    warmup: int | None = None,
) -> MMcResult:
    """Simulate an M/M/c FIFO queue: ``replications`` independent runs of ``customers`` each.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate per server.
    c : int
        Servers.
    customers : int
        Customers per replication (the queue starts empty and drains at the end).
    seed : int, optional
    replications : int, optional
        Independent runs, in parallel (default ``config.QUEUEING_REPLICATIONS``).
    warmup : int, optional
        First customers of each run left out of the statistics, so the empty
        start does not bias them (default ``config.QUEUEING_WARMUP_FRACTION`` of
        ``customers``).

    Returns
    -------
    MMcResult
        ``.mean_wait``, ``.mean_sojourn``, ``.utilization``, ``.p_wait`` (means
        over replications), ``.se(measure)``, ``.theory``, ``.z(measure)``.

    Notes
    -----
    Replications run in parallel on the station kernel, each seeded from
    ``stream_seeds``: the answer does not depend on the thread count.
    Theory: Erlang C (Kleinrock 1975, §3.5); the z-scores test it.

    Example
    -------
    >>> r = simulate_mmc(0.8, 1.0, 1, 100_000, seed=1, replications=10)
    >>> bool(abs(r.z("mean_wait")) < 3 and abs(r.z("mean_sojourn")) < 3)
    True
    """
    lam = validate.positive("lam", lam)
    mu = validate.positive("mu", mu)
    c = validate.integer("c", c, 1, 100_000)
    customers = validate.integer("customers", customers, 2, 100_000_000)
    reps = validate.integer(
        "replications", config.QUEUEING_REPLICATIONS if replications is None else replications, 1, 10_000
    )
    warm = int(customers * config.QUEUEING_WARMUP_FRACTION) if warmup is None else warmup
    warm = validate.integer("warmup", warm, 0, customers - 2)
    seed = resolve_seed(seed)
    with one_chunk_at_a_time():
        per_rep = kk.mmc_replications(lam, mu, c, customers, warm, stream_seeds(seed, reps))
    return MMcResult(
        lam=lam, mu=mu, c=c, customers=customers, warmup=warm, seed=seed, per_replication=per_rep
    )


def warm() -> None:
    """Compile (or load from cache) every kernel of the queueing core with its real types."""
    from ..core.rng import Exponential

    simulate_mmc(1.0, 2.0, 1, 50, seed=0, replications=2)
    simulate(
        [Poisson(5.0, spikes=[(0.5, 0.5, 9.0)]), Trace([0.1, 0.2]), ClosedLoop(2, Exponential(0.1))],
        Exponential(0.05),
        2,
        timeout_s=0.2,
        retry=policies.Retry(2, "full_jitter", 0.01, 0.1, budget_ratio=0.1),
        breaker=policies.BREAKERS["hystrix"],
        degradations=[Degradation(0.5, 1.0, 3.0, 0.2)],
        horizon_s=2.0,
        seed=0,
    )
    policies.breaker_trace(policies.BREAKERS["resilience4j"], [0.0], [0.1], [1.0])
