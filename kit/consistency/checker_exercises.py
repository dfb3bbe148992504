"""Checker exercises of notebook 02: read a history, name its model. Answers come from the checkers."""

from ..exercises import MultipleChoice, register
from .checker import check_linearizable
from .classify import classify
from .history import History

NOTEBOOK = "02_consistency_and_cap"

#: A writes 1 and returns; only then does B read, and B sees the old value (Viotti & Vukolić 2016, §3.3).
STALE_AFTER_WRITE = (("A", "w", 1, None, 0, 1), ("B", "r", None, 0, 2, 3))

#: The answer options, strongest model first.
STALE_OPTIONS = ("linearizable", "sequential", "causal", "monotonic-reads")

#: A write of 1 spans [0, 10]; a reader overlaps it twice. Which pair of results is linearizable?
OVERLAP_OPTIONS = ((1, 0), (0, 1), (2, 1), (1, 2))


def _overlap(results) -> History:
    first, second = results
    return History.from_ops(
        [("W", "w", 1, None, 0, 10), ("R", "r", None, first, 1, 2), ("R", "r", None, second, 3, 4)], initial=0
    )


def _strongest_of_stale_read() -> int:
    holds = classify(History.from_ops(STALE_AFTER_WRITE, initial=0)).satisfied
    return next(j for j, m in enumerate(STALE_OPTIONS) if holds[m])


def _linearizable_overlap() -> int:
    return next(j for j, res in enumerate(OVERLAP_OPTIONS) if check_linearizable(_overlap(res)).ok)


register(
    MultipleChoice(
        NOTEBOOK,
        "stale-read-model",
        prompt="Client A writes x = 1 and gets its acknowledgement. Afterwards client B reads x and gets "
        "the old value 0. What is the strongest model this history satisfies?",
        options=list(STALE_OPTIONS),
        answer=_strongest_of_stale_read,
        why=[
            "Linearizability respects real time: the write finished before the read began, so the read "
            "must see it.",
            "Sequential consistency only keeps each client's own order: put B's read before A's write and "
            "every read is explained.",
            "Causal holds too (nothing causally links B's read to A's write), but sequential is stronger.",
            "Monotonic reads holds, but far stronger models hold as well.",
        ],
        solution="<code>classify()</code> finds linearizability violated (B began after A's write "
        "returned) and sequential consistency satisfied: the order <i>r(x)0, w(x)1</i> keeps each "
        "process's order and is legal. Sequential consistency is not linearizability because it may "
        "reorder operations of different clients against the clock (Lamport 1979; Viotti &amp; "
        "Vukolić 2016, §3.3).",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "overlapping-reads",
        prompt="A write of x = 1 (x starts at 0) is in flight from t = 0 to t = 10. Client R reads x twice, "
        "during [1, 2] and then during [3, 4]. Which pair of results is linearizable?",
        options=[f"{a} then {b}" for a, b in OVERLAP_OPTIONS],
        answer=_linearizable_overlap,
        why=[
            "Once a read has returned 1 the write has taken effect; a later read cannot go back to 0.",
            "Both reads overlap the write: the write's linearisation point can fall between them.",
            "Nobody wrote 2: a read can only return the initial value or a written one.",
            "Nobody wrote 2.",
        ],
        solution="A read that overlaps a write may return the old or the new value, but the write takes "
        "effect at one instant: before it every read sees 0, after it every read sees 1. So 0 then 1 is "
        "fine, 1 then 0 is not (Herlihy &amp; Wing 1990, §2; the checker confirms each option with "
        "<code>check_linearizable</code>).",
    )
)
