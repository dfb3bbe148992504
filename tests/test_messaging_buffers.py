"""Buffers and spikes: M/M/1/K and M/M/c/K against their chain, the simulator against both, Little's law."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit import messaging

from . import naive


@given(
    lam=st.floats(0.05, 20.0),
    mu=st.floats(0.05, 20.0),
    K=st.integers(1, 60),
)
def test_loss_probability_is_the_chains_probability_of_a_full_system(lam, mu, K):
    loss, _ = naive.mmck_ctmc(lam, mu, 1, K)
    assert messaging.loss_probability(lam, mu, K) == pytest.approx(loss, rel=1e-6, abs=1e-12)


def test_loss_probability_at_rho_one_and_far_beyond():
    assert messaging.loss_probability(3.0, 3.0, 9) == pytest.approx(0.1)
    assert messaging.loss_probability(3.0, 3.0 * (1 + 1e-12), 9) == pytest.approx(0.1, rel=1e-6)
    # rho = 2: the system is nearly always full, losing 1 - 1/rho of arrivals; no overflow at huge K
    assert messaging.loss_probability(2.0, 1.0, 1_000_000) == pytest.approx(0.5)
    assert messaging.loss_probability(1.0, 2.0, 1_000_000) == 0.0


@given(
    lam=st.floats(0.1, 30.0),
    mu=st.floats(0.1, 10.0),
    c=st.integers(1, 6),
    extra=st.integers(0, 40),
)
def test_mmck_matches_the_chain(lam, mu, c, extra):
    K = c + extra
    loss, L = naive.mmck_ctmc(lam, mu, c, K)
    t = messaging.mmck(lam, mu, c, K)
    assert t.loss == pytest.approx(loss, rel=1e-6, abs=1e-12)
    assert t.L == pytest.approx(L, rel=1e-6, abs=1e-9)
    assert t.throughput == pytest.approx(lam * (1 - loss), rel=1e-9)
    assert t.Lq <= t.L and t.Wq >= -1e-12


def test_mmck_with_one_consumer_is_the_closed_form():
    for lam, mu, K in [(80.0, 100.0, 10), (120.0, 100.0, 5), (1.0, 1.0, 7)]:
        assert messaging.mmck(lam, mu, 1, K).loss == pytest.approx(messaging.loss_probability(lam, mu, K))


def _replicated(lam, mu, c, K, policy="drop_newest", seeds=8, n=40_000):
    runs = [messaging.simulate_buffer(lam, mu, K, n, c, seed=s, policy=policy) for s in range(seeds)]
    loss = np.array([r.loss_fraction for r in runs])
    wait = np.array([r.mean_wait for r in runs])
    return loss, wait


@pytest.mark.parametrize(
    ("lam", "mu", "c", "K"), [(80.0, 100.0, 1, 10), (100.0, 100.0, 1, 8), (9.0, 1.0, 10, 14)]
)
def test_simulated_loss_and_wait_agree_with_mmck(lam, mu, c, K):
    """Across independent replications: within 4 standard errors of M/M/c/K (loss and mean wait)."""
    theory = messaging.mmck(lam, mu, c, K)
    loss, wait = _replicated(lam, mu, c, K)
    se = loss.std(ddof=1) / math.sqrt(loss.size)
    assert abs(loss.mean() - theory.loss) < 4 * se + 1e-4
    se = wait.std(ddof=1) / math.sqrt(wait.size)
    assert abs(wait.mean() - theory.Wq) < 4 * se + 1e-6


POLICIES = st.sampled_from(list(messaging.POLICIES))


@given(
    policy=POLICIES,
    lam=st.floats(5.0, 300.0),
    c=st.integers(1, 3),
    K=st.integers(3, 40),
    spike=st.floats(0.0, 600.0),
    burst=st.floats(1.0, 4.0),
    seed=st.integers(0, 1000),
)
def test_littles_law_holds_on_every_run(policy, lam, c, K, spike, burst, seed):
    """L from the broker's state over time equals lambda W from each message's own timestamps."""
    r = messaging.simulate_buffer(
        lam, 100.0, K, 2000, c, seed=seed, policy=policy, spikes=[(2.0, 3.0, spike)], burst=burst
    )
    little = r.little
    assert little["L"] == pytest.approx(little["lam"] * little["W"], rel=1e-9, abs=1e-12)
    assert (r.fate != 0).all(), "every message was delivered or dropped"
    if policy in ("block", "unbounded", "credit"):
        assert r.loss_fraction == 0.0
    if policy in ("block", "credit", "drop_newest", "drop_oldest"):
        assert r.max_backlog <= K


def test_drop_oldest_loses_as_many_as_drop_newest_but_serves_fresher_messages():
    """The number in the system evolves identically (same draws): same losses, other victims."""
    newest = messaging.simulate_buffer(95.0, 100.0, 10, 50_000, seed=3, policy="drop_newest")
    oldest = messaging.simulate_buffer(95.0, 100.0, 10, 50_000, seed=3, policy="drop_oldest")
    assert newest.loss_fraction == oldest.loss_fraction > 0.01
    assert oldest.mean_wait < newest.mean_wait


def test_unbounded_holds_the_spike_and_blocking_pushes_it_into_the_producers():
    spikes = [(20.0, 10.0, 300.0)]
    runs = messaging.compare_backpressure(80.0, 100.0, 20, 12_000, seed=1, spikes=spikes)
    assert runs["unbounded"].max_backlog > 1000
    assert runs["block"].max_backlog <= 20 and runs["block"].timeline.upstream.max() > 1000
    assert runs["block"].p99_block > 5.0 and runs["drop_newest"].p99_block == 0.0
    assert runs["drop_newest"].loss_fraction > 0.1 and runs["unbounded"].loss_fraction == 0.0


def test_drain_time_is_the_fluid_backlog_over_the_spare_capacity():
    """A 10 s spike at 2,000/s over 1,000/s of capacity leaves ~10,000 messages; 200/s spare drains them."""
    r = messaging.simulate_buffer(
        800.0, 1000.0, 10**6, 120_000, seed=2, policy="unbounded", spikes=[(20.0, 10.0, 2000.0)]
    )
    backlog_at_end = (2000.0 - 1000.0) * 10.0
    assert r.drain_s == pytest.approx(backlog_at_end / (1000.0 - 800.0), rel=0.15)


def test_bad_inputs_are_refused_by_name():
    with pytest.raises(ValueError, match="capacity"):
        messaging.simulate_buffer(1.0, 1.0, 1, 10, consumers=2)
    with pytest.raises(ValueError, match="policy"):
        messaging.simulate_buffer(1.0, 1.0, 1, 10, policy="drop_middle")
    with pytest.raises(ValueError, match="spikes"):
        messaging.simulate_buffer(1.0, 1.0, 1, 10, spikes=[(1.0, 2.0)])
