"""The service graph: the kernel against the plain recursion of tests/naive.py, the closed-form
availability against enumeration and simulation, fan-out and queueing against their theory."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit import architecture, config, fanout, queueing
from kit.architecture import ServiceGraph
from kit.core.rng import Exponential, LogNormal, Normal
from tests import naive


@st.composite
def graphs(draw, constant=True, max_nodes=6, availability=(1.0,)):
    """Random DAGs: services s0..sn (s0 the entry), calls only from lower to higher index, random
    kinds, stages, fan-outs, timeouts and units (neighbours may share a unit: in-process calls)."""
    n = draw(st.integers(2, max_nodes))
    unit_of = [0]
    for _ in range(1, n):
        unit_of.append(unit_of[-1] if draw(st.booleans()) and len(set(unit_of)) < n else len(unit_of))
    g = ServiceGraph()
    for i in range(n):
        own = draw(st.sampled_from([0.0, 1.0, 2.0, 5.0])) if constant else LogNormal.from_median(2.0, 0.5)
        first = (
            unit_of.index(unit_of[i]) == i
        )  # a unit's availability and replicas come with its first service
        a = draw(st.sampled_from(availability)) if first else None
        r = draw(st.integers(1, 2)) if first else None
        g.add_service(f"s{i}", own, availability=a, replicas=r, unit=f"u{unit_of[i]}")
    for j in range(1, n):  # every service but the entry is reached: one caller below it, maybe more
        callers = {draw(st.integers(0, j - 1))} | set(draw(st.lists(st.integers(0, j - 1), max_size=2)))
        for i in sorted(callers):
            if draw(st.integers(0, 3)) == 0:
                g.publish(f"s{i}", f"s{j}", network_ms=1.0 if constant else None)
            else:
                g.call(
                    f"s{i}",
                    f"s{j}",
                    fanout=draw(st.integers(1, 3)),
                    timeout_ms=draw(st.sampled_from([None, None, 4.0, 9.0])),
                    network_ms=0.5 if constant else None,
                    parallel=draw(st.booleans()),
                )
    return g


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_kernel_walks_the_call_tree_as_the_recursive_definition(g):
    """Constant latencies and every unit up: response, completion, outcome and deferral are exact.

    Catches a stage summed instead of maxed (or the reverse), a fan-out not waiting for its
    slowest copy, a timeout not cutting, async work counted in the response or started before
    it, a network hop charged to an in-process call."""
    run = g.simulate(3, seed=1)
    up = dict.fromkeys(g.units, True)
    resp, fin, outcome, deferred = naive.graph_request(g, "s0", up, lambda d: d.value)
    assert np.allclose(run.latency_ms, resp, rtol=1e-12, atol=1e-9)
    assert np.allclose(run.completion_ms, fin, rtol=1e-12, atol=1e-9)
    assert np.all(run.outcome == outcome) and np.all(run.deferred == deferred)


@settings(max_examples=80)
@given(graphs(availability=(0.5, 0.9, 0.99)), st.booleans())
def test_closed_form_equals_the_sum_over_every_instance_state(g, through_async):
    """Catches a unit counted once per call (fan-out, diamonds), async consumers multiplied,
    replicas ignored, in-process modules counted as separate units."""
    closed = g.availability("s0", through_async)
    assert closed == pytest.approx(naive.graph_availability_by_states(g, "s0", through_async), abs=1e-12)


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(graphs(constant=False, availability=(0.6, 0.9)))
def test_simulated_success_matches_the_closed_form_on_random_graphs(g):
    """Without timeouts, the share of requests that succeed is the closed form (4.5 standard errors).

    Catches a kernel that draws a unit's state per call instead of per request."""
    for _, _, d in g.graph.edges(data=True):
        d["timeout_ms"] = None
    run = g.simulate(20_000, seed=7)
    ok, se = run.share("ok")
    closed = g.availability("s0")
    assert abs(ok - closed) <= 4.5 * max(se, math.sqrt(closed * (1 - closed) / run.requests)) + 1e-9


def test_a_fan_out_to_one_service_sees_one_state():
    """Ten calls to one service that is up 90% of the time: 90% of requests succeed, not 0.9^10."""
    g = ServiceGraph().add_service("gw", 1.0, availability=1.0).add_service("db", 1.0, availability=0.9)
    g.call("gw", "db", fanout=10)
    ok, se = g.simulate(40_000, seed=3).share("ok")
    assert g.availability() == pytest.approx(0.9)
    assert abs(ok - 0.9) < 4 * se


def test_async_consumer_down_defers_but_does_not_fail():
    g = ServiceGraph().add_service("api", 1.0, availability=1.0).add_service("broker", 1.0, availability=1.0)
    g.add_service("mailer", 1.0, availability=0.5).call("api", "broker").publish("broker", "mailer")
    run = g.simulate(20_000, seed=4)
    assert run.share("ok")[0] == 1.0
    deferred, se = run.share("deferred")
    assert abs(deferred - 0.5) < 4 * se
    assert g.availability() == 1.0 and g.availability(through_async=True) == 0.5


def test_latency_distribution_matches_the_plain_python_simulation():
    """Random latencies, stages, fan-out and a timeout: percentiles and outcome shares agree."""
    g = ServiceGraph()
    g.add_service("gw", LogNormal.from_median(2.0, 0.5), availability=0.99)
    g.add_service("a", Exponential(3.0), availability=0.98).add_service("b", LogNormal.from_median(4.0, 0.3))
    g.add_service("c", Exponential(1.0), availability=0.97)
    g.call("gw", "a").call("gw", "b", parallel=True).call("gw", "c", fanout=4, timeout_ms=6.0).call("a", "c")
    ours = g.simulate(60_000, seed=5)
    ref = naive.graph_simulate(g, "gw", 20_000, seed=5)
    ok, se = ours.share("ok")
    assert abs(ok - ref["ok"]) < 4 * math.sqrt(2) * se
    assert abs(ours.share("timeout")[0] - ref["timeout"]) < 0.01
    for q in (50, 90, 99):
        assert ours.percentiles([q])["latency_ms"].iloc[0] == pytest.approx(
            np.percentile(ref["latency_ms"], q), rel=0.04
        )


@pytest.mark.parametrize("k", [1, 8, 40])
def test_fan_out_to_a_leaf_is_the_order_statistic_of_kit_fanout(k):
    """A gateway with no work of its own waits for the slowest of k leaf calls: lab 00's formula."""
    leaf = LogNormal.from_median(10.0, 0.5)
    g = ServiceGraph().add_service("gw", 0.0, availability=1.0).add_service("leaf", leaf, availability=1.0)
    g.call("gw", "leaf", fanout=k, network_ms=0.0)
    table = g.latency(80_000, seed=6, entry="gw")
    for q in (50.0, 90.0, 99.0):
        assert table.loc[q, "latency_ms"] == pytest.approx(
            float(fanout.theory_percentile(k, leaf, q)), rel=0.03
        )


def test_a_loaded_service_queues_as_m_m_1():
    """One worker, exponential work of mean 10 ms, 50 requests/s: response time is M/M/1's sojourn,
    exponential with rate mu - lambda = 50/s (kit.queueing's theory)."""
    g = ServiceGraph(rate_per_s=50.0).add_service("db", Exponential(10.0), availability=1.0, servers=1)
    table = g.latency(60_000, seed=8)
    theory = queueing.mm1(50.0, 100.0)
    for q in (50.0, 90.0, 99.0):
        t_s = -math.log(1 - q / 100) / (theory.mu - theory.lam)
        assert float(theory.p_sojourn_longer(t_s)) == pytest.approx(1 - q / 100)
        assert table.loc[q, "latency_ms"] == pytest.approx(t_s * 1e3, rel=0.06)


def test_chain_loses_availability_per_hop_and_hops_table_agrees():
    table = architecture.hops_table(4, availability=0.99, requests=20_000, seed=9)
    assert np.allclose(table["availability"], 0.99 ** (table["hops"] + 1))
    assert np.all(np.abs(table["simulated"] - table["availability"]) < 4.5 * table["se"] + 1e-9)
    assert np.all(np.diff(table["p50_ms"]) > 0)


def test_hops_table_rows_do_not_depend_on_the_longest_chain():
    """The app keeps each chain's row while the hops slider moves: min_hops must give the same rows."""
    full = architecture.hops_table(5, availability=0.99, replicas=2, fanout=3, requests=3_000, seed=4)
    for h in (0, 3, 5):
        row = architecture.hops_table(
            h, availability=0.99, replicas=2, fanout=3, requests=3_000, seed=4, min_hops=h
        )
        pd.testing.assert_frame_equal(row, full.iloc[[h]].reset_index(drop=True))
    with pytest.raises(ValueError, match="min_hops"):
        architecture.hops_table(2, min_hops=3)


def test_parallel_and_one_core_kernels_give_the_same_run(monkeypatch):
    """Small runs take the one-core kernel, large ones the parallel one: same seed, same requests."""
    g = architecture.shop("microservices", availability=0.99)
    one_core = g.simulate(3_000, seed=2)
    monkeypatch.setattr(config, "ARCHITECTURE_PARALLEL_MIN_CALLS", 1)
    parallel = g.simulate(3_000, seed=2)
    for field in ("latency_ms", "completion_ms", "outcome", "deferred"):
        assert np.array_equal(getattr(one_core, field), getattr(parallel, field)), field


def test_same_seed_same_result_and_percentiles_shape():
    g = architecture.shop("microservices")
    a, b = g.simulate(5_000, seed=1), g.simulate(5_000, seed=1)
    assert np.array_equal(a.latency_ms, b.latency_ms) and np.array_equal(a.outcome, b.outcome)
    assert list(g.latency(2_000, seed=1).index) == list(config.ARCHITECTURE_PERCENTILES)


def test_records_for_the_next_tools():
    g = architecture.shop("monolith", extract=["payments"])
    calls = g.calls()
    assert set(calls.columns) >= {"caller", "callee", "kind", "fanout", "in_process"}
    assert calls.set_index(["caller", "callee"]).loc[("checkout", "payments"), "in_process"] == False  # noqa: E712
    services = g.services("checkout")
    assert services.set_index("service").loc["email", "needed"] == False  # noqa: E712
    assert g.visits("checkout")["email"] == 1.0


def test_bad_graphs_are_refused_by_name():
    g = ServiceGraph().add_service("a", 1.0).add_service("b", 1.0).call("a", "b")
    with pytest.raises(ValueError, match="cycle"):
        g.call("b", "a")
    with pytest.raises(ValueError, match="callee"):
        g.call("a", "nope")
    with pytest.raises(ValueError, match="name"):
        g.add_service("a")
    with pytest.raises(ValueError, match="latency_ms"):
        g.add_service("c", Normal(1.0, 1.0))
    with pytest.raises(ValueError, match="availability"):
        g.add_service("d", unit="a", availability=0.5)
    with pytest.raises(ValueError, match="entry"):
        g.latency(10, entry="nope")
    loaded = ServiceGraph(rate_per_s=200.0).add_service("db", Exponential(10.0), servers=1)
    with pytest.raises(ValueError, match="rate_per_s"):
        loaded.latency(10)
    with pytest.raises(ValueError, match="rate_per_s"):
        ServiceGraph().add_service("db", Exponential(10.0), servers=1).latency(10)


def test_work_is_bounded_before_it_starts():
    g = ServiceGraph().add_service("a", 1.0).add_service("b", 1.0).add_service("c", 1.0)
    g.call("a", "b", fanout=5_000).call("b", "c", fanout=5_000)  # 25 million calls per request
    with pytest.raises(ValueError, match="calls per request"):
        g.simulate(1)
    with pytest.raises(ValueError, match="requests"):
        architecture.shop().simulate(10**9)
