"""Crypto-shredding: erase a person's data from an immutable log by deleting their key.

An event log is never rewritten, yet a person may ask to be forgotten (GDPR,
Art. 17). The usual answer (Verraes, "Eventsourcing Patterns: Crypto-Shredding",
verraes.net, 2019): encrypt each
subject's personal fields with a key of their own, kept *outside* the log;
to forget the subject, delete the key. The events stay, balances still add
up, and the personal fields are ciphertext nobody can read.

Encryption is AES-256-GCM from the ``cryptography`` package (authenticated:
a tampered or mis-attributed ciphertext fails to open), with a random 96-bit
nonce per value and the subject's id as associated data.

What this does not cover, and a real system must: every copy of the key
(backups of the key store, caches) must expire too; snapshots and read models
must hold the sealed value, or be rebuilt after a deletion, or they keep the
plaintext; and deleting a row from a file does not wipe the disk blocks that
held it (``secure_delete`` below overwrites the page in the file, not earlier
copies a file system or SSD may keep). Production key stores are KMS/HSM
services whose "destroy key" is the promise that matters.
"""

from __future__ import annotations

import base64
import os
import sqlite3

from .store import database_path

ERASED = "[erased]"
_TAG = "sealed"


def _aesgcm():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # imported when first used

    return AESGCM


def _subject(subject) -> str:
    if not isinstance(subject, str) or not subject:
        raise ValueError(f"subject must be a non-empty string, e.g. a customer id (got subject={subject!r})")
    return subject


class Vault:
    """Per-subject encryption keys in their own SQLite file, deletable one by one.

    Parameters
    ----------
    path : str or Path, optional
        The key store's file: never the event store's (a key kept beside the
        data it protects is deleted with nothing). None: a temporary one.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.TemporaryDirectory()
    >>> vault = Vault(os.path.join(folder.name, "keys.db"))
    >>> sealed = vault.seal("customer-7", "Ada Lovelace")
    >>> vault.unseal(sealed)
    'Ada Lovelace'
    >>> vault.forget("customer-7")
    True
    >>> vault.unseal(sealed)
    '[erased]'
    >>> vault.close(); folder.cleanup()
    """

    def __init__(self, path=None):
        self.path, self._folder = database_path(path, "keys.db")
        self._conn = sqlite3.connect(self.path, isolation_level=None)
        # A rollback journal (not WAL) and secure_delete: a deleted key's page is overwritten
        # with zeros in the file, and no WAL keeps an old copy of it.
        self._conn.execute("PRAGMA journal_mode=DELETE")
        self._conn.execute("PRAGMA secure_delete=ON")
        self._conn.execute("CREATE TABLE IF NOT EXISTS keys (subject TEXT PRIMARY KEY, key BLOB NOT NULL)")

    def close(self) -> None:
        """Close the key store (deleted if it is a temporary one)."""
        self._conn.close()
        if self._folder is not None:
            self._folder.cleanup()

    def _key(self, subject: str, create: bool) -> bytes | None:
        row = self._conn.execute("SELECT key FROM keys WHERE subject = ?", (subject,)).fetchone()
        if row is None and create:
            key = _aesgcm().generate_key(bit_length=256)
            self._conn.execute("INSERT INTO keys VALUES (?, ?)", (subject, key))
            return key
        return None if row is None else row[0]

    def seal(self, subject: str, value: str) -> dict:
        """Encrypt ``value`` with ``subject``'s key (made on first use): a JSON-safe dict for event data.

        Parameters
        ----------
        subject : str
            Whose data it is.
        value : str
            The personal data.

        Returns
        -------
        dict
            ``{"sealed": subject, "nonce": ..., "ct": ...}`` (base64 text).
        """
        subject = _subject(subject)
        if not isinstance(value, str):
            raise ValueError(f"value must be a string (got value={value!r})")
        nonce = os.urandom(12)
        ct = _aesgcm()(self._key(subject, create=True)).encrypt(nonce, value.encode(), subject.encode())
        return {_TAG: subject, "nonce": base64.b64encode(nonce).decode(), "ct": base64.b64encode(ct).decode()}

    def unseal(self, value):
        """The plaintext of a sealed value, ``ERASED`` if its key is gone; other values pass through.

        Parameters
        ----------
        value : object
            A value from event data or state.

        Returns
        -------
        object
        """
        if not (isinstance(value, dict) and _TAG in value):
            return value
        key = self._key(value[_TAG], create=False)
        if key is None:
            return ERASED
        nonce, ct = base64.b64decode(value["nonce"]), base64.b64decode(value["ct"])
        return _aesgcm()(key).decrypt(nonce, ct, value[_TAG].encode()).decode()

    def forget(self, subject: str) -> bool:
        """Delete ``subject``'s key: every value sealed for them becomes unreadable.

        Parameters
        ----------
        subject : str
            Whose key to delete.

        Returns
        -------
        bool
            Whether there was a key.
        """
        cursor = self._conn.execute("DELETE FROM keys WHERE subject = ?", (_subject(subject),))
        self._conn.execute("VACUUM")  # rewrite the file without the freed page
        return cursor.rowcount > 0

    def subjects(self) -> list[str]:
        """Subjects that still have a key.

        Returns
        -------
        list of str
        """
        return [r[0] for r in self._conn.execute("SELECT subject FROM keys ORDER BY subject")]
