"""02 consistency and CAP: the public API in one place.

- histories: :class:`History`, :func:`load_history`, :func:`detect_format`;
- linearizability and sequential consistency: :func:`check_linearizable`,
  :func:`check_sequential`, :func:`linearization_points`;
- weaker models: :func:`check_causal`, :func:`check_session`,
  :func:`check_pram`, :func:`check_eventual`; the hierarchy: :func:`classify`;
- partial quorums (PBS): :func:`pbs_consistency`, :func:`pbs_simulate`,
  :func:`pbs_all`, :func:`pbs_tradeoff`, :func:`k_staleness`;
- the replicated-store simulator: :func:`simulate` (with :class:`Settings`),
  :func:`compare`, :class:`Partition`, :class:`Crash`, :func:`stale_reads`.

Each concept lives in its own module behind this façade: ``history``,
``checker``, ``causal``, ``classify``, ``pbs``, ``simulator``.
"""

from . import checker, pbs, simulator
from .causal import (
    CAUSAL_VARIANTS,
    DEFINITIONS,
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
    VERDICTS,
    LinearizabilityResult,
    SequentialResult,
    check_linearizable,
    check_sequential,
    linearization_points,
)
from .classify import AVAILABILITY, IMPLIES, Classification, classify
from .history import FORMATS, History, detect_format, load_history
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
from .simulator import (
    CUTS,
    PROTOCOLS,
    SETUPS,
    Crash,
    Partition,
    Settings,
    SimResult,
    compare,
    simulate,
    stale_reads,
)


def warm() -> None:
    """Compile (or load from numba's cache) every kernel of this topic with its real argument types.

    Returns
    -------
    None
    """
    pbs.warm()
    checker.warm()
    simulator.warm()


__all__ = [
    "AVAILABILITY",
    "CAUSAL_VARIANTS",
    "CUTS",
    "DEFINITIONS",
    "FORMATS",
    "IMPLIES",
    "LATENCY_MODELS",
    "PROTOCOLS",
    "SESSION_GUARANTEES",
    "SETUPS",
    "VERDICTS",
    "Classification",
    "Crash",
    "EventualResult",
    "History",
    "LinearizabilityResult",
    "ModelResult",
    "PBSResult",
    "Partition",
    "SequentialResult",
    "Settings",
    "SimResult",
    "Violation",
    "WARSLatency",
    "check_causal",
    "check_eventual",
    "check_linearizable",
    "check_pram",
    "check_sequential",
    "check_session",
    "classify",
    "compare",
    "detect_format",
    "k_staleness",
    "latency_model",
    "linearization_points",
    "load_history",
    "pbs_all",
    "pbs_consistency",
    "pbs_simulate",
    "pbs_tradeoff",
    "simulate",
    "stale_reads",
    "tradeoff_table",
    "warm",
]
