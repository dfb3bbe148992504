"""What an LSM tree and a B-tree pay in writes, reads and space: models, formulas, RocksDB.

The RocksDB Tuning Guide (RocksDB wiki, "Amplification factors") defines the
three costs: **write amplification** is bytes written to storage over bytes
written by the user; **read amplification** the disk reads per query;
**space amplification** the bytes on disk over the bytes of live data.
:func:`lsm` and :func:`btree` replay a stream of writes through numba models
of the two structures and count them; :func:`lsm_theory` gives the textbook
estimates; :func:`compare_rocksdb` replays the same stream through a real
RocksDB and reads its own statistics.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import resolve_seed, zipf_keys
from . import _kernels as kk

POLICIES = {"leveled": kk.LEVELED, "tiered": kk.TIERED}
"""LSM compaction policies: RocksDB's level style, and textbook tiering (size-tiered)."""
DISTRIBUTIONS = ("uniform", "zipf", "sequential")
"""How :func:`write_keys` picks the key of each write."""
MB = 1 << 20
KEY_POINTER_BYTES = 16  # an internal B-tree entry: an 8-byte key and an 8-byte child pointer


def write_keys(
    writes: int, keys: int | None = None, distribution: str = "uniform", seed: int | None = None
) -> np.ndarray:
    """The keys of a stream of writes, for :func:`lsm` and :func:`btree`.

    Parameters
    ----------
    writes : int
        Writes in the stream (at most ``config.STORAGE_MAX_WRITES``).
    keys : int, optional
        Distinct keys the writes pick from (default: as many as writes, so
        about 37% of writes update a key written before).
    distribution : {"uniform", "zipf", "sequential"}
        ``uniform`` picks any key alike; ``zipf`` favours a few hot keys
        (Zipf 0.99, YCSB's constant); ``sequential`` writes keys 0, 1, 2, ...
        (an append-only log, a time-ordered id) and wraps around after ``keys``.
    seed : int, optional
        Same seed, same stream.

    Returns
    -------
    ndarray of int64
        One key per write, in 0..keys-1.

    Examples
    --------
    >>> write_keys(5, distribution="sequential").tolist()
    [0, 1, 2, 3, 4]
    """
    writes = validate.integer("writes", writes, 1, config.STORAGE_MAX_WRITES)
    keys = validate.integer("keys", writes if keys is None else keys, 1, config.STORAGE_MAX_WRITES)
    validate.choice("distribution", distribution, DISTRIBUTIONS)
    seed = resolve_seed(seed)
    if distribution == "sequential":
        return np.arange(writes, dtype=np.int64) % keys
    if distribution == "zipf":
        perm = np.random.default_rng(seed).permutation(keys)  # hot keys spread over the key space
        return perm[zipf_keys(keys, 0.99, writes, seed=seed)].astype(np.int64)
    return np.random.default_rng(seed).integers(0, keys, writes).astype(np.int64)


def _stream(writes, seed) -> tuple[np.ndarray, np.ndarray]:
    """``writes`` as dense ranks 0..d-1 (d distinct keys) and the original keys."""
    if isinstance(writes, (bool, str)) or writes is None:
        raise ValueError(f"writes must be a number of writes or an array of keys (got writes={writes!r})")
    if np.ndim(writes) == 0:
        keys = write_keys(writes, seed=seed)
    else:
        keys = np.asarray(writes)
        if keys.size == 0 or not np.issubdtype(keys.dtype, np.integer):
            raise ValueError("writes must be a non-empty array of integer keys (or a number of writes)")
        if keys.size > config.STORAGE_MAX_WRITES:
            raise ValueError(
                f"writes must hold at most config.STORAGE_MAX_WRITES = {config.STORAGE_MAX_WRITES:,} "
                f"keys (got {keys.size:,})"
            )
    _, ranks = np.unique(keys, return_inverse=True)
    return ranks.astype(np.int64).ravel(), keys


def _entries(name: str, mb: float, entry_bytes: float, lo: int = 1) -> int:
    mb = validate.positive(name, mb)
    return max(lo, int(mb * MB / entry_bytes + 1e-6))


@dataclass(frozen=True)
class LSMResult:
    """An LSM tree after a stream of writes (:func:`lsm`).

    Attributes
    ----------
    policy : str
    size_ratio : int
    levels : int
        Levels below L0, L1..Ln (leveled; ``levels_table`` adds L0), or tiers 1..n (tiered).
    memtable_entries, file_entries, level1_entries : int
        The model's sizes in entries (one entry is ``entry_bytes``).
    entry_bytes : float
    writes, distinct : int
        Writes replayed, distinct keys among them.
    write_amp : float
        Entries written by flushes and compactions over entries written by the user.
    read_amp : float
        Sorted runs a point lookup of an absent key probes without Bloom filters
        (mean over the second half of the run, the tree's steady state).
    space_amp : float
        Entries on disk over distinct keys (mean over the second half of the run).
    levels_table : DataFrame
        Per level: ``entries`` at the end, ``runs``, ``target`` entries, ``written``
        (entries written into it) and its share of ``write_amp``.
    timeline : DataFrame
        After each flush: ``writes`` so far, ``runs`` a lookup probes, ``space_amp``.
    """

    policy: str
    size_ratio: int
    levels: int
    memtable_entries: int
    file_entries: int
    level1_entries: int
    entry_bytes: float
    writes: int
    distinct: int
    write_amp: float
    read_amp: float
    space_amp: float
    levels_table: pd.DataFrame
    timeline: pd.DataFrame


def _lsm_rows(policy: str, T: int, levels, distinct: int, writes: int, mem: int, l1: int) -> int:
    """Rows of the kernel: where flushes land, then the deeper levels; the last has no limit."""
    if levels is not None:
        levels = validate.integer("levels", levels, 1, config.STORAGE_MAX_LEVELS)
        return levels + 1 if policy == "leveled" else levels
    if policy == "leveled":
        need = 1 + math.ceil(math.log(max(distinct / l1, 1.0), T) - 1e-9)
    else:
        need = max(1, math.ceil(math.log(max(writes / mem, 1.0), T) - 1e-9))
    need = min(need, config.STORAGE_MAX_LEVELS)
    return need + 1 if policy == "leveled" else need


def lsm(
    writes,
    size_ratio: int = 10,
    levels: int | None = None,
    policy: str = "leveled",
    memtable_mb: float = 64.0,
    entry_bytes: float | None = None,
    l0_trigger: int | None = None,
    file_mb: float | None = None,
    level1_mb: float | None = None,
    seed: int | None = None,
) -> LSMResult:
    """Replay a stream of writes through an LSM tree; its write, read and space amplification.

    Parameters
    ----------
    writes : int or array of int
        A number of writes (uniform keys, :func:`write_keys`) or the keys themselves.
    size_ratio : int
        T: each level's target is T times the one above (leveled), or a level
        holds T runs before they merge (tiered). 2..100.
    levels : int, optional
        Levels below L0 (leveled) or tiers (tiered); the last one has no size
        limit. Default: as many as the data needs.
    policy : {"leveled", "tiered"}
    memtable_mb : float
        Memtable size (RocksDB's ``write_buffer_size``, 64 MB by default): it
        flushes after ``memtable_mb / entry_bytes`` writes (and at the end of the stream).
    entry_bytes : float, optional
        Bytes of one entry (default ``config.STORAGE_ENTRY_BYTES``).
    l0_trigger : int, optional
        Leveled: L0 files that trigger an L0 -> L1 compaction (default
        ``config.STORAGE_L0_TRIGGER``).
    file_mb : float, optional
        Leveled: size of one file moved down by a compaction (default: the memtable's).
    level1_mb : float, optional
        Leveled: L1's target size (default: ``l0_trigger`` memtables, so L1 is as big as L0).
    seed : int, optional
        Seed of the keys when ``writes`` is a number.

    Returns
    -------
    LSMResult

    Notes
    -----
    The model follows RocksDB's level style (RocksDB Tuning Guide, "Level Style
    Compaction"; compaction picks the file overlapping the next level least,
    ``kMinOverlappingRatio``) and textbook tiering (Dayan & Idreos,
    "Dostoevsky", SIGMOD 2018, section 2). Left out: deletes and tombstones,
    compression, Bloom filters and caches, background threads (a compaction
    here happens at once), RocksDB's dynamic level sizes and its universal
    compaction's own triggers.

    Examples
    --------
    >>> r = lsm(200_000, size_ratio=10, memtable_mb=0.25, seed=1)
    >>> bool(r.write_amp > 2), r.policy
    (True, 'leveled')
    """
    validate.choice("policy", policy, POLICIES)
    T = validate.integer("size_ratio", size_ratio, 2, 100)
    entry = validate.positive(
        "entry_bytes", config.STORAGE_ENTRY_BYTES if entry_bytes is None else entry_bytes
    )
    trigger = validate.integer(
        "l0_trigger", config.STORAGE_L0_TRIGGER if l0_trigger is None else l0_trigger, 1, 64
    )
    mem = _entries("memtable_mb", memtable_mb, entry)
    files = mem if file_mb is None else _entries("file_mb", file_mb, entry)
    l1 = trigger * mem if level1_mb is None else _entries("level1_mb", level1_mb, entry)
    ranks, _ = _stream(writes, seed)
    n, distinct = ranks.size, int(ranks.max()) + 1
    mem = min(mem, n)  # a memtable bigger than the stream holds it all: one flush, at the end
    rows = _lsm_rows(policy, T, levels, distinct, n, mem, l1)
    per_row = distinct if policy == "leveled" else min(distinct * T, n) + mem
    need = 8 * (rows * per_row + 3 * (per_row + trigger * mem) + 3 * n // max(mem, 1) + 2 * n)
    if need > config.STORAGE_MAX_BYTES:
        raise ValueError(
            f"writes: this run would take about {need / 1e6:,.0f} MB, more than config.STORAGE_MAX_BYTES = "
            f"{config.STORAGE_MAX_BYTES / 1e6:,.0f} MB; replay fewer writes or fewer distinct keys"
        )
    out = kk.lsm(ranks, distinct, mem, trigger, l1, files, T, POLICIES[policy], rows)
    return _lsm_result(policy, T, rows, mem, files, l1, entry, n, distinct, out)


def _lsm_result(policy, T, rows, mem, files, l1, entry, n, distinct, out) -> LSMResult:
    written, entries, runs, s_runs, s_entries, s_distinct = out
    steady = slice(s_runs.size // 2, None)
    if policy == "leveled":
        names = ["L0", *[f"L{i}" for i in range(1, rows)]]
        target = [np.nan, *[l1 * T ** (i - 1) for i in range(1, rows - 1)], np.inf]
    else:
        names = [f"tier {i + 1}" for i in range(rows)]
        target = [np.nan] * rows
    table = pd.DataFrame(
        {
            "entries": entries,
            "runs": runs,
            "target": target[:rows] if rows > 1 else [np.inf],
            "written": written,
            "write_amp": written / n,
        },
        index=pd.Index(names, name="level"),
    )
    space = s_entries / np.maximum(s_distinct, 1)
    ends = np.minimum(np.arange(1, s_runs.size + 1) * mem, n)
    timeline = pd.DataFrame({"writes": ends, "runs": s_runs, "space_amp": space})
    return LSMResult(
        policy=policy,
        size_ratio=T,
        levels=rows - 1 if policy == "leveled" else rows,
        memtable_entries=mem,
        file_entries=files,
        level1_entries=l1,
        entry_bytes=entry,
        writes=n,
        distinct=distinct,
        write_amp=float(written.sum() / n),
        read_amp=float(s_runs[steady].mean()),
        space_amp=float(space[steady].mean()),
        levels_table=table,
        timeline=timeline,
    )


def lsm_theory(policy: str, size_ratio: int, levels: int, l0_trigger: int | None = None) -> dict:
    """The textbook estimates of an LSM tree's amplification at steady state.

    Parameters
    ----------
    policy : {"leveled", "tiered"}
    size_ratio : int
        T.
    levels : int
        Levels holding data: L1..Ln below L0 (leveled), or tiers (tiered).
    l0_trigger : int, optional
        Leveled: L0 files before an L0 -> L1 compaction (default ``config.STORAGE_L0_TRIGGER``).

    Returns
    -------
    dict
        ``write_amp``: leveled 1 (flush) + 2 (L0 -> L1, as big as L0) +
        (T-1)/2 per deeper level, the average over a level's fill (Dayan &
        Idreos, "Dostoevsky", SIGMOD 2018, eq. 12 with one run per level);
        tiered 1 + one rewrite per tier below the first. ``write_amp_upper``:
        leveled 1 + 2 + T per deeper level (RocksDB Tuning Guide, "Level Style
        Compaction": a byte merges with T bytes of the next level); tiered as
        ``write_amp``. ``read_amp``: runs an absent key's lookup probes, leveled
        (l0_trigger - 1)/2 L0 files on average + one per level (the guide's
        "number_of_level0_files + number_of_non_empty_levels"), tiered (T-1)/2
        per tier on average. ``space_amp``: leveled 1 + 1/T + 1/T^2 + ... =
        T/(T-1) when every level is full; tiered up to T (T versions of a key
        in the last tier; Dostoevsky, section 2).

    Examples
    --------
    >>> lsm_theory("leveled", 10, 4)["write_amp_upper"]
    33.0
    """
    validate.choice("policy", policy, POLICIES)
    T = validate.integer("size_ratio", size_ratio, 2, 100)
    L = validate.integer("levels", levels, 1, config.STORAGE_MAX_LEVELS)
    trigger = validate.integer(
        "l0_trigger", config.STORAGE_L0_TRIGGER if l0_trigger is None else l0_trigger, 1, 64
    )
    if policy == "leveled":
        return {
            "write_amp": 3.0 + (T - 1) / 2 * (L - 1),
            "write_amp_upper": 3.0 + float(T) * (L - 1),
            "read_amp": (trigger - 1) / 2 + L,
            "space_amp": T / (T - 1),
        }
    return {
        "write_amp": float(L),
        "write_amp_upper": float(L),
        "read_amp": (T - 1) / 2 * L,
        "space_amp": float(T),
    }


@dataclass(frozen=True)
class BTreeResult:
    """A B+tree after a stream of writes (:func:`btree`).

    Attributes
    ----------
    page_bytes, entry_bytes, cache_pages : int
    writes, distinct, leaves : int
    fill : float
        Average leaf fill: distinct keys over leaf slots.
    height : int
        Pages on the path from the root to a leaf.
    page_writes, page_reads : int
        Pages written (evicted dirty, or at the final checkpoint) and leaves read
        into the cache.
    write_amp : float
        Page bytes written over entry bytes written by the user (the WAL, one more
        copy of every write, is left out, as for :func:`lsm`).
    read_amp : float
        Pages a point lookup reads when nothing is cached: the height.
    space_amp : float
        Leaf bytes over the bytes of the distinct entries (1 / fill, and the
        slack of a page that holds a whole number of entries).
    """

    page_bytes: int
    entry_bytes: int
    cache_pages: int
    writes: int
    distinct: int
    leaves: int
    fill: float
    height: int
    page_writes: int
    page_reads: int
    write_amp: float
    read_amp: float
    space_amp: float


def btree(
    writes,
    page_bytes: int | None = None,
    entry_bytes: int | None = None,
    cache_mb: float | None = None,
    append_split: bool = True,
    checkpoint_every: int = 0,
    seed: int | None = None,
) -> BTreeResult:
    """Replay a stream of writes into a B+tree with a page cache; its amplification.

    Parameters
    ----------
    writes : int or array of int
        A number of writes (uniform keys, :func:`write_keys`) or the keys themselves.
    page_bytes : int, optional
        Page size (default ``config.STORAGE_PAGE_BYTES``).
    entry_bytes : int, optional
        Bytes of one entry (default ``config.STORAGE_ENTRY_BYTES``).
    cache_mb : float, optional
        Page cache (default ``config.STORAGE_CACHE_MB``), CLOCK replacement; at least 2 pages.
    append_split : bool
        A key past the end of the last leaf starts a new leaf instead of
        splitting the full one in half (SQLite, InnoDB), so appends fill pages.
    checkpoint_every : int
        Write every dirty page after this many writes (0: only at the end).
    seed : int, optional
        Seed of the keys when ``writes`` is a number.

    Returns
    -------
    BTreeResult

    Notes
    -----
    Random inserts leave leaves about ln 2 = 69% full (Yao, "On random 2-3
    trees", Acta Informatica 9, 1978). Left out: internal pages (one per
    ``page_bytes / 16`` leaves, taken to be cached), deletes and merges,
    overflow pages, the WAL and the free-space map.

    Examples
    --------
    >>> r = btree(50_000, seed=1)
    >>> round(r.fill, 2)
    0.69
    """
    page = validate.integer(
        "page_bytes", config.STORAGE_PAGE_BYTES if page_bytes is None else page_bytes, 512, 1 << 20
    )
    entry = validate.integer(
        "entry_bytes", config.STORAGE_ENTRY_BYTES if entry_bytes is None else entry_bytes, 1, page // 2
    )
    cache = validate.positive("cache_mb", config.STORAGE_CACHE_MB if cache_mb is None else cache_mb)
    if not isinstance(append_split, bool):
        raise ValueError(f"append_split must be True or False (got append_split={append_split!r})")
    every = validate.integer("checkpoint_every", checkpoint_every, 0, config.STORAGE_MAX_WRITES)
    ranks, _ = _stream(writes, seed)
    cap = page // entry
    pages = max(2, int(cache * MB / page))
    distinct = int(ranks.max()) + 1
    need = 8 * (2 * distinct + 2 * cap) * 4 + 16 * pages + 8 * ranks.size
    if need > config.STORAGE_MAX_BYTES or pages > 100_000_000:
        raise ValueError(
            f"writes: this run would take about {need / 1e6:,.0f} MB, more than config.STORAGE_MAX_BYTES = "
            f"{config.STORAGE_MAX_BYTES / 1e6:,.0f} MB (or cache_mb is huge); replay fewer keys"
        )
    w, r, leaves, d = kk.btree(ranks, distinct, cap, pages, append_split, every)
    fanout = page // KEY_POINTER_BYTES
    height = 1 + max(0, math.ceil(math.log(leaves, fanout) - 1e-9))
    return BTreeResult(
        page_bytes=page,
        entry_bytes=entry,
        cache_pages=pages,
        writes=int(ranks.size),
        distinct=int(d),
        leaves=int(leaves),
        fill=float(d / (leaves * cap)),
        height=height,
        page_writes=int(w),
        page_reads=int(r),
        write_amp=float(w * page / (ranks.size * entry)),
        read_amp=float(height),
        space_amp=float(leaves * page / (d * entry)),
    )


def size_ratio_sweep(
    writes, size_ratios=(2, 3, 4, 6, 8, 10, 15, 20), memtable_mb: float = 0.125, seed: int | None = None
) -> pd.DataFrame:
    """Both policies' amplification over size ratios, beside the formulas, on one stream.

    Parameters
    ----------
    writes : int or array of int
        As for :func:`lsm`.
    size_ratios : list of int
        T values (2..100).
    memtable_mb : float
        Memtable size; small, so that a short stream fills several levels.
    seed : int, optional
        Seed of the keys when ``writes`` is a number.

    Returns
    -------
    DataFrame
        One row per (policy, size_ratio): the model's ``write_amp``,
        ``read_amp``, ``space_amp``, its ``levels`` holding data, and the
        :func:`lsm_theory` estimates for that many levels (``theory_*``).
    """
    if np.ndim(writes) == 0:
        writes = write_keys(writes, seed=seed)
    ratios = np.atleast_1d(np.asarray(size_ratios))
    if ratios.size == 0 or not np.issubdtype(ratios.dtype, np.integer):
        raise ValueError(
            f"size_ratios must be a non-empty list of integers (got size_ratios={size_ratios!r})"
        )
    validate.in_range("size_ratios", ratios, 2, 100)
    rows = []
    for policy in POLICIES:
        for T in ratios.tolist():
            r = lsm(writes, size_ratio=T, policy=policy, memtable_mb=memtable_mb)
            used = (
                int((r.levels_table.entries.iloc[1:] > 0).sum())
                if policy == "leveled"
                else int((r.levels_table.written > 0).sum())
            )
            theory = lsm_theory(policy, T, max(used, 1))
            rows.append(
                {
                    "policy": policy,
                    "size_ratio": T,
                    "levels": used,
                    "write_amp": r.write_amp,
                    "read_amp": r.read_amp,
                    "space_amp": r.space_amp,
                    **{f"theory_{k}": v for k, v in theory.items()},
                }
            )
    return pd.DataFrame(rows)


ROCKSDB_STATS = ("rocksdb.flush.write.bytes", "rocksdb.compact.write.bytes")


def compare_rocksdb(
    writes, size_ratio: int = 4, memtable_mb: float = 0.25, value_bytes: int = 100, seed: int | None = None
) -> pd.DataFrame:
    """The same stream of writes through the model and through a real RocksDB (``rocksdict``).

    Parameters
    ----------
    writes : int or array of int
        As for :func:`lsm` (at most 2,000,000 here: RocksDB runs for real).
    size_ratio : int
        ``max_bytes_for_level_multiplier``.
    memtable_mb : float
        ``write_buffer_size``; L1's target is four of them, a file one.
    value_bytes : int
        Bytes of each value (keys are 8 bytes).
    seed : int, optional
        Seed of the keys when ``writes`` is a number.

    Returns
    -------
    DataFrame
        Rows ``write_amp`` and ``space_amp``, columns ``model``, ``rocksdb`` and
        ``ratio`` (model / rocksdb). ``attrs`` hold the calibration: writes per
        memtable, SST bytes per entry, RocksDB's byte counters and version notes.

    Notes
    -----
    RocksDB is run with level-style compaction, ``level_compaction_dynamic_level_bytes``
    off (static level targets, as in the model), no compression, L0 trigger 4,
    and waits after each small batch until flushes and compactions are done, as
    the model compacts at once. Its statistics ``rocksdb.flush.write.bytes`` and
    ``rocksdb.compact.write.bytes`` count bytes in its file format, so both are
    turned into entries with the SST bytes per entry of its flushes; its
    memtable also stores a skiplist node per write, so the model gets RocksDB's
    measured writes per flush. Space: entries in live SST files (its table
    properties) over distinct keys.
    """
    import rocksdict

    T = validate.integer("size_ratio", size_ratio, 2, 100)
    mem_bytes = int(validate.number("memtable_mb", memtable_mb, 0.0625, 64.0) * MB)
    value = validate.integer("value_bytes", value_bytes, 1, 1 << 16)
    ranks, keys = _stream(writes, seed)
    if ranks.size > 2_000_000:
        raise ValueError(f"writes must be at most 2,000,000 for a real RocksDB run here (got {ranks.size:,})")
    with tempfile.TemporaryDirectory(prefix="kit-rocksdb-") as folder:
        options = rocksdict.Options(raw_mode=True)
        options.create_if_missing(True)
        options.enable_statistics()
        options.set_write_buffer_size(mem_bytes)
        options.set_max_write_buffer_number(2)
        options.set_level_zero_file_num_compaction_trigger(4)
        options.set_max_bytes_for_level_base(4 * mem_bytes)
        options.set_max_bytes_for_level_multiplier(float(T))
        options.set_target_file_size_base(mem_bytes)
        options.set_level_compaction_dynamic_level_bytes(False)
        options.set_compression_type(rocksdict.DBCompressionType.none())
        db = rocksdict.Rdict(folder, options=options)
        try:
            stats = _replay(db, options, keys, value, mem_bytes)
        finally:
            db.close()
    flushes = max(stats["flushes"], 1)
    mem = max(1, round(ranks.size / flushes))
    model = lsm(ranks, size_ratio=T, memtable_mb=mem * 1.0 / MB, entry_bytes=1.0, l0_trigger=4)
    flushed = float(model.levels_table.written.iloc[0])
    per_entry = stats["rocksdb.flush.write.bytes"] / flushed  # SST bytes of one entry
    # the model in RocksDB's sizes: L1 = 4 memtables and a file = 1 memtable, in SST entries
    model = lsm(
        ranks,
        size_ratio=T,
        memtable_mb=mem / MB,
        entry_bytes=1.0,
        l0_trigger=4,
        file_mb=mem_bytes / per_entry / MB,
        level1_mb=4 * mem_bytes / per_entry / MB,
    )
    rocks_wa = (
        (stats["rocksdb.flush.write.bytes"] + stats["rocksdb.compact.write.bytes"]) / per_entry / ranks.size
    )
    rocks_sa = stats["sst_entries"] / model.distinct
    final_model_sa = float(model.levels_table.entries.sum() / model.distinct)
    table = pd.DataFrame(
        {"model": [model.write_amp, final_model_sa], "rocksdb": [rocks_wa, rocks_sa]},
        index=pd.Index(["write_amp", "space_amp"], name="amplification"),
    )
    table["ratio"] = table.model / table.rocksdb
    table.attrs.update(
        writes=int(ranks.size),
        distinct=model.distinct,
        writes_per_memtable=mem,
        sst_bytes_per_entry=per_entry,
        model=model,
        **stats,
    )
    return table


def _replay(db, options, keys: np.ndarray, value_bytes: int, mem_bytes: int) -> dict:
    """Write ``keys`` into ``db`` in small batches, letting background work finish after each."""
    import rocksdict

    packed = keys.astype(">u8").tobytes()
    payload = bytes(value_bytes)
    write_options = rocksdict.WriteOptions()
    write_options.disable_wal = True  # the WAL is not part of the write amplification compared
    batch_size = max(1, mem_bytes // (8 * (value_bytes + 40)))  # about an eighth of a memtable
    for start in range(0, keys.size, batch_size):
        batch = rocksdict.WriteBatch(raw_mode=True)
        for i in range(start, min(keys.size, start + batch_size)):
            batch.put(packed[8 * i : 8 * i + 8], payload)
        db.write(batch, write_options)
        _settle(db)
    db.flush(True)
    _settle(db)
    stats = {}
    for line in options.get_statistics().splitlines():
        parts = line.split()
        if parts and parts[0] in ROCKSDB_STATS:
            stats[parts[0]] = int(parts[-1])
        elif parts and parts[0] == "rocksdb.db.flush.micros":
            stats["flushes"] = int(parts[parts.index("COUNT") + 2])
    properties = db.property_value("rocksdb.aggregated-table-properties")
    stats["sst_entries"] = int(properties.split("# entries=")[1].split(";")[0])
    return stats


def _settle(db, timeout_s: float = 60.0) -> None:
    """Wait until RocksDB has no flush or compaction pending or running."""
    deadline = time.monotonic() + timeout_s
    busy = (
        "rocksdb.mem-table-flush-pending",
        "rocksdb.num-running-flushes",
        "rocksdb.compaction-pending",
        "rocksdb.num-running-compactions",
    )
    while any(db.property_int_value(p) for p in busy):
        if time.monotonic() > deadline:
            raise RuntimeError("RocksDB did not finish its background work within a minute")
        time.sleep(0.002)
