"""Exercises of the start lab; answers come from the api."""

from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import api

NOTEBOOK = "00_start_here"

register(
    Numeric(
        NOTEBOOK,
        "fanout-100",
        prompt="A request fans out to 100 servers; each is slow 1% of the time, independently. "
        "What fraction of requests is slow? (a number between 0 and 1)",
        answer=lambda: float(api.p_slow(100, 0.01)),
        rel_tol=0.03,
        solution="A request is fast only if all 100 servers are: 0.99<sup>100</sup> ≈ 0.366. "
        "So 1 − 0.99<sup>100</sup> ≈ 0.634 of requests are slow: a 1-in-100 event per server "
        "became the common case per request (Dean &amp; Barroso 2013).",
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
            "P(max ≤ x) = F(x)^100 = 0.5 gives F(x) = 0.5^(1/100) ≈ 0.9931: the p99.3 of one server.",
            "That would need F(x)^100 = 0.5 with F(x) = 0.9999, and 0.9999^100 ≈ 0.99, not 0.5.",
        ],
        solution="The request latency is the maximum of k server latencies, so its CDF is F(x)<sup>k</sup>. "
        "Setting F(x)<sup>100</sup> = 0.5 gives F(x) = 0.5<sup>1/100</sup> ≈ 0.9931.",
    )
)

register(
    PickConfig(
        NOTEBOOK,
        "cheapest-fix",
        prompt="Your service fans out to 100 servers and 63% of requests are slow. Which change "
        "makes the fewest requests slow?",
        configs=[{"k": 100, "p": 0.001}, {"k": 50, "p": 0.01}, {"k": 10, "p": 0.01}, {"k": 200, "p": 0.0001}],
        score=lambda c: float(api.p_slow(c["k"], c["p"])),
        goal="min",
        score_name="P(slow request)",
        solution="Compute 1 − (1 − p)<sup>k</sup> for each option. For small p it is close to k·p, "
        "so what counts is the product: making each server less often slow pays as much as "
        "fanning out to fewer servers, and the two multiply.",
    )
)
