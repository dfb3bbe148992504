"""05 sagas: 100,000 executions of a 5-step saga under faults, kit (numba) vs the same model in plain Python.

Scenario: the travel booking (flight, hotel | car, payment as pivot, confirmation),
orchestrated, with lost messages, coordinator crashes, failing compensations and
a payment call whose timeouts leave its effect unknown. The peer is the slow,
obvious reference the tests check the kernel against (``tests/naive.py``).
"""

import random

import numpy as np

from kit import config, sagas
from kit.sagas import Faults, examples
from tests import naive

from .common import Row, best_of

RUNS = 100_000
SEED = 1


def scenario():
    saga = examples.travel_booking(idempotent=False).replace(only="charge payment", timeout_ms=400.0)
    faults = Faults(loss_p=0.03, crash_p=0.03, comp_fail_p=0.2, comp_permanent_p=0.05, downtime=300.0)
    return saga, faults


def plain_python(saga, faults, runs, seed):
    rng = random.Random(seed)
    return [naive.saga_run(saga, faults, rng, config.SAGAS_PERSIST_ATTEMPTS) for _ in range(runs)]


def run() -> list[Row]:
    saga, faults = scenario()
    sagas.simulate(saga, 100, seed=SEED, faults=faults)  # JIT warm-up / cache load
    ours = sagas.simulate(saga, RUNS, seed=SEED, faults=faults)
    peer = plain_python(saga, faults, RUNS, SEED)
    # Same model, different random streams: outcome shares and mean latency must agree statistically.
    for outcome in sagas.OUTCOMES:
        p = np.mean([r[0] == outcome for r in peer])
        q = float((ours.outcome == outcome).mean())
        assert abs(p - q) < 5 * np.sqrt(2 * max(p * (1 - p), 1 / RUNS) / RUNS), f"{outcome}: {p} vs {q}"
    lat = np.array([r[1] for r in peer])
    assert abs(lat.mean() - ours.latency_ms.mean()) < 5 * np.sqrt((lat.var() + ours.latency_ms.var()) / RUNS)
    t_ours = best_of(lambda: sagas.simulate(saga, RUNS, seed=SEED, faults=faults))
    t_peer = best_of(lambda: plain_python(saga, faults, RUNS, SEED), repeat=1)
    return [Row(f"saga MC, {RUNS:,} runs x 5 steps, faults", t_ours, "plain Python (same model)", t_peer)]
