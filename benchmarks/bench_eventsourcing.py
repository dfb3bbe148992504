"""09 event sourcing: the kit's SQLite event store vs the ``eventsourcing`` package's SQLite persistence.

Scenario: the same bank, the same commands, on a file in WAL mode with
``synchronous=FULL`` on both sides (eventsourcing's SQLite default; ours too).

- commands: 1,000 plausible commands (``random_commands``: openings, deposits,
  withdrawals) over 20 accounts; each loads the account from its events,
  decides, and appends one event (the kit: ``handle`` without snapshots;
  eventsourcing: ``repository.get`` then ``save``, its aggregate cache off as
  by default). One commit, so one fsync, per command on both sides.
- replay: every account rebuilt from its events 20 times (the kit: ``replay``
  without snapshots; eventsourcing: ``repository.get``).

Both sides must end with the same balance in every account before the times
count. Prints appends per second and replayed events per second side by side.
"""

from __future__ import annotations

import os
import tempfile
import time

from kit import eventsourcing as es

from .common import Row

COMMANDS, ACCOUNTS, REPLAYS, SEED = 1_000, 20, 20, 1


def peer_bank(path):
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Account(Aggregate):
        @event("AccountOpened")
        def __init__(self, owner):
            self.owner, self.balance = owner, 0

        @event("Deposited")
        def deposit(self, amount):
            self.balance += amount

        def withdraw(self, amount):
            if amount > self.balance:
                raise ValueError("overdraft")
            self._withdraw(amount)

        @event("Withdrawn")
        def _withdraw(self, amount):
            self.balance -= amount

    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    return Application(env=env), Account


def run_peer(plan, path):
    app, account = peer_bank(path)
    ids = {}
    start = time.perf_counter()
    for stream, command in plan:
        if command["type"] == "open":
            a = account(command["owner"])
            ids[stream] = a.id
        else:
            a = app.repository.get(ids[stream])
            getattr(a, command["type"])(command["amount"])
        app.save(a)
    append_s = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(REPLAYS):
        balances = {s: app.repository.get(i).balance for s, i in ids.items()}
    replay_s = time.perf_counter() - start
    app.close()
    return append_s, replay_s, balances


def run_ours(plan, path):
    with es.EventStore(path, synchronous="FULL") as store:
        start = time.perf_counter()
        for stream, command in plan:
            es.handle(store, stream, command, snapshot_every=0)
        append_s = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(REPLAYS):
            balances = {s: es.replay(store, s, use_snapshots=False).balance for s in store.streams()}
        replay_s = time.perf_counter() - start
    return append_s, replay_s, balances


def run() -> list[Row]:
    plan = es.random_commands(COMMANDS, ACCOUNTS, seed=SEED)
    with tempfile.TemporaryDirectory() as folder:
        ours = run_ours(plan, os.path.join(folder, "kit.db"))
        peer = run_peer(plan, os.path.join(folder, "peer.db"))
    assert ours[2] == peer[2], "the two stores disagree on the balances"
    replayed = REPLAYS * COMMANDS  # every account's events, REPLAYS times
    print(f"{'':34} {'kit.eventsourcing':>18} {'eventsourcing':>15}")
    print(f"{'commands appended per second':34} {COMMANDS / ours[0]:18,.0f} {COMMANDS / peer[0]:15,.0f}")
    print(f"{'replayed events per second':34} {replayed / ours[1]:18,.0f} {replayed / peer[1]:15,.0f}")
    return [
        Row(
            f"{COMMANDS:,} commands (load, decide, append; fsync)",
            ours[0],
            "eventsourcing 9 (SQLite)",
            peer[0],
        ),
        Row(
            f"replay {ACCOUNTS} accounts x {REPLAYS} ({replayed:,} events)",
            ours[1],
            "eventsourcing 9 (SQLite)",
            peer[1],
        ),
    ]
