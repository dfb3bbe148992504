"""The numbers a design implies, each from the kit topic that owns it.

- estimate, servers, storage, bill: :mod:`kit.estimation` (the design's
  requirements and latency SLO become an ``estimation.Design``);
- availability and latency of the diagram: :class:`kit.architecture.ServiceGraph`
  built from the components and flows (async flows do not multiply);
- error budgets and burn-rate alerts: :mod:`kit.reliability` (the SRE Workbook's
  multiwindow rules, rescaled to the SLO's period).

Regions: every region runs the whole stack sized for the whole load
(active-active, so one region can take the others' traffic). A request
fails only when every region is down for it: ``1 - (1 - A)^regions``, with
regions failing independently (simplified: a global dependency such as DNS
or a bad deploy pushed everywhere at once is common to all). The bill
multiplies by the regions, except transfer out (each request is served
once). A store with strong consistency across regions waits a round trip
between regions on every write.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from .. import config
from .spec import Design

WORKBOOK = (  # (share of the budget, long window h, short window h, severity): SRE Workbook ch. 5, table 5-8
    (0.02, 1.0, 5 / 60, "page"),
    (0.05, 6.0, 0.5, "page"),
    (0.10, 72.0, 6.0, "ticket"),
)


def _check(design) -> Design:
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    return design


def estimation_design(design: Design):
    """The ``kit.estimation.Design`` behind a design's estimate.

    The requirements' load fields pass through; the latency SLO (if any) sets
    ``slo_ms`` and ``percentile``; a design without a cache component caches
    nothing; nothing runs a managed function per write.

    Parameters
    ----------
    design : Design

    Returns
    -------
    kit.estimation.Design
    """
    from .. import estimation
    from .spec import ESTIMATE_FIELDS

    r = _check(design).requirements
    inputs = {name: getattr(r, name) for name in ESTIMATE_FIELDS}
    latency = design.slo("latency")
    if latency is not None:
        inputs |= {"slo_ms": latency.threshold_ms, "percentile": latency.percentile}
    if "cache" not in {c.kind for c in design.components}:
        inputs["cache_hot_fraction"] = 0.0
    return estimation.Design(**inputs, function_gb_s=0.0, instance=design.instance, purchase=design.purchase)


@functools.lru_cache(maxsize=64)
def _inputs(design: Design):
    return estimation_design(design)


@functools.lru_cache(maxsize=64)
def _estimate(inputs):
    """Keyed by the estimate's inputs: designs differing elsewhere (shards, consistency) share it."""
    from .. import estimation

    return estimation.estimate(inputs)


def estimate(design: Design):
    """The one-page estimate of one region (``kit.estimation.estimate``).

    Parameters
    ----------
    design : Design

    Returns
    -------
    kit.estimation.Estimate
    """
    return _estimate(_inputs(_check(design)))


def _entry(design: Design) -> str:
    """Where requests enter the system: past a client, the first component it calls synchronously."""
    entry = design.entry
    if design.component(entry).kind == "client":
        targets = [f.target for f in design.flows if f.source == entry and f.mode == "sync"]
        if not targets:
            raise ValueError(f"flows must include a sync call from the client {entry!r} into the system")
        entry = targets[0]
    return entry


def graph(design: Design):
    """The design's components and flows as a :class:`kit.architecture.ServiceGraph` (clients left out).

    Parameters
    ----------
    design : Design

    Returns
    -------
    kit.architecture.ServiceGraph
        Entered where the client's first synchronous call lands; each component a unit
        with its replicas and availability, its own work log-normal around ``latency_ms``.
    """
    return _build(_check(design))


def _build(design: Design):
    from .. import architecture
    from ..core.rng import Constant, LogNormal

    entry = _entry(design)
    g = architecture.ServiceGraph(entry=entry)
    for c in design.components:
        if c.kind != "client":
            own = LogNormal.from_median(c.latency_ms, 0.5) if c.latency_ms > 0 else Constant(0.0)
            g.add_service(c.name, own, availability=c.availability, replicas=c.replicas)
    for f in design.flows:
        if design.component(f.source).kind == "client" or design.component(f.target).kind == "client":
            continue
        (g.call if f.mode == "sync" else g.publish)(f.source, f.target)
    return g


def _graph(design: Design):
    """The design's graph, built once per diagram (read only: callers get their own from :func:`graph`)."""
    return _diagram(design.components, design.flows, design.entry)


@functools.lru_cache(maxsize=64)
def _diagram(components, flows, entry):
    return _build(Design("diagram", components=components, flows=flows, entry=entry))


def availability(design: Design, regions: int | None = None) -> float:
    """Share of requests that find every component they need up, over the design's regions.

    Parameters
    ----------
    design : Design
    regions : int, optional
        Default: the requirements' regions.

    Returns
    -------
    float
        ``1 - (1 - A)^regions``, A the service graph's closed-form availability.
    """
    from ..core import validate

    design = _check(design)
    n = design.requirements.regions if regions is None else regions
    n = validate.integer("regions", n, 1, config.DESIGN_MAX_REGIONS)
    return 1.0 - (1.0 - _graph(design).availability()) ** n


def _run(design: Design):
    return _simulated(_graph(design))


@functools.lru_cache(maxsize=64)
def _simulated(g):
    return g.simulate(config.DESIGN_REQUESTS, seed=config.SEED)


def latency_ms(design: Design, percentile: float) -> float:
    """The diagram's response time at ``percentile``: simulated own work and round trips, no queueing.

    Parameters
    ----------
    design : Design
    percentile : float
        0-100.

    Returns
    -------
    float
        ms over ``config.DESIGN_REQUESTS`` simulated requests (seed ``config.SEED``) along the
        synchronous calls; a strongly consistent write adds :func:`cross_region_ms`.
    """
    from ..core import validate

    q = validate.number("percentile", percentile, 0.0, 100.0)
    table = _run(_check(design)).percentiles([q])
    return float(table["latency_ms"].iloc[0])


def cross_region_ms(design: Design) -> float:
    """What a strongly consistent write waits for the other regions: one round trip, or 0.

    Parameters
    ----------
    design : Design

    Returns
    -------
    float
        ms; ``2 * DESIGN_REGION_KM / DESIGN_FIBRE_KM_PER_MS`` when the design runs in
        several regions and a store is strongly consistent (a lower bound: routes are longer
        than the great circle).
    """
    strong = any(s.consistency == "strong" for s in _check(design).stores)
    if design.requirements.regions < 2 or not strong:
        return 0.0
    return 2.0 * config.DESIGN_REGION_KM / config.DESIGN_FIBRE_KM_PER_MS


def bill(design: Design) -> pd.DataFrame:
    """The monthly bill by line for all regions (``kit.estimation`` prices one region).

    Lines at zero are dropped, and so are the managed-function lines of the
    estimation's photo service (a design runs no function per write).

    Parameters
    ----------
    design : Design

    Returns
    -------
    pandas.DataFrame
        ``line``, ``item``, ``quantity``, ``unit``, ``unit_usd``, ``monthly_usd``.
    """
    lines = estimate(design).bill.copy()
    lines = lines[~lines["item"].str.startswith("lambda")]  # a design runs no function per write
    lines["line"] = lines["line"].replace({"upload requests": "write requests"})
    n = design.requirements.regions
    per_region = lines["line"] != "transfer out"
    lines.loc[per_region, ["quantity", "monthly_usd"]] *= n
    return lines[lines["monthly_usd"] > 0].reset_index(drop=True)


def monthly_usd(design: Design) -> float:
    """The bill's total, USD per month (in ``config.ESTIMATION_BILL_MONTH``).

    Parameters
    ----------
    design : Design

    Returns
    -------
    float
    """
    return float(bill(design)["monthly_usd"].sum())


def shards_needed(design: Design) -> pd.DataFrame:
    """Shards each data store needs to hold its share of the stored bytes at the horizon.

    Parameters
    ----------
    design : Design

    Returns
    -------
    pandas.DataFrame
        ``store``, ``bytes`` (all replicas), ``needed`` (``ceil(bytes / (replication * node))``,
        ``node = config.DESIGN_NODE_BYTES``), ``shards`` (the design's).
    """
    stored = float(estimate(design).storage.stored[-1].to("B").magnitude)
    rep = design.requirements.replication
    rows = [
        (
            s.name,
            stored * s.share,
            max(1, math.ceil(stored * s.share / (rep * config.DESIGN_NODE_BYTES))),
            s.shards,
        )
        for s in design.stores
    ]
    return pd.DataFrame(rows, columns=["store", "bytes", "needed", "shards"])


def alerts(design: Design) -> pd.DataFrame:
    """Burn-rate alerts for each SLO: the SRE Workbook's three rules at the SLO's period.

    Parameters
    ----------
    design : Design

    Returns
    -------
    pandas.DataFrame
        ``slo``, ``rule``, ``severity``, ``burn_rate``, ``long_h``, ``short_h``,
        ``error_rate`` (the bad-event share that fires it: ``burn_rate * (1 - objective)``),
        ``detect_min`` (minutes to fire when every request fails).

    Notes
    -----
    B. Beyer et al., *The Site Reliability Workbook*, 2018, ch. 5: page on 2% of the
    budget in 1 h and 5% in 6 h, ticket on 10% in 3 days; the burn rates 14.4, 6 and 1
    are those shares over a 30-day period and are recomputed for other periods.
    """
    from .. import reliability

    rows = []
    for slo in _check(design).slos:
        for share, long_h, short_h, severity in WORKBOOK:
            rate = reliability.burn_rate_for(share, long_h, slo.days)
            rule = reliability.BurnRule(
                f"{share:.0%} of budget in {long_h:g} h", rate, long_h, short_h, severity
            )
            rows.append(
                (
                    slo.name,
                    rule.name,
                    severity,
                    rate,
                    long_h,
                    short_h,
                    rate * (1.0 - slo.objective),
                    reliability.detection_time_min(1.0, slo.objective, rule),
                )
            )
    columns = ["slo", "rule", "severity", "burn_rate", "long_h", "short_h", "error_rate", "detect_min"]
    return pd.DataFrame(rows, columns=columns)


def budgets(design: Design) -> pd.DataFrame:
    """Each SLO's error budget, and for the availability SLO what the diagram spends of it.

    Parameters
    ----------
    design : Design

    Returns
    -------
    pandas.DataFrame
        ``slo``, ``kind``, ``objective``, ``days``, ``budget_min`` (minutes of full
        outage, ``kit.reliability.error_budget_min``), ``expected_min`` (minutes the
        design's availability spends per period, availability SLOs only; NaN otherwise).
    """
    from .. import reliability

    a = availability(design)
    rows = [
        (
            s.name,
            s.kind,
            s.objective,
            s.days,
            reliability.error_budget_min(s.objective, s.days),
            (1.0 - a) * s.days * 24 * 60 if s.kind == "availability" else math.nan,
        )
        for s in _check(design).slos
    ]
    return pd.DataFrame(rows, columns=["slo", "kind", "objective", "days", "budget_min", "expected_min"])


def path_availability(design: Design) -> pd.DataFrame:
    """Availability of each unit the requests need, then of the whole path, then over the regions.

    Parameters
    ----------
    design : Design

    Returns
    -------
    pandas.DataFrame
        ``part`` (a component, ``"request path"`` or ``"N regions"``), ``availability``,
        ``nines`` (``-log10(1 - availability)``; inf when exactly 1).
    """
    g = _graph(_check(design))
    rows = [(u, g.unit_availability(u)) for u in g.reached()]
    rows.append(("request path", g.availability()))
    n = design.requirements.regions
    if n > 1:
        rows.append((f"{n} regions", availability(design)))
    table = pd.DataFrame(rows, columns=["part", "availability"])
    with np.errstate(divide="ignore"):
        table["nines"] = -np.log10(1.0 - table["availability"].to_numpy())
    return table
