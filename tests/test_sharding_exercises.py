"""The lab's exercises: registered, and their answers checked."""

from kit import exercises

# --- exercises ----------------------------------------------------------------------------------------------


def test_the_labs_exercises_are_registered_and_their_answers_check():
    questions = {q.id: q for q in exercises.questions("03_sharding")}
    assert len(questions) >= 4
    assert exercises.check("03_sharding", "mod-grow", 10 / 11).correct
    assert not exercises.check("03_sharding", "mod-grow", 1 / 11).correct
    assert exercises.check("03_sharding", "ring-spread", 0.1).correct
    assert exercises.check("03_sharding", "timestamp-hotspot", "about 90%").correct
    assert not exercises.check("03_sharding", "timestamp-hotspot", "50%").correct
    assert exercises.check("03_sharding", "scatter-gather", 7.6).correct
    assert exercises.check("03_sharding", "bounded-capacity", 157).correct
    assert not exercises.check("03_sharding", "bounded-capacity", 156).correct
    pick = questions["hot-key-cure"]
    assert pick.configs[pick.options.index("method=replicate, copies=4")]["method"] == "replicate"
    assert exercises.check("03_sharding", "hot-key-cure", "method=replicate, copies=4").correct
