"""kit.scaling's read replicas and session placement against closed forms and a plain reference."""

import math
import random

import numpy as np
import pytest

from kit import config, scaling
from kit.core.rng import Constant, Exponential, LogNormal, zipf_pmf

from . import naive

SEEDS = range(8)


def _replicated(measure, **kwargs):
    """Mean of ``measure`` over independent runs and its standard error (runs, not reads, are independent)."""
    values = np.array([getattr(scaling.read_replicas(seed=s, **kwargs), measure) for s in SEEDS])
    return values.mean(), values.std(ddof=1) / math.sqrt(values.size)


@pytest.mark.parametrize("lag_ms,alpha", [(10.0, 0.0), (50.0, 0.99), (200.0, 0.6)])
def test_stale_reads_with_a_constant_lag_match_the_poisson_formula(lag_ms, alpha):
    """A read of key x is stale when a write to x committed in the last L: sum p_x (1 - exp(-w p_x L))."""
    mean, se = _replicated("stale", replicas=3, lag_ms=Constant(lag_ms), zipf_alpha=alpha, duration_s=10.0)
    assert abs(mean - scaling.stale_theory(lag_ms, config.SCALING_WRITE_RATE, alpha)) < 4 * se


@pytest.mark.parametrize("window_ms", [0.0, 20.0, 60.0])
def test_own_write_misses_and_the_primary_share_match_the_closed_form(window_ms):
    """Constant lag L, exponential read-back gap G: a miss is window <= G < L; the primary gets G < window."""
    lag, gap = 50.0, 100.0
    kwargs = dict(
        replicas=2, lag_ms=Constant(lag), gap_ms=gap, window_ms=window_ms, duration_s=10.0, read_rate=0.0
    )
    missed, se = _replicated("own_missed", **kwargs)
    theory = max(math.exp(-window_ms / gap) - math.exp(-lag / gap), 0.0)
    assert abs(missed - theory) < 4 * se + 1e-12
    share, share_se = _replicated("primary_share", **kwargs)
    assert abs(share - (1.0 - math.exp(-window_ms / gap))) < 4 * share_se + 1e-12


def test_in_order_replay_agrees_with_a_plain_reference_for_random_lags():
    """Log-normal lags replayed in commit order: kit and a plain Python replica agree in distribution."""
    lag = LogNormal.from_median(20.0, 1.0)
    kit_stale, kit_se = _replicated("stale", replicas=2, lag_ms=lag, duration_s=5.0, read_rate=2000.0)
    kit_own, kit_own_se = _replicated("own_missed", replicas=2, lag_ms=lag, duration_s=5.0, read_rate=2000.0)
    weights = list(zipf_pmf(config.SCALING_KEYS, config.SCALING_ZIPF_ALPHA))
    ref = []
    for seed in SEEDS:
        rng = random.Random(seed)
        ref.append(
            naive.replica_reads(
                2,
                config.SCALING_WRITE_RATE,
                2000.0,
                lambda rng=rng: rng.lognormvariate(lag.mu, lag.sigma) / 1e3,
                lambda rng=rng: rng.expovariate(1e3 / config.SCALING_GAP_MS),
                0.0,
                5.0,
                0.5,
                rng,
                weights,
            )
        )
    ref = np.array(ref)
    ref_se = ref.std(axis=0, ddof=1) / math.sqrt(len(SEEDS))
    assert abs(kit_stale - ref[:, 0].mean()) < 4 * math.hypot(kit_se, ref_se[0])
    assert abs(kit_own - ref[:, 1].mean()) < 4 * math.hypot(kit_own_se, ref_se[1])


def test_replaying_in_order_is_staler_than_independent_lags():
    """Waiting behind a slower earlier write makes a heavy-tailed lag worse than its own distribution says."""
    lag = LogNormal.from_median(20.0, 1.5)
    missed, se = _replicated("own_missed", replicas=2, lag_ms=lag, read_rate=0.0, duration_s=10.0)
    gap = Exponential(config.SCALING_GAP_MS)
    g = gap.sample(200_000, seed=1)
    independent = float(np.mean(lag.sample(200_000, seed=2) > g))  # P(L > G) with L, G independent
    assert missed > independent + 4 * se


def test_no_replica_means_no_staleness_and_the_primary_serves_everything():
    r = scaling.read_replicas(0, duration_s=2.0, seed=1)
    assert r.stale == 0.0 and r.own_missed == 0.0 and r.primary_share == 1.0
    assert r.read_capacity == config.SCALING_NODE_OPS - config.SCALING_WRITE_RATE


def test_read_capacity_is_limited_by_the_busiest_node():
    assert scaling.read_capacity(4, 1000.0, 100.0) == 3600.0
    assert scaling.read_capacity(4, 1000.0, 100.0, 0.5) == pytest.approx(900.0 * 2)  # the primary: 900 / 0.5
    assert scaling.read_capacity(4, 1000.0, 100.0, 0.1) == pytest.approx(900.0 * 4 / 0.9)  # replicas
    assert scaling.read_capacity(2, 100.0, 150.0) == 0.0


@pytest.mark.parametrize("nodes", [2, 5, 16])
def test_session_losses_match_their_counting_arguments(nodes):
    m = 50_000
    t = scaling.session_failover(nodes, m, seed=3).set_index("placement")
    for placement in scaling.PLACEMENTS:
        p = t.theory[placement]
        se = math.sqrt(p * (1 - p) / m) if 0 < p < 1 else 0.0  # users hash independently: binomial
        assert abs(t.lost[placement] - p) <= 4 * se, placement
    assert t.extra_ms["shared_store"] == config.SCALING_SESSION_STORE_MS


def test_replica_work_is_bounded():
    with pytest.raises(ValueError, match="SCALING_MAX_REPLICA_OPS"):
        scaling.read_replicas(10, duration_s=1e6)
    with pytest.raises(ValueError, match="SCALING_MAX_SWEEP_REPLICA_OPS"):
        scaling.replica_sweep(range(1000), [0.0], duration_s=100.0)
