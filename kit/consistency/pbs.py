"""Probabilistically Bounded Staleness: how stale are a partial quorum's reads?

With N replicas, a write that waits for W acknowledgements and a read that
waits for R answers, R + W > N makes every read quorum meet every write
quorum. With R + W <= N (a *partial* quorum, the fast setting Dynamo-style
stores ship with) a read can miss the latest write. Bailis, Venkataraman,
Franklin, Hellerstein and Stoica ("Probabilistically Bounded Staleness for
Practical Partial Quorums", PVLDB 5(8), 2012) answer *how often*:

- **k-staleness** (section 3): if write and read quorums are chosen
  uniformly at random, a read misses all of the last k writes with
  probability ``(C(N-W, R) / C(N, R))^k``.
- **t-visibility** (section 4): with message delays drawn from production
  latency distributions (the WARS model), the probability that a read issued
  t ms after a write commits returns that write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import Dist, Exponential, Mixture, Pareto, resolve_seed, stream_seeds
from . import _pbs_kernels as kk


def quorum_sizes(N, R, W) -> tuple[int, int, int]:
    """Check a quorum configuration.

    Parameters
    ----------
    N, R, W : int
        Replicas per key (1 to ``config.CONSISTENCY_MAX_PBS_N``), read and write quorums (1 to N).

    Returns
    -------
    tuple of int
        ``(N, R, W)`` as Python ints.
    """
    N = validate.integer("N", N, 1, config.CONSISTENCY_MAX_PBS_N)
    for name, value in (("R", R), ("W", W)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 1 <= value <= N:
            raise ValueError(f"{name} must be between 1 and N (got {name}={value!r}, N={N})")
    return N, int(R), int(W)


def _times_ms(name: str, t_ms) -> np.ndarray:
    """Times after commit in ms: a number or an array of numbers, none negative or NaN."""
    t = np.asarray(t_ms)
    if t.dtype.kind not in "iuf" or t.dtype == bool:
        raise TypeError(f"{name} must be a number of ms or an array of them (got {name}={t_ms!r})")
    t = t.astype(float)
    if np.isnan(t).any():
        raise ValueError(f"{name} must not be NaN (got {name}={t_ms!r})")
    validate.in_range(name, t, 0.0, np.inf)
    return t


# --- latency models ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WARSLatency:
    """One-way delays of the WARS model, in ms.

    Parameters
    ----------
    name : str
        What the model is called in figures.
    w : Dist
        Coordinator to replica for a write, ms.
    a : Dist
        The replica's acknowledgement back, ms.
    r : Dist
        Coordinator to replica for a read, ms.
    s : Dist
        The replica's answer back, ms.
    remote_ms : float
        Added to every message to or from a replica in another datacenter
        (the writer and the reader each sit beside one replica chosen at
        random), as in the paper's WAN model; 0: one datacenter.
    source : str
        Where the fit comes from.

    References
    ----------
    P. Bailis et al., "Probabilistically bounded staleness for practical
    partial quorums", PVLDB 5(8), 2012, sections 4 and 5.
    """

    name: str
    w: Dist
    a: Dist
    r: Dist
    s: Dist
    remote_ms: float = 0.0
    source: str = field(default="", compare=False)

    def __post_init__(self):
        for text in ("name", "source"):
            if not isinstance(getattr(self, text), str):
                raise TypeError(f"{text} must be a str (got {text}={getattr(self, text)!r})")
        for part in ("w", "a", "r", "s"):
            if not isinstance(getattr(self, part), Dist):
                raise ValueError(f"{part} must be a kit distribution (got {getattr(self, part)!r})")
        validate.number("remote_ms", self.remote_ms, 0.0)

    @classmethod
    def exponential(cls, w_rate: float, ars_rate: float) -> WARSLatency:
        """Exponential delays, as in the paper's synthetic experiments (section 5).

        Parameters
        ----------
        w_rate : float
            Rate of the write delay W, per ms.
        ars_rate : float
            Rate of A, R and S, per ms.

        Returns
        -------
        WARSLatency
        """
        w_rate = validate.positive("w_rate", w_rate)
        ars_rate = validate.positive("ars_rate", ars_rate)
        ars = Exponential(1.0 / ars_rate)
        return cls(
            f"exponential(W rate {w_rate:g}, ARS rate {ars_rate:g})",
            Exponential(1.0 / w_rate),
            ars,
            ars,
            ars,
            source="Bailis et al. 2012, section 5 (synthetic exponential delays)",
        )

    @classmethod
    def same(cls, delay: Dist, name: str = "custom") -> WARSLatency:
        """One distribution for all four message kinds (e.g. an ``Empirical`` of measured RTT/2).

        Parameters
        ----------
        delay : Dist
            One-way delay, ms.
        name : str
            What the model is called in figures.

        Returns
        -------
        WARSLatency
        """
        return cls(name, delay, delay, delay, delay)


def _pareto_exp(p_pareto: float, xm: float, alpha: float, rate: float) -> Mixture:
    """The paper's fit: Pareto(xm, alpha) with probability ``p_pareto``, else Exponential(rate)."""
    return Mixture([(p_pareto, Pareto(alpha, xm)), (1.0 - p_pareto, Exponential(1.0 / rate))])


_LNKD_SSD = _pareto_exp(0.9122, 0.235, 10.0, 1.66)
_LNKD_DISK_W = _pareto_exp(0.38, 1.05, 1.51, 0.183)
_YMMR_W = _pareto_exp(0.939, 3.0, 3.5, 0.0028)
_YMMR_ARS = _pareto_exp(0.982, 1.5, 3.8, 0.0217)
_FITS = "Bailis et al. 2012, section 5 (fits to production latencies)"

#: The paper's latency models by name; ``pbs_consistency(latency=...)`` takes a key or a WARSLatency.
LATENCY_MODELS: dict[str, WARSLatency] = {
    "lnkd-ssd": WARSLatency("LNKD-SSD", _LNKD_SSD, _LNKD_SSD, _LNKD_SSD, _LNKD_SSD, source=_FITS),
    "lnkd-disk": WARSLatency("LNKD-DISK", _LNKD_DISK_W, _LNKD_SSD, _LNKD_SSD, _LNKD_SSD, source=_FITS),
    "ymmr": WARSLatency("YMMR", _YMMR_W, _YMMR_ARS, _YMMR_ARS, _YMMR_ARS, source=_FITS),
    "wan": WARSLatency(
        "WAN",
        _LNKD_DISK_W,
        _LNKD_SSD,
        _LNKD_SSD,
        _LNKD_SSD,
        remote_ms=75.0,
        source="Bailis et al. 2012, section 5: LNKD-DISK plus 75 ms one way between datacenters",
    ),
}


def latency_model(latency: str | WARSLatency | None = None) -> WARSLatency:
    """The WARS latency model a name stands for.

    Parameters
    ----------
    latency : str or WARSLatency, optional
        A key of :data:`LATENCY_MODELS` (default ``config.CONSISTENCY_PBS_LATENCY``),
        or a model, returned as is.

    Returns
    -------
    WARSLatency
    """
    latency = config.CONSISTENCY_PBS_LATENCY if latency is None else latency
    if isinstance(latency, WARSLatency):
        return latency
    if isinstance(latency, str) and latency.lower() in LATENCY_MODELS:
        return LATENCY_MODELS[latency.lower()]
    listed = ", ".join(repr(k) for k in LATENCY_MODELS)
    raise ValueError(f"latency must be one of {listed} or a WARSLatency (got latency={latency!r})")


# --- t-visibility --------------------------------------------------------------------------


@dataclass(frozen=True)
class PBSResult:
    """WARS trials of one (N, R, W, latency): everything the paper plots comes from these.

    Attributes
    ----------
    N, R, W : int
        Replicas, read quorum, write quorum.
    latency : WARSLatency
        The delays the trials drew.
    t_star_ms : ndarray
        Per trial: its read is consistent when issued at least this many ms
        after the write commits (negative: consistent at once).
    write_ms, read_ms : ndarray
        The operations' latencies in the same trials, ms.
    seed : int
        The seed of the trials.
    """

    N: int
    R: int
    W: int
    latency: WARSLatency
    t_star_ms: np.ndarray = field(repr=False)
    write_ms: np.ndarray = field(repr=False)
    read_ms: np.ndarray = field(repr=False)
    seed: int

    @property
    def trials(self) -> int:
        """Number of trials.

        Returns
        -------
        int
        """
        return self.t_star_ms.size

    @cached_property
    def _ranked(self) -> np.ndarray:
        return np.sort(self.t_star_ms)

    @property
    def strict(self) -> bool:
        """R + W > N: every read quorum meets every write quorum.

        Returns
        -------
        bool
        """
        return self.R + self.W > self.N

    def p_consistent(self, t_ms):
        """P(a read issued ``t_ms`` after commit returns the write).

        Parameters
        ----------
        t_ms : float or array-like
            Time after the write commits, ms (>= 0).

        Returns
        -------
        float or ndarray
            A probability for a scalar ``t_ms``, an array for an array.
        """
        t = _times_ms("t_ms", t_ms)
        p = np.searchsorted(self._ranked, t, side="right") / self.trials
        return float(p) if p.ndim == 0 else p

    def t_visibility(self, p: float) -> float:
        """How long after commit reads are consistent with probability at least ``p``.

        Parameters
        ----------
        p : float
            Target probability of a consistent read, in [0, 1].

        Returns
        -------
        float
            The smallest such time after commit, ms (0 if reads are that consistent at once).
        """
        p = validate.probability("p", p)
        i = min(max(math.ceil(p * self.trials) - 1, 0), self.trials - 1)
        return max(float(self._ranked[i]), 0.0)

    def read_latency(self, q: float) -> float:
        """A percentile of read latency.

        Parameters
        ----------
        q : float
            Percentile, 0 to 100.

        Returns
        -------
        float
            The q-th percentile of read latency, ms.
        """
        return float(np.percentile(self.read_ms, validate.number("q", q, 0.0, 100.0)))

    def write_latency(self, q: float) -> float:
        """A percentile of write latency (until the write commits).

        Parameters
        ----------
        q : float
            Percentile, 0 to 100.

        Returns
        -------
        float
            The q-th percentile of write latency, ms.
        """
        return float(np.percentile(self.write_ms, validate.number("q", q, 0.0, 100.0)))


def pbs_simulate(
    N: int,
    R: int,
    W: int,
    latency: str | WARSLatency | None = None,
    trials: int | None = None,
    seed: int | None = None,
) -> PBSResult:
    """Run the WARS Monte Carlo for one quorum configuration.

    Parameters
    ----------
    N, R, W : int
        Replicas per key, read quorum, write quorum (1 <= R, W <= N <= 100).
    latency : str or WARSLatency, optional
        ``"lnkd-ssd"``, ``"lnkd-disk"``, ``"ymmr"``, ``"wan"`` (the paper's
        fits to production latencies) or your own :class:`WARSLatency`.
        Default ``config.CONSISTENCY_PBS_LATENCY``.
    trials : int, optional
        Write/read pairs simulated (default ``config.CONSISTENCY_PBS_TRIALS``).
    seed : int, optional
        Same seed, same trials, whatever the number of threads.

    Returns
    -------
    PBSResult

    Notes
    -----
    Bailis et al., PVLDB 5(8) 2012, section 4 (the WARS model) and
    section 5 (its validation against Cassandra and the production fits).

    Examples
    --------
    >>> r = pbs_simulate(3, 1, 1, "lnkd-disk", trials=200_000, seed=1)
    >>> round(r.p_consistent(0.0), 2), round(r.p_consistent(10.0), 2)
    (0.44, 0.93)
    """
    N, R, W = quorum_sizes(N, R, W)
    return _run(N, [(R, W)], latency, trials, seed)[0]


def _run(N: int, pairs, latency, trials, seed) -> list[PBSResult]:
    """One WARS pass for several (R, W) of the same N: one PBSResult per pair, same draws."""
    model = latency_model(latency)
    most = config.CONSISTENCY_MAX_PBS_TRIALS
    trials = validate.integer("trials", config.CONSISTENCY_PBS_TRIALS if trials is None else trials, 1, most)
    if trials * len(pairs) > most:  # memory: three float64 results per trial and pair
        raise ValueError(
            f"trials must be at most {most // len(pairs):,} for {len(pairs)} quorum pairs "
            f"(config.CONSISTENCY_MAX_PBS_TRIALS={most:,}) (got trials={trials:,})"
        )
    draws = 4 * N * trials
    if draws > config.CONSISTENCY_MAX_PBS_DRAWS:  # work: four delays per replica and trial
        raise ValueError(
            f"trials must be at most {config.CONSISTENCY_MAX_PBS_DRAWS // (4 * N):,} for N={N} "
            f"(config.CONSISTENCY_MAX_PBS_DRAWS={config.CONSISTENCY_MAX_PBS_DRAWS:,} delays) "
            f"(got trials={trials:,})"
        )
    seed = resolve_seed(seed)
    t_star, write_ms, read_ms = kk.wars_trials(
        model.w.spec,
        model.a.spec,
        model.r.spec,
        model.s.spec,
        N,
        np.array([r for r, _ in pairs], np.int64),
        np.array([w for _, w in pairs], np.int64),
        float(model.remote_ms),
        trials,
        stream_seeds(seed, -(-trials // kk.CHUNK)),
    )
    return [
        PBSResult(N, R, W, model, t_star[j], write_ms[j], read_ms[j], seed) for j, (R, W) in enumerate(pairs)
    ]


def pbs_consistency(
    N: int,
    R: int,
    W: int,
    t_ms,
    latency: str | WARSLatency | None = None,
    trials: int | None = None,
    seed: int | None = None,
):
    """P(consistent read) ``t_ms`` after a write commits, by the WARS Monte Carlo.

    Parameters
    ----------
    N, R, W : int
        Replicas per key, read quorum, write quorum.
    t_ms : float or array-like
        Time after the write commits, ms (>= 0; numbers only).
    latency : str or WARSLatency, optional
        As for :func:`pbs_simulate`.
    trials : int, optional
        Write/read pairs simulated (default ``config.CONSISTENCY_PBS_TRIALS``).
    seed : int, optional
        Same seed, same trials.

    Returns
    -------
    float or ndarray
        A probability for a scalar ``t_ms``, an array for an array (one set
        of trials serves every t).

    Notes
    -----
    Reproduces the paper's section 5 figures for N = 3, R = W = 1 at t = 0
    (LNKD-SSD 97.4%, LNKD-DISK 43.9%, YMMR 89.3%; LNKD-DISK 92.5% at t = 10 ms)
    to within half a percentage point at 10^6 trials (tested).

    References
    ----------
    P. Bailis et al., "Probabilistically bounded staleness for practical
    partial quorums", PVLDB 5(8), 2012.

    Examples
    --------
    >>> round(pbs_consistency(3, 1, 1, 0.0, "lnkd-ssd", trials=200_000, seed=2), 2)
    0.97
    """
    t = _times_ms("t_ms", t_ms)
    result = pbs_simulate(N, R, W, latency, trials, seed).p_consistent(t)
    return result


def k_staleness(N: int, R: int, W: int, k: int) -> float:
    """P(a read returns one of the last ``k`` writes) = 1 - (C(N-W, R) / C(N, R))^k.

    Quorums are chosen uniformly at random among the N replicas; k = 1 is
    "the latest write". R + W > N gives 1. Each write is assumed to have
    reached only its W replicas (no propagation after commit): the worst
    case that t-visibility (:func:`pbs_consistency`) relaxes.

    Parameters
    ----------
    N, R, W : int
        Replicas per key, read quorum, write quorum.
    k : int
        How many of the latest writes count as fresh (1 to
        ``config.CONSISTENCY_MAX_K_STALENESS``).

    Returns
    -------
    float
        The probability, exact (rational arithmetic) up to k = 1000, then
        computed as 1 - exp(k log(miss)).

    Notes
    -----
    Bailis et al. 2012, section 3 (PBS k-staleness).

    Examples
    --------
    >>> round(k_staleness(3, 1, 1, 1), 4), round(k_staleness(3, 1, 1, 3), 4)
    (0.3333, 0.7037)
    """
    N, R, W = quorum_sizes(N, R, W)
    k = validate.integer("k", k, 1, config.CONSISTENCY_MAX_K_STALENESS)
    miss = Fraction(math.comb(N - W, R), math.comb(N, R))
    if k <= 1000 or miss == 0:
        return float(1 - miss**k)
    return -math.expm1(k * math.log(miss))  # exact fractions of huge powers are slow; this is as accurate


def pbs_all(
    N: int,
    latency: str | WARSLatency | None = None,
    trials: int | None = None,
    seed: int | None = None,
) -> list[PBSResult]:
    """:func:`pbs_simulate` for every (R, W) with 1 <= R, W <= N, from one set of draws.

    Common random numbers: every configuration sees the same message
    delays, so differences between them are the quorum sizes', not noise.

    Parameters
    ----------
    N : int
        Replicas per key.
    latency : str or WARSLatency, optional
        As for :func:`pbs_simulate`.
    trials : int, optional
        Write/read pairs per configuration (at most
        ``config.CONSISTENCY_MAX_PBS_TRIALS`` in all).
    seed : int, optional
        Same seed, same trials.

    Returns
    -------
    list of PBSResult
        Ordered by R, then W.
    """
    N = validate.integer("N", N, 1, config.CONSISTENCY_MAX_PBS_N)
    return _run(N, [(R, W) for R in range(1, N + 1) for W in range(1, N + 1)], latency, trials, seed)


def pbs_tradeoff(
    N: int,
    latency: str | WARSLatency | None = None,
    p: float = 0.999,
    q: float = 99.9,
    trials: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Latency against staleness for every (R, W) with 1 <= R, W <= N.

    This is the paper's section 5 comparison for one model.

    Parameters
    ----------
    N : int
        Replicas per key.
    latency : str or WARSLatency, optional
        As for :func:`pbs_simulate`.
    p : float
        Target probability of a consistent read for the t-visibility.
    q : float
        Latency percentile, 0 to 100.
    trials : int, optional
        Write/read pairs per configuration.
    seed : int, optional
        Same seed, same trials.

    Returns
    -------
    DataFrame
        One row per (R, W): ``read_ms`` and ``write_ms`` (q-th percentile
        latency, ms), ``t_visibility_ms`` (ms after commit until reads are
        consistent with probability p), ``p_consistent_0`` (at t = 0) and
        ``strict``.

    Examples
    --------
    >>> t = pbs_tradeoff(3, "lnkd-ssd", trials=20_000, seed=1)
    >>> bool(t.loc[(t.R == 2) & (t.W == 2), "t_visibility_ms"].iloc[0] == 0.0)
    True
    """
    N = validate.integer("N", N, 1, config.CONSISTENCY_MAX_PBS_N)
    return tradeoff_table(pbs_all(N, latency, trials, seed), p, q)


def tradeoff_table(results, p: float = 0.999, q: float = 99.9) -> pd.DataFrame:
    """The :func:`pbs_tradeoff` table from PBSResults already computed (e.g. by :func:`pbs_all`).

    Parameters
    ----------
    results : sequence of PBSResult
        One per (R, W).
    p : float
        Target probability of a consistent read for the t-visibility.
    q : float
        Latency percentile, 0 to 100.

    Returns
    -------
    DataFrame
        As :func:`pbs_tradeoff` returns.
    """
    if not isinstance(results, list | tuple) or not all(isinstance(r, PBSResult) for r in results):
        raise TypeError(f"results must be a list of PBSResult, e.g. from pbs_all() (got {results!r:.60})")
    p = validate.probability("p", p)
    q = validate.number("q", q, 0.0, 100.0)
    return pd.DataFrame(
        [
            {
                "R": r.R,
                "W": r.W,
                "strict": r.strict,
                "read_ms": r.read_latency(q),
                "write_ms": r.write_latency(q),
                "t_visibility_ms": r.t_visibility(p),
                "p_consistent_0": r.p_consistent(0.0),
            }
            for r in results
        ]
    )


def warm() -> None:
    """Compile (or load from numba's cache) the WARS kernel with its real types.

    Returns
    -------
    None
    """
    pbs_simulate(3, 1, 1, "wan", trials=2, seed=0)
    pbs_simulate(3, 1, 1, "lnkd-disk", trials=2, seed=0)
