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
UI_FIGURE_HEIGHT = 420  # px of every figure; its width is the cell's
UI_LEGEND_MAX = 6  # legend entries a figure may show; beyond, kit.ui.figures.highlight greys the rest
UI_CHECK_WIDTH_PX = 900  # figure width the rule checker assumes (a JupyterLab cell in a 1400 px window)
UI_CACHE_SIZE = 32  # updates an app keeps by control values (cache_results = True), newest first


# --- sweeps -----------------------------------------------------------------
SWEEP_PROGRESS = True  # progress bar for sweeps


# --- 00 start here: fan-out and the tail at scale -----------------------------
FANOUT_TRIALS = 10_000  # Monte Carlo requests per simulate() call
FANOUT_K = 100  # servers a request fans out to
FANOUT_K_MAX = 200  # widest fan-out the app's curves span (further when the learner's k is wider)
FANOUT_P_SLOW = 0.01  # probability one server is slow
FANOUT_FAST_MEDIAN_MS = 10.0  # median latency of a server that is not slow
FANOUT_FAST_SIGMA = 0.4  # log-space spread of the fast mode
FANOUT_SLOW_MS = 1000.0  # latency of a slow server (Dean & Barroso 2013: 1 s)
FANOUT_PERCENTILE = 99.9  # not 99: with p = 1%, a server's p99 sits exactly on the edge of its slow mode
FANOUT_APP_K_MAX = 1000  # the app's k slider ends here (simulate takes up to FANOUT_MAX_K)
FANOUT_APP_P_MAX = 0.2  # the app's p slider ends here
FANOUT_APP_SLOW_MS = (30.0, 10_000.0)  # the app's slow-latency slider, ms (above the fast median)
FANOUT_APP_DRAWS = 1_000_000  # server draws per app update: 5,000 requests x 200 servers (~35 ms)
FANOUT_MAX_K = 10_000  # widest fan-out simulate() accepts
FANOUT_MAX_DRAWS = 500_000_000  # trials x widest fan-out one simulate() may draw (~20 s on 2 cores)
FANOUT_MAX_BYTES = 400_000_000  # one result's latencies: trials x fan-outs x 8 bytes


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
# The in-memory cache holds each photo's record (owner, caption, URLs, counters), not its
# bytes: photo bytes are served from object storage behind a CDN (Beaver et al., OSDI 2010).
ESTIMATION_CACHE_VALUE_BYTES = 1_000.0
ESTIMATION_CACHE_OVERHEAD = 0.5  # memory per cached byte beyond the value (keys, pointers, slab slack)
ESTIMATION_SERVICE_MS = 20.0  # mean service time of one request on one worker
ESTIMATION_SLO_MS = 200.0  # response-time objective ...
ESTIMATION_PERCENTILE = 99.0  # ... at this percentile
ESTIMATION_UTILISATION = 0.7  # the naive rule's target utilisation
ESTIMATION_MONTHLY_GROWTH = 0.05  # compound growth of traffic and uploads per month
ESTIMATION_LEAD_TIME_DAYS = 90.0  # from order to capacity in service
ESTIMATION_HEADROOM = 0.2  # order so that load never exceeds (1 - headroom) of capacity
ESTIMATION_BUY_AHEAD_MONTHS = 12.0  # the fleet is bought for the peak this many months ahead
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
CONSISTENCY_HISTORY_APP_LAG_MS = (1.0, 100.0)  # replication delay (median) the history app offers
CONSISTENCY_HISTORY_APP_SKEW_MAX_MS = 30.0  # beyond, last-writer-wins drops nearly every skewed write
CONSISTENCY_CAP_APP_SKEW_MAX_MS = 50.0  # operations take a few ms: 50 ms of skew reorders most of them
CONSISTENCY_APP_N_MAX = 7  # replicas the quorum and CAP apps offer: stores use 3 to 5; N = 7 has 49 (R, W)
CONSISTENCY_APP_SEEDS = 50  # seeds the history app offers: enough to meet each anomaly


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
SHARDING_APP_MAX_VNODES = 1_000  # ... its vnodes slider
SHARDING_APP_MAX_KEYS = 1_000_000  # ... its keys slider
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
SHARDING_TIMELINE_KEYS = 20_000  # at most this many keys behind the app's resharding timeline
SHARDING_CURVE_KEYS = 5_000  # keys behind the app's moved-fraction curves (sd < 0.4 points: shape shows)
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
CACHING_APP_SIZE = 0.05  # the eviction app's cache size, a fraction of the objects
CACHING_APP_SIZE_MIN = 0.005  # ... and its smallest (25 of 5,000 objects: room for S3-FIFO's small queue)
CACHING_APP_POINTS = 12  # capacities per curve in the app
CACHING_APP_WINDOWS = 40  # points of the hit-ratio-over-time race
CACHING_APP_DURATION_S = 5.0  # simulated seconds per write-path run in the app (at least...)
CACHING_APP_FLUSHES = 3  # ... this many write-behind flush intervals, the first fifth not measured
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
CACHING_APP_STAMPEDE_REQUESTS = 30_000  # the stampede app's requests per protection (shorter runs)
CACHING_APP_STAMPEDE_EXPIRIES = 3  # ... but never fewer TTLs than this
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
SAGAS_APP_RUNS = 2_000  # runs per protocol behind the app (orchestration, choreography, 2PC): ~50 ms of work
SAGAS_PARALLEL_MIN_RUNS = 20_000  # simulate on all cores from this many runs up (waking threads costs ms)
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
SAGAS_APP_FAULTS = dict(comp_fail_p=0.05, dup_p=0.02, loss_p=0.01, crash_p=0.02)  # the app's start
SAGAS_APP_FAULT_MAX = dict(comp_fail_p=0.5, dup_p=0.3, loss_p=0.3, crash_p=0.3)  # its sliders' ends
SAGAS_APP_FAIL_SCALE_MAX = 5.0  # app: step failure rates up to this many times the saga's own
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
QUEUEING_DISCIPLINE = "fifo"  # queue order of simulate (fifo, lifo, priority) unless its settings say
QUEUEING_CANCEL = "none"  # what servers do with work whose client gave up (none, queued, all)
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
RELIABILITY_BACKOFF_APP_RUNS = 10  # runs per strategy in the app (the post uses 100): ~70 ms an update
RELIABILITY_PARALLEL_MIN_MESSAGES = 300_000  # races on all cores from this many messages up (~25 ms)
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


# --- 07 scaling out: USL, load balancing, autoscaling, read replicas -------------------
# the Universal Scalability Law (Gunther 2007): fits and a real measurement on this machine
SCALING_CONFIDENCE = 0.95  # level of a fit's confidence intervals
SCALING_MAX_POINTS = 100_000  # measurements one fit accepts
SCALING_MEASURE_PROCESSES = 8  # the measurement runs 1, 2, ... this many processes ...
SCALING_MEASURE_DURATION_S = 0.2  # ... each level for this long ...
SCALING_MEASURE_ROUNDS = 3  # ... in this many interleaved passes
SCALING_MEASURE_WORK_MS = 2.0  # an operation's parallel part (slept: I/O-like, needs no core)
SCALING_MEASURE_SERIAL_US = 200.0  # its critical section, spun under one shared lock
SCALING_MEASURE_COHERENCY_US = 50.0  # inside the lock, per other worker: merge its update
SCALING_MAX_PROCESSES = 32
SCALING_MAX_MEASURE_S = 60.0  # a measurement's whole budget: levels x rounds x duration
# load balancing: N servers behind one balancer (a numba event loop on kit.core.events)
SCALING_SERVERS = 20
SCALING_UTILISATION = 0.8  # offered load / total capacity
SCALING_WARMUP_FRACTION = 0.1  # first requests of a run left out of the statistics
SCALING_REFRESH_MS = 10.0  # the stale policies see queue lengths refreshed this often
SCALING_KEYS = 10_000  # consistent hashing: distinct keys (users, sessions) ...
SCALING_ZIPF_ALPHA = 0.99  # ... with this popularity skew (YCSB's zipfian constant)
SCALING_VNODES = 100  # tokens per server on the hash ring
SCALING_SLOW_FRACTION = 0.05  # bimodal service: this share of requests is ...
SCALING_SLOW_FACTOR = 10.0  # ... this many times slower than the rest
SCALING_QUEUE_BINS = 64  # queue-length histogram: 0..63 requests, the last bin is "63 or more"
SCALING_MAX_SERVERS = 100_000
SCALING_MAX_REQUESTS = 50_000_000  # requests x replications in one call (8 bytes kept for each)
SCALING_MAX_REPLICATIONS = 1_000
SCALING_MAX_MEMORY_BYTES = 1_000_000_000  # one balance() call's responses and queue-length tallies
SCALING_MAX_SWEEP_REQUESTS = 200_000_000  # requests over every run of compare() or herd()
SCALING_SWEEP_REQUESTS = 20_000  # per run of compare() and herd() by default
SCALING_APP_REQUESTS = 10_000  # per run of an app update (every policy at every utilisation): as close
# to the theory as 20,000 at 0.9 (seed noise dominates), half the time
SCALING_APP_POINTS = 6  # utilisations per curve in the app
# autoscaling: a day of traffic against AWS-style target tracking
SCALING_STEP_S = 60.0  # CloudWatch's 1-minute metric period
SCALING_PEAK_RPS = 2_000.0  # the day's busiest minute, before the spike
SCALING_TROUGH = 0.25  # the quietest minute, as a share of the peak
SCALING_SPIKE_AT_H = 13.0  # a spike (a push notification, a TV advert) at 13:00 ...
SCALING_SPIKE_FACTOR = 2.5  # ... multiplies the traffic by 2.5 ...
SCALING_SPIKE_MIN = 30.0  # ... for half an hour
SCALING_INSTANCE_RPS = 400.0  # requests per second one instance serves at 100% CPU
SCALING_INSTANCE_WORKERS = 8  # workers per instance (vCPUs): service time = workers / instance_rps (20 ms)
SCALING_TARGET = 0.5  # target average CPU utilisation
SCALING_WARMUP_S = 300.0  # launch to in service (boot, warm caches); paid, serves nothing
SCALING_COOLDOWN_S = 300.0  # scale-in cooldown (AWS default: 300 s)
SCALING_OUT_PERIODS = 3  # the high alarm: 3 one-minute points above the target
SCALING_IN_PERIODS = 15  # the low alarm: 15 one-minute points below 90% of the target
SCALING_IN_RATIO = 0.9
SCALING_MIN_INSTANCES = 2
SCALING_MAX_INSTANCES = 100
SCALING_SLO_MS = 150.0  # a minute misses the SLO when its p99 exceeds this
SCALING_SLO_PERCENTILE = 99.0
SCALING_MAX_STEPS = 1_000_000  # steps of one autoscaling run (a day is 1,440)
SCALING_MAX_GRID = 10_000  # runs in one sweep ...
SCALING_MAX_SWEEP_STEPS = 50_000_000  # ... and steps over all of them
# read replicas: a primary, k asynchronous replicas, replication lag from a distribution
SCALING_REPLICAS = 3
SCALING_WRITE_RATE = 200.0  # writes per second (each updates one key)
SCALING_READ_RATE = 5_000.0  # reads per second of popular keys
SCALING_LAG_MEDIAN_MS = 20.0  # replication lag: log-normal ...
SCALING_LAG_SIGMA = 1.0  # ... with this log-space spread (a long tail)
SCALING_GAP_MS = 500.0  # a writer reads their own write back after Exp(this mean)
SCALING_RYW_WINDOW_MS = 0.0  # read-your-writes: a writer's reads go to the primary this long
SCALING_NODE_OPS = 10_000.0  # operations per second one database node serves
SCALING_REPLICA_SECONDS = 20.0  # simulated seconds per replica run
SCALING_MAX_REPLICA_OPS = 20_000_000  # writes x replicas + reads in one run ...
SCALING_MAX_SWEEP_REPLICA_OPS = 200_000_000  # ... and over every run of replica_sweep()
SCALING_APP_REPLICA_SECONDS = 4.0  # simulated seconds per run in the app
SCALING_SESSION_STORE_MS = 1.0  # a shared session store adds one round trip per request

# --- 08 queues and events: buffers, partitions, delivery, the live broker ---------
MESSAGING_MESSAGES = 20_000  # messages per buffer run (~10 ms)
MESSAGING_ARRIVAL_RATE = 80.0  # messages per second offered by the producers
MESSAGING_SERVICE_RATE = 100.0  # messages per second one consumer handles (exponential)
MESSAGING_CAPACITY = 50  # most messages the broker holds, the ones being processed included
MESSAGING_SPIKE = (60.0, 20.0, 200.0)  # the app's spike: (start_s, duration_s, rate)
MESSAGING_CREDIT_RTT_S = 0.05  # credit-based flow: a grant reaches the producer this long after it is sent
MESSAGING_CREDIT_BATCH = 0.5  # ... and is sent once this fraction of the window has been freed
MESSAGING_TIMELINE_BINS = 200  # points of a buffer timeline
MESSAGING_KEY_ALPHA = 0.99  # Zipf skew of message keys (YCSB's constant, Cooper et al. 2010)
MESSAGING_DELIVERY_RATE = 100.0  # messages per second produced in a delivery run
MESSAGING_SERVICE_S = 0.005  # mean time a consumer spends on one message (exponential)
MESSAGING_BATCH = 10  # messages a consumer fetches at once (poll / XREADGROUP COUNT)
MESSAGING_VISIBILITY_TIMEOUT_S = 1.0  # a crashed consumer's messages come back after this
MESSAGING_CRASH_BEFORE_EFFECT = 0.5  # share of crashes that hit before the side effect
MESSAGING_MAX_ATTEMPTS = 5  # attempts before a message goes to the dead-letter queue
MESSAGING_BACKOFF_BASE_S = 0.1  # first retry waits this long, then doubles ...
MESSAGING_BACKOFF_CAP_S = 5.0  # ... up to this
MESSAGING_REBALANCE_S = 3.0  # one round of a consumer-group rebalance (join + sync)
MESSAGING_SESSION_TIMEOUT_S = 45.0  # Kafka's session.timeout.ms default since 3.0 (KIP-735)
MESSAGING_GROUP_HORIZON_S = 60.0  # a consumer-group run lasts this long
MESSAGING_GROUP_RATE = 400.0  # messages per second into the topic
MESSAGING_OUTBOX_POLL_S = 1.0  # a polling relay queries the outbox this often
MESSAGING_OUTBOX_TX_S = 0.05  # mean duration of a transaction that writes an outbox row
MESSAGING_OUTBOX_LOG_LAG_S = 0.02  # mean delay of a log-tailing relay (CDC) behind the commit
MESSAGING_LIVE_MESSAGES = 400  # messages in a live run on Redis
MESSAGING_LIVE_WORK_S = 0.001  # each live consumer sleeps this long per message (the "work")
MESSAGING_LIVE_CLAIM_IDLE_S = 1.0  # XAUTOCLAIM takes entries pending this long (the visibility timeout)
MESSAGING_LIVE_TIMEOUT_S = 60.0  # a live run that has not finished by then is stopped with an error
# limits: a call estimates its work first and refuses beyond these, naming the parameter
MESSAGING_MAX_MESSAGES = 2_000_000  # messages in one simulated run (~50 bytes each)
MESSAGING_MAX_CAPACITY = 10_000_000
MESSAGING_MAX_CONSUMERS = 10_000
MESSAGING_MAX_PARTITIONS = 10_000
MESSAGING_MAX_KEYS = 1_000_000  # keys are hashed as strings, as Kafka serialises them (~1 s per million)
MESSAGING_MAX_EVENTS = 50_000_000  # bound on one discrete-event run
MESSAGING_MAX_STEPS = 2_000_000_000  # messages x partitions a consumer may scan for work, in one delivery run
MESSAGING_MAX_HORIZON_S = 86_400.0
MESSAGING_LIVE_MAX_MESSAGES = 20_000  # a live run on a real broker stays within seconds

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


# --- 10 storage choices: real engines, LSM and B-tree amplification, data models ---
# the shop's orders (kit.storage.orders): one dataset loaded into every engine
STORAGE_ROWS = 50_000  # orders per benchmark (about 20 s for all four engines on Binder; scale up freely)
STORAGE_CUSTOMERS_PER_ORDER = 0.05  # customers = 5% of orders: 20 orders per customer on average ...
STORAGE_CUSTOMER_ALPHA = 1.0  # ... Zipf-skewed: the busiest customers place most orders
STORAGE_DURABILITY = "fsync"  # every commit on stable storage before it returns ("os": handed to the OS)
# the workload menu: operations per timed repetition of each access pattern
STORAGE_OPS = {
    "point_read": 2_000,
    "range_scan": 200,
    "index_lookup": 200,
    "aggregate": 1,
    "write_burst": 200,
    "update": 200,
}
STORAGE_RANGE_ROWS = 100  # orders per range scan (consecutive order ids)
STORAGE_REPEATS = 3  # timed repetitions after one untimed warm-up; ops/s is their median
STORAGE_BATCH_S = 0.15  # a batch stops after this long (slow engine, fsync per commit): bounded runs
# amplification models (kit.storage.lsm, kit.storage.btree; lsm's size ratio 10 and memtable 64 MB are
# RocksDB's defaults, in its signature); RocksDB's defaults here too where it has one
STORAGE_ENTRY_BYTES = 128  # one key-value entry: 16 B key + 100 B value (db_bench's defaults) + metadata
STORAGE_L0_TRIGGER = 4  # level0_file_num_compaction_trigger; L1's target is this many memtables
STORAGE_PAGE_BYTES = 4096  # a B-tree page (SQLite's default page size)
STORAGE_CACHE_MB = 2.0  # B-tree page cache (SQLite's default cache_size, -2000 KiB)
STORAGE_APP_WRITES = 50_000  # writes per model run in the amplification app (~30 ms per curve point)
STORAGE_APP_MEMTABLE_MB = 0.125  # the app's small memtable: many levels from few writes
STORAGE_ONE_NODE_GB = 1_000.0  # an assumption, not a limit: data one database server holds comfortably
STORAGE_ONE_NODE_WRITES = 20_000.0  # an assumption too: small write transactions/s, one server
# limits: a call beyond one is refused with a message naming the parameter
STORAGE_MAX_ROWS = 5_000_000  # orders in one benchmark (a few GB on disk over four engines)
STORAGE_MAX_OPS = 1_000_000  # operations of one pattern per repetition
STORAGE_MAX_WRITES = 20_000_000  # writes replayed by one model run
STORAGE_MAX_LEVELS = 12  # LSM levels (beyond that a size ratio of 2 holds 4096 memtables)
STORAGE_MAX_BYTES = 1_000_000_000  # memory one model run may take
# --- 11 architecture evolution: service graphs, monolith vs microservices, the strangler fig ---
ARCHITECTURE_REQUESTS = 20_000  # requests per simulation of a service graph
ARCHITECTURE_APP_REQUESTS = 4_000  # requests per chain or shop style in the apps (~100 ms an update)
ARCHITECTURE_APP_FANOUT_CALLS = 40_000  # ... fewer at a wide fan-out: requests x fan-out at most this
ARCHITECTURE_PERCENTILES = (50.0, 90.0, 99.0, 99.9)  # rows of ServiceGraph.latency()
ARCHITECTURE_LATENCY_MS = 5.0  # median own work of a service given none (log-normal, sigma 0.5)
ARCHITECTURE_AVAILABILITY = 0.999  # availability of one instance of a unit whose availability is not given
ARCHITECTURE_NETWORK_MS = 0.5  # a network round trip inside a data centre (Dean 2009: 500 us)
ARCHITECTURE_QUEUE_CUSTOMERS = 20_000  # customers of the kit.queueing run behind a queueing wait
# the shop: one feature set as a monolith, a modular monolith or microservices
ARCHITECTURE_SHOP_REPLICAS = 1  # instances of every unit (its availability is that of the unit as deployed)
ARCHITECTURE_SHOP_P_BAD_CHANGE = 0.05  # chance one team's change breaks its release (rolled back)
# the strangler fig: traffic moves to the new system in canary steps gated by the error budget
ARCHITECTURE_STRANGLER_SHARES = (0.01, 0.05, 0.25, 0.5, 1.0)  # share of traffic on the new system, per step
ARCHITECTURE_STRANGLER_SLO = 0.999  # the availability objective both systems serve under
ARCHITECTURE_STRANGLER_STEP_H = 24.0  # each step runs this long before the gate decides
ARCHITECTURE_STRANGLER_RATE_PER_S = 100.0  # requests per second, all traffic
ARCHITECTURE_STRANGLER_LEGACY_ERROR = 0.0002  # error rate of the legacy system
ARCHITECTURE_STRANGLER_NEW_ERROR = 0.0002  # error rate of the new services without a regression
ARCHITECTURE_STRANGLER_P_REGRESSION = 0.3  # chance the new release has a regression (fixed after a rollback)
ARCHITECTURE_STRANGLER_REGRESSION_ERROR = 0.02  # extra error rate of a regression on the traffic it gets
ARCHITECTURE_STRANGLER_BUDGET_PER_STEP = 0.05  # gate: a step may burn at most 5% of a 30-day budget ...
ARCHITECTURE_STRANGLER_FIX_STEPS = 1  # steps a fix takes after a rollback (traffic on the previous share)
ARCHITECTURE_STRANGLER_RUNS = 2_000  # simulated migrations
ARCHITECTURE_STRANGLER_MAX_STEPS = 60  # a migration still running after this many steps is unfinished
ARCHITECTURE_STRANGLER_LEGACY_PER_MONTH = 40_000.0  # $ the legacy system costs a month while it runs
ARCHITECTURE_STRANGLER_NEW_PER_MONTH = 30_000.0  # $ a month for the new services at full traffic
ARCHITECTURE_STRANGLER_SYNC_PER_MONTH = 8_000.0  # $ a month to keep both data stores in sync (CDC, checks)
ARCHITECTURE_PARALLEL_MIN_CALLS = 1_000_000  # all cores from this many calls up (waking threads costs ms)
# limits: every public call estimates its work and refuses beyond these
ARCHITECTURE_MAX_SERVICES = 200  # services in one graph
ARCHITECTURE_MAX_REPLICAS = 1_000  # instances of one unit
ARCHITECTURE_MAX_FANOUT = 10_000  # calls of one fan-out
ARCHITECTURE_MAX_REQUESTS = 5_000_000  # requests of one simulation (~30 bytes each)
ARCHITECTURE_MAX_CALLS_PER_REQUEST = 1_000_000  # calls one request makes (fan-outs multiply along a path)
ARCHITECTURE_MAX_CALLS = 100_000_000  # requests x calls per request of one simulation (~2 s per 10^7)
ARCHITECTURE_MAX_UTILISATION = 0.98  # a queueing service loaded beyond this is refused (its wait diverges)
ARCHITECTURE_MAX_RUNS = 1_000_000  # migrations of one strangler simulation
ARCHITECTURE_MAX_RUN_STEPS = (
    50_000_000  # runs x max_steps of one strangler simulation (4 arrays of that size)
)


# --- 12 communicating designs and 13 the capstone: a design spec, its diagram and its document ---
DESIGN_SLO_DAYS = 30.0  # the period of an SLO that does not give one (the SRE Workbook's 30 days)
DESIGN_REQUESTS = 5_000  # requests simulated through the design's service graph for its latency
DESIGN_NODE_BYTES = 2e12  # data one database node holds before the design must shard (2 TB of disk)
DESIGN_REGION_KM = 5_600.0  # distance between two regions (New York - London, great circle)
DESIGN_FIBRE_KM_PER_MS = 200.0  # light in optical fibre: about two thirds of c, 200 km per ms
DESIGN_ZIPF_ALPHA = 0.8  # popularity of links: Zipf-like, alpha 0.64-0.83 in web traces (Breslau et al. 1999)
DESIGN_CACHE_MODEL_OBJECTS = 10_000  # objects of the Che approximation (0.3 s per cache size)
DESIGN_CACHE_SHARE = 0.01  # the capstone's cache holds this share of all links
DESIGN_SHARD_STRATEGY = "jump"  # the capstone shards by jump consistent hash (lab 03)
DESIGN_APP_TRAFFIC_MAX = 100.0  # the design app's traffic multiplier goes up to 100x
DESIGN_APP_REGIONS_MAX = 5  # regions the design app offers
# limits: a spec beyond these is refused with a message naming the field
DESIGN_MAX_COMPONENTS = 100  # components of one design (the diagram stays readable well below)
DESIGN_MAX_ITEMS = 200  # flows, stores, SLOs, alternatives or risks of one design
DESIGN_MAX_REGIONS = 20  # regions of one design
DESIGN_MAX_SPEC_BYTES = 1_000_000  # bytes of one YAML spec


_DEFAULTS = {name: copy.deepcopy(value) for name, value in globals().items() if name.isupper()}


def reset() -> None:
    """Restore every setting to its shipped default (fresh copies: edited lists do not survive)."""
    globals().update(copy.deepcopy(_DEFAULTS))
