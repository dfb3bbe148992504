"""The public surface of ``kit.architecture``: one concept per module, gathered here.

- :mod:`~kit.architecture.graph`: :class:`ServiceGraph`, its closed-form
  availability and simulated latency (what both mean, precisely, is in that
  module's docstring).
- :mod:`~kit.architecture.evolution`: one feature set (a shop) as a monolith
  or as microservices, compared on latency, availability, blast radius and
  team coupling; ``extract`` gives the states in between.
- :mod:`~kit.architecture.strangler`: the strangler-fig migration, canary
  steps gated by the error budget, rollbacks, and the cost of dual running.
"""

from . import graph
from .evolution import SHOP_CALLS, SHOP_ENTRIES, SHOP_MODULES, STYLES, compare, coupling, shop
from .graph import OUTCOMES, GraphRun, ServiceGraph, chain, hops_table
from .strangler import DECISIONS, Migration, MigrationResult, strangler

__all__ = [
    "DECISIONS",
    "OUTCOMES",
    "SHOP_CALLS",
    "SHOP_ENTRIES",
    "SHOP_MODULES",
    "STYLES",
    "GraphRun",
    "Migration",
    "MigrationResult",
    "ServiceGraph",
    "chain",
    "compare",
    "coupling",
    "hops_table",
    "shop",
    "strangler",
    "warm",
]


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real argument types."""
    graph.warm()
    strangler(runs=2, seed=0)
