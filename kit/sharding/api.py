"""Partitioning schemes: which node holds each key, and how much moves when nodes come and go.

Six schemes share one entry point, :func:`assign`, and one registry,
:data:`STRATEGIES`:

``mod``
    node = hash mod N. Perfectly even, but changing N moves almost every key.
``ring``
    consistent hashing (Karger et al., STOC 1997, section 4): every node owns
    ``vnodes`` tokens on a circle of 2^64 positions; a key belongs to the first
    token clockwise after its hash. Optional ``weights`` scale a node's tokens.
``jump``
    jump consistent hash (Lamping & Veach 2014, arXiv:1406.2294, Figure 1):
    no state at all, perfectly even, but nodes can only be added or removed at
    the end of the numbering.
``rendezvous``
    highest random weight (Thaler & Ravishankar, IEEE/ACM ToN 6(1), 1998):
    every node scores the key, the highest score wins; ``weights`` use the
    logarithmic method (-w / ln u, Schindelhauer & Schomaker, SPAA 2005).
``range``
    key ranges in key order, split in two at the median when a range reaches
    ``split_keys`` keys (Bigtable tablets, HBase regions).
    Keys are not hashed, so range scans stay on few nodes, and sequential keys
    all land on the last range.
``bounded``
    consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam,
    SODA 2018, arXiv:1608.01350, section 2): a node holds at most
    ``ceil((1 + eps) m / n)`` of the m keys; a key whose node is full walks
    clockwise to the next node with room.

Keys are hashed with XXH64 (see :mod:`kit.sharding.hashing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from . import _kernels, hashing

NODES_MAX = 100_000
RING_TOKENS_MAX = 20_000_000  # tokens on one ring (memory and build time stay under ~1 s)
RENDEZVOUS_SCORES_MAX = 4_000_000_000  # keys x nodes: rendezvous hashes every pair
RANGES_MAX = 50_000  # range partitioning keeps its ranges in a sorted array: O(R^2) work in the worst case


@dataclass(frozen=True)
class Strategy:
    """A partitioning scheme: its name, parameters, and whether it is consistent."""

    name: str
    label: str
    params: tuple[str, ...]
    consistent: bool  # adding a node to n moves about 1/(n+1) of the keys
    reference: str


STRATEGIES = {
    "mod": Strategy("mod", "hash mod N", (), False, "the textbook baseline"),
    "ring": Strategy(
        "ring", "consistent hashing ring", ("vnodes", "weights"), True, "Karger et al. 1997; Dynamo 2007"
    ),
    "jump": Strategy("jump", "jump consistent hash", (), True, "Lamping & Veach 2014"),
    "rendezvous": Strategy("rendezvous", "rendezvous (HRW)", ("weights",), True, "Thaler & Ravishankar 1998"),
    "range": Strategy("range", "range partitioning", ("split_keys",), True, "Bigtable 2006; HBase"),
    "bounded": Strategy(
        "bounded", "bounded-load consistent hashing", ("vnodes", "eps"), True, "Mirrokni et al. 2018"
    ),
}


# --- jump hash ------------------------------------------------------------------------------


def _uint64_bits(name: str, a: np.ndarray) -> np.ndarray:
    if a.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers (got dtype {a.dtype})")
    return a.astype(np.int64).view(np.uint64) if a.dtype.kind == "i" else a.astype(np.uint64)


def jump_hash(key, n: int):
    """Jump consistent hash of ``key`` into ``n`` buckets (Lamping & Veach 2014, Figure 1).

    Parameters
    ----------
    key : int or array of int
        A 64-bit key, or a numpy array of them (signed keys are taken as
        their two's-complement bits, as Guava does with a Java ``long``).
    n : int
        Number of buckets, 1 .. 2^31 - 1.

    Returns
    -------
    int, or an int64 array the shape of ``key``

    Notes
    -----
    ``b = -1; j = 0; while j < n: b = j; key = key * 2862933555777941757 + 1
    (mod 2^64); j = floor((b + 1) * 2^31 / ((key >> 33) + 1))``, the division in
    double precision. Growing from n - 1 to n buckets moves exactly the keys
    that land in the new bucket, 1/n of them on average (paper, section 2).

    Example
    -------
    >>> [jump_hash(k, 100) for k in range(5)]  # Guava's test vectors
    [0, 55, 62, 8, 45]
    >>> jump_hash(10863919174838991, 11)
    6
    """
    n = validate.integer("n", n, 1, 2**31 - 1)
    with np.errstate(over="ignore"):
        if np.ndim(key) == 0 and isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            k = int(key)
            if not -(2**63) <= k < 2**64:
                raise ValueError(f"key must fit in 64 bits (got key={k})")
            return int(_kernels.jump_one(np.uint64(k % 2**64), n))
        a = np.asarray(key)
        bits = _uint64_bits("key", a.ravel())
        return _kernels.jump_assign(bits, n).reshape(a.shape)


# --- the ring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ring:
    """A consistent-hashing ring: sorted ``tokens`` (uint64) and the node owning each."""

    tokens: np.ndarray
    owner: np.ndarray
    nodes: int
    vnodes: np.ndarray  # tokens per node
    index: np.ndarray  # bucket index over the top ``bits`` bits of the hash space
    bits: int

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """The node of each key hash: the owner of the first token clockwise after it."""
        return _kernels.ring_assign(hashes, self.tokens, self.owner, self.index, self.bits)

    def bounded(self, hashes: np.ndarray, capacity: int) -> np.ndarray:
        """Bounded-load placement of ``hashes`` (in arrival order) with at most ``capacity`` per node."""
        return _kernels.bounded_assign(
            hashes, self.tokens, self.owner, self.index, self.bits, self.nodes, capacity
        )

    @property
    def arcs(self) -> np.ndarray:
        """Length of the arc each token owns (ending at the token), as a fraction of the circle."""
        gaps = np.diff(self.tokens, prepend=self.tokens[-1])  # uint64 wrap-around closes the circle
        arcs = gaps.astype(np.float64) / 2.0**64
        if self.tokens.size == 1:
            arcs[0] = 1.0
        return arcs

    @property
    def shares(self) -> np.ndarray:
        """Fraction of the hash space each node owns; the expected share of uniformly hashed keys."""
        return np.bincount(self.owner, weights=self.arcs, minlength=self.nodes)


def _weights(weights, nodes: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (nodes,) or not np.all(np.isfinite(w)) or not np.all(w > 0):
        raise ValueError(
            f"weights must be {nodes} positive numbers, one per node (got weights={np.asarray(weights)!r})"
        )
    return w


def ring(nodes: int, vnodes: int | None = None, weights=None) -> Ring:
    """Build the ring: node i places ``round(vnodes * weights[i])`` tokens (at least one).

    Token v of node i sits at XXH64 of the ASCII string ``"i-v"``, the naming
    ketama and ``uhashring`` use, so the same ring built by ``uhashring`` with
    XXH64 as its hash function assigns every key to the same node.

    Notes
    -----
    With V tokens per node at independent uniform positions, a node's share of
    the circle is a sum of V of the n V spacings, Beta(V, (n - 1) V)
    distributed: its standard deviation is sqrt((n - 1) / (n V + 1)) of the mean,
    about 1/sqrt(V) (10% for V = 100, 3.2% for V = 1000). See
    :func:`theory_cv`.

    Example
    -------
    >>> r = ring(4, vnodes=100)
    >>> r.tokens.size, round(float(r.shares.sum()), 6)
    (400, 1.0)
    """
    nodes = validate.integer("nodes", nodes, 1, NODES_MAX)
    vnodes = validate.integer("vnodes", config.SHARDING_VNODES if vnodes is None else vnodes, 1)
    w = np.ones(nodes) if weights is None else _weights(weights, nodes)
    counts = np.maximum(1, np.round(vnodes * w)).astype(np.int64)
    if counts.sum() > RING_TOKENS_MAX:
        raise ValueError(
            f"nodes x vnodes must be at most {RING_TOKENS_MAX:,} tokens (got {int(counts.sum()):,})"
        )
    with np.errstate(over="ignore"):
        tokens, owner = _kernels.ring_tokens(counts, hashing.SEED)
    order = np.argsort(tokens, kind="stable")
    tokens = tokens[order]
    bits = int(min(max(1, math.ceil(math.log2(tokens.size))), 24))  # ~1 token per bucket
    return Ring(tokens, owner[order], nodes, counts, _kernels.ring_index(tokens, bits), bits)


# --- range partitioning ------------------------------------------------------------------------


@dataclass(frozen=True)
class RangePartition:
    """Key ranges and their nodes after inserting keys in arrival order.

    ``lows[r]`` is the smallest order key of range r (sorted; see
    :func:`kit.sharding.hashing.order_keys`), ``owner[r]`` its node and
    ``count[r]`` its keys. ``writer[t]`` is the node that stored the t-th new
    key when it arrived (the write hot spot of sequential keys).
    """

    lows: np.ndarray
    owner: np.ndarray
    count: np.ndarray
    writer: np.ndarray
    nodes: int
    split_keys: int

    def lookup(self, order_keys: np.ndarray) -> np.ndarray:
        """The node of each order key."""
        return _kernels.range_lookup(order_keys, self.lows, self.owner)

    def with_nodes(self, nodes: int) -> RangePartition:
        """The same ranges after the cluster grows or shrinks to ``nodes`` (whole ranges move).

        Removed nodes are the highest-numbered; their ranges go to the least
        loaded survivors. New nodes take ranges from the most loaded nodes
        while that narrows the gap (a balancer moving regions or tablets).
        """
        nodes = validate.integer("nodes", nodes, 1, NODES_MAX)
        owner = _kernels.range_rebalance(self.owner, self.count, self.nodes, nodes)
        return RangePartition(self.lows, owner, self.count, self.writer, nodes, self.split_keys)


def first_arrivals(x: np.ndarray) -> np.ndarray:
    """Positions of each distinct value's first occurrence, in order (a repeated key is an update)."""
    if not np.any(np.diff(np.sort(x)) == 0):  # the common case, and a sort is cheaper than unique's
        return np.arange(x.size)
    return np.sort(np.unique(x, return_index=True)[1])


def default_split_keys(n_keys: int, nodes: int) -> int:
    """A split size giving about ``config.SHARDING_RANGES_PER_NODE`` ranges per node.

    Random inserts leave split ranges ln 2 = 69% full on average (Yao, "On
    random 2-3 trees", Acta Informatica 9, 1978), so the split size is
    n_keys / (ln 2 * ranges wanted), at least 2.
    """
    wanted = nodes * config.SHARDING_RANGES_PER_NODE
    return max(2, math.ceil(n_keys / (math.log(2) * wanted)))


def _range_partition(x: np.ndarray, nodes: int, split_keys: int | None) -> tuple[RangePartition, np.ndarray]:
    """Partition order keys ``x``; also returns the distinct keys in arrival order."""
    arrivals = x[first_arrivals(x)]
    if split_keys is None:
        split_keys = default_split_keys(arrivals.size, nodes)
    split_keys = validate.integer("split_keys", split_keys, 2)
    if arrivals.size / (split_keys // 2) > RANGES_MAX:
        raise ValueError(
            f"split_keys must be at least {math.ceil(2 * arrivals.size / RANGES_MAX)} for "
            f"{arrivals.size:,} distinct keys: more than {RANGES_MAX:,} ranges would be slow "
            f"(got split_keys={split_keys})"
        )
    effective = min(split_keys, arrivals.size + 1)  # a range that can never fill never splits
    lows, owner, count, writer = _kernels.range_split(arrivals, effective, nodes)
    return RangePartition(lows, owner, count, writer, nodes, split_keys), arrivals


def range_partition(keys, nodes: int, split_keys: int | None = None) -> RangePartition:
    """Insert ``keys`` in their order into a range-partitioned store of ``nodes`` nodes.

    Parameters
    ----------
    keys : sequence of int or str
        In arrival order; a repeated key is an update of its row, not a new row.
    nodes : int
        Cluster size.
    split_keys : int, optional
        A range splits at its median key when it reaches this many keys
        (default :func:`default_split_keys`).

    Notes
    -----
    One range starts on node 0. A full range splits at its median and the
    upper half goes to the node holding the fewest keys, as the Bigtable
    master and HBase's balancer place new tablets and regions (Chang et al.,
    OSDI 2006, section 5). With sequential keys (timestamps, auto-increment
    ids) every insert goes to the last range: one node takes all writes, and
    the hot spot moves on each split (HBase book, "Monotonically increasing
    row keys").

    Example
    -------
    >>> p = range_partition(list(range(1000)), nodes=4, split_keys=100)
    >>> int(p.count.sum()), bool(p.count.max() < 100)
    (1000, True)
    """
    nodes = validate.integer("nodes", nodes, 1, NODES_MAX)
    return _range_partition(hashing.order_keys(keys), nodes, split_keys)[0]


# --- assign and moved_fraction ---------------------------------------------------------------------


def _check_names(strategy: str, params: dict) -> tuple[str, ...]:
    """Refuse parameters ``strategy`` does not take; return those it takes."""
    allowed = STRATEGIES[strategy].params
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        takes = "parameters " + ", ".join(allowed) if allowed else "no parameters"
        raise ValueError(f"strategy {strategy!r} takes {takes} (got {', '.join(unknown)})")
    return allowed


def _check_params(strategy: str, nodes: int, params: dict) -> dict:
    """Validate ``params`` for ``strategy`` and fill in defaults from ``kit.config``."""
    allowed = _check_names(strategy, params)
    p = dict(params)
    if "vnodes" in allowed:
        p["vnodes"] = validate.integer(
            "vnodes", config.SHARDING_VNODES if p.get("vnodes") is None else p["vnodes"], 1
        )
    if "eps" in allowed:
        p["eps"] = validate.number("eps", config.SHARDING_EPS if p.get("eps") is None else p["eps"], 0.0)
        if p["eps"] <= 0:
            raise ValueError(f"eps must be a positive number (got eps={p['eps']:g})")
    if "weights" in allowed and p.get("weights") is not None:
        p["weights"] = _weights(p["weights"], nodes)
    return p


def _keyspace(keys, strategy: str) -> np.ndarray:
    """What a scheme places: key hashes, or for ``range`` order keys."""
    return hashing.order_keys(keys) if strategy == "range" else hashing.hash64(keys)


def bounded_capacity(m: int, nodes: int, eps: float) -> int:
    """Most keys a node may hold under bounded loads: ceil((1 + eps) m / n).

    Example
    -------
    >>> bounded_capacity(1000, 8, 0.25)
    157
    """
    m = validate.integer("m", m, 0)
    nodes = validate.integer("nodes", nodes, 1)
    eps = validate.number("eps", eps, 0.0)
    exact = (1.0 + eps) * m / nodes
    return math.ceil(exact * (1.0 - 1e-12))  # (1 + 0.1) * 1000 / 10 is 110.00000000000001 in floats


def _place(x: np.ndarray, strategy: str, nodes: int, p: dict) -> np.ndarray:
    """Node of each element of ``x`` (hashes, or order keys for ``range``); ``p`` checked."""
    with np.errstate(over="ignore"):
        if strategy == "mod":  # numpy's vectorised remainder is as fast as a compiled loop
            return (x % np.uint64(nodes)).astype(np.int64)
        if strategy == "jump":
            return _kernels.jump_assign(x, nodes)
        if strategy == "ring":
            return ring(nodes, p["vnodes"], p.get("weights")).lookup(x)
        if strategy == "rendezvous":
            if x.size * nodes > RENDEZVOUS_SCORES_MAX:
                raise ValueError(
                    f"rendezvous hashing scores every key on every node: keys x nodes must be at most "
                    f"{RENDEZVOUS_SCORES_MAX:,} (got {x.size:,} x {nodes:,})"
                )
            if p.get("weights") is None:
                return _kernels.rendezvous_assign(x, nodes)
            return _kernels.rendezvous_weighted(x, p["weights"])
        if strategy == "bounded":
            return ring(nodes, p["vnodes"]).bounded(x, bounded_capacity(x.size, nodes, p["eps"]))
        partition, _ = _range_partition(x, nodes, p.get("split_keys"))
        return partition.lookup(x)


def assign(keys, strategy: str, nodes: int, **params) -> np.ndarray:
    """The node (0 .. nodes - 1) that holds each key under ``strategy``.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys, in arrival order (which matters for ``range`` and ``bounded``).
    strategy : str
        One of :data:`STRATEGIES`: "mod", "ring", "jump", "rendezvous", "range", "bounded".
    nodes : int
        Cluster size n.
    **params
        ``vnodes`` (ring, bounded; default ``config.SHARDING_VNODES``),
        ``weights`` (ring, rendezvous: one positive number per node),
        ``eps`` (bounded; default ``config.SHARDING_EPS``),
        ``split_keys`` (range; default :func:`default_split_keys`).

    Returns
    -------
    numpy.ndarray of int64, one node per key

    Notes
    -----
    Each scheme is described in the module docstring with its paper.

    Example
    -------
    >>> owner = assign(range(100_000), "jump", 10)
    >>> bool(np.bincount(owner).min() > 9_500)
    True
    """
    strategy = validate.choice("strategy", strategy, STRATEGIES)
    nodes = validate.integer("nodes", nodes, 1, NODES_MAX)
    p = _check_params(strategy, nodes, params)
    return _place(_keyspace(keys, strategy), strategy, nodes, p)


def _moved(x: np.ndarray, strategy: str, n_before: int, n_after: int, params: dict) -> float:
    """Fraction of ``x`` whose node differs between the two cluster sizes."""
    _check_names(strategy, params)
    p = dict(params)
    weights = p.pop("weights", None)
    if weights is not None:
        weights = _weights(weights, max(n_before, n_after))

    def checked(n: int) -> dict:
        return _check_params(strategy, n, p if weights is None else {**p, "weights": weights[:n]})

    if strategy == "range":
        partition, _ = _range_partition(x, n_before, p.get("split_keys"))
        return float(np.mean(partition.lookup(x) != partition.with_nodes(n_after).lookup(x)))
    before = _place(x, strategy, n_before, checked(n_before))
    return float(np.mean(before != _place(x, strategy, n_after, checked(n_after))))


def moved_fraction(keys, strategy: str, n_before: int, n_after: int, **params) -> float:
    """Fraction of keys that change node when the cluster goes from ``n_before`` to ``n_after`` nodes.

    Nodes are added or removed at the end of the numbering (the only change
    jump hash supports). ``weights``, if given, has one entry per node of the
    larger cluster. For ``range`` the ranges built with ``n_before`` nodes are
    rebalanced (:meth:`RangePartition.with_nodes`), moving whole ranges.

    Notes
    -----
    Theory (:func:`moved_theory`): a consistent scheme moves
    |n_after - n_before| / max(n_before, n_after) of the keys, 1/(n+1) when one
    node joins n (Karger et al. 1997); mod-N keeps a key only if
    h mod a = h mod b, which moves 1 - gcd(a, b) / max(a, b), n/(n+1) for n -> n+1.

    Example
    -------
    >>> round(moved_fraction(range(100_000), "mod", 10, 11), 2)
    0.91
    >>> round(moved_fraction(range(100_000), "jump", 10, 11), 2)
    0.09
    """
    strategy = validate.choice("strategy", strategy, STRATEGIES)
    n_before = validate.integer("n_before", n_before, 1, NODES_MAX)
    n_after = validate.integer("n_after", n_after, 1, NODES_MAX)
    return _moved(_keyspace(keys, strategy), strategy, n_before, n_after, params)


def moved_theory(strategy: str, n_before: int, n_after: int) -> float:
    """Expected fraction of keys moved: 1 - gcd/max for mod-N, |change|/max for consistent schemes.

    Example
    -------
    >>> moved_theory("mod", 4, 5), moved_theory("ring", 4, 5)
    (0.8, 0.2)
    """
    strategy = validate.choice("strategy", strategy, STRATEGIES)
    n_before = validate.integer("n_before", n_before, 1)
    n_after = validate.integer("n_after", n_after, 1)
    big = max(n_before, n_after)
    if STRATEGIES[strategy].consistent:
        return abs(n_after - n_before) / big
    return 1.0 - math.gcd(n_before, n_after) / big


def theory_cv(strategy: str, nodes: int, n_keys: int, vnodes: int | None = None) -> float:
    """Expected coefficient of variation (std / mean) of keys per node.

    Uniform schemes (mod, jump, rendezvous): counts are multinomial,
    CV = sqrt((n - 1) / K). The ring adds its uneven arcs: each node's share
    is Beta(V, (n - 1) V), so CV^2 = (n - 1) / (n V + 1) + (n - 1) / K.
    Range and bounded schemes have no such closed form: NaN.

    Example
    -------
    >>> round(theory_cv("ring", 1000, 10**12, vnodes=100), 3)
    0.1
    """
    strategy = validate.choice("strategy", strategy, STRATEGIES)
    nodes = validate.integer("nodes", nodes, 1)
    n_keys = validate.integer("n_keys", n_keys, 1)
    sampling = (nodes - 1) / n_keys
    if strategy in ("mod", "jump", "rendezvous"):
        return math.sqrt(sampling)
    if strategy == "ring":
        v = validate.integer("vnodes", config.SHARDING_VNODES if vnodes is None else vnodes, 1)
        return math.sqrt((nodes - 1) / (nodes * v + 1) + sampling)
    return math.nan


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types."""
    from . import measure

    ints, strings = np.arange(64), [f"k{i}" for i in range(64)]
    hashing.hash64(strings)
    hashing.xxh64("warm")
    jump_hash(1, 3)
    jump_hash(ints, 3)
    for strategy in STRATEGIES:
        assign(ints, strategy, 3)
    assign(ints, "rendezvous", 3, weights=[1.0, 2.0, 1.0])
    moved_fraction(ints, "range", 3, 4, split_keys=8)
    moved_fraction(ints, "range", 4, 3, split_keys=8)
    measure.hot_key_cure(ints, "ring", 3, method="salt", copies=2)
