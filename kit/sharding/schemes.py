"""Where each key lives: six partitioning schemes, one registry, one entry point.

The schemes share :func:`assign` and the registry :data:`STRATEGIES`:

``mod``
    node = hash mod N. Perfectly even, but changing N moves almost every key.
``ring``
    consistent hashing (Karger et al., STOC 1997, section 4): every node owns
    ``vnodes`` tokens on a circle of 2^64 positions; a key belongs to the first
    token clockwise after its hash. Optional ``weights`` scale a node's tokens.
``jump``
    jump consistent hash (Lamping & Veach 2014, arXiv:1406.2294, Figure 1):
    no state but the node count, perfectly even, but nodes can only be added
    or removed at the end of the numbering.
``rendezvous``
    highest random weight (Thaler & Ravishankar, IEEE/ACM ToN 6(1), 1998):
    every node scores the key, the highest score wins, so a lookup needs the
    list of nodes (O(n) memory) and n hashes (O(n) time); ``weights`` use the
    logarithmic method (-w / ln u, Schindelhauer & Schomaker, SPAA 2005).
``range``
    key ranges in key order, split in two at the median when a range reaches
    ``split_keys`` keys (Bigtable tablets, HBase regions).
    Keys are not hashed, so range scans stay on few nodes, and sequential keys
    all land on the last range.
``bounded``
    consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam,
    SODA 2018, arXiv:1608.01350): a node holds at most
    ``ceil((1 + eps) m / n)`` of the m keys; keys are placed in their order
    (the paper's fixed insertion order) and a key whose node is full walks
    clockwise to the next token whose node has room.

Keys are hashed with XXH64 (see :mod:`kit.sharding.hashing`). The helpers
:func:`check_params`, :func:`keyspace`, :func:`place` and :func:`partition`
are the building blocks the measurements in :mod:`kit.sharding.measure`
share with :func:`assign`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import config
from ..core import validate
from . import _kernels as kk
from . import hashing


@dataclass(frozen=True)
class Strategy:
    """A partitioning scheme of the registry :data:`STRATEGIES`.

    Attributes
    ----------
    name : str
        Its key in the registry.
    label : str
        What figures and dropdowns call it.
    params : tuple of str
        The keyword parameters :func:`assign` accepts for it.
    consistent : bool
        Adding one node to n moves about 1/(n+1) of the keys.
    reference : str
        Where it comes from.
    """

    name: str
    label: str
    params: tuple[str, ...]
    consistent: bool
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


# --- checks shared by every public function ----------------------------------------------------


def strategy_name(strategy, options=STRATEGIES, name: str = "strategy") -> str:
    """``strategy`` checked against ``options``.

    Parameters
    ----------
    strategy : str
        A scheme's name.
    options : iterable of str
        The names allowed (default: every scheme of :data:`STRATEGIES`).
    name : str
        The parameter name used in error messages.

    Returns
    -------
    str
        ``strategy`` itself.

    Raises
    ------
    TypeError
        If ``strategy`` is not a string.
    ValueError
        If it is not one of ``options``.
    """
    if not isinstance(strategy, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(map(repr, options))} (got {strategy!r})")
    return validate.choice(name, strategy, options)


def node_count(value, name: str = "nodes") -> int:
    """A cluster size: an integer from 1 to ``config.SHARDING_MAX_NODES``.

    Parameters
    ----------
    value : int
        The cluster size to check.
    name : str
        The parameter name used in error messages.

    Returns
    -------
    int
        ``value`` as an int.
    """
    return validate.integer(name, value, 1, config.SHARDING_MAX_NODES)


def hash_array(values, name: str = "hashes") -> np.ndarray:
    """A one-dimensional array of 64-bit positions (integers; signed ones as their bits).

    Parameters
    ----------
    values : array of int
        Positions on the hash space, e.g. from :func:`kit.sharding.hash64`.
    name : str
        The parameter name used in error messages.

    Returns
    -------
    numpy.ndarray of uint64
    """
    a = np.asarray(values)
    if a.ndim != 1 or a.dtype.kind not in "iu":
        raise ValueError(
            f"{name} must be a one-dimensional array of integers (got {a.dtype}, shape {a.shape})"
        )
    if a.size > config.SHARDING_MAX_KEYS:
        raise ValueError(f"{name} must hold at most config.SHARDING_MAX_KEYS = {config.SHARDING_MAX_KEYS:,}")
    return a.astype(np.int64).view(np.uint64) if a.dtype.kind == "i" else a.astype(np.uint64)


def check_work(name: str, keys: int, clusters, strategies) -> None:
    """Refuse work beyond ``config.SHARDING_MAX_PLACEMENTS`` before starting it.

    Parameters
    ----------
    name : str
        The parameter(s) to name in the message.
    keys : int
        Keys placed per cluster size.
    clusters : sequence of int
        The cluster sizes each key is placed on.
    strategies : sequence of str
        The schemes, each placing every key on every size (rendezvous costs
        one hash per node per key).

    Returns
    -------
    None
    """
    per_key = sum(sum(clusters) if s == "rendezvous" else len(clusters) for s in strategies)
    if keys * per_key > config.SHARDING_MAX_PLACEMENTS:
        raise ValueError(
            f"{name} ask for {keys:,} keys x {per_key:,} placements, more than "
            f"config.SHARDING_MAX_PLACEMENTS = {config.SHARDING_MAX_PLACEMENTS:,}: use fewer keys or sizes"
        )


# --- jump hash ------------------------------------------------------------------------------


def jump_hash(key, n: int):
    """Jump consistent hash of ``key`` into ``n`` buckets.

    Parameters
    ----------
    key : int or array of int
        A 64-bit key, or a numpy array of them (signed keys are taken as
        their two's-complement bits, as Guava does with a Java ``long``).
    n : int
        Number of buckets, 1 .. 2^31 - 1.

    Returns
    -------
    int, or numpy.ndarray of int64 the shape of ``key``
        The bucket, 0 .. n - 1.

    Notes
    -----
    ``b = -1; j = 0; while j < n: b = j; key = key * 2862933555777941757 + 1
    (mod 2^64); j = floor((b + 1) * 2^31 / ((key >> 33) + 1))``, the division in
    double precision. Growing from n - 1 to n buckets moves exactly the keys
    that land in the new bucket, 1/n of them on average (paper, section 2).
    A lookup takes O(ln n) steps and no memory but the number n.

    References
    ----------
    J. Lamping, E. Veach, "A Fast, Minimal Memory, Consistent Hash
    Algorithm", arXiv:1406.2294, 2014, Figure 1.

    Examples
    --------
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
            return int(kk.jump_one(np.uint64(k % 2**64), n))
        a = np.asarray(key)
        if a.dtype.kind not in "iu":
            raise ValueError(f"key must be integers (got dtype {a.dtype})")
        bits = hash_array(a.ravel(), "key")
        return kk.jump_assign(bits, n).reshape(a.shape)


# --- the ring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ring:
    """A consistent-hashing ring, built by :func:`ring`.

    Attributes
    ----------
    tokens : numpy.ndarray of uint64
        Token positions, sorted.
    owner : numpy.ndarray of int64
        The node owning each token.
    nodes : int
        Cluster size n.
    vnodes : numpy.ndarray of int64
        Tokens per node.
    index : numpy.ndarray of int64
        Bucket index over the top ``bits`` bits of the hash space.
    bits : int
        Bits of that index.
    """

    tokens: np.ndarray
    owner: np.ndarray
    nodes: int
    vnodes: np.ndarray
    index: np.ndarray
    bits: int

    def lookup(self, hashes) -> np.ndarray:
        """The node of each key hash: the owner of the first token clockwise after it.

        Parameters
        ----------
        hashes : array of uint64
            Key positions, e.g. from :func:`kit.sharding.hash64`.

        Returns
        -------
        numpy.ndarray of int64
            One node per hash.
        """
        return kk.ring_assign(hash_array(hashes), self.tokens, self.owner, self.index, self.bits)

    def bounded(self, hashes, capacity: int) -> np.ndarray:
        """Bounded-load placement: keys in order, at most ``capacity`` keys per node.

        Parameters
        ----------
        hashes : array of uint64
            Key positions in arrival order.
        capacity : int
            Keys a node may hold; at least ceil(len(hashes) / nodes), so that
            every key finds room.

        Returns
        -------
        numpy.ndarray of int64
            One node per hash: the owner of the first token clockwise from the
            key's hash whose node held fewer than ``capacity`` keys when it came.

        References
        ----------
        V. Mirrokni, M. Thorup, M. Zadimoghaddam, "Consistent Hashing with
        Bounded Loads", SODA 2018, arXiv:1608.01350.
        """
        h = hash_array(hashes)
        least = -(-h.size // self.nodes)
        capacity = validate.integer("capacity", capacity, least)  # below it the walk would never end
        capacity = min(capacity, h.size)  # the same placement, and it fits the kernel's integers
        return kk.bounded_assign(h, self.tokens, self.owner, self.index, self.bits, self.nodes, capacity)

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


def node_weights(weights, nodes: int) -> np.ndarray:
    """``weights`` checked: one positive finite number per node.

    Parameters
    ----------
    weights : sequence of float
        Relative capacity of each node.
    nodes : int
        Cluster size.

    Returns
    -------
    numpy.ndarray of float64
    """
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        w = np.zeros(0)
    if w.shape != (nodes,) or not np.all(np.isfinite(w)) or not np.all(w > 0):
        raise ValueError(f"weights must be {nodes} positive numbers, one per node (got weights={weights!r})")
    return w


def ring(nodes: int, vnodes: int | None = None, weights=None) -> Ring:
    """Build the ring: node i places ``round(vnodes * weights[i])`` tokens (at least one).

    Parameters
    ----------
    nodes : int
        Cluster size n, 1 .. ``config.SHARDING_MAX_NODES``.
    vnodes : int, optional
        Tokens per node V (default ``config.SHARDING_VNODES``).
    weights : sequence of float, optional
        Relative capacity of each node (scales its tokens).

    Returns
    -------
    Ring
        At most ``config.SHARDING_MAX_TOKENS`` tokens in all.

    Notes
    -----
    Token v of node i sits at XXH64 of the ASCII string ``"i-v"``, the naming
    ketama and ``uhashring`` use, so the same ring built by ``uhashring`` with
    XXH64 as its hash function assigns every key to the same node.

    With V tokens per node at independent uniform positions, a node's share of
    the circle is a sum of V of the n V spacings, Beta(V, (n - 1) V)
    distributed: its standard deviation is sqrt((n - 1) / (n V + 1)) of the mean,
    about 1/sqrt(V) (10% for V = 100, 3.2% for V = 1000). See
    :func:`kit.sharding.theory_cv`.

    References
    ----------
    D. Karger et al., "Consistent hashing and random trees", STOC 1997,
    section 4; G. DeCandia et al., "Dynamo", SOSP 2007, section 4.2.

    Examples
    --------
    >>> r = ring(4, vnodes=100)
    >>> r.tokens.size, round(float(r.shares.sum()), 6)
    (400, 1.0)
    """
    nodes = node_count(nodes)
    most = config.SHARDING_MAX_TOKENS
    vnodes = validate.integer("vnodes", config.SHARDING_VNODES if vnodes is None else vnodes, 1, most)
    w = np.ones(nodes) if weights is None else node_weights(weights, nodes)
    counts = np.maximum(1.0, np.round(vnodes * w))
    if counts.sum() > most:  # checked in floats, before any allocation
        raise ValueError(
            f"nodes x vnodes must be at most config.SHARDING_MAX_TOKENS = {most:,} tokens "
            f"(got {counts.sum():,.0f})"
        )
    counts = counts.astype(np.int64)
    with np.errstate(over="ignore"):
        tokens, owner = kk.ring_tokens(counts, hashing.SEED)
    order = np.argsort(tokens, kind="stable")
    tokens = tokens[order]
    bits = int(min(max(1, math.ceil(math.log2(tokens.size))), 24))  # ~1 token per bucket
    return Ring(tokens, owner[order], nodes, counts, kk.ring_index(tokens, bits), bits)


# --- range partitioning ------------------------------------------------------------------------


@dataclass(frozen=True)
class RangePartition:
    """Key ranges and their nodes after inserting keys in arrival order.

    Attributes
    ----------
    lows : numpy.ndarray of uint64
        ``lows[r]``: the smallest order key of range r, sorted (see
        :func:`kit.sharding.order_keys`).
    owner : numpy.ndarray of int64
        The node of each range.
    count : numpy.ndarray of int64
        Keys in each range.
    writer : numpy.ndarray of int64
        ``writer[t]``: the node that stored the t-th new key when it arrived
        (the write hot spot of sequential keys).
    nodes : int
        Cluster size.
    split_keys : int
        A range splits when it reaches this many keys.
    """

    lows: np.ndarray
    owner: np.ndarray
    count: np.ndarray
    writer: np.ndarray
    nodes: int
    split_keys: int

    def lookup(self, order_keys) -> np.ndarray:
        """The node of each order key.

        Parameters
        ----------
        order_keys : array of uint64
            Keys as :func:`kit.sharding.order_keys` encodes them.

        Returns
        -------
        numpy.ndarray of int64
            One node per key.
        """
        return kk.range_lookup(hash_array(order_keys, "order_keys"), self.lows, self.owner)

    def with_nodes(self, nodes: int) -> RangePartition:
        """The same ranges after the cluster grows or shrinks to ``nodes`` (whole ranges move).

        Parameters
        ----------
        nodes : int
            The new cluster size.

        Returns
        -------
        RangePartition
            Removed nodes are the highest-numbered; their ranges go to the least
            loaded survivors. New nodes take ranges from the most loaded nodes
            while that narrows the gap (a balancer moving regions or tablets).
        """
        nodes = node_count(nodes)
        owner = kk.range_rebalance(self.owner, self.count, self.nodes, nodes)
        return RangePartition(self.lows, owner, self.count, self.writer, nodes, self.split_keys)


def first_arrivals(x: np.ndarray) -> np.ndarray:
    """Positions of each distinct value's first occurrence, in order (a repeated key is an update).

    Parameters
    ----------
    x : numpy.ndarray
        Keys in arrival order.

    Returns
    -------
    numpy.ndarray of int64
        Increasing positions into ``x``.
    """
    if not np.any(np.diff(np.sort(x)) == 0):  # the common case, and a sort is cheaper than unique's
        return np.arange(x.size)
    return np.sort(np.unique(x, return_index=True)[1])


def default_split_keys(n_keys: int, nodes: int) -> int:
    """A split size giving about ``config.SHARDING_RANGES_PER_NODE`` ranges per node.

    Parameters
    ----------
    n_keys : int
        Distinct keys to be inserted.
    nodes : int
        Cluster size.

    Returns
    -------
    int
        n_keys / (ln 2 * ranges wanted), rounded up, at least 2.

    Notes
    -----
    Random inserts leave split ranges ln 2 = 69% full on average.

    References
    ----------
    A. C. Yao, "On random 2-3 trees", Acta Informatica 9, 1978.

    Examples
    --------
    >>> default_split_keys(100_000, 8)
    2255
    """
    n_keys = validate.integer("n_keys", n_keys, 1)
    nodes = node_count(nodes)
    wanted = nodes * config.SHARDING_RANGES_PER_NODE
    return max(2, math.ceil(n_keys / (math.log(2) * wanted)))


def partition(x: np.ndarray, nodes: int, split_keys: int | None) -> RangePartition:
    """Range-partition order keys ``x`` (checked) on ``nodes`` nodes (checked).

    Parameters
    ----------
    x : numpy.ndarray of uint64
        Order keys in arrival order.
    nodes : int
        Cluster size.
    split_keys : int or None
        Split size (None: :func:`default_split_keys`).

    Returns
    -------
    RangePartition
    """
    arrivals = x[first_arrivals(x)]
    if split_keys is None:
        split_keys = default_split_keys(arrivals.size, nodes)
    split_keys = validate.integer("split_keys", split_keys, 2)
    most = config.SHARDING_MAX_RANGES
    if arrivals.size / (split_keys // 2) > most:
        raise ValueError(
            f"split_keys must be at least {math.ceil(2 * arrivals.size / most)} for "
            f"{arrivals.size:,} distinct keys: more than config.SHARDING_MAX_RANGES = {most:,} ranges "
            f"would be slow (got split_keys={split_keys})"
        )
    effective = min(split_keys, arrivals.size + 1)  # a range that can never fill never splits
    lows, owner, count, writer = kk.range_split(arrivals, effective, nodes)
    return RangePartition(lows, owner, count, writer, nodes, split_keys)


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

    Returns
    -------
    RangePartition
        The ranges, their owners and key counts, and who took each insert.

    Notes
    -----
    One range starts on node 0. A full range splits at its median and the
    upper half goes to the node holding the fewest keys, as the Bigtable
    master and HBase's balancer place new tablets and regions. With
    sequential keys (timestamps, auto-increment ids) every insert goes to the
    last range: one node takes all writes, and the hot spot moves on each
    split (HBase book, "Monotonically increasing row keys").

    References
    ----------
    F. Chang et al., "Bigtable: A Distributed Storage System for Structured
    Data", OSDI 2006, section 5.

    Examples
    --------
    >>> p = range_partition(list(range(1000)), nodes=4, split_keys=100)
    >>> int(p.count.sum()), bool(p.count.max() < 100)
    (1000, True)
    """
    nodes = node_count(nodes)
    return partition(hashing.order_keys(keys), nodes, split_keys)


# --- bounded loads ------------------------------------------------------------------------------


def bounded_capacity(m: int, nodes: int, eps: float) -> int:
    """Most keys a node may hold under bounded loads: ceil((1 + eps) m / n).

    Parameters
    ----------
    m : int
        Keys in the system.
    nodes : int
        Cluster size n.
    eps : float
        The slack, > 0, taken as the decimal it is written as (0.1 is 1/10), so
        that ``(1 + 0.1) * 1000 / 10`` is exactly 110.

    Returns
    -------
    int
        The capacity of every node, in keys.

    References
    ----------
    V. Mirrokni, M. Thorup, M. Zadimoghaddam, "Consistent Hashing with
    Bounded Loads", SODA 2018, arXiv:1608.01350, section 1.

    Examples
    --------
    >>> bounded_capacity(1000, 8, 0.25)
    157
    >>> bounded_capacity(1000, 10, 0.1)
    110
    """
    m = validate.integer("m", m, 0)
    nodes = validate.integer("nodes", nodes, 1)
    eps = slack(eps)
    return math.ceil((1 + Fraction(repr(eps))) * m / nodes)


def slack(eps) -> float:
    """``eps`` checked: a positive finite number (default ``config.SHARDING_EPS``).

    Parameters
    ----------
    eps : float or None
        The bounded-load slack.

    Returns
    -------
    float
    """
    return validate.positive("eps", config.SHARDING_EPS if eps is None else eps)


# --- assign ---------------------------------------------------------------------------------------


def check_params(strategy: str, nodes: int, params: dict) -> dict:
    """Validate ``params`` for ``strategy`` and fill in defaults from ``kit.config``.

    Parameters
    ----------
    strategy : str
        A name of :data:`STRATEGIES` (checked).
    nodes : int
        Cluster size (checked).
    params : dict
        Keyword parameters: only those the scheme takes.

    Returns
    -------
    dict
        The parameters, checked, with defaults filled in.
    """
    allowed = STRATEGIES[strategy].params
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        takes = "parameters " + ", ".join(allowed) if allowed else "no parameters"
        raise ValueError(f"strategy {strategy!r} takes {takes} (got {', '.join(unknown)})")
    p = dict(params)
    if "vnodes" in allowed:
        vnodes = config.SHARDING_VNODES if p.get("vnodes") is None else p["vnodes"]
        p["vnodes"] = validate.integer("vnodes", vnodes, 1, config.SHARDING_MAX_TOKENS)
    if "eps" in allowed:
        p["eps"] = slack(p.get("eps"))
    if "weights" in allowed and p.get("weights") is not None:
        p["weights"] = node_weights(p["weights"], nodes)
    return p


def keyspace(keys, strategy: str) -> np.ndarray:
    """What a scheme places: the keys' hashes, or for ``range`` their order keys.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys (checked).
    strategy : str
        A name of :data:`STRATEGIES`.

    Returns
    -------
    numpy.ndarray of uint64
    """
    return hashing.order_keys(keys) if strategy == "range" else hashing.hash64(keys)


def place(x: np.ndarray, strategy: str, nodes: int, p: dict) -> np.ndarray:
    """Node of each element of ``x`` (hashes, or order keys for ``range``).

    Parameters
    ----------
    x : numpy.ndarray of uint64
        From :func:`keyspace`.
    strategy : str
        A name of :data:`STRATEGIES`.
    nodes : int
        Cluster size (checked).
    p : dict
        Parameters from :func:`check_params`.

    Returns
    -------
    numpy.ndarray of int64
        One node per element.
    """
    with np.errstate(over="ignore"):
        if strategy == "mod":  # numpy's vectorised remainder is as fast as a compiled loop
            return (x % np.uint64(nodes)).astype(np.int64)
        if strategy == "jump":
            return kk.jump_assign(x, nodes)
        if strategy == "ring":
            return ring(nodes, p["vnodes"], p.get("weights")).lookup(x)
        if strategy == "rendezvous":
            if x.size * nodes > config.SHARDING_MAX_SCORES:
                raise ValueError(
                    "rendezvous hashing scores every key on every node: keys x nodes must be at most "
                    f"config.SHARDING_MAX_SCORES = {config.SHARDING_MAX_SCORES:,} "
                    f"(got {x.size:,} x {nodes:,})"
                )
            if p.get("weights") is None:
                return kk.rendezvous_assign(x, nodes)
            return kk.rendezvous_weighted(x, p["weights"])
        if strategy == "bounded":
            return ring(nodes, p["vnodes"]).bounded(x, bounded_capacity(x.size, nodes, p["eps"]))
        return partition(x, nodes, p.get("split_keys")).lookup(x)


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
    numpy.ndarray of int64
        One node per key.

    Notes
    -----
    Each scheme is described in the module docstring with its paper.

    References
    ----------
    See :data:`STRATEGIES` (``reference``) and the module docstring.

    Examples
    --------
    >>> owner = assign(range(100_000), "jump", 10)
    >>> bool(np.bincount(owner).min() > 9_500)
    True
    """
    strategy = strategy_name(strategy)
    nodes = node_count(nodes)
    p = check_params(strategy, nodes, params)
    return place(keyspace(keys, strategy), strategy, nodes, p)
