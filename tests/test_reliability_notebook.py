"""Claims lab 06's text makes in words, checked against the kit (its numbers carry markers instead)."""

import pytest

from kit import config, reliability


def test_a_longer_timeout_that_still_collapses():
    for trigger_s, timeout_s in ((10.0, 2.0), (25.0, 10.0)):  # "every run collapses", "no run recovers"
        assert not any(
            reliability.retry_storm(
                "3 immediate retries", trigger_s=trigger_s, timeout_s=timeout_s, seed=s
            ).recovered
            for s in range(1, 6)
        )


def test_what_a_breaker_changes():
    t = reliability.breaker_comparison(seed=1).set_index("breaker")
    assert t.latency_during_s["none"] == pytest.approx(config.RELIABILITY_BREAKER_TIMEOUT_S, rel=0.01)
    # "The fallback answers about as many callers with or without a breaker"
    assert t.with_fallback_during.max() - t.with_fallback_during.min() < 0.01
    assert (t.recovered_after_s.drop("none") < t.recovered_after_s["none"]).all()
