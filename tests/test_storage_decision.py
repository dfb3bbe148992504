"""The questionnaire: choices that follow from the needs, and from the measurements."""

import pandas as pd
import pytest

from kit import config, storage
from kit.storage import exercises


def test_transactions_and_joins_on_one_server_mean_postgres():
    rec = storage.recommend(**exercises.LEDGER)
    assert rec.choice == "relational" and "Postgres" in rec.explain()


def test_huge_write_heavy_range_reads_without_joins_mean_wide_column():
    assert storage.recommend(**exercises.FEED).choice == "wide_column"


def test_analytics_go_to_the_column_store():
    rec = storage.recommend(
        read_fraction=0.99,
        point=0.0,
        range=0.1,
        aggregate=0.9,
        joins=False,
        consistency="eventual",
        data_gb=5_000.0,
    )
    assert rec.choice == "column_store"


def test_relational_wins_ties():
    rec = storage.recommend(joins=False, consistency="eventual")
    assert rec.scores.total.max() == 0 and rec.choice == "relational"


def test_data_beyond_one_node_moves_the_choice():
    small = storage.recommend(joins=False, consistency="eventual", schema="evolving", data_gb=10.0)
    big = storage.recommend(
        joins=False, consistency="eventual", schema="evolving", data_gb=10 * config.STORAGE_ONE_NODE_GB
    )
    assert small.choice == "document" and big.choice in ("key_value", "wide_column")


def _measured(fast: str) -> pd.DataFrame:
    """A benchmark table where engine ``fast`` is 100x faster than the rest at everything."""
    rows = [
        {"engine": e, "pattern": p, "ops_per_s": 100_000.0 if e == fast else 1_000.0, "bytes_on_disk": 1}
        for e in storage.ENGINES
        for p in storage.PATTERNS
    ]
    return pd.DataFrame(rows)


def test_measurements_are_scored_and_can_decide():
    plain = dict(joins=False, consistency="eventual")
    assert storage.recommend(**plain).choice == "relational"
    rec = storage.recommend(measurements=_measured("duckdb"), **plain)
    assert rec.choice == "column_store"
    assert rec.scores.loc["column_store", "measured speed"] == pytest.approx(3.0)
    assert rec.scores.loc["relational", "measured speed"] == pytest.approx(0.0)  # 100x slower: no points


def test_writes_beyond_one_server_count_as_scale_whatever_one_connection_measured():
    table = _measured("duckdb")  # sqlite at 1,000 commits/s: one connection, not a server's group commit
    near = storage.recommend(measurements=table, writes_per_s=config.STORAGE_ONE_NODE_WRITES / 2)
    far = storage.recommend(measurements=table, writes_per_s=config.STORAGE_ONE_NODE_WRITES * 2)
    assert near.scores.loc["relational", "beyond_one_node"] == 0
    assert far.scores.loc["relational", "beyond_one_node"] < 0


def test_an_order_system_measured_here_still_means_postgres():
    """Mostly point reads, joins, transactions: the relational family wins even where a column
    store's fast aggregate and a fast write path were measured."""
    table = _measured("duckdb")
    rec = storage.recommend(measurements=table, **exercises.LEDGER)
    assert rec.choice == "relational"


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"read_fraction": 1.5}, "read_fraction"),
        ({"consistency": "eventually"}, "consistency"),
        ({"schema": 3}, "schema"),
        ({"joins": "yes"}, "joins"),
        ({"point": 0.0, "range": 0.0, "aggregate": 0.0}, "point"),
        ({"measurements": [1, 2]}, "measurements"),
    ],
)
def test_bad_answers_are_refused_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        storage.recommend(**kwargs)
