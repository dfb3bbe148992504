"""06 reliability: timeouts, retries, backoff and jitter, metastable failure, breakers, availability, SLOs.

``from kit import reliability`` gives the public functions and records of
:mod:`kit.reliability.api` (one concept module each behind it), the figures
(``plots``), the apps and the exercises.
"""

from . import app, exercises, plots
from .api import *  # noqa: F403 (the façade: api.__all__)
from .api import __all__ as _api
from .app import AvailabilityApp, BackoffApp, BreakerApp, StormApp

__all__ = [*_api, "AvailabilityApp", "BackoffApp", "BreakerApp", "StormApp", "app", "exercises", "plots"]
