"""01 estimation: the public surface, gathered from the concept modules.

- :mod:`~kit.estimation.units`: one pint registry, quantities that print in sensible units;
- :mod:`~kit.estimation.calculators`: traffic, storage, bandwidth, cache memory, runway;
- :mod:`~kit.estimation.servers`: naive vs queueing-aware fleet sizes (M/M/c, Erlang C);
- :mod:`~kit.estimation.latency`: the latency numbers, each with year and source;
- :mod:`~kit.estimation.prices` and :mod:`~kit.estimation.design`: the price sheet, the
  one-page estimate, the bill by line, purchase options, sensitivity.
"""

from .calculators import (
    Bandwidth,
    Runway,
    Storage,
    Traffic,
    bandwidth,
    cache_memory,
    runway,
    runway_months,
    storage,
    traffic,
)
from .design import (
    Design,
    Estimate,
    cost_per_million,
    estimate,
    monthly_bill,
    purchase_options,
    sensitivity,
)
from .latency import LATENCY
from .prices import prices
from .servers import (
    SimulatedPercentile,
    Sizing,
    compare_sizing,
    max_qps,
    naive_servers,
    response_time_curve,
    response_time_quantile,
    servers_needed,
    simulate_percentile,
)
from .units import quantity, registry

__all__ = [
    "LATENCY",
    "Bandwidth",
    "Design",
    "Estimate",
    "Runway",
    "SimulatedPercentile",
    "Sizing",
    "Storage",
    "Traffic",
    "bandwidth",
    "cache_memory",
    "compare_sizing",
    "cost_per_million",
    "estimate",
    "max_qps",
    "monthly_bill",
    "naive_servers",
    "prices",
    "purchase_options",
    "quantity",
    "registry",
    "response_time_curve",
    "response_time_quantile",
    "runway",
    "runway_months",
    "sensitivity",
    "servers_needed",
    "simulate_percentile",
    "storage",
    "traffic",
    "warm",
]


def warm() -> None:
    """Compile (or load from cache) the topic's kernels and build the unit registry."""
    registry()
    response_time_quantile(80.0, 10.0, 2, 99.0)
