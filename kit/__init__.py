"""sysdesign-kit: interactive labs for distributed-system design.

Each topic is a subpackage with the same four layers (kernels -> api ->
plots -> app); ``from kit import fanout`` gives its public functions, its
``plots`` and its app. ``kit.config`` holds every default; ``kit.sweep`` runs
any function over a grid (serial, processes or Dask); ``kit.exercises``
checks a learner's predictions.
"""

from importlib.metadata import PackageNotFoundError, version

from . import (
    architecture,
    caching,
    config,
    consistency,
    design,
    estimation,
    eventsourcing,
    exercises,
    fanout,
    messaging,
    queueing,
    reliability,
    sagas,
    scaling,
    sharding,
    storage,
    sweep,
)

try:
    __version__ = version("sysdesign-kit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

TOPICS = {  # notebook -> topic package, in curriculum order
    "00_start_here": fanout,
    "01_estimation": estimation,
    "02_consistency_and_cap": consistency,
    "03_sharding": sharding,
    "04_caching": caching,
    "05_sagas": sagas,
    "06_reliability": reliability,
    "07_scaling_out": scaling,
    "08_queues_and_events": messaging,
    "09_event_sourcing_cqrs": eventsourcing,
    "10_storage_choices": storage,
    "11_architecture_evolution": architecture,
    "12_communicating_designs": design,
    "13_capstone": design,
}

__all__ = [
    "TOPICS",
    "__version__",
    "architecture",
    "caching",
    "config",
    "consistency",
    "design",
    "estimation",
    "eventsourcing",
    "exercises",
    "fanout",
    "messaging",
    "queueing",
    "reliability",
    "sagas",
    "scaling",
    "sharding",
    "storage",
    "sweep",
]
