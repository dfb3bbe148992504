"""Autoscaling: a day of traffic against a target-tracking autoscaler, and against fixed capacity.

The autoscaler follows AWS target tracking (the kernel's docstring lists the
rules in order):

- the metric is the group's average CPU over instances in service, one point
  per minute; instances still warming up do not count in it ("Set the default
  instance warmup for an Auto Scaling group", Amazon EC2 Auto Scaling User Guide);
- it scales out when the metric stays above the target for 3 one-minute points,
  and in when it stays below 90% of the target for 15 (the two CloudWatch alarms
  a target-tracking policy creates; it "scales out proportionally to the metric
  as fast as it can, but scales in more gradually": "Target tracking scaling
  policies for Application Auto Scaling");
- new capacity = ceil(current x metric / target), counting instances that are
  still warming up as current capacity, so repeated alarms do not launch twice
  (ibid., "instance warmup");
- scale-in waits for warm-ups to finish and for the scale-in cooldown after the
  last scale-in (``ScaleInCooldown``: "used to block subsequent scale in requests
  until it has expired"; Application Auto Scaling API Reference,
  TargetTrackingScalingPolicyConfiguration); ``scale_in_protection`` is the policy's
  ``DisableScaleIn`` (it never removes instances);
- capacity stays within [min, max].

Simplified: requests are a fluid (a minute's excess waits for the next
minute); an instance's CPU is proportional to the requests it serves; a
minute meets the SLO when no backlog remains and each instance, an M/M/c
queue of ``workers`` (``kit.estimation.max_qps``), receives no more than the
rate at which its percentile stays within the SLO.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import config, estimation
from ..core import validate
from . import _autoscale_kernels as kk
from . import _inputs

HOUR_S = 3600.0


def day_traffic(
    peak_rps: float | None = None,
    trough: float | None = None,
    spike_at_h: float | None = None,
    spike_factor: float | None = None,
    spike_min: float | None = None,
    step_s: float | None = None,
) -> np.ndarray:
    """A day of requests per second, one value per step: a diurnal curve and one spike.

    The diurnal curve is lowest at 04:00 (``trough`` x ``peak_rps``) and highest at
    16:00 (``peak_rps``), a raised cosine; from ``spike_at_h`` for ``spike_min``
    minutes the rate is multiplied by ``spike_factor`` (it arrives at once: a push
    notification, a TV advert).

    Parameters
    ----------
    peak_rps : float, optional
        Default ``config.SCALING_PEAK_RPS``.
    trough : float, optional
        The quietest rate as a share of the peak, in [0, 1] (default ``config.SCALING_TROUGH``).
    spike_at_h : float, optional
        Hour the spike starts, 0-24 (default ``config.SCALING_SPIKE_AT_H``).
    spike_factor : float, optional
        Multiplier during the spike, at least 1 (default ``config.SCALING_SPIKE_FACTOR``).
    spike_min : float, optional
        Length of the spike, minutes (default ``config.SCALING_SPIKE_MIN``).
    step_s : float, optional
        Step, seconds (default ``config.SCALING_STEP_S``: one metric period).

    Returns
    -------
    numpy.ndarray
        Requests per second at each step of the day (1,440 values for 60 s steps).

    Examples
    --------
    >>> r = day_traffic(1000.0, 0.25, 13.0, 2.0, 30.0)
    >>> r.size, round(r.min()), round(r.max())  # the spike doubles 13:00-13:30's rate
    (1440, 250, 1843)
    """
    peak = validate.positive("peak_rps", config.SCALING_PEAK_RPS if peak_rps is None else peak_rps)
    low = validate.probability("trough", config.SCALING_TROUGH if trough is None else trough)
    at = validate.number(
        "spike_at_h", config.SCALING_SPIKE_AT_H if spike_at_h is None else spike_at_h, 0.0, 24.0
    )
    factor = validate.number(
        "spike_factor", config.SCALING_SPIKE_FACTOR if spike_factor is None else spike_factor, 1.0, 1000.0
    )
    length = validate.number(
        "spike_min", config.SCALING_SPIKE_MIN if spike_min is None else spike_min, 0.0, 1440.0
    )
    step = _step(step_s)
    hours = np.arange(0.0, 24.0 * HOUR_S, step) / HOUR_S
    rate = peak * (low + (1.0 - low) * 0.5 * (1.0 - np.cos(2.0 * math.pi * (hours - 4.0) / 24.0)))
    spike = (hours >= at) & (hours < at + length / 60.0)
    return np.where(spike, rate * factor, rate)


def _step(step_s) -> float:
    step = validate.number("step_s", config.SCALING_STEP_S if step_s is None else step_s, 1.0, HOUR_S)
    if config.SCALING_MAX_STEPS * step < 24 * HOUR_S:
        raise ValueError(
            f"step_s={step:g} makes a day longer than SCALING_MAX_STEPS={config.SCALING_MAX_STEPS:,}"
        )
    return step


@dataclass(frozen=True)
class Autoscaler:
    """A target-tracking scaling policy (AWS semantics; see the module docstring).

    Unset fields take ``config.SCALING_*``.

    Parameters
    ----------
    target : float
        Target average CPU utilisation, in (0, 1).
    warmup_s : float
        From launch to in service: boot, start, warm caches (paid, serves nothing).
    cooldown_s : float
        Scale-in cooldown after a scale-in.
    min_instances, max_instances : int
        Capacity limits.
    scale_in_protection : bool
        Never scale in (the policy's ``DisableScaleIn``).
    out_periods : int
        Metric periods above the target before scaling out.
    in_periods : int
        Metric periods below ``in_ratio`` x target before scaling in.
    in_ratio : float
        The low alarm's threshold as a share of the target.
    """

    target: float | None = None
    warmup_s: float | None = None
    cooldown_s: float | None = None
    min_instances: int | None = None
    max_instances: int | None = None
    scale_in_protection: bool = False
    out_periods: int | None = None
    in_periods: int | None = None
    in_ratio: float | None = None

    def __post_init__(self):
        defaults = {
            "target": config.SCALING_TARGET,
            "warmup_s": config.SCALING_WARMUP_S,
            "cooldown_s": config.SCALING_COOLDOWN_S,
            "min_instances": config.SCALING_MIN_INSTANCES,
            "max_instances": config.SCALING_MAX_INSTANCES,
            "out_periods": config.SCALING_OUT_PERIODS,
            "in_periods": config.SCALING_IN_PERIODS,
            "in_ratio": config.SCALING_IN_RATIO,
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        t = validate.number("target", self.target, 0.0, 1.0)
        if not 0.0 < t < 1.0:
            raise ValueError(f"target must be strictly between 0 and 1 (got target={t:g})")
        validate.number("warmup_s", self.warmup_s, 0.0, 7 * 24 * HOUR_S)
        validate.number("cooldown_s", self.cooldown_s, 0.0, 7 * 24 * HOUR_S)
        lo = validate.integer("min_instances", self.min_instances, 1, 100_000)
        validate.integer("max_instances", self.max_instances, lo, 100_000)
        if not isinstance(self.scale_in_protection, bool | np.bool_):
            raise ValueError(f"scale_in_protection must be True or False (got {self.scale_in_protection!r})")
        validate.integer("out_periods", self.out_periods, 1, 10_000)
        validate.integer("in_periods", self.in_periods, 1, 10_000)
        validate.number("in_ratio", self.in_ratio, 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class AutoscaleResult:
    """A day of the fleet, one row per step, and what it cost.

    Attributes
    ----------
    timeline : pandas.DataFrame
        Per step: ``t_h`` (hours), ``rate`` (requests/s), ``in_service``, ``warming``, ``cpu``
        (0-1), ``backlog`` (requests waiting), ``missed`` (the step missed the SLO),
        ``launched``, ``terminated``, ``capacity_rps`` (in service x instance_rps).
    scaler : Autoscaler or None
        The policy (None: fixed capacity).
    step_s : float
        Step length, seconds.
    instance_rps : float
        Requests per second one instance serves at 100% CPU.
    slo_rate : float
        Requests per second one instance takes while meeting the SLO.
    """

    timeline: pd.DataFrame = field(repr=False)
    scaler: Autoscaler | None
    step_s: float
    instance_rps: float
    slo_rate: float

    @property
    def slo_minutes_missed(self) -> float:
        """Minutes of the run that missed the SLO."""
        return float(self.timeline.missed.sum() * self.step_s / 60.0)

    @property
    def instance_hours(self) -> float:
        """Instance-hours paid (in service and warming up)."""
        return float((self.timeline.in_service + self.timeline.warming).sum() * self.step_s / HOUR_S)

    @property
    def peak_instances(self) -> int:
        return int((self.timeline.in_service + self.timeline.warming).max())

    def summary(self) -> dict:
        """SLO minutes missed, instance-hours, peak instances, mean CPU."""
        return {
            "slo_minutes_missed": self.slo_minutes_missed,
            "instance_hours": self.instance_hours,
            "peak_instances": self.peak_instances,
            "mean_cpu": float(self.timeline.cpu.mean()),
        }


def _slo_rate(instance_rps=None, workers=None, slo_ms=None, percentile=None) -> tuple[float, float]:
    """(instance_rps, the per-instance rate meeting the SLO) for an instance of ``workers`` M/M/c workers."""
    rps = validate.positive(
        "instance_rps", config.SCALING_INSTANCE_RPS if instance_rps is None else instance_rps
    )
    c = validate.integer(
        "workers", config.SCALING_INSTANCE_WORKERS if workers is None else workers, 1, 10_000
    )
    slo = config.SCALING_SLO_MS if slo_ms is None else slo_ms
    pct = config.SCALING_SLO_PERCENTILE if percentile is None else percentile
    return rps, estimation.max_qps(c, c * 1000.0 / rps, slo, pct)


def _rates(traffic) -> np.ndarray:
    if isinstance(traffic, str | bytes):
        raise ValueError(f"traffic must be requests per second per step (got traffic={traffic!r})")
    try:
        rate = np.asarray(traffic, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"traffic must be requests per second per step (got traffic={traffic!r})") from None
    if rate.ndim != 1 or rate.size == 0 or not np.all(np.isfinite(rate)) or np.any(rate < 0):
        raise ValueError("traffic must be a non-empty list of requests per second, finite and >= 0")
    if rate.size > config.SCALING_MAX_STEPS:
        raise ValueError(
            f"traffic has {rate.size:,} steps, more than SCALING_MAX_STEPS={config.SCALING_MAX_STEPS:,}"
        )
    return rate


def _run(rate, scaler: Autoscaler, start: int, step: float, rps: float, slo_rate: float, fixed: bool):
    p = np.zeros(kk.N_PARAMS)
    p[kk.P_STEP], p[kk.P_CAP], p[kk.P_SLO_RATE] = step, rps, slo_rate
    p[kk.P_TARGET], p[kk.P_IN_RATIO] = scaler.target, scaler.in_ratio
    p[kk.P_WARM] = math.ceil(scaler.warmup_s / step - 1e-9)
    p[kk.P_COOLDOWN] = math.ceil(scaler.cooldown_s / step - 1e-9)
    p[kk.P_OUT], p[kk.P_IN] = (10**9, 10**9) if fixed else (scaler.out_periods, scaler.in_periods)
    p[kk.P_MIN], p[kk.P_MAX] = scaler.min_instances, scaler.max_instances
    p[kk.P_NO_IN] = 1.0 if scaler.scale_in_protection else 0.0
    p[kk.P_START] = start
    cols = kk.autoscale(rate, p)
    table = pd.DataFrame(
        {
            "t_h": np.arange(rate.size) * step / HOUR_S,
            "rate": rate,
            "in_service": cols[:, kk.C_IN_SERVICE].astype(np.int64),
            "warming": cols[:, kk.C_WARMING].astype(np.int64),
            "cpu": cols[:, kk.C_CPU],
            "backlog": cols[:, kk.C_BACKLOG],
            "missed": cols[:, kk.C_MISSED] > 0,
            "launched": cols[:, kk.C_LAUNCHED].astype(np.int64),
            "terminated": cols[:, kk.C_TERMINATED].astype(np.int64),
        }
    )
    table["capacity_rps"] = table.in_service * rps
    return AutoscaleResult(table, None if fixed else scaler, step, rps, slo_rate)


def autoscale(
    traffic=None,
    scaler: Autoscaler | None = None,
    instance_rps: float | None = None,
    workers: int | None = None,
    slo_ms: float | None = None,
    percentile: float | None = None,
    step_s: float | None = None,
) -> AutoscaleResult:
    """Run a fleet under a target-tracking autoscaler over a day (or any traffic).

    Parameters
    ----------
    traffic : array of float, optional
        Requests per second at each step (default :func:`day_traffic`).
    scaler : Autoscaler, optional
        The policy (default: ``Autoscaler()``, from ``kit.config``).
    instance_rps : float, optional
        Requests per second one instance serves at 100% CPU (default ``config.SCALING_INSTANCE_RPS``).
    workers : int, optional
        Workers per instance (default ``config.SCALING_INSTANCE_WORKERS``); a request's mean
        service time is workers / instance_rps.
    slo_ms : float, optional
        The response-time objective (default ``config.SCALING_SLO_MS``) ...
    percentile : float, optional
        ... at this percentile (default ``config.SCALING_SLO_PERCENTILE``).
    step_s : float, optional
        The metric period, seconds (default ``config.SCALING_STEP_S``).

    Returns
    -------
    AutoscaleResult
        ``.timeline``, ``.slo_minutes_missed``, ``.instance_hours``, ``.summary()``.

    Notes
    -----
    The fleet starts the day in service with ceil(rate / (instance_rps x target)),
    within [min, max]. Warm-up and cooldown are rounded up to whole steps.

    Examples
    --------
    >>> r = autoscale(day_traffic(), Autoscaler(target=0.5, warmup_s=300.0))
    >>> r.slo_minutes_missed > 0  # CPU lags the spike
    True
    """
    rate = day_traffic() if traffic is None else _rates(traffic)
    scaler = Autoscaler() if scaler is None else scaler
    if not isinstance(scaler, Autoscaler):
        raise ValueError(f"scaler must be an Autoscaler (got scaler={scaler!r})")
    step = _step(step_s)
    rps, slo_rate = _slo_rate(instance_rps, workers, slo_ms, percentile)
    start = math.ceil(rate[0] / (rps * scaler.target) - 1e-9)
    start = min(max(start, scaler.min_instances), scaler.max_instances)
    return _run(rate, scaler, start, step, rps, slo_rate, fixed=False)


def fixed(traffic=None, instances: int | None = None, **instance) -> AutoscaleResult:
    """The same fleet at a fixed size all day: the baseline autoscaling is compared with.

    Parameters
    ----------
    traffic : array of float, optional
        Requests per second per step (default :func:`day_traffic`).
    instances : int, optional
        Fleet size (default: the fewest that meet the SLO at the busiest step,
        ceil(max rate / the per-instance rate that meets the SLO)).
    **instance
        ``instance_rps``, ``workers``, ``slo_ms``, ``percentile``, ``step_s`` as in :func:`autoscale`.

    Returns
    -------
    AutoscaleResult

    Examples
    --------
    >>> fixed(day_traffic()).slo_minutes_missed
    0.0
    """
    rate = day_traffic() if traffic is None else _rates(traffic)
    unknown = set(instance) - {"instance_rps", "workers", "slo_ms", "percentile", "step_s"}
    if unknown:
        raise ValueError(f"fixed() takes no {sorted(unknown)} (instance settings: see autoscale)")
    step = _step(instance.pop("step_s", None))
    rps, slo_rate = _slo_rate(**instance)
    if instances is None:
        instances = max(1, math.ceil(rate.max() / slo_rate - 1e-9))
    n = validate.integer("instances", instances, 1, 100_000)
    scaler = Autoscaler(min_instances=n, max_instances=n, scale_in_protection=True)
    return _run(rate, scaler, n, step, rps, slo_rate, fixed=True)


def sweep(warmups_s, targets, traffic=None, scaler: Autoscaler | None = None, **instance) -> pd.DataFrame:
    """SLO minutes missed and instance-hours over a grid of warm-ups and targets.

    Parameters
    ----------
    warmups_s : array of float
        Instance warm-ups, seconds.
    targets : array of float
        Target CPU utilisations, in (0, 1).
    traffic : array of float, optional
        Default :func:`day_traffic`.
    scaler : Autoscaler, optional
        The other settings (default ``Autoscaler()``).
    **instance
        ``instance_rps``, ``workers``, ``slo_ms``, ``percentile``, ``step_s`` for :func:`autoscale`.

    Returns
    -------
    pandas.DataFrame
        One row per (warmup_s, target): ``slo_minutes_missed``, ``instance_hours``,
        ``peak_instances``, ``mean_cpu``.

    Examples
    --------
    >>> t = sweep([0.0, 600.0], [0.5])
    >>> bool(t.slo_minutes_missed.iloc[1] >= t.slo_minutes_missed.iloc[0])
    True
    """
    ws = _inputs.numbers("warmups_s", warmups_s, 0.0, 7 * 24 * HOUR_S)
    ts = _inputs.numbers("targets", targets, 0.0, 1.0)
    if ws.size * ts.size > config.SCALING_MAX_GRID:
        raise ValueError(
            f"warmups_s x targets must hold 1 to SCALING_MAX_GRID={config.SCALING_MAX_GRID:,} runs "
            f"(got {ws.size} x {ts.size})"
        )
    base = Autoscaler() if scaler is None else scaler
    if not isinstance(base, Autoscaler):
        raise ValueError(f"scaler must be an Autoscaler (got scaler={scaler!r})")
    rate = day_traffic() if traffic is None else _rates(traffic)
    steps = ws.size * ts.size * rate.size
    if steps > config.SCALING_MAX_SWEEP_STEPS:
        raise ValueError(
            f"warmups_s x targets x steps = {steps:,}, more than SCALING_MAX_SWEEP_STEPS="
            f"{config.SCALING_MAX_SWEEP_STEPS:,} (got {ws.size} warm-ups, {ts.size} targets)"
        )
    rows = []
    for w in ws:
        for t in ts:
            r = autoscale(rate, replace(base, warmup_s=float(w), target=float(t)), **instance)
            rows.append({"warmup_s": float(w), "target": float(t), **r.summary()})
    return pd.DataFrame(rows)
