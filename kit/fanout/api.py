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

from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import Dist, LogNormal, Mixture, Uniform, resolve_seed, stream_seeds
from ._kernels import CHUNK, fanout_max

K_LIMIT = 10_000  # widest fan-out accepted: beyond this, memory not insight grows


def server_latency(
    p: float | None = None,
    fast_median_ms: float | None = None,
    fast_sigma: float | None = None,
    slow_ms: float | None = None,
) -> Mixture:
    """One server's latency: usually fast, slow with probability ``p``.

    Fast mode: log-normal with median ``fast_median_ms``. Slow mode: uniform
    on [``slow_ms``, 2 ``slow_ms``] (a pause, a queue behind a compaction).
    Defaults from ``kit.config`` (``FANOUT_*``).
    """
    p = validate.probability("p", config.FANOUT_P_SLOW if p is None else p)
    median = config.FANOUT_FAST_MEDIAN_MS if fast_median_ms is None else fast_median_ms
    sigma = config.FANOUT_FAST_SIGMA if fast_sigma is None else fast_sigma
    slow = validate.positive("slow_ms", config.FANOUT_SLOW_MS if slow_ms is None else slow_ms)
    validate.positive("fast_median_ms", median)
    if slow <= median:
        raise ValueError(
            f"slow_ms must exceed fast_median_ms (got slow_ms={slow:g}, fast_median_ms={median:g})"
        )
    return Mixture([(1.0 - p, LogNormal.from_median(median, sigma)), (p, Uniform(slow, 2.0 * slow))])


def p_slow(k, p):
    """P(a request fanned out to ``k`` servers is slow) = 1 - (1 - p)^k.

    Vectorised over ``k`` and ``p``.

    Example
    -------
    >>> round(float(p_slow(100, 0.01)), 3)
    0.634
    """
    k = np.asarray(k)
    validate.in_range("k", k, 1, np.inf)
    validate.in_range("p", p, 0.0, 1.0)
    return 1.0 - (1.0 - np.asarray(p, dtype=float)) ** k


def k_grid(k_max: int, extra=()) -> np.ndarray:
    """About 30 log-spaced fan-outs from 1 to ``k_max``, plus ``extra``."""
    ks = np.unique(np.round(np.geomspace(1, k_max, 30)).astype(np.int64))
    return np.unique(np.concatenate([ks, np.asarray(extra, dtype=np.int64)]))


@dataclass(frozen=True)
class FanoutResult:
    """Simulated request latencies: ``latency_ms[trial, i]`` for fan-out ``ks[i]``."""

    ks: np.ndarray
    latency_ms: np.ndarray
    server: Dist
    seed: int

    @property
    def trials(self) -> int:
        return self.latency_ms.shape[0]

    def p_slower_than(self, threshold_ms: float):
        """Fraction of requests at or above ``threshold_ms`` per k, and its standard error."""
        frac = (self.latency_ms >= threshold_ms).mean(axis=0)
        return frac, np.sqrt(frac * (1.0 - frac) / self.trials)

    def percentile(self, q: float) -> np.ndarray:
        """The q-th percentile (0-100) of request latency per k."""
        validate.number("q", q, 0.0, 100.0)
        return np.percentile(self.latency_ms, q, axis=0)


def simulate(
    ks, server: Dist | None = None, trials: int | None = None, seed: int | None = None
) -> FanoutResult:
    """Monte Carlo request latency for each fan-out in ``ks``.

    Parameters
    ----------
    ks : int or array of int
        Fan-outs (number of servers each request waits for), 1..10000.
    server : Dist, optional
        One server's latency in ms (default :func:`server_latency`).
    trials : int, optional
        Requests simulated (default ``config.FANOUT_TRIALS``).
    seed : int, optional
        Same seed, same latencies.

    Returns
    -------
    FanoutResult

    Example
    -------
    >>> r = simulate([1, 100], server_latency(p=0.01), trials=20_000, seed=1)
    >>> frac, se = r.p_slower_than(1000.0)
    >>> bool(abs(frac[1] - p_slow(100, 0.01)) < 4 * se[1])
    True
    """
    ks = np.unique(np.atleast_1d(np.asarray(ks)))
    if ks.size == 0 or not np.issubdtype(ks.dtype, np.integer):
        raise ValueError(f"ks must be integers between 1 and {K_LIMIT} (got ks={ks!r})")
    validate.in_range("ks", ks, 1, K_LIMIT)
    server = server_latency() if server is None else server
    if not isinstance(server, Dist):
        raise ValueError(f"server must be a kit distribution such as server_latency() (got {server!r})")
    trials = validate.integer("trials", config.FANOUT_TRIALS if trials is None else trials, 1, 10_000_000)
    seed = resolve_seed(seed)
    seeds = stream_seeds(seed, -(-trials // CHUNK))
    latency = fanout_max(server.spec, ks.astype(np.int64), trials, seeds)
    return FanoutResult(ks=ks, latency_ms=latency, server=server, seed=seed)


def theory_p_slower(ks, server: Dist, threshold_ms: float) -> np.ndarray:
    """P(max of k server latencies > threshold) = 1 - (1 - P(server > threshold))^k."""
    return p_slow(ks, float(server.sf(threshold_ms)))


def theory_percentile(ks, server: Dist, q: float) -> np.ndarray:
    """The q-th percentile of the request latency: the server's (q/100)^(1/k) quantile."""
    validate.number("q", q, 0.0, 100.0)
    return server.quantile((q / 100.0) ** (1.0 / np.asarray(ks, dtype=float)))


def p_slow_mc(k: int, p: float, trials: int | None = None, seed: int | None = None) -> dict:
    """One point of the lab for sweeps: simulated and theoretical P(slow request).

    Returns a dict with ``mc``, ``se`` (standard error) and ``theory``.
    """
    k = validate.integer("k", k, 1, K_LIMIT)
    server = server_latency(p=p)
    result = simulate([k], server, trials=trials, seed=seed)
    frac, se = result.p_slower_than(config.FANOUT_SLOW_MS)
    return {
        "mc": float(frac[0]),
        "se": float(se[0]),
        "theory": float(theory_p_slower(k, server, config.FANOUT_SLOW_MS)),
    }


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types."""
    simulate([1, 2], trials=2, seed=0)
