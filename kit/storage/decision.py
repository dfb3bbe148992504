"""Choosing a store from the access patterns: a questionnaire scored against the measurements.

Each store family gets points on each question, with the reason; where the
engines were measured (:func:`kit.storage.benchmark`), the workload's mix of
operations is priced with the measured ops/s of the family's nearest engine.
The family with the most points wins, and a relational database wins ties:
one system most teams already run well covers documents (JSON columns),
key-value access and moderate analytics until a measured need says otherwise
(McKinley, "Choose Boring Technology", 2015).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from .. import config
from ..core import validate

FAMILIES = {
    "relational": "Postgres (or MySQL): row store on B-trees, SQL, joins, transactions",
    "document": "MongoDB (or Postgres JSONB): one document per entity, flexible schema",
    "key_value": "DynamoDB (or RocksDB embedded): get/put by key, partitioned, LSM or B-tree",
    "wide_column": "Cassandra (or ScyllaDB, Bigtable): partition + clustering keys, LSM, scales out writes",
    "column_store": "ClickHouse (or BigQuery, DuckDB embedded): columns, scans and aggregates",
}
"""The store families the questionnaire scores, with what they stand for."""
MEASURED_BY = {
    "relational": "sqlite",
    "document": "lmdb",
    "key_value": "rocksdb",
    "wide_column": "rocksdb",
    "column_store": "duckdb",
}
"""The engine measured here nearest to each family (a B-tree KV for documents: MongoDB's
WiredTiger stores documents in B-trees; an LSM for wide-column stores: Cassandra's storage)."""
CONSISTENCY = ("strong", "eventual")
SCHEMA = ("stable", "evolving")
_POINTS_PERF = 3.0  # the measured fit is worth up to 3 points (best engine), 0 at 100x slower


@dataclass(frozen=True)
class Needs:
    """Answers to the questionnaire.

    Parameters
    ----------
    read_fraction : float
        Share of operations that read (0..1).
    point, range, aggregate : float
        How reads split: by key, over a key range, over all rows (relative weights).
    consistency : {"strong", "eventual"}
        Must a read see every committed write, and must several rows change atomically?
    data_gb : float
        Data size in GB.
    writes_per_s : float
        Peak writes per second.
    joins : bool
        Do queries combine entities (orders with customers, products, ...)?
    schema : {"stable", "evolving"}
        Do fields change often, or differ between records?
    """

    read_fraction: float = 0.9
    point: float = 0.7
    range: float = 0.2
    aggregate: float = 0.1
    consistency: str = "strong"
    data_gb: float = 100.0
    writes_per_s: float = 500.0
    joins: bool = True
    schema: str = "stable"

    def __post_init__(self):
        validate.probability("read_fraction", self.read_fraction)
        for name in ("point", "range", "aggregate"):
            validate.number(name, getattr(self, name), 0.0)
        if self.point + self.range + self.aggregate <= 0:
            raise ValueError("point, range and aggregate must not all be 0 (how do reads split?)")
        validate.choice("consistency", self.consistency, CONSISTENCY)
        validate.number("data_gb", self.data_gb, 0.0)
        validate.number("writes_per_s", self.writes_per_s, 0.0)
        if not isinstance(self.joins, bool):
            raise ValueError(f"joins must be True or False (got joins={self.joins!r})")
        validate.choice("schema", self.schema, SCHEMA)


@dataclass(frozen=True)
class Recommendation:
    """The questionnaire's verdict (:func:`recommend`).

    Attributes
    ----------
    choice : str
        The family with the most points (a key of :data:`FAMILIES`).
    scores : DataFrame
        Points per family (rows) and question (columns), and ``total``.
    reasons : dict
        ``{family: [reasons]}`` behind the points.
    needs : Needs
    """

    choice: str
    scores: pd.DataFrame
    reasons: dict
    needs: Needs

    def explain(self) -> str:
        """The choice and why, in a few sentences.

        Returns
        -------
        str
        """
        lines = [f"Choose {self.choice}: {FAMILIES[self.choice]}."]
        lines += [f"- {r}" for r in self.reasons[self.choice]]
        runner = self.scores.total.drop(self.choice).idxmax()
        gap = self.scores.total[self.choice] - self.scores.total[runner]
        lines.append(f"Runner-up: {runner} ({gap:.1f} points behind).")
        return "\n".join(lines)


def _perf(needs: Needs, measurements: pd.DataFrame | None) -> dict[str, tuple[float, str]]:
    """Points from the measured ops/s of each family's engine, priced with the workload's mix."""
    if measurements is None:
        return {f: (0.0, "no measurements given: speed not scored") for f in FAMILIES}
    rates = measurements.pivot_table(index="engine", columns="pattern", values="ops_per_s")
    total = needs.point + needs.range + needs.aggregate
    mix = {
        "point_read": needs.read_fraction * needs.point / total,
        "range_scan": needs.read_fraction * needs.range / total,
        "aggregate": needs.read_fraction * needs.aggregate / total,
        "write_burst": 1.0 - needs.read_fraction,
    }
    missing = [p for p, share in mix.items() if share > 0 and p not in rates.columns]
    if missing:
        raise ValueError(f"measurements must include the patterns {missing} (run benchmark with them)")
    seconds = {}
    for family, engine in MEASURED_BY.items():
        if engine not in rates.index:
            raise ValueError(f"measurements must include engine {engine!r} (it stands for {family})")
        seconds[family] = sum(share / rates.loc[engine, p] for p, share in mix.items() if share > 0)
    best = min(seconds.values())
    out = {}
    for family, s in seconds.items():
        points = _POINTS_PERF * min(1.0, max(0.0, 1.0 - math.log10(s / best) / 2.0))
        out[family] = (
            points,
            f"measured ({MEASURED_BY[family]}): {1.0 / s:,.0f} ops/s on this mix, "
            f"{s / best:.1f}x the fastest's time",
        )
    return out


_RULES = {  # question -> family -> (points, reason); a family not named gets 0
    "joins": {
        "relational": (3.0, "joins are what SQL and its planner are for"),
        "column_store": (1.0, "joins for analytics, not for transactions"),
        "document": (-1.0, "joins become embedding, or lookups in the application"),
        "key_value": (-2.0, "no joins: denormalise, or join in the application"),
        "wide_column": (-2.0, "no joins: one table per query"),
    },
    "strong": {
        "relational": (2.0, "transactions over any rows, serializable if asked"),
        "document": (1.0, "atomic per document; multi-document transactions cost more"),
        "wide_column": (-2.0, "tunable quorums; lightweight transactions are slow (Paxos per write)"),
        "column_store": (-1.0, "built for bulk loads, not for many small transactions"),
    },
    "evolving": {
        "document": (2.0, "each document carries its own fields"),
        "key_value": (1.0, "values are opaque: any shape"),
        "wide_column": (1.0, "columns can differ per row"),
        "relational": (0.5, "a JSON column takes the fields that change"),
    },
    "beyond_one_node": {
        "key_value": (3.0, "partitions by key across many nodes"),
        "wide_column": (3.0, "partitions by key, and its LSM trees absorb writes"),
        "document": (1.0, "shards by a key you choose"),
        "column_store": (2.0, "warehouses spread scans over many nodes (not small writes)"),
        "relational": (-2.0, "one primary takes every write; sharding it is work (Citus, Vitess)"),
    },
    "range_heavy": {
        "wide_column": (1.0, "a partition's rows are sorted by the clustering key: one read"),
        "relational": (1.0, "a B-tree index range"),
        "key_value": (
            0.5,
            "ordered stores (RocksDB) or a sort key (DynamoDB) read ranges; hashed ones do not",
        ),
    },
    "aggregate_heavy": {
        "column_store": (3.0, "reads only the columns a query needs, compressed"),
        "relational": (0.5, "fine at moderate size; a column store is faster at scale"),
        "document": (-1.0, "aggregation pipelines read whole documents"),
        "key_value": (-2.0, "every aggregate reads every value, in the application"),
        "wide_column": (-2.0, "an aggregate reads every partition"),
    },
}


def recommend(
    needs: Needs | None = None, measurements: pd.DataFrame | None = None, **answers
) -> Recommendation:
    """Score the store families against the access patterns and the measurements; the choice and why.

    Parameters
    ----------
    needs : Needs, optional
        The answers (default ``Needs()``: an order system, mostly reads, joins).
    measurements : DataFrame, optional
        :func:`kit.storage.benchmark`'s table (with point_read, range_scan,
        aggregate and write_burst on all four engines); without it, speed is not scored.
    **answers
        Fields of :class:`Needs` to change (``joins=False``).

    Returns
    -------
    Recommendation

    Notes
    -----
    "Beyond one node" means more data than ``config.STORAGE_ONE_NODE_GB`` or
    more writes per second than ``config.STORAGE_ONE_NODE_WRITES`` (assumptions
    about one server; change them). Not the write rate measured here: that is
    one connection committing each write on its own, whereas a database
    server commits many clients' writes with one fsync (group commit). A
    relational database wins ties.

    Examples
    --------
    >>> recommend(joins=True, consistency="strong").choice
    'relational'
    """
    if needs is None:
        needs = Needs(**answers)
    elif not isinstance(needs, Needs):
        raise ValueError(f"needs must be a kit.storage.Needs (got {type(needs).__name__})")
    elif answers:
        needs = Needs(**{**asdict(needs), **answers})
    if measurements is not None and not isinstance(measurements, pd.DataFrame):
        raise ValueError("measurements must be the DataFrame kit.storage.benchmark returns")
    reads = needs.point + needs.range + needs.aggregate
    asked = {
        "joins": needs.joins,
        "strong": needs.consistency == "strong",
        "evolving": needs.schema == "evolving",
        "beyond_one_node": needs.data_gb > config.STORAGE_ONE_NODE_GB
        or needs.writes_per_s > config.STORAGE_ONE_NODE_WRITES,
        "range_heavy": needs.range / reads > 0.3,  # shares of the reads
        "aggregate_heavy": needs.aggregate / reads > 0.3,
    }
    perf = _perf(needs, measurements)
    scores = {f: {"measured speed": perf[f][0]} for f in FAMILIES}
    reasons = {f: [perf[f][1]] for f in FAMILIES}
    for question, on in asked.items():
        for family in FAMILIES:
            points, why = _RULES[question].get(family, (0.0, "")) if on else (0.0, "")
            scores[family][question] = points
            if why:
                reasons[family].append(f"{question.replace('_', ' ')}: {why} ({points:+g})")
    table = pd.DataFrame(scores).T
    table["total"] = table.sum(axis=1)
    best = table.total.max()
    choice = "relational" if table.total["relational"] >= best - 1e-9 else str(table.total.idxmax())
    return Recommendation(choice, table, reasons, needs)
