"""09 event sourcing and CQRS: the public API in one place.

- the store: :class:`EventStore` (SQLite, WAL), :class:`Event`,
  :class:`ConcurrencyError`;
- aggregates: :class:`Domain`, :data:`BANK` (a bank account), :class:`Account`,
  :func:`handle` (decide and append, retrying conflicts), :func:`replay`
  (state now, at a version or at a time), :func:`random_commands`;
- the read side: :data:`PROJECTIONS`, :class:`ReadModel`, :class:`Projector`;
  lag measured (:func:`measure_lag`) and modelled (:func:`simulate_lag`);
- costs: :func:`replay_cost`, :func:`snapshot_tradeoff`, :func:`storage_growth`,
  :func:`schema_change`, :func:`copy_transform`; erasure: :class:`Vault`;
- :class:`Lab`: a store, a read model and a vault in a temporary folder, for
  notebooks and the app.
"""

from __future__ import annotations

from .aggregate import (
    BANK,
    COMMANDS,
    DOMAINS,
    Account,
    CommandRejected,
    Committed,
    Domain,
    handle,
    random_commands,
    replay,
)
from .costs import (
    account_events,
    copy_transform,
    deposited_v1_to_v2,
    replay_cost,
    schema_change,
    snapshot_tradeoff,
    storage_growth,
)
from .lab import Lab
from .lag import LagResult, measure_lag, simulate_lag
from .projections import PROJECTIONS, Projection, Projector, ReadModel
from .shredding import ERASED, Vault
from .store import ConcurrencyError, Event, EventStore


def warm() -> None:
    """Compile (or load from cache) the lag kernel with its real types."""
    simulate_lag(10.0, events=10, seed=0)


__all__ = [
    "BANK",
    "COMMANDS",
    "DOMAINS",
    "ERASED",
    "PROJECTIONS",
    "Account",
    "CommandRejected",
    "Committed",
    "ConcurrencyError",
    "Domain",
    "Event",
    "EventStore",
    "Lab",
    "LagResult",
    "Projection",
    "Projector",
    "ReadModel",
    "Vault",
    "account_events",
    "copy_transform",
    "deposited_v1_to_v2",
    "handle",
    "measure_lag",
    "random_commands",
    "replay",
    "replay_cost",
    "schema_change",
    "simulate_lag",
    "snapshot_tradeoff",
    "storage_growth",
    "warm",
]
