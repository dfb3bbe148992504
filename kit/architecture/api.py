"""The public surface of ``kit.architecture``: one concept per module, gathered here.

- :mod:`~kit.architecture.graph`: :class:`ServiceGraph`, its closed-form
  availability and simulated latency (what both mean, precisely, is in that
  module's docstring).
- :mod:`~kit.architecture.evolution`: one feature set (a shop) as a monolith,
  a modular monolith or microservices, compared on latency, availability,
  blast radius and team coupling.
- :mod:`~kit.architecture.strangler`: the strangler-fig migration, canary
  steps gated by the error budget, rollbacks, and the cost of dual running.
"""

from .graph import OUTCOMES, GraphRun, ServiceGraph

__all__ = ["OUTCOMES", "GraphRun", "ServiceGraph", "warm"]


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real argument types."""
    ServiceGraph().add_service("a", 1.0).add_service("b", 1.0).call("a", "b", timeout_ms=5.0).simulate(2, seed=0)
