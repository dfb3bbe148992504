"""Every default and tunable of the kit, in one place.

Public functions read these at call time (never as default arguments), so
changing a value here changes what the next call does::

    from kit import config
    config.FANOUT_TRIALS = 10_000   # quicker, noisier
    config.reset()                  # back to the shipped defaults

Names are UPPER_CASE, prefixed with their topic's package name
(``CONSISTENCY_``, ``CACHING_``, ``RELIABILITY_``; ``UI_`` for the app
machinery), in curriculum order; units are in the name (``_S``, ``_MS``).
"""

import copy

# --- reproducibility --------------------------------------------------------
SEED = 2026  # used when a caller passes seed=None


# --- apps (kit.ui) ---------------------------------------------------------
UI_DEBOUNCE_S = 0.15  # wait this long after the last control change before running
UI_PROGRESS_AFTER_S = 1.0  # show a progress bar only for work longer than this


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


# --- 01 estimation: back-of-the-envelope numbers, servers, cost, runway -----------
# The worked example (a photo-sharing service); every value is an assumption the app exposes.
ESTIMATION_DAU = 10_000_000  # daily active users
ESTIMATION_ACTIONS_PER_USER = 20.0  # requests per user per day
ESTIMATION_READ_FRACTION = 0.95  # share of requests that read (views); the rest upload
ESTIMATION_PEAK_FACTOR = 3.0  # peak-hour rate / average rate
ESTIMATION_ITEM_BYTES = 500_000.0  # one stored photo (compressed JPEG)
ESTIMATION_REQUEST_BYTES = 2_000.0  # a read request on the wire (headers, cookies)
ESTIMATION_RESPONSE_BYTES = 200_000.0  # a read response (a resized photo)
ESTIMATION_RETENTION_DAYS = 5 * 365.0  # keep every upload this long
ESTIMATION_REPLICATION = 3  # copies of every byte
ESTIMATION_INDEX_OVERHEAD = 0.1  # metadata and index, as a fraction of the data
ESTIMATION_HOT_DAYS = 30.0  # the newest uploads stay on the hot tier this long
ESTIMATION_CACHE_HOT_FRACTION = 0.2  # share of a day's distinct reads kept in the cache
ESTIMATION_CACHE_OVERHEAD = 0.5  # memory per cached byte beyond the value (keys, pointers, slab slack)
ESTIMATION_SERVICE_MS = 20.0  # mean service time of one request on one worker
ESTIMATION_SLO_MS = 200.0  # response-time objective ...
ESTIMATION_PERCENTILE = 99.0  # ... at this percentile
ESTIMATION_UTILISATION = 0.7  # the naive rule's target utilisation
ESTIMATION_MONTHLY_GROWTH = 0.05  # compound growth of traffic and uploads per month
ESTIMATION_LEAD_TIME_DAYS = 90.0  # from order to capacity in service
ESTIMATION_HEADROOM = 0.2  # order so that load never exceeds (1 - headroom) of capacity
ESTIMATION_HORIZON_MONTHS = 60  # storage and runway figures span five years
ESTIMATION_INSTANCE = "m5.xlarge"  # the price sheet's row for app and cache servers; one worker per vCPU
ESTIMATION_PURCHASE = "on_demand"  # on_demand, reserved_1y or spot (where the sheet has that price)
ESTIMATION_CACHE_USABLE = 0.75  # share of a cache server's memory that holds values
ESTIMATION_FUNCTION_GB_S = 0.5  # a managed function per upload (resize, thumbnails): 1 GB for 0.5 s
ESTIMATION_BILL_MONTH = 12  # the bill is for this month from now (load and storage grown)
ESTIMATION_SENSITIVITY_SPREAD = 0.5  # the tornado moves each assumption by x0.5 and x1.5
ESTIMATION_MAX_SERVERS = 200_000  # largest fleet a sizing call searches (Erlang C is O(servers))
ESTIMATION_MAX_HORIZON_MONTHS = 1_200  # a century of monthly rows at most
ESTIMATION_SIM_CUSTOMERS = 100_000  # requests per simulation check of a sizing
ESTIMATION_SIM_MAX_CUSTOMERS = 5_000_000


# --- 02 consistency and CAP: PBS and the replicated-register simulator ---------
CONSISTENCY_PBS_TRIALS = 100_000  # WARS write/read pairs per curve (~15 ms; 10^6 for published-number checks)
CONSISTENCY_PBS_LATENCY = "lnkd-disk"  # the paper's production fit used when none is named
CONSISTENCY_MAX_PBS_N = 100  # replicas per key the PBS model accepts; real stores use 3 to 5
CONSISTENCY_MAX_PBS_TRIALS = 20_000_000  # three float64 arrays per trial: ~480 MB at this bound
CONSISTENCY_MAX_PBS_DRAWS = 400_000_000  # delays one WARS run draws (4 per replica and trial): ~10 s
CONSISTENCY_MAX_K_STALENESS = 1_000_000_000  # k of k_staleness
CONSISTENCY_SIM_N = 3  # home replicas per key
CONSISTENCY_SIM_CLIENTS = 3
CONSISTENCY_SIM_KEYS = 1
CONSISTENCY_SIM_READ_FRACTION = 0.5
CONSISTENCY_SIM_THINK_MS = 10.0  # mean time between one client's operations
CONSISTENCY_SIM_TIMEOUT_MS = 50.0  # a client gives up after this (outcome unknown)
CONSISTENCY_SIM_LATENCY_MEDIAN_MS = 1.0  # one-way message delay, log-normal
CONSISTENCY_SIM_LATENCY_SIGMA = 0.5
CONSISTENCY_SIM_RETRY_MS = 20.0  # a leader's heartbeat and resend period / spares retry hints
CONSISTENCY_SIM_ELECTION_TIMEOUT_MS = (
    150.0  # Raft: a follower waits 150-300 ms (Ongaro & Ousterhout 2014, 9.3)
)
CONSISTENCY_SIM_ANTI_ENTROPY_MS = 100.0  # gossip period of the AP protocols
CONSISTENCY_SIM_DURATION_MS = 2000.0  # clients issue operations for this long
CONSISTENCY_SIM_SETTLE_MS = 500.0  # then the run continues without clients, so replicas can converge
CONSISTENCY_SIM_SAMPLES = 200  # divergence samples per run
CONSISTENCY_SIM_MAX_OPS = 20_000
CONSISTENCY_SIM_MAX_EVENTS = 2_000_000  # bound on one run's work (~1 s); the run stops early and says so
CONSISTENCY_MAX_SIM_N = 15  # replicas (node sets are 64-bit masks in the kernel; 15 is far beyond practice)
CONSISTENCY_MAX_SIM_SPARES = 8
CONSISTENCY_MAX_SIM_CLIENTS = 64
CONSISTENCY_MAX_SIM_KEYS = 256
CONSISTENCY_MAX_SIM_DURATION_MS = 1e7  # also the longest period (gossip, retries, election timeout)
CONSISTENCY_MAX_SIM_OPS = 200_000  # the largest max_ops a run accepts
CONSISTENCY_MAX_SIM_EVENTS = 100_000_000  # the largest max_events a run accepts (~1 min)
CONSISTENCY_MAX_SIM_SAMPLED_VALUES = 5_000_000  # replica values the divergence samples keep (40 MB)
CONSISTENCY_MAX_SIM_MB = 512.0  # what one run may allocate up front
CONSISTENCY_PBS_APP_TRIALS = 30_000  # per app update: every (R, W) of N from one pass (~20 ms at N = 3)
# the CAP app partitions the network over this window within CONSISTENCY_SIM_DURATION_MS
CONSISTENCY_CAP_APP_PARTITION_MS = (500, 1500)
CONSISTENCY_HISTORY_APP_DURATION_MS = 100.0  # a history short enough to read: about 30 operations
CONSISTENCY_HISTORY_APP_THINK_MS = 4.0


# --- 02 consistency and CAP: the checkers --------------------------------------
CONSISTENCY_CHECK_TIMEOUT_S = 30.0  # budget of one check; past it the verdict is UNKNOWN (math.inf: none)
CONSISTENCY_PARALLEL_MIN_OPS = 5000  # check keys on all cores from this many ops up (waking threads costs ms)
CONSISTENCY_TIMELINE_MAX_OPS = 120  # operations drawn in a timeline (around the one that failed)
CONSISTENCY_SEQUENTIAL_MAX_OPS = 200  # classify() searches for a sequential order up to this size
CONSISTENCY_MAX_HISTORY_MB = 50.0  # the largest history file load_history reads (parsing: about a minute)
CONSISTENCY_MAX_CHECK_OPS = 2_000_000  # the largest history a checker accepts (~1 GB of encoding)
CONSISTENCY_MAX_CHECK_MB = 1024.0  # memory of one linearizability search; past it the verdict is UNKNOWN
CONSISTENCY_SEQUENTIAL_MAX_STATES = 500_000  # states a sequential search visits before UNKNOWN (~100 MB)
CONSISTENCY_MAX_SEQUENTIAL_STATES = 20_000_000  # the largest max_states a caller may ask for


# --- 03 sharding: partitioning schemes, imbalance, resharding, hot keys ---------
SHARDING_NODES = 8  # nodes in the app's starting cluster
SHARDING_APP_MAX_NODES = 64  # the app's nodes slider goes this far
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
# limits: a call estimates its work and memory first and refuses beyond these, naming the parameter
SHARDING_MAX_NODES = 100_000  # cluster size
SHARDING_MAX_KEYS = 20_000_000  # keys (or rows, or requests) in one call: ~50 bytes each at the peak, ~1 GB
SHARDING_MAX_TOKENS = 2_000_000  # tokens on one ring, nodes x vnodes (~1 s to build)
SHARDING_MAX_SCORES = 500_000_000  # rendezvous hashes every key on every node: keys x nodes (~3 s)
SHARDING_MAX_RANGES = 50_000  # range partitions keep their ranges sorted: O(ranges^2) work at worst
SHARDING_MAX_PLACEMENTS = 200_000_000  # keys placed in one call, over every cluster size it compares (~3 s)
SHARDING_MAX_CELLS = 10_000_000  # windows x nodes of a traffic heat map (8 bytes each)


# --- 04 caching: eviction, curves, write paths, stampedes, tiers ----------------
CACHING_CURVE_POINTS = 24  # capacities per miss-ratio curve (log-spaced)
CACHING_WORKERS = 0  # threads for curves over capacities; 0 = one per CPU
CACHING_APP_OBJECTS = 5_000  # objects in the eviction app's synthetic workloads
CACHING_APP_REQUESTS = 30_000  # requests per app update (~100 ms for all policies on 2 cores)
CACHING_APP_ALPHA = 0.8  # Zipf skew of the app's default workload
CACHING_APP_POINTS = 12  # capacities per curve in the app
CACHING_APP_WINDOWS = 40  # points of the hit-ratio-over-time race
CACHING_APP_DURATION_S = 8.0  # simulated seconds per write-path run in the app (at least...)
CACHING_APP_FLUSHES = 5  # ... this many write-behind flush intervals, the first fifth not measured
CACHING_KEYS = 1_000  # keys behind the cache in the write-path, stampede-free models
CACHING_KEY_ALPHA = 0.9  # Zipf skew of key popularity there
CACHING_READ_RATE = 2_000.0  # reads per second
CACHING_WRITE_RATE = 100.0  # writes per second
CACHING_TTL_S = 30.0
CACHING_DURATION_S = 20.0  # simulated seconds per write-path run
CACHING_WARMUP_S = 4.0  # not measured: the cache starts empty
CACHING_LATENCY_MS = 0.5  # median cache round trip (log-normal, sigma 0.3)
CACHING_DB_READ_MS = 5.0  # median database read (log-normal, sigma 0.5)
CACHING_DB_WRITE_MS = 10.0  # median database write (log-normal, sigma 0.5)
CACHING_INVALIDATION_DELAY_MS = 50.0  # mean delivery delay of an invalidation event
CACHING_INVALIDATION_LOSS = 0.01  # fraction of invalidation events lost
CACHING_FLUSH_INTERVAL_S = 1.0  # write-behind flush period
CACHING_FLUSH_BATCH = 100  # keys per write-behind flush
CACHING_HOT_RATE = 2_000.0  # requests per second for the one hot key (stampede)
CACHING_HOT_TTL_S = 5.0
CACHING_RECOMPUTE_MS = 200.0  # median recompute (a heavy query), log-normal sigma 0.3
CACHING_XFETCH_BETA = 1.0  # Vattani et al. 2015: beta = 1 is the optimum they recommend
CACHING_MAX_STALE_S = 10.0  # stale-while-revalidate: serve a stale value this long at most
CACHING_STAMPEDE_DURATION_S = 30.0
CACHING_STAMPEDE_BIN_S = 0.25  # timeline resolution
CACHING_TIER_KEYS = 10_000
CACHING_TIER_ALPHA = 0.8
CACHING_TIER_RATE = 1_000.0  # requests per second at the edge
CACHING_TIER_DURATION_S = 30.0
CACHING_TIER_WARMUP_S = 10.0
CACHING_EDGE_CAPACITY = 500  # objects at the CDN edge
CACHING_APP_CAPACITY = 2_000  # objects in the app cache
CACHING_REPLICAS = 2  # database read replicas
CACHING_EDGE_RTT_MS = 20.0  # median client-edge round trip (log-normal, sigma 0.3)
CACHING_ORIGIN_RTT_MS = 60.0  # median edge-origin round trip (log-normal, sigma 0.3)
CACHING_APP_LOOKUP_MS = 1.0  # median app cache lookup (log-normal, sigma 0.3)
CACHING_DB_SERVICE_MS = 2.0  # mean replica service time (exponential)
# limits: every public function of kit.caching estimates its work and memory and refuses beyond these
CACHING_MAX_TRACE_REQUESTS = 100_000_000  # requests in one trace (8 bytes each, 16 with sizes)
CACHING_MAX_OBJECTS = 20_000_000  # distinct objects of a trace (a simulation keeps ~50 bytes per object)
CACHING_MAX_TRACE_FILE_BYTES = 2**30  # a text or csv trace file (parsing needs several times this)
CACHING_MAX_SIMULATED = 1_000_000_000  # requests simulated by one call, over all capacities (~1 min)
CACHING_MAX_CAPACITIES = 10_000  # capacities in one curve
CACHING_MAX_CHE_CELLS = 100_000_000  # objects x capacities in one Che approximation
CACHING_MAX_REQUESTS = 2_000_000  # expected requests of one discrete-event run (serve, stampede, tiers)
CACHING_MAX_SWEEP_REQUESTS = 20_000_000  # expected requests of all the runs of one sweep (ttl_sweep, ...)
CACHING_MAX_KEYS = 1_000_000  # keys of a discrete-event model (~100 bytes each)
CACHING_MAX_BINS = 1_000_000  # time bins of a stampede timeline


# --- 05 sagas: distributed transactions without 2PC ---------------------------------
SAGAS_RUNS = 10_000  # saga executions per simulate() call
SAGAS_APP_RUNS = 4_000  # runs per protocol behind the app (orchestration, choreography, 2PC)
SAGAS_ACTION_MS = 50.0  # median latency of a step whose Step gives none
SAGAS_SIGMA = 0.5  # log-space spread of a latency given as a plain median in ms
SAGAS_TIMEOUT_MS = 1_000.0  # how long a caller waits for one attempt
SAGAS_ATTEMPTS = 3  # tries per step unless a Step says otherwise (max_retries = attempts - 1)
SAGAS_BACKOFF = "full_jitter"  # a kit.core.policies.BACKOFFS name (Brooker 2015)
SAGAS_BACKOFF_BASE_S = 0.05  # the first retry waits this (before jitter), then x multiplier per retry
SAGAS_BACKOFF_MULTIPLIER = 2.0
SAGAS_BACKOFF_CAP_S = 2.0
SAGAS_PERSIST_ATTEMPTS = 50  # what must eventually succeed (a retriable step, a compensation,
#   a 2PC decision) is tried up to this many times; a run that exhausts them is stuck
SAGAS_NETWORK_MS = 2.0  # median one-way network delay between services
SAGAS_BROKER_MS = 10.0  # median delivery delay through the message broker
SAGAS_REDELIVER_MS = 500.0  # broker resends an unacknowledged delivery after this
SAGAS_DOWNTIME_MS = 5_000.0  # mean time for a crashed coordinator or service to come back
SAGAS_REPAIR_MS = 600_000.0  # a person settles a stuck saga this long after it got stuck
SAGAS_APP_PERMANENT_SHARE = 0.1  # app: share of compensation failures that are for good (stuck)
SAGAS_TRACE_RUNS = 20  # runs whose event trace a simulation keeps
SAGAS_TRACE_ROWS = 400  # rows of trace kept per run (more are dropped, flagged truncated)
SAGAS_ISOLATION_RUNS = 20_000  # sagas in the concurrent stream of anomalies()
SAGAS_ISOLATION_RATE = 20.0  # sagas started per second in that stream
SAGAS_ISOLATION_KEYS = 100  # records per service the stream's steps pick from
# limits: a call beyond one is refused with a message naming the parameter
SAGAS_MAX_RUNS = 2_000_000  # runs of one call
SAGAS_MAX_STEPS = 100  # steps of one saga
SAGAS_MAX_STEP_RUNS = 20_000_000  # runs x steps of one call (work; ~1 s per 5 million)
SAGAS_MAX_BYTES = 500_000_000  # memory one call may take for its results
SAGAS_MAX_TRACE_RUNS = 1_000  # runs one trace() keeps
SAGAS_MAX_KEYS = 10_000_000  # records per service in anomalies()
SAGAS_MAX_CONFLICT_PAIRS = 50_000_000  # expected overlapping write pairs anomalies() scans


# --- queueing (kit.queueing: the station 06 reliability and later labs run on) ------
QUEUEING_REPLICATIONS = 20  # independent runs behind simulate_mmc's means and standard errors
QUEUEING_WARMUP_FRACTION = 0.05  # first customers of each run left out of the statistics
QUEUEING_SAMPLES = 400  # state samples (queue length, busy servers) over a run's horizon
QUEUEING_MAX_EVENTS = 20_000_000  # events one call may handle (~5-10 s on one core); beyond: refused
QUEUEING_MAX_MEMORY_MB = 500  # attempt records (84 bytes each) one call may hold at once
QUEUEING_MAX_POINTS = 1_000_000  # state samples of a run, bins of a timeline
QUEUEING_APP_CUSTOMERS = 40_000  # customers per update of the queue app (~50 ms)
QUEUEING_APP_MEAN_SERVICE_S = 0.01  # the queue app's mean service time: 100 requests per second per server
QUEUEING_APP_SIGMA = 1.5  # log-space spread of its heavy-tailed (log-normal) service
QUEUEING_APP_RHO = 0.8  # utilization the app opens on ...
QUEUEING_APP_MAX_RHO = 1.5  # ... and the most it offers: above 1 the queue grows without end


# --- 06 reliability --------------------------------------------------------------
# Brooker's backoff race ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015)
RELIABILITY_BACKOFF_RUNS = 100  # runs averaged per point, as in the post
RELIABILITY_BACKOFF_BASE_MS = 5.0
RELIABILITY_BACKOFF_CAP_MS = 2000.0
RELIABILITY_BACKOFF_NET_MEAN_MS = 10.0  # each message takes |Normal(10, 2)| ms
RELIABILITY_BACKOFF_NET_SD_MS = 2.0
RELIABILITY_BACKOFF_APP_CLIENTS = 100  # the app opens on the post's 100 clients
RELIABILITY_BACKOFF_APP_RUNS = 10  # runs per strategy in the app (the post uses 100): ~150 ms an update
RELIABILITY_MAX_RACE_MESSAGES = 150_000_000  # one call's races: runs x (clients^2 + 4 clients), ~20 s
# (Brooker's whole figure, backoff_sweep() with its defaults, is 1.3e8)
RELIABILITY_MAX_SLEEPS = 10_000_000  # values one sleeps() call returns (80 MB)
# retry storms and metastable failure (Bronson et al., HotOS '21)
RELIABILITY_STORM_BASE_RATE = 80.0  # req/s of normal load
RELIABILITY_STORM_CAPACITY = 100.0  # req/s the server handles (exponential service, one worker)
RELIABILITY_STORM_TRIGGER_RATE = 150.0  # req/s during the trigger
RELIABILITY_STORM_TRIGGER_S = 10.0  # length of the trigger
RELIABILITY_STORM_TRIGGER_AT_S = 30.0
RELIABILITY_STORM_TIMEOUT_S = 1.0  # client timeout
RELIABILITY_STORM_HORIZON_S = 180.0  # long enough for a 250 req/s trigger's backlog to drain without retries
RELIABILITY_STORM_TAIL_FRACTION = 0.2  # "after": the last 20% of the run
RELIABILITY_STORM_RECOVERED = 0.9  # recovered: goodput after is at least 90% of the base load
# the phase diagram's x axis: trigger rates in req/s
RELIABILITY_STORM_PHASE_RATES = [100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 175.0, 200.0, 250.0]
# circuit breakers and fallbacks: a dependency degrades for a while
RELIABILITY_BREAKER_RATE = 100.0  # calls per second
RELIABILITY_BREAKER_WORKERS = 10  # the dependency's workers ...
RELIABILITY_BREAKER_SERVICE_S = 0.05  # ... and mean service time: capacity 200 calls/s
RELIABILITY_BREAKER_TIMEOUT_S = 1.0  # the callers' timeout
RELIABILITY_BREAKER_DEGRADE_S = (60.0, 180.0)  # the dependency is degraded from, to
RELIABILITY_BREAKER_SLOWDOWN = 10.0  # ... 10x slower (capacity 20/s, a fifth of the load) ...
RELIABILITY_BREAKER_ERROR_P = 0.5  # ... and half its answers are errors
RELIABILITY_BREAKER_FALLBACK_HIT = 0.9  # share of failed calls a stale cached value can answer
RELIABILITY_BREAKER_HORIZON_S = 300.0
# bulkheads: two dependencies behind one pool of threads, or one pool each
RELIABILITY_BULKHEAD_THREADS = 20
RELIABILITY_BULKHEAD_RATES = (50.0, 50.0)  # calls per second to A and to B
RELIABILITY_BULKHEAD_SERVICE_S = 0.02  # mean call time when healthy: about one busy thread each
RELIABILITY_BULKHEAD_SLOWDOWN = 50.0  # B's calls take 50x longer (1 s) ...
RELIABILITY_BULKHEAD_SLOW_S = (30.0, 90.0)  # ... from, to
RELIABILITY_BULKHEAD_TIMEOUT_S = 1.0
RELIABILITY_BULKHEAD_HORIZON_S = 120.0
# health checks
RELIABILITY_HEALTH_RATE = 50.0  # requests per second the load balancer sends each instance
RELIABILITY_HEALTH_P_FALSE = 0.01  # chance a probe of a healthy instance fails anyway (GC pause, lost packet)
RELIABILITY_HEALTH_TRIALS = 2_000  # simulated deaths (and healthy instances probed for a while each)
RELIABILITY_HEALTH_DAYS_PER_TRIAL = 0.25  # days of probes per instance before it dies
RELIABILITY_MAX_PROBES = 200_000_000  # probes one detection() call simulates: trials x probes per trial
# availability: component histories that check the block formulas
RELIABILITY_AVAIL_MTTR_H = 1.0  # mean repair time of every component
RELIABILITY_AVAIL_HORIZON_H = 1_000_000.0  # hours per simulated history
RELIABILITY_AVAIL_RUNS = 16  # independent histories
RELIABILITY_MAX_COMPONENTS = 10_000  # components a simulated structure may have
RELIABILITY_MAX_OUTAGE_WORK = (
    3e8  # simulate_availability: runs x failures and repairs x structure size (~10 s)
)
RELIABILITY_AVAIL_ZONE = 0.9999  # the calculator's assumption: a zone's own facilities (power, network)
RELIABILITY_AVAIL_FRONT_DOOR = 0.9999  # ... and the front door (DNS, load balancer) of every design
RELIABILITY_AVAIL_APP_NINES = 3.0  # the calculator's components: 99.9% each
RELIABILITY_AVAIL_APP_TIERS = 3
RELIABILITY_AVAIL_APP_REPLICAS = 2  # the calculator opens on 2 replicas per tier in 2 zones, so that the
RELIABILITY_AVAIL_APP_ZONES = 2  # three designs differ from the start
RELIABILITY_AVAIL_ALERT_STEP_MIN = 1.0  # resolution of error-rate series for burn-rate alerts
RELIABILITY_AVAIL_APP_INCIDENT = 0.05  # the calculator's incident: 5% of requests fail
RELIABILITY_AVAIL_INCIDENT_START_H = 1.0  # the calculator's incident: starts after 1 h ...
RELIABILITY_AVAIL_INCIDENT_H = 12.0  # ... lasts 12 h ...
RELIABILITY_AVAIL_SERIES_H = 80.0  # ... in a series long enough for the 3-day ticket window
RELIABILITY_MAX_SERIES_STEPS = 1_000_000  # steps of an error-rate series (incident, evaluate_alerts)


# --- 09 event sourcing and CQRS: the SQLite event store, projections, lag -----------------
EVENTSOURCING_BUSY_TIMEOUT_S = 5.0  # an append waits this long for another writer's lock
EVENTSOURCING_MAX_BATCH = 10_000  # events in one append (one transaction) at most
EVENTSOURCING_RETRIES = 10  # handle(): retries after a ConcurrencyError
EVENTSOURCING_SNAPSHOT_EVERY = 100  # handle(): a snapshot whenever the version passes a multiple of this
EVENTSOURCING_PROJECTION_BATCH = 500  # events per read-model transaction
EVENTSOURCING_POLL_S = 0.05  # the projector's sleep when caught up
EVENTSOURCING_WAIT_POLL_S = 0.005  # ReadModel.wait_for checks this often
EVENTSOURCING_MAX_EVENTS = 200_000  # events one cost experiment writes at most
# read-model lag: the real run ...
EVENTSOURCING_LAG_RATE = 100.0  # offered commands per second
EVENTSOURCING_LAG_DURATION_S = 2.0
EVENTSOURCING_ACCOUNTS = 10
EVENTSOURCING_MAX_MEASURED_RATE = 2_000.0
EVENTSOURCING_MAX_DURATION_S = 30.0
# ... and the model
EVENTSOURCING_SIM_EVENTS = 200_000
EVENTSOURCING_MAX_SIM_EVENTS = 20_000_000
EVENTSOURCING_SIM_COST_S = 0.0002  # seconds to apply one event (measure yours with measure_lag)
EVENTSOURCING_SIM_OVERHEAD_S = 0.001  # seconds per read-model transaction
EVENTSOURCING_MAX_RATE = 1_000_000.0
EVENTSOURCING_APP_COMMANDS = 40  # commands the app's bank starts with


_DEFAULTS = {name: copy.deepcopy(value) for name, value in globals().items() if name.isupper()}


def reset() -> None:
    """Restore every setting to its shipped default (fresh copies: edited lists do not survive)."""
    globals().update(copy.deepcopy(_DEFAULTS))
