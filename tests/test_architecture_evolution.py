"""Monolith vs microservices on the shop, and the strangler-fig migration, against the definitions."""

import numpy as np
import pytest

from kit import architecture, reliability
from kit.architecture import Migration, ServiceGraph, strangler
from tests import naive

# --- the shop ---------------------------------------------------------------------------------


@pytest.mark.parametrize("style", architecture.STYLES)
def test_shop_availability_is_the_enumerated_one(style):
    """The closed form on the real feature set, against the sum over every unit's state."""
    g = architecture.shop(style, availability=0.95)
    for entry in architecture.SHOP_ENTRIES:
        assert g.availability(entry) == pytest.approx(naive.graph_availability_by_states(g, entry), abs=1e-12)


def test_monolith_needs_one_unit_and_no_network():
    mono, micro = architecture.shop("monolith"), architecture.shop("microservices")
    for entry in architecture.SHOP_ENTRIES:
        assert mono.network_hops(entry) == 0.0
        assert mono.availability(entry) == pytest.approx(0.999)
    # checkout calls auth, cart, inventory, payments, orders one after another: five hops, six units
    assert micro.network_hops("checkout") == 5.0
    assert micro.availability("checkout") == pytest.approx(0.999**6)


def test_extracting_a_module_adds_its_unit_and_its_hop_only_where_it_is_called():
    g = architecture.shop("monolith", extract=["payments"])
    assert g.network_hops("checkout") == 1.0 and g.network_hops("browse") == 0.0
    assert g.availability("checkout") == pytest.approx(0.999**2)
    assert g.availability("browse") == pytest.approx(0.999)


def test_same_work_same_seed_the_difference_is_the_hops():
    """With constant work and round trips, microservices add exactly hops x round trip."""
    graphs = {}
    for style in architecture.STYLES:
        g = architecture.shop(style, network_ms=1.0)
        for _, d in g.graph.nodes(data=True):
            d["latency_ms"] = architecture.graph.Constant(2.0)
        for a, b, d in g.graph.edges(data=True):
            if g.graph.nodes[a]["unit"] != g.graph.nodes[b]["unit"]:
                d["network_ms"] = architecture.graph.Constant(1.0)
        graphs[style] = g
    table = architecture.compare(graphs, requests=500, seed=1).set_index(["style", "entry"])
    for entry in architecture.SHOP_ENTRIES:
        gap = table.loc[("microservices", entry), "p50_ms"] - table.loc[("monolith", entry), "p50_ms"]
        hops_on_the_critical_path = {"browse": 2.0, "search": 3.0, "checkout": 5.0}[entry]
        assert gap == pytest.approx(hops_on_the_critical_path)


def test_coupling_release_trains_and_blast_radius():
    mono = architecture.coupling(architecture.shop("monolith"), p_bad_change=0.05).set_index("team")
    micro = architecture.coupling(architecture.shop("microservices"), p_bad_change=0.05).set_index("team")
    teams = len({team for _, team in architecture.SHOP_MODULES.values()})
    assert (mono["teams_per_release"] == teams).all() and (mono["blast_radius"] == 1.0).all()
    assert mono["p_rollback"].iloc[0] == pytest.approx(1 - 0.95**teams)
    assert (micro["teams_per_release"] == 1).all()
    # payments is needed by checkout alone (5% of traffic); auth by every entry point
    assert micro.loc["payments", "blast_radius"] == pytest.approx(architecture.SHOP_ENTRIES["checkout"])
    assert micro.loc["identity", "blast_radius"] == pytest.approx(1.0)
    # fulfilment's email is asynchronous: only inventory (checkout) puts traffic at risk
    assert micro.loc["fulfilment", "blast_radius"] == pytest.approx(architecture.SHOP_ENTRIES["checkout"])


def test_blast_radius_ignores_async_consumers():
    g = ServiceGraph().add_service("api").add_service("queue").add_service("worker")
    g.call("api", "queue").publish("queue", "worker")
    assert g.blast_radius("worker", {"api": 1.0}) == 0.0 and g.blast_radius("queue", {"api": 1.0}) == 1.0


def test_shop_refuses_bad_styles_and_modules():
    with pytest.raises(ValueError, match="style"):
        architecture.shop("serverless")
    with pytest.raises(ValueError, match="extract"):
        architecture.shop("monolith", extract=["nope"])
    with pytest.raises(ValueError, match="extract"):
        architecture.shop("microservices", extract=["payments"])


# --- the strangler fig --------------------------------------------------------------------------


def test_gate_is_the_share_of_a_monthly_budget():
    """kit.reliability's burn rate over one step, times the step's budget, is budget_per_step of a month."""
    m = Migration(budget_per_step=0.05, step_h=6.0, slo=0.999, rate_per_s=10.0)
    month_budget = 0.001 * 10.0 * 30 * 24 * 3600
    assert m.gate_errors == pytest.approx(0.05 * month_budget)
    assert m.month_budget == pytest.approx(month_budget)
    assert reliability.error_budget_min(0.999) == pytest.approx(m.month_budget / (10.0 * 60))


def test_without_regressions_every_step_advances():
    r = strangler(Migration(p_regression=0.0), runs=200, seed=1)
    assert (r.steps == len(r.migration.shares)).all() and r.finished.all()
    assert (r.decision[:, : len(r.migration.shares) - 1] == 0).all()
    # errors per step: legacy and new rates weighted by share (binomial means, 4 standard errors)
    m = r.migration
    expected = m.requests_per_step * (
        np.array(m.shares) * m.new_error + (1 - np.array(m.shares)) * m.legacy_error
    )
    got = r.errors[:, : len(m.shares)].mean(axis=0)
    assert np.all(np.abs(got - expected) < 4 * np.sqrt(expected / r.share.shape[0]))


def test_a_certain_regression_is_rolled_back_fixed_and_retried():
    m = Migration(shares=(0.5, 1.0), p_regression=1.0, regression_error=0.5, fix_steps=2)
    t = strangler(m, runs=3, seed=2).timeline(0)
    assert list(t["decision"]) == ["rollback", "rollback", "rollback", "advance", "done"]
    assert list(t["share"]) == [0.5, 0.0, 0.0, 0.5, 1.0]


def test_kernel_agrees_with_the_step_by_step_reference():
    """Means over runs of steps, rollbacks and errors, kernel vs tests/naive.py."""
    m = Migration(p_regression=0.5, regression_error=0.01, budget_per_step=0.03, fix_steps=1)
    ours = strangler(m, runs=3_000, seed=3)
    rng = np.random.default_rng(3)
    ref = [naive.strangler_run(m, rng) for _ in range(3_000)]
    ref_steps = np.array([len(r) for r in ref])
    ref_rollbacks = np.array([sum(d == "rollback" for _, _, d in r) for r in ref])
    ref_errors = np.array([sum(e for _, e, _ in r) for r in ref])
    for a, b in ((ours.steps, ref_steps), ((ours.decision == 1).sum(axis=1), ref_rollbacks)):
        se = np.sqrt(a.var() / a.size + b.var() / b.size)
        assert abs(a.mean() - b.mean()) < 4 * se + 1e-9
    ours_errors = ours.errors.sum(axis=1)
    assert abs(ours_errors.mean() - ref_errors.mean()) < 4 * np.sqrt(
        ours_errors.var() / ours_errors.size + ref_errors.var() / ref_errors.size
    )


def test_small_steps_spend_less_budget_than_a_big_bang():
    """The lesson of the section: a ramp exposes a regression to little traffic before the gate."""
    ramp = strangler(Migration(), runs=2_000, seed=4).summary()
    bang = strangler(Migration(shares=(1.0,)), runs=2_000, seed=4).summary()
    assert ramp["budget_spent"] < bang["budget_spent"] and ramp["days"] > bang["days"]


def test_dual_running_costs_both_systems_and_the_sync():
    m = Migration(
        p_regression=0.0, legacy_per_month=1000.0, new_per_month=600.0, sync_per_month=100.0, step_h=72.0
    )
    cost = strangler(m, runs=5, seed=5).cost().iloc[0]
    months = len(m.shares) * 72.0 / (30 * 24)
    assert cost["months"] == pytest.approx(months)
    assert cost["extra"] == pytest.approx(months * 100.0 + 600.0 * sum(m.shares) * 72.0 / (30 * 24))


def test_migration_refuses_bad_assumptions_by_name():
    for kwargs, name in (
        ({"shares": (0.5, 0.2, 1.0)}, "shares"),
        ({"shares": (0.1, 0.5)}, "shares"),
        ({"shares": ()}, "shares"),
        ({"slo": 1.0}, "slo"),
        ({"step_h": 0.0}, "step_h"),
        ({"max_steps": 2}, "max_steps"),
    ):
        with pytest.raises(ValueError, match=name):
            Migration(**kwargs)
    with pytest.raises(ValueError, match="runs"):
        strangler(runs=10**8)


@pytest.mark.parametrize("module", ["graph", "evolution", "strangler"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(
        importlib.import_module(f"kit.architecture.{module}"), optionflags=doctest.ELLIPSIS
    )
    assert result.attempted > 0 and result.failed == 0
