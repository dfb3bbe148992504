"""The instructor guide's answer keys, computed from the registered exercises.

Each lab page in ``docs/instructor/`` holds its key between two markers::

    <!-- answer-key:start -->
    ...
    <!-- answer-key:end -->

``python -m kit.answer_key`` rewrites that part of every page from
``kit.exercises``, so a model change that changes an answer changes the
guide (and ``tests/test_instructor_guide.py`` fails until it is rerun).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import exercises  # importing kit imports every topic, which registers its questions
from .estimation.exercises import Fermi

START, END = "<!-- answer-key:start -->", "<!-- answer-key:end -->"
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "instructor"
_BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)


def _answer(q: exercises.Question) -> str:
    """The right answer of one question, as the kit computes it now."""
    if isinstance(q, exercises.Numeric):
        value = float(q.answer())
        unit = f" {q.unit}" if q.unit else ""
        shown = f"{value:,.0f}" if q.integer else f"{value:.4g}"
        tolerance = f"±{q.rel_tol * 100:g}%" if q.rel_tol else ""
        if q.abs_tol:
            tolerance = (tolerance + " or " if tolerance else "±") + f"{q.abs_tol:g}{unit}"
        return f"**{shown}{unit}** (accepted within {tolerance})" if tolerance else f"**{shown}{unit}**"
    if isinstance(q, Fermi):
        chain = [float(x) for x in q.answer()]
        steps = "; ".join(f"{s} {x:.3g} {u}" for (s, u), x in zip(q.steps, chain, strict=True))
        within = f"accepted within a factor of {q.factor:g}"
        return f"**{chain[-1]:.3g} {q.steps[-1][1]}** ({within}). Chain: {steps}."
    if isinstance(q, exercises.PickConfig):
        scores = [float(q.score(c)) for c in q.configs]
        best = q.options[scores.index((min if q.goal == "min" else max)(scores))]
        table = "; ".join(f"{o}: {s:.4g}" for o, s in zip(q.options, scores, strict=True))
        better = "lower" if q.goal == "min" else "higher"
        return f"**{best}**. The kit's {q.score_name} ({better} is better): {table}."
    if isinstance(q, exercises.MultipleChoice):
        right = int(q.answer())
        why = f" {q.why[right]}" if q.why else ""
        return f"**{q.options[right]}**.{why}"
    raise TypeError(f"no answer-key format for {type(q).__name__}")


def _flat(text: str) -> str:
    """One line of Markdown from a prompt that may hold HTML line breaks."""
    return " ".join(re.sub(r"<br\s*/?>", " ", text).split())


def answer_key(notebook: str) -> str:
    """The Markdown answer key of ``notebook``'s exercises, between the markers.

    Parameters
    ----------
    notebook : str
        The notebook's name ("04_caching").

    Returns
    -------
    str
    """
    rows = [
        f"{i}. `{q.id}`: {_flat(q.prompt)}\n   Answer: {_flat(_answer(q))}"
        for i, q in enumerate(exercises.questions(notebook), 1)
    ]
    body = "\n".join(rows) if rows else "This lab registers no exercises."
    source = f"Computed by `python -m kit.answer_key` from `kit.exercises` (`{notebook}`)."
    return f"{START}\n{source}\n\n{body}\n{END}"


def write(guide: Path = GUIDE) -> list[Path]:
    """Rewrite the answer key of every lab page in ``guide``; returns the pages changed."""
    changed = []
    for page in sorted(guide.glob("[0-9][0-9]_*.md")):
        text = page.read_text()
        key = answer_key(page.stem)
        new = _BLOCK.sub(lambda _, key=key: key, text)  # a function: the key is not a pattern
        if new != text:
            page.write_text(new)
            changed.append(page)
    return changed


if __name__ == "__main__":
    for path in write():
        print(f"rewrote {path}", file=sys.stderr)
