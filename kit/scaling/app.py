"""The scaling-out apps, one per section: controls -> api -> figures, no logic of their own."""

import ipywidgets as w
import numpy as np
import pandas as pd

from .. import config
from ..core.rng import LogNormal
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
            "sigma": w.FloatSlider(value=0.05, min=0.0, max=0.5, step=0.01, description="true sigma"),
            "kappa": w.FloatLogSlider(
                value=1e-3, base=10, min=-5, max=-1, step=0.1, readout_format=".1e", description="true kappa"
            ),
            "noise": w.FloatSlider(value=0.05, min=0.0, max=0.3, step=0.01, description="noise (log sd)"),
            "n_max": w.IntSlider(value=32, min=4, max=128, description="largest n measured"),
            "weights": w.Dropdown(options=["relative", "none"], value="relative", description="weights"),
            # last: a published data set ignores the controls above
            "data": w.Dropdown(options=["synthetic", *api.PUBLISHED], value="synthetic", description="data"),
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
            "servers": w.IntSlider(value=config.SCALING_SERVERS, min=2, max=100, description="servers"),
            "service": w.Dropdown(options=list(SERVICES), value="exponential", description="service time"),
            "slow_speed": w.FloatSlider(
                value=1.0, min=0.1, max=1.0, step=0.05, description="speed of server 0 (1: all equal)"
            ),
            "d": w.IntSlider(value=2, min=1, max=5, description="d (power of d)"),
            "refresh_ms": w.FloatLogSlider(
                value=config.SCALING_REFRESH_MS,
                base=10,
                min=0,
                max=3,
                step=0.1,
                description="stale view (ms)",
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
            "target": w.FloatSlider(
                value=config.SCALING_TARGET, min=0.2, max=0.9, step=0.05, description="target CPU"
            ),
            "warmup_min": w.FloatSlider(
                value=config.SCALING_WARMUP_S / 60, min=0, max=15, step=1, description="warm-up (min)"
            ),
            "max_instances": w.IntSlider(
                value=config.SCALING_MAX_INSTANCES, min=5, max=100, step=5, description="max instances"
            ),
            "spike_factor": w.FloatSlider(
                value=config.SCALING_SPIKE_FACTOR, min=1.0, max=4.0, step=0.25, description="spike x"
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
            "replicas": w.IntSlider(
                value=config.SCALING_REPLICAS, min=1, max=10, description="replicas (max)"
            ),
            "lag_median_ms": w.FloatLogSlider(
                value=config.SCALING_LAG_MEDIAN_MS,
                base=10,
                min=0,
                max=3,
                step=0.1,
                description="lag median (ms)",
            ),
            "lag_sigma": w.FloatSlider(
                value=config.SCALING_LAG_SIGMA, min=0.1, max=2.0, step=0.1, description="lag spread (log sd)"
            ),
            "window_ms": w.FloatSlider(
                value=1000.0, min=0.0, max=3000.0, step=100.0, description="RYW window (ms)"
            ),
            "write_rate": w.FloatLogSlider(
                value=config.SCALING_WRITE_RATE, base=10, min=1, max=3.3, step=0.1, description="writes per s"
            ),
            "nodes": w.IntSlider(value=4, min=2, max=32, description="web nodes"),
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
