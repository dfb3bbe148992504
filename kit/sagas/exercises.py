"""Exercises of the sagas lab; every answer, and every number a prompt quotes, is computed by the kit.

Numeric questions recognise the common wrong answers (a step multiplied in
that should not be, a formula that forgets the retries) and say which
reasoning went wrong; any other wrong answer is told how far it is.
"""

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
CONFIRM = ONE_SHOT.steps[-1]  # the retriable step after the pivot
RETRIED = dict(p_fail=0.2, attempts=3)  # the expected-attempts question's step
BLOCKING = dict(crash_p=0.01, downtime=5_000.0)
PARTICIPANTS = len(ONE_SHOT.steps)  # 2PC's participants, and choreography's events: one per step


def _attempts(p_fail: float = RETRIED["p_fail"], attempts: int = RETRIED["attempts"]) -> float:
    return api.theory_expected_attempts(Saga([Step("x", p_fail=p_fail, retry=attempts)]))


register(
    Numeric(
        NOTEBOOK,
        "p-commit",
        prompt="The travel saga with <b>one attempt per step</b> and no timeouts: each attempt succeeds "
        "with probability 1 − p_fail − p_permanent (see the table of steps), except that the retriable "
        "confirmation is still retried until it succeeds (after the pivot a saga only goes forward). "
        "What fraction of runs commits? (a number between 0 and 1)",
        answer=lambda: api.theory_p_committed(ONE_SHOT),
        rel_tol=0.002,
        abs_tol=0.005,  # two decimals are enough
        mistakes=[
            (
                lambda: _p_commit(ONE_SHOT, skip_retriable=False),
                "That multiplies in the confirmation's one attempt too. It is retriable, retried until it "
                f"succeeds, so it contributes 1, not 1 − {CONFIRM.p_fail:g}.",
            ),
            (
                lambda: _p_commit(ONE_SHOT, p_permanent=False),
                "That counts only p_fail. With one attempt a transient failure ends the step, and so "
                "does a permanent one: use 1 − p_fail − p_permanent.",
            ),
            (
                lambda: _p_commit(ONE_SHOT, p_fail=False),
                "That counts only p_permanent. With one attempt there is no retry, so a transient failure "
                "ends the step as surely as a permanent one.",
            ),
            (
                lambda: 1.0 - sum(s.p_fail + s.p_permanent for s in ONE_SHOT.steps if s.kind != "retriable"),
                "That adds the failure probabilities. They are independent: multiply the success "
                "probabilities instead (adding counts twice the runs where two steps fail).",
            ),
        ],
        hint="Multiply 1 − p_fail − p_permanent over the steps in the table printed by trip.to_frame(), "
        "up to and including the pivot.",
        solution="A run commits only if every step succeeds, independently: multiply the success "
        "probabilities 1 − p_fail − p_permanent of the four steps up to the pivot (from the table); the "
        f"confirmation contributes 1: {api.theory_p_committed(ONE_SHOT):.4f}. The kit computes it with "
        "<code>sagas.theory_p_committed(examples.travel_booking(attempts=1))</code>, and the simulation "
        "with a long timeout lands on the same number within its error bar.",
    )
)

_P, _A = RETRIED["p_fail"], RETRIED["attempts"]
register(
    Numeric(
        NOTEBOOK,
        "expected-attempts",
        prompt=f"A step fails transiently with p_fail = {_P:g} per attempt and is tried at most {_A} times. "
        "How many attempts does it take on average?",
        answer=_attempts,
        rel_tol=0.005,
        abs_tol=0.005,
        mistakes=[
            (
                1 / (1 - _P),
                "That is 1/(1 − p), the mean of a geometric series that never stops: here the tries do, "
                f"after {_A}.",
            ),
            (
                1 + (_A - 1) * _P,
                f"That gives each retry probability {_P:g}, but a later one needs every earlier try to fail: "
                f"the third try happens with probability {_P:g}².",
            ),
            (float(_A), "That uses every attempt; the first one that succeeds ends the step."),
        ],
        hint="Attempt k happens only if the k − 1 before it failed: add up P(attempt k happens).",
        solution="Attempt k happens only if the k−1 before it failed: "
        + " + ".join(["1", f"{_P:g}", *[f"{_P:g}<sup>{k}</sup>" for k in range(2, _A)]])
        + f" = {_attempts():.4g}. In general (1 − p<sup>A</sup>)/(1 − p), a truncated geometric series.",
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

_C, _DOWN, _N = BLOCKING["crash_p"], BLOCKING["downtime"], PARTICIPANTS


def _blocked() -> float:
    return api.theory_2pc_blocked_ms(examples.travel_booking(), Faults(**BLOCKING))


def _half_done() -> float:
    return api.theory_dual_write_half_done(examples.travel_booking(), Faults(crash_p=_C))


register(
    Numeric(
        NOTEBOOK,
        "2pc-blocking",
        prompt=f"Under 2PC the travel saga's {_N} participants each get a PREPARE. When a YES vote comes "
        "back, "
        f"the coordinator crashes before handling it with probability {_C:g}, takes {_DOWN:,.0f} ms on "
        "average to come back, and then resends that PREPARE (which can end in a crash again). No message is "
        "lost. On average per transaction, how long is a participant left in doubt while the coordinator is "
        "down (summed over participants, ms)?",
        answer=_blocked,
        rel_tol=0.004,
        unit="ms",
        mistakes=[
            (
                _C * _DOWN,
                "That lets the coordinator crash once per transaction. It can crash on "
                f"each participant's vote: {_N} chances.",
            ),
            (
                _N * _C * _DOWN,
                "That never lets a resend crash again. Each one can: crash_p/(1 − crash_p) "
                "crashes per participant on average, not crash_p.",
            ),
        ],
        hint="Count the crashes one participant's vote sees, c + c² + ..., then multiply by the participants "
        "and the mean downtime.",
        solution=f"Each participant's PREPARE round trip ends in a crash with probability c = {_C:g}, and so "
        "does each resend, so it sees c + c² + ... = c/(1 − c) crashes on average, each leaving it in doubt "
        f"for a whole downtime: {_N} × {_C:g}/{1 - _C:g} × {_DOWN:,.0f} ≈ {_blocked():,.1f} ms per "
        "transaction, "
        "concentrated in the few transactions that crash, which hold their locks for seconds "
        "(<code>sagas.theory_2pc_blocked_ms</code>; Bernstein et al. 1987, section 7.4).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "dual-write",
        prompt=f"Without an outbox each of the {_N} steps commits, then publishes its event; a crash in "
        f"between (probability {_C:g}) loses the event and the saga stops there. What fraction of sagas is "
        "left silently half-done?",
        answer=_half_done,
        rel_tol=0.005,
        mistakes=[
            (
                _N * _C,
                f"That adds the chances: {_N} × {_C:g} counts twice the sagas that would lose two events. "
                f"The exact answer is 1 − (1 − {_C:g})^{_N}.",
            ),
            (_C, f"That counts one crash chance: each of the {_N} steps has its own."),
        ],
        hint="A saga is whole only if none of its events is lost: 1 − P(every event survives).",
        solution=f"A saga survives only if none of its {_N} events is lost: 1 − {1 - _C:g}<sup>{_N}</sup> ≈ "
        f"{_half_done():.3f}. With a transactional outbox the event is written in the same local transaction "
        "as the data, so it is late after a crash, never lost.",
    )
)
