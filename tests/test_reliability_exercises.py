"""Lab 06's exercises: misses say how far, a percentage is named (known mistakes: tests/test_exercises.py)."""

from kit import exercises, queueing
from kit.exercises import MultipleChoice

NB = "06_reliability"


def test_a_miss_says_how_far_and_which_way():
    wq = queueing.mm1(0.8, 1.0).Wq  # 4 s
    assert "10% too high" in exercises.check(NB, "mm1-wait", 1.1 * wq).message
    assert "25% too low" in exercises.check(NB, "mm1-wait", 0.75 * wq).message
    assert "too low by a factor of about 8" in exercises.check(NB, "mm1-wait", wq / 8).message
    assert "too high by a factor of about 3" in exercises.check(NB, "mm1-wait", 3 * wq).message


def test_a_percentage_for_a_fraction_is_named():
    fb = exercises.check(NB, "erlang-c", 100 * queueing.erlang_c(9.0, 1.0, 10))
    assert not fb.correct and "as a fraction" in fb.message.lower()


def test_choices_start_unanswered():
    question = next(q for q in exercises.questions(NB) if isinstance(q, MultipleChoice))
    box = exercises.ask(NB, question.id)
    choice, check, feedback = box.children[1], box.children[2].children[0], box.children[3]
    assert choice.value is None
    check.click()
    assert "pick one of the options" in feedback.value.lower()
