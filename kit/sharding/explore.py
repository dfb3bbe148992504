"""What the lab's figures show: the ring's picture, and everything the app draws for one setting."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from . import moves, schemes, skew, theory


@dataclass(frozen=True)
class RingView:
    """What the ring figure draws, as fractions of the circle (0 .. 1).

    Attributes
    ----------
    strategy : str
        The scheme.
    nodes : int
        Cluster size.
    arc_start, arc_end : numpy.ndarray of float64
        Contiguous stretches of the circle owned by one node (ring and
        bounded: token arcs, the first one wrapping with start > end; range:
        key ranges laid out in key order; none for mod, jump and rendezvous,
        whose owners are scattered).
    arc_owner : numpy.ndarray of int64
        The node of each stretch.
    token_at, token_owner : numpy.ndarray
        Virtual nodes: position and node.
    key_at, key_owner : numpy.ndarray
        A sample of keys at their hash (range: their rank in key order) and
        the node that holds them.
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
    """The data of the ring figure for one placement.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        The keys, in arrival order.
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    nodes : int
        Cluster size.
    sample : int, optional
        Keys drawn as dots (default ``config.SHARDING_RING_PLOT_KEYS``).
    **params
        As for :func:`kit.sharding.assign`.

    Returns
    -------
    RingView
        Arcs, tokens and sampled keys, as fractions of the circle.

    References
    ----------
    D. Karger et al., "Consistent hashing and random trees", STOC 1997, section 4.
    """
    strategy = schemes.strategy_name(strategy)
    nodes = schemes.node_count(nodes)
    sample = validate.integer("sample", config.SHARDING_RING_PLOT_KEYS if sample is None else sample, 1)
    p = schemes.check_params(strategy, nodes, params)
    x = schemes.keyspace(keys, strategy)
    owner = schemes.place(x, strategy, nodes, p)
    pick = np.linspace(0, x.size - 1, min(sample, x.size)).astype(np.int64)
    empty_f, empty_i = np.zeros(0), np.zeros(0, np.int64)
    arcs = (empty_f, empty_f, empty_i)
    tokens = (empty_f, empty_i)
    if strategy in ("ring", "bounded"):
        r = schemes.ring(nodes, p["vnodes"], p.get("weights"))
        at = r.tokens.astype(np.float64) / 2.0**64
        arcs = (np.roll(at, 1), at, r.owner)  # the first arc wraps: start > end
        tokens = (at, r.owner)
        key_at = x[pick].astype(np.float64) / 2.0**64
    elif strategy == "range":
        ranges = schemes.partition(x, nodes, p.get("split_keys"))
        ordered = np.sort(x)
        rank = np.searchsorted(ordered, x[pick]) / x.size
        bounds = np.searchsorted(ordered, ranges.lows) / x.size
        arcs = (bounds, np.append(bounds[1:], 1.0), ranges.owner)
        key_at = rank
    else:
        key_at = x[pick].astype(np.float64) / 2.0**64
    return RingView(strategy, nodes, *arcs, *tokens, key_at, owner[pick])


@dataclass(frozen=True)
class Change:
    """One change of cluster size, measured and in theory.

    Attributes
    ----------
    n_before, n_after : int
        Cluster sizes.
    moved : float
        Fraction of the keys that changed node.
    theory : float
        What :func:`kit.sharding.moved_theory` expects.
    arrived : numpy.ndarray of float64
        Per node of the new cluster: keys that moved onto it, as a fraction of all keys.
    """

    n_before: int
    n_after: int
    moved: float
    theory: float
    arrived: np.ndarray


@dataclass(frozen=True)
class Exploration:
    """Everything the sharding app shows for one setting of its controls.

    Attributes
    ----------
    strategy : str
        The scheme.
    view : RingView
        The ring figure's data.
    loads : Loads
        Keys and requests per node.
    change : Change or None
        What the last change of cluster size moved (None if there was none).
    traffic : Traffic
        Sampled reads per window and node.
    curve : pandas.DataFrame
        :func:`kit.sharding.reshard_timeline` of every scheme over
        ``config.SHARDING_CURVE_NODES`` on ``config.SHARDING_CURVE_KEYS`` keys.
    timeline : pandas.DataFrame
        :func:`kit.sharding.reshard_timeline` of this scheme over
        ``config.SHARDING_TIMELINE``, on the first ``timeline_keys`` keys.
    timeline_keys : int
        Keys behind ``timeline``: all of them up to ``config.SHARDING_TIMELINE_KEYS``
        (fractions moved need no more; a larger data set would only slow the app).
    """

    strategy: str
    view: RingView
    loads: skew.Loads
    change: Change | None
    traffic: skew.Traffic
    curve: pd.DataFrame
    timeline: pd.DataFrame
    timeline_keys: int


@lru_cache(maxsize=32)
def _curve(vnodes: int, eps: float, lo: int, hi: int, n_keys: int) -> pd.DataFrame:
    return moves.reshard_timeline(np.arange(n_keys), list(schemes.STRATEGIES), lo, hi, vnodes=vnodes, eps=eps)


@lru_cache(maxsize=32)
def _timeline(strategy: str, n_keys: int, lo: int, hi: int, params: tuple) -> pd.DataFrame:
    return moves.reshard_timeline(np.arange(n_keys), strategy, lo, hi, **dict(params))


def explore(
    strategy: str,
    nodes: int,
    vnodes: int,
    n_keys: int,
    alpha: float,
    eps: float,
    from_nodes: int | None = None,
) -> Exploration:
    """Everything the sharding app draws, for keys 0 .. n_keys - 1 (auto-increment ids).

    Parameters
    ----------
    strategy : str
        A scheme of :data:`kit.sharding.STRATEGIES`.
    nodes : int
        Cluster size.
    vnodes : int
        Tokens per node (ring and bounded).
    n_keys : int
        Keys in the data set, inserted in order.
    alpha : float
        Zipf skew of the requests.
    eps : float
        Bounded-load slack.
    from_nodes : int, optional
        The cluster size before the last change, to measure what it moved.

    Returns
    -------
    Exploration
        The figures' data. The two resharding tables are cached, keyed by
        their inputs (and the settings of ``kit.config`` they read), so moving
        a control that does not change them does not redo them.

    References
    ----------
    See :func:`kit.sharding.assign` and :func:`kit.sharding.reshard_timeline`.
    """
    strategy = schemes.strategy_name(strategy)
    nodes = schemes.node_count(nodes)
    n_keys = validate.integer("n_keys", n_keys, 1, config.SHARDING_MAX_KEYS)
    p = {k: v for k, v in {"vnodes": vnodes, "eps": eps}.items() if k in schemes.STRATEGIES[strategy].params}
    p = schemes.check_params(strategy, nodes, p)
    ids = np.arange(n_keys)
    change = None
    if from_nodes is not None:
        from_nodes = schemes.node_count(from_nodes, "from_nodes")
    if from_nodes is not None and from_nodes != nodes:
        move = moves.reshuffle(ids, strategy, from_nodes, nodes, **p)
        expected = theory.moved_theory(strategy, from_nodes, nodes, **p)
        change = Change(move.n_before, nodes, move.fraction, expected, move.arrived)
    both = schemes.check_params("bounded", nodes, {"vnodes": vnodes, "eps": eps})
    curve = _curve(both["vnodes"], both["eps"], *config.SHARDING_CURVE_NODES, config.SHARDING_CURVE_KEYS)
    timeline_keys = min(n_keys, config.SHARDING_TIMELINE_KEYS)
    timeline = _timeline(strategy, timeline_keys, *config.SHARDING_TIMELINE, tuple(sorted(p.items())))
    return Exploration(
        strategy,
        ring_view(ids, strategy, nodes, **p),
        skew.loads(ids, strategy, nodes, alpha=alpha, **p),
        change,
        skew.read_traffic(ids, strategy, nodes, alpha=alpha, seed=config.SEED, **p),
        curve.copy(),
        timeline.copy(),
        timeline_keys,
    )
