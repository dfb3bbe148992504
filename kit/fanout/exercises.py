"""Exercises of the start lab; answers, and the numbers in feedback, come from the api."""

import math

from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import api

NOTEBOOK = "00_start_here"


def _slow(k: int, p: float = 0.01) -> float:
    return float(api.p_slow(k, p))


register(
    Numeric(
        NOTEBOOK,
        "fanout-100",
        prompt="A request fans out to 100 servers; each is slow 1% of the time, independently. "
        "What fraction of requests is slow? (a number between 0 and 1)",
        answer=lambda: _slow(100),
        rel_tol=0.03,
        mistakes=[
            (1.0, "That is k·p = 100 × 0.01, which approximates 1 − (1 − p)^k only while k·p is small."),
            (0.01, "That is one server's p; the request waits for all 100 servers."),
            (lambda: 1 - _slow(100), "That is 0.99^100, the fraction of requests that are fast."),
        ],
        hint="Look again at the formula 1 − (1 − p)^k and the cell that prints it for k = 1, 10, 100, 1000.",
        solution="A request is fast only if all 100 servers are: 0.99<sup>100</sup> ≈ "
        f"{1 - _slow(100):.3f}. So 1 − 0.99<sup>100</sup> ≈ {_slow(100):.3f} of requests are slow: a "
        "1-in-100 event per server became the common case per request (Dean &amp; Barroso 2013).",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "median-request",
        prompt="With k = 100 servers per request, the <i>median</i> request waits as long as which "
        "percentile of a single server?",
        options=["p50", "p90", "p99.3", "p99.99"],
        answer=lambda: 2,
        why=[
            "The median server is the typical one, but a request waits for the slowest of 100.",
            "Half of all requests see worse than every server's p90 many times over.",
            f"P(max ≤ x) = F(x)^100 = 0.5 gives F(x) = 0.5^(1/100) ≈ {0.5 ** (1 / 100):.4f}: "
            "the p99.3 of one server.",
            "That would need F(x)^100 = 0.5 with F(x) = 0.9999, and "
            f"0.9999^100 ≈ {0.9999**100:.2f}, not 0.5.",
        ],
        hint="The request's CDF is the server's raised to the power k: solve F(x)^100 = 0.5.",
        solution="The request latency is the maximum of k server latencies, so its CDF is F(x)<sup>k</sup>. "
        f"Setting F(x)<sup>100</sup> = 0.5 gives F(x) = 0.5<sup>1/100</sup> ≈ {0.5 ** (1 / 100):.4f}.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "max-fanout",
        prompt="Each server is slow 1% of the time. What is the widest fan-out that keeps "
        "<i>at most half</i> of requests slow? (a whole number of servers)",
        answer=lambda: api.max_fanout(0.01, 0.5),
        rel_tol=0.0,
        unit="servers",
        integer=True,
        mistakes=[
            (
                50,
                "That solves k·p = 0.5, but k·p is no longer small there: at k = 50, "
                f"1 − 0.99^50 = {_slow(50):.3f}, well under half.",
            ),
            (69, f"At k = 69, 1 − 0.99^69 = {_slow(69):.4f}: just over half."),
            (
                70,
                f"ln 2 / p = {math.log(2) / 0.01:.1f} uses ln(1 − p) ≈ −p; round it, and check both "
                "neighbours.",
            ),
        ],
        hint="Solve 1 − 0.99^k ≤ 0.5: k ≤ ln 0.5 / ln 0.99; check with fanout.p_slow(k, 0.01).",
        solution="1 − 0.99<sup>k</sup> ≤ 0.5 means k ≤ ln 0.5 / ln 0.99 = "
        f"{math.log(0.5) / math.log(0.99):.2f}, so k = {api.max_fanout(0.01, 0.5)}: at 68 servers "
        f"{_slow(68):.3f} of requests are slow, at 69 already {_slow(69):.4f}. The k·p shortcut would "
        "say 50.",
    )
)

FIXES = [{"k": 100, "p": 0.001}, {"k": 50, "p": 0.01}, {"k": 10, "p": 0.01}, {"k": 200, "p": 0.0001}]
KP = ", ".join(f"{fix['k'] * fix['p']:g}" for fix in FIXES)

register(
    PickConfig(
        NOTEBOOK,
        "cheapest-fix",
        prompt=f"Your service fans out to 100 servers and {_slow(100):.0%} of requests are slow. Which "
        "change makes the fewest requests slow?",
        configs=FIXES,
        score=lambda c: float(api.p_slow(c["k"], c["p"])),
        goal="min",
        score_name="P(slow request)",
        hint="Compute 1 − (1 − p)^k for each option with fanout.p_slow.",
        solution="Compute 1 − (1 − p)<sup>k</sup> for each option. While k·p is small it is close to k·p "
        f"(for these options k·p is {KP}), so what counts is the product: making each server less often "
        "slow pays as much as fanning out to fewer servers, and the two multiply. At k·p = 0.5 the shortcut "
        f"already overstates: 1 − 0.99<sup>50</sup> = {_slow(50):.3f}.",
    )
)
