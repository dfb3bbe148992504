"""An append-only event store on SQLite: one file, one table of events, read in one sitting.

Layout (one row per event)::

    events(position INTEGER PRIMARY KEY,   -- global order, 1, 2, 3, ... with no holes
           stream TEXT, version INTEGER,   -- UNIQUE(stream, version): a stream's versions 1, 2, 3, ...
           type TEXT, schema INTEGER,      -- what happened, and the shape of its data
           data TEXT, metadata TEXT,       -- JSON
           timestamp REAL)                 -- unix seconds, never decreasing along positions
    snapshots(stream, version, kind, state, timestamp)

Transactions, precisely (SQLite 3 in WAL mode, https://sqlite.org/wal.html and
https://sqlite.org/lang_transaction.html):

- **One writer at a time.** ``append`` runs ``BEGIN IMMEDIATE``, which takes the
  database's write lock before reading anything. It then reads the stream's
  version, compares it with ``expected_version`` (optimistic concurrency: a
  stale caller gets :class:`ConcurrencyError`), assigns ``position = last + 1``
  and ``version = expected + 1`` to each event, inserts the batch and
  ``COMMIT``\\ s. A *deferred* transaction (``BEGIN``) that reads and then writes
  could fail at the write with ``SQLITE_BUSY_SNAPSHOT`` when another writer
  committed in between, without waiting; ``IMMEDIATE`` waits instead.
- **Busy timeout.** A writer that finds the lock taken waits up to
  ``timeout_s`` (SQLite's busy handler), then raises ``sqlite3.OperationalError:
  database is locked``. Nothing was written in that case.
- **Atomic batches.** A batch is one transaction: after a crash (even SIGKILL in
  the middle of the inserts) the WAL frames of an uncommitted transaction are
  ignored on recovery, so a batch is all there or not there at all. An event is
  *acknowledged* when ``append`` returns, i.e. after ``COMMIT``; with
  ``synchronous="FULL"`` (the default) the WAL is fsynced before that, so an
  acknowledged event survives a power cut too; ``"NORMAL"`` survives a crash of
  the process but may lose the last commits on power loss.
- **Readers never block and never see half a batch.** A reader's statement
  sees the database as of the last commit before it started (a WAL snapshot)
  and writers do not wait for it. (A reader that never finishes keeps the WAL
  from being checkpointed back to its start, so the WAL file grows; this
  store's reads are single statements.)
- **No gaps for a reader catching up.** Positions are assigned under the write
  lock, so they increase in commit order: when position p is visible, every
  position below p was committed earlier and is visible too. A subscriber that
  remembers the last position it processed and asks for the ones after it
  skips nothing. (Databases with concurrent writers differ: with a sequence,
  transaction A may take position 10, B take 11 and commit first; a reader then
  sees 11 before 10 and, if it trusts its checkpoint, never sees 10. Stores on
  such databases serialise appends or let readers wait below a "high-water
  mark".) A rolled-back append leaves no hole either, since its positions
  were never committed.
- **Time.** Each batch gets one timestamp, ``max(clock(), latest timestamp in
  the store)``: a wall clock that steps back cannot make the store's timestamps
  decrease, so "the events up to time t" is always a prefix of the log.

Upcasters turn an event stored at an old ``schema`` into the current shape when
it is read; the stored row is never changed. Snapshots store a state (JSON) at
a stream version so that replay folds only the events after it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import config

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY,
    stream    TEXT    NOT NULL,
    version   INTEGER NOT NULL CHECK (version >= 1),
    type      TEXT    NOT NULL,
    schema    INTEGER NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    timestamp REAL    NOT NULL,
    UNIQUE (stream, version)
);
CREATE TABLE IF NOT EXISTS snapshots (
    stream    TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    state     TEXT    NOT NULL,
    timestamp REAL    NOT NULL,
    PRIMARY KEY (stream, kind, version)
);
"""
_COLUMNS = "position, stream, version, type, schema, data, metadata, timestamp"
SYNCHRONOUS = ("OFF", "NORMAL", "FULL")


class ConcurrencyError(Exception):
    """An append whose ``expected_version`` is not the stream's version: someone else wrote first.

    Parameters
    ----------
    stream : str
        The stream appended to.
    expected : int
        The version the caller believed the stream had.
    actual : int
        The version the stream has.
    """

    def __init__(self, stream: str, expected: int, actual: int):
        self.stream, self.expected, self.actual = stream, expected, actual
        super().__init__(
            f"stream {stream!r}: expected version {expected}, but it is at version {actual} "
            "(another writer appended first: reload the state, decide again, retry)"
        )

    def __reduce__(self):  # picklable across processes
        return type(self), (self.stream, self.expected, self.actual)


@dataclass(frozen=True)
class Event:
    """One recorded event, as read back from the store.

    Attributes
    ----------
    position : int
        Global position in the store, 1, 2, 3, ... in commit order.
    stream : str
        The stream (one aggregate) it belongs to.
    version : int
        Its number in the stream: 1 for the first event.
    type : str
        What happened, e.g. ``"Deposited"``.
    data : dict
        The event's payload, upcast to the current schema.
    schema : int
        The schema version of ``data`` as returned (after upcasting).
    metadata : dict
        Who or what caused it (correlation ids, user); never upcast.
    timestamp : float
        When its batch was committed, unix seconds.
    """

    position: int
    stream: str
    version: int
    type: str
    data: dict
    schema: int = 1
    metadata: dict = field(default_factory=dict)
    timestamp: float = 0.0


Upcaster = Callable[[dict], dict]


def _validate_upcasters(upcasters) -> dict[tuple[str, int], Upcaster]:
    if upcasters is None:
        return {}
    if not isinstance(upcasters, Mapping):
        raise TypeError(f"upcasters must be a dict {{(type, schema): function}} (got {upcasters!r})")
    for key, fn in upcasters.items():
        ok = isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str)
        if (
            not ok
            or isinstance(key[1], bool)
            or not isinstance(key[1], int)
            or key[1] < 1
            or not callable(fn)
        ):
            raise ValueError(
                f"upcasters must map (event type, schema >= 1) to a function data -> data "
                f"(got {key!r}: {fn!r})"
            )
    return dict(upcasters)


def _positive_int(name: str, value, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer (got {name}={value!r})")
    if value < low:
        raise ValueError(f"{name} must be at least {low} (got {name}={value})")
    return value


def file_path(name: str, path) -> Path:
    """``path`` as a Path, refused by ``name`` unless it is a file in an existing folder."""
    if not isinstance(path, (str, os.PathLike)) or str(path) in ("", ":memory:"):
        raise ValueError(f"{name} must be a file path (WAL needs a file; got {name}={path!r})")
    if not Path(path).parent.is_dir():
        raise ValueError(f"{name}'s folder does not exist (got {name}={str(path)!r})")
    return Path(path)


def database_path(path, name: str):
    """(Path, TemporaryDirectory or None): ``path`` checked, or for None a file in a new temporary folder."""
    if path is None:
        folder = tempfile.TemporaryDirectory(prefix="kit-eventsourcing-")
        return Path(folder.name) / name, folder
    return file_path("path", path), None


def _stream_name(stream) -> str:
    if not isinstance(stream, str) or not stream:
        raise ValueError(f"stream must be a non-empty string (got stream={stream!r})")
    return stream


def _json(name: str, value) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be JSON-serialisable ({e})") from None


class EventStore:
    """An append-only event store in one SQLite file (WAL mode); see the module docstring.

    Parameters
    ----------
    path : str or Path, optional
        The database file (created if absent). None: a new file in a
        temporary folder, deleted by :meth:`close` (or at exit).
    upcasters : dict, optional
        ``{(type, schema): function}``: on read, an event of ``type`` stored at
        ``schema`` becomes ``function(data)`` at ``schema + 1``, repeatedly.
        New events of a type are stamped with its current schema (one more than
        the highest upcaster of that type, else 1) unless they give their own.
    timeout_s : float, optional
        How long an append waits for another writer's lock (default
        ``config.EVENTSOURCING_BUSY_TIMEOUT_S``).
    synchronous : str, optional
        ``"FULL"`` (fsync at every commit, the default), ``"NORMAL"`` or ``"OFF"``.
    clock : callable, optional
        Returns the time in unix seconds (default ``time.time``); tests and labs
        pass a fake clock to make time travel reproducible.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.TemporaryDirectory()
    >>> store = EventStore(os.path.join(folder.name, "events.db"))
    >>> store.append("account-1", [{"type": "Deposited", "data": {"amount": 5}}], expected_version=0)
    1
    >>> [(e.type, e.data, e.version, e.position) for e in store.read("account-1")]
    [('Deposited', {'amount': 5}, 1, 1)]
    >>> store.close(); folder.cleanup()
    """

    def __init__(
        self,
        path=None,
        upcasters: dict | None = None,
        timeout_s: float | None = None,
        synchronous: str = "FULL",
        clock: Callable[[], float] | None = None,
    ):
        self.path, self._folder = database_path(path, "events.db")
        self.upcasters = _validate_upcasters(upcasters)
        timeout_s = config.EVENTSOURCING_BUSY_TIMEOUT_S if timeout_s is None else timeout_s
        if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not timeout_s >= 0:
            raise ValueError(f"timeout_s must be a number of seconds >= 0 (got timeout_s={timeout_s!r})")
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {SYNCHRONOUS} (got synchronous={synchronous!r})")
        if clock is not None and not callable(clock):
            raise TypeError(f"clock must be a function returning unix seconds (got clock={clock!r})")
        self.clock = clock or time.time
        self.timeout_s = float(min(timeout_s, 3600.0))
        # isolation_level=None: no implicit transactions; this class says BEGIN and COMMIT itself.
        self._conn = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"events", "snapshots"} <= tables:  # only a new file needs the write lock to open
            with self._write() as db:
                for statement in _SCHEMA.split(";")[:-1]:  # executescript would COMMIT the BEGIN first
                    db.execute(statement)

    # --- transactions ------------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self):
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection; the file stays, unless the store made its own temporary folder."""
        self._conn.close()
        if self._folder is not None:
            self._folder.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- writing ------------------------------------------------------------------------
    def current_schema(self, type: str) -> int:
        """The schema new events of ``type`` are stamped with: one above its highest upcaster, else 1.

        Parameters
        ----------
        type : str
            An event type.

        Returns
        -------
        int
        """
        return 1 + max((s for t, s in self.upcasters if t == type), default=0)

    def _encode(self, events) -> list[tuple]:
        if isinstance(events, Mapping) or not isinstance(events, Iterable) or isinstance(events, str):
            raise TypeError(
                f"events must be a list of {{'type': ..., 'data': {{...}}}} (got events={events!r})"
            )
        events = list(events)
        if not events:
            raise ValueError("events must hold at least one event (got events=[])")
        if len(events) > config.EVENTSOURCING_MAX_BATCH:
            raise ValueError(
                f"events holds {len(events):,} events; one append takes at most "
                f"config.EVENTSOURCING_MAX_BATCH = {config.EVENTSOURCING_MAX_BATCH:,}"
            )
        rows = []
        for e in events:
            if not isinstance(e, Mapping) or not isinstance(e.get("type"), str) or not e["type"]:
                raise ValueError(
                    f"events must be dicts with a non-empty 'type' and a 'data' dict (got {e!r})"
                )
            data, metadata = e.get("data", {}), e.get("metadata", {})
            if not isinstance(data, Mapping) or not isinstance(metadata, Mapping):
                raise ValueError(f"events' 'data' and 'metadata' must be dicts (got {e!r})")
            schema = e.get("schema", self.current_schema(e["type"]))
            _positive_int("events' schema", schema, 1)
            rows.append((e["type"], schema, _json("events' data", data), _json("events' metadata", metadata)))
        return rows

    def _append(self, stream: str, events, expected_version: int) -> tuple[int, int]:
        """Append and return (new version, position of the last event)."""
        stream = _stream_name(stream)
        _positive_int("expected_version", expected_version)
        rows = self._encode(events)  # validate and serialise before taking the lock
        with self._write() as db:
            actual = db.execute("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?", (stream,))
            actual = actual.fetchone()[0]
            if actual != expected_version:
                raise ConcurrencyError(stream, expected_version, actual)
            last = db.execute("SELECT position, timestamp FROM events ORDER BY position DESC LIMIT 1")
            position, latest = last.fetchone() or (0, -math.inf)
            now = max(float(self.clock()), latest)
            db.executemany(
                f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (position + i, stream, expected_version + i, type_, schema, data, meta, now)
                    for i, (type_, schema, data, meta) in enumerate(rows, start=1)
                ],
            )
        return expected_version + len(rows), position + len(rows)

    def append(self, stream: str, events, expected_version: int) -> int:
        """Append ``events`` to ``stream`` if it is at ``expected_version``, atomically.

        Parameters
        ----------
        stream : str
            The stream's name, e.g. ``"account-42"``.
        events : list of dict
            ``{"type": str, "data": dict}``, optionally with ``"metadata"`` (dict)
            and ``"schema"`` (int); data and metadata must be JSON-serialisable.
        expected_version : int
            The stream's version the caller decided from: its number of events
            (0 for a new stream).

        Returns
        -------
        int
            The stream's new version, ``expected_version + len(events)``.

        Raises
        ------
        ConcurrencyError
            The stream is not at ``expected_version``; nothing was written.
        """
        return self._append(stream, events, expected_version)[0]

    def _import(self, events: list[Event]) -> None:
        """Write recorded events as they are (positions, versions, timestamps kept): for migrations."""
        with self._write() as db:
            db.executemany(
                f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.position,
                        e.stream,
                        e.version,
                        e.type,
                        e.schema,
                        _json("data", e.data),
                        _json("metadata", e.metadata),
                        e.timestamp,
                    )
                    for e in events
                ],
            )

    # --- reading ------------------------------------------------------------------------
    def _decode(self, row) -> Event:
        position, stream, version, type_, schema, data, metadata, timestamp = row
        data = json.loads(data)
        while (type_, schema) in self.upcasters:
            data = self.upcasters[(type_, schema)](data)
            schema += 1
        metadata = {} if metadata == "{}" else json.loads(metadata)
        return Event(position, stream, version, type_, data, schema, metadata, timestamp)

    def read(
        self,
        stream: str,
        from_version: int = 0,
        to_version: int | None = None,
        until_time: float | None = None,
    ) -> list[Event]:
        """A stream's events with ``from_version <= version <= to_version``, in order.

        Parameters
        ----------
        stream : str
            The stream's name; an unknown stream has no events.
        from_version : int, optional
            First version wanted (inclusive); 0 or 1 mean from the start.
        to_version : int, optional
            Last version wanted (inclusive); None means up to the latest.
        until_time : float, optional
            Only events committed at or before this unix time.

        Returns
        -------
        list of Event
        """
        stream = _stream_name(stream)
        _positive_int("from_version", from_version)
        to_version = 2**62 if to_version is None else _positive_int("to_version", to_version)
        until_time = math.inf if until_time is None else _time("until_time", until_time)
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events WHERE stream = ? AND version BETWEEN ? AND ? "
            "AND timestamp <= ? ORDER BY version",
            (stream, from_version, to_version, until_time),
        )
        return [self._decode(r) for r in rows]

    def read_all(self, from_position: int = 0, limit: int | None = None) -> list[Event]:
        """Every stream's events from ``from_position`` on (inclusive), in global order.

        A subscriber that processed up to position p asks for ``p + 1``: it
        never skips a committed event (see the module docstring).

        Parameters
        ----------
        from_position : int, optional
            First position wanted; 0 or 1 mean from the start.
        limit : int, optional
            At most this many events (a subscriber's batch); None means all.

        Returns
        -------
        list of Event
        """
        _positive_int("from_position", from_position)
        limit = -1 if limit is None else _positive_int("limit", limit, 1)
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?",
            (from_position, limit),
        )
        return [self._decode(r) for r in rows]

    def version(self, stream: str) -> int:
        """The stream's version: its number of events (0 if it has none).

        Parameters
        ----------
        stream : str
            The stream's name.

        Returns
        -------
        int
        """
        row = self._conn.execute(
            "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?", (_stream_name(stream),)
        )
        return row.fetchone()[0]

    def version_at(self, stream: str, when: float) -> int:
        """The stream's version at unix time ``when``: its events committed at or before then.

        Parameters
        ----------
        stream : str
            The stream's name.
        when : float
            Unix seconds.

        Returns
        -------
        int
        """
        row = self._conn.execute(
            "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ? AND timestamp <= ?",
            (_stream_name(stream), _time("when", when)),
        )
        return row.fetchone()[0]

    def head(self) -> int:
        """The last committed position (0 for an empty store).

        Returns
        -------
        int
        """
        return self._conn.execute("SELECT COALESCE(MAX(position), 0) FROM events").fetchone()[0]

    def streams(self) -> list[str]:
        """Every stream's name, in the order of their first event.

        Returns
        -------
        list of str
        """
        rows = self._conn.execute("SELECT stream FROM events WHERE version = 1 ORDER BY position")
        return [r[0] for r in rows]

    def size_bytes(self) -> int:
        """Bytes the database uses (pages in use, WAL checkpointed first).

        Returns
        -------
        int
        """
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        free = self._conn.execute("PRAGMA freelist_count").fetchone()[0]
        return (pages - free) * self._conn.execute("PRAGMA page_size").fetchone()[0]

    # --- snapshots -----------------------------------------------------------------------
    def save_snapshot(self, stream: str, version: int, state: dict, kind: str = "state") -> None:
        """Store ``state`` (JSON) as the stream's state at ``version``.

        Parameters
        ----------
        stream : str
            The stream's name.
        version : int
            The version the state was folded up to (inclusive).
        state : dict
            JSON-serialisable state.
        kind : str, optional
            Which fold made it (a snapshot is only valid for the fold that wrote it).
        """
        _positive_int("version", version, 1)
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)",
                (_stream_name(stream), version, kind, _json("state", state), float(self.clock())),
            )

    def load_snapshot(self, stream: str, max_version: int | None = None, kind: str = "state"):
        """The latest snapshot of ``stream`` at or below ``max_version``: ``(version, state)`` or None.

        Parameters
        ----------
        stream : str
            The stream's name.
        max_version : int, optional
            Highest version acceptable; None means any.
        kind : str, optional
            Which fold wrote it.

        Returns
        -------
        tuple of (int, dict) or None
        """
        max_version = 2**62 if max_version is None else max_version
        row = self._conn.execute(
            "SELECT version, state FROM snapshots WHERE stream = ? AND kind = ? AND version <= ? "
            "ORDER BY version DESC LIMIT 1",
            (_stream_name(stream), kind, max_version),
        ).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))


def _time(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{name} must be unix seconds (got {name}={value!r})")
    return float(value)
