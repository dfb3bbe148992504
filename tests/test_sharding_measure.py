import math

import numpy as np
import plotly.graph_objects as go
import pytest

from kit import config, exercises, sharding
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


# --- scatter-gather -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n, c", [(16, 10), (8, 1), (4, 40), (32, 5)])
def test_shards_touched_matches_balls_in_bins(n, c):
    sg = sharding.scatter_gather(n, c, "jump", queries=4000, seed=2)
    se = max(sg.touched.std(), 1.0) / math.sqrt(sg.touched.size)  # floor: a sample may not vary at all
    assert abs(sg.mean - sg.theory) < 4 * se
    assert sg.theory == pytest.approx(n * (1 - (1 - 1 / n) ** c))
    assert sg.touched.min() >= 1 and sg.touched.max() <= min(n, c)


def test_scatter_gather_slowness_follows_the_fanout_formula():
    sg = sharding.scatter_gather(16, 1, "mod", queries=100, seed=1)
    assert sg.p_slow(0.01) == pytest.approx(0.01)
    wide = sharding.scatter_gather(16, 200, "mod", queries=200, seed=1)
    assert wide.p_slow(0.01) == pytest.approx(1 - 0.99**16, rel=1e-6)  # 200 rows cover all 16 shards
    curve = sharding.scatter_gather_curve(8, items=[1, 4, 16])
    assert list(curve["items"]) == [1, 4, 16] and np.all(np.diff(curve.theory) > 0)


# --- resharding timeline -----------------------------------------------------------------------------------


def test_timeline_4_to_16_moves_what_theory_says():
    df = sharding.reshard_timeline(KEYS, ["mod", "jump", "ring", "range"], 4, 16)
    assert len(df) == 4 * 12
    for name, rows in df.groupby("strategy"):
        assert list(rows.nodes_after) == list(range(5, 17))
        assert np.allclose(rows.cumulative_moved, np.cumsum(rows.moved))
        rel = 0.04 if name in ("mod", "jump") else 0.5
        assert np.allclose(rows.moved, rows.theory, rtol=rel), name
    jump = df[df.strategy == "jump"]
    assert jump.cumulative_moved.iloc[-1] == pytest.approx(sum(1 / n for n in range(5, 17)), rel=0.05)
    mod = df[df.strategy == "mod"]
    assert mod.cumulative_moved.iloc[-1] > 10  # the data set moved ten times over


def test_timeline_shrinks_too_and_rejects_what_it_cannot_do():
    df = sharding.reshard_timeline(KEYS, "ring", 6, 3, vnodes=50)
    assert list(df.nodes_after) == [5, 4, 3]
    with pytest.raises(ValueError, match="n_to must differ"):
        sharding.reshard_timeline(KEYS, "ring", 4, 4)
    with pytest.raises(ValueError, match="no scheme among mod takes vnodes"):
        sharding.reshard_timeline(KEYS, "mod", 4, 5, vnodes=5)
    with pytest.raises(ValueError, match="leave weights out"):
        sharding.reshard_timeline(KEYS, "ring", 4, 5, weights=[1, 1, 1, 1, 1])


# --- the ring figure's data, and the figures --------------------------------------------------------------


@pytest.mark.parametrize("strategy", list(sharding.STRATEGIES))
def test_ring_view_and_every_figure_build(strategy):
    params = {"vnodes": 20} if "vnodes" in sharding.STRATEGIES[strategy].params else {}
    view = sharding.ring_view(KEYS, strategy, 5, sample=300, **params)
    assert view.key_at.size == 300 and np.all((view.key_at >= 0) & (view.key_at <= 1))
    if view.arc_owner.size:
        lengths = (view.arc_end - view.arc_start) % 1.0
        assert lengths.sum() == pytest.approx(1.0)
    figures = [
        sharding.plots.ring(view),
        sharding.plots.loads(sharding.loads(KEYS, strategy, 5, **params)),
        sharding.plots.traffic(sharding.read_traffic(KEYS, strategy, 5, **params)),
        sharding.plots.timeline(sharding.reshard_timeline(KEYS, strategy, 2, 5, **params), strategy),
    ]
    assert all(isinstance(f, go.Figure) and f.data for f in figures)


def test_ring_figure_zooms_to_a_sector_when_the_ring_is_crowded():
    config.SHARDING_RING_PLOT_ARCS = 50
    fig = sharding.plots.ring(sharding.ring_view(KEYS, "ring", 10, vnodes=100))
    assert "of the circle" in fig.layout.title.text
    assert len(fig.data[0].theta) <= 50 and fig.layout.polar.sector[1] < 360


def test_curve_cure_and_scatter_figures_build():
    curve = sharding.reshard_timeline(np.arange(5000), list(sharding.STRATEGIES), 1, 6)
    fig = sharding.plots.moved_curve(curve)
    assert len(fig.data) == len(sharding.STRATEGIES) + 2
    assert isinstance(sharding.plots.cures(sharding.compare_cures(KEYS, "ring", 8)), go.Figure)
    assert isinstance(sharding.plots.scatter_gather(sharding.scatter_gather_curve(8, [1, 8])), go.Figure)


# --- exercises ----------------------------------------------------------------------------------------------


def test_the_labs_exercises_are_registered_and_their_answers_check():
    questions = {q.id: q for q in exercises.questions("03_sharding")}
    assert len(questions) >= 4
    assert exercises.check("03_sharding", "mod-grow", 10 / 11).correct
    assert not exercises.check("03_sharding", "mod-grow", 1 / 11).correct
    assert exercises.check("03_sharding", "ring-spread", 0.1).correct
    assert exercises.check("03_sharding", "timestamp-hotspot", "about 90%").correct
    assert not exercises.check("03_sharding", "timestamp-hotspot", "50%").correct
    assert exercises.check("03_sharding", "scatter-gather", 7.6).correct
    assert exercises.check("03_sharding", "bounded-capacity", 157).correct
    assert not exercises.check("03_sharding", "bounded-capacity", 156).correct
    pick = questions["hot-key-cure"]
    assert pick.configs[pick.options.index("method=replicate, copies=4")]["method"] == "replicate"
    assert exercises.check("03_sharding", "hot-key-cure", "method=replicate, copies=4").correct


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sharding.loads(KEYS, "mod", 4, alpha=-1), "alpha must be between 0 and 10"),
        (lambda: sharding.hot_key_cure(KEYS, "range", 4), "strategy must be one of 'mod', 'ring'"),
        (lambda: sharding.hot_key_cure(KEYS, "ring", 4, method="cache"), "method must be one of"),
        (
            lambda: sharding.hot_key_cure(KEYS, "ring", 4, "replicate", 5),
            "copies must be an integer between 1 and 4",
        ),
        (
            lambda: sharding.hot_key_cure(KEYS, "ring", 4, read_fraction=2),
            "read_fraction must be between 0 and 1",
        ),
        (
            lambda: sharding.read_traffic(KEYS, "ring", 4, requests=10, windows=20),
            "windows must be an integer",
        ),
        (lambda: sharding.scatter_gather(0, 3), "nodes must be an integer"),
        (lambda: sharding.scatter_gather(4, 0), "items must be an integer"),
        (lambda: sharding.ring_view(KEYS, "ring", 4, sample=0), "sample must be an integer"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
