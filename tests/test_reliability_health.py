import numpy as np
import pytest

from kit import config, reliability
from kit.reliability import PROBES, Probe
from tests import naive


@pytest.mark.parametrize("name", list(PROBES))
@pytest.mark.parametrize("hang", [True, False])
def test_without_accidental_failures_detection_is_uniform_over_one_interval(name, hang):
    """The death falls uniformly between two probes; removal comes with the threshold-th failed probe.

    So the detection time is uniform on [(u - 1) I + t, u I + t] (t: the
    probe timeout if the dead instance hangs). Checked on the whole
    distribution (Kolmogorov-Smirnov at 0.1%), not only on its mean: a wrong
    threshold, a forgotten timeout or a fixed phase all fail it.
    """
    probe = PROBES[name]
    n = 4000
    r = reliability.detection(name, hang=hang, p_false=0.0, trials=n, seed=3)
    lo = (probe.unhealthy_threshold - 1) * probe.interval_s + (probe.timeout_s if hang else 0.0)
    u = np.sort((r.detect_s - lo) / probe.interval_s)
    assert u.min() >= 0.0 and u.max() <= 1.0
    ks = np.max(np.maximum(np.arange(1, n + 1) / n - u, u - np.arange(n) / n))
    assert ks < 1.95 / np.sqrt(n)
    se = probe.interval_s / np.sqrt(12 * n)
    assert abs(r.mean_detect_s - probe.expected_detect_s(hang)) < 4 * se
    assert np.all(r.false_removals == 0)


@pytest.mark.parametrize("hang", [True, False])
def test_accidental_failures_before_the_death_count_as_a_python_load_balancer_says(hang):
    """Probes failing 30% of the time by accident: a failure streak may be under way at the death, and a
    healthy instance is removed and readmitted. The kit agrees with tests/naive.py in the means."""
    probe = Probe(interval_s=2.0, timeout_s=1.0, unhealthy_threshold=3, healthy_threshold=2)
    rng = np.random.default_rng(11)
    ref = np.array([naive.probe_history(2.0, 1.0, 3, 2, hang, 0.3, 200, rng) for _ in range(3000)])
    config.RELIABILITY_HEALTH_DAYS_PER_TRIAL = 200 * 2.0 / 86_400
    try:
        r = reliability.detection(probe, hang=hang, p_false=0.3, trials=3000, seed=11)
    finally:
        config.reset()
    for mine, theirs in ((r.detect_s, ref[:, 1]), (r.false_removals.astype(float), ref[:, 0])):
        se = np.sqrt(mine.var() / mine.size + theirs.var() / theirs.size)
        assert abs(mine.mean() - theirs.mean()) < 4 * se
    # the streak under way makes detection quicker than the formula for probes that never fail by accident
    assert r.mean_detect_s < probe.expected_detect_s(hang) - 0.3


def test_errors_served_are_the_requests_sent_while_undetected():
    r = reliability.detection("aws_alb", rate_per_instance=20.0, p_false=0.0, trials=500, seed=2)
    assert r.errors_served == pytest.approx(20.0 * r.mean_detect_s)
    assert r.errors_served == pytest.approx(20.0 * PROBES["aws_alb"].expected_detect_s(), rel=0.1)


def test_kubernetes_and_alb_defaults():
    assert PROBES["kubernetes"].expected_detect_s() == pytest.approx(5 + 20 + 1)
    assert PROBES["aws_alb"].expected_detect_s() == pytest.approx(15 + 30 + 5)


def test_accidental_removals_follow_the_renewal_formula():
    """Out after a run of u failures, back after a run of h successes (Feller XIII.7): the simulation agrees,
    and tells this apart from the rate that ignores the time spent out of rotation."""
    probe = Probe(interval_s=2.0, timeout_s=1.0, unhealthy_threshold=2, healthy_threshold=3)
    r = reliability.detection(probe, p_false=0.3, trials=400, seed=5)
    expected = probe.false_removals_per_day(0.3)
    se = r.false_removals.std() / np.sqrt(r.false_removals.size) / r.days
    assert abs(r.false_removals_per_day - expected) < 4 * se
    per_day = 86_400 / probe.interval_s
    ignoring_the_time_out = per_day * 0.7 * 0.3**2 / (1 - 0.3**2)
    assert abs(r.false_removals_per_day - ignoring_the_time_out) > 10 * se
    k8s = PROBES["kubernetes"]
    assert (
        k8s.false_removals_per_day(0.05) < probe.false_removals_per_day(0.05) / 10
    )  # higher threshold, rarer
    assert probe.false_removals_per_day(0.0) == 0.0


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
        (lambda: reliability.stall_outcome(123, 60, 30, True), "probe must be a name of PROBES"),
        (lambda: reliability.stall_outcome("kubernetes", 60, 30, "no"), "liveness must be True or False"),
        (lambda: reliability.detection(hang="yes"), "hang must be True or False"),
        (lambda: reliability.detection(trials=10**7), "more than config.RELIABILITY_MAX_PROBES"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
