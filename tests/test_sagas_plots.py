"""Sagas figures and the kernels without numba."""

import os
import subprocess
import sys

import pytest

from kit import sagas
from kit.sagas import Faults, examples
from kit.ui import theme
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def compared():
    return sagas.compare(
        examples.travel_booking(), 2_000, seed=1, faults=Faults(crash_p=0.05, comp_permanent_p=0.2)
    )


def test_outcomes_stack_to_one_per_protocol(compared):
    fig = sagas.plots.outcomes({p: compared[compared.protocol == p] for p in ("orchestration", "2pc")})
    totals = [sum(bar.y[i] for bar in fig.data) for i in range(2)]
    assert totals == pytest.approx([1.0, 1.0])
    assert {bar.name for bar in fig.data} >= {"committed", "aborted"}
    assert "msgs/run" in fig.data[0].x[0]


def test_cdf_reaches_every_run_stuck_ones_at_their_repair(compared):
    fig = sagas.plots.cdf(compared, "inconsistency_ms")
    curves = {trace.name: trace for trace in fig.data}
    stuck = compared[(compared.protocol == "orchestration") & (compared.outcome == "stuck")]
    assert len(stuck) > 0
    orch = curves["orchestration"]
    assert max(orch.y) == pytest.approx(1.0)
    # the stuck runs are the last to become consistent, a person's repair after they got stuck
    assert max(orch.x) == pytest.approx(stuck.inconsistency_ms.max())
    assert stuck.inconsistency_ms.min() > Faults().repair_ms * 0.9
    with pytest.raises(ValueError, match="column must be one of"):
        sagas.plots.cdf(compared, "speed")


def test_summary_table_shows_the_numbers_behind_the_curves(compared):
    table = sagas.summary(compared)
    assert list(table.index) == list(sagas.PROTOCOLS)
    orch = compared[compared.protocol == "orchestration"]
    assert table.loc["orchestration", "latency_p99_ms"] == pytest.approx(orch.latency_ms.quantile(0.99))
    assert table.loc["orchestration", "stuck"] == pytest.approx((orch.outcome == "stuck").mean())
    fig = sagas.plots.summary(table)
    cells = fig.data[0].cells.values
    assert len(cells) == 4 and cells[1][2] == f"{table.loc['orchestration', 'latency_p50_ms']:,.0f}"


def test_anomalies_figure_has_a_bar_group_per_countermeasure():
    table = sagas.anomalies(examples.travel_booking(p_permanent=0.1), runs=2_000, seed=1)
    fig = sagas.plots.anomalies(table)
    assert len(fig.data) == 5 and all(len(bar.x) == len(sagas.COUNTERMEASURES) for bar in fig.data)
    dirty = next(bar for bar in fig.data if bar.name == "dirty reads")
    assert list(dirty.y) == list(table.dirty_reads)


def test_gantt_rows_are_services_and_the_starter_on_top():
    saga = examples.travel_booking(mode="choreography")
    fig = sagas.plots.gantt(sagas.trace(saga, 1, seed=2), 0)
    assert list(fig.layout.yaxis.categoryarray)[-1] == "initiator"
    assert set(fig.layout.yaxis.categoryarray) == {"initiator", *saga.services}


def arrows(fig) -> dict[str, tuple[list, str]]:
    """``{trace name: ([(sender, receiver) per arrowhead], colour)}`` of a timeline's message traces."""
    out = {}
    for t in fig.data:
        if t.type == "scatter" and t.marker.symbol == "arrow":
            heads = [i for i, size in enumerate(t.marker.size) if size]
            out[t.name] = ([(t.y[i - 1], t.y[i]) for i in heads], t.line.color)
    return out


def test_gantt_draws_each_message_as_an_arrow_from_sender_to_receiver_red_when_lost():
    # catches: arrows reversed, lost messages drawn grey, messages dropped or drawn twice
    events = sagas.trace(examples.travel_booking(), 3, seed=5, faults=Faults(loss_p=0.3))
    drawn = {"message": 0, "lost message": 0}
    for run in range(3):
        messages = events[(events.run == run) & (events.kind == "message")].head(sagas.plots.MAX_ARROWS)
        got = arrows(sagas.plots.gantt(events, run))
        for name, colour, rows in (
            ("message", theme.GREY, messages[messages.result != "lost"]),
            ("lost message", theme.VERMILLION, messages[messages.result == "lost"]),
        ):
            pairs, drawn_colour = got.get(name, ([], colour))
            assert sorted(pairs) == sorted(zip(rows.src, rows.dst, strict=True))
            assert drawn_colour == colour
            drawn[name] += len(pairs)
    assert all(drawn.values())  # both kinds occur


def test_kernels_run_as_plain_python():
    """NUMBA_DISABLE_JIT=1 runs every kernel of the topic as Python, with the same answers."""
    code = (
        "from kit import sagas\n"
        "from kit.sagas import Faults, examples\n"
        "f = Faults(crash_p=0.1, loss_p=0.1, dup_p=0.1, comp_fail_p=0.2)\n"
        "saga = examples.travel_booking(p_permanent=0.2)\n"
        "for mode in ('orchestration', 'choreography'):\n"
        "    print(sagas.simulate(saga, 300, 1, f, mode).latency_ms.sum())\n"
        "    print(len(sagas.trace(saga, 2, 1, f, mode)))\n"
        "print(sagas.simulate_2pc(saga, 300, 1, f).lock_ms.sum())\n"
        "print(sagas.simulate_outbox(saga, 300, 1, f).duplicate_deliveries.sum())\n"
        "print(sagas.anomalies(saga, runs=300, seed=1, faults=f).to_numpy().sum())\n"
    )
    runs = {}
    for jit in ("0", "1"):
        env = {**os.environ, "NUMBA_DISABLE_JIT": jit, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        runs[jit] = [float(x) for x in out.stdout.split()]
    assert runs["0"] == pytest.approx(runs["1"], rel=1e-9)


def _crashed_run():
    """A trace run with a coordinator down much longer than its steps take."""
    faults = Faults(crash_p=0.3, downtime=5_000.0)
    events = sagas.trace(examples.travel_booking(), 10, seed=1, faults=faults)
    for run in range(10):
        ev = events[events.run == run]
        down = ev[ev.kind == "down"]
        if len(down) == 1 and (down.t1_ms - down.t0_ms).iloc[0] > 2_000:
            return events, run, ev, down.iloc[0]
    raise AssertionError("no run with one long crash")


def test_gantt_draws_a_long_crash_shortened_and_labels_real_times():
    events, run, ev, down = _crashed_run()
    fig = sagas.plots.gantt(events, run)
    band = next(s for s in fig.layout.shapes if s.type == "rect")
    busy = ev.t1_ms.max() - (down.t1_ms - down.t0_ms)
    # the band is as wide as a share of the rest of the run, not the seconds it lasted
    assert band.x1 - band.x0 == pytest.approx(sagas.plots.SHOWN_DOWN * busy)
    assert band.x0 == pytest.approx(down.t0_ms)  # before the crash the axis runs at true scale
    removed = (down.t1_ms - down.t0_ms) - (band.x1 - band.x0)
    after = ev[(ev.kind == "action") & (ev.t0_ms >= down.t1_ms)]
    bars = [b for b in fig.data if b.type == "bar"]
    bases = sorted(x for b in bars for x in b.base)
    assert bases[-1] == pytest.approx(after.t0_ms.max() - removed)  # ... and after it, shifted by the cut
    hover = sorted(c[0] for b in bars for c in b.customdata)
    assert hover[-1] == pytest.approx(after.t0_ms.max())  # hover says the real time
    # every tick label is the real time at its position
    for x, label in zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext, strict=True):
        real = x if x <= band.x0 else x + removed
        assert float(label.replace(",", "")) == pytest.approx(real, abs=0.5)
        assert not band.x0 < x < band.x1  # no tick inside the shortened stretch
    assert any(f"down {(down.t1_ms - down.t0_ms) / 1000:,.1f} s" == a.text for a in fig.layout.annotations)


def test_moved_gives_each_median_change_from_the_start(compared):
    start = sagas.summary(compared)
    crashier = sagas.compare(
        examples.travel_booking(), 2_000, seed=1, faults=Faults(crash_p=0.1, comp_permanent_p=0.2)
    )
    table = sagas.summary(crashier)
    fig = sagas.plots.moved(table, start)
    latency = next(b for b in fig.data if b.name == "median latency")
    expected = table.latency_p50_ms / start.latency_p50_ms - 1
    assert list(latency.y) == pytest.approx(list(expected))
    assert latency.y[list(latency.x).index("2pc")] > 0.2  # more rounds that can crash: 2PC pays most
    assert not fig.layout.annotations
    assert "starting settings" in sagas.plots.moved(start, start).layout.annotations[0].text
