"""Delivery semantics under crashes: each guarantee as a property that a planted bug would break."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import messaging

from . import naive

SEEDS = st.integers(0, 10_000)


@settings(max_examples=40)
@given(
    seed=SEEDS, crash_p=st.floats(0.0, 0.3), batch=st.integers(1, 12), group=st.sampled_from(messaging.GROUPS)
)
def test_at_least_once_loses_nothing(seed, crash_p, batch, group):
    """Planted bug caught: acknowledging before the effect (at-most-once) loses messages."""
    r = messaging.deliver(600, 3, 2, crash_p, "at_least_once", seed=seed, batch=batch, group=group)
    assert r.lost == 0
    # each message took effect, or crashed on every allowed attempt and went to the dead-letter queue
    assert ((r.applied > 0) | (r.dead == 1)).all() and not r.superseded.any()


@settings(max_examples=40)
@given(
    seed=SEEDS,
    crash_p=st.floats(0.0, 0.3),
    batch=st.integers(1, 12),
    ack=st.sampled_from(["message", "batch"]),
    keyed=st.booleans(),
    poison_p=st.floats(0.0, 0.05),
)
def test_an_idempotent_consumer_applies_each_message_exactly_once(seed, crash_p, batch, ack, keyed, poison_p):
    """Planted bug caught: a dedup check that is not consulted, or is updated before the effect."""
    r = messaging.deliver(
        600, 3, 2, crash_p, "at_least_once", True, keyed, seed=seed, batch=batch, ack=ack, poison_p=poison_p
    )
    assert r.duplicates == 0 and r.lost == 0
    assert (r.applied[r.dead == 0] == 1).all()
    # a message whose every attempt crashed after its effect is dead-lettered with its effect applied
    assert r.effects == int((r.applied > 0).sum()) >= r.messages - r.dead_lettered


def _over_seeds(fn, seeds=10):
    x = np.array([fn(s) for s in range(seeds)], dtype=float)
    return x.mean(), x.std(ddof=1) / math.sqrt(x.size)


def test_at_most_once_loses_p_q_and_at_least_once_duplicates_p_1_minus_q_over_1_minus_p():
    n, p, q = 20_000, 0.02, 0.5
    lost, se = _over_seeds(lambda s: messaging.deliver(n, 4, 2, p, "at_most_once", seed=s, batch=1).lost / n)
    assert abs(lost - messaging.lost_theory(p, q)) < 4 * se
    dups, se = _over_seeds(
        lambda s: messaging.deliver(n, 4, 2, p, seed=s, batch=1, ack="message").duplicates / n
    )
    assert abs(dups - messaging.duplicates_theory(p, q)) < 4 * se


@settings(max_examples=30)
@given(seed=SEEDS, fail_p=st.floats(0.0, 0.2), P=st.integers(1, 6), C=st.integers(1, 6))
def test_key_partitioning_with_one_reader_and_in_place_retries_keeps_per_key_order(seed, fail_p, P, C):
    """Planted bug caught: a consumer that reads two partitions' messages in any order but per-partition."""
    r = messaging.deliver(800, P, C, 0.0, seed=seed, fail_p=fail_p, keys=10)
    assert r.order_violations == 0


@pytest.mark.parametrize(
    "change",
    [dict(keyed=False), dict(group="competing"), dict(retry_mode="retry_topic", fail_p=0.05)],
    ids=["round-robin partitioning", "competing consumers", "retry topic"],
)
def test_each_of_these_breaks_per_key_order(change):
    keyed = change.pop("keyed", True)
    r = messaging.deliver(5_000, 4, 2, 0.0, keyed=keyed, keys=10, seed=1, **change)
    assert r.order_violations > 10


def test_a_replay_moves_state_back_in_time_unless_the_consumer_is_idempotent():
    """Kafka-style batch commits: a crash replays the batch, re-applying old versions after newer ones."""
    plain = messaging.deliver(5_000, 2, 1, 0.02, keys=5, seed=4)
    assert plain.order_violations > 0
    history = plain.key_history()
    assert history.back_in_time.any()
    drops = (np.diff(history.version.to_numpy()) < 0).sum()  # a replay steps down, then climbs back
    assert 0 < drops <= history.back_in_time.sum()
    for dedup in messaging.DEDUP:
        clean = messaging.deliver(5_000, 2, 1, 0.02, idempotent=True, keys=5, seed=4, dedup=dedup)
        assert clean.order_violations == 0 and clean.duplicates == 0


def test_a_version_check_also_discards_updates_that_arrive_late():
    r = messaging.deliver(5_000, 4, 2, 0.0, idempotent=True, keyed=False, keys=10, seed=1, dedup="version")
    assert r.order_violations == 0
    assert r.superseded.sum() > 0 and r.lost == 0


@pytest.mark.parametrize("retry_mode", messaging.RETRY_MODES)
def test_poison_messages_go_to_the_dead_letter_queue_after_k_attempts(retry_mode):
    r = messaging.deliver(3_000, 2, 2, 0.0, seed=3, poison_p=0.01, retry_mode=retry_mode)
    poison = r.dead == 1
    assert r.dead_lettered == poison.sum() > 10
    attempts = r.settings.retry.max_retries + 1
    assert (r.attempts[poison] == attempts).all()
    assert r.lost == 0 and (r.applied[~poison] >= 1).all()


@settings(max_examples=40, deadline=None)
@given(
    batch=st.integers(1, 15),
    kill_after=st.integers(1, 40),
    point=st.sampled_from(list(messaging.CRASH_POINTS)),
    semantics=st.sampled_from(messaging.SEMANTICS),
    idempotent=st.booleans(),
    consumers=st.integers(1, 3),
)
def test_a_planned_crash_gives_the_counts_worked_out_by_hand(
    batch, kill_after, point, semantics, idempotent, consumers
):
    """The simulator's side of the live lab: one kill at a known point, against expected_counts."""
    n = 400
    r = messaging.deliver(
        n, 1, consumers, 0.0, semantics, idempotent, keys=10, seed=1, group="competing", batch=batch,
        crashes=((0, kill_after, point),), rate=math.inf,
    )  # fmt: skip
    got = {"redeliveries": r.redeliveries, "effects": r.effects, "duplicates": r.duplicates, "lost": r.lost}
    assert got == messaging.expected_counts(n, batch, kill_after, point, semantics, idempotent)


@given(
    messages=st.integers(1, 60),
    batch=st.integers(1, 15),
    kill_after=st.integers(1, 60),
    point=st.sampled_from(list(messaging.CRASH_POINTS)),
    semantics=st.sampled_from(messaging.SEMANTICS),
    idempotent=st.booleans(),
)
def test_the_hand_worked_counts_are_those_of_the_stream_played_entry_by_entry(
    messages, batch, kill_after, point, semantics, idempotent
):
    """Planted bugs caught: the killed message not counted as pending, a partial last batch counted full."""
    batch, kill_after = min(batch, messages), min(kill_after, messages)
    expected = naive.one_kill(messages, batch, kill_after, point, semantics, idempotent)
    assert messaging.expected_counts(messages, batch, kill_after, point, semantics, idempotent) == expected


@pytest.mark.parametrize("seed", [1, 2])
def test_high_water_polling_misses_exactly_the_rows_the_loop_misses(seed):
    r = messaging.outbox_relay(2_000, "poll_high_water", seed=seed, poll_s=0.5, tx_s=0.2)
    # recover the phase from the first published row, then replay the relay as a loop
    published = r.publish_s[~np.isnan(r.publish_s)]
    phase = float(published.min() % 0.5)
    expected = np.array(naive.poll_high_water(r.commit_s.tolist(), phase, 0.5))
    assert np.array_equal(np.isnan(expected), np.isnan(r.publish_s))
    assert np.allclose(expected[~np.isnan(expected)], published)
    assert r.missed > 0


def test_log_tailing_keeps_commit_order_and_polling_by_flag_misses_nothing():
    tail = messaging.outbox_relay(5_000, "log_tailing", seed=1)
    flag = messaging.outbox_relay(5_000, "poll_unpublished", seed=1)
    assert tail.missed == tail.out_of_order == 0
    assert flag.missed == 0 and flag.out_of_order > 0
    assert np.mean(flag.latency_s) > 5 * np.mean(tail.latency_s)
