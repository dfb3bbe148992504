"""A bank on an event store in a temporary folder: what the notebook and the app drive.

One :class:`Lab` holds a write side (an :class:`EventStore`), a read side (a
:class:`ReadModel` in a second file, caught up only when asked, so its lag is
visible), and a :class:`Vault` for the owners' names. Its clock is simulated:
each command happens ``step_s`` after the previous one, so "the state last
Tuesday" means the same thing on every run. The folder is deleted by
:meth:`Lab.close`, or when the lab is garbage-collected or Python exits.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime

from .. import config
from ..core import validate
from .aggregate import BANK, Committed, handle, random_commands, replay
from .projections import ReadModel
from .shredding import Vault
from .store import EventStore

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday morning


class Lab:
    """A bank's write side, read side and key vault in a temporary folder.

    Parameters
    ----------
    step_s : float, optional
        Simulated seconds between two commands (default one hour).
    snapshot_every : int, optional
        Snapshot interval for commands (default ``config.EVENTSOURCING_SNAPSHOT_EVERY``).
    seal_owners : bool, optional
        Encrypt each owner's name with a key of its account's own (crypto-shredding).

    Examples
    --------
    >>> lab = Lab()
    >>> _ = lab.run("account-1", {"type": "open", "owner": "Ada"})
    >>> _ = lab.run("account-1", {"type": "deposit", "amount": 1000})
    >>> lab.state("account-1").balance, lab.lag()
    (1000, 2)
    >>> lab.close()
    """

    def __init__(self, step_s: float = 3600.0, snapshot_every: int | None = None, seal_owners: bool = True):
        self.step_s = validate.number("step_s", step_s, 0.0, 10 * 365 * 86400.0)
        every = config.EVENTSOURCING_SNAPSHOT_EVERY if snapshot_every is None else snapshot_every
        self.snapshot_every = validate.integer("snapshot_every", every, 0, 1_000_000)
        if not isinstance(seal_owners, bool):
            raise ValueError(f"seal_owners must be True or False (got seal_owners={seal_owners!r})")
        self.seal_owners = seal_owners
        self._folder = tempfile.TemporaryDirectory(prefix="kit-eventsourcing-")
        self.folder = self._folder.name
        self.now = START.timestamp()
        self.store = EventStore(self.path("events.db"), clock=lambda: self.now, synchronous="NORMAL")
        self.read = ReadModel(self.path("read.db"))
        self.vault = Vault(self.path("keys.db"))

    def path(self, name: str) -> str:
        """A file in the lab's folder.

        Parameters
        ----------
        name : str
            The file's name.

        Returns
        -------
        str
        """
        return os.path.join(self.folder, name)

    def close(self) -> None:
        """Close every connection and delete the folder."""
        for part in (self.store, self.read, self.vault):
            part.close()
        self._folder.cleanup()

    def _command(self, stream: str, command: dict) -> dict:
        if self.seal_owners and isinstance(command, dict) and command.get("type") == "open":
            owner = command.get("owner", "")
            return {**command, "owner": self.vault.seal(stream, owner) if owner else owner}
        return command

    def run(self, stream: str, command: dict) -> Committed:
        """Handle one command at the lab's next tick (see :func:`handle`).

        Parameters
        ----------
        stream : str
            The account's stream.
        command : dict
            A bank command (``open``, ``deposit``, ``withdraw``, ``close``).

        Returns
        -------
        Committed
        """
        self.now += self.step_s
        return handle(self.store, stream, self._command(stream, command), snapshot_every=self.snapshot_every)

    def preview(self, stream: str, command: dict) -> list[dict]:
        """The events ``command`` would cause now, without writing them (CommandRejected if refused).

        Parameters
        ----------
        stream : str
            The account's stream.
        command : dict
            A bank command.

        Returns
        -------
        list of dict
        """
        return BANK.decide(self.state(stream), command)

    def run_random(self, commands: int, accounts: int = 5, seed: int | None = None) -> int:
        """Run a plausible sequence of commands (see :func:`random_commands`); return the store's head.

        Parameters
        ----------
        commands : int
            How many commands.
        accounts : int, optional
            Accounts ``account-0`` .. they go to.
        seed : int, optional
            Same seed, same commands.

        Returns
        -------
        int
            The last position written.
        """
        planned = random_commands(commands, accounts, seed)
        for stream, command in planned:
            if command["type"] == "open" and self.store.version(stream):
                continue  # already open in this lab: skip the opening of a fresh plan
            if command["type"] == "withdraw" and command["amount"] > self.state(stream).balance:
                continue
            self.run(stream, command)
        return self.store.head()

    def state(self, stream: str, until=None):
        """The account's state now, at a version (int) or at a time (float or datetime).

        Parameters
        ----------
        stream : str
            The account's stream.
        until : int, float or datetime, optional
            See :func:`replay`.

        Returns
        -------
        Account
        """
        return replay(self.store, stream, until)

    def owner(self, stream: str) -> str:
        """The owner's name in clear, or ``ERASED`` once forgotten.

        Parameters
        ----------
        stream : str
            The account's stream.

        Returns
        -------
        str
        """
        return self.vault.unseal(self.state(stream).owner)

    def forget(self, stream: str) -> bool:
        """Crypto-shred the account's owner: delete its key (see :class:`Vault`).

        Parameters
        ----------
        stream : str
            The account's stream (its key's subject).

        Returns
        -------
        bool
            Whether a key was deleted.
        """
        return self.vault.forget(stream)

    def catch_up(self) -> int:
        """Bring the read side up to date; return the events applied.

        Returns
        -------
        int
        """
        return self.read.catch_up(self.store)

    def rebuild(self) -> int:
        """Rebuild every projection from position 0; return the events applied.

        Returns
        -------
        int
        """
        return self.read.rebuild(self.store)

    def lag(self) -> int:
        """Events the read side has not applied yet.

        Returns
        -------
        int
        """
        return self.store.head() - self.read.position()

    def history(self, stream: str):
        """One account's events with the balance after each: a DataFrame for tables and figures.

        Parameters
        ----------
        stream : str
            The account's stream.

        Returns
        -------
        pandas.DataFrame
            ``version``, ``position``, ``type``, ``amount``, ``balance``, ``time``.
        """
        import pandas as pd

        state, rows = BANK.initial(), []
        for e in self.store.read(stream):
            state = BANK.evolve(state, e.type, e.data)
            rows.append(
                (
                    e.version,
                    e.position,
                    e.type,
                    e.data.get("amount", 0),
                    state.balance,
                    datetime.fromtimestamp(e.timestamp, UTC),
                )
            )
        return pd.DataFrame(rows, columns=["version", "position", "type", "amount", "balance", "time"])

    def log(self, last: int = 15):
        """The store's last events, all streams: a DataFrame.

        Parameters
        ----------
        last : int, optional
            How many.

        Returns
        -------
        pandas.DataFrame
            ``position``, ``stream``, ``version``, ``type``, ``data``, ``time``.
        """
        import pandas as pd

        last = validate.integer("last", last, 1, 10_000)
        events = self.store.read_all(max(self.store.head() - last + 1, 0))
        rows = [
            (
                e.position,
                e.stream,
                e.version,
                e.type,
                str(e.data)[:60],
                datetime.fromtimestamp(e.timestamp, UTC),
            )
            for e in events
        ]
        return pd.DataFrame(rows, columns=["position", "stream", "version", "type", "data", "time"])
