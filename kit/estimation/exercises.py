"""Exercises of the estimation lab: Fermi estimates graded by order of magnitude.

A :class:`Fermi` question has a chain of steps (users -> requests per day ->
per second -> ...); the learner answers with their own chain, or only the
last number. The answer is right when the last number is within ``factor``
of the reference (either way); the feedback lays the learner's chain beside
the reference chain, step by step, so a wrong answer shows where it went off.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..exercises import Feedback, MultipleChoice, Numeric, Question, register
from . import api

NOTEBOOK = "01_estimation"


@dataclass(frozen=True)
class ChainFeedback(Feedback):
    """Feedback with the two chains side by side (rendered as a table in a notebook)."""

    rows: tuple = ()  # (step, unit, learner's value or None, reference value)

    def _repr_html_(self):
        colour = "#009E73" if self.correct else "#D55E00"
        cells = "".join(
            f"<tr><td>{html.escape(step)}</td><td>{_fmt(mine)}</td><td>{_fmt(ref)}</td>"
            f"<td>{_ratio(mine, ref)}</td><td>{html.escape(unit)}</td></tr>"
            for step, unit, mine, ref in self.rows
        )
        table = (
            "<table><tr><th>step</th><th>yours</th><th>reference</th>"
            "<th>yours / reference</th><th>unit</th></tr>"
            f"{cells}</table>"
        )
        style = f"border-left:4px solid {colour};padding:4px 8px"
        return f"<div style='{style}'>{html.escape(str(self))}{table}</div>"


def _fmt(x) -> str:
    return "" if x is None else f"{x:.3g}"


def _ratio(mine, ref) -> str:
    if mine is None or ref == 0:
        return ""
    return f"{mine / ref:.2g}x"


@dataclass(frozen=True)
class Fermi(Question):
    """A Fermi estimate: right when the final number is within ``factor`` of the reference.

    ``steps`` name the chain's numbers and their units; ``answer`` returns the
    reference chain (one number per step, the last is the answer). A learner
    answers with a number (the last step), a sequence of numbers (their chain)
    or a text like ``"1e7, 20, 2300"``.
    """

    steps: Sequence[tuple[str, str]] = ()
    answer: Callable[[], Sequence[float]] = field(repr=False, default=lambda: ())
    factor: float = 3.0

    def _chain(self, answer) -> list[float | None]:
        if isinstance(answer, str):
            parts = [p for p in re.split(r"[,;\s]+", answer.strip()) if p]
            try:
                answer = [float(p.replace("_", "")) for p in parts]
            except ValueError:
                raise ValueError(
                    f"answer must be numbers separated by commas (got answer={answer!r})"
                ) from None
        if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
            answer = [answer]
        if (
            not isinstance(answer, Sequence)
            or not answer
            or len(answer) > len(self.steps)
            or not all(
                isinstance(a, numbers.Real) and not isinstance(a, bool) and math.isfinite(a) and a > 0
                for a in answer
            )
        ):
            raise ValueError(
                f"answer must be a positive number or a chain of up to {len(self.steps)} positive numbers "
                f"(got answer={answer!r})"
            )
        chain = [float(a) for a in answer]
        return [None] * (len(self.steps) - len(chain)) + chain  # a short chain fills the last steps

    def check(self, answer) -> Feedback:
        mine = self._chain(answer)
        ref = [float(x) for x in self.answer()]
        rows = tuple((s, u, m, r) for (s, u), m, r in zip(self.steps, mine, ref, strict=True))
        ratio = mine[-1] / ref[-1]
        correct = 1.0 / self.factor <= ratio <= self.factor
        off = [
            s for s, _, m, r in rows[:-1] if m is not None and not 1.0 / self.factor <= m / r <= self.factor
        ]
        where = f" Your chain first leaves the factor at '{off[0]}'." if off and not correct else ""
        verdict = "within" if correct else "outside"
        message = (
            f"Your {self.steps[-1][0]} is {_fmt(mine[-1])} {self.steps[-1][1]}; the reference chain gives "
            f"{_fmt(ref[-1])} ({ratio:.2g}x, {verdict} the factor of {self.factor:g} the question allows)."
            f"{where} " + "Reference chain: " + "; ".join(f"{s} {_fmt(r)} {u}" for s, u, _, r in rows) + "."
        )
        return ChainFeedback(correct, message, rows)

    def _input(self):
        import ipywidgets as w

        return w.Text(
            description="Your chain",
            placeholder=", ".join(s for s, _ in self.steps),
            style={"description_width": "initial"},
            layout={"width": "600px"},
        )


def _photo_chain():
    t = api.traffic(1e8, 10, read_fraction=1.0, peak_factor=2.0)
    return [1e8, 1e9, t.average.to("req/s").magnitude, t.peak.to("req/s").magnitude]


register(
    Fermi(
        NOTEBOOK,
        "fermi-peak-rps",
        prompt="100 million daily users each view 10 photos a day; the busiest hour carries twice the "
        "average rate. Estimate the peak requests per second, within a factor of 3. Type your chain: "
        "users, views per day, average per second, peak per second (or only the last number).",
        steps=[
            ("users", "users"),
            ("views per day", "req/day"),
            ("average rate", "req/s"),
            ("peak rate", "req/s"),
        ],
        answer=_photo_chain,
        factor=3.0,
        solution="10<sup>8</sup> x 10 = 10<sup>9</sup> views a day; a day is about 10<sup>5</sup> s "
        "(86,400), so about 10<sup>4</sup> req/s on average (11,574), and twice that at peak: "
        "about 23,000 req/s. "
        "<code>estimation.traffic(1e8, 10, read_fraction=1.0, peak_factor=2)</code>.",
    )
)


def _storage_chain():
    s = api.storage(1e6, "2 MB", "1826.25 day", replication=3, index_overhead=0.0, horizon_months=60)
    per_day = s.per_day.to("TB/day").magnitude / 3
    return [1e6, per_day, per_day * 3, s.steady.to("PB").magnitude]


register(
    Fermi(
        NOTEBOOK,
        "fermi-storage",
        prompt="A service stores 1 million new 2 MB photos a day, keeps them 5 years and keeps 3 copies. "
        "How many petabytes does it hold once full (no growth, no index)? Within a factor of 2. "
        "Chain: photos per day, TB per day (one copy), TB per day (all copies), PB stored.",
        steps=[
            ("photos per day", "items/day"),
            ("one copy", "TB/day"),
            ("all copies", "TB/day"),
            ("stored", "PB"),
        ],
        answer=_storage_chain,
        factor=2.0,
        solution="10<sup>6</sup> x 2 MB = 2 TB a day, 6 TB with 3 copies; 5 years is about 1,826 days, "
        "so about 11 PB. <code>estimation.storage(1e6, '2 MB', '1826.25 day', replication=3)</code>.",
    )
)

_SMALL = (5.0, 100.0, 800.0)  # req/s, mean service ms, p99 SLO ms
_SMALL_NAIVE = api.naive_servers(_SMALL[0], 1e3 / _SMALL[1], 0.7)


def _small_p99(servers: int) -> float:
    return api.response_time_quantile(_SMALL[0], _SMALL[1], servers, 99.0)


register(
    Numeric(
        NOTEBOOK,
        "naive-misses",
        prompt=f"{_SMALL[0]:g} requests per second, each taking {_SMALL[1]:g} ms on average (exponential), "
        f"SLO: p99 under {_SMALL[2]:g} ms. The naive rule at 70% utilisation gives "
        f"ceil({_SMALL[0]:g} x {_SMALL[1] / 1e3:g} / 0.7) = {_SMALL_NAIVE} server. What is the p99 response "
        "time with that one server, in ms?",
        answer=lambda: _small_p99(_SMALL_NAIVE),
        rel_tol=0.05,
        unit="ms",
        mistakes=[
            (
                lambda: _SMALL[1] * math.log(100.0),
                "That is the service time's own p99, as if requests never waited: at 50% utilisation "
                "one server makes half of them queue.",
            ),
            (
                lambda: 1e3 / (1e3 / _SMALL[1] - _SMALL[0]),
                "That is the mean response time 1 / (mu - lambda); the p99 of an exponential is ln(100) "
                "times its mean.",
            ),
            (lambda: _small_p99(_SMALL_NAIVE) / 1e3, "That is the answer in seconds; give it in ms."),
        ],
        hint="One server is M/M/1: the response time is exponential with rate mu - lambda "
        "(section 3's formula with c = 1), and an exponential's p99 is ln(100) times its mean.",
        solution=f"One server is M/M/1: response time is exponential with rate mu - lambda = "
        f"{1e3 / _SMALL[1]:g} - {_SMALL[0]:g} = {1e3 / _SMALL[1] - _SMALL[0]:g} per second, "
        f"so p99 = ln(100) / {1e3 / _SMALL[1] - _SMALL[0]:g} s = {_small_p99(_SMALL_NAIVE):.0f} ms, "
        f"above the {_SMALL[2]:g} ms SLO. "
        f"Two servers give {_small_p99(2):.0f} ms: <code>estimation.compare_sizing(5, 100, 800)</code>.",
    )
)

_BIG = api.compare_sizing(1e4, 20.0, 200.0, 99.0, 0.7)

register(
    MultipleChoice(
        NOTEBOOK,
        "big-fleet",
        prompt="10,000 req/s, 20 ms per request, SLO p99 under 200 ms, naive rule at 70% utilisation. "
        "Which is true?",
        options=[
            "The naive fleet misses the SLO",
            "The naive fleet meets the SLO with servers to spare",
            "Both need the same number of servers",
            "No number of servers meets the SLO",
        ],
        answer=lambda: (
            0
            if (s := api.compare_sizing(1e4, 20.0, 200.0, 99.0, 0.7)).naive_ms > s.slo_ms
            else (2 if s.naive == s.needed else 1)
        ),
        why=[
            "With 200 busy servers' worth of load, waits are rare at 70% utilisation.",
            "A large fleet pools its randomness: Erlang C is tiny well below 100% utilisation, so "
            f"{_BIG.needed} servers meet the SLO where the naive rule buys {_BIG.naive}.",
            "The queueing answer runs the servers hotter than 70% here.",
            f"The service time's own p99 is ln(100) x 20 = {_BIG.service_quantile_ms:.0f} ms, below 200 ms: "
            "reachable.",
        ],
        solution="<code>estimation.compare_sizing(1e4, 20, 200)</code>: the naive rule asks for "
        f"{_BIG.naive} servers; the smallest M/M/c fleet whose p99 stays under 200 ms has "
        f"{_BIG.needed}. Large fleets over-provision under the naive rule; small fleets with tight SLOs "
        "under-provision.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "doubling-time",
        prompt="Load grows 5% a month. In how many months does it double (when does a fleet at 50% "
        "utilisation run full)?",
        answer=lambda: api.runway_months(2.0, 1.0, 0.05),
        rel_tol=0.05,
        unit="months",
        mistakes=[(20.0, "That is 100% / 5%: linear growth. Growth compounds, so the load doubles sooner.")],
        hint="Solve (1 + g)^m = 2 for m: section 6's formula with capacity / load = 2.",
        solution="Solve 1.05<sup>m</sup> = 2: m = ln 2 / ln 1.05 = 14.2 months "
        "(the rule of 70: 70 / 5 = 14). "
        "<code>estimation.runway_months(2, 1, 0.05)</code>.",
    )
)


_ORDER = dict(capacity=10_000.0, load=5_000.0, monthly_growth=0.05, lead_time_days=90.0, headroom=0.2)
_MONTH_DAYS = 365.25 / 12


def _order_months(**changes) -> float:
    o = {**_ORDER, **changes}
    r = api.runway(o["capacity"], o["load"], o["monthly_growth"], o["lead_time_days"], o["headroom"])
    return r.months_to_headroom - o["lead_time_days"] / _MONTH_DAYS


register(
    Numeric(
        NOTEBOOK,
        "order-by",
        prompt=f"A fleet carries {_ORDER['capacity']:,.0f} req/s within its SLO; today's peak is "
        f"{_ORDER['load']:,.0f} req/s and grows {_ORDER['monthly_growth']:.0%} a month. You keep "
        f"{_ORDER['headroom']:.0%} of the capacity free, and new servers take "
        f"{_ORDER['lead_time_days']:g} days to arrive. In how many months from today must you order them?",
        answer=_order_months,
        rel_tol=0.05,
        unit="months",
        mistakes=[
            (
                lambda: _order_months(headroom=0.0),
                "That orders when the fleet runs full: the new servers must be in service when the "
                "load reaches (1 - headroom) x capacity.",
            ),
            (
                lambda: _order_months(lead_time_days=0.0),
                "That is when the headroom is gone: the order must go out a lead time earlier.",
            ),
            (
                lambda: api.runway_months(1.0, 0.5, _ORDER["monthly_growth"]),
                "That is the doubling time, when the fleet is full, without headroom or lead time.",
            ),
        ],
        hint="Section 6: months until load reaches (1 - headroom) x capacity, ln(0.8 x 10,000 / 5,000) / "
        "ln(1.05), minus the lead time in months (90 days is about 3 months).",
        solution="The headroom is gone when the load reaches 0.8 x 10,000 = 8,000 req/s: after "
        f"ln(1.6) / ln(1.05) = {_order_months(lead_time_days=0.0):.1f} months. "
        f"Take away the lead time, 90 days = {90 / _MONTH_DAYS:.1f} months: "
        f"order in {_order_months():.1f} months. "
        "<code>estimation.runway(10_000, 5_000, 0.05, lead_time_days=90, headroom=0.2)</code>.",
    )
)
