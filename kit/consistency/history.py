"""Operation histories: one type for hand-written, simulated and real (Jepsen) histories.

A *history* is what clients saw: each operation was invoked at some time,
completed (or not) at a later time, and returned something. Every checker of
:mod:`kit.consistency` takes a :class:`History`; the replicated-register
simulator emits one; :func:`load_history` reads the three real formats the kit
is tested on. Their semantics differ and are mapped onto the one below when
loading (see :func:`load_history`).

One operation (row ``i``):

========== ==================================================================
process    who issued it (int or str). A process runs one operation at a time.
f          ``"read"``, ``"write"``, ``"cas"`` or ``"append"`` (a kv ``get`` is
           a read, a ``put`` a write).
key        the object operated on; ``None`` for a single register.
value      the argument: the value written, ``(expected, new)`` for a cas,
           the suffix appended; ``None`` for a read.
result     what it returned: the value read (``None`` = the register was
           empty / nil), ``True``/``False`` for a cas (did it swap?);
           ``None`` for writes and appends.
invoke_t   when it was invoked (any unit; only the order matters).
complete_t when it returned; ``inf`` if it never did.
status     ``"ok"``: it took effect and returned ``result``.
           ``"fail"``: it certainly did *not* take effect (checkers drop it).
           ``"info"``: unknown. It may have taken effect, at any time after
           ``invoke_t`` (even after ``complete_t``, which only records when
           the client stopped waiting), or never, and its result is unknown.
           A timed-out read is ``"info"``.
========== ==================================================================

Time, the rules every checker of the kit applies (Herlihy & Wing 1990,
section 2, read for timestamps that can be equal):

- an operation may take no time (``invoke_t == complete_t``);
- operation a precedes operation b in real time when a completed strictly
  before b was invoked (``a.complete_t < b.invoke_t``): operations of
  different processes whose intervals only touch are concurrent;
- a process's operations are in program order (its invocation order), even
  when one completes at the very instant the next is invoked;
- an ``info`` operation never completes: whatever happened to it, the
  process that issued it has crashed (Jepsen's convention). Its client
  continues as a *new* process: when a history reuses a process after an
  ``info`` operation, :class:`History` gives the later operations a fresh
  process id (the next unused integer, or the old name with a prime, ``A'``).

Fields of the history as a whole: ``initial`` (the value every key holds
before the first operation: ``None`` for etcd, ``0`` for Knossos' cas
register, ``""`` for the kv store), ``model`` (the sequential specification
the history is checked against by default: ``"register"``,
``"cas-register"`` or ``"kv"``), ``source`` (where it came from) and,
optionally, ``replicas`` for the eventual-consistency check (see
:class:`History`).

Build one by hand::

    from kit.consistency import History
    h = History.from_ops([
        # process, f, value, result, invoke_t, complete_t
        ("A", "write", 1, None, 0, 3),
        ("B", "read", None, 1, 1, 2),
        ("B", "read", None, 0, 4, 5),
    ], initial=0)

or per session in the textbook notation (Ahamad et al. 1995, Viotti &
Vukolić 2016): ``w(x)1`` writes 1 to x, ``r(x)1`` reads 1 from x::

    h = History.from_sessions({"A": ["w(x)1", "w(x)2"], "B": ["r(x)2", "r(x)1"]})
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config

OPS = ("read", "write", "cas", "append")
STATUSES = ("ok", "fail", "info")
MODELS = ("register", "cas-register", "kv")
FORMATS = ("etcd-log", "kv-edn", "knossos-edn")

READ, WRITE, CAS, APPEND = range(4)  # codes of OPS, as the kernels see them

_ALIASES = {"r": "read", "get": "read", "w": "write", "put": "write", "a": "append"}
_REPLICA_COLUMNS = ("t", "replica", "key", "value")


def _column(name: str, values, n: int, dtype=object) -> np.ndarray:
    a = np.empty(n, dtype=dtype) if dtype is object else None
    if dtype is object:
        a[:] = list(values) if not isinstance(values, np.ndarray) else values
    else:
        a = np.asarray(values, dtype=dtype)
    if a.shape != (n,):
        raise ValueError(f"{name} must have one entry per operation ({n}) (got shape {a.shape})")
    return a


@dataclass(frozen=True, eq=False)
class History:
    """A history of operations on registers or a key-value store (see the module docstring).

    Columns are numpy arrays of equal length ``n``, one entry per operation,
    sorted by ``invoke_t``. Construct with :meth:`from_ops`,
    :meth:`from_sessions`, :func:`load_history`, or directly from arrays (a
    simulator does this; ``f`` may then be integer codes into :data:`OPS` and
    ``status`` codes into :data:`STATUSES`).

    Parameters
    ----------
    process, f, key, value, result, invoke_t, complete_t, status : array-like
        One entry per operation, as in the module docstring.
    initial : object
        Value of every key before the first operation.
    model : str
        Default sequential specification: ``"register"`` (read, write),
        ``"cas-register"`` (+ cas), ``"kv"`` (read, write, append on strings).
    source : str
        Where the history came from (a format name, ``"python"``, ``"simulator"``).
    replicas : DataFrame or dict, optional
        For :func:`kit.consistency.check_eventual`: the value each replica
        holds, as a log of changes with columns ``t`` (time of the change),
        ``replica``, ``key`` and ``value`` (``value`` after the change). A
        replica holds ``initial`` for a key until its first row for that key.
    """

    process: np.ndarray
    f: np.ndarray
    key: np.ndarray
    value: np.ndarray
    result: np.ndarray
    invoke_t: np.ndarray
    complete_t: np.ndarray
    status: np.ndarray
    initial: object = None
    model: str = "register"
    source: str = "python"
    replicas: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self):
        invoke = _times("invoke_t", self.invoke_t)
        complete = _times("complete_t", self.complete_t)
        n = len(invoke)
        set_ = object.__setattr__
        f = np.asarray(self.f)
        if f.dtype.kind in "iu":
            if f.size and (f.min() < 0 or f.max() >= len(OPS)):
                raise ValueError(f"f codes must be 0..{len(OPS) - 1} (indices into {OPS})")
            f = np.array(OPS, dtype=object)[f] if f.size else np.empty(0, dtype=object)
        else:
            f = np.array([_ALIASES.get(str(x), str(x)) for x in f], dtype=object)
        status = np.asarray(self.status)
        if status.dtype.kind in "iu":
            status = np.array(STATUSES, dtype=object)[status] if status.size else np.empty(0, object)
        else:
            status = status.astype(object)
        process = np.asarray(self.process)
        if process.dtype.kind not in "iu":
            process = _column("process", process, n)
        for name, a in (("process", process), ("f", f), ("status", status), ("complete_t", complete)):
            if a.shape != (n,):
                raise ValueError(f"{name} must have one entry per operation ({n}) (got shape {a.shape})")
        bad = set(f.tolist()) - set(OPS)
        if bad:
            raise ValueError(f"f must be one of {', '.join(OPS)} (got f={sorted(map(str, bad))[0]!r})")
        bad = set(status.tolist()) - set(STATUSES)
        if bad:
            raise ValueError(f"status must be one of {', '.join(STATUSES)} (got status={bad.pop()!r})")
        if n and (np.isnan(invoke).any() or np.isinf(invoke).any()):
            raise ValueError("invoke_t must be finite for every operation")
        early = np.flatnonzero(complete < invoke)
        if early.size:
            i = int(early[0])
            raise ValueError(
                f"complete_t must not precede invoke_t (operation {i}: invoke_t={invoke[i]:g}, "
                f"complete_t={complete[i]:g})"
            )
        if self.model not in MODELS:
            raise ValueError(
                f"model must be one of {', '.join(map(repr, MODELS))} (got model={self.model!r})"
            )
        columns = {
            "process": process,
            "f": f,
            "key": _column("key", self.key, n),
            "value": _column("value", self.value, n),
            "result": _column("result", self.result, n),
            "invoke_t": invoke,
            "complete_t": complete,
            "status": status,
        }
        # Invocation order; at a tie an operation that takes no time goes first (it can precede the
        # other within one process, never follow it).
        order = np.lexsort((complete, invoke))
        if not np.array_equal(order, np.arange(n)):
            columns = {k: v[order] for k, v in columns.items()}
        columns["process"] = _renumber_after_info(columns["process"], columns["status"])
        for k, v in columns.items():
            v.setflags(write=False)
            set_(self, k, v)
        if isinstance(self.replicas, Mapping):  # columns given as a dict of lists
            set_(self, "replicas", pd.DataFrame(dict(self.replicas)))
        if self.replicas is not None:
            if not isinstance(self.replicas, pd.DataFrame):
                raise TypeError(
                    f"replicas must be a DataFrame or a dict of columns {_REPLICA_COLUMNS} "
                    f"(got {type(self.replicas).__name__})"
                )
            missing = set(_REPLICA_COLUMNS) - set(self.replicas.columns)
            if missing:
                raise ValueError(f"replicas must have columns {_REPLICA_COLUMNS} (missing {sorted(missing)})")
        self._check_ops()

    def _check_ops(self) -> None:
        codes, _ = pd.factorize(pd.Series(self.process, dtype=object))
        order = np.lexsort((np.arange(len(self)), codes))  # per process, in history order
        same = codes[order][1:] == codes[order][:-1]
        overlap = np.flatnonzero(same & (self.invoke_t[order][1:] < self.complete_t[order][:-1]))
        if overlap.size:
            i, j = int(order[overlap[0]]), int(order[overlap[0] + 1])
            raise ValueError(
                f"process {self.process[i]!r} runs one operation at a time, but operation {j} "
                f"(invoked at {self.invoke_t[j]:g}) starts before operation {i} completes "
                f"(at {self.complete_t[i]:g})"
            )
        for i in range(len(self)):
            f, v, r, s = self.f[i], self.value[i], self.result[i], self.status[i]
            if f == "cas":
                if not (isinstance(v, tuple | list) and len(v) == 2):
                    raise ValueError(f"a cas needs value=(expected, new) (operation {i}: value={v!r})")
                if s == "ok" and not isinstance(r, bool | np.bool_):
                    raise ValueError(f"an ok cas needs result=True or False (operation {i}: result={r!r})")
            if f == "append" and self.model != "kv":
                raise ValueError(f"append needs model='kv' (operation {i}; model={self.model!r})")

    # --- construction ----------------------------------------------------------------
    @classmethod
    def from_ops(
        cls,
        ops: Iterable[Sequence | Mapping],
        initial=None,
        model: str | None = None,
        source: str = "python",
    ) -> History:
        """A history from rows, for tiny textbook histories written by hand.

        Each row is a tuple ``(process, f, value, result, invoke_t, complete_t)``
        with an optional 7th entry ``status`` (default ``"ok"``), or a dict with
        those names plus ``key``. ``f`` may be abbreviated (``r``, ``w``, ``get``,
        ``put``, ``a``); a cas ``value`` is ``(expected, new)``. ``complete_t``
        may be ``None`` (never returned: status ``"info"``).

        ``model`` defaults to ``"kv"`` when an append appears, else
        ``"cas-register"`` when a cas appears, else ``"register"``.

        Parameters
        ----------
        ops : iterable of tuple or dict
            The rows, as above; times in any one unit.
        initial : object, optional
            Value of every key before the first operation.
        model : {"register", "cas-register", "kv"}, optional
            The sequential specification (default: from the operations).
        source : str
            Where the history came from.

        Returns
        -------
        History

        Examples
        --------
        >>> h = History.from_ops([(0, "w", 1, None, 0, 2), (1, "r", None, 1, 1, 3)], initial=0)
        >>> len(h), h.describe(1)
        (2, 'r1')
        """
        names = ("process", "f", "value", "result", "invoke_t", "complete_t", "status")
        cols: dict[str, list] = {name: [] for name in (*names, "key")}
        if isinstance(ops, str | bytes | Mapping) or not isinstance(ops, Iterable):
            raise TypeError(f"ops must be a list of rows (tuples or dicts) (got {type(ops).__name__})")
        for i, row in enumerate(ops):
            if not isinstance(row, Mapping | Sequence) or isinstance(row, str | bytes):
                raise ValueError(
                    f"ops[{i}] must be a tuple (process, f, value, result, invoke_t, complete_t[, status]) "
                    f"or a dict (got {row!r})"
                )
            if isinstance(row, Mapping):
                unknown = set(row) - set(cols)
                if unknown:
                    raise ValueError(f"ops[{i}] has unknown field(s) {sorted(unknown)}; use {sorted(cols)}")
                get = row.get
            else:
                if not 6 <= len(row) <= 7:
                    raise ValueError(
                        f"ops[{i}] must be (process, f, value, result, invoke_t, complete_t[, status]) "
                        f"(got {row!r})"
                    )
                get = dict(zip(names, row, strict=False)).get
            for name in ("process", "f", "invoke_t"):
                if get(name) is None:
                    raise ValueError(f"ops[{i}] needs {name}")
            f = _ALIASES.get(str(get("f")), str(get("f")))
            if f not in OPS:
                raise ValueError(f"ops[{i}].f must be one of {', '.join(OPS)} (got f={get('f')!r})")
            complete = get("complete_t")
            status = get("status") or ("info" if complete is None else "ok")
            if status not in STATUSES:
                raise ValueError(
                    f"ops[{i}].status must be one of {', '.join(STATUSES)} (got status={status!r})"
                )
            invoke = _time(f"ops[{i}].invoke_t", get("invoke_t"))
            complete = math.inf if complete is None else _time(f"ops[{i}].complete_t", complete, inf_ok=True)
            value = get("value")
            cols["process"].append(get("process"))
            cols["f"].append(f)
            cols["key"].append(get("key"))
            cols["value"].append(_hashable(value))  # lists become tuples: values are compared and hashed
            cols["result"].append(_hashable(get("result")))
            cols["invoke_t"].append(invoke)
            cols["complete_t"].append(complete)
            cols["status"].append(status)
        if model is None:
            model = "kv" if "append" in cols["f"] else "cas-register" if "cas" in cols["f"] else "register"
        return cls(
            process=_process_column(cols["process"]),
            f=np.array(cols["f"], dtype=object),
            key=cols["key"],
            value=cols["value"],
            result=cols["result"],
            invoke_t=np.array(cols["invoke_t"], dtype=float),
            complete_t=np.array(cols["complete_t"], dtype=float),
            status=np.array(cols["status"], dtype=object),
            initial=initial,
            model=model,
            source=source,
        )

    @classmethod
    def from_sessions(cls, sessions: Mapping[object, Sequence[str]], initial=None) -> History:
        """A history from per-process sequences in textbook notation.

        ``w(x)1`` writes 1 to x, ``r(x)1`` reads 1 from x (``r(x)nil``: read
        the empty register), ``a(x)"s"`` appends ``"s"``; ``w1`` / ``r1``
        without a key act on a single register. Values are EDN atoms (integers,
        ``nil``, ``"strings"``, ``true``/``false``) or bare words (``w(x)a``).

        Real time is not part of this notation. Operation ``j`` of every
        session spans ``[2j, 2j + 1]``: the ``j``-th operations of different
        sessions overlap, and earlier ones precede later ones. Sequential,
        causal and session checks ignore real time anyway; a linearizability
        verdict on such a history judges that layout.

        Parameters
        ----------
        sessions : mapping
            ``{process: [operation, ...]}`` (or a space-separated string per process).
        initial : object, optional
            Value of every key before the first operation.

        Returns
        -------
        History

        Examples
        --------
        >>> h = History.from_sessions({"A": ["w(x)1"], "B": ["r(x)1"]})
        >>> [h.describe(i) for i in range(len(h))]
        ['w(x)1', 'r(x)1']
        """
        rows = []
        for process, ops in sessions.items():
            if isinstance(ops, str):
                ops = ops.split()
            for j, text in enumerate(ops):
                f, key, arg = _parse_textbook_op(text, process)
                value, result = (None, arg) if f == "read" else (arg, None)
                rows.append(
                    {
                        "process": process,
                        "f": f,
                        "key": key,
                        "value": value,
                        "result": result,
                        "invoke_t": 2.0 * j,
                        "complete_t": 2.0 * j + 1.0,
                    }
                )
        return cls.from_ops(rows, initial=initial)

    # --- views -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.invoke_t)

    def __repr__(self) -> str:
        counts = {s: int(np.sum(self.status == s)) for s in STATUSES}
        return (
            f"History({len(self)} ops, {len(self.processes)} processes, {len(self.keys)} key(s), "
            f"ok={counts['ok']} fail={counts['fail']} info={counts['info']}, model={self.model!r}, "
            f"source={self.source!r})"
        )

    @property
    def keys(self) -> list:
        """The distinct keys, in order of first use (``[None]`` for a single register).

        Returns
        -------
        list
        """
        return list(dict.fromkeys(self.key.tolist()))

    @property
    def processes(self) -> list:
        """The distinct processes, in order of first invocation.

        Returns
        -------
        list
        """
        return list(dict.fromkeys(self.process.tolist()))

    def select(self, index) -> History:
        """The sub-history of some operations.

        Parameters
        ----------
        index : array-like of bool or int
            A mask over the operations, or their row numbers.

        Returns
        -------
        History
        """
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return History(
            process=self.process[index],
            f=self.f[index],
            key=self.key[index],
            value=self.value[index],
            result=self.result[index],
            invoke_t=self.invoke_t[index],
            complete_t=self.complete_t[index],
            status=self.status[index],
            initial=self.initial,
            model=self.model,
            source=self.source,
            replicas=self.replicas,
        )

    def by_key(self) -> dict:
        """The operations of each key: the partition P-compositionality checks one by one.

        Returns
        -------
        dict
            ``{key: row numbers of its operations}``.
        """
        groups: dict = {}
        for i, k in enumerate(self.key.tolist()):
            groups.setdefault(k, []).append(i)
        return {k: np.array(v, dtype=np.int64) for k, v in groups.items()}

    def describe(self, i: int) -> str:
        """Operation ``i`` in textbook notation: ``w(x)1``, ``r(x)1``, ``cas(x)1->2:ok``, ``a(x)'s'``.

        Parameters
        ----------
        i : int
            Row number of the operation.

        Returns
        -------
        str
        """
        f, k, v, r, s = self.f[i], self.key[i], self.value[i], self.result[i], self.status[i]
        where = "" if k is None else f"({k})"
        unknown = s == "info" and f in ("read", "cas")
        if f == "read":
            text = f"r{where}" + ("?" if unknown else _show(r))
        elif f == "write":
            text = f"w{where}{_show(v)}"
        elif f == "append":
            text = f"a{where}{_show(v)}"
        else:
            outcome = "?" if unknown else ("ok" if r else "fail")
            text = f"cas{where}{_show(v[0])}->{_show(v[1])}:{outcome}"
        return text + (" (failed)" if s == "fail" else " (info)" if s == "info" and not unknown else "")

    def to_frame(self) -> pd.DataFrame:
        """The history as a table.

        Returns
        -------
        DataFrame
            One row per operation (times in the history's unit), with a readable ``op`` column.
        """
        return pd.DataFrame(
            {
                "process": self.process,
                "f": self.f,
                "key": self.key,
                "value": self.value,
                "result": self.result,
                "invoke_t": self.invoke_t,
                "complete_t": self.complete_t,
                "status": self.status,
                "op": [self.describe(i) for i in range(len(self))],
            }
        )

    def with_replicas(self, replicas: pd.DataFrame) -> History:
        """The same history with a replica-state log attached (for ``check_eventual``).

        Parameters
        ----------
        replicas : DataFrame
            Columns ``t, replica, key, value``, as :class:`History` describes.

        Returns
        -------
        History
        """
        return History(
            **{name: getattr(self, name) for name in _FIELDS},
            initial=self.initial,
            model=self.model,
            source=self.source,
            replicas=replicas,
        )


def _renumber_after_info(process: np.ndarray, status: np.ndarray) -> np.ndarray:
    """A process that had an ``info`` operation has crashed: what its client does next is a new process.

    ``process`` and ``status`` are in invocation order. Integer ids continue after
    the largest one in use; other ids get a prime (``A`` -> ``A'`` -> ``A''``).
    """
    crashed = np.flatnonzero(status == "info")
    if crashed.size == 0:
        return process
    out = process.copy()
    used = set(out.tolist())
    integers = out.dtype.kind in "iu"
    fresh = (max(used) + 1) if integers else None
    current: dict = {}  # id as written -> id it stands for now
    crashed_ids: set = set()  # ids whose last operation was info
    for i, p in enumerate(process.tolist()):
        now = current.get(p, p)
        if now in crashed_ids:  # the client carries on: a new process
            if integers:
                now, fresh = fresh, fresh + 1
            else:
                while now in used:
                    now = f"{now}'"
            used.add(now)
            current[p] = now
        out[i] = now
        if status[i] == "info":
            crashed_ids.add(now)
    return out


def _times(name: str, values) -> np.ndarray:
    """A column of times as float64, or an error naming the column."""
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold one number per operation (got {values!r:.80})") from None
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (got shape {a.shape})")
    return a


def _time(name: str, value, inf_ok: bool = False) -> float:
    """A time of one operation: a real number (``inf`` allowed for a completion that never came)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number (got {value!r})")
    t = float(value)
    if math.isnan(t) or (math.isinf(t) and not (inf_ok and t > 0)):
        raise ValueError(f"{name} must be a finite number{' or inf' if inf_ok else ''} (got {value!r})")
    return t


def _process_column(processes: list) -> np.ndarray:
    """int64 when every process id is an integer (the simulator, Jepsen), else objects."""
    if all(isinstance(p, int | np.integer) and not isinstance(p, bool) for p in processes):
        return np.array(processes, dtype=np.int64)
    a = np.empty(len(processes), dtype=object)
    a[:] = processes
    return a


_FIELDS = ("process", "f", "key", "value", "result", "invoke_t", "complete_t", "status")


def _show(v) -> str:
    if v is None:
        return "nil"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    return str(v)


_TEXTBOOK_OP = re.compile(r"^\s*(w|r|a)\s*(?:\(\s*([^()\s]+)\s*\))?\s*(.+?)\s*$")


def _parse_textbook_op(text: str, process) -> tuple[str, object, object]:
    m = _TEXTBOOK_OP.match(str(text))
    if not m:
        raise ValueError(
            f'cannot read operation {text!r} of process {process!r}: write w(x)1, r(x)1, a(x)"s" or w1, r1'
        )
    letter, key, arg = m.groups()
    try:
        value = parse_edn(arg)[0]
    except ValueError:
        value = arg
    if isinstance(value, Keyword | Symbol):
        value = str(value)
    return _ALIASES[letter], key, value


# --- EDN ------------------------------------------------------------------------------
class Keyword(str):
    """An EDN keyword such as ``:read`` (compares equal to ``"read"``)."""

    def __repr__(self) -> str:
        return ":" + str(self)


class Symbol(str):
    """An EDN symbol."""


_EDN_TOKEN = re.compile(
    r"""
    (?P<skip>[\s,]+|;[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<open>\#\{|[\[({])
  | (?P<close>[\])}])
  | (?P<discard>\#_)
  | (?P<tag>\#[A-Za-z][^\s,\[\](){}"]*)
  | (?P<char>\\(?:newline|space|tab|return|u[0-9a-fA-F]{4}|\S))
  | (?P<atom>[^\s,\[\](){}";]+)
    """,
    re.VERBOSE,
)
_EDN_INT = re.compile(r"^[+-]?\d+N?$")
_EDN_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\d*\.\d+|\d+)([eE][+-]?\d+)?M?$")
_EDN_RATIO = re.compile(r"^[+-]?\d+/\d+$")
_EDN_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f"}
_EDN_CHARS = {"newline": "\n", "space": " ", "tab": "\t", "return": "\r"}
_CLOSERS = {"[": "]", "(": ")", "{": "}", "#{": "}"}


def _edn_string(token: str) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    return re.sub(
        r"\\(u[0-9a-fA-F]{4}|.)",
        lambda m: (
            chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u" else _EDN_ESCAPES.get(m.group(1), m.group(1))
        ),
        body,
    )


def _edn_atom(token: str):
    if token == "nil":
        return None
    if token == "true":
        return True
    if token == "false":
        return False
    if token.startswith(":"):
        return Keyword(token[1:])
    if _EDN_INT.match(token):
        return int(token.rstrip("N"))
    if _EDN_FLOAT.match(token):
        return float(token.rstrip("M"))
    if _EDN_RATIO.match(token):
        a, b = token.split("/")
        return int(a) / int(b)
    return Symbol(token)


def _hashable(x):
    if isinstance(x, list):
        return tuple(_hashable(v) for v in x)
    if isinstance(x, dict):
        return tuple(sorted((repr(k), _hashable(v)) for k, v in x.items()))
    if isinstance(x, set):
        return frozenset(x)
    return x


def parse_edn(text: str) -> list:
    """Every top-level form of an EDN document, as Python values.

    Maps become dicts, vectors and lists become lists, sets become
    frozensets, keywords :k become :class:`Keyword` (a str), ``nil`` None.
    Tagged literals (``#inst "..."``) keep their value; ``#_`` discards the
    next form; ``;`` comments are skipped. This is the subset of EDN
    (https://github.com/edn-format/edn) that Jepsen histories use.
    """
    stack: list[tuple[str, list]] = [("", [])]
    discard = [0]  # per nesting level: forms still to discard
    pos = 0
    for m in _EDN_TOKEN.finditer(text):
        if m.start() != pos:
            break
        pos = m.end()
        kind = m.lastgroup
        token = m.group()
        if kind == "skip" or kind == "tag":
            continue
        if kind == "discard":
            discard[-1] += 1
            continue
        if kind == "open":
            stack.append((token, []))
            discard.append(0)
            continue
        if kind == "close":
            opener, items = stack.pop()
            discard.pop()
            if not opener or _CLOSERS[opener] != token:
                line = text.count("\n", 0, m.start()) + 1
                raise ValueError(f"EDN: unexpected {token!r} on line {line}")
            if opener == "{":
                if len(items) % 2:
                    line = text.count("\n", 0, m.start()) + 1
                    raise ValueError(f"EDN: a map needs key-value pairs (map ending on line {line})")
                value = {_hashable(items[j]): items[j + 1] for j in range(0, len(items), 2)}
            elif opener == "#{":
                value = frozenset(_hashable(v) for v in items)
            else:
                value = items
        elif kind == "string":
            value = _edn_string(token)
        elif kind == "char":
            body = token[1:]
            value = _EDN_CHARS.get(
                body, chr(int(body[1:], 16)) if len(body) == 5 and body[0] == "u" else body
            )
        else:
            value = _edn_atom(token)
        if discard[-1]:
            discard[-1] -= 1
        else:
            stack[-1][1].append(value)
    if pos != len(text):
        line = text.count("\n", 0, pos) + 1
        raise ValueError(f"EDN: cannot read {text[pos : pos + 20]!r} on line {line}")
    if len(stack) != 1:
        raise ValueError(f"EDN: {len(stack) - 1} unclosed bracket(s) at end of input")
    return stack[0][1]


# --- loaders ----------------------------------------------------------------------------
_ETCD_LINE = re.compile(r"^\s*INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(\w+)\s+:(\w+)\s*(.*?)\s*$")


def detect_format(text: str) -> str:
    """Which of the three real formats a history file is in, from its content.

    Parameters
    ----------
    text : str
        The file's content (the first 20,000 characters decide).

    Returns
    -------
    str
        ``"etcd-log"``, ``"kv-edn"`` or ``"knossos-edn"``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be the content of a history file, a str (got {type(text).__name__})")
    head = text[:20000]
    for line in head.splitlines():
        if _ETCD_LINE.match(line):
            return "etcd-log"
    stripped = re.sub(r";[^\n]*", "", head).lstrip()
    if stripped[:1] in ("{", "[", "("):
        if re.search(r":key\b", head) or re.search(r":f\s+:(get|put|append)\b", head):
            return "kv-edn"
        return "knossos-edn"
    raise ValueError(
        "cannot tell the history format: expected Jepsen log lines "
        "('INFO jepsen.util - 3 :invoke :read nil') "
        "or EDN maps ('{:process 0, :type :invoke, :f :read, :value nil}')"
    )


class _Builder:
    """Pairs invocations with completions, one open operation per process."""

    def __init__(self):
        self.rows: list[dict] = []
        self.open: dict = {}

    def invoke(self, process, f, key, value, t) -> None:
        if process in self.open:  # a process that re-invokes gave up on its last op: unknown outcome
            self.open.pop(process).update(status="info", complete_t=t)
        row = {
            "process": process,
            "f": f,
            "key": key,
            "value": value,
            "result": None,
            "invoke_t": t,
            "complete_t": math.inf,
            "status": "info",
        }
        self.rows.append(row)
        self.open[process] = row

    def complete(self, process, t, status, result=None, where="") -> None:
        row = self.open.pop(process, None)
        if row is None:
            raise ValueError(f"completion without an invocation for process {process} {where}")
        row.update(complete_t=t, status=status, result=result)


def _etcd_value(text: str):
    forms = parse_edn(text) if text else [None]
    return forms[0] if forms else None


def _load_etcd(text: str) -> History:
    """Porcupine's Jepsen etcd logs (see :func:`load_history`)."""
    b = _Builder()
    for t, line in enumerate(text.splitlines()):
        m = _ETCD_LINE.match(line)
        if not m:
            continue
        process, kind, f, rest = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        where = f"(line {t + 1})"
        value = _etcd_value(rest)
        if f not in ("read", "write", "cas"):
            raise ValueError(f"etcd log: unknown operation :{f} {where}")
        if kind == "invoke":
            if f == "cas":
                value = _cas_pair(value, where)
            b.invoke(process, f, None, None if f == "read" else value, float(t))
        elif kind == "ok":
            result = value if f == "read" else True if f == "cas" else None
            b.complete(process, float(t), "ok", result, where)
        elif kind == "fail" and f == "cas" and isinstance(value, list):
            b.complete(process, float(t), "ok", False, where)  # etcd: the cas ran and returned false
        elif kind in ("fail", "info"):
            # A timed-out read or any :info: the outcome is unknown and the op stays open
            # (Porcupine's reference checker leaves it pending to the end).
            b.complete(process, float(t), "info", None, where)
        else:
            raise ValueError(f"etcd log: unknown event type :{kind} {where}")
    return History.from_ops(b.rows, initial=None, model="cas-register", source="etcd-log")


def _cas_pair(value, where):
    if not (isinstance(value, list | tuple) and len(value) == 2):
        raise ValueError(f"a cas needs [expected new] (got {value!r}) {where}")
    return tuple(value)


def _edn_ops(text: str) -> list[dict]:
    ops = []
    for form in parse_edn(text):
        items = form if isinstance(form, list) else [form]
        for op in items:
            if not isinstance(op, dict):
                raise ValueError(f"EDN history: expected maps of operations (got {op!r})")
            ops.append(op)
    return ops


def _load_edn(text: str, fmt: str) -> History:
    """Jepsen EDN histories: kv EDN lines or Knossos cas-register histories."""
    kv = fmt == "kv-edn"
    b = _Builder()
    for t, op in enumerate(_edn_ops(text)):
        where = "(operation {}: {{{}}})".format(t + 1, ", ".join(f"{k!r} {v!r}" for k, v in op.items()))
        missing = [k for k in ("process", "type", "f") if Keyword(k) not in op]
        if missing:
            raise ValueError(f"EDN history: operation without :{missing[0]} {where}")
        process, kind = op[Keyword("process")], str(op[Keyword("type")])
        if process is None or isinstance(process, Keyword):
            continue  # the nemesis: faults, not client operations
        f = _ALIASES.get(str(op[Keyword("f")]), str(op[Keyword("f")]))
        if f not in OPS or (f == "append" and not kv):
            raise ValueError(f"EDN history: unsupported :f :{op[Keyword('f')]} {where}")
        value = _hashable(op.get(Keyword("value")))  # vectors become tuples: values are compared and hashed
        key = _hashable(op.get(Keyword("key"))) if kv else None
        if kind == "invoke":
            arg = None if f == "read" else _cas_pair(value, where) if f == "cas" else value
            b.invoke(process, f, key, arg, float(t))
        elif kind == "ok":
            if f == "read" and value is None:
                b.complete(process, float(t), "info", None, where)  # Knossos: a nil read constrains nothing
            else:
                result = value if f == "read" else True if f == "cas" else None
                b.complete(process, float(t), "ok", result, where)
        elif kind == "fail":
            b.complete(process, float(t), "fail", None, where)  # Jepsen: certainly did not happen
        elif kind == "info":
            b.complete(process, float(t), "info", None, where)
        else:
            raise ValueError(f"EDN history: unknown :type :{kind} {where}")
    model = "kv" if kv else "cas-register"
    return History.from_ops(b.rows, initial="" if kv else 0, model=model, source=fmt)


def load_history(path, format: str | None = None) -> History:
    """Read a history file in one of the three real formats.

    Parameters
    ----------
    path : str or Path
        The file.
    format : {"etcd-log", "kv-edn", "knossos-edn"}, optional
        Detected from the content when None.

    Returns
    -------
    History

    Notes
    -----
    The formats share Jepsen's vocabulary but not its semantics; each is
    mapped to the :class:`History` semantics as its own reference checker
    reads it:

    ``etcd-log`` (Porcupine ``test_data/jepsen``, from the Jepsen etcd test):
    one register, initially nil (``initial=None``); ``:fail :cas`` means the
    cas *ran and returned false* (status ok, result False); ``:fail :read
    :timed-out`` and ``:info`` leave the outcome unknown (status info, pending
    to the end). Default model ``"cas-register"``.

    ``kv-edn`` (Porcupine ``test_data/kv``): one EDN map per line with
    ``:key``; get/put/append on strings, every key initially ``""``. Default
    model ``"kv"``, checked key by key (P-compositionality, Herlihy & Wing
    1990, section 3.3 "locality").

    ``knossos-edn`` (Knossos ``data/cas-register``): a cas register initially
    0; ``:fail`` means the op did not take effect (status fail), ``:info``
    unknown, and an ``:ok`` read of nil constrains nothing (status info).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "h.edn")
    >>> _ = open(path, "w").write('[{:process 0 :type :invoke :f :write :value 1}'
    ...                           ' {:process 0 :type :ok :f :write :value 1}]')
    >>> load_history(path)
    History(1 ops, 1 processes, 1 key(s), ok=1 fail=0 info=0, model='cas-register', source='knossos-edn')
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or a path to a history file (got {type(path).__name__})")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing history file (got path={str(path)!r})")
    limit_mb = config.CONSISTENCY_MAX_HISTORY_MB
    if path.stat().st_size > limit_mb * 2**20:
        raise ValueError(
            f"path {str(path)!r} holds {path.stat().st_size / 2**20:,.0f} MB, more than "
            f"config.CONSISTENCY_MAX_HISTORY_MB={limit_mb:g} MB this parser reads in about a minute: "
            f"cut the history, or raise the limit"
        )
    text = path.read_text(encoding="utf-8", errors="replace")
    fmt = detect_format(text) if format is None else format
    if fmt not in FORMATS:
        raise ValueError(
            f"format must be one of {', '.join(map(repr, FORMATS))} or None (got format={fmt!r})"
        )
    return _load_etcd(text) if fmt == "etcd-log" else _load_edn(text, fmt)
