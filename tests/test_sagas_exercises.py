"""Lab 05's exercises: the usual mistakes named, answers from the kit (also tests/test_exercises.py)."""

import pytest

from kit import exercises, sagas
from kit.exercises import MultipleChoice
from kit.sagas import Faults, examples

NB = "05_sagas"


def test_p_commit_names_the_confirm_step_multiplied_in_even_rounded():
    """The confirmation is retried until it succeeds: multiplying in its one attempt is the mistake."""
    steps = examples.travel_booking(attempts=1).steps
    wrong = 1.0
    for step in steps:
        wrong *= 1 - step.p_fail - step.p_permanent
    fb = exercises.check(NB, "p-commit", round(wrong, 2))  # as a learner types it
    assert not fb.correct and "confirmation" in fb.message and "too low" in fb.message
    right = sagas.theory_p_committed(examples.travel_booking(attempts=1))
    assert exercises.check(NB, "p-commit", round(right, 2)).correct


def test_answers_come_from_the_kit():
    blocked = sagas.theory_2pc_blocked_ms(examples.travel_booking(), Faults(crash_p=0.01, downtime=5_000.0))
    assert blocked == pytest.approx(5 * 0.01 / 0.99 * 5_000)  # Bernstein et al. 1987, section 7.4
    assert exercises.check(NB, "2pc-blocking", blocked).correct
    assert exercises.check(NB, "dual-write", 1 - 0.99**5).correct
    assert exercises.check(NB, "expected-attempts", 1.24).correct
    fb = exercises.check(NB, "dual-write", 4.9)
    assert not fb.correct and "as a fraction" in fb.message.lower()


def test_at_least_four_and_choices_start_unanswered():
    questions = exercises.questions(NB)
    assert len(questions) >= 4
    question = next(q for q in questions if isinstance(q, MultipleChoice))
    assert exercises.ask(NB, question.id).children[1].value is None
