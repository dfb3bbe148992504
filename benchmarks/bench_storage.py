"""10 storage: the LSM model (numba) against the same model in plain Python, and the engines measured.

Scenario: 200,000 writes uniformly over 20,000 keys into a leveled LSM tree (memtable of
100 entries, L0 trigger 4, size ratio 4: four levels below L0). The peer is the plain-Python
reference the tests check the kernel against (``tests/naive.py``); both must write the same
entries into every level. Then the engine table: ``kit.storage.benchmark`` on the four real
engines at the default size, printed as measured (ops/s; no peer: the engines are the subject).
"""

import numpy as np

from kit import storage
from tests import naive

from .common import Row, best_of

WRITES, KEYS, MEM, TRIGGER, T = 200_000, 20_000, 100, 4, 4
SEED = 1


def _model(keys):
    return storage.lsm(keys, size_ratio=T, memtable_mb=MEM / 2**20, entry_bytes=1.0, l0_trigger=TRIGGER)


def run() -> list[Row]:
    keys = storage.write_keys(WRITES, KEYS, seed=SEED)
    ours = _model(keys)  # JIT warm-up / cache load
    levels = len(ours.levels_table) - 1  # L1..Ln below L0
    peer = naive.lsm_leveled(keys.tolist(), MEM, TRIGGER, TRIGGER * MEM, MEM, T, levels)
    assert ours.levels_table.written.tolist() == peer, "the kernel and the reference disagree"
    t_ours = best_of(lambda: _model(keys))
    t_peer = best_of(lambda: naive.lsm_leveled(keys.tolist(), MEM, TRIGGER, TRIGGER * MEM, MEM, T, levels), 1)
    table = storage.benchmark(seed=SEED, progress=False)
    rates = table.pivot_table(index="engine", columns="pattern", values="ops_per_s")[list(storage.PATTERNS)]
    sizes = table.groupby("engine").bytes_on_disk.first() / 2**20
    print(
        f"engines, {table.attrs['rows']:,} orders, durability={table.attrs['durability']}: ops/s (median of "
        f"{table.attrs['repeats']} batches after a warm-up) and MB on disk after loading"
    )
    print(rates.assign(mb_on_disk=sizes).round(1).to_string())
    per_level = np.round(ours.levels_table.write_amp, 2).tolist()
    print(f"write amplification: model {ours.write_amp:.2f}; per level {per_level}")
    return [
        Row(
            f"LSM leveled, {WRITES:,} writes, T={T}, {levels} levels",
            t_ours,
            "plain Python (same model)",
            t_peer,
        )
    ]
