"""03 sharding: partitioning schemes, imbalance, resharding and hot keys.

``assign(keys, strategy, nodes)`` places keys with any scheme of
``STRATEGIES``; ``moved_fraction`` measures what a cluster change moves;
``kit.sharding.measure`` holds the imbalance, skew, hot-key, scatter-gather
and resharding measurements; keys are hashed with XXH64 (``hash64``).
"""

from . import exercises, plots
from .api import (
    STRATEGIES,
    RangePartition,
    Ring,
    Strategy,
    assign,
    bounded_capacity,
    default_split_keys,
    jump_hash,
    moved_fraction,
    moved_theory,
    range_partition,
    ring,
    theory_cv,
    warm,
)
from .app import ShardingApp
from .hashing import hash64, order_keys, xxh64
from .measure import (
    CURES,
    Cure,
    Loads,
    RingView,
    ScatterGather,
    Traffic,
    compare_cures,
    hot_key_cure,
    insert_traffic,
    loads,
    read_traffic,
    reshard_timeline,
    ring_view,
    scatter_gather,
    scatter_gather_curve,
    shards_touched_theory,
)

__all__ = [
    "CURES",
    "STRATEGIES",
    "Cure",
    "Loads",
    "RangePartition",
    "Ring",
    "RingView",
    "ScatterGather",
    "ShardingApp",
    "Strategy",
    "Traffic",
    "assign",
    "bounded_capacity",
    "compare_cures",
    "default_split_keys",
    "exercises",
    "hash64",
    "hot_key_cure",
    "insert_traffic",
    "jump_hash",
    "loads",
    "moved_fraction",
    "moved_theory",
    "order_keys",
    "plots",
    "range_partition",
    "read_traffic",
    "reshard_timeline",
    "ring",
    "ring_view",
    "scatter_gather",
    "scatter_gather_curve",
    "shards_touched_theory",
    "theory_cv",
    "warm",
    "xxh64",
]
