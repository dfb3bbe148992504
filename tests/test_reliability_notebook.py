"""Numbers lab 06's text quotes are the ones the kit computes (read from the Markdown, not retyped)."""

import re

import nbformat
import pytest

from kit import config, reliability
from tests.conftest import ROOT

MARKDOWN = "\n".join(
    c.source
    for c in nbformat.read(ROOT / "notebooks" / "06_reliability.ipynb", 4).cells
    if c.cell_type == "markdown"
)


def quoted(pattern: str) -> tuple[float, ...]:
    match = re.search(pattern, MARKDOWN)
    assert match, f"lab 06 no longer says {pattern!r}: update this test with the text"
    return tuple(float(g) for g in match.groups())


def test_how_many_runs_a_longer_timeout_saves():
    (at_5s,) = quoted(r"at 5 s, the trigger's own backlog, it is a coin toss \((\d) runs of 5 recover\)")
    runs = [
        reliability.retry_storm("3 immediate retries", timeout_s=5.0, seed=s).recovered for s in range(1, 6)
    ]
    assert sum(runs) == at_5s
    for trigger_s, timeout_s in ((10.0, 2.0), (25.0, 10.0)):  # "every run collapses", "no run recovers"
        assert not any(
            reliability.retry_storm(
                "3 immediate retries", trigger_s=trigger_s, timeout_s=timeout_s, seed=s
            ).recovered
            for s in range(1, 6)
        )


def test_when_the_page_comes():
    minutes, hour = quoted(r"The page comes (\d+) minutes after the errors start \(hour ([\d.]+) ")
    alerts = reliability.evaluate_alerts(reliability.incident(0.02), step_min=1.0, slo=0.999)
    first = alerts.t_min[alerts["fires 2% of budget in 1 h"]].iloc[0]
    assert first - 60 * config.RELIABILITY_AVAIL_INCIDENT_START_H == minutes
    assert round(first / 60, 2) == hour


def test_what_a_breaker_changes():
    low_ms, high_ms = quoted(r"(\d+) to (\d+) ms with one")
    t = reliability.breaker_comparison(seed=1).set_index("breaker")
    waits_ms = 1000 * t.latency_during_s.drop("none")
    assert (round(waits_ms.min(), -1), round(waits_ms.max(), -1)) == (low_ms, high_ms)  # to 10 ms
    assert t.latency_during_s["none"] == pytest.approx(config.RELIABILITY_BREAKER_TIMEOUT_S, rel=0.01)
    # "The fallback answers about as many callers with or without a breaker"
    assert t.with_fallback_during.max() - t.with_fallback_during.min() < 0.01
    assert (t.recovered_after_s.drop("none") < t.recovered_after_s["none"]).all()
