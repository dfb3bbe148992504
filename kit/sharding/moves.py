"""What a cluster change moves: one change (:func:`reshuffle`), and a resharding played step by step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from . import hashing, schemes, theory


@dataclass(frozen=True)
class Move:
    """The nodes of the same keys before and after one cluster change.

    Attributes
    ----------
    strategy : str
        The scheme.
    n_before, n_after : int
        Cluster sizes.
    before, after : numpy.ndarray of int64
        The node of each key before and after.
    """

    strategy: str
    n_before: int
    n_after: int
    before: np.ndarray
    after: np.ndarray

    @property
    def moved(self) -> np.ndarray:
        """Per key: did its node change?"""
        return self.before != self.after

    @property
    def fraction(self) -> float:
        """Fraction of the keys that changed node, 0 .. 1."""
        return float(np.mean(self.moved))

    @property
    def arrived(self) -> np.ndarray:
        """Per node of the new cluster: keys that moved onto it, as a fraction of all keys."""
        return np.bincount(self.after[self.moved], minlength=self.n_after) / self.after.size

    @property
    def left(self) -> np.ndarray:
        """Per node of the old cluster: keys that moved off it, as a fraction of all keys."""
        return np.bincount(self.before[self.moved], minlength=self.n_before) / self.before.size


def _owners(x: np.ndarray, strategy: str, sizes, params: dict) -> list[np.ndarray]:
    """The node of every element of ``x`` at each cluster size in ``sizes`` (nodes change at the end).

    ``weights`` has one entry per node of the largest size; ``range`` builds
    its ranges once, for the first size, then each size rebalances the
    previous one, moving whole ranges (:meth:`RangePartition.with_nodes`).
    """
    p = dict(params)
    weights = p.pop("weights", None)
    if weights is not None:
        weights = schemes.node_weights(weights, max(sizes))

    def checked(n: int) -> dict:
        return schemes.check_params(strategy, n, p if weights is None else {**p, "weights": weights[:n]})

    if strategy != "range":
        return [schemes.place(x, strategy, n, checked(n)) for n in sizes]
    checked(sizes[0])  # names and values, before the work
    ranges = schemes.partition(x, sizes[0], p.get("split_keys"))
    owners = [ranges.lookup(x)]
    for n in sizes[1:]:
        ranges = ranges.with_nodes(n)
        owners.append(ranges.lookup(x))
    return owners


def reshuffle(keys, strategy: str, n_before: int, n_after: int, **params) -> Move:
    """Place ``keys`` on ``n_before`` nodes, then on ``n_after``: which keys move, and where.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys, in arrival order.
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    n_before, n_after : int
        Cluster sizes; nodes join or leave at the end of the numbering (the
        only change jump hash supports).
    **params
        As for :func:`kit.sharding.assign`; ``weights`` has one entry per node
        of the larger cluster.

    Returns
    -------
    Move
        Both placements of every key.

    Notes
    -----
    For ``range`` the ranges built on ``n_before`` nodes are rebalanced
    (:meth:`RangePartition.with_nodes`), moving whole ranges. For ``bounded``
    both placements insert the keys in the same order, so a key moves when a
    node ahead of it on its walk changes or fills differently.

    References
    ----------
    D. Karger et al., "Consistent hashing and random trees", STOC 1997.

    Examples
    --------
    >>> m = reshuffle(range(10_000), "jump", 4, 5)
    >>> bool(np.all(m.after[m.moved] == 4))  # every moved key went to the new node
    True
    """
    strategy = schemes.strategy_name(strategy)
    n_before = schemes.node_count(n_before, "n_before")
    n_after = schemes.node_count(n_after, "n_after")
    x = schemes.keyspace(keys, strategy)
    schemes.check_work("keys, n_before and n_after", x.size, [n_before, n_after], [strategy])
    before, after = _owners(x, strategy, [n_before, n_after], params)
    return Move(strategy, n_before, n_after, before, after)


def moved_fraction(keys, strategy: str, n_before: int, n_after: int, **params) -> float:
    """Fraction of keys that change node when the cluster goes from ``n_before`` to ``n_after`` nodes.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys, in arrival order.
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    n_before, n_after : int
        Cluster sizes (nodes join or leave at the end of the numbering).
    **params
        As for :func:`reshuffle`.

    Returns
    -------
    float
        A fraction of the keys, 0 .. 1.

    Notes
    -----
    Theory: :func:`kit.sharding.moved_theory`.

    References
    ----------
    D. Karger et al., "Consistent hashing and random trees", STOC 1997.

    Examples
    --------
    >>> round(moved_fraction(range(100_000), "mod", 10, 11), 2)
    0.91
    >>> round(moved_fraction(range(100_000), "jump", 10, 11), 2)
    0.09
    """
    return reshuffle(keys, strategy, n_before, n_after, **params).fraction


def _timeline_params(strategies: list[str], params: dict) -> None:
    known = {name for s in strategies for name in schemes.STRATEGIES[s].params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(f"no scheme among {', '.join(strategies)} takes {', '.join(unknown)}")
    if params.get("weights") is not None:
        raise ValueError("weights are per node and the timeline changes the nodes: leave weights out")


def reshard_timeline(keys, strategies, n_from: int | None = None, n_to: int | None = None, **params):
    """Grow (or shrink) the cluster one node at a time; per step, data moved and imbalance.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys, in arrival order.
    strategies : str or sequence of str
        Schemes to compare; each takes only the ``params`` it accepts.
    n_from, n_to : int, optional
        Cluster sizes (default ``config.SHARDING_TIMELINE``, 4 -> 16).
    **params
        Scheme parameters (``vnodes``, ``eps``, ``split_keys``; not ``weights``,
        which are per node).

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

    References
    ----------
    D. Karger et al., STOC 1997; F. Chang et al., "Bigtable", OSDI 2006.

    Examples
    --------
    >>> df = reshard_timeline(range(10_000), "jump", 4, 6)
    >>> df.nodes_after.tolist()
    [5, 6]
    """
    if not isinstance(strategies, str) and not hasattr(strategies, "__iter__"):
        raise TypeError(
            f"strategies must be a scheme's name or a list of them (got strategies={strategies!r})"
        )
    strategies = [strategies] if isinstance(strategies, str) else list(strategies)
    if not strategies:
        raise ValueError("strategies must name at least one scheme (got none)")
    strategies = [schemes.strategy_name(s, name="strategies") for s in strategies]
    _timeline_params(strategies, params)
    lo, hi = config.SHARDING_TIMELINE
    n_from = schemes.node_count(lo if n_from is None else n_from, "n_from")
    n_to = schemes.node_count(hi if n_to is None else n_to, "n_to")
    if n_from == n_to:
        raise ValueError(f"n_to must differ from n_from (got both {n_from})")
    sizes = list(range(n_from, n_to + 1) if n_to > n_from else range(n_from, n_to - 1, -1))
    encoded = hashing.encode(keys)
    schemes.check_work("keys, n_from and n_to", encoded.size, sizes, strategies)
    return pd.DataFrame([row for s in strategies for row in _timeline_rows(encoded, s, sizes, params)])


def _timeline_rows(encoded: hashing.EncodedKeys, s: str, sizes: list[int], params: dict) -> list[dict]:
    own = {k: v for k, v in params.items() if k in schemes.STRATEGIES[s].params}
    x = schemes.keyspace(encoded, s)
    if s == "range":
        # pre-split for the largest cluster of the timeline, or the new nodes would find no range to take
        own["split_keys"] = own.get("split_keys") or schemes.default_split_keys(x.size, max(sizes))
    owners = _owners(x, s, sizes, own)
    rows, cumulative = [], 0.0
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
                "theory": theory.moved_theory(s, n_b, n_a, **own),
                "cumulative_moved": cumulative,
                "max_over_mean": float(counts.max() / counts.mean()),
                "cv": float(counts.std() / counts.mean()),
            }
        )
    return rows
