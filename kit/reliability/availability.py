"""Availability maths, SLOs, error budgets and burn-rate alerts.

Blocks compose: components in *series* are all needed (availabilities
multiply), components in *parallel* are redundant (unavailabilities
multiply), and *k of n* needs any k of n identical replicas (N+1 is
``KOfN(n - 1, n, a)``). For independent components these are exact
steady-state results (Trivedi, *Probability and Statistics with
Reliability, Queuing, and Computer Science Applications*, 2nd ed., 2016:
series-parallel and k-out-of-n systems); :func:`simulate_availability`
checks them by letting every component fail and get repaired.

Three 99.9% components in series: 0.999^3 = 99.7003%. Two 99% replicas in
parallel: 1 - 0.01^2 = 99.99%. A 99.9% SLO over 30 days allows 43.2
minutes of downtime.

Burn rate = error rate / (1 - SLO). The Site Reliability Workbook (Beyer et
al., 2018, ch. 5 "Alerting on SLOs", multiwindow, multi-burn-rate alerts)
recommends, for a 30-day 99.9% SLO: page at burn rate 14.4 over 1 h (and 5 m),
page at 6 over 6 h (and 30 m), ticket at 1 over 3 days (and 6 h): 2%, 5% and
10% of the month's budget spent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.jit import one_chunk_at_a_time
from ..core.rng import stream_seeds
from . import _kernels as kk

MINUTES_PER_DAY = 24 * 60


# --- blocks -------------------------------------------------------------------------------


class Block:
    """A piece of an architecture whose availability is known or computed."""

    def availability(self) -> float:
        raise NotImplementedError

    def leaves(self) -> list[float]:
        """Availabilities of the components, in program order."""
        raise NotImplementedError

    def program(self, first: int = 0) -> list[tuple[int, int, int]]:
        """Postfix program over the components numbered from ``first`` (for the kernel)."""
        raise NotImplementedError


def _block(value) -> Block:
    if isinstance(value, Block):
        return value
    return Component(validate.probability("availability", value))


@dataclass(frozen=True)
class Component(Block):
    """One component with steady-state availability ``a`` (e.g. 0.999)."""

    a: float
    name: str = ""

    def __post_init__(self):
        validate.probability("availability", self.a)

    def availability(self) -> float:
        return float(self.a)

    def leaves(self):
        return [float(self.a)]

    def program(self, first=0):
        return [(kk.LEAF, first, 0)]


class _Group(Block):
    op = -1

    def __init__(self, *blocks):
        if not blocks:
            raise ValueError(f"{type(self).__name__} needs at least one block")
        self.blocks = tuple(_block(b) for b in blocks)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(map(repr, self.blocks))})"

    def leaves(self):
        return [a for b in self.blocks for a in b.leaves()]

    def program(self, first=0):
        out = []
        for b in self.blocks:
            out += b.program(first)
            first += len(b.leaves())
        return [*out, (self.op, len(self.blocks), 0)]


class Series(_Group):
    """All blocks are needed: A = product of A_i."""

    op = kk.SERIES

    def availability(self) -> float:
        return float(np.prod([b.availability() for b in self.blocks]))


class Parallel(_Group):
    """Any one block is enough: A = 1 - product of (1 - A_i)."""

    op = kk.PARALLEL

    def availability(self) -> float:
        return float(1.0 - np.prod([1.0 - b.availability() for b in self.blocks]))


class KOfN(Block):
    """At least ``k`` of ``n`` identical replicas of availability ``a`` must be up (binomial sum).

    N+1 redundancy for a load that needs n-1 replicas is ``KOfN(n - 1, n, a)``.
    """

    def __init__(self, k: int, n: int, a):
        self.n = validate.integer("n", n, 1, 10_000)
        self.k = validate.integer("k", k, 1, self.n)
        self.replica = _block(a)

    def __repr__(self):
        return f"KOfN({self.k}, {self.n}, {self.replica!r})"

    def availability(self) -> float:
        a = self.replica.availability()
        i = np.arange(self.k, self.n + 1)
        comb = np.array([math.comb(self.n, int(j)) for j in i], dtype=float)
        return float(np.sum(comb * a**i * (1.0 - a) ** (self.n - i)))

    def leaves(self):
        return self.replica.leaves() * self.n

    def program(self, first=0):
        out = []
        size = len(self.replica.leaves())
        for j in range(self.n):
            out += self.replica.program(first + j * size)
        return [*out, (kk.KOFN, self.n, self.k)]


def availability(block) -> float:
    """Steady-state availability of a block, or of a single number.

    Example
    -------
    >>> round(availability(Series(0.999, 0.999, 0.999)), 6)
    0.997003
    >>> round(availability(Parallel(0.99, 0.99)), 6)
    0.9999
    >>> round(availability(KOfN(2, 3, 0.99)), 6)
    0.999702
    """
    return _block(block).availability()


def multi_az(zones: int, needed: int, zone_availability: float, component) -> Block:
    """A service in ``zones`` availability zones, ``needed`` of which carry the load.

    Each zone is a zone-wide dependency (power, network: ``zone_availability``)
    in series with the service's own ``component`` block.
    """
    zone = Series(Component(validate.probability("zone_availability", zone_availability)), _block(component))
    return KOfN(needed, zones, zone)


def designs(
    a: float, tiers: int, replicas: int, zones: int, zone_a: float | None = None, front_a: float | None = None
) -> dict:
    """Three architectures of ``tiers`` components of availability ``a``, for comparison.

    "single": one of each tier in series; "replicated": ``replicas`` per
    tier, any one enough (each tier in parallel); "multi-zone": the
    replicated stack in each of ``zones`` zones, any one zone enough. Each
    zone's own facilities (power, network) are available ``zone_a``, and
    every design sits behind one shared front door (DNS, the load
    balancer) available ``front_a``; both default to ``config.RELIABILITY_AVAIL_ZONE``
    and ``config.RELIABILITY_AVAIL_FRONT_DOOR``, assumptions to vary. The front door
    caps what redundancy behind it can buy.

    Example
    -------
    >>> [f"{availability(b):.5f}" for b in designs(0.999, 3, 2, 2).values()]
    ['0.99680', '0.99980', '0.99990']
    """
    a = validate.probability("a", a)
    tiers = validate.integer("tiers", tiers, 1, 100)
    replicas = validate.integer("replicas", replicas, 1, 100)
    zones = validate.integer("zones", zones, 1, 10)
    zone = Component(
        validate.probability("zone_a", config.RELIABILITY_AVAIL_ZONE if zone_a is None else zone_a)
    )
    front = Component(
        validate.probability("front_a", config.RELIABILITY_AVAIL_FRONT_DOOR if front_a is None else front_a)
    )
    stack = Series(*[Parallel(*[a] * replicas) for _ in range(tiers)])
    return {
        f"single: {tiers} tier(s)": Series(front, zone, *[a] * tiers),
        f"replicated: {replicas} per tier": Series(front, zone, stack),
        f"multi-zone: {zones} zone(s)": Series(front, KOfN(1, zones, Series(zone, stack))),
    }


# --- time ----------------------------------------------------------------------------------


def from_mtbf(mtbf_h: float, mttr_h: float) -> float:
    """A = MTBF / (MTBF + MTTR).

    Example
    -------
    >>> from_mtbf(999, 1)
    0.999
    """
    mtbf = validate.positive("mtbf_h", mtbf_h)
    mttr = validate.positive("mttr_h", mttr_h)
    return mtbf / (mtbf + mttr)


def downtime_min(a, days: float = 30.0):
    """Minutes of downtime that availability ``a`` allows over ``days`` (vectorised over a).

    Example
    -------
    >>> round(float(downtime_min(0.999, 30)), 6)
    43.2
    """
    a = np.asarray(a, dtype=float)
    validate.in_range("availability", a, 0.0, 1.0)
    validate.positive("days", days)
    return (1.0 - a) * days * MINUTES_PER_DAY


def nines(a) -> np.ndarray:
    """-log10(1 - a): 0.999 is 3 nines.

    Example
    -------
    >>> round(float(nines(0.9995)), 2)
    3.3
    """
    a = np.asarray(a, dtype=float)
    validate.in_range("availability", a, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        return -np.log10(1.0 - a)


def downtime_table(levels=(0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999)) -> pd.DataFrame:
    """Nines to downtime per year, per 30 days, per week and per day."""
    levels = np.asarray(levels, dtype=float)
    return pd.DataFrame(
        {
            "availability": levels,
            "nines": nines(levels),
            "per_year_min": downtime_min(levels, 365.0),
            "per_30_days_min": downtime_min(levels, 30.0),
            "per_week_min": downtime_min(levels, 7.0),
            "per_day_s": downtime_min(levels, 1.0) * 60.0,
        }
    )


@dataclass(frozen=True)
class AvailabilityCheck:
    """Simulated availability of a block over ``runs`` independent histories, beside the formula."""

    formula: float
    per_run: np.ndarray
    horizon_h: float

    @property
    def simulated(self) -> float:
        return float(self.per_run.mean())

    @property
    def se(self) -> float:
        return float(self.per_run.std(ddof=1) / math.sqrt(self.per_run.size))


def simulate_availability(
    block, mttr_h: float | None = None, horizon_h: float | None = None, runs: int | None = None, seed=None
) -> AvailabilityCheck:
    """Let every component fail and be repaired; measure how long the whole is up.

    Each component alternates exponential up times and repairs of mean
    ``mttr_h``, with the MTBF that gives it its availability
    (``MTBF = MTTR a / (1 - a)``), independently of the others.

    Example
    -------
    >>> c = simulate_availability(Series(0.99, Parallel(0.9, 0.9)), runs=8, seed=1)
    >>> bool(abs(c.simulated - c.formula) < 4 * c.se)
    True
    """
    block = _block(block)
    leaves = np.array(block.leaves())
    if np.any(leaves >= 1.0) or np.any(leaves <= 0.0):
        raise ValueError("simulate_availability needs every component strictly between 0 and 1")
    mttr = validate.positive("mttr_h", config.RELIABILITY_AVAIL_MTTR_H if mttr_h is None else mttr_h)
    horizon = validate.positive(
        "horizon_h", config.RELIABILITY_AVAIL_HORIZON_H if horizon_h is None else horizon_h
    )
    runs = validate.integer("runs", config.RELIABILITY_AVAIL_RUNS if runs is None else runs, 2, 100_000)
    program = np.array(block.program(), dtype=np.int64)
    mtbf = mttr * leaves / (1.0 - leaves)
    with one_chunk_at_a_time():
        per_run = kk.outage_runs(program, mtbf, np.full(leaves.size, mttr), horizon, stream_seeds(seed, runs))
    return AvailabilityCheck(formula=block.availability(), per_run=per_run, horizon_h=horizon)


# --- SLOs, error budgets, burn rates ----------------------------------------------------


@dataclass(frozen=True)
class BurnRule:
    """Alert when the burn rate exceeds ``burn_rate`` over both ``long_h`` and ``short_h``."""

    name: str
    burn_rate: float
    long_h: float
    short_h: float
    severity: str


WORKBOOK_RULES = (
    BurnRule("2% of budget in 1 h", 14.4, 1.0, 5 / 60, "page"),
    BurnRule("5% of budget in 6 h", 6.0, 6.0, 0.5, "page"),
    BurnRule("10% of budget in 3 days", 1.0, 72.0, 6.0, "ticket"),
)
"""The Site Reliability Workbook's alerts for a 30-day SLO (ch. 5, multiwindow, multi-burn-rate)."""


def error_budget_min(slo: float, days: float = 30.0) -> float:
    """Minutes of full outage the SLO allows over ``days``.

    Example
    -------
    >>> round(error_budget_min(0.999), 6)
    43.2
    """
    validate.probability("slo", slo)
    return float(downtime_min(slo, days))


def burn_rate_for(budget_fraction: float, window_h: float, period_days: float = 30.0) -> float:
    """The burn rate that spends ``budget_fraction`` of the period's budget in ``window_h``.

    Example
    -------
    >>> [round(burn_rate_for(f, h), 6) for f, h in ((0.02, 1.0), (0.05, 6.0), (0.10, 72.0))]
    [14.4, 6.0, 1.0]
    """
    f = validate.probability("budget_fraction", budget_fraction)
    w = validate.positive("window_h", window_h)
    return f * validate.positive("period_days", period_days) * 24.0 / w


def detection_time_min(error_rate: float, slo: float, rule: BurnRule) -> float:
    """Minutes until ``rule`` fires after errors jump from 0 to ``error_rate`` (inf: never).

    Both windows must see a burn rate above the threshold; a window of
    length W that has seen t minutes of errors measures
    ``error_rate * min(t, W) / W``, so it fires after
    ``burn_rate * (1 - slo) * W / error_rate`` (Workbook, ch. 5: time to detect).

    Example
    -------
    >>> round(detection_time_min(1.0, 0.999, WORKBOOK_RULES[0]), 3)
    0.864
    """
    e = validate.probability("error_rate", error_rate)
    budget = 1.0 - validate.probability("slo", slo)
    if e == 0 or e < rule.burn_rate * budget:
        return math.inf
    return max(rule.burn_rate * budget * w * 60.0 / e for w in (rule.long_h, rule.short_h))


def evaluate_alerts(error_rate, step_min: float, slo: float, rules=WORKBOOK_RULES) -> pd.DataFrame:
    """Run burn-rate alert rules over a series of error rates (one per ``step_min`` minutes).

    Returns a table with the time, the error rate, each rule's burn rate
    over its long window and whether it fires (long and short windows both
    above the threshold), and the budget spent so far (fraction of a 30-day
    budget).

    Example
    -------
    >>> t = evaluate_alerts(incident(0.02, start_h=0, duration_h=2, total_h=2), 1.0, 0.999)
    >>> float(t.t_min[t["fires 2% of budget in 1 h"]].iloc[0])  # Workbook: 43.2 min
    44.0
    """
    e = np.asarray(error_rate, dtype=float)
    validate.in_range("error_rate", e, 0.0, 1.0)
    step = validate.positive("step_min", step_min)
    budget = 1.0 - validate.probability("slo", slo)
    cum = np.concatenate([[0.0], np.cumsum(e)])

    def window_rate(hours):
        w = max(round(hours * 60.0 / step), 1)
        i = np.arange(1, e.size + 1)
        lo = np.maximum(i - w, 0)
        return (cum[i] - cum[lo]) / w  # missing history counts as no errors

    table = {"t_min": np.arange(e.size) * step + step, "error_rate": e}
    for rule in rules:
        long_burn = window_rate(rule.long_h) / budget
        short_burn = window_rate(rule.short_h) / budget
        table[f"burn {rule.name}"] = long_burn
        table[f"fires {rule.name}"] = (long_burn >= rule.burn_rate) & (short_burn >= rule.burn_rate)
    table["budget_spent"] = cum[1:] * step / (30.0 * MINUTES_PER_DAY * budget)
    return pd.DataFrame(table)


def incident(
    error_rate: float,
    start_h: float | None = None,
    duration_h: float | None = None,
    total_h: float | None = None,
    step_min: float | None = None,
) -> np.ndarray:
    """An error-rate series (one value per ``step_min``): 0, then ``error_rate`` for ``duration_h``, then 0.

    Defaults from ``config.AVAIL_INCIDENT_*``; feed it to :func:`evaluate_alerts`.
    """
    e = validate.probability("error_rate", error_rate)
    start = validate.number(
        "start_h", config.RELIABILITY_AVAIL_INCIDENT_START_H if start_h is None else start_h, 0.0
    )
    duration = validate.positive(
        "duration_h", config.RELIABILITY_AVAIL_INCIDENT_H if duration_h is None else duration_h
    )
    total = validate.positive("total_h", config.RELIABILITY_AVAIL_SERIES_H if total_h is None else total_h)
    step = validate.positive(
        "step_min", config.RELIABILITY_AVAIL_ALERT_STEP_MIN if step_min is None else step_min
    )
    t_h = (np.arange(int(total * 60 / step)) + 1) * step / 60.0
    return np.where((t_h > start) & (t_h <= start + duration), e, 0.0)


def warm() -> None:
    simulate_availability(KOfN(1, 2, Series(0.9, 0.9)), horizon_h=10.0, runs=2, seed=0)
