"""A valid call of every public callable of every topic, where ``tests/test_inputs.py`` starts.

``CALLS["<topic>.<name>"]`` is a :class:`Call` (arguments that work) or
:data:`OUTPUT` (a result record the api builds; users do not construct it).
A public callable missing here fails ``test_every_public_callable_has_a_valid_call``:
adding a function to a topic's ``__all__`` means adding its valid call here.

Argument values may be :class:`Lazy` (made in the worker process, e.g. a
History) so that building the table imports nothing heavy. ``free`` names the
parameters whose strings are free text (a name, a path), so any string is
accepted; every other string parameter is a choice and must refuse an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lazy:
    """A value built when the call is made: ``Lazy("consistency.History.from_ops", ...)``."""

    path: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def build(self):
        import importlib

        obj = importlib.import_module("kit")
        for part in self.path.split("."):
            obj = getattr(obj, part)
        return obj(*resolve(self.args), **resolve(self.kwargs))


def resolve(value):
    """Build Lazy values, also inside lists, tuples and dicts."""
    if isinstance(value, Lazy):
        return value.build()
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(v) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Call:
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    free: frozenset = frozenset()


def call(*args, free=(), **kwargs) -> Call:
    return Call(args, kwargs, frozenset(free))


OUTPUT = "output"

# Shared modules (not topics) whose listed public functions are checked like a topic's.
SHARED = {"exercises": ("progress", "quiz", "reset_progress")}

# shared ingredients ------------------------------------------------------------------------
HISTORY = Lazy(
    "consistency.History.from_ops",
    ([("A", "w", 1, None, 0.0, 1.0), ("B", "r", None, 1, 2.0, 3.0), ("A", "r", None, 1, 4.0, 5.0)],),
)
ZIPF_TRACE = Lazy("caching.zipf", (200, 0.8, 2_000), {"seed": 1})
SAGA = Lazy("sagas.examples.travel_booking")
FAULTS = Lazy("sagas.Faults", kwargs={"crash_p": 0.01})
STEP = Lazy("sagas.Step", ("pay",))
LOGNORMAL = Lazy("core.rng.LogNormal.from_median", (10.0, 0.5))
EXPONENTIAL = Lazy("core.rng.Exponential", (0.01,))
COMPONENT = Lazy("reliability.Component", (0.999,))
PROBE = Lazy("reliability.Probe", (10.0, 1.0, 3, 1))
RULE = Lazy("reliability.BurnRule", ("fast", 14.4, 1.0, 1 / 12, "page"))
BREAKER = Lazy("queueing.Breaker")
POISSON = Lazy("queueing.Poisson", (50.0,))
EST_DESIGN = Lazy("estimation.Design", kwargs={"dau": 1e6, "slo_ms": 300.0})
SHOP = Lazy("architecture.shop", ("microservices",))
SPEC = Lazy("design.example", ("url_shortener",))
EST_TRAFFIC = Lazy("estimation.traffic", (1e6, 10.0, 0.9, 2.0))
SCALER = Lazy("scaling.Autoscaler", kwargs={"target": 0.5})
EVENT_STORE = Lazy("eventsourcing.EventStore")  # a new store in a temporary folder
STORAGE_OPS = {
    "point_read": 20,
    "range_scan": 5,
    "index_lookup": 5,
    "aggregate": 1,
    "write_burst": 5,
    "update": 5,
}

CALLS: dict[str, Call | str] = {
    # --- 00 fan-out -------------------------------------------------------------------------
    "fanout.FanoutResult": OUTPUT,
    "fanout.k_grid": call(100),
    "fanout.max_fanout": call(0.01, 0.5),
    "fanout.p_slow": call(100, 0.01),
    "fanout.p_slow_mc": call(10, 0.01, trials=1000, seed=1),
    "fanout.server_latency": call(p=0.01, fast_median_ms=10.0, fast_sigma=0.4, slow_ms=1000.0),
    "fanout.simulate": call([1, 10], trials=1000, seed=1),
    "fanout.simulate_span": call(100, Lazy("fanout.server_latency"), draws=100_000, seed=1),
    "fanout.span": call(300),
    "fanout.theory_p_slower": call([1, 10], Lazy("fanout.server_latency"), 100.0),
    "fanout.theory_percentile": call([1, 10], Lazy("fanout.server_latency"), 99.0),
    "fanout.warm": call(),
    # --- 01 estimation ----------------------------------------------------------------------
    "estimation.Bandwidth": OUTPUT,
    "estimation.Design": call(dau=1e6, slo_ms=300.0),
    "estimation.Estimate": OUTPUT,
    "estimation.Runway": OUTPUT,
    "estimation.SimulatedPercentile": OUTPUT,
    "estimation.Sizing": OUTPUT,
    "estimation.Storage": OUTPUT,
    "estimation.Traffic": OUTPUT,
    "estimation.bandwidth": call(EST_TRAFFIC, 1000.0, 100_000.0, 500_000.0),
    "estimation.cache_memory": call(1e6, 10_000.0, 0.2, 0.5),
    "estimation.compare_sizing": call(1000.0, 20.0, 200.0, 99.0, 0.7),
    "estimation.cost_per_million": call(Lazy("estimation.estimate", (EST_DESIGN,))),
    "estimation.estimate": call(EST_DESIGN),
    "estimation.max_qps": call(10, 20.0, 200.0, 99.0),
    "estimation.monthly_bill": call(EST_DESIGN),
    "estimation.naive_servers": call(1000.0, 50.0, 0.7),
    "estimation.prices": call(),
    "estimation.purchase_options": call(EST_DESIGN),
    "estimation.quantity": call(3.0, "ms", free={"unit"}),
    "estimation.registry": call(),
    "estimation.response_time_curve": call(80.0, 10.0, [1, 2, 3], 99.0),
    "estimation.response_time_quantile": call(80.0, 10.0, 1, 99.0),
    "estimation.runway": call(100.0, 50.0, 0.05, lead_time_days=90.0, headroom=0.2),
    "estimation.runway_months": call(2.0, 1.0, 0.05),
    "estimation.sensitivity": call(EST_DESIGN, spread=0.5),
    "estimation.servers_needed": call(1000.0, 20.0, 100.0, 99.0),
    "estimation.simulate_percentile": call(80.0, EXPONENTIAL, 1, 99.0, customers=5_000, seed=1),
    "estimation.storage": call(1e6, 100_000.0, 365.0, 3, 0.1, 0.05, 30.0, 24),
    "estimation.traffic": call(1e6, 10.0, 0.9, 2.0),
    "estimation.warm": call(),
    # --- 02 consistency ---------------------------------------------------------------------
    "consistency.Classification": OUTPUT,
    "consistency.Crash": call(0, 100.0, 200.0),
    "consistency.EventualResult": OUTPUT,
    "consistency.History": OUTPUT,  # built by History.from_ops / from_sessions / load_history
    "consistency.LinearizabilityResult": OUTPUT,
    "consistency.ModelResult": OUTPUT,
    "consistency.PBSResult": OUTPUT,
    "consistency.Partition": call(100.0, 200.0, replicas=(0,)),
    "consistency.SequentialResult": OUTPUT,
    "consistency.SimResult": OUTPUT,
    "consistency.Violation": OUTPUT,
    "consistency.WARSLatency": call(
        "mine", LOGNORMAL, LOGNORMAL, LOGNORMAL, LOGNORMAL, free={"name", "source"}
    ),
    "consistency.check_causal": call(HISTORY),
    "consistency.check_eventual": call(
        Lazy(
            "consistency.History",
            kwargs=dict(
                process=[0, 1],
                f=["write", "read"],
                key=[0, 0],
                value=[1, None],
                result=[None, 1],
                invoke_t=[0.0, 2.0],
                complete_t=[1.0, 3.0],
                status=["ok", "ok"],
                initial=0,
                replicas={"t": [0.5, 0.7], "replica": [0, 1], "key": [0, 0], "value": [1, 1]},
            ),
        )
    ),
    "consistency.check_linearizable": call(HISTORY, timeout_s=10.0),
    "consistency.check_pram": call(HISTORY),
    "consistency.check_sequential": call(HISTORY, timeout_s=10.0),
    "consistency.check_session": call(HISTORY),
    "consistency.classify": call(HISTORY, timeout_s=10.0),
    "consistency.compare": call(["leader-sync (CP)", "multi-leader (AP)"], duration_ms=200.0, seed=1),
    "consistency.detect_format": call("{:process 0, :type :invoke, :f :read, :value nil}", free={"text"}),
    "consistency.k_staleness": call(3, 1, 1, 2),
    "consistency.latency_model": call("lnkd-disk"),
    "consistency.linearization_points": call(HISTORY, (0, 1, 2)),
    "consistency.load_history": OUTPUT,  # reads a file: covered by tests/test_consistency_history.py
    "consistency.pbs_all": call(3, trials=1000, seed=1),
    "consistency.pbs_consistency": call(3, 1, 1, 5.0, trials=1000, seed=1),
    "consistency.pbs_simulate": call(3, 1, 1, trials=1000, seed=1),
    "consistency.pbs_tradeoff": call(3, trials=1000, seed=1),
    "consistency.Settings": call(N=3, duration_ms=200.0, seed=1),
    "consistency.simulate": call("quorum", N=3, R=2, W=2, duration_ms=200.0, seed=1),
    "consistency.stale_reads": call(HISTORY),
    "consistency.tradeoff_table": call(Lazy("consistency.pbs_all", (3,), {"trials": 1000, "seed": 1})),
    "consistency.warm": call(),
    # --- 03 sharding ------------------------------------------------------------------------
    "sharding.Change": OUTPUT,
    "sharding.Cure": OUTPUT,
    "sharding.Exploration": OUTPUT,
    "sharding.Loads": OUTPUT,
    "sharding.Move": OUTPUT,
    "sharding.RangePartition": OUTPUT,
    "sharding.Ring": OUTPUT,
    "sharding.RingView": OUTPUT,
    "sharding.ScatterGather": OUTPUT,
    "sharding.Strategy": OUTPUT,
    "sharding.Traffic": OUTPUT,
    "sharding.assign": call(list(range(100)), "ring", 4),
    "sharding.bounded_capacity": call(1000, 4, 0.25),
    "sharding.bounded_fill_times": call(8, eps=0.1, vnodes=10),
    "sharding.compare_cures": call(list(range(1000)), "jump", 4),
    "sharding.default_split_keys": call(1000, 4),
    "sharding.explore": call("ring", 8, 100, 10_000, 0.99, 0.25, from_nodes=7),
    "sharding.hash64": call(list(range(10))),
    "sharding.hot_key_cure": call(list(range(1000)), "jump", 4),
    "sharding.insert_traffic": call(list(range(1000)), "range", 4),
    "sharding.jump_hash": call(12345, 8),
    "sharding.loads": call(list(range(1000)), "jump", 4),
    "sharding.moved_fraction": call(list(range(1000)), "ring", 4, 5),
    "sharding.moved_theory": call("ring", 4, 5),
    "sharding.order_keys": call(list(range(10))),
    "sharding.range_partition": call(list(range(1000)), 4),
    "sharding.read_traffic": call(list(range(1000)), "jump", 4, requests=2000, seed=1),
    "sharding.reshard_timeline": call(list(range(1000)), ["ring", "mod"], n_from=2, n_to=4),
    "sharding.reshuffle": call(list(range(1000)), "bounded", 4, 5, eps=0.1),
    "sharding.ring": call(4, vnodes=10),
    "sharding.ring_view": call(list(range(1000)), "ring", 4),
    "sharding.scatter_gather": call(8, 4, queries=200, seed=1),
    "sharding.scatter_gather_curve": call(8, items=[1, 4, 8], seed=1),
    "sharding.shards_touched_theory": call(8, 4),
    "sharding.theory_cv": call("ring", 8, 10_000, vnodes=100),
    "sharding.warm": call(),
    "sharding.xxh64": call("key", free={"data"}),
    # --- 04 caching -------------------------------------------------------------------------
    "caching.ServeResult": OUTPUT,
    "caching.ServeSettings": call(write_rate=10.0, duration_s=2.0),
    "caching.SimResult": OUTPUT,
    "caching.StampedeResult": OUTPUT,
    "caching.StampedeSettings": call(rate=100.0, duration_s=2.0),
    "caching.TierResult": OUTPUT,
    "caching.TierSettings": call(edge_capacity=100, routing="random"),
    "caching.Trace": call([0, 1, 0, 2], free={"name"}),
    "caching.capacity_grid": call(ZIPF_TRACE, points=5),
    "caching.characteristic_time": call([0.5, 0.3, 0.2], 1.0),
    "caching.che_curves": call([0.5, 0.3, 0.2], [1, 2]),
    "caching.che_fifo": call([0.5, 0.3, 0.2], 1.0),
    "caching.che_lru": call([0.5, 0.3, 0.2], 1.0),
    "caching.compare": call(ZIPF_TRACE, capacities=[10, 50], policies=["lru", "fifo"]),
    "caching.herd_size": call(100.0, 0.2),
    "caching.latency": call(5.0),
    "caching.load_trace": OUTPUT,  # reads a file: covered by tests/test_caching_traces.py
    "caching.loop": call(10, 100),
    "caching.lru_mrc": call(ZIPF_TRACE),
    "caching.miss_ratio_curve": call(ZIPF_TRACE, "lru", capacities=[10, 50]),
    "caching.mix": call(ZIPF_TRACE, Lazy("caching.scan", (100,)), seed=1),
    "caching.policy_race": call(ZIPF_TRACE, 50, policies=["lru", "fifo"], windows=4),
    "caching.policy_table": call(),
    "caching.sample_requests": call([0.5, 0.3, 0.2], 100, seed=1),
    "caching.save_trace": OUTPUT,  # writes a file: covered by tests/test_caching_traces.py
    "caching.scan": call(100),
    "caching.serve": call("cache-aside", duration_s=2.0, warmup_s=0.5, seed=1),
    "caching.shifting_hot_set": call(100, 10, 1000, 200, seed=1),
    "caching.simulate": call(ZIPF_TRACE, "lru", 50),
    "caching.stack_distances": call(ZIPF_TRACE),
    "caching.stampede": call("none", duration_s=5.0, seed=1),
    "caching.strategy_table": call(duration_s=2.0, warmup_s=0.5, seed=1),
    "caching.tiers": call(duration_s=3.0, warmup_s=1.0, seed=1),
    "caching.ttl_hit_ratio": call(10.0, 5.0),
    "caching.ttl_stale_fraction": call(1.0, 5.0),
    "caching.ttl_sweep": call([1.0, 5.0], duration_s=2.0, warmup_s=0.5, seed=1),
    "caching.warm": call(),
    "caching.with_sizes": call(ZIPF_TRACE, LOGNORMAL, seed=1),
    "caching.workload": call("zipf", 100, 1000, seed=1),
    "caching.xfetch_expiry_probability": call(100.0, 0.2, 1.0),
    "caching.zipf": call(100, 0.8, 1000, seed=1),
    # --- 05 sagas ---------------------------------------------------------------------------
    "sagas.Faults": call(loss_p=0.01, crash_p=0.01),
    "sagas.Saga": call([STEP, Lazy("sagas.Step", ("ship",))], free={"name"}),
    "sagas.SagaDefinitionError": call("a saga needs at least one step"),
    "sagas.Step": call("pay", free={"name", "service"}),
    "sagas.anomalies": call(SAGA, 10.0, 20, runs=200, seed=1),
    "sagas.compare": call(SAGA, runs=100, seed=1),
    "sagas.outcome_shares": call(Lazy("sagas.simulate", (SAGA,), {"runs": 100, "seed": 1})),
    "sagas.parallel": call(STEP, Lazy("sagas.Step", ("car",))),
    "sagas.simulate": call(SAGA, runs=100, seed=1, faults=FAULTS),
    "sagas.simulate_2pc": call(SAGA, runs=100, seed=1, faults=FAULTS),
    "sagas.simulate_outbox": call(SAGA, runs=100, seed=1, faults=FAULTS),
    "sagas.summary": call(Lazy("sagas.compare", (SAGA,), {"runs": 100, "seed": 1})),
    "sagas.theory_2pc_blocked_ms": call(SAGA, FAULTS),
    "sagas.theory_dual_write_half_done": call(SAGA, FAULTS),
    "sagas.theory_expected_attempts": call(SAGA),
    "sagas.theory_p_committed": call(SAGA),
    "sagas.theory_p_step": call(STEP),
    "sagas.trace": call(SAGA, runs=2, seed=1),
    "sagas.warm": call(),
    # --- 06 reliability ---------------------------------------------------------------------
    "reliability.AvailabilityCheck": OUTPUT,
    "reliability.BackoffResult": OUTPUT,
    "reliability.BreakerResult": OUTPUT,
    "reliability.BreakerSettings": call(rate=100.0, horizon_s=60.0, degrade=(10.0, 30.0)),
    "reliability.BulkheadResult": OUTPUT,
    "reliability.DetectionResult": OUTPUT,
    "reliability.BurnRule": call("fast", 14.4, 1.0, 1 / 12, "page", free={"name"}),
    "reliability.Component": call(0.999, free={"name"}),
    "reliability.KOfN": call(2, 3, 0.99),
    "reliability.Parallel": call(COMPONENT, COMPONENT),
    "reliability.Probe": call(10.0, 1.0, 3, 1),
    "reliability.Series": call(COMPONENT, COMPONENT),
    "reliability.StormResult": OUTPUT,
    "reliability.availability": call(Lazy("reliability.KOfN", (2, 3, 0.99))),
    "reliability.backoff_experiment": call("full_jitter", 10, runs=5, seed=1),
    "reliability.backoff_sweep": call(clients=[5, 10], strategies=("none", "full_jitter"), runs=3, seed=1),
    "reliability.breaker_comparison": call(seed=1, horizon_s=60.0, degrade=(10.0, 30.0)),
    "reliability.breaker_demo": call("resilience4j", horizon_s=60.0, degrade=(10.0, 30.0), seed=1),
    "reliability.bulkhead_demo": call(True, horizon_s=30.0, slow=(5.0, 15.0), seed=1),
    "reliability.burn_rate_for": call(0.02, 1.0),
    "reliability.designs": call(0.999, 2, 2, 2),
    "reliability.detection": call("kubernetes", trials=100, seed=1),
    "reliability.detection_time_min": call(0.01, 0.999, RULE),
    "reliability.downtime_min": call(0.999),
    "reliability.downtime_table": call(),
    "reliability.drain_s": call(80.0, 100.0, 150.0, 10.0),
    "reliability.error_budget_min": call(0.999),
    "reliability.evaluate_alerts": call(Lazy("reliability.incident", (0.01,)), 1.0, 0.999),
    "reliability.from_mtbf": call(1000.0, 1.0),
    "reliability.incident": call(0.01),
    "reliability.multi_az": call(3, 2, 0.9999, COMPONENT),
    "reliability.nines": call(0.999),
    "reliability.phase_diagram": call(
        trigger_rates=[120.0], policies=["no retries"], seed=1, horizon_s=120.0
    ),
    "reliability.retry_storm": call("no retries", 150.0, 10.0, seed=1),
    "reliability.simulate_availability": call(
        Lazy("reliability.KOfN", (2, 3, 0.99)), horizon_h=1000.0, runs=2
    ),
    "reliability.sleeps": call("full_jitter", attempts=4, samples=10, seed=1),
    "reliability.stall_outcome": call("kubernetes", 5.0, 10.0, True),
    "reliability.sustained_load": call(80.0, 3),
    "reliability.warm": call(),
    # --- 07 scaling out -----------------------------------------------------------------------
    "scaling.AutoscaleResult": OUTPUT,
    "scaling.Autoscaler": call(target=0.5, warmup_s=120.0),
    "scaling.BalanceResult": OUTPUT,
    "scaling.Policy": OUTPUT,
    "scaling.PublishedFit": OUTPUT,
    "scaling.ReplicaResult": OUTPUT,
    "scaling.USLFit": OUTPUT,
    "scaling.autoscale": call([100.0, 500.0, 2000.0], SCALER, instance_rps=400.0, workers=8, slo_ms=150.0),
    "scaling.balance": call("power_of_d", 4, 0.8, 2000, service_ms=1.0, d=2, seed=1, replications=2),
    "scaling.bimodal": call(1.0, 0.05, 10.0),
    "scaling.compare": call(["random"], 4, [0.5], 2000, seed=1),
    "scaling.day_traffic": call(1000.0, 0.25, 13.0, 2.0, 30.0, 60.0),
    "scaling.erlang_rr_sigma": call(4, 0.8),
    "scaling.fit_table": call({"n": [1, 2, 4, 8], "throughput": [1.0, 1.9, 3.4, 5.2]}),
    "scaling.fit_usl": call([1, 2, 4, 8], [1.0, 1.9, 3.4, 5.2], weights="relative", model="usl"),
    "scaling.fixed": call([100.0, 500.0], 3, instance_rps=400.0),
    "scaling.herd": call([0.0, 10.0], ["power_of_d"], 4, 0.8, 2000, seed=1),
    "scaling.measure": call(2, 0.05, 1, "sleep", 1.0, 100.0, 10.0),
    "scaling.peak": call(0.05, 0.001),
    "scaling.published": call("cisco"),
    "scaling.read_capacity": call(3, 10_000.0, 200.0, 0.1),
    "scaling.read_replicas": call(2, 20.0, 100.0, 200.0, 1000.0, 500.0, 0.99, 1.0, seed=1),
    "scaling.replica_sweep": call([1, 2], [0.0, 100.0], seed=1, duration_s=1.0),
    "scaling.session_failover": call(4, 1000, seed=1),
    "scaling.stale_theory": call(20.0, 200.0, 0.99),
    "scaling.supermarket_mean": call(0.9, 2),
    "scaling.supermarket_tail": call(0.9, 2, 3),
    "scaling.sweep": call([0.0, 300.0], [0.5], [100.0, 500.0, 2000.0], SCALER),
    "scaling.synthetic": call([1, 2, 4], 0.05, 0.001, 100.0, 0.05, seed=1),
    "scaling.theory_mean": call("random", 0.8, 10, 2),
    "scaling.theory_quantile": call("round_robin", 0.8, 99.0, 10),
    "scaling.usl": call([1, 2, 4], 0.05, 0.001, 1.0),
    "scaling.warm": call(),
    # --- 08 queues and events ---------------------------------------------------------------
    "messaging.BufferResult": OUTPUT,
    "messaging.BufferTheory": OUTPUT,
    "messaging.DeliveryResult": OUTPUT,
    "messaging.DeliverySettings": call(batch=1, crashes=((0, 3, "after_effect"),)),
    "messaging.GroupResult": OUTPUT,
    "messaging.GroupSettings": call(keys=10, rebalance_s=1.0),
    "messaging.LiveResult": OUTPUT,
    "messaging.OutboxResult": OUTPUT,
    "messaging.Rebalance": OUTPUT,
    "messaging.RedisServer": call("/bin/sh", free={"binary"}),  # starts nothing until entered
    "messaging.assign": call(6, 2, "sticky", topics=1, previous=[0, 0, 0, 1, 1, 1]),
    "messaging.compare_backpressure": call(80.0, 100.0, 10, 1000, seed=1),
    "messaging.consumer_group": call(4, 2, "sticky", [(1.0, "join")], seed=1, horizon_s=5.0),
    "messaging.deliver": call(500, 2, 2, 0.01, seed=1),
    "messaging.duplicates_theory": call(0.01, 0.5),
    "messaging.expected_counts": call(400, 10, 25, "after_effect", "at_least_once", False),
    "messaging.find_redis_server": call(),
    "messaging.kafka_partition": call(["a", "b"], 3),
    "messaging.live_run": call(60, kill_after=5),  # needs redis-server (CI installs it)
    "messaging.loss_probability": call(80.0, 100.0, 10),
    "messaging.lost_theory": call(0.01, 0.5),
    "messaging.mmck": call(80.0, 100.0, 2, 10),
    "messaging.murmur2": call(["21"]),
    "messaging.outbox_relay": call(1000, "poll_unpublished", seed=1),
    "messaging.simulate_buffer": call(80.0, 100.0, 10, 1000, seed=1),
    "messaging.warm": call(),
    # --- 09 event sourcing -----------------------------------------------------------------
    "eventsourcing.Account": OUTPUT,  # the state replay() folds
    "eventsourcing.CommandRejected": call("the account is closed", free={"message"}),
    "eventsourcing.Committed": OUTPUT,
    "eventsourcing.ConcurrencyError": OUTPUT,  # raised by EventStore.append
    "eventsourcing.Domain": OUTPUT,  # built from functions: covered by tests/test_eventsourcing_aggregate.py
    "eventsourcing.Event": OUTPUT,  # read back from the store
    "eventsourcing.EventStore": call(free={"path"}),
    "eventsourcing.Lab": call(step_s=60.0),
    "eventsourcing.LagResult": OUTPUT,
    "eventsourcing.Projection": OUTPUT,  # built from functions: see PROJECTIONS
    "eventsourcing.Projector": call("events.db", "read.db", poll_s=0.01, free={"store_path", "read_path"}),
    "eventsourcing.ReadModel": call(free={"path"}),
    "eventsourcing.Vault": call(free={"path"}),
    "eventsourcing.account_events": call(100, seed=1),
    "eventsourcing.copy_transform": OUTPUT,  # writes a store: covered by tests/test_eventsourcing_costs.py
    "eventsourcing.deposited_v1_to_v2": call({"amount": 12.5}),
    "eventsourcing.handle": call(EVENT_STORE, "account-1", {"type": "open"}, free={"stream"}),
    "eventsourcing.measure_lag": call(rate_per_s=50.0, duration_s=0.3, accounts=2, seed=1),
    "eventsourcing.random_commands": call(20, 3, seed=1),
    "eventsourcing.replay": call(EVENT_STORE, "account-1", free={"stream"}),
    "eventsourcing.replay_cost": call([100, 200], intervals=(0, 50), repeats=1, seed=1),
    "eventsourcing.schema_change": call(200, repeats=1, seed=1),
    "eventsourcing.simulate_lag": call(100.0, events=1000, seed=1),
    "eventsourcing.snapshot_tradeoff": call(
        Lazy("eventsourcing.replay_cost", ([100, 200],), {"intervals": (0, 50), "repeats": 1})
    ),
    "eventsourcing.storage_growth": call(200, accounts=5, points=2, seed=1),
    "eventsourcing.warm": call(),
    # --- 10 storage choices -----------------------------------------------------------------
    "storage.BTreeResult": OUTPUT,
    "storage.DataModels": OUTPUT,
    "storage.LSMResult": OUTPUT,
    "storage.Needs": call(read_fraction=0.8, consistency="eventual", data_gb=10.0),
    "storage.Recommendation": OUTPUT,
    "storage.answers": call("lmdb", 300, seed=1, ops=STORAGE_OPS),
    "storage.benchmark": call(
        ["sqlite", "lmdb"],
        ["point_read", "update"],
        300,
        seed=1,
        durability="os",
        ops=STORAGE_OPS,
        repeats=1,
        progress=False,
    ),
    "storage.btree": call(2_000, page_bytes=4096, entry_bytes=128, cache_mb=0.5, seed=1),
    "storage.compare_rocksdb": call(5_000, size_ratio=4, memtable_mb=0.0625, value_bytes=100, seed=1),
    "storage.data_models": call(300, seed=1),
    "storage.engine_table": call(),
    "storage.index_cost": call(500, inserts=50, seed=1),
    "storage.lsm": call(
        5_000,
        size_ratio=4,
        levels=3,
        policy="tiered",
        memtable_mb=0.01,
        entry_bytes=128.0,
        l0_trigger=4,
        seed=1,
    ),
    "storage.lsm_theory": call("leveled", 10, 3, l0_trigger=4),
    "storage.orders": call(500, customers=20, seed=1),
    "storage.recommend": call(read_fraction=0.8, joins=False),
    "storage.size_ratio_sweep": call(3_000, size_ratios=[2, 4], memtable_mb=0.01, seed=1),
    "storage.warm": call(),
    "storage.write_keys": call(1_000, keys=100, distribution="zipf", seed=1),
    # --- 11 architecture evolution ---------------------------------------------------------------
    "architecture.GraphRun": OUTPUT,
    "architecture.Migration": call(step_h=12.0),
    "architecture.MigrationResult": OUTPUT,
    "architecture.ServiceGraph": call(free={"entry"}),
    "architecture.chain": call(3, availability=0.99, fanout=2),
    "architecture.compare": call(requests=500, seed=1),
    "architecture.coupling": call(SHOP, p_bad_change=0.05),
    "architecture.hops_table": call(3, requests=500, seed=1),
    "architecture.shop": call("monolith", extract=["payments"], network_ms=1.0),
    "architecture.strangler": call(runs=50, seed=1),
    "architecture.warm": call(),
    # --- 12 communicating designs, 13 the capstone ---------------------------------------------
    "design.Alternative": call("one SQL primary", "outgrows one disk", free={"option", "rejected_because"}),
    "design.Component": call("web", kind="service", replicas=2, free={"name", "note"}),
    "design.DataStore": call(
        "urls",
        "db",
        consistency="eventual",
        shard_key="code",
        shards=4,
        free={"name", "component", "shard_key", "note"},
    ),
    "design.Design": call("tiny", components=[{"name": "web"}], free={"name", "problem"}),
    "design.Flow": call("web", "db", mode="async", free={"source", "target", "label"}),
    "design.Operations": call(rollout="canary", free={"rollout", "monitoring", "on_call"}),
    "design.Requirements": call(dau=1e6, regions=2),
    "design.Risk": call("hot key", "cache", free={"risk", "mitigation"}),
    "design.SLO": call("fast", kind="latency", objective=0.99, threshold_ms=100.0, free={"name"}),
    "design.alerts": call(SPEC),
    "design.availability": call(SPEC, regions=2),
    "design.bill": call(SPEC),
    "design.Capstone": OUTPUT,
    "design.budgets": call(SPEC),
    "design.capstone": call(traffic=2.0, regions=2, objective=0.9995, threshold_ms=150.0, cache_share=0.02),
    "design.hit_ratio": call(0.01, alpha=0.9),
    "design.cross_region_ms": call(SPEC),
    "design.dumps": call(SPEC),
    "design.estimate": call(SPEC),
    "design.estimation_design": call(SPEC),
    "design.example": call("url_shortener_poor"),
    "design.example_path": call("url_shortener"),
    "design.graph": call(SPEC),
    "design.latency_ms": call(SPEC, 99.0),
    "design.load": call(Lazy("design.example_path", ("url_shortener",)), free={"path"}),
    "design.loads": call("name: tiny\ncomponents: [{name: web}]", free={"text"}),
    "design.monthly_usd": call(SPEC),
    "design.numbers": call(SPEC),
    "design.path_availability": call(SPEC),
    "design.review": call(SPEC),
    "design.shards_needed": call(SPEC),
    "design.side_by_side": call(SPEC, Lazy("design.example", ("url_shortener_poor",))),
    "design.warm": call(),
    "design.what_if": call(SPEC, traffic=2.0, objective=0.9995, threshold_ms=150.0, regions=2),
    "design.write": call(SPEC, "/tmp/kit_design_public_call.md", free={"path"}),
    # --- queueing (the discrete-event core's topic) -------------------------------------------
    "queueing.Breaker": call(),
    "queueing.ClosedLoop": call(10, EXPONENTIAL),
    "queueing.Degradation": call(1.0, 2.0, slowdown=2.0),
    "queueing.MMcResult": OUTPUT,
    "queueing.Poisson": call(50.0),
    "queueing.QueueTheory": OUTPUT,
    "queueing.Retry": call(3, "full_jitter", 0.01, 1.0),
    "queueing.StationResult": OUTPUT,
    "queueing.StationSettings": call(customers=1000, horizon_s=10.0, timeout_s=0.5, seed=1),
    "queueing.Trace": call([0.1, 0.2, 0.3]),
    "queueing.breaker_trace": call(BREAKER, [0.0, 1.0], [0.1, 0.1], [0.0, 1.0]),
    "queueing.check_size": call(3000.0, 1000.0, horizon_s=10.0),
    "queueing.erlang_b": call(5.0, 1.0, 8),
    "queueing.erlang_c": call(5.0, 1.0, 8),
    "queueing.mm1": call(5.0, 10.0),
    "queueing.mmc": call(5.0, 1.0, 8),
    "queueing.overload_growth": call(12.0, 10.0, 1),
    "queueing.servers_for_wait": call(5.0, 1.0, 0.1),
    "queueing.simulate": call(POISSON, EXPONENTIAL, 1, customers=1000, seed=1),
    "queueing.simulate_mmc": call(5.0, 10.0, 1, 1000, seed=1, replications=2),
    "queueing.warm": call(),
    # --- learner progress (kit.exercises) -----------------------------------------------------
    "exercises.progress": call(),
    "exercises.quiz": call("00_start_here", n=2, seed=1),
    "exercises.reset_progress": call(),
}
