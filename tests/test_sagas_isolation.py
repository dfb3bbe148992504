"""Concurrent sagas on shared records: dirty reads, lost updates and Richardson's countermeasures."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import sagas
from kit.core.rng import Constant
from kit.sagas import Faults, Saga, Step, examples
from kit.sagas import _kernels as kk
from tests import naive

QUIET = Faults(network=Constant(1.0), broker=Constant(5.0))


@st.composite
def write_sets(draw):
    """Writes on a few records by a few sagas, at distinct times; some undone, all settled."""
    m = draw(st.integers(1, 40))
    times = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=m, max_size=m, unique=True))
    writes = []
    for t in times:
        undone = draw(st.one_of(st.just(math.inf), st.floats(0.01, 30))) + t
        restored = undone if draw(st.booleans()) else math.inf  # else a person settles it by hand
        settle = undone if undone != math.inf else t + draw(st.floats(0.01, 30))
        writes.append((draw(st.integers(0, 2)), t, undone, restored, settle, draw(st.integers(0, 6))))
    return writes


@given(write_sets())
@settings(max_examples=200, deadline=None)
def test_the_interleaving_counts_match_the_definitions(writes):
    """The sweep kernel against tests/naive.py's pairwise reading of the definitions."""
    writes.sort(key=lambda w: (w[0], w[1]))
    key, t, undone, restored, settle, saga = (np.array([w[i] for w in writes]) for i in range(6))
    cols = (key.astype(np.int64), t, undone, restored, settle, saga.astype(np.int64))
    plain = kk.anomalies(*cols, False).sum(axis=0)
    locked = kk.anomalies(*cols, True).sum(axis=0)
    dirty, lost, _ = naive.saga_anomalies(writes)
    _, _, refused = naive.saga_anomalies(writes, semantic_lock=True)
    assert (plain[kk.A_DIRTY], plain[kk.A_LOST], locked[kk.A_REJECTED]) == (dirty, lost, refused)


def test_the_counts_match_poisson_theory_on_a_saga_that_sometimes_compensates():
    """Step a (records x) lands at 11 ms; b (records y) fails for good with q, then a is undone at 30 ms.

    Writes to one record of x arrive as a Poisson stream of rate lam/K: an undo erases on average
    q lam W / K writes (W = 19 ms), a write reads dirty data with probability 1 - exp(-q lam W / K),
    and a semantic lock held for H refuses a write with Erlang's loss probability rho / (1 + rho),
    rho = lam/K E[H] (one server, any holding-time distribution).
    """
    q, lam, K = 0.3, 50.0, 2
    saga = Saga(
        [Step("a", "x", action=Constant(10.0)), Step("b", "y", action=Constant(5.0), p_permanent=q, retry=1)]
    )
    table = sagas.anomalies(saga, sagas_per_s=lam, keys=K, runs=60_000, seed=3, faults=QUIET)
    rate = lam / K / 1000.0  # writes per ms on one record
    W = 30.0 - 11.0
    assert table.lost_updates["none"] == pytest.approx(1000 * q * rate * W, rel=0.05)
    assert table.dirty_reads["none"] == pytest.approx(1000 * (1 - math.exp(-q * rate * W)), rel=0.05)
    rho_x = rate * ((1 - q) * (19.0 - 11.0) + q * W)  # a's record is pending until the saga settles
    rho_y = rate * (1 - q) * (19.0 - 18.0)  # b's effect exists only when the saga commits
    refused = rho_x / (1 + rho_x) + (1 - q) * rho_y / (1 + rho_y)
    assert table.rejected_writes["semantic_lock"] == pytest.approx(1000 * refused, rel=0.05)


def test_each_countermeasure_removes_what_it_should_and_nothing_else():
    saga = examples.travel_booking(p_permanent=0.1).replace(only="reserve hotel", timeout_ms=100.0)
    faults = Faults(loss_p=0.02, crash_p=0.02, comp_fail_p=0.1)
    t = sagas.anomalies(saga, sagas_per_s=50, keys=20, runs=20_000, seed=1, faults=faults)
    none = t.loc["none"]
    assert none.dirty_reads > 0 and none.lost_updates > 0 and none.out_of_order > 0
    assert none.rejected_writes == 0 and none.reread_conflicts == 0
    lock = t.loc["semantic_lock"]
    assert lock.dirty_reads == lock.lost_updates == 0 and lock.rejected_writes > none.dirty_reads
    commutative = t.loc["commutative_updates"]
    assert commutative.lost_updates == 0 and commutative.dirty_reads == none.dirty_reads
    reread = t.loc["reread_value"]
    assert reread.lost_updates == 0 and reread.reread_conflicts == none.lost_updates
    version = t.loc["version_file"]
    assert version.out_of_order == 0 and version.dirty_reads == none.dirty_reads
    assert sagas.anomalies(saga, 50, 20, ["none"], 20_000, seed=1, faults=faults).equals(t.loc[["none"]])


def test_an_undo_that_overtakes_its_slow_action_is_counted_out_of_order():
    """a takes 80 ms but its caller gives up at 50: the undo reaches a's service at 51 ms, first."""
    slow = Saga([Step("a", action=Constant(80.0), timeout_ms=50.0, retry=1)])
    t = sagas.anomalies(slow, runs=2_000, seed=1, faults=QUIET)
    assert t.out_of_order["none"] == pytest.approx(1000.0) and t.out_of_order["version_file"] == 0
    patient = Saga([Step("a", action=Constant(80.0), p_permanent=0.5, retry=1)])
    assert sagas.anomalies(patient, runs=2_000, seed=1, faults=QUIET).out_of_order["none"] == 0
