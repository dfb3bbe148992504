"""04 caching: eviction policies and hit-ratio curves, write paths, invalidation, stampedes, tiers."""

from . import exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import EvictionApp, StampedeApp, WritePathApp

__all__ = [*_api, "EvictionApp", "StampedeApp", "WritePathApp", "exercises", "plots"]
