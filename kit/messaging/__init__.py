"""08 queues and events: buffers, partitions and consumer groups, delivery semantics, a live broker.

``simulate_buffer`` sizes a queue for a spike and compares backpressure
policies against M/M/c/K; ``consumer_group`` drains a partitioned topic with
Kafka's partitioner and assignors through eager and cooperative rebalances;
``deliver`` counts what crashes do under at-most-once and at-least-once
delivery, with and without idempotent consumers; ``live_run`` does the same
on a private Redis. The public API is ``kit.messaging.api``.
"""

from . import exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import BufferApp, DeliveryApp, GroupApp, LiveApp

__all__ = [*_api, "BufferApp", "DeliveryApp", "GroupApp", "LiveApp", "exercises", "plots"]
