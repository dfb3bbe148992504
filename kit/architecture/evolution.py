"""One feature set, several architectures: a shop as a monolith, as microservices, and in between.

The shop has three entry points (browse, search, checkout), each a chain of
modules owned by teams. As a **monolith** every module runs in one unit:
calls between modules are function calls (no network, no separate failure),
and every team's change ships in the same release. As **microservices** each
module is a unit of its own (the three entry points share a web front end):
every call between modules becomes a network round trip, every unit a
component that can be down, and a team releases alone. ``extract`` moves
chosen modules out of the monolith: the states a strangler-fig migration
passes through.

What each style costs is computed, not asserted: latency and availability
from :class:`~kit.architecture.graph.ServiceGraph`, and per team the blast
radius of a bad release (the share of traffic that needs the unit it breaks)
and the teams whose changes share its release (a release of T teams' changes,
each bad with probability p, is rolled back with probability 1 - (1 - p)^T,
the fan-out formula of lab 00 applied to a release train).

Simplified: the same per-instance availability and replicas for every unit
(a bigger monolith process may fail more often; a small service may be
replicated more cheaply); no shared database; a bad release takes its unit
down rather than degrading it; the modules' latencies are assumptions.
"""

from __future__ import annotations

import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import LogNormal
from .graph import ServiceGraph

SHOP_MODULES = {  # module: (median own work in ms, owning team); assumptions, log-normal with sigma 0.5
    "browse": (2.0, "web"),
    "search": (2.0, "web"),
    "checkout": (3.0, "web"),
    "auth": (1.0, "identity"),
    "catalog": (4.0, "catalog"),
    "reviews": (3.0, "catalog"),
    "recommend": (6.0, "discovery"),
    "index": (8.0, "discovery"),
    "cart": (2.0, "checkout"),
    "orders": (4.0, "checkout"),
    "inventory": (3.0, "fulfilment"),
    "email": (20.0, "fulfilment"),
    "payments": (15.0, "payments"),
}
"""The shop's modules: median own work per call (ms) and the team that owns each."""

SHOP_CALLS = (  # (caller, callee, kind, parallel with the previous call)
    ("browse", "auth", "sync", False),
    ("browse", "catalog", "sync", False),
    ("browse", "reviews", "sync", True),
    ("browse", "recommend", "sync", True),
    ("search", "auth", "sync", False),
    ("search", "index", "sync", False),
    ("search", "catalog", "sync", False),
    ("checkout", "auth", "sync", False),
    ("checkout", "cart", "sync", False),
    ("checkout", "inventory", "sync", False),
    ("checkout", "payments", "sync", False),
    ("checkout", "orders", "sync", False),
    ("orders", "email", "async", False),
)
"""The shop's calls, the same in every style."""

SHOP_ENTRIES = {"browse": 0.7, "search": 0.25, "checkout": 0.05}
"""The shop's traffic mix over its entry points."""

STYLES = ("monolith", "microservices")
"""Where the shop's modules run: all in one unit, or one unit each (entry points share ``web``)."""


def shop(
    style: str = "microservices",
    extract=(),
    availability: float | None = None,
    replicas: int | None = None,
    network_ms: float | None = None,
) -> ServiceGraph:
    """The shop's feature set deployed in a style.

    Parameters
    ----------
    style : {"monolith", "microservices"}
        One unit for everything, or one unit per module (entry points share ``web``).
    extract : sequence of str
        Modules moved out of the monolith into units of their own (monolith only).
    availability : float, optional
        Availability of one instance of every unit (default ``config.ARCHITECTURE_AVAILABILITY``).
    replicas : int, optional
        Instances of every unit (default ``config.ARCHITECTURE_SHOP_REPLICAS``).
    network_ms : float, optional
        Median network round trip of a call between units, ms (log-normal, sigma 0.5;
        default ``config.ARCHITECTURE_NETWORK_MS``).

    Returns
    -------
    ServiceGraph
        Entry ``browse``; the other entry points are ``search`` and ``checkout``.

    Examples
    --------
    >>> mono, micro = shop("monolith"), shop("microservices")
    >>> mono.network_hops("checkout"), micro.network_hops("checkout")
    (0.0, 5.0)
    """
    validate.choice("style", style, STYLES)
    if not isinstance(extract, (list, tuple)) or not all(isinstance(m, str) for m in extract):
        raise ValueError(f"extract must be a list of module names (got extract={extract!r})")
    for m in extract:
        validate.choice("extract", m, SHOP_MODULES)
    if extract and style != "monolith":
        raise ValueError(
            f"extract moves modules out of a monolith (got style={style!r}, extract={list(extract)})"
        )
    replicas = config.ARCHITECTURE_SHOP_REPLICAS if replicas is None else replicas
    net = (
        None
        if network_ms is None
        else LogNormal.from_median(validate.positive("network_ms", network_ms), 0.5)
    )
    g = ServiceGraph(entry="browse")
    for name, (median_ms, team) in SHOP_MODULES.items():
        if style == "monolith":
            unit = name if name in extract else "shop"
        else:
            unit = "web" if name in SHOP_ENTRIES else name
        g.add_service(
            name,
            LogNormal.from_median(median_ms, 0.5),
            availability=availability,
            replicas=replicas,
            unit=unit,
            team=team,
        )
    for caller, callee, kind, parallel in SHOP_CALLS:
        if kind == "sync":
            g.call(caller, callee, network_ms=net, parallel=parallel)
        else:
            g.publish(caller, callee, network_ms=net)
    return g


def coupling(
    graph: ServiceGraph, entries: dict | None = None, p_bad_change: float | None = None
) -> pd.DataFrame:
    """Per team: what its release puts at risk, and whom it must release with.

    Parameters
    ----------
    graph : ServiceGraph
        Services with ``team`` set.
    entries : dict, optional
        ``{entry: traffic share}`` (default ``SHOP_ENTRIES``).
    p_bad_change : float, optional
        Chance that one team's change is bad (default ``config.ARCHITECTURE_SHOP_P_BAD_CHANGE``).

    Returns
    -------
    pandas.DataFrame
        One row per team: ``units`` it deploys, ``teams_per_release`` (teams whose
        changes ship in those units), ``p_rollback`` (1 - (1 - p)^teams_per_release),
        ``blast_radius`` (share of traffic needing its units: what a bad release
        can take down) and ``cross_team_calls`` (sync calls to or from another team's
        services: interfaces whose change needs coordination).
    """
    if not isinstance(graph, ServiceGraph):
        raise ValueError(f"graph must be a ServiceGraph (got graph={graph!r})")
    entries = SHOP_ENTRIES if entries is None else entries
    p = validate.probability(
        "p_bad_change", config.ARCHITECTURE_SHOP_P_BAD_CHANGE if p_bad_change is None else p_bad_change
    )
    nodes = graph.graph.nodes
    teams = sorted({d["team"] for _, d in nodes(data=True) if d["team"] is not None})
    if not teams:
        raise ValueError("graph must have services with a team (add_service(..., team=...))")
    rows = []
    for team in teams:
        units = sorted({d["unit"] for _, d in nodes(data=True) if d["team"] == team})
        sharing = {d["team"] for _, d in nodes(data=True) if d["unit"] in units and d["team"] is not None}
        cross = sum(
            1
            for a, b, d in graph.graph.edges(data=True)
            if d["kind"] == "sync"
            and team in (nodes[a]["team"], nodes[b]["team"])
            and nodes[a]["team"] != nodes[b]["team"]
        )
        rows.append(
            {
                "team": team,
                "units": ", ".join(units),
                "teams_per_release": len(sharing),
                "p_rollback": 1.0 - (1.0 - p) ** len(sharing),
                "blast_radius": max(graph.blast_radius(u, entries) for u in units),
                "cross_team_calls": cross,
            }
        )
    return pd.DataFrame(rows)


def compare(
    graphs: dict | None = None, entries: dict | None = None, requests: int | None = None, seed=None
) -> pd.DataFrame:
    """The same feature set in several architectures, entry point by entry point.

    Parameters
    ----------
    graphs : dict, optional
        ``{label: ServiceGraph}`` with the same entry points (default: the shop
        as a monolith and as microservices).
    entries : dict, optional
        ``{entry: traffic share}`` (default ``SHOP_ENTRIES``).
    requests : int, optional
        Requests simulated per entry and graph (default ``config.ARCHITECTURE_REQUESTS``).
    seed : int, optional
        Same seed, same table (every graph gets the same seed).

    Returns
    -------
    pandas.DataFrame
        One row per graph and entry: ``style``, ``entry``, ``share`` (of traffic),
        ``units`` (needed synchronously), ``network_hops``, ``p50_ms``, ``p99_ms``
        (simulated response time) and ``availability`` (closed form).
    """
    graphs = {s: shop(s) for s in STYLES} if graphs is None else graphs
    if (
        not isinstance(graphs, dict)
        or not graphs
        or not all(isinstance(g, ServiceGraph) for g in graphs.values())
    ):
        raise ValueError(f"graphs must be a non-empty dict of label -> ServiceGraph (got graphs={graphs!r})")
    entries = SHOP_ENTRIES if entries is None else entries
    if not isinstance(entries, dict) or not entries:
        raise ValueError(f"entries must be a non-empty dict of entry -> share (got entries={entries!r})")
    rows = []
    for label, g in graphs.items():
        for entry, share in entries.items():
            pct = g.simulate(requests, seed, entry).percentiles([50.0, 99.0])
            needed = {g.graph.nodes[n]["unit"] for n in g.reached(entry)}
            rows.append(
                {
                    "style": label,
                    "entry": entry,
                    "share": validate.number("entries share", share, 0.0, 1.0),
                    "units": len(needed),
                    "network_hops": g.network_hops(entry),
                    "p50_ms": float(pct.loc[50.0, "latency_ms"]),
                    "p99_ms": float(pct.loc[99.0, "latency_ms"]),
                    "availability": g.availability(entry),
                }
            )
    return pd.DataFrame(rows)
