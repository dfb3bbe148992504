"""Load balancing: kit.scaling.balance (numba event loop) vs the same model in SimPy.

Scenario: 1,000 servers, each a FIFO queue with exponential 1 ms service, at 90%
utilisation, Poisson arrivals, power of two choices (the fewer requests of two
servers drawn at random, ties at random); 10^7 requests, the first 10% left out
of the statistics. SimPy is what a Python user would write: a ``Resource`` per
server, a process per request, the balancer reading each resource's queue.
One run each (SimPy takes minutes); both must give the same mean response,
within four standard errors from batch means, before the times count.
The queueing core's own ratio against SimPy is in ``bench_queueing.py``.
"""

import math
import random

import numpy as np
import simpy

from kit import scaling

from .common import Row, best_of

SERVERS = 1_000
UTILISATION = 0.9
SERVICE_S = 1e-3
CUSTOMERS = 10_000_000
WARMUP = CUSTOMERS // 10
BATCHES = 20


def batch_se(means: np.ndarray) -> float:
    return float(means.std(ddof=1) / math.sqrt(means.size))


def simpy_power_of_two(servers: int, rho: float, customers: int, seed: int) -> tuple[float, float]:
    """Mean response (ms) of the measured requests, and its batch-means standard error."""
    rng = random.Random(seed)
    env = simpy.Environment()
    pool = [simpy.Resource(env, capacity=1) for _ in range(servers)]
    lam = rho * servers / SERVICE_S
    batch = (customers - WARMUP) // BATCHES
    sums = np.zeros(BATCHES)

    def request(res, arrived, slot):
        with res.request() as turn:
            yield turn
            yield env.timeout(rng.expovariate(1.0 / SERVICE_S))
        if slot >= 0:
            sums[slot] += env.now - arrived

    def source():
        for i in range(customers):
            yield env.timeout(rng.expovariate(lam))
            a, b = pool[rng.randrange(servers)], pool[rng.randrange(servers)]
            load_a, load_b = a.count + len(a.queue), b.count + len(b.queue)
            res = a if load_a < load_b or (load_a == load_b and rng.random() < 0.5) else b
            slot = min((i - WARMUP) // batch, BATCHES - 1) if i >= WARMUP else -1
            env.process(request(res, env.now, slot))

    env.process(source())
    env.run()
    counts = np.full(BATCHES, batch)
    counts[-1] = customers - WARMUP - batch * (BATCHES - 1)
    means = sums / counts * 1e3
    return float(sums.sum() / counts.sum() * 1e3), batch_se(means)


def run() -> list[Row]:
    scaling.balance("power_of_d", SERVERS, UTILISATION, 10_000, seed=0)  # JIT warm-up / cache load
    results = {}

    def ours():
        results["ours"] = scaling.balance("power_of_d", SERVERS, UTILISATION, CUSTOMERS, seed=1)

    def peer():
        results["peer"] = simpy_power_of_two(SERVERS, UTILISATION, CUSTOMERS, seed=1)

    t_ours = best_of(ours, repeat=1)
    t_peer = best_of(peer, repeat=1)
    r = results["ours"]
    ours_se = batch_se(r.response_ms.astype(np.float64)[: r.response_ms.size // BATCHES * BATCHES]
                       .reshape(BATCHES, -1).mean(axis=1))  # fmt: skip
    peer_mean, peer_se = results["peer"]
    assert abs(r.mean_ms - peer_mean) < 4 * math.hypot(ours_se, peer_se), (r.mean_ms, peer_mean)
    rate = (CUSTOMERS / t_ours, CUSTOMERS / t_peer)
    return [
        Row(
            f"balance p2c, {SERVERS} servers, {CUSTOMERS / 1e6:.0f}M req: "
            f"{rate[0] / 1e6:.2f}M vs {rate[1] / 1e3:.0f}k/s",
            t_ours,
            "simpy (Resource per server)",
            t_peer,
        )
    ]
