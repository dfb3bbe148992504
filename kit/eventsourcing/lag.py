"""Read-model lag: measured on the real store and projector, and simulated at any load.

An event's lag is the time from its commit on the write side to the commit of
the read-model batch that applied it. A user who writes and then reads from
the read side within that time does not see their own write.

``measure_lag`` runs the real thing for a few seconds: Poisson commands at
``rate_per_s`` through :func:`handle` on a store in a temporary folder, a
:class:`Projector` thread polling every ``poll_s``, and a user who reads their
balance from the read side right after each write. ``simulate_lag`` runs the
projector's loop as a model (kernel ``projector_applied``) for millions of
events at any load; with the per-event cost measured on the real projector it
predicts the measured lag, and it shows what no short measurement can: the
load at which the projector can no longer keep up (``rate * cost_s -> 1``).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import resolve_seed
from . import _kernels as kk
from .aggregate import handle
from .projections import Projector, ReadModel
from .store import EventStore


@dataclass(frozen=True)
class LagResult:
    """Read-model lag of every event of one run.

    Attributes
    ----------
    lags_s : numpy.ndarray
        Each event's lag, seconds, in commit order.
    rate_per_s : float
        Offered commands per second.
    poll_s : float
        The projector's sleep between empty polls, seconds.
    kind : str
        ``"measured"`` (the real store and projector) or ``"simulated"``.
    achieved_per_s : float
        Commits per second actually reached (the offered rate, when simulated).
    missed_reads : float
        Measured runs: fraction of writes whose author, reading the read side
        right after the write, did not see it. Simulated: fraction of lags > 0.
    cost_s : float
        Projector seconds per event: measured (busy time / events) or the model's.
    """

    lags_s: np.ndarray
    rate_per_s: float
    poll_s: float
    kind: str
    achieved_per_s: float
    missed_reads: float
    cost_s: float

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100) of the lag, seconds."""
        return float(np.percentile(self.lags_s, validate.number("q", q, 0.0, 100.0)))

    def p_missed(self, read_after_s: float) -> float:
        """P(a user who reads ``read_after_s`` after writing misses the write) = P(lag > read_after_s)."""
        return float(np.mean(self.lags_s > validate.number("read_after_s", read_after_s, 0.0)))


def _arrivals(rate_per_s: float, events: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.exponential(1.0 / rate_per_s, events))


def simulate_lag(
    rate_per_s: float,
    poll_s: float | None = None,
    cost_s: float | None = None,
    overhead_s: float | None = None,
    batch: int | None = None,
    events: int | None = None,
    seed: int | None = None,
) -> LagResult:
    """Lag of a polling projector under Poisson commits: the model behind the measurement.

    Parameters
    ----------
    rate_per_s : float
        Commits per second.
    poll_s : float, optional
        Sleep between empty polls (default ``config.EVENTSOURCING_POLL_S``).
    cost_s : float, optional
        Seconds to apply one event (default ``config.EVENTSOURCING_SIM_COST_S``).
    overhead_s : float, optional
        Seconds per batch (a read-model transaction; default ``config.EVENTSOURCING_SIM_OVERHEAD_S``).
    batch : int, optional
        Events per batch at most (default ``config.EVENTSOURCING_PROJECTION_BATCH``).
    events : int, optional
        Events simulated (default ``config.EVENTSOURCING_SIM_EVENTS``).
    seed : int, optional
        Same seed, same arrivals.

    Returns
    -------
    LagResult

    Notes
    -----
    With a free projector (``cost_s = overhead_s = 0``) the polls stay on a
    grid of period ``poll_s`` that Poisson commits know nothing of, so the lag
    is uniform on [0, ``poll_s``]: mean ``poll_s / 2``. As ``rate * cost_s``
    approaches 1 the projector is busy almost always and the lag grows like a
    queue's wait; beyond 1 it grows without bound for as long as the load lasts.

    Examples
    --------
    >>> r = simulate_lag(100.0, poll_s=0.1, cost_s=0.0, overhead_s=0.0, events=50_000, seed=1)
    >>> round(float(r.lags_s.mean()), 2)
    0.05
    """
    rate = validate.number("rate_per_s", rate_per_s, 1e-3, config.EVENTSOURCING_MAX_RATE)
    poll = validate.number("poll_s", config.EVENTSOURCING_POLL_S if poll_s is None else poll_s, 0.0, 60.0)
    cost = validate.number("cost_s", config.EVENTSOURCING_SIM_COST_S if cost_s is None else cost_s, 0.0, 10.0)
    over = config.EVENTSOURCING_SIM_OVERHEAD_S if overhead_s is None else overhead_s
    over = validate.number("overhead_s", over, 0.0, 10.0)
    batch = config.EVENTSOURCING_PROJECTION_BATCH if batch is None else batch
    batch = validate.integer("batch", batch, 1, config.EVENTSOURCING_MAX_BATCH)
    events = config.EVENTSOURCING_SIM_EVENTS if events is None else events
    events = validate.integer("events", events, 1, config.EVENTSOURCING_MAX_SIM_EVENTS)
    commits = _arrivals(rate, events, resolve_seed(seed))
    lags = kk.projector_applied(commits, poll, over, cost, batch) - commits
    return LagResult(lags, rate, poll, "simulated", rate, float(np.mean(lags > 0)), cost)


def measure_lag(
    rate_per_s: float | None = None,
    duration_s: float | None = None,
    poll_s: float | None = None,
    accounts: int | None = None,
    seed: int | None = None,
    synchronous: str = "NORMAL",
) -> LagResult:
    """Run commands against a real store with an asynchronous projector and measure the lag.

    Parameters
    ----------
    rate_per_s : float, optional
        Offered deposits per second, Poisson (default ``config.EVENTSOURCING_LAG_RATE``).
    duration_s : float, optional
        How long to offer them (default ``config.EVENTSOURCING_LAG_DURATION_S``).
    poll_s : float, optional
        The projector's sleep between empty polls (default ``config.EVENTSOURCING_POLL_S``).
    accounts : int, optional
        Accounts the deposits go to (default ``config.EVENTSOURCING_ACCOUNTS``).
    seed : int, optional
        Same seed, same schedule (timings still vary: this is a real run).
    synchronous : str, optional
        The store's fsync policy (``"NORMAL"`` by default, so that the disk's
        fsync time does not cap the rate; ``"FULL"`` to measure it too).

    Returns
    -------
    LagResult
        ``kind="measured"``; ``missed_reads`` counts the writes whose author,
        reading the read side at once, did not see them.
    """
    rate = config.EVENTSOURCING_LAG_RATE if rate_per_s is None else rate_per_s
    rate = validate.number("rate_per_s", rate, 1.0, config.EVENTSOURCING_MAX_MEASURED_RATE)
    duration = config.EVENTSOURCING_LAG_DURATION_S if duration_s is None else duration_s
    duration = validate.number("duration_s", duration, 0.1, config.EVENTSOURCING_MAX_DURATION_S)
    poll = validate.number("poll_s", config.EVENTSOURCING_POLL_S if poll_s is None else poll_s, 0.0, 5.0)
    accounts = validate.integer(
        "accounts", config.EVENTSOURCING_ACCOUNTS if accounts is None else accounts, 1, 1000
    )
    rng = np.random.default_rng(resolve_seed(seed))
    with tempfile.TemporaryDirectory() as folder:
        store_path, read_path = os.path.join(folder, "events.db"), os.path.join(folder, "read.db")
        with EventStore(store_path, synchronous=synchronous) as store:
            streams = [f"account-{i}" for i in range(accounts)]
            for s in streams:
                handle(store, s, {"type": "open", "owner": s})
            reader = ReadModel(read_path, ["balances"])
            reader.catch_up(store)
            projector = Projector(store_path, read_path, poll_s=poll, projections=["balances"]).start()
            missed, writes, start = 0, 0, time.perf_counter()
            try:
                next_at = rng.exponential(1.0 / rate)
                while next_at < duration:
                    wait = next_at - (time.perf_counter() - start)
                    if wait > 0:
                        time.sleep(wait)
                    stream = streams[rng.integers(accounts)]
                    done = handle(store, stream, {"type": "deposit", "amount": int(rng.integers(1, 10_000))})
                    seen = reader.balance(stream)
                    missed += seen is None or seen[1] < done.version
                    writes += 1
                    next_at += rng.exponential(1.0 / rate)
                elapsed = time.perf_counter() - start
                reader.wait_for(store.head(), timeout_s=config.EVENTSOURCING_MAX_DURATION_S)
            finally:
                projector.stop()
                reader.close()
    lags = np.array([lag for _, lag in projector.lags])  # the openings were projected before it started
    cost = projector.busy_s / max(len(projector.lags), 1)
    return LagResult(lags, rate, poll, "measured", writes / elapsed, missed / max(writes, 1), cost)
