"""Lab 06's figures say what the results say: the wait a breaker saves, why no alert fires."""

import pandas as pd

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
