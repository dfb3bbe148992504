"""03 sharding: the public API in one place.

- keys to positions: :func:`hash64` (XXH64), :func:`xxh64`, :func:`order_keys`;
- placement: :data:`STRATEGIES`, :func:`assign`, :func:`jump_hash`,
  :func:`ring` -> :class:`Ring`, :func:`range_partition` ->
  :class:`RangePartition`, :func:`bounded_capacity`, :func:`default_split_keys`;
- what a change moves: :func:`reshuffle` -> :class:`Move`,
  :func:`moved_fraction`, :func:`reshard_timeline`;
- theory: :func:`moved_theory`, :func:`theory_cv`,
  :func:`shards_touched_theory`, :func:`bounded_fill_times`;
- skew and hot keys: :func:`loads`, :func:`read_traffic`,
  :func:`insert_traffic`, :func:`hot_key_cure`, :func:`compare_cures`;
- shard keys and queries: :func:`scatter_gather`, :func:`scatter_gather_curve`;
- the lab's figures: :func:`ring_view`, :func:`explore`.
"""

from __future__ import annotations

import numpy as np

from .explore import Change, Exploration, RingView, explore, ring_view
from .hashing import hash64, order_keys, xxh64
from .moves import Move, moved_fraction, reshard_timeline, reshuffle
from .queries import ScatterGather, scatter_gather, scatter_gather_curve
from .schemes import (
    STRATEGIES,
    RangePartition,
    Ring,
    Strategy,
    assign,
    bounded_capacity,
    default_split_keys,
    jump_hash,
    range_partition,
    ring,
)
from .skew import (
    CURES,
    Cure,
    Loads,
    Traffic,
    compare_cures,
    hot_key_cure,
    insert_traffic,
    loads,
    read_traffic,
)
from .theory import bounded_fill_times, moved_theory, shards_touched_theory, theory_cv

__all__ = [
    "CURES",
    "STRATEGIES",
    "Change",
    "Cure",
    "Exploration",
    "Loads",
    "Move",
    "RangePartition",
    "Ring",
    "RingView",
    "ScatterGather",
    "Strategy",
    "Traffic",
    "assign",
    "bounded_capacity",
    "bounded_fill_times",
    "compare_cures",
    "default_split_keys",
    "explore",
    "hash64",
    "hot_key_cure",
    "insert_traffic",
    "jump_hash",
    "loads",
    "moved_fraction",
    "moved_theory",
    "order_keys",
    "range_partition",
    "read_traffic",
    "reshard_timeline",
    "reshuffle",
    "ring",
    "ring_view",
    "scatter_gather",
    "scatter_gather_curve",
    "shards_touched_theory",
    "theory_cv",
    "warm",
    "xxh64",
]


def warm() -> None:
    """Compile (or load from numba's cache) every kernel of this topic with its real types.

    Returns
    -------
    None
    """
    ints, strings = np.arange(64), [f"k{i}" for i in range(64)]
    hash64(strings)
    xxh64("warm")
    jump_hash(1, 3)
    jump_hash(ints, 3)
    for strategy in STRATEGIES:
        assign(ints, strategy, 3)
    assign(ints, "rendezvous", 3, weights=[1.0, 2.0, 1.0])
    moved_fraction(ints, "range", 3, 4, split_keys=8)
    moved_fraction(ints, "range", 4, 3, split_keys=8)
    moved_theory("bounded", 3, 4, vnodes=2)
    hot_key_cure(ints, "ring", 3, method="salt", copies=2)
