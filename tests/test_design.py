"""kit.design: spec checks, the diagram, the document's numbers regenerated independently, the review."""

import math
import re

import pytest
import yaml

from kit import design, estimation, exercises, reliability
from kit.design import exercises as design_exercises
from kit.design.document import SHAPES

GOOD = design.example("url_shortener")
POOR = design.example("url_shortener_poor")
RAW = yaml.safe_load(design.example_path("url_shortener").read_text())


# --- the spec --------------------------------------------------------------------------------


def test_yaml_round_trip_gives_the_same_design():
    assert design.loads(design.dumps(GOOD)) == GOOD
    assert design.loads(design.dumps(POOR)) == POOR


@pytest.mark.parametrize(
    "change, field",
    [
        ({"flows": [{"source": "users", "target": "edge", "mode": "sometimes"}]}, "flows[0].mode"),
        ({"flows": [{"source": "users", "target": "nowhere"}]}, "flows[0].target"),
        ({"components": [{"name": "web", "kind": "mainframe"}]}, "components[0].kind"),
        ({"components": [{"name": "web", "replicas": 0}]}, "components[0].replicas"),
        ({"components": [{"name": "web", "colour": "red"}]}, "components[0]"),
        ({"requirements": {"dau": "many"}}, "requirements.dau"),
        ({"requirements": {"read_fraction": 1.5}}, "requirements.read_fraction"),
        ({"slos": [{"name": "up", "objective": 1.0}]}, "slos[0].objective"),
        ({"slos": [{"name": "fast", "kind": "latency"}]}, "slos[0].threshold_ms"),
        ({"stores": [{"name": "urls", "component": "ghost"}]}, "stores[0].component"),
        ({"operations": {"rollout": 3}}, "operations.rollout"),
    ],
)
def test_a_bad_field_is_refused_by_its_path(change, field):
    data = {**RAW, **change}
    if "components" in change:
        data["flows"], data["stores"], data["entry"] = [], [], None
    with pytest.raises(ValueError, match=re.escape(field)):
        design.loads(yaml.safe_dump(data))


def test_unknown_top_level_fields_and_bad_yaml_are_named():
    with pytest.raises(ValueError, match=r"unknown fields.*colour"):
        design.loads("name: x\ncolour: red\ncomponents: [{name: a}]")
    with pytest.raises(ValueError, match="text is not valid YAML"):
        design.loads("name: [unclosed")


# --- the diagram -----------------------------------------------------------------------------


def test_mermaid_draws_every_component_in_its_shape_and_every_flow_with_its_arrow():
    text = GOOD.mermaid()
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    for c in GOOD.components:
        opening, closing = SHAPES[c.kind]
        node = [ln.strip() for ln in lines if ln.strip().startswith(c.name + opening)]
        assert len(node) == 1 and node[0].endswith(closing), (c.name, node)
    edges = [ln.strip() for ln in lines if "->" in ln]
    assert len(edges) == len(GOOD.flows)
    for f, edge in zip(GOOD.flows, edges, strict=True):
        arrow = "-.->" if f.mode == "async" else "-->"
        assert edge.startswith(f"{f.source} {arrow}") and edge.endswith(f" {f.target}")
    assert "subgraph" not in text
    two = design.what_if(GOOD, regions=2).mermaid()
    assert 'subgraph region["each of 2 regions"]' in two and two.count("end") >= 1


def test_mermaid_labels_cannot_break_the_diagram():
    d = GOOD.replace(flows=[design.Flow("users", "edge", label='say "hi" | bye')])
    line = d.mermaid().splitlines()[-1]
    assert line == '    users -->|"say #quot;hi#quot; #124; bye"| edge'


# --- the document: every section, every number from the kit --------------------------------


def test_the_document_has_every_section_in_order():
    for d in (GOOD, POOR):
        doc = d.document()
        heads = re.findall(r"^## \d+\. (.+)$", doc, flags=re.M)
        assert heads == list(design.SECTIONS)
        assert "```mermaid\n" + d.mermaid() + "\n```" in doc


def _independent_estimate():
    """The estimate from kit.estimation, built from the YAML's numbers, not from kit.design."""
    r = RAW["requirements"]
    latency = next(s for s in RAW["slos"] if s["kind"] == "latency")
    inputs = {k: float(r[k]) for k in ("dau", "actions_per_user", "read_fraction", "peak_factor")}
    inputs |= {k: float(r[k]) for k in ("item_bytes", "response_bytes", "retention_days", "monthly_growth")}
    return estimation.estimate(
        estimation.Design(
            **inputs,
            replication=int(r["replication"]),
            service_ms=float(r["service_ms"]),
            slo_ms=float(latency["threshold_ms"]),
            percentile=100 * latency["objective"],
            function_gb_s=0.0,
        )
    )


def _sync_path_availability(raw) -> float:
    """Product over the components reached by sync flows from the client's first call (clients excluded)."""
    comps = {c["name"]: c for c in raw["components"]}
    sync = [(f["source"], f["target"]) for f in raw["flows"] if f.get("mode", "sync") == "sync"]
    start = next(t for s, t in sync if comps[s].get("kind") == "client")
    seen, todo = set(), [start]
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo += [t for s, t in sync if s == n]
    a = 1.0
    for n in seen:
        c = comps[n]
        a *= 1 - (1 - c.get("availability", 0.999)) ** c.get("replicas", 1)
    return a


def test_the_documents_numbers_equal_the_kits_functions_regenerated_independently():
    e = _independent_estimate()
    doc = GOOD.document()
    peak = float(e.traffic.peak.to("req/s").magnitude)
    assert f"| peak requests | {peak:,.0f} /s |" in doc
    assert f"{e.sizing.needed:,} = {e.instances:,} x m5.xlarge" in doc
    stored_tb = float(e.storage.stored[-1].to("TB").magnitude)
    assert f"| {stored_tb:,.1f} TB |" in doc
    bill = e.bill[(e.bill.monthly_usd > 0) & ~e.bill.item.str.startswith("lambda")]
    assert f"| **total** |  |  | **{bill.monthly_usd.sum():,.0f}** |" in doc
    budget = reliability.error_budget_min(0.999)
    assert f"| {budget:,.1f} |" in doc
    for rule in reliability.WORKBOOK_RULES:  # the Workbook's rules are for 30 days: the same burn rates
        assert f"| {rule.burn_rate:.3g} |" in doc
        assert f"| {rule.burn_rate * 0.001:.3%} |" in doc
        assert f"| {reliability.detection_time_min(1.0, 0.999, rule):,.1f} min |" in doc
    assert design.numbers(GOOD)["availability"] == pytest.approx(_sync_path_availability(RAW), abs=1e-15)
    poor = yaml.safe_load(design.example_path("url_shortener_poor").read_text())
    assert design.availability(POOR) == pytest.approx(_sync_path_availability(poor), rel=1e-12)
    assert design.availability(POOR) == pytest.approx(0.999 * 0.999 * 0.99, rel=1e-12)


def test_regions_multiply_the_bill_except_transfer_and_fail_independently():
    one, two = GOOD, design.what_if(GOOD, regions=2)
    b1, b2 = design.bill(one).set_index("line"), design.bill(two).set_index("line")
    for line in b1.index:
        factor = 1 if line == "transfer out" else 2
        assert b2.loc[line, "monthly_usd"] == pytest.approx(factor * b1.loc[line, "monthly_usd"])
    a = design.availability(POOR)
    assert design.availability(design.what_if(POOR, regions=3)) == pytest.approx(1 - (1 - a) ** 3)


def test_strong_consistency_across_regions_costs_a_round_trip_in_fibre():
    assert design.cross_region_ms(GOOD) == 0.0  # one region
    strong = design.what_if(POOR, regions=2)  # the draft's store is strongly consistent
    assert design.cross_region_ms(strong) == pytest.approx(2 * 5_600 / 200)
    relaxed = strong.replace(stores=[design.DataStore("urls", "url_db", consistency="eventual")])
    assert design.cross_region_ms(relaxed) == 0.0


def test_alerts_rescale_the_workbook_rules_to_the_slo_period():
    d = GOOD.replace(slos=[design.SLO("up", objective=0.999, days=28)])
    rates = list(design.alerts(d)["burn_rate"])
    assert rates == pytest.approx([0.02 * 28 * 24 / 1, 0.05 * 28 * 24 / 6, 0.10 * 28 * 24 / 72])


# --- re-flowing: an input changes, the later numbers follow ---------------------------------


def test_ten_times_the_traffic_re_flows_through_estimate_fleet_and_bill():
    base, big = design.numbers(GOOD), design.numbers(design.what_if(GOOD, traffic=10))
    assert big["peak_rps"] == pytest.approx(10 * base["peak_rps"])
    assert big["stored_bytes"] == pytest.approx(10 * base["stored_bytes"])
    assert 9 * base["workers"] < big["workers"] < 10 * base["workers"]  # pooling: M/M/c needs < 10x
    assert big["monthly_usd"] > 5 * base["monthly_usd"]
    assert design.what_if(GOOD, traffic=10).document() != GOOD.document()


def test_a_stricter_slo_moves_the_budget_and_the_alert_thresholds():
    strict = design.what_if(GOOD, objective=0.9999)
    assert design.budgets(strict)["budget_min"].iloc[0] == pytest.approx(4.32)
    assert design.alerts(strict)["error_rate"].iloc[0] == pytest.approx(14.4 * 1e-4)
    assert "| 4.3 |" in strict.document()


# --- the review ------------------------------------------------------------------------------


def test_the_good_design_passes_the_review_and_the_poor_one_lists_what_to_fix():
    assert design.review(GOOD).empty
    found = design.review(POOR)
    fields = set(found["field"])
    assert {"alternatives", "risks", "operations.monitoring", "operations.on_call", "slos"} <= fields
    assert {"components[1].replicas", "components[2].replicas", "stores[0].shards"} <= fields
    assert "below the objective" in " ".join(found["problem"])


def test_fixing_the_poor_design_empties_its_review():
    d = POOR
    fixed = design.what_if(d, replicas={"api": 3, "url_db": 3, "analytics": 2}).replace(
        components=[
            *design.what_if(d, replicas={"api": 3, "url_db": 3}).components[:3],
            design.Component("analytics", "worker", replicas=2),
            design.Component("clicks", "queue", replicas=3),
        ],
        flows=[
            d.flows[0],
            d.flows[1],
            design.Flow("api", "clicks"),
            design.Flow("clicks", "analytics", "async"),
        ],
        stores=[design.DataStore("urls", "url_db", "read_your_writes", shard_key="code", shards=8)],
        slos=[design.SLO("redirects succeed", objective=0.999)],
        alternatives=[design.Alternative("one SQL primary", "outgrows one disk")],
        risks=[design.Risk("hot link", "cache")],
        operations={"monitoring": "RED per endpoint", "on_call": "weekly rotation"},
    )
    assert design.review(fixed).empty, design.review(fixed)


def test_a_latency_objective_the_diagram_cannot_meet_is_found():
    slow = design.what_if(GOOD, threshold_ms=10.0)
    found = design.review(slow)
    assert any("over the 10 ms objective" in p or "estimate fails" in p for p in found["problem"])


def test_write_keeps_the_document(tmp_path):
    path = design.write(GOOD, tmp_path / "url_shortener.md")
    assert path.read_text() == GOOD.document()
    with pytest.raises(ValueError, match="path"):
        design.write(GOOD, tmp_path / "no_such_dir" / "x.md")


# --- exercises: the arithmetic quoted equals the api's answer --------------------------------


def test_exercise_solutions_quote_the_apis_answers():
    nb = design_exercises.NOTEBOOK
    peak = design.numbers(GOOD)["peak_rps"]
    assert exercises.get(nb, "peak-rps").check(peak).correct
    assert f"<b>{peak:,.0f}</b>" in exercises.solution(nb, "peak-rps")
    assert f"<b>{design.availability(POOR):.5f}</b>" in exercises.solution(nb, "poor-availability")
    assert exercises.get(nb, "error-budget").check(21.6).correct
    assert not exercises.get(nb, "error-budget").check(43.2).correct
    assert exercises.get(nb, "page-threshold").check(0.0144).correct
    assert exercises.get(nb, "biggest-fix").check(2).correct
    assert math.isclose(design.alerts(GOOD)["error_rate"].iloc[0], 0.0144)


# --- the capstone: each decision re-flows through the later steps -------------------------------


def test_capstone_at_the_spec_is_the_spec_with_its_decisions_written_in():
    c = design.capstone()
    assert c.design.requirements.dau == GOOD.requirements.dau
    assert c.shards == 8 and c.store == "key_value"
    assert c.findings == 0 and list(c.steps["step"].str[:2]) == [f"{i}." for i in range(1, 10)]
    assert c.hit_ratio == pytest.approx(design.hit_ratio(0.01))
    assert c.db_reads_per_s == pytest.approx(design.numbers(c.design)["read_peak_rps"] * (1 - c.hit_ratio))


def test_capstone_ten_times_the_traffic_reaches_shards_cache_load_and_bill():
    base, big = design.capstone(), design.capstone(traffic=10)
    needed = math.ceil(10 * design.numbers(base.design)["stored_bytes"] / (3 * 2e12))
    assert big.shards == 2 ** math.ceil(math.log2(needed)) > base.shards
    assert big.design.stores[0].shards == big.shards
    assert big.db_reads_per_s == pytest.approx(10 * base.db_reads_per_s)
    assert design.monthly_usd(big.design) > 5 * design.monthly_usd(base.design)
    assert f"{big.shards} ({needed})" in big.design.document()  # the document re-flows too


def test_capstone_stricter_slo_another_region_and_strong_consistency_re_flow():
    base = design.capstone()
    strict = design.capstone(objective=0.9999)
    assert design.budgets(strict.design)["budget_min"].iloc[0] == pytest.approx(4.32)
    assert "page above 0.14% errors" in strict.steps.set_index("step").loc["7. reliability", "result"]
    two = design.capstone(regions=2, consistency="strong")
    assert design.availability(two.design) > design.availability(base.design)
    assert "a write waits 56 ms" in two.steps.set_index("step").loc["6. consistency", "result"]
    tight = design.capstone(regions=2, consistency="strong", threshold_ms=60.0)
    assert tight.findings >= 1 and "over the 60 ms objective" in tight.steps.iloc[7]["result"]
    assert design.capstone(regions=2, consistency="eventual", threshold_ms=60.0).findings == 0


def test_the_cache_hit_ratio_is_che_on_zipf_and_grows_with_the_cache():
    from kit import caching
    from kit.core.rng import zipf_pmf

    pmf = zipf_pmf(10_000, 0.8)  # config.DESIGN_CACHE_MODEL_OBJECTS, DESIGN_ZIPF_ALPHA
    assert design.hit_ratio(0.01) == pytest.approx(float(caching.che_lru(pmf, 100)))
    ratios = [design.hit_ratio(s) for s in (0.0, 0.001, 0.01, 0.1)]
    assert ratios[0] == 0.0 and ratios == sorted(ratios) and ratios[-1] < 1.0
