"""kit.exercises: feedback that says which way and how far, common wrong forms, sentences for wrong kinds."""

import ipywidgets as w
import pytest

from kit import exercises
from kit.exercises import MultipleChoice, Numeric, PickConfig

FRACTION = Numeric("nb", "fraction", "What fraction?", "s", answer=lambda: 0.634, rel_tol=0.03)
COUNT = Numeric(
    "nb",
    "count",
    "How many servers?",
    "s",
    answer=lambda: 68,
    rel_tol=0.0,
    unit="servers",
    integer=True,
    mistakes=[(50, "That is k·p = 0.5."), (lambda: 69, "One too many.")],
    hint="See the cell that solves 1 − 0.99^k ≤ 0.5.",
)
CHOICE = MultipleChoice("nb", "choice", "Which?", "s", options=["a", "b", "c"], answer=lambda: 1, why="xyz")


def test_every_registered_question_has_a_right_answer_that_checks():
    assert exercises.questions()
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


@pytest.mark.parametrize(
    "answer, said",
    [
        (0.5, "0.5 is 21% too low."),
        (0.7, "0.7 is 10% too high."),
        (0.002, "0.002 is too low by a factor of about 317."),
        (0.634 / 2.5, "is too low by a factor of about 2.5."),
        (-0.634, "-0.634 has the wrong sign."),
    ],
)
def test_a_wrong_number_gets_which_way_and_how_far(answer, said):
    fb = FRACTION.check(answer)
    assert not fb.correct and said in fb.message
    assert fb.message.endswith("Run the model again, or open the solution.")  # no hint given


def test_right_within_tolerance_and_as_text():
    assert FRACTION.check(0.634 * 1.02).correct
    assert FRACTION.check("0.64").correct and FRACTION.check("63.4%").correct


def test_a_percentage_for_a_fraction_is_recognised():
    fb = FRACTION.check(63.4)
    assert not fb.correct and fb.message == "As a fraction, please: 63.4% is 0.634."


def test_an_unrounded_count_is_recognised():
    assert COUNT.check(68).correct
    fb = COUNT.check(68.97)
    assert not fb.correct and "68.97 is not a whole number of servers" in fb.message
    assert "which of 68 and 69" in fb.message and fb.message.endswith("1 − 0.99^k ≤ 0.5.")


def test_known_wrong_answers_get_their_own_explanation_and_the_hint():
    assert (
        COUNT.check(50).message
        == "50 servers is 26% too low. That is k·p = 0.5. See the cell that solves 1 − 0.99^k ≤ 0.5."
    )
    assert "One too many." in COUNT.check(69).message
    assert "That is" not in COUNT.check(30).message


@pytest.mark.parametrize(
    "question, bad, said",
    [
        (FRACTION, "abc", "'abc' is not a number: type one"),
        (FRACTION, None, "None is not a number"),
        (FRACTION, float("nan"), "nan is not a number"),
        (FRACTION, [0.5], "[0.5] is not a number"),
        (FRACTION, True, "True is not a number"),
        (CHOICE, None, "Pick one of the options first."),
        (
            CHOICE,
            "d",
            "'d' is not one of the options: pick one of 'a'; 'b'; 'c' (or give its number, 0 to 2).",
        ),
        (CHOICE, 9, "9 is not one of the options"),
        (CHOICE, True, "True is not one of the options"),
    ],
)
def test_an_answer_of_the_wrong_kind_gets_a_sentence(question, bad, said):
    fb = question.check(bad)
    assert not fb.correct and not fb.valid and said in str(fb)


def test_multiple_choice_accepts_text_or_index_and_explains():
    assert CHOICE.check("b").correct and CHOICE.check(1).message == "'b'. y"
    assert CHOICE.check(0).message.startswith("'a' is not it. x")


def test_pick_config_lists_every_score():
    q = PickConfig("nb", "pick", "?", "s", configs=[{"k": 1}, {"k": 2}], score=lambda c: c["k"], goal="max")
    fb = q.check(0)
    assert not fb.correct and fb.message == "k=1: score 1; k=2: score 2."
    assert q.check("k=2").correct


def test_unknown_question_lists_known_ones():
    with pytest.raises(ValueError, match=r"known: .*fanout-100"):
        exercises.get("00_start_here", "nope")


def test_duplicate_registration_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(MultipleChoice("00_start_here", "fanout-100", "?", "", options=["a"]))


def test_numeric_widget_checks_typed_text_and_reveals_solution():
    box = FRACTION.widget()
    field, buttons, feedback, solution = box.children[1:5]
    assert isinstance(field, w.Text) and solution.layout.display == "none"
    field.value = "abc"
    buttons.children[0].click()
    assert "is not a number" in feedback.value and "Traceback" not in feedback.value
    field.value = "0.63"
    buttons.children[0].click()
    assert "Correct" in feedback.value
    buttons.children[1].click()
    assert solution.layout.display is None


def test_radio_questions_start_with_nothing_picked():
    box = CHOICE.widget()
    radio, buttons, feedback = box.children[1:4]
    assert isinstance(radio, w.RadioButtons) and radio.value is None
    buttons.children[0].click()
    assert "Pick one of the options first." in feedback.value
    radio.value = "b"
    buttons.children[0].click()
    assert "Correct" in feedback.value


def test_a_failing_answer_is_a_sentence_in_the_widget():
    box = Numeric("nb", "broken", "?", "s", answer=lambda: 1 / 0).widget()
    box.children[1].value = "1"
    box.children[2].children[0].click()
    assert "could not be checked (division by zero)" in box.children[3].value


LABS_WITH_MISTAKES = ("05_sagas", "06_reliability")  # labs whose numeric questions all name their mistakes


@pytest.mark.parametrize(
    "question",
    [q for nb in LABS_WITH_MISTAKES for q in exercises.questions(nb) if isinstance(q, Numeric)],
    ids=lambda q: f"{q.notebook}:{q.id}",
)
def test_every_known_mistake_of_a_lab_is_wrong_and_explained_with_the_hint(question):
    assert question.mistakes, f"{question.id}: a numeric exercise names its common wrong answers"
    for wrong, why in question.mistakes:
        value = float(wrong() if callable(wrong) else wrong)
        fb = question.check(value)
        assert not fb.correct, f"{question.id}: the mistake {value:g} is the right answer"
        assert why in fb.message and question.hint in fb.message
