"""kit.estimation against closed forms, independent references (tests/naive.py) and its own rules."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, estimation
from kit.core.rng import Constant, Exponential
from kit.estimation import _kernels as kk

from . import naive

# --- the response-time percentile --------------------------------------------------------------


@pytest.mark.parametrize("lam,mu", [(80.0, 100.0), (1.0, 2.0), (9.9, 10.0), (0.01, 50.0)])
@pytest.mark.parametrize("p", [50.0, 90.0, 99.0, 99.9])
def test_one_server_is_exponential_with_rate_mu_minus_lambda(lam, mu, p):
    """M/M/1: T ~ Exp(mu - lam) exactly, so the p-quantile is -ln(1 - p) / (mu - lam)."""
    got = estimation.response_time_quantile(lam, 1000.0 / mu, 1, p)
    assert got == pytest.approx(-math.log(1 - p / 100) / (mu - lam) * 1000.0, rel=1e-9)


@settings(max_examples=60)
@given(
    c=st.integers(1, 40),
    rho=st.floats(0.05, 0.97),
    mu=st.floats(0.5, 200.0),
    p=st.sampled_from([50.0, 90.0, 95.0, 99.0, 99.9]),
)
def test_percentile_matches_the_numerical_convolution_to_a_tenth_of_a_percent(c, rho, mu, p):
    lam = rho * c * mu
    got = estimation.response_time_quantile(lam, 1000.0 / mu, c, p) / 1000.0
    ref = naive.mmc_response_quantile(lam, mu, c, p / 100)
    assert got == pytest.approx(ref, rel=1e-3)


def test_theta_equal_to_mu_uses_its_own_form():
    """c mu - lam = mu (lam = (c - 1) mu): the generic form divides by zero; the kit must not."""
    mu, c = 10.0, 3
    lam = (c - 1) * mu
    got = estimation.response_time_quantile(lam, 100.0, c, 99.0) / 1000.0
    assert got == pytest.approx(naive.mmc_response_quantile(lam, mu, c, 0.99), rel=1e-3)
    near = kk.sojourn_sf(0.3, mu, mu * (1 + 1e-9), 0.4)
    assert near == pytest.approx(kk.sojourn_sf(0.3, mu, mu, 0.4), rel=1e-7)


def test_survival_function_agrees_with_queueing_theory():
    from kit import queueing

    theory = queueing.mmc(25.0, 10.0, 4)
    t = np.linspace(0.0, 2.0, 9)
    mine = [kk.sojourn_sf(x, 10.0, 4 * 10.0 - 25.0, theory.p_wait) for x in t]
    np.testing.assert_allclose(mine, theory.p_sojourn_longer(t), rtol=1e-12)


def test_unstable_fleet_has_infinite_percentile_and_curve_is_decreasing():
    assert math.isinf(estimation.response_time_quantile(100.0, 20.0, 2, 99.0))
    curve = estimation.response_time_curve(100.0, 20.0, np.arange(1, 20), 99.0)
    finite = curve[np.isfinite(curve)]
    assert np.isinf(curve[:2]).all() and np.all(np.diff(finite) < 0)


def test_simulation_reproduces_the_formula_for_exponential_service():
    r = estimation.simulate_percentile(180.0, Exponential(0.01), 2, 99.0, customers=200_000, seed=3)
    assert abs(r.simulated_ms - r.mmc_ms) < 4 * r.se_ms + 0.02 * r.mmc_ms


def test_simulation_shows_constant_service_beats_the_exponential_formula():
    r = estimation.simulate_percentile(180.0, Constant(0.01), 2, 99.0, customers=100_000, seed=3)
    assert r.simulated_ms < 0.8 * r.mmc_ms


# --- servers needed -----------------------------------------------------------------------------


@settings(max_examples=25)
@given(qps=st.floats(0.5, 400.0), service_ms=st.floats(1.0, 100.0), slack=st.floats(1.05, 8.0))
def test_servers_needed_is_the_smallest_fleet_meeting_the_slo(qps, service_ms, slack):
    mu = 1000.0 / service_ms
    slo = slack * math.log(100.0) / mu * 1000.0
    c = estimation.servers_needed(qps, service_ms, slo, 99.0)
    assert estimation.response_time_quantile(qps, service_ms, c, 99.0) <= slo * (1 + 1e-9)
    assert c == 1 or estimation.response_time_quantile(qps, service_ms, c - 1, 99.0) > slo


@pytest.mark.parametrize(
    "qps,service_ms,slo_ms", [(5.0, 100.0, 800.0), (50.0, 20.0, 150.0), (300.0, 10.0, 60.0)]
)
def test_servers_needed_matches_a_scan_of_the_convolution(qps, service_ms, slo_ms):
    mu = 1000.0 / service_ms
    assert estimation.servers_needed(qps, service_ms, slo_ms, 99.0) == naive.servers_needed_scan(
        qps, mu, slo_ms / 1000.0, 0.99
    )


def test_naive_sizing_misses_widely_on_a_small_fleet():
    s = estimation.compare_sizing(5.0, 100.0, 800.0, 99.0, 0.7)
    assert s.naive == 1 and s.needed == 2
    assert s.naive_ms == pytest.approx(1000 * math.log(100) / 5.0)  # M/M/1 rate 10 - 5
    assert "misses" in s.verdict


def test_naive_sizing_over_provisions_a_large_fleet():
    s = estimation.compare_sizing(10_000.0, 20.0, 200.0, 99.0, 0.7)
    assert s.naive == 286 and s.needed < 0.8 * s.naive and s.needed_ms <= 200.0
    assert "more servers than needed" in s.verdict


def test_unreachable_slo_names_slo_ms():
    with pytest.raises(ValueError, match="slo_ms=200 is unreachable"):
        estimation.servers_needed(1000.0, 50.0, 200.0, 99.0)  # service p99 alone = 230 ms


def test_max_qps_inverts_servers_needed():
    cap = estimation.max_qps(12, 20.0, 150.0, 99.0)
    assert estimation.servers_needed(cap * 0.999, 20.0, 150.0, 99.0) <= 12
    assert estimation.servers_needed(cap * 1.01, 20.0, 150.0, 99.0) > 12


def test_naive_servers_rounds_up_but_not_exact_quotients():
    assert estimation.naive_servers(1000.0, 50.0, 0.8) == 25
    assert estimation.naive_servers(1001.0, 50.0, 0.8) == 26


# --- calculators --------------------------------------------------------------------------------


def test_traffic_profile_gives_its_peak_factor():
    profile = [1.0] * 23 + [4.0]
    t = estimation.traffic(86_400, 1, read_fraction=0.5, profile=profile)
    assert t.average.to("req/s").magnitude == pytest.approx(1.0)
    assert t.peak_factor == pytest.approx(4.0 / (27.0 / 24.0))
    with pytest.raises(ValueError, match="profile"):
        estimation.traffic(1, 1, profile=[1, 2])


@pytest.mark.parametrize("growth", [0.0, 0.05, 0.3])
def test_storage_matches_an_hourly_sum(growth):
    s = estimation.storage(1000, "1 MB", "200 day", replication=2, index_overhead=0.5, monthly_growth=growth,
                           hot_days="30 day", horizon_months=12)  # fmt: skip
    per_day = 1000 * 1e6 * 2 * 1.5
    for month in (3, 12):
        days = month * 365.25 / 12
        ref = naive.stored_bytes_daily(per_day, growth, 200, round(days))
        got = float(np.interp(round(days), s.months * 365.25 / 12, s.stored.to("B").magnitude))
        assert got == pytest.approx(ref, rel=2e-2)
    assert np.all(s.hot.magnitude <= s.stored.magnitude + 1e-6)


def test_units_that_do_not_fit_are_refused_by_name():
    with pytest.raises(ValueError, match="item_bytes must be an amount of data"):
        estimation.storage(10, "5 ms", "1 day")
    with pytest.raises(ValueError, match="retention_days must be a time"):
        estimation.storage(10, "5 KB", "3 MB")
    with pytest.raises(ValueError, match="load must be"):
        estimation.runway_months("100 req/s", "5 GB", 0.1)
    with pytest.raises(ValueError, match="item_bytes"):
        estimation.Design(item_bytes="2 hours")


def test_binary_and_decimal_units_differ():
    assert estimation.quantity("1 KiB").to("B").magnitude == 1024
    assert estimation.quantity("1 KB").to("B").magnitude == 1000


def test_runway_months_and_order_date():
    assert estimation.runway_months(2.0, 1.0, 0.05) == pytest.approx(math.log(2) / math.log(1.05))
    assert estimation.runway_months(1.0, 2.0, 0.05) == 0.0
    assert math.isinf(estimation.runway_months(2.0, 1.0, 0.0))
    r = estimation.runway(100.0, 50.0, 0.05, lead_time_days=90, headroom=0.2, today=dt.date(2026, 1, 1))
    months = math.log(80 / 50) / math.log(1.05)
    assert r.order_by == dt.date(2026, 1, 1) + dt.timedelta(days=months * 365.25 / 12 - 90)
    assert not r.late and estimation.runway(100.0, 90.0, 0.05, 90, 0.2, dt.date(2026, 1, 1)).late


TODAY = dt.date(2026, 1, 1)


def test_the_fleet_bought_ahead_gives_a_runway_with_a_date():
    e = estimation.estimate(today=TODAY)
    d = e.design
    peak = e.traffic.peak.to("req/s").magnitude
    ahead = peak * (1 + d.monthly_growth) ** d.buy_ahead_months
    assert e.capacity_qps * (1 - d.headroom) >= ahead  # the fleet carries the load it was bought for
    smaller = estimation.max_qps(e.fleet_instances * 4 - 4, d.service_ms, d.slo_ms, d.percentile)
    assert smaller * (1 - d.headroom) < ahead  # ... and one instance fewer would not
    assert d.buy_ahead_months <= e.runway.months_to_headroom < d.buy_ahead_months + 1
    assert not e.runway.late and e.runway.order_by > TODAY
    assert e.table().set_index("quantity").loc["order more capacity", "value"] == f"by {e.runway.order_by}"


def test_order_now_exactly_when_the_lead_time_exceeds_the_runway():
    runway_days = estimation.estimate(today=TODAY).runway.months_to_headroom * 365.25 / 12
    for lead, late in ((runway_days - 2, False), (runway_days + 2, True)):
        e = estimation.estimate(estimation.Design(lead_time_days=lead), today=TODAY)
        assert e.runway.late is late
        assert (e.table().set_index("quantity").loc["order more capacity", "value"] == "now") is late
    flat = estimation.estimate(estimation.Design(monthly_growth=0.0), today=TODAY)
    assert flat.runway.order_by is None and math.isinf(flat.runway.months_to_headroom)


# --- cost ---------------------------------------------------------------------------------------


def test_prices_is_a_fresh_copy_with_sources():
    a = estimation.prices()
    a.loc[0, "price_usd"] = 999.0
    b = estimation.prices()
    assert b.loc[0, "price_usd"] != 999.0
    assert b["source"].str.len().min() > 10 and b["as_of"].notna().all()


def test_bill_lines_agree_with_the_unit_calculators():
    d = estimation.Design(bill_month=0, monthly_growth=0.0)
    e = estimation.estimate(d)
    bill = e.bill.set_index("line")
    egress_gb = e.bandwidth.egress_month.to("GB").magnitude
    assert bill.loc["transfer out", "quantity"] == pytest.approx(egress_gb, rel=1e-9)
    peak = e.traffic.peak.to("req/s").magnitude
    workers = estimation.servers_needed(peak / (1 - d.headroom), d.service_ms, d.slo_ms, d.percentile)
    assert workers > e.sizing.needed  # the headroom is paid for
    assert bill.loc["app servers", "quantity"] == pytest.approx(
        math.ceil(workers / 4) * 730.5
    )  # m5.xlarge: 4 vCPUs
    reads_day = e.traffic.read_average.to("req/s").magnitude * 86_400
    cache = reads_day * d.cache_hot_fraction * d.cache_value_bytes * (1 + d.cache_overhead)
    assert e.cache_bytes.to("B").magnitude == pytest.approx(cache)
    nodes = math.ceil(cache / 2**30 / (16 * d.cache_usable))  # m5.xlarge: 16 GiB
    assert bill.loc["cache servers", "quantity"] == pytest.approx(nodes * 730.5)


def test_the_cache_costs_less_than_the_servers_it_relieves():
    bill = estimation.monthly_bill().set_index("line")["monthly_usd"]
    assert 0 < bill["cache servers"] < bill["app servers"]


def test_transfer_is_priced_by_tier():
    import importlib

    prices = importlib.import_module("kit.estimation.prices")
    tiers = [(10_240.0, 0.09), (51_200.0, 0.085), (math.inf, 0.05)]
    assert prices.tiers_cost(tiers, 20_000.0) == pytest.approx(10_240 * 0.09 + 9_760 * 0.085)


def test_sensitivity_is_sorted_and_moves_the_bill():
    t = estimation.sensitivity(estimation.Design(dau=1e6))
    assert t["swing"].is_monotonic_decreasing and t["swing"].iloc[0] > 0
    assert {"dau", "compute prices"} <= set(t["assumption"])


def test_purchase_options_order_on_demand_above_reserved_above_spot():
    o = estimation.purchase_options(estimation.Design(dau=1e6)).set_index("purchase")["monthly_usd"]
    assert o["on_demand"] > o["reserved_1y"] > o["spot"]


def test_latency_table_cites_every_row():
    t = estimation.LATENCY
    assert (t["latency_ns"] > 0).all() and t["source"].str.len().min() > 10
    dean = t[t["year"] == 2009].set_index("operation")["latency_ns"]
    assert dean["L1 cache reference"] == 0.5 and dean["Send packet CA->Netherlands->CA"] == 1.5e8


def test_defaults_come_from_config():
    try:
        config.ESTIMATION_DAU = 123
        assert estimation.Design().dau == 123
    finally:
        config.reset()
