"""05 sagas: distributed transactions without 2PC (Garcia-Molina & Salem 1987)."""

from . import examples, exercises, plots
from .api import *  # noqa: F403 (the public surface is api.__all__)
from .api import __all__ as _api
from .app import SagaApp

__all__ = [*_api, "SagaApp", "examples", "exercises", "plots"]
