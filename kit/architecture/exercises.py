"""Exercises of the architecture lab; answers come from the api."""

from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import api

NOTEBOOK = "11_architecture_evolution"
SEED = 11
A_UNIT, CHECKOUT_UNITS, MONTH_MIN = 0.999, 6, 30 * 24 * 60  # the checkout question's numbers
P_BAD, TEAMS = 0.05, 7  # the release-train question's


register(
    Numeric(
        NOTEBOOK,
        "checkout-availability",
        prompt="As microservices, checkout needs six units synchronously (web, auth, cart, inventory, "
        "payments, orders), each available 99.9%. What share of checkouts find them all up? "
        "(a number between 0 and 1)",
        answer=lambda: api.shop("microservices").availability("checkout"),
        rel_tol=0.0,
        abs_tol=2e-4,
        mistakes=[
            (A_UNIT, "That is one unit; checkout needs all six at once."),
            (A_UNIT ** (CHECKOUT_UNITS - 1), "That is five units: count web too."),
            (
                1 - A_UNIT**CHECKOUT_UNITS,
                "That is the share of checkouts that fail; the question asks for success.",
            ),
        ],
        hint="Units in series multiply their availabilities: one factor per unit checkout needs.",
        solution=f"Units in series multiply: 0.999<sup>6</sup> ≈ {A_UNIT**CHECKOUT_UNITS:.4f}, "
        "<code>architecture.shop('microservices').availability('checkout')</code>. As a monolith the "
        "same features need one unit: 0.999. Six units cost about six times the downtime: about "
        f"{(1 - A_UNIT**CHECKOUT_UNITS) * MONTH_MIN:.0f} minutes a month instead of "
        f"{(1 - A_UNIT) * MONTH_MIN:.0f}.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "email-down",
        prompt="In the shop, orders publishes to email through a queue. The email service is down. "
        "What happens to checkouts?",
        options=[
            "They fail: email is part of checkout",
            "They succeed; the confirmation emails wait in the queue until email is back",
            "They succeed, and the emails are lost",
            "They slow down until email is back",
        ],
        answer=lambda: (
            1
            if api.shop("microservices").availability("checkout")
            > api.shop("microservices").availability("checkout", through_async=True)
            else 0
        ),
        why=[
            "Only synchronous calls make a request wait for (and depend on) a service.",
            "An asynchronous edge does not multiply availability: the work is deferred, not failed, "
            "as long as the queue keeps messages longer than the outage.",
            "A durable queue keeps them; they are lost only if the outage outlasts its retention.",
            "The producer answers once the message is handed over: response time does not change.",
        ],
        solution="<code>availability('checkout')</code> leaves email out; "
        "<code>availability('checkout', through_async=True)</code> includes it: the difference is the "
        "share of checkouts whose email is deferred.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "release-train",
        prompt="The monolith's release carries the changes of all 7 teams; each team's change is bad "
        "(and forces a rollback) with probability 5%. How often is a release rolled back? "
        "(a number between 0 and 1)",
        answer=lambda: float(api.coupling(api.shop("monolith"), p_bad_change=0.05)["p_rollback"].iloc[0]),
        rel_tol=0.03,
        mistakes=[
            (P_BAD, "That is one team's change; the release carries all seven."),
            (P_BAD * TEAMS, "Adding 7 × 5% approximates 1 − (1 − p)^k only while k·p is small."),
            ((1 - P_BAD) ** TEAMS, "That is the share of releases that succeed."),
        ],
        hint="A release is good only if every one of the 7 changes is: 1 − (1 − p)^k.",
        solution="A release succeeds only if all 7 changes are good: 0.95<sup>7</sup> ≈ "
        f"{(1 - P_BAD) ** TEAMS:.3f}, so about {1 - (1 - P_BAD) ** TEAMS:.0%} of releases roll back, and "
        "every team waits. Releasing alone, a team rolls back 5% of "
        "the time: the fan-out formula 1 − (1 − p)<sup>k</sup> of lab 00, applied to a release train.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "hop-cost",
        prompt="Checkout makes 5 network calls as microservices and none as a monolith. With a 0.5 ms "
        "median round trip, how many ms does the microservices version add to the median checkout? "
        "(simulate with <code>architecture.compare(seed=11)</code>)",
        answer=lambda: _median_gap("checkout"),
        rel_tol=0.0,
        abs_tol=0.6,
        unit="ms",
        mistakes=[
            (0.5, "That is about one round trip; checkout waits for five, one after another."),
        ],
        hint="Count the round trips a checkout waits for in sequence, then compare the two styles' p50 "
        "rows of <code>architecture.compare(seed=11)</code>.",
        solution="The five calls run one after another, so their round trips add up: about 5 × 0.5 = "
        "2.5 ms at the median, a little more because a sum of skewed round trips has its median "
        "above the sum of medians. Small against the work itself; it is the availability and the "
        "tail of many hops that hurt.",
    )
)

register(
    PickConfig(
        NOTEBOOK,
        "safest-schedule",
        prompt="The new release has a regression with probability 30% (2% more errors on the traffic it "
        "gets). The gate lets a step spend 5% of a month's error budget, and a step lasts a day. Which "
        "schedule spends the least error budget, on average?",
        configs=[
            {"shares": (1.0,)},
            {"shares": (0.1, 0.5, 1.0)},
            {"shares": (0.01, 0.05, 0.25, 0.5, 1.0)},
        ],
        score=lambda c: api.strangler(api.Migration(shares=c["shares"]), runs=400, seed=SEED).summary()[
            "budget_spent"
        ],
        goal="min",
        score_name="errors / budget",
        solution="A big bang sends all the traffic to the regression for a whole day. But the smallest "
        "first steps are not the safest either: at 1% and 5% the regression's extra errors stay under "
        "the gate, so it passes and is caught only at 25%. A first step of 10% is large enough for "
        "the gate to see it, and small enough to cost little. A canary is only as good as what its "
        "gate can detect at its size.",
    )
)


def _median_gap(entry: str) -> float:
    table = api.compare(seed=SEED).set_index(["style", "entry"])
    return float(table.loc[("microservices", entry), "p50_ms"] - table.loc[("monolith", entry), "p50_ms"])
