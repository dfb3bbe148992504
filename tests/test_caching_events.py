"""Write paths, invalidation, stampedes and tiers against queueing and renewal theory."""

import math

import pytest

from kit import caching
from kit.core.rng import Constant, Exponential, zipf_pmf

INSTANT = Constant(0.001)  # ms: latencies that do not matter to the property tested
QUICK = dict(cache_latency=INSTANT, db_read_latency=INSTANT, db_write_latency=INSTANT)


@pytest.mark.parametrize("rate, write_rate, ttl", [(5.0, 0.0, 1.0), (2.0, 0.5, 2.0), (20.0, 1.0, 1.0)])
def test_ttl_hit_ratio_matches_renewal_theory(rate, write_rate, ttl):
    """Jung, Berger & Balakrishnan 2003: one key, Poisson reads, hit ratio rL / (1 + rL)."""
    r = caching.serve(
        "cache-aside", "delete", n_keys=1, read_rate=rate, write_rate=write_rate, ttl_s=ttl,
        duration_s=6_000, warmup_s=10, seed=5, **QUICK,
    )  # fmt: skip
    theory = float(caching.ttl_hit_ratio(rate, ttl, write_rate))
    se = math.sqrt(theory * (1 - theory) / r.reads) * 3  # misses come in renewal cycles: widen
    assert abs(r.hit_ratio - theory) < 4 * se + 0.002


@pytest.mark.parametrize("write_rate, ttl", [(0.5, 2.0), (2.0, 1.0), (0.05, 10.0)])
def test_ttl_only_staleness_matches_theory(write_rate, ttl):
    """Write-around, reads very frequent: stale if a write came since the copy was made."""
    r = caching.serve(
        "write-around", n_keys=1, read_rate=100.0, write_rate=write_rate, ttl_s=ttl,
        duration_s=3_000, warmup_s=10, seed=6, **QUICK,
    )  # fmt: skip
    assert r.stale_fraction == pytest.approx(float(caching.ttl_stale_fraction(write_rate, ttl)), abs=0.02)


def test_invalidation_choices_order_staleness():
    runs = {
        inv: caching.serve("cache-aside", inv, write_rate=200.0, seed=3, duration_s=10, warmup_s=2)
        for inv in caching.INVALIDATIONS
    }
    stale = {inv: r.stale_fraction for inv, r in runs.items()}
    assert stale["versioned"] <= stale["delete"] < stale["event"] < stale["ttl"]
    assert stale["versioned"] < 0.005  # only reads answered while a write commits
    # a deleted entry must be refetched: invalidating costs database reads that TTL-only saves
    assert runs["ttl"].db_reads_per_s < runs["delete"].db_reads_per_s


def test_lost_invalidations_leave_stale_data_until_the_ttl():
    kw = dict(n_keys=1, read_rate=200.0, write_rate=1.0, ttl_s=5.0, duration_s=2_000, warmup_s=10, **QUICK)
    reliable = caching.serve("cache-aside", "event", delay_ms=1.0, loss=0.0, seed=7, **kw)
    lossy = caching.serve("cache-aside", "event", delay_ms=1.0, loss=1.0, seed=7, **kw)
    assert reliable.stale_fraction < 0.01
    assert lossy.stale_fraction == pytest.approx(float(caching.ttl_stale_fraction(1.0, 5.0)), abs=0.03)


def test_cache_aside_race_makes_stale_fills_that_read_through_shares():
    """A slow miss can fill the cache with a value a write has just replaced (the classic race)."""
    slow = dict(db_read_latency=Constant(50.0), db_write_latency=Constant(1.0), cache_latency=INSTANT)
    kw = dict(n_keys=10, read_rate=500.0, write_rate=20.0, ttl_s=math.inf, duration_s=200, warmup_s=5, seed=9)
    aside = caching.serve("cache-aside", "delete", **kw, **slow)
    versioned = caching.serve("cache-aside", "versioned", **kw, **slow)

    def stale_hits(r):  # stale answers from the cache itself, not reads racing a commit
        m = r.is_read & (r.start_s >= r.warmup_s)
        return float((r.stale & r.hit)[m].mean())

    assert stale_hits(aside) > 0.01 and stale_hits(versioned) == 0.0


def test_read_through_coalesces_concurrent_misses():
    kw = dict(n_keys=20, alpha=1.0, read_rate=2_000.0, write_rate=50.0, seed=4)
    kw["db_read_latency"] = Constant(20.0)
    aside = caching.serve("cache-aside", "delete", **kw)
    through = caching.serve("read-through", "delete", **kw)
    assert through.db_reads_per_s < 0.7 * aside.db_reads_per_s


def test_write_through_keeps_the_cache_fresh_and_pays_on_writes():
    kw = dict(write_rate=100.0, seed=2, duration_s=10, warmup_s=2)
    through = caching.serve("write-through", **kw)
    aside = caching.serve("cache-aside", "delete", **kw)
    assert through.hit_ratio > aside.hit_ratio
    assert through.write_latency_ms(50) > aside.write_latency_ms(50)  # the cache write is on the path


def test_write_behind_coalesces_and_acknowledges_at_cache_speed():
    """One key written 100/s, flushed every 0.5 s: one database row write per flush."""
    r = caching.serve(
        "write-behind", n_keys=1, read_rate=10.0, write_rate=100.0, flush_interval_s=0.5,
        duration_s=200, warmup_s=5, seed=1,
    )  # fmt: skip
    assert r.db_writes_per_s == pytest.approx(2.0, rel=0.02)
    assert r.write_latency_ms(99) < 5.0 and r.stale_fraction == 0.0
    # on average half a flush interval of writes is not yet durable: 100/s x 0.25 s (+ flush time)
    assert r.writes_at_risk == pytest.approx(100 * 0.25, rel=0.1)


def test_write_behind_crash_loses_what_was_not_flushed():
    kw = dict(n_keys=1, read_rate=1.0, write_rate=100.0, flush_interval_s=1.0, duration_s=30)
    kw["db_write_latency"] = INSTANT
    lost = [caching.serve("write-behind", crash_at_s=20 + f, seed=3, **kw).lost_writes for f in (0.05, 0.95)]
    assert 0 < lost[0] < 15 and 80 < lost[1] < 120  # just after a flush, and just before the next
    assert caching.serve("write-behind", seed=3, **kw).lost_writes == 0  # no crash, nothing lost


def test_write_behind_batches_bound_the_flush_rate():
    r = caching.serve(
        "write-behind", n_keys=10_000, alpha=0.0, write_rate=1_000.0, flush_interval_s=0.1, batch=5, seed=2
    )
    assert r.db_writes_per_s == pytest.approx(50.0, rel=0.02)  # 5 keys per 0.1 s, never more


def test_no_protection_herd_matches_one_plus_rate_times_delta():
    r = caching.stampede("none", rate=500.0, recompute=Constant(100.0), ttl_s=2.0, duration_s=400, seed=3)
    assert r.expired > 150
    assert r.recomputes_per_expiry == pytest.approx(float(caching.herd_size(500.0, 0.1)), rel=0.03)


def test_a_lock_allows_exactly_one_recompute_per_expiry():
    r = caching.stampede("lock", rate=2_000.0, ttl_s=1.0, duration_s=60, seed=1)
    assert r.max_concurrent == 1
    assert r.recomputes == r.values == r.expired
    assert r.waited_fraction > 0.01  # everyone who came during the recompute waited for it


@pytest.mark.parametrize("beta", [1.0, 20.0])
def test_xfetch_expires_as_often_as_vattani_et_al_predict(beta):
    """Vattani et al. 2015: with Poisson requests, a value survives to expiry w.p. exp(-R delta beta ...)."""
    r = caching.stampede(
        "xfetch", rate=10.0, recompute=Constant(5.0), beta=beta, ttl_s=1.0, duration_s=2_500, seed=4
    )
    p = float(caching.xfetch_expiry_probability(10.0, 0.005, beta, 1.0))
    se = math.sqrt(p * (1 - p) / r.values)
    assert abs(r.expired_fraction - p) < 4 * se + 0.005


def test_xfetch_at_high_rate_removes_the_herd():
    kw = dict(rate=2_000.0, recompute=Constant(200.0), ttl_s=5.0, duration_s=60, seed=2)
    none, xfetch = caching.stampede("none", **kw), caching.stampede("xfetch", **kw)
    assert none.max_concurrent > 300 and xfetch.max_concurrent <= 20
    assert xfetch.waited_fraction < 0.01 * none.waited_fraction + 1e-3
    assert xfetch.expired == 0


def test_stale_while_revalidate_serves_stale_and_refreshes_once():
    r = caching.stampede(
        "stale-while-revalidate", rate=1_000.0, recompute=Constant(300.0), ttl_s=2.0, duration_s=200, seed=5
    )
    assert r.max_concurrent == 1 and r.waited_fraction == 0.0
    assert r.recomputes - r.expired in (0, 1)  # the last refresh may still be running at the end
    # stale for one recompute after each expiry: 0.3 s in every 2.3 s
    assert r.stale_fraction == pytest.approx(0.3 / 2.3, rel=0.05)
    assert r.latency(99) < 5.0


def test_edge_hit_ratio_follows_che_and_replicas_follow_mm1():
    n, alpha, edge = 5_000, 0.8, 300
    r = caching.tiers(
        n_keys=n, alpha=alpha, rate=400.0, edge_capacity=edge, app_capacity=0, replicas=1,
        db_service=Exponential(1.0), duration_s=400, warmup_s=50, seed=6,
        edge_rtt=INSTANT, origin_rtt=INSTANT, app_latency=INSTANT,
    )  # fmt: skip
    assert r.edge_hit_ratio == pytest.approx(caching.che_lru(zipf_pmf(n, alpha), edge), abs=0.01)
    rho = r.db_reads_per_s * 1e-3
    db = r.latency_ms[r.measured & (r.tier == 2)]
    assert db.mean() == pytest.approx(1.0 / (1 - rho), rel=0.05)  # M/M/1: S / (1 - rho)
    assert r.utilization[0] == pytest.approx(rho, rel=0.05)


def test_tiers_latency_falls_as_caches_grow():
    small = caching.tiers(edge_capacity=50, app_capacity=100, duration_s=20, warmup_s=5, seed=1)
    large = caching.tiers(edge_capacity=2_000, app_capacity=5_000, duration_s=20, warmup_s=5, seed=1)
    assert large.edge_hit_ratio > small.edge_hit_ratio
    assert large.latency(50) < small.latency(50) and large.db_reads_per_s < small.db_reads_per_s
    assert large.cdf([1e6])[0] == 1.0
    balanced = caching.tiers(
        edge_capacity=50, app_capacity=100, routing="least-loaded", duration_s=20, warmup_s=5, seed=1
    )
    assert balanced.latency(99, tier=2) <= small.latency(99, tier=2)


def test_same_seed_same_run_and_sweeps():
    a, b = caching.serve(seed=8, duration_s=3, warmup_s=1), caching.serve(seed=8, duration_s=3, warmup_s=1)
    assert a.summary() == b.summary()
    table = caching.ttl_sweep([0.2, 2, 20], write_rate=5.0, duration_s=6, warmup_s=1, seed=1)
    assert table.stale_fraction.is_monotonic_increasing and table.hit_ratio.is_monotonic_increasing
    strategies = caching.strategy_table(duration_s=3, warmup_s=1, seed=1)
    assert strategies.strategy.tolist() == list(caching.STRATEGIES)
    assert strategies.set_index("strategy").lost_writes.sum() == 0


def test_runs_are_bounded():
    r = caching.stampede("none", rate=1_000.0, duration_s=10, max_requests=500, seed=1)
    assert r.truncated and r.outcome.size == 500
    s = caching.serve(max_requests=300, seed=1)
    assert s.truncated and s.is_read.size == 300


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: caching.serve("write-sideways"), "strategy must be one of"),
        (lambda: caching.serve(invalidation="gossip"), "invalidation must be one of"),
        (lambda: caching.serve(read_rate=0, write_rate=0), "cannot both be 0"),
        (lambda: caching.serve(ttl_s=0), "ttl_s must be a positive number"),
        (lambda: caching.serve(loss=2), "loss must be between 0 and 1"),
        (lambda: caching.serve(crash_at_s=3.0), "crash_at_s applies to write-behind only"),
        (lambda: caching.serve(batch=0), "batch must be an integer"),
        (lambda: caching.serve(warmup_s=50, duration_s=10), "warmup_s must be between"),
        (lambda: caching.serve(db_read_latency=5), "db_read_latency must be a kit distribution"),
        (lambda: caching.stampede("hope"), "protection must be one of"),
        (lambda: caching.stampede(rate=0), "rate must be at least"),
        (lambda: caching.stampede(beta=-1), "beta must be between"),
        (lambda: caching.stampede(bin_s=1e-6, duration_s=200), "bin_s asks for 200,000,000 time bins"),
        (lambda: caching.stampede(duration_s=1e7), r"duration_s asks for .* config\.CACHING_MAX_REQUESTS"),
        (lambda: caching.serve(duration_s=1e7), r"duration_s asks for .* config\.CACHING_MAX_REQUESTS"),
        (lambda: caching.tiers(n_keys=10**9), "n_keys asks for .* beyond config.CACHING_MAX_KEYS"),
        (lambda: caching.serve(write_rte=5.0), "write_rte is not a setting of ServeSettings"),
        (lambda: caching.serve(settings=5), "settings must be a ServeSettings"),
        (lambda: caching.ttl_sweep([1.0] * 2_000), "ttls asks for .* config.CACHING_MAX_SWEEP_REQUESTS"),
        (lambda: caching.ttl_hit_ratio(-1.0, 5.0), "rate must be >= 0"),
        (lambda: caching.ttl_hit_ratio(1.0, float("nan")), "ttl_s must be >= 0"),
        (lambda: caching.ttl_stale_fraction(1.0, 0.0), "ttl_s must be > 0"),
        (lambda: caching.herd_size(float("nan"), 0.1), "rate must be >= 0"),
        (lambda: caching.xfetch_expiry_probability(10.0, 0.1, 0.0), "beta must be > 0"),
        (lambda: caching.serve("write-behind", crash_at_s=50, duration_s=10), "crash_at_s must be between"),
        (lambda: caching.tiers(replicas=0), "replicas must be an integer"),
        (lambda: caching.tiers(routing="closest"), "routing must be one of"),
        (lambda: caching.tiers(edge_capacity=-1), "edge_capacity must be an integer"),
        (lambda: caching.tiers(db_service=3), "db_service must be a kit distribution"),
        (lambda: caching.ttl_sweep([]), "ttls must list at least one"),
        (lambda: caching.latency(0), "median_ms must be a positive number"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
