"""Back-of-the-envelope calculators: traffic, storage, bandwidth, cache memory, runway.

Every input may be a plain number in the unit its name or docstring gives,
a text with a unit (``"500 KB"``, ``"5 years"``) or a pint quantity; a
quantity of the wrong kind (a time where a size belongs) is refused with a
message naming the parameter. Results hold pint quantities and print in
sensible units (``str(result)``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, fields

import numpy as np

from .. import config
from ..core import validate
from .units import as_quantity, quantity, registry, show

DAYS_PER_MONTH = 365.25 / 12  # pint's month: a twelfth of a Julian year


def _describe(record) -> str:
    lines = [type(record).__name__]
    for f in fields(record):
        value = getattr(record, f.name)
        if hasattr(value, "dimensionality") and np.ndim(value.magnitude) == 0:
            lines.append(f"  {f.name:<18} {show(value)}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Traffic:
    """Requests per second, on average and at peak, split into reads and writes.

    Attributes
    ----------
    daily : pint.Quantity
        Requests per day.
    average, peak : pint.Quantity
        Requests per second, on average over the day and in the busiest hour.
    read_average, read_peak, write_average, write_peak : pint.Quantity
        The same split by ``read_fraction``.
    peak_factor : float
        peak / average.
    """

    daily: object
    average: object
    peak: object
    read_average: object
    read_peak: object
    write_average: object
    write_peak: object
    peak_factor: float

    __str__ = _describe


def traffic(
    dau: float,
    actions_per_user: float,
    read_fraction: float | None = None,
    peak_factor: float | None = None,
    profile=None,
) -> Traffic:
    """Daily active users x actions per user per day -> requests per second.

    Parameters
    ----------
    dau : float
        Daily active users.
    actions_per_user : float
        Requests each user makes per day.
    read_fraction : float, optional
        Share of requests that read, in [0, 1] (default ``config.ESTIMATION_READ_FRACTION``).
    peak_factor : float, optional
        Busiest-hour rate over the daily average, at least 1 (default
        ``config.ESTIMATION_PEAK_FACTOR``). Not with ``profile``.
    profile : sequence of float, optional
        Relative traffic of each hour of the day (24 non-negative weights); the
        peak factor is then max / mean.

    Returns
    -------
    Traffic

    Examples
    --------
    >>> t = traffic(1_000_000, 10, read_fraction=0.9, peak_factor=2)
    >>> round(t.average.to("req/s").magnitude, 1), round(t.peak.to("req/s").magnitude, 1)
    (115.7, 231.5)
    """
    users = validate.number("dau", dau, 0.0, 1e11)
    actions = validate.number("actions_per_user", actions_per_user, 0.0, 1e6)
    reads = validate.probability(
        "read_fraction", config.ESTIMATION_READ_FRACTION if read_fraction is None else read_fraction
    )
    if profile is not None:
        if peak_factor is not None:
            raise ValueError("give peak_factor or profile, not both (got both)")
        weights = np.asarray(profile, dtype=float) if _numbers(profile) else None
        if (
            weights is None
            or weights.shape != (24,)
            or not np.all(np.isfinite(weights))
            or np.any(weights < 0)
            or weights.sum() <= 0
        ):
            raise ValueError(
                f"profile must be 24 non-negative hourly weights, not all zero (got profile={profile!r})"
            )
        factor = float(weights.max() / weights.mean())
    else:
        factor = validate.number(
            "peak_factor", config.ESTIMATION_PEAK_FACTOR if peak_factor is None else peak_factor, 1.0, 1e3
        )
    ureg = registry()
    daily = users * actions * ureg.req / ureg.day
    average = daily.to("req/s")
    peak = average * factor
    return Traffic(
        daily=daily,
        average=average,
        peak=peak,
        read_average=average * reads,
        read_peak=peak * reads,
        write_average=average * (1.0 - reads),
        write_peak=peak * (1.0 - reads),
        peak_factor=factor,
    )


def _numbers(values) -> bool:
    try:
        return all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values)
    except TypeError:
        return False


@dataclass(frozen=True)
class Storage:
    """Bytes stored over time: every copy, index included, hot and cold tiers.

    Attributes
    ----------
    per_day : pint.Quantity
        Bytes written per day at the start (items x size x replication x (1 + index overhead)).
    steady : pint.Quantity
        Bytes stored once the retention window is full, without growth.
    first_month_growth : pint.Quantity
        Bytes added over the first month.
    months : numpy.ndarray
        Month numbers 0..horizon.
    stored, hot, cold : pint.Quantity
        Bytes stored at each month's end (arrays), on the hot tier (the newest
        ``hot_days`` of uploads) and the cold tier (the rest).
    """

    per_day: object
    steady: object
    first_month_growth: object
    months: np.ndarray
    stored: object
    hot: object
    cold: object

    def at(self, months: float):
        """Bytes stored after ``months`` (interpolated between month ends)."""
        m = validate.number("months", months, 0.0, float(self.months[-1]))
        return quantity(float(np.interp(m, self.months, self.stored.magnitude)), str(self.stored.units))

    def __str__(self):
        return (
            _describe(self) + f"\n  after {self.months[-1]} months: {show(self.stored[-1])} "
            f"(hot {show(self.hot[-1])}, cold {show(self.cold[-1])})"
        )


def window(r0: float, k: float, t, width: float):
    """Integral of r0 e^{k s} over [max(0, t - width), t] (days), vectorised over t."""
    t = np.asarray(t, dtype=float)
    start = np.maximum(t - width, 0.0)
    if k == 0.0:
        return r0 * (t - start)
    return r0 * (np.exp(k * t) - np.exp(k * start)) / k


def storage(
    items_per_day: float,
    item_bytes,
    retention_days,
    replication: int = 3,
    index_overhead: float = 0.0,
    monthly_growth: float = 0.0,
    hot_days=None,
    horizon_months: int | None = None,
) -> Storage:
    """Items per day x size x retention x replication x (1 + index overhead), growing.

    Parameters
    ----------
    items_per_day : float
        New items per day at the start.
    item_bytes : float or str or pint.Quantity
        Size of one item, bytes (or ``"500 KB"``).
    retention_days : float or str or pint.Quantity
        How long an item is kept, days (or ``"5 years"``).
    replication : int
        Copies of every byte, 1..100.
    index_overhead : float
        Metadata and indexes as a fraction of the data, 0..10.
    monthly_growth : float
        Compound growth of items per day, per month (0.05 = 5%), in (-1, 10].
    hot_days : float or str or pint.Quantity, optional
        The newest uploads kept on the hot tier (default ``config.ESTIMATION_HOT_DAYS``).
    horizon_months : int, optional
        Months to project (default ``config.ESTIMATION_HORIZON_MONTHS``).

    Returns
    -------
    Storage

    Notes
    -----
    Items arrive continuously at r(t) = r0 (1 + g)^(t / month); the store at
    time t holds what arrived in [t - retention, t], the hot tier what arrived
    in [t - hot_days, t]: integrals of an exponential, exact at every month end.

    Examples
    --------
    >>> s = storage(1_000_000, "100 KB", "365 day", replication=3, index_overhead=0.1, horizon_months=24)
    >>> round(s.steady.to("TB").magnitude, 1)
    120.5
    """
    items = validate.number("items_per_day", items_per_day, 0.0, 1e15)
    size = as_quantity("item_bytes", item_bytes, "B")
    keep = as_quantity("retention_days", retention_days, "day")
    copies = validate.integer("replication", replication, 1, 100)
    overhead = validate.number("index_overhead", index_overhead, 0.0, 10.0)
    g = validate.number("monthly_growth", monthly_growth, -0.99, 10.0)
    hot = as_quantity("hot_days", config.ESTIMATION_HOT_DAYS if hot_days is None else hot_days, "day")
    horizon = validate.integer(
        "horizon_months",
        config.ESTIMATION_HORIZON_MONTHS if horizon_months is None else horizon_months,
        1,
        config.ESTIMATION_MAX_HORIZON_MONTHS,
    )
    ureg = registry()
    per_day = (items * size * copies * (1.0 + overhead) / ureg.day).to("B/day")
    r0 = float(per_day.magnitude)
    k = math.log1p(g) / DAYS_PER_MONTH
    months = np.arange(horizon + 1)
    t = months * DAYS_PER_MONTH
    retention = float(keep.magnitude)
    stored = window(r0, k, t, retention)
    hot_bytes = window(r0, k, t, min(float(hot.magnitude), retention))
    return Storage(
        per_day=per_day,
        steady=(per_day * keep).to("B"),
        first_month_growth=quantity(float(window(r0, k, DAYS_PER_MONTH, retention)), "B"),
        months=months,
        stored=quantity(stored, "B"),
        hot=quantity(hot_bytes, "B"),
        cold=quantity(stored - hot_bytes, "B"),
    )


@dataclass(frozen=True)
class Bandwidth:
    """Bits per second into and out of the service, and the bytes out per month.

    Attributes
    ----------
    ingress_peak, egress_peak, ingress_average, egress_average : pint.Quantity
        Data rates (bit/s).
    egress_month : pint.Quantity
        Bytes sent out per month at the average rate (what a cloud bills).
    """

    ingress_peak: object
    egress_peak: object
    ingress_average: object
    egress_average: object
    egress_month: object

    __str__ = _describe


def bandwidth(load: Traffic, request_bytes, response_bytes, upload_bytes) -> Bandwidth:
    """Ingress and egress at peak and on average for a :class:`Traffic`.

    Parameters
    ----------
    load : Traffic
        From :func:`traffic`.
    request_bytes : float or str or pint.Quantity
        Bytes of every request on the wire (headers, cookies), in.
    response_bytes : float or str or pint.Quantity
        Bytes of a read's response, out.
    upload_bytes : float or str or pint.Quantity
        Bytes a write uploads, in. Responses to writes are left out (small).

    Returns
    -------
    Bandwidth

    Examples
    --------
    >>> b = bandwidth(traffic(1_000_000, 10, 0.9, 2), "1 KB", "100 KB", "500 KB")
    >>> round(b.egress_peak.to("Mbit/s").magnitude)
    167
    """
    if not isinstance(load, Traffic):
        raise ValueError(f"load must be a Traffic from traffic(...) (got load={load!r})")
    req = as_quantity("request_bytes", request_bytes, "B")
    resp = as_quantity("response_bytes", response_bytes, "B")
    up = as_quantity("upload_bytes", upload_bytes, "B")
    ureg = registry()

    def rate(requests, per_request):
        return (requests * per_request / ureg.req).to("bit/s")

    egress_average = rate(load.read_average, resp)
    return Bandwidth(
        ingress_peak=rate(load.peak, req) + rate(load.write_peak, up),
        egress_peak=rate(load.read_peak, resp),
        ingress_average=rate(load.average, req) + rate(load.write_average, up),
        egress_average=egress_average,
        egress_month=(egress_average * ureg.month).to("GB"),
    )


def cache_memory(items: float, item_bytes, hot_fraction: float | None = None, overhead: float | None = None):
    """Memory for a cache that holds the hot fraction of the items.

    Parameters
    ----------
    items : float
        Distinct items read in the period the cache should cover (a day's reads
        is an upper bound: every read counted as a different item).
    item_bytes : float or str or pint.Quantity
        Size of one cached value, bytes.
    hot_fraction : float, optional
        Share of those items kept, in [0, 1] (default ``config.ESTIMATION_CACHE_HOT_FRACTION``:
        the 80/20 rule of thumb).
    overhead : float, optional
        Extra memory per cached byte for keys, pointers and allocator slack
        (default ``config.ESTIMATION_CACHE_OVERHEAD``).

    Returns
    -------
    pint.Quantity
        Bytes of memory.

    Examples
    --------
    >>> str(cache_memory(1e6, "10 KB", 0.2, 0.5).to("GB"))
    '3.0 GB'
    """
    n = validate.number("items", items, 0.0, 1e15)
    size = as_quantity("item_bytes", item_bytes, "B")
    frac = validate.probability(
        "hot_fraction", config.ESTIMATION_CACHE_HOT_FRACTION if hot_fraction is None else hot_fraction
    )
    extra = validate.number(
        "overhead", config.ESTIMATION_CACHE_OVERHEAD if overhead is None else overhead, 0.0, 100.0
    )
    return (n * frac * size * (1.0 + extra)).to("B")


def _same_units(capacity, load):
    cap, now = _parsed("capacity", capacity), _parsed("load", load)
    if hasattr(cap, "dimensionality") or hasattr(now, "dimensionality"):
        unit = str(cap.units) if hasattr(cap, "units") else str(now.units)
        return (
            float(as_quantity("capacity", capacity, unit, lo=0.0).magnitude),
            float(as_quantity("load", load, unit, lo=0.0).magnitude),
        )
    return validate.number("capacity", capacity, 0.0), validate.number("load", load, 0.0)


def _parsed(name: str, value):
    if not isinstance(value, str):
        return value
    try:
        return quantity(value)
    except ValueError:
        raise ValueError(
            f"{name} must be a number or a text like '5000 req/s' (got {name}={value!r})"
        ) from None


def runway_months(capacity, load, monthly_growth: float) -> float:
    """Months until a load growing by ``monthly_growth`` a month exceeds ``capacity``.

    Parameters
    ----------
    capacity : float or str or pint.Quantity
        What the system can carry (any unit: ``"50000 req/s"``, ``"2 PB"``).
    load : float or str or pint.Quantity
        Today's load, in the same kind of unit (a number when capacity is a number).
    monthly_growth : float
        Compound growth per month (0.05 = 5%), above -1.

    Returns
    -------
    float
        ln(capacity / load) / ln(1 + growth); 0 when the load already exceeds
        the capacity, ``inf`` when it never will.

    Examples
    --------
    >>> round(runway_months(2.0, 1.0, 0.05), 2)  # doubling time at 5% a month
    14.21
    """
    cap, now = _same_units(capacity, load)
    g = validate.number("monthly_growth", monthly_growth, -0.99, 10.0)
    if now >= cap:
        return 0.0
    if now == 0.0 or g <= 0.0:
        return math.inf
    return math.log(cap / now) / math.log1p(g)


@dataclass(frozen=True)
class Runway:
    """When capacity runs out, and when to order more.

    Attributes
    ----------
    months_to_full : float
        Until load reaches capacity.
    months_to_headroom : float
        Until load reaches (1 - headroom) x capacity: the new capacity must be in service by then.
    order_by : datetime.date or None
        That moment minus the lead time (None when it never comes).
    late : bool
        True when ``order_by`` is already past.
    """

    months_to_full: float
    months_to_headroom: float
    order_by: dt.date | None
    late: bool

    def __str__(self):
        when = "never" if self.order_by is None else self.order_by.isoformat()
        late = " (past: order now, the lead time exceeds the runway)" if self.late else ""
        return (
            f"Runway\n  full in            {self.months_to_full:.1f} months\n"
            f"  headroom gone in   {self.months_to_headroom:.1f} months\n  order by           {when}{late}"
        )


def runway(
    capacity,
    load,
    monthly_growth: float,
    lead_time_days: float | None = None,
    headroom: float | None = None,
    today: dt.date | None = None,
) -> Runway:
    """Capacity runway with compound growth, and the date to order given lead time and headroom.

    Parameters
    ----------
    capacity, load : float or str or pint.Quantity
        As in :func:`runway_months`.
    monthly_growth : float
        Compound growth per month.
    lead_time_days : float, optional
        From order to capacity in service (default ``config.ESTIMATION_LEAD_TIME_DAYS``).
    headroom : float, optional
        Share of capacity kept free for spikes and failures, in [0, 1) (default
        ``config.ESTIMATION_HEADROOM``).
    today : datetime.date, optional
        The date the load was measured (default: today).

    Returns
    -------
    Runway

    Examples
    --------
    >>> r = runway(100.0, 50.0, 0.05, lead_time_days=90, headroom=0.2, today=dt.date(2026, 1, 1))
    >>> round(r.months_to_headroom, 2), r.order_by.isoformat()
    (9.63, '2026-07-03')
    """
    cap, now = _same_units(capacity, load)
    lead = validate.number(
        "lead_time_days",
        config.ESTIMATION_LEAD_TIME_DAYS if lead_time_days is None else lead_time_days,
        0.0,
        3650.0,
    )
    room = validate.number(
        "headroom", config.ESTIMATION_HEADROOM if headroom is None else headroom, 0.0, 0.99
    )
    if today is not None and not isinstance(today, dt.date):
        raise ValueError(f"today must be a datetime.date (got today={today!r})")
    start = dt.date.today() if today is None else today
    full = runway_months(cap, now, monthly_growth)
    usable = runway_months(cap * (1.0 - room), now, monthly_growth)
    if math.isinf(usable):
        return Runway(full, usable, None, False)
    order_by = start + dt.timedelta(days=usable * DAYS_PER_MONTH - lead)
    return Runway(full, usable, order_by, order_by < start)
