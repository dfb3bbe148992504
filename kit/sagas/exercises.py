"""Exercises of the sagas lab; every answer is computed by the kit.

Numeric questions recognise the common wrong answers (a step multiplied in
that should not be, a formula that forgets the retries) and say which
reasoning went wrong; any other wrong answer is told how far it is.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..exercises import Feedback, MultipleChoice, Numeric, register
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


@dataclass(frozen=True)
class Diagnosed(Numeric):
    """A numeric question whose feedback names the mistake behind a common wrong answer.

    Parameters
    ----------
    mistakes : sequence of (callable, str)
        The value a wrong reasoning gives (computed by the kit) and what to
        tell whoever gives it.

    Returns
    -------
    Diagnosed
        A question to ``register``.
    """

    mistakes: Sequence[tuple[Callable[[], float], str]] = ()

    def check(self, answer) -> Feedback:
        """Right, a known mistake with its explanation, or how far the answer is and in which direction.

        Parameters
        ----------
        answer : float

        Returns
        -------
        Feedback
        """
        feedback = super().check(answer)
        if feedback.correct:
            return feedback
        truth = float(self.answer())
        for value, why in self.mistakes:
            if math.isclose(answer, float(value()), rel_tol=self.rel_tol / 2, abs_tol=self.abs_tol):
                return Feedback(False, f"{answer:g} is what you get if {why}")
        if 0 < truth <= 1 < answer <= 100 and math.isclose(answer / 100, truth, rel_tol=self.rel_tol):
            return Feedback(
                False, f"{answer:g} looks like a percentage: give it as a fraction ({answer / 100:g})."
            )
        off = (answer - truth) / truth if truth else math.inf
        direction = "high" if answer > truth else "low"
        return Feedback(
            False, f"{answer:g} is {abs(off):.0%} too {direction}. Retrace the formula, or open the solution."
        )


def _p_commit(
    saga: Saga, skip_retriable: bool = True, p_fail: bool = True, p_permanent: bool = True
) -> float:
    """Product of one-attempt success probabilities under a (possibly wrong) reading."""
    total = 1.0
    for s in saga.steps:
        if skip_retriable and s.kind == "retriable":
            continue
        total *= 1.0 - (s.p_fail if p_fail else 0.0) - (s.p_permanent if p_permanent else 0.0)
    return total


ONE_SHOT = examples.travel_booking(attempts=1)
BLOCKING = dict(crash_p=0.01, downtime=5_000.0)

register(
    Diagnosed(
        NOTEBOOK,
        "p-commit",
        prompt="The travel saga with <b>one attempt per step</b> and no timeouts: each attempt succeeds "
        "with probability 1 − p_fail − p_permanent (see the table of steps), except that the retriable "
        "confirmation is still retried until it succeeds (after the pivot a saga only goes forward). "
        "What fraction of runs commits? (a number between 0 and 1)",
        answer=lambda: api.theory_p_committed(ONE_SHOT),
        rel_tol=0.005,
        mistakes=[
            (
                lambda: _p_commit(ONE_SHOT, skip_retriable=False),
                "the confirmation's one attempt is multiplied in too. It is retriable: retried until it "
                "succeeds, so it contributes 1, not 1 − 0.05.",
            ),
            (
                lambda: _p_commit(ONE_SHOT, p_permanent=False),
                "only p_fail counts. With one attempt a transient failure ends the step too, and so "
                "does a permanent one: use 1 − p_fail − p_permanent.",
            ),
            (
                lambda: _p_commit(ONE_SHOT, p_fail=False),
                "only p_permanent counts. With one attempt there is no retry, so a transient failure "
                "ends the step as surely as a permanent one.",
            ),
            (
                lambda: 1.0 - sum(s.p_fail + s.p_permanent for s in ONE_SHOT.steps if s.kind != "retriable"),
                "the failure probabilities are added. They are independent: multiply the success "
                "probabilities instead (adding overcounts runs where two steps fail).",
            ),
        ],
        solution="A run commits only if every step succeeds, independently: multiply the success "
        "probabilities 1 − p_fail − p_permanent of the four steps up to the pivot (from the table); the "
        "confirmation contributes 1. The kit computes it with "
        "<code>sagas.theory_p_committed(examples.travel_booking(attempts=1))</code>, and the simulation "
        "with a long timeout lands on the same number within its error bar.",
    )
)

register(
    Diagnosed(
        NOTEBOOK,
        "expected-attempts",
        prompt="A step fails transiently with p_fail = 0.2 per attempt and is tried at most 3 times. "
        "How many attempts does it take on average?",
        answer=lambda: api.theory_expected_attempts(Saga([Step("x", p_fail=0.2, retry=3)])),
        rel_tol=0.01,
        mistakes=[
            (lambda: 1 / (1 - 0.2), "the retries never stop: 1/(1 − p) is the untruncated geometric mean."),
            (
                lambda: 1 + 2 * 0.2,
                "each retry happens with probability 0.2; the second needs two failures: 0.2².",
            ),
            (lambda: 3.0, "every attempt is used; one that succeeds ends the step."),
        ],
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
    Diagnosed(
        NOTEBOOK,
        "2pc-blocking",
        prompt="Under 2PC the travel saga's 5 participants each get a PREPARE. When a YES vote comes back, "
        "the coordinator crashes before handling it with probability 0.01, takes 5,000 ms on average to "
        "come back, and then resends that PREPARE (which can end in a crash again). No message is lost. "
        "On average per transaction, how long is a participant left in doubt while the coordinator is down "
        "(summed over participants, ms)?",
        answer=lambda: api.theory_2pc_blocked_ms(examples.travel_booking(), Faults(**BLOCKING)),
        rel_tol=0.004,
        unit="ms",
        mistakes=[
            (
                lambda: 0.01 * 5_000.0,
                "the coordinator could crash once per transaction. It can crash on "
                "each participant's vote: 5 chances.",
            ),
            (
                lambda: 5 * 0.01 * 5_000.0,
                "a resend never crashes again. Each one can: crash_p/(1 − crash_p) "
                "crashes per participant on average, not crash_p.",
            ),
        ],
        solution="Each participant's PREPARE round trip ends in a crash with probability c = 0.01, and so "
        "does each resend, so it sees c + c² + ... = c/(1 − c) crashes on average, each leaving it in doubt "
        "for a whole downtime: 5 × 0.01/0.99 × 5,000 ≈ 252.5 ms per transaction, concentrated in the few "
        "transactions that crash, which hold their locks for seconds "
        "(<code>sagas.theory_2pc_blocked_ms</code>; Bernstein et al. 1987, section 7.4).",
    )
)

register(
    Diagnosed(
        NOTEBOOK,
        "dual-write",
        prompt="Without an outbox each of the 5 steps commits, then publishes its event; a crash in "
        "between (probability 0.01) loses the event and the saga stops there. What fraction of sagas is "
        "left silently half-done?",
        answer=lambda: api.theory_dual_write_half_done(examples.travel_booking(), Faults(crash_p=0.01)),
        rel_tol=0.005,
        mistakes=[
            (
                lambda: 5 * 0.01,
                "the chances add up: 5 × 0.01 counts twice the sagas that would lose two "
                "events. The exact answer is 1 − (1 − 0.01)^5.",
            ),
            (lambda: 0.01, "one crash chance is counted: each of the 5 steps has its own."),
        ],
        solution="A saga survives only if none of its 5 events is lost: 1 − 0.99<sup>5</sup> ≈ 0.049. "
        "With a transactional outbox the event is written in the same local transaction as the data, "
        "so it is late after a crash, never lost.",
    )
)
