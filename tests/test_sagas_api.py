"""Sagas: theory, 2PC on the same graph, the invariant over random sagas and faults, references, bad input."""

import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit import config, sagas
from kit.core.policies import Retry
from kit.core.rng import Constant
from kit.sagas import Faults, Saga, Step, examples, parallel
from tests import naive

QUIET = Faults(network=Constant(1.0), broker=Constant(5.0))  # no injected faults, exact delays


def se(p, n):
    return np.sqrt(max(p * (1 - p), 1.0 / n) / n)


def close(sample, expected, k=4.5):
    """The sample mean is within k standard errors of ``expected``."""
    sample = np.asarray(sample, dtype=float)
    return abs(sample.mean() - expected) < k * max(sample.std(), 1e-12) / np.sqrt(sample.size)


# --- closed forms ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["orchestration", "choreography"])
def test_p_committed_is_the_product_of_step_successes_without_retries(mode):
    saga = Saga(
        [
            Step("a", p_fail=0.05, p_permanent=0.02, retry=1, action=Constant(10.0)),
            parallel(
                Step("b", p_fail=0.1, retry=1, action=Constant(5.0)), Step("c", p_permanent=0.08, retry=1)
            ),
            Step("d", kind="pivot", p_fail=0.03, retry=1, action=Constant(1.0)),
        ],
        mode=mode,
    )
    theory = (0.93) * (0.9) * (0.92) * (0.97)
    assert sagas.theory_p_committed(saga) == pytest.approx(theory)
    runs = sagas.simulate(saga, 40_000, seed=3, faults=QUIET)
    share = float((runs.outcome == "committed").mean())
    assert abs(share - theory) < 4 * se(theory, len(runs))
    assert set(runs.outcome.astype(str)) <= {"committed", "compensated"}


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.1, 0.3, 0.6]),
            st.sampled_from([0.0, 0.05, 0.2]),
            st.integers(1, 5),
            st.sampled_from(["compensatable", "retriable"]),
        ),
        min_size=1,
        max_size=4,
    )
)
@settings(max_examples=40, deadline=None)
def test_theory_matches_an_enumeration_of_every_attempt(specs):
    """The closed forms against a walk over each attempt's outcome (tests/naive.py)."""
    steps = [
        Step(f"s{i}", p_fail=p, p_permanent=0.0 if kind == "retriable" else q, retry=a, kind=kind)
        for i, (p, q, a, kind) in enumerate(specs)
    ]
    saga = Saga([steps[0], parallel(*steps[1:3]), *steps[3:]] if len(steps) > 1 else steps)
    p_ok, attempts = naive.saga_outcome_probabilities(saga, config.SAGAS_PERSIST_ATTEMPTS)
    assert sagas.theory_p_committed(saga) == pytest.approx(p_ok, rel=1e-9, abs=1e-12)
    assert sagas.theory_expected_attempts(saga) == pytest.approx(attempts, rel=1e-9)


def test_expected_attempts_with_retries_is_a_truncated_geometric():
    saga = Saga(
        [
            Step("a", p_fail=0.3, retry=4, action=Constant(2.0)),
            Step("b", p_fail=0.5, p_permanent=0.1, retry=3),
        ]
    )
    runs = sagas.simulate(saga, 50_000, seed=8, faults=QUIET)
    p_a = sagas.theory_p_step(saga.steps[0])
    assert p_a == pytest.approx(1 - 0.3**4)
    # attempts = first tries of the steps reached + retries; compensations never fail here
    expected_retries = sagas.theory_expected_attempts(saga) - (1 + p_a)
    assert close(runs.retries, expected_retries)


def test_constant_latencies_give_exact_times_for_all_three_protocols():
    """The same graph: 2PC is the orchestration plus a PREPARE and a decision round trip."""
    saga = Saga(
        [
            Step("a", action=Constant(10.0)),
            parallel(Step("b", action=Constant(20.0)), Step("c", action=Constant(35.0))),
            Step("d", kind="pivot", action=Constant(5.0)),
        ]
    )
    orch = sagas.simulate(saga, 50, seed=1, faults=QUIET)
    assert np.allclose(orch.latency_ms, (10 + 2) + (35 + 2) + (5 + 2))
    assert np.all(orch.messages == 2 * 4)
    assert np.all(orch.outcome == "committed")
    # a visible at 11 ms, d's effect lands at 12 + 37 + 1 + 5 = 55 ms
    assert np.allclose(orch.inconsistency_ms, 55 - 11)
    chor = sagas.simulate(saga, 50, seed=1, faults=QUIET, mode="choreography")
    # initiator -> a, a -> b and c, b and c -> d: three broker hops on the critical path
    assert np.allclose(chor.latency_ms, 3 * 5 + 10 + 35 + 5)
    assert np.all(chor.messages == 1 + 2 + 2)
    assert np.allclose(chor.inconsistency_ms, 3 * 5 + 10 + 35 + 5 - (5 + 10))
    tpc = sagas.simulate_2pc(saga, 50, seed=1, faults=QUIET)
    assert np.allclose(tpc.latency_ms, 56 + 2 + 2)
    assert np.all(tpc.messages == 8 + 4 * 2 + 4 * 2)
    # a's locks: from its command's arrival (1 ms) to the COMMIT's (56 + 2 + 1 ms); commits land together
    assert np.allclose(tpc.lock_ms, 59 - 1)
    assert np.allclose(tpc.in_doubt_ms, 2.0) and np.all(tpc.inconsistency_ms == 0)


def test_choreography_deliveries_are_geometric_under_message_loss():
    saga = Saga([Step(x, action=Constant(1.0)) for x in "abcd"], mode="choreography")
    loss = 0.3
    runs = sagas.simulate(saga, 40_000, seed=2, faults=QUIET.replace(loss_p=loss, redeliver_ms=100.0))
    assert np.all(runs.outcome == "committed")  # at-least-once: lost deliveries are resent
    assert runs.messages.mean() == pytest.approx(4 / (1 - loss), rel=0.01)
    # each resend waits redeliver_ms: E[extra latency] = 4 hops x 100 ms x loss / (1 - loss)
    extra = runs.latency_ms.mean() - (4 * 5 + 4)
    assert extra == pytest.approx(4 * 100 * loss / (1 - loss), rel=0.03)


# --- 2PC with the same faults and retries -------------------------------------------------


def test_2pc_blocking_time_is_the_crashes_during_the_votes_times_downtime():
    saga = Saga([Step(x, action=Constant(3.0)) for x in "abc"])
    faults = QUIET.replace(crash_p=0.2, downtime=Constant(700.0))
    tpc = sagas.simulate_2pc(saga, 40_000, seed=4, faults=faults)
    assert np.all(tpc.outcome == "committed")
    expected = sagas.theory_2pc_blocked_ms(saga, faults)
    assert expected == pytest.approx(3 * 0.2 / 0.8 * 700.0)
    assert close(tpc.blocked_ms, expected)
    # only whole downtimes, and only crashes in the vote round block: some crashed runs block nothing
    assert np.allclose(tpc.blocked_ms / 700.0, np.round(tpc.blocked_ms / 700.0))
    assert (tpc.crashed & (tpc.blocked_ms == 0)).any()
    # without crashes: execution 3 x (1 + 3 + 1), PREPARE round 2, decision round 2
    calm = ~tpc.crashed
    assert np.allclose(tpc.latency_ms[calm], 15 + 2 + 2)
    assert np.all(tpc.messages[calm] == 3 * 2 * 3)


def test_2pc_resends_prepare_and_votes_like_the_saga_retries_its_commands():
    """Loss l, A attempts: a call gets through with 1 - (1 - (1 - l)^2)^A, twice per participant in 2PC."""
    loss, A, n = 0.2, 2, 3
    saga = Saga([Step(x, action=Constant(3.0), retry=A) for x in "abc"])
    faults = QUIET.replace(loss_p=loss)
    through = 1 - (1 - (1 - loss) ** 2) ** A
    tpc = sagas.simulate_2pc(saga, 40_000, seed=5, faults=faults)
    orch = sagas.simulate(saga, 40_000, seed=5, faults=faults)
    for runs, p in ((tpc, through ** (2 * n)), (orch, through**n)):
        share = float((runs.outcome == "committed").mean())
        assert abs(share - p) < 4 * se(p, len(runs))
    assert (tpc.retries > 0).mean() > 0.3  # PREPAREs and decisions were resent


def test_2pc_aborts_on_any_no_vote():
    saga = Saga([Step("a", p_permanent=0.1, retry=1), Step("b", p_permanent=0.2, retry=1)])
    tpc = sagas.simulate_2pc(saga, 40_000, seed=6, faults=QUIET)
    p = 0.9 * 0.8
    assert abs((tpc.outcome == "committed").mean() - p) < 4 * se(p, len(tpc))
    assert np.all(tpc.inconsistency_ms[tpc.outcome == "aborted"] == 0)
    assert np.all(tpc.duplicates[tpc.outcome == "aborted"] == 0)


@pytest.mark.parametrize("c", [0.05, 0.3])
def test_crash_p_means_the_same_per_attempt_in_all_three_protocols(c):
    """Crashes per attempt (first tries, retries and resends) is crash_p whatever the protocol."""
    saga = examples.travel_booking(p_fail=0.1)
    compared = sagas.compare(saga, 20_000, seed=7, faults=Faults(crash_p=c, loss_p=0.05, downtime=50.0))
    for protocol, runs in compared.groupby("protocol", observed=True):
        assert runs.crashes.sum() / runs.attempts.sum() == pytest.approx(c, rel=0.05), protocol
    per_run = compared.groupby("protocol", observed=True).attempts.mean()
    assert per_run["2pc"] > per_run["orchestration"]  # its PREPARE and decision rounds are attempts too


# --- compensations, stuck runs and what they leave visible ----------------------------------


def _fails_after(first: Step, mode="orchestration") -> Saga:
    """``first``, then a step that always fails for good: every run must undo ``first``."""
    return Saga([first, Step("b", action=Constant(5.0), p_permanent=1.0, retry=1)], mode=mode)


@pytest.mark.parametrize("mode", ["orchestration", "choreography"])
def test_compensations_are_retried_until_they_succeed(mode):
    saga = _fails_after(Step("a", action=Constant(10.0), retry=1), mode)
    runs = sagas.simulate(saga, 20_000, seed=3, faults=QUIET.replace(comp_fail_p=0.6))
    assert np.all(runs.outcome == "compensated")  # never stuck: transient failures are retried
    # attempts of the undo are geometric: E[retries] = 0.6 / 0.4 (b's single try retries nothing)
    assert close(runs.retries, 0.6 / 0.4)


def test_a_saga_is_stuck_only_when_a_compensation_fails_for_good_or_its_coordinator_stays_down():
    saga = _fails_after(Step("a", action=Constant(10.0), retry=1))
    # the undo's first non-transient outcome decides: for good with q / (1 - f)
    f, q = 0.3, 0.1
    runs = sagas.simulate(saga, 40_000, seed=4, faults=QUIET.replace(comp_fail_p=f, comp_permanent_p=q))
    p = q / (1 - f)
    assert abs((runs.outcome == "stuck").mean() - p) < 4 * se(p, len(runs))
    # a coordinator that never comes back: stuck exactly when it crashed
    gone = sagas.simulate(saga, 5_000, seed=4, faults=QUIET.replace(crash_p=0.1, stay_down_p=1.0))
    assert np.array_equal(gone.outcome == "stuck", gone.crashes > 0) and (gone.crashes > 0).any()
    back = sagas.simulate(saga, 5_000, seed=4, faults=QUIET.replace(crash_p=0.1))
    assert np.all(back.outcome == "compensated")


def test_stuck_runs_leave_their_effects_visible_until_a_person_settles_them():
    saga = _fails_after(Step("a", action=Constant(10.0), retry=1))
    faults = QUIET.replace(comp_permanent_p=1.0, repair_ms=1_000.0)
    runs = sagas.simulate(saga, 100, seed=1, faults=faults)
    assert np.all(runs.outcome == "stuck")
    # a lands at 11 ms; b is refused at 18 (seen at 19); a's undo fails for good at 30 (seen at 31)
    assert np.allclose(runs.latency_ms, 31.0)
    assert np.allclose(runs.dirty_ms, 31 + 1_000 - 11) and np.allclose(runs.pending_ms, 31 + 1_000 - 11)
    assert np.allclose(runs.inconsistency_ms, 31 + 1_000 - 11)
    assert np.allclose(runs.time_to_consistency_ms, 31 + 1_000)


def test_dual_write_stops_after_a_lost_event_and_the_outbox_loses_none():
    saga = examples.travel_booking()
    c, d = 0.02, 0.05
    dual = sagas.simulate_outbox(saga, 40_000, seed=1, faults=Faults(crash_p=c, dup_p=d), outbox=False)
    theory = sagas.theory_dual_write_half_done(saga, Faults(crash_p=c))
    assert theory == pytest.approx(1 - 0.98**5)
    assert abs(dual.half_done.mean() - theory) < 4 * se(theory, len(dual))
    assert dual.lost.max() == 1 and np.array_equal(dual.lost == 1, dual.half_done)
    # events published: step k publishes only if the k - 1 before it did and it survives its own crash
    published = sum((1 - c) ** k for k in range(1, 6))
    assert dual.duplicate_deliveries.mean() == pytest.approx(d * published, rel=0.05)
    faults = Faults(crash_p=c, loss_p=0.05, dup_p=d)
    safe = sagas.simulate_outbox(saga, 40_000, seed=1, faults=faults)
    assert safe.lost.sum() == 0 and not safe.half_done.any()
    assert safe.duplicate_deliveries.sum() > 0 and safe.duplicate_effects.sum() == 0
    naive_consumers = sagas.simulate_outbox(saga, 40_000, seed=1, faults=faults, idempotent_consumers=False)
    assert np.array_equal(naive_consumers.duplicate_effects, naive_consumers.duplicate_deliveries)
    # per event: the relay republishes after a crash (c), lost acks add 1/(1-l) - 1, then each copy
    # is delivered twice with probability d
    copies = 1 + c + 0.05 / 0.95
    assert safe.duplicate_deliveries.mean() == pytest.approx(5 * (copies * (1 + d) - 1), rel=0.05)


# --- the invariant, over random sagas and fault schedules ------------------------------


@st.composite
def random_sagas(draw):
    n_groups = draw(st.integers(1, 4))
    pivot_group = draw(st.integers(-1, n_groups - 1))
    groups, k = [], 0
    for g in range(n_groups):
        size = 1 if g == pivot_group else draw(st.integers(1, 2))
        group = []
        for _ in range(size):
            kind = "pivot" if g == pivot_group else draw(st.sampled_from(["compensatable", "retriable"]))
            p_fail = draw(st.sampled_from([0.0, 0.1, 0.4]))
            p_perm = 0.0 if kind == "retriable" else draw(st.sampled_from([0.0, 0.1, 0.3]))
            group.append(
                Step(
                    f"s{k}",
                    service=f"svc{draw(st.integers(0, 3))}",
                    action=draw(st.sampled_from([5.0, 40.0])),
                    p_fail=p_fail,
                    p_permanent=p_perm,
                    timeout_ms=draw(st.sampled_from([30.0, 80.0, 1000.0])),
                    retry=draw(st.integers(1, 3)),
                    idempotent=draw(st.booleans()),
                    kind=kind,
                )
            )
            k += 1
        groups.append(parallel(*group))
    mode = draw(st.sampled_from(["orchestration", "choreography"]))
    faults = Faults(
        loss_p=draw(st.sampled_from([0.0, 0.1, 0.3])),
        dup_p=draw(st.sampled_from([0.0, 0.2])),
        crash_p=draw(st.sampled_from([0.0, 0.1, 0.3])),
        comp_fail_p=draw(st.sampled_from([0.0, 0.2])),
        comp_permanent_p=draw(st.sampled_from([0.0, 0.05])),
        downtime=200.0,
        redeliver_ms=50.0,
        stay_down_p=draw(st.sampled_from([0.0, 0.2])),
    )
    return Saga(groups, mode=mode), faults, draw(st.integers(0, 2**32 - 1))


def check_run(saga, events, outcome):
    """Committed: every step took effect, nothing undone. Compensated: every step that took effect
    (or may have) is undone after its last attempt, later groups before earlier ones. Else stuck."""
    group = {s.name: g for g, grp in enumerate(saga.groups) for s in grp}
    kind = {s.name: s.kind for s in saga.steps}
    acts = events[events.kind == "action"]
    comps = events[events.kind == "compensation"]
    applied = set(acts.step[acts.result == "applied"])
    undone = comps[comps.result == "applied"].groupby("step").t1_ms.min()
    if outcome == "committed":
        assert applied == set(group), "committed but a step never took effect"
        assert undone.empty, "committed but something was compensated"
    elif outcome == "compensated":
        assert not any(kind[s] != "compensatable" for s in applied), "an effect that cannot be undone"
        missing = applied - set(undone.index)
        assert not missing, f"silently half-done: {missing} took effect and were never compensated"
        for s in undone.index:
            ends = acts.t1_ms[acts.step == s]  # none when every command for s was lost
            assert ends.empty or undone[s] >= ends.max(), f"{s} undone before its action ended"
        first_try = comps.groupby("step").t0_ms.min()
        for a in undone.index:
            for b in undone.index:
                if group[a] < group[b]:
                    assert undone[b] <= first_try[a] + 1e-9, f"{a} compensated before {b}: not reverse order"
    else:
        assert outcome == "stuck"


@given(random_sagas())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_run_commits_compensates_in_reverse_or_is_reported_stuck(case):
    saga, faults, seed = case
    runs = sagas.simulate(saga, 40, seed=seed, faults=faults)
    events = sagas.trace(saga, 40, seed=seed, faults=faults)
    again = sagas.simulate(saga, 40, seed=seed, faults=faults)
    pd.testing.assert_frame_equal(runs, again)  # same seed, same runs
    for r in range(40):
        if r in events.attrs["truncated"]:
            continue
        check_run(saga, events[events.run == r], str(runs.outcome[r]))
    assert np.all(runs.latency_ms >= 0) and np.all(runs.messages >= 0)
    assert np.all(np.isfinite(runs.time_to_consistency_ms))  # stuck: until a person settles it
    assert np.all(runs.inconsistency_ms <= runs.time_to_consistency_ms + 1e-9)
    assert np.all(runs.crashes <= runs.attempts)


def test_the_invariant_check_catches_a_half_done_run():
    """The checker is not vacuous: drop one compensation from a real compensated run."""
    saga = examples.travel_booking(p_permanent=0.3)
    runs = sagas.simulate(saga, 50, seed=1)
    events = sagas.trace(saga, 50, seed=1)
    r = int(np.flatnonzero((runs.outcome == "compensated") & (runs.compensations >= 2))[0])
    ev = events[events.run == r]
    check_run(saga, ev, "compensated")
    comp = ev[(ev.kind == "compensation") & (ev.result == "applied")]
    with pytest.raises(AssertionError, match="half-done"):
        check_run(saga, ev.drop(comp.index[:1]), "compensated")
    swapped = ev.copy()
    first, last = comp.index[0], comp.index[-1]
    swapped.loc[[first, last], ["t0_ms", "t1_ms"]] = swapped.loc[[last, first], ["t0_ms", "t1_ms"]].to_numpy()
    with pytest.raises(AssertionError, match="reverse order"):
        check_run(saga, swapped, "compensated")


def test_runs_do_not_depend_on_how_many_are_asked_or_on_threads():
    import numba

    saga = examples.travel_booking()
    faults = Faults(crash_p=0.05, loss_p=0.05, dup_p=0.05)
    a = sagas.simulate(saga, 3_000, seed=9, faults=faults)
    b = sagas.simulate(saga, 700, seed=9, faults=faults)
    pd.testing.assert_frame_equal(a.iloc[:700], b)
    numba.set_num_threads(1)
    try:
        c = sagas.simulate(saga, 3_000, seed=9, faults=faults)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    pd.testing.assert_frame_equal(a, c)


def test_parallel_and_one_core_kernels_give_the_same_runs(monkeypatch):
    """Runs below SAGAS_PARALLEL_MIN_RUNS take the one-core kernel: same seed, same runs on all cores."""
    saga = examples.travel_booking()
    faults = Faults(crash_p=0.05, loss_p=0.05, dup_p=0.05, comp_fail_p=0.1)
    one_core = sagas.compare(saga, 1_500, 3, faults)  # orchestration, choreography and 2PC
    monkeypatch.setattr(config, "SAGAS_PARALLEL_MIN_RUNS", 1)
    pd.testing.assert_frame_equal(one_core, sagas.compare(saga, 1_500, 3, faults))


# --- the kernel against the plain-Python reference -------------------------------------


def test_kernel_agrees_with_the_naive_reference_in_distribution():
    saga = examples.travel_booking(idempotent=False).replace(only="charge payment", timeout_ms=400.0)
    faults = Faults(loss_p=0.03, crash_p=0.03, comp_fail_p=0.2, comp_permanent_p=0.05, downtime=300.0)
    n = 20_000
    fast = sagas.simulate(saga, n, seed=12, faults=faults)
    rng = random.Random(12)
    slow = pd.DataFrame(
        [naive.saga_run(saga, faults, rng, config.SAGAS_PERSIST_ATTEMPTS) for _ in range(n)],
        columns=["outcome", "latency_ms", "messages", "retries", "duplicates", "crashes"],
    )
    for outcome in sagas.OUTCOMES:
        p = (slow.outcome == outcome).mean()
        q = (fast.outcome == outcome).mean()
        assert abs(p - q) < 5 * np.sqrt(2) * se(p, n), outcome
    assert (fast.outcome == "stuck").mean() > 0.005  # the faults are strong enough to matter
    for col in ("latency_ms", "messages", "retries", "duplicates", "crashes"):
        s = np.sqrt((slow[col].var() + fast[col].var()) / n)
        assert abs(slow[col].mean() - fast[col].mean()) < 5 * s, col
    assert fast.duplicates.sum() > 0


# --- behaviour a designer relies on ------------------------------------------------------


def test_idempotency_keys_remove_duplicates_from_retries_and_crash_recovery():
    faults = Faults(crash_p=0.05, loss_p=0.05)
    saga = examples.travel_booking().replace(only="charge payment", timeout_ms=300.0)
    safe = sagas.simulate(saga, 10_000, seed=3, faults=faults)
    assert safe.duplicates.sum() == 0 and safe.crashes.sum() > 0
    unsafe = sagas.simulate(
        saga.replace(only="charge payment", idempotent=False), 10_000, seed=3, faults=faults
    )
    assert unsafe.duplicates.sum() > 100


def test_choreography_redeliveries_duplicate_only_at_non_idempotent_consumers():
    saga = Saga([Step(x, action=5.0) for x in "abc"], mode="choreography")
    faults = Faults(dup_p=0.2)
    assert sagas.simulate(saga.replace(idempotent=True), 5_000, seed=1, faults=faults).duplicates.sum() == 0
    dups = sagas.simulate(saga, 5_000, seed=1, faults=faults).duplicates
    # a duplicate reaches step k from any of the k hops before it (it cascades): E = 0.2 (1 + 2 + 3)
    assert dups.mean() == pytest.approx(0.2 * 6, rel=0.05)


def test_pivot_in_the_wrong_place_leaves_sagas_stuck():
    shares = {
        label: float(sagas.outcome_shares(sagas.simulate(s, 20_000, seed=2))["stuck"])
        for label, s in examples.pivot_placements().items()
    }
    good = "after the reservations (as in the example)"
    assert shares[good] < 0.002
    assert all(v > 0.02 for k, v in shares.items() if k != good)
    assert examples.travel_booking().problems() == []
    assert all(s.problems() for k, s in examples.pivot_placements().items() if k != good)


def test_trace_draws_a_timeline():
    events = sagas.trace(examples.travel_booking(), 3, seed=1)
    assert set(events.run) == {0, 1, 2}
    assert {"action", "message"} <= set(events.kind.astype(str))
    assert set(events.src) <= {*examples.travel_booking().services, "coordinator"}
    fig = sagas.plots.gantt(events, 0)
    assert any(t.type == "bar" for t in fig.data)  # the steps
    assert any(t.type == "scatter" and t.marker.symbol == "arrow" for t in fig.data)  # the messages


# --- the DSL and bad input ---------------------------------------------------------------


def test_dsl_defaults_and_copies():
    s = Step("pay", kind="pivot")
    assert s.service == "pay" and s.compensation_latency is None
    assert s.timeout_ms == config.SAGAS_TIMEOUT_MS and s.attempts == config.SAGAS_ATTEMPTS
    assert s.retry.base_s == config.SAGAS_BACKOFF_BASE_S and s.retry.backoff == config.SAGAS_BACKOFF
    assert Step("x", retry=Retry(max_retries=4)).attempts == 5  # the kit's one Retry record
    saga = examples.travel_booking()
    assert [g for g in map(len, saga.groups)] == [1, 2, 1, 1]
    assert saga.steps[3].name == "charge payment" and len(saga.to_frame()) == 5
    assert saga.scaled(2.0).step("reserve hotel").p_permanent == pytest.approx(0.06)
    assert saga.replace(p_permanent=0.2).step("confirm bookings").p_permanent == 0.0
    assert saga.with_mode("choreography").mode == "choreography"


def test_backoff_follows_the_kits_one_convention():
    """The first retry waits base, retry r waits min(cap, base * multiplier**(r - 1)), in seconds."""
    retry = Retry(max_retries=3, backoff="exponential", base_s=0.1, cap_s=0.25, multiplier=2.0)
    saga = Saga([Step("a", action=Constant(1.0), p_fail=1.0, retry=retry)])
    runs = sagas.simulate(saga, 10, seed=1, faults=QUIET)
    # four tries of 1 + 1 + 1 ms, then the undo (nothing to undo: a never took effect), waits 100, 200, 250 ms
    assert np.allclose(runs.latency_ms, 4 * 3 + 100 + 200 + 250)


def test_a_bad_definition_shows_one_line_in_a_notebook():
    with pytest.raises(sagas.SagaDefinitionError, match="step 'pay': p_fail must be between 0 and 1") as e:
        Step("pay", p_fail=1.5)
    assert e.value._render_traceback_() == ["SagaDefinitionError: " + str(e.value)]
    assert isinstance(e.value, ValueError)
    with pytest.raises(sagas.SagaDefinitionError, match=r"saga must be a kit\.sagas\.Saga"):
        sagas.SagaApp(saga="my saga")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Step("a", p_fail=1.5), "p_fail must be between 0 and 1"),
        (lambda: Step("a", p_fail=0.6, p_permanent=0.6), "p_fail \\+ p_permanent"),
        (lambda: Step("a", kind="maybe"), "kind must be one of"),
        (lambda: Step("a", kind="pivot", compensation=5.0), "has no compensation"),
        (lambda: Step("a", kind="retriable", p_permanent=0.1), "cannot fail permanently"),
        (lambda: Step("a", timeout_ms=0), "timeout_ms must be a positive number"),
        (lambda: Step("a", action=-3), "action must be a positive number"),
        (lambda: Step("a", action="fast"), "action must be a kit distribution"),
        (lambda: Step("a", retry=0), "attempts must be an integer between 1"),
        (lambda: Step("a", retry=Retry(budget_ratio=0.1)), "budget_ratio must be None"),
        (lambda: Step("a", retry="twice"), "retry must be"),
        (lambda: Step("a", service=3), "service must be a string"),
        (lambda: Saga([Step("a")], name=3), "name must be a string"),
        (lambda: Saga([]), "at least one step"),
        (lambda: Saga([Step("a"), Step("a")]), "step names must be unique"),
        (lambda: Saga([Step("a", kind="pivot"), Step("b", kind="pivot")]), "at most one pivot"),
        (lambda: Saga([Step("a")], mode="central"), "mode must be one of"),
        (lambda: Saga(["a"]), "steps must hold Step objects"),
        (lambda: Saga([Step(f"s{i}") for i in range(config.SAGAS_MAX_STEPS + 1)]), "SAGAS_MAX_STEPS"),
        (lambda: Faults(loss_p=0.95), "loss_p must be between 0 and 0.9"),
        (lambda: Faults(crash_p=-0.1), "crash_p must be between"),
        (lambda: Faults(repair_ms=math.nan), "repair_ms must be a positive number"),
        (lambda: sagas.simulate(examples.travel_booking(), 0), "runs must be an integer"),
        (lambda: sagas.simulate(examples.travel_booking(), 10**7), "runs must be an integer between"),
        (lambda: sagas.simulate(examples.travel_booking(), 10, seed=-1), "seed must be"),
        (lambda: sagas.trace(examples.travel_booking(), 5_000), "runs must be an integer between 1 and 1000"),
        (lambda: sagas.simulate_2pc(examples.travel_booking(), 4_100_000), "runs"),
        (lambda: sagas.anomalies(examples.travel_booking(), sagas_per_s=0), "sagas_per_s must be a positive"),
        (lambda: sagas.anomalies(examples.travel_booking(), keys=0), "keys must be an integer"),
        (
            lambda: sagas.anomalies(examples.travel_booking(), countermeasures=["locks"]),
            "countermeasures must",
        ),
        (
            lambda: sagas.anomalies(
                examples.travel_booking(p_permanent=0.3), sagas_per_s=1e6, keys=1, runs=50_000
            ),
            "sagas_per_s=1e\\+06 on keys=1",
        ),
        (lambda: examples.travel_booking().step("fly"), "no step named 'fly'"),
        (lambda: examples.travel_booking(p_fail=2), "p_fail must be between"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sagas.simulate("saga", 10), "saga must be a kit.sagas.Saga"),
        (lambda: sagas.simulate(examples.travel_booking(), 10, faults={"crash_p": 1}), "faults must be"),
        (lambda: sagas.simulate_outbox(examples.travel_booking(), 5, outbox="yes"), "outbox must be True"),
        (lambda: sagas.summary(pd.DataFrame()), "compared must be"),
        (lambda: sagas.outcome_shares([1, 2]), "runs must be a DataFrame"),
        (lambda: sagas.theory_p_committed("saga"), "saga must be"),
        (lambda: sagas.theory_2pc_blocked_ms(examples.travel_booking(), 0.1), "faults must be"),
        (lambda: sagas.anomalies(examples.travel_booking(), countermeasures="none"), "countermeasures must"),
    ],
)
def test_wrong_types_name_the_parameter(call, message):
    with pytest.raises(TypeError, match=message):
        call()
