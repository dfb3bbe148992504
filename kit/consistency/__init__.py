"""02 consistency and CAP: histories, consistency checkers, quorums and PBS, a replicated-store simulator."""

from . import app, exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import CAPApp, HistoryApp, QuorumApp

__all__ = [*_api, "CAPApp", "HistoryApp", "QuorumApp", "app", "exercises", "plots"]
