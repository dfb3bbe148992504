"""Kafka's partitioner and assignors, and consumer groups through rebalances."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit import messaging

from . import naive

# org.apache.kafka.common.utils.UtilsTest#testMurmur2
KAFKA_VECTORS = {
    "21": -973932308,
    "foobar": -790332482,
    "a-little-bit-long-string": -985981536,
    "a-little-bit-longer-string": -1486304829,
    "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
    "abc": 479470107,
}


def test_murmur2_reproduces_kafkas_test_vectors():
    assert messaging.murmur2(list(KAFKA_VECTORS)).tolist() == list(KAFKA_VECTORS.values())


@given(st.lists(st.binary(max_size=40), min_size=1, max_size=20))
def test_murmur2_matches_the_algorithm_written_out(keys):
    assert messaging.murmur2(keys).tolist() == [naive.murmur2(k) for k in keys]


def test_partition_is_the_positive_hash_mod_partitions():
    keys = [str(i) for i in range(500)]
    expected = [(naive.murmur2(k.encode()) & 0x7FFFFFFF) % 7 for k in keys]
    assert messaging.kafka_partition(keys, 7).tolist() == expected
    assert messaging.kafka_partition(range(500), 7).tolist() == expected  # ints as their decimal strings


def test_assignors_reproduce_kafkas_javadoc_examples():
    # RangeAssignor / RoundRobinAssignor: C0, C1; topics t0, t1 of 3 partitions each
    assert messaging.assign(3, 2, "range", topics=2).tolist() == [0, 0, 1, 0, 0, 1]
    assert messaging.assign(3, 2, "roundrobin", topics=2).tolist() == [0, 1, 0, 1, 0, 1]
    # StickyAssignor: C0, C1, C2; topics t0..t3 of 2 partitions; then C1 leaves
    first = messaging.assign(2, 3, "sticky", topics=4)
    assert first.tolist() == [0, 1, 2, 0, 1, 2, 0, 1]  # C0 [t0p0, t1p1, t3p0], C1 [t0p1, t2p0, t3p1]
    after = messaging.assign(2, [0, 2], "sticky", topics=4, previous=first)
    # C0 [t0p0, t1p1, t3p0, t2p0], C2 [t1p0, t2p1, t0p1, t3p1]
    assert after.tolist() == [0, 2, 2, 0, 0, 2, 0, 2]
    assert messaging.assign(2, [0, 2], "roundrobin", topics=4).tolist() == [0, 2] * 4


@given(
    P=st.integers(1, 40),
    before=st.integers(1, 8),
    after=st.integers(1, 8),
)
def test_sticky_is_balanced_and_moves_no_more_than_it_must(P, before, after):
    old = messaging.assign(P, before, "sticky")
    members = list(range(after))
    new = messaging.assign(P, members, "sticky", previous=old)
    counts = np.bincount(new, minlength=after)
    assert counts.max() - counts.min() <= 1
    # a partition whose owner stays, and held no more than its new share, keeps its owner
    for p in range(P):
        if old[p] < after and np.sum(old == old[p]) <= P // after:
            assert new[p] == old[p], (old, new)


def test_cooperative_rebalance_pauses_only_what_moves():
    eager = messaging.consumer_group(
        12, 3, "sticky", [(10.0, "join")], seed=1, horizon_s=30.0, rebalance_s=2.0
    )
    coop = messaging.consumer_group(
        12, 3, "cooperative-sticky", [(10.0, "join")], seed=1, horizon_s=30.0, rebalance_s=2.0
    )
    assert eager.rebalances[0].moved == coop.rebalances[0].moved == 3
    assert eager.pause_partition_s == pytest.approx(12 * 2.0)  # everyone stops for one round
    assert coop.pause_partition_s == pytest.approx(3 * 2.0)  # the movers stop from round 1's end to round 2's
    assert coop.rebalances[0].done_s == pytest.approx(14.0)  # two rounds
    rng = messaging.consumer_group(12, 3, "range", [(10.0, "join")], seed=1, horizon_s=30.0, rebalance_s=2.0)
    assert rng.rebalances[0].moved > 3  # range reshuffles consecutive blocks


def test_a_crash_goes_unnoticed_for_the_session_timeout():
    r = messaging.consumer_group(
        6, 3, "sticky", [(5.0, "crash")], seed=1, horizon_s=30.0, rebalance_s=1.0, session_timeout_s=10.0
    )
    rb = r.rebalances[0]
    orphans = (rb.before == 2).sum()
    # orphans wait the timeout and a round; the others stop for the round (eager)
    assert rb.pause_partition_s == pytest.approx(orphans * 11.0 + (6 - orphans) * 1.0)
    assert r.unprocessed == 0


def test_a_hot_partition_falls_behind_whatever_the_group_size():
    """One key takes most of the traffic: its partition needs more than one consumer's rate."""
    kwargs = dict(seed=2, horizon_s=20.0, rate=500.0, service_s=0.004, alpha=2.0, keys=50)
    small = messaging.consumer_group(8, 2, "range", **kwargs)
    big = messaging.consumer_group(8, 8, "range", **kwargs)
    hot = small.hot_partition
    assert small.rates[hot] > 1 / 0.004  # more than one consumer can take
    for r in (small, big):
        assert r.lag[hot].iloc[-1] > 0.5 * (r.rates[hot] - 250.0) * 20.0 * 0.5
        cold = [p for p in range(8) if p != hot]
        assert r.lag[cold].iloc[-1].max() < 20
