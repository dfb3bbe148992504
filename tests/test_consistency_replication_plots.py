"""Figures of replication: they show what the results hold, and mark faults where they were."""

import numpy as np

from kit import consistency
from kit.consistency import Crash, Partition, replication_plots


def test_pbs_curves_draw_each_configuration_and_mark_the_chosen_one():
    every = consistency.pbs_all(3, "lnkd-ssd", trials=5000, seed=1)
    partial = [r for r in every if not r.strict]
    mine = every[0]
    fig = replication_plots.pbs_curves(partial, mine, p=0.99)
    names = [t.name for t in fig.data]
    assert sum("(yours)" in n for n in names) == 1 and len(fig.data) == len(partial) + 1
    yours = next(t for t in fig.data if "(yours)" in t.name)
    assert np.allclose(yours.y, mine.p_consistent(np.asarray(yours.x)))
    marker = fig.data[-1]
    assert marker.x[0] == mine.t_visibility(0.99)


def test_tradeoff_puts_strict_quorums_at_zero_staleness():
    table = consistency.pbs_tradeoff(3, "lnkd-disk", trials=5000, seed=1)
    fig = replication_plots.pbs_tradeoff(table, highlight=(2, 1))
    strict = next(t for t in fig.data if t.name.startswith("strict"))
    assert len(strict.y) == int(table.strict.sum()) and all(y == 0 for y in strict.y)
    assert fig.data[-1].name == "yours: R=2, W=1"


def test_cap_timeline_has_a_panel_per_run_and_shades_the_partition():
    cut = [Partition(200, 600, (2,), (2,))]
    runs = consistency.compare(
        ["leader-sync (CP)", "multi-leader (AP)"], partitions=cut, duration_ms=1000, seed=2
    )
    fig = replication_plots.cap_timeline(runs, bin_ms=100)
    assert [a.text for a in fig.layout.annotations] == list(runs)
    assert len(fig.data) == 4  # availability and stale reads, per panel
    shaded = [(s.x0, s.x1) for s in fig.layout.shapes]
    assert shaded == [(200, 600), (200, 600)]
    ap_availability = fig.data[2].y
    assert np.nanmin(ap_availability) == 1.0


def test_divergence_follows_the_samples_and_shades_crashes():
    r = consistency.simulate("multi-leader", crashes=[Crash(1, 100, 400)], duration_ms=800, seed=3)
    fig = replication_plots.divergence({"AP": r})
    assert np.array_equal(fig.data[0].y, r.divergence) and np.array_equal(fig.data[0].x, r.sample_t_ms)
    assert any(s.x0 == 100 and s.x1 == 400 for s in fig.layout.shapes)
    single = replication_plots.divergence(r)
    assert single.data[0].name == "multi-leader"
