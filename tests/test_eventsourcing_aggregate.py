"""Aggregates, replay and time travel, snapshots, projections: properties over random command sequences."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from contextlib import contextmanager

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kit.eventsourcing import (
    BANK,
    CommandRejected,
    ConcurrencyError,
    Domain,
    EventStore,
    Lab,
    ReadModel,
    handle,
    random_commands,
    replay,
)

from . import naive

ACCOUNTS = 2  # few accounts, so that streams grow past several snapshot intervals
opening = st.builds(lambda o: {"type": "open", "owner": o}, st.sampled_from(["Ada", "Alan", ""]))
deposit = st.builds(lambda a: {"type": "deposit", "amount": a}, st.integers(1, 2_000))
withdrawal = st.builds(lambda a: {"type": "withdraw", "amount": a}, st.integers(1, 2_000))
refused = st.one_of(
    st.builds(
        lambda t, a: {"type": t, "amount": a}, st.sampled_from(["deposit", "withdraw"]), st.integers(-3, 0)
    ),
    st.just({"type": "close"}),  # accepted at a zero balance, and then every later command is refused
)
# Repeated branches weight the mix towards commands that make streams long.
command = st.one_of(opening, deposit, deposit, deposit, withdrawal, withdrawal, refused)
commands = st.lists(st.tuples(st.integers(0, ACCOUNTS - 1), command), min_size=4, max_size=40)
OPEN, DEPOSIT = {"type": "open", "owner": "Ada"}, {"type": "deposit", "amount": 5}


@contextmanager
def fresh_store():
    """A store in its own folder; NORMAL sync (durability is tested in test_eventsourcing_store)."""
    path_folder = tempfile.TemporaryDirectory()
    with path_folder as folder, EventStore(os.path.join(folder, "e.db"), synchronous="NORMAL") as store:
        yield store, folder


def run_live(store, cmds, every):
    """Apply commands live (decide + evolve in memory) and through the store; the states after each event."""
    live, states = {}, {}
    for acct, cmd in cmds:
        stream = f"account-{acct}"
        state = live.get(stream, BANK.initial())
        try:
            events = BANK.decide(state, cmd)
        except CommandRejected:
            with pytest.raises(CommandRejected):
                handle(store, stream, cmd, snapshot_every=every)
            continue
        done = handle(store, stream, cmd, snapshot_every=every)
        assert done.events == events and done.version == state.version + len(events)
        for e in events:
            state = BANK.evolve(state, e["type"], e["data"])
            states.setdefault(stream, []).append(state)
        live[stream] = state
    return live, states


@settings(max_examples=60)
@given(cmds=commands, every=st.integers(0, 4))
@example(cmds=[(0, OPEN), (0, DEPOSIT), (0, DEPOSIT), (0, DEPOSIT)], every=2)  # a tail after a snapshot
def test_replaying_any_commands_equals_applying_them_live_at_every_version(cmds, every):
    with fresh_store() as (store, _):
        live, states = run_live(store, cmds, every)
        for stream, history in states.items():
            assert replay(store, stream) == live[stream]
            for version, state in enumerate(history, start=1):
                # snapshot + tail == full replay == the live state then
                assert replay(store, stream, until=version) == state
                assert replay(store, stream, until=version, use_snapshots=False) == state
            expected = naive.bank([c for a, c in cmds if f"account-{a}" == stream])
            got = live[stream]
            assert (got.balance, got.version, got.opened, got.closed) == (
                expected["balance"],
                expected["events"],
                expected["open"],
                expected["closed"],
            )


def test_snapshots_are_written_every_n_and_replay_reads_only_the_tail():
    with fresh_store() as (store, _):
        handle(store, "a", {"type": "open", "owner": "Ada"}, snapshot_every=4)
        for _ in range(9):
            handle(store, "a", {"type": "deposit", "amount": 10}, snapshot_every=4)
        found = [store.load_snapshot("a", v, BANK.snapshot_kind) for v in range(1, 11)]
        assert [v for v, snap in enumerate(found, start=1) if snap and snap[0] == v] == [4, 8]
        # Corrupt the snapshot's balance: a replay that uses it shows it; a full refold does not.
        _, state = store.load_snapshot("a", 8, BANK.snapshot_kind)
        store.save_snapshot("a", 8, {**state, "balance": -1}, BANK.snapshot_kind)
        assert replay(store, "a").balance == -1 + 20
        assert replay(store, "a", use_snapshots=False).balance == 90
        assert replay(store, "a", until=7).balance == 60  # the snapshot at 4 was used, not the one at 8


def test_a_new_fold_version_ignores_old_snapshots():
    with fresh_store() as (store, _):
        for cmd in ({"type": "open"}, {"type": "deposit", "amount": 5}):
            handle(store, "a", cmd, snapshot_every=1)
        store.save_snapshot("a", 2, {**BANK.to_json(replay(store, "a")), "balance": 999}, BANK.snapshot_kind)
        bumped = dataclasses.replace(BANK, fold_version=2)
        assert replay(store, "a").balance == 999 and replay(store, "a", domain=bumped).balance == 5


def test_time_travel_by_version_time_and_datetime_agree():
    lab = Lab(step_s=60.0)
    try:
        lab.run("a", {"type": "open", "owner": "Ada"})
        for amount in (100, 200, 300):
            lab.run("a", {"type": "deposit", "amount": amount})
        times = [e.timestamp for e in lab.store.read("a")]
        assert lab.state("a", until=times[2]) == lab.state("a", until=3)
        assert lab.state("a", until=times[2] + 59.0).balance == 300
        assert lab.state("a", until=lab.history("a").time[1].to_pydatetime()).balance == 100
        assert lab.state("a", until=times[0] - 1.0).version == 0
        assert lab.state("a", until=99).version == 4  # beyond the stream: its latest state
        with pytest.raises(ValueError, match="until"):
            lab.state("a", until="yesterday")
    finally:
        lab.close()


def test_a_lost_race_is_retried_from_the_new_state_and_gives_up_when_told():
    with fresh_store() as (store, folder):
        handle(store, "a", {"type": "open"})
        handle(store, "a", {"type": "deposit", "amount": 100})
        rival = EventStore(os.path.join(folder, "e.db"))
        raced = []

        def decide(state, cmd):  # another writer deposits between our read and our append, once
            if not raced:
                raced.append(
                    rival.append("a", [{"type": "Deposited", "data": {"amount": 80}}], state.version)
                )
            return BANK.decide(state, cmd)

        racy = Domain("bank-account", BANK.initial, decide, BANK.evolve, BANK.to_json, BANK.from_json)
        done = handle(store, "a", {"type": "withdraw", "amount": 50}, domain=racy)
        # decided on balance 100, lost the race, decided again on 180
        assert done.attempts == 2 and replay(store, "a").balance == 130
        raced.clear()
        with pytest.raises(ConcurrencyError, match="expected version 4, but it is at version 5"):
            handle(store, "a", {"type": "deposit", "amount": 1}, domain=racy, retries=0)
        assert replay(store, "a").balance == 210  # the rival's deposit only
        rival.close()


@settings(max_examples=30)
@given(cmds=commands, steps=st.lists(st.integers(0, 6), max_size=8))
def test_projections_rebuilt_equal_projections_caught_up_and_the_write_side(cmds, steps):
    with fresh_store() as (store, folder):
        read = ReadModel(os.path.join(folder, "read.db"))
        plan = iter(steps)
        for acct, cmd in cmds:
            try:
                handle(store, f"account-{acct}", cmd)
            except CommandRejected:
                continue
            step = next(plan, None)
            if step is not None:
                read.catch_up(store, max_events=step)  # a little at a time, as a lagging projector does
        read.catch_up(store)
        assert read.position() == store.head()
        caught = {name: read.table(name) for name in read.names}
        assert read.rebuild(store) == store.head()
        for name, table in caught.items():
            assert read.table(name).equals(table), name
        balances = read.table("balances").set_index("stream")
        for stream in store.streams():
            state = replay(store, stream)
            assert (balances.balance[stream], balances.version[stream]) == (state.balance, state.version)
        totals = read.table("daily_totals")
        deposited = sum(e.data["amount"] for e in store.read_all() if e.type == "Deposited")
        assert int(totals.deposited.sum()) == deposited
        read.close()


def test_a_projector_that_dies_mid_batch_resumes_without_applying_anything_twice():
    with fresh_store() as (store, folder):
        for stream, cmd in random_commands(60, 3, seed=1):
            handle(store, stream, cmd)
        read = ReadModel(os.path.join(folder, "read.db"), ["balances"])
        read.catch_up(store, max_events=20)
        original = read._conn.execute

        def failing(sql, *args):
            if sql.startswith("UPDATE checkpoints"):
                raise RuntimeError("crash before the checkpoint")
            return original(sql, *args)

        broken = ReadModel(os.path.join(folder, "read.db"), ["balances"])
        broken._conn = type("Conn", (), {"execute": staticmethod(failing)})()
        with pytest.raises(RuntimeError):
            broken.step(store)  # its updates rolled back with the checkpoint
        read.catch_up(store)
        balances = read.table("balances").set_index("stream")
        for stream in store.streams():
            assert balances.balance[stream] == replay(store, stream).balance


def test_random_commands_are_always_accepted_and_reproducible():
    plan = random_commands(300, 4, seed=7)
    assert plan == random_commands(300, 4, seed=7) != random_commands(300, 4, seed=8)
    with fresh_store() as (store, _):
        for stream, cmd in plan:
            handle(store, stream, cmd)  # raises if any is refused
        assert store.head() == 300


@pytest.mark.parametrize(
    "cmd, message",
    [
        ({"type": "deposit", "amount": 5}, "not open"),
        ({"type": "teleport"}, "command"),
        ("deposit", "command"),
    ],
)
def test_commands_are_refused_with_a_reason(cmd, message):
    with fresh_store() as (store, _):
        with pytest.raises(ValueError, match=message):
            handle(store, "a", cmd)
        assert store.head() == 0
