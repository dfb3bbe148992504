"""00 start here: fan-out and the tail at scale (Dean & Barroso 2013)."""

from . import app, exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import FanoutApp

__all__ = [*_api, "FanoutApp", "app", "exercises", "plots"]
