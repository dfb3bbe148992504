import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, queueing
from kit.core.rng import Constant, Exponential
from tests import naive

SERVER = ["not_run", "queued", "in_service", "served", "aborted", "dropped"]


# --- the published checks: M/M/1 and Erlang C, within 3 standard errors over replications ---------


@pytest.mark.parametrize(
    "lam, c, customers, measures",
    [
        (0.8, 1, 100_000, {"mean_wait": 4.0, "mean_sojourn": 5.0, "utilization": 0.8, "p_wait": 0.8}),
        (2.0, 3, 50_000, {"mean_wait": 0.4444, "p_wait": 0.4444, "mean_sojourn": 1.4444}),
        (9.0, 10, 50_000, {"mean_wait": 0.6687, "p_wait": 0.6687, "utilization": 0.9}),
    ],
)
def test_mmc_reproduces_theory_within_3_standard_errors(lam, c, customers, measures):
    r = queueing.simulate_mmc(lam, 1.0, c, customers, seed=7, replications=20)
    for measure, value in measures.items():
        sim, se = getattr(r, measure), r.se(measure)
        assert 0 < se < 0.03 * value, f"{measure}: the check must be able to fail (se={se})"
        assert abs(sim - value) <= 3 * se + 5e-5, f"{measure}: {sim} vs {value} (se {se})"
        assert abs(r.z(measure)) < 3


def test_an_overloaded_queue_is_not_compared_with_a_steady_state():
    r = queueing.simulate_mmc(1.2, 1.0, 1, 1000, seed=1, replications=2)
    assert r.theory is None and r.mean_wait > 10
    with pytest.raises(ValueError, match="no steady state"):
        r.z("mean_wait")


def test_replications_do_not_depend_on_the_thread_count():
    import numba

    a = queueing.simulate_mmc(0.9, 1.0, 2, 5000, seed=3, replications=6).per_replication
    numba.set_num_threads(1)
    try:
        b = queueing.simulate_mmc(0.9, 1.0, 2, 5000, seed=3, replications=6).per_replication
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert np.array_equal(a, b)


def test_wait_distribution_follows_erlang_c():
    """P(W > t) = C exp(-(c mu - lam) t) at several t, within 4 standard errors."""
    lam, mu, c = 180.0, 100.0, 2
    r = queueing.simulate(queueing.Poisson(lam), Exponential(1 / mu), c, customers=200_000, seed=5)
    wait = r.wait_s[r.arrive_s > 10.0]
    th = queueing.mmc(lam, mu, c)
    for t in (0.0, 0.01, 0.03, 0.06):
        frac = np.mean(wait > t)
        # waits are correlated: allow for it with a generous effective sample size
        se = math.sqrt(frac * (1 - frac) / (wait.size / 50))
        assert abs(frac - float(th.p_wait_longer(t))) < 4 * se


# --- the kernel against slow, obvious references, on the same inputs ----------------------------


def test_fifo_c_servers_match_the_earliest_free_server_rule():
    rng = np.random.default_rng(1)
    arrivals = np.sort(rng.uniform(0, 100, 400))
    r = queueing.simulate(queueing.Trace(arrivals), Constant(0.77), 3, seed=1)
    expected = naive.fifo_starts(arrivals.tolist(), [0.77] * arrivals.size, 3)
    assert np.allclose(r.start_s, expected)
    assert np.allclose(r.done_s - r.start_s, 0.77)


def _compare(trace, classes, service, c, **kw):
    retry = kw.pop("retry", None)
    budget = kw.pop("budget", None)
    cap = kw.pop("queue_cap", None)
    r = queueing.simulate(
        [queueing.Trace(trace[classes == k]) for k in range(len(service))],
        [Constant(s) for s in service],
        c,
        queue_capacity=cap,
        retry=queueing.Retry(
            retry or 0,
            "constant",
            base_s=0.123,
            budget_ratio=budget[0] if budget else None,
            budget_cap=budget[1] if budget else 10.0,
        ),
        seed=0,
        **kw,
    )
    ref = naive.station(
        trace.tolist(),
        classes.tolist(),
        service,
        c,
        discipline=kw.get("discipline", "fifo"),
        queue_cap=cap,
        timeout=kw.get("timeout_s") or math.inf,
        cancel=kw.get("cancel", "none"),
        max_retries=retry or 0,
        backoff_s=0.123,
        budget=budget,
    )
    assert r.attempts == len(ref)
    for name, col in (("arrive", r.arrive_s), ("start", r.start_s), ("done", r.done_s), ("reply", r.reply_s)):
        assert np.allclose(col, [row[name] for row in ref], equal_nan=True), name
    assert [queueing.STATUS[s] for s in r.status] == [row["status"] for row in ref]
    assert [SERVER[s] for s in r.server] == [row["server"] for row in ref]
    assert r.attempt.tolist() == [row["attempt"] for row in ref]
    assert r.first.tolist() == [row["first"] for row in ref]


configs = st.fixed_dictionaries(
    {
        "c": st.integers(1, 4),
        "discipline": st.sampled_from(["fifo", "lifo", "priority"]),
        "timeout_s": st.sampled_from([None, 0.9, 2.5]),
        "cancel": st.sampled_from(["none", "queued", "all"]),
        "retry": st.integers(0, 3),
        "budget": st.sampled_from([None, (0.5, 2.0)]),
        "queue_cap": st.sampled_from([None, 0, 3]),
        "n": st.integers(1, 150),
        "seed": st.integers(0, 2**32 - 1),
    }
)


@given(configs)
@settings(max_examples=60, deadline=None)
def test_station_matches_the_python_event_loop(cfg):
    """Timeouts, cancellation, retries, budgets, rejections and every discipline, attempt by attempt."""
    rng = np.random.default_rng(cfg["seed"])
    trace = np.sort(rng.uniform(0, 30, cfg["n"]))
    classes = rng.integers(0, 2, cfg["n"])
    _compare(
        trace,
        classes,
        [float(rng.uniform(0.2, 1.3)), float(rng.uniform(0.2, 1.3))],
        cfg["c"],
        discipline=cfg["discipline"],
        timeout_s=cfg["timeout_s"],
        cancel=cfg["cancel"],
        retry=cfg["retry"],
        budget=cfg["budget"],
        queue_cap=cfg["queue_cap"],
    )


# --- arrivals ------------------------------------------------------------------------------------


def test_a_scheduled_spike_changes_the_rate_for_its_window():
    r = queueing.simulate(
        queueing.Poisson(50.0, spikes=[(20.0, 10.0, 200.0)]), Constant(0.001), 4, horizon_s=60.0
    )
    for lo, hi, rate in ((0, 20, 50), (20, 30, 200), (30, 60, 50)):
        n = np.count_nonzero((r.arrive_s >= lo) & (r.arrive_s < hi))
        expected = rate * (hi - lo)
        assert abs(n - expected) < 4 * math.sqrt(expected)


def test_bursts_arrive_together():
    r = queueing.simulate(
        queueing.Poisson(10.0, batch=Constant(5.0)), Constant(0.001), 50, horizon_s=100.0, seed=2
    )
    _, counts = np.unique(r.arrive_s, return_counts=True)
    assert np.all(counts == 5)
    assert abs(counts.size - 1000) < 4 * math.sqrt(1000)


def test_closed_loop_clients_obey_the_response_time_law():
    """N clients, think Z, one server of service S (all constant): X = min(1/S, N/(S+Z))."""
    for clients, expected in ((2, 2 / 1.0), (20, 1 / 0.1)):
        r = queueing.simulate(queueing.ClosedLoop(clients, Constant(0.9)), Constant(0.1), 1, horizon_s=500.0)
        done = np.count_nonzero(r.status == queueing.OK)
        assert done / 500.0 == pytest.approx(expected, rel=0.01)
        # N = X (R + Z): Little's law for the whole loop
        response = np.nanmean(r.response_s)
        assert clients == pytest.approx(done / 500.0 * (response + 0.9), rel=0.02)


def test_customers_bound_a_run_that_then_drains():
    r = queueing.simulate(queueing.Poisson(5.0), Exponential(0.1), customers=777, seed=4)
    assert r.attempts == 777 and np.all(r.status == queueing.OK)
    assert not r.truncated and r.samples.shape[0] == 0


# --- faults, breakers, bounds ----------------------------------------------------------------


def test_degradation_slows_and_fails_only_its_window_and_class():
    r = queueing.simulate(
        [queueing.Poisson(20.0), queueing.Poisson(20.0)],
        Constant(0.01),
        50,
        degradations=[queueing.Degradation(10.0, 20.0, slowdown=3.0, error_p=0.4, classes=[1])],
        horizon_s=30.0,
        seed=3,
    )
    service = r.done_s - r.start_s
    inside = (r.start_s >= 10) & (r.start_s < 20)
    assert np.allclose(service[inside & (r.cls == 1)], 0.03)
    assert np.allclose(service[~inside | (r.cls == 0)], 0.01)
    errors = r.status[inside & (r.cls == 1)] == queueing.ERROR
    assert abs(errors.mean() - 0.4) < 4 * math.sqrt(0.24 / errors.size)
    assert not np.any(r.status[~inside | (r.cls == 0)] == queueing.ERROR)


def test_a_breaker_fails_fast_while_the_dependency_fails():
    breaker = queueing.Breaker(
        failure_rate=0.5, window=20, minimum_calls=20, wait_open_s=5.0, half_open_calls=3
    )
    r = queueing.simulate(
        queueing.Poisson(50.0),
        Exponential(0.01),
        4,
        breaker=breaker,
        degradations=[queueing.Degradation(10.0, 40.0, error_p=1.0)],
        horizon_s=60.0,
        sample_s=0.5,
        seed=1,
    )
    fast = r.status == queueing.SHORT_CIRCUITED
    assert fast[(r.arrive_s > 12) & (r.arrive_s < 40)].mean() > 0.9
    assert not fast[r.arrive_s < 10].any() and not fast[r.arrive_s > 46].any()
    # while open, only HALF_OPEN probes reach the dependency: 3 every 5 s, and they fail
    probes = (r.arrive_s > 12) & (r.arrive_s < 40) & (r.status == queueing.ERROR)
    assert 3 <= np.count_nonzero(probes) <= 3 * (28 // 5 + 1)
    assert set(r.timeline(1.0).breaker.dropna().astype(int)) >= {0, 1}


def test_max_events_cuts_a_run_short_and_says_so():
    r = queueing.simulate(
        queueing.Poisson(100.0), Exponential(0.02), horizon_s=1000.0, max_events=500, seed=1
    )
    assert r.truncated and r.events == 500 and np.isnan(r.samples[-1]).all()


def test_same_seed_same_run():
    def run():
        retry = queueing.Retry(2, "full_jitter", 0.01, 1.0)
        return queueing.simulate(
            queueing.Poisson(90.0), Exponential(0.01), timeout_s=0.2, retry=retry, horizon_s=30.0, seed=11
        )

    a, b = run(), run()
    assert np.array_equal(a.times, b.times, equal_nan=True) and np.array_equal(a.info, b.info)


def test_requests_timeline_and_class_views_agree():
    r = queueing.simulate(
        [queueing.Poisson(40.0), queueing.Poisson(30.0)],
        Exponential(0.02),
        timeout_s=0.1,
        retry=queueing.Retry(1),
        horizon_s=50.0,
        seed=8,
    )
    req = r.requests()
    assert len(req) == np.count_nonzero(r.attempt == 0)
    assert req.attempts.max() <= 2 and set(req.status) <= {"ok", "timeout", "pending"}
    tl = r.timeline(1.0)
    assert tl.offered.sum() == pytest.approx(np.count_nonzero(r.arrive_s < 50.0))
    a, b = r.for_class(0), r.for_class(1)
    assert a.attempts + b.attempts == r.attempts
    assert len(a.requests()) + len(b.requests()) == len(req)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: queueing.simulate(queueing.Poisson(1.0), Exponential(1.0)), "customers or horizon_s"),
        (lambda: queueing.simulate(queueing.Poisson(-1.0), Exponential(1.0)), "rate must be"),
        (lambda: queueing.simulate("poisson", Exponential(1.0), horizon_s=1), "arrivals must be"),
        (lambda: queueing.simulate(queueing.Poisson(1.0), 0.5, horizon_s=1), "service must be"),
        (
            lambda: queueing.simulate(queueing.Poisson(1.0), [Exponential(1.0)] * 2, horizon_s=1),
            "one distribution per class",
        ),
        (lambda: queueing.simulate(queueing.Poisson(1.0), Exponential(1.0), 0, horizon_s=1), "c must be"),
        (
            lambda: queueing.simulate(
                queueing.Poisson(1.0), Exponential(1.0), discipline="random", horizon_s=1
            ),
            "discipline must be one of",
        ),
        (
            lambda: queueing.simulate(queueing.Poisson(1.0), Exponential(1.0), cancel="yes", horizon_s=1),
            "cancel must be one of",
        ),
        (
            lambda: queueing.simulate(queueing.Poisson(1.0), Exponential(1.0), timeout_s=0, horizon_s=1),
            "timeout_s",
        ),
        (lambda: queueing.Retry(max_retries=-1), "max_retries must be"),
        (lambda: queueing.Retry(backoff="linear"), "backoff must be one of"),
        (lambda: queueing.Degradation(5.0, 2.0), "end_s must be after start_s"),
        (lambda: queueing.Trace([-1.0]), "times_s must be finite and non-negative"),
        (lambda: queueing.ClosedLoop(0, Constant(1.0)), "clients must be"),
        (lambda: queueing.simulate_mmc(1.0, 1.0, 1, 1), "customers must be"),
        (lambda: queueing.simulate_mmc(1.0, 1.0, 1, 100, replications=0), "replications must be"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_defaults_are_read_from_config_at_call_time():
    config.QUEUEING_REPLICATIONS = 3
    try:
        assert queueing.simulate_mmc(0.5, 1.0, 1, 200, seed=1).replications == 3
    finally:
        config.reset()
    assert queueing.simulate_mmc(0.5, 1.0, 1, 200, seed=1).replications == config.QUEUEING_REPLICATIONS


def test_a_truncated_run_does_not_report_on_what_it_did_not_simulate():
    r = queueing.simulate(
        queueing.Poisson(100.0), Exponential(0.02), horizon_s=1000.0, max_events=500, seed=1
    )
    assert r.truncated and r.end_s < 10.0
    with pytest.raises(ValueError, match="past the end of a truncated run"):
        r.summary(0.0, 1000.0)
    assert r.summary()["requests"] == r.summary(0.0, r.end_s)["requests"] > 0  # what it covers
    assert r.timeline().t_s.iloc[-1] < r.end_s  # the bins stop where the run stopped


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: queueing.simulate_mmc(0.5, 1.0, 1, 10**8),
            "customers=100000000, replications=20 mean about",
        ),
        (
            lambda: queueing.simulate(queueing.Poisson(1e6), Exponential(1e-7), horizon_s=1e4),
            r"horizon_s=10000 means about 2e\+10 events: more than config.QUEUEING_MAX_EVENTS",
        ),
        (
            lambda: queueing.simulate(queueing.Poisson(1.0), Exponential(0.1), customers=10**12),
            "customers=1000000000000 means about",
        ),
        (
            lambda: queueing.simulate(queueing.Poisson(1.0), Exponential(0.1), horizon_s=1e6, sample_s=1e-3),
            "sample_s=0.001 makes 1,000,000,001 samples",
        ),
        (
            lambda: queueing.simulate(
                queueing.Poisson(1.0), Exponential(0.1), horizon_s=10.0, max_events=10**12
            ),
            "max_events must be an integer between 1 and",
        ),
        (
            lambda: queueing.simulate(queueing.ClosedLoop(2, Constant(0.0)), Constant(0.0), horizon_s=1.0),
            "customers must be given",
        ),
        (
            lambda: queueing.simulate(queueing.Poisson(1.0), Exponential(0.1), horizon_s=10.0).timeline(1e-9),
            "bin_s=1e-09 makes",
        ),
        (lambda: queueing.Poisson(1.0, spikes=5), "spikes must be"),
        (lambda: queueing.Trace(["a"]), "times_s must be an array of numbers"),
        (lambda: queueing.check_size(float("nan"), 1.0, horizon_s=1.0), "events must be"),
    ],
)
def test_work_beyond_the_limits_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_an_overloaded_queue_grows_as_the_fluid_limit_says():
    """lam = 120/s into 100/s: no steady state; the queue gains about lam - c mu = 20 a second."""
    r = queueing.simulate(queueing.Poisson(120.0), Exponential(0.01), horizon_s=500.0, seed=4)
    waiting = r.state().waiting.to_numpy()
    t = r.state().t_s.to_numpy()
    slope = np.polyfit(t[t > 100], waiting[t > 100], 1)[0]
    assert slope == pytest.approx(queueing.overload_growth(120.0, 100.0, 1), rel=0.1)
    assert queueing.overload_growth(80.0, 100.0, 1) == 0.0
