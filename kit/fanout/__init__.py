"""00 start here: fan-out and the tail at scale (Dean & Barroso 2013)."""

from . import exercises, plots
from .api import (
    FanoutResult,
    k_grid,
    p_slow,
    p_slow_mc,
    server_latency,
    simulate,
    theory_p_slower,
    theory_percentile,
    warm,
)
from .app import FanoutApp

__all__ = [
    "FanoutApp",
    "FanoutResult",
    "exercises",
    "k_grid",
    "p_slow",
    "p_slow_mc",
    "plots",
    "server_latency",
    "simulate",
    "theory_p_slower",
    "theory_percentile",
    "warm",
]
