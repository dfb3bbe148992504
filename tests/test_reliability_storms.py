import numpy as np
import pytest

from kit import config, reliability
from kit.queueing import Retry


@pytest.fixture(scope="module")
def storms():
    return {p: reliability.retry_storm(p, seed=21) for p in reliability.RETRY_POLICIES}


def test_three_immediate_retries_collapse_and_stay_collapsed(storms):
    """Base 80 req/s, capacity 100, timeout 1 s, no cancellation, 150 req/s for 10 s."""
    r = storms["3 immediate retries"]
    assert r.before["goodput_per_s"] == pytest.approx(80, rel=0.1)  # healthy before the trigger
    assert r.tail["goodput_per_s"] < 0.05 * 80  # ~0 long after the trigger ended
    assert 3.6 < r.amplification < 4.2  # every request sent 4 times: offered ~4x
    assert r.tail["throughput_per_s"] == pytest.approx(100, rel=0.1)  # the server is busy ...
    assert r.tail["wasted_per_s"] == pytest.approx(r.tail["throughput_per_s"])  # ... with work nobody awaits
    assert not r.recovered


@pytest.mark.parametrize("policy", ["no retries", "3 retries, 10% budget"])
def test_without_retries_or_with_a_budget_it_recovers(storms, policy):
    r = storms[policy]
    assert r.recovered and r.tail["p_success"] > 0.95 and r.amplification < 1.1


def test_backoff_delays_retries_but_does_not_remove_them(storms):
    """Jittered backoff in an open system: as many attempts per request, same collapse."""
    r = storms["3 retries, jittered backoff"]
    assert not r.recovered and r.amplification > 3.5


def test_dropping_abandoned_work_rescues_immediate_retries():
    r = reliability.retry_storm("3 immediate retries", cancel="queued", seed=21)
    assert r.recovered


def test_recovery_without_retries_takes_the_backlog_drain_time():
    r = reliability.retry_storm("no retries", seed=4)
    predicted = reliability.drain_s(80, 100, 150, 10)
    assert predicted == pytest.approx(25.0)
    tl = r.run.timeline(1.0)
    end = r.trigger_at_s + r.trigger_s
    after = tl[tl.t_s >= end]
    drained = float(after.t_s[after.waiting <= 5].iloc[0]) - end
    assert drained == pytest.approx(predicted, rel=0.5)


@pytest.mark.parametrize("retries", [0, 1, 2, 3])
def test_the_sustaining_effect_is_the_retry_load(retries):
    """Once every attempt times out, each request is sent 1 + r times: sustained_load predicts the load the
    simulation offers at the end of the run, and whether it exceeds capacity decides recovery."""
    r = reliability.retry_storm(Retry(max_retries=retries), seed=21)
    predicted = reliability.sustained_load(80, retries)
    tail_s = r.horizon_s * config.RELIABILITY_STORM_TAIL_FRACTION
    se = (
        (1 + retries) * np.sqrt(80 * tail_s) / tail_s
    )  # Poisson noise of the new requests, each sent 1 + r times
    assert abs(r.tail["offered_per_s"] - predicted) < 4 * se
    assert r.recovered == (predicted < r.capacity)


def test_one_retry_below_capacity_drains_the_backlog():
    # 40 req/s x 2 = 80 < 100: one retry cannot sustain the overload; the backlog the trigger (and its
    # retries) left drains at 20 req/s, slowly but surely
    r = reliability.retry_storm(
        "1 immediate retry", base_rate=40.0, trigger_rate=250.0, horizon_s=400.0, seed=3
    )
    assert r.recovered


def test_phase_diagram():
    t = reliability.phase_diagram([100.0, 150.0, 250.0], seed=2)
    grid = t.pivot(index="policy", columns="trigger_rate", values="recovered")
    assert grid.loc["no retries"].all() and grid.loc["3 retries, 10% budget"].all()
    assert grid.loc["3 immediate retries", 100.0] and not grid.loc["3 immediate retries", 150.0]
    for policy, row in grid.iterrows():  # once a trigger tips it over, a bigger one does too
        values = row.to_numpy()
        assert not np.any(~values[:-1] & values[1:]), policy


def test_a_custom_retry_policy_is_accepted():
    r = reliability.retry_storm(Retry(2, "exponential", base_s=0.05, cap_s=1.0), seed=1, horizon_s=100.0)
    assert r.policy == "custom"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: reliability.retry_storm("5 retries"), "policy must be one of"),
        (lambda: reliability.retry_storm(3), "policy must be a name of RETRY_POLICIES"),
        (lambda: reliability.retry_storm(trigger_s=140), "the trigger must end before"),
        (lambda: reliability.retry_storm(timeout_s=0), "timeout_s must be a positive number"),
        (lambda: reliability.retry_storm(cancel="maybe"), "cancel must be one of"),
        (lambda: reliability.sustained_load(-1, 2), "base_rate must be a positive number"),
        (lambda: reliability.sustained_load(80, 10**400), "max_retries must be"),
        (lambda: reliability.phase_diagram([100.0], "no retries"), "policies must be a list"),
        (lambda: reliability.phase_diagram(["fast"]), "trigger_rates must be a number"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_run_too_long_to_simulate_is_refused_not_judged():
    """Every request retried, 1e7 s at 80 req/s is billions of events: refused up front, naming horizon_s,
    rather than cut short by the event bound and then reported as "not recovered"."""
    with pytest.raises(ValueError, match=r"horizon_s=1e\+07 mean about .* config.QUEUEING_MAX_EVENTS"):
        reliability.retry_storm(horizon_s=1e7)
    with pytest.raises(ValueError, match="trigger_rate=1e\\+09"):
        reliability.retry_storm(trigger_rate=1e9)
