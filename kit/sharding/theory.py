"""What theory expects: keys moved by a cluster change, load spread, shards a query visits.

Closed forms where they exist (Karger et al. for consistent schemes, gcd
arithmetic for mod-N, the Beta spread of ring shares, balls in bins). For
bounded loads there is no closed form: its theory is the process's limit
with many keys (:func:`bounded_fill_times`, :func:`moved_theory`).
"""

from __future__ import annotations

import math

import numpy as np

from .. import config
from ..core import validate
from . import _kernels as kk
from . import schemes


def _sizes(n_before, n_after) -> tuple[int, int]:
    return schemes.node_count(n_before, "n_before"), schemes.node_count(n_after, "n_after")


def bounded_fill_times(nodes: int, eps: float | None = None, vnodes: int | None = None) -> np.ndarray:
    """When each node of the kit's ring fills up under bounded loads, with many keys.

    Parameters
    ----------
    nodes : int
        Cluster size n.
    eps : float, optional
        Slack: each node holds at most (1 + eps) / n of the keys
        (default ``config.SHARDING_EPS``).
    vnodes : int, optional
        Tokens per node (default ``config.SHARDING_VNODES``).

    Returns
    -------
    numpy.ndarray of float64
        Per node, the fraction of the keys that had arrived when it became
        full (inf: it never does).

    Notes
    -----
    The fluid limit of the process of Mirrokni, Thorup & Zadimoghaddam: keys
    arrive in a random order (their order is independent of their hashes), so
    as their number m grows each arc of the circle receives keys at a constant
    rate and a node fills at a definite time. Until then it takes its own arcs'
    keys and the keys walking past full nodes just before its tokens.

    References
    ----------
    V. Mirrokni, M. Thorup, M. Zadimoghaddam, "Consistent Hashing with
    Bounded Loads", SODA 2018, arXiv:1608.01350.
    """
    nodes = schemes.node_count(nodes)
    eps = schemes.slack(eps)
    r = schemes.ring(nodes, vnodes)
    _fluid_work("nodes and vnodes", r.tokens.size, nodes + 1)
    return _fill_times(r, eps)


def _fluid_work(names: str, tokens: int, passes: int) -> None:
    """Refuse a fluid computation of ``passes`` sweeps over ``tokens`` beyond the placements limit."""
    if tokens * passes > config.SHARDING_MAX_PLACEMENTS:
        raise ValueError(
            f"{names} ask for {tokens:,} tokens x {passes:,} passes, more than "
            f"config.SHARDING_MAX_PLACEMENTS = {config.SHARDING_MAX_PLACEMENTS:,}"
        )


def _fill_times(r: schemes.Ring, eps: float) -> np.ndarray:
    return kk.fluid_fill_times(r.arcs, r.owner, r.nodes, (1.0 + eps) / r.nodes)


def _bounded_moved(n_before: int, n_after: int, eps: float, vnodes: int) -> float:
    small, big = sorted((n_before, n_after))
    r = schemes.ring(big, vnodes)
    _fluid_work("n_before, n_after and vnodes", r.tokens.size, 2 * (small + big) + 3)  # fillings, then spans
    tau_all = _fill_times(r, eps)
    tau_sub = _fill_times(schemes.ring(small, vnodes), eps)  # its tokens are those of nodes < small
    times = np.unique(np.concatenate([[0.0, 1.0], tau_all[tau_all < 1], tau_sub[tau_sub < 1]]))
    return float(kk.fluid_moved(r.arcs, r.owner, r.owner < small, tau_all, tau_sub, times))


def moved_theory(strategy: str, n_before: int, n_after: int, **params) -> float:
    """Expected fraction of keys that change node when the cluster goes from ``n_before`` to ``n_after``.

    Parameters
    ----------
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    n_before, n_after : int
        Cluster sizes; nodes join or leave at the end of the numbering.
    **params
        The scheme's parameters, as :func:`kit.sharding.assign` takes them;
        ``weights`` (one per node of the larger cluster), and for
        ``bounded`` ``eps`` and ``vnodes``, change the answer.

    Returns
    -------
    float
        A fraction of the keys, 0 .. 1.

    Notes
    -----
    - mod-N keeps a key only if h mod a = h mod b: 1 - gcd(a, b) / max(a, b)
      move, n/(n+1) when one node joins n.
    - A consistent scheme moves only the keys of the nodes that join or
      leave: |n_after - n_before| / max(n_before, n_after), 1/(n+1) for one
      join (Karger et al. 1997); with ``weights``, those nodes' share of the
      weight. The ring reaches it on average over rings: one ring's new node
      owns a Beta(V, nV) share (see :func:`theory_cv`).
    - Bounded loads move more, and the more the smaller eps: keys displaced
      by full nodes reshuffle too (Mirrokni et al. bound the extra factor by
      O(1/eps^2) for eps <= 1). No closed form: the value is the many-keys
      limit of the process on the kit's own rings (:func:`bounded_fill_times`),
      the fraction of (hash, arrival time) pairs whose node differs. With a
      large eps no node fills and it is the ring's new arcs' share.

    References
    ----------
    D. Karger et al., "Consistent hashing and random trees", STOC 1997;
    V. Mirrokni, M. Thorup, M. Zadimoghaddam, "Consistent Hashing with
    Bounded Loads", SODA 2018, arXiv:1608.01350.

    Examples
    --------
    >>> moved_theory("mod", 4, 5), moved_theory("ring", 4, 5)
    (0.8, 0.2)
    >>> moved_theory("rendezvous", 3, 4, weights=[1, 1, 1, 3])
    0.5
    """
    strategy = schemes.strategy_name(strategy)
    n_before, n_after = _sizes(n_before, n_after)
    big = max(n_before, n_after)
    p = schemes.check_params(strategy, big, params)
    if not schemes.STRATEGIES[strategy].consistent:
        return 1.0 - math.gcd(n_before, n_after) / big
    if strategy == "bounded":
        return _bounded_moved(n_before, n_after, p["eps"], p["vnodes"])
    w = p.get("weights")
    if w is not None:
        return float(abs(w[:n_after].sum() - w[:n_before].sum()) / w.sum())
    return abs(n_after - n_before) / big


def theory_cv(strategy: str, nodes: int, n_keys: int | None = None, vnodes: int | None = None) -> float:
    """Expected coefficient of variation (std / mean, over nodes) of keys per node.

    Parameters
    ----------
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    nodes : int
        Cluster size n.
    n_keys : int, optional
        Keys K placed; None for the limit of many keys (the spread of the
        nodes' shares of the hash space alone).
    vnodes : int, optional
        Tokens per node V, for the ring (default ``config.SHARDING_VNODES``).

    Returns
    -------
    float
        A fraction of the mean; NaN for range and bounded, which have no
        such closed form.

    Notes
    -----
    Uniform schemes (mod, jump, rendezvous): counts are multinomial,
    CV = sqrt((n - 1) / K). The ring adds its uneven arcs: each node's share
    is Beta(V, (n - 1) V), so CV^2 = (n - 1) / (n V + 1) + (n - 1) / K.

    References
    ----------
    D. Karger et al., STOC 1997; the Beta law of uniform spacings: H. A.
    David, H. N. Nagaraja, *Order Statistics*, 3rd ed., Wiley 2003, section 6.4.

    Examples
    --------
    >>> round(theory_cv("ring", 50, vnodes=100), 4)
    0.099
    >>> round(theory_cv("jump", 10, 1_000_000), 4)
    0.003
    """
    strategy = schemes.strategy_name(strategy)
    nodes = schemes.node_count(nodes)
    sampling = 0.0 if n_keys is None else (nodes - 1) / validate.integer("n_keys", n_keys, 1)
    if strategy in ("mod", "jump", "rendezvous"):
        return math.sqrt(sampling)
    if strategy == "ring":
        v = validate.integer("vnodes", config.SHARDING_VNODES if vnodes is None else vnodes, 1)
        return math.sqrt((nodes - 1) / (nodes * v + 1) + sampling)
    return math.nan


def shards_touched_theory(nodes: int, items: int) -> float:
    """Expected distinct shards among ``items`` uniformly placed items.

    Parameters
    ----------
    nodes : int
        Shards n.
    items : int
        Items c a query needs, each on a uniformly random shard.

    Returns
    -------
    float
        n (1 - (1 - 1/n)^c) shards: a shard holds none of the c items with
        probability (1 - 1/n)^c.

    References
    ----------
    W. Feller, *An Introduction to Probability Theory and Its Applications*,
    vol. 1, 3rd ed., 1968, chapter II (occupancy problems).

    Examples
    --------
    >>> round(shards_touched_theory(16, 10), 2)
    7.61
    """
    nodes = schemes.node_count(nodes)
    items = validate.integer("items", items, 0)
    return nodes * (1.0 - (1.0 - 1.0 / nodes) ** items)
