import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import reliability
from kit.reliability import KOfN, Parallel, Series
from tests import naive


def test_the_three_checks():
    series = reliability.availability(Series(0.999, 0.999, 0.999))
    assert round(100 * series, 4) == 99.7003 and series == pytest.approx(0.999**3, rel=1e-15)
    parallel = reliability.availability(Parallel(0.99, 0.99))
    assert round(100 * parallel, 4) == 99.99 and parallel == pytest.approx(1 - 0.01**2, rel=1e-15)
    assert reliability.error_budget_min(0.999, 30) == pytest.approx(43.2)
    assert float(reliability.downtime_min(0.999, 30)) == pytest.approx(43.2)


def test_workbook_burn_rates():
    """SRE Workbook ch. 5: 2% of the budget in 1 h, 5% in 6 h, 10% in 3 days -> 14.4, 6, 1."""
    rules = reliability.WORKBOOK_RULES
    assert [(r.burn_rate, r.long_h, r.short_h, r.severity) for r in rules] == [
        (14.4, 1.0, 5 / 60, "page"),
        (6.0, 6.0, 0.5, "page"),
        (1.0, 72.0, 6.0, "ticket"),
    ]
    for rule, fraction in zip(rules, (0.02, 0.05, 0.10), strict=True):
        assert reliability.burn_rate_for(fraction, rule.long_h) == pytest.approx(rule.burn_rate)
    # time to detect a total outage with the first rule: 14.4 x 0.1% x 60 min
    assert reliability.detection_time_min(1.0, 0.999, rules[0]) == pytest.approx(0.864)
    assert reliability.detection_time_min(0.001, 0.999, rules[0]) == math.inf  # burning exactly the budget


@pytest.mark.parametrize("error_rate", [1.0, 0.05, 0.02, 0.008])
def test_alert_evaluation_fires_when_the_formula_says(error_rate):
    e = reliability.incident(error_rate, start_h=0.0, duration_h=80.0, total_h=80.0, step_min=1.0)
    table = reliability.evaluate_alerts(e, 1.0, 0.999)
    for rule in reliability.WORKBOOK_RULES:
        fires = table[f"fires {rule.name}"].to_numpy()
        predicted = reliability.detection_time_min(error_rate, 0.999, rule)
        if math.isinf(predicted):
            assert not fires.any(), rule.name
        else:
            first = table.t_min[np.argmax(fires)]
            assert fires.any() and abs(first - predicted) <= 1.0 + 1e-9, (rule.name, first, predicted)
    spent = table.budget_spent.iloc[-1]
    assert spent == pytest.approx(error_rate * 80 * 60 / (30 * 24 * 60 * 0.001))


def test_k_of_n_and_nested_blocks_against_enumeration():
    assert reliability.availability(KOfN(2, 3, 0.99)) == pytest.approx(
        naive.structure_availability("kofn", [0.99] * 3, k=2)
    )
    assert reliability.availability(KOfN(1, 2, 0.9)) == pytest.approx(
        reliability.availability(Parallel(0.9, 0.9))
    )
    assert reliability.availability(KOfN(3, 3, 0.9)) == pytest.approx(0.9**3)


@given(
    st.lists(st.floats(0.5, 0.9999), min_size=1, max_size=6), st.sampled_from(["series", "parallel", "kofn"])
)
@settings(max_examples=80, deadline=None)
def test_blocks_match_enumeration_of_every_state(a, kind):
    k = max(1, len(a) // 2)
    block = {"series": Series(*a), "parallel": Parallel(*a), "kofn": None}[kind]
    if kind == "kofn":
        block = KOfN(k, len(a), a[0])
        a = [a[0]] * len(a)
    assert reliability.availability(block) == pytest.approx(
        naive.structure_availability(kind, a, k=k), abs=1e-12
    )


@pytest.mark.parametrize(
    "block",
    [
        Series(0.99, 0.995, 0.98),
        Parallel(0.9, 0.8),
        KOfN(2, 3, 0.95),
        reliability.multi_az(3, 2, 0.999, Series(0.99, Parallel(0.95, 0.95))),
    ],
    ids=["series", "parallel", "2 of 3", "multi-az"],
)
def test_failure_and_repair_histories_agree_with_the_formulas(block):
    c = reliability.simulate_availability(block, seed=9)
    assert c.se > 0 and abs(c.simulated - c.formula) < 4 * c.se


def test_nines_mtbf_and_the_table():
    assert reliability.from_mtbf(999.0, 1.0) == pytest.approx(0.999)
    assert float(reliability.nines(0.9999)) == pytest.approx(4.0)
    t = reliability.downtime_table()
    row = t[t.availability == 0.9999].iloc[0]
    assert row.per_year_min == pytest.approx(52.56) and row.per_30_days_min == pytest.approx(4.32)


def test_designs_improve_with_redundancy_up_to_the_shared_front_door():
    d = reliability.designs(0.999, 3, 2, 3, zone_a=0.9999, front_a=0.9995)
    a = [reliability.availability(b) for b in d.values()]
    assert a[0] < a[1] < a[2] < 0.9995  # nothing behind the front door beats the front door


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: reliability.availability(1.5), "block must be between 0 and 1"),
        (lambda: reliability.availability("x"), "block must be a block"),
        (lambda: reliability.evaluate_alerts([0.01], 1.0, 1.0), "slo must be below 1"),
        (
            lambda: reliability.detection_time_min(0.01, 1.0, reliability.WORKBOOK_RULES[0]),
            "slo must be below 1",
        ),
        (lambda: reliability.detection_time_min(0.01, 0.999, "fast"), "rule must be a BurnRule"),
        (lambda: reliability.incident(0.01, total_h=1e9), "total_h=1e\\+09 in steps of step_min=1"),
        (lambda: reliability.BurnRule("x", 14.4, 1.0, 2.0, "page"), "short_h must not exceed long_h"),
        (lambda: reliability.BurnRule("x", 14.4, 1.0, 0.1, "email"), "severity must be one of"),
        (lambda: reliability.multi_az(3, 4, 0.999, 0.99), "needed must be an integer between 1 and 3"),
        (lambda: reliability.downtime_table(["abc"]), "levels must be a number or an array"),
        (lambda: reliability.nines([float("nan")]), "a must be between 0 and 1"),
        (lambda: Series(), "Series needs at least one block"),
        (lambda: KOfN(4, 3, 0.9), "k must be an integer between 1 and 3"),
        (lambda: reliability.from_mtbf(0, 1), "mtbf_h must be a positive number"),
        (lambda: reliability.burn_rate_for(0.02, 0), "window_h must be a positive number"),
        (lambda: reliability.evaluate_alerts([0.5, 2.0], 1.0, 0.999), "error_rate must be between 0 and 1"),
        (lambda: reliability.simulate_availability(Series(1.0, 0.9)), "strictly between 0 and 1"),
        (
            lambda: reliability.simulate_availability(KOfN(1, 10_000, 0.9)),
            "block has 10,000 components|more than config.RELIABILITY_MAX_OUTAGE_WORK",
        ),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_k_of_n_is_exact_for_thousands_of_replicas():
    """At least 5000 of 10000 fair coins, against exact integer arithmetic; and nines kept near 1."""
    from fractions import Fraction

    exact = Fraction(sum(math.comb(10_000, j) for j in range(5_000, 10_001)), 2**10_000)
    assert reliability.availability(KOfN(5_000, 10_000, 0.5)) == pytest.approx(float(exact), rel=1e-9)
    assert reliability.availability(KOfN(1, 10_000, 0.9)) == 1.0
    assert reliability.availability(KOfN(10_000, 10_000, 0.9999)) == pytest.approx(0.9999**10_000, rel=1e-9)
