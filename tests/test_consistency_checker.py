"""Linearizability and sequential consistency: real histories with known verdicts, textbook
histories, and the fast search against the definition (all permutations) on random histories."""

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config
from kit.consistency import History, check_linearizable, check_sequential, load_history
from tests import naive
from tests.conftest import fixture_path


def ops_of(h: History) -> list[dict]:
    return [
        {
            "process": h.process[i],
            "f": h.f[i],
            "key": h.key[i],
            "value": h.value[i],
            "result": h.result[i],
            "invoke_t": h.invoke_t[i],
            "complete_t": h.complete_t[i],
            "status": h.status[i],
        }
        for i in range(len(h))
    ]


# --- real histories with published verdicts ------------------------------------------------------
def etcd_verdicts():
    path = fixture_path("porcupine-etcd", "verdicts.csv")
    with open(path) as f:
        return [(row["file"], row["linearizable"] == "true") for row in csv.DictReader(f)]


def test_every_etcd_history_gets_porcupines_verdict():
    """All fixture histories of Porcupine's test_data/jepsen, verdicts from its tests (verdicts.csv)."""
    wrong = []
    for name, linearizable in etcd_verdicts():
        r = check_linearizable(load_history(fixture_path("porcupine-etcd", name)))
        assert r.verdict in ("OK", "ILLEGAL"), (name, r)
        if r.ok != linearizable:
            wrong.append(name)
    assert not wrong
    assert len(etcd_verdicts()) == 71


def test_every_etcd_history_gets_a_sequential_verdict_with_a_legal_order():
    """Never UNKNOWN within the default budget, also on the 54 non-linearizable histories (no witness
    from the linearizability check): an OK order holds every ok operation, keeps each process's
    order and replays legally. A reduction that took a write of the value held as harmless fails
    here (it called etcd_062 ILLEGAL), as does a search that times out."""
    for name, _ in etcd_verdicts():
        h = load_history(fixture_path("porcupine-etcd", name))
        s = check_sequential(h)
        assert s.verdict == "OK", (name, s.verdict, s.reason)
        ops = ops_of(h)
        assert set(np.flatnonzero(h.status == "ok")) <= set(s.order), name
        assert naive._legal([ops[i] for i in s.order], h.initial), name
        for proc in set(h.process):
            rows = [i for i in s.order if h.process[i] == proc]
            assert rows == sorted(rows), (name, proc)


@pytest.mark.parametrize("clients", ["c01", "c10", "c50"])
def test_kv_histories_per_key(clients):
    ok = check_linearizable(load_history(fixture_path("porcupine-kv", f"{clients}-ok.txt")))
    bad = check_linearizable(load_history(fixture_path("porcupine-kv", f"{clients}-bad.txt")))
    assert ok.verdict == "OK" and ok.model == "kv" and len(ok.partitions) == 10
    assert bad.verdict == "ILLEGAL" and bad.illegal_keys


@pytest.mark.parametrize("folder, verdict", [("good", "OK"), ("bad", "ILLEGAL")])
def test_knossos_histories_get_their_folders_verdict(folder, verdict):
    paths = sorted(fixture_path("jepsen-edn", folder).glob("*.edn"))
    assert paths
    for path in paths:
        assert check_linearizable(load_history(path)).verdict == verdict, path.name


def test_knossos_blames_the_read_not_the_op_after_it():
    """Knossos' cas-register-bug comment: value 0; write 4 and read 3 overlap; the read is at fault."""
    h = History.from_ops(
        [
            (0, "write", 0, None, 0, 1),
            (1, "read", None, 3, 2, 4),
            (2, "write", 4, None, 3, 5),
            (3, "read", None, 4, 6, 7),
        ],
        initial=0,
    )
    r = check_linearizable(h)
    assert r.verdict == "ILLEGAL" and h.describe(r.blocked) == "r3" and h.process[r.blocked] == 1


# --- textbook histories ---------------------------------------------------------------------------
def test_mit_6824_quiz_examples():
    """6.824 (2017) quiz 2, section VII, as in Porcupine's TestRegisterModel (register starts at 0)."""
    ok = History.from_ops(
        [(0, "w", 100, None, 0, 100), (1, "r", None, 100, 25, 75), (2, "r", None, 0, 30, 60)], initial=0
    )
    bad = History.from_ops(
        [(0, "w", 200, None, 0, 100), (1, "r", None, 200, 10, 30), (2, "r", None, 0, 40, 90)], initial=0
    )
    assert check_linearizable(ok).verdict == "OK"
    r = check_linearizable(bad)
    assert r.verdict == "ILLEGAL" and r.blocked == 2 and r.order == (0, 1)


def test_zero_duration_operations():
    """Porcupine's TestZeroDuration: operations that start and end at one instant."""
    ok = History.from_ops(
        [
            (0, "w", 100, None, 0, 100),
            (1, "r", None, 100, 25, 75),
            (2, "r", None, 0, 30, 30),
            (3, "r", None, 0, 30, 30),
        ],
        initial=0,
    )
    bad = History.from_ops(
        [
            (0, "w", 200, None, 0, 100),
            (1, "r", None, 200, 10, 10),
            (2, "r", None, 200, 10, 10),
            (3, "r", None, 0, 40, 90),
        ],
        initial=0,
    )
    assert check_linearizable(ok).verdict == "OK"
    assert check_linearizable(bad).verdict == "ILLEGAL"


def test_stale_read_is_sequential_but_not_linearizable():
    """Viotti & Vukolić 2016, section 3.3: sequential consistency drops real time."""
    h = History.from_ops([("A", "w", 1, None, 0, 1), ("B", "r", None, 0, 2, 3)], initial=0)
    assert check_linearizable(h).verdict == "ILLEGAL"
    assert check_sequential(h).verdict == "OK"


def test_a_write_of_the_value_held_may_be_needed_later():
    """C reads 1 then 0, so A's write of 0 must come after B's write of 1, although writing 0 when
    0 is held changes nothing at the start: a search that took it first as harmless says ILLEGAL."""
    h = History.from_ops(
        [
            ("A", "w", 0, None, 0, 1),
            ("B", "w", 1, None, 2, 3),
            ("C", "r", None, 1, 4, 5),
            ("C", "r", None, 0, 6, 7),
        ],
        initial=0,
    )
    s = check_sequential(h)
    assert s.verdict == "OK" and [h.process[i] for i in s.order] == ["B", "C", "A", "C"]


def test_sequential_consistency_is_not_local():
    """Herlihy & Wing 1990, section 3.3: each object alone is SC, the whole is not (store buffering)."""
    h = History.from_sessions({"P1": ["w(x)1", "r(y)0"], "P2": ["w(y)1", "r(x)0"]}, initial=0)
    assert check_sequential(h).verdict == "ILLEGAL"
    for key in ("x", "y"):
        assert check_sequential(h.select(h.key == key)).verdict == "OK"
    assert check_linearizable(h).verdict == "ILLEGAL"  # linearizability is local: a key fails


def test_reads_out_of_order_are_not_sequential():
    h = History.from_sessions({"P1": ["w(x)1", "w(x)2"], "P2": ["r(x)2", "r(x)1"]}, initial=0)
    assert check_sequential(h).verdict == "ILLEGAL"


def test_locality_per_key():
    """Herlihy & Wing 1990, Theorem 1: linearizable iff every object is."""
    rows = [
        {"process": 0, "f": "w", "key": "x", "value": 1, "invoke_t": 0, "complete_t": 1},
        {"process": 1, "f": "r", "key": "x", "result": 1, "invoke_t": 2, "complete_t": 3},
        {"process": 0, "f": "w", "key": "y", "value": 2, "invoke_t": 4, "complete_t": 5},
        {"process": 1, "f": "r", "key": "y", "result": 0, "invoke_t": 6, "complete_t": 7},
    ]
    r = check_linearizable(History.from_ops(rows, initial=0))
    assert r.verdict == "ILLEGAL" and r.illegal_keys == ["y"]
    assert check_linearizable(History.from_ops(rows[:2], initial=0)).verdict == "OK"


def test_issue_cases_with_equal_timestamps():
    """A zero-length operation and the same process's next one at that instant; touching intervals
    of different processes stay concurrent although the first process hands off at that instant."""
    zero = History.from_ops([(0, "r", None, 0, 1, 1), (0, "r", None, 0, 1, 2)], initial=0)
    assert check_linearizable(zero).verdict == "OK" and check_sequential(zero).verdict == "OK"
    handoff = History.from_ops(
        [(0, "w", 1, None, 0, 2), (0, "r", None, 1, 2, 3), (1, "r", None, 0, 2, 4)], initial=0
    )
    assert check_linearizable(handoff).verdict == "OK"
    backwards = History.from_ops(
        [(0, "w", 1, None, 0, 2), (0, "r", None, 0, 2, 3)], initial=0
    )  # its own write completed: program order
    assert check_linearizable(backwards).verdict == "ILLEGAL"


def test_store_buffering_at_one_instant_is_not_linearizable():
    """Each key alone is linearizable (the touching read may go first), the whole is not: two
    processes hand off at the same instant, so the checker searches their keys together."""
    rows = [
        {"process": 0, "f": "w", "key": "x", "value": 1, "invoke_t": 0, "complete_t": 1},
        {"process": 0, "f": "r", "key": "y", "result": 0, "invoke_t": 1, "complete_t": 2},
        {"process": 1, "f": "w", "key": "y", "value": 1, "invoke_t": 0, "complete_t": 1},
        {"process": 1, "f": "r", "key": "x", "result": 0, "invoke_t": 1, "complete_t": 2},
    ]
    h = History.from_ops(rows, initial=0)
    for key in ("x", "y"):
        assert check_linearizable(h.select(h.key == key)).verdict == "OK"
    r = check_linearizable(h)
    assert r.verdict == "ILLEGAL" and r.partitions.key.tolist() == [("x", "y")]
    one_apart = [dict(row, invoke_t=row["invoke_t"] + 0.5) if row["process"] == 1 else row for row in rows]
    assert check_linearizable(History.from_ops(one_apart, initial=0)).partitions.key.tolist() == ["x", "y"]


def test_touching_intervals_overlap_except_within_a_process():
    """Porcupine orders calls before returns at equal times; a process's own next operation follows."""
    other = History.from_ops([("A", "w", 1, None, 0, 5), ("B", "r", None, 0, 5, 6)], initial=0)
    assert check_linearizable(other).verdict == "OK"
    same = History.from_ops([("A", "w", 1, None, 0, 5), ("A", "r", None, 0, 5, 6)], initial=0)
    assert check_linearizable(same).verdict == "ILLEGAL"


def test_failed_and_unknown_operations():
    """fail: never happened; info: may happen at any time after its invocation, or never."""
    failed = History.from_ops([("A", "w", 1, None, 0, 1, "fail"), ("B", "r", None, 1, 2, 3)], initial=0)
    assert check_linearizable(failed).verdict == "ILLEGAL"
    late = History.from_ops([("A", "w", 1, None, 0, 1, "info"), ("B", "r", None, 1, 5, 6)], initial=0)
    assert check_linearizable(late).verdict == "OK"  # it took effect after the client gave up
    never = History.from_ops(
        [("A", "w", 1, None, 0, 1, "info"), ("B", "r", None, 0, 5, 6), ("B", "r", None, 1, 7, 8)], initial=0
    )
    assert check_linearizable(never).verdict == "OK"
    flip = History.from_ops(
        [("A", "w", 1, None, 0, 1, "info"), ("B", "r", None, 1, 5, 6), ("B", "r", None, 0, 7, 8)], initial=0
    )
    assert check_linearizable(flip).verdict == "ILLEGAL"  # once it took effect it stays


def test_cas_register():
    h = History.from_ops(
        [
            ("A", "w", 1, None, 0, 1),
            ("B", "cas", (1, 2), True, 2, 3),
            ("C", "cas", (1, 3), False, 4, 5),
            ("A", "r", None, 2, 6, 7),
        ],
        initial=0,
    )
    assert check_linearizable(h).verdict == "OK"
    wrong = History.from_ops(
        [("A", "w", 1, None, 0, 1), ("B", "cas", (1, 2), False, 2, 3)], initial=0
    )  # it had to swap
    assert check_linearizable(wrong).verdict == "ILLEGAL"


def test_kv_strings_compare_by_content_not_by_how_they_were_built():
    """'a' + 'bc' is the read result 'abc': the canonical string table must find them equal."""
    rows = [
        {"process": 0, "f": "append", "key": "k", "value": "a", "invoke_t": 0, "complete_t": 1},
        {"process": 0, "f": "append", "key": "k", "value": "bc", "invoke_t": 2, "complete_t": 3},
        {"process": 1, "f": "read", "key": "k", "result": "abc", "invoke_t": 4, "complete_t": 5},
        {"process": 1, "f": "put", "key": "k", "value": "ab", "invoke_t": 6, "complete_t": 7},
        {"process": 0, "f": "append", "key": "k", "value": "c", "invoke_t": 8, "complete_t": 9},
        {"process": 1, "f": "read", "key": "k", "result": "abc", "invoke_t": 10, "complete_t": 11},
        {"process": 1, "f": "read", "key": "k", "result": "abc", "invoke_t": 12, "complete_t": 13},
    ]
    assert check_linearizable(History.from_ops(rows, initial="")).verdict == "OK"
    rows[-1] = {**rows[-1], "result": "abd"}
    assert check_linearizable(History.from_ops(rows, initial="")).verdict == "ILLEGAL"
    rows[-1] = {**rows[-1], "result": "ab\x00c"}  # a zero byte is not nothing
    assert check_linearizable(History.from_ops(rows, initial="")).verdict == "ILLEGAL"


def test_kv_needs_strings():
    h = History.from_ops([("A", "a", "x", None, 0, 1), ("B", "r", None, 5, 2, 3)], initial="")
    with pytest.raises(ValueError, match="must be a str"):
        check_linearizable(h)


# --- the result ----------------------------------------------------------------------------------
def replays(h: History, order, whole: bool = True) -> bool:
    """Is ``order`` a legal sequential run keeping real-time and program order, and (``whole``)
    does it hold every operation that must have taken effect?"""
    ops = ops_of(h)
    position = {id(o): k for k, o in enumerate(ops)}
    seq = [ops[i] for i in order]
    in_order = all(
        not naive._precedes(seq[j], seq[i], position) for i in range(len(seq)) for j in range(i + 1, len(seq))
    )
    must = {i for i in range(len(h)) if h.status[i] == "ok"} if whole else set()
    return in_order and must <= set(order) and naive._legal(seq, h.initial)


def test_ok_gives_a_linearisation_and_points_inside_intervals():
    h = load_history(fixture_path("porcupine-etcd", "etcd_002.log"))
    r = check_linearizable(h)
    assert r.verdict == "OK" and r.ok is True
    assert sorted(r.order) == list(range(len(h)))
    assert replays(h, r.order)
    points = r.points()
    done = np.where(h.status == "info", np.inf, h.complete_t)
    assert np.all(points >= h.invoke_t) and np.all(points <= done)
    assert np.all(np.diff(points[list(r.order)]) >= 0)


def test_illegal_gives_a_linearisable_prefix_and_the_blocked_operation():
    h = load_history(fixture_path("porcupine-etcd", "etcd_000.log"))
    r = check_linearizable(h)
    assert r.verdict == "ILLEGAL" and r.ok is False
    assert replays(h, r.order, whole=False)
    assert r.blocked not in r.order and r.blocked in r.unplaced
    assert "ILLEGAL" in repr(r) and h.describe(r.blocked) in repr(r)


def test_unknown_when_the_budget_runs_out():
    """18 overlapping writes and a read of a value nobody wrote: the search must try every subset."""
    rows = [(p, "w", p + 1, None, 0, 100) for p in range(18)] + [(99, "r", None, 777, 1, 99)]
    h = History.from_ops(rows, initial=0)
    r = check_linearizable(h, timeout_s=0.05)
    assert r.verdict == "UNKNOWN" and r.ok is None and r.order == ()
    assert r.partitions.verdict.tolist() == ["UNKNOWN"]
    s = check_sequential(h, timeout_s=0.05)
    assert s.verdict == "UNKNOWN" and s.ok is None


def test_pending_writes_nobody_saw_are_interchangeable():
    """40 timed-out writes no read returned: any one of them stands for all (same state, any time
    later), so proving the bad read impossible takes one branch per level, not 2^40 subsets."""
    rows = [(p, "w", 100 + p, None, p, p + 1, "info") for p in range(40)]
    rows += [("R", "r", None, 0, 50, 51), ("S", "w", 7, None, 52, 53), ("R", "r", None, 999, 54, 55)]
    r = check_linearizable(History.from_ops(rows, initial=0), timeout_s=20)
    assert r.verdict == "ILLEGAL" and r.history.describe(r.blocked) == "r999"
    rows[-1] = ("R", "r", None, 7, 54, 55)
    assert check_linearizable(History.from_ops(rows, initial=0), timeout_s=20).verdict == "OK"
    # the same for pending cas operations from one expected value to values nobody saw
    cas = [(p, "cas", (7, 100 + p), None, p, p + 1, "info") for p in range(40)]
    cas += [("S", "w", 7, None, 50, 51), ("R", "r", None, 999, 52, 53)]
    r = check_linearizable(History.from_ops(cas, initial=0), timeout_s=20)
    assert r.verdict == "ILLEGAL"


def test_default_budget_comes_from_config(monkeypatch):
    rows = [(p, "w", p + 1, None, 0, 100) for p in range(18)] + [(99, "r", None, 777, 1, 99)]
    monkeypatch.setattr(config, "CONSISTENCY_CHECK_TIMEOUT_S", 0.05)
    assert check_linearizable(History.from_ops(rows, initial=0)).verdict == "UNKNOWN"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"model": "queue"}, "model must be one of"),
        ({"model": "register"}, "no 'cas' operation"),
        ({"timeout_s": -1}, "timeout_s must be a positive number"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    h = History.from_ops([("A", "cas", (0, 1), True, 0, 1)], initial=0)
    with pytest.raises(ValueError, match=match):
        check_linearizable(h, **kwargs)


def test_not_a_history():
    with pytest.raises(TypeError, match=r"history must be a kit\.consistency\.History"):
        check_linearizable([("A", "w", 1, None, 0, 1)])


def test_empty_and_all_failed_histories_are_linearizable():
    h = History.from_ops([("A", "w", 1, None, 0, 1, "fail")], initial=0)
    assert check_linearizable(h).verdict == "OK"
    assert check_sequential(h).verdict == "OK"


def test_parallel_and_serial_paths_agree(monkeypatch):
    h = load_history(fixture_path("porcupine-kv", "c10-ok.txt"))
    monkeypatch.setattr(config, "CONSISTENCY_PARALLEL_MIN_OPS", 1)
    a = check_linearizable(h)
    monkeypatch.setattr(config, "CONSISTENCY_PARALLEL_MIN_OPS", 10**9)
    b = check_linearizable(h)
    assert a.verdict == b.verdict == "OK" and a.order == b.order


# --- against the definition -------------------------------------------------------------------------
@st.composite
def small_histories(draw, cas=True, keys=("x",), max_ops=8, distinct=True):
    """Up to ``max_ops`` operations of up to three processes on a coarse clock, so that ties are
    common: zero-length operations, a process's next operation invoked at the instant its last
    one completed, operations of different processes starting and ending together; ``fail``
    and ``info`` operations, a client going on after an ``info`` one (History renumbers it).
    ``distinct=False`` draws written values from 1..3, so that pending operations repeat."""
    n_proc = draw(st.integers(1, 3))
    free = [draw(st.integers(0, 2)) for _ in range(n_proc)]
    rows, next_value = [], 1
    for _ in range(draw(st.integers(1, max_ops))):
        p = draw(st.integers(0, n_proc - 1))
        t = free[p] + draw(st.sampled_from([0, 0, 1, 2]))
        length = draw(st.sampled_from([0, 0, 1, 2, 3]))
        f = draw(st.sampled_from(["read", "write", "cas"] if cas else ["read", "write"]))
        status = draw(st.sampled_from(["ok", "ok", "ok", "ok", "info", "fail"]))
        row = {"process": p, "f": f, "key": draw(st.sampled_from(keys)), "invoke_t": t, "status": status}
        row["complete_t"] = t + length
        if f == "read":
            row["result"] = draw(st.integers(0, next_value))
        elif f == "write":
            row["value"] = next_value if distinct else draw(st.integers(1, 3))
            next_value += 1
        else:
            row["value"] = (
                draw(st.integers(0, next_value)),
                next_value if distinct else draw(st.integers(0, 3)),
            )
            row["result"] = draw(st.booleans())
            next_value += 1
        rows.append(row)
        free[p] = t + length
    return History.from_ops(rows, initial=0, model="cas-register")


@st.composite
def handoffs_at_one_instant(draw):
    """Two or three processes that each complete an operation at t = 2 and invoke the next at
    t = 2, on random keys: where program order makes linearizability non-local."""
    rows, value = [], 1
    for p in range(draw(st.integers(2, 3))):
        for invoke, complete in ((draw(st.integers(0, 1)), 2), (2, draw(st.integers(2, 3)))):
            row = {"process": p, "key": draw(st.sampled_from(["x", "y"])), "invoke_t": invoke}
            row["complete_t"] = complete
            if draw(st.booleans()):
                row.update(f="write", value=value)
                value += 1
            else:
                row.update(f="read", result=draw(st.integers(0, 3)))
            rows.append(row)
    return History.from_ops(rows, initial=0)


def test_small_histories_produce_the_cases_that_matter():
    """The generator must reach the cases the properties are about, or they check nothing."""
    from hypothesis import find

    find(small_histories(), lambda h: bool(np.any(h.invoke_t == h.complete_t)))  # zero-length
    find(small_histories(), lambda h: len(h) > 1 and bool(np.any(h.complete_t[:-1] == h.invoke_t[1:])))
    find(small_histories(), lambda h: len(set(h.invoke_t.tolist())) < len(h))  # ties across processes
    find(small_histories(), lambda h: "info" in h.status and "fail" in h.status)
    find(small_histories(), lambda h: any(int(p) > 2 for p in h.process))  # renumbered
    find(small_histories(keys=("x", "y")), lambda h: len(h.keys) == 2)


@given(small_histories())
@settings(max_examples=400, deadline=None)
def test_linearizability_matches_the_definition(h):
    assert check_linearizable(h).ok == naive.linearizable(ops_of(h), h.initial)


def test_pending_writes_of_different_values_are_not_interchangeable():
    """w2 takes effect, is read, then w1 takes effect and is read: trying w1 first at a level must
    not stop the search from trying w2 there. Pending writes of one value are interchangeable."""
    rows = [(0, "w", 1, None, 0, 1, "info"), (1, "w", 2, None, 0, 1, "info"), (2, "r", None, 2, 2, 3)]
    h = History.from_ops([*rows, (2, "r", None, 1, 4, 5)], initial=0)
    assert check_linearizable(h).verdict == "OK" and naive.linearizable(ops_of(h), 0)
    h = History.from_ops([*rows, (3, "w", 2, None, 0, 1, "info"), (2, "r", None, 0, 4, 5)], initial=0)
    assert check_linearizable(h).verdict == "ILLEGAL" and not naive.linearizable(ops_of(h), 0)


@given(small_histories(distinct=False))
@settings(max_examples=300, deadline=None)
def test_repeated_pending_operations_match_the_definition(h):
    """Pending writes of one value (or cas with the same arguments) are tried once per level: a
    class that lumped together different values or arguments would get verdicts wrong here."""
    assert check_linearizable(h).ok == naive.linearizable(ops_of(h), h.initial)


@given(st.one_of(small_histories(keys=("x", "y")), handoffs_at_one_instant()))
@settings(max_examples=400, deadline=None)
def test_linearizability_of_several_keys_matches_the_definition(h):
    """The reference checks every key at once; the kit key by key, with keys tied at one instant merged."""
    assert check_linearizable(h).ok == naive.linearizable(ops_of(h), h.initial)


@given(small_histories(keys=("x", "y")))
@settings(max_examples=300, deadline=None)
def test_sequential_consistency_matches_the_definition(h):
    assert check_sequential(h).ok == naive.sequential(ops_of(h), h.initial)


@given(small_histories(keys=("x", "y")))
@settings(max_examples=200, deadline=None)
def test_linearizable_implies_sequential_and_both_give_a_legal_order(h):
    r = check_linearizable(h)
    s = check_sequential(h)
    assert not r.ok or s.ok
    if r.ok:
        assert replays(h, r.order)
    if s.ok:
        assert naive._legal([ops_of(h)[i] for i in s.order], h.initial)
