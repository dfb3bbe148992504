"""The real engines: same data, same answers (checked against pandas), measured within bounds."""

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from kit import config, storage

ROWS, SEED = 3_000, 5
OPS = {
    "point_read": 50,
    "range_scan": 10,
    "index_lookup": 20,
    "aggregate": 1,
    "write_burst": 15,
    "update": 15,
}


@pytest.fixture(scope="module")
def found():
    return {name: storage.answers(name, ROWS, seed=SEED, ops=OPS) for name in storage.ENGINES}


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in df[list(storage.COLUMNS)].itertuples(index=False, name=None)]


def _reference(df: pd.DataFrame, pattern: str, arg):
    """What pandas says the answer to one operation on ``df`` is."""
    if pattern == "point_read":
        hit = df[df.order_id == arg]
        return _rows(hit)[0] if len(hit) else None
    if pattern == "range_scan":
        return _rows(df[(df.order_id >= arg) & (df.order_id < arg + config.STORAGE_RANGE_ROWS)])
    if pattern == "index_lookup":
        return _rows(df[df.customer_id == arg].sort_values("order_id"))
    groups = df.groupby("status").amount_cents.agg(["count", "sum"]).sort_index()
    return [(s, int(n), int(t)) for s, (n, t) in groups.iterrows()]


def test_every_engine_gives_the_same_answers(found):
    base = found["sqlite"]
    assert set(base) == set(storage.PATTERNS)
    for name, answers in found.items():
        for pattern in storage.PATTERNS:
            assert answers[pattern] == base[pattern], f"{name} differs from sqlite on {pattern}"


def test_answers_are_those_of_the_data_itself(found):
    """An independent reference: the same operations on the DataFrame, with pandas."""
    from kit.storage.workload import make_workload

    work = make_workload(ROWS, SEED, OPS, 0)
    df = work.data
    for pattern in ("point_read", "range_scan", "index_lookup", "aggregate"):
        expected = [_reference(df, pattern, arg) for arg in work.ops[pattern][0]]
        assert found["sqlite"][pattern] == expected, pattern
    new = pd.DataFrame(work.ops["write_burst"][0], columns=list(storage.COLUMNS))
    after_writes = pd.concat([df, new], ignore_index=True)
    updated = after_writes.copy()
    for order_id, status in work.ops["update"][0]:
        updated.loc[updated.order_id == order_id, "status"] = status
    assert found["sqlite"]["update"]["aggregate"] == _reference(updated, "aggregate", None)
    read_back = [_reference(updated, "point_read", i) for i in [r[0] for r in work.ops["write_burst"][0]]]
    assert found["lmdb"]["update"]["read_back"][: len(read_back)] == read_back


def test_customers_are_skewed_and_lookups_follow_the_orders(found):
    """A few customers place most orders, and lookups (drawn like orders) meet them often."""
    df = storage.orders(ROWS, seed=SEED)
    per_customer = df.customer_id.value_counts()
    assert per_customer.iloc[0] > 10 * per_customer.mean()
    sizes = [len(r) for r in found["rocksdb"]["index_lookup"]]
    assert min(sizes) >= 1 and sum(sizes) / len(sizes) > 3 * per_customer.mean()


def test_benchmark_measures_every_pair_and_removes_its_files(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this call's folders alone, not another worker's
    before = set(Path(tempfile.gettempdir()).glob("kit-storage-*"))
    table = storage.benchmark(
        None,
        ["point_read", "write_burst"],
        1_000,
        seed=1,
        durability="os",
        ops={"point_read": 100, "write_burst": 20},
        repeats=2,
        progress=False,
    )
    assert set(Path(tempfile.gettempdir()).glob("kit-storage-*")) == before
    assert len(table) == len(storage.ENGINES) * 2
    assert (table.ops_per_s > 0).all() and (table.bytes_on_disk > 10_000).all()
    assert (table.ops_per_s_min <= table.ops_per_s).all() and (table.ops_per_s <= table.ops_per_s_max).all()
    assert table.attrs == {"rows": 1_000, "seed": 1, "durability": "os", "repeats": 2}


def test_a_slow_batch_stops_at_the_time_budget():
    config.STORAGE_BATCH_S = 0.01
    try:
        table = storage.benchmark(
            ["duckdb"], ["point_read"], 500, seed=1, ops={"point_read": 100_000}, repeats=1, progress=False
        )
    finally:
        config.reset()
    assert table.ops_per_s.iloc[0] < 1e6  # it ran; the 100,000 lookups were cut short, not all waited for


def test_engine_table_states_every_durability_setting():
    table = storage.engine_table()
    assert list(table.index) == list(storage.ENGINES)
    for d in storage.DURABILITY:
        assert table[f"durability={d}"].str.len().min() > 20


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"engines": ["oracle"]}, "engines"),
        ({"patterns": ["full_text"]}, "patterns"),
        ({"rows": 0}, "rows"),
        ({"rows": config.STORAGE_MAX_ROWS + 1}, "rows"),
        ({"durability": "paper"}, "durability"),
        ({"ops": {"point_read": 0}}, "ops"),
        ({"ops": {"teleport": 1}}, "ops"),
        ({"progress": "yes"}, "progress"),
    ],
)
def test_bad_benchmark_input_is_refused_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        storage.benchmark(**{"rows": 100, "progress": False, **kwargs})
