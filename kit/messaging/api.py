"""08 queues and events: the public API in one place.

- buffers and spikes: :func:`loss_probability` (M/M/1/K), :func:`mmck`,
  :func:`simulate_buffer` -> :class:`BufferResult`, :func:`compare_backpressure`, ``POLICIES``;
- partitions and consumer groups: :func:`murmur2`, :func:`kafka_partition`,
  :func:`assign` (``ASSIGNORS``), :func:`consumer_group` -> :class:`GroupResult`;
- delivery: :func:`deliver` -> :class:`DeliveryResult`, :func:`duplicates_theory`,
  :func:`lost_theory`, :func:`outbox_relay` (``RELAYS``);
- live: :class:`RedisServer`, :func:`live_run` -> :class:`LiveResult`,
  :func:`expected_counts`, :func:`find_redis_server`.
"""

from __future__ import annotations

from .buffers import (
    POLICIES,
    BufferResult,
    BufferTheory,
    compare_backpressure,
    loss_probability,
    mmck,
    simulate_buffer,
)
from .delivery import (
    CRASH_POINTS,
    DEDUP,
    GROUPS,
    RELAYS,
    RETRY_MODES,
    SEMANTICS,
    DeliveryResult,
    DeliverySettings,
    OutboxResult,
    deliver,
    duplicates_theory,
    lost_theory,
    outbox_relay,
)
from .live import LiveResult, RedisServer, expected_counts, find_redis_server, live_run
from .partitions import (
    ASSIGNORS,
    GroupResult,
    GroupSettings,
    Rebalance,
    assign,
    consumer_group,
    kafka_partition,
    murmur2,
)

__all__ = [
    "ASSIGNORS",
    "CRASH_POINTS",
    "DEDUP",
    "GROUPS",
    "POLICIES",
    "RELAYS",
    "RETRY_MODES",
    "SEMANTICS",
    "BufferResult",
    "BufferTheory",
    "DeliveryResult",
    "DeliverySettings",
    "GroupResult",
    "GroupSettings",
    "LiveResult",
    "OutboxResult",
    "Rebalance",
    "RedisServer",
    "assign",
    "compare_backpressure",
    "consumer_group",
    "deliver",
    "duplicates_theory",
    "expected_counts",
    "find_redis_server",
    "kafka_partition",
    "live_run",
    "loss_probability",
    "lost_theory",
    "mmck",
    "murmur2",
    "outbox_relay",
    "simulate_buffer",
    "warm",
]


def warm() -> None:
    """Compile (or load from numba's cache) every kernel of this topic with its real types.

    Returns
    -------
    None
    """
    simulate_buffer(5.0, 10.0, 3, 50, policy="credit", spikes=[(1.0, 1.0, 20.0)], burst=2.0, seed=0)
    consumer_group(3, 2, "cooperative-sticky", [(1.0, "join")], seed=0, horizon_s=2.0, rate=20.0)
    deliver(50, 2, 2, 0.1, seed=0, fail_p=0.1, crashes=((0, 2, "after_effect"),))
    murmur2(["warm"])
