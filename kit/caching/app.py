"""The caching apps: eviction policies on a workload, stampede protections, write paths."""

import ipywidgets as w

from .. import config
from ..ui.app import App
from . import api, plots


class EvictionApp(App):
    title = "Eviction: which policy, and how big a cache?"

    def make_controls(self):
        return {
            "workload": w.Dropdown(options=api.WORKLOADS, value="zipf", description="workload"),
            "alpha": w.FloatSlider(
                value=config.CACHING_APP_ALPHA,
                min=0.4,
                max=1.4,
                step=0.05,
                description="Zipf skew α",
            ),
            "size": w.FloatLogSlider(
                value=0.05,
                base=10,
                min=-2.3,
                max=0,
                step=0.1,
                readout_format=".1%",
                description="cache / objects",
            ),
            "policy": w.Dropdown(options=list(api.POLICIES), value="lru", description="highlight"),
        }

    def compute(self, workload, alpha, size, policy):
        n = config.CACHING_APP_OBJECTS
        trace = api.workload(workload, n, config.CACHING_APP_REQUESTS, alpha, seed=config.SEED)
        capacities = api.capacity_grid(trace, config.CACHING_APP_POINTS, low=0.005)
        capacity = max(20, round(size * n))
        curves = api.compare(trace, capacities)
        che = None if trace.popularity is None else api.che_curves(trace.popularity, capacities)
        race = api.policy_race(trace, capacity, windows=config.CACHING_APP_WINDOWS)
        return trace.name, curves, che, race, capacity, policy

    def figures(self, computed):
        name, curves, che, race, capacity, policy = computed
        return [
            plots.hit_ratio_curves(curves, che, capacity, policy, f"Hit ratio against cache size: {name}"),
            plots.race(race, policy),
        ]


class StampedeApp(App):
    title = "A hot key expires: how many queries hit the database?"

    def make_controls(self):
        return {
            "rate": w.FloatLogSlider(
                value=config.CACHING_HOT_RATE,
                base=10,
                min=1,
                max=4,
                step=0.1,
                readout_format=".0f",
                description="requests/s",
            ),
            "recompute_ms": w.FloatLogSlider(
                value=config.CACHING_RECOMPUTE_MS,
                base=10,
                min=0,
                max=3.3,
                step=0.1,
                readout_format=".0f",
                description="recompute (ms)",
            ),
            "ttl_s": w.FloatSlider(
                value=config.CACHING_HOT_TTL_S, min=1.0, max=20.0, step=0.5, description="TTL (s)"
            ),
            "beta": w.FloatSlider(
                value=config.CACHING_XFETCH_BETA, min=0.0, max=4.0, step=0.1, description="XFetch β"
            ),
        }

    def compute(self, rate, recompute_ms, ttl_s, beta):
        return [
            api.stampede(
                p,
                rate=rate,
                recompute=api.latency(recompute_ms),
                ttl_s=ttl_s,
                beta=beta,
                duration_s=config.CACHING_STAMPEDE_DURATION_S,
                seed=config.SEED,
            )
            for p in api.PROTECTIONS
        ]

    def figures(self, results):
        return [plots.stampede_timeline(results), plots.stampede_latency(results)]


class WritePathApp(App):
    title = "Write paths and invalidation: load, staleness, lost writes"

    def make_controls(self):
        return {
            "invalidation": w.Dropdown(
                options=list(api.INVALIDATIONS), value="delete", description="cache-aside invalidation"
            ),
            "write_rate": w.FloatLogSlider(
                value=config.CACHING_WRITE_RATE,
                base=10,
                min=0,
                max=3,
                step=0.1,
                readout_format=".0f",
                description="writes/s",
            ),
            "ttl_s": w.FloatLogSlider(
                value=config.CACHING_TTL_S,
                base=10,
                min=-1,
                max=3,
                step=0.1,
                readout_format=".1f",
                description="TTL (s)",
            ),
            "flush_interval_s": w.FloatLogSlider(
                value=config.CACHING_FLUSH_INTERVAL_S,
                base=10,
                min=-1.5,
                max=1,
                step=0.1,
                readout_format=".2f",
                description="write-behind flush (s)",
            ),
        }

    def compute(self, invalidation, write_rate, ttl_s, flush_interval_s):
        # long enough for several flushes: a run shorter than the flush interval never flushes
        duration_s = max(config.CACHING_APP_DURATION_S, config.CACHING_APP_FLUSHES * flush_interval_s)
        return api.strategy_table(
            invalidation,
            write_rate=write_rate,
            ttl_s=ttl_s,
            flush_interval_s=flush_interval_s,
            duration_s=duration_s,
            warmup_s=duration_s / 5,
            seed=config.SEED,
        )

    def figures(self, table):
        return [plots.write_paths(table), plots.write_latency(table)]
