"""12 communicating designs and 13 the capstone: a design spec, its Mermaid diagram and its document."""

from . import exercises, plots
from .api import *  # noqa: F403 (the public surface is api.__all__)
from .api import __all__ as _api
from .app import CapstoneApp, DesignApp, side_by_side

__all__ = [*_api, "CapstoneApp", "DesignApp", "exercises", "plots", "side_by_side"]
