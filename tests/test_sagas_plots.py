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


def test_cdf_stops_below_one_when_runs_are_stuck(compared):
    fig = sagas.plots.cdf(compared, "inconsistency_ms")
    tops = {trace.name: max(trace.y) for trace in fig.data}
    stuck = compared.groupby("protocol", observed=True).outcome.apply(lambda o: (o == "stuck").mean())
    assert stuck["orchestration"] > 0
    assert tops["orchestration"] == pytest.approx(1 - stuck["orchestration"], abs=0.01)
    assert tops["2pc"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="column must be one of"):
        sagas.plots.cdf(compared, "speed")


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
    )
    runs = {}
    for jit in ("0", "1"):
        env = {**os.environ, "NUMBA_DISABLE_JIT": jit, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        runs[jit] = [float(x) for x in out.stdout.split()]
    assert runs["0"] == pytest.approx(runs["1"], rel=1e-9)
