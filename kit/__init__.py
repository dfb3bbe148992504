"""sysdesign-kit: interactive labs for distributed-system design.

Each topic is a subpackage with the same four layers (kernels -> api ->
plots -> app); ``from kit import fanout`` gives its public functions, its
``plots`` and its app. ``kit.config`` holds every default; ``kit.sweep`` runs
any function over a grid (serial, processes or Dask); ``kit.exercises``
checks a learner's predictions.
"""

from importlib.metadata import PackageNotFoundError, version

from . import config, exercises, fanout, queueing, reliability, sweep

try:
    __version__ = version("sysdesign-kit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

TOPICS = {"00_start_here": fanout, "06_reliability": reliability}  # notebook -> topic, curriculum order

__all__ = ["TOPICS", "__version__", "config", "exercises", "fanout", "queueing", "reliability", "sweep"]
