"""07 scaling out: the public surface, gathered from the concept modules.

- :mod:`~kit.scaling.usl`: the Universal Scalability Law, its fit, published data, a real measurement;
- :mod:`~kit.scaling.balancing`: N servers behind a load balancer (numba event loop), and the theory;
- :mod:`~kit.scaling.autoscaling`: a day of traffic against target tracking and fixed capacity;
- :mod:`~kit.scaling.replicas`: read replicas, read-your-writes, and where sessions live.
"""

from .autoscaling import Autoscaler, AutoscaleResult, autoscale, day_traffic, fixed, sweep
from .balancing import (
    POLICIES,
    BalanceResult,
    Policy,
    balance,
    bimodal,
    compare,
    erlang_rr_sigma,
    herd,
    supermarket_mean,
    supermarket_tail,
    theory_mean,
    theory_quantile,
)
from .replicas import (
    PLACEMENTS,
    ReplicaResult,
    read_capacity,
    read_replicas,
    replica_sweep,
    session_failover,
    stale_theory,
)
from .usl import PUBLISHED, PublishedFit, USLFit, fit_table, fit_usl, measure, peak, published, synthetic, usl

__all__ = [
    "PLACEMENTS",
    "POLICIES",
    "PUBLISHED",
    "AutoscaleResult",
    "Autoscaler",
    "BalanceResult",
    "Policy",
    "PublishedFit",
    "ReplicaResult",
    "USLFit",
    "autoscale",
    "balance",
    "bimodal",
    "compare",
    "day_traffic",
    "erlang_rr_sigma",
    "fit_table",
    "fit_usl",
    "fixed",
    "herd",
    "measure",
    "peak",
    "published",
    "read_capacity",
    "read_replicas",
    "replica_sweep",
    "session_failover",
    "stale_theory",
    "supermarket_mean",
    "supermarket_tail",
    "sweep",
    "synthetic",
    "theory_mean",
    "theory_quantile",
    "usl",
    "warm",
]


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types."""
    balance("power_of_d", 4, 0.5, 200, seed=0)
    balance("power_of_d", 4, 0.5, 200, seed=0, replications=2)
    balance("consistent_hash", 4, 0.5, 200, seed=0)  # and the hash ring of kit.sharding
    session_failover(2, 10, seed=0)
    autoscale(day_traffic(step_s=600.0), step_s=600.0)
    read_replicas(1, duration_s=0.05, seed=0)
