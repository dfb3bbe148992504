"""Retries, backoff and jitter: Marc Brooker's optimistic-concurrency race, reproduced.

Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, March 2015
(simulator: github.com/aws-samples/aws-arch-backoff-simulator). N clients
each want to update one row with optimistic concurrency: read the version,
write if unchanged. A client whose write loses backs off and tries again,
until every client has written once. Each message takes |Normal(10, 2)| ms;
base 5 ms, cap 2000 ms. The retry counter starts at 1, so the first retry
of the exponential strategies waits ``base * 2``. Parameters are in
milliseconds, as in the post; the kernels run in seconds.

Brooker's figures: the work (write calls) grows fastest without backoff and
with plain exponential backoff; full jitter does the least work; the
completion time is shortest without backoff (it hammers the server) and
longest, by far, with un-jittered exponential backoff, whose clients retry
in lockstep.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.jit import one_chunk_at_a_time
from ..core.policies import backoff_code
from ..core.rng import derive_seed, resolve_seed, stream_seeds
from . import _kernels as kk

STRATEGIES = ("none", "exponential", "full_jitter", "equal_jitter", "decorrelated")
"""Brooker's five strategies, in the order of his post."""

BROOKER_2015 = {
    # strategy: (write calls, completion in ms) at 100 clients, means over 100 runs
    "full_jitter": (796.0, 4900.0),
    "equal_jitter": (813.0, 6600.0),
    "decorrelated": (1000.0, 4600.0),
    "exponential": (1855.0, 63500.0),
    "none": (2424.0, 2000.0),
}
"""What the experiment gives at 100 clients (calls, completion ms), read off Brooker's simulator."""


@dataclass(frozen=True)
class BackoffResult:
    """Runs of Brooker's race for one strategy.

    Attributes
    ----------
    strategy : str
        One of ``STRATEGIES``.
    clients : int
        Writers racing for the row.
    base_ms, cap_ms : float
        Backoff base and cap, milliseconds.
    seed : int
    calls_per_run : numpy.ndarray
        Write calls of every run.
    completion_per_run : numpy.ndarray
        Milliseconds until the last client had written, every run.

    Notes
    -----
    ``calls`` and ``completion_ms`` are means over runs, ``calls_se`` and
    ``completion_se_ms`` their standard errors.
    """

    strategy: str
    clients: int
    base_ms: float
    cap_ms: float
    seed: int
    calls_per_run: np.ndarray = field(repr=False)
    completion_per_run: np.ndarray = field(repr=False)

    @property
    def runs(self) -> int:
        """Independent runs."""
        return self.calls_per_run.size

    @property
    def calls(self) -> float:
        """Mean write calls per run."""
        return float(self.calls_per_run.mean())

    @property
    def completion_ms(self) -> float:
        """Mean time until every client has written, ms."""
        return float(self.completion_per_run.mean())

    @property
    def calls_se(self) -> float:
        """Standard error of ``calls`` (nan with one run)."""
        return float(self.calls_per_run.std(ddof=1) / math.sqrt(self.runs)) if self.runs > 1 else math.nan

    @property
    def completion_se_ms(self) -> float:
        """Standard error of ``completion_ms``, ms (nan with one run)."""
        return (
            float(self.completion_per_run.std(ddof=1) / math.sqrt(self.runs)) if self.runs > 1 else math.nan
        )


def _backoff_ms(base_ms, cap_ms) -> tuple[float, float]:
    """Base and cap in ms, from config when None; the cap may not be below the base."""
    base = validate.positive("base_ms", config.RELIABILITY_BACKOFF_BASE_MS if base_ms is None else base_ms)
    cap = validate.positive("cap_ms", config.RELIABILITY_BACKOFF_CAP_MS if cap_ms is None else cap_ms)
    if cap < base:
        raise ValueError(f"cap_ms must be at least base_ms (got cap_ms={cap:g}, base_ms={base:g})")
    return base, cap


def _race_messages(clients: int, runs: int) -> float:
    """An upper estimate of the messages ``runs`` races of ``clients`` send.

    Without backoff a client collides with about a quarter of the others in
    each round (Brooker's "none": 2,424 writes at 100 clients), so the
    writes grow like clients squared; every write costs four messages.

    Parameters
    ----------
    clients, runs : int

    Returns
    -------
    float
        Messages, the unit of ``config.RELIABILITY_MAX_RACE_MESSAGES``.
    """
    return float(runs) * (float(clients) ** 2 + 4.0 * clients)


def _check_race_work(messages: float, names: str) -> None:
    if messages > config.RELIABILITY_MAX_RACE_MESSAGES:
        raise ValueError(
            f"{names} make about {messages:.3g} messages: more than "
            f"config.RELIABILITY_MAX_RACE_MESSAGES = {config.RELIABILITY_MAX_RACE_MESSAGES:.3g}. "
            "Use fewer clients or runs, or raise the limit"
        )


def backoff_experiment(
    strategy: str,
    clients: int,
    runs: int | None = None,
    seed: int | None = None,
    base_ms: float | None = None,
    cap_ms: float | None = None,
) -> BackoffResult:
    """Brooker's race of ``clients`` optimistic-concurrency writers, ``runs`` times.

    Parameters
    ----------
    strategy : {"none", "exponential", "full_jitter", "equal_jitter", "decorrelated"}
        How a client that lost backs off (``STRATEGIES``).
    clients : int
        Writers racing for the row (Brooker: 10 to 190).
    runs : int, optional
        Independent runs, in parallel (default ``config.RELIABILITY_BACKOFF_RUNS``: 100).
    seed : int, optional
        Random seed (default ``config.SEED``).
    base_ms, cap_ms : float, optional
        Backoff base and cap, milliseconds (default 5 and 2000, Brooker's values).

    Returns
    -------
    BackoffResult
        ``.calls`` (write calls) and ``.completion_ms`` (time until the last
        client has written, ms), means over runs.

    Raises
    ------
    ValueError
        A bad parameter, named; or more than ``config.RELIABILITY_MAX_RACE_MESSAGES``
        messages (:func:`_race_messages`).

    Notes
    -----
    At 100 clients Brooker's simulator gives about full jitter 796 calls /
    4.9 s, equal jitter 813 / 6.6 s, decorrelated 1000 / 4.6 s, exponential
    1855 / 63.5 s, none 2424 / 2.0 s (``BROOKER_2015``); the tests hold this
    kernel to 10%.

    References
    ----------
    M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
    2015, figures "calls" and "time" over 10..190 clients; simulator:
    github.com/aws-samples/aws-arch-backoff-simulator.

    Examples
    --------
    >>> r = backoff_experiment("full_jitter", 100, runs=100, seed=1)
    >>> bool(700 < r.calls < 900)
    True
    """
    validate.choice("strategy", strategy, STRATEGIES)
    clients = validate.integer("clients", clients, 1, 1_000_000)
    runs = validate.integer("runs", config.RELIABILITY_BACKOFF_RUNS if runs is None else runs, 1, 1_000_000)
    base, cap = _backoff_ms(base_ms, cap_ms)
    messages = _race_messages(clients, runs)
    _check_race_work(messages, f"clients={clients} and runs={runs}")
    seed = resolve_seed(seed)
    race = kk.RaceParams(
        clients,
        backoff_code(strategy),
        base / 1000.0,
        cap / 1000.0,
        config.RELIABILITY_BACKOFF_NET_MEAN_MS / 1000.0,
        config.RELIABILITY_BACKOFF_NET_SD_MS / 1000.0,
    )
    kernel = kk.occ_races_parallel if messages >= config.RELIABILITY_PARALLEL_MIN_MESSAGES else kk.occ_races
    with one_chunk_at_a_time():  # runs differ in length: let free threads take more of them
        calls, completion_s = kernel(race, stream_seeds(seed, runs))
    return BackoffResult(
        strategy=strategy,
        clients=clients,
        base_ms=base,
        cap_ms=cap,
        seed=seed,
        calls_per_run=calls,
        completion_per_run=completion_s * 1000.0,
    )


def backoff_sweep(
    clients: Sequence[int] | None = None,
    strategies: Sequence[str] = STRATEGIES,
    runs: int | None = None,
    seed: int | None = None,
    base_ms: float | None = None,
    cap_ms: float | None = None,
) -> pd.DataFrame:
    """Brooker's figures as a table: calls and completion time per strategy and client count.

    Parameters
    ----------
    clients : sequence of int, optional
        Client counts (default 10, 20, ..., 190 as in the post).
    strategies : sequence of str
        Names of ``STRATEGIES`` (default: all five).
    runs, seed, base_ms, cap_ms : optional
        As for :func:`backoff_experiment`; each (strategy, clients) point
        gets its own seed stream, so points share no random numbers.

    Returns
    -------
    pandas.DataFrame
        Columns strategy, clients, calls, calls_se, completion_ms,
        completion_se_ms (ms).

    Raises
    ------
    ValueError
        A bad parameter, named; or more than ``config.RELIABILITY_MAX_RACE_MESSAGES``
        messages over the whole sweep.

    References
    ----------
    M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.
    """
    counts = list(range(10, 200, 10)) if clients is None else _integers("clients", clients, 1, 1_000_000)
    if isinstance(strategies, str) or not isinstance(strategies, Sequence):
        raise ValueError(f"strategies must be a list of names of STRATEGIES (got strategies={strategies!r})")
    for s in strategies:
        validate.choice("strategies", s, STRATEGIES)
    n_runs = validate.integer("runs", config.RELIABILITY_BACKOFF_RUNS if runs is None else runs, 1, 1_000_000)
    _backoff_ms(base_ms, cap_ms)
    total = len(strategies) * sum(_race_messages(n, n_runs) for n in counts)
    _check_race_work(total, f"clients={counts}, {len(strategies)} strategies and runs={n_runs}")
    rows = []
    for s_i, strategy in enumerate(strategies):
        for n in counts:
            r = backoff_experiment(strategy, n, n_runs, derive_seed(seed, s_i, n), base_ms, cap_ms)
            rows.append(
                {
                    "strategy": strategy,
                    "clients": r.clients,
                    "calls": r.calls,
                    "calls_se": r.calls_se,
                    "completion_ms": r.completion_ms,
                    "completion_se_ms": r.completion_se_ms,
                }
            )
    return pd.DataFrame(
        rows, columns=["strategy", "clients", "calls", "calls_se", "completion_ms", "completion_se_ms"]
    )


def _integers(name: str, values, lo: int, hi: int) -> list[int]:
    """A list of integers within [lo, hi], each checked, the error naming ``name``."""
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        raise ValueError(f"{name} must be a list of integers (got {name}={values!r})")
    return [validate.integer(name, v.item() if isinstance(v, np.generic) else v, lo, hi) for v in values]


def sleeps(
    strategy: str,
    attempts: int = 10,
    samples: int = 1000,
    seed: int | None = None,
    base_ms: float | None = None,
    cap_ms: float | None = None,
) -> np.ndarray:
    """The sleeps before retries 1..``attempts`` of ``samples`` clients.

    The kit's convention (``kit.core.policy_kernels.backoff_sleep``): the
    first retry waits ``base_ms``, each next one twice as long, up to ``cap_ms``.

    Parameters
    ----------
    strategy : {"none", "exponential", "full_jitter", "equal_jitter", "decorrelated"}
    attempts : int
        Retries per client.
    samples : int
        Clients (rows).
    seed : int, optional
        Random seed (default ``config.SEED``).
    base_ms, cap_ms : float, optional
        Backoff base and cap, milliseconds (default Brooker's 5 and 2000).

    Returns
    -------
    numpy.ndarray
        float64[samples, attempts], milliseconds; at most
        ``config.RELIABILITY_MAX_SLEEPS`` values.

    References
    ----------
    M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.

    Examples
    --------
    >>> sleeps("exponential", attempts=4, samples=1, base_ms=5, cap_ms=2000)[0].tolist()
    [5.0, 10.0, 20.0, 40.0]
    """
    validate.choice("strategy", strategy, STRATEGIES)
    attempts = validate.integer("attempts", attempts, 1, 1000)
    samples = validate.integer("samples", samples, 1, config.RELIABILITY_MAX_SLEEPS)
    if attempts * samples > config.RELIABILITY_MAX_SLEEPS:
        raise ValueError(
            f"attempts={attempts} x samples={samples} is {attempts * samples:,} sleeps: more than "
            f"config.RELIABILITY_MAX_SLEEPS = {config.RELIABILITY_MAX_SLEEPS:,}"
        )
    base, cap = _backoff_ms(base_ms, cap_ms)
    code = backoff_code(strategy)
    return kk.sleep_samples(code, attempts, base / 1000.0, cap / 1000.0, samples, resolve_seed(seed)) * 1000.0


def warm() -> None:
    """Compile (or load) this module's kernels with their real argument types."""
    backoff_experiment("decorrelated", 3, runs=2, seed=0)
    # the parallel kernel, which only races of config.RELIABILITY_PARALLEL_MIN_MESSAGES and more take
    kk.occ_races_parallel(
        kk.RaceParams(3, backoff_code("decorrelated"), 0.005, 2.0, 0.01, 0.002), stream_seeds(0, 2)
    )
    sleeps("full_jitter", 2, 2, seed=0)
