"""Exercises of the queues-and-events lab; answers come from the api."""

from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import api

NOTEBOOK = "08_queues_and_events"
_MM1K_LOSS = api.loss_probability(90.0, 100.0, 20)  # closed form: cheap at import

register(
    Numeric(
        NOTEBOOK,
        "mm1k-loss",
        prompt="Producers send 90 messages/s to one consumer that handles 100/s, through a broker that "
        "holds K = 20 messages (the one being processed included). What fraction of messages is lost? "
        "(a number between 0 and 1)",
        answer=lambda: _MM1K_LOSS,
        rel_tol=0.05,
        mistakes=[
            (0.9**20, "That is rho^K alone: multiply by (1 − rho) and divide by (1 − rho^(K+1))."),
            (0.1, "That is 1 − rho, the share of time the consumer is idle, not the share of messages lost."),
            (1 / 21, "That is 1/(K+1), the loss at rho = 1 exactly; here rho = 0.9."),
        ],
        hint="Use p_K = (1 − rho) rho^K / (1 − rho^(K+1)) from section 1, with rho = 90/100 and K = 20.",
        solution="rho = 0.9; (1 − rho) rho<sup>K</sup> / (1 − rho<sup>K+1</sup>) = 0.1 × 0.9<sup>20</sup> / "
        f"(1 − 0.9<sup>21</sup>) ≈ {_MM1K_LOSS:.4f}: about {_MM1K_LOSS:.1%} "
        "(<code>messaging.loss_probability(90, 100, 20)</code>).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "drain-time",
        prompt="Normal traffic is 80 messages/s, consumers handle 100/s in all. A spike adds a backlog of "
        "2,000 messages. Roughly how many seconds until the backlog is gone? (fluid estimate)",
        answer=lambda: 2000.0 / (100.0 - 80.0),
        rel_tol=0.05,
        unit="s",
        mistakes=[
            (
                2000.0 / 100.0,
                "That divides by the consumers' whole rate, but the producers keep sending 80/s.",
            ),
            (2000.0 / 80.0, "That divides by the producers' rate; the backlog shrinks by what is left over."),
        ],
        hint="Only the spare capacity, consumers' rate minus producers' rate, eats into the backlog.",
        solution="The backlog shrinks only by the spare capacity, 100 − 80 = 20 messages/s: "
        "2,000 / 20 = 100 s. The spike lasted seconds; its shadow lasts minutes.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "exactly-once",
        prompt="Consumers crash now and then. Which combination makes every side effect happen exactly once?",
        options=[
            "at-most-once delivery",
            "at-least-once delivery",
            "at-least-once delivery and an idempotent consumer",
            "at-most-once delivery and an idempotent consumer",
        ],
        answer=lambda: 2,
        why=[
            "It commits before the effect: a crash in between loses the message for good.",
            "Nothing is lost, but a crash after the effect and before the acknowledgement repeats it.",
            "Nothing is lost, and the consumer recognises each repeat: the effect happens once per message.",
            "Idempotency removes repeats, not losses: the lost messages stay lost.",
        ],
        solution="Delivery can be at most once or at least once; 'exactly once' is at-least-once delivery "
        "whose repeats the consumer recognises (a dedup table of message ids in the same transaction as "
        "the effect, or a version check).",
    )
)

register(
    PickConfig(
        NOTEBOOK,
        "keep-order",
        prompt="Updates to the same key must be applied in order. Which set-up applies none out of order "
        "(no crashes, some transient failures)?",
        configs=[
            {"keyed": True, "group": "partitioned", "retry_mode": "in_place"},
            {"keyed": False, "group": "partitioned", "retry_mode": "in_place"},
            {"keyed": True, "group": "competing", "retry_mode": "in_place"},
            {"keyed": True, "group": "partitioned", "retry_mode": "retry_topic"},
        ],
        score=lambda c: (
            api.deliver(
                3_000,
                4,
                2,
                0.0,
                keyed=c["keyed"],
                keys=20,
                seed=1,
                group=c["group"],
                retry_mode=c["retry_mode"],
                fail_p=0.02,
            ).order_violations
        ),
        goal="min",
        score_name="order violations",
        solution="Per-key order needs all three: the key decides the partition, one reader per partition, "
        "and retries that wait in place. Round robin partitioning, competing consumers and retry topics "
        "each let a newer update overtake an older one.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "redeliveries",
        prompt="A consumer fetches 10 entries at a time and is killed after the side effect of its 25th "
        "message, before acknowledging it. How many entries are delivered again? (at-least-once)",
        answer=lambda: api.expected_counts(400, 10, 25, "after_effect", "at_least_once", False)[
            "redeliveries"
        ],
        rel_tol=0.0,
        abs_tol=0.5,
        integer=True,
        mistakes=[
            (1, "Only the killed message? The rest of its batch was fetched and never acknowledged either."),
            (5, "The 5 after it, yes, but the 25th itself was never acknowledged: it comes back too."),
            (10, "The whole batch? Its first 4 messages were acknowledged before the kill."),
        ],
        hint="Find the batch of 10 that holds the 25th message and count what is still pending in it.",
        solution="Its 25th message is the 5th of its third batch of 10: it and the 5 after it were delivered "
        "and never acknowledged, so 6 entries come back (and the 25th's effect happens twice without dedup).",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "cooperative",
        prompt="A group of 3 consumers reads 12 partitions; a 4th joins. With the cooperative-sticky "
        "assignor, which partitions stop being read during the rebalance?",
        options=["all 12", "the 3 that move to the new member", "none", "the new member's 4"],
        answer=lambda: 1,
        why=[
            "That is the eager protocol: everyone revokes everything first.",
            "Only the partitions that change owner pause (KIP-429); the other 9 keep being read.",
            "A moving partition must be revoked by its old owner before the new one starts.",
            "The new member's 12/4 = 3 partitions are the ones that move; nothing else stops.",
        ],
        solution="Incremental cooperative rebalancing (KIP-429) revokes only what must move, in a first "
        "round, and assigns it in a second: the new member takes 12/4 = 3 partitions, and the sticky "
        "assignment moves only those (<code>messaging.consumer_group</code> reports them as "
        "<code>moved</code>).",
    )
)
