"""What a placement costs: imbalance, traffic under skew, hot-key cures, scatter-gather, resharding.

Key popularity follows Zipf(alpha) over the keys' positions: ``keys[0]`` is
the most requested, ``keys[i]`` is requested in proportion to 1/(i+1)^alpha
(Breslau et al., INFOCOM 1999, for web objects; YCSB's default alpha is 0.99,
Cooper et al., SoCC 2010).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import resolve_seed, zipf_keys, zipf_pmf
from . import _kernels, api, hashing

CURE_STRATEGIES = ("mod", "ring", "jump", "rendezvous")  # stateless hash placement: sub-keys place alike
CURES = ("none", "salt", "replicate")


def _alpha(alpha) -> float:
    return validate.number("alpha", config.SHARDING_ZIPF_ALPHA if alpha is None else alpha, 0.0, 10.0)


def _cv(x: np.ndarray) -> float:
    return float(x.std() / x.mean())


@dataclass(frozen=True)
class Loads:
    """Per-node load of one placement: ``keys[i]`` stored, ``requests[i]`` share of requests."""

    strategy: str
    nodes: int
    alpha: float
    owner: np.ndarray
    keys: np.ndarray
    requests: np.ndarray

    @property
    def key_max_over_mean(self) -> float:
        return float(self.keys.max() / self.keys.mean())

    @property
    def key_cv(self) -> float:
        """Coefficient of variation of keys per node (std / mean, over nodes)."""
        return _cv(self.keys)

    @property
    def request_max_over_mean(self) -> float:
        return float(self.requests.max() / self.requests.mean())

    @property
    def request_cv(self) -> float:
        return _cv(self.requests)

    @property
    def hottest_share(self) -> float:
        """Share of all requests served by the busiest node (1/n would be perfect)."""
        return float(self.requests.max())


def loads(keys, strategy: str, nodes: int, alpha: float | None = None, **params) -> Loads:
    """Keys and expected requests per node when popularity is Zipf(``alpha``) over key positions.

    Example
    -------
    >>> L = loads(range(100_000), "jump", 10, alpha=0.0)
    >>> round(L.key_max_over_mean, 2) < 1.03, round(L.hottest_share, 2)
    (True, 0.1)
    """
    alpha = _alpha(alpha)
    owner = api.assign(keys, strategy, nodes, **params)
    pmf = zipf_pmf(owner.size, alpha)
    return Loads(
        strategy,
        nodes,
        alpha,
        owner,
        np.bincount(owner, minlength=nodes),
        np.bincount(owner, weights=pmf, minlength=nodes),
    )


@dataclass(frozen=True)
class Traffic:
    """Requests per time window and node: ``counts[window, node]``."""

    strategy: str
    what: str
    counts: np.ndarray

    @property
    def shares(self) -> np.ndarray:
        """Each window's traffic split over nodes (rows sum to 1)."""
        total = self.counts.sum(axis=1, keepdims=True)
        return self.counts / np.maximum(total, 1)

    @property
    def hottest_share(self) -> float:
        """Mean over windows of the busiest node's share of that window."""
        return float(self.shares.max(axis=1).mean())


def _windows(nodes_seq: np.ndarray, nodes: int, windows: int) -> np.ndarray:
    w = np.arange(nodes_seq.size) * windows // nodes_seq.size
    return np.bincount(w * nodes + nodes_seq, minlength=windows * nodes).reshape(windows, nodes)


def read_traffic(
    keys,
    strategy: str,
    nodes: int,
    alpha: float | None = None,
    requests: int | None = None,
    windows: int | None = None,
    seed: int | None = None,
    **params,
) -> Traffic:
    """Sampled reads per window and node: the heat map of a skewed workload.

    Each request picks key i with probability proportional to 1/(i+1)^alpha,
    independently (the independent reference model).
    """
    alpha = _alpha(alpha)
    requests = validate.integer("requests", config.SHARDING_REQUESTS if requests is None else requests, 1)
    windows = validate.integer(
        "windows", config.SHARDING_WINDOWS if windows is None else windows, 1, requests
    )
    owner = api.assign(keys, strategy, nodes, **params)
    picked = zipf_keys(owner.size, alpha, requests, seed=resolve_seed(seed))
    return Traffic(strategy, f"reads, Zipf({alpha:g})", _windows(owner[picked], nodes, windows))


def insert_traffic(keys, strategy: str, nodes: int, windows: int | None = None, **params) -> Traffic:
    """Which node takes each new key as keys arrive in order: the write hot spot.

    Under ``range`` partitioning the writer is the node owning the range at
    insert time; under hash schemes it is the key's node. Repeated keys are
    updates, not inserts, and are left out.
    """
    strategy = validate.choice("strategy", strategy, api.STRATEGIES)
    nodes = validate.integer("nodes", nodes, 1, api.NODES_MAX)
    p = api._check_params(strategy, nodes, params)
    x = api._keyspace(keys, strategy)
    if strategy == "range":
        partition, _ = api._range_partition(x, nodes, p.get("split_keys"))
        writer = partition.writer
    else:
        writer = api._place(x, strategy, nodes, p)[api.first_arrivals(x)]
    windows = validate.integer(
        "windows", config.SHARDING_WINDOWS if windows is None else windows, 1, writer.size
    )
    return Traffic(strategy, "inserts in arrival order", _windows(writer, nodes, windows))


@dataclass(frozen=True)
class Cure:
    """Load per node after curing the hottest keys, per request, and what it costs.

    ``load[i]`` is node i's messages per client request; ``read_fanout`` and
    ``write_fanout`` are the messages one read or write costs on average.
    """

    method: str
    copies: int
    hot: int
    read_fraction: float
    load: np.ndarray
    read_fanout: float
    write_fanout: float

    @property
    def fanout(self) -> float:
        """Messages per request, reads and writes together."""
        r = self.read_fraction
        return r * self.read_fanout + (1.0 - r) * self.write_fanout

    @property
    def max_over_mean(self) -> float:
        return float(self.load.max() / self.load.mean())

    @property
    def peak(self) -> float:
        """The busiest node's messages per client request: the load its capacity must meet.

        (Not its share of all messages: salting inflates the total, which would flatter it.)
        """
        return float(self.load.max())


def hot_key_cure(
    keys,
    strategy: str,
    nodes: int,
    method: str = "salt",
    copies: int = 4,
    hot: int = 1,
    alpha: float | None = None,
    read_fraction: float | None = None,
    **params,
) -> Cure:
    """Spread the ``hot`` most popular keys over ``copies`` places and measure the load.

    Parameters
    ----------
    method : {"none", "salt", "replicate"}
        ``salt`` splits a hot key into ``copies`` sub-keys, each hashed and
        placed on its own (sub-key j has hash XXH64(key hash, seed = j + 1)):
        a write goes to one sub-key, a read must gather all of them (fan-out
        ``copies``). ``replicate`` keeps ``copies`` replicas on the owner and
        the next nodes in numbering: a read goes to one replica, a write to all.
    copies : int
        Sub-keys or replicas per hot key (replicas: at most ``nodes``).
    hot : int
        How many of the most popular keys are cured.
    read_fraction : float, optional
        Reads among requests (default ``config.SHARDING_READ_FRACTION``).

    Notes
    -----
    Salting divides a hot key's writes by ``copies`` and multiplies its read
    cost by ``copies``; replication does the reverse. Facebook's memcache
    replicates hot keys within a pool (Nishtala et al., NSDI 2013, section
    3.2.3); DynamoDB's guidance for write-hot keys is a random suffix (AWS,
    "Using write sharding to distribute workloads evenly").

    Example
    -------
    >>> c = hot_key_cure(range(10_000), "jump", 8, method="salt", copies=4, read_fraction=0.0)
    >>> c.read_fanout, c.write_fanout
    (1.0, 1.0)
    """
    strategy = validate.choice("strategy", strategy, CURE_STRATEGIES)
    method = validate.choice("method", method, CURES)
    nodes = validate.integer("nodes", nodes, 1, api.NODES_MAX)
    copies = validate.integer("copies", copies, 1, nodes if method == "replicate" else 1024)
    alpha = _alpha(alpha)
    r = validate.probability(
        "read_fraction", config.SHARDING_READ_FRACTION if read_fraction is None else read_fraction
    )
    p = api._check_params(strategy, nodes, params)
    h = hashing.hash64(keys)
    hot = validate.integer("hot", hot, 0, h.size)
    owner = api._place(h, strategy, nodes, p)
    pmf = zipf_pmf(h.size, alpha)
    load = np.bincount(owner[hot:], weights=pmf[hot:], minlength=nodes)
    reads, writes = r * pmf[:hot], (1.0 - r) * pmf[:hot]
    read_fanout = write_fanout = 1.0
    if method == "none" or hot == 0:
        load += np.bincount(owner[:hot], weights=pmf[:hot], minlength=nodes)
    elif method == "salt":
        with np.errstate(over="ignore"):
            sub = _kernels.rehash(h[:hot], np.arange(1, copies + 1, dtype=np.uint64))
        sub_owner = api._place(sub.ravel(), strategy, nodes, p).reshape(hot, copies)
        per_sub = (reads[:, None] + writes[:, None] / copies) * np.ones((1, copies))
        load += np.bincount(sub_owner.ravel(), weights=per_sub.ravel(), minlength=nodes)
        read_fanout = 1.0 + (copies - 1) * reads.sum() / r if r > 0 else 1.0
    else:
        replica = (owner[:hot, None] + np.arange(copies)) % nodes
        per_replica = (reads[:, None] / copies + writes[:, None]) * np.ones((1, copies))
        load += np.bincount(replica.ravel(), weights=per_replica.ravel(), minlength=nodes)
        write_fanout = 1.0 + (copies - 1) * writes.sum() / (1.0 - r) if r < 1 else 1.0
    return Cure(method, copies, hot, r, load, float(read_fanout), float(write_fanout))


def compare_cures(
    keys,
    strategy: str,
    nodes: int,
    copies=(2, 4, 8),
    hot: int = 1,
    alpha: float | None = None,
    read_fraction: float | None = None,
    **params,
) -> pd.DataFrame:
    """Every cure at every number of copies: one row each, with its balance and its fan-out."""
    rows = []
    for method in CURES:
        for c in (1,) if method == "none" else copies:
            cure = hot_key_cure(keys, strategy, nodes, method, c, hot, alpha, read_fraction, **params)
            rows.append(
                {
                    "method": method,
                    "copies": c,
                    "max_over_mean": cure.max_over_mean,
                    "peak": cure.peak,
                    "read_fanout": cure.read_fanout,
                    "write_fanout": cure.write_fanout,
                    "fanout": cure.fanout,
                }
            )
    return pd.DataFrame(rows)


def shards_touched_theory(nodes: int, items: int) -> float:
    """Expected distinct shards among ``items`` uniformly placed items: n (1 - (1 - 1/n)^c).

    Example
    -------
    >>> round(shards_touched_theory(16, 10), 2)
    7.61
    """
    nodes = validate.integer("nodes", nodes, 1)
    items = validate.integer("items", items, 0)
    return nodes * (1.0 - (1.0 - 1.0 / nodes) ** items)


@dataclass(frozen=True)
class ScatterGather:
    """Shards a query touches when its ``items`` rows are not placed by the query's key."""

    strategy: str
    nodes: int
    items: int
    touched: np.ndarray  # distinct shards per sampled query

    @property
    def mean(self) -> float:
        return float(self.touched.mean())

    @property
    def theory(self) -> float:
        return shards_touched_theory(self.nodes, self.items)

    def p_slow(self, p: float) -> float:
        """P(query slow) if each shard is slow with probability p: E[1 - (1 - p)^touched]."""
        p = validate.probability("p", p)
        return float(np.mean(1.0 - (1.0 - p) ** self.touched))


def scatter_gather(
    nodes: int,
    items: int,
    strategy: str = "jump",
    queries: int = 2000,
    seed: int | None = None,
    **params,
) -> ScatterGather:
    """How many shards a query for ``items`` rows must visit when rows are sharded by their own id.

    Example: orders sharded by ``order_id``; "orders of customer c" fetches
    the customer's ``items`` orders from wherever they landed. Sharded by
    ``customer_id`` instead, the same query visits 1 shard; a query with no
    shard key at all visits all ``nodes``.
    """
    nodes = validate.integer("nodes", nodes, 1, api.NODES_MAX)
    items = validate.integer("items", items, 1, 100_000)
    queries = validate.integer("queries", queries, 1, 10_000_000 // items)
    rng = np.random.default_rng(resolve_seed(seed))
    ids = rng.integers(0, 2**63 - 1, size=queries * items, dtype=np.int64)
    owner = np.sort(api.assign(ids, strategy, nodes, **params).reshape(queries, items), axis=1)
    touched = 1 + np.count_nonzero(np.diff(owner, axis=1), axis=1)
    return ScatterGather(strategy, nodes, items, touched)


def scatter_gather_curve(nodes: int, items=None, strategy: str = "jump", seed: int | None = None):
    """Mean shards touched for 1..``items`` rows per query, measured and in theory (a DataFrame)."""
    items = np.unique(np.geomspace(1, 4 * nodes, 25).astype(int)) if items is None else items
    rows = []
    for c in items:
        sg = scatter_gather(nodes, int(c), strategy, seed=seed)
        rows.append({"items": int(c), "measured": sg.mean, "theory": sg.theory, "nodes": nodes})
    return pd.DataFrame(rows)


def reshard_timeline(keys, strategies, n_from: int | None = None, n_to: int | None = None, **params):
    """Grow (or shrink) the cluster one node at a time; per step, data moved and imbalance.

    Parameters
    ----------
    keys : sequence of int or str
    strategies : str or sequence of str
        Schemes to compare; each takes only the ``params`` it accepts.
    n_from, n_to : int, optional
        Cluster sizes (default ``config.SHARDING_TIMELINE``, 4 -> 16).

    Returns
    -------
    pandas.DataFrame
        One row per scheme and step: ``strategy``, ``nodes_before``,
        ``nodes_after``, ``moved`` (fraction of keys), ``theory``
        (:func:`kit.sharding.moved_theory`), ``cumulative_moved`` (data moved
        so far, in multiples of the data set), ``max_over_mean`` and ``cv`` of
        keys per node after the step.

    Notes
    -----
    ``range`` builds its ranges once, pre-split for the larger cluster
    (about ``config.SHARDING_RANGES_PER_NODE`` ranges per node there), then
    each step moves whole ranges (:meth:`RangePartition.with_nodes`).
    """
    strategies = [strategies] if isinstance(strategies, str) else list(strategies)
    for s in strategies:
        validate.choice("strategy", s, api.STRATEGIES)
    known = {name for s in strategies for name in api.STRATEGIES[s].params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(f"no scheme among {', '.join(strategies)} takes {', '.join(unknown)}")
    if params.get("weights") is not None:
        raise ValueError("weights are per node and the timeline changes the nodes: leave weights out")
    lo, hi = config.SHARDING_TIMELINE
    n_from = validate.integer("n_from", lo if n_from is None else n_from, 1, api.NODES_MAX)
    n_to = validate.integer("n_to", hi if n_to is None else n_to, 1, api.NODES_MAX)
    if n_from == n_to:
        raise ValueError(f"n_to must differ from n_from (got both {n_from})")
    sizes = range(n_from, n_to + 1) if n_to > n_from else range(n_from, n_to - 1, -1)
    encoded = hashing.encode(keys)
    rows = []
    for s in strategies:
        own = {k: v for k, v in params.items() if k in api.STRATEGIES[s].params and k != "weights"}
        x = api._keyspace(encoded, s)
        if s == "range":
            # pre-split for the largest cluster of the timeline, or the new nodes would find no range to take
            split = own.get("split_keys") or api.default_split_keys(x.size, max(n_from, n_to))
            partition, _ = api._range_partition(x, n_from, split)
            owners = []
            for n in sizes:  # each step rebalances the previous one: ranges move once per step
                partition = partition.with_nodes(n)
                owners.append(partition.lookup(x))
        else:
            owners = [api._place(x, s, n, api._check_params(s, n, own)) for n in sizes]
        cumulative = 0.0
        for before, after, n_b, n_a in zip(owners, owners[1:], sizes, sizes[1:], strict=False):
            moved = float(np.mean(before != after))
            cumulative += moved
            counts = np.bincount(after, minlength=n_a)
            rows.append(
                {
                    "strategy": s,
                    "nodes_before": n_b,
                    "nodes_after": n_a,
                    "moved": moved,
                    "theory": api.moved_theory(s, n_b, n_a),
                    "cumulative_moved": cumulative,
                    "max_over_mean": float(counts.max() / counts.mean()),
                    "cv": _cv(counts),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class RingView:
    """What the ring figure draws, as fractions of the circle (0..1).

    ``arc_start``/``arc_end``/``arc_owner``: contiguous stretches of the
    circle owned by one node (ring and bounded: token arcs; range: key
    ranges laid out in key order; none for mod, jump, rendezvous, whose owners
    are scattered). ``token_at``/``token_owner``: virtual nodes.
    ``key_at``/``key_owner``: a sample of keys at their hash (range: their
    rank in key order) and the node that holds them.
    """

    strategy: str
    nodes: int
    arc_start: np.ndarray
    arc_end: np.ndarray
    arc_owner: np.ndarray
    token_at: np.ndarray
    token_owner: np.ndarray
    key_at: np.ndarray
    key_owner: np.ndarray


def ring_view(keys, strategy: str, nodes: int, sample: int | None = None, **params) -> RingView:
    """The data of the ring figure for one placement (see :class:`RingView`)."""
    strategy = validate.choice("strategy", strategy, api.STRATEGIES)
    nodes = validate.integer("nodes", nodes, 1, api.NODES_MAX)
    sample = validate.integer("sample", config.SHARDING_RING_PLOT_KEYS if sample is None else sample, 1)
    p = api._check_params(strategy, nodes, params)
    x = api._keyspace(keys, strategy)
    owner = api._place(x, strategy, nodes, p)
    pick = np.linspace(0, x.size - 1, min(sample, x.size)).astype(np.int64)
    empty_f, empty_i = np.zeros(0), np.zeros(0, np.int64)
    arcs = (empty_f, empty_f, empty_i)
    tokens = (empty_f, empty_i)
    if strategy in ("ring", "bounded"):
        r = api.ring(nodes, p["vnodes"], p.get("weights"))
        at = r.tokens.astype(np.float64) / 2.0**64
        arcs = (np.roll(at, 1), at, r.owner)  # the first arc wraps: start > end
        tokens = (at, r.owner)
        key_at = x[pick].astype(np.float64) / 2.0**64
    elif strategy == "range":
        partition, _ = api._range_partition(x, nodes, p.get("split_keys"))
        rank = np.searchsorted(np.sort(x), x[pick]) / x.size
        bounds = np.searchsorted(np.sort(x), partition.lows) / x.size
        arcs = (bounds, np.append(bounds[1:], 1.0), partition.owner)
        key_at = rank
    else:
        key_at = x[pick].astype(np.float64) / 2.0**64
    return RingView(strategy, nodes, *arcs, *tokens, key_at, owner[pick])
