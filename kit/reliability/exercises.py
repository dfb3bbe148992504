"""Exercises of the reliability lab; answers come from the api."""

import math
from functools import cache

import numpy as np

from .. import config
from ..core import policies
from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import availability as avail
from . import backoff, storms

NOTEBOOK = "06_reliability"
BASE, CAPACITY = config.RELIABILITY_STORM_BASE_RATE, config.RELIABILITY_STORM_CAPACITY
TRIGGER, TRIGGER_S = config.RELIABILITY_STORM_TRIGGER_RATE, config.RELIABILITY_STORM_TRIGGER_S
BACKLOG = (TRIGGER - CAPACITY) * TRIGGER_S  # requests the trigger leaves queued
SERIES = avail.Series(0.999, 0.999, 0.999)
A_SERIES = avail.availability(SERIES)
PAGE = avail.WORKBOOK_RULES[0]
PAGE_MIN = avail.detection_time_min(0.02, 0.999, PAGE)  # the page at 2% errors, minutes


@cache
def _least_work() -> int:
    calls = [backoff.backoff_experiment(s, 100, seed=6).calls for s in backoff.STRATEGIES]
    return int(np.argmin(calls))


def _breaker_state_after(failures: int) -> str:
    failed = np.r_[np.zeros(100 - failures), np.ones(failures)]
    _, state = policies.breaker_trace(
        policies.BREAKERS["resilience4j"], np.arange(100.0), np.full(100, 0.01), failed
    )
    return policies.STATES[int(state[-1])]


@cache
def _storm_goodput(policy: str, timeout_s: float) -> float:
    return storms.retry_storm(policy, timeout_s=timeout_s, seed=6).tail["goodput_per_s"]


register(
    MultipleChoice(
        NOTEBOOK,
        "least-work",
        prompt="100 clients race to update one row (Brooker's experiment). Which backoff strategy makes "
        "the fewest write calls in total?",
        options=list(backoff.STRATEGIES),
        answer=_least_work,
        why=[
            "No backoff retries at once: the clients collide round after round; the most calls of all.",
            "Exponential backoff without jitter keeps the clients in lockstep: they collide again after "
            "every sleep. Fewer calls than none, but not few.",
            "Full jitter spreads each round of retries over all of [0, exp]: the fewest collisions.",
            "Equal jitter keeps half of the sleep fixed: close to full jitter, a few more calls.",
            "Decorrelated jitter grows its sleep from the previous one: fewer calls than exponential, more "
            "than full jitter.",
        ],
        solution="Full jitter: Brooker measured about {:,.0f} calls at 100 clients, against about "
        "{:,.0f} for exponential backoff and {:,.0f} without backoff. Jitter, not the exponent, removes "
        "the collisions.".format(
            *(backoff.BROOKER_2015[s][0] for s in ("full_jitter", "exponential", "none"))
        ),
    )
)

register(
    PickConfig(
        NOTEBOOK,
        "stop-the-storm",
        prompt=f"After a {TRIGGER_S:g} s spike to {TRIGGER:g} req/s, a {CAPACITY:g} req/s server with 3 "
        "immediate retries stays at zero goodput. Which change brings the goodput back by the end of the "
        "run?",
        configs=[
            {"policy": "3 immediate retries", "timeout_s": 2.0},
            {"policy": "3 retries, jittered backoff", "timeout_s": 1.0},
            {"policy": "3 retries, 10% budget", "timeout_s": 1.0},
            {"policy": "1 immediate retry", "timeout_s": 1.0},
        ],
        score=lambda c: _storm_goodput(c["policy"], c["timeout_s"]),
        goal="max",
        score_name="goodput at the end (req/s)",
        solution="The retry budget. While every attempt times out, each request is sent 1 + retries "
        f"times: {BASE:g} x 4 = {storms.sustained_load(BASE, 3):g} req/s with 3 retries, "
        f"{storms.sustained_load(BASE, 1):g} with 1, both above the {CAPACITY:g} req/s capacity, and a "
        "backoff delays the retries without removing them. The budget stops retrying when nothing "
        f"succeeds, the load falls back to {BASE:g} req/s and the backlog drains. A longer timeout helps "
        "only once it exceeds the worst wait the trigger causes: it leaves "
        f"({TRIGGER:g} - {CAPACITY:g}) x {TRIGGER_S:g} = {BACKLOG:g} requests, {BACKLOG / CAPACITY:g} s of "
        "work, so 2 s still collapses while 10 s never times out at all (section 3's timeout table). That "
        "timeout lets users wait 10 s, and a bigger trigger tips it over again; the budget works whatever "
        "the trigger.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "series-downtime",
        prompt="A request passes through three services, each available 99.9% of the time, independently. "
        "How many minutes per 30 days is the whole path down?",
        answer=lambda: float(avail.downtime_min(avail.availability(SERIES), 30.0)),
        rel_tol=0.05,
        unit="min",
        mistakes=[
            (
                lambda: avail.error_budget_min(0.999),
                "That is one service's downtime; in series an outage of any of the three takes the path "
                "down.",
            ),
            (
                lambda: float(avail.downtime_min(avail.availability(SERIES), 30.0)) / 60,
                "That is in hours: the question asks for minutes.",
            ),
            (
                lambda: 100 * avail.availability(SERIES),
                "That is the availability in percent, not the downtime.",
            ),
        ],
        hint="Section 5: in series availabilities multiply (0.999^3); downtime = (1 - A) x 43,200 minutes.",
        solution=f"In series the availabilities multiply: 0.999<sup>3</sup> = {A_SERIES:.6f}, i.e. "
        f"{A_SERIES:.4%}. Downtime: (1 - {A_SERIES:.6f}) x 30 x 24 x 60 ≈ "
        f"{float(avail.downtime_min(A_SERIES, 30.0)):.1f} minutes, about three times one service's "
        f"{avail.error_budget_min(0.999):.1f}.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "burn-page",
        prompt="Your SLO is 99.9% over 30 days. Errors jump from 0 to 2% of requests. After how many minutes "
        "does the Workbook's first page (burn rate 14.4 over 1 hour, and over 5 minutes) fire?",
        answer=lambda: avail.detection_time_min(0.02, 0.999, PAGE),
        rel_tol=0.05,
        unit="min",
        mistakes=[
            (
                lambda: avail.detection_time_min(1.0, 0.999, PAGE),
                "That is for a total outage (100% errors); at 2% the 1-hour window fills 50 times slower.",
            ),
            (
                lambda: 14.4 * 0.001 * 5 / 0.02,
                "That is when the 5-minute window crosses 14.4x; both windows must, and the 1-hour one is "
                "slower.",
            ),
            (60.0, "The 1-hour window need not be full: its average reaches 1.44% before the hour is over."),
        ],
        hint="Section 5's table: a window of W minutes fires after burn rate x (1 - SLO) x W / error rate.",
        solution=f"The 1-hour window must average {PAGE.burn_rate:g} x 0.1% = {PAGE.burn_rate * 0.1:g}% "
        f"errors. At 2% that takes 60 x {PAGE.burn_rate * 0.1:g} / 2 = {PAGE_MIN:.1f} minutes (the 5-minute "
        "window is satisfied long before). By then 2% of the month's error budget is gone. The figure "
        "evaluates the rules once a minute, as a monitoring system does, so its page comes at the first "
        f"evaluation after that: {math.ceil(PAGE_MIN - 1e-9):.0f} minutes after the errors start.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "breaker-49",
        prompt="A resilience4j circuit breaker with its defaults (window of 100 calls, failure-rate "
        "threshold 50%) has seen 49 failures among the last 100 calls. What state is it in?",
        options=["CLOSED", "OPEN", "HALF_OPEN"],
        answer=lambda: ["CLOSED", "OPEN", "HALF_OPEN"].index(_breaker_state_after(49)),
        why=[
            "49% is below the 50% threshold; one more failure (50 of 100) opens it.",
            "It opens when the failure rate reaches 50%; 49% does not.",
            "HALF_OPEN comes only after a spell in OPEN.",
        ],
        solution="CLOSED. The failure rate over the window is 49/100 = 49% < 50%. With 50 failures it is "
        "exactly 50%, which reaches the threshold, and the breaker opens.",
    )
)
