import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import fanout
from kit.core.rng import Constant, Exponential, Mixture, Uniform
from kit.fanout import _kernels
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
    got = _kernels.fanout_max(spec, ks, 5, seeds)
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
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
