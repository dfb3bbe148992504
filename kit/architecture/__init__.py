"""11 architecture evolution: service graphs, monolith vs microservices, the strangler fig."""

from . import exercises, plots
from .api import *  # noqa: F403 (the public surface is api.__all__)
from .api import __all__ as _api
from .app import GraphApp, MonolithApp, StranglerApp

__all__ = [*_api, "GraphApp", "MonolithApp", "StranglerApp", "exercises", "plots"]
