"""Sagas figures and the kernels without numba."""

import os
import subprocess
import sys

import pytest

from kit import sagas
from kit.sagas import Faults, examples
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
