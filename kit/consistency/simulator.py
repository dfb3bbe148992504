"""A replicated register store under four replication protocols, as a discrete-event simulation.

Clients read, write and compare-and-set keys held by N replicas. The
protocol decides who coordinates, who must answer and what is returned:

``"leader-sync"``
    Raft (Ongaro & Ousterhout 2014): one leader per term orders every
    operation, reads included, as a log entry and answers once ``W``
    replicas (the leader included; default a majority) hold it. When
    followers stop hearing from the leader for a randomised election
    timeout (``election_timeout_ms`` to twice that) one of them stands for
    election; the side with a majority elects a new leader, which must hold
    every committed entry; a leader that has not heard from a majority for
    an election timeout steps down. Nodes that are not the leader refuse
    requests (status fail) and name the leader they know; clients that get
    no answer time out. Failures are noticed only by timeouts, so a slow
    node may be suspected. This is the CP choice: linearizable, unavailable
    on a minority side and for about an election timeout after the leader
    is lost.
``"leader-async"``
    Single fixed leader (replica 0, no elections), asynchronous replication:
    the leader answers a write at once and ships its log to followers
    afterwards; reads go to the leader, to a client's own replica
    (``read_from="sticky"``) or to any replica (``"random"``). Follower
    reads see replication lag.
``"quorum"``
    Leaderless (Dynamo): any replica coordinates; a write goes to the N
    replicas and succeeds after ``W`` acknowledgements, a read asks them and
    returns the newest of the first ``R`` answers (last-writer-wins on the
    coordinator's clock, which is skewed by ``clock_skew_ms``). Options:
    ``sloppy_quorum`` (unreachable replicas are replaced by spare nodes that
    keep a hint), ``hinted_handoff`` (spares deliver hints when the replica
    is back), ``read_repair``, ``anti_entropy_ms`` (gossip of full state).
``"multi-leader"``
    Every replica accepts reads and writes locally and answers at once
    (AP); writes are pushed to the others and gossip anti-entropy repairs
    what partitions lost; concurrent writes resolve by last-writer-wins.

Compare-and-set is atomic only where one node orders writes (the leader
protocols); the others compare at the coordinating replica and then write,
as a client of a Dynamo-style store would have to. The leaderless protocols
pick coordinators and stand-ins knowing which links are cut (a perfect
failure detector): a simplification that keeps them small.

The output is the clients' :class:`~kit.consistency.history.History` (each
written value is unique, so every read names the write it saw) and metrics:
latency percentiles, availability (fraction of operations answered ``ok``),
the stale-read fraction, replica divergence over time, and for Raft the
leader of each term. A client whose operation timed out (status info) has
crashed as far as the history is concerned: what it does next is a new
process (see :class:`~kit.consistency.history.History`).

References: M. Kleppmann, *Designing Data-Intensive Applications* (O'Reilly
2017), ch. 5 (leaders and followers, replication lag, leaderless quorums,
sloppy quorums and hinted handoff, LWW) and ch. 9 (linearizability and
quorums); G. DeCandia et al., "Dynamo: Amazon's Highly Available Key-value
Store", SOSP 2007, sections 4.5-4.7; D. Ongaro and J. Ousterhout, "In
Search of an Understandable Consensus Algorithm", USENIX ATC 2014, sections
5 (leader election, log replication, safety) and 8 (the no-op entry).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import Dist, LogNormal, derive_seed, resolve_seed, zipf_pmf
from . import _sim_kernels as kk
from .history import History

PROTOCOLS = {
    "leader-sync": kk.LEADER_SYNC,
    "leader-async": kk.LEADER_ASYNC,
    "quorum": kk.QUORUM,
    "multi-leader": kk.MULTI_LEADER,
}
READ_FROM = {"leader": kk.READ_LEADER, "sticky": kk.READ_STICKY, "random": kk.READ_RANDOM}


@dataclass(frozen=True)
class Partition:
    """From ``start_ms`` to ``end_ms`` the listed replicas and clients are cut off from the rest.

    Nodes on the same side still talk to each other.

    Parameters
    ----------
    start_ms, end_ms : float
        When the partition starts and heals, ms.
    replicas : tuple of int
        Home replicas ``0..N-1`` and then spare nodes ``N..N+spares-1`` on the cut-off side.
    clients : tuple of int
        Clients ``0..clients-1`` on the cut-off side.
    """

    start_ms: float
    end_ms: float
    replicas: tuple[int, ...] = ()
    clients: tuple[int, ...] = ()

    def __post_init__(self):
        _window("start_ms/end_ms", self.start_ms, self.end_ms)
        object.__setattr__(self, "replicas", _index_list("replicas", self.replicas, None, "replica"))
        object.__setattr__(self, "clients", _index_list("clients", self.clients, None, "client"))

    @classmethod
    def cutting(cls, who: str, start_ms: float, end_ms: float, N: int, clients: int) -> Partition:
        """A partition named in :data:`CUTS`, e.g. ``Partition.cutting("minority", 500, 1500, 3, 3)``.

        Parameters
        ----------
        who : str
            A key of :data:`CUTS`: ``"minority"``, ``"leader alone"``, ``"leader and a client"``,
            ``"every client"``.
        start_ms, end_ms : float
            When the partition starts and heals, ms.
        N, clients : int
            Replicas and clients of the run.

        Returns
        -------
        Partition
        """
        validate.choice("who", who, CUTS)
        replicas, cut_clients = CUTS[who](N, clients)
        return cls(start_ms, end_ms, replicas, cut_clients)


#: Who a named partition cuts off, as ``(replicas, clients)`` for N replicas and C clients.
CUTS = {
    "minority": lambda N, C: (tuple(range(N // 2 + 1, N)), (C - 1,)),
    "leader alone": lambda N, C: ((0,), ()),
    "leader and a client": lambda N, C: ((0,), (0,)),
    "every client": lambda N, C: ((), tuple(range(C))),
}


@dataclass(frozen=True)
class Crash:
    """A replica is down for a while; it keeps its data (a process crash, not a disk loss).

    Parameters
    ----------
    replica : int
        Which home replica.
    start_ms, end_ms : float
        When it goes down and comes back, ms.
    """

    replica: int
    start_ms: float
    end_ms: float

    def __post_init__(self):
        (replica,) = _index_list("replica", [self.replica], None, "replica")
        object.__setattr__(self, "replica", replica)
        _window("start_ms/end_ms", self.start_ms, self.end_ms)


def _index_list(name: str, values, hi: int | None, what: str) -> tuple[int, ...]:
    """Node indices, each an int in [0, hi) (``hi`` None: any non-negative)."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be a list of {what} indices (got {name}={values!r})")
    try:
        items = tuple(values)
    except TypeError:
        raise TypeError(f"{name} must be a list of {what} indices (got {name}={values!r})") from None
    top = f"between 0 and {hi - 1}" if hi is not None else "at least 0"
    for v in items:
        if (
            isinstance(v, bool)
            or not isinstance(v, numbers.Integral)
            or v < 0
            or (hi is not None and v >= hi)
        ):
            raise ValueError(f"{name} must hold {what} indices {top} (got {v!r})")
    return tuple(int(v) for v in items)


def _window(name: str, start, end) -> tuple[float, float]:
    prefix = "" if "/" in name else f"{name}."
    start = validate.number(f"{prefix}start_ms", start, 0.0)
    end = validate.number(f"{prefix}end_ms", end, 0.0)
    if end <= start:
        raise ValueError(f"{prefix}end_ms must be after {prefix}start_ms (got {start:g} to {end:g})")
    return start, end


def _topology(partitions, crashes, n_nodes: int, n_store: int, C: int):
    """Arrays the kernel reads: partition windows and sides, crash windows."""
    for name, faults in (("partitions", partitions), ("crashes", crashes)):
        if isinstance(faults, str | bytes | Partition | Crash) or not isinstance(faults, Sequence):
            raise TypeError(f"{name} must be a list (got {name}={faults!r})")
    parts = []
    for i, p in enumerate(partitions):
        if isinstance(p, Sequence) and not isinstance(p, str | Partition) and len(p) in (3, 4):
            p = Partition(*p)
        if not isinstance(p, Partition):
            raise ValueError(f"partitions[{i}] must be a Partition(start_ms, end_ms, replicas, clients)")
        start, end = _window(f"partitions[{i}]", p.start_ms, p.end_ms)
        side = np.zeros(n_nodes, np.int8)
        side[list(_index_list(f"partitions[{i}].replicas", p.replicas, n_store, "replica"))] = 1
        cl = _index_list(f"partitions[{i}].clients", p.clients, C, "client")
        side[[n_store + c for c in cl]] = 1
        parts.append((start, end, side))
    cr = []
    for i, c in enumerate(crashes):
        if isinstance(c, Sequence) and not isinstance(c, str | Crash) and len(c) == 3:
            c = Crash(*c)
        if not isinstance(c, Crash):
            raise ValueError(f"crashes[{i}] must be a Crash(replica, start_ms, end_ms)")
        (node,) = _index_list(f"crashes[{i}].replica", [c.replica], n_store, "replica")
        start, end = _window(f"crashes[{i}]", c.start_ms, c.end_ms)
        cr.append((node, start, end))
    pa_side = np.array([s for _, _, s in parts], np.int8).reshape(len(parts), n_nodes)
    return (
        np.array([s for s, _, _ in parts], float),
        np.array([e for _, e, _ in parts], float),
        pa_side,
        np.array([n for n, _, _ in cr], np.int64),
        np.array([s for _, s, _ in cr], float),
        np.array([e for _, _, e in cr], float),
    )


def default_latency() -> Dist:
    """One-way delay between two nodes: log-normal, median ``config.CONSISTENCY_SIM_LATENCY_MEDIAN_MS``.

    Returns
    -------
    Dist
        In ms.
    """
    return LogNormal.from_median(
        config.CONSISTENCY_SIM_LATENCY_MEDIAN_MS, config.CONSISTENCY_SIM_LATENCY_SIGMA
    )


# --- metrics on a history ---------------------------------------------------------------------


def _written(history: History) -> tuple[np.ndarray, np.ndarray]:
    """Which operations wrote (ok writes, ok cas that swapped) and the value each wrote."""
    f, status, result, value = history.f, history.status, history.result, history.value
    wrote = (status == "ok") & ((f == "write") | ((f == "cas") & np.array([r is True for r in result])))
    values = np.array([v[1] if fi == "cas" else v for fi, v in zip(f, value, strict=True)], dtype=object)
    return wrote, values


def stale_reads(history: History) -> np.ndarray:
    """Which ok reads returned a value older than a write that completed before they began.

    Read r of key k is *stale* if some write w to k completed (ok) before r
    was invoked, and r returned either the initial value or the value of a
    write that had completed before w was invoked. Such a read cannot be
    linearized (Herlihy & Wing 1990: w must precede r, and the write r saw
    must precede w), so one stale read is a proof that the history is not
    linearizable; the converse does not hold. Needs unique written values
    (the simulator writes operation index + 1).

    Parameters
    ----------
    history : History
        With unique written values.

    Returns
    -------
    ndarray of bool
        Aligned with the history's operations.
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a kit.consistency.History (got {type(history).__name__})")
    wrote, values = _written(history)
    any_write = (history.f == "write") | (history.f == "cas")
    written = values[any_write]
    if len(set(written.tolist())) != written.size:
        raise ValueError("history must write unique values to tell which write a read saw")
    done = np.where(wrote, history.complete_t, np.inf)
    done_of = {v: d for v, d in zip(values[any_write], done[any_write], strict=True)}
    stale = np.zeros(len(history), bool)
    reads = (history.f == "read") & (history.status == "ok")
    for idx in history.by_key().values():
        w = idx[wrote[idx]]
        r = idx[reads[idx]]
        if w.size == 0 or r.size == 0:
            continue
        order = np.argsort(history.complete_t[w], kind="stable")
        w_done = history.complete_t[w][order]
        latest_start = np.maximum.accumulate(history.invoke_t[w][order])
        before = np.searchsorted(w_done, history.invoke_t[r], side="left")
        for j, i in enumerate(r):
            if before[j] == 0:
                continue
            seen = history.result[i]
            if seen == history.initial and seen not in done_of:
                stale[i] = True
            else:
                stale[i] = done_of.get(seen, np.inf) < latest_start[before[j] - 1]
    return stale


# --- result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimResult:
    """What the clients saw and what the replicas held.

    Attributes
    ----------
    protocol : str
    params : dict
        Every parameter of the run, after defaults were applied.
    history : History
        The clients' operations (``replicas`` holds the home replicas' change log).
        A client that timed out goes on as a new process (``history.process``).
    client : ndarray of int
        Per operation of ``history``: the client (0 .. clients - 1) that issued it.
    stale : ndarray of bool
        Per operation of ``history``: a stale read (see :func:`stale_reads`).
    sample_t_ms, divergence : ndarray
        Sample times and, at each, the fraction of home-replica copies
        (replica, key) that are older than the newest copy of their key:
        0 when all replicas agree.
    replica_values : ndarray
        ``[sample, replica, key]``: the value each home replica held.
    leaders : DataFrame
        ``leader-sync``: one row per term that elected a leader: ``t_ms``
        (when it won), ``term``, ``leader``. Empty for the other protocols.
    elections : int
        ``leader-sync``: elections started (by a follower's timeout).
    events, truncated, messages_sent, messages_lost, ops_capped
        Work done; ``truncated`` means ``max_events`` stopped the run early
        (operations then open are status info) and ``ops_capped`` that
        ``max_ops`` stopped clients from issuing more.
    """

    protocol: str
    params: dict = field(repr=False)
    history: History = field(repr=False)
    client: np.ndarray = field(repr=False)
    stale: np.ndarray = field(repr=False)
    sample_t_ms: np.ndarray = field(repr=False)
    divergence: np.ndarray = field(repr=False)
    replica_values: np.ndarray = field(repr=False)
    leaders: pd.DataFrame = field(repr=False, default=None)
    elections: int = 0
    events: int = 0
    truncated: bool = False
    messages_sent: int = 0
    messages_lost: int = 0
    ops_capped: bool = False

    @property
    def ops(self) -> int:
        """Operations the clients invoked."""
        return len(self.history)

    def outages(self, min_ms: float | None = None) -> pd.DataFrame:
        """Stretches of time in which no operation completed ok, at least ``min_ms`` long.

        Parameters
        ----------
        min_ms : float, optional
            Shortest gap reported, ms (default ``config.CONSISTENCY_SIM_TIMEOUT_MS``,
            a client's patience: shorter gaps are a quiet moment, not an outage).

        Returns
        -------
        DataFrame
            ``start_ms`` (the last ok answer before the gap), ``end_ms`` (the next
            one) and ``length_ms``, longest first. A failover shows up as one
            outage about an election timeout long.
        """
        min_ms = validate.positive("min_ms", config.CONSISTENCY_SIM_TIMEOUT_MS if min_ms is None else min_ms)
        done = np.sort(self.history.complete_t[self.history.status == "ok"])
        edges = np.concatenate(([0.0], done, [self.params["duration_ms"]]))
        gaps = np.diff(edges)
        keep = np.flatnonzero(gaps >= min_ms)
        table = pd.DataFrame({"start_ms": edges[keep], "end_ms": edges[keep + 1], "length_ms": gaps[keep]})
        return table.sort_values("length_ms", ascending=False, ignore_index=True)

    @property
    def availability(self) -> float:
        """Fraction of operations answered ok (a cas that found another value counts: it answered).

        Returns
        -------
        float
        """
        return float(np.mean(self.history.status == "ok")) if self.ops else float("nan")

    @property
    def stale_read_fraction(self) -> float:
        """Stale reads among ok reads (see :func:`stale_reads`).

        Returns
        -------
        float
        """
        reads = (self.history.f == "read") & (self.history.status == "ok")
        return float(self.stale[reads].mean()) if reads.any() else 0.0

    def latency_percentiles(self, q=(50.0, 99.0, 99.9)) -> pd.DataFrame:
        """Latency of ok operations.

        Parameters
        ----------
        q : sequence of float
            Percentiles, 0 to 100.

        Returns
        -------
        DataFrame
            Latency in ms: one row per operation kind and ``all``, one column per q.
        """
        q = [validate.number("q", x, 0.0, 100.0) for x in np.atleast_1d(q)]
        ok = self.history.status == "ok"
        latency = self.history.complete_t - self.history.invoke_t
        rows = {}
        for name in ("read", "write", "cas", "all"):
            mask = ok if name == "all" else ok & (self.history.f == name)
            if mask.any():
                rows[name] = {f"p{x:g}": float(np.percentile(latency[mask], x)) for x in q}
        return pd.DataFrame.from_dict(rows, orient="index")

    def timeline(self, bin_ms: float | None = None) -> pd.DataFrame:
        """The run in time bins of invocations.

        Parameters
        ----------
        bin_ms : float, optional
            Width of a bin, ms (default: 40 bins over the run).

        Returns
        -------
        DataFrame
            Per bin (``t_ms`` its middle): operations, availability, ok reads and the stale-read rate.
        """
        duration = self.params["duration_ms"]
        bin_ms = validate.positive("bin_ms", duration / 40 if bin_ms is None else bin_ms)
        edges = np.arange(0.0, duration + bin_ms, bin_ms)
        which = np.clip(np.digitize(self.history.invoke_t, edges) - 1, 0, edges.size - 2)
        ok = self.history.status == "ok"
        reads = ok & (self.history.f == "read")
        n = np.bincount(which, minlength=edges.size - 1)
        n_ok = np.bincount(which, weights=ok, minlength=edges.size - 1)
        n_reads = np.bincount(which, weights=reads, minlength=edges.size - 1)
        n_stale = np.bincount(which, weights=self.stale & reads, minlength=edges.size - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return pd.DataFrame(
                {
                    "t_ms": 0.5 * (edges[:-1] + edges[1:]),
                    "ops": n,
                    "availability": np.where(n > 0, n_ok / n, np.nan),
                    "reads": n_reads.astype(int),
                    "stale_rate": np.where(n_reads > 0, n_stale / n_reads, np.nan),
                }
            )

    def summary(self) -> dict:
        """Headline numbers of the run.

        Returns
        -------
        dict
            ops, availability, stale-read fraction, p50/p99 latency (ms), final divergence.
        """
        lat = self.latency_percentiles((50.0, 99.0))
        return {
            "protocol": self.protocol,
            "ops": self.ops,
            "availability": self.availability,
            "stale_read_fraction": self.stale_read_fraction,
            "p50_ms": float(lat.loc["all", "p50"]) if "all" in lat.index else float("nan"),
            "p99_ms": float(lat.loc["all", "p99"]) if "all" in lat.index else float("nan"),
            "final_divergence": float(self.divergence[-1]) if self.divergence.size else 0.0,
        }


# --- the simulation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Everything :func:`simulate` can vary; ``None`` takes the default from :mod:`kit.config`.

    Parameters
    ----------
    N : int
        Home replicas of every key (default ``config.CONSISTENCY_SIM_N``).
    R, W : int
        ``quorum``: read and write quorums (default a majority each).
        ``leader-sync``: replicas that must hold an entry before it commits
        (W, default a majority; below a majority a new leader can miss a
        committed write). Ignored by the other protocols.
    clients, keys : int
        Concurrent clients and keys.
    read_fraction, cas_fraction : float
        Operation mix; the rest are writes. A cas expects the value its
        client last saw for the key.
    zipf_alpha : float
        Key popularity (0 = uniform).
    think_ms, timeout_ms : float
        Mean time between a client's operations (exponential), ms, and how
        long a client waits for an answer before giving up (status info), ms.
    latency, replication_latency : Dist
        One-way message delay in ms (default :func:`default_latency`), and
        that of background replication between replicas: log shipping,
        heartbeats and votes, pushes, gossip, hints and read repair (default
        ``latency``). Real followers lag by batching and queueing (Kleppmann,
        DDIA chapter 5, "Problems with Replication Lag").
    clock_skew_ms : float or sequence
        Last-writer-wins clocks: a number s draws each node's offset
        uniformly from [-s, s] ms; a sequence gives the offsets of replicas
        0..N-1 (spares get 0).
    read_from : {"leader", "sticky", "random"}
        ``leader-async`` only: where reads go.
    sloppy_quorum, spares, hinted_handoff, read_repair
        ``quorum`` only (see the module docstring); ``spares`` (default 2
        when sloppy) are the nodes that stand in for unreachable replicas.
    anti_entropy_ms : float
        ``quorum`` and ``multi-leader``: each replica pushes its state to a
        random peer this often, ms; 0 turns gossip off.
    retry_ms : float
        A leader's heartbeat and resend period, and a spare's hint retry, ms.
    election_timeout_ms : float
        ``leader-sync``: a follower that hears no leader for a time drawn
        from [this, twice this] ms stands for election; a leader that hears
        from no majority for this long steps down (default
        ``config.CONSISTENCY_SIM_ELECTION_TIMEOUT_MS``).
    partitions : list of Partition
        Network partitions by time (see :class:`Partition`).
    crashes : list of Crash
        Replica crashes by time (see :class:`Crash`).
    duration_ms, settle_ms : float
        Clients issue operations until ``duration_ms``; the run continues
        ``settle_ms`` longer without new operations, so replicas can converge.
    sample_ms : float
        Interval of the divergence samples, ms (default 200 samples).
    max_ops, max_events : int
        Bounds on the work; reaching one ends the run early and says so
        (``SimResult.ops_capped``, ``SimResult.truncated``).
    seed : int
        Same seed, same run.
    """

    N: int | None = None
    R: int | None = None
    W: int | None = None
    clients: int | None = None
    keys: int | None = None
    read_fraction: float | None = None
    cas_fraction: float = 0.0
    zipf_alpha: float = 0.0
    think_ms: float | None = None
    timeout_ms: float | None = None
    latency: Dist | None = None
    replication_latency: Dist | None = None
    clock_skew_ms: object = 0.0
    read_from: str = "leader"
    sloppy_quorum: bool = False
    spares: int | None = None
    hinted_handoff: bool = True
    read_repair: bool = False
    anti_entropy_ms: float | None = None
    retry_ms: float | None = None
    election_timeout_ms: float | None = None
    partitions: Sequence = ()
    crashes: Sequence = ()
    duration_ms: float | None = None
    settle_ms: float | None = None
    sample_ms: float | None = None
    max_ops: int | None = None
    max_events: int | None = None
    seed: int | None = None

    def __post_init__(self):
        _check(self)  # every setting that does not depend on the protocol, at once


def _check(s: Settings) -> dict:
    """The settings validated and their defaults applied, except what depends on the protocol."""
    N, R, W = _quorums(s)
    p = dict(N=N, R=R, W=W, **_workload(s))
    p.update(_protocol_options(None, s), **_timing(s, N, p["keys"]))
    p["latency"], p["replication_latency"] = _latencies(s)
    p["seed"] = resolve_seed(s.seed)
    p["skew_ms"] = _skews(s.clock_skew_ms, N, p["spares"], p["seed"])
    p["topology"] = _topology(
        s.partitions, s.crashes, N + p["spares"] + p["clients"], N + p["spares"], p["clients"]
    )
    return p


def _get(value, name):
    return getattr(config, name) if value is None else value


def _flag(name: str, value, protocol: str | None, only: str | None = None) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False (got {name}={value!r})")
    if value and only is not None and protocol not in (None, only):
        raise ValueError(f"{name} applies to protocol={only!r} only (got protocol={protocol!r})")
    return bool(value)


def _quorums(s: Settings) -> tuple[int, int, int]:
    N = validate.integer("N", _get(s.N, "CONSISTENCY_SIM_N"), 1, config.CONSISTENCY_MAX_SIM_N)
    majority = N // 2 + 1
    R, W = (majority if x is None else x for x in (s.R, s.W))
    for name, x in (("R", R), ("W", W)):
        if isinstance(x, bool) or not isinstance(x, numbers.Integral) or not 1 <= x <= N:
            raise ValueError(f"{name} must be between 1 and N (got {name}={x!r}, N={N})")
    return N, int(R), int(W)


def _workload(s: Settings) -> dict:
    C = validate.integer(
        "clients", _get(s.clients, "CONSISTENCY_SIM_CLIENTS"), 1, config.CONSISTENCY_MAX_SIM_CLIENTS
    )
    K = validate.integer("keys", _get(s.keys, "CONSISTENCY_SIM_KEYS"), 1, config.CONSISTENCY_MAX_SIM_KEYS)
    read_fraction = validate.probability(
        "read_fraction", _get(s.read_fraction, "CONSISTENCY_SIM_READ_FRACTION")
    )
    cas_fraction = validate.probability("cas_fraction", s.cas_fraction)
    if read_fraction + cas_fraction > 1.0:
        raise ValueError(
            f"read_fraction + cas_fraction must be at most 1 (got {read_fraction:g} + {cas_fraction:g})"
        )
    return dict(
        clients=C,
        keys=K,
        read_fraction=read_fraction,
        cas_fraction=cas_fraction,
        zipf_alpha=validate.number("zipf_alpha", s.zipf_alpha, 0.0, 10.0),
        think_ms=validate.positive("think_ms", _get(s.think_ms, "CONSISTENCY_SIM_THINK_MS")),
        timeout_ms=validate.positive("timeout_ms", _get(s.timeout_ms, "CONSISTENCY_SIM_TIMEOUT_MS")),
    )


def _latencies(s: Settings) -> tuple[Dist, Dist]:
    latency = default_latency() if s.latency is None else s.latency
    if not isinstance(latency, Dist):
        raise TypeError(
            f"latency must be a kit distribution, e.g. LogNormal.from_median(1, 0.5) (got {latency!r})"
        )
    replication = latency if s.replication_latency is None else s.replication_latency
    if not isinstance(replication, Dist):
        raise TypeError(f"replication_latency must be a kit distribution (got {replication!r})")
    return latency, replication


def _protocol_options(protocol: str | None, s: Settings) -> dict:
    """Options of the protocols; ``protocol`` None checks them without knowing which one runs."""
    validate.choice("read_from", s.read_from, READ_FROM)
    if s.read_from != "leader" and protocol not in (None, "leader-async"):
        raise ValueError(f"read_from applies to protocol='leader-async' only (got protocol={protocol!r})")
    sloppy = _flag("sloppy_quorum", s.sloppy_quorum, protocol, "quorum")
    spares = validate.integer(
        "spares", (2 if sloppy else 0) if s.spares is None else s.spares, 0, config.CONSISTENCY_MAX_SIM_SPARES
    )
    if spares and not sloppy:
        raise ValueError(
            f"spares are used by a sloppy quorum only (got spares={spares}, sloppy_quorum=False)"
        )
    gossip = protocol in (None, "quorum", "multi-leader")
    ae = (
        s.anti_entropy_ms
        if s.anti_entropy_ms is not None
        else (config.CONSISTENCY_SIM_ANTI_ENTROPY_MS if gossip else 0.0)
    )
    ae = validate.number("anti_entropy_ms", ae, 0.0, config.CONSISTENCY_MAX_SIM_DURATION_MS)
    if ae > 0 and not gossip:
        raise ValueError(
            f"anti_entropy_ms applies to 'quorum' and 'multi-leader' (got protocol={protocol!r})"
        )
    retry = validate.number(
        "retry_ms", _get(s.retry_ms, "CONSISTENCY_SIM_RETRY_MS"), 1e-3, config.CONSISTENCY_MAX_SIM_DURATION_MS
    )
    election = validate.number(
        "election_timeout_ms",
        _get(s.election_timeout_ms, "CONSISTENCY_SIM_ELECTION_TIMEOUT_MS"),
        1e-3,
        config.CONSISTENCY_MAX_SIM_DURATION_MS,
    )
    if protocol == "leader-sync" and election <= retry:
        raise ValueError(
            f"election_timeout_ms must exceed retry_ms, the heartbeat period (got election_timeout_ms="
            f"{election:g}, retry_ms={retry:g})"
        )
    return dict(
        read_from=s.read_from,
        sloppy_quorum=sloppy,
        spares=spares,
        hinted_handoff=_flag("hinted_handoff", s.hinted_handoff, protocol),
        read_repair=_flag("read_repair", s.read_repair, protocol, "quorum"),
        anti_entropy_ms=ae,
        retry_ms=retry,
        election_timeout_ms=election,
    )


def _timing(s: Settings, N: int, K: int) -> dict:
    top = config.CONSISTENCY_MAX_SIM_DURATION_MS
    duration = validate.number("duration_ms", _get(s.duration_ms, "CONSISTENCY_SIM_DURATION_MS"), 1.0, top)
    settle = validate.number("settle_ms", _get(s.settle_ms, "CONSISTENCY_SIM_SETTLE_MS"), 0.0, top)
    end = duration + settle
    sample = validate.number(
        "sample_ms", end / config.CONSISTENCY_SIM_SAMPLES if s.sample_ms is None else s.sample_ms, 1e-9, top
    )
    if (end / sample) * N * K > config.CONSISTENCY_MAX_SIM_SAMPLED_VALUES:
        raise ValueError(
            f"sample_ms is too small for the run: at most {config.CONSISTENCY_MAX_SIM_SAMPLED_VALUES:,} "
            f"sampled replica values (samples x N x keys) (got sample_ms={sample:g})"
        )
    max_ops = validate.integer(
        "max_ops", _get(s.max_ops, "CONSISTENCY_SIM_MAX_OPS"), 1, config.CONSISTENCY_MAX_SIM_OPS
    )
    max_events = validate.integer(
        "max_events", _get(s.max_events, "CONSISTENCY_SIM_MAX_EVENTS"), 1, config.CONSISTENCY_MAX_SIM_EVENTS
    )
    return dict(
        duration_ms=duration, settle_ms=settle, sample_ms=sample, max_ops=max_ops, max_events=max_events
    )


def _skews(clock_skew_ms, N: int, S: int, seed: int) -> np.ndarray:
    """Each node's clock offset in ms."""
    M = N + S
    if isinstance(clock_skew_ms, numbers.Real) and not isinstance(clock_skew_ms, bool):
        s = validate.number("clock_skew_ms", clock_skew_ms, 0.0, 1e6)
        return np.random.default_rng(derive_seed(seed, 1)).uniform(-s, s, M) if s > 0 else np.zeros(M)
    try:
        given = np.asarray(clock_skew_ms, dtype=float).ravel()
    except (TypeError, ValueError):
        given = np.array([np.nan])
    if given.size != N or not np.all(np.abs(given) <= 1e6):
        raise ValueError(
            f"clock_skew_ms must be a number or {N} finite offsets, one per replica (got {clock_skew_ms!r})"
        )
    return np.concatenate([given, np.zeros(S)])


def _memory_mb(N: int, S: int, C: int, K: int, p: dict, max_terms: int) -> float:
    """What a run allocates up front, MB: operations, Raft logs, replica state, samples."""
    M = N + S
    per_op = 8 * 8 + 2 * 8 + 2 * 8 + 1 + 8 + 2 * 8 + (16 * M + 8 if p["read_repair"] else 0)
    logs = 2 * 8 * N * (p["max_ops"] + max_terms)
    samples = 8 * ((p["duration_ms"] + p["settle_ms"]) / p["sample_ms"] + 2) * (2 + N * K)
    return (per_op * p["max_ops"] + logs + samples + 40 * M * K + 8 * C * K) / 2**20


def _resolve(protocol: str, s: Settings):
    """Validate every setting once; returns the kernel's records and the run's parameters (ms)."""
    validate.choice("protocol", protocol, PROTOCOLS)
    p = _check(s)
    p.update(_protocol_options(protocol, s))  # now for this protocol: its own defaults and rules
    N, S, C, K, seed = p["N"], p["spares"], p["clients"], p["keys"], p["seed"]
    end_ms = p["duration_ms"] + p["settle_ms"]
    max_terms = N * math.ceil(end_ms / p["election_timeout_ms"]) + 2 if protocol == "leader-sync" else 0
    need = _memory_mb(N, S, C, K, p, max_terms)
    if need > config.CONSISTENCY_MAX_SIM_MB:
        raise ValueError(
            f"this run would need about {need:,.0f} MB, more than config.CONSISTENCY_MAX_SIM_MB="
            f"{config.CONSISTENCY_MAX_SIM_MB:g}: lower max_ops, duration_ms or keys, or raise "
            f"election_timeout_ms"
        )
    topo, skew_ms, s_ = p.pop("topology"), p.pop("skew_ms"), 1e-3
    prm = kk.Params(
        PROTOCOLS[protocol], N, S, C, K, p["R"], p["W"], N // 2 + 1, p["read_fraction"], p["cas_fraction"],
        p["think_ms"] * s_, p["timeout_ms"] * s_, READ_FROM[p["read_from"]], p["sloppy_quorum"],
        p["hinted_handoff"], p["read_repair"], p["anti_entropy_ms"] * s_, p["retry_ms"] * s_,
        p["election_timeout_ms"] * s_, p["duration_ms"] * s_, end_ms * s_, p["sample_ms"] * s_,
        p["max_ops"], p["max_events"], max_terms, seed,
    )  # fmt: skip
    inp = kk.Inputs(
        np.cumsum(zipf_pmf(K, p["zipf_alpha"])), p["latency"].spec, p["replication_latency"].spec,
        skew_ms * s_, topo[0] * s_, topo[1] * s_, topo[2], topo[3], topo[4] * s_, topo[5] * s_,
    )  # fmt: skip
    p.update(
        protocol=protocol,
        clock_skew_ms=skew_ms[:N].copy(),
        partitions=tuple(s.partitions),
        crashes=tuple(s.crashes),
    )
    return prm, inp, p


def simulate(protocol: str = "quorum", settings: Settings | None = None, **overrides) -> SimResult:
    """Simulate clients against a replicated store and return their history and metrics.

    Parameters
    ----------
    protocol : {"leader-sync", "leader-async", "quorum", "multi-leader"}
        See the module docstring.
    settings : Settings, optional
        Every other choice (see :class:`Settings`); unset fields come from
        :mod:`kit.config`.
    **overrides
        Fields of :class:`Settings` by name, e.g. ``N=5, partitions=[...]``;
        they replace those of ``settings``.

    Returns
    -------
    SimResult
        The clients' history (times in ms), the replicas' divergence, the
        leaders of a Raft run, and the work done.

    Notes
    -----
    Leader protocols: Kleppmann, *Designing Data-Intensive Applications*,
    chapter 5, "Leaders and Followers"; Raft (Ongaro & Ousterhout 2014,
    sections 5 and 8). Quorums, sloppy quorums, hinted handoff, read repair
    and anti-entropy: DeCandia et al., SOSP 2007, sections 4.5-4.7;
    Kleppmann chapter 5, "Leaderless Replication". Why R + W > N is not
    linearizable: Kleppmann chapter 9, "Linearizability and quorums".

    References
    ----------
    D. Ongaro, J. Ousterhout, "In search of an understandable consensus
    algorithm", USENIX ATC 2014. G. DeCandia et al., "Dynamo: Amazon's
    highly available key-value store", SOSP 2007.

    Examples
    --------
    >>> r = simulate("leader-sync", N=3, clients=3, duration_ms=500, seed=1)
    >>> r.availability, r.stale_read_fraction
    (1.0, 0.0)
    """
    if settings is None:
        settings = Settings()
    elif not isinstance(settings, Settings):
        raise TypeError(f"settings must be a consistency.Settings (got {type(settings).__name__})")
    names = {f.name for f in fields(Settings)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise TypeError(f"simulate() got an unknown setting {unknown[0]!r}; the settings are {sorted(names)}")
    prm, inp, params = _resolve(protocol, replace(settings, **overrides))
    ops_i, ops_f, samp_t, samp_div, samp_val, changes, leaders, stats = kk.simulate_store(prm, inp)
    history = _history(
        ops_i, ops_f * 1e3, changes, params["N"], params["keys"], cas=params["cas_fraction"] > 0
    )
    return SimResult(
        protocol=protocol,
        params=params,
        history=history,
        client=ops_i[np.lexsort((ops_f[:, 1], ops_f[:, 0])), 0].copy(),  # in the history's order
        stale=stale_reads(history),
        sample_t_ms=samp_t * 1e3,
        divergence=samp_div,
        replica_values=samp_val,
        leaders=pd.DataFrame(
            {
                "t_ms": leaders[:, 2] * 1e3,
                "term": leaders[:, 0].astype(np.int64),
                "leader": leaders[:, 1].astype(np.int64),
            }
        )
        if protocol == "leader-sync"
        else _NO_LEADERS.copy(),
        elections=int(stats[5]),
        events=int(stats[0]),
        truncated=bool(stats[1]),
        messages_sent=int(stats[2]),
        messages_lost=int(stats[3]),
        ops_capped=bool(stats[4]),
    )


_NO_LEADERS = pd.DataFrame(
    {"t_ms": np.zeros(0), "term": np.zeros(0, np.int64), "leader": np.zeros(0, np.int64)}
)


#: Named protocol set-ups (the options of :func:`simulate`) for comparisons and the apps.
SETUPS = {
    "leader-sync (CP)": dict(protocol="leader-sync"),
    "leader-async, follower reads": dict(protocol="leader-async", read_from="random"),
    "leader-async, sticky reads": dict(protocol="leader-async", read_from="sticky"),
    "quorum, strict": dict(protocol="quorum"),
    "quorum, sloppy": dict(protocol="quorum", sloppy_quorum=True),
    "quorum, sloppy + read repair": dict(protocol="quorum", sloppy_quorum=True, read_repair=True),
    "multi-leader (AP)": dict(protocol="multi-leader"),
}


def compare(setups: Sequence[str], **kwargs) -> dict[str, SimResult]:
    """:func:`simulate` each named set-up of :data:`SETUPS` with the same workload, faults and seed.

    Parameters
    ----------
    setups : sequence of str
        Keys of :data:`SETUPS`.
    **kwargs
        Settings for every run (see :class:`Settings`), except those a set-up fixes.

    Returns
    -------
    dict
        ``{set-up: SimResult}``.

    Examples
    --------
    >>> cut = [Partition.cutting("minority", 500, 1500, N=3, clients=3)]
    >>> runs = compare(["leader-sync (CP)", "multi-leader (AP)"], partitions=cut, seed=1)
    >>> runs["multi-leader (AP)"].availability > runs["leader-sync (CP)"].availability
    True
    """
    if isinstance(setups, str) or not isinstance(setups, Sequence):
        raise TypeError(f"setups must be a list of names from SETUPS (got setups={setups!r})")
    for name in setups:
        validate.choice("setups", name, SETUPS)
    clash = sorted(set(kwargs) & {k for name in setups for k in SETUPS[name]})
    if clash:
        raise ValueError(f"{clash[0]} is set by the set-up itself; pass it to simulate() instead")
    return {name: simulate(**SETUPS[name], **kwargs) for name in setups}


def _history(
    ops_i: np.ndarray, ops_f: np.ndarray, changes: np.ndarray, N: int, n_keys: int, cas: bool
) -> History:
    """The kernel's operation table as a History (initial value 0, unique written values).

    The replica log starts with every home replica holding 0 for every key at
    t = 0, so a replica that never changes still counts when convergence is checked.
    """
    n = ops_i.shape[0]
    f, status, val, exp, res = ops_i[:, 1], ops_i[:, 5], ops_i[:, 3], ops_i[:, 4], ops_i[:, 6]
    value = np.empty(n, dtype=object)
    result = np.empty(n, dtype=object)
    for i in range(n):
        if f[i] == kk.WRITE:
            value[i] = int(val[i])
        elif f[i] == kk.CAS:
            value[i] = (int(exp[i]), int(val[i]))
            if status[i] == kk.OK:
                result[i] = bool(res[i])
        elif status[i] == kk.OK:
            result[i] = int(res[i])
    complete = np.where(ops_f[:, 1] == np.inf, np.inf, ops_f[:, 1])
    start = np.zeros((N * n_keys, 4))
    start[:, 1] = np.repeat(np.arange(N), n_keys)
    start[:, 2] = np.tile(np.arange(n_keys), N)
    changes = changes.copy()
    changes[:, 0] *= 1e3  # the kernel's clock is in seconds
    log = np.concatenate([start, changes])
    replicas = pd.DataFrame(
        {
            "t": log[:, 0],
            "replica": log[:, 1].astype(np.int64),
            "key": log[:, 2].astype(np.int64),
            "value": log[:, 3].astype(np.int64),
        }
    )
    return History(
        process=ops_i[:, 0].copy(),
        f=f.copy(),
        key=ops_i[:, 2].astype(object),
        value=value,
        result=result,
        invoke_t=ops_f[:, 0].copy(),
        complete_t=complete,
        status=status.copy(),
        initial=0,
        model="cas-register" if cas else "register",
        source="simulator",
        replicas=replicas,
    )


def warm() -> None:
    """Compile (or load from numba's cache) the simulator kernel with its real types, every branch reached.

    Returns
    -------
    None
    """
    for protocol in PROTOCOLS:
        simulate(
            protocol,
            N=3,
            clients=2,
            keys=2,
            cas_fraction=0.1,
            duration_ms=40.0,
            settle_ms=10.0,
            retry_ms=1.0,
            election_timeout_ms=4.0,  # short: the leader's partition triggers an election
            sloppy_quorum=protocol == "quorum",
            read_repair=protocol == "quorum",
            partitions=[Partition(5.0, 25.0, (0, 2), (1,))],
            crashes=[Crash(1, 30.0, 35.0)],
            seed=0,
        )
