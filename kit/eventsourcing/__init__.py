"""09 event sourcing and CQRS: an event store on SQLite, state from events, projections and their lag."""

from . import exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import EventStoreApp

__all__ = [*_api, "EventStoreApp", "exercises", "plots"]
