"""The start lab's exercises: right answers from the api, feedback aimed at the usual mistakes."""

from kit import exercises, fanout

NB = "00_start_here"


def test_four_questions_and_every_right_answer_checks():
    assert [q.id for q in exercises.questions(NB)] == [
        "fanout-100",
        "median-request",
        "max-fanout",
        "cheapest-fix",
    ]
    assert exercises.check(NB, "fanout-100", float(fanout.p_slow(100, 0.01))).correct
    assert exercises.check(NB, "median-request", "p99.3").correct
    assert exercises.check(NB, "max-fanout", fanout.max_fanout(0.01, 0.5)).correct
    assert exercises.check(NB, "cheapest-fix", 3).correct


def test_fanout_100_feedback_names_the_reasoning_behind_each_usual_mistake():
    kp = exercises.check(NB, "fanout-100", 1.0)
    assert "k·p = 100 × 0.01" in kp.message and "cell that prints it" in kp.message
    assert "one server's p" in exercises.check(NB, "fanout-100", 0.01).message
    assert "fraction of requests that are fast" in exercises.check(NB, "fanout-100", 0.366).message
    assert exercises.check(NB, "fanout-100", 63.4).message.startswith("As a fraction, please")


def test_max_fanout_feedback():
    assert "not a whole number of servers" in exercises.check(NB, "max-fanout", 68.97).message
    assert (
        "k·p is no longer small there: at k = 50, 1 − 0.99^50 = 0.395"
        in exercises.check(NB, "max-fanout", 50).message
    )
    assert "0.5002: just over half" in exercises.check(NB, "max-fanout", 69).message


def test_median_request_explains_the_right_option():
    assert "0.9931" in exercises.check(NB, "median-request", 2).message
    assert not exercises.check(NB, "median-request", 0).correct


def test_cheapest_fix_lists_every_score():
    fb = exercises.check(NB, "cheapest-fix", 1)
    assert not fb.correct and fb.message.count("P(slow request)") == 4
