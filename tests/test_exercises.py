import ipywidgets as w
import pytest

from kit import exercises, fanout
from kit.exercises import MultipleChoice, Numeric, PickConfig

NB = "00_start_here"


def test_every_registered_question_has_a_right_answer_that_checks():
    assert exercises.questions(NB)
    for q in exercises.questions():
        if isinstance(q, Numeric):
            right = q.answer()
        elif isinstance(q, PickConfig):
            scores = [q.score(c) for c in q.configs]
            right = scores.index((min if q.goal == "min" else max)(scores))
        else:
            right = q.answer()
        assert q.check(right).correct, q.id
        assert q.solution.strip(), q.id


def test_numeric_tolerance_and_direction():
    truth = float(fanout.p_slow(100, 0.01))
    assert exercises.check(NB, "fanout-100", truth * 1.02).correct
    fb = exercises.check(NB, "fanout-100", 0.01)
    assert not fb.correct and "too low" in fb.message
    assert "too high" in exercises.check(NB, "fanout-100", 0.99).message


def test_multiple_choice_accepts_text_or_index_and_explains():
    fb = exercises.check(NB, "median-request", "p99.3")
    assert fb.correct and "0.9931" in fb.message
    assert not exercises.check(NB, "median-request", 0).correct


def test_pick_config_lists_every_score():
    fb = exercises.check(NB, "cheapest-fix", 1)
    assert not fb.correct and fb.message.count("P(slow request)") == 4


@pytest.mark.parametrize("bad", ["abc", None, float("nan")])
def test_bad_answers_get_a_message(bad):
    with pytest.raises(ValueError, match="answer must be"):
        exercises.check(NB, "fanout-100", bad)


def test_unknown_question_lists_known_ones():
    with pytest.raises(ValueError, match=r"known: .*fanout-100"):
        exercises.get(NB, "nope")


def test_duplicate_registration_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(MultipleChoice(NB, "fanout-100", "?", "", options=["a"]))


def test_widget_checks_and_reveals_solution():
    box = exercises.ask(NB, "fanout-100")
    field, buttons, feedback, solution = box.children[1], box.children[2], box.children[3], box.children[4]
    assert isinstance(field, w.FloatText) and solution.layout.display == "none"
    field.value = float(fanout.p_slow(100, 0.01))
    buttons.children[0].click()
    assert "Correct" in feedback.value
    buttons.children[1].click()
    assert solution.layout.display is None
