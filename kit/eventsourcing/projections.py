"""Projections (read models): tables shaped for queries, fed from the event log.

CQRS splits the model that decides (aggregates on the event store) from the
models that answer queries (Young, "CQRS Documents", 2010; Fowler, "CQRS",
2011). Here the read side lives in a second SQLite file. Each projection is a
record of its tables' DDL and an ``apply(db, event)`` that updates them; a
:class:`ReadModel` holds some projections and, for each, the last global
position it has applied (its checkpoint).

A batch of events and the checkpoints that cover it are written in one
transaction of the read database, so a projector that crashes mid-batch
resumes at its checkpoint with no event applied twice or skipped. Because the
store's positions have no gaps (see ``store``), "everything after my
checkpoint" is exactly what a projection has not seen.

A :class:`Projector` runs the same loop in a background thread, polling the
store every ``poll_s`` when it has caught up: the read side is *eventually*
consistent, and the time between an event's commit and its projection is the
read-model lag.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from .. import config
from ..core import validate
from .store import Event, EventStore, database_path, file_path


@dataclass(frozen=True)
class Projection:
    """A read model's tables and how one event changes them.

    Parameters
    ----------
    name : str
        Its name (the key of its checkpoint).
    tables : tuple of str
        The names of the tables it owns (dropped on rebuild).
    create : tuple of str
        ``CREATE TABLE`` statements for them.
    apply : callable
        ``(db, event) -> None``: update the tables for one event (inside the
        read model's transaction; do not commit).
    query : str
        The ``SELECT`` that shows the read model.
    """

    name: str
    tables: tuple
    create: tuple
    apply: Callable
    query: str


def _owner_text(owner) -> str:
    return owner if isinstance(owner, str) else json.dumps(owner)


def _apply_balance(db, e: Event) -> None:
    if e.type == "AccountOpened":
        db.execute(
            "INSERT INTO balances VALUES (?, ?, 0, 'open', ?)",
            (e.stream, _owner_text(e.data.get("owner")), e.version),
        )
    elif e.type in ("Deposited", "Withdrawn"):
        sign = 1 if e.type == "Deposited" else -1
        db.execute(
            "UPDATE balances SET balance = balance + ?, version = ? WHERE stream = ?",
            (sign * e.data["amount"], e.version, e.stream),
        )
    elif e.type == "AccountClosed":
        db.execute(
            "UPDATE balances SET status = 'closed', version = ? WHERE stream = ?", (e.version, e.stream)
        )


def _apply_daily(db, e: Event) -> None:
    if e.type not in ("Deposited", "Withdrawn"):
        return
    day = datetime.fromtimestamp(e.timestamp, UTC).date().isoformat()
    db.execute("INSERT INTO daily_totals VALUES (?, 0, 0, 0, 0) ON CONFLICT (day) DO NOTHING", (day,))
    if e.type == "Deposited":
        sql = "UPDATE daily_totals SET deposits = deposits + 1, deposited = deposited + ? WHERE day = ?"
    else:
        sql = "UPDATE daily_totals SET withdrawals = withdrawals + 1, withdrawn = withdrawn + ? WHERE day = ?"
    db.execute(sql, (e.data["amount"], day))


PROJECTIONS = {
    "balances": Projection(
        "balances",
        ("balances",),
        (
            "CREATE TABLE IF NOT EXISTS balances (stream TEXT PRIMARY KEY, owner TEXT, "
            "balance INTEGER NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL)",
        ),
        _apply_balance,
        "SELECT stream, owner, balance, status, version FROM balances ORDER BY stream",
    ),
    "daily_totals": Projection(
        "daily_totals",
        ("daily_totals",),
        (
            "CREATE TABLE IF NOT EXISTS daily_totals (day TEXT PRIMARY KEY, deposits INTEGER, "
            "deposited INTEGER, withdrawals INTEGER, withdrawn INTEGER)",
        ),
        _apply_daily,
        "SELECT day, deposits, deposited, withdrawals, withdrawn FROM daily_totals ORDER BY day",
    ),
}


def _names(projections) -> list[str]:
    if projections is None:
        return list(PROJECTIONS)
    if isinstance(projections, str):
        projections = [projections]
    try:
        names = list(projections)
    except TypeError:
        raise ValueError(
            f"projections must be names from {sorted(PROJECTIONS)} (got {projections!r})"
        ) from None
    unknown = [n for n in names if n not in PROJECTIONS]
    if unknown or not names:
        raise ValueError(
            f"projections must be names from {sorted(PROJECTIONS)} (got projections={projections!r})"
        )
    return names


def _batch(batch) -> int:
    batch = config.EVENTSOURCING_PROJECTION_BATCH if batch is None else batch
    if (
        isinstance(batch, bool)
        or not isinstance(batch, int)
        or not 1 <= batch <= config.EVENTSOURCING_MAX_BATCH
    ):
        raise ValueError(
            f"batch must be an integer between 1 and {config.EVENTSOURCING_MAX_BATCH} (got batch={batch!r})"
        )
    return batch


class ReadModel:
    """Projections in their own SQLite file, each with its checkpoint.

    Parameters
    ----------
    path : str or Path, optional
        The read side's database file (created if absent); None: a temporary one.
    projections : list of str, optional
        Names from ``PROJECTIONS`` (default: all).
    timeout_s : float, optional
        Busy timeout (default ``config.EVENTSOURCING_BUSY_TIMEOUT_S``).

    Examples
    --------
    >>> import tempfile, os
    >>> from kit.eventsourcing import EventStore, handle
    >>> folder = tempfile.TemporaryDirectory()
    >>> store = EventStore(os.path.join(folder.name, "events.db"))
    >>> _ = handle(store, "acct-1", {"type": "open", "owner": "Ada"})
    >>> _ = handle(store, "acct-1", {"type": "deposit", "amount": 250})
    >>> read = ReadModel(os.path.join(folder.name, "read.db"))
    >>> read.catch_up(store)
    2
    >>> read.table("balances")[["stream", "balance"]].values.tolist()
    [['acct-1', 250]]
    >>> read.close(); store.close(); folder.cleanup()
    """

    def __init__(self, path=None, projections=None, timeout_s: float | None = None):
        self.names = _names(projections)
        timeout_s = config.EVENTSOURCING_BUSY_TIMEOUT_S if timeout_s is None else timeout_s
        timeout_s = validate.number("timeout_s", timeout_s, 0.0, 3600.0)
        self.path, self._folder = database_path(path, "read.db")
        self._conn = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # The read side is rebuilt from the log at will: no need to fsync every batch.
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.execute("CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER)")
        for name in self.names:
            self._create(name)
        self._conn.execute("COMMIT")

    def _create(self, name: str) -> None:
        for statement in PROJECTIONS[name].create:
            self._conn.execute(statement)
        self._conn.execute("INSERT INTO checkpoints VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (name,))

    def close(self) -> None:
        """Close the connection; the file stays, unless it is a temporary one."""
        self._conn.close()
        if self._folder is not None:
            self._folder.cleanup()

    def positions(self) -> dict[str, int]:
        """Each projection's checkpoint: the last global position it applied.

        Returns
        -------
        dict of str to int
        """
        rows = self._conn.execute("SELECT name, position FROM checkpoints").fetchall()
        return {name: pos for name, pos in rows if name in self.names}

    def position(self) -> int:
        """The lowest checkpoint: every event up to it is in every projection.

        Returns
        -------
        int
        """
        return min(self.positions().values())

    def step(self, store: EventStore, batch: int | None = None) -> list[Event]:
        """Apply the next batch of events to every projection behind; return them.

        Parameters
        ----------
        store : EventStore
            The write side.
        batch : int, optional
            Events read at once (default ``config.EVENTSOURCING_PROJECTION_BATCH``).

        Returns
        -------
        list of Event
            The events applied (empty when caught up).
        """
        if not isinstance(store, EventStore):
            raise TypeError(f"store must be an EventStore (got store={store!r})")
        checkpoints = self.positions()
        events = store.read_all(min(checkpoints.values()) + 1, limit=_batch(batch))
        if not events:
            return events
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for name, done in checkpoints.items():
                todo = [e for e in events if e.position > done]
                for e in todo:
                    PROJECTIONS[name].apply(self._conn, e)
                if todo:
                    self._conn.execute(
                        "UPDATE checkpoints SET position = ? WHERE name = ?", (todo[-1].position, name)
                    )
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return events

    def catch_up(self, store: EventStore, max_events: int | None = None, batch: int | None = None) -> int:
        """Apply every event after the checkpoints (at most ``max_events``); return how many.

        Parameters
        ----------
        store : EventStore
            The write side.
        max_events : int, optional
            Stop after about this many events (whole batches); None means all.
        batch : int, optional
            Events per transaction (default ``config.EVENTSOURCING_PROJECTION_BATCH``).

        Returns
        -------
        int
            Events read and applied.
        """
        if max_events is not None and (
            isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 0
        ):
            raise ValueError(f"max_events must be an integer >= 0 or None (got max_events={max_events!r})")
        done = 0
        while max_events is None or done < max_events:
            applied = self.step(store, batch if max_events is None else min(_batch(batch), max_events - done))
            if not applied:
                break
            done += len(applied)
        return done

    def rebuild(self, store: EventStore, name: str | None = None) -> int:
        """Drop a projection's tables (or all), start it from position 0 and catch up.

        Parameters
        ----------
        store : EventStore
            The write side.
        name : str, optional
            One projection; None rebuilds all of this read model's.

        Returns
        -------
        int
            Events applied.
        """
        names = self.names if name is None else _names([name])
        self._conn.execute("BEGIN IMMEDIATE")
        for n in names:
            for table in PROJECTIONS[n].tables:
                self._conn.execute(f"DROP TABLE IF EXISTS {table}")
            self._conn.execute("DELETE FROM checkpoints WHERE name = ?", (n,))
            self._create(n)
        self._conn.execute("COMMIT")
        return self.catch_up(store)

    def table(self, name: str):
        """A projection's rows as a DataFrame.

        Parameters
        ----------
        name : str
            A projection of this read model.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        if name not in self.names:
            raise ValueError(
                f"name must be one of this read model's projections {self.names} (got name={name!r})"
            )
        cursor = self._conn.execute(PROJECTIONS[name].query)
        return pd.DataFrame(cursor.fetchall(), columns=[c[0] for c in cursor.description])

    def balance(self, stream: str) -> tuple[int, int] | None:
        """``(balance, version)`` of one account as the read side knows it, or None.

        Parameters
        ----------
        stream : str
            The account's stream.

        Returns
        -------
        tuple of (int, int) or None
        """
        if "balances" not in self.names:
            raise ValueError("balance needs the 'balances' projection")
        row = self._conn.execute("SELECT balance, version FROM balances WHERE stream = ?", (stream,))
        return row.fetchone()

    def wait_for(self, position: int, timeout_s: float) -> bool:
        """Block until every projection has applied ``position`` (read-your-writes); False on timeout.

        Parameters
        ----------
        position : int
            A position returned by a write (``Committed.position``).
        timeout_s : float
            Give up after this long.

        Returns
        -------
        bool
        """
        deadline = time.monotonic() + float(timeout_s)
        while self.position() < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(config.EVENTSOURCING_WAIT_POLL_S)
        return True


class Projector:
    """Keep a read model caught up from a background thread (the asynchronous read side).

    The thread opens its own connections to both files (a SQLite connection
    belongs to the thread that made it), polls every ``poll_s`` when caught
    up, and records each event's lag: the time from the event's commit
    timestamp to the commit of the read-model batch that applied it.

    Parameters
    ----------
    store_path : str or Path
        The event store's file.
    read_path : str or Path
        The read model's file.
    poll_s : float, optional
        Sleep between polls when caught up (default ``config.EVENTSOURCING_POLL_S``).
    batch : int, optional
        Events per read-model transaction.
    projections : list of str, optional
        Which projections (default: all).
    """

    def __init__(
        self, store_path, read_path, poll_s: float | None = None, batch: int | None = None, projections=None
    ):
        self.store_path, self.read_path = (
            file_path("store_path", store_path),
            file_path("read_path", read_path),
        )
        poll_s = config.EVENTSOURCING_POLL_S if poll_s is None else poll_s
        if isinstance(poll_s, bool) or not isinstance(poll_s, (int, float)) or not 0 <= poll_s <= 60:
            raise ValueError(f"poll_s must be between 0 and 60 seconds (got poll_s={poll_s!r})")
        self.poll_s, self.batch, self.names = float(poll_s), _batch(batch), _names(projections)
        self.lags: list[tuple[int, float]] = []  # (position, lag in seconds)
        self.busy_s = 0.0  # time spent applying batches
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            with EventStore(self.store_path) as store:
                read = ReadModel(self.read_path, self.names)
                try:
                    while not self._stop.is_set():
                        started = time.perf_counter()
                        events = read.step(store, self.batch)
                        if not events:
                            self._stop.wait(self.poll_s)
                            continue
                        now = time.time()
                        self.busy_s += time.perf_counter() - started
                        self.lags += [(e.position, now - e.timestamp) for e in events]
                finally:
                    read.close()
        except BaseException as e:  # reported by stop(), never lost in a thread
            self.error = e

    def start(self) -> Projector:
        """Start the background thread.

        Returns
        -------
        Projector
            Itself.
        """
        if self._thread is not None:
            raise RuntimeError("this projector is already running")
        self._thread = threading.Thread(target=self._run, name="projector", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the thread; re-raise what made it fail, if anything.

        Parameters
        ----------
        timeout_s : float, optional
            Wait at most this long for the thread.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        if self.error is not None:
            raise RuntimeError(f"the projector failed: {self.error!r}") from self.error

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
