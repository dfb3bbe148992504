"""The placement schemes against their papers, published vectors and slow references."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, sharding
from tests import naive

RANDOM_KEYS = np.random.default_rng(7).integers(0, 2**63 - 1, 100_000, dtype=np.int64)


# --- jump hash -------------------------------------------------------------------------------------


def test_jump_hash_reproduces_guavas_vectors():
    """Guava's ConsistentHashing tests (Hashing.consistentHash): keys 0..19 into 100 buckets, and more."""
    expected = [0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83]
    assert [sharding.jump_hash(k, 100) for k in range(20)] == expected
    assert sharding.jump_hash(np.arange(20, dtype=np.uint64), 100).tolist() == expected
    for key, n, bucket in [
        (10863919174838991, 11, 6),
        (2016238256797177309, 11, 3),
        (1673758223894951030, 11, 5),
        (2, 100001, 80343),
        (2201, 100001, 22152),
        (2202, 100001, 15018),
    ]:
        assert sharding.jump_hash(key, n) == bucket
        assert naive.jump(key, n) == bucket


@given(st.integers(0, 2**64 - 1), st.integers(1, 2**31 - 1))
@settings(max_examples=300, deadline=None)
def test_jump_hash_matches_the_reference_loop(key, n):
    assert sharding.jump_hash(key, n) == naive.jump(key, n)
    assert sharding.jump_hash(np.array([key], dtype=np.uint64), n)[0] == naive.jump(key, n)


def test_jump_hash_keeps_the_shape_and_takes_signed_keys_as_twos_complement():
    keys = np.arange(12).reshape(3, 4)
    assert sharding.jump_hash(keys, 7).shape == (3, 4)
    assert sharding.jump_hash(-1, 1000) == sharding.jump_hash(2**64 - 1, 1000) == naive.jump(2**64 - 1, 1000)


@pytest.mark.parametrize("n", [2, 3, 5, 10, 17, 50, 100, 1000])
def test_jump_hash_moves_only_to_the_new_bucket_and_at_most_1_2_k_over_n_plus_20(n):
    """Going from n - 1 to n buckets remaps about K/n of K keys: at most 1.2 K/n + 20 here."""
    before = sharding.jump_hash(RANDOM_KEYS, n - 1)
    after = sharding.jump_hash(RANDOM_KEYS, n)
    moved = before != after
    assert np.all(after[moved] == n - 1)
    assert moved.sum() <= 1.2 * RANDOM_KEYS.size / n + 20


# --- assign: every scheme --------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", list(sharding.STRATEGIES))
def test_every_scheme_places_every_key_on_a_node_deterministically(strategy):
    owner = sharding.assign(RANDOM_KEYS[:20_000], strategy, 7)
    assert owner.dtype == np.int64 and owner.shape == (20_000,)
    assert owner.min() >= 0 and owner.max() <= 6
    assert np.array_equal(owner, sharding.assign(RANDOM_KEYS[:20_000], strategy, 7))
    strings = [f"user:{i}" for i in range(3000)]
    s_owner = sharding.assign(strings, strategy, 5)
    assert set(np.unique(s_owner)) <= set(range(5))


def test_mod_and_jump_are_the_hash_through_the_formula():
    h = sharding.hash64(RANDOM_KEYS[:1000])
    assert np.array_equal(
        sharding.assign(RANDOM_KEYS[:1000], "mod", 13), (h % np.uint64(13)).astype(np.int64)
    )
    assert np.array_equal(sharding.assign(RANDOM_KEYS[:1000], "jump", 13), sharding.jump_hash(h, 13))


def test_ring_matches_the_naive_ring_with_weights():
    keys = list(range(-50, 1500))
    vnodes = [3, 10, 1, 7]
    points = naive.ring_points(vnodes)
    expected = [naive.ring_owner(points, naive.key_hash(k)) for k in keys]
    weights = np.array(vnodes) / 10
    assert sharding.assign(keys, "ring", 4, vnodes=10, weights=weights).tolist() == expected
    r = sharding.ring(4, 10, weights)
    assert r.tokens.tolist() == [t for t, _ in points] and r.vnodes.tolist() == vnodes


def test_ring_assigns_exactly_like_uhashring_with_the_same_hash():
    """uhashring names token v of node i "i-v", as the kit does: same hash, same ring, same answers."""
    uhashring = pytest.importorskip("uhashring")
    keys = [f"session-{i}" for i in range(2000)] + list(range(2000))
    ring = uhashring.HashRing(nodes=list(range(6)), vnodes=40, hash_fn=naive.key_hash)
    theirs = [ring.get_node(k) for k in keys]
    ours = np.concatenate(
        [
            sharding.assign(keys[:2000], "ring", 6, vnodes=40),
            sharding.assign(keys[2000:], "ring", 6, vnodes=40),
        ]
    )
    assert ours.tolist() == theirs


@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=200), st.integers(1, 12), st.integers(1, 30))
@settings(max_examples=60, deadline=None)
def test_ring_lookup_with_its_bucket_index_matches_bisection(hashes, n, vnodes):
    r = sharding.ring(n, vnodes)
    h = np.array(hashes, dtype=np.uint64)
    points = list(zip(r.tokens.tolist(), r.owner.tolist(), strict=True))
    assert r.lookup(h).tolist() == [naive.ring_owner(points, x) for x in hashes]


def test_rendezvous_matches_the_naive_argmax():
    h = sharding.hash64(RANDOM_KEYS[:500])
    expected = [naive.rendezvous(int(x), 9) for x in h]
    assert sharding.assign(RANDOM_KEYS[:500], "rendezvous", 9).tolist() == expected
    # equal weights rank the nodes exactly as the unweighted scores do
    weighted = sharding.assign(RANDOM_KEYS[:500], "rendezvous", 9, weights=np.ones(9))
    assert weighted.tolist() == expected


def test_weights_set_the_expected_shares():
    """Weighted HRW gives node j the share w_j / sum(w) exactly; the ring does it through token counts."""
    w = np.array([1.0, 2.0, 1.0, 4.0])
    share = (
        np.bincount(sharding.assign(RANDOM_KEYS, "rendezvous", 4, weights=w), minlength=4) / RANDOM_KEYS.size
    )
    se = np.sqrt(w / w.sum() * (1 - w / w.sum()) / RANDOM_KEYS.size)
    assert np.all(np.abs(share - w / w.sum()) < 4 * se)
    shares = sharding.ring(4, 1000, w).shares
    assert np.allclose(shares, w / w.sum(), rtol=0.1)


# --- range partitioning --------------------------------------------------------------------------------


@given(st.lists(st.integers(0, 500), min_size=1, max_size=400), st.integers(2, 12), st.integers(1, 6))
@settings(max_examples=80, deadline=None)
def test_range_partition_matches_the_naive_insert_and_split(keys, split_keys, n):
    p = sharding.range_partition(np.array(keys, dtype=np.uint64), n, split_keys)
    ranges, writer = naive.range_partition(keys, split_keys, n)
    assert p.lows.tolist() == [r[0] for r in ranges]
    assert p.owner.tolist() == [r[2] for r in ranges]
    assert p.count.tolist() == [len(r[1]) for r in ranges]
    assert p.writer.tolist() == writer
    assert np.all(p.count < split_keys) and p.count.sum() == len(set(keys))


def test_range_keeps_key_order_and_splits_into_the_wanted_number_of_ranges():
    keys = RANDOM_KEYS[:50_000]
    owner = sharding.assign(keys, "range", 8)
    p = sharding.range_partition(keys, 8)
    order = np.argsort(keys)
    ranges_in_order = np.searchsorted(p.lows, sharding.order_keys(keys)[order], side="right")
    assert np.all(np.diff(ranges_in_order) >= 0)  # sorted keys visit ranges in order: scans are local
    assert np.array_equal(owner, p.lookup(sharding.order_keys(keys)))
    wanted = 8 * config.SHARDING_RANGES_PER_NODE
    assert 0.6 * wanted <= p.lows.size <= 1.5 * wanted


def test_range_orders_strings_lexicographically_and_signed_integers_numerically():
    words = ["pear", "apple", "zebra", "mango", "kiwi", "banana", "cherry", "fig"]
    p = sharding.range_partition(words, 2, split_keys=2)
    order = sharding.order_keys(words)
    assert [words[i] for i in np.argsort(order)] == sorted(words)
    assert np.all(np.diff(p.lows.astype(float)) > 0)
    signed = sharding.order_keys(np.array([-5, 3, -1, 0]))
    assert np.argsort(signed).tolist() == [0, 2, 3, 1]


def test_range_rebalance_moves_whole_ranges_to_new_nodes_only():
    x = sharding.order_keys(RANDOM_KEYS)
    p = sharding.range_partition(RANDOM_KEYS, 4)
    grown = p.with_nodes(6)
    before, after = p.lookup(x), grown.lookup(x)
    assert np.all(after[before != after] >= 4)
    load = np.bincount(after, minlength=6)
    assert load.max() / load.mean() < 1.25
    shrunk = grown.with_nodes(3)
    moved = grown.lookup(x) != shrunk.lookup(x)
    assert np.all(grown.lookup(x)[moved] >= 3) and shrunk.lookup(x).max() == 2
