"""A design review: what a reviewer would send back, each finding naming the field to change.

The checks are the questions an experienced reviewer asks of a design
document, made mechanical where the kit can compute the answer: does the
diagram's availability reach the objective, does the fleet meet the latency
objective, does the data fit on the nodes, is there a single point of
failure on the request path, are the alternatives, risks and operational
plan written down. An empty review is not a good design; it is a design
with nothing obviously missing.
"""

from __future__ import annotations

import pandas as pd

from . import derive
from .spec import Design


def _numbers(design: Design) -> list[tuple[str, str, str]]:
    found = []
    latency = design.slo("latency")
    try:
        derive.estimate(design)
    except ValueError as e:  # e.g. a latency objective below the service time itself
        return [("slos", f"the estimate fails: {e}", "loosen the latency SLO or shorten service_ms")]
    slo = design.slo("availability")
    a = derive.availability(design)
    if slo is not None and a < slo.objective:
        found.append(
            (
                "slos",
                f"the diagram's availability {a:.4%} is below the objective {slo.objective:.3%}",
                "add replicas, make non-critical calls async, add a region, or lower the objective",
            )
        )
    if latency is not None:
        p = derive.latency_ms(design, latency.percentile) + derive.cross_region_ms(design)
        if p > latency.threshold_ms:
            found.append(
                (
                    "slos",
                    f"a write's p{latency.percentile:g} is {p:,.0f} ms, over the {latency.threshold_ms:g} ms "
                    "objective",
                    "shorten the synchronous path, or relax consistency across regions",
                )
            )
    for row in derive.shards_needed(design).itertuples():
        if row.shards < row.needed:
            found.append(
                (
                    f"stores[{row.Index}].shards",
                    f"{row.store} needs at least {row.needed} shards to hold {row.bytes / 1e12:,.1f} TB "
                    f"(has {row.shards})",
                    "shard it by a key with many values (and set shard_key)",
                )
            )
    return found


def _structure(design: Design) -> list[tuple[str, str, str]]:
    found = []
    if not design.problem:
        found.append(("problem", "no problem statement", "say what it solves and for whom"))
    if not design.requirements.functional:
        found.append(("requirements.functional", "no functional requirements", "list what users can do"))
    if design.slo("availability") is None:
        found.append(("slos", "no availability SLO: nothing to alert on", "add an availability SLO"))
    path = set(derive._graph(design).reached())
    for i, c in enumerate(design.components):
        if c.name in path and c.replicas == 1 and c.kind != "client":
            found.append(
                (
                    f"components[{i}].replicas",
                    f"{c.name} is a single point of failure on the request path",
                    "run at least two replicas",
                )
            )
    for i, s in enumerate(design.stores):
        if s.shards > 1 and s.shard_key is None:
            found.append((f"stores[{i}].shard_key", f"{s.name} has {s.shards} shards but no key", "name it"))
    if not design.alternatives:
        found.append(("alternatives", "no alternatives considered", "name at least one, and why not"))
    if not design.risks:
        found.append(("risks", "no risks", "name what could go wrong and the mitigation"))
    for name in ("rollout", "monitoring", "on_call"):
        if not getattr(design.operations, name):
            found.append(
                (f"operations.{name}", f"no {name.replace('_', '-')} plan", f"write the {name} plan")
            )
    return found


def review(design: Design) -> pd.DataFrame:
    """What a reviewer would send back: one row per finding, naming the field to change.

    Parameters
    ----------
    design : Design

    Returns
    -------
    pandas.DataFrame
        ``field`` (its path in the spec), ``problem``, ``fix``; empty when nothing is found.

    Examples
    --------
    >>> from kit.design import example
    >>> len(review(example("url_shortener")))
    0
    """
    design = derive._check(design)
    rows = _structure(design) + _numbers(design)
    return pd.DataFrame(rows, columns=["field", "problem", "fix"])
