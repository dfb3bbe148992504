"""What every benchmark shares: a row of the table and a timer."""

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the table: ``ratio`` = peer / ours (above 1: we are faster or smaller).

    Values are seconds unless ``unit`` says otherwise (e.g. "MB" of peak memory).
    """

    what: str
    ours_s: float
    peer: str
    peer_s: float
    unit: str = "s"

    @property
    def ratio(self) -> float:
        return self.peer_s / self.ours_s


def peak_rss_mb(setup: str, work: str) -> float:
    """Peak resident memory that ``work`` adds after ``setup``, in a fresh Python process, MB."""
    code = (
        f"import resource\n{setup}\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"{work}\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)"  # KiB on Linux
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
