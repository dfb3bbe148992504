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
import numbers
from collections.abc import Sequence
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
    """A piece of an architecture whose availability is known or computed (the base of the blocks)."""

    def availability(self) -> float:
        """Steady-state availability, between 0 and 1."""
        raise NotImplementedError

    def size(self) -> int:
        """Components in the block (counting each replica of a k-of-n)."""
        raise NotImplementedError

    def leaves(self) -> list[float]:
        """Availabilities of the components, in program order."""
        raise NotImplementedError

    def program(self, first: int = 0) -> list[tuple[int, int, int]]:
        """Postfix program over the components numbered from ``first`` (for the kernel)."""
        raise NotImplementedError


def _block(name: str, value) -> Block:
    """A block, or a component made from a bare availability; errors name ``name``."""
    if isinstance(value, Block):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"{name} must be a block (Component, Series, Parallel, KOfN) or an availability between 0 and 1 "
            f"(got {name}={value!r})"
        )
    return Component(validate.probability(name, value))


@dataclass(frozen=True)
class Component(Block):
    """One component.

    Parameters
    ----------
    a : float
        Its steady-state availability, between 0 and 1 (e.g. 0.999).
    name : str
        A label, for people.
    """

    a: float
    name: str = ""

    def __post_init__(self):
        validate.probability("a", self.a)
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a string (got name={self.name!r})")

    def availability(self) -> float:
        """Steady-state availability: ``a``."""
        return float(self.a)

    def size(self):
        return 1

    def leaves(self):
        return [float(self.a)]

    def program(self, first=0):
        return [(kk.LEAF, first, 0)]


class _Group(Block):
    op = -1

    def __init__(self, *blocks):
        if not blocks:
            raise ValueError(f"{type(self).__name__} needs at least one block")
        self.blocks = tuple(_block("blocks", b) for b in blocks)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(map(repr, self.blocks))})"

    def size(self):
        return sum(b.size() for b in self.blocks)

    def leaves(self):
        return [a for b in self.blocks for a in b.leaves()]

    def program(self, first=0):
        out = []
        for b in self.blocks:
            out += b.program(first)
            first += b.size()
        return [*out, (self.op, len(self.blocks), 0)]


class Series(_Group):
    """All blocks are needed: A = product of A_i.

    Parameters
    ----------
    *blocks : Block or float
        Blocks, or bare availabilities (each a Component).

    References
    ----------
    K. S. Trivedi, *Probability and Statistics with Reliability, Queuing,
    and Computer Science Applications*, 2nd ed., Wiley, 2016 (series systems).
    """

    op = kk.SERIES

    def availability(self) -> float:
        """Steady-state availability: the product of the blocks'."""
        return float(np.prod([b.availability() for b in self.blocks]))


class Parallel(_Group):
    """Any one block is enough: A = 1 - product of (1 - A_i).

    Parameters
    ----------
    *blocks : Block or float
        Redundant blocks, or bare availabilities (each a Component).

    References
    ----------
    K. S. Trivedi, 2016 (parallel systems).
    """

    op = kk.PARALLEL

    def availability(self) -> float:
        """Steady-state availability: one minus the product of the blocks' unavailabilities."""
        return float(1.0 - np.prod([1.0 - b.availability() for b in self.blocks]))


class KOfN(Block):
    """At least ``k`` of ``n`` identical, independent replicas must be up.

    N+1 redundancy for a load that needs n-1 replicas is ``KOfN(n - 1, n, a)``.

    Parameters
    ----------
    k : int
        Replicas needed, 1 to ``n``.
    n : int
        Replicas, 1 to 10,000.
    a : Block or float
        One replica: a block, or its availability.

    References
    ----------
    K. S. Trivedi, 2016 (k-out-of-n systems): the binomial sum
    ``sum_{i >= k} C(n, i) a^i (1 - a)^(n - i)``.
    """

    def __init__(self, k: int, n: int, a):
        self.n = validate.integer("n", n, 1, 10_000)
        self.k = validate.integer("k", k, 1, self.n)
        self.replica = _block("a", a)

    def __repr__(self):
        return f"KOfN({self.k}, {self.n}, {self.replica!r})"

    def availability(self) -> float:
        """Steady-state availability: the binomial tail, summed in logs (for any n up to 10,000).

        The smaller tail is summed, so that an availability close to 1
        keeps the digits of its unavailability.
        """
        a = self.replica.availability()
        if a in (0.0, 1.0):
            return a
        n, k = self.n, self.k
        if k - 1 < n * a:  # most of the mass is at or above k: sum the failures' side
            return 1.0 - _binomial_sum(n, a, 0, k - 1)
        return _binomial_sum(n, a, k, n)

    def size(self):
        return self.n * self.replica.size()

    def leaves(self):
        return self.replica.leaves() * self.n

    def program(self, first=0):
        out = []
        size = self.replica.size()
        for j in range(self.n):
            out += self.replica.program(first + j * size)
        return [*out, (kk.KOFN, self.n, self.k)]


def _binomial_sum(n: int, a: float, lo: int, hi: int) -> float:
    """P(lo <= X <= hi) for X ~ Binomial(n, a), 0 < a < 1, summed in logs (relative error about 1e-11)."""
    i = np.arange(lo, hi + 1)
    log_comb = math.lgamma(n + 1) - np.array([math.lgamma(j + 1) + math.lgamma(n - j + 1) for j in i])
    log_terms = log_comb + i * math.log(a) + (n - i) * math.log1p(-a)
    top = log_terms.max()
    return float(min(1.0, math.exp(top) * math.fsum(np.exp(log_terms - top))))


def availability(block) -> float:
    """Steady-state availability of a block, or of a single number.

    Parameters
    ----------
    block : Block or float
        A Component, Series, Parallel or KOfN, or an availability.

    Returns
    -------
    float
        Between 0 and 1, assuming independent failures.

    References
    ----------
    K. S. Trivedi, *Probability and Statistics with Reliability, Queuing,
    and Computer Science Applications*, 2nd ed., Wiley, 2016.

    Examples
    --------
    >>> round(availability(Series(0.999, 0.999, 0.999)), 6)
    0.997003
    >>> round(availability(Parallel(0.99, 0.99)), 6)
    0.9999
    >>> round(availability(KOfN(2, 3, 0.99)), 6)
    0.999702
    """
    return _block("block", block).availability()


def multi_az(zones: int, needed: int, zone_availability: float, component) -> Block:
    """A service in ``zones`` availability zones, ``needed`` of which carry the load.

    Each zone is a zone-wide dependency (power, network) in series with the
    service's own ``component`` block.

    Parameters
    ----------
    zones : int
        Zones, 1 to 100.
    needed : int
        Zones that must be up, 1 to ``zones``.
    zone_availability : float
        Availability of a zone's own facilities.
    component : Block or float
        The service in one zone.

    Returns
    -------
    KOfN
        ``needed`` of ``zones`` zones.
    """
    zones = validate.integer("zones", zones, 1, 100)
    needed = validate.integer("needed", needed, 1, zones)
    zone = Series(
        Component(validate.probability("zone_availability", zone_availability)),
        _block("component", component),
    )
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
    balancer) available ``front_a``. The front door caps what redundancy
    behind it can buy.

    Parameters
    ----------
    a : float
        Availability of each component.
    tiers : int
        Components a request passes through, in series (1 to 100).
    replicas : int
        Replicas per tier (1 to 100).
    zones : int
        Zones (1 to 10).
    zone_a, front_a : float, optional
        Availability of a zone's facilities and of the front door (default
        ``config.RELIABILITY_AVAIL_ZONE`` and ``config.RELIABILITY_AVAIL_FRONT_DOOR``):
        assumptions to vary.

    Returns
    -------
    dict
        Name -> block, for :func:`availability` or ``plots.architectures``.

    Examples
    --------
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


def _fractions(name: str, values) -> np.ndarray:
    """An array of numbers in [0, 1] (NaN and strings refused, naming ``name``)."""
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number or an array of numbers between 0 and 1 (got {name}={values!r})"
        ) from None
    if a.size > config.RELIABILITY_MAX_SERIES_STEPS:
        raise ValueError(
            f"{name} has {a.size:,} values: more than config.RELIABILITY_MAX_SERIES_STEPS = "
            f"{config.RELIABILITY_MAX_SERIES_STEPS:,}"
        )
    validate.in_range(name, a, 0.0, 1.0)
    return a


def from_mtbf(mtbf_h: float, mttr_h: float) -> float:
    """Availability from the mean time between failures and the mean time to repair: MTBF / (MTBF + MTTR).

    Parameters
    ----------
    mtbf_h, mttr_h : float
        Hours (any one unit).

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> from_mtbf(999, 1)
    0.999
    """
    mtbf = validate.positive("mtbf_h", mtbf_h)
    mttr = validate.positive("mttr_h", mttr_h)
    return mtbf / (mtbf + mttr)


def downtime_min(a, days: float = 30.0):
    """Minutes of downtime that availability ``a`` allows over ``days``.

    Parameters
    ----------
    a : float or array of float
        Availabilities, between 0 and 1.
    days : float
        The period, days.

    Returns
    -------
    numpy.ndarray
        Minutes, the shape of ``a``.

    Examples
    --------
    >>> round(float(downtime_min(0.999, 30)), 6)
    43.2
    """
    a = _fractions("a", a)
    return (1.0 - a) * validate.positive("days", days) * MINUTES_PER_DAY


def nines(a) -> np.ndarray:
    """The number of nines: -log10(1 - a); 0.999 is 3 nines.

    Parameters
    ----------
    a : float or array of float
        Availabilities, between 0 and 1.

    Returns
    -------
    numpy.ndarray
        Nines (inf for 1).

    Examples
    --------
    >>> round(float(nines(0.9995)), 2)
    3.3
    """
    a = _fractions("a", a)
    with np.errstate(divide="ignore"):
        return -np.log10(1.0 - a)


def downtime_table(levels=(0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999)) -> pd.DataFrame:
    """Nines to downtime per year, per 30 days, per week and per day.

    Parameters
    ----------
    levels : sequence of float
        Availabilities, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        Columns availability, nines, per_year_min, per_30_days_min,
        per_week_min (minutes) and per_day_s (seconds).
    """
    levels = _fractions("levels", levels).ravel()
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
    """Simulated availability of a block over independent histories, beside the formula.

    Attributes
    ----------
    formula : float
        The block's steady-state availability.
    per_run : numpy.ndarray
        Fraction of each history the block was up.
    horizon_h : float
        Length of each history, hours.
    """

    formula: float
    per_run: np.ndarray
    horizon_h: float

    @property
    def simulated(self) -> float:
        """Mean over the histories."""
        return float(self.per_run.mean())

    @property
    def se(self) -> float:
        """Its standard error."""
        return float(self.per_run.std(ddof=1) / math.sqrt(self.per_run.size))


def simulate_availability(
    block, mttr_h: float | None = None, horizon_h: float | None = None, runs: int | None = None, seed=None
) -> AvailabilityCheck:
    """Let every component fail and be repaired; measure how long the whole is up.

    Each component alternates exponential up times and repairs of mean
    ``mttr_h``, with the MTBF that gives it its availability
    (``MTBF = MTTR a / (1 - a)``), independently of the others.

    Parameters
    ----------
    block : Block or float
        Every component strictly between 0 and 1; at most
        ``config.RELIABILITY_MAX_COMPONENTS`` of them.
    mttr_h : float, optional
        Mean repair time, hours (default ``config.RELIABILITY_AVAIL_MTTR_H``).
    horizon_h : float, optional
        Length of each history, hours.
    runs : int, optional
        Independent histories, in parallel (at least 2).
    seed : int, optional
        Random seed (default ``config.SEED``).

    Returns
    -------
    AvailabilityCheck
        ``.simulated`` and its ``.se`` beside ``.formula``.

    Raises
    ------
    ValueError
        A bad parameter, named; or more work than
        ``config.RELIABILITY_MAX_OUTAGE_WORK`` (runs x failures and repairs
        x the structure's size).

    Examples
    --------
    >>> c = simulate_availability(Series(0.99, Parallel(0.9, 0.9)), runs=8, seed=1)
    >>> bool(abs(c.simulated - c.formula) < 4 * c.se)
    True
    """
    block = _block("block", block)
    if block.size() > config.RELIABILITY_MAX_COMPONENTS:
        raise ValueError(
            f"block has {block.size():,} components: more than config.RELIABILITY_MAX_COMPONENTS = "
            f"{config.RELIABILITY_MAX_COMPONENTS:,}"
        )
    leaves = np.array(block.leaves())
    if np.any(leaves >= 1.0) or np.any(leaves <= 0.0):
        raise ValueError("block: simulate_availability needs every component strictly between 0 and 1")
    mttr = validate.positive("mttr_h", config.RELIABILITY_AVAIL_MTTR_H if mttr_h is None else mttr_h)
    horizon = validate.positive(
        "horizon_h", config.RELIABILITY_AVAIL_HORIZON_H if horizon_h is None else horizon_h
    )
    runs = validate.integer("runs", config.RELIABILITY_AVAIL_RUNS if runs is None else runs, 2, 100_000)
    program = np.array(block.program(), dtype=np.int64)
    mtbf = mttr * leaves / (1.0 - leaves)
    changes = float(np.sum(2.0 * horizon / (mtbf + mttr) + 1.0))  # failures and repairs per history
    work = runs * changes * program.shape[0]
    if work > config.RELIABILITY_MAX_OUTAGE_WORK:
        raise ValueError(
            f"block ({block.size():,} components), horizon_h={horizon:g}, mttr_h={mttr:g} and runs={runs} "
            f"make about {work:.3g} steps: more than config.RELIABILITY_MAX_OUTAGE_WORK = "
            f"{config.RELIABILITY_MAX_OUTAGE_WORK:.3g}. Shorten horizon_h or use fewer runs"
        )
    with one_chunk_at_a_time():
        per_run = kk.outage_runs(
            program,
            mtbf * 3600.0,
            np.full(leaves.size, mttr * 3600.0),
            horizon * 3600.0,
            stream_seeds(seed, runs),
        )
    return AvailabilityCheck(formula=block.availability(), per_run=per_run, horizon_h=horizon)


# --- SLOs, error budgets, burn rates ----------------------------------------------------

SEVERITIES = ("page", "ticket")


@dataclass(frozen=True)
class BurnRule:
    """A multiwindow burn-rate alert: fire when the burn rate exceeds a threshold over both windows.

    Parameters
    ----------
    name : str
        A label.
    burn_rate : float
        The threshold, a multiple of the rate that spends the budget in exactly the SLO's period.
    long_h : float
        The long window, hours.
    short_h : float
        The short window, hours (at most ``long_h``): it makes the alert stop soon after the incident.
    severity : {"page", "ticket"}

    References
    ----------
    B. Beyer et al. (eds.), *The Site Reliability Workbook*, O'Reilly, 2018,
    ch. 5 "Alerting on SLOs" (multiwindow, multi-burn-rate alerts).
    """

    name: str
    burn_rate: float
    long_h: float
    short_h: float
    severity: str

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a string (got name={self.name!r})")
        validate.positive("burn_rate", self.burn_rate)
        validate.positive("long_h", self.long_h)
        validate.positive("short_h", self.short_h)
        if self.short_h > self.long_h:
            raise ValueError(
                f"short_h must not exceed long_h (got short_h={self.short_h:g}, long_h={self.long_h:g})"
            )
        validate.choice("severity", self.severity, SEVERITIES)


WORKBOOK_RULES = (
    BurnRule("2% of budget in 1 h", 14.4, 1.0, 5 / 60, "page"),
    BurnRule("5% of budget in 6 h", 6.0, 6.0, 0.5, "page"),
    BurnRule("10% of budget in 3 days", 1.0, 72.0, 6.0, "ticket"),
)
"""The Site Reliability Workbook's alerts for a 30-day SLO (ch. 5, multiwindow, multi-burn-rate)."""


def _slo(slo) -> float:
    """An SLO below 1: a 100% SLO has no error budget to burn."""
    slo = validate.probability("slo", slo)
    if slo >= 1.0:
        raise ValueError("slo must be below 1 (got slo=1): a 100% SLO leaves no error budget to spend")
    return slo


def _rules(rules) -> tuple[BurnRule, ...]:
    if isinstance(rules, BurnRule):
        return (rules,)
    if (
        isinstance(rules, str)
        or not isinstance(rules, Sequence)
        or not all(isinstance(r, BurnRule) for r in rules)
    ):
        raise ValueError(f"rules must be a list of BurnRule such as WORKBOOK_RULES (got rules={rules!r})")
    return tuple(rules)


def error_budget_min(slo: float, days: float = 30.0) -> float:
    """Minutes of full outage the SLO allows over ``days``.

    Parameters
    ----------
    slo : float
        The availability objective, between 0 and 1 (e.g. 0.999).
    days : float
        The SLO's period, days.

    Returns
    -------
    float
        Minutes.

    Examples
    --------
    >>> round(error_budget_min(0.999), 6)
    43.2
    """
    slo = validate.probability("slo", slo)
    return float(downtime_min(slo, validate.positive("days", days)))


def burn_rate_for(budget_fraction: float, window_h: float, period_days: float = 30.0) -> float:
    """The burn rate that spends ``budget_fraction`` of the period's budget in ``window_h``.

    Parameters
    ----------
    budget_fraction : float
        Share of the period's error budget, between 0 and 1.
    window_h : float
        The window, hours.
    period_days : float
        The SLO's period, days.

    Returns
    -------
    float
        A multiple of the rate that spends the budget in exactly the period.

    References
    ----------
    The Site Reliability Workbook, 2018, ch. 5, table 5-8.

    Examples
    --------
    >>> [round(burn_rate_for(f, h), 6) for f, h in ((0.02, 1.0), (0.05, 6.0), (0.10, 72.0))]
    [14.4, 6.0, 1.0]
    """
    f = validate.probability("budget_fraction", budget_fraction)
    w = validate.positive("window_h", window_h)
    return f * validate.positive("period_days", period_days) * 24.0 / w


def detection_time_min(error_rate: float, slo: float, rule: BurnRule) -> float:
    """Minutes until ``rule`` fires after errors jump from 0 to ``error_rate``.

    Both windows must see a burn rate above the threshold; a window of
    length W that has seen t minutes of errors measures
    ``error_rate * min(t, W) / W``, so it fires after
    ``burn_rate * (1 - slo) * W / error_rate`` (Workbook, ch. 5: time to detect).

    Parameters
    ----------
    error_rate : float
        Share of requests failing, between 0 and 1.
    slo : float
        The objective, between 0 and 1 (below 1).
    rule : BurnRule

    Returns
    -------
    float
        Minutes (inf: never).

    References
    ----------
    The Site Reliability Workbook, 2018, ch. 5 "Alerting on SLOs".

    Examples
    --------
    >>> round(detection_time_min(1.0, 0.999, WORKBOOK_RULES[0]), 3)
    0.864
    """
    e = validate.probability("error_rate", error_rate)
    budget = 1.0 - _slo(slo)
    if not isinstance(rule, BurnRule):
        raise ValueError(f"rule must be a BurnRule such as WORKBOOK_RULES[0] (got rule={rule!r})")
    if e == 0 or e < rule.burn_rate * budget:
        return math.inf
    return max(rule.burn_rate * budget * w * 60.0 / e for w in (rule.long_h, rule.short_h))


def evaluate_alerts(error_rate, step_min: float, slo: float, rules=WORKBOOK_RULES) -> pd.DataFrame:
    """Run burn-rate alert rules over a series of error rates, one per ``step_min`` minutes.

    Parameters
    ----------
    error_rate : array of float
        Share of requests failing in each step, between 0 and 1 (at most
        ``config.RELIABILITY_MAX_SERIES_STEPS`` steps).
    step_min : float
        Minutes per step: the rules are evaluated once per step.
    slo : float
        The objective, between 0 and 1 (below 1).
    rules : sequence of BurnRule
        Default ``WORKBOOK_RULES``.

    Returns
    -------
    pandas.DataFrame
        ``t_min`` (end of each step, minutes), ``error_rate``, per rule the
        burn rate over its long window (``burn <name>``) and whether it
        fires (``fires <name>``: long and short windows both above the
        threshold), and ``budget_spent`` (fraction of a 30-day budget).

    References
    ----------
    The Site Reliability Workbook, 2018, ch. 5 "Alerting on SLOs".

    Examples
    --------
    >>> t = evaluate_alerts(incident(0.02, start_h=0, duration_h=2, total_h=2), 1.0, 0.999)
    >>> float(t.t_min[t["fires 2% of budget in 1 h"]].iloc[0])  # Workbook: 43.2 min, evaluated each minute
    44.0
    """
    e = _fractions("error_rate", error_rate).ravel()
    step = validate.positive("step_min", step_min)
    budget = 1.0 - _slo(slo)
    rules = _rules(rules)
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
    """An error-rate series: 0, then ``error_rate`` from ``start_h`` for ``duration_h``, then 0.

    Parameters
    ----------
    error_rate : float
        Share of requests failing during the incident, between 0 and 1.
    start_h, duration_h, total_h : float, optional
        When the incident starts, how long it lasts and the length of the
        series, hours (default ``config.RELIABILITY_AVAIL_INCIDENT_START_H``,
        ``config.RELIABILITY_AVAIL_INCIDENT_H``, ``config.RELIABILITY_AVAIL_SERIES_H``).
    step_min : float, optional
        Minutes per value (default ``config.RELIABILITY_AVAIL_ALERT_STEP_MIN``).

    Returns
    -------
    numpy.ndarray
        One error rate per step, for :func:`evaluate_alerts`; at most
        ``config.RELIABILITY_MAX_SERIES_STEPS`` steps.
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
    steps = total * 60 / step
    if steps > config.RELIABILITY_MAX_SERIES_STEPS:
        raise ValueError(
            f"total_h={total:g} in steps of step_min={step:g} is {steps:.3g} steps: more than "
            f"config.RELIABILITY_MAX_SERIES_STEPS = {config.RELIABILITY_MAX_SERIES_STEPS:,}"
        )
    t_h = (np.arange(int(steps)) + 1) * step / 60.0
    return np.where((t_h > start) & (t_h <= start + duration), e, 0.0)


def warm() -> None:
    """Compile (or load) this module's kernels with their real argument types."""
    simulate_availability(KOfN(1, 2, Series(0.9, 0.9)), horizon_h=10.0, runs=2, seed=0)
