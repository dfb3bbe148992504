"""Exercises of the storage lab; every answer is computed by the kit when checked."""

import math

from ..exercises import MultipleChoice, Numeric, register
from . import amplification, decision, models

NOTEBOOK = "10_storage_choices"
SEED = 7
STEADY = dict(writes=400_000, keys=40_000)  # updates to a fixed set of keys: a tree at steady state
MEMTABLE_MB = 100 * 128 / 2**20  # 100 entries of 128 bytes: L1 400, L2 4,000, L3 40,000 = every key


def _steady(policy: str, size_ratio: int = 10):
    keys = amplification.write_keys(STEADY["writes"], STEADY["keys"], seed=SEED)
    return amplification.lsm(keys, size_ratio=size_ratio, policy=policy, memtable_mb=MEMTABLE_MB)


def _tiered_trade() -> int:
    leveled, tiered = _steady("leveled"), _steady("tiered")
    if tiered.write_amp < leveled.write_amp:
        costs_more = tiered.read_amp > leveled.read_amp and tiered.space_amp > leveled.space_amp
        return 1 if costs_more else 3
    return 0 if leveled.write_amp < tiered.write_amp else 2


def _layout_that_scans() -> int:
    table = models.data_models(2_000, seed=SEED).table
    kinds = table.xs("recent_orders", level="query").kind
    scanning = [layout for layout in models.LAYOUTS if kinds[layout].startswith("scan")]
    return list(models.LAYOUTS).index(scanning[0])


LEDGER = dict(
    read_fraction=0.7,
    point=0.9,
    range=0.1,
    aggregate=0.0,
    consistency="strong",
    data_gb=200.0,
    writes_per_s=2_000.0,
    joins=True,
    schema="stable",
)
FEED = dict(
    read_fraction=0.3,
    point=0.2,
    range=0.8,
    aggregate=0.0,
    consistency="eventual",
    data_gb=50_000.0,
    writes_per_s=200_000.0,
    joins=False,
    schema="evolving",
)

register(
    Numeric(
        NOTEBOOK,
        "leveled-write-amp",
        prompt="Leveled compaction, size ratio T = 10, L0 trigger 4, a memtable of 100 entries: 400,000 "
        "writes spread uniformly over 40,000 keys fill L1 (target 400 entries), L2 (4,000) and L3 (every "
        "key, T times L2). Each entry is flushed once, rewritten about twice into L1, then about (T-1)/2 "
        "times per deeper level. What write amplification does the model measure?",
        answer=lambda: _steady("leveled").write_amp,
        rel_tol=0.2,
        mistakes=[
            (
                1 + 2 + 10 + 10,
                "That counts T rewrites per deeper level, the RocksDB guide's upper estimate: "
                "an entry is merged into a level that is on average half full, about (T-1)/2 times.",
            ),
            (1.0, "That is the flush alone; compactions rewrite each entry again at every level."),
            (3.0, "That stops at L1; L2 and L3 rewrite each entry about (T-1)/2 times each."),
        ],
        hint="Add the rewrites level by level: 1 flush, about 2 into L1, then (T-1)/2 per deeper level.",
        solution="About 1 (flush) + 2 (L0 to L1) + 4.5 for L2 + 4.5 for L3 = 12: <code>storage.lsm("
        "storage.write_keys(400_000, 40_000, seed=7), size_ratio=10, memtable_mb=100 * 128 / 2**20)"
        ".write_amp</code>; its <code>levels_table</code> shows where the writes go. The RocksDB guide's "
        "upper estimate counts T per deeper level instead.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "tiered-trade",
        prompt="Same stream, same T = 10: switch from leveled to tiered compaction. What happens?",
        options=[
            "Leveled writes less; tiering only saves space",
            "Tiered writes less, and pays with more runs per lookup and more space",
            "Both write the same; only reads change",
            "Tiered writes less and costs nothing else",
        ],
        answer=_tiered_trade,
        why=[
            "Leveled rewrites an entry about (T-1)/2 times per level; tiering about once.",
            "Each entry is rewritten about once per tier instead of (T-1)/2 times per level, but a tier "
            "holds up to T runs: lookups probe more of them and old versions wait longer to be merged away.",
            "The merge schedules differ, and so do the bytes written.",
            "Runs pile up in each tier: reads probe them all and old versions take space.",
        ],
        solution="Compare <code>storage.lsm(keys, policy='leveled')</code> with "
        "<code>policy='tiered'</code>: write amplification falls, read and space amplification rise. "
        "This is the trade the Dostoevsky "
        "paper maps (Dayan & Idreos 2018).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "btree-space",
        prompt="Insert 50,000 random keys into the B+tree model (4 KB pages, 128-byte entries, pages split "
        "in half when full). Space amplification: leaf bytes over data bytes?",
        answer=lambda: amplification.btree(50_000, page_bytes=4096, entry_bytes=128, seed=SEED).space_amp,
        rel_tol=0.05,
        mistakes=[
            (math.log(2), "That is how full the leaves are (ln 2); space amplification is its inverse."),
            (
                1.0,
                "Full pages come only from sequential inserts with an append split; these keys are random.",
            ),
            (2.0, "Half full is a page just after its split; on average leaves are fuller than that."),
        ],
        hint="Space amplification = leaf bytes / data bytes = 1 / (how full a leaf is on average).",
        solution="Random inserts leave leaves about ln 2 = 69% full (Yao 1978), so 1 / 0.69, about 1.44: "
        "<code>storage.btree(50_000, seed=7).space_amp</code>. Sequential inserts with SQLite's append "
        "split fill pages completely (1.0).",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "which-layout-scans",
        prompt="Which layout must scan every order to find one customer's 10 most recent orders?",
        options=list(models.LAYOUTS),
        answer=_layout_that_scans,
        why=[
            "An index on (customer_id, created_s) makes it one range read.",
            "The customer id sits inside each JSON body, which nothing indexes: every document is read.",
            "Keys customer#id#order#time#id put a customer's orders next to each other: one range read.",
            "The customer's partition holds its orders sorted by time: one range read.",
        ],
        solution="The document layout, as built here: only its primary key (the order id) is indexed. "
        "A document store would add an index on <code>customer.id</code> (MongoDB's secondary indexes), "
        "which costs on every write, like the SQLite index measured above.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "choose-ledger",
        prompt="A payments ledger: 70% reads, almost all by key; every transfer must update two accounts "
        "atomically; 200 GB; 2,000 writes/s; reports join accounts with customers. Which family does the "
        "questionnaire choose (without measurements)?",
        options=list(decision.FAMILIES),
        answer=lambda: list(decision.FAMILIES).index(decision.recommend(**LEDGER).choice),
        why=[
            "Transactions across rows and joins: a relational database, i.e. use Postgres.",
            "Documents do not help a transfer that touches two accounts.",
            "No joins, and transactions across keys are limited.",
            "Eventual by default; built to scale writes you do not have.",
            "Built for scans, not for many small transactions.",
        ],
        solution="<code>storage.recommend(**LEDGER).explain()</code>: joins and strong consistency give "
        "relational the most points, and 200 GB fits one server.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "choose-feed",
        prompt="An activity feed: 70% writes, reads are a user's latest items (a range), eventual "
        "consistency is fine, 50 TB, 200,000 writes/s, no joins, fields change often. Which family?",
        options=list(decision.FAMILIES),
        answer=lambda: list(decision.FAMILIES).index(decision.recommend(**FEED).choice),
        why=[
            "One primary would take every write; sharding it is work.",
            "Flexible, but scaling writes is not its strength here.",
            "Partitions by key, but a user's latest items are a range within a partition.",
            "Partition by user, cluster by time: one range read per feed, and LSM trees absorb the writes.",
            "Not for many small writes.",
        ],
        solution="<code>storage.recommend(**FEED).explain()</code>: scale beyond one node and no joins "
        "favour the partitioned stores; the evolving schema and range reads within a partition favour "
        "wide-column (Cassandra) or key-value (DynamoDB with a sort key).",
    )
)
