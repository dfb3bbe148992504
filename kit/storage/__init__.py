"""10 storage choices: real engines measured, LSM and B-tree amplification, data models, the decision."""

from . import exercises, plots
from .api import *  # noqa: F403 (the public surface is api.__all__)
from .api import __all__ as _api
from .app import AmplificationApp, ChooserApp

__all__ = [*_api, "AmplificationApp", "ChooserApp", "exercises", "plots"]
