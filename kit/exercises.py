"""Predict-then-check exercises: questions, explaining feedback, solutions.

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
    """The verdict on one answer and why."""

    correct: bool
    message: str

    def __str__(self):
        return ("Correct. " if self.correct else "Not yet. ") + self.message

    def _repr_html_(self):
        colour = "#009E73" if self.correct else "#D55E00"
        return f"<div style='border-left:4px solid {colour};padding:4px 8px'>{html.escape(str(self))}</div>"


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
        raise NotImplementedError

    def _input(self):
        raise NotImplementedError

    def widget(self):
        """Prompt, an input, a Check button, feedback and a hidden solution."""
        import ipywidgets as w

        field_ = self._input()
        feedback = w.HTML()
        solution = w.HTML(f"<div style='color:#333'>{self.solution}</div>", layout={"display": "none"})
        check = w.Button(description="Check", button_style="primary")
        reveal = w.Button(description="Show solution")

        def on_check(_):
            try:
                feedback.value = self.check(field_.value)._repr_html_()
            except ValueError as e:
                feedback.value = f"<span style='color:#D55E00'>{html.escape(str(e))}</span>"

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


@dataclass(frozen=True)
class Numeric(Question):
    """A number, right within ``rel_tol`` (relative) or ``abs_tol`` (absolute).

    ``mistakes``: known wrong answers, each ``(value or callable, what
    reasoning gives it)``, recognised within the same tolerance.
    """

    answer: Callable[[], float] = field(repr=False, default=lambda: math.nan)
    rel_tol: float = 0.05
    abs_tol: float = 0.0
    unit: str = ""
    mistakes: Sequence[tuple[float | Callable[[], float], str]] = ()

    def check(self, answer) -> Feedback:
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
            raise ValueError(f"answer must be a number (got answer={answer!r})")
        truth = float(self.answer())
        unit = f" {self.unit}" if self.unit else ""
        if math.isclose(answer, truth, rel_tol=self.rel_tol, abs_tol=self.abs_tol):
            return Feedback(True, f"The kit computes {truth:.4g}{unit}; you said {answer:g}{unit}.")
        off = f"{answer:g}{unit} is {_how_far(answer, truth)}."
        hint = self.hint or "Run the model again, or open the solution."
        for wrong, why in self.mistakes:
            value = float(wrong() if callable(wrong) else wrong)
            if math.isclose(answer, value, rel_tol=self.rel_tol, abs_tol=self.abs_tol):
                return Feedback(False, f"{off} {why} {hint}")
        if 0 < abs(truth) <= 1 < abs(answer) and math.isclose(answer / 100, truth, rel_tol=self.rel_tol):
            return Feedback(False, f"{off} As a fraction, please: {answer:g}% is {answer / 100:g}.")
        return Feedback(False, f"{off} {hint}")

    def _input(self):
        import ipywidgets as w

        return w.FloatText(description="Your answer", style={"description_width": "initial"})


def _how_far(answer: float, truth: float) -> str:
    """'12% too low', '3.2 times too high': the direction and the size of a miss."""
    direction = "high" if answer > truth else "low"
    if truth == 0 or answer == 0 or (answer > 0) != (truth > 0):
        return f"too {direction}"
    ratio = answer / truth
    if 0.5 <= ratio <= 2:
        share = abs(ratio - 1)
        return f"{share:.0%} too {direction}" if share >= 0.01 else f"{share:.1%} too {direction}"
    return f"{max(ratio, 1 / ratio):.3g} times too {direction}"


class _Choice(Question):
    """Answered by picking one of ``self.options`` (by text or by index)."""

    options: Sequence[str]

    def _index(self, answer) -> int:
        if answer is None:
            raise ValueError("answer: pick one of the options first")
        if isinstance(answer, str) and answer in self.options:
            return list(self.options).index(answer)
        if isinstance(answer, numbers.Integral) and 0 <= answer < len(self.options):
            return int(answer)
        raise ValueError(
            f"answer must be one of the options or its index 0..{len(self.options) - 1} (got {answer!r})"
        )

    def _input(self):
        import ipywidgets as w

        # nothing selected at first: a pre-selected option would be an answer the learner never gave
        return w.RadioButtons(options=list(self.options), value=None, layout={"width": "max-content"})


@dataclass(frozen=True)
class MultipleChoice(_Choice):
    """One right option among ``options``; ``why`` explains each option."""

    options: Sequence[str] = ()
    answer: Callable[[], int] = field(repr=False, default=lambda: 0)
    why: Sequence[str] = ()

    def check(self, answer) -> Feedback:
        index = self._index(answer)
        right = int(self.answer())
        reason = f" {self.why[index]}" if self.why else ""
        if index == right:
            return Feedback(True, f"'{self.options[index]}'.{reason}")
        return Feedback(False, f"'{self.options[index]}' is not it.{reason}")


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

    def check(self, answer) -> Feedback:
        index = self._index(answer)
        scores = [float(self.score(c)) for c in self.configs]
        best = (min if self.goal == "min" else max)(scores)
        table = "; ".join(
            f"{o}: {self.score_name} {s:.4g}" for o, s in zip(self.options, scores, strict=True)
        )
        return Feedback(math.isclose(scores[index], best, rel_tol=1e-12), table + ".")


def register(question: Question) -> Question:
    key = (question.notebook, question.id)
    if key in _REGISTRY:
        raise ValueError(f"question {question.id!r} is already registered for {question.notebook!r}")
    _REGISTRY[key] = question
    return question


def get(notebook: str, id: str) -> Question:
    try:
        return _REGISTRY[(notebook, id)]
    except KeyError:
        known = ", ".join(q for nb, q in _REGISTRY if nb == notebook) or "none"
        raise ValueError(f"no question {id!r} for notebook {notebook!r} (known: {known})") from None


def questions(notebook: str | None = None) -> list[Question]:
    """Registered questions, for one notebook or all."""
    return [q for (nb, _), q in _REGISTRY.items() if notebook in (None, nb)]


def check(notebook: str, id: str, answer) -> Feedback:
    return get(notebook, id).check(answer)


def solution(notebook: str, id: str) -> str:
    return get(notebook, id).solution


def ask(notebook: str, id: str):
    """The question as a widget, ready to display in a notebook."""
    return get(notebook, id).widget()
