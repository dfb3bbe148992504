"""The lab's figures: they show what the results hold, and mark faults where they were."""

import numpy as np
import pytest

from kit import consistency
from kit.consistency import Crash, History, Partition, check_linearizable, classify, plots
from kit.ui import theme


def test_pbs_curves_draw_each_configuration_and_mark_the_chosen_one():
    every = consistency.pbs_all(3, "lnkd-ssd", trials=5000, seed=1)
    partial = [r for r in every if not r.strict]
    mine = every[0]
    fig = plots.pbs_curves(partial, mine, p=0.99)
    names = [t.name for t in fig.data]
    assert sum("(yours)" in n for n in names) == 1 and len(fig.data) == len(partial) + 1
    yours = next(t for t in fig.data if "(yours)" in t.name)
    assert np.allclose(yours.y, mine.p_consistent(np.asarray(yours.x)))
    marker = fig.data[-1]
    assert marker.x[0] == mine.t_visibility(0.99)


def test_tradeoff_puts_strict_quorums_at_zero_staleness():
    table = consistency.pbs_tradeoff(3, "lnkd-disk", trials=5000, seed=1)
    fig = plots.pbs_tradeoff(table, highlight=(2, 1))
    strict = next(t for t in fig.data if t.name.startswith("strict"))
    assert len(strict.y) == int(table.strict.sum()) and all(y == 0 for y in strict.y)
    assert fig.data[-1].name == "yours: R=2, W=1"


def test_cap_timeline_has_a_panel_per_run_and_shades_the_partition():
    cut = [Partition(200, 600, (2,), (2,))]
    runs = consistency.compare(
        ["leader-sync (CP)", "multi-leader (AP)"], partitions=cut, duration_ms=1000, seed=2
    )
    fig = plots.cap_timeline(runs, bin_ms=100)
    assert [a.text for a in fig.layout.annotations] == list(runs)
    assert len(fig.data) == 4  # availability and stale reads, per panel
    shaded = [(s.x0, s.x1) for s in fig.layout.shapes]
    assert shaded == [(200, 600), (200, 600)]
    ap_availability = fig.data[2].y
    assert np.nanmin(ap_availability) == 1.0


def test_divergence_follows_the_samples_and_shades_crashes():
    r = consistency.simulate("multi-leader", crashes=[Crash(1, 100, 400)], duration_ms=800, seed=3)
    fig = plots.divergence({"AP": r})
    assert np.array_equal(fig.data[0].y, r.divergence) and np.array_equal(fig.data[0].x, r.sample_t_ms)
    assert any(s.x0 == 100 and s.x1 == 400 for s in fig.layout.shapes)
    single = plots.divergence(r)
    assert single.data[0].name == "multi-leader"


def test_timeline_marks_the_blocked_operation_and_the_order():
    h = History.from_ops(
        [(0, "w", 200, None, 0, 100), (1, "r", None, 200, 10, 30), (2, "r", None, 0, 40, 90)], initial=0
    )
    fig = plots.timeline(check_linearizable(h))
    names = {t.name for t in fig.data}
    assert {"could not be linearised", "longest linearisable prefix"} <= names
    ok = plots.timeline(check_linearizable(h.select([0, 1])))
    order = next(t for t in ok.data if t.name == "linearisation order")
    assert list(order.x) == sorted(order.x)
    assert plots.timeline(h).data  # a bare history draws too
    with pytest.raises(TypeError, match="subject must be"):
        plots.timeline([1, 2])


def test_timeline_draws_replica_states_and_bounds_its_size():
    from kit.consistency import simulate

    r = simulate("quorum", R=1, W=1, duration_ms=400.0, seed=2)
    fig = plots.timeline(check_linearizable(r.history), max_ops=30)
    assert any(t.name and t.name.startswith("replica") for t in fig.data)
    bars = [t for t in fig.data if t.mode == "lines" and not t.name.startswith("replica")]
    assert 0 < sum(len(t.x) // 3 for t in bars) <= 30  # each bar is (start, end, gap)


def test_replica_panel_writes_each_replicas_value():
    """The lower panel shows the value each replica holds, as its text says: labels, not bare bars."""
    r = consistency.simulate("quorum", R=1, W=1, duration_ms=60.0, settle_ms=10.0, seed=2)
    fig = plots.timeline(check_linearizable(r.history))
    (labels,) = [t for t in fig.data if t.mode == "text" and t.yaxis == "y2"]
    shown = {v for v in labels.text if v}  # a label without room moves to its point's hover
    written = {str(v) for v in r.history.replicas.value}
    assert shown <= written and len(shown) > 2
    assert set(labels.y) == {"replica 0", "replica 1", "replica 2"}
    for lane, text, hover in zip(labels.y, labels.text, labels.hovertext, strict=True):
        assert hover.startswith(f"{lane} holds ") and (not text or hover == f"{lane} holds {text}")


def test_timeline_says_what_its_clock_counts():
    """Milliseconds for the simulator's histories, the event's place for a log; never a bare axis."""
    ms = consistency.simulate("quorum", duration_ms=30.0, settle_ms=5.0, seed=1).history
    log = History.from_ops([(0, "w", 1, None, 0, 1)], initial=0, source="knossos-edn")
    assert plots.timeline(ms).layout.xaxis.title.text == "time (ms)"
    assert "event number" in plots.timeline(log).layout.xaxis.title.text


def test_hierarchy_draws_every_implication_and_the_verdicts():
    c = classify(History.from_sessions({"P1": ["w(x)1", "r(y)0"], "P2": ["w(y)1", "r(x)0"]}, initial=0))
    fig = plots.hierarchy(c)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == sum(len(v) for v in consistency.IMPLIES.values())
    assert "Strongest that holds: causal" in fig.layout.title.text  # the answer, where a learner looks first
    fills = {t.name: t.marker.color for t in fig.data if t.legendgroup == "fill"}
    assert fills == {"holds": theme.GREEN, "fails": "white", "unknown": theme.GREY}


def test_failover_marks_each_new_leader_and_the_outage():
    cut = [Partition.cutting("leader alone", 500, 1500, N=3, clients=3)]
    r = consistency.simulate("leader-sync", partitions=cut, seed=2)
    fig = plots.failover(r)
    lines = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1]
    assert len(lines) == int((r.leaders.t_ms > 0).sum()) >= 1
    outage = r.outages().iloc[0]
    assert any(f"no answer for {outage.length_ms:.0f} ms" in a.text for a in fig.layout.annotations)
    with pytest.raises(TypeError, match="result must be a SimResult"):
        plots.failover("run")
