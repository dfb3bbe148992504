"""M/M/c replications on the station, against Erlang C."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import config
from ..core import policies, validate
from ..core.jit import numba, one_chunk_at_a_time
from ..core.rng import Exponential, resolve_seed, stream_seeds
from . import _kernels as kk
from . import theory
from .station import Poisson, _bounds, _policy, _servers, _sources, check_size

MEASURES = {"mean_wait": "Wq", "mean_sojourn": "W", "p_wait": "p_wait", "utilization": "rho"}
"""Simulated measure -> the matching field of ``theory.QueueTheory``."""


@dataclass(frozen=True)
class MMcResult:
    """Replications of an M/M/c queue: means over replications and their standard errors.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate per server (any one time unit).
    c : int
        Servers.
    customers, warmup : int
        Customers per replication, and how many of the first were left out.
    seed : int
    per_replication : numpy.ndarray
        float64[replications, 4]: each replication's mean wait, mean
        sojourn (time units), fraction of customers that waited, and server
        utilization.
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
        """Independent runs."""
        return self.per_replication.shape[0]

    def _column(self, measure: str) -> np.ndarray:
        validate.choice("measure", measure, MEASURES)
        return self.per_replication[:, list(MEASURES).index(measure)]

    @property
    def mean_wait(self) -> float:
        """Mean wait in the queue (time units of 1/mu)."""
        return float(self._column("mean_wait").mean())

    @property
    def mean_sojourn(self) -> float:
        """Mean wait plus service (time units of 1/mu)."""
        return float(self._column("mean_sojourn").mean())

    @property
    def p_wait(self) -> float:
        """Fraction of customers that waited at all."""
        return float(self._column("p_wait").mean())

    @property
    def utilization(self) -> float:
        """Fraction of server time busy."""
        return float(self._column("utilization").mean())

    def se(self, measure: str) -> float:
        """Standard error of a measure's mean over replications.

        Parameters
        ----------
        measure : {"mean_wait", "mean_sojourn", "p_wait", "utilization"}

        Returns
        -------
        float
            In the measure's unit; nan with a single replication.
        """
        x = self._column(measure)
        return float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan

    @property
    def theory(self) -> theory.QueueTheory | None:
        """Erlang C's steady state, or None when lam >= c mu (no steady state)."""
        if self.lam >= self.c * self.mu:
            return None
        return theory.mmc(self.lam, self.mu, self.c)

    def z(self, measure: str) -> float:
        """How far the simulation is from theory, in standard errors.

        Parameters
        ----------
        measure : {"mean_wait", "mean_sojourn", "p_wait", "utilization"}

        Returns
        -------
        float
            (simulated - theory) / standard error: within +-3 means they agree.
        """
        th = self.theory
        if th is None:
            raise ValueError(
                f"lam={self.lam:g} >= c*mu={self.c * self.mu:g}: there is no steady state to compare"
            )
        return (float(self._column(measure).mean()) - getattr(th, MEASURES[measure])) / self.se(measure)


def _records(lam: float, mu: float, c: int, customers: int) -> tuple:
    """The station's records for M/M/c FIFO: Poisson arrivals, exponential service, nothing else."""
    return (
        _sources([Poisson(lam)], customers),
        _servers(c, "fifo", -1, [Exponential(1.0 / mu)], ()),
        _policy(math.inf, "none", policies.Retry(max_retries=0), None),
        _bounds(math.inf, kk.UNLIMITED, customers, 0.0),
    )


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
        Arrival rate and service rate per server (per unit of time: any unit, used consistently).
    c : int
        Servers.
    customers : int
        Customers per replication (the queue starts empty and drains at the end).
    seed : int, optional
        Random seed (default ``config.SEED``).
    replications : int, optional
        Independent runs, in parallel (default ``config.QUEUEING_REPLICATIONS``).
    warmup : int, optional
        First customers of each run left out of the statistics, so the empty
        start does not bias them (default ``config.QUEUEING_WARMUP_FRACTION`` of
        ``customers``).

    Returns
    -------
    MMcResult
        ``.mean_wait``, ``.mean_sojourn`` (time units of 1/mu),
        ``.utilization``, ``.p_wait`` (means over replications),
        ``.se(measure)``, ``.theory``, ``.z(measure)``.

    Raises
    ------
    ValueError
        A bad parameter, named; or more work than ``config.QUEUEING_MAX_EVENTS``
        (two events per customer, every replication) or memory than
        ``config.QUEUEING_MAX_MEMORY_MB`` (the replications running at once).

    Notes
    -----
    Replications run in parallel on the station kernel, each seeded from
    ``stream_seeds``: the answer does not depend on the thread count.

    References
    ----------
    Erlang C: L. Kleinrock, *Queueing Systems*, Vol. 1, Wiley, 1975, §3.5;
    the z-scores test it.

    Examples
    --------
    >>> r = simulate_mmc(0.8, 1.0, 1, 100_000, seed=1, replications=10)
    >>> bool(abs(r.z("mean_wait")) < 3 and abs(r.z("mean_sojourn")) < 3)
    True
    """
    lam = validate.positive("lam", lam)
    mu = validate.positive("mu", mu)
    c = validate.integer("c", c, 1, 100_000)
    customers = validate.integer("customers", customers, 2, kk.UNLIMITED)
    reps = validate.integer(
        "replications", config.QUEUEING_REPLICATIONS if replications is None else replications, 1, 100_000
    )
    warm = int(customers * config.QUEUEING_WARMUP_FRACTION) if warmup is None else warmup
    warm = validate.integer("warmup", warm, 0, customers - 2)
    at_once = min(reps, numba.get_num_threads() if numba is not None else 1)
    check_size(2.0 * customers * reps, float(customers) * at_once, customers=customers, replications=reps)
    seed = resolve_seed(seed)
    with one_chunk_at_a_time():
        per_rep = kk.mmc_replications(*_records(lam, mu, c, customers), warm, stream_seeds(seed, reps))
    return MMcResult(
        lam=lam, mu=mu, c=c, customers=customers, warmup=warm, seed=seed, per_replication=per_rep
    )
