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


_DEFAULTS = {name: value for name, value in globals().items() if name.isupper()}


def reset() -> None:
    """Restore every setting to its shipped default."""
    globals().update(_DEFAULTS)
