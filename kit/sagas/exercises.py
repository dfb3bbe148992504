"""Exercises of the sagas lab; every answer is computed by the kit."""

from ..exercises import MultipleChoice, Numeric, register
from . import api, examples
from .model import Faults, Saga, Step

NOTEBOOK = "05_sagas"
EXERCISE_RUNS = 20_000
EXERCISE_SEED = 5
IDEMPOTENCY_FAULTS = dict(crash_p=0.02, loss_p=0.02)


def _stuck_share(saga) -> float:
    runs = api.simulate(saga, EXERCISE_RUNS, seed=EXERCISE_SEED)
    return float(api.outcome_shares(runs)["stuck"])


def best_pivot_place() -> int:
    """Index of the pivot placement with the fewest stuck runs."""
    shares = [_stuck_share(s) for s in examples.pivot_placements().values()]
    return shares.index(min(shares))


def worst_non_idempotent() -> int:
    """Index of the step that, alone without idempotency, causes the most duplicate effects."""
    base = examples.travel_booking(idempotent=True)
    faults = Faults(**IDEMPOTENCY_FAULTS)
    dups = [
        float(
            api.simulate(
                base.replace(only=s.name, idempotent=False), EXERCISE_RUNS, EXERCISE_SEED, faults
            ).duplicates.mean()
        )
        for s in base.steps
    ]
    return dups.index(max(dups))


register(
    Numeric(
        NOTEBOOK,
        "p-commit",
        prompt="The travel saga with <b>one attempt per step</b> and no timeouts: each attempt succeeds "
        "with probability 1 − p_fail − p_permanent (see the table of steps), except that the retriable "
        "confirmation is still retried until it succeeds (after the pivot a saga only goes forward). "
        "What fraction of runs commits? (a number between 0 and 1)",
        answer=lambda: api.theory_p_committed(examples.travel_booking(attempts=1)),
        rel_tol=0.01,
        solution="A run commits only if every step succeeds, independently: multiply the success "
        "probabilities 1 − p_fail − p_permanent of the four steps up to the pivot (from the table); the "
        "confirmation contributes 1. The kit computes it with "
        "<code>sagas.theory_p_committed(examples.travel_booking(attempts=1))</code>, and the simulation "
        "with a long timeout lands on the same number within its error bar.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "expected-attempts",
        prompt="A step fails transiently with p_fail = 0.2 per attempt and is tried at most 3 times. "
        "How many attempts does it take on average?",
        answer=lambda: api.theory_expected_attempts(Saga([Step("x", p_fail=0.2, retry=3)])),
        rel_tol=0.01,
        solution="Attempt k happens only if the k−1 before it failed: 1 + 0.2 + 0.2² = 1.24. "
        "In general (1 − p<sup>A</sup>)/(1 − p), a truncated geometric series.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "pivot-place",
        prompt="Where should the pivot (charge payment) go? Pick the placement that leaves the fewest "
        "sagas stuck, needing a person.",
        options=list(examples.pivot_placements()),
        answer=best_pivot_place,
        why=[
            "If the card is charged first, a hotel with no room left can no longer be undone "
            "cleanly: the payment is not compensatable, so the saga is stuck.",
            "Everything that can fail for good runs before the payment, and everything after it "
            "only needs retries (Richardson's compensatable → pivot → retriable).",
            "The hotel and car can still fail for good after the payment: stuck.",
        ],
        solution="Put every step that may fail permanently before the pivot, and only retriable steps "
        "after it. Then a failure before the pivot is compensated, and after it the saga can always go "
        "forward by retrying. Simulate <code>examples.pivot_placements()</code> and compare the "
        "stuck shares.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "must-be-idempotent",
        prompt="Messages get lost and the coordinator sometimes crashes, so commands are resent. "
        "Every step has an idempotency key except one: which missing key causes the most duplicate "
        "side effects (e.g. double charges)?",
        options=list(examples.STEP_NAMES),
        answer=worst_non_idempotent,
        why=[
            "Lost replies and crashes hit the flight like every step, but its fast calls rarely time out.",
            "Lost replies and crashes hit the hotel like every step, but its fast calls rarely time out.",
            "Lost replies and crashes hit the car like every step, but its fast calls rarely time out.",
            "The payment provider has a heavy tail: many calls time out after charging the card, "
            "and every resend without an idempotency key charges again.",
            "The confirmation is retried until it succeeds, but it is quick and only runs when the "
            "saga commits, so fewer of its attempts are resent after taking effect.",
        ],
        solution="A duplicate needs an attempt that took effect but whose answer never came back: a "
        "timeout, a lost reply or a coordinator crash. The slow, heavy-tailed payment call has the most "
        "of those. Idempotency keys on the pivot and on every retried step make resends safe "
        "(Stripe's Idempotency-Key header is exactly this).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "2pc-blocking",
        prompt="Under 2PC the coordinator crashes between the phases in 1% of transactions and takes "
        "5,000 ms on average to come back. How long, on average per transaction, are participants "
        "blocked holding their locks? (ms)",
        answer=lambda: api.theory_2pc_blocked_ms(Faults(crash_p=0.01, downtime=5_000.0)),
        rel_tol=0.02,
        unit="ms",
        solution="A crash leaves every participant that voted YES in doubt for the whole downtime, so "
        "E[blocked] = 0.01 × 5,000 ms = 50 ms per transaction, concentrated in 1% of them, each "
        "blocked 5 s with its rows locked (Bernstein et al. 1987, section 7.4).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "dual-write",
        prompt="Without an outbox each of the 5 steps commits, then publishes its event; a crash in "
        "between (probability 0.01) loses the event. What fraction of sagas is left silently half-done?",
        answer=lambda: api.theory_dual_write_half_done(examples.travel_booking(), Faults(crash_p=0.01)),
        rel_tol=0.02,
        solution="A saga survives only if none of its 5 events is lost: 1 − 0.99<sup>5</sup> ≈ 0.049. "
        "With a transactional outbox the event is written in the same local transaction as the data, "
        "so it is late after a crash, never lost.",
    )
)
