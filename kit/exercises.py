"""Predict-then-check exercises: questions, feedback that teaches, solutions.

Questions live with their topic (``kit/<topic>/exercises.py``) and register
here under ``(notebook, id)``. Answers are callables evaluated when checked,
so every number a learner is told comes from the kit's code, not from a
constant typed into a notebook.

Use them as plain calls::

    from kit import exercises
    exercises.check("00_start_here", "fanout-100", 0.6)   # -> Feedback
    exercises.solution("00_start_here", "fanout-100")

or as a small widget (input, Check, Show solution)::

    exercises.ask("00_start_here", "fanout-100")
    exercises.quiz("00_start_here", n=3, seed=1)   # a self-check quiz from the lab's questions

Answers checked through ``check``, ``ask`` or ``quiz`` are remembered on
this machine only (see :func:`progress`): per question, the number of
attempts, whether the first and the last were right, and when. No names,
no answer text, no network. The file is ``$KIT_PROGRESS_FILE`` if set,
else ``sysdesign-kit/progress.json`` under ``$XDG_DATA_HOME`` (default
``~/.local/share``), or under ``%APPDATA%`` on Windows.

Feedback on a wrong number says which way and how far (a percentage, or a
factor beyond 2x), recognises the common wrong forms (a percentage typed
for a fraction, a whole count left unrounded, each question's known wrong
answers in ``mistakes``) and points at the cell or formula to revisit
(``hint``). An answer of the wrong kind (a word for a number, no option
picked) gets a sentence saying what is expected, never a traceback.
"""

from __future__ import annotations

import datetime
import html
import json
import math
import numbers
import os
import random
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_REGISTRY: dict[tuple[str, str], Question] = {}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer and why.

    Attributes
    ----------
    correct : bool
        The answer is right.
    message : str
        Why, in sentences.
    valid : bool
        False when the answer was not of the kind asked (no number, no option).
    """

    correct: bool
    message: str
    valid: bool = field(default=True, kw_only=True)  # keyword-only: subclasses add positional fields

    def __str__(self):
        if not self.valid:
            return self.message
        return ("Correct. " if self.correct else "Not yet. ") + self.message

    def _repr_html_(self):
        colour = "#009E73" if self.correct else ("#D55E00" if self.valid else "#888888")
        return f"<div style='border-left:4px solid {colour};padding:4px 8px'>{html.escape(str(self))}</div>"


def _invalid(message: str) -> Feedback:
    return Feedback(False, message, valid=False)


@dataclass(frozen=True)
class Question:
    """Common fields: where it lives, what it asks, the worked solution.

    ``hint`` points at the cell or formula to revisit after a wrong answer.
    """

    notebook: str
    id: str
    prompt: str
    solution: str
    hint: str = field(default="", kw_only=True)

    def check(self, answer) -> Feedback:
        """The verdict on ``answer``.

        Parameters
        ----------
        answer : object
            What the learner gave.

        Returns
        -------
        Feedback
        """
        raise NotImplementedError

    def _input(self):
        raise NotImplementedError

    def _wrong(self, message: str) -> Feedback:
        hint = f" {self.hint}" if self.hint else " Run the model again, or open the solution."
        return Feedback(False, message + hint)

    def widget(self):
        """Prompt, an input, a Check button, feedback and a hidden solution.

        Returns
        -------
        ipywidgets.VBox
            Its ``verdict`` attribute is the last checked answer's (True when right).
        """
        import ipywidgets as w

        field_ = self._input()
        feedback = w.HTML()
        solution = w.HTML(f"<div style='color:#333'>{self.solution}</div>", layout={"display": "none"})
        check = w.Button(description="Check", button_style="primary")
        reveal = w.Button(description="Show solution")

        def on_check(_):
            try:
                with warnings.catch_warnings(record=True) as told:  # a callback's warning is not shown
                    warnings.simplefilter("always")
                    verdict = _checked(self, field_.value)
                box.verdict = verdict.correct
                notes = "".join(f"<div style='color:#666'>{html.escape(str(t.message))}</div>" for t in told)
                feedback.value = verdict._repr_html_() + notes
            except Exception as e:  # never a traceback under an exercise
                feedback.value = _invalid(f"This answer could not be checked ({e}).")._repr_html_()

        def on_reveal(_):
            solution.layout.display = None

        check.on_click(on_check)
        reveal.on_click(on_reveal)
        box = w.VBox(
            [
                w.HTML(f"<b>{html.escape(self.id)}</b>: {self.prompt}"),
                field_,
                w.HBox([check, reveal]),
                feedback,
                solution,
            ]
        )
        return box


def _as_number(answer) -> float | None:
    """A real number from a number or from text such as "0.63", "63%", "1,000"."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):
        value = float(answer)
    elif isinstance(answer, str):
        text = answer.strip().replace(",", "").replace("_", "").replace(" ", "")
        try:
            value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _how_far(answer: float, truth: float, unit: str) -> str:
    """'0.5 is 21% too low', '40 is too high by a factor of 63'."""
    said = f"{answer:g}{unit}"
    if truth == 0 or answer == 0 or (answer > 0) != (truth > 0):
        if truth != 0 and answer != 0:
            return f"{said} has the wrong sign."
        return f"{said} is too {'high' if answer > truth else 'low'}."
    ratio = answer / truth
    direction = "high" if abs(answer) > abs(truth) else "low"
    if 0.5 <= ratio <= 2:
        return f"{said} is {abs(ratio - 1):.0%} too {direction}."
    factor = max(ratio, 1 / ratio)
    return (
        f"{said} is too {direction} by a factor of about {factor:.2g}."
        if factor < 10
        else (f"{said} is too {direction} by a factor of about {factor:,.0f}.")
    )


@dataclass(frozen=True)
class Numeric(Question):
    """A number, right within ``rel_tol`` (relative) or ``abs_tol`` (absolute).

    ``integer``: the answer is a whole count (servers, nodes), so an
    unrounded one is recognised. ``mistakes``: known wrong answers, each
    ``(value or callable, what reasoning gives it)``.
    """

    answer: Callable[[], float] = field(repr=False, default=lambda: math.nan)
    rel_tol: float = 0.05
    abs_tol: float = 0.0
    unit: str = ""
    integer: bool = False
    mistakes: Sequence[tuple[float | Callable[[], float], str]] = ()

    def _close(self, a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def check(self, answer) -> Feedback:
        """The verdict on ``answer``: right, or which way and how far, and why.

        Parameters
        ----------
        answer : float or str
            A number, or text such as "0.63" or "63%".

        Returns
        -------
        Feedback
        """
        value = _as_number(answer)
        if value is None:
            return _invalid(f"{answer!r} is not a number: type one, such as 0.25 or 40.")
        truth = float(self.answer())
        unit = f" {self.unit}" if self.unit else ""
        if self.integer and not value.is_integer():
            low, high = math.floor(value), math.ceil(value)
            if self._close(low, truth) or self._close(high, truth):
                of = f" of{unit}" if unit else ""
                return self._wrong(
                    f"{value:g} is not a whole number{of}: round it, and check which of {low} and {high} "
                    "meets the condition."
                )
        elif self._close(value, truth):
            return Feedback(True, f"The kit computes {truth:.4g}{unit}; you said {value:g}{unit}.")
        if 0 <= truth <= 1 and value > 1 and self._close(value / 100, truth):
            return Feedback(False, f"As a fraction, please: {value:g}% is {value / 100:g}.")
        for wrong, why in self.mistakes:
            if self._close(value, float(wrong() if callable(wrong) else wrong)):
                return self._wrong(f"{_how_far(value, truth, unit)} {why}")
        return self._wrong(_how_far(value, truth, unit))

    def _input(self):
        import ipywidgets as w

        return w.Text(
            description="Your answer",
            placeholder="a number, e.g. 0.25",
            style={"description_width": "initial"},
        )


class _Choice(Question):
    """Answered by picking one of ``self.options`` (by text or by index); subclasses judge the pick."""

    options: Sequence[str]

    def check(self, answer) -> Feedback:
        """The verdict on a picked option, and why.

        Parameters
        ----------
        answer : str or int
            An option's text, or its index.

        Returns
        -------
        Feedback
        """
        index = self._index(answer)
        return index if isinstance(index, Feedback) else self._judge(index)

    def _judge(self, index: int) -> Feedback:
        raise NotImplementedError

    def _index(self, answer) -> int | Feedback:
        if isinstance(answer, str) and answer in self.options:
            return list(self.options).index(answer)
        if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
            if 0 <= answer < len(self.options):
                return int(answer)
        if answer is None:
            return _invalid("Pick one of the options first.")
        listed = "; ".join(f"'{o}'" for o in self.options)
        return _invalid(
            f"{answer!r} is not one of the options: pick one of {listed} (or give its number, "
            f"0 to {len(self.options) - 1})."
        )

    def _input(self):
        import ipywidgets as w

        # no option selected: a default pick would be an answer the learner never gave
        return w.RadioButtons(options=list(self.options), value=None, layout={"width": "max-content"})


@dataclass(frozen=True)
class MultipleChoice(_Choice):
    """One right option among ``options``; ``why`` explains each option."""

    options: Sequence[str] = ()
    answer: Callable[[], int] = field(repr=False, default=lambda: 0)
    why: Sequence[str] = ()

    def _judge(self, index: int) -> Feedback:
        right = int(self.answer())
        reason = f" {self.why[index]}" if self.why else ""
        if index == right:
            return Feedback(True, f"'{self.options[index]}'.{reason}")
        return self._wrong(f"'{self.options[index]}' is not it.{reason}")


@dataclass(frozen=True)
class PickConfig(_Choice):
    """Pick the configuration that does best; ``score`` runs the kit on each.

    ``goal`` is "min" or "max" of the score; the feedback lists every
    option's score, so a wrong pick shows by how much it loses.
    """

    configs: Sequence[dict] = ()
    score: Callable[[dict], float] = field(repr=False, default=lambda c: 0.0)
    goal: str = "min"
    score_name: str = "score"

    @property
    def options(self) -> list[str]:
        return [", ".join(f"{k}={v}" for k, v in c.items()) for c in self.configs]

    def _judge(self, index: int) -> Feedback:
        scores = [float(self.score(c)) for c in self.configs]
        best = (min if self.goal == "min" else max)(scores)
        table = "; ".join(
            f"{o}: {self.score_name} {s:.4g}" for o, s in zip(self.options, scores, strict=True)
        )
        return Feedback(math.isclose(scores[index], best, rel_tol=1e-12), table + ".")


def register(question: Question) -> Question:
    """Add ``question`` to the registry under ``(question.notebook, question.id)``.

    Parameters
    ----------
    question : Question
        A ``Numeric``, ``MultipleChoice`` or ``PickConfig``.

    Returns
    -------
    Question
        The same question.
    """
    key = (question.notebook, question.id)
    if key in _REGISTRY:
        raise ValueError(f"question {question.id!r} is already registered for {question.notebook!r}")
    _REGISTRY[key] = question
    return question


def get(notebook: str, id: str) -> Question:
    """The question ``id`` of ``notebook``.

    Parameters
    ----------
    notebook : str
        The notebook's name ("00_start_here").
    id : str
        The question's id.

    Returns
    -------
    Question
    """
    try:
        return _REGISTRY[(notebook, id)]
    except (KeyError, TypeError):
        known = ", ".join(q for nb, q in _REGISTRY if nb == notebook) or "none"
        raise ValueError(f"no question {id!r} for notebook {notebook!r} (known: {known})") from None


def questions(notebook: str | None = None) -> list[Question]:
    """Registered questions, for one notebook or all.

    Parameters
    ----------
    notebook : str, optional
        The notebook's name; None for every notebook.

    Returns
    -------
    list of Question
    """
    return [q for (nb, _), q in _REGISTRY.items() if notebook in (None, nb)]


def check(notebook: str, id: str, answer) -> Feedback:
    """Check ``answer`` to question ``id`` of ``notebook``.

    Parameters
    ----------
    notebook, id : str
        Which question.
    answer : object
        A number (or text such as "63%") or an option (text or index).

    Returns
    -------
    Feedback
    """
    return _checked(get(notebook, id), answer)


def solution(notebook: str, id: str) -> str:
    """The worked solution of question ``id`` of ``notebook``, as HTML.

    Parameters
    ----------
    notebook, id : str
        Which question.

    Returns
    -------
    str
    """
    return get(notebook, id).solution


def ask(notebook: str, id: str):
    """The question as a widget, ready to display in a notebook.

    Parameters
    ----------
    notebook, id : str
        Which question.

    Returns
    -------
    ipywidgets.VBox
    """
    return get(notebook, id).widget()


def _checked(question: Question, answer) -> Feedback:
    """``question.check(answer)``, remembered in the learner's progress (a valid answer only)."""
    feedback = question.check(answer)
    if feedback.valid:
        _record(question, feedback.correct)
    return feedback


# --- learner progress ------------------------------------------------------------------------
# A record per (notebook, question): attempts, first and last verdict, first and last time (UTC).
# Nothing else: no names, no answer text.
_FIELDS = {
    "attempts": int,
    "first_right": bool,
    "last_right": bool,
    "ever_right": bool,
    "first": str,
    "last": str,
}
_told: set[str] = set()  # problems with the progress file already reported: each is said once
_unsaved: dict[str, dict] = {}  # path -> answers that could not be written (a read-only home)


def _progress_path() -> Path:
    """``$KIT_PROGRESS_FILE``, else the XDG data directory (``%APPDATA%`` on Windows)."""
    override = os.environ.get("KIT_PROGRESS_FILE")
    if override:
        return Path(override).expanduser()
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        # the XDG spec: a relative path is invalid and ignored
        base = Path(xdg) if Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "sysdesign-kit" / "progress.json"


def _tell_once(key: str, message: str) -> None:
    if key not in _told:
        _told.add(key)
        warnings.warn(message, stacklevel=4)


def _valid_answers(data) -> bool:
    answers = data.get("answers") if isinstance(data, dict) else None
    return isinstance(answers, dict) and all(
        isinstance(by_id, dict)
        and all(
            isinstance(r, dict) and all(type(r.get(k)) is t for k, t in _FIELDS.items())
            for r in by_id.values()
        )
        for by_id in answers.values()
    )


def _load(path: Path) -> dict:
    """The recorded answers ``{notebook: {id: record}}``; empty when absent, unreadable or corrupt."""
    if str(path) in _unsaved:
        return _unsaved[str(path)]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):  # nothing recorded yet
        return {}
    except (OSError, ValueError) as e:  # unreadable, or not JSON (UnicodeDecodeError is a ValueError)
        data = e
    if not _valid_answers(data):
        _tell_once(
            f"corrupt {path}",
            f"The progress file {path} could not be read as a progress record; starting afresh "
            "(it is replaced at the next answer).",
        )
        return {}
    return data["answers"]


def _save(path: Path, answers: dict) -> None:
    """Write atomically (a temporary file, then ``os.replace``): a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "answers": answers}, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        _unsaved[str(path)] = answers
        _tell_once(
            f"write {path}",
            f"Your progress cannot be saved to {path} ({e.strerror or e}); it is kept until the kernel "
            "restarts. Set KIT_PROGRESS_FILE to a writable file to keep it.",
        )
    else:
        _unsaved.pop(str(path), None)


def _record(question: Question, right: bool) -> None:
    path = _progress_path()
    answers = _load(path)
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    by_id = answers.setdefault(question.notebook, {})
    old = by_id.get(question.id) or {"attempts": 0, "first_right": right, "ever_right": False, "first": now}
    by_id[question.id] = {
        **old,
        "attempts": old["attempts"] + 1,
        "last_right": right,
        "ever_right": old["ever_right"] or right,
        "last": now,
    }
    _save(path, answers)


def _labs() -> list[str]:
    """Notebooks with registered questions, in curriculum order."""
    import kit

    order = list(kit.TOPICS)
    labs = dict.fromkeys(nb for nb, _ in _REGISTRY)
    return sorted(labs, key=lambda nb: (order.index(nb) if nb in order else len(order), nb))


_COLUMNS = ["lab", "exercises", "answered", "right_first_try", "right_eventually"]


def progress(figure: bool = False):
    """What this learner has answered, per lab, read from the progress file on this machine.

    Parameters
    ----------
    figure : bool, default False
        Return the table drawn as a bar chart instead of the table.

    Returns
    -------
    pandas.DataFrame or plotly.graph_objects.Figure
        One row per lab: ``lab``, ``exercises`` (its questions), ``answered``
        (questions answered at least once), ``right_first_try`` and
        ``right_eventually`` (counts of questions); or that table as a figure.

    Examples
    --------
    >>> from kit import exercises
    >>> exercises.progress().columns.tolist()
    ['lab', 'exercises', 'answered', 'right_first_try', 'right_eventually']
    """
    import pandas as pd

    if not isinstance(figure, bool):
        raise TypeError(f"figure must be True or False (got figure={figure!r})")
    answers = _load(_progress_path())
    rows = []
    for lab in _labs():
        asked = questions(lab)
        done = [r for q in asked if (r := answers.get(lab, {}).get(q.id))]
        rows.append(
            [
                lab,
                len(asked),
                len(done),
                sum(r["first_right"] for r in done),
                sum(r["ever_right"] for r in done),
            ]
        )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    return _progress_figure(table) if figure else table


def _progress_figure(table):
    import plotly.graph_objects as go

    from . import config
    from .ui import figures, theme

    fig = theme.figure(
        title="Your progress",
        barmode="group",
        height=max(config.UI_FIGURE_HEIGHT, 120 + 36 * len(table)),
        xaxis=figures.axis("exercises", "questions", rangemode="tozero"),
        yaxis=dict(autorange="reversed"),
    )
    series = [
        ("exercises", "exercises in the lab", theme.MUTED),
        ("answered", "answered", theme.BLUE),
        ("right_eventually", "right eventually", theme.GREEN),
        ("right_first_try", "right at the first try", theme.ORANGE),
    ]
    for column, name, colour in series:
        fig.add_trace(
            go.Bar(x=table[column], y=table["lab"], orientation="h", name=name, marker_color=colour)
        )
    return fig


def reset_progress() -> None:
    """Forget every recorded answer on this machine (deletes the progress file).

    Examples
    --------
    >>> from kit import exercises
    >>> exercises.reset_progress()
    """
    path = _progress_path()
    _unsaved.pop(str(path), None)
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        raise OSError(f"the progress file {path} could not be deleted ({e.strerror or e})") from e


def quiz(lab: str, n: int | None = None, seed: int | None = None):
    """A self-check quiz: ``n`` of the lab's questions in one box, in a shuffled order.

    Each question is checked as in :func:`ask` (the same feedback, and the
    answers count in :func:`progress`); a Score button says how many are right.

    Parameters
    ----------
    lab : str
        The notebook's name ("00_start_here").
    n : int, optional
        How many questions, 1 to the lab's count; None for all of them.
    seed : int, optional
        Fixes which questions and their order (every learner gets the same quiz); None draws anew.

    Returns
    -------
    ipywidgets.VBox
        A title, one box per question (as :func:`ask` makes), a Score button and its result.

    Examples
    --------
    >>> from kit import exercises
    >>> box = exercises.quiz("00_start_here", n=2, seed=1)
    """
    import ipywidgets as w

    from .core import validate

    labs = _labs()
    if not isinstance(lab, str) or lab not in labs:
        raise ValueError(f"lab must be one of {', '.join(labs)} (got lab={lab!r})")
    pool = questions(lab)
    n = len(pool) if n is None else validate.integer("n", n, 1, len(pool))
    if seed is not None:
        seed = validate.integer("seed", seed, 0)
    chosen = random.Random(seed).sample(pool, n)
    boxes = [q.widget() for q in chosen]
    result = w.HTML()
    score = w.Button(description="Score")

    def on_score(_):
        right = sum(bool(getattr(box, "verdict", None)) for box in boxes)
        result.value = (
            f"{right} of {n} right. Unanswered or wrong ones: check them again, or open their solutions."
        )

    score.on_click(on_score)
    title = w.HTML(f"<h3>Self-check: {html.escape(lab)}, {n} question{'s' * (n != 1)}</h3>")
    return w.VBox([title, *boxes, score, result])
