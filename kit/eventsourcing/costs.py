"""What event sourcing costs, measured on the real store: replay, storage, schema change.

Every function here builds its stores in a temporary folder, measures, and
leaves nothing behind. Timings are wall-clock seconds on this machine (best
of ``repeats``); they vary from machine to machine, the shapes do not.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import resolve_seed
from .aggregate import BANK, random_commands, replay
from .store import EventStore


def _best_of(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _ints(name: str, values, lo: int, hi: int) -> list[int]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a list of integers (got {name}={values!r})")
    out = sorted({validate.integer(name, v, lo, hi) for v in values})
    if not out:
        raise ValueError(f"{name} must hold at least one integer (got {name}={values!r})")
    return out


def account_events(length: int, seed: int | None = None) -> list[dict]:
    """One account's events, decided by the bank domain: an opening, then deposits and withdrawals.

    Parameters
    ----------
    length : int
        Number of events (>= 1).
    seed : int, optional
        Same seed, same events.

    Returns
    -------
    list of dict
    """
    length = validate.integer("length", length, 1, config.EVENTSOURCING_MAX_EVENTS)
    rng = np.random.default_rng(resolve_seed(seed))
    state = BANK.initial()
    events = BANK.decide(state, {"type": "open", "owner": "customer"})
    state = BANK.fold(state, events)
    while len(events) < length:
        amount = int(rng.integers(1, 10_001))
        kind = "withdraw" if state.balance >= amount and rng.random() < 0.4 else "deposit"
        new = BANK.decide(state, {"type": kind, "amount": amount})
        state = BANK.fold(state, new)
        events += new
    return events


def _write_stream(store: EventStore, stream: str, events: list[dict], snapshot_every: int) -> None:
    """Append ``events`` in large batches, with a snapshot at every multiple of ``snapshot_every``."""
    step = config.EVENTSOURCING_MAX_BATCH
    if snapshot_every:
        step = min(step, snapshot_every)  # batches end on the snapshot versions
    state = BANK.initial()
    for start in range(0, len(events), step):
        chunk = events[start : start + step]
        store.append(stream, chunk, start)
        state = BANK.fold(state, chunk)
        if snapshot_every and state.version % snapshot_every == 0:
            store.save_snapshot(stream, state.version, BANK.to_json(state), BANK.snapshot_kind)


def replay_cost(lengths, intervals=(0, 100, 1000), repeats: int = 3, seed: int | None = None):
    """Time to rebuild an account's state vs its stream's length, without and with snapshots.

    Parameters
    ----------
    lengths : list of int
        Stream lengths (versions) at which to replay.
    intervals : list of int, optional
        Snapshot intervals N (a snapshot at every multiple of N); 0 means none.
    repeats : int, optional
        Each replay is timed this many times; the best counts.
    seed : int, optional
        Same seed, same events.

    Returns
    -------
    pandas.DataFrame
        One row per (length, interval): ``length``, ``snapshot_every``,
        ``events_folded`` (events read after the snapshot), ``seconds``.
    """
    import pandas as pd

    lengths = _ints("lengths", lengths, 1, config.EVENTSOURCING_MAX_EVENTS)
    intervals = _ints("intervals", intervals, 0, config.EVENTSOURCING_MAX_EVENTS)
    repeats = validate.integer("repeats", repeats, 1, 100)
    if lengths[-1] * len(intervals) > config.EVENTSOURCING_MAX_EVENTS:
        raise ValueError(
            f"lengths x intervals would write {lengths[-1] * len(intervals):,} events; the limit is "
            f"config.EVENTSOURCING_MAX_EVENTS = {config.EVENTSOURCING_MAX_EVENTS:,}"
        )
    events = account_events(lengths[-1], seed)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        with EventStore(os.path.join(folder, "events.db"), synchronous="OFF") as store:
            for n in intervals:
                _write_stream(store, f"account-every-{n}", events, n)
            for n in intervals:
                for length in lengths:
                    stream, snap = f"account-every-{n}", n > 0

                    def run(stream=stream, length=length, snap=snap):
                        return replay(store, stream, until=length, use_snapshots=snap)

                    seconds = _best_of(run, repeats)
                    folded = length - (length // n) * n if n else length
                    rows.append((length, n, folded, seconds))
    return pd.DataFrame(rows, columns=["length", "snapshot_every", "events_folded", "seconds"])


def snapshot_tradeoff(costs, intervals=None, snapshot_bytes: int | None = None):
    """Expected replay time and snapshot storage per interval, from measured replay costs.

    Fits ``seconds = a + b * events_folded`` to the replays without snapshots
    and the extra cost ``c`` of loading a snapshot (median excess) to the others,
    then for each interval N: a state is rebuilt
    from a snapshot and ``(N - 1) / 2`` events on average (versions uniform
    between snapshots), at worst ``N - 1``; snapshots add ``snapshot_bytes / N``
    bytes per event.

    Parameters
    ----------
    costs : pandas.DataFrame
        The result of :func:`replay_cost`.
    intervals : list of int, optional
        Intervals to evaluate (default: 1 to 10,000, log-spaced).
    snapshot_bytes : int, optional
        Size of one snapshot (default: the bank account's, as JSON).

    Returns
    -------
    pandas.DataFrame
        ``snapshot_every``, ``mean_replay_s``, ``worst_replay_s``,
        ``snapshot_bytes_per_event``; its ``attrs`` hold the fit
        (``fixed_s``, ``per_event_s``, ``snapshot_load_s``).
    """
    import pandas as pd

    if not isinstance(costs, pd.DataFrame) or not {"events_folded", "snapshot_every", "seconds"} <= set(
        costs
    ):
        raise ValueError("costs must be the DataFrame replay_cost returns")
    if intervals is None:
        intervals = np.unique(np.round(np.geomspace(1, 10_000, 41)).astype(int))
    intervals = np.asarray(_ints("intervals", intervals, 1, 10**9), dtype=float)
    if snapshot_bytes is None:
        import json

        snapshot_bytes = len(json.dumps(BANK.to_json(BANK.initial())))
    snapshot_bytes = validate.integer("snapshot_bytes", snapshot_bytes, 0)
    plain, snap = costs[costs["snapshot_every"] == 0], costs[costs["snapshot_every"] > 0]
    if len(plain["events_folded"].unique()) < 2:
        raise ValueError("costs must hold replays without snapshots at two lengths or more (interval 0)")
    per_event, fixed = np.polyfit(plain["events_folded"], plain["seconds"], 1)
    per_event = max(per_event, 0.0)
    fixed = max(fixed, float(plain["seconds"].min()) - per_event * float(plain["events_folded"].min()), 0.0)
    residual = snap["seconds"] - fixed - per_event * snap["events_folded"]
    load = max(float(residual.median()), 0.0) if len(snap) else 0.0
    out = pd.DataFrame(
        {
            "snapshot_every": intervals.astype(int),
            "mean_replay_s": fixed + load + per_event * (intervals - 1) / 2,
            "worst_replay_s": fixed + load + per_event * (intervals - 1),
            "snapshot_bytes_per_event": snapshot_bytes / intervals,
        }
    )
    out.attrs.update(fixed_s=float(fixed), per_event_s=float(per_event), snapshot_load_s=float(load))
    return out


def _table_bytes(conn: sqlite3.Connection) -> int:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages, free, size = (
        conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count", "page_size")
    )
    return (pages - free) * size


def storage_growth(commands: int = 20_000, accounts: int = 100, points: int = 10, seed: int | None = None):
    """Bytes on disk of the event log vs a current-state table, as commands accumulate.

    The same commands go to an event store (one row per event, kept forever)
    and to a table ``accounts(stream, owner, balance, version)`` updated in
    place (what a CRUD service stores). Sizes are the pages in use after a WAL
    checkpoint, indexes included.

    Parameters
    ----------
    commands : int, optional
        Commands applied in all.
    accounts : int, optional
        Accounts they go to.
    points : int, optional
        Sizes are measured this many times along the way.
    seed : int, optional
        Same seed, same commands.

    Returns
    -------
    pandas.DataFrame
        ``commands``, ``events_bytes``, ``state_bytes``.
    """
    import pandas as pd

    commands = validate.integer("commands", commands, 1, config.EVENTSOURCING_MAX_EVENTS)
    accounts = validate.integer("accounts", accounts, 1, 100_000)
    points = validate.integer("points", points, 1, 1000)
    stops = set(np.linspace(0, commands, points + 1).astype(int)[1:])
    plan = random_commands(commands, accounts, seed)
    states: dict = {}
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        state_db = sqlite3.connect(os.path.join(folder, "state.db"), isolation_level=None)
        state_db.execute("PRAGMA journal_mode=WAL")
        state_db.execute(
            "CREATE TABLE accounts (stream TEXT PRIMARY KEY, owner TEXT, balance INTEGER, version INTEGER)"
        )
        with EventStore(os.path.join(folder, "events.db"), synchronous="OFF") as store:
            state_db.execute("BEGIN")
            for done, (stream, command) in enumerate(plan, start=1):
                state = states.get(stream, BANK.initial())
                events = BANK.decide(state, command)
                store.append(stream, events, state.version)
                states[stream] = state = BANK.fold(state, events)
                state_db.execute(
                    "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?)",
                    (stream, state.owner, state.balance, state.version),
                )
                if done in stops:
                    state_db.execute("COMMIT")
                    rows.append((done, store.size_bytes(), _table_bytes(state_db)))
                    state_db.execute("BEGIN")
            state_db.execute("COMMIT")
        state_db.close()
    return pd.DataFrame(rows, columns=["commands", "events_bytes", "state_bytes"])


# --- a schema change, three ways -------------------------------------------------------------
# Deposited v1 held {"amount": euros as a float}; v2 holds {"amount_cents": int, "currency": str}.
def deposited_v1_to_v2(data: dict) -> dict:
    """The upcaster of the schema-change example: Deposited v1 (euros, float) to v2 (cents, currency).

    Parameters
    ----------
    data : dict
        ``{"amount": euros}``.

    Returns
    -------
    dict
        ``{"amount_cents": int, "currency": "EUR"}``.
    """
    amount = data.get("amount") if isinstance(data, dict) else None
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not np.isfinite(amount):
        raise ValueError(f"data must be a Deposited v1 payload {{'amount': euros}} (got data={data!r})")
    return {"amount_cents": round(amount * 100), "currency": "EUR"}


def _cents_v2(events) -> int:
    return sum(e.data["amount_cents"] for e in events)


def _cents_weak(events) -> int:
    # A weak-schema reader: no versions, it recognises each shape the data ever had.
    return sum(
        e.data["amount_cents"] if "amount_cents" in e.data else round(e.data["amount"] * 100) for e in events
    )


def copy_transform(source: EventStore, target_path, transform) -> EventStore:
    """A new store holding ``source``'s events passed through ``transform``; positions, versions, times kept.

    Parameters
    ----------
    source : EventStore
        The store to migrate (read without its upcasters' help only if it has none).
    target_path : str or Path
        The new store's file (must not hold events yet).
    transform : callable
        ``Event -> dict`` with ``type``, ``data`` and ``schema`` (and optionally
        ``metadata``) of the rewritten event.

    Returns
    -------
    EventStore
        The new store, open.
    """
    from dataclasses import replace

    if not isinstance(source, EventStore):
        raise TypeError(f"source must be an EventStore (got source={source!r})")
    if not callable(transform):
        raise TypeError(f"transform must be a function Event -> dict (got transform={transform!r})")
    target = EventStore(target_path, synchronous="OFF")
    if target.head():
        target.close()
        raise ValueError(f"target_path must be a new store (got one holding events: {str(target_path)!r})")
    position = 0
    while batch := source.read_all(position + 1, limit=config.EVENTSOURCING_MAX_BATCH):
        rewritten = []
        for e in batch:
            new = transform(e)
            rewritten.append(
                replace(
                    e,
                    type=new["type"],
                    data=new["data"],
                    schema=new["schema"],
                    metadata=new.get("metadata", e.metadata),
                )
            )
        target._import(rewritten)
        position = batch[-1].position
    return target


def schema_change(events: int = 20_000, changed_at: float = 0.5, repeats: int = 3, seed: int | None = None):
    """One schema change handled three ways, on the same store: the bill of each.

    The store holds ``events`` deposits; the first ``changed_at`` of them were
    written at schema 1 (``{"amount": euros}``), the rest at schema 2
    (``{"amount_cents": int, "currency": "EUR"}``). Each way must compute the
    same total, in cents:

    - **upcast on read**: the store stays as written; an upcaster turns v1
      into v2 at every read (cost paid at every read, history untouched);
    - **copy-transform**: a one-off migration writes a new store with every
      event at v2 (cost paid once; the new log is a rewritten history, so keep
      the old one if it is your audit trail);
    - **weak schema**: no versions; the reader recognises every shape the data
      ever had (cheap at first; every change adds a branch to every reader).

    Parameters
    ----------
    events : int, optional
        Deposits in the store.
    changed_at : float, optional
        Fraction of them written before the change.
    repeats : int, optional
        Reads are timed this many times; the best counts.
    seed : int, optional
        Same seed, same amounts.

    Returns
    -------
    pandas.DataFrame
        One row per way: ``one_off_s`` (migration), ``read_s`` (read all and
        total), ``store_bytes``, ``history_as_written`` (bool),
        ``shapes_in_reader``, ``total_cents``.
    """
    import pandas as pd

    events = validate.integer("events", events, 1, config.EVENTSOURCING_MAX_EVENTS // 2)
    changed_at = validate.number("changed_at", changed_at, 0.0, 1.0)
    repeats = validate.integer("repeats", repeats, 1, 100)
    rng = np.random.default_rng(resolve_seed(seed))
    cents = rng.integers(1, 100_000, size=events)
    old = round(events * changed_at)
    written = [{"type": "Deposited", "schema": 1, "data": {"amount": int(c) / 100}} for c in cents[:old]]
    written += [
        {"type": "Deposited", "schema": 2, "data": {"amount_cents": int(c), "currency": "EUR"}}
        for c in cents[old:]
    ]
    upcasters = {("Deposited", 1): deposited_v1_to_v2}
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "events.db")
        with EventStore(path, synchronous="OFF") as raw:
            for start in range(0, events, config.EVENTSOURCING_MAX_BATCH):
                raw.append("deposits", written[start : start + config.EVENTSOURCING_MAX_BATCH], start)
            size = raw.size_bytes()
            with EventStore(path, upcasters=upcasters) as upcasting:
                total = _cents_v2(upcasting.read("deposits"))
                read_s = _best_of(lambda: _cents_v2(upcasting.read("deposits")), repeats)
            rows.append(("upcast on read", 0.0, read_s, size, True, 1, total))

            start = time.perf_counter()
            migrated = copy_transform(
                raw,
                os.path.join(folder, "migrated.db"),
                lambda e: (
                    {"type": e.type, "schema": 2, "data": deposited_v1_to_v2(e.data)}
                    if e.schema == 1
                    else {"type": e.type, "schema": e.schema, "data": e.data}
                ),
            )
            one_off = time.perf_counter() - start
            with migrated:
                total = _cents_v2(migrated.read("deposits"))
                read_s = _best_of(lambda: _cents_v2(migrated.read("deposits")), repeats)
                rows.append(("copy-transform", one_off, read_s, migrated.size_bytes(), False, 1, total))

            total = _cents_weak(raw.read("deposits"))
            read_s = _best_of(lambda: _cents_weak(raw.read("deposits")), repeats)
            rows.append(("weak schema", 0.0, read_s, size, True, 2, total))
    columns = [
        "way",
        "one_off_s",
        "read_s",
        "store_bytes",
        "history_as_written",
        "shapes_in_reader",
        "total_cents",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("way")
