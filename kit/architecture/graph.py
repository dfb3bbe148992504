"""The service graph: services, synchronous calls, asynchronous messages; latency and availability.

A :class:`ServiceGraph` is a record of an architecture that other tools can
read (``.graph`` is a ``networkx.DiGraph`` with documented attributes,
``services()`` and ``calls()`` are tables) and two measures of it:

- :meth:`ServiceGraph.availability`, in closed form: the share of requests
  that find every service they need up;
- :meth:`ServiceGraph.latency` (and :meth:`ServiceGraph.simulate`),
  percentiles of response time by Monte Carlo (a numba kernel).

What availability means here
----------------------------
Each *unit* (a deployable: a process with ``replicas`` instances behind a
load balancer) is up when at least one instance is up; instances fail
independently, so a unit of instance availability ``a`` is up with
probability ``A = 1 - (1 - a)^replicas`` (redundancy). A request arrives at
a random moment and needs every unit its *synchronous* calls reach, directly
or through other services, to be up at that moment: ``A_request = prod A_u``
over those units (series). A unit counts once however many calls reach it
(a fan-out of k calls to one service, or two paths to one database, see the
same up or down state), so the product runs over distinct units, not calls.
Services deployed in one unit (modules of a monolith) share its state and
call each other in process, with no network hop.

An asynchronous edge (a message through a queue) does not multiply: the
producer hands the message over and answers; if the consumer, or anything
the consumer calls, is down, the message waits in the queue and is processed
when it comes back. The request still *succeeds*; its asynchronous work is
*deferred* (counted by :meth:`simulate`), provided the queue keeps messages
longer than the outage. The queue itself (the broker) is a service the
producer calls synchronously: model it as one (``call(producer, broker)``,
``publish(broker, consumer)``) and its availability does multiply.
``availability(through_async=True)`` gives the other measure: the share of
requests whose asynchronous work also completes without waiting for a repair.

What latency means here
-----------------------
A call to a service takes its own work (``latency_ms``, drawn per call), plus
its queueing wait when it has ``servers`` and the graph a ``rate_per_s``,
plus its synchronous calls: in *stages* run one after the other, the calls of
one stage in parallel (``parallel=True`` joins the previous call's stage); a
call with ``fanout=k`` sends k calls at once and waits for the slowest. Each
network call adds ``network_ms`` (a round trip). A call slower than its
``timeout_ms`` is cut there and fails the request. Asynchronous work starts
when the producer has answered and adds nothing to the response time; the
*completion* time is when the last of it is done (it counts each call's whole
round trip before the callee starts: late by half a round trip per hop at most).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import Constant, Dist, Empirical, derive_seed, resolve_seed, spec_table, stream_seeds
from . import _kernels as kk
from ._checks import check_name, dist_ms, limit

OUTCOMES = {0: "ok", 1: "timeout", 2: "down"}
"""A simulated request's outcome (a request that timed out *and* met a down service is "down")."""


@dataclass(frozen=True, eq=False)
class GraphRun:
    """Simulated requests through a :class:`ServiceGraph`.

    Attributes
    ----------
    entry : str
        The service the requests arrived at.
    latency_ms : numpy.ndarray
        Response time of each request, ms (meaningful where ``outcome == "ok"``).
    completion_ms : numpy.ndarray
        When each request's asynchronous work was also done, ms (where ok and not deferred).
    outcome : numpy.ndarray
        Per request: 0 ok, 1 timed out, 2 met a down service (``OUTCOMES``).
    deferred : numpy.ndarray
        Per request: its asynchronous work met a down consumer and waits in a queue.
    availability : float
        The closed-form availability of the graph from ``entry``, for comparison.
    seed : int
        The seed that gives these draws.
    """

    entry: str
    latency_ms: np.ndarray
    completion_ms: np.ndarray
    outcome: np.ndarray
    deferred: np.ndarray
    availability: float
    seed: int

    @property
    def requests(self) -> int:
        """Number of simulated requests."""
        return int(self.outcome.size)

    def share(self, outcome: str) -> tuple[float, float]:
        """Fraction of requests with an outcome, and its standard error.

        Parameters
        ----------
        outcome : {"ok", "timeout", "down", "deferred"}
            "deferred": ok, with asynchronous work waiting for a consumer.

        Returns
        -------
        tuple of float
            The fraction and its binomial standard error.
        """
        validate.choice("outcome", outcome, [*OUTCOMES.values(), "deferred"])
        if outcome == "deferred":
            hits = self.deferred & (self.outcome == 0)
        else:
            hits = self.outcome == {v: k for k, v in OUTCOMES.items()}[outcome]
        p = float(hits.mean())
        return p, math.sqrt(p * (1.0 - p) / self.requests)

    def percentiles(self, q=None) -> pd.DataFrame:
        """Percentiles of the successful requests' response and completion times.

        Parameters
        ----------
        q : sequence of float, optional
            Percentiles, 0-100 (default ``config.ARCHITECTURE_PERCENTILES``).

        Returns
        -------
        pandas.DataFrame
            Index ``percentile``; columns ``latency_ms`` (response) and
            ``completion_ms`` (with the asynchronous work, over requests whose
            work was not deferred; NaN when there are none).
        """
        q = np.asarray(config.ARCHITECTURE_PERCENTILES if q is None else q, dtype=float)
        validate.in_range("q", q, 0.0, 100.0)
        ok = self.outcome == 0
        done = ok & ~self.deferred
        nan = np.full(q.shape, np.nan)
        table = pd.DataFrame(
            {
                "latency_ms": np.percentile(self.latency_ms[ok], q) if ok.any() else nan,
                "completion_ms": np.percentile(self.completion_ms[done], q) if done.any() else nan,
            },
            index=pd.Index(q, name="percentile"),
        )
        return table


class ServiceGraph:
    """An architecture as a graph of services, synchronous calls and asynchronous messages.

    Build it with :meth:`add_service`, :meth:`call` and :meth:`publish` (each
    returns the graph, so calls chain), then ask :meth:`availability` and
    :meth:`latency`. See the module docstring for the exact meaning of both.

    Parameters
    ----------
    entry : str, optional
        The service requests arrive at (default: the first service added).
    rate_per_s : float, optional
        Requests per second arriving at ``entry``; needed only by services with
        ``servers`` (they queue). Each service receives it times its visits per request.

    Attributes
    ----------
    graph : networkx.DiGraph
        Nodes are services with attributes ``latency_ms`` (Dist, ms), ``unit``,
        ``servers`` (int or None) and ``team``; edges have ``kind`` ("sync" or
        "async"), ``fanout``, ``timeout_ms`` (None: no timeout), ``network_ms``
        (Dist, ms; zero in process), ``stage`` and ``order`` (the caller's call order).
        Treat it as read-only: the methods keep it consistent.
    units : dict
        ``{unit: (availability of one instance, replicas)}``.

    Examples
    --------
    >>> from kit.core.rng import Constant
    >>> g = ServiceGraph()
    >>> _ = g.add_service("api", Constant(2.0), availability=0.999).add_service("db", Constant(1.0))
    >>> _ = g.call("api", "db")
    >>> round(g.availability(), 6)  # 0.999 x config.ARCHITECTURE_AVAILABILITY (0.999)
    0.998001
    >>> round(float(g.latency(1000, seed=1).loc[50.0, "latency_ms"]), 1)  # 2 + 1 + a 0.5 ms round trip
    3.5
    """

    def __init__(self, entry: str | None = None, rate_per_s: float | None = None):
        import networkx as nx

        self.graph = nx.DiGraph()
        self.units: dict[str, tuple[float, int]] = {}
        self.entry = None if entry is None else check_name("entry", entry)
        self.rate_per_s = None if rate_per_s is None else validate.positive("rate_per_s", rate_per_s)

    def __repr__(self):
        return (
            f"ServiceGraph({self.graph.number_of_nodes()} services, {len(self.units)} units, "
            f"{self.graph.number_of_edges()} calls, entry={self.entry!r})"
        )

    # --- building ------------------------------------------------------------------------------

    def add_service(
        self,
        name: str,
        latency_ms: Dist | float | None = None,
        availability: float | None = None,
        replicas: int | None = None,
        servers: int | None = None,
        unit: str | None = None,
        team: str | None = None,
    ) -> ServiceGraph:
        """Add a service.

        Parameters
        ----------
        name : str
            Unique name.
        latency_ms : Dist or float, optional
            Its own work per call, ms, excluding the calls it makes (a number is
            a constant; default ``config.ARCHITECTURE_LATENCY_MS``, log-normal).
        availability : float, optional
            Availability of one instance of its unit (default ``config.ARCHITECTURE_AVAILABILITY``).
        replicas : int, optional
            Instances of its unit behind a load balancer; any one up serves (default 1).
        servers : int, optional
            Workers per service that queue calls (needs the graph's ``rate_per_s``;
            the wait comes from ``kit.queueing``). None: no queueing.
        unit : str, optional
            The deployable it runs in (default: its own). Services of one unit
            share its availability and replicas and call each other in process;
            give ``availability`` and ``replicas`` once, with the first of them.
        team : str, optional
            The team that owns it (for coupling and blast-radius tables).

        Returns
        -------
        ServiceGraph
            This graph.
        """
        name = check_name("name", name)
        if name in self.graph:
            raise ValueError(f"name must be new: a service called {name!r} exists")
        limit("services", self.graph.number_of_nodes() + 1, config.ARCHITECTURE_MAX_SERVICES)
        unit = name if unit is None else check_name("unit", unit)
        a = None if availability is None else validate.probability("availability", availability)
        r = (
            None
            if replicas is None
            else validate.integer("replicas", replicas, 1, config.ARCHITECTURE_MAX_REPLICAS)
        )
        if unit in self.units:
            known_a, known_r = self.units[unit]
            if (a is not None and a != known_a) or (r is not None and r != known_r):
                raise ValueError(
                    f"availability and replicas of unit {unit!r} were set by its first service "
                    f"(availability={known_a:g}, replicas={known_r}); got availability={a}, replicas={r}"
                )
        else:
            self.units[unit] = (config.ARCHITECTURE_AVAILABILITY if a is None else a, 1 if r is None else r)
        servers = None if servers is None else validate.integer("servers", servers, 1, 100_000)
        team = None if team is None else check_name("team", team)
        own = dist_ms("latency_ms", latency_ms, config.ARCHITECTURE_LATENCY_MS)
        self.graph.add_node(name, latency_ms=own, unit=unit, servers=servers, team=team)
        if self.entry is None:
            self.entry = name
        return self

    def call(
        self,
        caller: str,
        callee: str,
        fanout: int = 1,
        timeout_ms: float | None = None,
        network_ms: Dist | float | None = None,
        parallel: bool = False,
    ) -> ServiceGraph:
        """A synchronous call: ``caller`` waits for ``callee`` (and everything it calls).

        Parameters
        ----------
        caller, callee : str
            Services already added.
        fanout : int
            Calls sent at once (to shards or replicas); the caller waits for the slowest.
        timeout_ms : float, optional
            The caller gives up after this long and the request fails. None: waits.
        network_ms : Dist or float, optional
            The round trip added to each call, ms (default ``config.ARCHITECTURE_NETWORK_MS``;
            always zero between services of one unit: an in-process call).
        parallel : bool
            Run in parallel with the caller's previous synchronous call (same stage),
            instead of after it.

        Returns
        -------
        ServiceGraph
            This graph.
        """
        fanout = validate.integer("fanout", fanout, 1, config.ARCHITECTURE_MAX_FANOUT)
        timeout = None if timeout_ms is None else validate.positive("timeout_ms", timeout_ms)
        if not isinstance(parallel, bool):
            raise ValueError(f"parallel must be True or False (got parallel={parallel!r})")
        caller, callee, net = self._edge_ends(caller, callee, network_ms)
        stages = [d["stage"] for _, _, d in self.graph.out_edges(caller, data=True) if d["kind"] == "sync"]
        stage = (max(stages) if parallel else max(stages) + 1) if stages else 0
        self._add_edge(
            caller, callee, kind="sync", fanout=fanout, timeout_ms=timeout, network_ms=net, stage=stage
        )
        return self

    def publish(self, producer: str, consumer: str, network_ms: Dist | float | None = None) -> ServiceGraph:
        """An asynchronous message: ``consumer`` processes it after ``producer`` has answered.

        Parameters
        ----------
        producer, consumer : str
            Services already added.
        network_ms : Dist or float, optional
            Delivery delay through the queue, ms (default ``config.ARCHITECTURE_NETWORK_MS``).

        Returns
        -------
        ServiceGraph
            This graph.
        """
        producer, consumer, net = self._edge_ends(
            producer, consumer, network_ms, name=("producer", "consumer")
        )
        self._add_edge(producer, consumer, kind="async", fanout=1, timeout_ms=None, network_ms=net, stage=-1)
        return self

    def _edge_ends(self, a, b, network_ms, name=("caller", "callee")):
        for label, node in zip(name, (a, b), strict=True):
            check_name(label, node)
            if node not in self.graph:
                raise ValueError(f"{label} must be a service of the graph (got {label}={node!r})")
        if self.graph.has_edge(a, b):
            raise ValueError(f"{name[1]} {b!r} is already called by {a!r}: one edge per pair (use fanout)")
        if a == b:
            raise ValueError(f"{name[1]} must differ from {name[0]} (got {a!r} twice)")
        in_process = self.graph.nodes[a]["unit"] == self.graph.nodes[b]["unit"]
        net = (
            Constant(0.0) if in_process else dist_ms("network_ms", network_ms, config.ARCHITECTURE_NETWORK_MS)
        )
        return a, b, net

    def _add_edge(self, a, b, **attrs):
        import networkx as nx

        self.graph.add_edge(a, b, order=self.graph.out_degree(a), **attrs)
        if not nx.is_directed_acyclic_graph(self.graph):
            self.graph.remove_edge(a, b)
            raise ValueError(
                f"{b!r} -> {a!r} already exists through other calls: a cycle of calls never ends"
            )

    # --- reading -----------------------------------------------------------------------------

    def _entry(self, entry) -> str:
        entry = self.entry if entry is None else entry
        if entry is None:
            raise ValueError("entry: the graph has no services yet (add_service first)")
        if not isinstance(entry, str) or entry not in self.graph:
            raise ValueError(f"entry must be a service of the graph (got entry={entry!r})")
        return entry

    def reached(self, entry: str | None = None, through_async: bool = False) -> list[str]:
        """Services a request at ``entry`` calls, directly or indirectly, in topological order.

        Parameters
        ----------
        entry : str, optional
            Where requests arrive (default: the graph's entry).
        through_async : bool
            Follow asynchronous edges too.

        Returns
        -------
        list of str
            ``entry`` first.
        """
        import networkx as nx

        entry = self._entry(entry)
        view = self.graph if through_async else self._sync_view()
        keep = {entry} | nx.descendants(view, entry)
        return [n for n in nx.topological_sort(self.graph) if n in keep]

    def _sync_view(self):
        import networkx as nx

        return nx.subgraph_view(self.graph, filter_edge=lambda a, b: self.graph.edges[a, b]["kind"] == "sync")

    def unit_availability(self, unit: str) -> float:
        """``1 - (1 - a)^replicas``: the unit is up when any instance is.

        Parameters
        ----------
        unit : str
            A unit of the graph.

        Returns
        -------
        float
            Probability the unit is up at a random moment.
        """
        if unit not in self.units:
            raise ValueError(f"unit must be a unit of the graph (got unit={unit!r})")
        a, r = self.units[unit]
        return 1.0 - (1.0 - a) ** r

    def availability(self, entry: str | None = None, through_async: bool = False) -> float:
        """Share of requests at ``entry`` that find every unit they need up (closed form).

        The product of :meth:`unit_availability` over the distinct units the
        request reaches synchronously (each counted once); asynchronous edges
        do not multiply unless ``through_async`` (see the module docstring).

        Parameters
        ----------
        entry : str, optional
            Where requests arrive (default: the graph's entry).
        through_async : bool
            Also require the asynchronous work to find its consumers up.

        Returns
        -------
        float
            Availability, 0..1 (timeouts are not counted: see :meth:`simulate`).
        """
        if not isinstance(through_async, bool):
            raise ValueError(f"through_async must be True or False (got through_async={through_async!r})")
        units = {self.graph.nodes[n]["unit"] for n in self.reached(entry, through_async)}
        return float(np.prod([self.unit_availability(u) for u in sorted(units)]))

    def visits(self, entry: str | None = None) -> dict[str, float]:
        """Calls each service receives per request at ``entry`` (fan-outs multiply along paths).

        Parameters
        ----------
        entry : str, optional
            Where requests arrive (default: the graph's entry).

        Returns
        -------
        dict
            ``{service: calls per request}`` for every service reached (sync or async).
        """
        order = self.reached(entry, through_async=True)
        count = dict.fromkeys(order, 0.0)
        count[order[0]] = 1.0
        for n in order:
            for _, m, d in self.graph.out_edges(n, data=True):
                count[m] += count[n] * d["fanout"]
        return count

    def services(self, entry: str | None = None) -> pd.DataFrame:
        """One row per service: unit, team, availability of its unit, visits and load per request.

        Parameters
        ----------
        entry : str, optional
            Where requests arrive (default: the graph's entry).

        Returns
        -------
        pandas.DataFrame
            Columns ``service``, ``unit``, ``team``, ``instance_availability``,
            ``replicas``, ``unit_availability``, ``needed`` (reached synchronously),
            ``visits`` (per request), ``mean_ms`` (own work per call, ms) and
            ``utilisation`` (with ``servers`` and ``rate_per_s``; else NaN).
        """
        visits = self.visits(entry)
        needed = set(self.reached(entry))
        rows = []
        for n, d in self.graph.nodes(data=True):
            a, r = self.units[d["unit"]]
            rho = self._utilisation(n, visits.get(n, 0.0))
            rows.append(
                {
                    "service": n,
                    "unit": d["unit"],
                    "team": d["team"],
                    "instance_availability": a,
                    "replicas": r,
                    "unit_availability": self.unit_availability(d["unit"]),
                    "needed": n in needed,
                    "visits": visits.get(n, 0.0),
                    "mean_ms": float(d["latency_ms"].mean),
                    "utilisation": rho,
                }
            )
        return pd.DataFrame(rows)

    def calls(self) -> pd.DataFrame:
        """One row per edge: caller, callee, kind, fan-out, timeout, in process or over the network.

        Returns
        -------
        pandas.DataFrame
            Columns ``caller``, ``callee``, ``kind`` ("sync"/"async"), ``fanout``,
            ``timeout_ms``, ``in_process``, ``stage`` and ``network_mean_ms``.
        """
        rows = [
            {
                "caller": a,
                "callee": b,
                "kind": d["kind"],
                "fanout": d["fanout"],
                "timeout_ms": d["timeout_ms"],
                "in_process": self.graph.nodes[a]["unit"] == self.graph.nodes[b]["unit"],
                "stage": d["stage"],
                "network_mean_ms": float(d["network_ms"].mean),
            }
            for a, b, d in self.graph.edges(data=True)
        ]
        columns = [
            "caller",
            "callee",
            "kind",
            "fanout",
            "timeout_ms",
            "in_process",
            "stage",
            "network_mean_ms",
        ]
        return pd.DataFrame(rows, columns=columns)

    def network_hops(self, entry: str | None = None) -> float:
        """Synchronous calls per request that cross the network (in-process calls excluded).

        Parameters
        ----------
        entry : str, optional
            Where requests arrive (default: the graph's entry).

        Returns
        -------
        float
            Expected network calls per request on the synchronous path.
        """
        visits = self.visits(entry)
        needed = set(self.reached(entry))
        return float(
            sum(
                visits[a] * d["fanout"]
                for a, b, d in self.graph.edges(data=True)
                if a in needed
                and d["kind"] == "sync"
                and self.graph.nodes[a]["unit"] != self.graph.nodes[b]["unit"]
            )
        )

    def blast_radius(self, unit: str, entries: dict[str, float]) -> float:
        """Share of traffic that fails while ``unit`` is down (a bad deploy, a crash).

        Parameters
        ----------
        unit : str
            A unit of the graph.
        entries : dict
            ``{entry service: share of traffic}`` (shares are normalised).

        Returns
        -------
        float
            Traffic-weighted share of entries that reach ``unit`` synchronously, 0..1.
        """
        if unit not in self.units:
            raise ValueError(f"unit must be a unit of the graph (got unit={unit!r})")
        if not isinstance(entries, dict) or not entries:
            raise ValueError(f"entries must be a non-empty dict of entry service -> share (got {entries!r})")
        shares = {self._entry(e): validate.number("entries share", s, 0.0) for e, s in entries.items()}
        total = sum(shares.values())
        if total <= 0:
            raise ValueError("entries must have a positive total share")
        hit = sum(
            s for e, s in shares.items() if unit in {self.graph.nodes[n]["unit"] for n in self.reached(e)}
        )
        return hit / total

    # --- simulation --------------------------------------------------------------------------

    def _utilisation(self, service: str, visits: float) -> float:
        servers = self.graph.nodes[service]["servers"]
        if servers is None or self.rate_per_s is None:
            return math.nan
        return self.rate_per_s * visits * self.graph.nodes[service]["latency_ms"].mean * 1e-3 / servers

    def _queue_wait(self, service: str, visits: float, seed: int) -> Dist | None:
        """The waiting time at a service with servers, in ms: a kit.queueing run at its arrival rate."""
        from .. import queueing

        servers = self.graph.nodes[service]["servers"]
        if servers is None:
            return None
        if self.rate_per_s is None:
            raise ValueError(f"rate_per_s is needed: service {service!r} has servers and queues calls")
        rho = self._utilisation(service, visits)
        if not rho < config.ARCHITECTURE_MAX_UTILISATION:
            raise ValueError(
                f"rate_per_s={self.rate_per_s:g} loads {service!r} to utilisation {rho:.2f}: its queue "
                f"would grow without bound (limit {config.ARCHITECTURE_MAX_UTILISATION:g}; add servers)"
            )
        lam_per_ms = self.rate_per_s * visits * 1e-3  # any consistent unit works: ms here
        run = queueing.simulate(
            queueing.Poisson(lam_per_ms),
            self.graph.nodes[service]["latency_ms"],
            servers,
            customers=config.ARCHITECTURE_QUEUE_CUSTOMERS,
            seed=seed,
        )
        wait = run.wait_s[int(config.QUEUEING_WARMUP_FRACTION * run.wait_s.size) :]
        return Empirical(wait)

    def _compile(self, entry: str, seed: int):
        """The arrays the kernel walks: nodes reached from ``entry``, edges grouped by caller."""
        order = self.reached(entry, through_async=True)
        index = {n: i for i, n in enumerate(order)}
        unit_names = sorted({self.graph.nodes[n]["unit"] for n in order})
        unit_index = {u: i for i, u in enumerate(unit_names)}
        visits = self.visits(entry)
        dists = [self.graph.nodes[n]["latency_ms"] for n in order]
        waits = [self._queue_wait(n, visits[n], derive_seed(seed, 1, i)) for i, n in enumerate(order)]
        edges = []
        for n in order:  # sync edges by stage and order, then async ones
            out = sorted(
                self.graph.out_edges(n, data=True),
                key=lambda t: (t[2]["kind"] == "async", t[2]["stage"], t[2]["order"]),
            )
            edges.append(out)
        nets = [d["network_ms"] for out in edges for _, _, d in out]
        table, at = spec_table(dists + [w for w in waits if w is not None] + nets)
        n_nodes = len(order)
        wait_at = np.full(n_nodes, -1, dtype=np.int64)
        j = n_nodes
        for i, w in enumerate(waits):
            if w is not None:
                wait_at[i] = at[j]
                j += 1
        flat = [(a, b, d) for out in edges for a, b, d in out]
        first = np.zeros(n_nodes + 1, dtype=np.int64)
        first[1:] = np.cumsum([len(out) for out in edges])
        stage_prev = [None] * len(flat)
        for k in range(1, len(flat)):
            if flat[k][0] == flat[k - 1][0]:
                stage_prev[k] = flat[k - 1][2]["stage"]
        g = (
            first,
            np.array([index[b] for _, b, _ in flat], dtype=np.int64),
            np.array([kk.ASYNC if d["kind"] == "async" else kk.SYNC for _, _, d in flat], dtype=np.int64),
            np.array([d["fanout"] for _, _, d in flat], dtype=np.int64),
            np.array(
                [d["stage"] != p for (_, _, d), p in zip(flat, stage_prev, strict=True)], dtype=np.bool_
            ),
            np.array([math.inf if d["timeout_ms"] is None else d["timeout_ms"] * 1e-3 for _, _, d in flat]),
            np.asarray(at[j:], dtype=np.int64),
            np.asarray(at[:n_nodes], dtype=np.int64),
            wait_at,
            np.array([unit_index[self.graph.nodes[n]["unit"]] for n in order], dtype=np.int64),
        )
        p_up = np.array([self.unit_availability(u) for u in unit_names])
        return g, table, p_up, n_nodes, visits

    def simulate(
        self, requests: int | None = None, seed: int | None = None, entry: str | None = None
    ) -> GraphRun:
        """Send ``requests`` requests through the graph (numba kernel).

        Each request draws which units are up (each with its :meth:`unit_availability`,
        independently), every service's own work, network round trips and
        queueing waits, and walks its call tree.

        Parameters
        ----------
        requests : int, optional
            Requests to simulate (default ``config.ARCHITECTURE_REQUESTS``).
        seed : int, optional
            Same seed, same result.
        entry : str, optional
            Where requests arrive (default: the graph's entry).

        Returns
        -------
        GraphRun
            Per-request response and completion times, outcomes and deferrals.
        """
        requests = validate.integer(
            "requests", config.ARCHITECTURE_REQUESTS if requests is None else requests, 1
        )
        limit("requests", requests, config.ARCHITECTURE_MAX_REQUESTS)
        entry = self._entry(entry)
        per_request = sum(self.visits(entry).values())
        limit(
            "calls per request (fan-outs multiply along a path)",
            per_request,
            config.ARCHITECTURE_MAX_CALLS_PER_REQUEST,
        )
        limit(
            "requests x calls per request",
            requests * per_request,
            config.ARCHITECTURE_MAX_CALLS,
            name="requests",
        )
        seed = resolve_seed(seed)
        g, table, p_up, depth, _ = self._compile(entry, seed)
        parallel = requests * per_request >= config.ARCHITECTURE_PARALLEL_MIN_CALLS
        kernel = kk.simulate_requests_parallel if parallel else kk.simulate_requests
        resp, fin, outcome, deferred = kernel(
            g, table, p_up, 0, depth, requests, stream_seeds(seed, -(-requests // kk.CHUNK))
        )
        outcome = np.where(outcome == 3, kk.DOWN, outcome).astype(np.int8)
        return GraphRun(
            entry=entry,
            latency_ms=resp * 1e3,
            completion_ms=fin * 1e3,
            outcome=outcome,
            deferred=deferred,
            availability=self.availability(entry),
            seed=seed,
        )

    def latency(
        self, requests: int | None = None, seed: int | None = None, entry: str | None = None
    ) -> pd.DataFrame:
        """Percentiles of response time (and completion time) of successful requests, by simulation.

        Parameters
        ----------
        requests : int, optional
            Requests to simulate (default ``config.ARCHITECTURE_REQUESTS``).
        seed : int, optional
            Same seed, same percentiles.
        entry : str, optional
            Where requests arrive (default: the graph's entry).

        Returns
        -------
        pandas.DataFrame
            Index ``percentile`` (``config.ARCHITECTURE_PERCENTILES``); columns
            ``latency_ms`` and ``completion_ms`` (see :meth:`GraphRun.percentiles`).
        """
        return self.simulate(requests, seed, entry).percentiles()


def warm() -> None:
    """Compile the request kernels: the one-core one small runs take and the parallel one of large runs."""
    g = ServiceGraph().add_service("a", 1.0).add_service("b", 1.0).call("a", "b", timeout_ms=5.0)
    g.simulate(2, seed=0)
    arrays, table, p_up, depth, _ = g._compile("a", 0)
    kk.simulate_requests_parallel(arrays, table, p_up, 0, depth, 2, stream_seeds(0, 1))


def chain(
    hops: int,
    availability: float | None = None,
    replicas: int = 1,
    fanout: int = 1,
    latency_ms: Dist | float | None = None,
    network_ms: Dist | float | None = None,
) -> ServiceGraph:
    """``hops + 1`` services in a line, ``s0 -> s1 -> ... -> s<hops>``; the last call fans out.

    Parameters
    ----------
    hops : int
        Synchronous calls between units (0: one service alone).
    availability : float, optional
        Availability of one instance of every unit (default ``config.ARCHITECTURE_AVAILABILITY``).
    replicas : int
        Instances of every unit.
    fanout : int
        Calls the last hop sends at once (the caller waits for the slowest).
    latency_ms, network_ms : Dist or float, optional
        Every service's own work and every call's round trip, ms (defaults as in
        :meth:`ServiceGraph.add_service` and :meth:`ServiceGraph.call`).

    Returns
    -------
    ServiceGraph
        Entry ``s0``.

    Examples
    --------
    >>> round(chain(3, availability=0.999).availability(), 6)  # four units in series
    0.996006
    """
    hops = validate.integer("hops", hops, 0, config.ARCHITECTURE_MAX_SERVICES - 1)
    g = ServiceGraph()
    for i in range(hops + 1):
        g.add_service(f"s{i}", latency_ms, availability=availability, replicas=replicas)
    for i in range(hops):
        g.call(f"s{i}", f"s{i + 1}", fanout=fanout if i == hops - 1 else 1, network_ms=network_ms)
    return g


def hops_table(
    max_hops: int,
    availability: float | None = None,
    replicas: int = 1,
    fanout: int = 1,
    requests: int | None = None,
    seed: int | None = None,
    min_hops: int = 0,
) -> pd.DataFrame:
    """Availability and latency of :func:`chain`, ``min_hops`` to ``max_hops`` hops: theory and simulation.

    Parameters
    ----------
    max_hops : int
        The longest chain.
    availability : float, optional
        Availability of one instance of every unit (default ``config.ARCHITECTURE_AVAILABILITY``).
    replicas : int
        Instances of every unit.
    fanout : int
        Calls the last hop of each chain sends at once.
    requests : int, optional
        Requests per chain (default ``config.ARCHITECTURE_REQUESTS``).
    seed : int, optional
        Same seed, same table; each chain's row depends on its own length only
        (a table's row for 3 hops is the same in any table that has it).
    min_hops : int
        The shortest chain (default 0: one service alone).

    Returns
    -------
    pandas.DataFrame
        One row per chain: ``hops``, ``availability`` (closed form), ``simulated``
        (share of requests ok) and its ``se``, ``p50_ms`` and ``p99_ms``.
    """
    max_hops = validate.integer("max_hops", max_hops, 0, config.ARCHITECTURE_MAX_SERVICES - 1)
    min_hops = validate.integer("min_hops", min_hops, 0, max_hops)
    requests = validate.integer("requests", config.ARCHITECTURE_REQUESTS if requests is None else requests, 1)
    chains = max_hops - min_hops + 1
    limit("requests x chains", requests * chains, config.ARCHITECTURE_MAX_REQUESTS, name="requests")
    rows = []
    for h in range(min_hops, max_hops + 1):
        g = chain(h, availability, replicas, fanout if h else 1)
        run = g.simulate(requests, seed)
        ok, se = run.share("ok")
        pct = run.percentiles([50.0, 99.0])["latency_ms"]
        rows.append(
            {
                "hops": h,
                "availability": run.availability,
                "simulated": ok,
                "se": se,
                "p50_ms": float(pct.loc[50.0]),
                "p99_ms": float(pct.loc[99.0]),
            }
        )
    return pd.DataFrame(rows)
