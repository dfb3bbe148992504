"""The buffer kernel (numba event heap) vs the same model in SimPy.

Scenario: M/M/2/K with K = 20, lambda = 180/s, mu = 100/s per consumer, drop
the newest message when full; 200,000 messages. SimPy is what a Python user
would write: a source process, a ``Resource`` of 2 consumers, a process per
message, and a count of the messages in the system for the capacity check.
Both sides must lose the same fraction (within sampling error, and M/M/c/K's)
before the times count.
"""

import math
import random

import simpy

from kit import messaging

from .common import Row, best_of

LAM, MU, C, K, N = 180.0, 100.0, 2, 20, 200_000


def simpy_buffer(seed: int) -> float:
    """Fraction of messages lost by a SimPy model of the same broker."""
    rng = random.Random(seed)
    env = simpy.Environment()
    consumers = simpy.Resource(env, capacity=C)
    state = {"in_system": 0, "lost": 0}

    def message():
        state["in_system"] += 1
        with consumers.request() as request:
            yield request
            yield env.timeout(rng.expovariate(MU))
        state["in_system"] -= 1

    def source():
        for _ in range(N):
            yield env.timeout(rng.expovariate(LAM))
            if state["in_system"] >= K:
                state["lost"] += 1
            else:
                env.process(message())

    env.process(source())
    env.run()
    return state["lost"] / N


def run() -> list[Row]:
    messaging.simulate_buffer(LAM, MU, K, 100, C, seed=0)  # JIT warm-up / cache load
    ours = messaging.simulate_buffer(LAM, MU, K, N, C, seed=1).loss_fraction
    peer = simpy_buffer(1)
    theory = messaging.mmck(LAM, MU, C, K).loss
    tol = 6 * math.sqrt(theory * (1 - theory) / N) * 3  # losses come in bursts: a few times binomial
    assert abs(ours - theory) < tol and abs(peer - theory) < tol, (ours, peer, theory)
    t_ours = best_of(lambda: messaging.simulate_buffer(LAM, MU, K, N, C, seed=1), repeat=5)
    t_peer = best_of(lambda: simpy_buffer(1), repeat=1)
    return [
        Row(
            f"M/M/2/20 buffer, {N // 1000}k msgs: {N / t_ours / 1e6:.1f}M vs {N / t_peer / 1e3:.0f}k msg/s",
            t_ours,
            "simpy (Resource + processes)",
            t_peer,
        )
    ]
