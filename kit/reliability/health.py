"""Health checks behind a load balancer: how fast a dead instance is noticed, and at what price.

A load balancer probes each instance every ``interval_s``; a probe fails
when the instance refuses the connection (a crashed process: at once) or
does not answer within ``timeout_s`` (a hung or unreachable host). After
``unhealthy_threshold`` consecutive failures the instance leaves the
rotation; meanwhile every request sent to it fails. Shorter intervals and
lower thresholds detect sooner but remove healthy instances more often
when probes fail by accident (a GC pause, a dropped packet), at a rate of
about ``probes * p^threshold``.

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
    """A health check: every ``interval_s``, fail after ``timeout_s``; out after ``unhealthy_threshold``
    consecutive failures, back in after ``healthy_threshold`` consecutive successes."""

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
        """Mean seconds from a death to removal: ``interval/2 + (threshold-1)*interval (+ timeout)``.

        The first probe after the death comes after U(0, interval) seconds.

        Example
        -------
        >>> PROBES["kubernetes"].expected_detect_s(hang=True)
        26.0
        """
        return (
            self.interval_s / 2
            + (self.unhealthy_threshold - 1) * self.interval_s
            + (self.timeout_s if hang else 0.0)
        )

    def worst_detect_s(self, hang: bool = True) -> float:
        """Longest detection: the death just after a probe."""
        return self.unhealthy_threshold * self.interval_s + (self.timeout_s if hang else 0.0)

    def false_removals_per_day(self, p_false: float) -> float:
        """Expected removals of a healthy instance per day when each probe fails with ``p_false``.

        A run of ``threshold`` failures starts at a probe with probability
        ``(1 - p) p^threshold`` (after a success, then threshold failures).
        """
        p = validate.probability("p_false", p_false)
        probes = 86_400.0 / self.interval_s
        return probes * (1.0 - p) * p**self.unhealthy_threshold


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


@dataclass(frozen=True)
class DetectionResult:
    """Monte Carlo of one probe setting: detection times and accidental removals."""

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
        return float(self.detect_s.mean())

    @property
    def errors_served(self) -> float:
        """Requests sent to the dead instance before it left the rotation, on average."""
        return self.rate_per_instance * self.mean_detect_s

    @property
    def false_removals_per_day(self) -> float:
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
    """Simulate an instance dying under ``probe``, and a healthy one whose probes sometimes fail.

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
        Deaths simulated (and days of probes of a healthy instance).
    seed : int, optional

    Returns
    -------
    DetectionResult
        ``.mean_detect_s`` (theory: ``Probe.expected_detect_s``),
        ``.errors_served``, ``.false_removals_per_day``.

    Example
    -------
    >>> r = detection("kubernetes", trials=20_000, seed=1)
    >>> bool(abs(r.mean_detect_s - PROBES["kubernetes"].expected_detect_s()) < 0.2)
    True
    """
    if isinstance(probe, str):
        probe = PROBES[validate.choice("probe", probe, PROBES)]
    elif not isinstance(probe, Probe):
        raise ValueError(f"probe must be a name of PROBES or a Probe (got {probe!r})")
    rate = validate.number(
        "rate_per_instance",
        config.RELIABILITY_HEALTH_RATE if rate_per_instance is None else rate_per_instance,
        0.0,
    )
    p = validate.probability("p_false", config.RELIABILITY_HEALTH_P_FALSE if p_false is None else p_false)
    trials = validate.integer(
        "trials", config.RELIABILITY_HEALTH_TRIALS if trials is None else trials, 1, 10_000_000
    )
    seed = resolve_seed(seed)
    days = config.RELIABILITY_HEALTH_DAYS_PER_TRIAL
    probes = math.ceil(days * 86_400.0 / probe.interval_s)
    detect, removals = kk.probe_runs(
        probe.interval_s,
        probe.timeout_s,
        probe.unhealthy_threshold,
        bool(hang),
        p,
        probes,
        stream_seeds(seed, trials),
    )
    return DetectionResult(
        probe=probe,
        hang=bool(hang),
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
    the death falls midway between probes.

    Returns ``{"detected": bool, "out_of_rotation_s": float, "errors_s": float}``:
    ``errors_s`` is how long requests kept going to the stalled instance.

    Example
    -------
    >>> stall_outcome("kubernetes", 60, 30, liveness=True)["out_of_rotation_s"]
    30.0
    """
    if isinstance(probe, str):
        probe = PROBES[validate.choice("probe", probe, PROBES)]
    stall = validate.number("stall_s", stall_s, 0.0)
    restart = validate.number("restart_s", restart_s, 0.0)
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
    detection("fast", trials=2, seed=0)
