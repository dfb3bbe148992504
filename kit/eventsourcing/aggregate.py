"""Aggregates on the event store: decide from state, emit events, fold them back into state.

A domain is a record of pure functions (the shape of Porcupine's models):
``initial()`` gives the state of an empty stream, ``decide(state, command)``
returns the events a command causes (or raises :class:`CommandRejected`), and
``evolve(state, type, data)`` applies one event. State is rebuilt by folding
``evolve`` over a stream's events (Fowler, "Event Sourcing", 2005; Young,
"CQRS Documents", 2010, section "Event Sourcing"): nothing but the events is
stored, so any past state is one fold away.

The worked domain is a bank account (amounts in integer cents, so that a
replay equals live application exactly): ``open`` (once, with an owner),
``deposit`` and ``withdraw`` (positive amounts; no overdraft), ``close`` (at a
zero balance). Every state carries ``version``: the number of events folded.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import resolve_seed
from .store import ConcurrencyError, EventStore


class CommandRejected(ValueError):
    """A command the aggregate's current state does not allow (an overdraft, a closed account).

    Parameters
    ----------
    message : str
        Why, for the person who sent the command.
    """

    def __init__(self, message: str):
        if not isinstance(message, str):
            raise TypeError(f"message must be a string (got message={message!r})")
        super().__init__(message)


@dataclass(frozen=True)
class Account:
    """The state of one bank account.

    Attributes
    ----------
    opened : bool
        Whether it was opened.
    closed : bool
        Whether it was closed (no more commands accepted).
    owner : object
        The owner's name as stored: a string, or a sealed value (see ``Vault``).
    balance : int
        Cents.
    deposits : int
        Number of deposits so far.
    withdrawals : int
        Number of withdrawals so far.
    version : int
        Events folded into this state: the stream version it reflects.
    """

    opened: bool = False
    closed: bool = False
    owner: object = ""
    balance: int = 0
    deposits: int = 0
    withdrawals: int = 0
    version: int = 0


COMMANDS = ("open", "deposit", "withdraw", "close")


def _amount(command: dict) -> int:
    amount = command.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise CommandRejected(f"amount must be a positive whole number of cents (got amount={amount!r})")
    return amount


def bank_decide(state: Account, command: dict) -> list[dict]:
    """The events a bank-account command causes in ``state``; raises CommandRejected if not allowed."""
    kind = command.get("type") if isinstance(command, dict) else None
    if kind not in COMMANDS:
        raise ValueError(f"command must be a dict with 'type' one of {COMMANDS} (got command={command!r})")
    if kind == "open":
        if state.opened:
            raise CommandRejected("the account is already open")
        owner = command.get("owner", "")
        return [{"type": "AccountOpened", "data": {"owner": owner}}]
    if not state.opened or state.closed:
        raise CommandRejected(f"cannot {kind}: the account is {'closed' if state.closed else 'not open'}")
    if kind == "deposit":
        return [{"type": "Deposited", "data": {"amount": _amount(command)}}]
    if kind == "withdraw":
        amount = _amount(command)
        if amount > state.balance:
            raise CommandRejected(f"cannot withdraw {amount} cents: the balance is {state.balance}")
        return [{"type": "Withdrawn", "data": {"amount": amount}}]
    if state.balance != 0:
        raise CommandRejected(f"cannot close: the balance is {state.balance} cents, not 0")
    return [{"type": "AccountClosed", "data": {}}]


def bank_evolve(state: Account, type: str, data: dict) -> Account:
    """``state`` after one event (an unknown type only advances the version)."""
    # Plain constructor calls: replay runs this once per event, and dataclasses.replace is slow.
    opened, closed, owner, balance, deposits, withdrawals, version = (
        state.opened,
        state.closed,
        state.owner,
        state.balance,
        state.deposits,
        state.withdrawals,
        state.version,
    )
    if type == "AccountOpened":
        opened, owner = True, data.get("owner", "")
    elif type == "Deposited":
        balance, deposits = balance + data["amount"], deposits + 1
    elif type == "Withdrawn":
        balance, withdrawals = balance - data["amount"], withdrawals + 1
    elif type == "AccountClosed":
        closed = True
    return Account(opened, closed, owner, balance, deposits, withdrawals, version + 1)


@dataclass(frozen=True)
class Domain:
    """An aggregate's behaviour as pure functions, and how its state is snapshotted.

    Parameters
    ----------
    name : str
        Names the snapshots it writes.
    initial : callable
        ``() -> state`` of an empty stream; the state has a ``version`` field.
    decide : callable
        ``(state, command) -> list of event dicts``; raises CommandRejected.
    evolve : callable
        ``(state, type, data) -> state`` with ``version`` one higher.
    to_json : callable
        ``state -> dict`` (JSON) for snapshots.
    from_json : callable
        ``dict -> state``.
    fold_version : int
        Bump it when ``evolve`` changes: snapshots of an older fold are ignored.
    """

    name: str
    initial: Callable
    decide: Callable
    evolve: Callable
    to_json: Callable
    from_json: Callable
    fold_version: int = 1

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string (got name={self.name!r})")
        for part in ("initial", "decide", "evolve", "to_json", "from_json"):
            if not callable(getattr(self, part)):
                raise TypeError(f"{part} must be a function (got {part}={getattr(self, part)!r})")
        validate.integer("fold_version", self.fold_version, 1)

    @property
    def snapshot_kind(self) -> str:
        return f"{self.name}/{self.fold_version}"

    def fold(self, state, events):
        """``state`` after ``events`` (recorded events or dicts with "type" and "data")."""
        for e in events:
            kind, data = (e["type"], e["data"]) if isinstance(e, dict) else (e.type, e.data)
            state = self.evolve(state, kind, data)
        return state


BANK = Domain(
    name="bank-account",
    initial=Account,
    decide=bank_decide,
    evolve=bank_evolve,
    to_json=dataclasses.asdict,
    from_json=lambda d: Account(**d),
)
DOMAINS = {"bank-account": BANK}


def _domain(domain) -> Domain:
    if domain is None:
        return BANK
    if isinstance(domain, str) and domain in DOMAINS:
        return DOMAINS[domain]
    if isinstance(domain, Domain):
        return domain
    raise ValueError(f"domain must be a Domain or one of {sorted(DOMAINS)} (got domain={domain!r})")


def _store(store) -> EventStore:
    if not isinstance(store, EventStore):
        raise TypeError(f"store must be an EventStore (got store={store!r})")
    return store


def target_version(store: EventStore, stream: str, until) -> int:
    """The version ``until`` names: an int is a version, a float or datetime a point in time."""
    if until is None:
        return store.version(stream)
    if isinstance(until, datetime):
        return store.version_at(stream, until.timestamp())
    if isinstance(until, bool) or not isinstance(until, (int, float)) or math.isnan(until):
        raise ValueError(
            f"until must be a version (int), a unix time (float) or a datetime (got until={until!r})"
        )
    if isinstance(until, float):
        return store.version_at(stream, until)
    if until < 0:
        raise ValueError(f"until must be a version >= 0 (got until={until})")
    return min(until, store.version(stream))


def replay(store: EventStore, stream: str, until=None, domain=None, use_snapshots: bool = True):
    """The state of ``stream`` now, at a version, or at a time: a fold of its events.

    Parameters
    ----------
    store : EventStore
        Where the events are.
    stream : str
        The aggregate's stream.
    until : int, float or datetime, optional
        An int is a version (the state after that many events); a float (unix
        seconds) or a datetime is a time (the state from the events committed
        at or before it). None: the latest state.
    domain : Domain or str, optional
        The aggregate's behaviour (default: the bank account).
    use_snapshots : bool, optional
        Start from the latest snapshot at or below the target version, then
        fold only the events after it (the result is the same either way).

    Returns
    -------
    object
        The domain's state (an :class:`Account` by default); its ``version`` is
        the number of events folded.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.TemporaryDirectory()
    >>> store = EventStore(os.path.join(folder.name, "events.db"))
    >>> for command in ({"type": "open", "owner": "Ada"}, {"type": "deposit", "amount": 500}):
    ...     _ = handle(store, "account-1", command)
    >>> replay(store, "account-1").balance, replay(store, "account-1", until=1).balance
    (500, 0)
    >>> store.close(); folder.cleanup()
    """
    store, domain = _store(store), _domain(domain)
    if not isinstance(use_snapshots, bool):
        raise ValueError(f"use_snapshots must be True or False (got use_snapshots={use_snapshots!r})")
    version = target_version(store, stream, until)
    state = domain.initial()
    snapshot = store.load_snapshot(stream, version, domain.snapshot_kind) if use_snapshots else None
    if snapshot is not None:
        state = domain.from_json(snapshot[1])
    if version > state.version:
        state = domain.fold(state, store.read(stream, state.version + 1, version))
    return state


@dataclass(frozen=True)
class Committed:
    """What a handled command wrote.

    Attributes
    ----------
    stream : str
        The stream written.
    version : int
        The stream's version after the append.
    position : int
        Global position of the last event written: a read model that has
        processed this position reflects the command (read-your-writes token).
    events : list of dict
        The events decided.
    attempts : int
        Appends tried (1 + retries after ConcurrencyError).
    """

    stream: str
    version: int
    position: int
    events: list
    attempts: int


def handle(
    store: EventStore,
    stream: str,
    command: dict,
    domain=None,
    retries: int | None = None,
    snapshot_every: int | None = None,
) -> Committed:
    """Load the state, decide, append at the version decided from; on a conflict, do it again.

    Parameters
    ----------
    store : EventStore
        Where the events are.
    stream : str
        The aggregate's stream.
    command : dict
        For the bank account: ``{"type": "open", "owner": str}``,
        ``{"type": "deposit" | "withdraw", "amount": cents}`` or ``{"type": "close"}``.
    domain : Domain or str, optional
        The aggregate's behaviour (default: the bank account).
    retries : int, optional
        Retries after ConcurrencyError (default ``config.EVENTSOURCING_RETRIES``).
    snapshot_every : int, optional
        Write a snapshot whenever the stream's version passes a multiple of this
        (default ``config.EVENTSOURCING_SNAPSHOT_EVERY``; 0 means never).

    Returns
    -------
    Committed

    Raises
    ------
    CommandRejected
        The state does not allow the command (nothing written).
    ConcurrencyError
        Every attempt lost the race.
    """
    store, domain = _store(store), _domain(domain)
    retries = config.EVENTSOURCING_RETRIES if retries is None else retries
    every = config.EVENTSOURCING_SNAPSHOT_EVERY if snapshot_every is None else snapshot_every
    for name, value in (("retries", retries), ("snapshot_every", every)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
            raise ValueError(f"{name} must be an integer between 0 and 1,000,000 (got {name}={value!r})")
    attempt = 0
    while True:
        attempt += 1
        state = replay(store, stream, domain=domain)
        events = domain.decide(state, command)
        try:
            version, position = store._append(stream, events, state.version)
        except ConcurrencyError:
            if attempt > retries:
                raise
            continue
        if every and version // every > state.version // every:
            store.save_snapshot(
                stream, version, domain.to_json(domain.fold(state, events)), domain.snapshot_kind
            )
        return Committed(stream, version, position, events, attempt)


def random_commands(commands: int, accounts: int = 5, seed: int | None = None) -> list[tuple[str, dict]]:
    """A plausible, always-accepted sequence of bank commands: ``[(stream, command), ...]``.

    Each account is opened by its first command; then deposits (60%) and
    withdrawals of at most the balance (40%), amounts uniform on 1..10,000
    cents. Accounts are never closed, so every command is accepted.

    Parameters
    ----------
    commands : int
        How many commands.
    accounts : int, optional
        Streams ``account-0`` .. ``account-{accounts-1}``, chosen uniformly.
    seed : int, optional
        Same seed, same commands.

    Returns
    -------
    list of (str, dict)
    """
    commands = validate.integer("commands", commands, 0, config.EVENTSOURCING_MAX_EVENTS)
    accounts = validate.integer("accounts", accounts, 1, 100_000)
    rng = np.random.default_rng(resolve_seed(seed))
    balances: dict[str, int] = {}
    out = []
    for i in rng.integers(accounts, size=commands):
        stream = f"account-{i}"
        if stream not in balances:
            balances[stream] = 0
            out.append((stream, {"type": "open", "owner": f"customer {i}"}))
            continue
        amount = int(rng.integers(1, 10_001))
        if balances[stream] > 0 and rng.random() < 0.4:
            amount = min(amount, balances[stream])
            out.append((stream, {"type": "withdraw", "amount": amount}))
            balances[stream] -= amount
        else:
            out.append((stream, {"type": "deposit", "amount": amount}))
            balances[stream] += amount
    return out
