"""The scaling-out apps, one per section: controls -> api -> figures, no logic of their own."""

import ipywidgets as w
import numpy as np
import pandas as pd

from .. import config
from ..core.rng import LogNormal
from ..ui import controls
from ..ui.app import App
from . import api, plots

SERVICES = {
    "exponential": lambda: 1.0,
    "log-normal (sigma 1)": lambda: LogNormal.from_median(np.exp(-0.5), 1.0),  # mean 1 ms
    "bimodal (a slow mode)": lambda: api.bimodal(1.0),
}
QUEUE_POLICIES = ("random", "round_robin", "power_of_d", "least_connections", "stale_least_outstanding")
"""The policies whose queue lengths the app draws, at ``config.SCALING_UTILISATION``."""


def _runs(name: str, fleet, dist, option: dict):
    """One policy's curve over the utilisations and, if the app draws them, its queue lengths."""
    curve = api.compare([name], fleet, None, config.SCALING_APP_REQUESTS, dist, config.SEED, **option)
    if name not in QUEUE_POLICIES:
        return curve, None
    at = config.SCALING_UTILISATION
    return curve, api.balance(name, fleet, at, config.SCALING_APP_REQUESTS, dist, seed=config.SEED, **option)


class USLApp(App):
    """Fit the USL to measurements drawn from parameters you choose, or to a published data set."""

    title = "The Universal Scalability Law: contention, coherency, and where throughput peaks"
    cache_results = True  # compute reads the controls alone (and config.SEED)

    def make_controls(self):
        return {
            "sigma": controls.float_slider(
                "true sigma",
                0.05,
                0.0,
                0.5,
                0.01,
                why="At sigma 0.5 half of every added worker's time is lost to contention already",
            ),
            "kappa": controls.log_slider(
                "true kappa",
                1e-3,
                1e-5,
                1e-1,
                10,
                fmt=".1e",
                why="From a peak beyond 300 workers (1e-5) to a peak at about 3 (0.1)",
            ),
            "noise": controls.float_slider(
                "noise (log sd)", 0.05, 0.0, 0.3, 0.01, why="Up to about ±35% per measurement"
            ),
            "n_max": controls.int_slider(
                "largest n measured", 32, 4, 128, why="Ten levels from 1 up to 128 workers"
            ),
            "weights": controls.dropdown("weights", ["relative", "none"]),
            # last: a published data set ignores the controls above
            "data": controls.dropdown("data", ["synthetic", *api.PUBLISHED]),
        }

    def compute(self, sigma, kappa, noise, n_max, weights, data):
        if data == "synthetic":
            n = np.unique(np.round(np.geomspace(1, n_max, 10)))
            table = api.synthetic(np.repeat(n, 2), sigma, kappa, 100.0, noise, seed=config.SEED)
            title = None
        else:
            table = api.published(data).table
            title = f"{data}: {api.published(data).source}"
        return api.fit_usl(table.n, table.throughput, weights=weights), title

    def figures(self, computed):
        fit, title = computed
        return [plots.usl_fit(fit, title)]


class BalancerApp(App):
    """Every balancing policy over a range of utilisations, and the queue lengths they leave."""

    title = "Load balancing: random, round robin, least connections, two choices, stale views, hashing"
    cache_results = True  # compute reads the controls alone (and config.SEED)

    def make_controls(self):
        return {
            "servers": controls.int_slider(
                "servers",
                config.SCALING_SERVERS,
                2,
                100,
                why="The app runs every policy at every load on up to 100 servers; balance() takes more",
            ),
            "service": controls.dropdown("service time", list(SERVICES)),
            "slow_speed": controls.float_slider(
                "speed of server 0 (1: all equal)",
                1.0,
                0.1,
                1.0,
                0.05,
                why="From a server at a tenth of the others' speed to all equal",
            ),
            "d": controls.int_slider(
                "d (power of d)",
                2,
                1,
                5,
                why="d = 1 is random; beyond 2 each extra choice gains little (Mitzenmacher 2001)",
            ),
            "refresh_ms": controls.log_slider(
                "stale view (ms)",
                config.SCALING_REFRESH_MS,
                1,
                1000,
                10,
                why="From a view almost fresh (1 ms) to one a second old",
            ),
        }

    def compute(self, servers, service, slow_speed, d, refresh_ms):
        speeds = np.ones(servers)
        speeds[0] = slow_speed
        fleet = servers if slow_speed == 1.0 else speeds
        dist = SERVICES[service]()

        options = {"power_of_d": {"d": d}, "stale_least_outstanding": {"refresh_ms": refresh_ms}}
        every = {  # d and the view's age redo only the policy they change
            name: self.memo(
                (name, servers, service, slow_speed, *options.get(name, {}).values()),
                lambda name=name: _runs(name, fleet, dist, options.get(name, {})),
            )
            for name in api.POLICIES
        }
        table = pd.concat([curve for curve, _ in every.values()], ignore_index=True)
        at = {name: every[name][1] for name in QUEUE_POLICIES}
        exponential = service == "exponential" and slow_speed == 1.0
        return table, at, exponential, servers, slow_speed < 1.0

    def figures(self, computed):
        table, at, exponential, servers, unequal = computed
        theory = dict(service_ms=1.0, servers=servers) if exponential else {}
        featured = [  # with a slower server, the weighted variant is the one to watch
            "weighted_round_robin" if unequal and p == "round_robin" else p for p in plots.FEATURED
        ]
        return [
            plots.policies(table, "mean_ms", featured=featured, **theory),
            plots.policies(table, "p99_ms", featured=featured),
            plots.queue_lengths(at),
        ]


class AutoscaleApp(App):
    """A day of traffic with a spike, against target tracking: SLO minutes and instance-hours."""

    title = "Autoscaling: target, warm-up and limits against a day with a spike"
    cache_results = True  # compute reads the controls alone (and config.SEED)

    def make_controls(self):
        return {
            "target": controls.float_slider(
                "target CPU",
                config.SCALING_TARGET,
                0.2,
                0.9,
                0.05,
                why="Above 90% no headroom is left for the minutes a new instance needs",
            ),
            "warmup_min": controls.float_slider(
                "warm-up (min)",
                config.SCALING_WARMUP_S / 60,
                0,
                15,
                1,
                fmt=".0f",
                why="From instant to a quarter of an hour from launch to in service",
            ),
            "max_instances": controls.int_slider(
                "max instances",
                config.SCALING_MAX_INSTANCES,
                5,
                100,
                5,
                why="The day's peak with the spike needs at most about 100 instances",
            ),
            "spike_factor": controls.float_slider(
                "spike x",
                config.SCALING_SPIKE_FACTOR,
                1.0,
                4.0,
                0.25,
                why="From no spike to four times the peak",
            ),
            "protect": w.Checkbox(value=False, description="scale-in protection"),
        }

    def compute(self, target, warmup_min, max_instances, spike_factor, protect):
        traffic = api.day_traffic(spike_factor=spike_factor)
        scaler = api.Autoscaler(
            target=target, warmup_s=warmup_min * 60, max_instances=max_instances, scale_in_protection=protect
        )
        result = api.autoscale(traffic, scaler)
        baseline = api.fixed(traffic)
        grid = pd.concat(  # one line per target, kept: the warm-up and a new target redo none or one
            [
                self.memo(
                    ("sweep", t, spike_factor, max_instances, protect),
                    lambda t=t: api.sweep(np.arange(0, 16, 3) * 60.0, [t], traffic, scaler),
                )
                for t in sorted({0.3, 0.5, 0.7, target})
            ],
            ignore_index=True,
        )
        return result, baseline, grid

    def figures(self, computed):
        result, baseline, grid = computed
        return [plots.day(result, baseline), plots.tradeoff(grid)]


class ReplicaApp(App):
    """Read replicas (capacity against staleness, read-your-writes) and where sessions live."""

    title = "Read replicas and sessions: what scaling out reads and web nodes costs"
    cache_results = True  # compute reads the controls alone (and config.SEED)

    def make_controls(self):
        return {
            "replicas": controls.int_slider(
                "replicas (max)", config.SCALING_REPLICAS, 1, 10, why="The sweep runs 1 to 10 read replicas"
            ),
            "lag_median_ms": controls.log_slider(
                "lag median (ms)",
                config.SCALING_LAG_MEDIAN_MS,
                1,
                1000,
                10,
                why="From a local network (1 ms) to a lagging cross-region replica (1 s)",
            ),
            "lag_sigma": controls.float_slider(
                "lag spread (log sd)",
                config.SCALING_LAG_SIGMA,
                0.1,
                2.0,
                0.1,
                fmt=".1f",
                why="From a narrow lag to one whose 99th percentile is 100 times its median",
            ),
            "window_ms": controls.float_slider(
                "RYW window (ms)",
                1000.0,
                0.0,
                3000.0,
                100.0,
                fmt=".0f",
                why="Up to three seconds of a writer's reads sent to the primary",
            ),
            "write_rate": controls.log_slider(
                "writes per s",
                config.SCALING_WRITE_RATE,
                10,
                2000,
                10,
                why="From 10 to 2,000 writes a second against the primary's 10,000 operations",
            ),
            "nodes": controls.int_slider("web nodes", 4, 2, 32, why="From a pair to 32 web nodes"),
        }

    def compute(self, replicas, lag_median_ms, lag_sigma, window_ms, write_rate, nodes):
        lag = LogNormal.from_median(lag_median_ms, lag_sigma)

        def run(k, window):  # one point, kept: a new count or window runs only the points it adds
            return self.memo(
                ("replicas", k, window, lag_median_ms, lag_sigma, write_rate),
                lambda: api.replica_sweep(
                    [k],
                    [window],
                    seed=config.SEED,
                    lag_ms=lag,
                    write_rate=write_rate,
                    duration_s=config.SCALING_APP_REPLICA_SECONDS,
                ),
            )

        windows = sorted({0.0, window_ms})
        table = pd.concat([run(k, w) for k in range(replicas + 1) for w in windows], ignore_index=True)
        sessions = self.memo(
            ("sessions", nodes), lambda: api.session_failover(nodes, 20_000, seed=config.SEED)
        )
        return table, sessions

    def figures(self, computed):
        table, sessions = computed
        return [plots.replicas(table), plots.sessions(sessions)]
