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
