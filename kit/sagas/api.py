"""Sagas and their alternatives, simulated: the public functions.

A saga (Garcia-Molina & Salem, "Sagas", SIGMOD 1987) replaces one
distributed ACID transaction by a sequence of local transactions, each with
a compensating transaction that semantically undoes it. It holds no locks
across steps, but it gives up isolation: other transactions can see its
intermediate states. :func:`simulate` runs a saga many times under injected
faults; :func:`simulate_2pc` runs the same step graph as one two-phase
commit, with the same faults and retries; :func:`compare` stacks the three;
:func:`simulate_outbox` counts what dual writes lose; :func:`anomalies`
runs a stream of concurrent sagas on shared records and counts dirty reads
and lost updates under Richardson's countermeasures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..core import threads, validate
from ..core.rng import derive_seed, resolve_seed, stream_seeds
from . import _kernels as kk
from .model import KINDS, MODES, Faults, Saga, SagaDefinitionError, Step, check, pack, parallel

__all__ = [
    "COUNTERMEASURES",
    "KINDS",
    "MODES",
    "OUTCOMES",
    "OUTCOMES_2PC",
    "PROTOCOLS",
    "Faults",
    "Saga",
    "SagaDefinitionError",
    "Step",
    "anomalies",
    "compare",
    "outcome_shares",
    "parallel",
    "simulate",
    "simulate_2pc",
    "simulate_outbox",
    "summary",
    "theory_2pc_blocked_ms",
    "theory_dual_write_half_done",
    "theory_expected_attempts",
    "theory_p_committed",
    "theory_p_step",
    "trace",
    "warm",
]

OUTCOMES = ("committed", "compensated", "stuck")
"""A saga run's outcomes."""
OUTCOMES_2PC = ("committed", "aborted", "stuck")
"""A two-phase-commit run's outcomes (stuck: participants in doubt until a person decides)."""
PROTOCOLS = ("orchestration", "choreography", "2pc")
"""What :func:`compare` runs, in its order."""
COUNTERMEASURES = ("none", "semantic_lock", "commutative_updates", "reread_value", "version_file")
"""Richardson's countermeasures for a saga's lack of isolation (2018, section 4.3.2) that
:func:`anomalies` simulates."""
TRACE_KINDS = ("action", "compensation", "message", "timeout", "down")
TRACE_RESULTS = ("applied", "replayed", "failed", "permanent", "lost")
_EVERY_PROTOCOL = {  # output columns of every protocol's runs
    "latency_ms": kk.O_LATENCY,
    "messages": kk.O_MESSAGES,
    "attempts": kk.O_ATTEMPTS,
    "retries": kk.O_RETRIES,
    "duplicates": kk.O_DUPLICATES,
    "crashes": kk.O_CRASHES,
}


def _bounded_runs(runs, default: int, steps: int, per_run_floats: int) -> int:
    """``runs`` checked against the work and memory limits of ``kit.config``."""
    runs = validate.integer("runs", default if runs is None else runs, 1, config.SAGAS_MAX_RUNS)
    if runs * steps > config.SAGAS_MAX_STEP_RUNS:
        raise ValueError(
            f"runs x steps must be at most config.SAGAS_MAX_STEP_RUNS = {config.SAGAS_MAX_STEP_RUNS:,} "
            f"(got runs={runs:,} x {steps} steps); ask for fewer runs"
        )
    need = runs * per_run_floats * 8 * 3  # the kernel's result, the frame and a copy while building it
    if need > config.SAGAS_MAX_BYTES:
        raise ValueError(
            f"runs={runs:,} would need about {need / 1e6:,.0f} MB, more than config.SAGAS_MAX_BYTES = "
            f"{config.SAGAS_MAX_BYTES / 1e6:,.0f} MB: ask for fewer runs"
        )
    return runs


def _kernel(
    saga: Saga, faults: Faults, runs: int, seed: int, mode: int, n_trace: int = 0, steps: bool = False
):
    p = pack(saga, faults, mode)
    seeds = stream_seeds(seed, -(-runs // kk.CHUNK))
    kernel = kk.simulate_parallel if runs >= config.SAGAS_PARALLEL_MIN_RUNS else kk.simulate
    return kernel(p, runs, seeds, n_trace, config.SAGAS_TRACE_ROWS, steps)


def _frame(out: np.ndarray, columns: dict[str, int], outcomes, attrs: dict) -> pd.DataFrame:
    data = {"outcome": pd.Categorical.from_codes(out[:, kk.O_OUTCOME].astype(np.int64), outcomes)}
    for name, col in columns.items():
        data[name] = out[:, col] * 1e3 if name.endswith("_ms") else out[:, col].astype(np.int64)
    df = pd.DataFrame(data)
    df.attrs.update(attrs)
    return df


def _mode(saga: Saga, mode) -> Saga:
    return saga if mode is None else saga.with_mode(mode)


def simulate(
    saga: Saga,
    runs: int | None = None,
    seed: int | None = None,
    faults: Faults | None = None,
    mode: str | None = None,
) -> pd.DataFrame:
    """Run ``saga`` ``runs`` times under ``faults``; one row per run.

    Parameters
    ----------
    saga : Saga
    runs : int, optional
        Executions (default ``config.SAGAS_RUNS``; at most
        ``config.SAGAS_MAX_RUNS``, and runs x steps at most ``config.SAGAS_MAX_STEP_RUNS``).
    seed : int, optional
        Same seed, same runs (run i is the same whatever ``runs`` is).
    faults : Faults, optional
        Injected faults beyond each step's own failures (default: none).
    mode : {"orchestration", "choreography"}, optional
        Overrides ``saga.mode``.

    Returns
    -------
    DataFrame
        One row per run: ``outcome`` ("committed": every step done;
        "compensated": every step that was or may have been done is undone,
        in reverse order; "stuck": a step that cannot be undone is done, a
        compensation failed for good, or the coordinator stayed down: a
        person settles it ``faults.repair_ms`` later), ``latency_ms`` (until
        the saga knows its outcome, or got stuck), ``messages``, ``attempts``
        (every try of an action or compensation, resends included), ``retries``
        (attempts after the first, compensations and resends included),
        ``duplicates`` (side effects done more than once), ``crashes``,
        ``compensations``, ``time_to_consistency_ms`` (all effects or none
        visible), ``inconsistency_ms`` (from the first effect visible to that
        moment), ``dirty_ms`` (how long effects that were later undone stayed
        visible, summed over steps) and ``pending_ms`` (how long effects
        stayed visible before the outcome settled them, summed over steps).
        A stuck run's effects count as visible and undone when the person
        settles it. ``attrs``: saga, mode, seed.

    Notes
    -----
    Garcia-Molina & Salem 1987, section 2 (a saga commits all of T1..Tn or
    runs T1..Tj then Cj..C1, compensations retried until they succeed);
    Richardson, *Microservices Patterns* (2018), section 4.3.2
    (compensatable, pivot and retriable transactions). A timeout leaves a
    step's effect unknown, so the saga compensates it too (a compensation of
    nothing is a no-op).

    Examples
    --------
    >>> from kit.sagas import examples
    >>> runs = simulate(examples.travel_booking(), runs=2_000, seed=1, faults=Faults(crash_p=0.05))
    >>> set(runs.outcome) <= {"committed", "compensated", "stuck"}, bool(runs.crashes.sum() > 0)
    (True, True)
    """
    faults = check(saga, faults)
    saga = _mode(saga, mode)
    runs = _bounded_runs(runs, config.SAGAS_RUNS, len(saga.steps), kk.OUT_COLS)
    seed = resolve_seed(seed)
    out, _, _, _ = _kernel(saga, faults, runs, seed, MODES[saga.mode])
    return _frame(
        out,
        {
            **_EVERY_PROTOCOL,
            "compensations": kk.O_COMPENSATIONS,
            "time_to_consistency_ms": kk.O_TTC,
            "inconsistency_ms": kk.O_WINDOW,
            "dirty_ms": kk.O_DIRTY,
            "pending_ms": kk.O_PENDING,
        },
        OUTCOMES,
        {"saga": saga.name, "mode": saga.mode, "seed": seed},
    )


def trace(
    saga: Saga,
    runs: int | None = None,
    seed: int | None = None,
    faults: Faults | None = None,
    mode: str | None = None,
) -> pd.DataFrame:
    """Every event of the first ``runs`` runs of :func:`simulate` with the same seed.

    Parameters
    ----------
    saga : Saga
    runs : int, optional
        Runs to trace (default ``config.SAGAS_TRACE_RUNS``, at most ``config.SAGAS_MAX_TRACE_RUNS``).
    seed : int, optional
    faults : Faults, optional
    mode : {"orchestration", "choreography"}, optional

    Returns
    -------
    DataFrame
        One row per event: ``run``, ``kind`` (action, compensation, message,
        timeout, down), ``step``, ``t0_ms``, ``t1_ms``, ``result`` (applied,
        replayed, failed, permanent, lost), ``attempt`` (0 is the first
        try), ``src`` and ``dst`` (service names, "coordinator" for the
        orchestrator, "initiator" for whoever starts a choreography).
        ``attrs["truncated"]`` lists runs with more than
        ``config.SAGAS_TRACE_ROWS`` events, whose tail is cut.

    Examples
    --------
    >>> from kit.sagas import examples
    >>> t = trace(examples.travel_booking(), runs=1, seed=1)
    >>> bool((t.kind == "action").any())
    True
    """
    faults = check(saga, faults)
    saga = _mode(saga, mode)
    default = config.SAGAS_TRACE_RUNS
    runs = validate.integer("runs", default if runs is None else runs, 1, config.SAGAS_MAX_TRACE_RUNS)
    seed = resolve_seed(seed)
    _, _, tr, tl = _kernel(saga, faults, runs, seed, MODES[saga.mode], n_trace=runs)
    rows = np.concatenate([tr[i, : tl[i, 0]] for i in range(runs)])
    names = [*saga.services, "coordinator" if saga.mode == "orchestration" else "initiator"]
    steps = [s.name for s in saga.steps]
    df = pd.DataFrame(
        {
            "run": np.repeat(np.arange(runs), tl[:, 0]),
            "kind": pd.Categorical.from_codes(rows[:, 0].astype(np.int64), TRACE_KINDS),
            "step": [steps[int(i)] for i in rows[:, 1]],
            "t0_ms": rows[:, 2] * 1e3,
            "t1_ms": rows[:, 3] * 1e3,
            "result": pd.Categorical.from_codes(rows[:, 4].astype(np.int64), TRACE_RESULTS),
            "attempt": rows[:, 5].astype(np.int64),
            "src": [names[int(i)] for i in rows[:, 6]],
            "dst": [names[int(i)] for i in rows[:, 7]],
        }
    )
    df.attrs.update(saga=saga.name, mode=saga.mode, seed=seed, truncated=list(np.flatnonzero(tl[:, 1])))
    return df


def simulate_2pc(
    saga: Saga, runs: int | None = None, seed: int | None = None, faults: Faults | None = None
) -> pd.DataFrame:
    """The same step graph as one distributed transaction under two-phase commit.

    The coordinator runs the steps as an orchestrator would (same order,
    same parallel groups, same retries), each participant keeping its work
    uncommitted and its rows locked; then it sends PREPARE to every
    participant, resending on timeout with the step's retry policy, and
    sends the decision, resent until acknowledged. A failed step or a vote
    still missing after the retries aborts.

    Parameters
    ----------
    saga : Saga
        Its steps and groups; its mode is ignored.
    runs : int, optional
    seed : int, optional
    faults : Faults, optional
        The same faults with the same meaning as for :func:`simulate`.

    Returns
    -------
    DataFrame
        One row per run: ``outcome`` (committed, aborted, or stuck: the
        coordinator stayed down while participants were in doubt),
        ``latency_ms`` (until every participant acknowledged the decision),
        ``messages``, ``attempts`` (commands, PREPAREs and decisions sent,
        resends included), ``retries``, ``duplicates`` (work done twice inside the
        transaction by a non-idempotent participant, when it commits),
        ``crashes``, ``lock_ms`` (longest time a participant held its locks,
        from its first command to the decision), ``in_doubt_ms`` (longest
        time a participant spent between voting YES and hearing the
        decision), ``blocked_ms`` (coordinator downtime spent while the
        participant it was handling was in doubt, summed over crashes),
        ``inconsistency_ms`` (spread of the moments participants commit) and
        ``crashed``.

    Notes
    -----
    Bernstein, Hadzilacos & Goodman, *Concurrency Control and Recovery in
    Database Systems* (1987), section 7.4: a participant that voted YES may
    neither commit nor abort on its own until it hears the decision, so a
    coordinator down between the phases blocks it with its locks held.
    :func:`theory_2pc_blocked_ms` gives the expected blocked time.

    Examples
    --------
    >>> from kit.sagas import examples
    >>> t = simulate_2pc(examples.travel_booking(), runs=1_000, seed=1, faults=Faults(crash_p=0.1))
    >>> bool(t.blocked_ms.max() > 0)
    True
    """
    faults = check(saga, faults)
    runs = _bounded_runs(runs, config.SAGAS_RUNS, len(saga.steps), kk.OUT_COLS)
    seed = resolve_seed(seed)
    out, _, _, _ = _kernel(saga, faults, runs, seed, kk.TWO_PC)
    df = _frame(
        out,
        {
            **_EVERY_PROTOCOL,
            "lock_ms": kk.O_LOCK,
            "in_doubt_ms": kk.O_IN_DOUBT,
            "blocked_ms": kk.O_BLOCKED,
            "inconsistency_ms": kk.O_WINDOW,
        },
        OUTCOMES_2PC,
        {"saga": saga.name, "mode": "2pc", "seed": seed},
    )
    df["crashed"] = df.crashes > 0
    return df


def compare(
    saga: Saga, runs: int | None = None, seed: int | None = None, faults: Faults | None = None
) -> pd.DataFrame:
    """Orchestration, choreography and 2PC on the same step graph, faults and retries, stacked.

    Parameters
    ----------
    saga : Saga
    runs : int, optional
        Runs per protocol.
    seed : int, optional
    faults : Faults, optional

    Returns
    -------
    DataFrame
        One row per run and protocol: ``protocol``, ``outcome``,
        ``latency_ms``, ``messages``, ``attempts``, ``retries``, ``crashes``, ``duplicates``,
        ``inconsistency_ms``, ``dirty_ms`` (0 for 2PC: nothing it shows is
        undone) and ``lock_ms`` (NaN for the sagas: they hold no locks across steps).

    Examples
    --------
    >>> from kit.sagas import examples
    >>> c = compare(examples.travel_booking(), runs=500, seed=2)
    >>> sorted(c.protocol.unique())
    ['2pc', 'choreography', 'orchestration']
    """
    faults = check(saga, faults)
    runs = _bounded_runs(runs, config.SAGAS_RUNS, len(saga.steps), kk.OUT_COLS)
    cols = ["protocol", "outcome", "latency_ms", "messages", "attempts", "retries", "crashes", "duplicates"]
    cols += ["inconsistency_ms", "dirty_ms", "lock_ms"]

    def run(protocol: str) -> pd.DataFrame:
        if protocol == "2pc":
            df = simulate_2pc(saga, runs, seed, faults)
            return df.assign(protocol=protocol, dirty_ms=0.0, outcome=df.outcome.astype(str))[cols]
        df = simulate(saga, runs, seed, faults, mode=protocol)
        return df.assign(protocol=protocol, lock_ms=np.nan, outcome=df.outcome.astype(str))[cols]

    # serial kernels side by side, 2PC (the longest, twice a saga's rounds) first; from
    # SAGAS_PARALLEL_MIN_RUNS up each run uses every core itself
    order = ("2pc", "orchestration", "choreography")
    serial = runs < config.SAGAS_PARALLEL_MIN_RUNS
    frames = threads.map_calls(run, order) if serial else [run(p) for p in order]
    frames = dict(zip(order, frames, strict=True))
    out = pd.concat([frames[p] for p in PROTOCOLS], ignore_index=True)
    out["protocol"] = pd.Categorical(out.protocol, PROTOCOLS)
    return out


def summary(compared: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind :func:`compare`'s curves: one row per protocol.

    Parameters
    ----------
    compared : DataFrame
        :func:`compare`'s result.

    Returns
    -------
    DataFrame
        Indexed by protocol: ``committed`` and ``stuck`` (shares of runs),
        ``latency_p50_ms``, ``latency_p99_ms``, ``latency_mean_ms``,
        ``inconsistency_p50_ms``, ``inconsistency_p99_ms``,
        ``inconsistency_mean_ms`` (stuck runs included, until a person
        settles them), ``messages`` (mean per run), ``duplicates_per_1k``.
    """
    need = {"protocol", "outcome", "latency_ms", "inconsistency_ms", "messages", "duplicates"}
    if not isinstance(compared, pd.DataFrame) or not need <= set(compared.columns):
        raise TypeError("compared must be the DataFrame returned by kit.sagas.compare")
    # numpy on each protocol's rows: a pandas groupby costs more than the statistics (the app's 100 ms)
    protocols = compared.protocol.to_numpy()
    outcome, lat, win, messages, duplicates = (
        compared[c].to_numpy()
        for c in ("outcome", "latency_ms", "inconsistency_ms", "messages", "duplicates")
    )
    rows = {}
    for protocol in pd.unique(compared.protocol.dropna().sort_values()):
        mine = protocols == protocol
        rows[protocol] = {
            "committed": float((outcome[mine] == "committed").mean()),
            "stuck": float((outcome[mine] == "stuck").mean()),
            "latency_p50_ms": np.median(lat[mine]),
            "latency_p99_ms": np.quantile(lat[mine], 0.99),
            "latency_mean_ms": lat[mine].mean(),
            "inconsistency_p50_ms": np.median(win[mine]),
            "inconsistency_p99_ms": np.quantile(win[mine], 0.99),
            "inconsistency_mean_ms": win[mine].mean(),
            "messages": messages[mine].mean(),
            "duplicates_per_1k": 1000 * duplicates[mine].mean(),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def simulate_outbox(
    saga: Saga,
    runs: int | None = None,
    seed: int | None = None,
    faults: Faults | None = None,
    outbox: bool = True,
    idempotent_consumers: bool = True,
) -> pd.DataFrame:
    """Events of a saga's steps published by dual write or through a transactional outbox.

    Every step commits locally and publishes one event that triggers the next.

    Parameters
    ----------
    saga : Saga
        Its number of steps is the number of events.
    runs, seed : int, optional
    faults : Faults, optional
        ``crash_p`` (a crash right after a local commit), ``loss_p`` (the
        broker's acknowledgement is lost, so the producer publishes again)
        and ``dup_p`` (the broker delivers twice).
    outbox : bool
        Write the event in the same local transaction as the data.
    idempotent_consumers : bool
        Consumers deduplicate on the event id.

    Returns
    -------
    DataFrame
        One row per run: ``lost`` (1 if an event was never published: the
        saga stops there, since no one hears of it), ``duplicate_deliveries``,
        ``duplicate_effects`` (deliveries acted on more than once) and
        ``half_done`` (an event was lost: the saga stopped silently, with no
        one left to compensate).

    Notes
    -----
    Richardson, *Microservices Patterns* (2018), section 3.3.7: the
    transactional outbox writes the event in the same local transaction as
    the data, so it cannot be lost; the relay may publish it twice, which an
    idempotent consumer (deduplicating on the event id) absorbs. Without an
    outbox P(a run loses no event) = (1 - crash_p)^n for n steps
    (:func:`theory_dual_write_half_done`).

    Examples
    --------
    >>> from kit.sagas import examples
    >>> f = Faults(crash_p=0.05)
    >>> dual = simulate_outbox(examples.travel_booking(), 5_000, seed=1, faults=f, outbox=False)
    >>> safe = simulate_outbox(examples.travel_booking(), 5_000, seed=1, faults=f)
    >>> bool(dual.lost.sum() > 0), int(safe.lost.sum()), int(safe.duplicate_effects.sum())
    (True, 0, 0)
    """
    faults = check(saga, faults)
    runs = _bounded_runs(runs, config.SAGAS_RUNS, len(saga.steps), 4)
    seed = resolve_seed(seed)
    for name, value in (("outbox", outbox), ("idempotent_consumers", idempotent_consumers)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False (got {name}={value!r})")
    out = kk.simulate_outbox(
        len(saga.steps),
        faults.crash_p,
        faults.loss_p,
        faults.dup_p,
        bool(outbox),
        bool(idempotent_consumers),
        runs,
        stream_seeds(seed, -(-runs // kk.CHUNK)),
    )
    return pd.DataFrame(
        {
            "lost": out[:, 0],
            "duplicate_deliveries": out[:, 1],
            "duplicate_effects": out[:, 2],
            "half_done": out[:, 3].astype(bool),
        }
    )


def _writes(saga: Saga, steps: np.ndarray, rate: float, keys: int, seed: int):
    """Every effect of a stream of sagas as a write on a record, sorted by record then time."""
    rng = np.random.default_rng(derive_seed(seed, 1))
    runs, n = steps.shape[:2]
    start = np.cumsum(rng.exponential(1.0 / rate, runs))
    service = np.array([saga.services.index(s.service) for s in saga.steps])
    key = service[None, :] * keys + rng.integers(0, keys, size=(runs, n))
    done = ~np.isnan(steps[:, :, kk.W_FIRST])
    run = np.broadcast_to(np.arange(runs)[:, None], (runs, n))[done]
    t = (start[:, None] + steps[:, :, kk.W_FIRST])[done]
    undone = (start[:, None] + steps[:, :, kk.W_UNDONE])[done]
    restored = (start[:, None] + steps[:, :, kk.W_RESTORED])[done]
    settle = (start[:, None] + steps[:, :, kk.W_SETTLE])[done]
    key = key[done]
    order = np.lexsort((t, key))
    late = int(np.sum(steps[:, :, kk.W_LATE][done]))
    horizon = max(start[-1], 1e-9)
    columns = [c[order] for c in (key, t, undone, restored, settle, run)]
    return columns, late, horizon


def _bound_conflicts(writes, horizon: float, rate: float, keys: int, services: int) -> None:
    """Refuse a stream whose compensations would each scan too many overlapping writes."""
    t, restored = writes[1], writes[3]
    window = restored - t
    per_record_rate = t.size / horizon / (keys * services)
    pairs = float(np.sum(window[np.isfinite(window)])) * per_record_rate
    if pairs > config.SAGAS_MAX_CONFLICT_PAIRS:
        raise ValueError(
            f"sagas_per_s={rate:g} on keys={keys} records per service makes about {pairs:,.0f} overlapping "
            f"writes to scan (config.SAGAS_MAX_CONFLICT_PAIRS = {config.SAGAS_MAX_CONFLICT_PAIRS:,}): "
            "lower sagas_per_s or raise keys"
        )


def anomalies(
    saga: Saga,
    sagas_per_s: float | None = None,
    keys: int | None = None,
    countermeasures=None,
    runs: int | None = None,
    seed: int | None = None,
    faults: Faults | None = None,
) -> pd.DataFrame:
    """A Poisson stream of concurrent sagas on shared records: what they see of each other.

    Sagas start at rate ``sagas_per_s``; each step writes one record of its
    service, drawn uniformly from ``keys`` records, at the moment its effect
    lands (its local transaction reads and writes it), and a compensation
    restores the record's before-image. Each run's timeline comes from
    :func:`simulate` with ``faults``; the countermeasures change what the
    other sagas see, not those timelines (a first-order model: a refused
    write is counted, not retried).

    Parameters
    ----------
    saga : Saga
    sagas_per_s : float, optional
        Arrival rate (default ``config.SAGAS_ISOLATION_RATE``).
    keys : int, optional
        Records per service (default ``config.SAGAS_ISOLATION_KEYS``, at most ``config.SAGAS_MAX_KEYS``).
    countermeasures : sequence of str, optional
        Names from ``COUNTERMEASURES`` (default: all of them).
    runs : int, optional
        Sagas in the stream (default ``config.SAGAS_ISOLATION_RUNS``).
    seed : int, optional
    faults : Faults, optional

    Returns
    -------
    DataFrame
        Indexed by countermeasure, per 1,000 sagas: ``dirty_reads`` (a
        step's transaction read a record holding another saga's effect that
        was later undone, by a compensation or by whoever settles a stuck
        saga), ``lost_updates`` (writes of other sagas erased when a
        compensation restored a record's before-image; whoever settles a
        stuck saga is assumed to undo by hand),
        ``out_of_order`` (a compensation reached a participant before a slow
        attempt of the action it undoes, so the late action would survive
        its undo), ``rejected_writes`` (writes refused because another saga
        held the record PENDING) and ``reread_conflicts`` (compensations
        that reread the record, found it changed and recomputed instead of
        overwriting). ``attrs``: runs, sagas_per_s, keys.

    Notes
    -----
    Richardson, *Microservices Patterns* (2018), section 4.3.1 (dirty reads
    and lost updates) and 4.3.2 (countermeasures): a *semantic lock* marks
    a record PENDING until the saga settles it, so no one reads or
    overwrites it (at the cost of refused writes); *commutative updates*
    compensate by an inverse delta instead of a before-image, so no update
    is erased; *reread value* checks the record is unchanged before
    overwriting it (an Optimistic Offline Lock), turning lost updates into
    detected conflicts; a *version file* records the operations on a record
    so that a compensation arriving before its action is applied in the
    right order.

    Examples
    --------
    >>> from kit.sagas import examples
    >>> a = anomalies(examples.travel_booking(p_permanent=0.1), sagas_per_s=50, keys=20, runs=4_000, seed=1)
    >>> bool(a.dirty_reads["none"] > 0), float(a.dirty_reads["semantic_lock"])
    (True, 0.0)
    """
    faults = check(saga, faults)
    rate, keys, chosen = _stream(sagas_per_s, keys, countermeasures)
    n = len(saga.steps)
    runs = _bounded_runs(runs, config.SAGAS_ISOLATION_RUNS, n, kk.OUT_COLS + n * (kk.W_COLS + 6))
    seed = resolve_seed(seed)
    _, steps, _, _ = _kernel(saga, faults, runs, seed, MODES[saga.mode], steps=True)
    writes, late, horizon = _writes(saga, steps, rate, keys, seed)
    _bound_conflicts(writes, horizon, rate, keys, len(saga.services))
    df = _countermeasure_table(writes, late, chosen) * (1000.0 / runs)
    df.attrs.update(runs=runs, sagas_per_s=rate, keys=keys, seed=seed)
    return df


def _stream(sagas_per_s, keys, countermeasures) -> tuple[float, int, list]:
    """anomalies()'s stream settings, checked, with their defaults from config."""
    rate = validate.positive(
        "sagas_per_s", config.SAGAS_ISOLATION_RATE if sagas_per_s is None else sagas_per_s
    )
    keys = validate.integer(
        "keys", config.SAGAS_ISOLATION_KEYS if keys is None else keys, 1, config.SAGAS_MAX_KEYS
    )
    chosen = COUNTERMEASURES if countermeasures is None else countermeasures
    if isinstance(chosen, str) or not isinstance(chosen, (list, tuple)) or not chosen:
        raise TypeError(f"countermeasures must be a non-empty list of names (got countermeasures={chosen!r})")
    for name in chosen:
        validate.choice("countermeasures", name, COUNTERMEASURES)
    return rate, keys, list(chosen)


def _countermeasure_table(writes, late: float, chosen: list) -> pd.DataFrame:
    """Counts per countermeasure: what each leaves of (dirty, lost, out of order) and what it costs."""
    plain = kk.anomalies(*writes, False).sum(axis=0)
    rejected = kk.anomalies(*writes, True)[:, kk.A_REJECTED].sum()
    dirty, lost = plain[kk.A_DIRTY], plain[kk.A_LOST]
    table = {
        "none": (dirty, lost, late, 0, 0),
        "semantic_lock": (0, 0, late, rejected, 0),
        "commutative_updates": (dirty, 0, late, 0, 0),
        "reread_value": (dirty, 0, late, 0, lost),
        "version_file": (dirty, lost, 0, 0, 0),
    }
    cols = ["dirty_reads", "lost_updates", "out_of_order", "rejected_writes", "reread_conflicts"]
    index = pd.Index(chosen, name="countermeasure")
    return pd.DataFrame([table[c] for c in chosen], index=index, columns=cols).astype(float)


def outcome_shares(runs: pd.DataFrame) -> pd.Series:
    """Fraction of runs per outcome, every outcome listed (zeros included).

    Parameters
    ----------
    runs : DataFrame
        With an ``outcome`` column (:func:`simulate`, :func:`simulate_2pc`).

    Returns
    -------
    Series
        Shares indexed by ``OUTCOMES`` (or ``OUTCOMES_2PC`` for 2PC runs), summing to 1.
    """
    if "outcome" not in getattr(runs, "columns", ()):
        raise TypeError("runs must be a DataFrame with an 'outcome' column")
    outcomes = runs.outcome.astype(str)
    order = OUTCOMES if set(outcomes.unique()) <= set(OUTCOMES) else OUTCOMES_2PC
    return outcomes.value_counts(normalize=True).reindex(order, fill_value=0.0)


# --- theory ----------------------------------------------------------------------------


def _need(value, cls, name: str):
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a kit.sagas.{cls.__name__} (got {type(value).__name__})")
    return value


def _attempt_limit(step: Step) -> int:
    if step.kind == "retriable":
        return max(step.attempts, config.SAGAS_PERSIST_ATTEMPTS)
    return step.attempts


def theory_p_step(step: Step) -> float:
    """P(a step succeeds within its attempts) = (1 - p - q) (1 - p^A) / (1 - p).

    Parameters
    ----------
    step : Step
        p = p_fail (transient, retried), q = p_permanent (ends the step),
        A = attempts (``config.SAGAS_PERSIST_ATTEMPTS`` at least for a retriable step).

    Returns
    -------
    float
        The first success comes at attempt k with probability p^(k-1) (1 - p - q).
        Valid when attempts never time out.
    """
    _need(step, Step, "step")
    p, q, A = step.p_fail, step.p_permanent, _attempt_limit(step)
    geometric = float(A) if p == 1.0 else (1.0 - p**A) / (1.0 - p)
    return (1.0 - p - q) * geometric


def theory_p_committed(saga: Saga) -> float:
    """P(committed) = product over steps of P(step succeeds), with independent failures.

    Parameters
    ----------
    saga : Saga

    Returns
    -------
    float
        With one attempt per step, the product of 1 - p_fail - p_permanent.
        Valid when nothing but the steps fails: no timeouts, no injected faults.

    Examples
    --------
    >>> from kit.sagas import Saga, Step
    >>> round(theory_p_committed(Saga([Step("a", p_fail=0.1, retry=1), Step("b", p_fail=0.2, retry=1)])), 3)
    0.72
    """
    _need(saga, Saga, "saga")
    return float(np.prod([theory_p_step(s) for s in saga.steps]))


def theory_expected_attempts(saga: Saga) -> float:
    """E[action attempts per run]: a truncated geometric per step, weighted by P(reaching it).

    Parameters
    ----------
    saga : Saga

    Returns
    -------
    float
        Attempt k of a step happens iff the first k-1 failed transiently:
        E[attempts] = sum_{k<A} p^k = (1 - p^A) / (1 - p). A group is reached
        only if every earlier group succeeded; within a group all steps run.
        Compensations and injected faults add attempts this ignores.
    """
    _need(saga, Saga, "saga")
    total, reach = 0.0, 1.0
    for g in saga.groups:
        for s in g:
            p, A = s.p_fail, _attempt_limit(s)
            total += reach * (float(A) if p == 1.0 else (1.0 - p**A) / (1.0 - p))
        reach *= float(np.prod([theory_p_step(s) for s in g]))
    return total


def theory_2pc_blocked_ms(saga: Saga, faults: Faults) -> float:
    """E[blocked time per 2PC transaction] = n crash_p / (1 - crash_p) E[downtime], in ms.

    Parameters
    ----------
    saga : Saga
        Its n steps are the participants.
    faults : Faults
        ``crash_p`` per attempt, ``downtime``.

    Returns
    -------
    float
        Expected ms, when every step succeeds and no message is lost: each
        participant's PREPARE round trip ends with the coordinator crashing
        before it handles the YES vote with probability crash_p, and again
        after each resend (crash_p / (1 - crash_p) crashes on average), each
        leaving that participant in doubt for a whole downtime (Bernstein
        et al. 1987, section 7.4). Crashes in the decision round come after
        the participant has the decision and block nothing.
    """
    _need(saga, Saga, "saga")
    _need(faults, Faults, "faults")
    c = faults.crash_p
    return len(saga.steps) * c / (1.0 - c) * float(faults.downtime.mean)


def theory_dual_write_half_done(saga: Saga, faults: Faults) -> float:
    """P(a saga loses an event) with dual writes = 1 - (1 - crash_p)^n for its n steps.

    Parameters
    ----------
    saga : Saga
    faults : Faults

    Returns
    -------
    float
        Each step commits locally then publishes; a crash in between loses
        that event, independently per step. With an outbox the answer is 0.
    """
    _need(saga, Saga, "saga")
    _need(faults, Faults, "faults")
    return 1.0 - (1.0 - faults.crash_p) ** len(saga.steps)


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types.

    Returns
    -------
    None
    """
    from .examples import travel_booking

    saga = travel_booking()
    trace(saga, runs=1, seed=0)
    simulate(saga, runs=2, seed=0)
    simulate_2pc(saga, runs=2, seed=0)
    # the parallel kernel, which only runs of config.SAGAS_PARALLEL_MIN_RUNS and more take
    kk.simulate_parallel(
        pack(saga, Faults(), kk.TWO_PC), 2, stream_seeds(0, 1), 0, config.SAGAS_TRACE_ROWS, False
    )
    simulate_outbox(saga, runs=2, seed=0)
    anomalies(saga, runs=2, seed=0)
