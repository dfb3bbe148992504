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


_PEAK_MB = """
def _peak_mb():
    try:  # Linux: this process's own high-water mark (ru_maxrss would carry the parent's over exec)
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
    except OSError:  # macOS: ru_maxrss, in bytes
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
"""


def peak_rss_mb(setup: str, work: str) -> float:
    """Peak resident memory that ``work`` adds after ``setup``, in a fresh Python process, MB."""
    code = f"{_PEAK_MB}\n{setup}\nbefore = _peak_mb()\n{work}\nprint(_peak_mb() - before)"
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


def best_quiet_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat`` calls of min(wall time, process CPU time), in seconds.

    For comparing with a peer's *published* time on a quiet machine while this one is
    shared: other processes stretch wall time but not this process's CPU time, and CPU
    time counts every thread, so it is never below the quiet wall time of CPU-bound
    work. The minimum of the two is therefore a fair, never flattering, estimate.
    """
    best = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - wall, time.process_time() - cpu)
    return best
