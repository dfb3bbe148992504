"""Four real embedded engines, one dataset, one workload menu, measured here.

SQLite (a row store on B-trees), DuckDB (a column store), RocksDB through
``rocksdict`` (an LSM tree) and LMDB (a copy-on-write B+tree) each get the
shop's orders in their natural shape:

- SQLite: a table whose rowid is the order id (the table *is* a B-tree
  keyed by it) and a secondary index on ``customer_id``;
- DuckDB: the same table, stored by column, with its primary key (an ART
  index) and no secondary index: selective filters scan with min-max zone maps;
- RocksDB and LMDB: key-value pairs with composite keys, ``o|order_id`` ->
  the packed order and ``c|customer_id|order_id`` -> nothing (the index is
  just more keys, written by the application in the same batch).

Every engine answers the same operations; :func:`answers` collects the
results so that tests can check that they are equal. Each engine imports its
library only when it is used, so ``import kit`` stays light.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
from pathlib import Path
from typing import ClassVar

import pandas as pd

from ..core import validate
from .dataset import STATUSES

DURABILITY = ("fsync", "os")
"""``fsync``: a commit is on stable storage when it returns; ``os``: it is handed to the
operating system (it survives a crash of the process, a power cut may lose the latest
commits)."""

Row = tuple  # (order_id, customer_id, created_s, status, amount_cents, items)


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under ``folder`` (what the engine keeps on disk)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class Engine:
    """One engine holding the orders: the operations of the workload menu, one call each.

    Parameters
    ----------
    folder : Path
        An empty folder the engine keeps its files in.
    durability : {"fsync", "os"}
        What a commit guarantees (see :data:`DURABILITY` and ``SETTINGS``).
    """

    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    shape: ClassVar[str] = ""
    SETTINGS: ClassVar[dict[str, str]] = {}  # durability -> how the engine is configured for it

    def __init__(self, folder: Path, durability: str):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fsync = durability == "fsync"

    def load(self, df: pd.DataFrame) -> None:
        raise NotImplementedError

    def point(self, order_id: int) -> Row | None:
        raise NotImplementedError

    def range(self, first_id: int, n: int) -> list[Row]:
        raise NotImplementedError

    def by_customer(self, customer_id: int) -> list[Row]:
        raise NotImplementedError

    def aggregate(self) -> list[tuple]:
        """(status, orders, revenue in cents) per status, by status."""
        raise NotImplementedError

    def insert(self, row: Row) -> None:
        raise NotImplementedError

    def update(self, order_id: int, status: str) -> None:
        raise NotImplementedError

    def settle(self) -> None:
        """Finish background work (checkpoint, flush) so the files on disk are complete."""

    def bytes_on_disk(self) -> int:
        self.settle()
        return folder_bytes(self.folder)

    def close(self) -> None:
        raise NotImplementedError


# --- SQL engines --------------------------------------------------------------------
_SQL = {
    "point": "SELECT * FROM orders WHERE order_id = ?",
    "range": "SELECT * FROM orders WHERE order_id >= ? AND order_id < ? ORDER BY order_id",
    "by_customer": "SELECT * FROM orders WHERE customer_id = ? ORDER BY order_id",
    "aggregate": "SELECT status, COUNT(*), SUM(amount_cents) FROM orders GROUP BY status ORDER BY status",
    "insert": "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)",
    "update": "UPDATE orders SET status = ? WHERE order_id = ?",
}


class _SQLEngine(Engine):
    """Both SQL engines run the same statements; each commits every write on its own."""

    def point(self, order_id):
        return self._one(_SQL["point"], (order_id,))

    def range(self, first_id, n):
        return self._all(_SQL["range"], (first_id, first_id + n))

    def by_customer(self, customer_id):
        return self._all(_SQL["by_customer"], (customer_id,))

    def aggregate(self):
        return self._all(_SQL["aggregate"], ())

    def insert(self, row):
        self.con.execute(_SQL["insert"], row)

    def update(self, order_id, status):
        self.con.execute(_SQL["update"], (status, order_id))

    def _one(self, sql, args):
        row = self.con.execute(sql, args).fetchone()
        return None if row is None else tuple(row)

    def _all(self, sql, args):
        return [tuple(r) for r in self.con.execute(sql, args).fetchall()]

    def close(self):
        self.con.close()


class SQLite(_SQLEngine):
    name = "sqlite"
    family = "relational (row store, B-tree)"
    shape = "table keyed by order_id (rowid B-tree) + secondary index on customer_id"
    SETTINGS: ClassVar[dict[str, str]] = {
        "fsync": "journal_mode=WAL, synchronous=FULL: the WAL is fsynced at every commit",
        "os": "journal_mode=WAL, synchronous=NORMAL: fsync only at checkpoints",
    }

    def __init__(self, folder, durability):
        super().__init__(folder, durability)
        self.con = sqlite3.connect(self.folder / "orders.db", isolation_level=None)  # autocommit
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute(f"PRAGMA synchronous={'FULL' if self.fsync else 'NORMAL'}")

    def load(self, df):
        self.con.execute(
            "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, "
            "created_s INTEGER NOT NULL, status TEXT NOT NULL, amount_cents INTEGER NOT NULL, "
            "items INTEGER NOT NULL)"
        )
        self.con.execute("BEGIN")
        self.con.executemany(_SQL["insert"], df.itertuples(index=False, name=None))
        self.con.execute("CREATE INDEX orders_by_customer ON orders (customer_id)")
        self.con.execute("COMMIT")

    def settle(self):
        self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class DuckDB(_SQLEngine):
    name = "duckdb"
    family = "analytical (column store)"
    shape = "table stored by column, primary key order_id (ART index), no secondary index"
    SETTINGS: ClassVar[dict[str, str]] = {
        "fsync": "fsync_mode=STANDARD: the WAL is fsynced at every commit",
        "os": "fsync_mode=NONE: no fsync (an OS crash may corrupt the file)",
    }

    def __init__(self, folder, durability):
        import duckdb

        super().__init__(folder, durability)
        self.con = duckdb.connect(str(self.folder / "orders.duckdb"))
        self.con.execute(f"SET fsync_mode = '{'STANDARD' if self.fsync else 'NONE'}'")

    def load(self, df):
        self.con.execute(
            "CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, "
            "created_s BIGINT NOT NULL, status VARCHAR NOT NULL, amount_cents BIGINT NOT NULL, "
            "items BIGINT NOT NULL)"
        )
        self.con.register("loaded", df)
        self.con.execute("INSERT INTO orders SELECT * FROM loaded")
        self.con.unregister("loaded")

    def _all(self, sql, args):
        rows = super()._all(sql, args)
        return [(s, n, int(total)) for s, n, total in rows] if sql == _SQL["aggregate"] else rows

    def settle(self):
        self.con.execute("CHECKPOINT")


# --- key-value engines --------------------------------------------------------------
_VALUE = struct.Struct(">qqBqB")  # customer_id, created_s, status index, amount_cents, items
_ID = struct.Struct(">q")
ORDER, BY_CUSTOMER = b"o", b"c"
_STATUS = {s: i for i, s in enumerate(STATUSES)}


def order_key(order_id: int) -> bytes:
    """``o|order_id``: big-endian, so byte order is id order and a range scan is a key range."""
    return ORDER + _ID.pack(order_id)


def index_key(customer_id: int, order_id: int) -> bytes:
    """``c|customer_id|order_id``: a customer's orders are one contiguous key range."""
    return BY_CUSTOMER + _ID.pack(customer_id) + _ID.pack(order_id)


def encode(row: Row) -> bytes:
    _, customer, created, status, amount, items = row
    return _VALUE.pack(customer, created, _STATUS[status], amount, items)


def decode(order_id: int, value: bytes) -> Row:
    customer, created, status, amount, items = _VALUE.unpack(value)
    return (order_id, customer, created, STATUSES[status], amount, items)


class _KVEngine(Engine):
    """The application's side of a key-value store: keys, encoding, the index kept by hand."""

    def _get(self, key: bytes) -> bytes | None:
        raise NotImplementedError

    def _scan(self, start: bytes):
        """(key, value) pairs from ``start`` on, in key order."""
        raise NotImplementedError

    def _write(self, pairs: list[tuple[bytes, bytes]]) -> None:
        """Write ``pairs`` atomically, in one commit."""
        raise NotImplementedError

    def point(self, order_id):
        value = self._get(order_key(order_id))
        return None if value is None else decode(order_id, value)

    def range(self, first_id, n):
        out = []
        end = order_key(first_id + n)
        for key, value in self._scan(order_key(first_id)):
            if key >= end:
                break
            out.append(decode(_ID.unpack(key[1:])[0], value))
        return out

    def by_customer(self, customer_id):
        prefix = BY_CUSTOMER + _ID.pack(customer_id)
        ids = []
        for key, _ in self._scan(prefix):
            if not key.startswith(prefix):
                break
            ids.append(_ID.unpack(key[9:])[0])
        return [self.point(i) for i in ids]  # one more lookup per order: the index holds only ids

    def aggregate(self):
        totals = {}
        for key, value in self._scan(ORDER):
            if not key.startswith(ORDER):
                break
            _, _, status, amount, _ = _VALUE.unpack(value)
            n, s = totals.get(status, (0, 0))
            totals[status] = (n + 1, s + amount)
        return sorted((STATUSES[k], n, s) for k, (n, s) in totals.items())

    def insert(self, row):
        self._write([(order_key(row[0]), encode(row)), (index_key(row[1], row[0]), b"")])

    def update(self, order_id, status):
        row = self.point(order_id)  # read-modify-write: the store cannot change a field in place
        self._write([(order_key(order_id), encode((*row[:3], status, *row[4:])))])

    @staticmethod
    def _pairs(df: pd.DataFrame) -> list[tuple[bytes, bytes]]:
        """Every key-value pair of the loaded orders, sorted by key."""
        rows = list(df.itertuples(index=False, name=None))
        index = sorted((index_key(r[1], r[0]), b"") for r in rows)
        return index + [(order_key(r[0]), encode(r)) for r in rows]


class RocksDB(_KVEngine):
    name = "rocksdb"
    family = "key-value (LSM tree)"
    shape = "key-value pairs o|order_id -> order, c|customer_id|order_id -> (empty)"
    SETTINGS: ClassVar[dict[str, str]] = {
        "fsync": "WriteOptions.sync=True: the WAL is fsynced at every write",
        "os": "WriteOptions.sync=False (RocksDB's default): the WAL is written, not fsynced",
    }
    BATCH = 10_000  # pairs per write batch while loading

    def __init__(self, folder, durability):
        import rocksdict

        super().__init__(folder, durability)
        self._rd = rocksdict
        options = rocksdict.Options(raw_mode=True)
        options.create_if_missing(True)
        self.db = rocksdict.Rdict(str(self.folder / "db"), options=options)
        self.write_options = rocksdict.WriteOptions()
        self.write_options.sync = self.fsync

    def load(self, df):
        pairs = self._pairs(df)
        for start in range(0, len(pairs), self.BATCH):
            self._write(pairs[start : start + self.BATCH])

    def _get(self, key):
        return self.db.get(key)

    def _scan(self, start):
        return self.db.items(from_key=start)

    def _write(self, pairs):
        batch = self._rd.WriteBatch(raw_mode=True)
        for key, value in pairs:
            batch.put(key, value)
        self.db.write(batch, self.write_options)

    def settle(self):
        self.db.flush(True)

    def close(self):
        self.db.close()


class LMDB(_KVEngine):
    name = "lmdb"
    family = "key-value (copy-on-write B+tree)"
    shape = "key-value pairs o|order_id -> order, c|customer_id|order_id -> (empty)"
    SETTINGS: ClassVar[dict[str, str]] = {
        "fsync": "sync=True (LMDB's default): the data and meta pages are fsynced at every commit",
        "os": "sync=False: no fsync (an OS crash may lose or corrupt the latest commits)",
    }
    MAP_BYTES = 64 << 20  # address space mapped for the file at first; doubled whenever it is full
    ROW_BYTES = 1_000  # mapped per loaded order: the B+tree's pages with room for the workload's writes

    def __init__(self, folder, durability):
        import lmdb

        super().__init__(folder, durability)
        self._full = lmdb.MapFullError
        self.env = lmdb.open(str(self.folder), map_size=self.MAP_BYTES, sync=self.fsync, metasync=self.fsync)

    def load(self, df):
        self.env.set_mapsize(self.MAP_BYTES + self.ROW_BYTES * len(df))
        with self.env.begin(write=True) as txn:
            txn.cursor().putmulti(self._pairs(df), append=True)

    def _get(self, key):
        with self.env.begin() as txn:
            return txn.get(key)

    def _scan(self, start):
        with self.env.begin() as txn:
            cursor = txn.cursor()
            if cursor.set_range(start):
                yield from cursor

    def _write(self, pairs):
        try:
            with self.env.begin(write=True) as txn:
                for key, value in pairs:
                    txn.put(key, value)
        except self._full:  # the file outgrew its mapping: map twice as much and write again
            self.env.set_mapsize(2 * self.env.info()["map_size"])
            self._write(pairs)

    def settle(self):
        self.env.sync(True)

    def close(self):
        self.env.close()


ENGINES: dict[str, type[Engine]] = {e.name: e for e in (SQLite, DuckDB, RocksDB, LMDB)}
"""The engines by name, in the order tables and figures show them."""


def engine_table() -> pd.DataFrame:
    """What each engine is, how the orders are shaped in it, and its durability settings.

    Returns
    -------
    DataFrame
        One row per engine of :data:`ENGINES`: ``family``, ``shape`` and one
        column per durability level of :data:`DURABILITY` saying how the
        engine is configured for it.
    """
    return pd.DataFrame(
        {
            name: {
                "family": e.family,
                "shape": e.shape,
                **{f"durability={d}": e.SETTINGS[d] for d in DURABILITY},
            }
            for name, e in ENGINES.items()
        }
    ).T


def check_names(name: str, values, registry) -> list[str]:
    """A list of names from ``registry`` (None: all of them), refused by name otherwise."""
    if values is None:
        return list(registry)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError(
            f"{name} must be a non-empty list of names from {', '.join(registry)} (got {values!r})"
        )
    for v in values:
        validate.choice(name, v, registry)
    return list(dict.fromkeys(values))


def fresh(name: str, folder: Path, durability: str) -> Engine:
    """Engine ``name`` in a new subfolder of ``folder`` (emptied first)."""
    path = Path(folder) / name
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return ENGINES[name](path, durability)
