import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import queueing
from kit.reliability import sleeps
from tests import naive

R4J = queueing.BREAKERS["resilience4j"]


def _trace(breaker, failed, gap_s=1.0, duration_s=0.01):
    n = len(failed)
    return queueing.breaker_trace(breaker, np.arange(n) * gap_s, np.full(n, duration_s), np.asarray(failed))


# --- resilience4j conformance -----------------------------------------------------------------


@pytest.mark.parametrize("failures, state", [(50, "OPEN"), (49, "CLOSED"), (100, "OPEN"), (0, "CLOSED")])
def test_fifty_failures_in_the_last_hundred_calls_open_it(failures, state):
    for order in ("failures last", "failures first", "interleaved"):
        failed = np.r_[np.zeros(100 - failures), np.ones(failures)]
        if order == "failures first":
            failed = failed[::-1]
        elif order == "interleaved":
            failed = np.random.default_rng(1).permutation(failed)
        permitted, states = _trace(R4J, failed)
        assert permitted.all()
        assert queueing.STATES[int(states[-1])] == state, order


def test_no_verdict_before_the_minimum_number_of_calls():
    _, states = _trace(R4J, np.ones(99))
    assert (states == 0).all()  # 99 failures out of 99 calls: still CLOSED
    _, states = _trace(R4J, np.ones(100))
    assert queueing.STATES[int(states[-1])] == "OPEN"


def test_the_window_slides():
    """50 failures, then 51 successes: the oldest failure leaves the window, 49 remain."""
    failed = np.r_[np.ones(49), np.zeros(51)]
    _, states = _trace(R4J, failed)
    assert states[-1] == 0
    _, states = _trace(R4J, np.r_[np.zeros(51), np.ones(49), np.zeros(1), np.ones(1)])
    assert queueing.STATES[int(states[-1])] == "OPEN"  # last 100: 50 failures


def test_open_fails_fast_then_half_open_decides():
    """Open 60 s after the 100th call ends (t = 99.01); then 10 trial calls: 5 failures reopen, 4 close."""
    for trial_failures, after in ((5, "OPEN"), (4, "CLOSED")):
        trials = np.r_[np.ones(trial_failures), np.zeros(10 - trial_failures)]
        failed = np.r_[np.ones(100), np.zeros(31), trials, np.zeros(5)]
        times = np.r_[
            np.arange(100.0), 100.0 + np.arange(30.0), 158.9, 159.5 + np.arange(10.0), 170 + np.arange(5.0)
        ]
        permitted, states = queueing.breaker_trace(R4J, times, np.full(times.size, 0.01), failed)
        names = [queueing.STATES[int(s)] for s in states]
        assert names[99] == "OPEN"
        assert not permitted[100:131].any()  # fail fast for waitDurationInOpenState = 60 s
        assert permitted[131:141].all() and names[131] == "HALF_OPEN" and names[139] == "HALF_OPEN"
        assert names[140] == after
        assert permitted[141:].all() == (after == "CLOSED")


def test_slow_calls_open_it_too():
    breaker = dataclasses.replace(R4J, slow_call_s=2.0, slow_call_rate=0.5)
    n = 100
    durations = np.r_[np.full(50, 3.0), np.full(50, 0.1)]
    _, states = queueing.breaker_trace(breaker, np.arange(n) * 10.0, durations, np.zeros(n))
    assert queueing.STATES[int(states[-1])] == "OPEN"
    _, states = queueing.breaker_trace(R4J, np.arange(n) * 10.0, durations, np.zeros(n))
    assert states[-1] == 0  # the default slow-call threshold (60 s) is not reached


def test_hystrix_needs_twenty_requests_in_its_ten_second_window():
    hystrix = queueing.BREAKERS["hystrix"]
    _, states = _trace(hystrix, np.ones(19), gap_s=0.1)
    assert states[-1] == 0
    _, states = _trace(hystrix, np.ones(20), gap_s=0.1)
    assert queueing.STATES[int(states[-1])] == "OPEN"
    _, states = _trace(hystrix, np.ones(20), gap_s=1.0)  # 20 s of calls: never 20 in 10 s
    assert states[-1] == 0


def test_polly_opens_at_ten_percent_and_probes_once():
    polly = queueing.BREAKERS["polly"]
    failed = np.r_[np.zeros(90), np.ones(10)]
    _, states = _trace(polly, failed, gap_s=0.1)
    assert queueing.STATES[int(states[-1])] == "OPEN"
    times = np.r_[np.arange(100) * 0.1, 9.9 + 5.1, 9.9 + 5.2]  # the break (5 s) is over at 14.91
    for probe_fails, after in ((0, "CLOSED"), (1, "OPEN")):
        permitted, states = queueing.breaker_trace(
            polly, times, np.full(102, 0.01), np.r_[failed, probe_fails, 0]
        )
        assert permitted[100] and queueing.STATES[int(states[100])] == after  # one probe decides
        assert permitted[101] == (after == "CLOSED")


calls = st.lists(st.tuples(st.floats(0.0, 3.0), st.floats(0.0, 5.0), st.booleans()), min_size=1, max_size=300)
breakers = st.builds(
    queueing.Breaker,
    failure_rate=st.sampled_from([0.1, 0.5, 0.8]),
    window_type=st.sampled_from(["count", "time"]),
    window=st.sampled_from([5, 10, 20]),
    buckets=st.sampled_from([1, 5, 10]),
    minimum_calls=st.sampled_from([1, 3, 10]),
    wait_open_s=st.sampled_from([0.0, 2.0, 10.0]),
    half_open_calls=st.sampled_from([1, 3]),
    slow_call_s=st.sampled_from([1.0, 60.0]),
    slow_call_rate=st.sampled_from([0.5, 1.0]),
)


@given(breakers, calls)
@settings(max_examples=150, deadline=None)
def test_kernel_matches_the_written_out_state_machine(breaker, seq):
    gaps, durations, failed = (np.array(x, dtype=float) for x in zip(*seq, strict=True))
    times = np.empty(gaps.size)
    t = 0.0
    for i in range(gaps.size):  # each call ends before the next starts
        times[i] = t = t + gaps[i]
        t += durations[i]
    permitted, states = queueing.breaker_trace(breaker, times, durations, failed)
    ref = naive.Breaker(**dataclasses.asdict(breaker)).trace(times, durations, failed)
    assert permitted.tolist() == [ok for ok, _ in ref]
    assert [queueing.STATES[int(s)] for s in states] == [s for _, s in ref]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: queueing.Breaker(failure_rate=0.0), "failure_rate must be"),
        (lambda: queueing.Breaker(window_type="sliding"), "window_type must be one of"),
        (lambda: queueing.Breaker(window=0), "window must be"),
        (lambda: queueing.Breaker(half_open_calls=0), "half_open_calls must be"),
        (lambda: queueing.breaker_trace("r4j", [0.0], [0.0], [0]), "breaker must be a Breaker"),
        (lambda: queueing.breaker_trace(R4J, [1.0, 0.0], [0.0, 0.0], [0, 0]), "end before the next starts"),
        (lambda: queueing.breaker_trace(R4J, [0.0, 1.0], [2.0, 0.0], [0, 0]), "end before the next starts"),
    ],
)
def test_bad_breaker_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- backoff sleeps (the kit's convention: the first retry waits base) ----------------------------


def test_exponential_doubles_from_base_up_to_the_cap():
    s = sleeps("exponential", attempts=12, samples=1, base_ms=5, cap_ms=2000)[0]
    assert s.tolist() == [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0, 1280.0, 2000.0, 2000.0, 2000.0]


@pytest.mark.parametrize("strategy", ["full_jitter", "equal_jitter"])
def test_jitter_stays_within_its_interval_and_has_the_right_mean(strategy):
    s = sleeps(strategy, attempts=8, samples=20_000, seed=2, base_ms=5, cap_ms=2000)
    expo = np.minimum(2000.0, 5.0 * 2.0 ** np.arange(8))
    lo = 0.0 if strategy == "full_jitter" else expo / 2
    assert np.all(s >= lo) and np.all(s <= expo)
    mean = expo / 2 if strategy == "full_jitter" else 0.75 * expo
    assert np.allclose(s.mean(axis=0), mean, rtol=0.02)


def test_decorrelated_grows_from_its_previous_sleep():
    s = sleeps("decorrelated", attempts=30, samples=5000, seed=3, base_ms=5, cap_ms=2000)
    assert np.all(s >= 5.0) and np.all(s <= 2000.0)
    assert np.all(s[:, 0] <= 15.0)  # U(base, 3 base) for the first retry
    assert np.all(s[:, 1:] <= np.minimum(3 * s[:, :-1], 2000.0) + 1e-9)
