import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, fanout
from kit.core.rng import Constant, Exponential, Mixture, Uniform
from kit.fanout import _kernels as kk
from tests import naive


def test_dean_barroso_example():
    """CACM 2013: p = 1%, k = 100 -> 63% of requests are slow."""
    assert float(fanout.p_slow(100, 0.01)) == pytest.approx(0.634, abs=0.0005)


@pytest.mark.parametrize("k, p", [(1, 0.01), (10, 0.05), (100, 0.01), (400, 0.002), (50, 0.0)])
def test_monte_carlo_agrees_with_formula(k, p):
    server = fanout.server_latency(p=p)
    r = fanout.simulate([k], server, trials=40_000, seed=11)
    frac, se = r.p_slower_than(1000.0)
    theory = float(fanout.theory_p_slower(k, server, 1000.0))
    assert abs(frac[0] - theory) <= 4 * max(se[0], 1 / r.trials)


def test_percentile_agrees_with_order_statistic_formula():
    server = Exponential(10.0)  # max of k exponentials: quantile = -10 ln(1 - q^(1/k))
    r = fanout.simulate([1, 5, 50], server, trials=100_000, seed=2)
    for q in (50, 90, 99):
        exact = -10.0 * np.log1p(-((q / 100) ** (1 / np.array([1, 5, 50]))))
        assert np.allclose(r.percentile(q), exact, rtol=0.03)
        assert np.allclose(fanout.theory_percentile([1, 5, 50], server, q), exact, rtol=1e-9)


def test_kernel_matches_naive_reference_on_the_same_draws():
    """The running maximum over k equals max(draws[:k]) for every k."""
    ks = np.array([1, 2, 7, 30], dtype=np.int64)
    spec = Uniform(0.0, 1.0).spec
    seeds = np.array([123], dtype=np.uint32)
    got = kk.fanout_max(spec, ks, 5, seeds)
    draws = Uniform(0.0, 1.0).sample(5 * 30, seed=123).reshape(5, 30).tolist()
    assert np.allclose(got, naive.fanout_max(draws, ks.tolist()))


def test_result_does_not_depend_on_thread_count():
    import numba

    a = fanout.simulate([1, 10, 100], trials=3000, seed=9).latency_ms
    numba.set_num_threads(1)
    try:
        b = fanout.simulate([1, 10, 100], trials=3000, seed=9).latency_ms
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert np.array_equal(a, b)


@given(st.lists(st.integers(1, 300), min_size=1, max_size=6), st.integers(1, 600), st.integers(0, 2**32 - 1))
@settings(max_examples=25)
def test_request_latency_never_decreases_with_fanout(ks, trials, seed):
    r = fanout.simulate(ks, trials=trials, seed=seed)
    assert r.latency_ms.shape == (trials, len(set(ks)))
    assert np.all(np.diff(r.latency_ms, axis=1) >= 0)
    assert np.all(r.latency_ms > 0)


def test_constant_servers_give_constant_requests():
    r = fanout.simulate([1, 64], Mixture([(1.0, Constant(7.0))]), trials=100, seed=1)
    assert np.all(r.latency_ms == 7.0)


def test_p_slow_mc_returns_a_sweepable_row():
    row = fanout.p_slow_mc(100, 0.01, trials=20_000, seed=4)
    assert set(row) == {"mc", "se", "theory"}
    assert abs(row["mc"] - row["theory"]) < 4 * row["se"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: fanout.simulate([0]), "ks must be between 1 and 10000"),
        (lambda: fanout.simulate([1.5]), "ks must be integers"),
        (lambda: fanout.simulate([1], trials=0), "trials must be an integer"),
        (lambda: fanout.simulate([1], server=3.0), "server must be a kit distribution"),
        (lambda: fanout.server_latency(p=1.5), "p must be between 0 and 1"),
        (lambda: fanout.server_latency(slow_ms=5), "slow_ms must exceed fast_median_ms"),
        (lambda: fanout.p_slow(0, 0.1), "k must be between"),
        (lambda: fanout.p_slow(3, -0.1), "p must be between"),
        (lambda: fanout.simulate([3]).percentile(101), "q must be between 0 and 100"),
        (lambda: fanout.p_slow(2.5, 0.01), r"k must be whole numbers of servers \(got k=2.5\)"),
        (lambda: fanout.p_slow(True, 0.01), "k must be whole numbers of servers"),
        (lambda: fanout.p_slow(np.nan, 0.01), "k must be whole numbers of servers"),
        (lambda: fanout.p_slow(3, "x"), "p must be a probability"),
        (lambda: fanout.p_slow(3, np.nan), "p must be between"),
        (lambda: fanout.simulate([10_001]), "ks must be between 1 and 10000"),
        (lambda: fanout.simulate([1], trials=-5), "trials must be an integer"),
        (lambda: fanout.simulate([1], seed=-1), "seed must be an integer"),
        (lambda: fanout.server_latency(fast_sigma=0), "fast_sigma must be a positive number"),
        (lambda: fanout.k_grid(0), "k_max must be an integer between 1 and 10000"),
        (lambda: fanout.k_grid(10, extra=[1.5]), "extra must be whole numbers"),
        (lambda: fanout.max_fanout(0.0, 0.5), "p must be above 0"),
        (lambda: fanout.max_fanout(0.01, 1.0), "target must be below 1"),
        (lambda: fanout.span(0), "k must be an integer between 1 and 10000"),
        (lambda: fanout.simulate_span(100, draws=10), "draws must be an integer"),
        (lambda: fanout.theory_percentile([1], fanout.server_latency(), [50, 101]), "q must be between"),
        (lambda: fanout.theory_p_slower([1], "server", 1.0), "server must be a kit distribution"),
        (lambda: fanout.simulate([1]).p_slower_than(float("nan")), "threshold_ms must be a number"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(ks=[10_000], trials=10**6), r"trials x max\(ks\) = 1,000,000 x 10,000 = 1e\+10 server draws"),
        (
            dict(ks=list(range(1, 2001)), trials=50_000),
            r"trials x len\(ks\) = 50,000 x 2,000 latencies need 800 MB",
        ),
    ],
)
def test_work_and_memory_are_estimated_and_refused_beyond_the_limits(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fanout.simulate(**kwargs)


def test_the_limits_come_from_config():
    config.FANOUT_MAX_DRAWS = 1000
    try:
        with pytest.raises(ValueError, match="FANOUT_MAX_DRAWS = 1e\\+03"):
            fanout.simulate([100], trials=11)
        assert fanout.simulate([100], trials=10).trials == 10
    finally:
        config.reset()


def test_p_slow_takes_whole_floats_and_arrays():
    assert float(fanout.p_slow(100.0, 0.01)) == float(fanout.p_slow(100, 0.01))
    got = fanout.p_slow(np.array([1, 10, 100]), np.array([[0.01], [0.1]]))
    assert got.shape == (2, 3) and np.allclose(got[1], 1 - 0.9 ** np.array([1, 10, 100]))


@pytest.mark.parametrize("k, p", [(10, 0.01), (100, 0.01), (50, 0.001)])
def test_the_kp_shortcut_holds_only_for_small_kp(k, p):
    """Dean & Barroso's amplification: 1 - (1 - p)^k is near kp only while kp is small."""
    truth = float(fanout.p_slow(k, p))
    assert truth < k * p  # 1 - (1 - p)^k < kp for k >= 2, p > 0 (Bernoulli's inequality)
    if k * p <= 0.1:
        assert truth == pytest.approx(k * p, rel=0.06)
    else:
        assert truth == pytest.approx(0.634, abs=5e-4) and k * p == 1


@pytest.mark.parametrize(
    "p, target", [(0.01, 0.5), (0.001, 0.1), (0.2, 0.9), (0.5, 0.5), (0.3, 0.01), (1.0, 0.5)]
)
def test_max_fanout_is_the_widest_k_within_the_target(p, target):
    k = fanout.max_fanout(p, target)
    assert k == max((n for n in range(0, 5000) if n == 0 or fanout.p_slow(n, p) <= target), default=0)


def test_max_fanout_of_the_exercise():
    assert fanout.max_fanout(0.01, 0.5) == 68


def test_span_groups_nearby_fanouts_and_simulate_span_keeps_its_draw_budget():
    assert [fanout.span(k) for k in (1, 200, 201, 500, 501, 1000, 9999)] == [
        200,
        200,
        500,
        500,
        1000,
        1000,
        10_000,
    ]
    r = fanout.simulate_span(700, draws=200_000, seed=1)
    assert r.ks[-1] == 1000 and r.trials == 200
    assert fanout.simulate_span(50, seed=1).trials == min(
        config.FANOUT_TRIALS, config.FANOUT_APP_DRAWS // 200
    )


def test_theory_percentile_takes_several_percentiles_at_once():
    server = Exponential(10.0)
    both = fanout.theory_percentile([1, 5, 50], server, [50, 99])
    assert both.shape == (2, 3)
    assert np.allclose(both[1], fanout.theory_percentile([1, 5, 50], server, 99))


def test_docstring_examples_run():
    import doctest

    from kit.fanout import api

    result = doctest.testmod(api, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0
