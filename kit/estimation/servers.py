"""How many servers: the naive division, and the queueing answer that meets a latency SLO.

The naive rule divides the peak rate by what one server does at a target
utilisation: ``ceil(qps / (qps_per_server * utilisation))``. It ignores the
latency objective altogether, so it can be far too few servers (small fleets,
tight SLOs) or far too many (large fleets pool their randomness).

The queueing answer models the fleet as M/M/c (Poisson arrivals at ``qps``,
exponential service with mean ``service_ms``, ``c`` servers sharing one
queue). A request's response time T = W + S; by Erlang C (``kit.queueing``),
P(W > t) = C(c, a) exp(-(c mu - lam) t) with a = lam / mu, so T is a
mixture: exponential service alone with probability 1 - C, service plus an
exponential wait with probability C (Harchol-Balter, *Performance Modeling and
Design of Computer Systems*, 2013, ch. 14; Kleinrock, *Queueing Systems* Vol. 1,
1975, §3.5). Its percentile has no closed form; the kernel solves
P(T > t) = 1 - p by bisection to 13 significant digits.

A server here is one worker that serves one request at a time (a core); a
machine with k cores is k servers if a balancer shares one queue across them
(join-the-shortest-queue balancing comes close; random balancing is k
separate M/M/1 queues, and worse).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import config, queueing
from ..core import validate
from ..core.rng import Dist, resolve_seed
from . import _kernels as kk

MS = 1000.0  # milliseconds per second


def _percentile(percentile) -> float:
    p = validate.number("percentile", percentile, 0.0, 100.0)
    if not 0.0 < p < 100.0:
        raise ValueError(f"percentile must be strictly between 0 and 100 (got percentile={p:g})")
    return p


def _load(qps, service_ms) -> tuple[float, float]:
    """(lam per s, mu per s), refusing a load no fleet within the limit can carry."""
    lam = validate.positive("qps", qps)
    service = validate.positive("service_ms", service_ms)
    offered = lam * service / MS
    if offered >= config.ESTIMATION_MAX_SERVERS:
        raise ValueError(
            f"qps x service_ms needs {offered:.3g} busy servers, more than ESTIMATION_MAX_SERVERS="
            f"{config.ESTIMATION_MAX_SERVERS:,} (got qps={lam:g}, service_ms={service:g})"
        )
    return lam, MS / service


def _servers(servers) -> int:
    return validate.integer("servers", servers, 1, config.ESTIMATION_MAX_SERVERS)


def _quantiles_s(lam: float, mu: float, cs: np.ndarray, tail: float) -> np.ndarray:
    """Response-time quantiles in seconds for each stable c in ``cs`` (inf where unstable)."""
    out = np.full(cs.size, math.inf)
    stable = cs * mu > lam
    if stable.any():
        c = cs[stable]
        p_wait = np.array([queueing.erlang_c(lam, mu, int(k)) for k in c])
        theta = c * mu - lam
        out[stable] = kk.sojourn_quantile(np.full(c.size, mu), theta, p_wait, np.full(c.size, tail))
    return out


def response_time_quantile(qps: float, service_ms: float, servers: int, percentile: float) -> float:
    """The ``percentile`` of M/M/c response time (wait + service), in milliseconds.

    Parameters
    ----------
    qps : float
        Arrival rate, requests per second (Poisson).
    service_ms : float
        Mean service time of one request, milliseconds (exponential).
    servers : int
        Servers c, each serving one request at a time, sharing one FIFO queue.
    percentile : float
        Strictly between 0 and 100 (99 for p99).

    Returns
    -------
    float
        The response-time percentile in milliseconds; ``inf`` when ``qps >= servers / service``
        (the queue grows without bound).

    Notes
    -----
    With lam = qps, mu = 1/service, theta = c mu - lam and C the Erlang C
    probability of waiting (``kit.queueing.erlang_c``):
    P(T > t) = e^{-mu t} + C mu (e^{-mu t} - e^{-theta t}) / (theta - mu), and
    e^{-mu t}(1 + C mu t) when theta = mu. The percentile solves
    P(T > t) = 1 - percentile/100. For one server T is exponential with rate
    mu - lam, so the p99 is ln(100) / (mu - lam).

    Examples
    --------
    >>> round(response_time_quantile(80.0, 10.0, 1, 99.0), 3)  # ln(100) / (100 - 80) s
    230.259
    """
    lam, mu = _load(qps, service_ms)
    c = _servers(servers)
    tail = 1.0 - _percentile(percentile) / 100.0
    return float(_quantiles_s(lam, mu, np.array([c], dtype=np.int64), tail)[0] * MS)


def response_time_curve(qps: float, service_ms: float, servers, percentile: float) -> np.ndarray:
    """:func:`response_time_quantile` for many server counts at once.

    Parameters
    ----------
    qps : float
        Requests per second.
    service_ms : float
        Mean service time, milliseconds.
    servers : array of int
        Server counts, each 1..``config.ESTIMATION_MAX_SERVERS``; at most 10,000 of them.
    percentile : float
        Strictly between 0 and 100.

    Returns
    -------
    numpy.ndarray
        Percentiles in milliseconds, ``inf`` where unstable.

    Examples
    --------
    >>> response_time_curve(80.0, 10.0, [1, 2], 99.0).round(1).tolist()
    [230.3, 51.0]
    """
    lam, mu = _load(qps, service_ms)
    cs = np.atleast_1d(np.asarray(servers))
    if cs.ndim != 1 or cs.size > 10_000 or (cs.size and not np.issubdtype(cs.dtype, np.integer)):
        raise ValueError(f"servers must be up to 10,000 integers (got servers={servers!r})")
    validate.in_range("servers", cs, 1, config.ESTIMATION_MAX_SERVERS)
    tail = 1.0 - _percentile(percentile) / 100.0
    return _quantiles_s(lam, mu, cs.astype(np.int64), tail) * MS


def naive_servers(qps: float, qps_per_server: float, utilisation: float = 0.7) -> int:
    """The naive fleet: ``ceil(qps / (qps_per_server * utilisation))``.

    Parameters
    ----------
    qps : float
        Peak requests per second.
    qps_per_server : float
        Requests per second one server completes when busy all the time (1000 / service_ms
        for one worker).
    utilisation : float
        Target busy fraction, in (0, 1].

    Returns
    -------
    int
        Servers, at least 1.

    Examples
    --------
    >>> naive_servers(1000.0, 50.0, 0.7)
    29
    """
    lam = validate.positive("qps", qps)
    per = validate.positive("qps_per_server", qps_per_server)
    u = validate.number("utilisation", utilisation, 0.0, 1.0)
    if u <= 0.0:
        raise ValueError(f"utilisation must be above 0 (got utilisation={u:g})")
    need = lam / (per * u)
    if need > config.ESTIMATION_MAX_SERVERS:
        raise ValueError(
            f"qps / (qps_per_server x utilisation) = {need:.3g} servers exceeds ESTIMATION_MAX_SERVERS="
            f"{config.ESTIMATION_MAX_SERVERS:,} (got qps={lam:g}, qps_per_server={per:g})"
        )
    return max(1, math.ceil(need * (1.0 - 1e-12)))  # 1e-12: 1000/(50*0.8) is 25, not 26


def _meets(lam: float, mu: float, c: int, t_s: float, tail: float) -> bool:
    if c * mu <= lam:
        return False
    p_wait = queueing.erlang_c(lam, mu, c)
    return kk.sojourn_sf(t_s, mu, c * mu - lam, p_wait) <= tail


def servers_needed(qps: float, service_ms: float, slo_ms: float, percentile: float = 99.0) -> int:
    """The fewest M/M/c servers whose response-time ``percentile`` is at most ``slo_ms``.

    Parameters
    ----------
    qps : float
        Peak requests per second (Poisson).
    service_ms : float
        Mean service time, milliseconds (exponential).
    slo_ms : float
        The response-time objective, milliseconds.
    percentile : float
        The objective's percentile, strictly between 0 and 100.

    Returns
    -------
    int
        The smallest stable c with P(T > slo) <= 1 - percentile/100.

    Raises
    ------
    ValueError
        Naming ``slo_ms`` when no number of servers meets it: the service time
        alone exceeds the SLO at that percentile (its p99 is ln(100) x service_ms
        = 4.6 x service_ms), or the fleet would pass ``config.ESTIMATION_MAX_SERVERS``.

    Notes
    -----
    P(T > t) falls as c grows, so the search is exponential then binary over c
    from the smallest stable fleet floor(a) + 1, testing the tail at the SLO
    directly (no quantile to solve): O(log c) Erlang C evaluations.

    Examples
    --------
    >>> servers_needed(1000.0, 20.0, 100.0, 99.0)
    29
    """
    lam, mu = _load(qps, service_ms)
    slo = validate.positive("slo_ms", slo_ms)
    p = _percentile(percentile)
    tail = 1.0 - p / 100.0
    t = slo / MS
    floor_ms = -math.log(tail) / mu * MS
    if slo <= floor_ms:
        raise ValueError(
            f"slo_ms={slo:g} is unreachable: the service time alone has a p{p:g} of {floor_ms:.4g} ms "
            f"(exponential with mean service_ms={MS / mu:g}), so no number of servers meets it"
        )
    lo = math.floor(lam / mu) + 1  # smallest stable fleet
    if _meets(lam, mu, lo, t, tail):
        return lo
    step, hi = 1, lo + 1
    while not _meets(lam, mu, hi, t, tail):
        lo, step = hi, step * 2
        hi = lo + step
        if hi > config.ESTIMATION_MAX_SERVERS:
            raise ValueError(
                f"slo_ms={slo:g} needs more than ESTIMATION_MAX_SERVERS={config.ESTIMATION_MAX_SERVERS:,} "
                f"servers: it is within a hair of the service time's own p{p:g} ({floor_ms:.4g} ms)"
            )
    while hi - lo > 1:  # lo misses the SLO, hi meets it
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if _meets(lam, mu, mid, t, tail) else (mid, hi)
    return hi


@dataclass(frozen=True)
class Sizing:
    """Two fleet sizes for one load, side by side.

    Attributes
    ----------
    qps, service_ms, slo_ms, percentile, utilisation : float
        The inputs.
    service_quantile_ms : float
        The service time's own percentile: no fleet answers faster.
    naive : int
        ``naive_servers(qps, 1000 / service_ms, utilisation)``.
    naive_ms : float
        The response-time percentile with the naive fleet, milliseconds.
    needed : int
        ``servers_needed(qps, service_ms, slo_ms, percentile)``.
    needed_ms : float
        The response-time percentile with that fleet, milliseconds.
    """

    qps: float
    service_ms: float
    slo_ms: float
    percentile: float
    utilisation: float
    service_quantile_ms: float
    naive: int
    naive_ms: float
    needed: int
    needed_ms: float

    @property
    def verdict(self) -> str:
        """One sentence: does the naive fleet miss the SLO, or how much does it over-provision?"""
        if self.naive_ms > self.slo_ms:
            return (
                f"naive sizing misses the SLO: p{self.percentile:g} = {self.naive_ms:,.0f} ms "
                f"with {self.naive:,} servers, {self.naive_ms / self.slo_ms:.1f}x the "
                f"{self.slo_ms:g} ms target"
            )
        extra = self.naive / self.needed - 1.0
        return (
            f"naive sizing meets the SLO with {self.naive:,} servers; {self.needed:,} would do "
            f"({extra:.0%} more servers than needed)"
        )


def compare_sizing(
    qps: float,
    service_ms: float,
    slo_ms: float,
    percentile: float | None = None,
    utilisation: float | None = None,
) -> Sizing:
    """The naive and the queueing-aware fleet for one load, with each one's percentile.

    Parameters
    ----------
    qps : float
        Peak requests per second.
    service_ms : float
        Mean service time, milliseconds.
    slo_ms : float
        Response-time objective, milliseconds.
    percentile : float, optional
        Default ``config.ESTIMATION_PERCENTILE``.
    utilisation : float, optional
        The naive rule's target, default ``config.ESTIMATION_UTILISATION``.

    Returns
    -------
    Sizing

    Examples
    --------
    >>> s = compare_sizing(5.0, 100.0, 800.0, 99.0, 0.7)
    >>> s.naive, s.needed, s.naive_ms > s.slo_ms
    (1, 2, True)
    """
    p = config.ESTIMATION_PERCENTILE if percentile is None else percentile
    u = config.ESTIMATION_UTILISATION if utilisation is None else utilisation
    needed = servers_needed(qps, service_ms, slo_ms, p)
    naive = naive_servers(qps, MS / service_ms, u)
    lam, mu = _load(qps, service_ms)
    tail = 1.0 - p / 100.0
    both = _quantiles_s(lam, mu, np.array([naive, needed], dtype=np.int64), tail) * MS
    return Sizing(
        qps=float(qps),
        service_ms=float(service_ms),
        slo_ms=float(slo_ms),
        percentile=float(p),
        utilisation=float(u),
        service_quantile_ms=-math.log(tail) / mu * MS,
        naive=naive,
        naive_ms=float(both[0]),
        needed=needed,
        needed_ms=float(both[1]),
    )


@dataclass(frozen=True)
class SimulatedPercentile:
    """A response-time percentile measured by simulation, beside the M/M/c formula.

    Attributes
    ----------
    percentile : float
        Which percentile.
    simulated_ms : float
        The percentile of all measured response times, milliseconds.
    se_ms : float
        Its standard error from 20 batches of consecutive requests (batch means:
        neighbouring requests in a queue are correlated), milliseconds.
    mmc_ms : float
        The M/M/c percentile for exponential service with the same mean, milliseconds.
    mean_service_ms : float
        The service distribution's mean, milliseconds.
    customers : int
        Requests measured (after the warm-up share ``config.QUEUEING_WARMUP_FRACTION``).
    seed : int
        The seed of the run.
    """

    percentile: float
    simulated_ms: float
    se_ms: float
    mmc_ms: float
    mean_service_ms: float
    customers: int
    seed: int


BATCHES = 20


def simulate_percentile(
    qps: float,
    service: Dist,
    servers: int,
    percentile: float | None = None,
    customers: int | None = None,
    seed: int | None = None,
) -> SimulatedPercentile:
    """Check a sizing by simulation (``kit.queueing.simulate``), for any service distribution.

    Parameters
    ----------
    qps : float
        Poisson arrivals per second.
    service : Dist
        Service time in seconds, a ``kit.core.rng`` distribution (``Exponential(0.02)``,
        ``LogNormal.from_median(0.015, 0.8)``, ``Constant(0.02)``...).
    servers : int
        Servers sharing one FIFO queue.
    percentile : float, optional
        Default ``config.ESTIMATION_PERCENTILE``.
    customers : int, optional
        Requests simulated, default ``config.ESTIMATION_SIM_CUSTOMERS``, at most
        ``config.ESTIMATION_SIM_MAX_CUSTOMERS``.
    seed : int, optional
        Same seed, same result.

    Returns
    -------
    SimulatedPercentile

    Examples
    --------
    >>> from kit.core.rng import Exponential
    >>> r = simulate_percentile(80.0, Exponential(0.01), 1, 99.0, customers=100_000, seed=1)
    >>> bool(abs(r.simulated_ms - r.mmc_ms) < 4 * r.se_ms)
    True
    """
    if not isinstance(service, Dist):
        raise ValueError(
            f"service must be a kit distribution in seconds such as Exponential(0.02) (got {service!r})"
        )
    mean_s = float(getattr(service, "mean", math.nan))
    if not (math.isfinite(mean_s) and mean_s > 0):
        raise ValueError(f"service must have a finite positive mean (got service={service!r})")
    p = _percentile(config.ESTIMATION_PERCENTILE if percentile is None else percentile)
    lam, mu = _load(qps, mean_s * MS)
    c = _servers(servers)
    if lam >= c * mu:
        raise ValueError(
            f"servers={c} cannot keep up with qps={lam:g} at a mean service of {mean_s * MS:g} ms: "
            "the queue grows without bound"
        )
    n = validate.integer(
        "customers",
        config.ESTIMATION_SIM_CUSTOMERS if customers is None else customers,
        100 * BATCHES,
        config.ESTIMATION_SIM_MAX_CUSTOMERS,
    )
    seed = resolve_seed(seed)
    run = queueing.simulate(queueing.Poisson(lam), service, c, customers=n, seed=seed)
    response = run.response_s[int(config.QUEUEING_WARMUP_FRACTION * run.attempts) :]
    response = response[np.isfinite(response)]
    batches = [np.percentile(b, p) for b in np.array_split(response, BATCHES)]
    return SimulatedPercentile(
        percentile=p,
        simulated_ms=float(np.percentile(response, p) * MS),
        se_ms=float(np.std(batches, ddof=1) / math.sqrt(BATCHES) * MS),
        mmc_ms=response_time_quantile(lam, mean_s * MS, c, p),
        mean_service_ms=mean_s * MS,
        customers=int(response.size),
        seed=seed,
    )


def max_qps(servers: int, service_ms: float, slo_ms: float, percentile: float = 99.0) -> float:
    """The highest request rate ``servers`` carry while meeting the SLO: the fleet's capacity.

    Parameters
    ----------
    servers : int
        Servers c.
    service_ms : float
        Mean service time, milliseconds (exponential).
    slo_ms : float
        Response-time objective, milliseconds.
    percentile : float
        The objective's percentile, strictly between 0 and 100.

    Returns
    -------
    float
        Requests per second (bisection to 1e-9 relative): the rate at which the
        ``percentile`` of response time reaches ``slo_ms``.

    Examples
    --------
    >>> round(max_qps(1, 10.0, 230.2585, 99.0), 3)  # M/M/1: p99 = ln(100) / (mu - lam)
    80.0
    """
    c = _servers(servers)
    mu = MS / validate.positive("service_ms", service_ms)
    slo = validate.positive("slo_ms", slo_ms)
    p = _percentile(percentile)
    tail = 1.0 - p / 100.0
    floor_ms = -math.log(tail) / mu * MS
    if slo <= floor_ms:
        raise ValueError(
            f"slo_ms={slo:g} is unreachable: the service time alone (service_ms={MS / mu:g}) has a "
            f"p{p:g} of {floor_ms:.4g} ms"
        )
    lo, hi = 0.0, c * mu  # lo meets the SLO (no load), hi does not (unstable)
    while hi - lo > 1e-9 * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _meets(mid, mu, c, slo / MS, tail) else (lo, mid)
    return lo
