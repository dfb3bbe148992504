"""The strangler fig: move traffic from a legacy system to new services, a step at a time.

Fowler ("StranglerFigApplication", 2004) named the pattern after the fig that
grows around its host tree until the tree is gone: new services take over one
route after another behind a router, and the legacy system shrinks until it
can be switched off. Each step here is a canary (Beyer et al., *The Site
Reliability Workbook*, 2018, ch. 16 "Canarying Releases"): a share of the
traffic goes to the new system for a while, and the *error budget* decides
whether the next step may start.

The model, per step of ``step_h`` hours at ``rate_per_s`` requests per
second: the legacy system fails a request with probability ``legacy_error``;
the new one with ``new_error``, plus ``regression_error`` if the new
release has a regression (probability ``p_regression``; the ramp of shares
exposes it to more and more traffic until the gate notices). The gate allows a step at
most the errors that burn ``budget_per_step`` of a 30-day error budget
(``kit.reliability.burn_rate_for`` gives the burn rate, ``error_budget_min``
the budget): more, and the traffic goes back to the previous share
(rollback) while the fix is made (``fix_steps`` steps), then the share is
tried again. While both systems run, the organisation pays for both, and for
keeping their data in sync.

Simplified: a regression is either there or not, with one error rate; the
gate counts errors only (no latency), over whole steps; real canary analysis
also compares the canary with a baseline of the same size (e.g. Kayenta).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config, reliability
from ..core import validate
from ..core.rng import resolve_seed, stream_seeds
from . import _kernels as kk
from ._checks import limit

HOURS_PER_MONTH = 30 * 24.0
DECISIONS = {kk.ADVANCE: "advance", kk.ROLLBACK: "rollback", kk.DONE: "done"}
"""What the gate decided after a step."""


_SETTINGS = {  # Migration's field -> the kit.config setting an unset field takes, read at call time
    "shares": "ARCHITECTURE_STRANGLER_SHARES",
    "slo": "ARCHITECTURE_STRANGLER_SLO",
    "step_h": "ARCHITECTURE_STRANGLER_STEP_H",
    "rate_per_s": "ARCHITECTURE_STRANGLER_RATE_PER_S",
    "legacy_error": "ARCHITECTURE_STRANGLER_LEGACY_ERROR",
    "new_error": "ARCHITECTURE_STRANGLER_NEW_ERROR",
    "p_regression": "ARCHITECTURE_STRANGLER_P_REGRESSION",
    "regression_error": "ARCHITECTURE_STRANGLER_REGRESSION_ERROR",
    "budget_per_step": "ARCHITECTURE_STRANGLER_BUDGET_PER_STEP",
    "fix_steps": "ARCHITECTURE_STRANGLER_FIX_STEPS",
    "max_steps": "ARCHITECTURE_STRANGLER_MAX_STEPS",
    "legacy_per_month": "ARCHITECTURE_STRANGLER_LEGACY_PER_MONTH",
    "new_per_month": "ARCHITECTURE_STRANGLER_NEW_PER_MONTH",
    "sync_per_month": "ARCHITECTURE_STRANGLER_SYNC_PER_MONTH",
}


@dataclass(frozen=True)
class Migration:
    """The assumptions of a strangler-fig migration; None takes ``config.ARCHITECTURE_STRANGLER_<FIELD>``.

    Parameters
    ----------
    shares : tuple of float
        Share of the traffic on the new system at each step, increasing, ending at 1.
    slo : float
        The availability objective (both systems serve under it).
    step_h : float
        Hours each step runs before the gate decides.
    rate_per_s : float
        Requests per second, all traffic.
    legacy_error : float
        Error rate of the legacy system.
    new_error : float
        Error rate of the new services without a regression.
    p_regression : float
        Chance that the new release has a regression (a rollback's fix removes it).
    regression_error : float
        Extra error rate of a regression on the traffic it serves.
    budget_per_step : float
        The gate: a step may spend at most this share of a 30-day error budget.
    fix_steps : int
        Steps a fix takes after a rollback (traffic stays on the previous share).
    max_steps : int
        A migration still running after this many steps is reported unfinished.
    legacy_per_month, new_per_month, sync_per_month : float
        Dollars a month: the legacy system, the new services at full traffic,
        keeping the two data stores in sync while both run
        (``config.ARCHITECTURE_STRANGLER_*_PER_MONTH``).
    """

    shares: tuple | None = None
    slo: float | None = None
    step_h: float | None = None
    rate_per_s: float | None = None
    legacy_error: float | None = None
    new_error: float | None = None
    p_regression: float | None = None
    regression_error: float | None = None
    budget_per_step: float | None = None
    fix_steps: int | None = None
    max_steps: int | None = None
    legacy_per_month: float | None = None
    new_per_month: float | None = None
    sync_per_month: float | None = None

    def __post_init__(self):
        for f in dataclasses.fields(self):
            if getattr(self, f.name) is None:
                object.__setattr__(self, f.name, getattr(config, _SETTINGS[f.name]))
        shares = self.shares
        if isinstance(shares, (str, bytes)) or not hasattr(shares, "__len__") or len(shares) == 0:
            raise ValueError(
                f"shares must be a non-empty sequence of fractions ending at 1 (got shares={shares!r})"
            )
        shares = tuple(validate.number("shares", s, 0.0, 1.0) for s in shares)
        if any(b <= a for a, b in itertools.pairwise(shares)) or shares[-1] != 1.0 or shares[0] <= 0:
            raise ValueError(f"shares must increase from above 0 to exactly 1 (got shares={shares})")
        object.__setattr__(self, "shares", shares)
        validate.number("slo", self.slo, 0.0, 1.0 - 1e-9)
        for name in ("step_h", "rate_per_s"):
            validate.positive(name, getattr(self, name))
        for name in ("legacy_error", "new_error", "p_regression", "regression_error", "budget_per_step"):
            validate.probability(name, getattr(self, name))
        validate.integer("fix_steps", self.fix_steps, 0, 1_000)
        validate.integer("max_steps", self.max_steps, len(shares), 100_000)
        for name in ("legacy_per_month", "new_per_month", "sync_per_month"):
            validate.number(name, getattr(self, name), 0.0)
        limit("requests per step", self.requests_per_step, 2**62, name="rate_per_s")

    @property
    def requests_per_step(self) -> float:
        """Requests in one step, all traffic."""
        return self.rate_per_s * self.step_h * 3600.0

    @property
    def month_budget(self) -> float:
        """Failed requests a 30-day month allows: ``(1 - slo)`` of its requests."""
        return (1.0 - self.slo) * self.rate_per_s * HOURS_PER_MONTH * 3600.0

    @property
    def gate_errors(self) -> float:
        """The most errors a step may have: ``budget_per_step`` of a 30-day budget, via the burn rate."""
        burn = reliability.burn_rate_for(self.budget_per_step, self.step_h)
        return burn * (1.0 - self.slo) * self.requests_per_step

    def replace(self, **changes) -> Migration:
        """A copy with some assumptions changed.

        Parameters
        ----------
        **changes
            Fields and their new values.

        Returns
        -------
        Migration
            The new assumptions.
        """
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, eq=False)
class MigrationResult:
    """Simulated strangler-fig migrations: one row per run, one column per step.

    Attributes
    ----------
    migration : Migration
        The assumptions.
    share : numpy.ndarray
        Share of traffic on the new system, per run and step.
    requests, errors : numpy.ndarray
        Requests and failed requests (both systems), per run and step.
    decision : numpy.ndarray
        The gate's decision after each step (``DECISIONS``; -1 after the end).
    seed : int
        The seed of these runs.
    """

    migration: Migration
    share: np.ndarray
    requests: np.ndarray
    errors: np.ndarray
    decision: np.ndarray
    seed: int

    @property
    def steps(self) -> np.ndarray:
        """Steps each run took (up to ``max_steps``)."""
        return (self.decision >= 0).sum(axis=1)

    @property
    def rollbacks(self) -> np.ndarray:
        """Steps each run spent on a rolled-back share (the failed step and the fix)."""
        return (self.decision == kk.ROLLBACK).sum(axis=1)

    @property
    def finished(self) -> np.ndarray:
        """Whether each run reached all traffic on the new system."""
        return (self.decision == kk.DONE).any(axis=1)

    def budget_spent(self) -> np.ndarray:
        """Errors of each run over a 30-day error budget (1.0: a whole month's budget)."""
        return self.errors.sum(axis=1) / self.migration.month_budget

    def cost(self) -> pd.DataFrame:
        """Dollars per run of running both systems, against the legacy system alone.

        Returns
        -------
        pandas.DataFrame
            One row per run: ``months`` of migration, ``dual_cost`` (legacy + new
            services by share + data sync, $), ``legacy_only`` ($ of the legacy
            system for as long) and ``extra`` (the difference, $).
        """
        m = self.migration
        step_months = m.step_h / HOURS_PER_MONTH
        months = self.steps * step_months
        new = m.new_per_month * np.where(self.decision >= 0, self.share, 0.0).sum(axis=1) * step_months
        dual = months * (m.legacy_per_month + m.sync_per_month) + new
        legacy = months * m.legacy_per_month
        return pd.DataFrame(
            {"months": months, "dual_cost": dual, "legacy_only": legacy, "extra": dual - legacy}
        )

    def summary(self) -> dict:
        """Means over the runs.

        Returns
        -------
        dict
            ``finished`` (share of runs done within ``max_steps``), ``steps``,
            ``rollbacks`` (steps on a rolled-back share), ``days``, ``budget_spent``
            (errors over a 30-day error budget), ``extra_cost`` ($ beyond the
            legacy system alone) and ``gate_errors`` (errors a step may have).
        """
        cost = self.cost()
        return {
            "finished": float(self.finished.mean()),
            "steps": float(self.steps.mean()),
            "rollbacks": float(self.rollbacks.mean()),
            "days": float(self.steps.mean() * self.migration.step_h / 24.0),
            "budget_spent": float(self.budget_spent().mean()),
            "extra_cost": float(cost["extra"].mean()),
            "gate_errors": float(self.migration.gate_errors),
        }

    def timeline(self, run: int = 0) -> pd.DataFrame:
        """One run, step by step.

        Parameters
        ----------
        run : int
            Which run (0-based).

        Returns
        -------
        pandas.DataFrame
            ``step``, ``day`` (when the step ended), ``share``, ``errors``, ``gate_errors``,
            ``decision`` and ``budget_spent`` (cumulative errors over the budget of a 30-day month).
        """
        run = validate.integer("run", run, 0, self.share.shape[0] - 1)
        m = self.migration
        used = self.decision[run] >= 0
        errors = self.errors[run, used]
        steps = np.arange(1, used.sum() + 1)
        return pd.DataFrame(
            {
                "step": steps,
                "day": steps * m.step_h / 24.0,
                "share": self.share[run, used],
                "errors": errors,
                "gate_errors": m.gate_errors,
                "decision": [DECISIONS[int(d)] for d in self.decision[run, used]],
                "budget_spent": np.cumsum(errors) / m.month_budget,
            }
        )


def strangler(
    migration: Migration | None = None, runs: int | None = None, seed: int | None = None
) -> MigrationResult:
    """Simulate ``runs`` strangler-fig migrations (numba kernel).

    Parameters
    ----------
    migration : Migration, optional
        The assumptions (default ``Migration()``: ``config.ARCHITECTURE_STRANGLER_*``).
    runs : int, optional
        Independent migrations (default ``config.ARCHITECTURE_STRANGLER_RUNS``).
    seed : int, optional
        Same seed, same runs.

    Returns
    -------
    MigrationResult
        Per run and step: share, requests, errors and the gate's decision.

    Examples
    --------
    >>> r = strangler(Migration(p_regression=0.0), runs=100, seed=1)
    >>> r.summary()["rollbacks"], r.summary()["steps"]  # no regression: five steps, no rollback
    (0.0, 5.0)
    """
    migration = Migration() if migration is None else migration
    if not isinstance(migration, Migration):
        raise ValueError(f"migration must be a Migration (got migration={migration!r})")
    runs = validate.integer("runs", config.ARCHITECTURE_STRANGLER_RUNS if runs is None else runs, 1)
    limit("runs", runs, config.ARCHITECTURE_MAX_RUNS)
    limit("runs x max_steps", runs * migration.max_steps, config.ARCHITECTURE_MAX_RUN_STEPS, name="runs")
    m = migration
    params = np.array(
        [
            m.requests_per_step,
            m.legacy_error,
            m.new_error,
            m.p_regression,
            m.regression_error,
            m.gate_errors,
            float(m.fix_steps),
        ]
    )
    seed = resolve_seed(seed)
    share, requests, errors, decision = kk.strangler_runs(
        np.asarray(m.shares, dtype=np.float64),
        params,
        int(m.max_steps),
        runs,
        stream_seeds(seed, -(-runs // kk.CHUNK)),
    )
    return MigrationResult(m, share, requests, errors, decision, seed)
