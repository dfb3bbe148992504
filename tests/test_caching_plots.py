"""The caching figures and apps say what the model computed, at every setting the controls reach."""

import json
import math

from kit import caching, config
from kit.core.rng import Constant
from kit.ui import theme


def _json_data(fig) -> str:
    """The traces as a browser receives them; NaN is not JSON (a FigureWidget fails to send it)."""
    return json.dumps(fig.to_plotly_json()["data"], allow_nan=False, default=str)


def test_stampede_figures_are_json_at_a_recompute_longer_than_the_ttl():
    """The stampede app at recompute 1995 ms and TTL 1 s: bins without recomputes, and an XFetch
    whose early recomputes are still running at the end, used to put NaN in the figures."""
    app = caching.StampedeApp()
    app.controls["recompute_ms"].value = 1995.0
    app.controls["ttl_s"].value = 1.0
    assert app.last_error is None, app.last_error
    for fig in app.figures_shown:
        _json_data(fig)
    timeline = caching.plots.stampede_timeline([caching.stampede("lock", duration_s=20.0, seed=1)])
    assert min(timeline.data[0].y) >= 1  # a log axis: only bins that started a recompute are drawn


def test_xfetch_costs_more_than_no_protection_when_the_recompute_outlasts_the_ttl():
    """XFetch assumes delta << TTL: a request s before expiry recomputes with probability
    exp(-s / (delta beta)), at least exp(-TTL / delta) = exp(-1/2) here, and waits for it."""
    kw = dict(rate=500.0, recompute=Constant(2_000.0), ttl_s=1.0, duration_s=60.0, seed=3)
    none, xfetch = caching.stampede("none", **kw), caching.stampede("xfetch", **kw)
    assert xfetch.waited_fraction > math.exp(-0.5) - 0.01 > none.waited_fraction
    assert xfetch.db_load_per_s > 1.4 * none.db_load_per_s


def test_write_behind_flushes_in_the_app_at_its_longest_flush_interval():
    """The app's run covers several flush intervals, so write-behind's database writes never vanish."""
    app = caching.WritePathApp()
    for interval in (app.controls["flush_interval_s"].base ** app.controls["flush_interval_s"].max, 8.0):
        table = app.compute("delete", 100.0, 30.0, interval).set_index("strategy")
        assert table.loc["write-behind", "db_writes_per_s"] > 0, interval


def test_belady_is_labelled_a_heuristic_by_bytes():
    trace = caching.with_sizes(caching.zipf(50, 0.9, 500, seed=1), Constant(3.0), seed=1)
    by_bytes = caching.plots.hit_ratio_curves(caching.compare(trace, [30, 60], ["belady"], by="bytes"))
    by_objects = caching.plots.hit_ratio_curves(caching.compare(trace, [10, 20], ["belady"]))
    assert "heuristic" in by_bytes.data[0].name and by_bytes.layout.xaxis.title.text == "cache size (bytes)"
    assert by_objects.data[0].name == "Belady (OPT)"


def test_every_policy_has_its_own_colour_and_none_is_theorys_black():
    colours = [caching.plots.colour(p) for p in caching.POLICIES]
    assert len(set(colours)) == len(colours)
    assert theme.THEORY not in colours  # ARC used to be drawn solid black, like the theory lines


def test_the_learners_policy_stays_in_colour_among_many():
    app = caching.EvictionApp(policy="sieve")
    curves, race = app.figures_shown
    for fig, name in ((curves, "SIEVE"), (race, "SIEVE ")):
        shown = [t for t in fig.data if t.showlegend is not False and t.name]
        assert len(shown) <= config.UI_LEGEND_MAX
        sieve = next(t for t in shown if t.name.startswith(name))
        assert sieve.line.color == caching.plots.colour("sieve")


def test_writes_at_risk_are_named_under_write_behind_not_printed_over_the_bars():
    table = caching.WritePathApp().result
    fig = caching.plots.write_latency(table)
    assert not any(getattr(t, "mode", None) == "text" for t in fig.data)
    risk = table.set_index("strategy").loc["write-behind", "writes_at_risk"]
    labels = dict(zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext, strict=True))
    assert f"{risk:.1f} writes at risk" in labels["write-behind"]
    assert "at risk" not in labels["write-through"]


def test_the_stampede_app_says_when_xfetch_backfires():
    app = caching.StampedeApp(recompute_ms=1995.0, ttl_s=1.0)
    assert "XFetch loads the database more than no protection" in app.note_labels["beta"].value
    results = {r.protection: r for r in app.result}
    assert results["xfetch"].db_load_per_s > results["none"].db_load_per_s
    assert caching.StampedeApp().note_labels["beta"].value == ""  # at the defaults it helps


def test_notebook_figures_keep_several_policies_in_colour_and_follow_the_rules():
    from kit.ui import rules

    trace = caching.workload("shifting hot set", 2_000, 20_000, seed=1)
    race = caching.plots.race(
        caching.policy_race(trace, capacity=100), highlight=("arc", "sieve", "lru", "lfu")
    )
    coloured = {t.name.split(" ")[0] for t in race.data if t.showlegend is not False}
    assert {"ARC", "SIEVE", "LRU", "LFU"} <= coloured
    one_key = dict(n_keys=1, read_rate=50.0, write_rate=0.2, duration_s=40.0, warmup_s=5.0)
    figures = [
        race,
        caching.plots.staleness_vs_ttl(caching.ttl_sweep([1, 10], seed=1, **one_key), write_rate_per_key=0.2),
        caching.plots.tier_cdf({"small": caching.tiers(seed=1, duration_s=5.0, warmup_s=1.0)}),
        caching.plots.tier_shares({"small": caching.tiers(seed=1, duration_s=5.0, warmup_s=1.0)}),
    ]
    found = [p for fig in figures for p in rules.problems(fig)]
    assert not found, "\n".join(found)
