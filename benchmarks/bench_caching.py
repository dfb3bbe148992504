"""04 caching: kit (numba) vs libCacheSim (the C simulator, ``pip install libcachesim``).

Scenario: one trace of 10,000,000 requests drawn from Zipf(1.0) over 10^6
objects, written as a libCacheSim oracleGeneral file in a temporary
directory; an LRU cache of 10^5 objects.

- end to end: libcachesim reading the file and simulating LRU, against the
  kit loading the same file (dense ids) and simulating LRU; same misses;
- the exact LRU miss-ratio curve for every capacity (Mattson stack
  distances, one pass), against libcachesim run at 8 capacities (what a user
  would otherwise do), with the same misses at those 8.
"""

import importlib.util
import tempfile
import time
from pathlib import Path

import numpy as np

from kit import caching

from .common import Row, best_of

N_OBJECTS = 1_000_000
N_REQUESTS = 10_000_000
CAPACITY = 100_000
CURVE_CAPACITIES = np.unique(np.geomspace(100, 500_000, 8).astype(int))


def _libcachesim_lru(lcs, path: Path, capacity: int) -> int:
    reader = lcs.TraceReader(str(path), lcs.TraceType.ORACLE_GENERAL_TRACE)
    miss_ratio, _ = lcs.LRU(int(capacity)).process_trace(reader)
    return round(miss_ratio * N_REQUESTS)


def _kit_lru(path: Path, capacity: int) -> int:
    return caching.simulate(caching.load_trace(path), "lru", capacity).misses


def run() -> list[Row]:
    if importlib.util.find_spec("libcachesim") is None:
        print("bench_caching: libcachesim is not installed (pip install -e '.[bench]'); skipped")
        return []
    import libcachesim as lcs

    caching.warm()
    start = time.perf_counter()
    trace = caching.zipf(N_OBJECTS, 1.0, N_REQUESTS, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = caching.save_trace(trace, Path(tmp) / "zipf1.oracleGeneral.bin")
        elapsed = time.perf_counter() - start
        print(f"bench_caching: trace of {N_REQUESTS:,} requests generated and written in {elapsed:.1f} s")
        _kit_lru(path, 10)  # page cache warm for both sides

        ours = _kit_lru(path, CAPACITY)
        theirs = _libcachesim_lru(lcs, path, CAPACITY)
        assert ours == theirs, f"LRU misses differ: kit {ours}, libcachesim {theirs}"
        t_ours = best_of(lambda: _kit_lru(path, CAPACITY))
        t_peer = best_of(lambda: _libcachesim_lru(lcs, path, CAPACITY))
        what = f"LRU on a 10M-request file, load + simulate, C={CAPACITY:,}"
        rows = [Row(what, t_ours, "libcachesim LRU", t_peer)]

        loaded = caching.load_trace(path)
        curve = caching.lru_mrc(loaded)
        exact = np.rint(curve.miss_ratio.to_numpy()[CURVE_CAPACITIES - 1] * N_REQUESTS).astype(int)
        peer = [_libcachesim_lru(lcs, path, c) for c in CURVE_CAPACITIES]
        assert exact.tolist() == peer, f"LRU curves differ: kit {exact.tolist()}, libcachesim {peer}"
        t_ours = best_of(lambda: caching.lru_mrc(loaded), repeat=2)
        t_peer = best_of(lambda: [_libcachesim_lru(lcs, path, c) for c in CURVE_CAPACITIES], repeat=1)
        rows.append(
            Row(
                f"exact LRU curve, all {len(curve):,} sizes (peer: 8 sizes)",
                t_ours,
                "libcachesim LRU x 8",
                t_peer,
            )
        )
    return rows
