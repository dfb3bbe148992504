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

Feedback on a wrong number says which way and how far (a percentage, or a
factor beyond 2x), recognises the common wrong forms (a percentage typed
for a fraction, a whole count left unrounded, each question's known wrong
answers in ``mistakes``) and points at the cell or formula to revisit
(``hint``). An answer of the wrong kind (a word for a number, no option
picked) gets a sentence saying what is expected, never a traceback.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
        """
        import ipywidgets as w

        field_ = self._input()
        feedback = w.HTML()
        solution = w.HTML(f"<div style='color:#333'>{self.solution}</div>", layout={"display": "none"})
        check = w.Button(description="Check", button_style="primary")
        reveal = w.Button(description="Show solution")

        def on_check(_):
            try:
                feedback.value = self.check(field_.value)._repr_html_()
            except Exception as e:  # never a traceback under an exercise
                feedback.value = _invalid(f"This answer could not be checked ({e}).")._repr_html_()

        def on_reveal(_):
            solution.layout.display = None

        check.on_click(on_check)
        reveal.on_click(on_reveal)
        return w.VBox(
            [
                w.HTML(f"<b>{html.escape(self.id)}</b>: {self.prompt}"),
                field_,
                w.HBox([check, reveal]),
                feedback,
                solution,
            ]
        )


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
    return get(notebook, id).check(answer)


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
