import numpy as np
import pytest

from kit import reliability
from kit.reliability import PROBES, Probe


@pytest.mark.parametrize("name", list(PROBES))
@pytest.mark.parametrize("hang", [True, False])
def test_detection_time_matches_the_probe_arithmetic(name, hang):
    probe = PROBES[name]
    r = reliability.detection(name, hang=hang, trials=20_000, seed=3)
    se = probe.interval_s / np.sqrt(12) / np.sqrt(20_000)  # the phase is uniform over one interval
    assert abs(r.mean_detect_s - probe.expected_detect_s(hang)) < 4 * se
    timeout = probe.timeout_s if hang else 0.0
    assert r.detect_s.min() >= (probe.unhealthy_threshold - 1) * probe.interval_s + timeout
    assert r.detect_s.max() <= probe.worst_detect_s(hang)
    assert r.errors_served == pytest.approx(r.rate_per_instance * r.mean_detect_s)


def test_kubernetes_and_alb_defaults():
    assert PROBES["kubernetes"].expected_detect_s() == pytest.approx(5 + 20 + 1)
    assert PROBES["aws_alb"].expected_detect_s() == pytest.approx(15 + 30 + 5)


def test_accidental_removals_follow_the_run_length_formula():
    probe = Probe(interval_s=2.0, timeout_s=1.0, unhealthy_threshold=2, healthy_threshold=2)
    r = reliability.detection(probe, p_false=0.05, trials=2000, seed=5)
    expected = probe.false_removals_per_day(0.05)
    assert r.false_removals_per_day == pytest.approx(expected, rel=0.05)
    assert PROBES["kubernetes"].false_removals_per_day(0.05) < expected / 10  # higher threshold, rarer


def test_stalls_readiness_waits_liveness_restarts():
    k8s = PROBES["kubernetes"]
    short = reliability.stall_outcome("kubernetes", 15, 30, liveness=True)
    assert not short["detected"] and short["out_of_rotation_s"] == 0  # shorter than detection (26 s)
    ready = reliability.stall_outcome("kubernetes", 40, 30, liveness=False)
    live = reliability.stall_outcome("kubernetes", 40, 30, liveness=True)
    assert ready["errors_s"] == live["errors_s"] == k8s.expected_detect_s()
    assert ready["out_of_rotation_s"] < live["out_of_rotation_s"]  # the stall ends before a restart would
    long_ready = reliability.stall_outcome("kubernetes", 600, 30, liveness=False)
    assert (
        long_ready["out_of_rotation_s"]
        > reliability.stall_outcome("kubernetes", 600, 30, True)["out_of_rotation_s"]
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: Probe(interval_s=1.0, timeout_s=2.0, unhealthy_threshold=3, healthy_threshold=1),
            "timeout_s must not",
        ),
        (
            lambda: Probe(interval_s=0, timeout_s=0.5, unhealthy_threshold=3, healthy_threshold=1),
            "interval_s must be",
        ),
        (lambda: reliability.detection("consul"), "probe must be one of"),
        (lambda: reliability.detection(p_false=2.0), "p_false must be between 0 and 1"),
        (lambda: reliability.stall_outcome("kubernetes", -1, 30, True), "stall_s must be"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
