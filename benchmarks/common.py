"""What every benchmark shares: a row of the table and a timer."""

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the table: ``ratio`` = peer time / our time (above 1: we are faster)."""

    what: str
    ours_s: float
    peer: str
    peer_s: float

    @property
    def ratio(self) -> float:
        return self.peer_s / self.ours_s


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
