"""The History type, the EDN reader and the three loaders with their different semantics."""

import math

import numpy as np
import pandas as pd
import pytest

from kit.consistency import History, detect_format, load_history
from kit.consistency.history import Keyword, parse_edn
from tests.conftest import fixture_path


# --- EDN ---------------------------------------------------------------------------------------
def test_edn_reads_what_jepsen_histories_use():
    text = r"""
    ; a comment
    [{:process 0, :type :invoke, :f :cas, :value [1 2], :time 12N}
     {:process :nemesis :type :info :f :start :value nil}   #_ {:ignored "form"}
     {:process 1 :type :ok :f :read :value "a \"quoted\"\n\u00e9" :tags #{:x :y} :at #inst "2017-01-01"}
     (1.5 -3 2/4 true false nil sym \a)]
    """
    (form,) = parse_edn(text)
    assert form[0] == {"process": 0, "type": "invoke", "f": "cas", "value": [1, 2], "time": 12}
    assert isinstance(form[0][Keyword("type")], Keyword) and repr(Keyword("ok")) == ":ok"
    assert form[1][Keyword("process")] == "nemesis"
    assert form[2]["value"] == 'a "quoted"\né'
    assert form[2]["tags"] == frozenset({"x", "y"})
    assert form[2]["at"] == "2017-01-01"  # a tagged literal keeps its value
    assert form[3] == [1.5, -3, 0.5, True, False, None, "sym", "a"]
    assert len(form) == 4  # the discarded map is gone


@pytest.mark.parametrize("bad", ["[1 2", "{:a}", "(1 2]", "]"])
def test_edn_errors_say_where(bad):
    with pytest.raises(ValueError, match="EDN"):
        parse_edn(bad)


# --- loaders -----------------------------------------------------------------------------------
def test_etcd_log_semantics():
    """Porcupine's reading: :fail :cas ran and returned false; timed-out reads and :info stay open."""
    h = load_history(fixture_path("porcupine-etcd", "etcd_000.log"))
    assert h.source == "etcd-log" and h.model == "cas-register" and h.initial is None
    df = h.to_frame()
    lines = fixture_path("porcupine-etcd", "etcd_000.log").read_text().splitlines()
    assert len(h) == sum(":invoke" in line for line in lines)
    failed_cas = df[(df.f == "cas") & (df.result == False)]  # noqa: E712 - the value False, not falsy
    assert len(failed_cas) == sum(":fail\t:cas" in line or ":fail :cas" in line for line in lines)
    assert (failed_cas.status == "ok").all()
    assert (df.status != "fail").all()
    timed_out_reads = sum(":timed-out" in line and ":fail" in line for line in lines)
    info = sum(":info" in line for line in lines) + timed_out_reads
    assert (df.status == "info").sum() == info
    assert df.loc[0, "op"] == "rnil"  # the first read saw an empty register


def test_every_etcd_fixture_loads():
    for path in sorted(fixture_path("porcupine-etcd").glob("*.log")):
        h = load_history(path)
        assert len(h) > 0 and h.keys == [None]


def test_kv_edn_lines():
    h = load_history(fixture_path("porcupine-kv", "c10-ok.txt"))
    assert h.source == "kv-edn" and h.model == "kv" and h.initial == ""
    assert len(h) == 337 and len(h.processes) == 10 and len(h.keys) == 10
    assert set(h.f) == {"read", "write", "append"}  # get -> read, put -> write
    first = h.to_frame().iloc[0]
    assert (first.f, first.key, first.value, first.status) == ("append", "0", "x 9 0 y", "ok")


def test_knossos_edn_semantics():
    """Knossos: :fail did not happen; an :ok read of nil constrains nothing; a never-completed op is info."""
    h = load_history(fixture_path("jepsen-edn", "bad", "immediate-failure.edn"))
    assert h.source == "knossos-edn" and h.initial == 0 and h.model == "cas-register"
    assert list(h.status) == ["ok", "fail"] and list(h.f) == ["read", "write"]
    bug = load_history(fixture_path("jepsen-edn", "good", "cas-register-bug.edn"))
    pending = bug.to_frame().query("process == 6").iloc[0]
    assert pending.status == "info" and math.isinf(pending.complete_t)
    mem = load_history(fixture_path("jepsen-edn", "good", "memstress3-0.edn"))
    assert (mem.status == "fail").sum() == 86


def test_detect_format_and_explicit_format(tmp_path):
    assert detect_format("INFO  jepsen.util - 3\t:invoke\t:read\tnil\n") == "etcd-log"
    assert detect_format('{:process 0, :type :invoke, :f :get, :key "1", :value nil}') == "kv-edn"
    assert detect_format("[{:process 0 :type :invoke :f :read :value nil}]") == "knossos-edn"
    with pytest.raises(ValueError, match="cannot tell the history format"):
        detect_format("hello")
    p = tmp_path / "h.edn"
    p.write_text("[{:process 0 :type :invoke :f :write :value 3} {:process 0 :type :ok :f :write :value 3}]")
    with pytest.raises(ValueError, match="format must be one of"):
        load_history(p, format="csv")
    with pytest.raises(ValueError, match="path must be an existing history file"):
        load_history(tmp_path / "missing.edn")


def test_load_history_refuses_what_it_cannot_read_by_name(tmp_path, monkeypatch):
    from kit import config

    with pytest.raises(TypeError, match="path must be a str"):
        load_history(5)
    p = tmp_path / "h.edn"
    p.write_text("[{:process 0 :type :invoke :f :write :value 3} {:process 0 :type :ok :f :write :value 3}]")
    monkeypatch.setattr(config, "CONSISTENCY_MAX_HISTORY_MB", 50 / 2**20)  # 50 bytes
    with pytest.raises(ValueError, match="CONSISTENCY_MAX_HISTORY_MB"):
        load_history(p)


def test_edn_history_errors_name_the_operation(tmp_path):
    p = tmp_path / "h.edn"
    p.write_text("[{:process 0 :type :ok :f :read :value 1}]")
    with pytest.raises(ValueError, match="completion without an invocation"):
        load_history(p)
    p.write_text("[{:process 0 :type :invoke :f :frobnicate :value 1}]")
    with pytest.raises(ValueError, match="unsupported :f"):
        load_history(p)


def test_vector_values_are_compared_as_tuples(tmp_path):
    p = tmp_path / "h.edn"
    p.write_text(
        "[{:process 0 :type :invoke :f :write :value [1 2]} {:process 0 :type :ok :f :write :value [1 2]}\n"
        " {:process 1 :type :invoke :f :read :value nil} {:process 1 :type :ok :f :read :value [1 2]}]"
    )
    h = load_history(p)
    assert h.value[0] == (1, 2) and h.result[1] == (1, 2)
    from kit.consistency import check_linearizable

    assert check_linearizable(h).verdict == "OK"


def test_nemesis_operations_are_skipped(tmp_path):
    p = tmp_path / "h.edn"
    p.write_text(
        "[{:process :nemesis :type :info :f :start :value nil}\n"
        " {:process 0 :type :invoke :f :write :value 3} {:process 0 :type :ok :f :write :value 3}]"
    )
    assert len(load_history(p)) == 1


# --- construction by hand ----------------------------------------------------------------------
def test_from_ops_tuples_and_dicts():
    h = History.from_ops(
        [
            ("A", "w", 1, None, 0, 2),
            ("B", "r", None, 1, 1, 3),
            {"process": "C", "f": "cas", "value": [1, 2], "result": True, "invoke_t": 4, "complete_t": 5},
            ("D", "write", 9, None, 6, None),
        ],
        initial=0,
    )
    assert h.model == "cas-register"
    assert [h.describe(i) for i in range(len(h))] == ["w1", "r1", "cas1->2:ok", "w9 (info)"]
    assert h.status[3] == "info" and math.isinf(h.complete_t[3])


def test_from_sessions_textbook_notation():
    h = History.from_sessions({"P1": "w(x)a w(y)2", "P2": ["r(y)2", "r(x)nil"]})
    assert [h.describe(i) for i in range(len(h))] == ["w(x)'a'", "r(y)2", "w(y)2", "r(x)nil"]
    assert h.processes == ["P1", "P2"]
    with pytest.raises(ValueError, match="cannot read operation"):
        History.from_sessions({"P": ["x(y)"]})


def test_simulator_style_arrays_with_codes():
    """A simulator builds a History from arrays: f and status as integer codes."""
    h = History(
        process=np.array([0, 1]),
        f=np.array([1, 0]),  # write, read
        key=np.array([7, 7]),
        value=[5, None],
        result=[None, 5],
        invoke_t=np.array([0.0, 1.0]),
        complete_t=np.array([2.0, 3.0]),
        status=np.array([0, 0]),
        initial=0,
        replicas=pd.DataFrame({"t": [1.0], "replica": [0], "key": [7], "value": [5]}),
    )
    assert list(h.f) == ["write", "read"] and list(h.status) == ["ok", "ok"] and h.keys == [7]
    assert h.process.dtype == np.int64


def test_operations_are_sorted_by_invocation():
    h = History.from_ops([("B", "r", None, 0, 5, 6), ("A", "w", 1, None, 0, 1)], initial=0)
    assert list(h.process) == ["A", "B"]
    sub = h.select(h.f == "read")
    assert len(sub) == 1 and sub.describe(0) == "r0"


@pytest.mark.parametrize(
    "ops, match",
    [
        ([("A", "jump", 1, None, 0, 1)], "f must be one of"),
        ([("A", "w", 1, None, 2, 1)], "complete_t must not precede invoke_t"),
        ([("A", "cas", 1, True, 0, 1)], "a cas needs value"),
        ([("A", "cas", (1, 2), "yes", 0, 1)], "an ok cas needs result"),
        ([("A", "w", 1, None, 0, 1, "maybe")], "status must be one of"),
        ([("A", "w", 1)], "must be \\(process, f"),
        ([{"process": "A", "f": "w", "invoke_t": 0, "colour": 1}], "unknown field"),
        ([("A", "w", 1, None, "abc", 1)], r"ops\[0\]\.invoke_t must be a number \(got 'abc'\)"),
        (
            [("A", "w", 1, None, 0, 1), ("B", "r", None, 1, 2, float("nan"))],
            r"ops\[1\]\.complete_t must be a finite",
        ),
        ([("A", "w", 1, None, 0, 1, "done")], r"ops\[0\]\.status must be one of"),
        ([("A", "jump", 1, None, 0, 1)], r"ops\[0\]\.f must be one of"),
        ([42], r"ops\[0\] must be a tuple"),
    ],
)
def test_bad_operations_are_named(ops, match):
    with pytest.raises(ValueError, match=match):
        History.from_ops(ops)


def test_a_process_runs_one_operation_at_a_time():
    with pytest.raises(ValueError, match="process 'A' runs one operation at a time"):
        History.from_ops([("A", "w", 1, None, 0, 5), ("A", "r", None, 1, 3, 6)])
    touching = History.from_ops([("A", "w", 1, None, 0, 5), ("A", "r", None, 1, 5, 6)])
    assert len(touching) == 2


def test_a_client_that_goes_on_after_info_is_a_new_process():
    """info means the process crashed: what its client does next is a new process (Jepsen's rule)."""
    h = History.from_ops(
        [("A", "w", 1, None, 0, 1, "info"), ("A", "r", None, 0, 2, 3), ("A", "w", 2, None, 4, 5, "info"),
         ("A", "r", None, 2, 6, 7), ("B", "r", None, 1, 8, 9), ("A'", "r", None, 1, 10, 11)],
        initial=0,
    )  # fmt: skip
    assert list(h.process) == ["A", "A''", "A''", "A'''", "B", "A'"]  # A' was taken: primes until new
    ints = History.from_ops(
        [(0, "w", 1, None, 0, 1, "info"), (1, "r", None, 0, 0, 2), (0, "r", None, 1, 3, 4)], initial=0
    )
    assert list(ints.process) == [0, 1, 2] and ints.process.dtype == np.int64
    never = History.from_ops([(0, "w", 1, None, 0, None), (0, "r", None, 1, 5, 6)], initial=0)
    assert list(never.process) == [0, 1]  # even with no completion recorded: no overlap error


def test_zero_length_operations_keep_program_order_at_a_tie():
    """At equal invocation times the operation that takes no time comes first, whatever the listing."""
    h = History.from_ops([(0, "r", None, 0, 1, 2), (0, "r", None, 0, 1, 1)], initial=0)
    assert list(h.complete_t) == [1.0, 2.0]


def test_append_needs_the_kv_model():
    with pytest.raises(ValueError, match="append needs model='kv'"):
        History.from_ops([("A", "a", "x", None, 0, 1)], initial="", model="register")
    with pytest.raises(ValueError, match="model must be one of"):
        History.from_ops([("A", "w", 1, None, 0, 1)], model="queue")
