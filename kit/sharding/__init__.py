"""03 sharding: partitioning schemes, imbalance, resharding and hot keys.

``assign(keys, strategy, nodes)`` places keys with any scheme of
``STRATEGIES``; ``moved_fraction`` measures what a cluster change moves and
``moved_theory`` what theory expects; ``loads``, ``read_traffic``,
``hot_key_cure``, ``scatter_gather`` and ``reshard_timeline`` measure
imbalance, skew, hot-key cures, query fan-out and resharding. Keys are hashed
with XXH64 (``hash64``). The public API is ``kit.sharding.api``.
"""

from . import exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import ShardingApp

__all__ = [*_api, "ShardingApp", "exercises", "plots"]
