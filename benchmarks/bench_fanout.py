"""00 start here: the fan-out Monte Carlo, kit (numba) vs the same model in plain numpy.

Scenario: the app's default update, 10,000 requests x fan-outs 1..200 with
p = 1%, and a wide one, 100,000 requests x 1..1000.
"""

import numpy as np

from kit import fanout

from .common import Row, best_of, peak_rss_mb


def numpy_fanout(ks, trials, p, fast_median_ms, fast_sigma, slow_ms, seed):
    """The same model vectorised in numpy: draw all servers, running max over k."""
    rng = np.random.default_rng(seed)
    k_max = int(ks[-1])
    slow = rng.random((trials, k_max)) < p
    latency = np.where(
        slow,
        rng.uniform(slow_ms, 2 * slow_ms, (trials, k_max)),
        rng.lognormal(np.log(fast_median_ms), fast_sigma, (trials, k_max)),
    )
    return np.maximum.accumulate(latency, axis=1)[:, ks - 1]


def run() -> list[Row]:
    rows = []
    server = fanout.server_latency(p=0.01)
    median, sigma = np.exp(server.components[0][1].mu), server.components[0][1].sigma
    for trials, k_max in ((10_000, 200), (100_000, 1000)):
        ks = fanout.k_grid(k_max)
        fanout.simulate(ks, server, trials=100, seed=1)  # JIT warm-up / cache load
        ours = fanout.simulate(ks, server, trials=trials, seed=1)
        peer = numpy_fanout(ks, trials, 0.01, median, sigma, 1000.0, 1)
        # Same model, different random streams: the slow fractions must agree statistically.
        a, se = ours.p_slower_than(1000.0)
        b = (peer >= 1000.0).mean(axis=0)
        assert np.all(np.abs(a - b) < 5 * np.sqrt(2) * np.maximum(se, 1 / trials)), "models disagree"
        t_ours = best_of(lambda ks=ks, trials=trials: fanout.simulate(ks, server, trials=trials, seed=1))
        t_peer = best_of(
            lambda ks=ks, trials=trials: numpy_fanout(ks, trials, 0.01, median, sigma, 1000.0, 1)
        )
        rows.append(
            Row(f"fan-out MC, {trials:,} requests x k=1..{k_max}", t_ours, "numpy (vectorised)", t_peer)
        )
    rows.append(_memory_row(100_000, 1000))
    return rows


def _memory_row(trials: int, k_max: int) -> Row:
    """Peak memory: the kit keeps the running maximum; numpy holds every server's draw."""
    setup = "from kit import fanout\nfrom benchmarks.bench_fanout import numpy_fanout\n"
    setup += f"ks = fanout.k_grid({k_max}); fanout.simulate(ks, trials=10, seed=1)"
    ours = peak_rss_mb(setup, f"fanout.simulate(ks, trials={trials}, seed=1)")
    peer = peak_rss_mb(setup, f"numpy_fanout(ks, {trials}, 0.01, 10.0, 0.4, 1000.0, 1)")
    label = f"fan-out MC peak memory, {trials:,} x k=1..{k_max}"
    return Row(label, max(ours, 0.1), "numpy (vectorised)", peer, "MB")
