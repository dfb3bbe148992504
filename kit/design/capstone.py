"""The capstone: one system designed end to end, each step's decision an input, every later step re-flowed.

The steps follow the order an expert works in: requirements -> estimate ->
storage choice -> sharding -> caching -> consistency per data path ->
reliability and SLOs -> diagram, document and review -> cost. Each step
calls the kit topic that owns it (estimation, storage, sharding, caching,
reliability, architecture) on the numbers the steps before it produced,
and writes its decision back into the design, so a change at step 1 (ten
times the traffic) reaches the shards, the cache's load, the review and the
bill.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import pandas as pd

from .. import config
from ..core import validate
from . import derive
from .document import _pct, numbers
from .reviewer import review
from .spec import CONSISTENCY, Design, what_if


@dataclass(frozen=True)
class Capstone:
    """The capstone's result: the re-flowed design and what each step decided and found.

    Attributes
    ----------
    design : Design
        The spec with every decision written in (shards, cache size, consistency, SLOs, regions).
    steps : pandas.DataFrame
        ``step``, ``decision``, ``result``, ``lab`` (where the number comes from), in order.
    store : str
        The store family ``kit.storage.recommend`` chose for the primary data.
    shards : int
        Shards of the primary data store (a power of two, at least the spec's).
    hit_ratio : float
        The cache's hit ratio (Che approximation, Zipf popularity).
    db_reads_per_s : float
        Reads per second that miss the cache and reach the database at peak.
    findings : int
        Rows of :func:`kit.design.review`.
    """

    design: Design
    steps: pd.DataFrame
    store: str
    shards: int
    hit_ratio: float
    db_reads_per_s: float
    findings: int


@functools.lru_cache(maxsize=32)
def hit_ratio(cache_share: float, alpha: float | None = None) -> float:
    """LRU hit ratio of a cache holding ``cache_share`` of the objects, popularity Zipf(``alpha``).

    Parameters
    ----------
    cache_share : float
        Cache size over the number of objects, 0..1.
    alpha : float, optional
        Zipf exponent (default ``config.DESIGN_ZIPF_ALPHA``).

    Returns
    -------
    float
        ``kit.caching.che_lru`` on ``config.DESIGN_CACHE_MODEL_OBJECTS`` objects.

    Notes
    -----
    The Che approximation (Che, Tung and Wang, IEEE JSAC 2002) on a model of
    ``DESIGN_CACHE_MODEL_OBJECTS`` objects standing for billions of links: for
    a Zipf exponent below 1 the hit ratio of a cache holding a fixed share of
    the objects grows slowly with their number (1% of 10,000 objects: 16%; of
    100,000: 20%), so the model understates a real cache (the capstone says so).
    """
    from .. import caching
    from ..core.rng import zipf_pmf

    share = validate.probability("cache_share", cache_share)
    a = validate.number("alpha", config.DESIGN_ZIPF_ALPHA if alpha is None else alpha, 0.0, 5.0)
    n = config.DESIGN_CACHE_MODEL_OBJECTS
    return float(caching.che_lru(zipf_pmf(n, a), share * n)) if share > 0 else 0.0


def _primary(design: Design) -> int:
    """Index of the primary data store: the first one held by a database."""
    for i, s in enumerate(design.stores):
        if design.component(s.component).kind == "database":
            return i
    raise ValueError("design: the capstone needs a data store held by a database component")


def _cache_fraction(r, share: float, items: float) -> float:
    """Step 5 sizes the cache as a share of all items; the estimate wants a share of a day's reads."""
    reads_day = r.dau * r.actions_per_user * r.read_fraction
    return min(1.0, share * items / reads_day) if reads_day > 0 else 0.0


def _recommend(read_fraction: float, n: dict, consistency: str):
    """Step 3: lab 10's questionnaire answered from the estimate (reads by key, no joins)."""
    from .. import storage

    return storage.recommend(
        read_fraction=read_fraction,
        point=1.0,
        range=0.0,
        aggregate=0.0,
        consistency="strong" if consistency == "strong" else "eventual",
        data_gb=n["stored_bytes"] / 1e9,
        writes_per_s=n["write_peak_rps"],
        joins=False,
        schema="stable",
    )


def capstone(
    traffic: float = 1.0,
    regions: int = 1,
    objective: float = 0.999,
    threshold_ms: float = 100.0,
    cache_share: float | None = None,
    consistency: str = "read_your_writes",
    spec: Design | None = None,
) -> Capstone:
    """Design the system end to end from its decisions; every later step follows the earlier ones.

    Parameters
    ----------
    traffic : float
        Daily users as a multiple of the spec's (10: ten times the traffic).
    regions : int
        Regions, each running the whole stack.
    objective : float
        The availability SLO, below 1.
    threshold_ms : float
        The latency SLO's threshold, ms.
    cache_share : float, optional
        The cache holds this share of all stored items (default ``config.DESIGN_CACHE_SHARE``).
    consistency : str
        The primary data's read guarantee, one of :data:`kit.design.CONSISTENCY`.
    spec : Design, optional
        The starting design (default ``example("url_shortener")``): components, flows,
        a cache component and a primary store held by a database.

    Returns
    -------
    Capstone

    Examples
    --------
    >>> c = capstone(traffic=10)
    >>> c.shards >= capstone().shards
    True
    """
    from .. import sharding
    from .api import example

    if spec is not None and not isinstance(spec, Design):
        raise ValueError(f"spec must be a Design, e.g. design.example('url_shortener') (got spec={spec!r})")
    base = example("url_shortener") if spec is None else spec
    share = validate.probability(
        "cache_share", config.DESIGN_CACHE_SHARE if cache_share is None else cache_share
    )
    validate.choice("consistency", consistency, CONSISTENCY)
    d = what_if(base, traffic=traffic, objective=objective, threshold_ms=threshold_ms, regions=regions)
    r = d.requirements
    items = r.dau * r.actions_per_user * (1.0 - r.read_fraction) * r.retention_days
    d = d.replace(requirements={"cache_hot_fraction": _cache_fraction(r, share, items)})
    # 2 estimate, 3 storage, 4 sharding
    n = numbers(d)
    i = _primary(d)
    store = _recommend(r.read_fraction, n, consistency)
    needed = int(derive.shards_needed(d)["needed"].iloc[i])
    was = d.stores[i].shards
    shards = max(was, 2 ** math.ceil(math.log2(needed)))
    stores = list(d.stores)
    stores[i] = dataclasses.replace(stores[i], shards=shards, consistency=consistency)
    d = d.replace(stores=stores)
    n = numbers(d)
    # 5 caching, 7 reliability
    h = hit_ratio(share)
    db_reads = n["read_peak_rps"] * (1.0 - h)
    strategy = config.DESIGN_SHARD_STRATEGY
    cv = sharding.theory_cv(strategy, shards, max(1, round(items)))
    moved = sharding.moved_theory(strategy, was, shards) if shards != was else 0.0
    alerts = derive.alerts(d)
    found = review(d)
    latency = d.slo("latency")
    rows = [
        (
            "1. requirements",
            f"{traffic:g} x the spec's users, {r.regions} region(s)",
            f"{r.dau:,.0f} daily users, {r.read_fraction:.0%} reads",
            "the spec",
        ),
        (
            "2. estimate",
            "per region, at the busiest hour",
            f"{n['peak_rps']:,.0f} requests/s ({n['write_peak_rps']:,.0f} writes/s); "
            f"{n['stored_bytes'] / 1e12:,.1f} TB after {derive.estimate(d).storage.months[-1]} months; "
            f"{n['workers']:,} workers",
            "01 estimation",
        ),
        (
            "3. storage",
            store.choice.replace("_", "-"),
            "; ".join(x for x in store.reasons[store.choice] if "no measurements" not in x),
            "10 storage choices",
        ),
        (
            "4. sharding",
            f"{shards} shards by {stores[i].shard_key or 'key'} ({strategy} hash)",
            f"at least {needed} needed at {config.DESIGN_NODE_BYTES / 1e12:g} TB a node; keys per shard: "
            f"CV {cv:.1g}; "
            + (
                f"growing from {was} moves {moved:.0%} of keys"
                if shards != was
                else f"the spec's {was} suffice"
            ),
            "03 sharding",
        ),
        (
            "5. caching",
            f"cache {share:.2%} of the items",
            f"hit ratio {h:.1%} (LRU, Zipf {config.DESIGN_ZIPF_ALPHA:g}): the database serves "
            f"{db_reads:,.0f} of {n['read_peak_rps']:,.0f} reads/s",
            "04 caching",
        ),
        (
            "6. consistency",
            f"{stores[i].name}: {consistency}",
            f"a write waits {n['cross_region_ms']:,.0f} ms for other regions"
            if n["cross_region_ms"]
            else "no cross-region wait",
            "02 consistency",
        ),
        (
            "7. reliability",
            f"{objective:.3%} available; p{latency.percentile:g} under {latency.threshold_ms:g} ms",
            f"availability {_pct(n['availability'])}; budget {n['budget_min']:,.1f} min/30 days; "
            f"page above {alerts['error_rate'].iloc[0]:.2%} errors",
            "06 reliability, 11 architecture",
        ),
        (
            "8. document",
            "diagram, document, review",
            f"{len(found)} review finding(s)" + (f": {found['problem'].iloc[0]}" if len(found) else ""),
            "12 communicating designs",
        ),
        ("9. cost", f"{d.purchase} {d.instance}", f"{n['monthly_usd']:,.0f} USD per month", "01 estimation"),
    ]
    steps = pd.DataFrame(rows, columns=["step", "decision", "result", "lab"])
    return Capstone(d, steps, store.choice, shards, h, db_reads, len(found))
