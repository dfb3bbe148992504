"""A replicated register store under four replication protocols, as a discrete-event simulation.

Clients read, write and compare-and-set keys held by N replicas. The
protocol decides who coordinates, who must answer and what is returned:

``"leader-sync"``
    Single leader (replica 0), synchronous replication: every operation is a
    log entry at the leader, answered once ``W`` replicas (the leader
    included; default a majority) hold it. Reads go through the leader's log
    too, so the store is linearizable; a leader that cannot reach ``W``
    replicas refuses (status fail), and clients that cannot reach it time
    out. This is the CP choice (Raft without leader election: no failover).
``"leader-async"``
    Single leader, asynchronous replication: the leader answers a write at
    once and ships it to followers afterwards; reads go to the leader, to a
    client's own replica (``read_from="sticky"``) or to any replica
    (``"random"``). Follower reads see replication lag.
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
as a client of a Dynamo-style store would have to.

The output is the clients' :class:`~kit.consistency.history.History` (each
written value is unique, so every read names the write it saw) and metrics:
latency percentiles, availability (fraction of operations answered ``ok``),
the stale-read fraction, and replica divergence over time.

References: M. Kleppmann, *Designing Data-Intensive Applications* (O'Reilly
2017), ch. 5 (leaders and followers, replication lag, leaderless quorums,
sloppy quorums and hinted handoff, LWW) and ch. 9 (linearizability and
quorums); G. DeCandia et al., "Dynamo: Amazon's Highly Available Key-value
Store", SOSP 2007, sections 4.5-4.7; D. Ongaro and J. Ousterhout, "In
Search of an Understandable Consensus Algorithm", USENIX ATC 2014 (the
commit rule of ``leader-sync``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import Dist, LogNormal, derive_seed, resolve_seed, zipf_pmf
from . import _sim_kernels as K_
from .history import History

PROTOCOLS = {
    "leader-sync": K_.LEADER_SYNC,
    "leader-async": K_.LEADER_ASYNC,
    "quorum": K_.QUORUM,
    "multi-leader": K_.MULTI_LEADER,
}
READ_FROM = {"leader": K_.READ_LEADER, "sticky": K_.READ_STICKY, "random": K_.READ_RANDOM}

N_MAX = 15  # replicas (node sets are 64-bit masks in the kernel; 15 is far beyond practice)
SPARES_MAX = 8
CLIENTS_MAX = 64
KEYS_MAX = 256
DURATION_MAX_MS = 1e7
MAX_EVENTS_LIMIT = 100_000_000
MAX_OPS_LIMIT = 200_000  # per-operation bookkeeping stays under ~80 MB
SAMPLED_VALUES_MAX = 5_000_000  # replica values kept by the divergence samples (40 MB)


@dataclass(frozen=True)
class Partition:
    """From ``start_ms`` to ``end_ms`` the listed replicas and clients are cut off from the rest.

    ``replicas`` index home replicas ``0..N-1`` and then spare nodes
    ``N..N+spares-1``; ``clients`` index clients ``0..clients-1``. Nodes on
    the same side still talk to each other.
    """

    start_ms: float
    end_ms: float
    replicas: tuple[int, ...] = ()
    clients: tuple[int, ...] = ()

    @classmethod
    def cutting(cls, who: str, start_ms: float, end_ms: float, N: int, clients: int) -> Partition:
        """A partition named in :data:`CUTS`, e.g. ``Partition.cutting("minority", 500, 1500, 3, 3)``."""
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
    """Replica ``replica`` is down from ``start_ms`` to ``end_ms``; it keeps its data."""

    replica: int
    start_ms: float
    end_ms: float


def _index_list(name: str, values, hi: int, what: str) -> tuple[int, ...]:
    try:
        items = tuple(values)
    except TypeError:
        raise ValueError(f"{name} must be a list of {what} indices (got {name}={values!r})") from None
    for v in items:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v < hi:
            raise ValueError(f"{name} must hold {what} indices between 0 and {hi - 1} (got {v!r})")
    return tuple(int(v) for v in items)


def _window(name: str, start, end) -> tuple[float, float]:
    start = validate.number(f"{name}.start_ms", start, 0.0)
    end = validate.number(f"{name}.end_ms", end, 0.0)
    if end <= start:
        raise ValueError(f"{name}.end_ms must be after {name}.start_ms (got {start:g} to {end:g})")
    return start, end


def _topology(partitions, crashes, n_nodes: int, n_store: int, C: int):
    """Arrays the kernel reads: partition windows and sides, crash windows."""
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
    """One-way delay between two nodes: log-normal, median ``config.CONSISTENCY_SIM_LATENCY_MEDIAN_MS``."""
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

    Returns a boolean array aligned with the history's operations.
    """
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
    stale : ndarray of bool
        Per operation of ``history``: a stale read (see :func:`stale_reads`).
    sample_t_ms, divergence : ndarray
        Sample times and, at each, the fraction of home-replica copies
        (replica, key) that are older than the newest copy of their key:
        0 when all replicas agree.
    replica_values : ndarray
        ``[sample, replica, key]``: the value each home replica held.
    events, truncated, messages_sent, messages_lost, ops_capped
        Work done; ``truncated`` means ``max_events`` stopped the run early
        (operations then open are status info) and ``ops_capped`` that
        ``max_ops`` stopped clients from issuing more.
    """

    protocol: str
    params: dict = field(repr=False)
    history: History = field(repr=False)
    stale: np.ndarray = field(repr=False)
    sample_t_ms: np.ndarray = field(repr=False)
    divergence: np.ndarray = field(repr=False)
    replica_values: np.ndarray = field(repr=False)
    events: int = 0
    truncated: bool = False
    messages_sent: int = 0
    messages_lost: int = 0
    ops_capped: bool = False

    @property
    def ops(self) -> int:
        return len(self.history)

    @property
    def availability(self) -> float:
        """Fraction of operations answered ok (a cas that found another value counts: it answered)."""
        return float(np.mean(self.history.status == "ok")) if self.ops else float("nan")

    @property
    def stale_read_fraction(self) -> float:
        """Stale reads among ok reads."""
        reads = (self.history.f == "read") & (self.history.status == "ok")
        return float(self.stale[reads].mean()) if reads.any() else 0.0

    def latency_percentiles(self, q=(50.0, 99.0, 99.9)) -> pd.DataFrame:
        """Latency (ms) of ok operations: one row per operation kind and ``all``, one column per q."""
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
        """Per time bin of invocations: operations, availability, ok reads and the stale-read rate."""
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
        """Headline numbers: ops, availability, stale-read fraction, p50/p99 latency, final divergence."""
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


def _get(value, name):
    return getattr(config, name) if value is None else value


def simulate(
    protocol: str = "quorum",
    N: int | None = None,
    R: int | None = None,
    W: int | None = None,
    *,
    clients: int | None = None,
    keys: int | None = None,
    read_fraction: float | None = None,
    cas_fraction: float = 0.0,
    zipf_alpha: float = 0.0,
    think_ms: float | None = None,
    timeout_ms: float | None = None,
    latency: Dist | None = None,
    replication_latency: Dist | None = None,
    clock_skew_ms=0.0,
    read_from: str = "leader",
    sloppy_quorum: bool = False,
    spares: int | None = None,
    hinted_handoff: bool = True,
    read_repair: bool = False,
    anti_entropy_ms: float | None = None,
    retry_ms: float | None = None,
    partitions: Sequence = (),
    crashes: Sequence = (),
    duration_ms: float | None = None,
    settle_ms: float | None = None,
    sample_ms: float | None = None,
    max_ops: int | None = None,
    max_events: int | None = None,
    seed: int | None = None,
) -> SimResult:
    """Simulate clients against a replicated store and return their history and metrics.

    Parameters
    ----------
    protocol : {"leader-sync", "leader-async", "quorum", "multi-leader"}
        See the module docstring.
    N : int
        Home replicas of every key (1..15; default ``config.CONSISTENCY_SIM_N``).
    R, W : int
        ``quorum``: read and write quorums (default a majority each).
        ``leader-sync``: replicas that must hold an entry before it commits
        (W, default a majority). Ignored by the other protocols.
    clients, keys : int
        Concurrent clients (1..64) and keys (1..256).
    read_fraction, cas_fraction : float
        Operation mix; the rest are writes. A cas expects the value its
        client last saw for the key.
    zipf_alpha : float
        Key popularity (0 = uniform).
    think_ms, timeout_ms : float
        Mean time between a client's operations (exponential) and how long a
        client waits for an answer before giving up (status info).
    latency : Dist
        One-way message delay in ms (default :func:`default_latency`).
    replication_latency : Dist
        Delay of background replication between replicas: log shipping to
        followers, pushes between leaders, gossip, hints and read repair
        (default ``latency``). Real followers lag by batching and queueing
        (Kleppmann, DDIA chapter 5, "Problems with Replication Lag").
    clock_skew_ms : float or sequence
        Last-writer-wins clocks: a number s draws each node's offset
        uniformly from [-s, s]; a sequence gives the offsets of replicas
        0..N-1 (spares get 0).
    read_from : {"leader", "sticky", "random"}
        ``leader-async`` only: where reads go.
    sloppy_quorum, spares, hinted_handoff, read_repair : ``quorum`` only
        See the module docstring; ``spares`` (default 2 when sloppy) are the
        nodes that stand in for unreachable replicas.
    anti_entropy_ms : float
        ``quorum`` and ``multi-leader``: each replica pushes its state to a
        random peer this often; 0 turns gossip off.
    retry_ms : float
        How often a leader resends unacknowledged log entries and a spare
        retries its hints.
    partitions : list of Partition, crashes : list of Crash
        Faults by time; see :class:`Partition` and :class:`Crash`.
    duration_ms : float
        Clients issue operations until then; the run continues ``settle_ms``
        longer without new operations, so replicas can converge.
    sample_ms : float
        Interval of the divergence samples (default 200 samples).
    max_ops, max_events : int
        Bounds on the work; reaching one ends the run early and says so
        (``ops_capped``, ``truncated``).
    seed : int
        Same seed, same run.

    Returns
    -------
    SimResult

    Notes
    -----
    Leader protocols: Kleppmann, *Designing Data-Intensive Applications*,
    chapter 5, "Leaders and Followers"; commit rule as Raft (Ongaro &
    Ousterhout 2014, section 5.3). Quorums, sloppy quorums, hinted handoff,
    read repair and anti-entropy: DeCandia et al., SOSP 2007, sections
    4.5-4.7; Kleppmann chapter 5, "Leaderless Replication". Why R + W > N is
    not linearizable: Kleppmann chapter 9, "Linearizability and quorums".

    Example
    -------
    >>> r = simulate("leader-sync", N=3, clients=3, duration_ms=500, seed=1)
    >>> r.availability, r.stale_read_fraction
    (1.0, 0.0)
    """
    validate.choice("protocol", protocol, PROTOCOLS)
    code = PROTOCOLS[protocol]
    N = validate.integer("N", _get(N, "CONSISTENCY_SIM_N"), 1, N_MAX)
    majority = N // 2 + 1
    R, W = (majority if x is None else x for x in (R, W))
    for name, x in (("R", R), ("W", W)):
        if isinstance(x, bool) or not isinstance(x, numbers.Integral) or not 1 <= x <= N:
            raise ValueError(f"{name} must be between 1 and N (got {name}={x!r}, N={N})")
    R, W = int(R), int(W)
    C = validate.integer("clients", _get(clients, "CONSISTENCY_SIM_CLIENTS"), 1, CLIENTS_MAX)
    n_keys = validate.integer("keys", _get(keys, "CONSISTENCY_SIM_KEYS"), 1, KEYS_MAX)
    read_fraction = validate.probability(
        "read_fraction", _get(read_fraction, "CONSISTENCY_SIM_READ_FRACTION")
    )
    cas_fraction = validate.probability("cas_fraction", cas_fraction)
    if read_fraction + cas_fraction > 1.0:
        raise ValueError(
            f"read_fraction + cas_fraction must be at most 1 (got {read_fraction:g} + {cas_fraction:g})"
        )
    zipf_alpha = validate.number("zipf_alpha", zipf_alpha, 0.0, 10.0)
    think_ms = validate.positive("think_ms", _get(think_ms, "CONSISTENCY_SIM_THINK_MS"))
    timeout_ms = validate.positive("timeout_ms", _get(timeout_ms, "CONSISTENCY_SIM_TIMEOUT_MS"))
    latency = default_latency() if latency is None else latency
    if not isinstance(latency, Dist):
        raise ValueError(
            f"latency must be a kit distribution, e.g. LogNormal.from_median(1, 0.5) (got {latency!r})"
        )
    replication_latency = latency if replication_latency is None else replication_latency
    if not isinstance(replication_latency, Dist):
        raise ValueError(f"replication_latency must be a kit distribution (got {replication_latency!r})")
    validate.choice("read_from", read_from, READ_FROM)
    if read_from != "leader" and protocol != "leader-async":
        raise ValueError(f"read_from applies to protocol='leader-async' only (got protocol={protocol!r})")
    for name, flag in (("sloppy_quorum", sloppy_quorum), ("read_repair", read_repair)):
        if not isinstance(flag, bool | np.bool_):
            raise ValueError(f"{name} must be True or False (got {name}={flag!r})")
        if flag and protocol != "quorum":
            raise ValueError(f"{name} applies to protocol='quorum' only (got protocol={protocol!r})")
    if not isinstance(hinted_handoff, bool | np.bool_):
        raise ValueError(f"hinted_handoff must be True or False (got hinted_handoff={hinted_handoff!r})")
    S = validate.integer("spares", (2 if sloppy_quorum else 0) if spares is None else spares, 0, SPARES_MAX)
    if S and not sloppy_quorum:
        raise ValueError(f"spares are used by a sloppy quorum only (got spares={S}, sloppy_quorum=False)")
    ae_default = config.CONSISTENCY_SIM_ANTI_ENTROPY_MS if protocol in ("quorum", "multi-leader") else 0.0
    anti_entropy_ms = validate.number(
        "anti_entropy_ms", ae_default if anti_entropy_ms is None else anti_entropy_ms, 0.0
    )
    if anti_entropy_ms > 0 and protocol not in ("quorum", "multi-leader"):
        raise ValueError(
            f"anti_entropy_ms applies to 'quorum' and 'multi-leader' (got protocol={protocol!r})"
        )
    retry_ms = validate.positive("retry_ms", _get(retry_ms, "CONSISTENCY_SIM_RETRY_MS"))
    duration_ms = validate.number(
        "duration_ms", _get(duration_ms, "CONSISTENCY_SIM_DURATION_MS"), 1.0, DURATION_MAX_MS
    )
    settle_ms = validate.number(
        "settle_ms", _get(settle_ms, "CONSISTENCY_SIM_SETTLE_MS"), 0.0, DURATION_MAX_MS
    )
    end_ms = duration_ms + settle_ms
    sample_ms = validate.positive(
        "sample_ms", end_ms / config.CONSISTENCY_SIM_SAMPLES if sample_ms is None else sample_ms
    )
    if (end_ms / sample_ms) * N * n_keys > SAMPLED_VALUES_MAX:
        raise ValueError(
            f"sample_ms is too small for the run: at most {SAMPLED_VALUES_MAX:,} sampled replica values "
            f"(samples x N x keys) (got sample_ms={sample_ms:g})"
        )
    max_ops = validate.integer("max_ops", _get(max_ops, "CONSISTENCY_SIM_MAX_OPS"), 1, MAX_OPS_LIMIT)
    max_events = validate.integer(
        "max_events", _get(max_events, "CONSISTENCY_SIM_MAX_EVENTS"), 1, MAX_EVENTS_LIMIT
    )
    seed = resolve_seed(seed)

    M = N + S
    if isinstance(clock_skew_ms, numbers.Real) and not isinstance(clock_skew_ms, bool):
        s = validate.number("clock_skew_ms", clock_skew_ms, 0.0, 1e6)
        skew = np.random.default_rng(derive_seed(seed, 1)).uniform(-s, s, M) if s > 0 else np.zeros(M)
    else:
        given = np.asarray(clock_skew_ms, dtype=float).ravel()
        if given.size != N or not np.all(np.isfinite(given)):
            raise ValueError(
                f"clock_skew_ms must be a number or {N} finite offsets, one per replica "
                f"(got {clock_skew_ms!r})"
            )
        skew = np.concatenate([given, np.zeros(S)])
    topo = _topology(partitions, crashes, M + C, M, C)
    key_cdf = np.cumsum(zipf_pmf(n_keys, zipf_alpha))

    ops_i, ops_f, samp_t, samp_div, samp_val, changes, stats = K_.simulate_store(
        code, N, S, C, n_keys, R, W, read_fraction, cas_fraction, key_cdf, think_ms, timeout_ms,
        latency.spec, replication_latency.spec, skew, READ_FROM[read_from], bool(sloppy_quorum),
        bool(hinted_handoff),
        bool(read_repair), float(anti_entropy_ms), retry_ms, *topo, duration_ms, end_ms, sample_ms,
        max_ops, max_events, seed,
    )  # fmt: skip
    params = dict(
        protocol=protocol, N=N, R=R, W=W, clients=C, keys=n_keys, read_fraction=read_fraction,
        cas_fraction=cas_fraction, zipf_alpha=zipf_alpha, think_ms=think_ms, timeout_ms=timeout_ms,
        latency=latency, replication_latency=replication_latency, clock_skew_ms=skew[:N].copy(),
        read_from=read_from, sloppy_quorum=sloppy_quorum,
        spares=S, hinted_handoff=hinted_handoff, read_repair=read_repair, anti_entropy_ms=anti_entropy_ms,
        retry_ms=retry_ms, partitions=tuple(partitions), crashes=tuple(crashes), duration_ms=duration_ms,
        settle_ms=settle_ms, sample_ms=sample_ms, max_ops=max_ops, max_events=max_events, seed=seed,
    )  # fmt: skip
    history = _history(ops_i, ops_f, changes, N, n_keys, cas=cas_fraction > 0)
    return SimResult(
        protocol=protocol,
        params=params,
        history=history,
        stale=stale_reads(history),
        sample_t_ms=samp_t,
        divergence=samp_div,
        replica_values=samp_val,
        events=int(stats[0]),
        truncated=bool(stats[1]),
        messages_sent=int(stats[2]),
        messages_lost=int(stats[3]),
        ops_capped=bool(stats[4]),
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

    Example
    -------
    >>> cut = [Partition.cutting("minority", 500, 1500, N=3, clients=3)]
    >>> runs = compare(["leader-sync (CP)", "multi-leader (AP)"], partitions=cut, seed=1)
    >>> runs["multi-leader (AP)"].availability > runs["leader-sync (CP)"].availability
    True
    """
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
        if f[i] == K_.WRITE:
            value[i] = int(val[i])
        elif f[i] == K_.CAS:
            value[i] = (int(exp[i]), int(val[i]))
            if status[i] == K_.OK:
                result[i] = bool(res[i])
        elif status[i] == K_.OK:
            result[i] = int(res[i])
    complete = np.where(ops_f[:, 1] == np.inf, np.inf, ops_f[:, 1])
    start = np.zeros((N * n_keys, 4))
    start[:, 1] = np.repeat(np.arange(N), n_keys)
    start[:, 2] = np.tile(np.arange(n_keys), N)
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
    """Compile (or load from cache) the simulator kernel with its real types, every branch reached."""
    for protocol in PROTOCOLS:
        simulate(
            protocol,
            N=3,
            clients=2,
            keys=2,
            cas_fraction=0.1,
            duration_ms=20.0,
            settle_ms=10.0,
            sloppy_quorum=protocol == "quorum",
            read_repair=protocol == "quorum",
            partitions=[Partition(5.0, 10.0, (2,), (1,))],
            crashes=[Crash(1, 12.0, 15.0)],
            seed=0,
        )
