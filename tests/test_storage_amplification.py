"""The LSM and B-tree models: against plain-Python references, the textbook formulas and RocksDB."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, storage
from kit.storage import _kernels as kk

from . import naive

MB = 2**20


def _leveled(keys, mem, trigger, l1, files, T, levels):
    ranks = np.unique(keys, return_inverse=True)[1].astype(np.int64)
    out = kk.lsm(ranks, int(ranks.max()) + 1, mem, trigger, l1, files, T, kk.LEVELED, levels + 1)
    return out[0].tolist()


@settings(max_examples=60)
@given(
    keys=st.lists(st.integers(0, 60), min_size=1, max_size=400),
    mem=st.integers(1, 12),
    trigger=st.integers(1, 4),
    files=st.integers(1, 10),
    T=st.integers(2, 5),
    levels=st.integers(1, 4),
)
def test_leveled_kernel_writes_what_the_reference_writes(keys, mem, trigger, files, T, levels):
    l1 = trigger * mem
    assert _leveled(keys, mem, trigger, l1, files, T, levels) == naive.lsm_leveled(
        keys, mem, trigger, l1, files, T, levels
    )


@settings(max_examples=60)
@given(
    keys=st.lists(st.integers(0, 60), min_size=1, max_size=400),
    mem=st.integers(1, 12),
    T=st.integers(2, 5),
    tiers=st.integers(1, 4),
)
def test_tiered_kernel_writes_what_the_reference_writes(keys, mem, T, tiers):
    ranks = np.unique(keys, return_inverse=True)[1].astype(np.int64)
    out = kk.lsm(ranks, int(ranks.max()) + 1, mem, 1, mem, mem, T, kk.TIERED, tiers)
    assert out[0].tolist() == naive.lsm_tiered(keys, mem, T, tiers)


def test_sequential_keys_move_down_without_rewrites():
    """Appends never overlap what is below: every file is a trivial move, write amp 1 (the flush)."""
    r = storage.lsm(
        storage.write_keys(50_000, distribution="sequential"),
        size_ratio=4,
        memtable_mb=500 / MB,
        entry_bytes=1.0,
    )
    assert r.write_amp == 1.0 and r.space_amp == pytest.approx(1.0)


def _steady(policy, T, writes=None):
    """Updates over a fixed key set sized so that L3 holds every key at T times L2 (full levels)."""
    mem = 100
    keys = storage.write_keys(writes or 20 * 4 * mem * T**2, 4 * mem * T**2, seed=3)
    return storage.lsm(keys, size_ratio=T, policy=policy, memtable_mb=mem / MB, entry_bytes=1.0)


@pytest.mark.parametrize("T", [4, 6, 10])
def test_leveled_write_amp_at_steady_state_matches_dostoevsky_below_the_guides_bound(T):
    r = _steady("leveled", T)
    levels = int((r.levels_table.entries.iloc[1:] > 0).sum())
    theory = storage.lsm_theory("leveled", T, levels)
    assert levels == 3
    assert r.write_amp == pytest.approx(theory["write_amp"], rel=0.15)  # 3 + (T-1)/2 (L-1)
    assert r.write_amp < theory["write_amp_upper"]  # 3 + T (L-1), the RocksDB guide's estimate
    per_level = r.levels_table.write_amp.iloc[2:].to_numpy()  # L2, L3: each about (T-1)/2
    assert np.all(np.abs(per_level - (T - 1) / 2) < 0.25 * T)
    assert r.space_amp == pytest.approx(T / (T - 1), rel=0.05)
    assert r.read_amp == pytest.approx(theory["read_amp"], abs=0.6)


@pytest.mark.parametrize("T", [3, 4, 10])
def test_tiered_rewrites_each_entry_about_once_per_tier(T):
    mem = 100
    writes = mem * T**3  # exactly fills tiers 1..3 once: T^3 flushes
    r = storage.lsm(
        storage.write_keys(writes, writes * 100, seed=4),
        size_ratio=T,
        policy="tiered",
        levels=4,
        memtable_mb=mem / MB,
        entry_bytes=1.0,
    )
    assert r.levels_table.write_amp.iloc[:4].to_numpy() == pytest.approx([1.0] * 4, rel=0.05)
    assert r.write_amp == pytest.approx(storage.lsm_theory("tiered", T, 4)["write_amp"], rel=0.05)


def test_tiered_trades_write_amp_for_read_and_space_amp():
    leveled, tiered = _steady("leveled", 10, 200_000), _steady("tiered", 10, 200_000)
    assert tiered.write_amp < leveled.write_amp / 2
    assert tiered.read_amp > leveled.read_amp and tiered.space_amp > leveled.space_amp
    assert tiered.space_amp <= storage.lsm_theory("tiered", 10, tiered.levels)["space_amp"]


def test_btree_random_inserts_fill_leaves_ln2_and_appends_fill_them():
    """Yao (1978): random inserts leave B-tree nodes ln 2 full; an append split fills them."""
    random = storage.btree(200_000, seed=1)
    assert random.fill == pytest.approx(math.log(2), abs=0.02)
    seq = storage.btree(storage.write_keys(50_000, distribution="sequential"))
    halves = storage.btree(storage.write_keys(50_000, distribution="sequential"), append_split=False)
    assert seq.fill > 0.99 and halves.fill == pytest.approx(0.5, abs=0.01)
    assert seq.space_amp < random.space_amp < halves.space_amp


@settings(max_examples=60)
@given(
    keys=st.lists(st.integers(0, 80), min_size=1, max_size=300),
    cap=st.integers(2, 6),
    cache=st.integers(2, 6),
    append=st.booleans(),
)
def test_btree_kernel_matches_the_reference_leaves_and_page_io(keys, cap, cache, append):
    ranks = np.unique(keys, return_inverse=True)[1].astype(np.int64)
    writes, reads, leaves, distinct = kk.btree(ranks, int(ranks.max()) + 1, cap, cache, append, 0)
    ref_leaves, touches, no_read = naive.btree_leaves(ranks.tolist(), cap, append)
    assert leaves == len(ref_leaves) and distinct == len(set(keys))
    assert [k for leaf in ref_leaves for k in leaf] == sorted(set(ranks.tolist()))
    assert (writes, reads) == naive.clock_page_io(touches, no_read, cache)


def test_btree_writes_a_page_per_update_once_the_cache_is_too_small():
    """Random updates to a tree 100x the cache: nearly every write dirties and later evicts a page."""
    keys = storage.write_keys(100_000, 20_000, seed=2)
    small = storage.btree(keys, cache_mb=8 * 4096 / MB)
    big = storage.btree(keys, cache_mb=64.0)
    per_write = small.page_writes / small.writes
    assert per_write > 0.9  # a 4 KB page for each 128-byte write: write amp ~ 32
    assert small.write_amp == pytest.approx(per_write * 4096 / 128)
    assert big.page_writes == big.leaves  # everything fits: each page is written once, at the end


def test_lsm_refuses_bad_input_by_name():
    with pytest.raises(ValueError, match="size_ratio"):
        storage.lsm(100, size_ratio=1)
    with pytest.raises(ValueError, match="policy"):
        storage.lsm(100, policy="universal")
    with pytest.raises(ValueError, match="writes"):
        storage.lsm([])
    with pytest.raises(ValueError, match="writes"):
        storage.lsm(config.STORAGE_MAX_WRITES + 1)


def test_memory_limit_is_checked_before_the_run():
    config.STORAGE_MAX_BYTES = 1_000
    try:
        with pytest.raises(ValueError, match="STORAGE_MAX_BYTES"):
            storage.lsm(10_000)
    finally:
        config.reset()


@pytest.mark.parametrize("T", [4, 10])
def test_model_matches_rocksdbs_own_statistics(T):
    """Same stream through a real RocksDB: flush + compaction bytes over user bytes, within 15%."""
    pytest.importorskip("rocksdict")
    keys = storage.write_keys(120_000, 40_000, seed=1)
    table = storage.compare_rocksdb(keys, size_ratio=T, memtable_mb=0.25)
    assert table.attrs["flushes"] > 20  # enough flushes to fill several levels
    assert table.loc["write_amp", "rocksdb"] > 2.5  # compactions happened: this is not flushes alone
    assert table.loc["write_amp", "ratio"] == pytest.approx(1.0, abs=0.15)
    assert table.loc["space_amp", "ratio"] == pytest.approx(1.0, abs=0.15)
