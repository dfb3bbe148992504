"""Linearizability and sequential consistency of a history.

Linearizability (Herlihy & Wing 1990): every operation appears to take
effect at one instant between its invocation and its completion, in an order
that a single copy of the object (the *model*) could have produced. It is
*local* (Herlihy & Wing 1990, section 3.3, Theorem 1): a history is
linearizable iff each object's sub-history is, so a key-value history is
checked key by key (P-compositionality, Horn & Kroening 2015), the keys in
parallel. Each key is searched with Wing & Gong's algorithm as improved by
Lowe (2017) and implemented by Porcupine: see ``_checker_kernels``.

Sequential consistency (Lamport 1979) drops real time: some interleaving
that keeps each process's own order must be legal. It is not local, so all
keys are searched together; that is exponential in the worst case (checking
it is NP-complete, Gibbons & Korach 1997) and meant for small histories.

Models (the sequential specifications):

``register``      read, write
``cas-register``  read, write, cas(expected, new) -> swapped?
``kv``            read (get), write (put), append, on strings (Porcupine's kv)
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from . import _checker_kernels as kk
from .history import APPEND, CAS, MODELS, OPS, READ, WRITE, History

VERDICTS = ("OK", "ILLEGAL", "UNKNOWN")
_ALLOWED = {
    "register": {"read", "write"},
    "cas-register": {"read", "write", "cas"},
    "kv": {"read", "write", "append"},
}
_CODE = {f: i for i, f in enumerate(OPS)}


def _budget(timeout_s) -> float:
    """The deadline on the kernels' clock for a budget in seconds (None: the configured one)."""
    timeout_s = config.CONSISTENCY_CHECK_TIMEOUT_S if timeout_s is None else timeout_s
    if timeout_s == math.inf:
        return math.inf
    return kk.now_s() + validate.positive("timeout_s", timeout_s)


def _model(history: History, model: str | None) -> str:
    if not isinstance(history, History):
        raise TypeError(
            f"history must be a kit.consistency.History (load_history, History.from_ops) "
            f"(got {type(history).__name__})"
        )
    model = history.model if model is None else model
    validate.choice("model", model, MODELS)
    used = set(history.f[history.status != "fail"].tolist())
    extra = used - _ALLOWED[model]
    if extra:
        raise ValueError(
            f"model={model!r} has no {sorted(extra)[0]!r} operation; this history needs "
            f"{'kv' if 'append' in extra else 'cas-register'!r}"
        )
    return model


def linearization_points(history: History, order) -> np.ndarray:
    """A real-time instant for each operation of a linearisation (NaN for those not in it).

    Operation k of the order sits in ``[lo_k, hi_k]``: ``lo_k`` the latest of
    its invocation and the previous point, ``hi_k`` the earliest completion
    among it and the operations after it (non-empty because the order
    respects real time); it is drawn in the middle (at ``lo_k`` if unbounded).

    Parameters
    ----------
    history : History
        The history the order is of.
    order : sequence of int
        Rows of ``history`` in linearisation order (e.g. ``check_linearizable(h).order``).

    Returns
    -------
    ndarray of float
        One instant per operation of ``history``, in its time unit; NaN for those not in ``order``.
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a kit.consistency.History (got {type(history).__name__})")
    try:
        order = np.asarray(order, dtype=np.int64).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"order must be a sequence of row numbers (got order={order!r:.60})") from None
    if order.size and (order.min() < 0 or order.max() >= len(history) or np.unique(order).size != order.size):
        raise ValueError(
            f"order must hold distinct row numbers between 0 and {len(history) - 1} "
            f"(got order={order.tolist()!r:.60})"
        )
    points = np.full(len(history), np.nan)
    order = np.asarray(order, dtype=np.int64)
    if order.size == 0:
        return points
    complete = np.where(history.status[order] == "info", np.inf, history.complete_t[order])
    hi = np.minimum.accumulate(complete[::-1])[::-1]
    prev = -np.inf
    for k, i in enumerate(order):
        lo = max(prev, history.invoke_t[i])
        p = lo if not np.isfinite(hi[k]) else (lo + hi[k]) / 2.0
        points[i] = p
        prev = p
    return points


@dataclass(frozen=True, eq=False)
class LinearizabilityResult:
    """What :func:`check_linearizable` found.

    Attributes
    ----------
    verdict : {"OK", "ILLEGAL", "UNKNOWN"}
        UNKNOWN: the time budget ran out before an answer (never a guess).
    model : str
    history : History
    order : tuple of int
        OK: every operation that took effect (rows of ``history``) in a
        linearisation order. Otherwise: the longest linearisable prefix of
        the first key found ILLEGAL.
    blocked : int or None
        ILLEGAL: the operation that could not be linearised before it
        returned, at the deepest point the search reached.
    unplaced : tuple of int
        ILLEGAL: the operations outside that prefix that were already
        invoked when ``blocked`` returned: none of them could come next.
    keys : dict
        Per partition checked, in search order: ``key, ops, verdict, steps``
        (lists); as a table in ``.partitions``. A partition is one key, or
        a tuple of the keys program order ties together at one instant (see
        :func:`check_linearizable`). Once one is ILLEGAL the others stop
        (UNKNOWN): the verdict is settled.
    elapsed_s : float
        Wall time of the check, seconds.
    reason : str
        UNKNOWN: why (the time budget or the memory bound); else ``""``.
    """

    verdict: str
    model: str
    history: History = field(repr=False)
    order: tuple = field(repr=False)
    blocked: int | None
    unplaced: tuple = field(repr=False)
    keys: dict = field(repr=False)
    elapsed_s: float
    reason: str = ""

    @property
    def ok(self) -> bool | None:
        """The verdict as a truth value.

        Returns
        -------
        bool or None
            True (OK), False (ILLEGAL) or None (UNKNOWN).
        """
        return {"OK": True, "ILLEGAL": False}.get(self.verdict)

    @property
    def partitions(self) -> pd.DataFrame:
        """What was searched.

        Returns
        -------
        DataFrame
            One row per partition: ``key, ops, verdict, steps`` (search steps).
        """
        return pd.DataFrame(self.keys)

    @property
    def illegal_keys(self) -> list:
        """The keys of the partitions found ILLEGAL.

        Returns
        -------
        list
        """
        return [k for k, v in zip(self.keys["key"], self.keys["verdict"], strict=True) if v == "ILLEGAL"]

    def points(self) -> np.ndarray:
        """Linearisation instants of the operations in ``order`` (see :func:`linearization_points`).

        Returns
        -------
        ndarray of float
            In the history's time unit; NaN for operations not in ``order``.
        """
        return linearization_points(self.history, self.order)

    def __repr__(self) -> str:
        extra = f", {self.reason}" if self.reason else ""
        if self.verdict == "ILLEGAL":
            extra = f", blocked={self.history.describe(self.blocked)!r} (op {self.blocked})"
            extra += f", prefix={len(self.order)} ops"
        return (
            f"LinearizabilityResult({self.verdict}, model={self.model!r}, {len(self.history)} ops, "
            f"{len(self.keys['key'])} key(s){extra}, {self.elapsed_s * 1e3:.1f} ms)"
        )


class _Encoder:
    """Values -> small ints the kernels compare; strings also as bytes for appends."""

    def __init__(self, strings: bool):
        self.strings = strings
        self.ids: dict = {}
        self.values: list = []

    def __call__(self, v) -> int:
        key = _key(v)  # keep True apart from 1
        i = self.ids.get(key)
        if i is None:
            if self.strings and not isinstance(v, str):
                raise ValueError(
                    f"the kv model appends strings: every value written, appended or read must be a "
                    f"str (got {v!r})"
                )
            i = self.ids[key] = len(self.values)
            self.values.append(v)
        return i

    def literals(self):
        if not self.strings:
            empty = np.zeros(0, np.int64)
            return (np.zeros(0, np.uint8), empty, empty, empty, empty, empty, empty)
        data = [v.encode("utf-8") for v in self.values]
        lengths = np.array([len(b) for b in data], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        raw = np.frombuffer(b"".join(data), dtype=np.uint8).copy()
        h1, h2, p1, p2 = kk.literal_hashes(raw, offsets, lengths)
        return raw, offsets, lengths, h1, h2, p1, p2


def _searched(history: History) -> np.ndarray:
    """The operations the search must place: not failed, and not reads of unknown result.

    A read whose result is unknown neither constrains nor changes the state,
    so it fits anywhere after its invocation; leaving it out keeps the
    search from doubling its configurations for every such read in flight.
    """
    return (history.status != "fail") & ~((history.status == "info") & (history.f == "read"))


class _Unobserved:
    """The one state every never-observed written value stands for."""


_UNOBSERVED = _Unobserved()


def _key(v):
    return (type(v).__name__ if isinstance(v, bool) else "", v)


def _observed(history: History, idx: np.ndarray, strings: bool):
    """Values some operation of this key can tell apart: what reads returned and cas expected.

    Values written but never observed behave alike in every state (no read
    returns them, no cas expects them), so they share one state id; this is
    exact, and lets the search merge configurations. With appends every
    value is part of what reads return, so nothing is merged.
    """
    if strings:
        return _EVERYTHING
    seen = {_key(history.initial)}
    for i in idx.tolist():
        if history.f[i] == "read" and history.status[i] == "ok":
            seen.add(_key(history.result[i]))
        elif history.f[i] == "cas":
            seen.add(_key(history.value[i][0]))
    return seen


class _Everything:
    def __contains__(self, item) -> bool:
        return True


_EVERYTHING = _Everything()


def _touching_pairs(history: History, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive operations (a, b) of one process among ``idx`` where a completed as b was invoked."""
    if idx.size < 2:
        return idx[:0], idx[:0]
    process = history.process[idx]
    codes = process if process.dtype.kind in "iu" else pd.factorize(pd.Series(process, dtype=object))[0]
    perm = np.lexsort((idx, codes))  # per process, in history (= program) order
    order, codes = idx[perm], codes[perm]
    same = codes[1:] == codes[:-1]
    a, b = order[:-1], order[1:]
    touch = same & (history.complete_t[a] == history.invoke_t[b]) & (history.status[a] != "info")
    return a[touch], b[touch]


def _key_groups(history: History, live: np.ndarray) -> list[list]:
    """The keys searched together: each alone, except those program order ties at one instant.

    Linearizability is local (Herlihy & Wing 1990, Theorem 1) when real-time precedence is an
    interval order. Program order between touching operations of one process adds edges that
    are not: if at one instant two processes each complete an operation and invoke their next
    one, on different keys, each key alone may be linearizable while the whole is not (store
    buffering at one instant). Merging every key of such handoffs into one partition is
    enough to make the per-partition verdicts exact again (a minimal cycle of per-partition
    orders and precedence could otherwise only pass through two such handoffs at one instant).
    """
    keys = list(dict.fromkeys(history.key[live].tolist()))
    parent = {k: k for k in keys}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    if len(keys) < 2:
        return [keys] if keys else []
    a, b = _touching_pairs(history, np.flatnonzero(live))
    at: dict = {}  # instant -> {process: keys handed off there}
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        at.setdefault(history.complete_t[i], {}).setdefault(history.process[i], set()).update(
            (history.key[i], history.key[j])
        )
    for by_process in at.values():
        if len(by_process) > 1:
            tied = [k for ks in by_process.values() for k in ks]
            for k in tied[1:]:
                parent[find(k)] = find(tied[0])
    groups: dict = {}
    for k in keys:
        groups.setdefault(find(k), []).append(k)
    return list(groups.values())


def _encode(history: History, model: str):
    """Kernel arrays for every partition, operations that took effect only."""
    live = _searched(history)
    strings = model == "kv" and bool(np.any(history.f[live] == "append"))
    enc = _Encoder(strings)
    init = enc(history.initial)
    unobserved = -1 if strings else enc(_UNOBSERVED)
    by_key = history.by_key()
    parts = []
    for group in _key_groups(history, live):
        idx = by_key[group[0]] if len(group) == 1 else np.sort(np.concatenate([by_key[k] for k in group]))
        parts.append((group, idx[live[idx]]))
    # Small partitions first: on one core, one hard key should not hold up an easy ILLEGAL one.
    parts.sort(key=lambda part: part[1].size)
    m_total = sum(idx.size for _, idx in parts)
    kind = np.empty(m_total, np.int64)
    a1 = np.zeros(m_total, np.int64)
    a2 = np.zeros(m_total, np.int64)
    res = np.zeros(m_total, np.int64)
    unknown = np.zeros(m_total, np.bool_)
    cls = np.full(m_total, -1, np.int64)
    pred = np.full(m_total, -1, np.int64)
    slot = np.zeros(m_total, np.int64)
    ev_op = np.empty(2 * m_total, np.int64)
    ev_call = np.empty(2 * m_total, np.int64)
    op_off = np.zeros(len(parts) + 1, np.int64)
    rows = np.empty(m_total, np.int64)
    pos = 0
    for p, (group, idx) in enumerate(parts):
        m = idx.size
        rows[pos : pos + m] = idx
        slots = {k: j for j, k in enumerate(group)}
        seen = {k: _observed(history, by_key[k], strings) for k in group}
        # Pending operations with the same effect act alike: writes of one value (every value
        # nobody observed is one), cas with the same expected and new values. They never return
        # and lead to the same state, so which of them takes effect first does not matter: each
        # such group is a class the search tries once per level.
        classes: dict = {}
        for j, i in enumerate(idx.tolist()):
            f, v, r, k = history.f[i], history.value[i], history.result[i], history.key[i]
            kind[pos + j] = _CODE[f]
            slot[pos + j] = slots[k]
            info = history.status[i] == "info"
            unknown[pos + j] = info
            if f == "read":
                res[pos + j] = 0 if info else enc(r)
            elif f == "cas":
                a1[pos + j] = enc(v[0])
                a2[pos + j] = enc(v[1]) if _key(v[1]) in seen[k] else unobserved
                res[pos + j] = 1 if (not info and r) else 0
                if info:
                    cls[pos + j] = classes.setdefault(
                        ("cas", slots[k], a1[pos + j], a2[pos + j]), len(classes)
                    )
            elif f == "write":
                a1[pos + j] = enc(v) if _key(v) in seen[k] else unobserved
                if info:
                    cls[pos + j] = classes.setdefault(("write", slots[k], a1[pos + j]), len(classes))
            else:
                a1[pos + j] = enc(v)
        before, after = _touching_pairs(history, idx)
        if after.size:  # idx is sorted: a row's local index is its rank in idx
            pred[pos + np.searchsorted(idx, after)] = np.searchsorted(idx, before)
        t = np.concatenate(
            (history.invoke_t[idx], np.where(history.status[idx] == "info", np.inf, history.complete_t[idx]))
        )
        # At equal times calls go first: intervals that touch overlap (program order is ``pred``'s).
        rank = np.concatenate((np.zeros(m, np.int64), np.ones(m, np.int64)))
        ops = np.concatenate((np.arange(m), np.arange(m)))
        ev = np.lexsort((ops, rank, t))
        ev_op[2 * pos : 2 * (pos + m)] = ops[ev]
        ev_call[2 * pos : 2 * (pos + m)] = 1 - rank[ev]
        pos += m
        op_off[p + 1] = pos
    cls[cls >= kk.MAX_CLASSES] = -1  # beyond that many classes, the rest are searched one by one
    n_slots = np.array([len(group) for group, _ in parts], np.int64)
    kernel_ops = (kind, a1, a2, res, unknown, cls, pred, slot, ev_op, ev_call, init)
    return parts, rows, (op_off, n_slots), kernel_ops, enc.literals()


def check_linearizable(history: History, model: str | None = None, timeout_s: float | None = None):
    """Is the history linearizable with respect to ``model``?

    Parameters
    ----------
    history : History
        The operations to check.
    model : {"register", "cas-register", "kv"}, optional
        Default: the history's own (``cas-register`` for etcd logs and
        Knossos EDN, ``kv`` for kv files).
    timeout_s : float, optional
        Time budget in seconds; when it runs out the verdict is UNKNOWN.
        Default ``config.CONSISTENCY_CHECK_TIMEOUT_S`` (``math.inf``: no budget).

    Returns
    -------
    LinearizabilityResult
        ``.verdict`` OK / ILLEGAL / UNKNOWN, ``.ok`` True / False / None, a
        linearisation (OK) or the longest linearisable prefix and the
        operation that could not be placed (ILLEGAL).

    Notes
    -----
    Wing & Gong (1993) search with Lowe's memoisation of (set of linearised
    operations, model state) (Lowe 2017, "Testing for linearizability",
    Concurrency Computat. Pract. Exper. 29(4), section 3), as in Porcupine
    (Athalye 2017); each key separately (Herlihy & Wing 1990, section 3.3).
    Time as in :mod:`kit.consistency.history`: operations of different
    processes whose intervals touch are concurrent; a process's operations
    keep program order even when one completes as the next is invoked.
    Program order at one instant makes linearizability non-local (two
    processes handing off at the same instant on different keys can break
    it while each key alone is fine), so keys tied that way are searched
    together. ``fail`` operations did not happen; ``info`` ones may take
    effect at any point after their invocation, or never, and their results
    are not checked. Memory is bounded by ``config.CONSISTENCY_MAX_CHECK_MB``
    (UNKNOWN beyond) and the history's size by ``config.CONSISTENCY_MAX_CHECK_OPS``.

    References
    ----------
    M. Herlihy, J. Wing, "Linearizability: a correctness condition for
    concurrent objects", ACM TOPLAS 12(3), 1990. J. Wing, C. Gong, "Testing
    and verifying concurrent objects", JPDC 17(1), 1993. G. Lowe, "Testing
    for linearizability", Concurrency Computat. Pract. Exper. 29(4), 2017.

    Examples
    --------
    Herlihy & Wing (1990), Figure 1 style: a read overlapping a write may
    return either value, but not an older one after a newer one.

    >>> h = History.from_ops([
    ...     ("A", "write", 1, None, 0, 10),
    ...     ("B", "read", None, 1, 1, 2),
    ...     ("B", "read", None, 0, 3, 4),
    ... ], initial=0)
    >>> check_linearizable(h).verdict
    'ILLEGAL'
    """
    start = time.perf_counter()
    model = _model(history, model)
    deadline = _budget(timeout_s)
    _bounded_size(history)
    parts, rows, (op_off, n_slots), ops, lits = _encode(history, model)
    outcome = n_order = n_best = steps = order = best = np.zeros(0, np.int64)
    if parts:
        # Threads pay off only when several keys carry real work (waking them costs milliseconds).
        parallel = len(parts) > 1 and len(rows) >= config.CONSISTENCY_PARALLEL_MIN_OPS
        search = kk.search_partitions_parallel if parallel else kk.search_partitions
        bounds = np.array([deadline, _cache_entries(int(np.diff(op_off).max()))])
        outcome, n_order, n_best, steps, order, best = search((op_off, n_slots), ops, lits, bounds)
    keys = {
        "key": [group[0] if len(group) == 1 else tuple(group) for group, _ in parts],
        "ops": np.diff(op_off).tolist(),
        "verdict": [_VERDICT.get(int(o), "UNKNOWN") for o in outcome],
        "steps": steps.tolist(),
    }
    verdict = "ILLEGAL" if (outcome == kk.ILLEGAL).any() else "OK" if (outcome == kk.OK).all() else "UNKNOWN"
    blocked, unplaced, final = None, (), ()
    if verdict == "OK":
        orders = [rows[op_off[p] + order[op_off[p] : op_off[p] + n_order[p]]] for p in range(len(parts))]
        final = _merged_order(history, orders)
    elif verdict == "ILLEGAL":
        p = int(np.flatnonzero(outcome == kk.ILLEGAL)[0])
        lo = op_off[p]
        final = tuple(int(i) for i in rows[lo + best[lo : lo + n_best[p]]])
        blocked, unplaced = _blocked(history, parts[p][1], set(final))
    return LinearizabilityResult(
        verdict=verdict,
        model=model,
        history=history,
        order=final,
        blocked=blocked,
        unplaced=unplaced,
        keys=keys,
        elapsed_s=time.perf_counter() - start,
        reason=_reason(outcome, timeout_s),
    )


_VERDICT = {kk.OK: "OK", kk.ILLEGAL: "ILLEGAL"}  # the other outcomes leave the verdict UNKNOWN


def _reason(outcome: np.ndarray, timeout_s) -> str:
    """Why a verdict is UNKNOWN ("" when it is not)."""
    if (outcome == kk.ILLEGAL).any() or (outcome == kk.OK).all():
        return ""
    if (outcome == kk.OUT_OF_MEMORY).any():
        return (
            f"the search outgrew its memory bound (config.CONSISTENCY_MAX_CHECK_MB="
            f"{config.CONSISTENCY_MAX_CHECK_MB:g}): check fewer operations"
        )
    budget = config.CONSISTENCY_CHECK_TIMEOUT_S if timeout_s is None else timeout_s
    return f"the time budget ran out (timeout_s={budget:g}): raise it, or check fewer operations"


def _bounded_size(history: History) -> None:
    """Refuse histories whose encoding alone would exceed the configured size."""
    limit = config.CONSISTENCY_MAX_CHECK_OPS
    if len(history) > limit:
        raise ValueError(
            f"history has {len(history):,} operations, more than config.CONSISTENCY_MAX_CHECK_OPS="
            f"{limit:,}: check a part of it (history.select(...)) or raise the limit"
        )


def _cache_entries(m: int) -> int:
    """Cache entries of one partition's search that fit ``config.CONSISTENCY_MAX_CHECK_MB``."""
    entry_bytes = 8 * max(1, (m + 63) // 64) + 8 * 4  # linearised set, hash, state, two slots
    return max(1024, int(config.CONSISTENCY_MAX_CHECK_MB * 2**20 / entry_bytes))


def _merged_order(history: History, orders: list[np.ndarray]) -> tuple:
    """One linearisation of the whole history from the partitions' orders.

    Each partition's order is kept, and so is program order; among the operations free to
    come next, the earliest linearisation point goes first (a topological sort by point),
    which keeps real-time order too (an operation that precedes another in real time has a
    strictly earlier point). Reads of unknown result, left out of the search, sit at their
    invocation.
    """
    points = np.full(len(history), np.nan)
    for o in orders:
        points[o] = linearization_points(history, o)[o]
    free = np.flatnonzero((history.status == "info") & (history.f == "read"))
    points[free] = history.invoke_t[free]
    after: dict = {}
    waiting = dict.fromkeys(np.flatnonzero(~np.isnan(points)).tolist(), 0)
    chains = [o.tolist() for o in orders]
    a, b = _touching_pairs(history, np.array(sorted(waiting), np.int64))
    chains += [[i, j] for i, j in zip(a.tolist(), b.tolist(), strict=True)]
    for chain in chains:
        for i, j in itertools.pairwise(chain):
            after.setdefault(i, []).append(j)
            waiting[j] += 1
    ready = [(points[i], i) for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, i = heapq.heappop(ready)
        out.append(i)
        for j in after.get(i, ()):
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, (points[j], j))
    return tuple(out)


def _blocked(history: History, idx: np.ndarray, placed: set) -> tuple[int, tuple]:
    """The first operation to return without being placed, and the candidates invoked by then."""
    rest = np.array([i for i in idx.tolist() if i not in placed], dtype=np.int64)
    complete = np.where(history.status[rest] == "info", np.inf, history.complete_t[rest])
    blocked = int(rest[np.lexsort((rest, complete))[0]])
    deadline = complete.min()
    candidates = tuple(int(i) for i in rest[history.invoke_t[rest] <= deadline])
    return blocked, candidates


# --- the sequential models in Python, for the sequential-consistency search ---------------------
def step(model: str, state, f: str, value, result, unknown: bool):
    """One operation on the sequential model (states are plain values).

    Parameters
    ----------
    model : str
        ``"register"``, ``"cas-register"`` or ``"kv"``.
    state : object
        The value held before the operation.
    f : str
        ``"read"``, ``"write"``, ``"cas"`` or ``"append"``.
    value, result : object
        The operation's argument and what it returned.
    unknown : bool
        Its result is unknown (an info operation): any result is legal.

    Returns
    -------
    tuple
        ``(legal, new state)``.
    """
    if f == "read":
        return (unknown or state == result), state
    if f == "write":
        return True, value
    if f == "cas":
        swapped = state == value[0]
        return (unknown or bool(result) == swapped), (value[1] if swapped else state)
    return True, state + value  # append


@dataclass(frozen=True, eq=False)
class SequentialResult:
    """What :func:`check_sequential` found.

    Attributes
    ----------
    verdict : {"OK", "ILLEGAL", "UNKNOWN"}
        UNKNOWN: the time budget or the bound on states ran out (``reason`` says which).
    history : History
        The history checked.
    order : tuple of int
        OK: the operations that took effect (rows of ``history``) in a legal order that
        keeps each process's order; empty otherwise.
    explored : int
        States the search visited (0 when a linearisation served as the witness).
    elapsed_s : float
        Wall time of the check, seconds.
    reason : str
        How OK was reached ("linearizable" when the linearisation is the witness), or why
        the verdict is UNKNOWN; ``""`` otherwise.
    """

    verdict: str
    history: History = field(repr=False)
    order: tuple = field(repr=False)
    explored: int
    elapsed_s: float
    reason: str = ""

    @property
    def ok(self) -> bool | None:
        """The verdict as a truth value.

        Returns
        -------
        bool or None
            True (OK), False (ILLEGAL) or None (UNKNOWN).
        """
        return {"OK": True, "ILLEGAL": False}.get(self.verdict)

    def __repr__(self) -> str:
        why = f", {self.reason}" if self.reason else ""
        return (
            f"SequentialResult({self.verdict}, {len(self.history)} ops, explored {self.explored} states"
            f"{why}, {self.elapsed_s * 1e3:.1f} ms)"
        )


def check_sequential(
    history: History, model: str | None = None, timeout_s: float | None = None, max_states: int | None = None
) -> SequentialResult:
    """Is the history sequentially consistent (Lamport 1979)?

    Some interleaving of all processes' operations, each process's in its
    own order, must be legal for ``model``; real time plays no part.
    ``info`` operations may be left out (they may never have happened).

    Parameters
    ----------
    history : History
        The operations to check.
    model : {"register", "cas-register", "kv"}, optional
        As for :func:`check_linearizable`.
    timeout_s : float, optional
        Time budget in seconds (UNKNOWN when exceeded); default
        ``config.CONSISTENCY_CHECK_TIMEOUT_S``.
    max_states : int, optional
        Bound on the states the search visits (UNKNOWN beyond); default
        ``config.CONSISTENCY_SEQUENTIAL_MAX_STATES``.

    Returns
    -------
    SequentialResult
        ``.verdict`` OK / ILLEGAL / UNKNOWN and, when OK, a legal order.

    Notes
    -----
    A linearisation keeps each process's order, so a linearizable history is
    sequentially consistent: :func:`check_linearizable` runs first and its
    order is the witness. Otherwise a depth-first search over (position in
    each process, state of every key) with memoisation: O(prod_p (n_p + 1) x
    states) in the worst case. Two things keep it short on real histories:
    a read or failed compare-and-set that is legal now is taken at once and
    alone (it changes no state wherever it stands, so some legal order puts it
    first, if any legal order exists), and otherwise the process whose next
    operation was invoked earliest is tried first. Every Porcupine etcd history
    is decided in well under a second this way. Checking sequential consistency is
    NP-complete (Gibbons & Korach 1997, SIAM J. Comput. 26(4)), hence the
    bounds.

    References
    ----------
    L. Lamport, "How to make a multiprocessor computer that correctly executes
    multiprocess programs", IEEE Trans. Computers C-28(9), 1979.

    Examples
    --------
    Lamport's point: a stale read is sequentially consistent if the reader
    can be placed before the write (Viotti & Vukolić 2016, section 3.3).

    >>> h = History.from_ops([("A", "w", 1, None, 0, 1), ("B", "r", None, 0, 2, 3)], initial=0)
    >>> check_linearizable(h).verdict, check_sequential(h).verdict
    ('ILLEGAL', 'OK')
    """
    start = time.perf_counter()
    model = _model(history, model)
    deadline = _budget(timeout_s)
    max_states = validate.integer(
        "max_states",
        config.CONSISTENCY_SEQUENTIAL_MAX_STATES if max_states is None else max_states,
        1,
        config.CONSISTENCY_MAX_SEQUENTIAL_STATES,
    )
    lin = check_linearizable(history, model, timeout_s=max(deadline - kk.now_s(), 1e-9))
    if lin.ok:
        return SequentialResult(
            "OK", history, lin.order, 0, time.perf_counter() - start, "linearizable: its order is the witness"
        )
    verdict, order, explored = _search_sequential(history, model, deadline, max_states)
    reason = ""
    if verdict == "UNKNOWN":
        reason = (
            f"more than max_states={max_states:,} states"
            if explored >= max_states
            else "the time budget ran out (timeout_s): raise it, or check fewer operations"
        )
    return SequentialResult(verdict, history, order, explored, time.perf_counter() - start, reason)


def _search_sequential(history: History, model: str, deadline: float, max_states: int):
    """Depth-first search for a legal interleaving: ``(verdict, order, states explored)``."""
    keys = history.keys
    key_id = {k: j for j, k in enumerate(keys)}
    strings = model == "kv" and bool(np.any(history.f == "append"))
    seen_values = {k: _observed(history, idx, strings) for k, idx in history.by_key().items()}

    def merged(i):
        """The written value, or the one stand-in for values nobody observes (as in the search)."""
        v, f = history.value[i], history.f[i]
        if f == "write" and _key(v) not in seen_values[history.key[i]]:
            return _UNOBSERVED
        if f == "cas" and _key(v[1]) not in seen_values[history.key[i]]:
            return (v[0], _UNOBSERVED)
        return v

    live = _searched(history)
    sessions = []
    for proc in history.processes:  # rows are in program order
        idx = np.flatnonzero((history.process == proc) & live)
        sessions.append(
            [
                (
                    int(i),
                    key_id[history.key[i]],
                    history.f[i],
                    merged(i),
                    history.result[i],
                    history.status[i] == "info",
                )
                for i in idx
            ]
        )
    lengths = tuple(len(s) for s in sessions)
    invoked = history.invoke_t
    initial = (history.initial,) * len(keys)
    start_node = ((0,) * len(sessions), initial)
    seen = {start_node}
    stack = [(start_node[0], initial, None)]  # positions, state, order so far as (op, parent)
    explored = 0
    while stack:
        pos, state, trail = stack.pop()
        explored += 1
        if explored >= max_states or ((explored & 1023) == 0 and kk.now_s() > deadline):
            return "UNKNOWN", (), explored
        if pos == lengths:
            return "OK", _unwind(trail), explored
        ready = [p for p in range(len(sessions)) if pos[p] < lengths[p]]
        neutral = _neutral_step(model, sessions, pos, state, ready)
        if neutral is not None:  # a legal operation that leaves the state as it is: take it, alone
            p, i = neutral
            nxt = (*pos[:p], pos[p] + 1, *pos[p + 1 :])
            if (nxt, state) not in seen:
                seen.add((nxt, state))
                stack.append((nxt, state, (i, trail)))
            continue
        # the process whose next operation was invoked earliest is tried first (pushed last):
        # real-time order is the likeliest witness, so near-linearizable histories need few steps
        for p in sorted(ready, key=lambda p: -invoked[sessions[p][pos[p]][0]]):
            i, k, f, v, r, unknown = sessions[p][pos[p]]
            nxt = (*pos[:p], pos[p] + 1, *pos[p + 1 :])
            if unknown and (nxt, state) not in seen:  # an info operation that never took effect
                seen.add((nxt, state))
                stack.append((nxt, state, trail))
            legal, new = step(model, state[k], f, v, r, unknown)
            if legal:
                new_state = (*state[:k], new, *state[k + 1 :])
                if (nxt, new_state) not in seen:
                    seen.add((nxt, new_state))
                    stack.append((nxt, new_state, (i, trail)))
    return "ILLEGAL", (), explored


def _neutral_step(model, sessions, pos, state, ready):
    """``(process, op)`` of a ready operation that is legal now and can never change the state.

    Taking it at once loses no legal order (a partial-order reduction): in any legal
    order from here it can move to the front, as it is its process's next operation,
    legal now, and changes no state wherever it stands. Reads and failed compare-and-sets
    qualify; a write of the value held now does not (later, it may restore that value).
    """
    for p in ready:
        i, k, f, v, r, unknown = sessions[p][pos[p]]
        never_changes = f == "read" or (f == "cas" and ((not unknown and not r) or v[0] == v[1]))
        if never_changes and step(model, state[k], f, v, r, unknown)[0]:
            return p, i
    return None


def _unwind(trail) -> tuple:
    out = []
    while trail is not None:
        out.append(trail[0])
        trail = trail[1]
    return tuple(reversed(out))


def warm() -> None:
    """Compile (or load from numba's cache) the search kernels with their real argument types.

    Returns
    -------
    None
    """
    registers = History.from_ops(
        [
            (0, "write", 1, None, 0, 2),
            (1, "cas", (1, 2), True, 1, 3),
            (2, "read", None, 2, 4, 5),
        ],
        initial=0,
    )
    check_linearizable(registers)
    kv = History.from_ops(
        [
            {"process": 0, "f": "append", "key": "k", "value": "a", "invoke_t": 0, "complete_t": 1},
            {"process": 1, "f": "read", "key": "k", "result": "a", "invoke_t": 2, "complete_t": 3},
        ],
        initial="",
    )
    check_linearizable(kv)
    _, _, parts, ops, lits = _encode(kv, "kv")
    kk.search_partitions_parallel(parts, ops, lits, np.array([math.inf, 1e6]))
    # two keys tied at one instant: the composite-state path
    check_linearizable(
        History.from_ops(
            [
                {"process": 0, "f": "w", "key": "x", "value": 1, "invoke_t": 0, "complete_t": 1},
                {"process": 0, "f": "r", "key": "y", "result": 0, "invoke_t": 1, "complete_t": 2},
                {"process": 1, "f": "w", "key": "y", "value": 1, "invoke_t": 0, "complete_t": 1},
                {"process": 1, "f": "r", "key": "x", "result": 0, "invoke_t": 1, "complete_t": 2},
            ],
            initial=0,
        )
    )


__all__ = [
    "APPEND",
    "CAS",
    "READ",
    "VERDICTS",
    "WRITE",
    "LinearizabilityResult",
    "SequentialResult",
    "check_linearizable",
    "check_sequential",
    "linearization_points",
    "step",
    "warm",
]
