"""Sagas and their alternatives, simulated: the public functions.

A saga (Garcia-Molina & Salem, "Sagas", SIGMOD 1987) replaces one
distributed ACID transaction by a sequence of local transactions, each with
a compensating transaction that semantically undoes it. It never blocks on
a coordinator, but it gives up isolation: other transactions can see its
intermediate states. :func:`simulate` runs a saga many times under injected
faults; :func:`simulate_2pc` runs the same steps as one two-phase commit;
:func:`simulate_outbox` counts what dual writes lose; :func:`anomalies`
shows a dirty read and its countermeasure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import resolve_seed, stream_seeds
from . import _kernels as K
from .model import Faults, Saga, pack

OUTCOMES = ("committed", "compensated", "stuck")
OUTCOMES_2PC = ("committed", "aborted")
PROTOCOLS = ("orchestration", "choreography", "2pc")
TRACE_KINDS = ("action", "compensation", "message", "timeout", "down")
TRACE_RESULTS = ("applied", "replayed", "failed", "permanent", "lost")


def _runs(runs: int | None) -> int:
    return validate.integer("runs", config.SAGAS_RUNS if runs is None else runs, 1, config.SAGAS_MAX_RUNS)


def _check(saga, faults) -> Faults:
    if not isinstance(saga, Saga):
        raise ValueError(f"saga must be a kit.sagas.Saga (got {type(saga).__name__})")
    if faults is None:
        return Faults()
    if not isinstance(faults, Faults):
        raise ValueError(f"faults must be a kit.sagas.Faults (got {type(faults).__name__})")
    return faults


def _kernel_runs(saga: Saga, runs: int, seed: int, faults: Faults, n_trace: int):
    p = pack(saga, faults)
    seeds = stream_seeds(seed, -(-runs // K.CHUNK))
    return K.simulate_sagas(
        p.mode,
        config.SAGAS_FORWARD_ATTEMPTS,
        p.SF,
        p.SI,
        p.starts,
        p.specs,
        p.FF,
        p.FI,
        runs,
        seeds,
        n_trace,
        config.SAGAS_TRACE_ROWS,
    )


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
        Executions (default ``config.SAGAS_RUNS``).
    seed : int, optional
        Same seed, same runs (run i is the same whatever ``runs`` is).
    faults : Faults, optional
        Injected faults beyond each step's own failures (default: none).
    mode : {"orchestration", "choreography"}, optional
        Overrides ``saga.mode``.

    Returns
    -------
    DataFrame with columns
        ``outcome`` ("committed": every step done; "compensated": every
        step that was or may have been done is undone, in reverse order;
        "stuck": a step that cannot be undone is done, or a compensation
        failed for good: a person must step in), ``latency_ms`` (until the
        saga knows its outcome), ``messages``, ``retries`` (attempts after
        the first, compensations and resends included), ``duplicates``
        (side effects done more than once), ``crashes``,
        ``compensations``, ``time_to_consistency_ms`` (all effects or
        none visible; inf when stuck), ``inconsistency_ms`` (from the first
        effect visible to that moment), ``dirty_ms`` (how long effects that
        were later undone stayed visible, summed over steps) and
        ``pending_ms`` (how long effects stayed visible before the saga's
        outcome settled them, summed over steps).

    Notes
    -----
    Garcia-Molina & Salem 1987, section 2 (a saga commits all of
    T1..Tn or runs T1..Tj then Cj..C1); Richardson, *Microservices
    Patterns* (2018), section 4.3.2 (compensatable, pivot and retriable
    transactions). A timeout leaves a step's effect unknown, so the saga
    compensates it too (a compensation of nothing is a no-op).

    Example
    -------
    >>> from kit.sagas import examples
    >>> runs = simulate(examples.travel_booking(), runs=2_000, seed=1, faults=Faults(crash_p=0.05))
    >>> set(runs.outcome) <= {"committed", "compensated", "stuck"}, bool(runs.crashes.sum() > 0)
    (True, True)
    """
    faults = _check(saga, faults)
    if mode is not None:
        saga = saga.with_mode(mode)
    runs = _runs(runs)
    seed = resolve_seed(seed)
    out, _, _ = _kernel_runs(saga, runs, seed, faults, 0)
    df = pd.DataFrame(
        {
            "outcome": pd.Categorical.from_codes(out[:, K.O_OUTCOME].astype(np.int64), OUTCOMES),
            "latency_ms": out[:, K.O_LATENCY],
            "messages": out[:, K.O_MESSAGES].astype(np.int64),
            "retries": out[:, K.O_RETRIES].astype(np.int64),
            "duplicates": out[:, K.O_DUPLICATES].astype(np.int64),
            "crashes": out[:, K.O_CRASHES].astype(np.int64),
            "compensations": out[:, K.O_COMPENSATIONS].astype(np.int64),
            "time_to_consistency_ms": out[:, K.O_TTC],
            "inconsistency_ms": out[:, K.O_WINDOW],
            "dirty_ms": out[:, K.O_DIRTY],
            "pending_ms": out[:, K.O_PENDING],
        }
    )
    df.attrs.update(saga=saga.name, mode=saga.mode, seed=seed)
    return df


def trace(
    saga: Saga,
    runs: int | None = None,
    seed: int | None = None,
    faults: Faults | None = None,
    mode: str | None = None,
) -> pd.DataFrame:
    """Every event of the first ``runs`` runs of :func:`simulate` with the same seed.

    One row per event: ``run``, ``kind`` (action, compensation, message,
    timeout, down), ``step``, ``t0_ms``, ``t1_ms``, ``result`` (applied,
    replayed, failed, permanent, lost), ``attempt`` (0 is the first try),
    ``src`` and ``dst`` (service names, "coordinator" for the orchestrator,
    "initiator" for whoever starts a choreography). ``attrs["truncated"]`` lists runs
    with more than ``config.SAGAS_TRACE_ROWS`` events, whose tail is cut.

    Example
    -------
    >>> from kit.sagas import examples
    >>> t = trace(examples.travel_booking(), runs=1, seed=1)
    >>> bool((t.kind == "action").any())
    True
    """
    faults = _check(saga, faults)
    if mode is not None:
        saga = saga.with_mode(mode)
    runs = validate.integer("runs", config.SAGAS_TRACE_RUNS if runs is None else runs, 1, 1_000)
    seed = resolve_seed(seed)
    _, tr, tl = _kernel_runs(saga, runs, seed, faults, runs)
    rows = np.concatenate([tr[i, : tl[i, 0]] for i in range(runs)]) if runs else np.zeros((0, 8))
    run_ids = np.repeat(np.arange(runs), tl[:, 0])
    names = [*saga.services, "coordinator" if saga.mode == "orchestration" else "initiator"]
    steps = [s.name for s in saga.steps]
    df = pd.DataFrame(
        {
            "run": run_ids,
            "kind": pd.Categorical.from_codes(rows[:, 0].astype(np.int64), TRACE_KINDS),
            "step": [steps[int(i)] for i in rows[:, 1]],
            "t0_ms": rows[:, 2],
            "t1_ms": rows[:, 3],
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
    """The same steps as one distributed transaction under two-phase commit.

    Returns a DataFrame, one row per run: ``outcome`` ("committed" or
    "aborted": any NO vote or missing vote aborts all), ``latency_ms`` (when
    the decision is taken), ``messages``, ``lock_ms`` (longest time a
    participant held its locks, from PREPARE to the decision),
    ``blocked_ms`` (time participants spent in doubt while the coordinator
    was down), ``inconsistency_ms`` (spread of the moments participants
    commit) and ``crashed``.

    Notes
    -----
    Bernstein, Hadzilacos & Goodman, *Concurrency Control and Recovery in
    Database Systems* (1987), section 7.4: a participant that voted YES may
    neither commit nor abort on its own until it hears the decision, so a
    coordinator down between the phases blocks it with its locks held. In
    expectation the blocked time per transaction is crash_p x E[downtime]
    (:func:`theory_2pc_blocked_ms`). Participants retry their local work
    within the prepare phase by their step's retry policy; a vote later
    than the step's timeout counts as NO.

    Example
    -------
    >>> from kit.sagas import examples
    >>> t = simulate_2pc(examples.travel_booking(), runs=1_000, seed=1, faults=Faults(crash_p=0.1))
    >>> bool(t.blocked_ms.max() > 0)
    True
    """
    faults = _check(saga, faults)
    runs = _runs(runs)
    seed = resolve_seed(seed)
    p = pack(saga, faults)
    out = K.simulate_2pc(p.SF, p.SI, p.specs, p.FF, p.FI, runs, stream_seeds(seed, -(-runs // K.CHUNK)))
    df = pd.DataFrame(
        {
            "outcome": pd.Categorical.from_codes(out[:, 0].astype(np.int64), OUTCOMES_2PC),
            "latency_ms": out[:, 1],
            "messages": out[:, 2].astype(np.int64),
            "lock_ms": out[:, 3],
            "blocked_ms": out[:, 4],
            "inconsistency_ms": out[:, 5],
            "crashed": out[:, 6].astype(bool),
        }
    )
    df.attrs.update(saga=saga.name, mode="2pc", seed=seed)
    return df


def compare(
    saga: Saga, runs: int | None = None, seed: int | None = None, faults: Faults | None = None
) -> pd.DataFrame:
    """Orchestration, choreography and 2PC on the same steps and faults, stacked.

    One row per run and protocol: ``protocol``, ``outcome``, ``latency_ms``,
    ``messages``, ``inconsistency_ms``, ``duplicates`` (0 for 2PC, which
    does not retry across services) and ``lock_ms`` (0 for sagas: they hold
    no locks across steps).

    Example
    -------
    >>> from kit.sagas import examples
    >>> c = compare(examples.travel_booking(), runs=500, seed=2)
    >>> sorted(c.protocol.unique())
    ['2pc', 'choreography', 'orchestration']
    """
    faults = _check(saga, faults)
    cols = ["protocol", "outcome", "latency_ms", "messages", "inconsistency_ms", "duplicates", "lock_ms"]
    frames = []
    for mode in ("orchestration", "choreography"):
        df = simulate(saga, runs, seed, faults, mode=mode)
        frames.append(df.assign(protocol=mode, lock_ms=0.0, outcome=df.outcome.astype(str))[cols])
    tpc = simulate_2pc(saga, runs, seed, faults)
    frames.append(tpc.assign(protocol="2pc", duplicates=0, outcome=tpc.outcome.astype(str))[cols])
    out = pd.concat(frames, ignore_index=True)
    out["protocol"] = pd.Categorical(out.protocol, PROTOCOLS)
    return out


def simulate_outbox(
    saga: Saga,
    runs: int | None = None,
    seed: int | None = None,
    faults: Faults | None = None,
    outbox: bool = True,
    idempotent_consumers: bool = True,
) -> pd.DataFrame:
    """Events of a saga's steps published by dual write or through a transactional outbox.

    Every step commits locally and publishes one event. With ``faults``:
    ``crash_p`` (a crash right after the local commit), ``loss_p`` (the
    broker's acknowledgement is lost, so the producer publishes again) and
    ``dup_p`` (the broker delivers twice). Returns one row per run:
    ``lost`` (events never published), ``duplicate_deliveries``,
    ``duplicate_effects`` (deliveries acted on more than once) and
    ``half_done`` (an event was lost: the saga stops silently, with no one
    left to compensate).

    Notes
    -----
    Richardson, *Microservices Patterns* (2018), section 3.3.7: the
    transactional outbox writes the event in the same local transaction as
    the data, so it cannot be lost; the relay may publish it twice, which an
    idempotent consumer (deduplicating on the event id) absorbs. Without an
    outbox P(a run loses no event) = (1 - crash_p)^n for n steps.

    Example
    -------
    >>> from kit.sagas import examples
    >>> f = Faults(crash_p=0.05)
    >>> dual = simulate_outbox(examples.travel_booking(), 5_000, seed=1, faults=f, outbox=False)
    >>> safe = simulate_outbox(examples.travel_booking(), 5_000, seed=1, faults=f)
    >>> bool(dual.lost.sum() > 0), int(safe.lost.sum()), int(safe.duplicate_effects.sum())
    (True, 0, 0)
    """
    faults = _check(saga, faults)
    runs = _runs(runs)
    seed = resolve_seed(seed)
    for name, value in (("outbox", outbox), ("idempotent_consumers", idempotent_consumers)):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False (got {name}={value!r})")
    out = K.simulate_outbox(
        len(saga.steps),
        faults.crash_p,
        faults.loss_p,
        faults.dup_p,
        bool(outbox),
        bool(idempotent_consumers),
        runs,
        stream_seeds(seed, -(-runs // K.CHUNK)),
    )
    return pd.DataFrame(
        {
            "lost": out[:, 0],
            "duplicate_deliveries": out[:, 1],
            "duplicate_effects": out[:, 2],
            "half_done": out[:, 3].astype(bool),
        }
    )


COUNTERMEASURES = ("none", "semantic_lock")


def anomalies(
    runs: pd.DataFrame, reads_per_s: float, countermeasure: str = "none", seed: int | None = None
) -> pd.DataFrame:
    """Other transactions reading a saga's records while it runs: the dirty read and its cure.

    Readers arrive as a Poisson process of rate ``reads_per_s`` on each
    record a saga writes. Without isolation a reader that arrives while an
    effect is visible but will be undone (``runs.dirty_ms``) reads dirty
    data: a room shown as taken that is released a moment later.
    With a *semantic lock* (Richardson 2018, section 4.3.2: the record is
    marked PENDING until the saga settles it) no read is dirty, but every
    reader that meets a pending record (``runs.pending_ms``) must wait or
    retry: it is rejected instead.

    Returns one row per saga run: ``dirty_reads`` and ``rejected_reads``.
    In expectation dirty_reads = reads_per_s x dirty_ms / 1000.

    Example
    -------
    >>> from kit.sagas import examples
    >>> r = simulate(examples.travel_booking(p_permanent=0.1), runs=2_000, seed=1)
    >>> a = anomalies(r, reads_per_s=50, seed=1)
    >>> b = anomalies(r, reads_per_s=50, countermeasure="semantic_lock", seed=1)
    >>> bool(a.dirty_reads.sum() > 0), int(b.dirty_reads.sum()), bool(b.rejected_reads.sum() > 0)
    (True, 0, True)
    """
    if not isinstance(runs, pd.DataFrame) or not {"dirty_ms", "pending_ms"} <= set(runs.columns):
        raise ValueError("runs must be the DataFrame returned by kit.sagas.simulate")
    lam = validate.number("reads_per_s", reads_per_s, 0.0) / 1000.0
    validate.choice("countermeasure", countermeasure, COUNTERMEASURES)
    rng = np.random.default_rng(resolve_seed(seed))
    if countermeasure == "none":
        dirty = rng.poisson(lam * runs.dirty_ms.to_numpy())
        rejected = np.zeros_like(dirty)
    else:
        rejected = rng.poisson(lam * runs.pending_ms.to_numpy())
        dirty = np.zeros_like(rejected)
    return pd.DataFrame({"dirty_reads": dirty, "rejected_reads": rejected})


def outcome_shares(runs: pd.DataFrame) -> pd.Series:
    """Fraction of runs per outcome, every outcome listed (zeros included)."""
    if "outcome" not in getattr(runs, "columns", ()):
        raise ValueError("runs must be a DataFrame with an 'outcome' column")
    return (
        runs.outcome.astype(str)
        .value_counts(normalize=True)
        .reindex(OUTCOMES if set(runs.outcome.astype(str)) <= set(OUTCOMES) else OUTCOMES_2PC, fill_value=0.0)
    )


# --- theory ----------------------------------------------------------------------------


def _only_saga(saga, what: str) -> None:
    if not isinstance(saga, Saga):
        raise ValueError(f"saga must be a kit.sagas.Saga to compute {what} (got {type(saga).__name__})")


def _attempt_limit(step) -> int:
    if step.kind == "retriable":
        return max(step.retry.attempts, config.SAGAS_FORWARD_ATTEMPTS)
    return step.retry.attempts


def theory_p_step(step) -> float:
    """P(a step succeeds within its attempts) = (1 - p - q) (1 - p^A) / (1 - p).

    p = p_fail (transient, retried), q = p_permanent (ends the step), A =
    attempts: the first success comes at attempt k with probability
    p^(k-1) (1 - p - q). Valid when attempts never time out.
    """
    p, q, A = step.p_fail, step.p_permanent, _attempt_limit(step)
    geometric = float(A) if p == 1.0 else (1.0 - p**A) / (1.0 - p)
    return (1.0 - p - q) * geometric


def theory_p_committed(saga: Saga) -> float:
    """P(committed) = product over steps of P(step succeeds), with independent failures.

    With one attempt per step this is the product of 1 - p_fail - p_permanent.
    Valid when nothing but the steps fails: no timeouts, no injected faults.

    Example
    -------
    >>> from kit.sagas import Saga, Step
    >>> round(theory_p_committed(Saga([Step("a", p_fail=0.1, retry=1), Step("b", p_fail=0.2, retry=1)])), 3)
    0.72
    """
    _only_saga(saga, "theory_p_committed")
    return float(np.prod([theory_p_step(s) for s in saga.steps]))


def theory_expected_attempts(saga: Saga) -> float:
    """E[action attempts per run]: a truncated geometric per step, weighted by P(reaching it).

    Attempt k of a step happens iff the first k-1 failed transiently:
    E[attempts] = sum_{k<A} p^k = (1 - p^A) / (1 - p). A group is reached
    only if every earlier group succeeded; within a group all steps run.
    Compensations and injected faults add attempts this formula ignores.
    """
    _only_saga(saga, "theory_expected_attempts")
    total, reach = 0.0, 1.0
    for g in saga.groups:
        for s in g:
            p, A = s.p_fail, _attempt_limit(s)
            total += reach * (float(A) if p == 1.0 else (1.0 - p**A) / (1.0 - p))
        reach *= float(np.prod([theory_p_step(s) for s in g]))
    return total


def theory_2pc_blocked_ms(faults: Faults) -> float:
    """E[blocked time per 2PC transaction] = crash_p x E[downtime], when participants vote YES.

    A crash between the phases leaves every YES voter in doubt for exactly
    the coordinator's downtime (Bernstein et al. 1987, section 7.4).
    """
    if not isinstance(faults, Faults):
        raise ValueError(f"faults must be a kit.sagas.Faults (got {type(faults).__name__})")
    return faults.crash_p * float(faults.downtime.mean)


def theory_dual_write_half_done(saga: Saga, faults: Faults) -> float:
    """P(a saga loses an event) with dual writes = 1 - (1 - crash_p)^n for its n steps.

    Each step commits locally then publishes; a crash in between loses that
    event, independently per step. With an outbox the answer is 0.
    """
    _only_saga(saga, "theory_dual_write_half_done")
    if not isinstance(faults, Faults):
        raise ValueError(f"faults must be a kit.sagas.Faults (got {type(faults).__name__})")
    return 1.0 - (1.0 - faults.crash_p) ** len(saga.steps)


def warm() -> None:
    """Compile (or load from cache) every kernel of this topic with its real types."""
    from .examples import travel_booking

    saga = travel_booking()
    trace(saga, runs=1, seed=0)
    simulate(saga, runs=2, seed=0)
    simulate_2pc(saga, runs=2, seed=0)
    simulate_outbox(saga, runs=2, seed=0)
