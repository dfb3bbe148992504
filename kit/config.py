"""Every default and tunable of the kit, in one place.

Public functions read these at call time (never as default arguments), so
changing a value here changes what the next call does::

    from kit import config
    config.FANOUT_TRIALS = 10_000   # quicker, noisier
    config.reset()                  # back to the shipped defaults

Names are UPPER_CASE; units are in the name (``_S``, ``_MS``).
"""

# --- reproducibility --------------------------------------------------------
SEED = 2026  # used when a caller passes seed=None

# --- apps -------------------------------------------------------------------
APP_DEBOUNCE_S = 0.15  # wait this long after the last control change before running
APP_PROGRESS_AFTER_S = 1.0  # show a progress bar only for work longer than this
APP_FIGURE_HEIGHT = 360  # px, per figure

# --- sweeps -----------------------------------------------------------------
SWEEP_PROGRESS = True  # progress bar for sweeps

# --- 00 start here: fan-out and the tail at scale -----------------------------
FANOUT_TRIALS = 10_000  # Monte Carlo requests per app update (~70 ms on 2 cores)
FANOUT_K = 100  # servers a request fans out to
FANOUT_K_MAX = 200  # widest fan-out the app's curves span
FANOUT_P_SLOW = 0.01  # probability one server is slow
FANOUT_FAST_MEDIAN_MS = 10.0  # median latency of a server that is not slow
FANOUT_FAST_SIGMA = 0.4  # log-space spread of the fast mode
FANOUT_SLOW_MS = 1000.0  # latency of a slow server (Dean & Barroso 2013: 1 s)
FANOUT_PERCENTILE = 99.9  # not 99: with p = 1%, a server's p99 sits exactly on the edge of its slow mode

# --- 05 sagas: distributed transactions without 2PC ---------------------------------
SAGAS_RUNS = 10_000  # saga executions per simulate() call
SAGAS_APP_RUNS = 4_000  # per mode in the app (orchestration, choreography, 2PC: ~100 ms)
SAGAS_MAX_RUNS = 5_000_000  # the most runs one call accepts
SAGAS_ACTION_MS = 50.0  # median latency of a step whose Step gives none
SAGAS_SIGMA = 0.5  # log-space spread of a latency given as a plain median in ms
SAGAS_TIMEOUT_MS = 1_000.0  # how long a caller waits for one attempt
SAGAS_ATTEMPTS = 3  # tries per step (and per compensation) unless a Step says otherwise
SAGAS_BACKOFF_BASE_MS = 50.0  # first backoff; doubles per retry up to the cap
SAGAS_BACKOFF_MULTIPLIER = 2.0
SAGAS_BACKOFF_CAP_MS = 2_000.0
SAGAS_JITTER = "full"  # "none", "full" or "equal" (Brooker 2015)
SAGAS_FORWARD_ATTEMPTS = 50  # a retriable step (after the pivot) is retried up to this many times
SAGAS_NETWORK_MS = 2.0  # median one-way network delay between services
SAGAS_BROKER_MS = 10.0  # median delivery delay through the message broker
SAGAS_REDELIVER_MS = 500.0  # broker resends an unacknowledged delivery after this
SAGAS_DOWNTIME_MS = 5_000.0  # mean time for a crashed coordinator or service to come back
SAGAS_APP_PERMANENT_SHARE = 0.1  # app: share of compensation failures that are for good (stuck)
SAGAS_TRACE_RUNS = 20  # runs whose event trace a simulation keeps
SAGAS_TRACE_ROWS = 400  # rows of trace kept per run (more are dropped, flagged truncated)
# --- 03 sharding: partitioning schemes, imbalance, resharding, hot keys ---------
SHARDING_NODES = 8  # nodes in the app's starting cluster
SHARDING_KEYS = 100_000  # keys in the app's data set (~60 ms per update on 2 cores)
SHARDING_VNODES = 100  # tokens per node on the ring: load spread ~ 1/sqrt(vnodes) = 10%
SHARDING_EPS = 0.25  # bounded loads: a node holds at most ceil((1 + eps) m / n) keys
SHARDING_ZIPF_ALPHA = 0.99  # key popularity skew, YCSB's zipfian constant (Cooper et al. 2010)
SHARDING_READ_FRACTION = 0.95  # reads among requests, for hot-key cures (YCSB workload B)
SHARDING_RANGES_PER_NODE = 8  # range partitioning: default split size aims at this many ranges per node
SHARDING_REQUESTS = 50_000  # requests sampled for a traffic heat map (2,500 per window)
SHARDING_WINDOWS = 20  # time windows of a traffic heat map
SHARDING_TIMELINE = (4, 16)  # resharding timeline: grow from this many nodes to that many, one at a time
SHARDING_CURVE_NODES = (1, 16)  # moved fraction vs cluster size: the sizes compared
SHARDING_CURVE_KEYS = 10_000  # keys behind the app's moved-fraction curves (shape, not noise, matters)
SHARDING_RING_PLOT_ARCS = 1500  # the ring figure draws at most this many arcs (then a sector of it)
SHARDING_RING_PLOT_KEYS = 600  # keys drawn as dots on the ring figure
# --- 04 caching: eviction, curves, write paths, stampedes, tiers ----------------
CACHE_CURVE_POINTS = 24  # capacities per miss-ratio curve (log-spaced)
CACHE_WORKERS = 0  # threads for curves over capacities; 0 = one per CPU
CACHE_APP_OBJECTS = 5_000  # objects in the eviction app's synthetic workloads
CACHE_APP_REQUESTS = 30_000  # requests per app update (~100 ms for all policies on 2 cores)
CACHE_APP_ALPHA = 0.8  # Zipf skew of the app's default workload
CACHE_APP_POINTS = 12  # capacities per curve in the app
CACHE_APP_WINDOWS = 40  # points of the hit-ratio-over-time race
CACHE_APP_DURATION_S = 8.0  # simulated seconds per write-path run in the app
CACHE_KEYS = 1_000  # keys behind the cache in the write-path, stampede-free models
CACHE_KEY_ALPHA = 0.9  # Zipf skew of key popularity there
CACHE_READ_RATE = 2_000.0  # reads per second
CACHE_WRITE_RATE = 100.0  # writes per second
CACHE_TTL_S = 30.0
CACHE_DURATION_S = 20.0  # simulated seconds per write-path run
CACHE_WARMUP_S = 4.0  # not measured: the cache starts empty
CACHE_LATENCY_MS = 0.5  # median cache round trip (log-normal, sigma 0.3)
CACHE_DB_READ_MS = 5.0  # median database read (log-normal, sigma 0.5)
CACHE_DB_WRITE_MS = 10.0  # median database write (log-normal, sigma 0.5)
CACHE_INVALIDATION_DELAY_MS = 50.0  # mean delivery delay of an invalidation event
CACHE_INVALIDATION_LOSS = 0.01  # fraction of invalidation events lost
CACHE_FLUSH_INTERVAL_S = 1.0  # write-behind flush period
CACHE_FLUSH_BATCH = 100  # keys per write-behind flush
CACHE_MAX_REQUESTS = 2_000_000  # bound on any one discrete-event run
CACHE_HOT_RATE = 2_000.0  # requests per second for the one hot key (stampede)
CACHE_HOT_TTL_S = 5.0
CACHE_RECOMPUTE_MS = 200.0  # median recompute (a heavy query), log-normal sigma 0.3
CACHE_XFETCH_BETA = 1.0  # Vattani et al. 2015: beta = 1 is the optimum they recommend
CACHE_MAX_STALE_S = 10.0  # stale-while-revalidate: serve a stale value this long at most
CACHE_STAMPEDE_DURATION_S = 30.0
CACHE_STAMPEDE_BIN_S = 0.25  # timeline resolution
CACHE_TIER_KEYS = 10_000
CACHE_TIER_ALPHA = 0.8
CACHE_TIER_RATE = 1_000.0  # requests per second at the edge
CACHE_TIER_DURATION_S = 30.0
CACHE_TIER_WARMUP_S = 10.0
CACHE_EDGE_CAPACITY = 500  # objects at the CDN edge
CACHE_APP_CAPACITY = 2_000  # objects in the app cache
CACHE_REPLICAS = 2  # database read replicas
CACHE_EDGE_RTT_MS = 20.0  # median client-edge round trip (log-normal, sigma 0.3)
CACHE_ORIGIN_RTT_MS = 60.0  # median edge-origin round trip (log-normal, sigma 0.3)
CACHE_APP_LOOKUP_MS = 1.0  # median app cache lookup (log-normal, sigma 0.3)
CACHE_DB_SERVICE_MS = 2.0  # mean replica service time (exponential)
# --- 02 consistency and CAP: PBS and the replicated-register simulator ---------
PBS_TRIALS = 100_000  # WARS write/read pairs per curve (~15 ms; 10^6 for published-number checks)
PBS_LATENCY = "lnkd-disk"  # the paper's production fit used when none is named
SIM_N = 3  # home replicas per key
SIM_CLIENTS = 3
SIM_KEYS = 1
SIM_READ_FRACTION = 0.5
SIM_THINK_MS = 10.0  # mean time between one client's operations
SIM_TIMEOUT_MS = 50.0  # a client gives up after this (outcome unknown)
SIM_LATENCY_MEDIAN_MS = 1.0  # one-way message delay, log-normal
SIM_LATENCY_SIGMA = 0.5
SIM_RETRY_MS = 20.0  # leader resends unacknowledged entries / spares retry hints
SIM_ANTI_ENTROPY_MS = 100.0  # gossip period of the AP protocols
SIM_DURATION_MS = 2000.0  # clients issue operations for this long
SIM_SETTLE_MS = 500.0  # then the run continues without clients, so replicas can converge
SIM_SAMPLES = 200  # divergence samples per run
SIM_MAX_OPS = 20_000
SIM_MAX_EVENTS = 2_000_000  # bound on one run's work (~1 s); the run stops early and says so
PBS_APP_TRIALS = 30_000  # per app update: every (R, W) of N from one pass (~20 ms at N = 3)
CAP_APP_PARTITION_MS = (500, 1500)  # the app's partition window within SIM_DURATION_MS
HISTORY_APP_DURATION_MS = 100.0  # a history short enough to read: about 30 operations
HISTORY_APP_THINK_MS = 4.0

# --- 02 consistency and CAP: the checkers --------------------------------------
CONSISTENCY_CHECK_TIMEOUT_S = 30.0  # budget of one check; past it the verdict is UNKNOWN (math.inf: none)
CONSISTENCY_PARALLEL_MIN_OPS = 5000  # check keys on all cores from this many ops up (waking threads costs ms)
CONSISTENCY_TIMELINE_MAX_OPS = 120  # operations drawn in a timeline (around the one that failed)
CONSISTENCY_SEQUENTIAL_MAX_OPS = 200  # classify() searches for a sequential order up to this size


# --- queueing core (kit.queueing: used by 06 reliability and later labs) ------
QUEUE_REPLICATIONS = 20  # independent runs behind simulate_mmc's means and standard errors
QUEUE_WARMUP_FRACTION = 0.05  # first customers of each run left out of the statistics
QUEUE_MAX_EVENTS = 50_000_000  # bound on one station run; it stops there, truncated
QUEUE_SAMPLES = 400  # state samples (queue length, busy servers) over a run's horizon
QUEUE_APP_CUSTOMERS = 40_000  # customers per update of the queue app (~50 ms)

# --- 06 reliability --------------------------------------------------------------
# Brooker's backoff race ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015)
BACKOFF_RUNS = 100  # runs averaged per point, as in the post
BACKOFF_BASE_MS = 5.0
BACKOFF_CAP_MS = 2000.0
BACKOFF_NET_MEAN_MS = 10.0  # each message takes |Normal(10, 2)| ms
BACKOFF_NET_SD_MS = 2.0
BACKOFF_APP_RUNS = 10  # runs per strategy in the app (the post uses 100): ~150 ms an update
# retry storms and metastable failure (Bronson et al., HotOS '21)
STORM_BASE_RATE = 80.0  # req/s of normal load
STORM_CAPACITY = 100.0  # req/s the server handles (exponential service, one worker)
STORM_TRIGGER_RATE = 150.0  # req/s during the trigger
STORM_TRIGGER_S = 10.0  # length of the trigger
STORM_TRIGGER_AT_S = 30.0
STORM_TIMEOUT_S = 1.0  # client timeout
STORM_HORIZON_S = 180.0  # long enough for a 250 req/s trigger's backlog to drain without retries
STORM_TAIL_FRACTION = 0.2  # "after": the last 20% of the run
STORM_RECOVERED = 0.9  # recovered: goodput after is at least 90% of the base load
STORM_PHASE_RATES = [100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 175.0, 200.0, 250.0]  # phase diagram x axis
# circuit breakers and fallbacks: a dependency degrades for a while
BREAKER_RATE = 100.0  # calls per second
BREAKER_WORKERS = 10  # the dependency's workers ...
BREAKER_SERVICE_S = 0.05  # ... and mean service time: capacity 200 calls/s
BREAKER_TIMEOUT_S = 1.0  # the callers' timeout
BREAKER_DEGRADE_S = (60.0, 180.0)  # the dependency is degraded from, to
BREAKER_SLOWDOWN = 10.0  # ... 10x slower (capacity 20/s, a fifth of the load) ...
BREAKER_ERROR_P = 0.5  # ... and half its answers are errors
BREAKER_FALLBACK_HIT = 0.9  # share of failed calls a stale cached value can answer
BREAKER_HORIZON_S = 300.0
# bulkheads: two dependencies behind one pool of threads, or one pool each
BULKHEAD_THREADS = 20
BULKHEAD_RATES = (50.0, 50.0)  # calls per second to A and to B
BULKHEAD_SERVICE_S = 0.02  # mean call time when healthy: about one busy thread each
BULKHEAD_SLOWDOWN = 50.0  # B's calls take 50x longer (1 s) ...
BULKHEAD_SLOW_S = (30.0, 90.0)  # ... from, to
BULKHEAD_TIMEOUT_S = 1.0
BULKHEAD_HORIZON_S = 120.0
# health checks
HEALTH_RATE = 50.0  # requests per second the load balancer sends each instance
HEALTH_P_FALSE = 0.01  # chance a probe of a healthy instance fails anyway (GC pause, lost packet)
HEALTH_TRIALS = 2_000  # simulated deaths (and healthy instances probed for a while each)
HEALTH_DAYS_PER_TRIAL = 0.25  # days of probes per healthy instance
# availability: component histories that check the block formulas
AVAIL_MTTR_H = 1.0  # mean repair time of every component
AVAIL_HORIZON_H = 1_000_000.0  # hours per simulated history
AVAIL_RUNS = 16  # independent histories
AVAIL_ZONE = 0.9999  # the calculator's assumption: a zone's own facilities (power, network)
AVAIL_FRONT_DOOR = 0.9999  # ... and the shared front door (DNS, load balancer) every design sits behind
AVAIL_ALERT_STEP_MIN = 1.0  # resolution of error-rate series for burn-rate alerts
AVAIL_INCIDENT_START_H = 1.0  # the calculator's incident: starts after 1 h ...
AVAIL_INCIDENT_H = 12.0  # ... lasts 12 h ...
AVAIL_SERIES_H = 80.0  # ... in a series long enough for the 3-day ticket window

_DEFAULTS = {name: value for name, value in globals().items() if name.isupper()}


def reset() -> None:
    """Restore every setting to its shipped default."""
    globals().update(_DEFAULTS)
