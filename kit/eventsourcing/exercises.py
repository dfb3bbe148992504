"""Exercises of the event-sourcing lab; every answer is computed by the kit on a real store or model."""

import os
import tempfile

from ..exercises import MultipleChoice, Numeric, register
from . import api

NOTEBOOK = "09_event_sourcing_cqrs"

STORY = [
    {"type": "open", "owner": "Ada"},
    {"type": "deposit", "amount": 5_000},
    {"type": "withdraw", "amount": 1_200},
    {"type": "deposit", "amount": 300},
    {"type": "withdraw", "amount": 4_000},
]


def _balance_at_version_3() -> int:
    lab = api.Lab()
    try:
        for command in STORY:
            lab.run("ada", command)
        return lab.state("ada", until=3).balance
    finally:
        lab.close()


def _events_folded(length: int, every: int) -> int:
    costs = api.replay_cost([length], intervals=[every], repeats=1, seed=1)
    return int(costs.events_folded.iloc[0])


def _second_clerk() -> int:
    """Run the two clerks' race on a real store; the index of what happened to the second."""
    with tempfile.TemporaryDirectory() as folder, api.EventStore(os.path.join(folder, "e.db")) as store:
        store.append("acct", [{"type": "Deposited", "data": {"amount": 1}}] * 7, 0)
        store.append("acct", [{"type": "Withdrawn", "data": {"amount": 1}}], 7)
        try:
            store.append("acct", [{"type": "Withdrawn", "data": {"amount": 1}}], 7)
        except api.ConcurrencyError as e:
            return 1 if (e.expected, e.actual) == (7, 8) else 3
        return 0 if store.version("acct") == 9 else 2


register(
    Numeric(
        NOTEBOOK,
        "time-travel",
        prompt="An account's stream holds: opened; deposited 5,000; withdrew 1,200; deposited 300; "
        "withdrew 4,000 (cents). What is the balance of <code>replay(store, stream, until=3)</code>?",
        answer=_balance_at_version_3,
        abs_tol=0.5,
        rel_tol=0.0,
        unit="cents",
        solution="Version 3 is the state after the first three events: 0 + 5,000 − 1,200 = 3,800. "
        "The later events are in the store but the fold stops at version 3.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "snapshot-tail",
        prompt="A stream has 1,250 events and a snapshot is written at every multiple of 100. "
        "How many events does rebuilding its latest state read after loading the snapshot?",
        answer=lambda: _events_folded(1250, 100),
        abs_tol=0.5,
        rel_tol=0.0,
        unit="events",
        solution="The latest snapshot is at version 1,200; the replay folds versions 1,201 to 1,250: "
        "50 events. Between snapshots the tail is (N − 1)/2 events on average and N − 1 at worst.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "two-clerks",
        prompt="Two clerks load the same account at version 7, and each appends a withdrawal with "
        "<code>expected_version=7</code>. The first append succeeds. What happens to the second?",
        options=[
            "It succeeds too: the stream gets versions 8 and 9",
            "It raises ConcurrencyError (expected 7, actual 8) and writes nothing",
            "The store merges the two withdrawals into version 8",
            "It overwrites the first clerk's event at version 8",
        ],
        answer=_second_clerk,
        why=[
            "That would be a lost update waiting to happen: the second clerk decided on a state that "
            "no longer exists.",
            "Optimistic concurrency: the append is conditional on the version the decision was made from. "
            "The clerk reloads (now at version 8), decides again (is there still money?) and retries.",
            "An event store never merges: it appends whole batches or refuses them.",
            "Events are never overwritten; UNIQUE(stream, version) would refuse it even without the check.",
        ],
        solution="The second append raises <code>ConcurrencyError</code>: the stream is at version 8, not 7. "
        "<code>handle()</code> then replays the stream and decides again.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "mean-lag",
        prompt="A projector polls every 200 ms when it has nothing to do and applies events instantly. "
        "Commits arrive at random times (Poisson). What is the mean read-model lag, in ms?",
        answer=lambda: (
            1e3
            * float(
                api.simulate_lag(
                    50.0, poll_s=0.2, cost_s=0.0, overhead_s=0.0, events=200_000, seed=1
                ).lags_s.mean()
            )
        ),
        rel_tol=0.05,
        unit="ms",
        solution="A commit lands at a uniformly random moment of the poll interval, so it waits for the "
        "next poll U(0, 200 ms): 100 ms on average, 200 ms at worst.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "read-your-write",
        prompt="Same projector (polls every 250 ms, instant apply). A user deposits and her browser reloads "
        "the balance from the read side 100 ms later. In what fraction of cases does she not see "
        "her deposit?",
        answer=lambda: api.simulate_lag(
            50.0, poll_s=0.25, cost_s=0.0, overhead_s=0.0, events=200_000, seed=2
        ).p_missed(0.1),
        abs_tol=0.03,
        rel_tol=0.0,
        solution="She misses it when the lag exceeds 100 ms: P(U(0, 250) > 100) = 150/250 = 0.6. "
        "The fix is not a faster poll but a token: the write returns its position, and the read waits "
        "until the read model has passed it (<code>ReadModel.wait_for</code>), or the UI shows the "
        "write side's answer.",
    )
)
