"""Read-model lag: the kernel against a poll-by-poll reference and theory, and the real projector."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kit.eventsourcing import EventStore, Projector, ReadModel, handle, measure_lag, simulate_lag
from kit.eventsourcing import _kernels as kk

from . import naive


@settings(max_examples=60)
@given(
    gaps=st.lists(st.floats(0.0, 0.2), min_size=1, max_size=80),
    poll_s=st.sampled_from([0.0, 0.01, 0.05, 0.3]),
    overhead_s=st.sampled_from([0.0, 0.002]),
    cost_s=st.sampled_from([0.0, 0.001, 0.03]),
    batch=st.integers(1, 6),
)
# commits at the instant of a poll: ten sums of 0.01 fall short of 0.1; ceil(8.4 / 0.3) is 29, not 28
@example(gaps=[0.1], poll_s=0.01, overhead_s=0.0, cost_s=0.0, batch=1)
@example(gaps=[8.4], poll_s=0.3, overhead_s=0.0, cost_s=0.0, batch=1)
def test_the_kernel_matches_the_poll_by_poll_reference(gaps, poll_s, overhead_s, cost_s, batch):
    commits = np.cumsum(gaps)
    got = kk.projector_applied(commits, poll_s, overhead_s, cost_s, batch)
    want = naive.projector_applied(list(commits), poll_s, overhead_s, cost_s, batch)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    assert np.all(got >= commits)  # nothing is applied before it is committed


def test_a_free_projector_lags_uniformly_over_one_poll_interval():
    poll = 0.2
    r = simulate_lag(50.0, poll_s=poll, cost_s=0.0, overhead_s=0.0, events=100_000, seed=3)
    se = poll / np.sqrt(12 * r.lags_s.size)
    assert abs(r.lags_s.mean() - poll / 2) < 4 * se
    assert r.lags_s.min() >= 0 and r.lags_s.max() <= poll + 1e-9
    deciles = np.percentile(r.lags_s, np.arange(10, 100, 10))
    np.testing.assert_allclose(deciles, np.arange(0.1, 1.0, 0.1) * poll, atol=0.01 * poll)
    assert r.p_missed(poll / 4) == pytest.approx(0.75, abs=0.01)


def test_lag_grows_with_load_and_without_bound_past_saturation():
    cost = 0.001
    means = [
        simulate_lag(
            rate, poll_s=0.05, cost_s=cost, overhead_s=0.0, batch=1, events=20_000, seed=1
        ).lags_s.mean()
        for rate in (100.0, 500.0, 900.0)
    ]
    assert means[0] < means[1] < means[2]
    over = simulate_lag(
        1500.0, poll_s=0.05, cost_s=cost, overhead_s=0.0, batch=1, events=20_000, seed=1
    ).lags_s
    # rate x cost = 1.5: the backlog grows linearly, lag of event i ~ i * (cost - 1/rate)
    slope = np.polyfit(np.arange(over.size), over, 1)[0]
    assert slope == pytest.approx(cost - 1 / 1500.0, rel=0.05)


def test_same_seed_same_lags_and_bad_input_named():
    a = simulate_lag(100.0, events=1000, seed=5)
    assert np.array_equal(a.lags_s, simulate_lag(100.0, events=1000, seed=5).lags_s)
    for kwargs, name in [({"poll_s": -1.0}, "poll_s"), ({"events": 0}, "events"), ({"batch": 2.5}, "batch")]:
        with pytest.raises(ValueError, match=name):
            simulate_lag(100.0, **kwargs)
    with pytest.raises(ValueError, match="rate_per_s"):
        simulate_lag(float("nan"))


def test_the_real_projector_lags_and_a_user_misses_their_own_write():
    r = measure_lag(rate_per_s=40.0, duration_s=0.6, poll_s=0.5, accounts=3, seed=1)
    assert r.kind == "measured" and r.lags_s.size > 5 and np.all(r.lags_s >= 0)
    # the projector sleeps 0.5 s when idle: a read right after the write almost never sees it
    assert r.missed_reads > 0.5
    assert np.median(r.lags_s) < 0.5 + 0.3  # at most one sleep (plus a loaded machine's slack)


def test_waiting_for_the_position_of_a_write_reads_it_from_the_read_side():
    with tempfile.TemporaryDirectory() as folder:
        store_path, read_path = os.path.join(folder, "e.db"), os.path.join(folder, "r.db")
        with EventStore(store_path, synchronous="NORMAL") as store:
            read = ReadModel(read_path, ["balances"])
            with Projector(store_path, read_path, poll_s=0.05, projections=["balances"]) as projector:
                handle(store, "a", {"type": "open"})
                done = handle(store, "a", {"type": "deposit", "amount": 42})
                assert read.wait_for(done.position, timeout_s=30.0)
                assert read.balance("a") == (42, 2)
            assert [p for p, _ in projector.lags] == [1, 2]
            read.close()
