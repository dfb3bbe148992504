"""Consistent hashing with bounded loads against the paper's process and its many-keys limit."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import sharding
from tests import naive

RANDOM_KEYS = np.random.default_rng(7).integers(0, 2**63 - 1, 100_000, dtype=np.int64)


def _points(n: int, vnodes: int) -> list[tuple[int, int]]:
    r = sharding.ring(n, vnodes)
    return list(zip(r.tokens.tolist(), r.owner.tolist(), strict=True))


EPS = st.sampled_from([0.01, 0.05, 0.1, 0.25, 1 / 3, 0.5, 1.0, 2.5])


@given(
    st.integers(1, 8),
    st.integers(1, 6),
    EPS,
    st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=120),
    st.data(),
)
@settings(max_examples=80, deadline=None)
def test_bounded_loads_place_every_key_as_the_papers_process_does(n, vnodes, eps, hashes, data):
    """Mirrokni, Thorup & Zadimoghaddam's process, from the paper (tests/naive.py), key by key.

    Some keys sit exactly on a token (they belong to the next one). Caught: walking the wrong way,
    stopping at a token equal to the key, a capacity per token instead of per node, the capacity
    off by one, no wrap-around past the last token.
    """
    points = _points(n, vnodes)
    on_tokens = data.draw(st.lists(st.sampled_from([t for t, _ in points]), max_size=10))
    hashes = hashes + on_tokens
    capacity = naive.bounded_capacity(len(hashes), n, eps)
    assert sharding.bounded_capacity(len(hashes), n, eps) == capacity
    owner = sharding.ring(n, vnodes).bounded(np.array(hashes, dtype=np.uint64), capacity)
    assert owner.tolist() == naive.bounded(points, hashes, n, capacity)
    keys = list(range(len(hashes)))
    expected = naive.bounded(points, [naive.key_hash(k) for k in keys], n, capacity)
    assert sharding.assign(keys, "bounded", n, vnodes=vnodes, eps=eps).tolist() == expected


@given(st.integers(1, 12), EPS, st.integers(1, 400), st.integers(0, 2**32))
@settings(max_examples=60, deadline=None)
def test_bounded_loads_with_one_token_per_node_fill_like_linear_probing(n, eps, m, seed):
    """One point per node, the paper's setting, is linear probing with buckets: loads no order changes."""
    keys = np.random.default_rng(seed).integers(0, 2**62, m)
    capacity = naive.bounded_capacity(m, n, eps)
    expected = naive.linear_probing_loads(_points(n, 1), naive_hashes(keys), capacity)
    for order in (keys, keys[::-1], np.random.default_rng(seed + 1).permutation(keys)):
        owner = sharding.assign(order, "bounded", n, vnodes=1, eps=eps)
        assert np.bincount(owner, minlength=n).tolist() == expected


def naive_hashes(keys) -> list[int]:
    return [naive.key_hash(int(k)) for k in keys]


def test_bounded_loads_worked_example():
    """Three nodes, one token each (A < B < C on the circle), six keys, two per node at most."""
    a, b, c = (int(t) for t in sharding.ring(3, 1).tokens)
    assert sharding.ring(3, 1).owner.tolist() == [0, 1, 2]
    hashes = np.array([0, 1, 2, a, c + 1, b - 1], dtype=np.uint64)
    # 0, 1 -> A; 2 finds A full -> B; a key on A belongs to B; past C wraps to A, B (full) -> C; before B -> C
    assert sharding.ring(3, 1).bounded(hashes, 2).tolist() == [0, 0, 1, 1, 2, 2]
    # room for three: A takes 0, 1, 2; the key on A goes to B, and so do the two that find A full
    assert sharding.ring(3, 1).bounded(hashes, 3).tolist() == [0, 0, 0, 1, 1, 1]


@given(st.integers(1, 6), st.integers(1, 4), EPS, st.integers(1, 150), st.integers(0, 2**32))
@settings(max_examples=40, deadline=None)
def test_bounded_moves_are_the_papers_process_before_and_after(n, vnodes, eps, m, seed):
    """A node joins: the paper's process run on both clusters, keys in the same order, moves the same keys."""
    keys = np.random.default_rng(seed).integers(0, 2**62, m)
    h = naive_hashes(keys)
    before = naive.bounded(_points(n, vnodes), h, n, naive.bounded_capacity(m, n, eps))
    after = naive.bounded(_points(n + 1, vnodes), h, n + 1, naive.bounded_capacity(m, n + 1, eps))
    expected = np.mean(np.array(before) != np.array(after))
    assert sharding.moved_fraction(keys, "bounded", n, n + 1, vnodes=vnodes, eps=eps) == expected


@pytest.mark.parametrize("n, vnodes", [(3, 1), (9, 1), (20, 1), (9, 10), (20, 10), (9, 100)])
@pytest.mark.parametrize("eps", [0.05, 0.25, 1.0])
def test_bounded_moves_follow_the_many_keys_limit(n, vnodes, eps):
    """moved_theory for bounded loads: the fluid limit of the process, computed without any key.

    It depends on eps (smaller eps, more moves) and, past the eps where no node fills, is exactly the
    new node's share of the ring. Caught: a capacity from the wrong cluster size, keys placed on a full
    node, a walk the wrong way, a moved count that ignores displaced keys.
    """
    theory = sharding.moved_theory("bounded", n, n + 1, vnodes=vnodes, eps=eps)
    moved = sharding.moved_fraction(RANDOM_KEYS, "bounded", n, n + 1, vnodes=vnodes, eps=eps)
    se = math.sqrt(theory * (1 - theory) / RANDOM_KEYS.size)
    assert abs(moved - theory) <= 0.03 * theory + 4 * se
    new_share = sharding.ring(n + 1, vnodes).shares[n]
    assert sharding.moved_theory("bounded", n, n + 1, vnodes=vnodes, eps=50.0) == pytest.approx(new_share)
    if eps <= 0.25 and vnodes == 1:  # the cap binds on a one-token ring: more moves than the ring's
        assert theory > 1.2 * new_share


def test_bounded_theory_grows_as_eps_shrinks_and_shrinking_the_cluster_is_covered():
    """Not monotone ring by ring, but a tight cap moves several times what a loose one does."""
    theory = [sharding.moved_theory("bounded", 20, 21, vnodes=1, eps=e) for e in (0.02, 0.05, 0.1, 0.25, 2.0)]
    assert min(theory[:4]) > 2.5 * theory[-1]
    assert theory[-1] >= sharding.ring(21, 1).shares[20] - 1e-12
    shrink = sharding.moved_theory("bounded", 8, 6, vnodes=10, eps=0.1)
    measured = sharding.moved_fraction(RANDOM_KEYS, "bounded", 8, 6, vnodes=10, eps=0.1)
    assert measured == pytest.approx(shrink, rel=0.04)


def test_bounded_loads_with_room_to_spare_is_the_plain_ring():
    keys = RANDOM_KEYS[:5000]
    assert np.array_equal(
        sharding.assign(keys, "bounded", 8, vnodes=50, eps=8.0), sharding.assign(keys, "ring", 8, vnodes=50)
    )


def test_bounded_capacity_is_the_papers_ceiling():
    assert sharding.bounded_capacity(1000, 8, 0.25) == 157
    assert sharding.bounded_capacity(1000, 10, 0.1) == 110  # eps is the decimal 1/10, not 0.1000...0055
    assert sharding.bounded_capacity(7, 7, 0.5) == 2
    assert sharding.bounded_capacity(10**15 + 1, 10**5, 0.1) == naive.bounded_capacity(10**15 + 1, 10**5, 0.1)
    keys = RANDOM_KEYS[:100]
    huge = sharding.assign(keys, "bounded", 3, vnodes=5, eps=1e300)  # a capacity beyond 64 bits
    assert np.array_equal(huge, sharding.assign(keys, "ring", 3, vnodes=5))
