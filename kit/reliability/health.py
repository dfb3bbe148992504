"""Health checks behind a load balancer: how fast a dead instance is noticed, and at what price.

A load balancer probes each instance every ``interval_s``; a probe fails
when the instance refuses the connection (a crashed process: at once) or
does not answer within ``timeout_s`` (a hung or unreachable host). After
``unhealthy_threshold`` consecutive failures the instance leaves the
rotation; meanwhile every request sent to it fails. Shorter intervals and
lower thresholds detect sooner but remove healthy instances more often
when probes fail by accident (a GC pause, a dropped packet), about once
per run of ``threshold`` failures in a row.

Readiness vs liveness (Kubernetes, "Configure Liveness, Readiness and
Startup Probes"): a failing *readiness* probe takes the pod out of the
Service's endpoints and puts it back when it passes again; a failing
*liveness* probe restarts the container. A liveness probe that checks a
shared dependency turns that dependency's outage into restarts of every
pod; a stall shorter than a restart is better waited out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import resolve_seed, stream_seeds
from . import _kernels as kk


@dataclass(frozen=True)
class Probe:
    """A health check, as a load balancer or Kubernetes runs it.

    Parameters
    ----------
    interval_s : float
        Seconds between probes.
    timeout_s : float
        A probe that gets no answer within this many seconds fails (at most ``interval_s``).
    unhealthy_threshold : int
        Consecutive failures that take the instance out of rotation.
    healthy_threshold : int
        Consecutive successes that bring it back.
    """

    interval_s: float
    timeout_s: float
    unhealthy_threshold: int
    healthy_threshold: int

    def __post_init__(self):
        validate.positive("interval_s", self.interval_s)
        validate.positive("timeout_s", self.timeout_s)
        if self.timeout_s > self.interval_s:
            raise ValueError(
                f"timeout_s must not exceed interval_s (got timeout_s={self.timeout_s:g}, "
                f"interval_s={self.interval_s:g})"
            )
        validate.integer("unhealthy_threshold", self.unhealthy_threshold, 1, 100)
        validate.integer("healthy_threshold", self.healthy_threshold, 1, 100)

    def expected_detect_s(self, hang: bool = True) -> float:
        """Mean seconds from a death to removal, when healthy probes never fail.

        The first probe after the death comes U(0, interval) seconds later,
        so the mean is ``interval/2 + (threshold - 1) interval (+ timeout)``.

        Parameters
        ----------
        hang : bool
            The dead instance does not answer (each probe waits its timeout)
            rather than refusing connections.

        Returns
        -------
        float
            Seconds.

        Examples
        --------
        >>> PROBES["kubernetes"].expected_detect_s(hang=True)
        26.0
        """
        return (
            self.interval_s / 2
            + (self.unhealthy_threshold - 1) * self.interval_s
            + (self.timeout_s if _flag("hang", hang) else 0.0)
        )

    def worst_detect_s(self, hang: bool = True) -> float:
        """Longest detection: the death just after a probe.

        Parameters
        ----------
        hang : bool
            As for :meth:`expected_detect_s`.

        Returns
        -------
        float
            Seconds.
        """
        return self.unhealthy_threshold * self.interval_s + (self.timeout_s if _flag("hang", hang) else 0.0)

    def false_removals_per_day(self, p_false: float) -> float:
        """Removals of a healthy instance per day, in the long run, when each probe fails with ``p_false``.

        A renewal argument: in rotation, the instance waits for a run of
        ``u = unhealthy_threshold`` failures, ``(1 - p^u) / ((1 - p) p^u)``
        probes on average; out of rotation, for a run of ``h =
        healthy_threshold`` successes, ``(1 - q^h) / (p q^h)`` probes with
        ``q = 1 - p``. One removal per cycle of both.

        Parameters
        ----------
        p_false : float
            Probability that a probe of a healthy instance fails anyway.

        Returns
        -------
        float
            Removals per day (0 when probes never fail, or always do: then it
            is removed once and never comes back).

        References
        ----------
        W. Feller, *An Introduction to Probability Theory and Its
        Applications*, Vol. 1, 3rd ed., Wiley, 1968, XIII.7 (the mean
        waiting time for a run of r successes).
        """
        p = validate.probability("p_false", p_false)
        if p in (0.0, 1.0):
            return 0.0
        q = 1.0 - p
        u, h = self.unhealthy_threshold, self.healthy_threshold
        cycle = (1.0 - p**u) / (q * p**u) + (1.0 - q**h) / (p * q**h)
        return 86_400.0 / self.interval_s / cycle


PROBES = {
    # Kubernetes probe defaults: periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1
    "kubernetes": Probe(interval_s=10.0, timeout_s=1.0, unhealthy_threshold=3, healthy_threshold=1),
    # AWS Application Load Balancer target group defaults: interval 30 s, timeout 5 s (HTTP),
    # UnhealthyThresholdCount 2, HealthyThresholdCount 5
    "aws_alb": Probe(interval_s=30.0, timeout_s=5.0, unhealthy_threshold=2, healthy_threshold=5),
    # a fast setting: 2 s probes, out after 2 failures
    "fast": Probe(interval_s=2.0, timeout_s=1.0, unhealthy_threshold=2, healthy_threshold=2),
}
"""Probe presets: the defaults of Kubernetes and of an AWS ALB target group, and a fast one."""


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False (got {name}={value!r})")
    return bool(value)


def _probe(probe) -> Probe:
    if isinstance(probe, str):
        return PROBES[validate.choice("probe", probe, PROBES)]
    if isinstance(probe, Probe):
        return probe
    raise ValueError(f"probe must be a name of PROBES or a Probe (got probe={probe!r})")


@dataclass(frozen=True)
class DetectionResult:
    """Simulated instances under one probe setting: how soon their deaths were noticed, what it cost.

    Attributes
    ----------
    probe : Probe
    hang : bool
        Dead instances did not answer (rather than refusing connections).
    rate_per_instance : float
        Requests per second the balancer sends each instance.
    p_false : float
        Probability that a probe of a healthy instance failed anyway.
    days : float
        Days each instance was probed while healthy.
    seed : int
    detect_s : numpy.ndarray
        Per instance, seconds from its death to its removal.
    false_removals : numpy.ndarray
        Per instance, removals while it was healthy.
    """

    probe: Probe
    hang: bool
    rate_per_instance: float
    p_false: float
    days: float
    seed: int
    detect_s: np.ndarray = field(repr=False)
    false_removals: np.ndarray = field(repr=False)

    @property
    def mean_detect_s(self) -> float:
        """Mean seconds from a death to the removal."""
        return float(self.detect_s.mean())

    @property
    def errors_served(self) -> float:
        """Requests sent to the dead instance before it left the rotation, on average."""
        return self.rate_per_instance * self.mean_detect_s

    @property
    def false_removals_per_day(self) -> float:
        """Removals of a healthy instance per day."""
        return float(self.false_removals.mean() / self.days)


def detection(
    probe: str | Probe = "kubernetes",
    *,
    hang: bool = True,
    rate_per_instance: float | None = None,
    p_false: float | None = None,
    trials: int | None = None,
    seed: int | None = None,
) -> DetectionResult:
    """Simulate instances probed while healthy (some probes fail by accident), then dying.

    Each instance is probed every ``interval_s`` for
    ``config.RELIABILITY_HEALTH_DAYS_PER_TRIAL`` days, each probe failing
    by accident with ``p_false``; the balancer removes it after
    ``unhealthy_threshold`` consecutive failures and takes it back after
    ``healthy_threshold`` successes. Then it dies at a moment uniform
    between two probes, and every later probe fails: the failures just
    before the death count toward its removal.

    Parameters
    ----------
    probe : str or Probe
        A name of ``PROBES`` or your own ``Probe``.
    hang : bool
        The dead instance does not answer (probes time out) rather than
        refusing connections.
    rate_per_instance : float, optional
        Requests per second the balancer sends to each instance.
    p_false : float, optional
        Probability that a probe of a healthy instance fails anyway.
    trials : int, optional
        Instances simulated (default ``config.RELIABILITY_HEALTH_TRIALS``).
    seed : int, optional
        Random seed (default ``config.SEED``).

    Returns
    -------
    DetectionResult
        ``.mean_detect_s`` (without accidental failures:
        ``Probe.expected_detect_s``), ``.errors_served``,
        ``.false_removals_per_day`` (``Probe.false_removals_per_day``).

    Raises
    ------
    ValueError
        A bad parameter, named; or more than ``config.RELIABILITY_MAX_PROBES`` probes in all.

    References
    ----------
    Kubernetes, "Configure Liveness, Readiness and Startup Probes"; AWS,
    "Health checks for your target groups" (Elastic Load Balancing).

    Examples
    --------
    >>> r = detection("kubernetes", p_false=0.0, trials=20_000, seed=1)
    >>> bool(abs(r.mean_detect_s - PROBES["kubernetes"].expected_detect_s()) < 0.2)
    True
    """
    probe = _probe(probe)
    hang = _flag("hang", hang)
    rate = validate.number(
        "rate_per_instance",
        config.RELIABILITY_HEALTH_RATE if rate_per_instance is None else rate_per_instance,
        0.0,
    )
    p = validate.probability("p_false", config.RELIABILITY_HEALTH_P_FALSE if p_false is None else p_false)
    trials = validate.integer("trials", config.RELIABILITY_HEALTH_TRIALS if trials is None else trials, 1)
    seed = resolve_seed(seed)
    days = config.RELIABILITY_HEALTH_DAYS_PER_TRIAL
    probes = math.ceil(days * 86_400.0 / probe.interval_s)
    if trials * (probes + 2 * probe.unhealthy_threshold) > config.RELIABILITY_MAX_PROBES:
        raise ValueError(
            f"trials={trials} instances of {probes:,} probes each (probe interval_s={probe.interval_s:g}) "
            f"is more than config.RELIABILITY_MAX_PROBES = {config.RELIABILITY_MAX_PROBES:,} probes"
        )
    detect, removals = kk.probe_runs(
        probe.interval_s,
        probe.timeout_s,
        probe.unhealthy_threshold,
        probe.healthy_threshold,
        hang,
        p,
        probes,
        stream_seeds(seed, trials),
    )
    return DetectionResult(
        probe=probe,
        hang=hang,
        rate_per_instance=rate,
        p_false=p,
        days=days,
        seed=seed,
        detect_s=detect,
        false_removals=removals,
    )


def stall_outcome(probe: str | Probe, stall_s: float, restart_s: float, liveness: bool) -> dict:
    """An instance stalls (answers nothing) for ``stall_s`` seconds; what do its probes do about it?

    With a readiness probe it is out of rotation from detection until
    ``healthy_threshold`` probes pass after the stall. With a liveness probe
    it is restarted at detection and is back ``restart_s`` later, whether or
    not the stall was over (a restart also loses in-flight work and warm
    caches). A stall shorter than detection never removes it. Times assume
    the stall starts midway between probes.

    Parameters
    ----------
    probe : str or Probe
        A name of ``PROBES`` or your own ``Probe``.
    stall_s : float
        How long the instance answers nothing, seconds.
    restart_s : float
        How long a restart takes, seconds.
    liveness : bool
        A liveness probe (restart) rather than a readiness probe (take out of rotation).

    Returns
    -------
    dict
        ``detected`` (bool), ``out_of_rotation_s`` and ``errors_s``
        (seconds during which requests kept going to the stalled instance).

    References
    ----------
    Kubernetes, "Configure Liveness, Readiness and Startup Probes".

    Examples
    --------
    >>> stall_outcome("kubernetes", 60, 30, liveness=True)["out_of_rotation_s"]
    30.0
    """
    probe = _probe(probe)
    stall = validate.number("stall_s", stall_s, 0.0)
    restart = validate.number("restart_s", restart_s, 0.0)
    liveness = _flag("liveness", liveness)
    detect = probe.expected_detect_s(hang=True)
    if stall <= detect:
        return {"detected": False, "out_of_rotation_s": 0.0, "errors_s": stall}
    if liveness:
        return {"detected": True, "out_of_rotation_s": restart, "errors_s": detect}
    # readiness: back after the stall, once healthy_threshold probes have passed
    first_probe_after = (
        math.ceil((stall - probe.interval_s / 2) / probe.interval_s) * probe.interval_s + probe.interval_s / 2
    )
    back = first_probe_after + (probe.healthy_threshold - 1) * probe.interval_s
    return {"detected": True, "out_of_rotation_s": back - detect, "errors_s": detect}


def warm() -> None:
    """Compile (or load) this module's kernels with their real argument types."""
    detection("fast", trials=2, seed=0)
