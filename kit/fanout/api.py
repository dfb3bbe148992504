"""Fan-out and the tail at scale: the start lab's public functions.

A front end sends one request to ``k`` servers and answers when the last
replies. If each server is slow with probability ``p``, independently, the
request is slow with probability ``1 - (1 - p)^k`` (Dean & Barroso, "The Tail
at Scale", CACM 56(2), 2013, section "Why variability is amplified by scale":
with p = 1% and k = 100, 63% of requests are slow).

More generally the request latency is the maximum of ``k`` server latencies,
so its CDF is ``F(x)^k`` and its q-quantile is the server's
``q^(1/k)``-quantile: the median request sees a server's 99.3th percentile
when k = 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import Dist, LogNormal, Mixture, Uniform, resolve_seed, stream_seeds
from . import _kernels as kk

__all__ = [
    "FanoutResult",
    "k_grid",
    "max_fanout",
    "p_slow",
    "p_slow_mc",
    "server_latency",
    "simulate",
    "simulate_span",
    "span",
    "theory_p_slower",
    "theory_percentile",
    "warm",
]


def server_latency(
    p: float | None = None,
    fast_median_ms: float | None = None,
    fast_sigma: float | None = None,
    slow_ms: float | None = None,
) -> Mixture:
    """One server's latency: usually fast, slow with probability ``p``.

    Parameters
    ----------
    p : float, optional
        Probability that a request finds the server slow, 0..1
        (default ``config.FANOUT_P_SLOW``).
    fast_median_ms : float, optional
        Median of the fast mode, a log-normal, in ms (default ``config.FANOUT_FAST_MEDIAN_MS``).
    fast_sigma : float, optional
        Log-space spread of the fast mode, > 0 (default ``config.FANOUT_FAST_SIGMA``).
    slow_ms : float, optional
        A slow server takes uniformly between ``slow_ms`` and 2 ``slow_ms`` ms
        (a pause, a queue behind a compaction); it must exceed ``fast_median_ms``
        (default ``config.FANOUT_SLOW_MS``).

    Returns
    -------
    Mixture
        A kit distribution of latency in ms (``sample``, ``cdf``, ``sf``, ``quantile``).
    """
    p = validate.probability("p", config.FANOUT_P_SLOW if p is None else p)
    median = validate.positive(
        "fast_median_ms", config.FANOUT_FAST_MEDIAN_MS if fast_median_ms is None else fast_median_ms
    )
    sigma = validate.positive("fast_sigma", config.FANOUT_FAST_SIGMA if fast_sigma is None else fast_sigma)
    slow = validate.positive("slow_ms", config.FANOUT_SLOW_MS if slow_ms is None else slow_ms)
    if slow <= median:
        raise ValueError(
            f"slow_ms must exceed fast_median_ms (got slow_ms={slow:g}, fast_median_ms={median:g})"
        )
    return Mixture([(1.0 - p, LogNormal.from_median(median, sigma)), (p, Uniform(slow, 2.0 * slow))])


def _fanouts(name: str, k, lo: int = 1, hi: float = math.inf) -> np.ndarray:
    """``k`` as an array of whole numbers of servers within [lo, hi], or a ValueError naming it."""
    a = np.asarray(k)
    if a.dtype == bool or not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise ValueError(f"{name} must be whole numbers of servers (got {name}={k!r})")
    if a.size and not (np.all(np.isfinite(a)) and np.all(a == np.round(a))):
        bad = a[~(np.isfinite(a) & (a == np.round(a)))].ravel()[0]
        raise ValueError(f"{name} must be whole numbers of servers (got {name}={bad:g})")
    validate.in_range(name, a, lo, hi)
    return a.astype(np.int64)


def _percentiles(q) -> np.ndarray:
    """``q`` as an array of percentiles in [0, 100], or a ValueError naming it."""
    try:
        levels = np.asarray(q, dtype=float)
    except (TypeError, ValueError):
        levels = np.array([np.nan])
    if isinstance(q, (str, bool)) or levels.size == 0 or not np.all(np.isfinite(levels)):
        raise ValueError(f"q must be percentiles between 0 and 100 (got q={q!r})")
    validate.in_range("q", levels, 0.0, 100.0)
    return levels


def _server(server) -> Dist:
    if not isinstance(server, Dist):
        raise ValueError(f"server must be a kit distribution such as server_latency() (got {server!r})")
    return server


def _probability(name: str, p) -> np.ndarray:
    a = np.asarray(p)
    if a.dtype == bool or not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise ValueError(f"{name} must be a probability between 0 and 1 (got {name}={p!r})")
    validate.in_range(name, a, 0.0, 1.0)
    return a.astype(float)


def p_slow(k, p):
    """P(a request fanned out to ``k`` servers is slow) = 1 - (1 - p)^k.

    Parameters
    ----------
    k : int or array of int
        Servers each request waits for, >= 1 (whole numbers; 2.5 is refused).
    p : float or array of float
        Probability that one server is slow, 0..1, independently of the others.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Probability that the request is slow (0..1), broadcast over ``k`` and ``p``.

    Notes
    -----
    For small ``kp`` (not merely small ``p``) this is close to ``kp``: at
    k = 10, p = 0.01, kp = 0.1 and the truth is 0.096; at k = 100, p = 0.01,
    kp = 1 while the truth is 0.634. Dean & Barroso (2013), "Why
    variability is amplified by scale".

    Examples
    --------
    >>> round(float(p_slow(100, 0.01)), 3)
    0.634
    """
    k = _fanouts("k", k)
    p = _probability("p", p)
    return 1.0 - (1.0 - p) ** k


def max_fanout(p: float, target: float) -> int:
    """The widest fan-out whose requests are slow with probability at most ``target``.

    Parameters
    ----------
    p : float
        Probability that one server is slow, 0 < p <= 1.
    target : float
        The largest acceptable P(slow request), 0 <= target < 1.

    Returns
    -------
    int
        The largest k >= 0 with ``p_slow(k, p) <= target`` (0: even one server is too many).

    Examples
    --------
    >>> max_fanout(0.01, 0.5)
    68
    """
    p = validate.number("p", p, 0.0, 1.0)
    target = validate.number("target", target, 0.0, 1.0)
    if p == 0.0:
        raise ValueError("p must be above 0: with p=0 no fan-out is ever slow (got p=0)")
    if target == 1.0:
        raise ValueError("target must be below 1: every fan-out meets target=1 (got target=1)")
    if p == 1.0:
        return 0
    k = math.floor(math.log1p(-target) / math.log1p(-p))
    while float(p_slow(k + 1, p)) <= target:  # the floor of a ratio of logs may fall one short
        k += 1
    while k > 0 and float(p_slow(k, p)) > target:
        k -= 1
    return k


def k_grid(k_max: int, extra=()) -> np.ndarray:
    """About 30 log-spaced fan-outs from 1 to ``k_max``, plus ``extra``.

    Parameters
    ----------
    k_max : int
        The widest fan-out, 1..``config.FANOUT_MAX_K`` servers.
    extra : sequence of int, optional
        Fan-outs to include as well (e.g. the learner's k).

    Returns
    -------
    numpy.ndarray of int64
        Sorted, distinct fan-outs in servers.
    """
    k_max = validate.integer("k_max", k_max, 1, config.FANOUT_MAX_K)
    extra = _fanouts("extra", extra, 1, config.FANOUT_MAX_K)
    ks = np.unique(np.round(np.geomspace(1, k_max, 30)).astype(np.int64))
    return np.unique(np.concatenate([ks, extra.ravel()]))


@dataclass(frozen=True)
class FanoutResult:
    """Simulated request latencies: ``latency_ms[trial, i]`` for fan-out ``ks[i]``.

    Attributes
    ----------
    ks : numpy.ndarray of int64
        Fan-outs simulated, in servers, sorted.
    latency_ms : numpy.ndarray of float64
        Request latency in ms, one row per simulated request, one column per fan-out.
    server : Dist
        The server latency distribution (ms) the draws came from.
    seed : int
        The seed used.
    """

    ks: np.ndarray
    latency_ms: np.ndarray
    server: Dist
    seed: int

    @property
    def trials(self) -> int:
        """Requests simulated per fan-out."""
        return self.latency_ms.shape[0]

    def p_slower_than(self, threshold_ms: float):
        """Fraction of requests at or above ``threshold_ms`` per fan-out, and its standard error.

        Parameters
        ----------
        threshold_ms : float
            Latency threshold in ms.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            The fraction (0..1) and its binomial standard error, per ``ks``.
        """
        threshold_ms = validate.number("threshold_ms", threshold_ms)
        frac = (self.latency_ms >= threshold_ms).mean(axis=0)
        return frac, np.sqrt(frac * (1.0 - frac) / self.trials)

    def percentile(self, q) -> np.ndarray:
        """The q-th percentile of request latency per fan-out.

        Parameters
        ----------
        q : float or sequence of float
            Percentile(s), 0..100.

        Returns
        -------
        numpy.ndarray
            Latency in ms, per ``ks`` (one row per percentile when ``q`` is a sequence):
            the smallest simulated latency with at least q% of requests at or below it.
        """
        levels = _percentiles(q)
        # a latency some request had, as the theory's quantile is defined: interpolating
        # across the gap between fast and slow servers would invent one no request saw
        return np.percentile(self.latency_ms, levels, axis=0, method="inverted_cdf")


def _check_work(ks: np.ndarray, trials: int) -> None:
    """Refuse a run whose draws or result would exceed the limits in ``kit.config``."""
    draws = trials * int(ks[-1])
    if draws > config.FANOUT_MAX_DRAWS:
        raise ValueError(
            f"trials x max(ks) = {trials:,} x {int(ks[-1]):,} = {draws:.3g} server draws exceeds "
            f"FANOUT_MAX_DRAWS = {config.FANOUT_MAX_DRAWS:.3g} (about a minute of work): lower trials or ks"
        )
    nbytes = trials * ks.size * 8
    if nbytes > config.FANOUT_MAX_BYTES:
        raise ValueError(
            f"trials x len(ks) = {trials:,} x {ks.size:,} latencies need {nbytes / 1e6:,.0f} MB, beyond "
            f"FANOUT_MAX_BYTES = {config.FANOUT_MAX_BYTES / 1e6:,.0f} MB: lower trials or pass fewer ks"
        )


def simulate(
    ks, server: Dist | None = None, trials: int | None = None, seed: int | None = None
) -> FanoutResult:
    """Monte Carlo request latency for each fan-out in ``ks``.

    Work (``trials x max(ks)`` server draws) and memory (``trials x len(ks)``
    latencies) are checked first against ``config.FANOUT_MAX_DRAWS`` and
    ``config.FANOUT_MAX_BYTES``.

    Parameters
    ----------
    ks : int or array of int
        Fan-outs (servers each request waits for), 1..``config.FANOUT_MAX_K``.
    server : Dist, optional
        One server's latency in ms (default :func:`server_latency`).
    trials : int, optional
        Requests simulated (default ``config.FANOUT_TRIALS``).
    seed : int, optional
        Same seed, same latencies (default ``config.SEED``).

    Returns
    -------
    FanoutResult
        Request latencies in ms per trial and fan-out.

    Examples
    --------
    >>> r = simulate([1, 100], server_latency(p=0.01), trials=20_000, seed=1)
    >>> frac, se = r.p_slower_than(1000.0)
    >>> bool(abs(frac[1] - p_slow(100, 0.01)) < 4 * se[1])
    True
    """
    a = np.atleast_1d(np.asarray(ks))
    if a.size == 0 or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"ks must be integers between 1 and {config.FANOUT_MAX_K} (got ks={ks!r})")
    ks = np.unique(_fanouts("ks", a, 1, config.FANOUT_MAX_K))
    server = _server(server_latency() if server is None else server)
    trials = validate.integer("trials", config.FANOUT_TRIALS if trials is None else trials, 1, None)
    _check_work(ks, trials)
    seed = resolve_seed(seed)
    seeds = stream_seeds(seed, -(-trials // kk.CHUNK))
    latency = kk.fanout_max(server.spec, ks, trials, seeds)
    return FanoutResult(ks=ks, latency_ms=latency, server=server, seed=seed)


SPANS = (500, 1000, 2000, 5000, 10_000)  # grid ends past config.FANOUT_K_MAX: nearby k share one run


def span(k: int) -> int:
    """The widest fan-out the lab's curves need to show fan-out ``k``.

    Parameters
    ----------
    k : int
        A fan-out in servers, 1..``config.FANOUT_MAX_K``.

    Returns
    -------
    int
        ``config.FANOUT_K_MAX`` servers, or the first of 500, 1,000, 2,000,
        5,000 and 10,000 at or above ``k``.
    """
    k = validate.integer("k", k, 1, config.FANOUT_MAX_K)
    if k <= config.FANOUT_K_MAX:
        return config.FANOUT_K_MAX
    return next((s for s in SPANS if s >= k), config.FANOUT_MAX_K)


def simulate_span(
    k: int, server: Dist | None = None, draws: int | None = None, seed: int | None = None
) -> FanoutResult:
    """Fan-outs from 1 to :func:`span` ``(k)`` on a log grid, within a budget of server draws.

    What the app draws: the requests simulated are ``config.FANOUT_TRIALS``,
    or fewer when the span is wide, so that requests x span <= ``draws``;
    the standard errors grow to match.

    Parameters
    ----------
    k : int
        The fan-out the curves must reach, in servers.
    server : Dist, optional
        One server's latency in ms (default :func:`server_latency`).
    draws : int, optional
        Budget of server latencies drawn (default ``config.FANOUT_APP_DRAWS``).
    seed : int, optional
        Same seed, same latencies.

    Returns
    -------
    FanoutResult
        Request latencies in ms at the fan-outs of ``k_grid(span(k))``.
    """
    widest = span(k)
    draws = validate.integer("draws", config.FANOUT_APP_DRAWS if draws is None else draws, widest, None)
    trials = min(config.FANOUT_TRIALS, draws // widest)
    return simulate(k_grid(widest), server, trials=trials, seed=seed)


def theory_p_slower(ks, server: Dist, threshold_ms: float) -> np.ndarray:
    """P(max of k server latencies >= threshold) = 1 - (1 - P(server >= threshold))^k.

    Parameters
    ----------
    ks : int or array of int
        Fan-outs in servers, >= 1.
    server : Dist
        One server's latency in ms.
    threshold_ms : float
        Latency threshold in ms.

    Returns
    -------
    numpy.ndarray
        Probability (0..1) per fan-out.
    """
    threshold_ms = validate.number("threshold_ms", threshold_ms)
    return p_slow(_fanouts("ks", ks), float(_server(server).sf(threshold_ms)))


def theory_percentile(ks, server: Dist, q) -> np.ndarray:
    """The q-th percentile of the request latency: the server's (q/100)^(1/k) quantile.

    Parameters
    ----------
    ks : int or array of int
        Fan-outs in servers, >= 1.
    server : Dist
        One server's latency in ms.
    q : float or sequence of float
        Percentile(s), 0..100.

    Returns
    -------
    numpy.ndarray
        Latency in ms per fan-out; one row per percentile when ``q`` is a sequence.
    """
    server = _server(server)
    levels = _percentiles(q)
    ks = _fanouts("ks", ks).astype(float)
    return server.quantile((levels[..., None] / 100.0) ** (1.0 / ks)).reshape(levels.shape + ks.shape)


def p_slow_mc(k: int, p: float, trials: int | None = None, seed: int | None = None) -> dict:
    """One point of the lab for sweeps: simulated and theoretical P(slow request).

    Parameters
    ----------
    k : int
        Fan-out in servers, 1..``config.FANOUT_MAX_K``.
    p : float
        Probability that one server is slow, 0..1.
    trials : int, optional
        Requests simulated (default ``config.FANOUT_TRIALS``).
    seed : int, optional
        Same seed, same answer.

    Returns
    -------
    dict
        ``mc`` (simulated fraction of slow requests), ``se`` (its standard
        error) and ``theory`` (:func:`p_slow` at the server's slow threshold).
    """
    k = validate.integer("k", k, 1, config.FANOUT_MAX_K)
    server = server_latency(p=p)
    result = simulate([k], server, trials=trials, seed=seed)
    frac, se = result.p_slower_than(config.FANOUT_SLOW_MS)
    return {
        "mc": float(frac[0]),
        "se": float(se[0]),
        "theory": float(theory_p_slower(k, server, config.FANOUT_SLOW_MS)),
    }


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types.

    Returns
    -------
    None
    """
    simulate([1, 2], trials=2, seed=0)
