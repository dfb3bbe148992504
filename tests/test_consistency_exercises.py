"""The lab's exercises: the usual wrong answers get the reasoning behind them, from the api's numbers."""

from kit import consistency, exercises

LAB = "02_consistency_and_cap"


def test_k_staleness_names_the_usual_slips():
    right = consistency.k_staleness(3, 1, 1, 2)
    assert exercises.check(LAB, "k-staleness", round(right, 3)).correct
    both = str(exercises.check(LAB, "k-staleness", round(1 - right, 3)))  # 4/9: missing both writes
    one = str(exercises.check(LAB, "k-staleness", round(consistency.k_staleness(3, 1, 1, 1), 3)))
    assert "missing <i>both</i>" in both and "last write alone" in one
    assert "k_staleness" in both  # the hint points at the cell and formula


def test_disk_exercise_tells_ten_ms_later_from_right_after_commit():
    later = consistency.pbs_consistency(3, 1, 1, 10.0, "lnkd-disk", trials=200_000, seed=2012)
    assert "10 ms after the commit" in str(exercises.check(LAB, "disk-right-after-commit", round(later, 3)))
    assert "k-staleness" in str(exercises.check(LAB, "disk-right-after-commit", 0.333))
    assert "strict quorum" in str(exercises.check(LAB, "disk-right-after-commit", 1))


def test_every_question_of_the_lab_points_somewhere_after_a_wrong_answer():
    questions = exercises.questions(LAB)
    assert len(questions) >= 4 and all(q.hint for q in questions)
