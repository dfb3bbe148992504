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
    """One run of the scenario; ``run`` is the station's result.

    ``recovered``: goodput over the last ``config.RELIABILITY_STORM_TAIL_FRACTION`` of
    the run is at least ``config.RELIABILITY_STORM_RECOVERED`` of the base load.
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
        """Rates over the last stretch of the run (see ``StationResult.summary``)."""
        start = self.horizon_s * (1.0 - config.RELIABILITY_STORM_TAIL_FRACTION)
        return self.run.summary(start, self.horizon_s)

    @property
    def before(self) -> dict:
        """Rates before the trigger."""
        return self.run.summary(0.0, self.trigger_at_s)

    @property
    def recovered(self) -> bool:
        return self.tail["goodput_per_s"] >= config.RELIABILITY_STORM_RECOVERED * self.base_rate

    @property
    def amplification(self) -> float:
        """Offered load over the base load at the end of the run (1 = no retries in flight)."""
        return self.tail["offered_per_s"] / self.base_rate


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
    trigger_rate, trigger_s : float, optional
        Load during the trigger (req/s) and its length (default 150 req/s for
        10 s, ``config.STORM_*``).
    base_rate, capacity : float, optional
        Normal load and the server's capacity, req/s (default 80 and 100).
    timeout_s : float, optional
        Client timeout (default 1 s).
    cancel : {"none", "queued", "all"}
        Whether the server drops work whose client timed out.
    trigger_at_s, horizon_s : float, optional
        When the trigger starts, and the length of the run.
    seed : int, optional

    Returns
    -------
    StormResult
        ``.recovered``, ``.tail`` and ``.before`` rates, ``.run.timeline()``.

    Notes
    -----
    Bronson et al., HotOS '21, Fig. 1 and the retry example; Huang et al.,
    OSDI '22 (workload amplification, e.g. retries, as a sustaining effect).

    Example
    -------
    >>> retry_storm("3 immediate retries", seed=1).recovered
    False
    >>> retry_storm("no retries", seed=1).recovered
    True
    """
    if isinstance(policy, str):
        name = validate.choice("policy", policy, RETRY_POLICIES)
        retry = RETRY_POLICIES[name]
    elif isinstance(policy, Retry):
        name, retry = "custom", policy
    else:
        raise ValueError(f"policy must be a name of RETRY_POLICIES or a Retry (got {policy!r})")
    base = validate.positive(
        "base_rate", config.RELIABILITY_STORM_BASE_RATE if base_rate is None else base_rate
    )
    cap = validate.positive("capacity", config.RELIABILITY_STORM_CAPACITY if capacity is None else capacity)
    trig_rate = validate.number(
        "trigger_rate", config.RELIABILITY_STORM_TRIGGER_RATE if trigger_rate is None else trigger_rate, 0.0
    )
    trig_s = validate.number(
        "trigger_s", config.RELIABILITY_STORM_TRIGGER_S if trigger_s is None else trigger_s, 0.0
    )
    timeout = validate.positive(
        "timeout_s", config.RELIABILITY_STORM_TIMEOUT_S if timeout_s is None else timeout_s
    )
    at = validate.number(
        "trigger_at_s", config.RELIABILITY_STORM_TRIGGER_AT_S if trigger_at_s is None else trigger_at_s, 0.0
    )
    horizon = validate.positive(
        "horizon_s", config.RELIABILITY_STORM_HORIZON_S if horizon_s is None else horizon_s
    )
    if at + trig_s >= horizon * (1.0 - config.RELIABILITY_STORM_TAIL_FRACTION):
        raise ValueError(
            f"the trigger must end before the last {config.RELIABILITY_STORM_TAIL_FRACTION:.0%} of the run "
            f"(got trigger_at_s={at:g}, trigger_s={trig_s:g}, horizon_s={horizon:g})"
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


def phase_diagram(
    trigger_rates=None,
    policies=None,
    trigger_s: float | None = None,
    seed: int | None = None,
    **scenario,
) -> pd.DataFrame:
    """Recovers or not, for each trigger size and retry policy.

    ``trigger_rates`` defaults to ``config.RELIABILITY_STORM_PHASE_RATES``; ``policies``
    to every name of ``RETRY_POLICIES``; other keywords go to
    :func:`retry_storm`. Columns: policy, trigger_rate, recovered,
    goodput_per_s and offered_per_s (over the last stretch of the run).

    Example
    -------
    >>> t = phase_diagram([100.0, 200.0], ["no retries", "3 immediate retries"], seed=1)
    >>> t.recovered.tolist()
    [True, True, True, False]
    """
    rates = (
        config.RELIABILITY_STORM_PHASE_RATES if trigger_rates is None else list(np.atleast_1d(trigger_rates))
    )
    names = list(RETRY_POLICIES) if policies is None else list(policies)
    seed = resolve_seed(seed)
    rows = []
    for p_i, name in enumerate(names):
        for r_i, rate in enumerate(rates):
            r = retry_storm(name, float(rate), trigger_s, seed=derive_seed(seed, p_i, r_i), **scenario)
            tail = r.tail
            rows.append(
                {
                    "policy": name,
                    "trigger_rate": float(rate),
                    "recovered": r.recovered,
                    "goodput_per_s": tail["goodput_per_s"],
                    "offered_per_s": tail["offered_per_s"],
                }
            )
    return pd.DataFrame(rows)


def sustained_load(base_rate: float, max_retries: int) -> float:
    """Offered load once every attempt times out: each request is sent ``1 + max_retries`` times.

    If this exceeds the capacity, the overload sustains itself (the
    sustaining effect); below it, the backlog drains and the system recovers.

    Example
    -------
    >>> sustained_load(80, 3)
    320.0
    """
    validate.positive("base_rate", base_rate)
    validate.integer("max_retries", max_retries, 0)
    return float(base_rate) * (1 + max_retries)


def drain_s(base_rate: float, capacity: float, trigger_rate: float, trigger_s: float) -> float:
    """Seconds after the trigger until the backlog it left is gone, without retries.

    The trigger leaves ``(trigger_rate - capacity) * trigger_s`` requests
    queued; they drain at ``capacity - base_rate`` per second.

    Example
    -------
    >>> drain_s(80, 100, 150, 10)
    25.0
    """
    base = validate.positive("base_rate", base_rate)
    cap = validate.positive("capacity", capacity)
    if base >= cap:
        return math.inf
    backlog = max(validate.number("trigger_rate", trigger_rate, 0.0) - cap, 0.0) * validate.number(
        "trigger_s", trigger_s, 0.0
    )
    return backlog / (cap - base)


def warm() -> None:
    retry_storm("3 retries, 10% budget", 150.0, 1.0, trigger_at_s=1.0, horizon_s=10.0, seed=0)
