"""kit.exercises' learner progress: a local record that survives processes, corruption and a read-only home.

Each test names the planted bug it catches.
"""

import json
import os
import subprocess
import sys
import textwrap
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit import exercises
from kit.exercises import MultipleChoice, Numeric
from kit.ui import rules

LAB = "00_start_here"


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    """A fresh progress file and nothing said yet about earlier files."""
    path = tmp_path / "data" / "progress.json"
    monkeypatch.setenv("KIT_PROGRESS_FILE", str(path))
    monkeypatch.setattr(exercises, "_told", set())
    monkeypatch.setattr(exercises, "_unsaved", {})
    return path


def _right_and_wrong(q) -> tuple:
    """What a learner types or picks in the question's widget: a right answer and a wrong one."""
    if isinstance(q, Numeric):
        return str(q.answer()), str(q.answer() * 3)
    if isinstance(q, MultipleChoice):
        right = q.answer()
    else:  # PickConfig
        scores = [q.score(c) for c in q.configs]
        right = scores.index((min if q.goal == "min" else max)(scores))
    return q.options[right], q.options[(right + 1) % len(q.options)]


def _row(table, lab):
    return table.set_index("lab").loc[lab].to_dict()


def _run(code: str, env_path, *flags) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIT_PROGRESS_FILE": str(env_path)}
    return subprocess.run(
        [sys.executable, *flags, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_answers_survive_a_new_process(progress_file):
    # catches: answers kept in memory only, or written somewhere other than KIT_PROGRESS_FILE
    q = exercises.get(LAB, "fanout-100")
    assert not exercises.check(LAB, q.id, q.answer() * 3).correct
    assert exercises.check(LAB, q.id, q.answer()).correct
    done = _run(
        f"from kit import exercises; print(exercises.progress().set_index('lab').loc['{LAB}'].to_json())",
        progress_file,
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert row["answered"] == 1 and row["right_first_try"] == 0 and row["right_eventually"] == 1
    record = json.loads(progress_file.read_text())["answers"][LAB][q.id]
    assert record["attempts"] == 2 and set(record) == set(exercises._FIELDS)  # nothing but the verdicts


SYNTHETIC = {
    (lab, f"q{i}"): Numeric(lab, f"q{i}", "?", "s", answer=lambda: 1.0, rel_tol=0.01)
    for lab in ("lab_a", "lab_b")
    for i in range(3)
}


@given(
    answers=st.lists(
        st.tuples(st.sampled_from(sorted(SYNTHETIC)), st.sampled_from([1.0, 5.0, "abc"])), max_size=12
    )
)
def test_counts_in_progress_equal_what_was_answered(tmp_path_factory, answers):
    # catches: counting attempts instead of questions; the first verdict overwritten by a later one;
    # "right eventually" taken from the last answer; invalid answers ("abc") counted as answered
    path = tmp_path_factory.mktemp("p") / "progress.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KIT_PROGRESS_FILE", str(path))
        mp.setattr(exercises, "_REGISTRY", dict(SYNTHETIC))
        first, ever = {}, {}
        for key, answer in answers:
            exercises.check(*key, answer)
            if answer != "abc":
                first.setdefault(key, answer == 1.0)
                ever[key] = ever.get(key, False) or answer == 1.0
        table = exercises.progress()
    assert table["lab"].tolist() == ["lab_a", "lab_b"]
    for lab in ("lab_a", "lab_b"):
        row = _row(table, lab)
        mine = [k for k in first if k[0] == lab]
        assert row["exercises"] == 3
        assert row["answered"] == len(mine)
        assert row["right_first_try"] == sum(first[k] for k in mine)
        assert row["right_eventually"] == sum(ever[k] for k in mine)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"answers": {"00_start_here": {"fanout-100": {"attempts": "x"}}}}',
    ],
)
def test_a_corrupt_file_starts_afresh_and_says_so_once(progress_file, content):
    # catches: a JSON error (or a bad record) raised into the exercise; the warning repeated at every answer
    progress_file.parent.mkdir(parents=True)
    progress_file.write_bytes(content)
    q = exercises.get(LAB, "fanout-100")
    with pytest.warns(UserWarning, match="starting afresh"):
        assert exercises.check(LAB, q.id, q.answer()).correct
    progress_file.write_bytes(content)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert exercises.check(LAB, q.id, q.answer()).correct
    assert _row(exercises.progress(), LAB)["answered"] == 1  # the file is valid again


@pytest.mark.parametrize("how", ["parent is a file", "read-only folder"])
def test_a_read_only_home_never_breaks_an_exercise(progress_file, how):
    # catches: an OSError from writing raised into the exercise; the session's answers lost from progress()
    if how == "parent is a file":
        progress_file.parent.write_text("a file where the data folder should be")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only folder; the other case covers an unwritable path")
        progress_file.parent.mkdir()
        progress_file.parent.chmod(0o500)
    q = exercises.get(LAB, "fanout-100")
    try:
        with pytest.warns(UserWarning, match="cannot be saved"):
            assert exercises.check(LAB, q.id, q.answer()).correct
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # said once
            assert not exercises.check(LAB, "fanout-100", q.answer() * 3).correct
        row = _row(exercises.progress(), LAB)
        assert row["answered"] == 1 and row["right_first_try"] == 1
    finally:
        if progress_file.parent.is_dir():
            progress_file.parent.chmod(0o700)


WRITER = """
from kit import exercises
qs = exercises.questions("{lab}")
for i in range(300):
    q = qs[i % len(qs)]
    exercises.check(q.notebook, q.id, "{answer}")
"""


def test_two_processes_writing_at_once_leave_valid_json(progress_file):
    # catches: writing the file in place (this reader, or a writer under -W error, sees half a file);
    # one fixed temporary name shared by both writers (os.replace of a file the other moved away)
    labs = ["00_start_here", "04_caching"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-W", "error::UserWarning", "-c", WRITER.format(lab=lab, answer=1e9)],
            env={**os.environ, "KIT_PROGRESS_FILE": str(progress_file)},
            stderr=subprocess.PIPE,
            text=True,
        )
        for lab in labs
    ]
    half_read = []
    while any(p.poll() is None for p in procs):
        try:
            text = progress_file.read_text()
        except FileNotFoundError:
            continue
        try:
            json.loads(text)
        except ValueError:
            half_read.append(text[:80])
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert not half_read, f"{len(half_read)} reads saw a half-written file, e.g. {half_read[0]!r}"
    data = json.loads(progress_file.read_text())
    assert exercises._valid_answers(data)
    assert set(data["answers"]) <= set(labs) and data["answers"]  # the last writer may win
    assert [f.name for f in progress_file.parent.iterdir()] == ["progress.json"]  # no temporary left


def test_reset_progress_forgets(progress_file):
    # catches: reset that leaves the file (or the in-memory copy of an unsaved session)
    q = exercises.get(LAB, "fanout-100")
    exercises.check(LAB, q.id, q.answer())
    exercises.reset_progress()
    assert not progress_file.exists() and _row(exercises.progress(), LAB)["answered"] == 0
    exercises.reset_progress()  # nothing to forget is fine


def test_the_progress_figure_follows_the_rules(progress_file):
    # catches: a figure without units on its axis, a black series, a fixed width
    q = exercises.get(LAB, "fanout-100")
    exercises.check(LAB, q.id, q.answer())
    fig = exercises.progress(figure=True)
    assert rules.problems(fig) == []
    answered = next(t for t in fig.data if t.name == "answered")
    assert dict(zip(answered.y, answered.x, strict=True))[LAB] == 1


def test_the_path_follows_xdg_and_the_override(monkeypatch, tmp_path):
    # catches: XDG_DATA_HOME ignored, a relative XDG_DATA_HOME used, the override ignored
    monkeypatch.delenv("KIT_PROGRESS_FILE")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(os, "name", "posix")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert exercises._progress_path() == tmp_path / "xdg" / "sysdesign-kit" / "progress.json"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")
    assert exercises._progress_path() == tmp_path / ".local" / "share" / "sysdesign-kit" / "progress.json"
    monkeypatch.setenv("KIT_PROGRESS_FILE", str(tmp_path / "mine.json"))
    assert exercises._progress_path() == tmp_path / "mine.json"


def _quiz_ids(box):
    return [b.children[0].value.split("</b>")[0].removeprefix("<b>") for b in box.children[1:-2]]


def test_quiz_questions_are_the_labs_questions(progress_file):
    # catches: questions drawn from every lab, or with replacement (one asked twice), a seed ignored
    ids = {q.id for q in exercises.questions(LAB)}
    assert sorted(_quiz_ids(exercises.quiz(LAB))) == sorted(ids)
    two = _quiz_ids(exercises.quiz(LAB, n=2, seed=3))
    assert len(set(two)) == 2 and set(two) <= ids and two == _quiz_ids(exercises.quiz(LAB, n=2, seed=3))


def test_quiz_checks_like_ask_counts_in_progress_and_scores(progress_file):
    # catches: a quiz whose answers are not recorded; a score that counts checked answers, not right ones
    box = exercises.quiz(LAB, n=1, seed=1)
    question = box.children[1]
    q = exercises.get(LAB, _quiz_ids(box)[0])
    field, buttons = question.children[1:3]
    right, wrong = _right_and_wrong(q)
    field.value = wrong
    buttons.children[0].click()
    box.children[-2].click()
    assert box.children[-1].value.startswith("0 of 1 right")
    field.value = right
    buttons.children[0].click()
    box.children[-2].click()
    assert box.children[-1].value.startswith("1 of 1 right")
    assert _row(exercises.progress(), LAB)["answered"] == 1


@pytest.mark.parametrize(
    "kwargs, said",
    [
        ({"lab": "99_nope"}, "lab must be one of 00_start_here"),
        ({"lab": LAB, "n": 0}, "n must be an integer between 1 and"),
        ({"lab": LAB, "n": 1000}, "n must be an integer between 1 and"),
        ({"lab": LAB, "seed": 1.5}, "seed must be an integer"),
    ],
)
def test_quiz_refuses_bad_input_by_name(kwargs, said):
    # catches: an unknown lab giving an empty quiz; n beyond the lab's questions silently capped
    with pytest.raises(ValueError, match=said):
        exercises.quiz(**kwargs)


def test_the_widget_shows_a_progress_notice_under_the_feedback(progress_file):
    # catches: a warning raised in a widget callback, which a notebook never shows the learner
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text("{not json")
    box = exercises.ask(LAB, "fanout-100")
    box.children[1].value = "0.5"
    box.children[2].children[0].click()
    assert "starting afresh" in box.children[3].value and box.verdict is False
