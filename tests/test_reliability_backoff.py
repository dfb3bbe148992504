import numpy as np
import pytest

from kit import config, reliability
from kit.reliability import BROOKER_2015, STRATEGIES, backoff_experiment
from tests import naive


@pytest.fixture(scope="module")
def at_100():
    return {s: backoff_experiment(s, 100, runs=100, seed=2015) for s in STRATEGIES}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_brooker_numbers_at_100_clients_within_10_percent(at_100, strategy):
    """Brooker (AWS Architecture Blog, 2015), 100 clients, 100 runs: calls and completion time."""
    calls, completion_ms = BROOKER_2015[strategy]
    r = at_100[strategy]
    assert r.runs == 100 and r.clients == 100
    assert r.calls == pytest.approx(calls, rel=0.10)
    assert r.completion_ms == pytest.approx(completion_ms, rel=0.10)


def test_the_shape_of_brookers_figures_at_100_clients(at_100):
    calls = {s: r.calls for s, r in at_100.items()}
    time = {s: r.completion_ms for s, r in at_100.items()}
    assert (
        calls["full_jitter"]
        < calls["equal_jitter"]
        < calls["decorrelated"]
        < calls["exponential"]
        < calls["none"]
    )
    assert time["none"] < time["decorrelated"] < time["full_jitter"] < time["equal_jitter"]
    assert time["exponential"] > 5 * time["equal_jitter"]  # "<<": lockstep clients keep colliding


@pytest.mark.parametrize("clients", [20, 60, 150, 190])
def test_what_holds_at_every_client_count(clients):
    r = {s: backoff_experiment(s, clients, runs=40, seed=clients) for s in STRATEGIES}
    calls = {s: x.calls for s, x in r.items()}
    time = {s: x.completion_ms for s, x in r.items()}
    assert max(calls, key=calls.get) == "none"  # no backoff: the most work ...
    assert min(time, key=time.get) == "none"  # ... and the quickest finish
    assert max(time, key=time.get) == "exponential"  # no jitter: by far the slowest
    for jittered in ("full_jitter", "equal_jitter", "decorrelated"):
        assert calls[jittered] < calls["exponential"] and time[jittered] < time["exponential"] / 3


def test_kernel_agrees_with_the_python_race():
    """Same model in plain Python (tests/naive.py), full jitter, 12 clients: means within 4 SE."""
    rng = np.random.default_rng(5)

    def full_jitter(attempt, previous):
        return rng.uniform(0, min(2000.0, 5.0 * 2**attempt))

    ref = np.array([naive.occ_race(12, full_jitter, rng) for _ in range(400)])
    ours = backoff_experiment("full_jitter", 12, runs=400, seed=5)
    for mine, theirs in ((ours.calls_per_run, ref[:, 0]), (ours.completion_per_run, ref[:, 1])):
        se = np.sqrt(mine.var() / mine.size + theirs.var() / theirs.size)
        assert abs(mine.mean() - theirs.mean()) < 4 * se


def test_one_client_writes_once_in_four_hops():
    r = backoff_experiment("none", 1, runs=2000, seed=1)
    assert np.all(r.calls_per_run == 1)
    assert r.completion_ms == pytest.approx(40.0, abs=0.3)  # read, reply, write, reply: |N(10, 2)| each


def test_runs_and_seeds():
    a = backoff_experiment("decorrelated", 30, runs=7, seed=9)
    b = backoff_experiment("decorrelated", 30, runs=7, seed=9)
    assert a.runs == 7 and np.array_equal(a.calls_per_run, b.calls_per_run)
    config.RELIABILITY_BACKOFF_RUNS = 3
    try:
        assert backoff_experiment("none", 5, seed=1).runs == 3
    finally:
        config.reset()


def test_one_core_and_parallel_kernels_give_the_same_runs(monkeypatch):
    """Races below RELIABILITY_PARALLEL_MIN_MESSAGES run on one core: the same seed gives the same runs."""
    one_core = backoff_experiment("full_jitter", 40, runs=30, seed=4)
    monkeypatch.setattr(config, "RELIABILITY_PARALLEL_MIN_MESSAGES", 1)
    parallel = backoff_experiment("full_jitter", 40, runs=30, seed=4)
    assert np.array_equal(one_core.calls_per_run, parallel.calls_per_run)
    assert np.array_equal(one_core.completion_per_run, parallel.completion_per_run)
    assert len(set(one_core.calls_per_run)) > 1  # the runs differ: each has its own seed


def test_sweep_has_every_strategy_and_client_count():
    t = reliability.backoff_sweep(clients=[10, 20], strategies=("none", "full_jitter"), runs=5, seed=1)
    assert set(t.strategy) == {"none", "full_jitter"} and sorted(set(t.clients)) == [10, 20]
    assert (t.calls >= t.clients).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: backoff_experiment("linear", 10), "strategy must be one of"),
        (lambda: backoff_experiment("none", 0), "clients must be"),
        (lambda: backoff_experiment("none", 10, runs=0), "runs must be"),
        (lambda: backoff_experiment("none", 10, base_ms=-5), "base_ms must be a positive number"),
        (lambda: backoff_experiment("none", 10, base_ms=50, cap_ms=10), "cap_ms must be at least base_ms"),
        (lambda: reliability.sleeps("full_jitter", attempts=0), "attempts must be"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
