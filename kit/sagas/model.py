"""The saga DSL: steps, retry policies, parallel groups, sagas and faults.

A learner writes a saga in one cell::

    from kit.sagas import Saga, Step, parallel
    trip = Saga([
        Step("reserve flight", service="flights", action=80, p_fail=0.02),
        parallel(Step("reserve hotel", service="hotels", action=60),
                 Step("reserve car", service="cars", action=40)),
        Step("charge card", service="payments", kind="pivot", p_permanent=0.05, idempotent=True),
        Step("confirm", service="bookings", kind="retriable", idempotent=True),
    ], mode="orchestration")

A latency is a kit distribution (``kit.core.rng``) or a number, read as the
median of a log-normal with spread ``config.SAGAS_SIGMA``. Step kinds follow
Richardson, *Microservices Patterns* (Manning 2018), section 4.3.2:
compensatable steps can be undone, the pivot is the go/no-go point, and
retriable steps after it must eventually succeed.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import Dist, Exponential, LogNormal
from . import _kernels as K

KINDS = {"compensatable": K.COMPENSATABLE, "pivot": K.PIVOT, "retriable": K.RETRIABLE}
MODES = {"orchestration": K.ORCHESTRATION, "choreography": K.CHOREOGRAPHY}
JITTERS = {"none": K.NO_JITTER, "full": K.FULL_JITTER, "equal": K.EQUAL_JITTER}
MAX_ATTEMPTS = 1_000


def latency(name: str, value, median_default: float | None = None) -> Dist:
    """A latency distribution from a Dist, or from a number read as a median in ms."""
    if value is None:
        value = median_default
    if isinstance(value, Dist):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a kit distribution or a median in ms (got {name}={value!r})")
    return LogNormal.from_median(validate.positive(name, value), config.SAGAS_SIGMA)


@dataclass(frozen=True)
class Retry:
    """How a caller retries one step: ``attempts`` tries in all, capped exponential backoff.

    The wait before retry k is ``min(cap_ms, base_ms * multiplier^(k-1))``,
    with ``jitter`` "full" (uniform on [0, wait]), "equal" (half fixed, half
    uniform) or "none" (Brooker, "Exponential Backoff and Jitter", AWS
    Architecture Blog, 2015). Unset fields come from ``kit.config``.
    """

    attempts: int | None = None
    base_ms: float | None = None
    multiplier: float | None = None
    cap_ms: float | None = None
    jitter: str | None = None

    def __post_init__(self):
        def fill(field, default):
            value = getattr(self, field)
            object.__setattr__(self, field, default if value is None else value)

        fill("attempts", config.SAGAS_ATTEMPTS)
        fill("base_ms", config.SAGAS_BACKOFF_BASE_MS)
        fill("multiplier", config.SAGAS_BACKOFF_MULTIPLIER)
        fill("cap_ms", config.SAGAS_BACKOFF_CAP_MS)
        fill("jitter", config.SAGAS_JITTER)
        validate.integer("attempts", self.attempts, 1, MAX_ATTEMPTS)
        validate.number("base_ms", self.base_ms, 0.0)
        validate.number("multiplier", self.multiplier, 1.0)
        validate.number("cap_ms", self.cap_ms, 0.0)
        validate.choice("jitter", self.jitter, JITTERS)


@dataclass(frozen=True)
class Step:
    """One local transaction of a saga and its compensation.

    Parameters
    ----------
    name : str
        Unique within the saga.
    service : str, optional
        Who runs it (default: the name). Steps of one service share a row in the Gantt.
    action, compensation : Dist or float, optional
        Latency of one attempt in ms (a number is a log-normal median).
        ``compensation`` defaults to the action's latency; only a
        compensatable step has one.
    p_fail : float
        Probability that one attempt fails transiently (a retry may succeed).
    p_permanent : float
        Probability that one attempt fails for good (no seat left, card
        declined): retrying is pointless, the saga must compensate.
    timeout_ms : float, optional
        How long the caller waits for an attempt; after that its effect is
        *unknown* (``config.SAGAS_TIMEOUT_MS``).
    retry : Retry or int, optional
        Retry policy, or just the number of attempts.
    idempotent : bool
        Whether a repeated request (same idempotency key) is recognised and
        answered without doing the work again.
    kind : {"compensatable", "pivot", "retriable"}
        A retriable step is retried up to ``config.SAGAS_FORWARD_ATTEMPTS``
        times whatever its retry policy: after the pivot the saga can only
        go forward.
    """

    name: str
    service: str | None = None
    action: Dist | float | None = None
    compensation: Dist | float | None = None
    p_fail: float = 0.0
    p_permanent: float = 0.0
    timeout_ms: float | None = None
    retry: Retry | int | None = None
    idempotent: bool = False
    kind: str = "compensatable"

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string (got name={self.name!r})")
        set_ = object.__setattr__
        set_(self, "service", self.name if self.service is None else str(self.service))
        validate.choice("kind", self.kind, KINDS)
        set_(self, "action", latency("action", self.action, config.SAGAS_ACTION_MS))
        if self.compensation is not None:
            if self.kind != "compensatable":
                raise ValueError(
                    f"step {self.name!r} is a {self.kind} step: it has no compensation "
                    "(only compensatable steps can be undone)"
                )
            set_(self, "compensation", latency("compensation", self.compensation))
        validate.probability("p_fail", self.p_fail)
        validate.probability("p_permanent", self.p_permanent)
        if self.p_fail + self.p_permanent > 1.0:
            raise ValueError(
                f"p_fail + p_permanent must be at most 1 (got {self.p_fail:g} + {self.p_permanent:g})"
            )
        if self.kind == "retriable" and self.p_permanent > 0:
            raise ValueError(
                f"step {self.name!r} is retriable, so it cannot fail permanently "
                f"(got p_permanent={self.p_permanent:g}); make it compensatable or the pivot"
            )
        timeout = config.SAGAS_TIMEOUT_MS if self.timeout_ms is None else self.timeout_ms
        set_(self, "timeout_ms", validate.positive("timeout_ms", timeout))
        retry = self.retry
        if retry is None or (isinstance(retry, int) and not isinstance(retry, bool)):
            retry = Retry(attempts=retry)
        if not isinstance(retry, Retry):
            raise ValueError(f"retry must be a Retry or a number of attempts (got retry={retry!r})")
        set_(self, "retry", retry)
        if not isinstance(self.idempotent, (bool, np.bool_)):
            raise ValueError(f"idempotent must be True or False (got idempotent={self.idempotent!r})")

    @property
    def compensation_latency(self) -> Dist | None:
        """What undoing this step takes, or None if it cannot be undone."""
        if self.kind != "compensatable":
            return None
        return self.action if self.compensation is None else self.compensation

    @property
    def p_success(self) -> float:
        """P(one attempt succeeds) = 1 - p_fail - p_permanent."""
        return 1.0 - self.p_fail - self.p_permanent

    def replace(self, **changes) -> Step:
        """A copy with some fields changed (``step.replace(idempotent=True)``)."""
        return dataclasses.replace(self, **changes)


class Parallel(tuple):
    """Steps that run at the same time; the saga goes on when all have answered."""


def parallel(*steps: Step) -> Parallel:
    """Group steps to run in parallel: ``parallel(Step("hotel"), Step("car"))``."""
    if len(steps) < 1 or not all(isinstance(s, Step) for s in steps):
        raise ValueError("parallel() takes one or more Step objects")
    return Parallel(steps)


class Saga:
    """An ordered list of steps (or parallel groups), run as orchestration or choreography.

    ``mode="orchestration"``: a coordinator sends each step a command and
    waits for the reply; it logs its progress, so after a crash it resumes
    from the log and resends the command it had no answer to.
    ``mode="choreography"``: no coordinator; each service reacts to the
    previous steps' events, delivered by a broker at least once (late,
    sometimes twice), and publishes its own through a transactional outbox.
    """

    def __init__(self, steps, mode: str = "orchestration", name: str = "saga"):
        if isinstance(steps, (Step, str)) or not hasattr(steps, "__iter__"):
            raise ValueError("steps must be a list of Step objects and parallel(...) groups")
        groups = []
        for item in steps:
            if isinstance(item, Step):
                groups.append((item,))
            elif isinstance(item, (tuple, list)) and item and all(isinstance(s, Step) for s in item):
                groups.append(tuple(item))
            else:
                raise ValueError(f"steps must hold Step objects or parallel(...) groups (got {item!r})")
        if not groups:
            raise ValueError("a saga needs at least one step")
        self.groups: tuple[tuple[Step, ...], ...] = tuple(groups)
        self.steps: tuple[Step, ...] = tuple(s for g in groups for s in g)
        names = [s.name for s in self.steps]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"step names must be unique (repeated: {', '.join(repeated)})")
        pivots = [s.name for s in self.steps if s.kind == "pivot"]
        if len(pivots) > 1:
            raise ValueError(f"a saga has at most one pivot (got {', '.join(pivots)})")
        self.mode = validate.choice("mode", mode, MODES)
        self.name = str(name)

    def __repr__(self):
        parts = [" | ".join(s.name for s in g) for g in self.groups]
        return f"Saga({self.name!r}, {self.mode}: " + " -> ".join(parts) + ")"

    def __eq__(self, other):
        return isinstance(other, Saga) and (self.groups, self.mode) == (other.groups, other.mode)

    def __hash__(self):
        return hash((self.groups, self.mode))

    @property
    def services(self) -> list[str]:
        """Services in order of first appearance."""
        return list(dict.fromkeys(s.service for s in self.steps))

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise ValueError(f"no step named {name!r} (steps: {', '.join(s.name for s in self.steps)})")

    def with_mode(self, mode: str) -> Saga:
        return Saga(self.groups, mode=mode, name=self.name)

    def replace(self, only: str | None = None, **changes) -> Saga:
        """A copy with ``changes`` applied to every step, or to the step named ``only``.

        ``p_permanent`` leaves retriable steps alone: they cannot fail for good.
        """
        if only is not None:
            self.step(only)

        def change(s: Step) -> Step:
            if only not in (None, s.name):
                return s
            mine = {k: v for k, v in changes.items() if not (k == "p_permanent" and s.kind == "retriable")}
            return s.replace(**mine)

        return Saga([tuple(change(s) for s in g) for g in self.groups], mode=self.mode, name=self.name)

    def scaled(self, factor: float) -> Saga:
        """Every step's failure probabilities times ``factor`` (capped so each attempt can succeed).

        The app's "failure rates" slider: ``factor=2`` doubles every step's
        p_fail and p_permanent, keeping their ratio.
        """
        factor = validate.number("factor", factor, 0.0, 100.0)

        def scale(s: Step) -> Step:
            total = (s.p_fail + s.p_permanent) * factor
            shrink = min(1.0, 0.95 / total) if total > 0 else 1.0
            return s.replace(p_fail=s.p_fail * factor * shrink, p_permanent=s.p_permanent * factor * shrink)

        return Saga([tuple(scale(s) for s in g) for g in self.groups], mode=self.mode, name=self.name)

    def problems(self) -> list[str]:
        """What breaks Richardson's structure: compensatable steps, then the pivot, then retriable ones.

        An empty list means every failure can be handled without a person:
        before the pivot the saga can go back, after it the saga can only go
        forward, so nothing after the pivot may fail for good.
        """
        found = []
        pivot_at = next((i for i, g in enumerate(self.groups) for s in g if s.kind == "pivot"), None)
        for i, g in enumerate(self.groups):
            for s in g:
                before = pivot_at is None or i < pivot_at
                if s.kind == "retriable" and before and pivot_at is not None:
                    found.append(
                        f"{s.name!r} is retriable but runs before the pivot: "
                        "if the pivot fails it cannot be undone"
                    )
                if s.kind == "compensatable" and pivot_at is not None and i > pivot_at:
                    found.append(
                        f"{s.name!r} is compensatable but runs after the pivot: if it fails, "
                        "the pivot cannot be undone"
                    )
                if s.kind == "pivot" and len(g) > 1:
                    found.append(f"the pivot {s.name!r} runs in parallel with other steps")
        return list(dict.fromkeys(found))

    def to_frame(self) -> pd.DataFrame:
        """One row per step: what a learner wrote, resolved with the defaults."""
        rows = []
        for gi, g in enumerate(self.groups):
            for s in g:
                comp = s.compensation_latency
                rows.append(
                    {
                        "group": gi,
                        "step": s.name,
                        "service": s.service,
                        "kind": s.kind,
                        "action_mean_ms": s.action.mean,
                        "compensation_mean_ms": comp.mean if comp is not None else math.nan,
                        "p_fail": s.p_fail,
                        "p_permanent": s.p_permanent,
                        "timeout_ms": s.timeout_ms,
                        "attempts": s.retry.attempts,
                        "idempotent": bool(s.idempotent),
                    }
                )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class Faults:
    """Faults injected around the steps (step failures themselves are part of each Step).

    Parameters
    ----------
    loss_p : float
        A message (command, reply, event delivery) is lost. A lost command
        or reply is a timeout for the caller; a lost delivery is resent by
        the broker after ``redeliver_ms``.
    dup_p : float
        A message is delivered twice (a non-idempotent receiver acts twice).
    crash_p : float
        Orchestration: the coordinator crashes while waiting for a reply
        (per command). Choreography: a service crashes between its local
        commit and publishing its event. Either comes back after ``downtime``.
    comp_fail_p, comp_permanent_p : float
        A compensation attempt fails transiently (retried) or for good (the
        saga is stuck and needs a person).
    network, broker : Dist or float, optional
        One-way network delay and broker delivery delay, ms (numbers are medians).
    downtime : Dist or float, optional
        How long a crash lasts, ms (a number is the mean of an exponential).
    redeliver_ms : float, optional
        Broker's redelivery delay for an unacknowledged message.
    """

    loss_p: float = 0.0
    dup_p: float = 0.0
    crash_p: float = 0.0
    comp_fail_p: float = 0.0
    comp_permanent_p: float = 0.0
    network: Dist | float | None = None
    broker: Dist | float | None = None
    downtime: Dist | float | None = None
    redeliver_ms: float | None = None

    def __post_init__(self):
        # each bound leaves a retry loop a real chance to end
        validate.number("loss_p", self.loss_p, 0.0, 0.9)
        validate.probability("dup_p", self.dup_p)
        validate.number("crash_p", self.crash_p, 0.0, 0.9)
        validate.probability("comp_fail_p", self.comp_fail_p)
        validate.probability("comp_permanent_p", self.comp_permanent_p)
        if self.comp_fail_p + self.comp_permanent_p > 1.0:
            raise ValueError("comp_fail_p + comp_permanent_p must be at most 1")
        set_ = object.__setattr__
        set_(self, "network", latency("network", self.network, config.SAGAS_NETWORK_MS))
        set_(self, "broker", latency("broker", self.broker, config.SAGAS_BROKER_MS))
        down = config.SAGAS_DOWNTIME_MS if self.downtime is None else self.downtime
        if not isinstance(down, Dist):
            down = Exponential(validate.positive("downtime", down))
        set_(self, "downtime", down)
        redeliver = config.SAGAS_REDELIVER_MS if self.redeliver_ms is None else self.redeliver_ms
        set_(self, "redeliver_ms", validate.positive("redeliver_ms", redeliver))

    def replace(self, **changes) -> Faults:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Packed:
    """A saga and its faults as the kernels' arrays."""

    mode: int
    SF: np.ndarray
    SI: np.ndarray
    starts: np.ndarray
    specs: np.ndarray
    FF: np.ndarray
    FI: np.ndarray


def pack(saga: Saga, faults: Faults) -> Packed:
    """Flatten a saga and its faults into the kernels' arrays (see ``_kernels``)."""
    specs: list[np.ndarray] = []
    size = 0

    def add(dist: Dist) -> tuple[int, int]:
        nonlocal size
        spec = dist.spec
        specs.append(spec)
        size += spec.size
        return size - spec.size, spec.size

    services = saga.services
    n = len(saga.steps)
    SF = np.zeros((n, K.SF_COLS))
    SI = np.zeros((n, K.SI_COLS), np.int64)
    starts = np.zeros(len(saga.groups) + 1, np.int64)
    i = 0
    for gi, g in enumerate(saga.groups):
        starts[gi] = i
        for s in g:
            SF[i, [K.P_FAIL, K.P_PERM, K.TIMEOUT]] = s.p_fail, s.p_permanent, s.timeout_ms
            SF[i, [K.BASE, K.MULT, K.CAP]] = s.retry.base_ms, s.retry.multiplier, s.retry.cap_ms
            SI[i, K.ATTEMPTS] = s.retry.attempts
            SI[i, K.JITTER] = JITTERS[s.retry.jitter]
            SI[i, K.IDEM] = int(bool(s.idempotent))
            SI[i, K.KIND] = KINDS[s.kind]
            SI[i, K.SERVICE] = services.index(s.service)
            SI[i, K.GROUP] = gi
            SI[i, [K.ACT_OFF, K.ACT_LEN]] = add(s.action)
            SI[i, [K.COMP_OFF, K.COMP_LEN]] = add(s.compensation_latency or s.action)
            i += 1
    starts[-1] = n
    FF = np.zeros(K.FF_COLS)
    FF[[K.LOSS_P, K.DUP_P, K.CRASH_P]] = faults.loss_p, faults.dup_p, faults.crash_p
    FF[[K.COMP_FAIL_P, K.COMP_PERM_P, K.REDELIVER_MS]] = (
        faults.comp_fail_p,
        faults.comp_permanent_p,
        faults.redeliver_ms,
    )
    FI = np.zeros(K.FI_COLS, np.int64)
    FI[[K.NET_OFF, K.NET_LEN]] = add(faults.network)
    FI[[K.BROKER_OFF, K.BROKER_LEN]] = add(faults.broker)
    FI[[K.DOWN_OFF, K.DOWN_LEN]] = add(faults.downtime)
    return Packed(MODES[saga.mode], SF, SI, starts, np.concatenate(specs), FF, FI)
