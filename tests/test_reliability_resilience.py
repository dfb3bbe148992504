import numpy as np
import pytest

from kit import config, queueing, reliability


@pytest.fixture(scope="module")
def demos():
    return {name: reliability.breaker_demo(name, seed=12) for name in reliability.BREAKER_CHOICES}


def test_without_a_breaker_the_dependency_drowns_and_recovers_late(demos):
    r = demos["none"]
    during = r.outcomes(r.degrade_start_s, r.degrade_end_s)
    assert during["timed_out"] > 0.9 and during["mean_latency_s"] == pytest.approx(1.0, abs=0.05)
    # the backlog left behind: 80 calls/s queued for 120 s, drained at 100/s by a 200/s dependency
    assert r.recovered_at_s() - r.degrade_end_s > 60


@pytest.mark.parametrize("name", ["resilience4j", "hystrix", "polly"])
def test_a_breaker_fails_fast_protects_the_dependency_and_recovers_soon(demos, name):
    r = demos[name]
    # skip the first seconds, while the window fills and trips
    during = r.outcomes(r.degrade_start_s + 5, r.degrade_end_s)
    assert during["fast_failed"] > 0.8
    assert (
        during["mean_latency_s"]
        < 0.25 * demos["none"].outcomes(r.degrade_start_s + 5, r.degrade_end_s)["mean_latency_s"]
    )
    assert r.recovered_at_s() - r.degrade_end_s < 0.5 * (demos["none"].recovered_at_s() - r.degrade_end_s)
    before = r.outcomes(0, r.degrade_start_s)
    assert before["success"] > 0.99 and before["fast_failed"] == 0


def test_the_fallback_answers_failed_calls_only_and_as_fast_as_they_failed(demos):
    """A stale value stands in for a failed call, never for an answer, for about fallback_hit of them;
    with a breaker it comes at once, without one only after the caller's timeout."""
    latency = {}
    for name in ("none", "resilience4j"):
        r = demos[name]
        run = r.run
        during = (run.arrive_s >= r.degrade_start_s) & (run.arrive_s < r.degrade_end_s)
        failed = np.isfinite(run.reply_s) & (run.status != queueing.OK)
        assert not (r.fallback & ~failed).any(), "a fallback replaced an answer, or a call still waiting"
        failed &= during
        n = failed.sum()
        share = r.fallback[failed].mean()
        assert abs(share - r.fallback_hit) < 4 * np.sqrt(r.fallback_hit * (1 - r.fallback_hit) / n)
        o = r.outcomes(r.degrade_start_s, r.degrade_end_s)
        answered = (run.status[during & np.isfinite(run.reply_s)] == queueing.OK).mean()
        assert o["success"] == pytest.approx(answered) and o["with_fallback"] > 0.85 > o["success"]
        latency[name] = run.response_s[r.fallback & during].mean()
    assert latency["resilience4j"] < 0.1 < 0.9 < latency["none"] <= 1.0 + 1e-9


def test_no_fallback_means_no_stale_answers():
    r = reliability.breaker_demo(
        "resilience4j", fallback_hit=0.0, horizon_s=120.0, degrade=(20.0, 80.0), seed=3
    )
    o = r.outcomes()
    assert not r.fallback.any() and o["with_fallback"] == o["success"]


def test_a_settings_record_and_keywords_give_the_same_run_and_keywords_win():
    scenario = dict(horizon_s=60.0, degrade=(10.0, 30.0), slowdown=20.0)
    by_keywords = reliability.breaker_demo("polly", seed=5, **scenario)
    settings = reliability.BreakerSettings(**scenario, error_p=0.9)
    by_record = reliability.breaker_demo(
        "polly", settings, seed=5, error_p=config.RELIABILITY_BREAKER_ERROR_P
    )
    assert np.array_equal(by_keywords.run.status, by_record.run.status)
    assert np.array_equal(by_keywords.fallback, by_record.fallback)
    assert not np.array_equal(
        by_record.run.status, reliability.breaker_demo("polly", settings, seed=5).run.status
    )


def test_unset_settings_are_read_from_config_when_the_run_starts(monkeypatch):
    settings = reliability.BreakerSettings(degrade=(5.0, 10.0))
    monkeypatch.setattr(config, "RELIABILITY_BREAKER_HORIZON_S", 20.0)
    r = reliability.breaker_demo("none", settings, seed=1)
    assert r.horizon_s == 20.0 and r.run.arrive_s.max() < 20.0
    assert settings.resolved().rate == config.RELIABILITY_BREAKER_RATE


def test_another_fallback_share_on_the_same_run_is_the_run_with_that_share():
    """What the app keeps while only the fallback moves: the same result as a fresh run."""
    scenario = dict(horizon_s=60.0, degrade=(10.0, 30.0))
    fresh = reliability.breaker_demo("hystrix", seed=6, fallback_hit=0.3, **scenario)
    redrawn = reliability.breaker_demo("hystrix", seed=6, fallback_hit=0.9, **scenario).with_fallback_hit(0.3)
    assert redrawn.fallback_hit == 0.3 and redrawn.run is not fresh.run
    assert np.array_equal(redrawn.fallback, fresh.fallback) and 0 < redrawn.fallback.sum()
    assert redrawn.outcomes() == fresh.outcomes()
    with pytest.raises(ValueError, match="fallback_hit must be between 0 and 1"):
        fresh.with_fallback_hit(2.0)


def test_comparison_table_covers_every_choice():
    t = reliability.breaker_comparison(seed=3)
    assert list(t.breaker) == list(reliability.BREAKER_CHOICES)
    assert (t.recovered_after_s[t.breaker != "none"] < t.recovered_after_s[t.breaker == "none"].iloc[0]).all()


def test_bulkheads_keep_the_healthy_dependency_answering():
    shared = reliability.bulkhead_demo(False, seed=4)
    isolated = reliability.bulkhead_demo(True, seed=4)
    assert shared.success(0, 0, shared.slow_start_s) > 0.99  # fine before B slows down
    assert shared.success(0) < 0.5  # B's slow calls hold every shared thread
    assert isolated.success(0) > 0.99  # A has its own threads
    assert isolated.success(1) < 0.5  # B suffers either way
    assert len(shared.timeline(0)) == len(isolated.timeline(1))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: reliability.breaker_demo("netflix"), "breaker must be one of"),
        (lambda: reliability.breaker_demo(degrade=(100.0, 50.0)), "degrade must be"),
        (lambda: reliability.breaker_demo(fallback_hit=1.5), "fallback_hit must be between 0 and 1"),
        (lambda: reliability.bulkhead_demo(True, threads=1), "threads must be"),
        (lambda: reliability.bulkhead_demo(True).success(2), "dependency must be"),
        (lambda: reliability.breaker_demo(degrade=5), "degrade must be a pair of numbers"),
        (lambda: reliability.breaker_demo(degrade=("a", "b")), "degrade must be a number"),
        (lambda: reliability.breaker_demo(rate=1e9), "rate=1e\\+09, horizon_s=300 mean about"),
        (lambda: reliability.breaker_demo(slowdwn=2.0), "slowdwn is not a setting of breaker_demo"),
        (lambda: reliability.breaker_demo("none", {"rate": 10.0}), "settings must be a BreakerSettings"),
        (lambda: reliability.BreakerSettings(workers=0), "workers must be an integer between 1"),
        (lambda: reliability.breaker_demo(degrade=(10.0, 400.0)), "degrade must be .* within the run"),
        (lambda: reliability.bulkhead_demo("yes"), "isolated must be True or False"),
        (lambda: reliability.bulkhead_demo(True, rates=(50.0,)), "rates must be a pair of numbers"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
