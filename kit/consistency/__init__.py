"""02 consistency and CAP: histories, consistency checkers, quorums and PBS, a replicated-store simulator."""

from . import pbs as _pbs
from . import simulator as _simulator
from .history import History, detect_format, load_history
from .pbs import (
    LATENCY_MODELS,
    PBSResult,
    WARSLatency,
    k_staleness,
    latency_model,
    pbs_all,
    pbs_consistency,
    pbs_simulate,
    pbs_tradeoff,
)
from .simulator import PROTOCOLS, Crash, Partition, SimResult, simulate, stale_reads


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types."""
    _pbs.warm()
    _simulator.warm()


__all__ = [
    "LATENCY_MODELS",
    "PROTOCOLS",
    "Crash",
    "History",
    "PBSResult",
    "Partition",
    "SimResult",
    "WARSLatency",
    "detect_format",
    "k_staleness",
    "latency_model",
    "load_history",
    "pbs_all",
    "pbs_consistency",
    "pbs_simulate",
    "pbs_tradeoff",
    "simulate",
    "stale_reads",
    "warm",
]
