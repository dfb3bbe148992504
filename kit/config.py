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

_DEFAULTS = {name: value for name, value in globals().items() if name.isupper()}


def reset() -> None:
    """Restore every setting to its shipped default."""
    globals().update(_DEFAULTS)
