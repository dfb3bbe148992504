"""Causal consistency, session guarantees, PRAM, eventual convergence and classify(): textbook
histories at each boundary of the hierarchy, the bad-pattern checks against the definitions
(permutations), and the implications of the hierarchy on random histories."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.consistency import (
    AVAILABILITY,
    History,
    check_causal,
    check_eventual,
    check_linearizable,
    check_pram,
    check_sequential,
    check_session,
    classify,
)
from kit.consistency.classify import IMPLIES, MODELS
from tests import naive
from tests.test_consistency_checker import ops_of


def sessions(**procs) -> History:
    return History.from_sessions(procs)


# Tanenbaum & van Steen, Distributed Systems: Principles and Paradigms, 2nd ed. (2007), section 7.2.1.
FIG_7_8 = sessions(  # causal but not sequential
    P1=["w(x)a", "w(x)c"],
    P2=["r(x)a", "w(x)b"],
    P3=["r(x)a", "r(x)c", "r(x)b"],
    P4=["r(x)a", "r(x)b", "r(x)c"],
)
FIG_7_9A = sessions(P1=["w(x)a"], P2=["r(x)a", "w(x)b"], P3=["r(x)b", "r(x)a"], P4=["r(x)a", "r(x)b"])
FIG_7_9B = sessions(P1=["w(x)a"], P2=["w(x)b"], P3=["r(x)b", "r(x)a"], P4=["r(x)a", "r(x)b"])
FIG_7_10 = sessions(  # FIFO (PRAM) but not causal
    P1=["w(x)a"],
    P2=["r(x)a", "w(x)b", "w(x)c"],
    P3=["r(x)b", "r(x)a", "r(x)c"],
    P4=["r(x)a", "r(x)b", "r(x)c"],
)


def test_tanenbaum_causal_memory_but_not_sequential():
    """P3 and P4 see the concurrent b and c in opposite orders: causal memory, not one write order."""
    assert check_causal(FIG_7_8, "CM").ok
    assert (
        check_causal(FIG_7_8).verdict == "ILLEGAL"
        and check_causal(FIG_7_8).violations[0].pattern == "CyclicCF"
    )
    assert check_sequential(FIG_7_8).verdict == "ILLEGAL"


def test_tanenbaum_causality_violation():
    for variant in ("CM", "CC", "CCv"):
        r = check_causal(FIG_7_9A, variant)
        assert r.verdict == "ILLEGAL" and r.violations[0].pattern == "WriteCORead", variant
    # P3 sees b then a, P4 a then b: no one order of the writes explains both
    assert check_pram(FIG_7_9A).verdict == "ILLEGAL"


def test_tanenbaum_concurrent_writes_seen_in_different_orders():
    assert check_causal(FIG_7_9B, "CM").ok and check_causal(FIG_7_9B, "CC").ok
    # one order of all writes cannot explain P3 and P4: causal convergence (causal+) fails
    r = check_causal(FIG_7_9B)
    assert r.verdict == "ILLEGAL" and r.violations[0].pattern == "CyclicCF"


def test_tanenbaum_fifo_is_per_process_not_one_write_order():
    """Tanenbaum's FIFO example lets P3 and P4 order a and b differently: per-process PRAM (Lipton &
    Sandberg) allows it, one arbitration order does not (monotonic reads fails)."""
    assert check_pram(FIG_7_10).verdict == "ILLEGAL"
    assert check_session(FIG_7_10)["monotonic-reads"].verdict == "ILLEGAL"
    assert check_causal(FIG_7_10, "CM").verdict == "ILLEGAL"


def test_monotonic_reads_under_one_write_order():
    """The issue's example: A reads 1 then 2, B reads 2 then 1, each written by another session.
    Separate per-session orders explain it; one arbitration order shared by all cannot."""
    h = sessions(W1=["w(x)1"], W2=["w(x)2"], A=["r(x)1", "r(x)2"], B=["r(x)2", "r(x)1"])
    v = verdicts(h)
    assert v["monotonic-reads"] == "ILLEGAL" and v["read-your-writes"] == "OK"
    assert check_pram(h).verdict == "ILLEGAL" and check_causal(h).verdict == "ILLEGAL"
    assert check_causal(h, "CM").ok  # causal memory: each process its own order
    alone = sessions(W1=["w(x)1"], W2=["w(x)2"], A=["r(x)1", "r(x)2"])
    assert verdicts(alone)["monotonic-reads"] == "OK"


def test_weak_causal_consistency_is_weaker_than_causal_memory():
    """Bouajjani et al. 2017, section 2: CC explains each read by its own causal past only, so a
    process may flip between concurrent writes; causal memory (CM) gives each process one view."""
    h = sessions(P1=["w(x)1"], P2=["w(x)2"], P3=["r(x)1", "r(x)2", "r(x)1"])
    assert check_causal(h, "CC").ok
    r = check_causal(h, "CM")
    assert r.verdict == "ILLEGAL" and r.violations[0].pattern == "CyclicHB"
    assert check_session(h)["monotonic-reads"].verdict == "ILLEGAL"


def test_causal_but_not_sequential_store_buffering():
    h = History.from_sessions({"P1": ["w(x)1", "r(y)0"], "P2": ["w(y)1", "r(x)0"]}, initial=0)
    assert check_causal(h).ok and check_causal(h, "CM").ok
    assert check_sequential(h).verdict == "ILLEGAL"


def test_thin_air_and_initial_reads():
    h = sessions(P1=["w(x)1"], P2=["r(x)7"])
    assert check_causal(h).violations[0].pattern == "ThinAirRead"
    assert not any(r.ok for r in check_session(h).values())
    h = History.from_sessions({"P1": ["w(x)1", "w(y)1"], "P2": ["r(y)1", "r(x)0"]}, initial=0)
    r = check_causal(h, "CC")
    assert r.verdict == "ILLEGAL" and r.violations[0].pattern == "WriteCOInitRead"


def test_causal_cycle():
    """Each process reads the other's write before making its own: causality loops."""
    h = History.from_sessions({"P1": ["r(x)2", "w(x)1"], "P2": ["r(x)1", "w(x)2"]}, initial=0)
    assert check_causal(h, "CC").violations[0].pattern == "CyclicCO"
    assert check_causal(h).violations[0].pattern == "CyclicCO"


# --- session guarantees (Terry et al. 1994) --------------------------------------------------------
def verdicts(h):
    return {g: r.verdict for g, r in check_session(h).items()}


def test_read_your_writes():
    """Writing to the leader, then reading a follower that has not caught up."""
    v = verdicts(History.from_sessions({"A": ["w(x)1", "r(x)0"]}, initial=0))
    assert v["read-your-writes"] == "ILLEGAL" and v["monotonic-reads"] == "OK"


def test_monotonic_reads():
    """Reading a fresh replica, then a stale one: time appears to go backwards."""
    h = History.from_sessions({"B": ["w(x)1"], "A": ["r(x)1", "r(x)0"]}, initial=0)
    v = verdicts(h)
    assert v["monotonic-reads"] == "ILLEGAL" and v["read-your-writes"] == "OK"
    assert check_pram(h).verdict == "ILLEGAL"


def test_monotonic_writes_needs_a_monotonic_view():
    """B writes 1 then 2; A sees 2 then 1. Alone, each of MR and MW has a witness (Viotti & Vukolić
    2016, section 3.2: MW orders writes, it does not carry visibility); PRAM, which has both, fails."""
    h = sessions(B=["w(x)1", "w(x)2"], A=["r(x)2", "r(x)1"])
    v = verdicts(h)
    assert v["monotonic-writes"] == "OK" and v["monotonic-reads"] == "OK"
    assert check_pram(h).verdict == "ILLEGAL"
    concurrent = sessions(B=["w(x)1"], C=["w(x)2"], A=["r(x)2", "r(x)1"])
    assert check_pram(concurrent).ok  # different writers: nothing orders their writes


def test_writes_follow_reads():
    """B wrote 2 because it read 1; whoever sees 2 sees it after 1 (Terry et al. 1994, WFR)."""
    loop = History.from_sessions({"C": ["r(x)5", "w(x)3"], "E": ["r(x)3", "w(x)5"], "D": ["r(x)3", "r(x)5"]})
    assert verdicts(loop)["writes-follow-reads"] == "ILLEGAL"
    fine = sessions(A=["w(x)1"], B=["r(x)1", "w(x)2"], D=["r(x)2"])
    assert verdicts(fine)["writes-follow-reads"] == "OK"


def test_session_argument_errors():
    with pytest.raises(ValueError, match="guarantees must be among"):
        check_session(FIG_7_8, ["linearizable"])
    with pytest.raises(ValueError, match="variant must be one of"):
        check_causal(FIG_7_8, "strong")


def test_differentiated_histories_only():
    twice = sessions(P1=["w(x)1"], P2=["w(x)1"])
    with pytest.raises(ValueError, match="written twice"):
        check_causal(twice)
    init = History.from_sessions({"P1": ["w(x)0"]}, initial=0)
    with pytest.raises(ValueError, match="initial value"):
        check_pram(init)
    kv = History.from_ops([("A", "a", "x", None, 0, 1)], initial="")
    with pytest.raises(ValueError, match="no append"):
        check_causal(kv)


# --- against the definitions, and the hierarchy's implications ------------------------------------
@st.composite
def differentiated(draw, keys=("x", "y"), max_ops=7, weak=False):
    """Processes issuing reads and writes (and ``weak``: cas, fail and info operations, a client going
    on after an info one) one at a time, touching or with gaps; each written value is new; reads
    return any value ever written to their key, or the initial 0."""
    n_proc = draw(st.integers(1, 3))
    plan, value = [], 1
    for _ in range(draw(st.integers(1, max_ops))):
        p = draw(st.integers(0, n_proc - 1))
        key = draw(st.sampled_from(keys))
        f = draw(st.sampled_from(["w", "r", "cas"] if weak else ["w", "r"]))
        status = draw(st.sampled_from(["ok", "ok", "ok", "info", "fail"])) if weak else "ok"
        plan.append((p, f, key, value, status))
        value += 1
    written = {k: [0] + [v for _, f, kk, v, _ in plan if f != "r" and kk == k] for k in keys}
    rows, free_at = [], {}
    for p, f, key, v, status in plan:
        t = free_at.get(p, 0) + draw(st.integers(0, 1))
        free_at[p] = t + draw(st.integers(0, 2))
        row = {"process": p, "f": f, "key": key, "invoke_t": t, "complete_t": free_at[p], "status": status}
        if f == "w":
            row["value"] = v
        elif f == "r":
            row["result"] = draw(st.sampled_from(written[key]))
        else:
            row["value"] = (draw(st.sampled_from(written[key])), v)
            row["result"] = draw(st.booleans())
        rows.append(row)
    return History.from_ops(rows, initial=0, model="cas-register" if weak else None)


@given(differentiated(keys=("x",)))
@settings(max_examples=250, deadline=None)
def test_causal_memory_matches_the_definition(h):
    assert check_causal(h, "CM").ok == naive.causal_memory(ops_of(h), h.initial)


@given(differentiated(max_ops=6, weak=True))
@settings(max_examples=300, deadline=None)
def test_causal_convergence_matches_the_definition(h):
    """Bouajjani et al.'s bad patterns against one order of the writes found by enumeration."""
    assert check_causal(h).ok == naive.causal_convergence(ops_of(h), h.initial)


@given(differentiated(max_ops=6, weak=True))
@settings(max_examples=250, deadline=None)
def test_session_guarantees_match_the_definition(h):
    """The least visible sets against every visible set and every order of the writes."""
    ops = ops_of(h)
    for g, result in check_session(h).items():
        assert result.ok == naive.session_guarantees(ops, h.initial, {g}), g
    assert check_pram(h).ok == naive.pram(ops, h.initial)


def direct_verdicts(h) -> dict:
    """Every model of the hierarchy, each by its own checker."""
    return {
        "linearizable": check_linearizable(h).ok,
        "sequential": check_sequential(h).ok,
        "causal": check_causal(h).ok,
        "PRAM": check_pram(h).ok,
        **{g: r.ok for g, r in check_session(h).items()},
    }


@given(differentiated(weak=True))
@settings(max_examples=300, deadline=None)
def test_the_hierarchy_holds_on_random_histories(h):
    """Viotti & Vukolić 2016, Figure 2, as IMPLIES states it: each checker on its own, so a
    checker with another meaning of a model (or of fail and info) breaks an implication."""
    holds = direct_verdicts(h)
    for model, weaker in IMPLIES.items():
        for w in weaker:
            if holds.get(model):
                assert holds[w], f"{model} holds but {w} does not"
    assert not check_causal(h).ok or check_causal(h, "CC").ok
    assert not check_causal(h, "CM").ok or check_causal(h, "CC").ok


@given(differentiated(weak=True))
@settings(max_examples=150, deadline=None)
def test_classify_reports_a_consistent_hierarchy(h):
    """What classify reports agrees with the checkers, and every model it reports implies the weaker."""
    c = classify(h)
    holds = direct_verdicts(h)
    for m, verdict in c.satisfied.items():
        if m in holds and verdict is not None:
            assert verdict == holds[m], m
    for model, weaker in IMPLIES.items():
        for w in weaker:
            if c.satisfied[model]:
                assert c.satisfied[w], f"classify: {model} holds but {w} does not"


def test_the_generator_reaches_info_fail_cas_and_reused_clients():
    from hypothesis import find

    find(differentiated(weak=True), lambda h: {"info", "fail"} <= set(h.status) and "cas" in set(h.f))
    find(differentiated(weak=True), lambda h: any(int(p) > 2 for p in h.process))
    find(
        differentiated(weak=True), lambda h: len(h) > 1 and bool(np.any(h.complete_t[:-1] == h.invoke_t[1:]))
    )


def test_info_means_a_crashed_process_in_every_checker():
    """The issue's history: A's write is indeterminate, then A's client reads 0 and B reads 1. The
    write took effect late; the client that read 0 is a new process, so no model is broken."""
    h = History.from_ops(
        [("A", "w", 1, None, 0, 1, "info"), ("A", "r", None, 0, 2, 3), ("B", "r", None, 1, 4, 5)], initial=0
    )
    assert h.processes == ["A", "A'", "B"]
    assert all(direct_verdicts(h).values())
    assert classify(h).strongest == ["strict-serializable"]


# --- eventual consistency --------------------------------------------------------------------------
def with_log(rows, h=None):
    h = h or History.from_ops([("A", "w", 1, None, 0, 1), ("B", "w", 2, None, 0, 2)], initial=0)
    return h.with_replicas(pd.DataFrame(rows, columns=["t", "replica", "key", "value"]))


def test_converged_replicas():
    h = with_log([(0, 0, None, 0), (0, 1, None, 0), (1, 0, None, 1), (1.5, 1, None, 2), (5, 0, None, 2)])
    r = check_eventual(h)
    assert r.ok and r.quiescent_at == 2 and r.keys.converged_at.iloc[0] == 5 and r.keys.value.iloc[0] == 2


def test_diverged_replicas_and_replicas_never_logged():
    h = with_log([(1, 0, None, 1), (1.5, 1, None, 2)])
    assert check_eventual(h).verdict == "ILLEGAL"
    agree = with_log([(1, 0, None, 2), (1.5, 1, None, 2)])
    assert check_eventual(agree).ok
    assert check_eventual(agree, replica_ids=[0, 1, 2]).verdict == "ILLEGAL"  # replica 2 still holds 0


def test_converging_on_a_value_nobody_wrote_is_not_convergence():
    assert check_eventual(with_log([(1, 0, None, 9), (1, 1, None, 9)])).verdict == "ILLEGAL"


def test_eventual_needs_replica_states():
    with pytest.raises(ValueError, match="needs the replicas' states"):
        check_eventual(FIG_7_8)


# --- classify and the figures ------------------------------------------------------------------------
def test_classify_textbook_histories():
    store_buffering = History.from_sessions({"P1": ["w(x)1", "r(y)0"], "P2": ["w(y)1", "r(x)0"]}, initial=0)
    assert classify(store_buffering).strongest == ["causal"]
    assert classify(FIG_7_10).strongest == ["writes-follow-reads", "read-your-writes", "monotonic-writes"]
    pram_not_causal = History.from_sessions(
        {"A": ["w(x)1"], "B": ["r(x)1", "w(y)2"], "C": ["r(y)2", "r(x)0"]}, 0
    )
    assert classify(pram_not_causal).strongest == ["PRAM", "writes-follow-reads"]  # not their union
    stale = History.from_ops([("A", "w", 1, None, 0, 1), ("B", "r", None, 0, 2, 3)], initial=0)
    c = classify(stale)
    assert c.strongest == ["sequential"] and c.satisfied["linearizable"] is False
    assert c.why["causal"] == "checked"
    frame = c.to_frame()
    assert list(frame.model) == list(MODELS)
    assert set(frame.availability) == {"unavailable", "sticky available", "totally available"}


def test_availability_follows_jepsen():
    assert [AVAILABILITY[m] for m in ("linearizable", "sequential", "causal", "PRAM")] == [
        "unavailable",
        "unavailable",
        "sticky available",
        "sticky available",
    ]
    assert AVAILABILITY["read-your-writes"] == "sticky available"
    assert {AVAILABILITY[m] for m in ("monotonic-reads", "monotonic-writes", "writes-follow-reads")} == {
        "totally available"
    }


def test_classify_without_differentiation_uses_the_searches():
    """kv appends: the causal checks do not apply, linearizability still decides."""
    rows = [
        {"process": 0, "f": "append", "key": "k", "value": "a", "invoke_t": 0, "complete_t": 1},
        {"process": 1, "f": "read", "key": "k", "result": "a", "invoke_t": 2, "complete_t": 3},
    ]
    c = classify(History.from_ops(rows, initial=""))
    assert c.strongest == ["strict-serializable"] and c.satisfied["causal"] is True
    assert c.why["causal"] == "implied by sequential"


def test_classify_a_simulated_history():
    """The simulator's histories are differentiated and carry replica states: every check applies."""
    from kit.consistency import simulate

    r = simulate("leader-async", read_from="random", seed=3)
    c = classify(r.history)
    assert c.satisfied["linearizable"] == check_linearizable(r.history).ok
    assert all(c.why[m] == "checked" for m in ("causal", "PRAM", "read-your-writes", "monotonic-reads"))
    assert c.eventual is not None and c.eventual.ok  # the run settles after its last write
