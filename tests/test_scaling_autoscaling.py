"""kit.scaling's target-tracking autoscaler: the AWS rules step by step, against a plain reference."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, estimation, scaling

from . import naive

RPS = 400.0


def _slo_rate():
    workers = config.SCALING_INSTANCE_WORKERS
    return estimation.max_qps(workers, workers * 1000.0 / config.SCALING_INSTANCE_RPS, config.SCALING_SLO_MS)


def _reference(rate, scaler, start):
    step = config.SCALING_STEP_S
    return naive.autoscale(
        list(rate), step, config.SCALING_INSTANCE_RPS, _slo_rate(), scaler.target, scaler.in_ratio,
        math.ceil(scaler.warmup_s / step - 1e-9), math.ceil(scaler.cooldown_s / step - 1e-9),
        scaler.out_periods, scaler.in_periods, scaler.min_instances, scaler.max_instances,
        scaler.scale_in_protection, start,
    )  # fmt: skip


segments = st.lists(st.tuples(st.floats(0.0, 8000.0), st.integers(1, 40)), min_size=1, max_size=8)


@settings(max_examples=60)
@given(
    segs=segments,
    target=st.floats(0.2, 0.9),
    warmup_min=st.integers(0, 30),
    cooldown_min=st.integers(0, 20),
    protect=st.booleans(),
    bounds=st.tuples(st.integers(1, 5), st.integers(0, 30)),
    alarms=st.tuples(st.integers(1, 5), st.integers(1, 15)),
)
def test_kernel_follows_the_rules_step_by_step(
    segs, target, warmup_min, cooldown_min, protect, bounds, alarms
):
    """The reference's fleet, CPU, SLO misses and actions at every step, for traffic in steady stretches.

    Alarms shorter than the warm-up make the rule "no scale-in while an instance warms up" bite.
    """
    rates = [level for level, steps in segs for _ in range(steps)]
    lo, extra = bounds
    scaler = scaling.Autoscaler(
        target=target, warmup_s=60.0 * warmup_min, cooldown_s=60.0 * cooldown_min, min_instances=lo,
        max_instances=lo + extra, scale_in_protection=protect, out_periods=alarms[0], in_periods=alarms[1],
    )  # fmt: skip
    r = scaling.autoscale(np.array(rates), scaler)
    start = int(r.timeline.in_service.iloc[0])
    ref = _reference(rates, scaler, start)
    tl = r.timeline
    assert list(zip(tl.in_service, tl.warming, strict=True)) == [(a, b) for a, b, *_ in ref]
    np.testing.assert_allclose(tl.cpu, [row[2] for row in ref], rtol=1e-12)
    assert list(tl.missed) == [row[3] for row in ref]
    assert list(zip(tl.launched, tl.terminated, strict=True)) == [(row[4], row[5]) for row in ref]


def test_constant_traffic_settles_at_rate_over_target_capacity_and_never_scales():
    r = scaling.autoscale(np.full(600, 1000.0), scaling.Autoscaler(target=0.5, min_instances=1))
    assert set(r.timeline.in_service) == {math.ceil(1000.0 / (RPS * 0.5))}
    assert r.timeline.launched.sum() == r.timeline.terminated.sum() == 0
    assert r.instance_hours == pytest.approx(5 * 10.0)


def test_a_step_up_scales_out_after_the_alarm_and_serves_after_the_warmup():
    rate = np.r_[np.full(10, 1000.0), np.full(50, 3000.0)]
    r = scaling.autoscale(rate, scaling.Autoscaler(target=0.5, warmup_s=300.0, min_instances=1))
    tl = r.timeline
    first = int(np.flatnonzero(tl.launched > 0)[0])
    assert first == 10 + 3 - 1  # three one-minute points above the target: at the end of the third
    # CPU saturates at 100%, so the first round only doubles: desired = ceil(5 x 1.0 / 0.5) = 10
    assert tl.launched[first] == 5
    assert tl.in_service[first + 5] == 5 and tl.in_service[first + 6] == 10  # 5 warm-up minutes, then serving
    assert tl.missed[10 : first + 6].all()


def test_scale_in_waits_for_warmups_cooldown_and_never_happens_under_protection():
    base = dict(target=0.5, warmup_s=900.0, cooldown_s=600.0, min_instances=1, in_periods=2)
    # a short spike launches instances with a 15-minute warm-up, then traffic collapses
    burst = np.r_[np.full(10, 1000.0), np.full(5, 4000.0), np.full(60, 300.0)]
    tl = scaling.autoscale(burst, scaling.Autoscaler(**base)).timeline
    low_while_warming = (tl.cpu < 0.45) & (tl.warming > 0)
    assert low_while_warming.sum() >= 5 and tl.terminated[low_while_warming].sum() == 0
    first_in = int(np.flatnonzero(tl.terminated > 0)[0])
    assert tl.warming[first_in] == 0 and tl.warming[first_in - 1] > 0  # the first step with nothing warming
    # a slow decline: many scale-ins, never closer than the cooldown
    decline = np.linspace(4000.0, 200.0, 60)
    tl = scaling.autoscale(decline, scaling.Autoscaler(**base)).timeline
    ins = np.flatnonzero(tl.terminated > 0)
    assert ins.size >= 3 and np.diff(ins).min() == 10
    protected = scaling.autoscale(decline, scaling.Autoscaler(**base, scale_in_protection=True)).timeline
    assert protected.terminated.sum() == 0 and np.all(np.diff(protected.in_service + protected.warming) >= 0)


def test_capacity_stays_within_min_and_max():
    r = scaling.autoscale(
        scaling.day_traffic(spike_factor=4.0), scaling.Autoscaler(min_instances=3, max_instances=12)
    )
    paid = r.timeline.in_service + r.timeline.warming
    assert paid.min() >= 3 and paid.max() == 12


def test_fixed_fleet_is_sized_for_the_busiest_minute_and_costs_a_day_of_it():
    traffic = scaling.day_traffic()
    r = scaling.fixed(traffic)
    n = math.ceil(traffic.max() / _slo_rate())
    assert set(r.timeline.in_service) == {n} and r.slo_minutes_missed == 0.0
    assert r.instance_hours == pytest.approx(24.0 * n)
    assert scaling.fixed(traffic, n - 1).slo_minutes_missed > 0


def test_the_day_has_its_trough_its_peak_and_its_spike():
    r = scaling.day_traffic(1000.0, 0.25, 13.0, 2.5, 30.0)
    hours = np.arange(r.size) / 60.0
    assert r[hours == 4.0][0] == pytest.approx(250.0)
    assert r[hours == 16.0][0] == pytest.approx(1000.0)
    assert ((hours >= 13.0) & (hours < 13.5)).sum() == 30
    assert r[hours == 13.0][0] == pytest.approx(2.5 * r[hours == 12.95][0], rel=0.01)


def test_headroom_and_warmup_move_the_day_as_expected():
    """Lower targets cost more instance-hours; a longer warm-up never misses fewer minutes."""
    t = scaling.sweep([0.0, 300.0, 900.0], [0.4, 0.7])
    for target, part in t.groupby("target"):
        assert np.all(np.diff(part.sort_values("warmup_s").slo_minutes_missed) >= 0), target
    hours = t.groupby("target").instance_hours.mean()
    assert hours[0.4] > hours[0.7]


def test_bad_settings_are_refused_by_name():
    with pytest.raises(ValueError, match="target must be strictly between"):
        scaling.Autoscaler(target=1.0)
    with pytest.raises(ValueError, match="max_instances"):
        scaling.Autoscaler(min_instances=5, max_instances=2)
    with pytest.raises(ValueError, match="traffic must be"):
        scaling.autoscale([-1.0, 2.0])
    with pytest.raises(ValueError, match="scaler must be an Autoscaler"):
        scaling.autoscale(None, "fast")
    with pytest.raises(ValueError, match="SCALING_MAX_SWEEP_STEPS"):
        scaling.sweep(np.arange(100.0), np.linspace(0.1, 0.9, 10), np.ones(100_000))
