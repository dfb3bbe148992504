"""Load balancing: which server gets the next request, and what it does to latency.

:func:`balance` runs N servers, each with its own FIFO queue, behind one
balancer fed by Poisson arrivals (the numba event loop in
``_balance_kernels``). Policies, in :data:`POLICIES`:

``random``
    a server uniformly at random: each server is an M/M/1 queue (Poisson splitting).
``round_robin``
    servers in turn: each sees every N-th arrival, Erlang-N interarrivals (GI/M/1).
``least_connections``
    join the shortest queue (JSQ): the fewest requests in service or waiting, ties at random.
``power_of_d``
    the least loaded of d servers drawn at random (Mitzenmacher 2001; Envoy's default
    LEAST_REQUEST with d = 2).
``stale_least_outstanding``
    least connections on a view of the queues refreshed every ``refresh_ms``: between
    refreshes every request goes to the servers that *looked* least loaded (the herd effect).
``consistent_hash``
    each request carries a key (Zipf popularity) and goes to the key's server on a hash
    ring: sticky, so a hot key's server gets that key's whole load.
``weighted_round_robin``
    nginx's smooth weighted round robin, weights = server speeds.

Theory beside it (:func:`theory_mean`, :func:`theory_quantile`): M/M/1 for
random, GI/M/1 with Erlang-N interarrivals for round robin (Kleinrock,
*Queueing Systems* Vol. 1, 1975, §6.4), and Mitzenmacher's mean-field
supermarket model for power of d (IEEE TPDS 12(10), 2001, Theorem 3.6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config, sharding
from ..core import validate
from ..core.jit import one_chunk_at_a_time
from ..core.rng import Dist, Exponential, Mixture, resolve_seed, stream_seeds, zipf_pmf
from . import _balance_kernels as kk
from . import _inputs

MS = 1000.0


@dataclass(frozen=True)
class Policy:
    """A balancing policy: its kernel code, whether it reads queue lengths, and where it is used.

    Parameters
    ----------
    code : int
        The kernel's policy code.
    load_aware : bool
        Reads the servers' queue lengths (live, or every ``refresh_ms``).
    stale : bool
        Defaults to a stale view (``config.SCALING_REFRESH_MS``).
    label : str
        A short description.
    """

    code: int
    load_aware: bool
    stale: bool
    label: str


POLICIES = {
    "random": Policy(kk.RANDOM, False, False, "uniformly at random"),
    "round_robin": Policy(kk.ROUND_ROBIN, False, False, "in turn (nginx, HAProxy, Envoy default: weighted)"),
    "least_connections": Policy(kk.LEAST_CONN, True, False, "join the shortest queue"),
    "power_of_d": Policy(kk.POWER_OF_D, True, False, "least loaded of d random servers"),
    "stale_least_outstanding": Policy(kk.LEAST_CONN, True, True, "least outstanding, view refreshed every T"),
    "consistent_hash": Policy(kk.HASH, False, False, "by key on a hash ring (sticky)"),
    "weighted_round_robin": Policy(
        kk.WEIGHTED_RR, False, False, "smooth weighted round robin, weights = speeds"
    ),
}
"""The balancing policies, by name (the app's dropdown and the tests iterate it)."""


def bimodal(
    service_ms: float = 1.0, slow_fraction: float | None = None, slow_factor: float | None = None
) -> Mixture:
    """A service time with a slow mode: exponential, ``slow_factor`` times slower with p = ``slow_fraction``.

    The overall mean is ``service_ms``.

    Parameters
    ----------
    service_ms : float
        Mean service time, milliseconds.
    slow_fraction : float, optional
        Share of slow requests (default ``config.SCALING_SLOW_FRACTION``).
    slow_factor : float, optional
        How much slower a slow request is on average (default ``config.SCALING_SLOW_FACTOR``).

    Returns
    -------
    Mixture
        A kit distribution in milliseconds.

    Examples
    --------
    >>> round(bimodal(1.0, 0.05, 10.0).mean, 9)
    1.0
    """
    mean = validate.positive("service_ms", service_ms)
    p = validate.probability(
        "slow_fraction", config.SCALING_SLOW_FRACTION if slow_fraction is None else slow_fraction
    )
    k = validate.number(
        "slow_factor", config.SCALING_SLOW_FACTOR if slow_factor is None else slow_factor, 1.0, 1e6
    )
    fast = mean / (1.0 - p + p * k)
    if p == 0.0:
        return Mixture([(1.0, Exponential(fast))])
    return Mixture([(1.0 - p, Exponential(fast)), (p, Exponential(fast * k))])


def _speeds(servers) -> np.ndarray:
    if isinstance(servers, bool):
        raise ValueError(f"servers must be a count or a list of speeds (got servers={servers!r})")
    if isinstance(servers, int | np.integer):
        n = validate.integer("servers", servers, 1, config.SCALING_MAX_SERVERS)
        return np.ones(n)
    if isinstance(servers, float):
        raise ValueError(f"servers must be a whole count or a list of speeds (got servers={servers!r})")
    try:
        speeds = np.asarray(servers, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"servers must be a count or a list of speeds (got servers={servers!r})") from None
    if speeds.ndim != 1 or not 1 <= speeds.size <= config.SCALING_MAX_SERVERS:
        raise ValueError(
            f"servers must be a count or 1 to {config.SCALING_MAX_SERVERS:,} speeds (got servers={servers!r})"
        )
    if not (np.all(np.isfinite(speeds)) and np.all(speeds > 0)):
        raise ValueError(f"servers' speeds must be positive numbers (got servers={servers!r})")
    return speeds


def _service(service_ms) -> Dist:
    """The service time in milliseconds: a Dist as given, a number as an exponential with that mean."""
    if isinstance(service_ms, Dist):
        mean = float(service_ms.mean)
        if not (math.isfinite(mean) and mean > 0):
            raise ValueError(f"service_ms must have a finite positive mean (got {service_ms!r})")
        return service_ms
    return Exponential(validate.positive("service_ms", service_ms))


@dataclass(frozen=True, eq=False)
class BalanceResult:
    """Replications of one balancing run: response times, where they went, queue lengths.

    Attributes
    ----------
    policy : str
        The policy's name.
    speeds : numpy.ndarray
        Each server's speed (1: nominal).
    utilisation : float
        Offered load over total capacity.
    lam : float
        Arrival rate, requests per second.
    service : Dist
        Service time at speed 1, milliseconds.
    d : int
        Choices of power of d.
    refresh_ms : float
        Period of the balancer's view (0: live).
    requests : int
        Requests per replication, warm-up included.
    warmup : int
        First requests of each replication left out.
    seed : int
        The seed.
    response_ms : numpy.ndarray
        Measured response times (wait + service), replication after replication, float32.
    server : numpy.ndarray
        The server of each measured request.
    time_in_state : numpy.ndarray
        ``[replication, server, k]``: seconds server s held k requests (last bin: k or more).
    window_s : numpy.ndarray
        Length of each replication's measured window, seconds.
    """

    policy: str
    speeds: np.ndarray = field(repr=False)
    utilisation: float
    lam: float
    service: Dist
    d: int
    refresh_ms: float
    requests: int
    warmup: int
    seed: int
    response_ms: np.ndarray = field(repr=False)
    server: np.ndarray = field(repr=False)
    time_in_state: np.ndarray = field(repr=False)
    window_s: np.ndarray = field(repr=False)

    @property
    def servers(self) -> int:
        return self.speeds.size

    @property
    def replications(self) -> int:
        return self.window_s.size

    def _per_rep(self) -> np.ndarray:
        return self.response_ms.reshape(self.replications, -1)

    @property
    def mean_ms(self) -> float:
        """Mean response time over every measured request, milliseconds."""
        return float(self.response_ms.mean(dtype=np.float64))

    @property
    def p99_ms(self) -> float:
        """99th percentile of the response time, milliseconds."""
        return self.percentile(99.0)

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100) of the response time over every measured request, ms."""
        q = validate.number("q", q, 0.0, 100.0)
        return float(np.percentile(self.response_ms, q))

    def se(self, q: float | None = None) -> float:
        """Standard error of the mean (``q`` None) or of the q-th percentile, from the replications.

        NaN with a single replication.
        """
        if self.replications < 2:
            return math.nan
        reps = self._per_rep()
        values = reps.mean(axis=1, dtype=np.float64) if q is None else np.percentile(reps, q, axis=1)
        return float(values.std(ddof=1) / math.sqrt(values.size))

    @property
    def utilisations(self) -> np.ndarray:
        """Each server's busy share of the measured window (all replications)."""
        tis = self.time_in_state.sum(axis=0)
        return 1.0 - tis[:, 0] / tis.sum(axis=1)

    @property
    def per_server(self) -> pd.DataFrame:
        """One row per server: speed, share of requests, utilisation, mean and p99 response, mean queue."""
        n = self.servers
        counts = np.bincount(self.server, minlength=n)
        sums = np.bincount(self.server, weights=self.response_ms.astype(np.float64), minlength=n)
        order = np.lexsort((self.response_ms, self.server))
        starts = np.concatenate([[0], np.cumsum(counts)])
        p99 = np.full(n, np.nan)
        for s in np.flatnonzero(counts):
            chunk = self.response_ms[order[starts[s] : starts[s + 1]]]
            p99[s] = np.percentile(chunk, 99.0)
        tis = self.time_in_state.sum(axis=0)
        span = tis.sum(axis=1)
        k = np.arange(tis.shape[1])
        with np.errstate(invalid="ignore", divide="ignore"):
            return pd.DataFrame(
                {
                    "server": np.arange(n),
                    "speed": self.speeds,
                    "share": counts / max(counts.sum(), 1),
                    "utilisation": self.utilisations,
                    "mean_ms": np.where(counts > 0, sums / counts, np.nan),
                    "p99_ms": p99,
                    "mean_queue": (tis * k).sum(axis=1) / span,
                }
            )

    def queue_lengths(self) -> pd.DataFrame:
        """The time-average distribution of requests at a server (all servers pooled).

        Columns ``k`` (requests in service or waiting; the last row is "k or more"),
        ``fraction`` (of server-time) and ``at_least`` (share of servers holding k or
        more at a random moment: the mean-field model's s_k).
        """
        tis = self.time_in_state.sum(axis=(0, 1))
        frac = tis / tis.sum()
        return pd.DataFrame(
            {"k": np.arange(frac.size), "fraction": frac, "at_least": frac[::-1].cumsum()[::-1]}
        )

    def at_least(self, k: int) -> tuple[float, float]:
        """Share of server-time with at least ``k`` requests, and its standard error over replications."""
        k = validate.integer("k", k, 0, self.time_in_state.shape[2] - 1)
        per = self.time_in_state[:, :, k:].sum(axis=(1, 2)) / self.time_in_state.sum(axis=(1, 2))
        se = per.std(ddof=1) / math.sqrt(per.size) if per.size > 1 else math.nan
        return float(per.mean()), float(se)


def _work(policy: Policy, n: int, d: int, requests: int, reps: int, refresh_s: float, lam: float) -> float:
    """Elementary steps a call costs: per request, plus a scan of all servers where the policy needs one."""
    per_request = 1.0
    if policy.code == kk.WEIGHTED_RR:
        per_request += n
    if policy.code == kk.POWER_OF_D:
        per_request += d
    steps = reps * requests * per_request
    if policy.load_aware and refresh_s > 0:
        steps += reps * (requests / lam / refresh_s) * n  # a refresh copies and scans every server
    return steps


def balance(
    policy: str,
    servers,
    utilisation: float,
    requests: int,
    service_ms=1.0,
    d: int = 2,
    seed: int | None = None,
    refresh_ms: float | None = None,
    zipf_alpha: float | None = None,
    replications: int = 1,
) -> BalanceResult:
    """Simulate N servers behind a load balancer and measure response times.

    Parameters
    ----------
    policy : str
        A key of :data:`POLICIES`: "random", "round_robin", "least_connections",
        "power_of_d", "stale_least_outstanding", "consistent_hash", "weighted_round_robin".
    servers : int or array of float
        The number of identical servers, or one speed per server (2.0 serves twice as
        fast; a slow server is a speed below 1).
    utilisation : float
        Offered load over total capacity, in (0, 1) for a stable system (up to 1.5 accepted:
        an overloaded run is finite, and shows the queues growing).
    requests : int
        Requests per replication, including the first ``config.SCALING_WARMUP_FRACTION``
        left out of the statistics.
    service_ms : float or Dist
        Mean service time at speed 1, ms (exponential), or a kit distribution in ms
        (e.g. ``LogNormal.from_median(0.8, 0.6)``, :func:`bimodal`).
    d : int
        Servers compared by "power_of_d".
    seed : int, optional
        Same seed, same run (whatever the thread count).
    refresh_ms : float, optional
        How often a load-aware policy's view of the queue lengths is refreshed; 0 is live.
        Default: ``config.SCALING_REFRESH_MS`` for "stale_least_outstanding", 0 otherwise.
    zipf_alpha : float, optional
        Key popularity skew for "consistent_hash" (default ``config.SCALING_ZIPF_ALPHA``;
        ``config.SCALING_KEYS`` keys, ``config.SCALING_VNODES`` tokens per server).
    replications : int
        Independent runs (in parallel), for standard errors.

    Returns
    -------
    BalanceResult
        ``.mean_ms``, ``.p99_ms``, ``.per_server`` (DataFrame), ``.queue_lengths()``, ``.se()``.

    Notes
    -----
    Each server serves its own queue first come, first served; service times are
    independent draws scaled by 1 / speed. Arrival rate
    lam = utilisation x sum(speeds) / mean service time. Load-aware policies count a
    server's requests in service and waiting, as a balancer counts open connections.
    Refused when the work (requests x replications, times the servers a policy
    scans) exceeds ``config.SCALING_MAX_REQUESTS``.

    Examples
    --------
    >>> r = balance("random", 10, 0.5, 50_000, seed=1, replications=4)
    >>> bool(abs(r.mean_ms - 2.0) < 4 * r.se())  # M/M/1: 1 ms / (1 - 0.5)
    True
    """
    validate.choice("policy", policy, POLICIES)
    p = POLICIES[policy]
    speeds = _speeds(servers)
    n = speeds.size
    rho = validate.number("utilisation", utilisation, 0.0, 1.5)
    if rho <= 0.0:
        raise ValueError(f"utilisation must be above 0 (got utilisation={rho:g})")
    reqs = validate.integer("requests", requests, 2, config.SCALING_MAX_REQUESTS)
    reps = validate.integer("replications", replications, 1, config.SCALING_MAX_REPLICATIONS)
    service = _service(service_ms)
    d = validate.integer("d", d, 1, 1000)
    default_refresh = config.SCALING_REFRESH_MS if p.stale else 0.0
    refresh = validate.number("refresh_ms", default_refresh if refresh_ms is None else refresh_ms, 0.0, 1e9)
    alpha = validate.number(
        "zipf_alpha", config.SCALING_ZIPF_ALPHA if zipf_alpha is None else zipf_alpha, 0.0, 5.0
    )
    seed = resolve_seed(seed)
    lam = rho * speeds.sum() / (service.mean / MS)
    refresh_s = refresh / MS if p.load_aware else 0.0
    if reps * reqs > config.SCALING_MAX_REQUESTS:
        raise ValueError(
            f"requests x replications = {reps * reqs:,} exceeds SCALING_MAX_REQUESTS="
            f"{config.SCALING_MAX_REQUESTS:,} (got requests={reqs:,}, replications={reps})"
        )
    work = _work(p, n, d, reqs, reps, refresh_s, lam)
    if work > 20 * config.SCALING_MAX_REQUESTS:
        raise ValueError(
            f"{policy} scans the servers: about {work:.3g} steps, more than 20 x SCALING_MAX_REQUESTS "
            f"(got servers={n:,}, requests={reqs:,}, refresh_ms={refresh:g})"
        )
    warmup = min(int(reqs * config.SCALING_WARMUP_FRACTION), reqs - 1)
    memory = reps * (8 * (reqs - warmup) + 8 * n * config.SCALING_QUEUE_BINS)
    if memory > config.SCALING_MAX_MEMORY_BYTES:
        raise ValueError(
            f"the run would hold {memory / 1e9:.3g} GB (responses, and a queue-length tally per server), "
            f"more than SCALING_MAX_MEMORY_BYTES (got servers={n:,}, requests={reqs:,}, replications={reps})"
        )
    if p.code == kk.HASH:
        owner = sharding.assign(np.arange(config.SCALING_KEYS), "ring", n, vnodes=config.SCALING_VNODES)
        key_cdf = np.cumsum(zipf_pmf(config.SCALING_KEYS, alpha))
    else:
        owner, key_cdf = np.zeros(1, np.int64), np.ones(1)
    run = kk.Run(p.code, 1.0 / MS, lam, reqs, warmup, d, refresh_s, config.SCALING_QUEUE_BINS)
    args = (run, speeds, service.spec, np.asarray(owner, np.int64), key_cdf)
    if reps == 1:
        response, server, tis, out = kk.run_one(*args, int(stream_seeds(seed, 1)[0]))
        tis, out = tis[None], out[None]
    else:
        with one_chunk_at_a_time():
            response, server, tis, out = kk.run_many(*args, stream_seeds(seed, reps).astype(np.int64))
    return BalanceResult(
        policy=policy,
        speeds=speeds,
        utilisation=rho,
        lam=lam,
        service=service,
        d=d,
        refresh_ms=refresh if p.load_aware else 0.0,
        requests=reqs,
        warmup=warmup,
        seed=seed,
        response_ms=response * np.float32(MS),
        server=server,
        time_in_state=tis,
        window_s=out[:, kk.OUT_T1] - out[:, kk.OUT_T0],
    )


def _sweep_budget(name: str, runs: int, requests, options: dict) -> int:
    """The requests of one run, refusing a sweep whose runs together exceed ``SCALING_MAX_SWEEP_REQUESTS``."""
    reqs = validate.integer("requests", requests, 2, config.SCALING_MAX_REQUESTS)
    reps = validate.integer(
        "replications", options.get("replications", 1), 1, config.SCALING_MAX_REPLICATIONS
    )
    total = runs * reqs * reps
    if total > config.SCALING_MAX_SWEEP_REQUESTS:
        raise ValueError(
            f"{name} x requests x replications = {total:,} requests, more than SCALING_MAX_SWEEP_REQUESTS="
            f"{config.SCALING_MAX_SWEEP_REQUESTS:,} (got {runs} runs of {reqs:,})"
        )
    return reqs


def compare(
    policies=None,
    servers=None,
    utilisations=None,
    requests: int | None = None,
    service_ms=1.0,
    seed=None,
    **options,
) -> pd.DataFrame:
    """Mean and p99 response time of several policies over several utilisations (the same seed each).

    Parameters
    ----------
    policies : list of str, optional
        Keys of :data:`POLICIES` (default: every policy).
    servers : int or array of float, optional
        As in :func:`balance` (default ``config.SCALING_SERVERS``).
    utilisations : list of float, optional
        Default: ``config.SCALING_APP_POINTS`` values from 0.3 to 0.9 (closer to 1, runs of
        the app's length start too far from steady state: they underestimate the queues).
    requests : int, optional
        Per run (default ``config.SCALING_SWEEP_REQUESTS``).
    service_ms : float or Dist
        As in :func:`balance`.
    seed : int, optional
        Every run uses it: the policies see the same arrival stream's randomness.
    **options
        ``d``, ``refresh_ms``, ``zipf_alpha``, ``replications`` for :func:`balance`.

    Returns
    -------
    pandas.DataFrame
        One row per (policy, utilisation): ``mean_ms``, ``p99_ms``, ``max_server_utilisation``.

    Examples
    --------
    >>> t = compare(["random", "least_connections"], 10, [0.5], 20_000, seed=1)
    >>> mean = t.set_index("policy").mean_ms
    >>> bool(mean["least_connections"] < mean["random"])
    True
    """
    names = list(POLICIES) if policies is None else _inputs.choices("policies", policies, POLICIES)
    servers = config.SCALING_SERVERS if servers is None else servers
    if utilisations is None:
        utilisations = np.linspace(0.3, 0.9, config.SCALING_APP_POINTS)
    us = _inputs.numbers("utilisations", utilisations, 0.0, 1.5, max_size=1000)
    runs = len(names) * us.size
    reqs = _sweep_budget(
        "policies x utilisations",
        runs,
        config.SCALING_SWEEP_REQUESTS if requests is None else requests,
        options,
    )
    rows = []
    for name in names:
        for u in us:
            r = balance(name, servers, float(u), reqs, service_ms, seed=seed, **options)
            rows.append(
                {
                    "policy": name,
                    "utilisation": float(u),
                    "mean_ms": r.mean_ms,
                    "p99_ms": r.p99_ms,
                    "max_server_utilisation": float(r.utilisations.max()),
                }
            )
    return pd.DataFrame(rows)


def herd(
    refresh_ms, policies=("stale_least_outstanding", "power_of_d", "round_robin", "random"), servers=None,
    utilisation=None, requests=None, seed=None,
) -> pd.DataFrame:  # fmt: skip
    """The herd effect: mean and p99 response as the balancer's view grows older.

    Parameters
    ----------
    refresh_ms : array of float
        Refresh periods of the view, ms (0: live).
    policies : list of str
        Policies compared (load-blind ones do not depend on the view: a reference line).
    servers : int or array of float, optional
        Default ``config.SCALING_SERVERS``.
    utilisation : float, optional
        Default ``config.SCALING_UTILISATION``.
    requests : int, optional
        Per run (default ``config.SCALING_SWEEP_REQUESTS``).
    seed : int, optional

    Returns
    -------
    pandas.DataFrame
        One row per (policy, refresh_ms): ``mean_ms``, ``p99_ms``.

    Examples
    --------
    >>> t = herd([0.0, 50.0], ["stale_least_outstanding"], 10, 0.8, 20_000, seed=1)
    >>> bool(t.mean_ms.iloc[1] > t.mean_ms.iloc[0])
    True
    """
    ts = _inputs.numbers("refresh_ms", refresh_ms, 0.0, 1e9, max_size=1000)
    policies = _inputs.choices("policies", policies, POLICIES)
    servers = config.SCALING_SERVERS if servers is None else servers
    u = config.SCALING_UTILISATION if utilisation is None else utilisation
    reqs = config.SCALING_SWEEP_REQUESTS if requests is None else requests
    reqs = _sweep_budget("policies x refresh_ms", len(policies) * ts.size, reqs, {})
    rows = []
    for name in policies:
        for t in ts:
            r = balance(name, servers, u, reqs, seed=seed, refresh_ms=float(t))
            rows.append({"policy": name, "refresh_ms": float(t), "mean_ms": r.mean_ms, "p99_ms": r.p99_ms})
    return pd.DataFrame(rows)


# --- theory ------------------------------------------------------------------------------------


def supermarket_mean(lam: float, d: int) -> float:
    """Mean time in system of the supermarket model, in mean service times (N -> infinity).

    T_d(lam) = sum_{i>=1} lam^((d^i - d) / (d - 1)), and 1 / (1 - lam) for d = 1
    (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing",
    IEEE TPDS 12(10), 2001, Theorem 3.6 and its corollary).

    Parameters
    ----------
    lam : float
        Arrival rate per server over service rate, in [0, 1).
    d : int
        Choices per request.

    Returns
    -------
    float
        Expected response time over the mean service time.

    Examples
    --------
    >>> [round(supermarket_mean(0.9, d), 3) for d in (1, 2, 3)]
    [10.0, 2.614, 2.028]
    """
    lam = validate.number("lam", lam, 0.0, 1.0)
    d = validate.integer("d", d, 1, 1000)
    if lam >= 1.0:
        return math.inf
    if d == 1:
        return 1.0 / (1.0 - lam)
    total, i = 0.0, 1
    while True:
        exponent = (d**i - d) / (d - 1)
        term = lam**exponent
        total += term
        if term < 1e-16 or exponent > 1e6:
            return total
        i += 1


def supermarket_tail(lam: float, d: int, k: int) -> float:
    """Share of servers with at least ``k`` requests in the supermarket model: lam^((d^k - 1)/(d - 1)).

    Parameters
    ----------
    lam : float
        Arrival rate per server over service rate, in [0, 1).
    d : int
        Choices per request (d = 1: lam^k, M/M/1).
    k : int
        Requests, at least 0.

    Returns
    -------
    float
        s_k, the fixed point of the mean-field equations (Mitzenmacher 2001, Lemma 3.2).

    Examples
    --------
    >>> round(supermarket_tail(0.9, 2, 3), 4)  # 0.9^7
    0.4783
    """
    lam = validate.number("lam", lam, 0.0, 1.0)
    d = validate.integer("d", d, 1, 1000)
    k = validate.integer("k", k, 0, 10_000)
    exponent = k if d == 1 else (d**k - 1) / (d - 1)
    return float(lam**exponent)


def erlang_rr_sigma(servers: int, utilisation: float) -> float:
    """Round robin's GI/M/1 root: sigma = A*(mu (1 - sigma)) with Erlang-N interarrivals.

    Server s sees every N-th of a Poisson stream of rate lam = N rho mu, so its
    interarrival time is Erlang(N, lam), with transform A*(s) = (lam / (lam + s))^N.
    The root in (0, 1) gives the sojourn time: exponential with rate mu (1 - sigma)
    (Kleinrock 1975, Vol. 1, §6.4, eq. 6.30 and 6.40).

    Parameters
    ----------
    servers : int
        N, servers in the rotation.
    utilisation : float
        rho = lam / (N mu), in (0, 1).

    Returns
    -------
    float
        sigma in (0, 1) (for N = 1, Poisson: sigma = rho).

    Examples
    --------
    >>> round(erlang_rr_sigma(1, 0.8), 6)
    0.8
    """
    from scipy.optimize import brentq

    n = validate.integer("servers", servers, 1, 10**7)
    rho = validate.number("utilisation", utilisation, 0.0, 1.0)
    if not 0.0 < rho < 1.0:
        raise ValueError(f"utilisation must be strictly between 0 and 1 (got utilisation={rho:g})")
    # with mu = 1: lam = n rho; f(s) = (lam / (lam + 1 - s))^n - s has one root in (0, 1) besides
    # s = 1. Solved for u = 1 - s with log1p/expm1: near s = 1 the direct form loses the sign of f
    # to rounding once n is large (n = 182, rho = 0.98 found the spurious root at 1).
    lam = n * rho

    def g(u):  # = f(1 - u): negative for small u (slope 1 - 1/rho), A*(0) > 0 at u = 1
        return u + math.expm1(-n * math.log1p(u / lam))

    return 1.0 - float(brentq(g, 1e-300, 1.0, xtol=1e-16, rtol=1e-15, maxiter=500))


def _rate(policy: str, servers: int, utilisation: float) -> float:
    """Rate of the exponential response time, in 1 / mean service; NaN where it is not exponential."""
    rho = validate.number("utilisation", utilisation, 0.0, 1.0)
    if policy == "random" or (policy == "round_robin" and servers == 1):
        return 1.0 - rho
    if policy == "round_robin":
        return 1.0 - erlang_rr_sigma(servers, rho)
    return math.nan


def theory_mean(policy: str, utilisation: float, servers: int = 1_000_000, d: int = 2) -> float:
    """The mean response time the theory gives, in mean service times (NaN where there is none).

    For exponential service and identical servers: random is M/M/1, 1 / (1 - rho);
    round robin is GI/M/1, 1 / (1 - sigma) (:func:`erlang_rr_sigma`); power of d is
    the supermarket model (:func:`supermarket_mean`, exact as N grows). The other
    policies have no closed form here: NaN.

    Parameters
    ----------
    policy : str
        A key of :data:`POLICIES`.
    utilisation : float
        rho, in [0, 1).
    servers : int
        N (round robin depends on it; the others do not).
    d : int
        Choices of power of d.

    Returns
    -------
    float
        E[T] / E[S], or NaN.

    Examples
    --------
    >>> round(theory_mean("random", 0.9), 6)
    10.0
    """
    validate.choice("policy", policy, POLICIES)
    n = validate.integer("servers", servers, 1, 10**7)
    d = validate.integer("d", d, 1, 1000)
    if policy == "power_of_d":
        return supermarket_mean(utilisation, d)
    rate = _rate(policy, n, utilisation)
    return 1.0 / rate if rate > 0 else (math.inf if rate == 0 else math.nan)


def theory_quantile(policy: str, utilisation: float, q: float, servers: int = 1_000_000) -> float:
    """The q-th percentile of response time, in mean service times, where it is exponential.

    Random (M/M/1) and round robin (GI/M/1) have exponential sojourn times, so
    the percentile is -ln(1 - q/100) times the mean; NaN for other policies.

    Parameters
    ----------
    policy : str
        A key of :data:`POLICIES`.
    utilisation : float
        rho, in [0, 1).
    q : float
        Percentile, strictly between 0 and 100.
    servers : int
        N.

    Returns
    -------
    float
        The percentile over the mean service time, or NaN.

    Examples
    --------
    >>> round(theory_quantile("random", 0.5, 99.0), 3)  # ln(100) / 0.5
    9.21
    """
    q = validate.number("q", q, 0.0, 100.0)
    if not 0.0 < q < 100.0:
        raise ValueError(f"q must be strictly between 0 and 100 (got q={q:g})")
    mean = theory_mean(policy, utilisation, servers)
    return -math.log1p(-q / 100.0) * mean if policy in ("random", "round_robin") else math.nan
