"""Eviction policies: libCacheSim's published numbers, slow references, theory, properties."""

import csv
import importlib.util
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import caching
from kit.caching import POLICIES
from kit.core.rng import Constant, LogNormal, zipf_pmf
from tests import naive
from tests.conftest import fixture_path

MiB = 2**20
SIZES_MIB = [128, 256, 384, 512, 640, 768, 896, 1024]

# Miss counts (and missed bytes) libCacheSim's own tests assert on the CloudPhysics trace,
# by bytes, at 128 MiB steps up to 1 GiB: test/test_evictionAlgo.c in
# github.com/1a1a11a/libCacheSim (test_LRU, test_Clock, test_FIFO, test_Belady, test_LFU,
# test_ARC, test_S3FIFOv0 -- the paper's S3-FIFO --, test_Sieve). RANDOM is left out: its draws
# are libCacheSim's own.
PUBLISHED = {
    "lru": (
        [93374, 89783, 83572, 81722, 72494, 72104, 71972, 71704],
        [4214303232, 4061242368, 3778040320, 3660569600, 3100927488, 3078128640, 3075403776, 3061662720],
    ),
    "clock": (
        [93313, 89775, 83411, 81328, 74815, 72283, 71927, 64456],
        [4213887488, 4064512000, 3762650624, 3644467200, 3256760832, 3091688448, 3074241024, 2697378816],
    ),
    "fifo": (
        [93403, 89386, 84387, 84025, 72498, 72228, 72182, 72140],
        [4213112832, 4052646400, 3829170176, 3807412736, 3093146112, 3079525888, 3079210496, 3077547520],
    ),
    "belady": (
        [79256, 70724, 65481, 61594, 59645, 57599, 50873, 48974],
        [3472532480, 2995165696, 2726689792, 2537648128, 2403427840, 2269212672, 2134992896, 2029769728],
    ),
    "lfu": (
        [91699, 86720, 78578, 76707, 69945, 66221, 64445, 64376],
        [4158632960, 3917211648, 3536227840, 3455379968, 3035580416, 2801699328, 2699456000, 2696345600],
    ),
    "arc": (
        [90252, 85861, 78168, 74297, 67381, 65685, 64439, 64772],
        [4068098560, 3821026816, 3525644800, 3296890368, 2868538880, 2771180032, 2699484672, 2712971264],
    ),
    "s3fifo": (
        [89307, 82387, 77041, 76791, 71300, 70343, 70455, 70355],
        [4040718336, 3703628800, 3353047552, 3282235904, 3038256128, 2980646912, 2984458752, 2979649536],
    ),
    "sieve": (
        [91699, 86720, 78578, 76707, 69945, 66221, 64445, 64376],
        [4158632960, 3917211648, 3536227840, 3455379968, 3035580416, 2801699328, 2699456000, 2696345600],
    ),
}
DETERMINISTIC = [p for p in POLICIES if p != "random"]
# Policies checked without a slow reference of tests/naive.py, and why: every other policy of the
# registry must have one (``naive.<name>``), so a policy added without it fails here.
WITHOUT_REFERENCE = {
    "random": "its draws are its own: compared with libCacheSim's RANDOM statistically",
    "arc": "libCacheSim's published numbers and the libcachesim package, case by case",
}


@pytest.fixture(scope="module")
def cloud_bin():
    return caching.load_trace(fixture_path("libcachesim", "cloudPhysicsIO.oracleGeneral.bin"))


@pytest.fixture(scope="module")
def cloud_txt():
    return caching.load_trace(fixture_path("libcachesim", "cloudPhysicsIO.txt"))


def test_fixture_trace_matches_its_readme(cloud_bin, cloud_txt):
    assert len(cloud_bin) == len(cloud_txt) == 113_872
    assert cloud_bin.n_objects == cloud_txt.n_objects == 48_974
    assert int(cloud_bin.sizes.sum()) == 4_368_040_448


def test_expected_csv_exactly(cloud_bin, cloud_txt):
    """Every row of the fixture's expected.csv: LRU and FIFO by bytes, LRU by objects."""
    rows = list(csv.DictReader(open(fixture_path("libcachesim", "expected.csv"))))
    assert rows
    for row in rows:
        trace = cloud_bin if row["trace"].endswith(".bin") else cloud_txt
        unit = MiB if row["capacity_unit"] == "MiB" else 1
        by = "bytes" if row["capacity_unit"] == "MiB" else "objects"
        r = caching.simulate(trace, row["policy"], int(row["capacity"]) * unit, by=by)
        assert r.misses == int(row["misses"]), row


@pytest.mark.parametrize("policy", sorted(PUBLISHED))
def test_libcachesim_published_miss_counts_and_bytes(cloud_bin, policy):
    """S3-FIFO: libCacheSim keeps the paper's algorithm as S3FIFOv0 (the numbers of test_S3FIFOv0)."""
    misses, missed_bytes = PUBLISHED[policy]
    curve = caching.miss_ratio_curve(cloud_bin, policy, [m * MiB for m in SIZES_MIB], by="bytes")
    assert curve.misses.tolist() == misses
    assert curve.byte_misses.tolist() == missed_bytes
    assert caching.simulate(cloud_bin, policy, 256 * MiB, by="bytes").byte_misses == missed_bytes[1]


def test_lru_byte_curve_in_one_pass_matches_simulation(cloud_bin):
    """No object of the trace is near 128 MiB, so the byte stack distances are exact here."""
    curve = caching.lru_mrc(cloud_bin, by="bytes", capacities=[m * MiB for m in SIZES_MIB])
    assert np.rint(curve.miss_ratio * len(cloud_bin)).astype(int).tolist() == PUBLISHED["lru"][0]


def test_exact_lru_curve_by_objects_on_the_real_trace(cloud_txt):
    curve = caching.lru_mrc(cloud_txt)
    expected = {128: 99411, 256: 96397, 512: 95370, 1024: 94816}  # expected.csv
    for capacity, misses in expected.items():
        assert round(curve.miss_ratio.iloc[capacity - 1] * len(cloud_txt)) == misses
    assert len(curve) == cloud_txt.n_objects
    assert curve.miss_ratio.iloc[-1] == cloud_txt.n_objects / len(cloud_txt)  # only cold misses left


# --- against the slow references -------------------------------------------------------------------

REFERENCED = [p for p in POLICIES if p not in WITHOUT_REFERENCE]


def test_every_registered_policy_has_a_reference_and_a_published_number():
    for policy in REFERENCED:
        assert callable(getattr(naive, policy, None)), f"tests/naive.py needs a slow reference {policy}()"
    assert set(DETERMINISTIC) <= set(PUBLISHED), "each deterministic policy reproduces a published number"


requests = st.lists(st.tuples(st.integers(0, 14), st.integers(1, 9)), min_size=1, max_size=220)


@pytest.mark.parametrize("policy", REFERENCED)
@given(reqs=requests, capacity=st.integers(1, 40), by=st.sampled_from(["objects", "bytes"]))
@settings(max_examples=60, deadline=None)
def test_kernel_matches_reference(policy, reqs, capacity, by):
    keys = [k for k, _ in reqs]
    first = {}
    for k, s in reqs:  # an object keeps its size here (libCacheSim's traces are prepared that way)
        first.setdefault(k, s)
    sizes = [first[k] for k in keys]
    unit = [1] * len(keys)
    rule = getattr(POLICIES[policy], "min_capacity", None)
    if rule is not None:  # S3-FIFO: from the least capacity whose small queue holds an object
        capacity += rule(min(sizes) if by == "bytes" else 1) - 1
    trace = caching.Trace.from_keys(keys, sizes)
    expected = getattr(naive, policy)(keys, sizes if by == "bytes" else unit, capacity)
    assert caching.simulate(trace, policy, capacity, by=by).hits == expected


def test_s3fifo_promotes_what_was_hit_twice_in_small():
    """Algorithm 1, EVICTS: the tail of S moves to M if its frequency is > 1, else its id goes to G.

    Capacity 20: S's share is 2, M's 18, G's 18. Objects 0..19 fill the cache (all in S: nothing
    is evicted before it is full); 0 is then hit twice, 1 once. Object 20 makes the first eviction:
    0 moves to M, 1 goes to G (evicted). Object 21 evicts 2 to G. Then 0 hits in M, and 1 misses
    (a ghost, it is readmitted into M), so a second request for 1 hits.
    """
    keys = [*range(20), 0, 0, 1, 20, 21, 0, 1, 1]
    r = caching.simulate(caching.Trace(keys), "s3fifo", 20, window=1)
    assert r.hits_per_window[20:].tolist() == [1, 1, 1, 0, 0, 1, 0, 1]


def test_the_text_of_algorithm_1_read_literally_changes_little():
    """Where the pseudocode and the code behind the paper's results differ (see naive.s3fifo), the
    hit ratio moves by less than half a point on skewed traffic, scans and a real trace; but it
    does move, so the reference's reading of each difference is exercised."""
    traces = [
        caching.zipf(2_000, 0.8, 20_000, seed=1),
        caching.workload("zipf + scans", 2_000, 20_000, seed=1),
    ]
    changed = 0
    for trace in traces:
        keys, unit = trace.keys.tolist(), [1] * len(trace)
        for capacity in (50, 200, 1000):
            as_run = naive.s3fifo(keys, unit, capacity)
            assert as_run == caching.simulate(trace, "s3fifo", capacity).hits
            literal = naive.s3fifo(keys, unit, capacity, as_run=False)
            assert abs(literal - as_run) < 0.005 * len(trace)
            changed += literal != as_run
    assert changed >= 3


@given(reqs=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 50)), min_size=1, max_size=300))
@settings(max_examples=60, deadline=None)
def test_stack_distances_match_reference(reqs):
    keys = [k for k, _ in reqs]
    sizes = [s for _, s in reqs]
    trace = caching.Trace.from_keys(keys, sizes)
    assert caching.stack_distances(trace, "bytes").tolist() == naive.stack_distances(keys, sizes)
    assert caching.stack_distances(trace).tolist() == naive.stack_distances(keys, [1] * len(keys))


@given(st.integers(0, 2**32 - 1), st.integers(2, 300), st.integers(1, 3000))
@settings(max_examples=25, deadline=None)
def test_exact_lru_curve_equals_simulation_at_every_capacity(seed, n_objects, n_requests):
    trace = caching.zipf(n_objects, 0.9, n_requests, seed=seed)
    curve = caching.lru_mrc(trace)
    hits = caching.miss_ratio_curve(trace, "lru", curve.capacity.to_numpy())
    assert np.array_equal(curve.miss_ratio.to_numpy(), hits.miss_ratio.to_numpy())


@given(
    st.lists(st.integers(0, 12), min_size=1, max_size=150),
    st.lists(st.integers(1, 40), min_size=13, max_size=13),
    st.lists(st.integers(1, 90), min_size=1, max_size=6),
)
@settings(max_examples=60, deadline=None)
def test_lru_byte_curve_is_exact_even_below_the_largest_object(keys, object_sizes, capacities):
    """An object larger than a capacity is never admitted there, so it evicts nothing: the curve
    leaves it out at that capacity rather than count its bytes in everyone's stack distance."""
    trace = caching.Trace.from_keys(keys, [object_sizes[k] for k in keys])
    curve = caching.lru_mrc(trace, by="bytes", capacities=capacities)
    simulated = caching.miss_ratio_curve(trace, "lru", capacities, by="bytes")
    assert curve.capacity.tolist() == simulated.capacity.tolist()
    assert curve.miss_ratio.tolist() == simulated.miss_ratio.tolist()


def test_lru_byte_curve_refuses_objects_that_change_size():
    trace = caching.Trace.from_keys([1, 1, 2], [10, 90, 10])
    with pytest.raises(ValueError, match="trace must keep one size per object for lru_mrc by bytes"):
        caching.lru_mrc(trace, by="bytes", capacities=[50])


def test_stack_distances_survive_many_compactions():
    """The Fenwick tree renumbers its slots every ~2 x objects requests; distances must not drift."""
    trace = caching.zipf(20, 0.5, 5_000, seed=3)
    sizes = [1] * len(trace)
    assert caching.stack_distances(trace).tolist() == naive.stack_distances(trace.keys.tolist(), sizes)


# --- theory and classic results ------------------------------------------------------------------------


def test_che_approximation_published_values_and_simulation():
    """The issue's check: N = 10^4, Zipf 0.8, C = 100 and 1000 (Che et al. 2002)."""
    p = zipf_pmf(10_000, 0.8)
    assert caching.che_lru(p, 100) == pytest.approx(0.1566, abs=5e-5)
    assert caching.che_lru(p, 1000) == pytest.approx(0.4367, abs=5e-5)
    trace = caching.zipf(10_000, 0.8, 2_000_000, seed=11)
    for capacity in (100, 1000):
        assert abs(caching.simulate(trace, "lru", capacity).hit_ratio - caching.che_lru(p, capacity)) < 0.005
        fifo = caching.che_fifo(p, capacity)
        assert abs(caching.simulate(trace, "fifo", capacity).hit_ratio - fifo) < 0.005
        assert abs(caching.simulate(trace, "random", capacity, seed=2).hit_ratio - fifo) < 0.005


def test_che_characteristic_time_solves_its_equation():
    p = zipf_pmf(2_000, 1.1)
    caps = np.array([1.0, 10.0, 500.0, 1999.0])
    for kind in ("lru", "fifo"):
        T = caching.characteristic_time(p, caps, kind)
        occupancy = 1 - np.exp(-np.outer(p, T)) if kind == "lru" else np.outer(p, T) / (1 + np.outer(p, T))
        assert np.allclose(occupancy.sum(axis=0), caps, rtol=1e-9)
    assert caching.che_lru(p, 2_000) == 1.0 and caching.che_lru(p, 0) == 0.0


def test_fifo_shows_beladys_anomaly():
    """Belady, Nelson & Shedler, CACM 12(6), 1969: FIFO misses more with 4 frames than with 3."""
    trace = caching.Trace.from_keys([1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5])
    assert caching.simulate(trace, "fifo", 3).misses == 9
    assert caching.simulate(trace, "fifo", 4).misses == 10
    assert caching.simulate(trace, "lru", 3).misses >= caching.simulate(trace, "lru", 4).misses


def test_loop_just_larger_than_the_cache_defeats_lru():
    trace = caching.loop(1_100, 22_000)
    race = caching.policy_race(trace, 1_000)
    assert race["lru"].hits == race["fifo"].hits == race["clock"].hits == 0
    assert race["belady"].hit_ratio > 0.85
    assert 0 < race["random"].hit_ratio < race["belady"].hit_ratio


@given(st.integers(0, 2**32 - 1), st.integers(1, 60))
@settings(max_examples=30, deadline=None)
def test_belady_is_optimal_and_everyone_pays_cold_misses(seed, capacity):
    trace = caching.mix(caching.zipf(80, 0.9, 600, seed=seed), caching.scan(100), seed=seed)
    opt = caching.simulate(trace, "belady", capacity).misses
    distinct = int((trace.counts > 0).sum())
    for policy in POLICIES:
        if capacity >= getattr(POLICIES[policy], "min_capacity", lambda size: 1)(1):
            assert caching.simulate(trace, policy, capacity, seed=seed).misses >= opt >= distinct


@given(st.lists(st.integers(0, 4), min_size=1, max_size=11), st.integers(1, 4))
@settings(max_examples=80, deadline=None)
def test_belady_gets_the_most_hits_any_policy_could_with_equal_sizes(keys, capacity):
    """Against an exhaustive search over every choice of victims, not against another policy."""
    trace = caching.Trace.from_keys(keys)
    assert caching.simulate(trace, "belady", capacity).hits == naive.most_hits(
        keys, [1] * len(keys), capacity
    )


def test_belady_by_bytes_is_a_heuristic():
    """To fit C (3 bytes) in a cache of 4 holding A (1) and B (3), Belady evicts A, whose next use is
    furthest, which frees too little, then B as well; keeping A and evicting B alone (as LFU does)
    gets one hit more, and no policy gets more than that."""
    keys, sizes = list("AABCBA"), [1, 1, 3, 3, 3, 1]
    trace = caching.Trace.from_keys(keys, sizes)
    belady = caching.simulate(trace, "belady", 4, by="bytes").hits
    lfu = caching.simulate(trace, "lfu", 4, by="bytes").hits
    assert (belady, lfu, naive.most_hits(keys, sizes, 4)) == (1, 2, 2)
    assert caching.simulate(trace, "belady", 3).hits == naive.most_hits(keys, [1] * 6, 3)  # by objects


@pytest.mark.parametrize("policy", list(POLICIES))
def test_a_cache_holding_everything_misses_only_cold(policy):
    trace = caching.zipf(300, 0.7, 5_000, seed=4)
    r = caching.simulate(trace, policy, 10 * trace.n_objects)
    assert r.misses == int((trace.counts > 0).sum())


def test_an_object_larger_than_the_cache_is_not_admitted():
    trace = caching.Trace.from_keys([1, 1, 2, 2, 1], [50, 50, 5, 5, 50])
    for policy in DETERMINISTIC:
        capacity = 40 if policy != "s3fifo" else 60  # S3-FIFO's small queue (6) takes object 2 (5)
        r = caching.simulate(trace, policy, capacity, by="bytes")
        assert r.hits == 1, policy  # only the second request of object 2
        assert r.byte_misses == 50 + 50 + 5 + 50


def test_a_hit_keeps_the_size_of_the_first_request():
    """libCacheSim semantics: the stored size is the admitting request's, whatever later requests say."""
    trace = caching.Trace.from_keys([1, 1, 2, 3], [10, 90, 10, 10])
    assert caching.simulate(trace, "lru", 25, by="bytes").hits == 1
    after = caching.simulate(trace.head(4), "fifo", 25, by="bytes", window=1)
    assert after.hits_per_window.tolist() == [0, 1, 0, 0]


def test_random_is_reproducible_and_thread_count_free():
    import numba

    trace = caching.zipf(1_000, 0.8, 30_000, seed=1)
    a = caching.miss_ratio_curve(trace, "random", [10, 50, 200], seed=5, workers=2)
    numba.set_num_threads(1)
    try:
        b = caching.miss_ratio_curve(trace, "random", [10, 50, 200], seed=5, workers=1)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert a.equals(b)
    assert caching.simulate(trace, "random", 50, seed=5).misses == a.misses[1]
    assert caching.simulate(trace, "random", 50, seed=6).misses != a.misses[1]


def test_windows_add_up_and_compare_stacks_all_policies():
    trace = caching.zipf(500, 1.0, 10_001, seed=2)
    r = caching.simulate(trace, "sieve", 50, window=1_000)
    assert r.hits_per_window.size == 11 and r.hits_per_window.sum() == r.hits
    over = r.over_time()
    assert over.request.iloc[-1] == len(trace)
    table = caching.compare(trace, [5, 50])
    assert set(table.policy) == set(POLICIES)
    assert table[table.policy == "s3fifo"].capacity.tolist() == [50]  # below its minimum, left out


# --- against the libcachesim package, when it is installed -----------------------------------------

LIBCACHESIM = {
    "lru": "LRU",
    "fifo": "FIFO",
    "lfu": "LFU",
    "clock": "Clock",
    "sieve": "Sieve",
    "s3fifo": "S3FIFOv0",
    "arc": "ARC",
    "belady": "Belady",
}


def _libcachesim():
    if importlib.util.find_spec("libcachesim") is None:
        pytest.skip("the libcachesim package is not installed (the test extra has it on Linux x86-64 only)")
    import libcachesim

    return libcachesim


def _their_miss_ratio(lcs, name: str, capacity: int, path: str, kind) -> float:
    """libcachesim's miss ratio; S3FIFOv0 (the paper's S3-FIFO) has no Python class, only its C
    constructor, which the package exposes beside the classes."""
    if name == "S3FIFOv0":
        from libcachesim.cache import CacheBase, _create_common_params
        from libcachesim.libcachesim_python import S3FIFOv0_init

        cache = CacheBase(_cache=S3FIFOv0_init(_create_common_params(capacity)))
    else:
        cache = getattr(lcs, name)(capacity)
    miss_ratio, _ = cache.process_trace(lcs.TraceReader(path, kind))
    return miss_ratio


@pytest.mark.parametrize("seed", [0, 1])
def test_same_misses_as_libcachesim_on_sized_synthetic_traces(seed):
    lcs = _libcachesim()
    trace = caching.mix(
        caching.zipf(2_000, 0.9, 30_000, seed=seed), caching.scan(3_000), caching.loop(400, 6_000), seed=seed
    )
    trace = caching.with_sizes(trace, LogNormal.from_median(1_000, 1.5), seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = caching.save_trace(trace, Path(tmp) / "synthetic.oracleGeneral.bin")
        loaded = caching.load_trace(path)
        for policy, name in LIBCACHESIM.items():
            for fraction in (0.002, 0.02, 0.3):
                capacity = int(loaded.footprint_bytes * fraction)
                kind = lcs.TraceType.ORACLE_GENERAL_TRACE
                miss_ratio = _their_miss_ratio(lcs, name, capacity, str(path), kind)
                ours = caching.simulate(loaded, policy, capacity, by="bytes")
                assert ours.misses == round(miss_ratio * len(loaded)), (policy, fraction)


def test_same_misses_as_libcachesim_by_objects(cloud_txt):
    lcs = _libcachesim()
    path = str(fixture_path("libcachesim", "cloudPhysicsIO.txt"))
    for policy, name in LIBCACHESIM.items():
        if policy == "belady":
            continue  # a plain-text trace carries no next-access times for libcachesim
        for capacity in (20, 77, 3000):
            miss_ratio = _their_miss_ratio(lcs, name, capacity, path, lcs.TraceType.PLAIN_TXT_TRACE)
            ours = caching.simulate(cloud_txt, policy, capacity)
            assert ours.misses == round(miss_ratio * len(cloud_txt)), (policy, capacity)


def test_random_agrees_with_libcachesim_statistically(cloud_bin):
    """Different random draws, same policy: miss ratios within a few standard errors."""
    lcs = _libcachesim()
    path = str(fixture_path("libcachesim", "cloudPhysicsIO.oracleGeneral.bin"))
    for mib in (256, 1024):
        reader = lcs.TraceReader(path, lcs.TraceType.ORACLE_GENERAL_TRACE)
        theirs, _ = lcs.Random(mib * MiB).process_trace(reader)
        runs = [caching.simulate(cloud_bin, "random", mib * MiB, by="bytes", seed=s) for s in range(5)]
        ours = [r.miss_ratio for r in runs]
        assert abs(np.mean(ours) - theirs) < 0.01


# --- input checks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t: caching.simulate(t, "lru2", 10), "policy must be one of"),
        (lambda t: caching.simulate(t, "lru", 0), "capacity must be an integer"),
        (lambda t: caching.simulate(t, "lru", 1.5), "capacity must be an integer"),
        (lambda t: caching.simulate(t, "s3fifo", 19), "capacity must be at least 20 objects for 's3fifo'"),
        (lambda t: caching.simulate(t, "lru", 10, by="items"), "by must be one of"),
        (lambda t: caching.simulate(t, "lru", 10, by="bytes"), "by='bytes' needs object sizes"),
        (lambda t: caching.simulate([1, 2], "lru", 10), "trace must be a kit.caching Trace"),
        (lambda t: caching.simulate(t, "lru", 10, window=0), "window must be an integer"),
        (
            lambda t: caching.miss_ratio_curve(t, "s3fifo", [2, 5]),
            "capacities must include one of at least 20",
        ),
        (lambda t: caching.lru_mrc(t, by="bytes"), "by='bytes' needs object sizes"),
        (lambda t: caching.capacity_grid(t, points=1), "points must be an integer"),
        (lambda t: caching.che_lru([], 10), "popularity must be a non-empty vector"),
        (lambda t: caching.che_lru([0.5, -0.1], 10), "popularity must be a non-empty vector"),
        (lambda t: caching.che_lru([0.5, 0.5], -1), "capacity must be between 0"),
        (lambda t: caching.compare(t, [10], policies=[]), "policies must name at least one"),
        (lambda t: caching.compare(t, [10], policies=["lru", "mru"]), "policies must be one of"),
        (
            lambda t: caching.miss_ratio_curve(t, "lru", []),
            r"capacities must list at least one .*capacities=\[\]",
        ),
        (lambda t: caching.miss_ratio_curve(t, "lru", [[10, 20]]), "capacities must list"),
        (lambda t: caching.miss_ratio_curve(t, "lru", range(20_000)), "config.CACHING_MAX_CAPACITIES"),
        (lambda t: caching.capacity_grid(t, low=float("nan")), "low must be a number"),
        (lambda t: caching.capacity_grid(t, low=2.0), "low must be between"),
        (
            lambda t: caching.simulate(caching.with_sizes(t, Constant(5.0)), "s3fifo", 50, by="bytes"),
            "capacity must be at least 60 bytes for 's3fifo'.*smallest here is 5 bytes",
        ),
        (lambda t: caching.che_lru(zipf_pmf(10**4, 1.0), range(20_000)), "config.CACHING_MAX_CHE_CELLS"),
        (lambda t: caching.che_lru([0.5, 0.5], float("nan")), "capacity must be between"),
        (lambda t: caching.policy_race(t, 20, windows=0), "windows must be an integer"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call(caching.zipf(100, 0.8, 500, seed=1))
