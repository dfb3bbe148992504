"""03 sharding: placing 10 million keys with every scheme, kit (numba) vs what you would otherwise use.

Scenario: K = 10,000,000 integer keys, 16 nodes (ring: 160 vnodes per node,
uhashring's default). Peers: ``uhashring`` for the ring (its default md5
ring; with XXH64 as its hash it assigns exactly like the kit), numpy for jump
hash, and straightforward Python for mod-N, rendezvous, bounded loads and
range splits. Slow peers run on a sample and their time is scaled up to K;
every peer's answer is checked against the kit's before its time counts.
"""

import bisect
import hashlib
import math
import zlib

import numpy as np

from kit import sharding

from .common import Row, best_of

K = 10_000_000
NODES = 16
VNODES = 160  # uhashring's default for its md5 ring
SAMPLE = 100_000  # keys given to the slow Python peers


def scaled(fn, sample: int) -> float:
    """Peer time on ``sample`` keys, scaled to K."""
    return best_of(fn, repeat=1) * K / sample


def numpy_jump(h: np.ndarray, n: int) -> np.ndarray:
    """Lamping & Veach's loop vectorised over keys: iterate while any key is still jumping."""
    key = h.copy()
    b = np.full(h.size, -1, dtype=np.int64)
    j = np.zeros(h.size, dtype=np.int64)
    active = np.ones(h.size, dtype=bool)
    with np.errstate(over="ignore"):
        while active.any():
            idx = np.flatnonzero(active)
            b[idx] = j[idx]
            key[idx] = key[idx] * np.uint64(2862933555777941757) + np.uint64(1)
            j[idx] = ((b[idx] + 1) * (2.0**31 / ((key[idx] >> np.uint64(33)) + 1).astype(np.float64))).astype(
                np.int64
            )
            active[idx] = j[idx] < n
    return b


def python_rendezvous(hashes: list[int], n: int) -> list[int]:
    out = []
    for h in hashes:
        data = h.to_bytes(8, "little")
        scores = [sharding.xxh64(data, seed=j) for j in range(n)]
        out.append(scores.index(max(scores)))
    return out


def python_bounded(hashes: list[int], ring: sharding.Ring, capacity: int) -> list[int]:
    tokens, owner = ring.tokens.tolist(), ring.owner.tolist()
    load, out = [0] * ring.nodes, []
    for h in hashes:
        t = bisect.bisect_right(tokens, h) % len(tokens)
        while load[owner[t]] >= capacity:
            t = (t + 1) % len(tokens)
        out.append(owner[t])
        load[owner[t]] += 1
    return out


def python_range(keys: list[int], split_keys: int, n: int) -> list[int]:
    """Ranges in a sorted list, split at the median when full; then look every key up."""
    lows, members, owner, node_keys = [0], [[]], [0], [0] * n
    for x in keys:
        p = bisect.bisect_right(lows, x) - 1
        bisect.insort(members[p], x)
        node_keys[owner[p]] += 1
        if len(members[p]) == split_keys:
            upper = members[p][split_keys // 2 :]
            del members[p][split_keys // 2 :]
            dest = node_keys.index(min(node_keys))
            node_keys[owner[p]] -= len(upper)
            node_keys[dest] += len(upper)
            lows.insert(p + 1, upper[0])
            members.insert(p + 1, upper)
            owner.insert(p + 1, dest)
    return [owner[bisect.bisect_right(lows, x) - 1] for x in keys]


def run() -> list[Row]:
    rng = np.random.default_rng(2026)
    keys = rng.integers(0, 2**63 - 1, K, dtype=np.int64)
    sample = keys[:SAMPLE]
    sharding.warm()
    h = sharding.hash64(keys)
    rows = []

    # the hash: XXH64 in numba vs hashlib's md5 (uhashring's default hash), per key in Python
    sample_list = sample.tolist()

    def md5_all():
        return [int(hashlib.md5(str(k).encode()).hexdigest(), 16) for k in sample_list]

    assert int(h[0]) == sharding.xxh64(int(keys[0]).to_bytes(8, "little"))
    rows.append(
        Row(
            "hash 10M int keys (XXH64)",
            best_of(lambda: sharding.hash64(keys)),
            "hashlib.md5 per key",
            scaled(md5_all, SAMPLE),
        )
    )

    # mod-N: the kit vs the per-key loop people write, crc32(key) % n (CRC, as Redis Cluster's slots use)
    ours = sharding.assign(keys, "mod", NODES)
    assert np.array_equal(ours, (h % np.uint64(NODES)).astype(np.int64))
    theirs = np.array([zlib.crc32(str(k).encode()) % NODES for k in sample_list])
    for owner in (ours, theirs):  # different hashes: both must be uniform, multinomial spread
        counts = np.bincount(owner, minlength=NODES)
        assert counts.std() / counts.mean() < 3 * sharding.theory_cv("mod", NODES, owner.size)
    rows.append(
        Row(
            "assign 10M keys, mod-N",
            best_of(lambda: sharding.assign(keys, "mod", NODES)),
            "Python crc32(key) % n",
            scaled(lambda: [zlib.crc32(str(k).encode()) % NODES for k in sample_list], SAMPLE),
        )
    )
    # jump hash itself on 10M uint64 keys (the paper's function), then as a placement (hash + jump)
    bits = keys.view(np.uint64)
    assert np.array_equal(sharding.jump_hash(bits, NODES), numpy_jump(bits, NODES))
    rows.append(
        Row(
            "jump_hash on 10M uint64 keys",
            best_of(lambda: sharding.jump_hash(bits, NODES)),
            "numpy-vectorised jump",
            best_of(lambda: numpy_jump(bits, NODES), repeat=1),
        )
    )
    assert np.array_equal(sharding.assign(keys, "jump", NODES), sharding.jump_hash(h, NODES))
    rows.append(
        Row(
            "assign 10M keys, jump hash",
            best_of(lambda: sharding.assign(keys, "jump", NODES)),
            "numpy hash + vectorised jump",
            best_of(lambda: numpy_jump(sharding.hash64(keys), NODES), repeat=1),
        )
    )

    # the ring: uhashring. With XXH64 as its hash it is the same ring, key for key.
    import uhashring

    check = [f"user:{i}" for i in range(20_000)]
    same = uhashring.HashRing(
        nodes=list(range(NODES)), vnodes=VNODES, hash_fn=lambda k: sharding.xxh64(str(k))
    )
    assert sharding.assign(check, "ring", NODES, vnodes=VNODES).tolist() == [same.get_node(k) for k in check]
    md5_ring = uhashring.HashRing(nodes=list(range(NODES)), vnodes=VNODES)
    theirs = np.array([md5_ring.get_node(k) for k in sample_list])
    ours = sharding.assign(keys, "ring", NODES, vnodes=VNODES)
    # different hashes, same scheme: both spreads must be ring-sized, ~ 1/sqrt(V) of the mean
    for owner in (ours, theirs):
        counts = np.bincount(owner, minlength=NODES)
        assert counts.std() / counts.mean() < 3 * sharding.theory_cv("ring", NODES, owner.size, VNODES)
    rows.append(
        Row(
            f"assign 10M keys, ring {NODES}x{VNODES} vnodes",
            best_of(lambda: sharding.assign(keys, "ring", NODES, vnodes=VNODES)),
            "uhashring get_node (md5)",
            scaled(lambda: [md5_ring.get_node(k) for k in sample_list], SAMPLE),
        )
    )

    # moved fraction when a 17th node joins: ours on 10M keys vs uhashring add_node on the sample
    def uhashring_moved():
        ring = uhashring.HashRing(nodes=list(range(NODES)), vnodes=VNODES)
        before = [ring.get_node(k) for k in sample_list]
        ring.add_node(NODES)
        return np.mean(np.array(before) != np.array([ring.get_node(k) for k in sample_list]))

    ours_moved = sharding.moved_fraction(keys, "ring", NODES, NODES + 1, vnodes=VNODES)
    for moved in (ours_moved, uhashring_moved()):
        assert abs(moved - 1 / (NODES + 1)) < 4 / (NODES + 1) / math.sqrt(VNODES), moved
    rows.append(
        Row(
            f"moved fraction 10M keys, ring {NODES}->{NODES + 1}",
            best_of(lambda: sharding.moved_fraction(keys, "ring", NODES, NODES + 1, vnodes=VNODES)),
            "uhashring add_node",
            scaled(uhashring_moved, SAMPLE),
        )
    )

    # rendezvous, bounded loads and range splits: the same algorithm in Python, answers checked
    small = 20_000
    h_small = h[:small].tolist()
    assert sharding.assign(keys[:small], "rendezvous", NODES).tolist() == python_rendezvous(h_small, NODES)
    rows.append(
        Row(
            f"assign 10M keys, rendezvous {NODES} nodes",
            best_of(lambda: sharding.assign(keys, "rendezvous", NODES)),
            "Python HRW loop",
            scaled(lambda: python_rendezvous(h_small, NODES), small),
        )
    )
    ring = sharding.ring(NODES, VNODES)
    capacity = sharding.bounded_capacity(SAMPLE, NODES, 0.25)
    h_sample = h[:SAMPLE].tolist()
    ours = sharding.assign(sample, "bounded", NODES, vnodes=VNODES, eps=0.25)
    assert ours.tolist() == python_bounded(h_sample, ring, capacity)
    rows.append(
        Row(
            "assign 10M keys, bounded loads eps=0.25",
            best_of(lambda: sharding.assign(keys, "bounded", NODES, vnodes=VNODES, eps=0.25)),
            "Python bisect walk",
            scaled(lambda: python_bounded(h_sample, ring, capacity), SAMPLE),
        )
    )
    # bounded loads' theory: the many-keys limit, against measuring it on 10M keys placed twice
    theory = sharding.moved_theory("bounded", NODES, NODES + 1, vnodes=VNODES, eps=0.1)
    measured = sharding.moved_fraction(keys, "bounded", NODES, NODES + 1, vnodes=VNODES, eps=0.1)
    assert abs(measured - theory) < 0.02 * theory, (measured, theory)
    rows.append(
        Row(
            f"bounded moved fraction {NODES}->{NODES + 1}, eps=0.1 (theory)",
            best_of(lambda: sharding.moved_theory("bounded", NODES, NODES + 1, vnodes=VNODES, eps=0.1)),
            "measure it on 10M keys",
            best_of(
                lambda: sharding.moved_fraction(keys, "bounded", NODES, NODES + 1, vnodes=VNODES, eps=0.1),
                repeat=1,
            ),
        )
    )
    order = sharding.order_keys(sample).tolist()
    split = sharding.default_split_keys(SAMPLE, NODES)
    assert sharding.assign(sample, "range", NODES).tolist() == python_range(order, split, NODES)
    big_split = sharding.default_split_keys(K, NODES)
    rows.append(
        Row(
            "assign 10M keys, range splits",
            best_of(lambda: sharding.assign(keys, "range", NODES, split_keys=big_split), repeat=1),
            "Python bisect.insort ranges",  # its sample splits smaller ranges: a lower bound
            scaled(lambda: python_range(order, split, NODES), SAMPLE),
        )
    )
    return rows
