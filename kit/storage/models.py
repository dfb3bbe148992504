"""Indexes and data models: the same orders shaped four ways, and what each shape costs a query.

All four layouts live in SQLite so that one query planner judges them:
``EXPLAIN QUERY PLAN`` says whether a query is one lookup, a range read, a
join or a full scan, and a progress handler counts the virtual-machine
instructions the query took (the work done, independent of the clock).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import derive_seed, resolve_seed
from . import dataset
from .engines import folder_bytes

COUNTRIES = ("DE", "FR", "GB", "IT", "ES", "NL", "PL", "SE", "US", "JP")
LAYOUTS = {
    "normalised": "customers and orders in their own tables, joined by customer_id",
    "document": "one JSON document per order with its customer embedded (denormalised)",
    "key_value": "opaque values under composite string keys, read by key or key prefix",
    "wide_column": "single-table design: partition key + clustering key, several entity types",
}
"""The four shapes of the same data."""
QUERIES = {
    "order_by_id": "an order with its customer's name and country",
    "recent_orders": "a customer's 10 most recent orders",
    "revenue_by_country": "revenue per customer country, all orders",
    "orders_in_status": "how many orders are 'placed' (not yet paid)",
}
"""The access patterns each layout is asked to answer."""
_STEP = 100  # progress-handler granularity: one tick per 100 SQLite VM instructions

_SCHEMAS = {
    "normalised": [
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT, country TEXT)",
        "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER, created_s INTEGER, "
        "status TEXT, amount_cents INTEGER, items INTEGER)",
        "CREATE INDEX orders_by_customer ON orders (customer_id, created_s)",
    ],
    "document": ["CREATE TABLE docs (order_id INTEGER PRIMARY KEY, body TEXT)"],
    "key_value": ["CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID"],
    "wide_column": [
        "CREATE TABLE wide (pk TEXT, ck TEXT, value TEXT, PRIMARY KEY (pk, ck)) WITHOUT ROWID",
    ],
}
_ORDER_FIELDS = ("order_id", "created_s", "status", "amount_cents", "items")
_SQL = {  # query -> layout -> SQL; every answer is normalised to the same rows by _normalise
    "order_by_id": {
        "normalised": "SELECT o.order_id, c.name, c.country, o.amount_cents FROM orders o "
        "JOIN customers c ON c.customer_id = o.customer_id WHERE o.order_id = :order_id",
        "document": "SELECT body FROM docs WHERE order_id = :order_id",
        "key_value": "SELECT value FROM kv WHERE key = 'order#' || printf('%012d', :order_id)",
        "wide_column": "SELECT value FROM wide WHERE pk = 'order#' || printf('%012d', :order_id) "
        "AND ck = 'order'",
    },
    "recent_orders": {
        "normalised": "SELECT order_id FROM orders WHERE customer_id = :customer_id "
        "ORDER BY created_s DESC, order_id DESC LIMIT 10",
        "document": "SELECT body FROM docs WHERE json_extract(body, '$.customer.id') = :customer_id "
        "ORDER BY json_extract(body, '$.created_s') DESC, order_id DESC LIMIT 10",
        "key_value": "SELECT value FROM kv "
        "WHERE key > 'customer#' || printf('%012d', :customer_id) || '#order#' "
        "AND key < 'customer#' || printf('%012d', :customer_id) || '#order$' ORDER BY key DESC LIMIT 10",
        "wide_column": "SELECT value FROM wide WHERE pk = 'customer#' || printf('%012d', :customer_id) "
        "AND ck > 'order#' AND ck < 'order$' ORDER BY ck DESC LIMIT 10",
    },
    "revenue_by_country": {
        "normalised": "SELECT c.country, SUM(o.amount_cents) FROM orders o "
        "JOIN customers c ON c.customer_id = o.customer_id GROUP BY c.country ORDER BY c.country",
        "document": "SELECT json_extract(body, '$.customer.country') AS country, "
        "SUM(json_extract(body, '$.amount_cents')) FROM docs GROUP BY country ORDER BY country",
        "key_value": "SELECT value FROM kv WHERE key > 'order#' AND key < 'order$'",
        "wide_column": "SELECT value FROM wide WHERE pk > 'order#' AND pk < 'order$' AND ck = 'order'",
    },
    "orders_in_status": {
        "normalised": "SELECT COUNT(*) FROM orders WHERE status = 'placed'",
        "document": "SELECT COUNT(*) FROM docs WHERE json_extract(body, '$.status') = 'placed'",
        "key_value": "SELECT value FROM kv WHERE key > 'order#' AND key < 'order$'",
        "wide_column": "SELECT value FROM wide WHERE pk > 'order#' AND pk < 'order$' AND ck = 'order'",
    },
}


def customers(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The customers of ``df``: a name and a country each."""
    ids = np.unique(df.customer_id.to_numpy())
    rng = np.random.default_rng(derive_seed(seed, 5))
    country = np.asarray(COUNTRIES, dtype=object)[rng.integers(0, len(COUNTRIES), ids.size)]
    return pd.DataFrame({"customer_id": ids, "name": [f"customer {i}" for i in ids], "country": country})


def _key(kind: str, i: int) -> str:
    return f"{kind}#{i:012d}"  # fixed width: string order is numeric order


def _load(con: sqlite3.Connection, df: pd.DataFrame, people: pd.DataFrame) -> None:
    """Every layout's tables, filled from the same orders and customers."""
    for statements in _SCHEMAS.values():
        for sql in statements:
            con.execute(sql)
    who = {
        r.customer_id: {"id": r.customer_id, "name": r.name, "country": r.country}
        for r in people.itertuples()
    }
    con.executemany("INSERT INTO customers VALUES (?, ?, ?)", people.itertuples(index=False, name=None))
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", df.itertuples(index=False, name=None))
    docs, kv, wide = [], [], []
    for r in df.itertuples(index=False):
        order = {f: getattr(r, f) for f in _ORDER_FIELDS} | {"customer": who[r.customer_id]}
        body = json.dumps(order)
        docs.append((r.order_id, body))
        kv.append((_key("order", r.order_id), body))
        recent = f"{_key('customer', r.customer_id)}#order#{r.created_s:012d}#{r.order_id:012d}"
        kv.append((recent, body))  # the same order again, under the key a customer's history reads
        wide.append((_key("order", r.order_id), "order", body))
        wide.append((_key("customer", r.customer_id), f"order#{r.created_s:012d}#{r.order_id:012d}", body))
    for c in who.values():
        kv.append((_key("customer", c["id"]), json.dumps(c)))
        wide.append((_key("customer", c["id"]), "profile", json.dumps(c)))
    con.executemany("INSERT INTO docs VALUES (?, ?)", docs)
    con.executemany("INSERT INTO kv VALUES (?, ?)", kv)
    con.executemany("INSERT INTO wide VALUES (?, ?, ?)", wide)
    con.commit()


def classify(plan: list[str]) -> str:
    """How a query reads, from its ``EXPLAIN QUERY PLAN`` lines.

    ``scan`` if any table is read whole; ``join`` if several tables are
    searched; ``range read`` if one key range is searched; ``lookup``
    otherwise. ``+ sort`` when SQLite must sort the result itself.
    """
    tables = {line.split()[1] for line in plan if line.startswith(("SEARCH", "SCAN"))}
    scans = [line for line in plan if line.startswith("SCAN") and "CONSTANT ROW" not in line]
    if scans:
        kind = "scan"
    elif len(tables) > 1:
        kind = "join"
    elif any(op in line for line in plan for op in (">", "<")):
        kind = "range read"
    else:
        kind = "lookup"
    return kind + (" + sort" if any("TEMP B-TREE" in line for line in plan) else "")


def _normalise(query: str, layout: str, rows: list[tuple]) -> list[tuple]:
    """The layout's raw rows as the answer every layout must agree on."""
    if layout == "normalised" or (
        layout == "document" and query in ("revenue_by_country", "orders_in_status")
    ):
        if query == "recent_orders":
            return [(r[0],) for r in rows]
        return [tuple(r) for r in rows]
    docs = [json.loads(r[0]) for r in rows]
    if query == "order_by_id":
        return [
            (d["order_id"], d["customer"]["name"], d["customer"]["country"], d["amount_cents"]) for d in docs
        ]
    if query == "recent_orders":
        return [(d["order_id"],) for d in docs]
    if query == "revenue_by_country":  # the application aggregates what it read
        totals = {}
        for d in docs:
            totals[d["customer"]["country"]] = totals.get(d["customer"]["country"], 0) + d["amount_cents"]
        return sorted(totals.items())
    return [(sum(d["status"] == "placed" for d in docs),)]


@dataclass(frozen=True)
class DataModels:
    """The same orders in four layouts, and how each answers each query (:func:`data_models`).

    Attributes
    ----------
    table : DataFrame
        One row per (layout, query): ``kind`` (lookup, range read, join, scan;
        ``+ sort`` when SQLite sorts; a lookup returning several neighbouring rows is a
        range read, a key range over every order a scan), ``vm_steps`` (SQLite instructions, in
        hundreds: the work), ``rows`` returned to the application, ``plan``.
    answers : dict
        ``{(layout, query): rows}``, normalised so that layouts can be compared.
    schemas : dict
        ``{layout: [CREATE statements]}``.
    sql : dict
        ``{(layout, query): the SQL run}``.
    """

    table: pd.DataFrame
    answers: dict
    schemas: dict
    sql: dict


def data_models(rows: int | None = None, seed: int | None = None) -> DataModels:
    """Load the orders in four layouts (in-memory SQLite) and run every query on each.

    Parameters
    ----------
    rows : int, optional
        Orders (default ``config.STORAGE_ROWS`` / 10; at most ``config.STORAGE_MAX_ROWS`` / 10).
    seed : int, optional
        Same seed, same data and query parameters.

    Returns
    -------
    DataModels

    Notes
    -----
    The key-value and wide-column layouts store each order twice, under the
    keys of the two queries that need it (by id, and under its customer by
    time), as single-table design does (DeBrie, *The DynamoDB Book*, 2020,
    chapters 9 and 10); the aggregate and the status count then read every
    order, in the application. SQLite runs them all, so the shapes, not the
    engines, differ.

    Examples
    --------
    >>> m = data_models(500, seed=1)
    >>> m.table.loc[("normalised", "order_by_id"), "kind"]
    'join'
    """
    limit = config.STORAGE_MAX_ROWS // 10
    rows = validate.integer("rows", max(1, config.STORAGE_ROWS // 10) if rows is None else rows, 1, limit)
    seed = resolve_seed(seed)
    df = dataset.orders(rows, seed=seed)
    people = customers(df, seed)
    busiest = int(df.customer_id.value_counts().index[0])
    params = {"order_id": int(df.order_id.iloc[len(df) // 2]), "customer_id": busiest}
    con = sqlite3.connect(":memory:")
    try:
        _load(con, df, people)
        steps = [0]

        def tick():
            steps[0] += 1
            return 0

        con.set_progress_handler(tick, _STEP)
        out, answers, sql_used = [], {}, {}
        for layout in LAYOUTS:
            for query, by_layout in _SQL.items():
                sql = by_layout[layout]
                plan = [r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params)]
                steps[0] = 0
                found = con.execute(sql, params).fetchall()
                answers[(layout, query)] = _normalise(query, layout, found)
                sql_used[(layout, query)] = sql
                kind = classify(plan)
                if kind.startswith("lookup") and len(found) > 1:  # one seek, then neighbouring entries
                    kind = kind.replace("lookup", "range read")
                elif kind.startswith("range read") and len(found) >= rows:  # a key range over every order
                    kind = kind.replace("range read", "scan")
                out.append((layout, query, kind, steps[0], len(found), "; ".join(plan)))
    finally:
        con.close()
    table = pd.DataFrame(out, columns=["layout", "query", "kind", "vm_steps", "rows", "plan"])
    return DataModels(table.set_index(["layout", "query"]), answers, dict(_SCHEMAS), sql_used)


def index_cost(rows: int | None = None, inserts: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """SQLite with and without a secondary index on ``customer_id``: what the index buys and costs.

    Parameters
    ----------
    rows : int, optional
        Orders loaded first (default ``config.STORAGE_ROWS``).
    inserts : int, optional
        New orders then inserted, one transaction for all, timed (default ``rows`` / 10).
    seed : int, optional
        Same seed, same data.

    Returns
    -------
    DataFrame
        Index ``without index``, ``with index``; columns ``insert_us`` (microseconds
        per inserted order), ``lookup_us`` (per lookup of one customer's orders; customers drawn uniformly),
        ``bytes_on_disk``, ``plan`` (``EXPLAIN QUERY PLAN`` of the lookup).

    Notes
    -----
    Inserts share one transaction so that the fsync of a commit does not hide
    the index's work: every insert also writes the index's B-tree. Timings are
    this machine's, noisy; the plan and the bytes are exact.

    Examples
    --------
    >>> t = index_cost(2_000, seed=1)
    >>> t.loc["with index", "plan"].startswith("SEARCH")
    True
    """
    rows = validate.integer("rows", config.STORAGE_ROWS if rows is None else rows, 1, config.STORAGE_MAX_ROWS)
    inserts = validate.integer(
        "inserts", max(1, rows // 10) if inserts is None else inserts, 1, config.STORAGE_MAX_ROWS
    )
    seed = resolve_seed(seed)
    df = dataset.orders(rows + inserts, seed=seed)
    base, extra = df.iloc[:rows], df.iloc[rows:]
    # typical customers (drawn uniformly, not weighted by orders): the selective lookup an index is for
    known = pd.Series(base.customer_id.unique())
    lookups = known.sample(min(200, rows), random_state=derive_seed(seed, 6), replace=True).tolist()
    sql = "SELECT * FROM orders WHERE customer_id = ?"
    out = {}
    with tempfile.TemporaryDirectory(prefix="kit-index-") as folder:
        for label, indexed in (("without index", False), ("with index", True)):
            path = Path(folder) / label.replace(" ", "_")
            path.mkdir()
            con = sqlite3.connect(path / "orders.db")
            con.execute(_SCHEMAS["normalised"][1])
            if indexed:
                con.execute("CREATE INDEX orders_by_customer ON orders (customer_id)")
            con.executemany(
                "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", base.itertuples(index=False, name=None)
            )
            con.commit()
            start = time.perf_counter()
            con.executemany(
                "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", extra.itertuples(index=False, name=None)
            )
            con.commit()
            insert_s = time.perf_counter() - start
            plan = "; ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, (1,)))
            start = time.perf_counter()
            for c in lookups:
                con.execute(sql, (c,)).fetchall()
            lookup_s = time.perf_counter() - start
            con.close()
            out[label] = {
                "insert_us": 1e6 * insert_s / len(extra),
                "lookup_us": 1e6 * lookup_s / len(lookups),
                "bytes_on_disk": folder_bytes(path),
                "plan": plan,
            }
    return pd.DataFrame(out).T.astype({"insert_us": float, "lookup_us": float, "bytes_on_disk": int})
