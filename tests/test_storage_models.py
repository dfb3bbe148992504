"""Data models and indexes: every layout answers alike; the planner's verdicts; the index's price."""

import pytest

from kit import storage
from kit.storage.models import classify


@pytest.fixture(scope="module")
def models():
    return storage.data_models(2_000, seed=3)


def test_every_layout_gives_the_same_answer(models):
    for query in storage.QUERIES:
        answers = {layout: models.answers[(layout, query)] for layout in storage.LAYOUTS}
        assert answers["normalised"], query
        assert all(a == answers["normalised"] for a in answers.values()), query


def test_answers_match_the_data(models):
    df = storage.orders(2_000, seed=3)
    placed = int((df.status == "placed").sum())
    assert models.answers[("wide_column", "orders_in_status")] == [(placed,)]
    total = sum(t for _, t in models.answers[("key_value", "revenue_by_country")])
    assert total == int(df.amount_cents.sum())
    busiest = df.customer_id.value_counts().index[0]
    newest = df[df.customer_id == busiest].sort_values(["created_s", "order_id"]).order_id.iloc[::-1][:10]
    assert models.answers[("document", "recent_orders")] == [(int(i),) for i in newest]


def test_the_planner_sees_joins_lookups_and_scans_where_the_shapes_put_them(models):
    kind = models.table.kind
    assert kind[("normalised", "order_by_id")] == "join"
    for layout in ("document", "key_value", "wide_column"):
        assert kind[(layout, "order_by_id")] == "lookup", layout  # denormalised: one read
    assert kind[("document", "recent_orders")].startswith("scan")
    for layout in ("normalised", "key_value", "wide_column"):
        assert kind[(layout, "recent_orders")] == "range read", layout
    for layout in storage.LAYOUTS:
        assert kind[(layout, "orders_in_status")].startswith("scan"), layout  # nothing indexes status
    steps = models.table.vm_steps
    assert steps[("wide_column", "recent_orders")] * 10 < steps[("document", "recent_orders")]


@pytest.mark.parametrize(
    ("plan", "kind"),
    [
        (["SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"], "lookup"),
        (["SEARCH t USING PRIMARY KEY (k>? AND k<?)"], "range read"),
        (["SCAN t", "USE TEMP B-TREE FOR ORDER BY"], "scan + sort"),
        (
            ["SEARCH o USING INTEGER PRIMARY KEY (rowid=?)", "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"],
            "join",
        ),
    ],
)
def test_classify_reads_plans(plan, kind):
    assert classify(plan) == kind


def test_a_secondary_index_turns_a_scan_into_a_search_and_costs_space():
    t = storage.index_cost(5_000, seed=1)
    assert t.loc["without index", "plan"].startswith("SCAN")
    assert (
        t.loc["with index", "plan"].startswith("SEARCH")
        and "orders_by_customer" in t.loc["with index", "plan"]
    )
    assert t.loc["with index", "bytes_on_disk"] > t.loc["without index", "bytes_on_disk"]
    assert (t[["insert_us", "lookup_us"]] > 0).all().all()


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="rows"):
        storage.data_models(0)
    with pytest.raises(ValueError, match="inserts"):
        storage.index_cost(100, inserts=0)
