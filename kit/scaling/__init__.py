"""07 scaling out: the Universal Scalability Law, load balancing, autoscaling, read replicas."""

from . import exercises, plots
from .api import *  # noqa: F403 - the topic's public API is api.__all__
from .api import __all__ as _api
from .app import AutoscaleApp, BalancerApp, ReplicaApp, USLApp

__all__ = [*_api, "AutoscaleApp", "BalancerApp", "ReplicaApp", "USLApp", "exercises", "plots"]
