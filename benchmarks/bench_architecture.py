"""11 architecture evolution: requests through a service graph, kit (numba) vs walking the networkx graph.

Scenario: the shop as microservices, checkout (six units, five sequential calls,
an asynchronous email), each unit available 99.9%: 20,000 requests, the app's
and the notebook's size. The peer is what one would write without the kit: a
plain-Python recursion over the ``networkx`` graph per request, the slow,
obvious reference the tests check the kernel against (``tests/naive.py``).
A second row does the same for strangler-fig migrations (step by step in Python).
"""

import numpy as np

from kit import architecture
from tests import naive

from .common import Row, best_of

REQUESTS = 20_000
MIGRATIONS = 20_000
SEED = 1


def _requests_row() -> Row:
    g = architecture.shop("microservices")
    g.simulate(10, seed=SEED)  # JIT warm-up / cache load
    ours = g.simulate(REQUESTS, seed=SEED, entry="checkout")
    peer = naive.graph_simulate(g, "checkout", REQUESTS, SEED)
    # Same model, different random streams: success share and percentiles must agree statistically.
    ok, se = ours.share("ok")
    assert abs(ok - peer["ok"]) < 5 * np.sqrt(2) * max(se, 1 / REQUESTS), (ok, peer["ok"])
    for q in (50, 90):
        a = float(ours.percentiles([q])["latency_ms"].iloc[0])
        assert abs(a / np.percentile(peer["latency_ms"], q) - 1) < 0.03, (q, a)
    t_ours = best_of(lambda: g.simulate(REQUESTS, seed=SEED, entry="checkout"))
    t_peer = best_of(lambda: naive.graph_simulate(g, "checkout", REQUESTS, SEED), repeat=1)
    return Row(
        f"service graph, {REQUESTS:,} checkouts (6 units)", t_ours, "networkx walk (plain Python)", t_peer
    )


def _migrations_row() -> Row:
    m = architecture.Migration()
    architecture.strangler(m, runs=10, seed=SEED)  # JIT warm-up / cache load
    ours = architecture.strangler(m, runs=MIGRATIONS, seed=SEED)
    rng = np.random.default_rng(SEED)

    def peer():
        return [naive.strangler_run(m, rng) for _ in range(MIGRATIONS)]

    steps = np.array([len(r) for r in peer()])
    se = np.sqrt((steps.var() + ours.steps.var()) / MIGRATIONS)
    assert abs(steps.mean() - ours.steps.mean()) < 5 * se, (steps.mean(), ours.steps.mean())
    t_ours = best_of(lambda: architecture.strangler(m, runs=MIGRATIONS, seed=SEED))
    t_peer = best_of(peer, repeat=1)
    return Row(f"strangler fig, {MIGRATIONS:,} migrations", t_ours, "plain Python (same model)", t_peer)


def run() -> list[Row]:
    return [_requests_row(), _migrations_row()]
