"""02 consistency and CAP: histories, consistency checkers, quorums and PBS, a replicated-store simulator."""

from . import checker as _checker
from . import checker_exercises, checker_plots, exercises, replication_plots
from . import pbs as _pbs
from . import simulator as _simulator
from .app import CAPApp, HistoryApp, QuorumApp
from .causal import (
    CAUSAL_VARIANTS,
    SESSION_GUARANTEES,
    EventualResult,
    ModelResult,
    Violation,
    check_causal,
    check_eventual,
    check_pram,
    check_session,
)
from .checker import (
    LinearizabilityResult,
    SequentialResult,
    check_linearizable,
    check_sequential,
    linearization_points,
)
from .classify import AVAILABILITY, Classification, classify
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
    tradeoff_table,
)
from .simulator import CUTS, PROTOCOLS, SETUPS, Crash, Partition, SimResult, compare, simulate, stale_reads


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types."""
    _pbs.warm()
    _checker.warm()
    _simulator.warm()


__all__ = [
    "AVAILABILITY",
    "CAUSAL_VARIANTS",
    "CUTS",
    "LATENCY_MODELS",
    "PROTOCOLS",
    "SESSION_GUARANTEES",
    "SETUPS",
    "CAPApp",
    "Classification",
    "Crash",
    "EventualResult",
    "History",
    "HistoryApp",
    "LinearizabilityResult",
    "ModelResult",
    "PBSResult",
    "Partition",
    "QuorumApp",
    "SequentialResult",
    "SimResult",
    "Violation",
    "WARSLatency",
    "check_causal",
    "check_eventual",
    "check_linearizable",
    "check_pram",
    "check_sequential",
    "check_session",
    "checker_exercises",
    "checker_plots",
    "classify",
    "compare",
    "detect_format",
    "exercises",
    "k_staleness",
    "latency_model",
    "linearization_points",
    "load_history",
    "pbs_all",
    "pbs_consistency",
    "pbs_simulate",
    "pbs_tradeoff",
    "replication_plots",
    "simulate",
    "stale_reads",
    "tradeoff_table",
    "warm",
]
