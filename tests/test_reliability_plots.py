"""Lab 06's figures say what the results say: the wait a breaker saves, why no alert fires."""

import math

import pandas as pd
import pytest

from kit import reliability


def test_the_breaker_comparison_draws_the_wait_beside_the_answers():
    table = pd.DataFrame(
        {
            "breaker": ["none", "resilience4j"],
            "success_during": [0.0, 0.0],
            "with_fallback_during": [0.9, 0.9],
            "latency_during_s": [1.0, 0.03],
            "recovered_after_s": [100.0, 5.0],
        }
    )
    fig = reliability.plots.breaker_outcomes(table)
    drawn = {(bar.xaxis, tuple(bar.y)) for bar in fig.data}
    assert ("x2", (1.0, 0.03)) in drawn and ("x3", (100.0, 5.0)) in drawn
    assert fig.layout.yaxis2.title.text == "wait (s)"


def test_a_burn_figure_without_a_page_says_so():
    quiet = reliability.evaluate_alerts(reliability.incident(0.0005), step_min=1.0, slo=0.999)
    loud = reliability.evaluate_alerts(reliability.incident(0.02), step_min=1.0, slo=0.999)
    assert (
        "no rule fires (burn rates peak at 0.5x)"
        in reliability.plots.burn_alerts(quiet, 0.999).layout.title.text
    )
    assert "no rule fires" not in reliability.plots.burn_alerts(loud, 0.999).layout.title.text


def test_the_burn_figure_counts_time_from_the_errors_start():
    alerts = reliability.evaluate_alerts(reliability.incident(0.02), step_min=1.0, slo=0.999)
    fig = reliability.plots.burn_alerts(alerts, 0.999)
    page = reliability.WORKBOOK_RULES[0]
    minutes = math.ceil(reliability.detection_time_min(0.02, 0.999, page))  # 43.2, evaluated each minute
    curve = next(t for t in fig.data if t.name.startswith(page.name))
    assert curve.name == f"{page.name}: fires after {minutes} min"
    star = next(t for t in fig.data if t.mode == "markers" and t.legendgroup == page.name)
    assert star.x[0] * 60 == pytest.approx(minutes)  # on the figure's clock, not the series' hour 1.73
    assert min(curve.x) < 0 <= max(curve.x)  # the hour before the errors is drawn, left of 0


def test_the_breaker_summary_sets_the_breaker_beside_none():
    breaker = reliability.breaker_demo("resilience4j", seed=1)
    none = reliability.breaker_demo("none", seed=1)
    fig = reliability.plots.breaker_summary(breaker, none)
    assert [t.name for t in fig.data if t.showlegend is not False] == ["no breaker", "breaker: resilience4j"]
    waits = {t.name: t.y[0] for t in fig.data if t.xaxis == "x2"}  # during the fault
    assert waits["no breaker"] > 5 * waits["breaker: resilience4j"]  # the timeout against failing fast
    assert waits["no breaker"] == pytest.approx(
        none.outcomes(none.degrade_start_s, none.degrade_end_s)["mean_latency_s"]
    )
    timeline = reliability.plots.breaker_timeline(breaker)
    assert {"CLOSED", "OPEN"} <= {a.text for a in timeline.layout.annotations}


def test_the_calculator_says_when_two_designs_are_one():
    app = reliability.AvailabilityApp(replicas=1, zones=1)
    assert "single design" in app.note_labels["replicas"].value
    assert "one zone" in app.note_labels["zones"].value
    designs = app.result[0]
    assert len({round(reliability.availability(b), 12) for b in designs.values()}) < 3
