"""The SQLite event store: its contract, and the same contract under real processes and real kills."""

from __future__ import annotations

import multiprocessing as mp
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from kit.eventsourcing import ConcurrencyError, EventStore

from .conftest import ROOT

FORK = mp.get_context("fork")  # the children need no fresh import of kit (and the parent holds no connection)


def ev(kind="Tick", **data):
    return {"type": kind, "data": data}


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as s:
        yield s


# --- the contract in one process ---------------------------------------------------------------
def test_versions_positions_and_the_issue_api(store):
    assert store.append("a", [ev(n=1), ev(n=2)], expected_version=0) == 2
    assert store.append("b", [ev(n=3)], 0) == 1
    assert store.append("a", [ev("Tock", n=4)], 2) == 3
    a = store.read("a")
    assert [(e.version, e.position, e.type, e.data) for e in a] == [
        (1, 1, "Tick", {"n": 1}),
        (2, 2, "Tick", {"n": 2}),
        (3, 4, "Tock", {"n": 4}),
    ]
    assert [e.version for e in store.read("a", from_version=2)] == [2, 3]
    assert [e.version for e in store.read("a", 1, to_version=2)] == [1, 2]
    assert [(e.stream, e.position) for e in store.read_all(from_position=3)] == [("b", 3), ("a", 4)]
    assert [e.position for e in store.read_all(limit=2)] == [1, 2]
    assert store.read("nobody") == [] and store.version("nobody") == 0
    assert store.version("a") == 3 and store.head() == 4 and store.streams() == ["a", "b"]


def test_a_stale_expected_version_names_the_stream_and_both_versions_and_writes_nothing(store):
    store.append("acct", [ev()], 0)
    with pytest.raises(ConcurrencyError, match=r"'acct'.*expected version 0.*at version 1") as info:
        store.append("acct", [ev(), ev()], 0)
    assert (info.value.stream, info.value.expected, info.value.actual) == ("acct", 0, 1)
    with pytest.raises(ConcurrencyError):
        store.append("acct", [ev()], 5)  # ahead of the stream is as wrong as behind it
    assert store.head() == 1 and store.version("acct") == 1


def test_metadata_schema_and_timestamps_round_trip(tmp_path):
    with EventStore(tmp_path / "e.db", clock=lambda: 1000.0) as s:
        s.append("a", [{"type": "T", "data": {"x": [1, "é"]}, "metadata": {"user": "u1"}, "schema": 3}], 0)
        (e,) = s.read("a")
    assert (e.data, e.metadata, e.schema, e.timestamp) == ({"x": [1, "é"]}, {"user": "u1"}, 3, 1000.0)


def test_timestamps_never_decrease_along_positions_even_when_the_clock_steps_back(tmp_path):
    times = iter([100.0, 50.0, 120.0, 10.0])
    with EventStore(tmp_path / "e.db", clock=lambda: next(times)) as s:
        for i in range(4):
            s.append("a", [ev(i=i)], i)
        stamps = [e.timestamp for e in s.read_all()]
        assert stamps == [100.0, 100.0, 120.0, 120.0]
        # "the events up to time t" is a prefix of the log, and reads by time agree with it
        assert [e.version for e in s.read("a", until_time=110.0)] == [1, 2]
        assert s.version_at("a", 119.9) == 2 and s.version_at("a", 99.0) == 0


def test_upcasters_change_what_is_read_never_what_is_stored(tmp_path):
    path = tmp_path / "e.db"
    with EventStore(path) as old:
        old.append("a", [{"type": "Deposited", "data": {"amount": 1.5}}], 0)
        assert old.read("a")[0].schema == 1
    upcasters = {
        ("Deposited", 1): lambda d: {"cents": round(d["amount"] * 100)},
        ("Deposited", 2): lambda d: {**d, "currency": "EUR"},
    }
    with EventStore(path, upcasters=upcasters) as new:
        assert new.current_schema("Deposited") == 3 and new.current_schema("Other") == 1
        new.append("a", [{"type": "Deposited", "data": {"cents": 7, "currency": "EUR"}}], 1)
        e1, e2 = new.read("a")
        assert (e1.schema, e1.data) == (3, {"cents": 150, "currency": "EUR"})
        assert (e2.schema, e2.data) == (3, {"cents": 7, "currency": "EUR"})
    with EventStore(path) as plain:  # the rows are as written
        assert [(e.schema, e.data) for e in plain.read("a")] == [
            (1, {"amount": 1.5}),
            (3, {"cents": 7, "currency": "EUR"}),
        ]


def test_snapshots_are_found_at_or_below_a_version_and_per_kind(store):
    store.append("a", [ev()] * 10, 0)
    store.save_snapshot("a", 4, {"s": 4})
    store.save_snapshot("a", 8, {"s": 8})
    store.save_snapshot("a", 6, {"other": 1}, kind="other-fold")
    assert store.load_snapshot("a") == (8, {"s": 8})
    assert store.load_snapshot("a", max_version=7) == (4, {"s": 4})
    assert store.load_snapshot("a", max_version=3) is None
    assert store.load_snapshot("a", kind="other-fold") == (6, {"other": 1})


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda s: s.append("", [ev()], 0), "stream"),
        (lambda s: s.append("a", [], 0), "events"),
        (lambda s: s.append("a", ev(), 0), "events"),
        (lambda s: s.append("a", [{"data": {}}], 0), "events"),
        (lambda s: s.append("a", [{"type": "T", "data": {"x": float("nan")}}], 0), "data"),
        (lambda s: s.append("a", [{"type": "T", "data": {"x": object()}}], 0), "data"),
        (lambda s: s.append("a", [ev()], -1), "expected_version"),
        (lambda s: s.append("a", [ev()], 1.5), "expected_version"),
        (lambda s: s.read("a", from_version="x"), "from_version"),
        (lambda s: s.read_all(limit=0), "limit"),
        (lambda s: s.read("a", until_time=float("nan")), "until_time"),
    ],
)
def test_bad_input_is_refused_by_name(store, call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call(store)
    assert store.head() == 0


def test_bad_constructor_arguments_are_refused_by_name(tmp_path):
    for kwargs, name in [
        ({"path": ":memory:"}, "path"),
        ({"path": tmp_path / "no" / "such" / "e.db"}, "path"),
        ({"path": tmp_path / "e.db", "synchronous": "SOMETIMES"}, "synchronous"),
        ({"path": tmp_path / "e.db", "upcasters": {("T", 0): str}}, "upcasters"),
        ({"path": tmp_path / "e.db", "timeout_s": -1}, "timeout_s"),
    ]:
        with pytest.raises((TypeError, ValueError), match=name):
            EventStore(**kwargs)


# --- real processes ------------------------------------------------------------------------------
WRITERS, ROUNDS, STREAMS, BATCH = 4, 25, 3, 2


def _writer(path, me, barrier, results):
    """Each round every writer reads the same stream's version, meets the others, then appends."""
    store = EventStore(path, timeout_s=60.0, synchronous="NORMAL")
    acked, conflicts = [], 0
    for r in range(ROUNDS):
        stream, batch_id = f"s{r % STREAMS}", f"{me}-{r}"
        version = store.version(stream)
        barrier.wait(timeout=60)
        while True:
            try:
                store.append(stream, [ev(batch=batch_id, i=i) for i in range(BATCH)], version)
                break
            except ConcurrencyError:
                conflicts += 1
                version = store.version(stream)  # reload and decide again
        acked.append(batch_id)
    store.close()
    results.put((me, acked, conflicts))


def _reader(path, stop, results):
    """Polls the global log from its checkpoint; records every violation it sees."""
    store = EventStore(path, synchronous="NORMAL")
    seen, problems = [], []
    last = 0
    while True:
        done = stop.is_set()  # one more read after the writers have stopped
        events = store.read_all(last + 1)
        positions = [e.position for e in events]
        if positions != list(range(last + 1, last + 1 + len(events))):
            problems.append(f"after {last}: {positions[:5]}...")
        batches = {}
        for e in events:
            batches[e.data["batch"]] = batches.get(e.data["batch"], 0) + 1
        problems += [f"half a batch {b}: {n}" for b, n in batches.items() if n % BATCH]
        seen += positions
        last = positions[-1] if positions else last
        if done:
            break
    store.close()
    results.put((seen, problems))


def _join(procs, timeout_s=120):
    deadline = time.monotonic() + timeout_s
    for p in procs:
        p.join(max(deadline - time.monotonic(), 0.1))
    hung = [p for p in procs if p.is_alive()]
    for p in hung:
        p.kill()
    assert not hung, f"{len(hung)} process(es) did not finish within {timeout_s} s"
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]


def test_concurrent_writers_with_retries_and_a_reader_lose_nothing_and_see_no_gap(tmp_path):
    path = str(tmp_path / "events.db")
    EventStore(path).close()  # create the schema before anyone races for it
    barrier, results, reads, stop = FORK.Barrier(WRITERS), FORK.Queue(), FORK.Queue(), FORK.Event()
    reader = FORK.Process(target=_reader, args=(path, stop, reads))
    writers = [FORK.Process(target=_writer, args=(path, w, barrier, results)) for w in range(WRITERS)]
    reader.start()
    for p in writers:
        p.start()
    outcomes = [results.get(timeout=120) for _ in writers]
    _join(writers)
    stop.set()
    seen, problems = reads.get(timeout=60)
    _join([reader])

    acked = [b for _, batch_ids, _ in outcomes for b in batch_ids]
    conflicts = sum(c for _, _, c in outcomes)
    with EventStore(path) as store:
        log = store.read_all()
        for s in range(STREAMS):
            assert [e.version for e in store.read(f"s{s}")] == list(range(1, store.version(f"s{s}") + 1))
    assert [e.position for e in log] == list(range(1, len(log) + 1))
    counts = {}
    for e in log:
        counts[e.data["batch"]] = counts.get(e.data["batch"], 0) + 1
    assert sorted(counts) == sorted(acked) and set(counts.values()) == {
        BATCH
    }  # each acked batch, once, whole
    assert len(acked) == WRITERS * ROUNDS
    # every round, all writers decided from the same version: all but one must have conflicted
    assert conflicts >= ROUNDS * (WRITERS - 1)
    assert not problems, problems[:5]
    assert seen == [e.position for e in log]  # the reader saw every committed event, in order, once


CHILD = textwrap.dedent(
    """
    import os, sys, time
    from kit.eventsourcing import EventStore
    path, hang_on = sys.argv[1], sys.argv[5]
    batches, size, hang_at = (int(a) for a in sys.argv[2:5])
    store = EventStore(path, synchronous="FULL")
    state = {"batch": -1, "inserts": 0}

    def trace(sql):  # runs as each statement starts: a window inside the open transaction
        if state["batch"] != hang_at:
            return
        state["inserts"] += sql.startswith("INSERT")
        halfway = hang_on == "insert" and state["inserts"] == size // 2
        if halfway or (hang_on == "commit" and sql == "COMMIT"):
            print("inside", flush=True)
            time.sleep(600)

    store._conn.set_trace_callback(trace)
    for b in range(batches):
        state["batch"] = b
        store.append("acct", [{"type": "T", "data": {"batch": b, "i": i}} for i in range(size)], b * size)
        print("ack", b, flush=True)
    """
)


def _kill_child(path, batches, size, hang_at, hang_on, delay_s=None) -> list[int]:
    """Run the child; SIGKILL it inside batch ``hang_at``, or ``delay_s`` after its third ack; return acks."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(batches), str(size), str(hang_at), hang_on],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    acked = []
    try:
        deadline = time.monotonic() + 120
        for line in child.stdout:
            if line.startswith("ack"):
                acked.append(int(line.split()[1]))
            if (
                line.startswith("inside")
                or (len(acked) == 3 and delay_s is not None)
                or time.monotonic() > deadline
            ):
                break
        time.sleep(delay_s or 0.0)
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    acked += [int(line.split()[1]) for line in rest.splitlines() if line.startswith("ack")]
    return acked


def _check_whole_batches(path, acked, size):
    with EventStore(path) as store:
        log = store.read("acct")
    batches = {}
    for e in log:
        batches.setdefault(e.data["batch"], []).append(e.data["i"])
    assert set(acked) <= set(batches), "an acknowledged batch is missing"
    assert all(items == list(range(size)) for items in batches.values()), "a partial batch survived"
    assert [e.version for e in log] == list(range(1, len(log) + 1))
    return batches


@pytest.mark.parametrize("hang_on", ["insert", "commit"])
def test_sigkill_inside_an_append_keeps_every_acked_batch_and_no_part_of_the_open_one(tmp_path, hang_on):
    path, size = tmp_path / "events.db", 200
    acked = _kill_child(path, 10, size, hang_at=4, hang_on=hang_on)
    assert acked == [0, 1, 2, 3]
    batches = _check_whole_batches(path, acked, size)
    assert sorted(batches) == [0, 1, 2, 3]  # the batch killed before its COMMIT left nothing


def test_sigkill_at_random_moments_never_loses_an_ack_nor_leaves_half_a_batch(tmp_path):
    size = 300
    for trial, delay_s in enumerate([0.0, 0.011]):  # after the third ack: mid-stream
        path = tmp_path / f"events-{trial}.db"
        acked = _kill_child(path, 100_000, size, hang_at=-2, hang_on="never", delay_s=delay_s)
        assert len(acked) >= 3
        _check_whole_batches(path, acked, size)


@pytest.mark.parametrize("timeout_s, outcome", [(30.0, ConcurrencyError), (0.0, sqlite3.OperationalError)])
def test_a_second_writer_waits_for_the_lock_then_conflicts_instead_of_failing(tmp_path, timeout_s, outcome):
    """BEGIN IMMEDIATE with a busy timeout: the second writer waits, then decides on the first's commit.

    Without the timeout the same append fails at once with "database is locked": nothing written either way.
    """
    path = str(tmp_path / "events.db")
    raised = []

    def second_writer():
        with EventStore(path, timeout_s=timeout_s) as second:
            try:
                second.append("a", [ev()], 0)
            except Exception as e:
                raised.append(e)

    with EventStore(path) as first:
        first._conn.execute("BEGIN IMMEDIATE")  # hold the write lock, as an append in progress does
        first._conn.execute("INSERT INTO events VALUES (1, 'a', 1, 'T', 1, '{}', '{}', 0.0)")
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.3)
        first._conn.execute("COMMIT")
        thread.join(60)
        assert [type(e) for e in raised] == [outcome], raised
        assert first.version("a") == 1


def test_the_store_file_is_in_wal_mode_with_the_schema_in_the_docstring(tmp_path):
    with EventStore(tmp_path / "e.db") as s:
        assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [r[1] for r in s._conn.execute("PRAGMA table_info(events)")]
    assert columns == ["position", "stream", "version", "type", "schema", "data", "metadata", "timestamp"]
