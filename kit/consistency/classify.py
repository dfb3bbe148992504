"""Place a history on the consistency hierarchy, with what each model costs in availability.

The hierarchy is Viotti & Vukolić's (2016, Figure 2), as the Jepsen map
draws it (jepsen.io/consistency, after Bailis et al., "Highly available
transactions", VLDB 2014, Figure 2), restricted to single-object operations,
where strict serializability is linearizability. It is a partial order
(:data:`IMPLIES`):

    strict-serializable > linearizable > sequential > causal
    causal > PRAM, writes-follow-reads
    PRAM > read-your-writes, monotonic-reads, monotonic-writes

A history that satisfies a model satisfies every model below it. For that to
hold every model is read with the same semantics: one arbitration order of
the writes shared by all sessions (see :mod:`kit.consistency.causal`), and
"causal" is causal convergence (CCv), the causality of Viotti & Vukolić.

Availability under partition (jepsen.io/consistency):
*unavailable* models need some nodes to stop answering during a partition;
*sticky available* ones stay available on every non-faulty node as long as
each client keeps talking to the same servers; *totally available* ones on
every non-faulty node, even with the network fully down.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import config
from .causal import SESSION_GUARANTEES, check_causal, check_eventual, check_pram, check_session
from .checker import check_linearizable, check_sequential
from .history import History

MODELS = (
    "strict-serializable",
    "linearizable",
    "sequential",
    "causal",
    "PRAM",
    "writes-follow-reads",
    "read-your-writes",
    "monotonic-reads",
    "monotonic-writes",
)

#: model -> the models it directly implies (Viotti & Vukolić 2016, Figure 2)
IMPLIES = {
    "strict-serializable": ("linearizable",),
    "linearizable": ("sequential",),
    "sequential": ("causal",),
    "causal": ("PRAM", "writes-follow-reads"),
    "PRAM": ("read-your-writes", "monotonic-reads", "monotonic-writes"),
    "writes-follow-reads": (),
    "read-your-writes": (),
    "monotonic-reads": (),
    "monotonic-writes": (),
}

#: availability each model allows under partition (jepsen.io/consistency)
AVAILABILITY = {
    "strict-serializable": "unavailable",
    "linearizable": "unavailable",
    "sequential": "unavailable",
    "causal": "sticky available",
    "PRAM": "sticky available",
    "read-your-writes": "sticky available",
    "writes-follow-reads": "totally available",
    "monotonic-reads": "totally available",
    "monotonic-writes": "totally available",
    "eventual": "totally available",
}


def _below(model: str) -> set:
    out, todo = set(), list(IMPLIES[model])
    while todo:
        m = todo.pop()
        if m not in out:
            out.add(m)
            todo.extend(IMPLIES[m])
    return out


@dataclass(frozen=True, eq=False)
class Classification:
    """Which models a history satisfies.

    Attributes
    ----------
    satisfied : dict
        model -> True / False / None (unknown: out of time, or the check
        does not apply, e.g. causal on a history with repeated values).
    why : dict
        model -> how the verdict was reached ("checked", "implied by
        linearizable", a reason for None...).
    results : dict
        model -> the checker's result object, for the models actually checked.
    eventual : EventualResult or None
        Convergence of the replicas, when the history carries their states.
    """

    satisfied: dict
    why: dict
    results: dict = field(repr=False)
    eventual: object = field(repr=False, default=None)

    @property
    def strongest(self) -> list[str]:
        """The satisfied models that no satisfied model implies (the top of what holds).

        Returns
        -------
        list of str
        """
        ok = [m for m in MODELS if self.satisfied[m]]
        return [m for m in ok if not any(m in _below(o) for o in ok if o != m)]

    def to_frame(self) -> pd.DataFrame:
        """The classification as a table.

        Returns
        -------
        DataFrame
            One row per model: satisfied, availability under partition, and why.
        """
        rows = [
            {"model": m, "satisfied": self.satisfied[m], "availability": AVAILABILITY[m], "why": self.why[m]}
            for m in MODELS
        ]
        if self.eventual is not None:
            rows.append(
                {
                    "model": "eventual",
                    "satisfied": self.eventual.ok,
                    "availability": AVAILABILITY["eventual"],
                    "why": "replicas converge after the last write"
                    if self.eventual.ok
                    else "replicas diverge",
                }
            )
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        held = sum(bool(v) for v in self.satisfied.values())
        return f"Classification(strongest={self.strongest}, {held} models hold)"


def classify(history: History, timeout_s: float | None = None) -> Classification:
    """Which consistency models does this history satisfy?

    Parameters
    ----------
    history : History
        The operations to classify.
    timeout_s : float, optional
        Budget in seconds for each of the two searches (linearizable,
        sequential); default ``config.CONSISTENCY_CHECK_TIMEOUT_S``.

    Returns
    -------
    Classification
        ``.strongest`` names the strongest models that hold; ``.to_frame()``
        lists every model with its availability under partition.

    Notes
    -----
    Checks run from the cheapest: session guarantees, PRAM and causal
    consistency (CCv; polynomial, Bouajjani et al. 2017) on differentiated histories;
    then linearizability (Wing & Gong / Lowe); then sequential consistency
    only if linearizability fails, causality holds and the history has at
    most ``config.CONSISTENCY_SEQUENTIAL_MAX_OPS`` operations. Verdicts not checked
    follow from the hierarchy: a model holds if a stronger one does, fails
    if a weaker one fails. With single-object operations strict
    serializability coincides with linearizability (jepsen.io/consistency,
    "Strict serializable").

    References
    ----------
    P. Viotti, M. Vukolić, "Consistency in non-transactional distributed
    storage systems", ACM Computing Surveys 49(1), 2016. K. Kingsbury,
    "Consistency models", jepsen.io/consistency.

    Examples
    --------
    >>> h = History.from_ops([("A", "w", 1, None, 0, 1), ("B", "r", None, 0, 2, 3)], initial=0)
    >>> classify(h).strongest
    ['sequential']
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a kit.consistency.History (got {type(history).__name__})")
    satisfied: dict = dict.fromkeys(MODELS)
    why: dict = dict.fromkeys(MODELS, "")
    results: dict = {}

    def record(model, result, verdict):
        results[model] = result
        satisfied[model] = verdict
        why[model] = "checked" if verdict is not None else "out of time"

    try:
        sessions = check_session(history)
        for g in SESSION_GUARANTEES:
            record(g, sessions[g], sessions[g].ok)
        pram, causal = check_pram(history), check_causal(history)
        record("PRAM", pram, pram.ok)
        record("causal", causal, causal.ok)
    except ValueError as e:  # not differentiated (or appends): these checks do not apply
        for m in ("causal", "PRAM", *SESSION_GUARANTEES):
            why[m] = f"not checked: {e}"
    lin = check_linearizable(history, timeout_s=timeout_s)
    record("linearizable", lin, lin.ok)
    satisfied["strict-serializable"] = lin.ok
    why["strict-serializable"] = "single-object operations: the same as linearizable"
    if lin.ok is not True and satisfied["causal"] is not False:
        if len(history) <= config.CONSISTENCY_SEQUENTIAL_MAX_OPS:
            seq = check_sequential(history, timeout_s=timeout_s)
            record("sequential", seq, seq.ok)
        else:
            why["sequential"] = (
                f"not checked: {len(history)} operations, above CONSISTENCY_SEQUENTIAL_MAX_OPS="
                f"{config.CONSISTENCY_SEQUENTIAL_MAX_OPS} (the check is NP-complete)"
            )
    _propagate(satisfied, why)
    eventual = check_eventual(history) if history.replicas is not None else None
    return Classification(satisfied=satisfied, why=why, results=results, eventual=eventual)


def _propagate(satisfied: dict, why: dict) -> None:
    """Fill unknown verdicts from known ones: down the hierarchy for True, up for False."""
    changed = True
    while changed:
        changed = False
        for m in MODELS:
            if satisfied[m] is not None:
                continue
            stronger = [o for o in MODELS if m in _below(o) and satisfied[o] is True]
            weaker = [o for o in _below(m) if satisfied[o] is False]
            if stronger:
                satisfied[m], why[m] = True, f"implied by {stronger[-1]}"
                changed = True
            elif weaker:
                satisfied[m], why[m] = False, f"{weaker[0]} fails"
                changed = True
