"""Skewed popularity: load per node, traffic over time, and the cures for hot keys.

Key popularity follows Zipf(alpha) over the keys' positions: ``keys[0]`` is
the most requested, ``keys[i]`` is requested in proportion to 1/(i+1)^alpha
(Breslau et al., INFOCOM 1999, for web objects; YCSB's default alpha is 0.99,
Cooper et al., SoCC 2010).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import resolve_seed, zipf_keys, zipf_pmf
from . import _kernels as kk
from . import hashing, schemes

CURE_STRATEGIES = ("mod", "ring", "jump", "rendezvous")  # stateless hash placement: sub-keys place alike
CURES = ("none", "salt", "replicate")


def _alpha(alpha) -> float:
    return validate.number("alpha", config.SHARDING_ZIPF_ALPHA if alpha is None else alpha, 0.0, 10.0)


def _cv(x: np.ndarray) -> float:
    return float(x.std() / x.mean())


@dataclass(frozen=True)
class Loads:
    """Per-node load of one placement under Zipf popularity.

    Attributes
    ----------
    strategy : str
        The scheme.
    nodes : int
        Cluster size.
    alpha : float
        Zipf skew of the requests.
    owner : numpy.ndarray of int64
        The node of each key.
    keys : numpy.ndarray of int64
        Keys stored per node.
    requests : numpy.ndarray of float64
        Each node's expected share of the requests (sums to 1).
    """

    strategy: str
    nodes: int
    alpha: float
    owner: np.ndarray
    keys: np.ndarray
    requests: np.ndarray

    @property
    def key_max_over_mean(self) -> float:
        """Busiest node's keys over the mean keys per node."""
        return float(self.keys.max() / self.keys.mean())

    @property
    def key_cv(self) -> float:
        """Coefficient of variation of keys per node (std / mean, over nodes)."""
        return _cv(self.keys)

    @property
    def request_max_over_mean(self) -> float:
        """Busiest node's requests over the mean requests per node."""
        return float(self.requests.max() / self.requests.mean())

    @property
    def request_cv(self) -> float:
        """Coefficient of variation of requests per node."""
        return _cv(self.requests)

    @property
    def hottest_share(self) -> float:
        """Share of all requests served by the busiest node (1/n would be perfect)."""
        return float(self.requests.max())


def loads(keys, strategy: str, nodes: int, alpha: float | None = None, **params) -> Loads:
    """Keys and expected requests per node when popularity is Zipf(``alpha``) over key positions.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys; ``keys[0]`` is the most popular.
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    nodes : int
        Cluster size.
    alpha : float, optional
        Zipf skew, 0 .. 10 (default ``config.SHARDING_ZIPF_ALPHA``; 0 is uniform).
    **params
        As for :func:`kit.sharding.assign`.

    Returns
    -------
    Loads
        Keys and request shares per node.

    References
    ----------
    L. Breslau et al., INFOCOM 1999; B. F. Cooper et al., SoCC 2010.

    Examples
    --------
    >>> L = loads(range(100_000), "jump", 10, alpha=0.0)
    >>> round(L.key_max_over_mean, 2) < 1.03, round(L.hottest_share, 2)
    (True, 0.1)
    """
    alpha = _alpha(alpha)
    owner = schemes.assign(keys, strategy, nodes, **params)
    nodes = int(nodes)
    pmf = zipf_pmf(owner.size, alpha)
    keys_per_node = np.bincount(owner, minlength=nodes)
    return Loads(
        strategy, nodes, alpha, owner, keys_per_node, np.bincount(owner, weights=pmf, minlength=nodes)
    )


@dataclass(frozen=True)
class Traffic:
    """Requests per time window and node.

    Attributes
    ----------
    strategy : str
        The scheme.
    what : str
        What was counted (reads under Zipf, inserts in order).
    counts : numpy.ndarray of int64
        ``counts[window, node]``: requests.
    """

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


def _windows(nodes_seq: np.ndarray, nodes: int, windows) -> np.ndarray:
    if windows is None:  # the default shrinks to fit a short sequence; an explicit value must fit
        windows = min(config.SHARDING_WINDOWS, nodes_seq.size)
    windows = validate.integer("windows", windows, 1, nodes_seq.size)
    if windows * nodes > config.SHARDING_MAX_CELLS:
        raise ValueError(
            f"windows x nodes must be at most config.SHARDING_MAX_CELLS = {config.SHARDING_MAX_CELLS:,} "
            f"(got {windows:,} x {nodes:,})"
        )
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

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys; ``keys[0]`` is the most popular.
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    nodes : int
        Cluster size.
    alpha : float, optional
        Zipf skew (default ``config.SHARDING_ZIPF_ALPHA``).
    requests : int, optional
        Reads sampled, at most ``config.SHARDING_MAX_KEYS`` (default ``config.SHARDING_REQUESTS``).
    windows : int, optional
        Time windows, 1 .. requests (default ``config.SHARDING_WINDOWS``, or
        one per request if there are fewer).
    seed : int, optional
        Random seed (default ``config.SEED``).
    **params
        As for :func:`kit.sharding.assign`.

    Returns
    -------
    Traffic
        Reads per window and node.

    Notes
    -----
    Each request picks key i with probability proportional to 1/(i+1)^alpha,
    independently (the independent reference model).

    References
    ----------
    L. Breslau et al., INFOCOM 1999.
    """
    alpha = _alpha(alpha)
    most = config.SHARDING_MAX_KEYS
    requests = validate.integer(
        "requests", config.SHARDING_REQUESTS if requests is None else requests, 1, most
    )
    seed = resolve_seed(seed)
    owner = schemes.assign(keys, strategy, nodes, **params)
    picked = zipf_keys(owner.size, alpha, requests, seed=seed)
    return Traffic(strategy, f"reads, Zipf({alpha:g})", _windows(owner[picked], int(nodes), windows))


def insert_traffic(keys, strategy: str, nodes: int, windows: int | None = None, **params) -> Traffic:
    """Which node takes each new key as keys arrive in order: the write hot spot.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys in arrival order; a repeated key is an update, not an insert,
        and is left out.
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    nodes : int
        Cluster size.
    windows : int, optional
        Time windows, 1 .. distinct keys (default ``config.SHARDING_WINDOWS``,
        or one per key if there are fewer).
    **params
        As for :func:`kit.sharding.assign`.

    Returns
    -------
    Traffic
        Inserts per window and node.

    Notes
    -----
    Under ``range`` partitioning the writer is the node owning the range at
    insert time; under hash schemes it is the key's node.

    References
    ----------
    F. Chang et al., "Bigtable", OSDI 2006, section 5; the HBase reference
    guide, "Monotonically increasing row keys".
    """
    strategy = schemes.strategy_name(strategy)
    nodes = schemes.node_count(nodes)
    p = schemes.check_params(strategy, nodes, params)
    x = schemes.keyspace(keys, strategy)
    if strategy == "range":
        writer = schemes.partition(x, nodes, p.get("split_keys")).writer
    else:
        writer = schemes.place(x, strategy, nodes, p)[schemes.first_arrivals(x)]
    return Traffic(strategy, "inserts in arrival order", _windows(writer, nodes, windows))


@dataclass(frozen=True)
class Cure:
    """Load per node after curing the hottest keys, per client request, and what it costs.

    Attributes
    ----------
    method : str
        One of :data:`CURES`.
    copies : int
        Sub-keys or replicas per hot key.
    hot : int
        Keys cured.
    read_fraction : float
        Reads among requests.
    load : numpy.ndarray of float64
        Node i's messages per client request.
    read_fanout, write_fanout : float
        Messages one read or one write costs on average.
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
        """Busiest node's messages over the mean per node."""
        return float(self.load.max() / self.load.mean())

    @property
    def peak(self) -> float:
        """The busiest node's messages per client request: the load its capacity must meet.

        (Not its share of all messages: salting inflates the total, which would flatter it.)
        """
        return float(self.load.max())


def _salted(h, pmf, r, copies, nodes, place) -> tuple[np.ndarray, float]:
    """Per-node load of salted hot keys (hashes ``h``), and the read fan-out."""
    with np.errstate(over="ignore"):
        sub = kk.rehash(h, np.arange(1, copies + 1, dtype=np.uint64))
    sub_owner = place(sub.ravel()).reshape(h.size, copies)
    per_sub = (r * pmf[:, None] + (1.0 - r) * pmf[:, None] / copies) * np.ones((1, copies))
    load = np.bincount(sub_owner.ravel(), weights=per_sub.ravel(), minlength=nodes)
    return load, (1.0 + (copies - 1) * (r * pmf).sum() / r if r > 0 else 1.0)


def _replicated(owner, pmf, r, copies, nodes) -> tuple[np.ndarray, float]:
    """Per-node load of hot keys kept on ``copies`` consecutive nodes, and the write fan-out."""
    replica = (owner[:, None] + np.arange(copies)) % nodes
    per_replica = (r * pmf[:, None] / copies + (1.0 - r) * pmf[:, None]) * np.ones((1, copies))
    load = np.bincount(replica.ravel(), weights=per_replica.ravel(), minlength=nodes)
    return load, (1.0 + (copies - 1) * ((1.0 - r) * pmf).sum() / (1.0 - r) if r < 1 else 1.0)


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
    keys : sequence of int, str or bytes
        The keys; ``keys[0]`` is the most popular.
    strategy : {"mod", "ring", "jump", "rendezvous"}
        A stateless hash scheme (sub-keys place like keys).
    nodes : int
        Cluster size.
    method : {"none", "salt", "replicate"}
        ``salt`` splits a hot key into ``copies`` sub-keys, each hashed and
        placed on its own (sub-key j has hash XXH64(key hash, seed = j + 1)):
        a write goes to one sub-key, a read must gather all of them (fan-out
        ``copies``). ``replicate`` keeps ``copies`` replicas on the owner and
        the next nodes in numbering: a read goes to one replica, a write to all.
    copies : int
        Sub-keys (1 .. 1024) or replicas (1 .. nodes) per hot key.
    hot : int
        How many of the most popular keys are cured, 0 .. len(keys).
    alpha : float, optional
        Zipf skew (default ``config.SHARDING_ZIPF_ALPHA``).
    read_fraction : float, optional
        Reads among requests, 0 .. 1 (default ``config.SHARDING_READ_FRACTION``).
    **params
        As for :func:`kit.sharding.assign`.

    Returns
    -------
    Cure
        Messages per node per client request, and the fan-outs.

    Notes
    -----
    Salting divides a hot key's writes by ``copies`` and multiplies its read
    cost by ``copies``; replication does the reverse.

    References
    ----------
    R. Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013, section
    3.2.3 (replicating hot keys); AWS, DynamoDB Developer Guide, "Using write
    sharding to distribute workloads evenly" (salting).

    Examples
    --------
    >>> c = hot_key_cure(range(10_000), "jump", 8, method="salt", copies=4, read_fraction=0.0)
    >>> c.read_fanout, c.write_fanout
    (1.0, 1.0)
    """
    strategy = schemes.strategy_name(strategy, CURE_STRATEGIES)
    method = schemes.strategy_name(method, CURES, "method")
    nodes = schemes.node_count(nodes)
    copies = validate.integer("copies", copies, 1, nodes if method == "replicate" else 1024)
    alpha = _alpha(alpha)
    r = validate.probability(
        "read_fraction", config.SHARDING_READ_FRACTION if read_fraction is None else read_fraction
    )
    p = schemes.check_params(strategy, nodes, params)
    h = hashing.hash64(keys)
    hot = validate.integer("hot", hot, 0, h.size)
    if hot * copies > config.SHARDING_MAX_KEYS:  # sub-keys or replicas, each a placement in memory
        raise ValueError(
            f"hot x copies must be at most config.SHARDING_MAX_KEYS = {config.SHARDING_MAX_KEYS:,} "
            f"(got {hot:,} x {copies:,})"
        )
    schemes.check_work("keys, hot and copies", h.size + hot * copies, [nodes], [strategy])
    owner = schemes.place(h, strategy, nodes, p)
    pmf = zipf_pmf(h.size, alpha)
    load = np.zeros(nodes)
    load += np.bincount(owner[hot:], weights=pmf[hot:], minlength=nodes)
    read_fanout = write_fanout = 1.0
    if method == "none" or hot == 0:
        load += np.bincount(owner[:hot], weights=pmf[:hot], minlength=nodes)
    elif method == "salt":
        place = partial(schemes.place, strategy=strategy, nodes=nodes, p=p)  # sub-keys place as keys do
        extra, read_fanout = _salted(h[:hot], pmf[:hot], r, copies, nodes, place)
        load += extra
    else:
        extra, write_fanout = _replicated(owner[:hot], pmf[:hot], r, copies, nodes)
        load += extra
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
    """Every cure at every number of copies: one row each, with its balance and its fan-out.

    Parameters
    ----------
    keys, strategy, nodes, hot, alpha, read_fraction, **params
        As for :func:`hot_key_cure`.
    copies : sequence of int
        The numbers of copies to try for each cure (``none`` has one row;
        ``replicate`` skips the numbers above ``nodes``: a node holds one replica).

    Returns
    -------
    pandas.DataFrame
        One row per cure: ``method``, ``copies``, ``max_over_mean``, ``peak``
        (busiest node's messages per client request), ``read_fanout``,
        ``write_fanout``, ``fanout`` (messages per request).

    References
    ----------
    R. Nishtala et al., NSDI 2013, section 3.2.3; AWS DynamoDB Developer Guide.
    """
    if isinstance(copies, (str, bytes)) or not hasattr(copies, "__iter__"):
        raise TypeError(f"copies must be a sequence of integers (got copies={copies!r})")
    nodes = schemes.node_count(nodes)
    copies = list(copies)
    if not copies or len(copies) > 64:
        raise ValueError(f"copies must list 1 to 64 numbers of copies (got {len(copies)})")
    keys = hashing.encode(keys)
    runs = [nodes] * (1 + 2 * len(copies))  # every cure places every key once
    schemes.check_work("keys and copies", keys.size, runs, [schemes.strategy_name(strategy, CURE_STRATEGIES)])
    rows = []
    for method in CURES:
        tried = [
            c for c in copies if method != "replicate" or not isinstance(c, numbers.Integral) or c <= nodes
        ]
        for c in (1,) if method == "none" else tried:
            cure = hot_key_cure(keys, strategy, nodes, method, c, hot, alpha, read_fraction, **params)
            rows.append(
                {
                    "method": method,
                    "copies": cure.copies,
                    "max_over_mean": cure.max_over_mean,
                    "peak": cure.peak,
                    "read_fanout": cure.read_fanout,
                    "write_fanout": cure.write_fanout,
                    "fanout": cure.fanout,
                }
            )
    return pd.DataFrame(rows)
