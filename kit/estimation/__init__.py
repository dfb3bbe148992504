"""01 estimation: back-of-the-envelope numbers with units, servers, cost and runway."""

from . import exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import EstimationApp

__all__ = [*_api, "EstimationApp", "exercises", "plots"]
