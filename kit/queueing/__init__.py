"""Queueing: servers with queues, arrivals, client policies, and the theory beside them.

``from kit import queueing`` gives the public functions and records of
:mod:`kit.queueing.api`, the figures (``plots``), the queue app and the
exercises. Lab 06 (reliability) runs on it.
"""

from . import app, exercises, plots
from .api import *  # noqa: F403 (the façade: api.__all__)
from .api import __all__ as _api
from .app import QueueApp

__all__ = [*_api, "QueueApp", "app", "exercises", "plots"]
