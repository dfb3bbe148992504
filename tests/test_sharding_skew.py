"""Skew: loads and traffic under Zipf popularity, and the hot-key cures from first principles."""

import numpy as np
import pytest

from kit import config, sharding
from kit.core.rng import zipf_pmf
from tests import naive

KEYS = np.arange(50_000)


@pytest.fixture(autouse=True)
def _config():
    yield
    config.reset()


# --- loads under skew ------------------------------------------------------------------------------


def test_loads_without_skew_are_the_key_shares_and_with_skew_follow_the_owner_of_key_0():
    flat = sharding.loads(KEYS, "jump", 8, alpha=0.0)
    assert np.allclose(flat.requests, flat.keys / KEYS.size)
    assert flat.keys.sum() == KEYS.size and flat.requests.sum() == pytest.approx(1.0)
    skewed = sharding.loads(KEYS, "jump", 8, alpha=1.5)
    pmf = zipf_pmf(KEYS.size, 1.5)
    assert skewed.requests[skewed.owner[0]] >= pmf[0]
    assert skewed.hottest_share == pytest.approx(skewed.requests.max())
    assert skewed.request_max_over_mean > flat.request_max_over_mean
    assert np.array_equal(skewed.keys, flat.keys)  # skew moves requests, not data


def test_loads_read_the_default_skew_from_config_at_call_time():
    config.SHARDING_ZIPF_ALPHA = 0.0
    assert sharding.loads(KEYS, "mod", 4).alpha == 0.0


def test_read_traffic_samples_the_zipf_shares():
    t = sharding.read_traffic(KEYS, "rendezvous", 6, alpha=1.0, requests=120_000, windows=10, seed=3)
    assert t.counts.shape == (10, 6) and t.counts.sum() == 120_000
    expected = sharding.loads(KEYS, "rendezvous", 6, alpha=1.0).requests
    observed = t.counts.sum(axis=0) / 120_000
    assert np.all(np.abs(observed - expected) < 5 * np.sqrt(expected / 120_000))
    again = sharding.read_traffic(KEYS, "rendezvous", 6, alpha=1.0, requests=120_000, windows=10, seed=3)
    assert np.array_equal(t.counts, again.counts)


def test_sequential_keys_make_one_range_node_take_every_insert():
    """Timestamps under range partitioning: each new key is the largest, so it lands in the last range."""
    short = KEYS.size // 100  # windows of 100 inserts, shorter than the gap between splits
    ranged = sharding.insert_traffic(KEYS, "range", 8, windows=short)
    assert ranged.hottest_share > 0.95
    hashed = sharding.insert_traffic(KEYS, "jump", 8, windows=short)
    assert hashed.hottest_share < 0.35  # 100 hashed inserts over 8 nodes: ~12.5% each, max a bit more
    shuffled = np.random.default_rng(1).permutation(KEYS)
    assert sharding.insert_traffic(shuffled, "range", 8, windows=short).hottest_share < 0.35


def test_insert_traffic_counts_each_new_key_once():
    t = sharding.insert_traffic(np.array([5, 1, 5, 7, 1, 9]), "mod", 3, windows=2)
    assert t.counts.sum() == 4


# --- hot-key cures ------------------------------------------------------------------------------------


def _naive_cure(keys, n, method, copies, hot, alpha, r):
    """Messages per node on the default ring, from first principles, key by key."""
    pmf = zipf_pmf(len(keys), alpha)
    points = naive.ring_points([config.SHARDING_VNODES] * n)
    load = np.zeros(n)
    for rank, key in enumerate(keys):
        h = naive.key_hash(key)
        node = naive.ring_owner(points, h)
        if rank >= hot or method == "none":
            load[node] += pmf[rank]
        elif method == "replicate":  # reads to one of the copies, writes to all
            for j in range(copies):
                load[(node + j) % n] += r * pmf[rank] / copies + (1 - r) * pmf[rank]
        else:  # salt: writes to one sub-key, reads to all
            for j in range(copies):
                sub = naive.xxh64(h.to_bytes(8, "little"), seed=j + 1)
                load[naive.ring_owner(points, sub)] += r * pmf[rank] + (1 - r) * pmf[rank] / copies
    return load


@pytest.mark.parametrize("method", ["none", "replicate", "salt"])
def test_cure_loads_match_first_principles(method):
    keys = np.arange(500)
    cure = sharding.hot_key_cure(keys, "ring", 7, method, 3, hot=5, alpha=1.1, read_fraction=0.8)
    assert np.allclose(cure.load, _naive_cure(keys.tolist(), 7, method, 3, 5, 1.1, 0.8))


def test_salting_spreads_writes_and_multiplies_reads():
    keys = np.arange(5000)
    alpha, r, s = 1.3, 0.9, 8
    p0 = zipf_pmf(keys.size, alpha)[0]
    cure = sharding.hot_key_cure(keys, "jump", 16, "salt", s, hot=1, alpha=alpha, read_fraction=r)
    # every read of the hot key visits s sub-keys; writes and other keys cost one message
    assert cure.load.sum() == pytest.approx(1.0 + (s - 1) * r * p0)
    assert cure.read_fanout == pytest.approx(1.0 + (s - 1) * p0)
    assert cure.write_fanout == 1.0
    write_only = sharding.hot_key_cure(keys, "jump", 16, "salt", s, hot=1, alpha=alpha, read_fraction=0.0)
    none = sharding.hot_key_cure(keys, "jump", 16, "none", 1, hot=1, alpha=alpha, read_fraction=0.0)
    assert write_only.peak < none.peak and write_only.load.sum() == pytest.approx(1.0)


def test_replicas_spread_reads_and_multiply_writes():
    keys = np.arange(5000)
    alpha, r, c = 1.3, 0.95, 4
    p0 = zipf_pmf(keys.size, alpha)[0]
    cure = sharding.hot_key_cure(keys, "rendezvous", 16, "replicate", c, hot=1, alpha=alpha, read_fraction=r)
    assert cure.load.sum() == pytest.approx(1.0 + (c - 1) * (1 - r) * p0)
    assert cure.write_fanout == pytest.approx(1.0 + (c - 1) * p0) and cure.read_fanout == 1.0
    none = sharding.hot_key_cure(keys, "rendezvous", 16, "none", 1, hot=1, alpha=alpha, read_fraction=r)
    assert none.peak == pytest.approx(sharding.loads(keys, "rendezvous", 16, alpha=alpha).requests.max())
    assert cure.peak < none.peak


def test_compare_cures_lists_every_cure_and_the_read_heavy_winner_is_replication():
    df = sharding.compare_cures(KEYS, "ring", 16, copies=(2, 4), alpha=1.2, read_fraction=0.95)
    assert list(df.method) == ["none", "salt", "salt", "replicate", "replicate"]
    best = df.loc[df.peak.idxmin()]
    assert best.method == "replicate"
    assert np.all(df.fanout >= 1.0)
