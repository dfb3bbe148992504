"""Lab 06's exercises: every known wrong answer is recognised and explained, misses say how far."""

import pytest

from kit import exercises, queueing
from kit.exercises import MultipleChoice, Numeric

NB = "06_reliability"
NUMERIC = [q for q in exercises.questions(NB) if isinstance(q, Numeric)]


@pytest.mark.parametrize("question", NUMERIC, ids=lambda q: q.id)
def test_every_known_mistake_is_wrong_and_explained(question):
    assert question.mistakes, f"{question.id}: a numeric exercise names its common wrong answers"
    for wrong, why in question.mistakes:
        value = float(wrong() if callable(wrong) else wrong)
        fb = question.check(value)
        assert not fb.correct, f"{question.id}: the mistake {value:g} is the right answer"
        assert why in fb.message
        assert question.hint in fb.message


def test_a_miss_says_how_far_and_which_way():
    wq = queueing.mm1(0.8, 1.0).Wq  # 4 s
    assert "10% too high" in exercises.check(NB, "mm1-wait", 1.1 * wq).message
    assert "25% too low" in exercises.check(NB, "mm1-wait", 0.75 * wq).message
    assert "8 times too low" in exercises.check(NB, "mm1-wait", wq / 8).message
    assert "3 times too high" in exercises.check(NB, "mm1-wait", 3 * wq).message


def test_a_percentage_for_a_fraction_is_named():
    fb = exercises.check(NB, "erlang-c", 100 * queueing.erlang_c(9.0, 1.0, 10))
    assert not fb.correct and "as a fraction" in fb.message.lower()


def test_choices_start_unanswered():
    question = next(q for q in exercises.questions(NB) if isinstance(q, MultipleChoice))
    box = exercises.ask(NB, question.id)
    choice, check, feedback = box.children[1], box.children[2].children[0], box.children[3]
    assert choice.value is None
    check.click()
    assert "pick one of the options" in feedback.value
