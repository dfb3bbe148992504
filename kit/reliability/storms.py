"""Timeouts, retry storms and metastable failure.

The scenario: a server that handles ``capacity`` requests per second
(exponential service, one worker) under Poisson load ``base_rate``; clients
time out after ``timeout_s``; the server does not cancel work whose client
has gone. A *trigger* raises the load to ``trigger_rate`` for
``trigger_s`` seconds. The queue that builds makes every request time out,
and timed-out requests retried at once add load: with 3 immediate retries
each request becomes 4 attempts, the offered load about 4x the base, far
above capacity. The server stays busy with work nobody waits for and
goodput stays near zero after the trigger is gone: a *metastable failure*.
Without retries, or with a retry budget, the overload ends with the trigger
and the system recovers.

Bronson, Aghayev, Charapko & Zhu, "Metastable Failures in Distributed
Systems", HotOS '21 (Fig. 1: the stable, vulnerable and metastable states;
a trigger pushes a vulnerable system over, a *sustaining effect* keeps it
there). Huang et al., "Metastable Failures in the Wild", OSDI '22, studied 22
incidents from 11 organizations and named two amplification mechanisms that
sustain them: workload amplification (retries among them) and capacity
degradation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config, queueing
from ..core import validate
from ..core.policies import Retry
from ..core.rng import Exponential, derive_seed, resolve_seed

RETRY_POLICIES = {
    "no retries": Retry(max_retries=0),
    "1 immediate retry": Retry(max_retries=1),
    "3 immediate retries": Retry(max_retries=3),
    "3 retries, jittered backoff": Retry(max_retries=3, backoff="full_jitter", base_s=0.1, cap_s=5.0),
    "3 retries, 10% budget": Retry(max_retries=3, budget_ratio=0.1, budget_cap=10.0),
}
"""Client retry policies of the lab. The jittered backoff spreads the retries
out but sends just as many; the budget (a token bucket earning 0.1 token per
success, 10 at most) stops retrying when almost nothing succeeds."""


@dataclass(frozen=True)
class StormResult:
    """One run of the retry-storm scenario.

    Attributes
    ----------
    policy : str
        A name of ``RETRY_POLICIES``, or "custom".
    base_rate, capacity, trigger_rate : float
        Normal load, the server's capacity and the load during the trigger, requests per second.
    trigger_at_s, trigger_s : float
        When the trigger starts and how long it lasts, seconds.
    timeout_s : float
        Client timeout, seconds.
    cancel : str
        What the server does with abandoned work (``kit.queueing.CANCEL``).
    horizon_s : float
        Length of the run, seconds.
    run : kit.queueing.StationResult
        The station's result.

    Notes
    -----
    ``recovered``: goodput over the last ``config.RELIABILITY_STORM_TAIL_FRACTION``
    of the run is at least ``config.RELIABILITY_STORM_RECOVERED`` of the base load.
    """

    policy: str
    base_rate: float
    capacity: float
    trigger_rate: float
    trigger_at_s: float
    trigger_s: float
    timeout_s: float
    cancel: str
    horizon_s: float
    run: queueing.StationResult

    @property
    def tail(self) -> dict:
        """Rates over the last stretch of the run (see ``StationResult.summary``), per second."""
        start = self.horizon_s * (1.0 - config.RELIABILITY_STORM_TAIL_FRACTION)
        return self.run.summary(start, self.horizon_s)

    @property
    def before(self) -> dict:
        """Rates before the trigger, per second."""
        return self.run.summary(0.0, self.trigger_at_s)

    @property
    def recovered(self) -> bool:
        """Goodput at the end is back to (nearly) the base load."""
        return self.tail["goodput_per_s"] >= config.RELIABILITY_STORM_RECOVERED * self.base_rate

    @property
    def amplification(self) -> float:
        """Offered load over the base load at the end of the run (1 = no retries in flight)."""
        return self.tail["offered_per_s"] / self.base_rate


def _retry(policy) -> tuple[str, Retry]:
    if isinstance(policy, str):
        name = validate.choice("policy", policy, RETRY_POLICIES)
        return name, RETRY_POLICIES[name]
    if isinstance(policy, Retry):
        return "custom", policy
    raise ValueError(f"policy must be a name of RETRY_POLICIES or a Retry (got policy={policy!r})")


def _scenario(
    trigger_rate, trigger_s, base_rate=None, capacity=None, timeout_s=None, trigger_at_s=None, horizon_s=None
) -> tuple:
    """The scenario's numbers, from ``config.RELIABILITY_STORM_*`` where None, checked."""

    def value(name, given, default, check):
        return check(name, default if given is None else given)

    def at_least_0(name, v):
        return validate.number(name, v, 0.0)

    trig_rate = value("trigger_rate", trigger_rate, config.RELIABILITY_STORM_TRIGGER_RATE, at_least_0)
    trig_s = value("trigger_s", trigger_s, config.RELIABILITY_STORM_TRIGGER_S, at_least_0)
    base = value("base_rate", base_rate, config.RELIABILITY_STORM_BASE_RATE, validate.positive)
    cap = value("capacity", capacity, config.RELIABILITY_STORM_CAPACITY, validate.positive)
    timeout = value("timeout_s", timeout_s, config.RELIABILITY_STORM_TIMEOUT_S, validate.positive)
    at = value("trigger_at_s", trigger_at_s, config.RELIABILITY_STORM_TRIGGER_AT_S, at_least_0)
    horizon = value("horizon_s", horizon_s, config.RELIABILITY_STORM_HORIZON_S, validate.positive)
    if at + trig_s >= horizon * (1.0 - config.RELIABILITY_STORM_TAIL_FRACTION):
        raise ValueError(
            f"the trigger must end before the last {config.RELIABILITY_STORM_TAIL_FRACTION:.0%} of the run "
            f"(got trigger_at_s={at:g}, trigger_s={trig_s:g}, horizon_s={horizon:g})"
        )
    return trig_rate, trig_s, base, cap, timeout, at, horizon


def _storm_events(base, trig_rate, trig_s, horizon, retry: Retry) -> tuple[float, float]:
    """(events, attempts) of a run at most: every request may be sent 1 + max_retries times.

    Each attempt costs an arrival, a departure and a timeout. Bounding the
    run this way means it is never cut short, so its verdict is never a
    guess about the part it did not simulate.
    """
    arrivals = queueing.Poisson(base, spikes=[(0.0, trig_s, trig_rate)]).expected_arrivals(horizon)
    attempts = 1.1 * arrivals * (1 + retry.max_retries)  # 10%: Poisson counts above their mean
    return 3.0 * attempts, attempts


def retry_storm(
    policy: str | Retry = "3 immediate retries",
    trigger_rate: float | None = None,
    trigger_s: float | None = None,
    *,
    base_rate: float | None = None,
    capacity: float | None = None,
    timeout_s: float | None = None,
    cancel: str = "none",
    trigger_at_s: float | None = None,
    horizon_s: float | None = None,
    seed: int | None = None,
) -> StormResult:
    """Run the retry-storm scenario once.

    Parameters
    ----------
    policy : str or Retry
        A name of ``RETRY_POLICIES`` or your own ``Retry``.
    trigger_rate : float, optional
        Load during the trigger, requests per second (default ``config.RELIABILITY_STORM_TRIGGER_RATE``, 150).
    trigger_s : float, optional
        Length of the trigger, seconds (default ``config.RELIABILITY_STORM_TRIGGER_S``, 10).
    base_rate, capacity : float, optional
        Normal load and the server's capacity, requests per second (default 80 and 100).
    timeout_s : float, optional
        Client timeout, seconds (default 1).
    cancel : {"none", "queued", "all"}
        Whether the server drops work whose client timed out.
    trigger_at_s, horizon_s : float, optional
        When the trigger starts, and the length of the run, seconds (default 30 and 180).
    seed : int, optional
        Random seed (default ``config.SEED``).

    Returns
    -------
    StormResult
        ``.recovered``, ``.tail`` and ``.before`` rates, ``.run.timeline()``.

    Raises
    ------
    ValueError
        A bad parameter, named; or a run that could need more than
        ``config.QUEUEING_MAX_EVENTS`` events with every request retried
        (the message names the load and the length): it is refused up front,
        never cut short and then judged.

    References
    ----------
    N. Bronson, A. Aghayev, A. Charapko, T. Zhu, "Metastable Failures in
    Distributed Systems", HotOS '21, Fig. 1 and the retry example; L. Huang
    et al., "Metastable Failures in the Wild", OSDI '22 (workload
    amplification, e.g. retries, as a sustaining effect).

    Examples
    --------
    >>> retry_storm("3 immediate retries", seed=1).recovered
    False
    >>> retry_storm("no retries", seed=1).recovered
    True
    """
    name, retry = _retry(policy)
    trig_rate, trig_s, base, cap, timeout, at, horizon = _scenario(
        trigger_rate, trigger_s, base_rate, capacity, timeout_s, trigger_at_s, horizon_s
    )
    validate.choice("cancel", cancel, queueing.CANCEL)
    events, attempts = _storm_events(base, trig_rate, trig_s, horizon, retry)
    queueing.check_size(
        events, attempts, base_rate=base, trigger_rate=trig_rate, trigger_s=trig_s, horizon_s=horizon
    )
    run = queueing.simulate(
        queueing.Poisson(base, spikes=[(at, trig_s, trig_rate)]),
        Exponential(1.0 / cap),
        1,
        timeout_s=timeout,
        cancel=cancel,
        retry=retry,
        horizon_s=horizon,
        seed=seed,
    )
    return StormResult(
        policy=name,
        base_rate=base,
        capacity=cap,
        trigger_rate=trig_rate,
        trigger_at_s=at,
        trigger_s=trig_s,
        timeout_s=timeout,
        cancel=cancel,
        horizon_s=horizon,
        run=run,
    )


def _rates(name: str, values) -> list[float]:
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        raise ValueError(f"{name} must be a list of rates (got {name}={values!r})")
    return [validate.number(name, v.item() if isinstance(v, np.generic) else v, 0.0) for v in values]


def phase_diagram(
    trigger_rates: Sequence[float] | None = None,
    policies: Sequence[str] | None = None,
    trigger_s: float | None = None,
    seed: int | None = None,
    **scenario,
) -> pd.DataFrame:
    """Recovers or not, for each trigger size and retry policy.

    Parameters
    ----------
    trigger_rates : sequence of float, optional
        Loads during the trigger, requests per second (default ``config.RELIABILITY_STORM_PHASE_RATES``).
    policies : sequence of str, optional
        Names of ``RETRY_POLICIES`` (default: all).
    trigger_s : float, optional
        Length of the trigger, seconds.
    seed : int, optional
        Random seed; each cell gets its own stream.
    **scenario
        Other keywords of :func:`retry_storm` (``base_rate``, ``horizon_s``...).

    Returns
    -------
    pandas.DataFrame
        Columns policy, trigger_rate, recovered, goodput_per_s and
        offered_per_s (over the last stretch of the run, per second).

    Raises
    ------
    ValueError
        A bad parameter, named; or a grid whose runs could need more than
        ``config.QUEUEING_MAX_EVENTS`` events in all.

    References
    ----------
    N. Bronson et al., "Metastable Failures in Distributed Systems", HotOS '21, Fig. 1.

    Examples
    --------
    >>> t = phase_diagram([100.0, 200.0], ["no retries", "3 immediate retries"], seed=1)
    >>> t.recovered.tolist()
    [True, True, True, False]
    """
    rates = _rates(
        "trigger_rates", config.RELIABILITY_STORM_PHASE_RATES if trigger_rates is None else trigger_rates
    )
    if policies is None:
        names = list(RETRY_POLICIES)
    elif isinstance(policies, str) or not isinstance(policies, Sequence):
        raise ValueError(f"policies must be a list of names of RETRY_POLICIES (got policies={policies!r})")
    else:
        names = [validate.choice("policies", p, RETRY_POLICIES) for p in policies]
    unknown = set(scenario) - {"base_rate", "capacity", "timeout_s", "cancel", "trigger_at_s", "horizon_s"}
    if unknown:
        raise ValueError(f"phase_diagram got unknown scenario keywords: {sorted(unknown)}")
    seed = resolve_seed(seed)
    total = 0.0
    for name in names:
        for rate in rates:
            numbers = {k: v for k, v in scenario.items() if k != "cancel"}
            trig_rate, trig_s, base, *_, horizon = _scenario(rate, trigger_s, **numbers)
            total += _storm_events(base, trig_rate, trig_s, horizon, RETRY_POLICIES[name])[0]
    queueing.check_size(
        total,
        0.0,
        trigger_rates=rates,
        policies=names,
        trigger_s=trigger_s,
        horizon_s=scenario.get("horizon_s"),
    )
    rows = []
    for p_i, name in enumerate(names):
        for r_i, rate in enumerate(rates):
            r = retry_storm(name, rate, trigger_s, seed=derive_seed(seed, p_i, r_i), **scenario)
            tail = r.tail
            rows.append(
                {
                    "policy": name,
                    "trigger_rate": rate,
                    "recovered": r.recovered,
                    "goodput_per_s": tail["goodput_per_s"],
                    "offered_per_s": tail["offered_per_s"],
                }
            )
    return pd.DataFrame(
        rows, columns=["policy", "trigger_rate", "recovered", "goodput_per_s", "offered_per_s"]
    )


def sustained_load(base_rate: float, max_retries: int) -> float:
    """Offered load once every attempt times out: each request is sent ``1 + max_retries`` times.

    If this exceeds the capacity, the overload sustains itself (the
    sustaining effect); below it, the backlog drains and the system recovers.

    Parameters
    ----------
    base_rate : float
        New requests per second.
    max_retries : int
        Retries per request (0 to 1000).

    Returns
    -------
    float
        Attempts per second.

    References
    ----------
    N. Bronson et al., HotOS '21: retries as the sustaining effect.

    Examples
    --------
    >>> sustained_load(80, 3)
    320.0
    """
    base = validate.positive("base_rate", base_rate)
    return base * (1 + validate.integer("max_retries", max_retries, 0, 1000))


def drain_s(base_rate: float, capacity: float, trigger_rate: float, trigger_s: float) -> float:
    """Seconds after the trigger until the backlog it left is gone, without retries.

    The trigger leaves ``(trigger_rate - capacity) * trigger_s`` requests
    queued; they drain at ``capacity - base_rate`` per second.

    Parameters
    ----------
    base_rate, capacity, trigger_rate : float
        Normal load, the server's capacity and the load during the trigger, requests per second.
    trigger_s : float
        Length of the trigger, seconds.

    Returns
    -------
    float
        Seconds (inf when the base load alone fills the server).

    Examples
    --------
    >>> drain_s(80, 100, 150, 10)
    25.0
    """
    base = validate.positive("base_rate", base_rate)
    cap = validate.positive("capacity", capacity)
    backlog = max(validate.number("trigger_rate", trigger_rate, 0.0) - cap, 0.0) * validate.number(
        "trigger_s", trigger_s, 0.0
    )
    if base >= cap:
        return math.inf
    return backlog / (cap - base)


def warm() -> None:
    """Compile (or load) the kernels this module runs with their real argument types."""
    retry_storm("3 retries, 10% budget", 150.0, 1.0, trigger_at_s=1.0, horizon_s=10.0, seed=0)
