"""The saga DSL: steps, parallel groups, sagas and faults, and their packing for the kernels.

A learner writes a saga in one cell::

    from kit.sagas import Saga, Step, parallel
    trip = Saga([
        Step("reserve flight", service="flights", action=80, p_fail=0.02),
        parallel(Step("reserve hotel", service="hotels", action=60),
                 Step("reserve car", service="cars", action=40)),
        Step("charge card", service="payments", kind="pivot", p_permanent=0.05, idempotent=True),
        Step("confirm", service="bookings", kind="retriable", idempotent=True),
    ], mode="orchestration")

A latency is a kit distribution (``kit.core.rng``) in ms, or a number read as
the median of a log-normal with spread ``config.SAGAS_SIGMA``. Step kinds
follow Richardson, *Microservices Patterns* (Manning 2018), section 4.3.2:
compensatable steps can be undone, the pivot is the go/no-go point, and
retriable steps after it must eventually succeed. Retries use the kit's one
client-policy engine (:class:`kit.core.policies.Retry`). A mistake in a
definition raises :class:`SagaDefinitionError`, which a notebook shows as its
one-line message rather than a traceback.
"""

from __future__ import annotations

import dataclasses
import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.policies import BACKOFFS, Retry
from ..core.rng import (
    Constant,
    Dist,
    Empirical,
    Exponential,
    LogNormal,
    Mixture,
    Normal,
    Pareto,
    Uniform,
    spec_table,
)
from . import _kernels as kk

KINDS = {"compensatable": kk.COMPENSATABLE, "pivot": kk.PIVOT, "retriable": kk.RETRIABLE}
"""Step kinds (Richardson 2018, section 4.3.2) and their kernel codes."""
MODES = {"orchestration": kk.ORCHESTRATION, "choreography": kk.CHOREOGRAPHY}
"""How a saga is coordinated, and the kernel codes."""


class SagaDefinitionError(ValueError):
    """A saga, step or fault definition that cannot be run; the message names the parameter.

    In IPython and Jupyter it is shown as its one line, without a traceback:
    the mistake is in the learner's definition, not in the kit.

    Parameters
    ----------
    *args
        The message, as for any exception.
    **kwargs
        None are taken (as for any exception).
    """

    def _render_traceback_(self):  # IPython's hook for how an exception is displayed
        return [f"{type(self).__name__}: {self}"]


def _defining(what: str, check) -> None:
    """Run ``check()``; a ValueError becomes a SagaDefinitionError saying ``what`` was defined."""
    try:
        check()
    except SagaDefinitionError:
        raise
    except ValueError as e:
        raise SagaDefinitionError(f"{what}: {e}") from None


def latency(name: str, value, median_default: float | None = None) -> Dist:
    """A latency distribution in ms from a Dist, or from a number read as a median in ms.

    Parameters
    ----------
    name : str
        The parameter's name, for the error message.
    value : Dist or float or None
        A kit distribution (ms), or a median in ms.
    median_default : float, optional
        The median (ms) used when ``value`` is None.

    Returns
    -------
    Dist
        The distribution, in ms.
    """
    if value is None:
        value = median_default
    if isinstance(value, Dist):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a kit distribution or a median in ms (got {name}={value!r})")
    return LogNormal.from_median(validate.positive(name, value), config.SAGAS_SIGMA)


def seconds(dist: Dist) -> Dist:
    """The same distribution with its values in seconds instead of ms (kernels run in seconds).

    Parameters
    ----------
    dist : Dist
        A kit distribution of durations in ms.

    Returns
    -------
    Dist
        ``dist`` scaled by 1/1000.
    """
    f = 1e-3
    if isinstance(dist, Constant):
        return Constant(dist.value * f)
    if isinstance(dist, Exponential):
        return Exponential(dist.mean * f)
    if isinstance(dist, LogNormal):
        return LogNormal(dist.mu + math.log(f), dist.sigma)
    if isinstance(dist, Normal):
        return Normal(dist.mu * f, dist.sigma * f)
    if isinstance(dist, Pareto):
        return Pareto(dist.alpha, dist.xm * f)
    if isinstance(dist, Uniform):
        return Uniform(dist.lo * f, dist.hi * f)
    if isinstance(dist, Empirical):
        return Empirical(np.asarray(dist.values) * f)
    if isinstance(dist, Mixture):
        return Mixture([(w, seconds(d)) for w, d in dist.components])
    raise ValueError(f"latencies must be kit distributions (got {type(dist).__name__})")


def _retry(value) -> Retry:
    """A Step's retry policy from a Retry, a number of attempts in all, or None (the defaults)."""
    if value is None or (isinstance(value, (int, np.integer)) and not isinstance(value, bool)):
        attempts = config.SAGAS_ATTEMPTS if value is None else value
        attempts = validate.integer("attempts", attempts, 1, 1001)
        return Retry(
            max_retries=attempts - 1,
            backoff=config.SAGAS_BACKOFF,
            base_s=config.SAGAS_BACKOFF_BASE_S,
            cap_s=config.SAGAS_BACKOFF_CAP_S,
            multiplier=config.SAGAS_BACKOFF_MULTIPLIER,
        )
    if not isinstance(value, Retry):
        raise ValueError(
            f"retry must be a kit.core.policies.Retry or a number of attempts (got retry={value!r})"
        )
    if value.budget_ratio is not None:
        raise ValueError(
            "retry.budget_ratio must be None: a saga step's retries share no token bucket "
            f"(got budget_ratio={value.budget_ratio!r})"
        )
    return value


@dataclass(frozen=True)
class Step:
    """One local transaction of a saga and its compensation.

    Parameters
    ----------
    name : str
        Unique within the saga.
    service : str, optional
        Who runs it (default: the name). Steps of one service share a row in
        the Gantt and, in :func:`kit.sagas.anomalies`, a set of records.
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
        How long the caller waits for an attempt, ms; after that its effect
        is *unknown* (``config.SAGAS_TIMEOUT_MS``).
    retry : kit.core.policies.Retry or int, optional
        Retry policy (the kit's one engine: the first retry waits
        ``base_s``, retry r waits ``min(cap_s, base_s * multiplier**(r-1))``
        before jitter), or just the number of attempts in all (default
        ``config.SAGAS_ATTEMPTS`` with the ``SAGAS_BACKOFF_*`` settings).
    idempotent : bool
        Whether a repeated request (same idempotency key) is recognised and
        answered without doing the work again.
    kind : {"compensatable", "pivot", "retriable"}
        A retriable step is retried up to ``config.SAGAS_PERSIST_ATTEMPTS``
        times whatever its retry policy: after the pivot the saga can only
        go forward.

    Raises
    ------
    SagaDefinitionError
        A ValueError naming the step and the parameter.
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
            raise SagaDefinitionError(f"name must be a non-empty string (got name={self.name!r})")
        _defining(f"step {self.name!r}", self._resolve)

    def _resolve(self):
        set_ = object.__setattr__
        if self.service is not None and not isinstance(self.service, str):
            raise ValueError(f"service must be a string (got service={self.service!r})")
        set_(self, "service", self.name if self.service is None else self.service)
        validate.choice("kind", self.kind, KINDS)
        set_(self, "action", latency("action", self.action, config.SAGAS_ACTION_MS))
        if self.compensation is not None:
            if self.kind != "compensatable":
                raise ValueError(
                    f"a {self.kind} step has no compensation (only compensatable steps can be undone)"
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
                f"a retriable step cannot fail permanently (got p_permanent={self.p_permanent:g}); "
                "make it compensatable or the pivot"
            )
        timeout = config.SAGAS_TIMEOUT_MS if self.timeout_ms is None else self.timeout_ms
        set_(self, "timeout_ms", validate.positive("timeout_ms", timeout))
        set_(self, "retry", _retry(self.retry))
        if not isinstance(self.idempotent, (bool, np.bool_)):
            raise ValueError(f"idempotent must be True or False (got idempotent={self.idempotent!r})")

    @property
    def attempts(self) -> int:
        """Attempts in all that the retry policy allows (``max_retries + 1``)."""
        return self.retry.max_retries + 1

    @property
    def compensation_latency(self) -> Dist | None:
        """What undoing this step takes (ms), or None if it cannot be undone."""
        if self.kind != "compensatable":
            return None
        return self.action if self.compensation is None else self.compensation

    @property
    def p_success(self) -> float:
        """P(one attempt succeeds) = 1 - p_fail - p_permanent."""
        return 1.0 - self.p_fail - self.p_permanent

    def replace(self, **changes) -> Step:
        """A copy with some fields changed (``step.replace(idempotent=True)``).

        Parameters
        ----------
        **changes
            Field names and their new values.

        Returns
        -------
        Step
        """
        return dataclasses.replace(self, **changes)


class Parallel(tuple):
    """Steps that run at the same time; the saga goes on when all have answered."""


def parallel(*steps: Step) -> Parallel:
    """Group steps to run in parallel: ``parallel(Step("hotel"), Step("car"))``.

    Parameters
    ----------
    *steps : Step
        One or more steps.

    Returns
    -------
    Parallel
        A group for a :class:`Saga`'s list of steps.
    """
    if len(steps) < 1 or not all(isinstance(s, Step) for s in steps):
        raise SagaDefinitionError(f"parallel() takes one or more Step objects (got {steps!r})")
    return Parallel(steps)


class Saga:
    """An ordered list of steps (or parallel groups), run as orchestration or choreography.

    ``mode="orchestration"``: a coordinator sends each step a command and
    waits for the reply; it logs its progress, so after a crash it resumes
    from the log and resends the command it had no answer to.
    ``mode="choreography"``: no coordinator; each service reacts to the
    previous steps' events, delivered by a broker at least once (late,
    sometimes twice), and publishes its own through a transactional outbox.
    :func:`kit.sagas.simulate_2pc` runs the same steps, in the same order and
    groups, as one two-phase-commit transaction.

    Parameters
    ----------
    steps : list of Step or parallel(...) groups
        At most ``config.SAGAS_MAX_STEPS`` steps, names unique, at most one pivot.
    mode : {"orchestration", "choreography"}
    name : str

    Raises
    ------
    SagaDefinitionError
        A ValueError naming what is wrong.
    """

    def __init__(self, steps, mode: str = "orchestration", name: str = "saga"):
        if isinstance(steps, (Step, str)) or not hasattr(steps, "__iter__"):
            raise SagaDefinitionError("steps must be a list of Step objects and parallel(...) groups")
        groups = []
        for item in steps:
            if isinstance(item, Step):
                groups.append((item,))
            elif isinstance(item, (tuple, list)) and item and all(isinstance(s, Step) for s in item):
                groups.append(tuple(item))
            else:
                raise SagaDefinitionError(
                    f"steps must hold Step objects or parallel(...) groups (got {item!r})"
                )
        if not groups:
            raise SagaDefinitionError("a saga needs at least one step")
        self.groups: tuple[tuple[Step, ...], ...] = tuple(groups)
        self.steps: tuple[Step, ...] = tuple(s for g in groups for s in g)
        names = [s.name for s in self.steps]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise SagaDefinitionError(f"step names must be unique (repeated: {', '.join(repeated)})")
        if len(self.steps) > config.SAGAS_MAX_STEPS:
            raise SagaDefinitionError(
                f"steps: a saga has at most config.SAGAS_MAX_STEPS = {config.SAGAS_MAX_STEPS} steps "
                f"(got {len(self.steps)})"
            )
        pivots = [s.name for s in self.steps if s.kind == "pivot"]
        if len(pivots) > 1:
            raise SagaDefinitionError(f"a saga has at most one pivot (got {', '.join(pivots)})")
        _defining("saga", lambda: validate.choice("mode", mode, MODES))
        if not isinstance(name, str):
            raise SagaDefinitionError(f"name must be a string (got name={name!r})")
        self.mode = mode
        self.name = name

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
        """The step called ``name``.

        Parameters
        ----------
        name : str

        Returns
        -------
        Step
        """
        for s in self.steps:
            if s.name == name:
                return s
        raise ValueError(f"no step named {name!r} (steps: {', '.join(s.name for s in self.steps)})")

    def with_mode(self, mode: str) -> Saga:
        """The same steps under another mode.

        Parameters
        ----------
        mode : {"orchestration", "choreography"}

        Returns
        -------
        Saga
        """
        return Saga(self.groups, mode=mode, name=self.name)

    def replace(self, only: str | None = None, **changes) -> Saga:
        """A copy with ``changes`` applied to every step, or to the step named ``only``.

        ``p_permanent`` leaves retriable steps alone: they cannot fail for good.

        Parameters
        ----------
        only : str, optional
            The one step to change.
        **changes
            Step fields and their new values.

        Returns
        -------
        Saga
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

        Parameters
        ----------
        factor : float
            Between 0 and 100.

        Returns
        -------
        Saga
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

        Returns
        -------
        list of str
            One sentence per problem.
        """
        found = []
        pivot_at = next((i for i, g in enumerate(self.groups) for s in g if s.kind == "pivot"), None)
        for i, g in enumerate(self.groups):
            for s in g:
                if s.kind == "retriable" and pivot_at is not None and i < pivot_at:
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
        """One row per step: what a learner wrote, resolved with the defaults.

        Returns
        -------
        DataFrame
            ``group``, ``step``, ``service``, ``kind``, ``action_mean_ms``,
            ``compensation_mean_ms``, ``p_fail``, ``p_permanent``,
            ``timeout_ms``, ``attempts``, ``idempotent``.
        """
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
                        "attempts": s.attempts,
                        "idempotent": bool(s.idempotent),
                    }
                )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class Faults:
    """Faults injected around the steps (step failures themselves are part of each Step).

    Every fault has one meaning in all three protocols (orchestration,
    choreography, 2PC).

    Parameters
    ----------
    loss_p : float
        A message (command, reply, event delivery, PREPARE, vote, decision)
        is lost. A lost command or reply is a timeout for the caller, who
        retries; a lost broker delivery is resent after ``redeliver_ms``.
    dup_p : float
        A message is delivered twice (a non-idempotent receiver acts twice).
    crash_p : float
        Per step attempt (an action, a compensation, a 2PC PREPARE or
        decision round trip): the process that handles the attempt's outcome
        crashes just before handling it. That is the orchestrator or the 2PC
        coordinator (the reply is lost with it; after ``downtime`` it resumes
        from its log and resends the command), or in choreography the
        step's own service (it has committed locally and not yet published:
        the outbox publishes after ``downtime``, and the broker redelivers
        the event it had not acknowledged). In a parallel group a crash
        stalls only the branch it hits (a simplification).
    stay_down_p : float
        A crashed process never comes back on its own: its sagas are stuck
        (2PC: participants that voted YES stay in doubt).
    comp_fail_p, comp_permanent_p : float
        A compensation attempt fails transiently (retried until it succeeds,
        Garcia-Molina & Salem 1987, section 2) or for good (the saga is stuck).
    network, broker : Dist or float, optional
        One-way network delay and broker delivery delay, ms (numbers are medians).
    downtime : Dist or float, optional
        How long a crash lasts, ms (a number is the mean of an exponential).
    redeliver_ms : float, optional
        Broker's redelivery delay for an unacknowledged message, ms.
    repair_ms : float, optional
        How long after a saga got stuck a person settles it, ms: a stuck
        saga's effects stay visible that long (``config.SAGAS_REPAIR_MS``).
    """

    loss_p: float = 0.0
    dup_p: float = 0.0
    crash_p: float = 0.0
    stay_down_p: float = 0.0
    comp_fail_p: float = 0.0
    comp_permanent_p: float = 0.0
    network: Dist | float | None = None
    broker: Dist | float | None = None
    downtime: Dist | float | None = None
    redeliver_ms: float | None = None
    repair_ms: float | None = None

    def __post_init__(self):
        _defining("faults", self._resolve)

    def _resolve(self):
        # each bound leaves a retry loop a real chance to end
        validate.number("loss_p", self.loss_p, 0.0, 0.9)
        validate.probability("dup_p", self.dup_p)
        validate.number("crash_p", self.crash_p, 0.0, 0.9)
        validate.probability("stay_down_p", self.stay_down_p)
        validate.number("comp_fail_p", self.comp_fail_p, 0.0, 0.9)
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
        for name, default in (
            ("redeliver_ms", config.SAGAS_REDELIVER_MS),
            ("repair_ms", config.SAGAS_REPAIR_MS),
        ):
            value = getattr(self, name)
            set_(self, name, validate.positive(name, default if value is None else value))

    def replace(self, **changes) -> Faults:
        """A copy with some fields changed.

        Parameters
        ----------
        **changes
            Field names and their new values.

        Returns
        -------
        Faults
        """
        return dataclasses.replace(self, **changes)


def check(saga, faults) -> Faults:
    """``faults`` (``Faults()`` for None) once ``saga`` and ``faults`` have the right types.

    Parameters
    ----------
    saga : Saga
    faults : Faults or None

    Returns
    -------
    Faults
    """
    if not isinstance(saga, Saga):
        raise TypeError(f"saga must be a kit.sagas.Saga (got {type(saga).__name__})")
    if faults is None:
        return Faults()
    if not isinstance(faults, Faults):
        raise TypeError(f"faults must be a kit.sagas.Faults (got {type(faults).__name__})")
    return faults


Params = namedtuple("Params", "mode persist coord SF SI starts specs FF FI")
"""A saga and its faults as the kernels' arrays, times in seconds (see ``_kernels``)."""


def pack(saga: Saga, faults: Faults, mode: int | None = None) -> Params:
    """Flatten a saga and its faults into the kernels' parameter record (seconds).

    Parameters
    ----------
    saga : Saga
    faults : Faults
    mode : int, optional
        A kernel mode code (default: the saga's own).

    Returns
    -------
    Params
    """
    dists: list[Dist] = []

    def add(dist: Dist) -> int:  # an index into dists; offsets into the spec table come at the end
        dists.append(seconds(dist))
        return len(dists) - 1

    services = saga.services
    n = len(saga.steps)
    SF = np.zeros((n, kk.SF_COLS))
    SI = np.zeros((n, kk.SI_COLS), np.int64)
    starts = np.zeros(len(saga.groups) + 1, np.int64)
    i = 0
    for gi, g in enumerate(saga.groups):
        starts[gi] = i
        for s in g:
            SF[i, [kk.P_FAIL, kk.P_PERM, kk.TIMEOUT_S]] = s.p_fail, s.p_permanent, s.timeout_ms / 1e3
            SF[i, [kk.BASE_S, kk.MULT, kk.CAP_S]] = s.retry.base_s, s.retry.multiplier, s.retry.cap_s
            SI[i, kk.ATTEMPTS] = s.attempts
            SI[i, kk.BACKOFF] = BACKOFFS[s.retry.backoff]
            SI[i, kk.IDEM] = int(bool(s.idempotent))
            SI[i, kk.KIND] = KINDS[s.kind]
            SI[i, kk.SERVICE] = services.index(s.service)
            SI[i, kk.ACT_AT] = add(s.action)
            SI[i, kk.COMP_AT] = add(s.compensation_latency or s.action)
            i += 1
    starts[-1] = n
    FF = np.zeros(kk.FF_COLS)
    FF[[kk.LOSS_P, kk.DUP_P, kk.CRASH_P, kk.STAY_DOWN_P]] = (
        faults.loss_p,
        faults.dup_p,
        faults.crash_p,
        faults.stay_down_p,
    )
    FF[[kk.COMP_FAIL_P, kk.COMP_PERM_P]] = faults.comp_fail_p, faults.comp_permanent_p
    FF[[kk.REDELIVER_S, kk.REPAIR_S]] = faults.redeliver_ms / 1e3, faults.repair_ms / 1e3
    FI = np.array([add(faults.network), add(faults.broker), add(faults.downtime)], np.int64)
    table, at = spec_table(dists)
    SI[:, kk.ACT_AT] = at[SI[:, kk.ACT_AT]]
    SI[:, kk.COMP_AT] = at[SI[:, kk.COMP_AT]]
    code = MODES[saga.mode] if mode is None else mode
    return Params(code, config.SAGAS_PERSIST_ATTEMPTS, len(services), SF, SI, starts, table, FF, at[FI])
