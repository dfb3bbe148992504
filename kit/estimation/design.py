"""The one-page estimate: every assumption in one record, every number derived from it.

Requirements -> traffic -> storage -> bandwidth -> cache -> servers -> cost ->
runway, for a read-heavy service that stores uploads (a photo-sharing
service by default). :class:`Design` holds the assumptions, unset ones from
``kit.config`` (``ESTIMATION_<FIELD>``); :func:`estimate` derives the page;
:func:`monthly_bill` prices it line by line; :func:`sensitivity` says which
assumption moves the bill most.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from .. import config
from ..core import validate
from . import calculators, prices, servers
from .units import as_quantity, quantity, registry, show

_UNITS = {
    "item_bytes": "B",
    "request_bytes": "B",
    "response_bytes": "B",
    "cache_value_bytes": "B",
    "retention_days": "day",
    "hot_days": "day",
    "lead_time_days": "day",
    "service_ms": "ms",
    "slo_ms": "ms",
}
_RANGES = (  # (field, low, high) of the plain numbers
    ("dau", 0.0, 1e11),
    ("actions_per_user", 0.0, 1e6),
    ("read_fraction", 0.0, 1.0),
    ("peak_factor", 1.0, 1e3),
    ("index_overhead", 0.0, 10.0),
    ("cache_hot_fraction", 0.0, 1.0),
    ("cache_overhead", 0.0, 100.0),
    ("percentile", 0.0, 100.0),
    ("utilisation", 0.0, 1.0),
    ("monthly_growth", -0.99, 10.0),
    ("headroom", 0.0, 0.99),
    ("buy_ahead_months", 0.0, config.ESTIMATION_MAX_HORIZON_MONTHS),
)


@dataclass(frozen=True)
class Design:
    """The assumptions of an estimate; a field left as None takes ``config.ESTIMATION_<FIELD>``.

    Parameters
    ----------
    dau : float
        Daily active users.
    actions_per_user : float
        Requests per user per day.
    read_fraction : float
        Share of requests that read.
    peak_factor : float
        Busiest-hour rate over the average.
    item_bytes : float
        Bytes of one upload as stored.
    request_bytes : float
        Bytes of a request on the wire.
    response_bytes : float
        Bytes of a read's response.
    retention_days : float
        How long uploads are kept.
    replication : int
        Copies of every stored byte.
    index_overhead : float
        Metadata and indexes as a fraction of the data.
    hot_days : float
        Newest uploads kept on the hot storage tier.
    cache_hot_fraction : float
        Share of a day's reads held in the cache.
    cache_value_bytes : float
        Bytes of one cached value: a photo's record, not its bytes (those come from
        object storage behind a CDN).
    cache_overhead : float
        Cache memory per byte beyond the value.
    service_ms : float
        Mean service time of one request on one worker.
    slo_ms : float
        Response-time objective at ``percentile``.
    percentile : float
        The objective's percentile.
    utilisation : float
        The naive sizing rule's target utilisation.
    monthly_growth : float
        Compound growth of traffic and uploads per month.
    lead_time_days : float
        From ordering capacity to having it in service.
    headroom : float
        Share of capacity kept free.
    buy_ahead_months : float
        The fleet in service is bought for the peak this many months ahead, with ``headroom``
        free: the runway it buys, of which the lead time is spent waiting for the next order.
    horizon_months : int
        Months the storage projection spans.
    instance : str
        Price-sheet instance for app and cache servers (one worker per vCPU).
    purchase : str
        ``on_demand``, ``reserved_1y`` or ``spot``.
    cache_usable : float
        Share of a cache server's memory holding values.
    function_gb_s : float
        GB-seconds of the managed function run per upload.
    bill_month : int
        The bill is for this month from now.
    """

    dau: float | None = None
    actions_per_user: float | None = None
    read_fraction: float | None = None
    peak_factor: float | None = None
    item_bytes: float | None = None
    request_bytes: float | None = None
    response_bytes: float | None = None
    retention_days: float | None = None
    replication: int | None = None
    index_overhead: float | None = None
    hot_days: float | None = None
    cache_hot_fraction: float | None = None
    cache_value_bytes: float | None = None
    cache_overhead: float | None = None
    service_ms: float | None = None
    slo_ms: float | None = None
    percentile: float | None = None
    utilisation: float | None = None
    monthly_growth: float | None = None
    lead_time_days: float | None = None
    headroom: float | None = None
    buy_ahead_months: float | None = None
    horizon_months: int | None = None
    instance: str | None = None
    purchase: str | None = None
    cache_usable: float | None = None
    function_gb_s: float | None = None
    bill_month: int | None = None

    def __post_init__(self):
        for f in dataclasses.fields(self):
            if getattr(self, f.name) is None:
                object.__setattr__(self, f.name, getattr(config, f"ESTIMATION_{f.name.upper()}"))
        for name, unit in _UNITS.items():  # "500 KB", "5 years" or a quantity: stored as a number in unit
            object.__setattr__(self, name, float(as_quantity(name, getattr(self, name), unit).magnitude))
        for name, lo, hi in _RANGES:
            validate.number(name, getattr(self, name), lo, hi)
        validate.integer("replication", self.replication, 1, 100)
        validate.integer("horizon_months", self.horizon_months, 1, config.ESTIMATION_MAX_HORIZON_MONTHS)
        if not 0.0 < self.percentile < 100.0 or self.utilisation <= 0.0:
            raise ValueError(
                "percentile must be strictly between 0 and 100 and utilisation above 0 "
                f"(got percentile={self.percentile:g}, utilisation={self.utilisation:g})"
            )
        validate.number("cache_usable", self.cache_usable, 0.01, 1.0)
        validate.number("function_gb_s", self.function_gb_s, 0.0, 1e6)
        validate.integer("bill_month", self.bill_month, 0, config.ESTIMATION_MAX_HORIZON_MONTHS)
        validate.choice("purchase", self.purchase, ("on_demand", "reserved_1y", "spot"))
        instances = sorted(set(prices.prices().query("kind == 'compute'")["item"]))
        validate.choice("instance", self.instance, instances)

    def replace(self, **changes) -> Design:
        """A copy with some assumptions changed."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Estimate:
    """The one-page estimate of a :class:`Design`.

    Attributes
    ----------
    design : Design
        The assumptions.
    traffic : Traffic
        Requests per second today.
    storage : Storage
        Bytes stored month by month.
    bandwidth : Bandwidth
        Data rates today.
    cache_bytes : pint.Quantity
        Cache memory today.
    sizing : Sizing
        Naive and queueing-aware server counts at today's peak.
    instances : int
        Instances for the queueing-aware fleet (servers / vCPUs).
    naive_instances : int
        Instances for the naive fleet.
    fleet_instances : int
        Instances bought: the queueing-aware fleet for the peak ``buy_ahead_months`` ahead,
        with ``headroom`` free.
    capacity_qps : float
        Requests per second the fleet bought carries within the SLO.
    runway : Runway
        When that capacity's headroom is gone at ``monthly_growth``, and when to order more.
    bill : pandas.DataFrame
        The monthly bill in month ``bill_month``, by line (see :func:`monthly_bill`).
    """

    design: Design
    traffic: calculators.Traffic
    storage: calculators.Storage
    bandwidth: calculators.Bandwidth
    cache_bytes: object
    sizing: servers.Sizing
    instances: int
    naive_instances: int
    fleet_instances: int
    capacity_qps: float
    runway: calculators.Runway
    bill: pd.DataFrame

    @property
    def monthly_usd(self) -> float:
        """The bill's total, USD per month."""
        return float(self.bill["monthly_usd"].sum())

    def table(self) -> pd.DataFrame:
        """The page: one row per number, with how it was derived."""
        d, t, s = self.design, self.traffic, self.sizing
        storage_end = self.storage.stored[-1]
        rows = [
            ("traffic", "requests per day", show(t.daily, units=("req/day",)), "DAU x actions per user"),
            ("traffic", "average rate", show(t.average), "per day / 86,400 s"),
            ("traffic", "peak rate", show(t.peak), f"average x peak factor {t.peak_factor:.3g}"),
            (
                "traffic",
                "peak reads / writes",
                f"{show(t.read_peak)} / {show(t.write_peak)}",
                f"read fraction {d.read_fraction:g}",
            ),
            (
                "storage",
                "written per day",
                show(self.storage.per_day * registry().day),
                "uploads x size x replication x (1 + index)",
            ),
            (
                "storage",
                f"stored after {self.storage.months[-1]} months",
                show(storage_end),
                f"retention {d.retention_days:g} days, growth {d.monthly_growth:.1%}/month",
            ),
            (
                "storage",
                "hot / cold then",
                f"{show(self.storage.hot[-1])} / {show(self.storage.cold[-1])}",
                f"newest {d.hot_days:g} days hot",
            ),
            (
                "bandwidth",
                "ingress / egress at peak",
                f"{show(self.bandwidth.ingress_peak)} / {show(self.bandwidth.egress_peak)}",
                "requests + uploads in; read responses out",
            ),
            ("bandwidth", "egress per month", show(self.bandwidth.egress_month), "at the average rate"),
            (
                "cache",
                "memory",
                show(self.cache_bytes),
                f"{d.cache_hot_fraction:.0%} of a day's reads x {show(quantity(d.cache_value_bytes, 'B'))} "
                f"record x (1 + {d.cache_overhead:g})",
            ),
            (
                "servers",
                "naive",
                f"{s.naive:,} workers = {self.naive_instances:,} x {d.instance}",
                f"peak / (per-worker rate x {d.utilisation:g}); p{s.percentile:g} = {_ms(s.naive_ms)}",
            ),
            (
                "servers",
                "meets the SLO",
                f"{s.needed:,} workers = {self.instances:,} x {d.instance}",
                f"M/M/c p{s.percentile:g} = {_ms(s.needed_ms)} <= {d.slo_ms:g} ms",
            ),
            ("servers", "verdict", s.verdict, ""),
            (
                "runway",
                "fleet bought",
                f"{self.fleet_instances:,} x {d.instance}",
                f"meets the SLO at the peak {d.buy_ahead_months:g} months ahead with {d.headroom:.0%} free",
            ),
            (
                "runway",
                "capacity of that fleet",
                show(quantity(self.capacity_qps, "req/s")),
                f"p{s.percentile:g} reaches {d.slo_ms:g} ms",
            ),
            (
                "runway",
                "months until headroom is gone",
                f"{self.runway.months_to_headroom:.1f}",
                f"{d.headroom:.0%} headroom, {d.monthly_growth:.1%}/month",
            ),
            ("runway", "order more capacity", *self._order()),
            (
                "cost",
                f"monthly bill in month {d.bill_month}",
                f"{self.monthly_usd:,.0f} USD",
                f"{d.purchase} {d.instance}; see the bill by line",
            ),
            (
                "cost",
                "per million requests",
                f"{cost_per_million(self):.2f} USD",
                "bill / requests that month",
            ),
        ]
        return pd.DataFrame(rows, columns=["section", "quantity", "value", "how"])

    def _order(self) -> tuple[str, str]:
        """The page's ordering row: a date, "never", or "now" with why."""
        r, lead = self.runway, self.design.lead_time_days
        if r.order_by is None:
            return "never", "the load does not grow past the headroom"
        if r.late:
            return (
                "now",
                f"the lead time, {lead:g} days, exceeds the runway ({r.months_to_headroom:.1f} months)",
            )
        return f"by {r.order_by.isoformat()}", f"runway minus the lead time, {lead:g} days"

    def __str__(self):
        return self.table().to_string(index=False)


def _ms(x: float) -> str:
    return "unstable" if math.isinf(x) else f"{x:,.0f} ms"


def fleet_workers(peak_qps: float, design: Design) -> int:
    """Workers meeting the SLO at ``peak_qps`` with the design's headroom free (0 without load)."""
    if peak_qps <= 0:
        return 0
    return servers.servers_needed(
        peak_qps / (1.0 - design.headroom), design.service_ms, design.slo_ms, design.percentile
    )


def _traffic(design: Design) -> calculators.Traffic:
    return calculators.traffic(design.dau, design.actions_per_user, design.read_fraction, design.peak_factor)


_FLAT = ("s3_standard", "s3_standard_ia", "s3_put", "lambda_requests", "lambda_duration")
DAY_S = 86_400.0
MONTH_H = 24.0 * calculators.DAYS_PER_MONTH


def _book(sheet: pd.DataFrame, design: Design) -> dict:
    """The prices a bill needs, looked up once (each pandas lookup costs about a millisecond)."""
    price = prices.price_of(sheet, design.instance, design.purchase)  # raises, listing the sheet's items
    row = sheet[sheet["item"] == design.instance]
    tiers = sheet[sheet["item"] == "transfer_out"]
    return {
        "instance": price,
        "vcpus": int(row["vcpus"].iloc[0]),
        "memory_gib": float(row["memory_gib"].iloc[0]),
        **{item: prices.price_of(sheet, item) for item in _FLAT},
        "tiers": list(zip(tiers["up_to"].astype(float), tiers["price_usd"].astype(float), strict=True)),
    }


def _lines(design: Design, book: dict) -> list[tuple]:
    """The bill's lines in month ``bill_month``: (line, item, quantity, unit, USD per unit, USD).

    Plain floats, the calculators' formulas without units: the sensitivity
    figure prices some thirty designs per update (tests check the two agree).
    """
    d = design
    grow = (1.0 + d.monthly_growth) ** d.bill_month
    per_day = d.dau * d.actions_per_user * grow
    reads_day, writes_day = per_day * d.read_fraction, per_day * (1.0 - d.read_fraction)
    peak = per_day / DAY_S * d.peak_factor
    app = math.ceil(fleet_workers(peak, d) / book["vcpus"])
    cache_gib = reads_day * d.cache_hot_fraction * d.cache_value_bytes * (1.0 + d.cache_overhead) / 2**30
    cache_nodes = math.ceil(cache_gib / (book["memory_gib"] * d.cache_usable))
    r0 = writes_day / grow * d.item_bytes * d.replication * (1.0 + d.index_overhead)
    k = math.log1p(d.monthly_growth) / calculators.DAYS_PER_MONTH
    t = d.bill_month * calculators.DAYS_PER_MONTH
    stored = float(calculators.window(r0, k, t, d.retention_days)) / 1e9
    hot = float(calculators.window(r0, k, t, min(d.hot_days, d.retention_days))) / 1e9
    egress_gb = reads_day / DAY_S * d.response_bytes * MONTH_H * 3600.0 / 1e9
    uploads_m = writes_day * calculators.DAYS_PER_MONTH / 1e6
    transfer = prices.tiers_cost(book["tiers"], egress_gb)
    fn_gb_s = uploads_m * 1e6 * d.function_gb_s
    compute = book["instance"] * MONTH_H
    return [
        ("app servers", d.instance, app * MONTH_H, "instance-hours", book["instance"], app * compute),
        (
            "cache servers",
            d.instance,
            cache_nodes * MONTH_H,
            "instance-hours",
            book["instance"],
            cache_nodes * compute,
        ),
        ("hot storage", "s3_standard", hot, "GB-month", book["s3_standard"], hot * book["s3_standard"]),
        (
            "cold storage",
            "s3_standard_ia",
            stored - hot,
            "GB-month",
            book["s3_standard_ia"],
            (stored - hot) * book["s3_standard_ia"],
        ),
        (
            "transfer out",
            "transfer_out",
            egress_gb,
            "GB",
            transfer / egress_gb if egress_gb else 0.0,
            transfer,
        ),
        (
            "upload requests",
            "s3_put",
            uploads_m,
            "million requests",
            book["s3_put"],
            uploads_m * book["s3_put"],
        ),
        (
            "upload function",
            "lambda_requests",
            uploads_m,
            "million requests",
            book["lambda_requests"],
            uploads_m * book["lambda_requests"],
        ),
        (
            "upload function time",
            "lambda_duration",
            fn_gb_s,
            "GB-seconds",
            book["lambda_duration"],
            fn_gb_s * book["lambda_duration"],
        ),
    ]


def monthly_bill(design: Design | None = None, sheet: pd.DataFrame | None = None) -> pd.DataFrame:
    """The design's monthly bill in month ``bill_month``, line by line.

    Parameters
    ----------
    design : Design, optional
        The assumptions (default ``Design()``).
    sheet : pandas.DataFrame, optional
        Prices, default :func:`prices` (edit a copy to price another provider).

    Returns
    -------
    pandas.DataFrame
        ``line``, ``item`` (the sheet's row), ``quantity``, ``unit``, ``unit_usd``, ``monthly_usd``.

    Notes
    -----
    Traffic, uploads and the cache grow by ``(1 + monthly_growth) ** bill_month``;
    storage is what the projection holds at that month; app servers are the
    queueing-aware fleet for the grown peak with ``headroom`` free; the cache
    holds records of ``cache_value_bytes``. Left out: a CDN in front of the photos,
    object-storage reads, load balancers, block
    storage, monitoring, support plans, free tiers, people.

    Examples
    --------
    >>> bill = monthly_bill(Design(dau=1e6))
    >>> list(bill.line[:3])
    ['app servers', 'cache servers', 'hot storage']
    """
    design = Design() if design is None else design
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    sheet = prices.prices() if sheet is None else prices.check_sheet(sheet)
    rows = _lines(design, _book(sheet, design))
    return pd.DataFrame(rows, columns=["line", "item", "quantity", "unit", "unit_usd", "monthly_usd"])


def _cache(design: Design, load: calculators.Traffic):
    reads = float((load.read_average * registry().day).to("req").magnitude)
    return calculators.cache_memory(
        reads, design.cache_value_bytes, design.cache_hot_fraction, design.cache_overhead
    )


def estimate(
    design: Design | None = None, sheet: pd.DataFrame | None = None, today: dt.date | None = None
) -> Estimate:
    """Everything on the page for one design.

    Parameters
    ----------
    design : Design, optional
        The assumptions (default ``Design()``: a photo-sharing service).
    sheet : pandas.DataFrame, optional
        Prices, default :func:`prices`.
    today : datetime.date, optional
        The date the runway counts from (default: today).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> e = estimate(Design(dau=1e6, slo_ms=300.0))
    >>> e.sizing.needed <= e.sizing.naive
    True
    """
    design = Design() if design is None else design
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    sheet = prices.prices() if sheet is None else prices.check_sheet(sheet)
    load = _traffic(design)
    writes_per_day = design.dau * design.actions_per_user * (1.0 - design.read_fraction)
    store = calculators.storage(
        writes_per_day,
        design.item_bytes,
        design.retention_days,
        design.replication,
        design.index_overhead,
        design.monthly_growth,
        design.hot_days,
        design.horizon_months,
    )
    peak = float(load.peak.to("req/s").magnitude)
    sizing = servers.compare_sizing(
        peak, design.service_ms, design.slo_ms, design.percentile, design.utilisation
    )
    vcpus = _book(sheet, design)["vcpus"]
    ahead = peak * (1.0 + design.monthly_growth) ** design.buy_ahead_months
    fleet = math.ceil(fleet_workers(ahead, design) / vcpus)
    capacity = (
        servers.max_qps(fleet * vcpus, design.service_ms, design.slo_ms, design.percentile) if fleet else 0.0
    )
    return Estimate(
        design=design,
        traffic=load,
        storage=store,
        bandwidth=calculators.bandwidth(load, design.request_bytes, design.response_bytes, design.item_bytes),
        cache_bytes=_cache(design, load),
        sizing=sizing,
        instances=math.ceil(sizing.needed / vcpus),
        naive_instances=math.ceil(sizing.naive / vcpus),
        fleet_instances=fleet,
        capacity_qps=capacity,
        runway=calculators.runway(
            capacity, peak, design.monthly_growth, design.lead_time_days, design.headroom, today
        ),
        bill=monthly_bill(design, sheet),
    )


def cost_per_million(result: Estimate) -> float:
    """USD per million requests: the bill of month ``bill_month`` over that month's requests.

    Parameters
    ----------
    result : Estimate
        From :func:`estimate`.

    Returns
    -------
    float
        USD per million requests.

    Examples
    --------
    >>> cost_per_million(estimate(Design(dau=1e6))) > 0
    True
    """
    if not isinstance(result, Estimate):
        raise ValueError(f"result must be an Estimate from estimate(...) (got result={result!r})")
    d = result.design
    month = (result.traffic.average * registry().month).to("req").magnitude * (
        1.0 + d.monthly_growth
    ) ** d.bill_month
    return result.monthly_usd / (month / 1e6) if month else math.inf


def purchase_options(design: Design | None = None, sheet: pd.DataFrame | None = None) -> pd.DataFrame:
    """The monthly bill with each purchase option the sheet prices for the design's instance.

    Parameters
    ----------
    design : Design, optional
        The assumptions (default ``Design()``).
    sheet : pandas.DataFrame, optional
        Prices, default :func:`prices`.

    Returns
    -------
    pandas.DataFrame
        ``purchase``, ``compute_usd`` (app and cache servers), ``other_usd``, ``monthly_usd``,
        one row per option available (on_demand, reserved_1y, spot).

    Examples
    --------
    >>> list(purchase_options(Design(dau=1e6)).purchase)
    ['on_demand', 'reserved_1y', 'spot']
    """
    design = Design() if design is None else design
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    sheet = prices.prices() if sheet is None else prices.check_sheet(sheet)
    offered = set(sheet.loc[sheet["item"] == design.instance, "purchase"])
    rows = []
    for option in ("on_demand", "reserved_1y", "spot"):
        if option in offered:
            bill = monthly_bill(design.replace(purchase=option), sheet)
            compute = float(bill.loc[bill["line"].str.endswith("servers"), "monthly_usd"].sum())
            total = float(bill["monthly_usd"].sum())
            rows.append((option, compute, total - compute, total))
    return pd.DataFrame(rows, columns=["purchase", "compute_usd", "other_usd", "monthly_usd"])


SENSITIVE = (  # assumptions the tornado moves, with the bounds they must stay in
    ("dau", 1.0, math.inf),
    ("actions_per_user", 0.0, math.inf),
    ("read_fraction", 0.0, 1.0),
    ("peak_factor", 1.0, math.inf),
    ("item_bytes", 0.0, math.inf),
    ("response_bytes", 0.0, math.inf),
    ("retention_days", 0.0, math.inf),
    ("replication", 1, 100),
    ("service_ms", 0.001, math.inf),
    ("slo_ms", 0.001, math.inf),
    ("monthly_growth", 0.0, 10.0),
    ("cache_hot_fraction", 0.0, 1.0),
    ("cache_value_bytes", 0.0, math.inf),
    ("headroom", 0.0, 0.99),
)
PRICE_KINDS = ("compute", "storage", "transfer")


def sensitivity(
    design: Design | None = None, sheet: pd.DataFrame | None = None, spread: float | None = None
) -> pd.DataFrame:
    """Which assumption moves the bill most: each one low and high, the others fixed.

    Parameters
    ----------
    design : Design, optional
        The assumptions (default ``Design()``).
    sheet : pandas.DataFrame, optional
        Prices, default :func:`prices`; each price kind (compute, storage, transfer) is moved too.
    spread : float, optional
        Each assumption goes to x(1 - spread) and x(1 + spread), clipped to its range
        (default ``config.ESTIMATION_SENSITIVITY_SPREAD``), in (0, 1).

    Returns
    -------
    pandas.DataFrame
        ``assumption``, ``low``, ``high`` (its two values), ``bill_low``, ``bill_high``
        (USD per month; NaN where that value makes the SLO unreachable), ``swing``
        (|bill_high - bill_low|), largest swing first; ``attrs["base_usd"]`` holds the base bill.

    Examples
    --------
    >>> t = sensitivity(Design(dau=1e6))
    >>> t.swing.is_monotonic_decreasing
    True
    """
    design = Design() if design is None else design
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    sheet = prices.prices() if sheet is None else prices.check_sheet(sheet)
    s = validate.number(
        "spread", config.ESTIMATION_SENSITIVITY_SPREAD if spread is None else spread, 0.0, 1.0
    )
    if not 0.0 < s < 1.0:
        raise ValueError(f"spread must be strictly between 0 and 1 (got spread={s:g})")

    book = _book(sheet, design)

    def total(d, table=None):
        try:
            return sum(line[-1] for line in _lines(d, book if table is None else _book(table, d)))
        except ValueError:  # e.g. an SLO below the service time's own percentile
            return math.nan

    rows = []
    for name, lo_bound, hi_bound in SENSITIVE:
        value = getattr(design, name)
        ends = [min(max(value * f, lo_bound), hi_bound) for f in (1.0 - s, 1.0 + s)]
        if isinstance(value, int):
            ends = [max(int(lo_bound), round(v)) for v in ends]
        bills = [total(design.replace(**{name: v})) for v in ends]
        rows.append((name, ends[0], ends[1], bills[0], bills[1]))
    for kind in PRICE_KINDS:
        bills = []
        for f in (1.0 - s, 1.0 + s):
            moved = sheet.copy()
            moved.loc[moved["kind"] == kind, "price_usd"] *= f
            bills.append(total(design, moved))
        rows.append((f"{kind} prices", 1.0 - s, 1.0 + s, bills[0], bills[1]))
    table = pd.DataFrame(rows, columns=["assumption", "low", "high", "bill_low", "bill_high"])
    table["swing"] = (table["bill_high"] - table["bill_low"]).abs()
    table = table.sort_values("swing", ascending=False, na_position="first", ignore_index=True)
    table.attrs["base_usd"] = total(design)
    return table
