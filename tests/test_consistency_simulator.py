"""The replicated-register simulator: protocol guarantees, faults, metrics, bounds and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config, consistency
from kit.consistency import Crash, Partition, history, simulate
from kit.consistency import _sim_kernels as kk
from kit.core.rng import Constant, Exponential, LogNormal, Mixture
from tests import naive

faults = st.lists(
    st.tuples(
        st.floats(0, 400), st.floats(10, 300), st.sampled_from([(0,), (1,), (2,), (1, 2)]), st.booleans()
    ),
    max_size=2,
)


def _partitions(spec):
    return [
        Partition(start, start + length, replicas, (2,) if client else ())
        for start, length, replicas, client in spec
    ]


def test_kernel_codes_match_the_history_type():
    assert [history.OPS[c] for c in (kk.READ, kk.WRITE, kk.CAS)] == ["read", "write", "cas"]
    assert [history.STATUSES[c] for c in (kk.OK, kk.FAIL, kk.INFO)] == ["ok", "fail", "info"]


@pytest.mark.parametrize("protocol", list(consistency.PROTOCOLS))
def test_history_is_well_formed(protocol):
    r = simulate(protocol, clients=4, keys=3, cas_fraction=0.2, duration_ms=800, seed=3)
    h = r.history
    assert h.source == "simulator" and h.initial == 0 and h.model == "cas-register"
    assert len(h) == r.ops > 100 and set(r.client) == {0, 1, 2, 3} and set(h.keys) <= {0, 1, 2}
    timed_out = np.flatnonzero(h.status == "info")
    later = (
        [i for i in range(len(h)) if r.client[i] == r.client[timed_out[0]] and i > timed_out[0]]
        if timed_out.size
        else []
    )
    assert all(h.process[i] != h.process[timed_out[0]] for i in later)  # a new process after a timeout
    written = [v[1] if f == "cas" else v for f, v in zip(h.f, h.value, strict=True) if f != "read"]
    assert len(written) == len(set(written)), "written values are unique"
    assert np.all(h.complete_t >= h.invoke_t) and np.all(h.invoke_t <= 800)
    # each client runs one operation at a time
    for p in h.processes:
        mine = np.flatnonzero(h.process == p)
        assert np.all(h.invoke_t[mine][1:] >= h.complete_t[mine][:-1])
    ok_reads = (h.f == "read") & (h.status == "ok")
    assert all(isinstance(x, int) for x in h.result[ok_reads])
    # every read returns the initial value or a written one (an empty register reads 0, not a sentinel)
    assert set(h.result[ok_reads]) <= {0, *written} and (h.result[ok_reads] == 0).any()
    assert set(h.replicas.columns) >= {"t", "replica", "key", "value"}


def test_same_seed_same_run_and_another_seed_another():
    a, b = simulate("quorum", seed=5), simulate("quorum", seed=5)
    c = simulate("quorum", seed=6)
    assert np.array_equal(a.history.invoke_t, b.history.invoke_t) and list(a.history.result) == list(
        b.history.result
    )
    assert not np.array_equal(a.history.invoke_t[:10], c.history.invoke_t[:10])


@given(faults, st.integers(0, 2**32 - 1))
@settings(max_examples=15, deadline=None)
def test_leader_sync_never_serves_a_stale_read(spec, seed):
    """All operations go through the leader's log and answer after a majority holds them."""
    r = simulate(
        "leader-sync", clients=3, cas_fraction=0.2, duration_ms=600, partitions=_partitions(spec), seed=seed
    )
    assert r.stale_read_fraction == 0.0


@given(faults, st.integers(0, 2**32 - 1), st.sampled_from([(3, 2, 2), (3, 3, 1), (5, 3, 3), (5, 2, 4)]))
@settings(max_examples=15, deadline=None)
def test_strict_quorums_with_synchronised_clocks_never_serve_a_stale_read(spec, seed, nrw):
    """R + W > N and timestamps in real-time order: a read quorum meets the last completed write's."""
    N, R, W = nrw
    r = simulate("quorum", N=N, R=R, W=W, clients=3, duration_ms=600, partitions=_partitions(spec), seed=seed)
    assert r.stale_read_fraction == 0.0


def test_sloppy_quorum_breaks_r_plus_w_above_n():
    """Kleppmann, DDIA ch. 5: with a sloppy quorum, R + W > N no longer guarantees the latest value."""
    cut = [Partition(300, 1500, (1, 2), (1, 2))]  # replica 0, client 0 and the spares on one side
    strict = simulate("quorum", N=3, R=2, W=2, partitions=cut, seed=2)
    sloppy = simulate("quorum", N=3, R=2, W=2, partitions=cut, sloppy_quorum=True, seed=2)
    assert strict.stale_read_fraction == 0.0 and sloppy.stale_read_fraction > 0.05
    assert sloppy.availability > strict.availability + 0.1  # what sloppiness buys
    assert (strict.history.status == "fail").sum() > 0  # the strict coordinator refused


def test_clock_skew_loses_writes_under_last_writer_wins():
    fair = simulate("quorum", N=3, R=2, W=2, clients=4, think_ms=2, seed=3)
    skewed = simulate("quorum", N=3, R=2, W=2, clients=4, think_ms=2, clock_skew_ms=[0, 0, -30.0], seed=3)
    assert fair.stale_read_fraction == 0.0 and skewed.stale_read_fraction > 0.02


def test_replication_lag_makes_follower_reads_staler():
    kw = dict(read_from="random", clients=3, seed=4)
    prompt = simulate("leader-async", **kw)
    lagging = simulate("leader-async", replication_latency=LogNormal.from_median(20.0, 1.0), **kw)
    assert lagging.stale_read_fraction > prompt.stale_read_fraction + 0.1
    assert lagging.latency_percentiles().loc["write", "p50"] < 5  # async: writes do not wait for followers


def test_replica_log_starts_with_every_replica_at_the_initial_value():
    r = simulate("multi-leader", N=4, keys=3, duration_ms=100, seed=1)
    first = r.history.replicas[r.history.replicas.t == 0]
    pairs = set(zip(first.replica, first.key, strict=True))
    assert len(first) >= 12 and pairs == {(x, k) for x in range(4) for k in range(3)}


def test_follower_reads_lag_and_leader_reads_do_not():
    slow = LogNormal.from_median(1.0, 1.0)
    leader = simulate("leader-async", read_from="leader", clients=4, latency=slow, seed=3)
    anyone = simulate("leader-async", read_from="random", clients=4, latency=slow, seed=3)
    assert leader.stale_read_fraction == 0.0 and anyone.stale_read_fraction > 0.0


def test_cp_refuses_on_the_minority_side_and_ap_serves_stale_data():
    cut = [Partition(500, 1500, (2,), (2,))]
    cp = simulate("leader-sync", partitions=cut, seed=1)
    ap = simulate("multi-leader", partitions=cut, seed=1)
    h = cp.history
    during = (h.invoke_t >= 500) & (h.invoke_t + config.CONSISTENCY_SIM_TIMEOUT_MS < 1500)
    minority = during & (cp.client == 2)
    assert (h.status[minority] != "ok").all() and (h.status[during & (cp.client != 2)] == "ok").all()
    assert cp.stale_read_fraction == 0.0
    assert ap.availability == 1.0
    tl = ap.timeline(250)
    inside = (tl.t_ms > 500) & (tl.t_ms < 1500)
    assert tl.stale_rate[inside].min() > 0.1 and tl.stale_rate[tl.t_ms < 400].max() == 0.0


def test_leader_sync_refuses_without_a_majority_and_keeps_working_with_one():
    """Two followers down: nothing commits; once the leader has heard from no majority for an election
    timeout it steps down and refuses (status fail) instead of leaving clients to time out."""
    one_down = simulate("leader-sync", crashes=[Crash(2, 0, 3000)], seed=1)
    two_down = simulate("leader-sync", crashes=[Crash(1, 500, 1000), Crash(2, 500, 1000)], seed=1)
    assert one_down.availability == 1.0 and one_down.elections == 0
    h = two_down.history
    T = config.CONSISTENCY_SIM_ELECTION_TIMEOUT_MS
    inside = (h.invoke_t > 505) & (h.invoke_t < 990)
    assert (h.status[inside] != "ok").all()
    assert (h.status[inside & (h.invoke_t < 500 + T)] == "info").any()  # before it notices: timeouts
    # then refusals from the leader that stepped down (requests to the crashed replicas time out)
    assert (h.status[inside & (h.invoke_t > 500 + T + 50)] == "fail").mean() > 0.3
    assert (h.status[h.invoke_t > 1000 + 2 * T + 100] == "ok").all()  # a leader again


def test_replicas_converge_after_faults_heal():
    cut = [Partition(200, 900, (0,), (0,))]
    for protocol in consistency.PROTOCOLS:
        r = simulate(protocol, keys=4, partitions=cut, crashes=[Crash(1, 300, 600)], seed=4)
        assert r.divergence.max() > 0 and r.divergence[-1] == 0.0, protocol
        final = r.replica_values[-1]
        assert (final == final[0]).all()


def test_without_anti_entropy_a_partition_leaves_replicas_apart():
    """Writes on both sides, partition healing after the clients stop: only gossip reconciles them."""
    cut = [Partition(100, 2100, (1, 2), (1, 2))]
    kw = dict(keys=2, partitions=cut, sloppy_quorum=True, seed=2)
    apart = simulate("quorum", anti_entropy_ms=0, **kw)
    gossip = simulate("quorum", anti_entropy_ms=50, **kw)
    assert apart.divergence[-1] > 0 and gossip.divergence[-1] == 0


def test_read_repair_heals_what_it_reads():
    """After a partition, replicas that answer a read with an old version get the newest (Dynamo 4.7)."""
    cut = [Partition(100, 1700, (2,), ())]
    kw = dict(N=3, R=1, W=1, keys=20, read_fraction=0.9, partitions=cut, anti_entropy_ms=0, seed=8)
    without = simulate("quorum", **kw)
    repaired = simulate("quorum", read_repair=True, **kw)
    assert without.divergence[-1] >= 0.1 and repaired.divergence[-1] <= without.divergence[-1] / 2


def test_latency_is_two_message_delays_for_a_local_answer():
    """Theory: an op answered by the node it reaches takes exactly two one-way delays."""
    d = Constant(1.5)
    r = simulate("multi-leader", latency=Mixture([(1.0, d)]), duration_ms=300, seed=1)
    lat = r.history.complete_t - r.history.invoke_t
    assert np.allclose(lat[r.history.status == "ok"], 3.0)
    e = simulate("leader-async", latency=Exponential(2.0), clients=8, duration_ms=4000, seed=2)
    lat = e.latency_percentiles([50.0]).loc["all", "p50"]
    # sum of two exponentials with mean 2: Gamma(2, 2), median 3.357
    assert abs(lat - 3.357) < 0.15


def test_stale_reads_match_the_pairwise_definition():
    r = simulate("quorum", N=3, R=1, W=1, clients=4, keys=2, cas_fraction=0.2, clock_skew_ms=20.0, seed=11)
    frame = r.history.to_frame().to_dict("records")
    assert r.stale.any()
    assert list(r.stale) == naive.stale_reads(frame, r.history.initial)


def test_timeline_bins_cover_every_operation():
    r = simulate("quorum", seed=1)
    tl = r.timeline(100)
    assert tl.ops.sum() == r.ops and ((tl.availability >= 0) & (tl.availability <= 1)).all()
    lat = r.latency_percentiles()
    assert list(lat.columns) == ["p50", "p99", "p99.9"] and (lat["p50"] <= lat["p99.9"]).all()


def test_max_events_bounds_the_work_and_says_so():
    r = simulate("quorum", clients=20, duration_ms=50_000, max_events=5000, seed=1)
    assert r.truncated and r.events == 5000
    open_ops = np.isinf(r.history.complete_t)
    assert (r.history.status[open_ops] == "info").all()
    capped = simulate("multi-leader", max_ops=50, seed=1)
    assert capped.ops_capped and capped.ops == 50


# --- Raft: leader election and failover ------------------------------------------------------------


def test_the_majority_side_elects_a_new_leader_when_the_leader_is_cut_off():
    """The issue's scenario: the partition cuts off the leader alone. The other two elect a leader after
    an election timeout and serve every client again; the outage is about that timeout."""
    T = config.CONSISTENCY_SIM_ELECTION_TIMEOUT_MS
    cut = [Partition.cutting("leader alone", 500, 1500, N=3, clients=3)]
    r = simulate("leader-sync", partitions=cut, seed=2)
    new = r.leaders[r.leaders.t_ms > 500]
    assert len(new) >= 1 and new.leader.iloc[0] != 0 and new.term.iloc[0] > 1
    assert 500 + T <= new.t_ms.iloc[0] <= 500 + 2 * T + 20  # a randomised timeout in [T, 2T], then votes
    h = r.history
    after = (h.invoke_t > new.t_ms.iloc[0] + config.CONSISTENCY_SIM_TIMEOUT_MS + 30) & (h.invoke_t < 1450)
    assert after.sum() > 50 and (h.status[after] == "ok").mean() > 0.97
    outage = r.outages().iloc[0]
    assert (
        480 <= outage.start_ms <= 510
        and T <= outage.length_ms <= 2 * T + 2 * config.CONSISTENCY_SIM_TIMEOUT_MS + 40
    )
    assert consistency.check_linearizable(h).verdict == "OK"


def test_a_longer_election_timeout_means_a_longer_outage():
    cut = [Partition.cutting("leader alone", 300, 1700, N=3, clients=3)]
    lengths = [
        np.median(
            [
                simulate("leader-sync", partitions=cut, election_timeout_ms=T, seed=s).outages().length_ms[0]
                for s in range(4)
            ]
        )
        for T in (80.0, 300.0)
    ]
    assert lengths[1] > lengths[0] + 150


def test_the_old_leader_steps_down_and_refuses():
    """Cut off with a client, the old leader can commit nothing; within about an election timeout it
    steps down and answers with a refusal naming no leader, so its client stops waiting for it (and
    times out on the replicas it cannot reach)."""
    T = config.CONSISTENCY_SIM_ELECTION_TIMEOUT_MS
    r = simulate(
        "leader-sync", partitions=[Partition.cutting("leader and a client", 400, 1600, 3, 3)], seed=3
    )
    h = r.history
    mine = r.client == 0  # history.process renumbers it after each timeout
    early = mine & (h.invoke_t > 410) & (h.invoke_t < 400 + T - 10)
    late = mine & (h.invoke_t > 400 + T + 40) & (h.invoke_t < 1550)
    assert (h.status[early] == "info").all() and early.any()
    assert (h.status[late] == "fail").mean() > 0.3 and not (h.status[late] == "ok").any()
    assert consistency.check_linearizable(h).verdict == "OK"


raft_faults = st.lists(
    st.tuples(
        st.floats(0, 500),
        st.floats(20, 400),
        st.sampled_from([(0,), (1,), (0, 1), (0, 2), (2,)]),
        st.booleans(),
    ),
    max_size=3,
)


@given(
    raft_faults,
    st.lists(st.tuples(st.integers(0, 2), st.floats(0, 500), st.floats(10, 300)), max_size=2),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=25, deadline=None)
def test_raft_keeps_one_leader_per_term_and_linearizability_across_failovers(spec, crash_spec, seed):
    """Partitions and crashes of leaders and followers, short election timeouts so that elections
    happen: at most one leader per term (Raft's election safety), and the kit's checker finds every
    simulated history linearizable, cas included."""
    crashes = [Crash(x, start, start + length) for x, start, length in crash_spec]
    r = simulate(
        "leader-sync", clients=3, cas_fraction=0.3, duration_ms=700, election_timeout_ms=40.0, retry_ms=10.0,
        partitions=_partitions(spec), crashes=crashes, seed=seed,
    )  # fmt: skip
    assert r.leaders.term.is_unique and r.leaders.term.is_monotonic_increasing
    assert consistency.check_linearizable(r.history, timeout_s=60).verdict == "OK"


def test_a_slow_network_makes_followers_suspect_a_live_leader():
    """Failure detection by timeout is imperfect: with heartbeats delayed past the election timeout a
    follower stands for election though nothing failed. Safety holds all the same."""
    slow = Mixture([(0.97, LogNormal.from_median(1.0, 0.5)), (0.03, Constant(400.0))])
    r = simulate("leader-sync", replication_latency=slow, duration_ms=3000, seed=5)
    assert r.elections > 0 and len(r.leaders) > 1
    assert consistency.check_linearizable(r.history, timeout_s=60).verdict == "OK"
    calm = simulate("leader-sync", duration_ms=3000, seed=5)
    assert calm.elections == 0


def test_settings_record_and_keyword_overrides_agree():
    base = consistency.Settings(N=5, clients=2, duration_ms=300.0, seed=4)
    a = simulate("quorum", base, R=2)
    b = simulate("quorum", N=5, clients=2, duration_ms=300.0, seed=4, R=2)
    assert np.array_equal(a.history.invoke_t, b.history.invoke_t) and a.params["R"] == 2
    with pytest.raises(TypeError, match="unknown setting 'replicas'"):
        simulate("quorum", replicas=3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(protocol="raft"), "protocol must be one of"),
        (dict(N=0), "N must be an integer between 1 and 15"),
        (dict(N=3, R=4), r"R must be between 1 and N \(got R=4, N=3\)"),
        (dict(N=3, W=0), r"W must be between 1 and N \(got W=0, N=3\)"),
        (dict(clients=0), "clients must be an integer between 1 and 64"),
        (dict(keys=1000), "keys must be an integer between 1 and 256"),
        (dict(read_fraction=0.8, cas_fraction=0.3), "read_fraction \\+ cas_fraction must be at most 1"),
        (dict(think_ms=0), "think_ms must be a positive number"),
        (dict(timeout_ms=-1), "timeout_ms must be a positive number"),
        (dict(protocol="leader-sync", election_timeout_ms=10.0), "election_timeout_ms must exceed retry_ms"),
        (
            dict(protocol="leader-sync", duration_ms=1e7, election_timeout_ms=0.5, retry_ms=0.1),
            "MB, more than",
        ),
        (dict(clock_skew_ms=[1, 2]), "clock_skew_ms must be a number or 3 finite offsets"),
        (dict(clock_skew_ms=-5.0), "clock_skew_ms must be between 0"),
        (dict(read_from="random"), "read_from applies to protocol='leader-async' only"),
        (dict(protocol="leader-async", read_from="nearest"), "read_from must be one of"),
        (dict(protocol="leader-sync", sloppy_quorum=True), "sloppy_quorum applies to protocol='quorum' only"),
        (dict(protocol="multi-leader", read_repair=True), "read_repair applies to protocol='quorum' only"),
        (dict(spares=2), "spares are used by a sloppy quorum only"),
        (dict(protocol="leader-sync", anti_entropy_ms=50), "anti_entropy_ms applies to"),
        (dict(partitions=[Partition(0, 5, (7,))]), r"partitions\[0\].replicas must hold replica indices"),
        (dict(partitions=[Partition(0, 5, (), (9,))]), r"partitions\[0\].clients must hold client indices"),
        (dict(partitions=["now"]), r"partitions\[0\] must be a Partition"),
        (dict(crashes=[Crash(5, 0, 10)]), r"crashes\[0\].replica must hold replica indices"),
        (dict(duration_ms=0), "duration_ms must be between 1"),
        (dict(max_events=0), "max_events must be an integer"),
        (dict(max_ops=0), "max_ops must be an integer"),
        (dict(sample_ms=1e-6), "sample_ms is too small"),
        (dict(seed=-1), "seed must be an integer"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(latency=3.0), "latency must be a kit distribution"),
        (dict(protocol="leader-async", replication_latency="slow"), "replication_latency must be a kit"),
        (dict(sloppy_quorum="yes"), "sloppy_quorum must be True or False"),
        (dict(settings={"N": 3}), "settings must be a consistency.Settings"),
    ],
)
def test_wrong_types_name_the_parameter(kwargs, message):
    with pytest.raises(TypeError, match=message):
        simulate(**kwargs)


def test_faults_are_checked_when_made():
    with pytest.raises(ValueError, match="end_ms must be after start_ms"):
        Partition(10, 5, (0,))
    with pytest.raises(ValueError, match="end_ms must be after start_ms"):
        Crash(0, 10, 10)
    with pytest.raises(ValueError, match="replicas must hold replica indices at least 0"):
        Partition(0, 5, (-1,))
    with pytest.raises(TypeError, match="clients must be a list of client indices"):
        Partition(0, 5, (), "2")
    with pytest.raises(TypeError, match="partitions must be a list"):
        simulate(partitions=Partition(0, 5, (0,)))


def test_settings_are_checked_when_made():
    with pytest.raises(ValueError, match="N must be an integer between 1 and 15"):
        consistency.Settings(N=40)
    with pytest.raises(ValueError, match=r"read_fraction \+ cas_fraction must be at most 1"):
        consistency.Settings(read_fraction=0.9, cas_fraction=0.2)


def test_stale_reads_needs_unique_written_values():
    h = consistency.History.from_ops(
        [(0, "w", 1, None, 0, 1), (1, "w", 1, None, 2, 3), (0, "r", None, 1, 4, 5)]
    )
    with pytest.raises(ValueError, match="unique values"):
        consistency.stale_reads(h)


# --- against the linearizability checker ----------------------------------------------------------


@given(faults, st.integers(0, 2**32 - 1))
@settings(max_examples=10, deadline=None)
def test_leader_sync_histories_are_linearizable(spec, seed):
    """The CP protocol's histories pass Wing & Gong's check, with cas, partitions and crashes."""
    r = simulate(
        "leader-sync",
        clients=3,
        cas_fraction=0.3,
        duration_ms=300,
        partitions=_partitions(spec),
        crashes=[Crash(1, 50, 150)],
        seed=seed,
    )
    assert consistency.check_linearizable(r.history, timeout_s=60).verdict == "OK"


@pytest.mark.parametrize(
    "options",
    [
        dict(sloppy_quorum=True, partitions=[Partition(0, 200, (1, 2), (1, 2))]),
        dict(clock_skew_ms=[0.0, 0.0, -20.0]),
        dict(R=1, W=1, latency=LogNormal.from_median(1.0, 1.0)),
    ],
    ids=["sloppy", "skew", "partial"],
)
def test_a_stale_read_proves_a_history_is_not_linearizable(options):
    """Each way a quorum store goes stale produces stale reads on most seeds, and every history with
    one is refuted by the checker; histories without are left alone (they may or may not be)."""
    runs = [
        simulate("quorum", clients=3, think_ms=4, duration_ms=150, seed=seed, **options) for seed in range(8)
    ]
    stale = [r for r in runs if r.stale.any()]
    assert len(stale) >= 4
    for r in stale:
        assert consistency.check_linearizable(r.history, timeout_s=60).verdict == "ILLEGAL"


def test_the_notebooks_sloppy_quorum_history_is_refuted():
    """Notebook 02's R + W > N counterexample: a stale read, and the checker says ILLEGAL."""
    cut = [Partition(0, 100, replicas=(1, 2), clients=(1, 2))]
    r = simulate(
        "quorum",
        N=3,
        R=2,
        W=2,
        sloppy_quorum=True,
        partitions=cut,
        clients=3,
        think_ms=4,
        duration_ms=60,
        settle_ms=20,
        seed=7,
    )
    assert len(r.history) < 40 and r.stale.sum() >= 1
    verdict = consistency.check_linearizable(r.history)
    assert verdict.verdict == "ILLEGAL"
    # what the notebook's text says of the operation the checker blocks: a read that returns an older
    # value than a read completed before it began
    h, b = r.history, verdict.blocked
    assert h.f[b] == "read"
    before = [i for i in range(len(h)) if h.f[i] == "read" and h.complete_t[i] < h.invoke_t[b]]
    assert any(h.result[i] > h.result[b] for i in before)  # values grow with time: newer is larger


def test_compare_and_set_is_atomic_only_behind_a_leader():
    kw = dict(clients=4, cas_fraction=0.5, read_fraction=0.3, think_ms=3, duration_ms=300, seed=4)
    assert consistency.check_linearizable(simulate("leader-sync", **kw).history).verdict == "OK"
    assert consistency.check_linearizable(simulate("quorum", **kw).history).verdict == "ILLEGAL"


def test_follower_reads_and_the_session_guarantees():
    """Session guarantees (Terry et al. 1994) under replication lag.

    A sticky follower keeps monotonic reads but not read-your-writes; a random follower keeps neither.
    """
    lag = LogNormal.from_median(20.0, 1.0)
    kw = dict(clients=3, keys=1, replication_latency=lag, duration_ms=2000, seed=1)
    verdicts = {
        read_from: {
            g: res.verdict
            for g, res in consistency.check_session(
                simulate("leader-async", read_from=read_from, **kw).history
            ).items()
        }
        for read_from in ("leader", "sticky", "random")
    }
    assert set(verdicts["leader"].values()) == {"OK"}
    assert (
        verdicts["sticky"]["read-your-writes"] == "ILLEGAL" and verdicts["sticky"]["monotonic-reads"] == "OK"
    )
    assert verdicts["random"]["monotonic-reads"] == "ILLEGAL"


def test_replica_logs_prove_convergence_or_divergence():
    cut = [Partition(100, 2400, (2,), (2,))]
    healed = simulate("multi-leader", keys=2, partitions=[Partition(100, 1500, (2,), (2,))], seed=1)
    apart = simulate("multi-leader", keys=2, partitions=cut, anti_entropy_ms=0, seed=1)
    assert consistency.check_eventual(healed.history).ok
    assert not consistency.check_eventual(apart.history).ok
