"""What the app draws comes from the api: explore(), its cache, and the answer to the app's question."""

import numpy as np
import pandas as pd
import pytest

from kit import config, sharding

N_KEYS = 20_000


@pytest.fixture(autouse=True)
def _config():
    yield
    config.reset()


def test_explore_reports_what_a_change_moved_and_where_the_keys_went():
    ids = np.arange(N_KEYS)
    ring = sharding.explore("ring", 9, 100, N_KEYS, 0.99, 0.25, from_nodes=8)
    assert ring.change.moved == sharding.moved_fraction(ids, "ring", 8, 9, vnodes=100)
    assert ring.change.theory == pytest.approx(1 / 9)
    assert ring.change.arrived.sum() == pytest.approx(ring.change.moved)
    assert np.flatnonzero(ring.change.arrived).tolist() == [8]  # a ring sends keys to the new node only
    mod = sharding.explore("mod", 9, 100, N_KEYS, 0.99, 0.25, from_nodes=8)
    assert np.count_nonzero(mod.change.arrived) == 9  # mod-N reshuffles keys onto every node
    bounded = sharding.explore("bounded", 9, 10, N_KEYS, 0.99, 0.05, from_nodes=8)
    assert bounded.change.theory == sharding.moved_theory("bounded", 8, 9, vnodes=10, eps=0.05)
    assert sharding.explore("ring", 9, 100, N_KEYS, 0.99, 0.25).change is None
    assert sharding.explore("ring", 9, 100, N_KEYS, 0.99, 0.25, from_nodes=9).change is None


def test_the_load_figure_answers_the_apps_question_in_its_data():
    e = sharding.explore("ring", 9, 100, N_KEYS, 0.99, 0.25, from_nodes=8)
    fig = sharding.plots.loads(e.loads, e.change)
    assert len(fig.data) == 3 and sum(fig.data[2].y) == pytest.approx(e.change.moved)
    assert f"moved {e.change.moved:.1%} of the keys (theory {e.change.theory:.1%})" in fig.layout.title.text
    assert len(sharding.plots.loads(e.loads).data) == 2


def test_explore_caches_the_resharding_tables_by_their_inputs():
    first = sharding.explore("ring", 8, 50, 5000, 0.5, 0.25)
    other_skew = sharding.explore("ring", 8, 50, 5000, 1.2, 0.25)  # skew changes neither table
    pd.testing.assert_frame_equal(first.curve, other_skew.curve)
    pd.testing.assert_frame_equal(first.timeline, other_skew.timeline)
    first.curve.loc[0, "moved"] = -1.0  # a caller's edit does not reach the cache
    assert sharding.explore("ring", 8, 50, 5000, 0.5, 0.25).curve.moved.min() >= 0
    config.SHARDING_TIMELINE = (2, 4)  # the settings it reads are part of the key
    assert sharding.explore("ring", 8, 50, 5000, 0.5, 0.25).timeline.nodes_after.tolist() == [3, 4]
    config.SHARDING_CURVE_KEYS = 3000
    assert not sharding.explore("ring", 8, 50, 5000, 0.5, 0.25).curve.moved.equals(other_skew.curve.moved)


def test_the_app_shows_what_add_node_moved():
    app = sharding.ShardingApp()
    assert not hasattr(app, "cache")  # the app keeps no results of its own
    next(b for b in app.buttons if b.description == "add node").click()
    assert app.last_error is None
    n = config.SHARDING_NODES
    expected = sharding.moved_fraction(np.arange(config.SHARDING_KEYS), "ring", n, n + 1)
    loads = app.figure_widgets[1]
    assert sum(loads.data[2].y) == pytest.approx(expected)
    assert f"{n} → {n + 1} nodes moved {expected:.1%}" in loads.layout.title.text
