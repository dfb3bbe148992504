# ruff: noqa: E501 - a data table: one price per line, its source beside it
"""The price sheet shipped with the kit: every default price with its source and date.

AWS, region us-east-1 (US East, N. Virginia), Linux, USD. The kit has no
network access, so prices were taken from the copies of public pages named in
``source``; ``as_of`` is the date that copy carries (or "undated"). Where the
source is not AWS itself it says so. Prices change: check the provider's page
before a real decision, and edit the sheet (``prices()`` returns a copy) to
price your own design.

Purchase options: ``on_demand`` (no commitment), ``reserved_1y`` (one-year
reserved instance, no upfront payment), ``spot`` (spare capacity, reclaimable
with two minutes' notice). The sheet lists an option only where a source
gives it: no price here is interpolated or guessed.
"""

from __future__ import annotations

import math

import pandas as pd

COLUMNS = ["item", "kind", "purchase", "unit", "price_usd", "vcpus", "memory_gib", "up_to", "source", "as_of"]

_AWS_EC2 = "AWS EC2 On-Demand pricing (aws.amazon.com/ec2/pricing/on-demand), us-east-1 Linux"
_COPY_2026 = "as transcribed in a us-east-1 EC2 monthly table 'AWS pricing as of 2026-01' (hourly x 730)"
_EXAMPLE = (
    "AWS, Amazon EC2 Auto Scaling User Guide, 'Spot price per unit hour example' (us-east-1a; "
    "AWS: 'example pricing and not current pricing')"
)
_ADVICE = "multicloudhosting.com, 'Reserved vs Spot vs On-Demand' (third party, 2026): 'about'"
_EGRESS = (
    "AWS data transfer out to the internet, us-east-1 (bill line '$0.090 per GB - first 10 TB / month "
    "data transfer out', AWS re:Post); later tiers: leanopstech.com rate card (third party)"
)
_S3 = "AWS S3 pricing (aws.amazon.com/s3/pricing), first 50 TB/month; as quoted by cloudburn.io (third party)"
_LAMBDA = "AWS Lambda pricing, x86, as used in Infracost's documentation ('Usage-based resources')"

_ROWS = [
    # compute: one instance-hour
    ("m5.large", "compute", "on_demand", "USD/hour", 0.096, 2, 8, math.inf, _AWS_EC2 + "; " + _COPY_2026, "2026-01"),
    ("m5.xlarge", "compute", "on_demand", "USD/hour", 0.192, 4, 16, math.inf, _AWS_EC2 + "; " + _COPY_2026, "2026-01"),
    ("m5.2xlarge", "compute", "on_demand", "USD/hour", 0.384, 8, 32, math.inf, _AWS_EC2 + "; " + _COPY_2026, "2026-01"),
    ("m5.xlarge", "compute", "reserved_1y", "USD/hour", 0.115, 4, 16, math.inf, _ADVICE + " $0.115/h, 1 year no upfront", "2026"),
    ("m5.xlarge", "compute", "spot", "USD/hour", 0.05, 4, 16, math.inf, _ADVICE + " $0.04-0.06/h (midpoint)", "2026"),
    ("c5.2xlarge", "compute", "on_demand", "USD/hour", 0.34, 8, 16, math.inf, _EXAMPLE, "undated"),
    ("c5.2xlarge", "compute", "spot", "USD/hour", 0.180, 8, 16, math.inf, _EXAMPLE, "undated"),
    # storage: one GB stored for a month
    ("s3_standard", "storage", "", "USD/GB-month", 0.023, math.nan, math.nan, math.inf, _S3 + ", 'as of March 2026'", "2026-03"),
    ("s3_standard_ia", "storage", "", "USD/GB-month", 0.0125, math.nan, math.nan, math.inf,
     "gist regispires/d3604636 'Object Storage pricing', US East (N. Virginia) (third party)", "undated"),
    ("s3_glacier_deep_archive", "storage", "", "USD/GB-month", 0.00099, math.nan, math.nan, math.inf,
     _S3 + ", 'as of March 2026'", "2026-03"),
    ("s3_express_one_zone", "storage", "", "USD/GB-month", 0.11, math.nan, math.nan, math.inf,
     "AWS S3 FAQs, S3 Express One Zone example 1, US East (N. Virginia)", "undated"),
    # transfer out to the internet, tiered by GB per month (the first 100 GB free are left out)
    ("transfer_out", "transfer", "", "USD/GB", 0.09, math.nan, math.nan, 10_240, _EGRESS, "2026-04"),
    ("transfer_out", "transfer", "", "USD/GB", 0.085, math.nan, math.nan, 51_200, _EGRESS, "2026-04"),
    ("transfer_out", "transfer", "", "USD/GB", 0.07, math.nan, math.nan, 153_600, _EGRESS, "2026-04"),
    ("transfer_out", "transfer", "", "USD/GB", 0.05, math.nan, math.nan, math.inf, _EGRESS + " (500 TB+: negotiated)", "2026-04"),
    # requests
    ("s3_put", "requests", "", "USD/million requests", 5.0, math.nan, math.nan, math.inf,
     "gist casouri/56e1e634 'S3 $0.005/1000 put requests' (third party)", "2023-03-24"),
    # a managed service: a function run per upload (resize, thumbnails)
    ("lambda_requests", "managed", "", "USD/million requests", 0.20, math.nan, math.nan, math.inf, _LAMBDA, "undated"),
    ("lambda_duration", "managed", "", "USD/GB-second", 0.0000166667, math.nan, math.nan, math.inf, _LAMBDA, "undated"),
]  # fmt: skip

_SHEET = pd.DataFrame(_ROWS, columns=COLUMNS)


def prices() -> pd.DataFrame:
    """The default price sheet, a fresh copy each call (edit it freely).

    Returns
    -------
    pandas.DataFrame
        One row per price: ``item``, ``kind`` (compute, storage, transfer, requests,
        managed), ``purchase`` (compute only: on_demand, reserved_1y, spot), ``unit``,
        ``price_usd``, ``vcpus`` and ``memory_gib`` (instances), ``up_to`` (a tier's
        upper bound in GB per month, ``inf`` when untiered), ``source`` and ``as_of``.

    Examples
    --------
    >>> sheet = prices()
    >>> float(sheet.query("item == 's3_standard'").price_usd.iloc[0])
    0.023
    """
    return _SHEET.copy()


def check_sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    """``sheet`` if it has the columns and sane prices of :func:`prices`, else a ValueError naming ``sheet``."""
    if not isinstance(sheet, pd.DataFrame):
        raise ValueError(f"sheet must be a DataFrame like prices() (got sheet={sheet!r})")
    missing = [c for c in COLUMNS[:8] if c not in sheet.columns]
    if missing:
        raise ValueError(f"sheet lacks the columns {missing} of prices()")
    price = pd.to_numeric(sheet["price_usd"], errors="coerce")
    if price.isna().any() or (price < 0).any() or not price.map(math.isfinite).all():
        raise ValueError("sheet has a price_usd that is not a finite number >= 0")
    return sheet


def price_of(sheet: pd.DataFrame, item: str, purchase: str = "") -> float:
    """The price of one untiered ``item`` (and purchase option) in ``sheet``; ValueError when absent."""
    rows = sheet[(sheet["item"] == item) & (sheet["purchase"].fillna("") == purchase)]
    if rows.empty:
        known = sorted(
            {
                f"{i} ({p})" if p else i
                for i, p in zip(sheet["item"], sheet["purchase"].fillna(""), strict=False)
            }
        )
        what = f"{item} ({purchase})" if purchase else item
        raise ValueError(f"the price sheet has no row for {what}; it has: {', '.join(known)}")
    return float(rows["price_usd"].iloc[0])


def tiers_cost(tiers, amount: float) -> float:
    """Cost of ``amount`` units priced by ``tiers`` [(upper bound, price), ...]: each tier's price
    on the part of the amount within it."""
    cost, below = 0.0, 0.0
    for up_to, price in sorted(tiers):
        part = min(amount, up_to) - below
        if part <= 0:
            break
        cost += part * price
        below = up_to
    return cost
