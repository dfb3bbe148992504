"""Choosing a shard key from the queries: how many shards a query visits (scatter-gather)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import resolve_seed
from . import schemes, theory

QUERIES = 2000  # queries sampled per point of a curve


@dataclass(frozen=True)
class ScatterGather:
    """Shards a query touches when its ``items`` rows are not placed by the query's key.

    Attributes
    ----------
    strategy : str
        The scheme placing the rows by their own ids.
    nodes : int
        Shards.
    items : int
        Rows per query.
    touched : numpy.ndarray of int64
        Distinct shards of each sampled query.
    """

    strategy: str
    nodes: int
    items: int
    touched: np.ndarray

    @property
    def mean(self) -> float:
        """Measured shards per query."""
        return float(self.touched.mean())

    @property
    def theory(self) -> float:
        """Expected shards per query, n (1 - (1 - 1/n)^c)."""
        return theory.shards_touched_theory(self.nodes, self.items)

    def p_slow(self, p: float) -> float:
        """P(query slow) if each shard is slow with probability ``p``, independently.

        Parameters
        ----------
        p : float
            Probability that one shard answers slowly, 0 .. 1.

        Returns
        -------
        float
            E[1 - (1 - p)^touched] over the sampled queries.

        References
        ----------
        J. Dean, L. A. Barroso, "The Tail at Scale", CACM 56(2), 2013.
        """
        p = validate.probability("p", p)
        return float(np.mean(1.0 - (1.0 - p) ** self.touched))


def scatter_gather(
    nodes: int, items: int, strategy: str = "jump", queries: int = QUERIES, seed: int | None = None, **params
) -> ScatterGather:
    """How many shards a query for ``items`` rows must visit when rows are sharded by their own id.

    Parameters
    ----------
    nodes : int
        Shards.
    items : int
        Rows the query needs, 1 .. 100,000.
    strategy : str
        The scheme placing rows by their ids (default jump hash).
    queries : int
        Queries sampled; queries x items at most ``config.SHARDING_MAX_KEYS``.
    seed : int, optional
        Random seed of the row ids (default ``config.SEED``).
    **params
        As for :func:`kit.sharding.assign`.

    Returns
    -------
    ScatterGather
        Shards visited by each sampled query.

    Notes
    -----
    Example: orders sharded by ``order_id``; "orders of customer c" fetches
    the customer's ``items`` orders from wherever they landed. Sharded by
    ``customer_id`` instead, the same query visits 1 shard; a query with no
    shard key at all visits all ``nodes``.

    References
    ----------
    W. Feller, *An Introduction to Probability Theory and Its Applications*,
    vol. 1, chapter II (occupancy).

    Examples
    --------
    >>> sg = scatter_gather(16, 10, seed=1)
    >>> round(sg.theory, 2), bool(abs(sg.mean - sg.theory) < 0.2)
    (7.61, True)
    """
    nodes = schemes.node_count(nodes)
    items = validate.integer("items", items, 1, 100_000)
    queries = validate.integer("queries", queries, 1, max(1, config.SHARDING_MAX_KEYS // items))
    rng = np.random.default_rng(resolve_seed(seed))
    ids = rng.integers(0, 2**63 - 1, size=queries * items, dtype=np.int64)
    owner = np.sort(schemes.assign(ids, strategy, nodes, **params).reshape(queries, items), axis=1)
    touched = 1 + np.count_nonzero(np.diff(owner, axis=1), axis=1)
    return ScatterGather(strategy, nodes, items, touched)


def scatter_gather_curve(
    nodes: int, items=None, strategy: str = "jump", seed: int | None = None
) -> pd.DataFrame:
    """Mean shards touched against rows per query, measured and in theory.

    Parameters
    ----------
    nodes : int
        Shards.
    items : sequence of int, optional
        Rows per query to try, at most 100 values, each sampled with 2000
        queries (default: 25 values from 1 to 4 nodes, log-spaced).
    strategy : str
        The scheme placing rows by their ids.
    seed : int, optional
        Random seed (default ``config.SEED``).

    Returns
    -------
    pandas.DataFrame
        One row per number of rows: ``items``, ``measured`` and ``theory``
        (shards per query), ``nodes``.

    References
    ----------
    W. Feller, *An Introduction to Probability Theory and Its Applications*,
    vol. 1, chapter II (occupancy).
    """
    nodes = schemes.node_count(nodes)
    most = config.SHARDING_MAX_KEYS // QUERIES
    if items is None:
        items = np.unique(np.geomspace(1, min(4 * nodes, most), 25).astype(int))
    elif isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"items must be a sequence of integers (got items={items!r})")
    items = [validate.integer("items", c, 1, most) for c in items]
    if not 1 <= len(items) <= 100:
        raise ValueError(f"items must list 1 to 100 query sizes (got {len(items)})")
    schemes.check_work("items", QUERIES * sum(items), [nodes], [schemes.strategy_name(strategy)])
    rows = []
    for c in items:
        sg = scatter_gather(nodes, c, strategy, seed=seed)
        rows.append({"items": c, "measured": sg.mean, "theory": sg.theory, "nodes": nodes})
    return pd.DataFrame(rows)
