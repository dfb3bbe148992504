"""The queueing core: M/M/c in kit (numba event heap) vs the same model in SimPy.

Scenario: M/M/1 at rho = 0.8 and M/M/10 at rho = 0.9 (mu = 1), each as 8
independent replications of 50,000 customers, the first 5% of each left out.
SimPy is the library a Python user would pick for a discrete-event model:
a source process, a ``Resource`` of c servers, a process per customer.
Both sides must give the same mean wait (and Erlang C's) before the times count.
The kit runs once on one thread (like for like) and once on all threads
(replications in parallel, as ``simulate_mmc`` does).
"""

import math
import random

import numba
import numpy as np
import simpy

from kit import queueing

from .common import Row, best_of

REPLICATIONS = 8
CUSTOMERS = 50_000
WARMUP = CUSTOMERS // 20


def simpy_mmc(lam: float, mu: float, c: int, customers: int, seed: int) -> float:
    """Mean wait in queue of one SimPy replication (customers after the warm-up)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    waits = []

    def customer():
        arrived = env.now
        with servers.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(mu))

    def source():
        for _ in range(customers):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer())

    env.process(source())
    env.run()
    return float(np.mean(waits[WARMUP:]))


def simpy_replications(lam, mu, c):
    return np.array([simpy_mmc(lam, mu, c, CUSTOMERS, seed) for seed in range(REPLICATIONS)])


def run() -> list[Row]:
    rows = []
    for lam, c in ((0.8, 1), (9.0, 10)):
        queueing.simulate_mmc(lam, 1.0, c, 1000, seed=0, replications=2)  # JIT warm-up / cache load
        ours = queueing.simulate_mmc(lam, 1.0, c, CUSTOMERS, seed=1, replications=REPLICATIONS, warmup=WARMUP)
        peer = simpy_replications(lam, 1.0, c)
        # The same model, different random streams: the mean waits must agree statistically,
        # with each other and with Erlang C.
        se_peer = peer.std(ddof=1) / math.sqrt(peer.size)
        se_ours = ours.se("mean_wait")
        theory = queueing.mmc(lam, 1.0, c).Wq
        assert abs(ours.mean_wait - peer.mean()) < 4 * math.hypot(se_ours, se_peer), "models disagree"
        assert abs(ours.mean_wait - theory) < 4 * se_ours and abs(peer.mean() - theory) < 4 * se_peer
        t_peer = best_of(lambda lam=lam, c=c: simpy_replications(lam, 1.0, c), repeat=1)
        total = REPLICATIONS * CUSTOMERS
        # one thread is the like-for-like comparison with SimPy; all threads is how the kit runs
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            try:
                t_ours = best_of(
                    lambda lam=lam, c=c: queueing.simulate_mmc(
                        lam, 1.0, c, CUSTOMERS, seed=1, replications=REPLICATIONS, warmup=WARMUP
                    ),
                    repeat=5,
                )
            finally:
                numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
            rows.append(
                Row(
                    f"M/M/{c} rho={lam / c:g}, {total // 1000}k cust, {threads} thr: "
                    f"{total / t_ours / 1e6:.1f}M vs {total / t_peer / 1e3:.0f}k/s",
                    t_ours,
                    "simpy (Resource + processes)",
                    t_peer,
                )
            )
    return rows
