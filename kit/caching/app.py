"""The caching apps: eviction policies on a workload, stampede protections, write paths."""

from .. import config
from ..core import threads
from ..ui import controls
from ..ui.app import App
from . import api, plots

_ZIPF_WORKLOADS = ("zipf", "zipf + scans")  # the workloads the skew applies to


class EvictionApp(App):
    """A workload, its skew, a cache size and a policy -> hit-ratio curves of every policy and a race.

    Parameters
    ----------
    **initial
        Starting values of the controls: ``workload``, ``alpha``, ``size``, ``policy``.
    """

    title = "Eviction: which policy, and how big a cache?"
    cache_results = True

    def make_controls(self):
        n = config.CACHING_APP_OBJECTS
        return {
            "workload": controls.dropdown("workload", list(api.WORKLOADS), value="zipf"),
            "alpha": controls.float_slider(
                "Zipf skew α",
                config.CACHING_APP_ALPHA,
                0.4,
                1.4,
                0.05,
                why="Below 0.4 popularity is nearly flat and no policy beats another; "
                "above 1.4 a handful of objects take almost every request",
            ),
            "size": controls.log_slider(
                "cache / objects",
                config.CACHING_APP_SIZE,
                config.CACHING_APP_SIZE_MIN,
                1.0,
                steps_per_decade=10,
                fmt=".1%",
                why=f"From {config.CACHING_APP_SIZE_MIN * n:.0f} of the {n:,} objects (S3-FIFO's small queue "
                "needs room for one object) to all of them",
            ),
            "policy": controls.dropdown("highlight", list(api.POLICIES), value="lru"),
        }

    def compute(self, workload, alpha, size, policy):
        n = config.CACHING_APP_OBJECTS
        if workload not in _ZIPF_WORKLOADS:
            self.note("alpha", f"The {workload} workload has no Zipf skew: α changes nothing here.")
            alpha = config.CACHING_APP_ALPHA  # one trace per workload, whatever the slider says
        capacity = round(size * n)
        # curves change with the workload only; the race also with the size; the policy only highlights
        trace, curves, che = self.memo(("curves", workload, alpha), lambda: self._curves(workload, alpha))
        race = self.memo(
            ("race", workload, alpha, capacity),
            lambda: api.policy_race(trace, capacity, windows=config.CACHING_APP_WINDOWS),
        )
        return trace.name, curves, che, race, capacity, policy

    @staticmethod
    def _curves(workload, alpha):
        n = config.CACHING_APP_OBJECTS
        trace = api.workload(workload, n, config.CACHING_APP_REQUESTS, alpha, seed=config.SEED)
        capacities = api.capacity_grid(trace, config.CACHING_APP_POINTS, low=config.CACHING_APP_SIZE_MIN)
        che = None if trace.popularity is None else api.che_curves(trace.popularity, capacities)
        return trace, api.compare(trace, capacities), che

    def figures(self, computed):
        name, curves, che, race, capacity, policy = computed
        return [
            plots.hit_ratio_curves(curves, che, capacity, policy, f"Hit ratio against cache size: {name}"),
            plots.race(race, policy),
        ]


class StampedeApp(App):
    """Request rate, recompute time, TTL and XFetch's beta -> the database load of every protection.

    Parameters
    ----------
    **initial
        Starting values of the controls: ``rate``, ``recompute_ms``, ``ttl_s``, ``beta``.
    """

    title = "A hot key expires: how many queries hit the database?"
    cache_results = True

    def make_controls(self):
        return {
            "rate": controls.log_slider(
                "requests/s",
                config.CACHING_HOT_RATE,
                10,
                10_000,
                steps_per_decade=10,
                why="Up to 10,000 requests/s for one key (a simulated run stays under a second)",
            ),
            "recompute_ms": controls.log_slider(
                "recompute (ms)",
                config.CACHING_RECOMPUTE_MS,
                1,
                2_000,
                steps_per_decade=10,
                why="From a 1 ms query to a 2 s report: the TTL is at least 1 s",
            ),
            "ttl_s": controls.float_slider(
                "TTL (s)",
                config.CACHING_HOT_TTL_S,
                1.0,
                20.0,
                0.5,
                fmt=".1f",
                why=f"A run lasts {config.CACHING_STAMPEDE_DURATION_S:g} s: a 20 s TTL leaves a few expiries",
            ),
            "beta": controls.float_slider(
                "XFetch β",
                config.CACHING_XFETCH_BETA,
                0.0,
                4.0,
                0.1,
                fmt=".1f",
                why="β = 1 is the paper's optimum; 0 never refreshes early, 4 refreshes very early",
            ),
        }

    def compute(self, rate, recompute_ms, ttl_s, beta):
        duration_s = config.CACHING_STAMPEDE_DURATION_S
        shorter = max(
            config.CACHING_APP_STAMPEDE_REQUESTS / rate, config.CACHING_APP_STAMPEDE_EXPIRIES * ttl_s
        )
        if shorter < duration_s:  # the same expiries, fewer requests: the app stays quick at high rates
            duration_s = shorter
        if duration_s < config.CACHING_STAMPEDE_DURATION_S / 2:  # short enough to be worth saying
            self.note(
                "rate",
                f"At {rate:,.0f} requests/s the app simulates {duration_s:.3g} s (at least "
                f"{config.CACHING_APP_STAMPEDE_EXPIRIES} TTLs), not {config.CACHING_STAMPEDE_DURATION_S:g} s",
            )
        settings = dict(rate=rate, ttl_s=ttl_s, beta=beta, duration_s=duration_s, seed=config.SEED)
        recompute = api.latency(recompute_ms)
        runs = threads.map_calls(lambda p: api.stampede(p, recompute=recompute, **settings), api.PROTECTIONS)
        results = dict(zip(api.PROTECTIONS, runs, strict=True))
        xfetch, none = results["xfetch"].db_load_per_s, results["none"].db_load_per_s
        if beta > 0 and xfetch > none:
            self.note(
                "beta",
                f"XFetch loads the database more than no protection here ({xfetch:,.1f} against "
                f"{none:,.1f} recomputes/s): a recompute of {recompute_ms:,.0f} ms times β = {beta:g} is "
                f"not small against the TTL of {ttl_s:g} s, so most requests of a value's short life "
                "refresh it early. XFetch needs recompute × β well under the TTL.",
            )
        return list(results.values())

    def figures(self, results):
        return [plots.stampede_timeline(results), plots.stampede_latency(results)]


class WritePathApp(App):
    """Invalidation, write rate, TTL and write-behind's flush period -> load, staleness, latency, risk.

    Parameters
    ----------
    **initial
        Starting values of the controls: ``invalidation``, ``write_rate``, ``ttl_s``, ``flush_interval_s``.
    """

    title = "Write paths and invalidation: load, staleness, lost writes"
    cache_results = True

    def make_controls(self):
        return {
            "invalidation": controls.dropdown(
                "cache-aside invalidation", list(api.INVALIDATIONS), value="delete"
            ),
            "write_rate": controls.log_slider(
                "writes/s",
                config.CACHING_WRITE_RATE,
                1,
                1_000,
                steps_per_decade=10,
                why=f"Up to half the {config.CACHING_READ_RATE:,.0f} reads/s: beyond, a cache barely helps",
            ),
            "ttl_s": controls.log_slider(
                "TTL (s)",
                config.CACHING_TTL_S,
                0.1,
                1_000,
                steps_per_decade=10,
                fmt=".1f",
                why="From 0.1 s (nearly no caching) to far longer than a run",
            ),
            "flush_interval_s": controls.log_slider(
                "write-behind flush (s)",
                config.CACHING_FLUSH_INTERVAL_S,
                0.03,
                10,
                steps_per_decade=10,
                fmt=".2f",
                why=f"Each run lasts at least {config.CACHING_APP_FLUSHES} flush periods: "
                "10 s keeps an update under about a third of a second",
            ),
        }

    def compute(self, invalidation, write_rate, ttl_s, flush_interval_s):
        # long enough for several flushes: a run shorter than the flush interval never flushes
        duration_s = max(config.CACHING_APP_DURATION_S, config.CACHING_APP_FLUSHES * flush_interval_s)
        if duration_s > config.CACHING_APP_DURATION_S:
            self.note(
                "flush_interval_s",
                f"The run lasts {duration_s:g} s here ({config.CACHING_APP_FLUSHES} flush periods), "
                "so write-behind flushes and its database writes count.",
            )
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
