"""02 consistency: PBS (WARS Monte Carlo) and the replicated-store simulator against their peers.

Scenario:
- PBS, LNKD-DISK, N = 3, R = W = 1: 10^6 trials, ours (numba, parallel chunks)
  vs the same model vectorised in numpy, and 10^5 trials vs a pure-Python loop
  (how the paper's own scripts sample it).
- Every (R, W) of N = 5 from 10^5 trials: ours (one pass, common random
  numbers) vs numpy, one configuration at a time.
- Simulator: leaderless quorum N = 3, R = W = 1, 8 clients, 20 s of simulated
  time, one key, no faults: ours (numba event heap) vs the same protocol in SimPy.
Each pair is checked to agree statistically before it is timed.
"""

import math
import random

import numpy as np
import simpy

from kit import consistency

from .common import Row, best_of

# --- PBS peers ----------------------------------------------------------------------------------


def _numpy_mixture(rng, shape, p_pareto, xm, alpha, rate):
    pareto = xm / rng.random(shape) ** (1.0 / alpha)
    return np.where(rng.random(shape) < p_pareto, pareto, rng.exponential(1.0 / rate, shape))


def numpy_wars(N, pairs, trials, seed):
    """LNKD-DISK WARS trials vectorised in numpy: t* per (R, W) pair, shape (pairs, trials)."""
    rng = np.random.default_rng(seed)
    w = _numpy_mixture(rng, (trials, N), 0.38, 1.05, 1.51, 0.183)
    a, r, s = (_numpy_mixture(rng, (trials, N), 0.9122, 0.235, 10.0, 1.66) for _ in range(3))
    commit_by_w = np.sort(w + a, axis=1)
    order = np.argsort(r + s, axis=1)
    gap = np.take_along_axis(w - r, order, axis=1)
    first = np.minimum.accumulate(gap, axis=1)
    return np.array([first[:, R - 1] - commit_by_w[:, W - 1] for R, W in pairs])


def python_wars(N, R, W, trials, seed):
    """The same trials in a plain Python loop with ``random``."""
    rnd = random.Random(seed)

    def mix(p_pareto, xm, alpha, rate):
        if rnd.random() < p_pareto:
            return xm / (1.0 - rnd.random()) ** (1.0 / alpha)
        return rnd.expovariate(rate)

    t_star = []
    for _ in range(trials):
        w = [mix(0.38, 1.05, 1.51, 0.183) for _ in range(N)]
        wa = [wi + mix(0.9122, 0.235, 10.0, 1.66) for wi in w]
        r = [mix(0.9122, 0.235, 10.0, 1.66) for _ in range(N)]
        rs = [ri + mix(0.9122, 0.235, 10.0, 1.66) for ri in r]
        commit = sorted(wa)[W - 1]
        fastest = sorted(range(N), key=rs.__getitem__)[:R]
        t_star.append(min(w[i] - r[i] for i in fastest) - commit)
    return np.array(t_star)


def _agree(p_ours, p_peer, n_ours, n_peer, what):
    se = math.sqrt(p_ours * (1 - p_ours) / n_ours + p_peer * (1 - p_peer) / n_peer)
    assert abs(p_ours - p_peer) < 5 * se + 1e-12, f"{what}: {p_ours} vs {p_peer}"


def _pbs_rows() -> list[Row]:
    rows = []
    consistency.pbs_simulate(3, 1, 1, "lnkd-disk", trials=100, seed=1)  # JIT warm-up / cache load
    n = 1_000_000
    ours = consistency.pbs_simulate(3, 1, 1, "lnkd-disk", trials=n, seed=1)
    peer = numpy_wars(3, [(1, 1)], n, 1)[0]
    for t in (0.0, 10.0):
        _agree(ours.p_consistent(t), float(np.mean(peer <= t)), n, n, f"numpy P(t={t})")
    t_ours = best_of(lambda: consistency.pbs_simulate(3, 1, 1, "lnkd-disk", trials=n, seed=1))
    t_peer = best_of(lambda: numpy_wars(3, [(1, 1)], n, 1))
    rows.append(Row("PBS WARS, LNKD-DISK N=3 R=W=1, 10^6 trials", t_ours, "numpy (vectorised)", t_peer))

    n = 100_000
    slow = python_wars(3, 1, 1, n, 1)
    _agree(
        consistency.pbs_consistency(3, 1, 1, 0.0, "lnkd-disk", trials=n, seed=1),
        float(np.mean(slow <= 0)),
        n,
        n,
        "python",
    )
    t_ours = best_of(lambda: consistency.pbs_simulate(3, 1, 1, "lnkd-disk", trials=n, seed=1))
    t_peer = best_of(lambda: python_wars(3, 1, 1, n, 1), repeat=1)
    rows.append(Row("PBS WARS, LNKD-DISK N=3 R=W=1, 10^5 trials", t_ours, "pure Python (random)", t_peer))

    pairs = [(R, W) for R in range(1, 6) for W in range(1, 6)]
    every = consistency.pbs_all(5, "lnkd-disk", trials=n, seed=2)
    peer = numpy_wars(5, pairs, n, 2)
    for r, t_peer_star in zip(every, peer, strict=True):
        _agree(r.p_consistent(0.0), float(np.mean(t_peer_star <= 0)), n, n, f"pair {(r.R, r.W)}")
    t_ours = best_of(lambda: consistency.pbs_all(5, "lnkd-disk", trials=n, seed=2))
    t_peer = best_of(lambda: [numpy_wars(5, [pair], n, 2) for pair in pairs])
    rows.append(Row("PBS every (R, W) of N=5, 10^5 trials", t_ours, "numpy, one pair at a time", t_peer))
    return rows


# --- simulator peer ------------------------------------------------------------------------------


def simpy_quorum(N, R, W, clients, duration_ms, think_ms, median_ms, sigma, read_fraction, seed):
    """Leaderless quorum register (one key, LWW on the coordinator's clock) in SimPy.

    The kit's protocol, message for message: client -> coordinator, coordinator
    -> each of the N replicas (free when it is itself), replies, coordinator
    -> client after W acks (write) or R answers (read, newest wins).
    Returns ``(client, op kind, invoke, complete, value written or read)`` rows.
    """
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    mu = math.log(median_ms)
    replicas = [(-math.inf, -1, 0) for _ in range(N)]  # (ts, writer op, value)
    ops = []

    def hop(a, b):
        return env.timeout(0.0 if a == b else rng.lognormal(mu, sigma))

    def put(coord, i, version, state):
        yield hop(coord, i)
        if version[:2] > replicas[i][:2]:
            replicas[i] = version
        yield hop(i, coord)
        state["acks"] += 1
        if state["acks"] == W:
            state["done"].succeed()

    def get(coord, i, state):
        yield hop(coord, i)
        seen = replicas[i]
        yield hop(i, coord)
        state["best"] = max(state["best"], seen)
        state["answers"] += 1
        if state["answers"] == R:
            state["done"].succeed(state["best"][2])

    def client(c):
        yield env.timeout(rng.exponential(think_ms))
        while env.now <= duration_ms:
            o = len(ops)
            ops.append(None)
            invoke = env.now
            read = rng.random() < read_fraction
            coord = int(rng.integers(N))
            yield env.timeout(rng.lognormal(mu, sigma))
            state = {"acks": 0, "answers": 0, "best": (-math.inf, -1, 0), "done": env.event()}
            if read:
                for i in range(N):
                    env.process(get(coord, i, state))
            else:
                for i in range(N):
                    env.process(put(coord, i, (env.now, o, o + 1), state))
            value = yield state["done"]
            yield env.timeout(rng.lognormal(mu, sigma))
            ops[o] = (c, "read" if read else "write", invoke, env.now, value if read else o + 1)
            yield env.timeout(rng.exponential(think_ms))

    for c in range(clients):
        env.process(client(c))
    env.run()
    return [op for op in ops if op is not None]


def _simpy_history(rows):
    return consistency.History.from_ops(
        [
            (c, f, None if f == "read" else v, v if f == "read" else None, inv, done)
            for c, f, inv, done, v in rows
        ],
        initial=0,
    )


def _simulator_rows() -> list[Row]:
    kw = dict(clients=8, duration_ms=20_000.0, think_ms=10.0, read_fraction=0.5)
    ours_kw = dict(kw, N=3, R=1, W=1, anti_entropy_ms=0, settle_ms=100.0, max_ops=100_000, seed=3)
    median, sigma = 1.0, 0.5
    consistency.simulate("quorum", duration_ms=10.0, seed=1)  # JIT warm-up / cache load
    ours = consistency.simulate("quorum", **ours_kw)
    rows = simpy_quorum(3, 1, 1, kw["clients"], kw["duration_ms"], kw["think_ms"], median, sigma, 0.5, 3)
    peer = _simpy_history(rows)
    # same model: throughput, latency and staleness agree
    assert abs(ours.ops - len(peer)) < 0.03 * len(peer), (ours.ops, len(peer))
    lat_ours = ours.history.complete_t - ours.history.invoke_t
    lat_peer = peer.complete_t - peer.invoke_t
    assert abs(lat_ours.mean() - lat_peer.mean()) < 5 * math.hypot(
        lat_ours.std() / len(lat_ours) ** 0.5, lat_peer.std() / len(lat_peer) ** 0.5
    )
    peer_reads = peer.f == "read"
    ours_reads = (ours.history.f == "read") & (ours.history.status == "ok")
    _agree(
        ours.stale_read_fraction,
        float(consistency.stale_reads(peer)[peer_reads].mean()),
        int(ours_reads.sum()),
        int(peer_reads.sum()),
        "stale reads",
    )
    t_ours = best_of(lambda: consistency.simulate("quorum", **ours_kw))
    t_peer = best_of(
        lambda: simpy_quorum(
            3, 1, 1, kw["clients"], kw["duration_ms"], kw["think_ms"], median, sigma, 0.5, 3
        ),
        repeat=1,
    )
    return [Row(f"quorum store sim, 8 clients x 20 s ({ours.ops:,} ops)", t_ours, "SimPy", t_peer)]


def run() -> list[Row]:
    return _pbs_rows() + _simulator_rows()
