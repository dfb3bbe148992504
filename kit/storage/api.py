"""Storage choices: the public surface of ``kit.storage``.

Real engines measured here (:func:`benchmark`, :func:`answers`), the
amplification of LSM trees and B-trees modelled and checked against RocksDB
(:func:`lsm`, :func:`btree`, :func:`lsm_theory`, :func:`compare_rocksdb`),
indexes and data models (:func:`index_cost`, :func:`data_models`), and the
questionnaire that picks a store (:func:`recommend`).
"""

from __future__ import annotations

from .amplification import (
    DISTRIBUTIONS,
    POLICIES,
    BTreeResult,
    LSMResult,
    btree,
    compare_rocksdb,
    lsm,
    lsm_theory,
    size_ratio_sweep,
    write_keys,
)
from .dataset import COLUMNS, STATUSES, orders
from .decision import FAMILIES, MEASURED_BY, Needs, Recommendation, recommend
from .engines import DURABILITY, ENGINES, engine_table
from .models import LAYOUTS, QUERIES, DataModels, data_models, index_cost
from .workload import PATTERNS, answers, benchmark

__all__ = [
    "COLUMNS",
    "DISTRIBUTIONS",
    "DURABILITY",
    "ENGINES",
    "FAMILIES",
    "LAYOUTS",
    "MEASURED_BY",
    "PATTERNS",
    "POLICIES",
    "QUERIES",
    "STATUSES",
    "BTreeResult",
    "DataModels",
    "LSMResult",
    "Needs",
    "Recommendation",
    "answers",
    "benchmark",
    "btree",
    "compare_rocksdb",
    "data_models",
    "engine_table",
    "index_cost",
    "lsm",
    "lsm_theory",
    "orders",
    "recommend",
    "size_ratio_sweep",
    "warm",
    "write_keys",
]


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types.

    Returns
    -------
    None
    """
    for policy in POLICIES:
        lsm(64, size_ratio=2, policy=policy, memtable_mb=8 / 2**20, entry_bytes=1.0, seed=0)
    btree(64, page_bytes=512, entry_bytes=64, cache_mb=0.01, seed=0)
