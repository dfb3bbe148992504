"""01 estimation: the servers-needed search, kit vs the plain-Python loop a person would write.

Scenario: the fewest M/M/c servers whose p99 response time meets an SLO, for a
small, a medium and a large load. The peer scans c upwards from the smallest
stable fleet, computing Erlang C by the Erlang B recursion and each percentile by
bisection on the response-time distribution (plain Python, no numpy). The kit
tests the tail at the SLO directly (no quantile to solve) and searches c
exponentially then by halving, O(log c) Erlang C evaluations.
"""

import math

from kit import estimation

from .common import Row, best_of


def _erlang_c(a: float, c: int) -> float:
    b = 1.0  # Erlang B by its stable recursion, then C
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b))


def _sf(t: float, mu: float, theta: float, p_wait: float) -> float:
    d = theta - mu
    if abs(d) < 1e-12:
        return math.exp(-mu * t) * (1.0 + p_wait * mu * t)
    return math.exp(-mu * t) + p_wait * mu * (math.exp(-mu * t) - math.exp(-theta * t)) / d


def plain_servers_needed(qps: float, service_ms: float, slo_ms: float, q: float = 0.99) -> int:
    """Scan c = floor(a) + 1, ...: each step solves the percentile by bisection and compares it."""
    mu = 1000.0 / service_ms
    c = math.floor(qps / mu) + 1
    while True:
        p_wait, theta = _erlang_c(qps / mu, c), c * mu - qps
        lo, hi = 0.0, 1.0
        while _sf(hi, mu, theta, p_wait) > 1 - q:
            hi *= 2
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if _sf(mid, mu, theta, p_wait) > 1 - q else (lo, mid)
        if hi * 1000.0 <= slo_ms:
            return c
        c += 1


def run() -> list[Row]:
    rows = []
    estimation.warm()
    for qps, service_ms, slo_ms in ((50.0, 20.0, 150.0), (5_000.0, 20.0, 120.0), (50_000.0, 20.0, 100.0)):
        ours = estimation.servers_needed(qps, service_ms, slo_ms, 99.0)
        peer = plain_servers_needed(qps, service_ms, slo_ms)
        assert ours == peer, (ours, peer)
        t_ours = best_of(lambda q=qps, s=service_ms, o=slo_ms: estimation.servers_needed(q, s, o, 99.0))
        t_peer = best_of(lambda q=qps, s=service_ms, o=slo_ms: plain_servers_needed(q, s, o), repeat=1)
        rows.append(Row(f"servers needed, {qps:,.0f} req/s x {service_ms:g} ms (c={ours:,})", t_ours,
                        "plain-Python scan", t_peer))  # fmt: skip
    return rows
