"""kit.scaling's load balancer against queueing theory, the supermarket model and a plain event loop.

Tolerances are standard errors from independent replications (four of them), never fixed guesses.
"""

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, scaling, sharding
from kit.core.rng import Constant, Exponential, LogNormal, zipf_pmf

from . import naive

REPS = 8


def _close(value, theory, se, k=4.0):
    return abs(value - theory) < k * se


@pytest.mark.parametrize("rho", [0.5, 0.8, 0.9])
def test_random_balancing_is_mm1_per_server(rho):
    """Poisson splitting: each server is M/M/1, so the response is exponential with mean S / (1 - rho)."""
    r = scaling.balance("random", 10, rho, 100_000, seed=1, replications=REPS)
    assert _close(r.mean_ms, 1.0 / (1.0 - rho), r.se())
    assert _close(r.p99_ms, math.log(100) / (1.0 - rho), r.se(99.0))
    assert r.mean_ms == pytest.approx(scaling.theory_mean("random", rho), rel=0.1)


@pytest.mark.parametrize("n,rho", [(2, 0.8), (5, 0.9), (20, 0.9)])
def test_round_robin_is_gi_m_1_with_erlang_interarrivals(n, rho):
    """Every N-th arrival: Erlang-N gaps, GI/M/1 sojourn ~ Exp(mu (1 - sigma)) (Kleinrock §6.4)."""
    sigma = naive.gi_m_1_erlang_sigma(n, rho)
    r = scaling.balance("round_robin", n, rho, 100_000, seed=2, replications=REPS)
    assert _close(r.mean_ms, 1.0 / (1.0 - sigma), r.se())
    assert _close(r.p99_ms, math.log(100) / (1.0 - sigma), r.se(99.0))
    assert r.mean_ms < scaling.theory_mean("random", rho)  # regular gaps queue less than Poisson ones


@settings(max_examples=50)
@given(n=st.integers(1, 200), rho=st.floats(0.01, 0.99))
def test_erlang_root_matches_the_fixed_point_iteration(n, rho):
    assert scaling.erlang_rr_sigma(n, rho) == pytest.approx(naive.gi_m_1_erlang_sigma(n, rho), abs=1e-9)


def test_supermarket_model_reproduces_mitzenmacher():
    """T_d(0.9) = 10, 2.614, 2.028 for d = 1, 2, 3 (Mitzenmacher 2001), and s_k = lam^((d^k - 1)/(d - 1))."""
    assert [round(scaling.supermarket_mean(0.9, d), 3) for d in (1, 2, 3)] == [10.0, 2.614, 2.028]
    assert scaling.supermarket_tail(0.9, 2, 4) == pytest.approx(0.9**15)
    assert scaling.supermarket_tail(0.9, 1, 4) == pytest.approx(0.9**4)


@pytest.mark.parametrize("d", [2, 3])
def test_power_of_d_converges_to_the_supermarket_model(d):
    """Finite N sits above the mean field by O(1/N); extrapolating N = 250 and N = 1000 to N = inf must
    land on T_d(0.9) within four standard errors of the extrapolation."""
    lam = 0.9
    runs = {
        n: scaling.balance("power_of_d", n, lam, 400_000, d=d, seed=7, replications=REPS) for n in (250, 1000)
    }
    t = {n: r.mean_ms for n, r in runs.items()}
    se = {n: r.se() for n, r in runs.items()}
    limit = (1000 * t[1000] - 250 * t[250]) / 750
    limit_se = math.hypot(1000 * se[1000], 250 * se[250]) / 750
    assert _close(limit, scaling.supermarket_mean(lam, d), limit_se)
    for k in (1, 2, 3):
        share, share_se = runs[1000].at_least(k)
        bias = abs(runs[250].at_least(k)[0] - share)  # O(1/N): what remains at N = 1000 is smaller
        assert abs(share - scaling.supermarket_tail(lam, d, k)) < 4 * share_se + bias


def test_more_information_means_shorter_queues():
    """Join the shortest queue < power of two < random, for the mean and the p99."""
    runs = {p: scaling.balance(p, 20, 0.9, 100_000, seed=3, replications=REPS)
            for p in ("least_connections", "power_of_d", "random")}  # fmt: skip
    for a, b in (("least_connections", "power_of_d"), ("power_of_d", "random")):
        for q in (None, 99.0):
            va = runs[a].mean_ms if q is None else runs[a].p99_ms
            vb = runs[b].mean_ms if q is None else runs[b].p99_ms
            assert va + 4 * math.hypot(runs[a].se(q), runs[b].se(q)) < vb, (a, b, q)


def _naive_mean(policy, n, rho, reps, requests=20_000, **kwargs):
    speeds = kwargs.pop("speeds", [1.0] * n)
    lam = rho * sum(speeds) / 1e-3
    means = []
    for seed in range(reps):
        rng = random.Random(seed)
        means.append(naive.balance(policy, speeds, lam, lambda rng=rng: rng.expovariate(1e3), requests,
                                   requests // 10, rng, **kwargs))  # fmt: skip
    return 1e3 * np.mean(means), 1e3 * np.std(means, ddof=1) / math.sqrt(reps)


@pytest.mark.parametrize(
    "policy,kernel_options,naive_options",
    [
        ("least_connections", {}, {}),
        ("power_of_d", {"d": 3}, {"d": 3}),
        ("stale_least_outstanding", {"refresh_ms": 5.0}, {"refresh": 5e-3, "policy": "least_connections"}),
        ("power_of_d", {"refresh_ms": 5.0}, {"refresh": 5e-3}),
    ],
)
def test_load_aware_policies_agree_with_a_plain_event_loop(policy, kernel_options, naive_options):
    """The same model written event by event in Python: the means agree within their standard errors."""
    r = scaling.balance(policy, 6, 0.85, 20_000, seed=11, replications=REPS, **kernel_options)
    mean, se = _naive_mean(naive_options.pop("policy", policy), 6, 0.85, REPS, **naive_options)
    assert _close(r.mean_ms, mean, math.hypot(r.se(), se))


def test_consistent_hashing_agrees_with_a_plain_event_loop_and_sends_each_server_its_keys():
    alpha = 0.6
    owner = sharding.assign(np.arange(config.SCALING_KEYS), "ring", 5, vnodes=config.SCALING_VNODES)
    weights = zipf_pmf(config.SCALING_KEYS, alpha)
    r = scaling.balance("consistent_hash", 5, 0.5, 20_000, seed=4, replications=REPS, zipf_alpha=alpha)
    mean, se = _naive_mean("consistent_hash", 5, 0.5, REPS, owner=list(owner), key_weights=list(weights))
    assert _close(r.mean_ms, mean, math.hypot(r.se(), se))
    expected = np.bincount(owner, weights=weights, minlength=5)
    share = r.per_server.share.to_numpy()
    n = r.response_ms.size  # each request draws its key independently: a server's count is binomial
    assert np.all(np.abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / n))


def test_a_stale_view_herds_and_a_live_one_is_least_connections():
    live = scaling.balance("least_connections", 20, 0.9, 50_000, seed=5)
    zero = scaling.balance("stale_least_outstanding", 20, 0.9, 50_000, seed=5, refresh_ms=0.0)
    np.testing.assert_array_equal(live.response_ms, zero.response_ms)
    stale = scaling.balance("stale_least_outstanding", 20, 0.9, 50_000, seed=5, replications=REPS)
    rand = scaling.balance("random", 20, 0.9, 50_000, seed=5, replications=REPS)
    assert stale.refresh_ms == config.SCALING_REFRESH_MS
    assert stale.mean_ms > rand.mean_ms + 4 * math.hypot(stale.se(), rand.se())  # worse than random


def test_round_robin_shares_are_exact_and_weighted_round_robin_follows_speeds():
    r = scaling.balance("round_robin", 7, 0.5, 7001, seed=1)
    counts = np.bincount(r.server, minlength=7)
    assert counts.max() - counts.min() <= 1
    speeds = [1.0, 2.0, 1.0, 0.5]
    w = scaling.balance("weighted_round_robin", speeds, 0.5, 9001, seed=1)
    assert np.abs(w.per_server.share - np.array(speeds) / sum(speeds)).max() < 2 / w.response_ms.size * len(
        speeds
    )
    equal_rr = scaling.balance("round_robin", 4, 0.7, 5000, seed=9)
    equal_wrr = scaling.balance("weighted_round_robin", 4, 0.7, 5000, seed=9)
    np.testing.assert_array_equal(equal_rr.response_ms, equal_wrr.response_ms)


def test_a_slow_server_is_overloaded_by_blind_policies_and_spared_by_least_connections():
    speeds = [0.3] + [1.0] * 9  # server 0 at 30% speed; total capacity 9.3
    blind = scaling.balance("random", speeds, 0.6, 50_000, seed=2)
    aware = scaling.balance("least_connections", speeds, 0.6, 50_000, seed=2)
    # random sends server 0 a tenth of 0.6 x 9.3 = 0.558 of capacity 0.3: it is overloaded
    assert blind.per_server.utilisation[0] > 0.99
    assert aware.per_server.utilisation[0] < 0.9
    assert aware.p99_ms < blind.p99_ms / 5


def test_littles_law_ties_the_queue_lengths_to_the_response_times():
    """Time-average requests in the system = arrival rate x mean response (Little): two separate tallies."""
    r = scaling.balance(
        "power_of_d", 10, 0.8, 100_000, seed=6, replications=REPS, service_ms=LogNormal.from_median(0.5, 1.0)
    )
    in_system = (
        r.time_in_state.sum(axis=(0, 1)) * np.arange(r.time_in_state.shape[2])
    ).sum() / r.window_s.sum()
    assert in_system == pytest.approx(r.lam * r.mean_ms / 1e3, rel=0.02)
    q = r.queue_lengths()
    assert q.fraction.sum() == pytest.approx(1.0) and q.at_least[0] == pytest.approx(1.0)


def test_constant_service_and_one_server_is_the_d_over_m_over_1_by_hand():
    """One server, constant 1 ms service: the M/D/1 queue, by Pollaczek-Khinchine."""
    rho = 0.8
    r = scaling.balance("random", 1, rho, 200_000, service_ms=Constant(1.0), seed=8, replications=REPS)
    md1 = 1.0 + rho / (2 * (1 - rho))  # Pollaczek-Khinchine with zero service variance
    assert _close(r.mean_ms, md1, r.se())


def test_same_seed_same_run_whatever_the_threads():
    import numba

    a = scaling.balance("power_of_d", 8, 0.7, 20_000, seed=3, replications=4)
    numba.set_num_threads(1)
    try:
        b = scaling.balance("power_of_d", 8, 0.7, 20_000, seed=3, replications=4)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    np.testing.assert_array_equal(a.response_ms, b.response_ms)


def test_the_bimodal_service_keeps_its_mean():
    dist = scaling.bimodal(2.0, 0.1, 20.0)
    assert dist.mean == pytest.approx(2.0)
    r = scaling.balance("random", 4, 0.3, 50_000, service_ms=dist, seed=1, replications=4)
    assert r.lam == pytest.approx(0.3 * 4 / 2e-3)
    assert isinstance(
        scaling.balance("random", 2, 0.3, 100, service_ms=Exponential(1.0)).service, Exponential
    )


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(servers=2.5), "servers must be a whole count"),
        (dict(servers=[1.0, -1.0]), "speeds must be positive"),
        (dict(utilisation=0.0), "utilisation must be above 0"),
        (dict(policy="fastest"), "policy must be one of"),
        (dict(requests=10**9), "requests must be"),
        (dict(d=5000), "d must be"),
        (dict(policy="weighted_round_robin", servers=100_000, requests=10_000_000), "scans the servers"),
        (dict(servers=100_000, requests=1000, replications=1000), "SCALING_MAX_MEMORY_BYTES"),
    ],
)
def test_bad_input_is_refused_by_name(kwargs, message):
    call = dict(policy="random", servers=4, utilisation=0.5, requests=1000) | kwargs
    with pytest.raises(ValueError, match=message):
        scaling.balance(**call)


def test_sweeps_refuse_more_work_than_their_budget():
    with pytest.raises(ValueError, match="SCALING_MAX_SWEEP_REQUESTS"):
        scaling.compare(None, 10, np.linspace(0.1, 0.9, 1000), 1_000_000)
    with pytest.raises(ValueError, match="SCALING_MAX_SWEEP_REQUESTS"):
        scaling.herd(np.arange(1000.0), requests=10_000_000)
