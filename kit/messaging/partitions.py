"""Partitions and consumer groups: where a keyed message goes, who reads it, what a rebalance costs.

- :func:`murmur2` and :func:`kafka_partition`: Kafka's default partitioner for
  keyed records, ``toPositive(murmur2(key bytes)) % partitions``
  (``BuiltInPartitioner.partitionForKey``), checked against Kafka's own test vectors.
- :func:`assign`: the group's assignment with Kafka's assignors (``ASSIGNORS``).
- :func:`consumer_group`: a group of consumers draining partitions fed by
  keyed (Zipf) traffic while consumers join, leave or crash, with an eager
  (stop-the-world) or a cooperative rebalance (KIP-429): per-partition lag
  over time and the pause each rebalance costs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import Exponential, resolve_seed, zipf_pmf
from . import _group_kernels as kk

ASSIGNORS = {
    "range": "eager",
    "roundrobin": "eager",
    "sticky": "eager",
    "cooperative-sticky": "cooperative",
}
"""Kafka's ``partition.assignment.strategy`` names and the rebalance protocol each uses.

``range`` (RangeAssignor, Kafka's default before 3.0): per topic, consecutive
partitions, the first consumers one extra each. ``roundrobin``: all topic
partitions dealt in turn. ``sticky``: balanced, and keeps every partition
whose owner stays (KIP-54). ``cooperative-sticky``: the sticky assignment
under the incremental cooperative protocol (KIP-429).
"""
CHANGES = ("join", "leave", "crash")


def murmur2(keys) -> np.ndarray:
    """Kafka's ``Utils.murmur2`` of each key's UTF-8 bytes (ints become their decimal string), as int32.

    Parameters
    ----------
    keys : str, bytes, int or sequence of them
        Record keys; an int is serialised as Kafka's StringSerializer would its decimal string.

    Returns
    -------
    numpy.ndarray of int64
        The signed 32-bit hashes (one per key).

    Notes
    -----
    MurmurHash2 by Austin Appleby, with Kafka's seed 0x9747b28c
    (``org.apache.kafka.common.utils.Utils.murmur2``); the tests reproduce
    Kafka's ``UtilsTest`` vectors.

    Examples
    --------
    >>> murmur2(["21", "foobar"]).tolist()
    [-973932308, -790332482]
    """
    if isinstance(keys, str | bytes | int | np.integer):
        items = [keys]
    else:
        try:
            items = list(keys)
        except TypeError:
            raise ValueError(f"keys must be a key or a sequence of keys (got keys={keys!r})") from None
    encoded = []
    for k in items:
        if isinstance(k, bytes):
            encoded.append(k)
        elif isinstance(k, str):
            encoded.append(k.encode())
        elif isinstance(k, int | np.integer) and not isinstance(k, bool):
            encoded.append(str(int(k)).encode())
        else:
            raise ValueError(f"keys must be strings, bytes or integers (got {k!r})")
    starts = np.concatenate([[0], np.cumsum([len(b) for b in encoded])]).astype(np.int64)
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return kk.murmur2(data, starts)


def kafka_partition(keys, partitions: int) -> np.ndarray:
    """The partition Kafka's producer picks for a keyed record: ``(murmur2(key) & 0x7fffffff) % partitions``.

    Parameters
    ----------
    keys : str, bytes, int or sequence of them
        Record keys (see :func:`murmur2`).
    partitions : int
        Partitions of the topic.

    Returns
    -------
    numpy.ndarray of int64
        A partition per key.

    Examples
    --------
    >>> kafka_partition(["21"], 3).tolist()
    [0]
    """
    partitions = validate.integer("partitions", partitions, 1, config.MESSAGING_MAX_PARTITIONS)
    return (murmur2(keys) & 0x7FFFFFFF) % partitions


def _members(consumers) -> list[int]:
    members = sorted({validate.integer("consumers", c, 0) for c in consumers})
    if not members or len(members) > config.MESSAGING_MAX_CONSUMERS:
        raise ValueError(
            f"consumers must name 1 to {config.MESSAGING_MAX_CONSUMERS} consumers (got {len(members)})"
        )
    return members


def assign(partitions: int, consumers, strategy: str = "range", topics: int = 1, previous=None) -> np.ndarray:
    """Which consumer reads each partition, by one of Kafka's assignors.

    Parameters
    ----------
    partitions : int
        Partitions per topic.
    consumers : int or sequence of int
        The group: a count (members 0..n-1) or the member ids (sorted, as
        Kafka sorts member ids).
    strategy : str
        Of ``ASSIGNORS``.
    topics : int
        Topics the group subscribes to, each with ``partitions`` partitions.
    previous : numpy.ndarray, optional
        The last assignment (sticky assignors keep what they can of it).

    Returns
    -------
    numpy.ndarray of int64
        ``owner[topic * partitions + partition]``: a member id.

    Notes
    -----
    Range: ``partitions // n`` each per topic, the first ``partitions % n``
    members one more. Round robin: topic partitions sorted and dealt in turn.
    Sticky (KIP-54): every member gets ``total // n`` or one more; a partition
    stays with its owner while the owner stays and is not over its share
    (members keeping the most keep the larger shares); the rest go, in
    order, to the member with the fewest. Its first assignment is round
    robin's. These reproduce the examples in the Javadoc of Kafka's
    ``RangeAssignor``, ``RoundRobinAssignor`` and ``StickyAssignor``.

    Examples
    --------
    >>> assign(3, 2, "range", topics=2).tolist()
    [0, 0, 1, 0, 0, 1]
    >>> assign(3, 2, "roundrobin", topics=2).tolist()
    [0, 1, 0, 1, 0, 1]
    """
    P = validate.integer("partitions", partitions, 1, config.MESSAGING_MAX_PARTITIONS)
    T = validate.integer("topics", topics, 1, config.MESSAGING_MAX_PARTITIONS)
    if P * T > config.MESSAGING_MAX_PARTITIONS:
        raise ValueError(
            f"topics x partitions must be at most config.MESSAGING_MAX_PARTITIONS = "
            f"{config.MESSAGING_MAX_PARTITIONS:,} (got {T} x {P})"
        )
    if isinstance(consumers, int | np.integer) and not isinstance(consumers, bool):
        members = list(range(validate.integer("consumers", consumers, 1, config.MESSAGING_MAX_CONSUMERS)))
    elif isinstance(consumers, Sequence | np.ndarray) and not isinstance(consumers, str):
        members = _members(consumers)
    else:
        raise ValueError(f"consumers must be a count or a list of member ids (got consumers={consumers!r})")
    validate.choice("strategy", strategy, ASSIGNORS)
    n = len(members)
    total = P * T
    if strategy == "range":
        owner = np.empty(total, np.int64)
        base, extra = divmod(P, n)
        for j, m in enumerate(members):
            lo = j * base + min(j, extra)
            hi = lo + base + (j < extra)
            for t in range(T):
                owner[t * P + lo : t * P + hi] = m
        return owner
    if previous is not None:
        try:
            previous = np.asarray(previous, dtype=np.int64)
        except (TypeError, ValueError):
            previous = None
        if previous is None or previous.shape != (P * T,):
            raise ValueError(f"previous must give an owner (a member id) for each of the {P * T} partitions")
    dealt = np.asarray(members, np.int64)[np.arange(total) % n]
    if strategy == "roundrobin" or previous is None:
        return dealt
    base, extra = divmod(total, n)
    kept = {m: [q for q in range(total) if previous[q] == m] for m in members}
    order = sorted(members, key=lambda m: (-len(kept[m]), m))  # who keeps most gets the larger shares
    cap = {m: base + (i < extra) for i, m in enumerate(order)}
    owner = np.full(total, -1, np.int64)
    count = dict.fromkeys(members, 0)
    for m in members:
        for q in kept[m][: cap[m]]:
            owner[q] = m
            count[m] += 1
    for q in np.flatnonzero(owner < 0):
        m = min((m for m in members if count[m] < cap[m]), key=lambda m: (count[m], m))
        owner[q] = m
        count[m] += 1
    return owner


@dataclass(frozen=True)
class GroupSettings:
    """The knobs of :func:`consumer_group`; unset fields come from ``kit.config`` (``MESSAGING_...``).

    Parameters
    ----------
    rate : float
        Messages per second into the topic (``MESSAGING_GROUP_RATE``).
    service_s : float
        Mean seconds a consumer spends on one message, exponential (``MESSAGING_SERVICE_S``).
    keys : int
        Distinct keys (100 by default).
    alpha : float
        Zipf skew of key popularity (``MESSAGING_KEY_ALPHA``); 0 is uniform.
    horizon_s : float
        Length of the run (``MESSAGING_GROUP_HORIZON_S``).
    rebalance_s : float
        One round of a rebalance: every member rejoins and syncs (``MESSAGING_REBALANCE_S``).
    session_timeout_s : float
        How long a crashed member goes unnoticed (``MESSAGING_SESSION_TIMEOUT_S``).
    """

    rate: float | None = None
    service_s: float | None = None
    keys: int = 100
    alpha: float | None = None
    horizon_s: float | None = None
    rebalance_s: float | None = None
    session_timeout_s: float | None = None

    def __post_init__(self):
        checks = {
            "rate": lambda v: validate.positive("rate", v),
            "service_s": lambda v: validate.positive("service_s", v),
            "keys": lambda v: validate.integer("keys", v, 1, config.MESSAGING_MAX_KEYS),
            "alpha": lambda v: validate.number("alpha", v, 0.0, 10.0),
            "horizon_s": lambda v: validate.number("horizon_s", v, 1e-3, config.MESSAGING_MAX_HORIZON_S),
            "rebalance_s": lambda v: validate.number("rebalance_s", v, 0.0, config.MESSAGING_MAX_HORIZON_S),
            "session_timeout_s": lambda v: validate.number(
                "session_timeout_s", v, 0.0, config.MESSAGING_MAX_HORIZON_S
            ),
        }
        for name, check in checks.items():
            if getattr(self, name) is not None:
                check(getattr(self, name))

    def resolved(self) -> GroupSettings:
        """Every unset field from ``kit.config`` (``replace`` checks them again)."""
        defaults = {
            "rate": config.MESSAGING_GROUP_RATE,
            "service_s": config.MESSAGING_SERVICE_S,
            "alpha": config.MESSAGING_KEY_ALPHA,
            "horizon_s": config.MESSAGING_GROUP_HORIZON_S,
            "rebalance_s": config.MESSAGING_REBALANCE_S,
            "session_timeout_s": config.MESSAGING_SESSION_TIMEOUT_S,
        }
        return replace(self, **{k: v for k, v in defaults.items() if getattr(self, k) is None})


def merged_settings(cls, settings, overrides: dict, caller: str):
    """``settings`` (a ``cls``, or a default one) with ``overrides`` applied and defaults filled in."""
    if settings is None:
        settings = cls()
    if not isinstance(settings, cls):
        raise ValueError(f"settings must be a {cls.__name__} (got settings={settings!r})")
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise ValueError(f"{unknown[0]} is not a setting of {caller} (settings: {sorted(names)})")
    return replace(settings, **overrides).resolved()


@dataclass(frozen=True)
class Rebalance:
    """One membership change and what its rebalance did.

    Attributes
    ----------
    t_s : float
        When the member joined, left or crashed.
    change : str
        "join", "leave" or "crash".
    member : int
        The member that joined or went.
    before : numpy.ndarray
        Owner per partition before.
    after : numpy.ndarray
        Owner per partition after.
    moved : int
        Partitions whose owner changed.
    pause_partition_s : float
        Partition-seconds during which nobody could read (the rebalance's cost).
    done_s : float
        When every partition had its new owner.
    """

    t_s: float
    change: str
    member: int
    before: np.ndarray = field(repr=False)
    after: np.ndarray = field(repr=False)
    moved: int
    pause_partition_s: float
    done_s: float


@dataclass(frozen=True)
class GroupResult:
    """A consumer group over time: lag per partition, latency, and each rebalance.

    Attributes
    ----------
    strategy : str
        The assignor.
    protocol : str
        "eager" or "cooperative".
    partitions : int
        Partitions of the topic.
    consumers : int
        Members at the start.
    settings : GroupSettings
        The resolved settings.
    rates : numpy.ndarray
        Messages per second into each partition (expected).
    rebalances : list of Rebalance
        One per membership change.
    lag : pandas.DataFrame
        Messages waiting per partition (columns) every ``sample_s`` (index ``t_s``).
    latency_s : numpy.ndarray
        Arrival to done of every processed message, seconds.
    unprocessed : int
        Messages still waiting at the end.
    truncated : bool
        The run hit ``config.MESSAGING_MAX_EVENTS``.
    seed : int
        The seed used.
    """

    strategy: str
    protocol: str
    partitions: int
    consumers: int
    settings: GroupSettings
    rates: np.ndarray = field(repr=False)
    rebalances: list = field(repr=False)
    lag: pd.DataFrame = field(repr=False)
    latency_s: np.ndarray = field(repr=False)
    unprocessed: int
    truncated: bool
    seed: int

    @property
    def hot_partition(self) -> int:
        """The partition with the most traffic."""
        return int(np.argmax(self.rates))

    @property
    def max_lag(self) -> float:
        """Largest backlog any partition reached, messages."""
        return float(self.lag.to_numpy().max()) if self.lag.size else 0.0

    @property
    def pause_partition_s(self) -> float:
        """Partition-seconds without a reader, over every rebalance."""
        return float(sum(r.pause_partition_s for r in self.rebalances))

    @property
    def p99_latency(self) -> float:
        """99th percentile of arrival-to-done, seconds."""
        return float(np.percentile(self.latency_s, 99)) if self.latency_s.size else math.nan


def _segments(P, changes, members, strategy, s) -> tuple[list, list]:
    """Ownership segments per partition ``[(start, end, owner)]`` and the Rebalance records."""
    protocol = ASSIGNORS[strategy]
    owner = assign(P, members, strategy)
    segs = [[(0.0, owner[p])] for p in range(P)]  # (from, owner); -1 = nobody reads
    records = []
    d = s.rebalance_s
    for t, change, member in changes:
        before = owner
        gone = set()
        if change == "join":
            members = sorted([*members, member])
            start = t
        else:
            members = [m for m in members if m != member]
            gone = {member}
            start = t + (s.session_timeout_s if change == "crash" else 0.0)
            for p in range(P):  # a member that left reads nothing from now on
                if owner[p] == member:
                    segs[p].append((t, -1))
        owner = assign(P, members, strategy, previous=before)
        moved = before != owner
        pause = 0.0
        for p in range(P):
            orphan = before[p] in gone
            if protocol == "eager":  # everyone revokes everything, then gets the new assignment
                if not orphan:
                    segs[p].append((start, -1))
                segs[p].append((start + d, owner[p]))
                pause += (start + d) - (t if orphan else start)
            elif orphan:  # cooperative: an orphan is assigned in the first round
                segs[p].append((start + d, owner[p]))
                pause += start + d - t
            elif moved[p]:  # revoked at the end of the first round, assigned in the second
                segs[p].append((start + d, -1))
                segs[p].append((start + 2 * d, owner[p]))
                pause += d
        done = start + (
            2 * d if protocol == "cooperative" and (moved & ~np.isin(before, list(gone))).any() else d
        )
        records.append(Rebalance(t, change, member, before, owner, int(moved.sum()), pause, done))
    return segs, records


def consumer_group(
    partitions: int,
    consumers: int,
    strategy: str = "range",
    changes: Sequence[tuple[float, str]] = (),
    seed: int | None = None,
    settings: GroupSettings | None = None,
    **overrides,
) -> GroupResult:
    """A consumer group draining a topic of keyed messages while members join, leave or crash.

    Parameters
    ----------
    partitions : int
        Partitions of the topic.
    consumers : int
        Members at the start (ids 0..consumers-1; a joining member gets the next id).
    strategy : str
        Of ``ASSIGNORS``; "cooperative-sticky" rebalances cooperatively, the others eagerly.
    changes : sequence of (t_s, change)
        Membership changes: ``"join"`` (a new member), ``"leave"`` (the newest
        member leaves cleanly) or ``"crash"`` (the newest member dies; the
        group notices after ``session_timeout_s``).
    seed : int, optional
        Same seed, same traffic and work.
    settings : GroupSettings, optional
        Rates, skew, horizon and rebalance timings.
    **overrides
        Fields of ``GroupSettings`` to change, e.g. ``alpha=1.2``.

    Returns
    -------
    GroupResult
        Lag per partition over time, latencies, and a ``Rebalance`` per change.

    Notes
    -----
    Keys are Zipf(alpha) over ``keys`` and go to partitions by Kafka's
    partitioner (:func:`kafka_partition`); a partition is read by one member
    at a time, so a hot partition's lag grows once its rate exceeds one
    consumer's, however many members the group has. Eager rebalancing stops
    every partition for one round; cooperative rebalancing (KIP-429,
    "Kafka Consumer Incremental Rebalance Protocol") keeps unmoved partitions
    running and pauses a moved one from the end of the first round to the
    end of the second. A crash leaves the member's partitions unread until
    the session timeout expires.

    Examples
    --------
    >>> r = consumer_group(12, 3, "cooperative-sticky", [(20.0, "join")], seed=1, horizon_s=40.0)
    >>> r.rebalances[0].moved, r.rebalances[0].pause_partition_s
    (3, 9.0)
    """
    s = merged_settings(GroupSettings, settings, overrides, "consumer_group")
    P = validate.integer("partitions", partitions, 1, config.MESSAGING_MAX_PARTITIONS)
    C = validate.integer("consumers", consumers, 1, config.MESSAGING_MAX_CONSUMERS)
    validate.choice("strategy", strategy, ASSIGNORS)
    members = list(range(C))
    parsed = []
    try:
        items = sorted((float(t), str(k)) for t, k in changes)
    except (TypeError, ValueError):
        raise ValueError(f"changes must be (t_s, change) pairs (got changes={changes!r})") from None
    for t, change in items:
        validate.number("changes t_s", t, 0.0, s.horizon_s)
        validate.choice("changes", change, CHANGES)
        if change == "join":
            member = max(members) + 1
            members.append(member)
        else:
            if len(members) == 1:
                raise ValueError("changes would leave the group empty: keep at least one consumer")
            member = max(members)
            members.remove(member)
        parsed.append((t, change, member))
    expected = s.rate * s.horizon_s
    if expected > config.MESSAGING_MAX_MESSAGES:
        raise ValueError(
            f"rate x horizon_s must be at most config.MESSAGING_MAX_MESSAGES = "
            f"{config.MESSAGING_MAX_MESSAGES:,} messages (got {expected:,.0f})"
        )
    if P * config.MESSAGING_TIMELINE_BINS > config.MESSAGING_MAX_EVENTS:
        raise ValueError(f"partitions is too large for a lag timeline (got partitions={P})")
    seed = resolve_seed(seed)
    rng = np.random.default_rng(seed)
    n = rng.poisson(expected)
    arrive = np.sort(rng.uniform(0.0, s.horizon_s, n))
    pmf = zipf_pmf(s.keys, s.alpha)
    key_part = kafka_partition(np.arange(s.keys), P)
    part = key_part[rng.choice(s.keys, size=n, p=pmf)]
    order = np.argsort(part, kind="stable")
    log_start = np.searchsorted(part[order], np.arange(P + 1)).astype(np.int64)
    segs, records = _segments(P, parsed, list(range(C)), strategy, s)
    flat = [(p, t0, owner) for p in range(P) for t0, owner in segs[p]]
    seg_first = np.searchsorted([f[0] for f in flat], np.arange(P + 1)).astype(np.int64)
    seg_start = np.array([f[1] for f in flat])
    seg_end = np.append(seg_start[1:], np.inf)
    seg_end[seg_first[1:] - 1] = np.inf  # each partition's last segment is open
    seg_owner = np.array([f[2] for f in flat], np.int64)
    wakes = np.unique(seg_start[seg_start > 0])
    bins = config.MESSAGING_TIMELINE_BINS
    segments = np.column_stack([seg_start, seg_end, seg_owner])
    params = np.empty(kk.N_PARAMS)
    params[[kk.P_CONSUMERS, kk.P_SAMPLE_DT, kk.P_SAMPLES]] = (
        max([*members, C - 1]) + 1,
        s.horizon_s / bins,
        bins + 1,
    )
    params[[kk.P_MAX_EVENTS, kk.P_SEED]] = config.MESSAGING_MAX_EVENTS, seed
    done_t, lag, stats = kk.group_run(
        arrive[order], log_start, segments, seg_first, wakes, Exponential(s.service_s).spec, params
    )
    finished = ~np.isnan(done_t)
    return GroupResult(
        strategy=strategy,
        protocol=ASSIGNORS[strategy],
        partitions=P,
        consumers=C,
        settings=s,
        rates=np.bincount(key_part, weights=pmf, minlength=P) * s.rate,
        rebalances=records,
        lag=pd.DataFrame(lag, index=pd.Index(np.arange(lag.shape[0]) * s.horizon_s / bins, name="t_s")),
        latency_s=(done_t - arrive[order])[finished],
        unprocessed=int((~finished).sum()),
        truncated=bool(stats[2]),
        seed=seed,
    )
