"""The reliability apps: controls -> api -> figures, no logic of their own."""

from .. import config, queueing
from ..ui import controls
from ..ui.app import App
from . import availability as avail
from . import backoff, plots, resilience, storms

SLOS = {"99%": 0.99, "99.5%": 0.995, "99.9%": 0.999, "99.95%": 0.9995, "99.99%": 0.9999}


class BackoffApp(App):
    """Brooker's race for every strategy at once: calls and completion per run, and each strategy's sleeps.

    Controls: clients, backoff base and cap (ms), runs.
    """

    title = "Backoff and jitter: how many calls, how long, for N clients racing for one row?"
    cache_results = True

    def make_controls(self):
        return {
            "clients": controls.int_slider(
                "clients",
                config.RELIABILITY_BACKOFF_APP_CLIENTS,
                10,
                190,
                10,
                why="Brooker's post races 10 to 190 clients; reliability.backoff_experiment takes more",
            ),
            "base_ms": controls.log_slider(
                "base (ms)",
                config.RELIABILITY_BACKOFF_BASE_MS,
                1,
                100,
                10,
                why="From 1 ms, a tenth of a message's 10 ms, to 100 ms",
            ),
            "cap_ms": controls.log_slider(
                "cap (ms)",
                config.RELIABILITY_BACKOFF_CAP_MS,
                100,
                10_000,
                10,
                why="From 100 ms to 10 s, beyond which a client would rather give up",
            ),
            "runs": controls.int_slider(
                "runs",
                config.RELIABILITY_BACKOFF_APP_RUNS,
                5,
                100,
                5,
                why="Up to the post's 100 runs per strategy (slower: about a second an update)",
            ),
        }

    def compute(self, clients, base_ms, cap_ms, runs):
        results = [
            backoff.backoff_experiment(s, clients, runs, config.SEED, base_ms, cap_ms)
            for s in backoff.STRATEGIES
        ]
        schedules = self.memo(  # clients and runs do not change what a strategy sleeps
            ("sleeps", base_ms, cap_ms),
            lambda: {
                s: backoff.sleeps(s, 10, 500, config.SEED, base_ms, cap_ms)
                for s in backoff.STRATEGIES
                if s != "none"
            },
        )
        return results, schedules

    def figures(self, computed):
        results, schedules = computed
        return [plots.backoff_runs(results), plots.sleep_schedules(schedules)]


class StormApp(App):
    """One retry-storm run: offered load, retries, goodput and the queue over time, the trigger shaded.

    Controls: retry policy, trigger load and length, client timeout, whether the
    server drops abandoned work, base load.
    """

    title = "Retry storms: does the system recover after the trigger?"
    cache_results = True

    def make_controls(self):
        capacity = config.RELIABILITY_STORM_CAPACITY
        return {
            "policy": controls.dropdown("retries", list(storms.RETRY_POLICIES), value="3 immediate retries"),
            "trigger_rate": controls.float_slider(
                "trigger load (req/s)",
                config.RELIABILITY_STORM_TRIGGER_RATE,
                capacity,
                3 * capacity,
                10,
                fmt=".0f",
                why=f"From the server's capacity, {capacity:g} req/s, to three times it",
            ),
            "trigger_s": controls.float_slider(
                "trigger length (s)",
                config.RELIABILITY_STORM_TRIGGER_S,
                1,
                30,
                1,
                fmt=".0f",
                why=f"Up to 30 s, so the {config.RELIABILITY_STORM_HORIZON_S:g} s run shows what follows",
            ),
            "timeout_s": controls.log_slider(
                "client timeout (s)",
                config.RELIABILITY_STORM_TIMEOUT_S,
                0.1,
                10,
                10,
                why="From 0.1 s, ten service times, to 10 s, longer than a person waits",
            ),
            "cancel": controls.dropdown("server drops abandoned work", list(queueing.CANCEL)),
            "base_rate": controls.float_slider(
                "base load (req/s)",
                config.RELIABILITY_STORM_BASE_RATE,
                50,
                0.95 * capacity,
                5,
                fmt=".0f",
                why=f"Below the capacity, {capacity:g} req/s: a base load above it is an outage, not a storm",
            ),
        }

    def compute(self, policy, trigger_rate, trigger_s, timeout_s, cancel, base_rate):
        return storms.retry_storm(
            policy,
            trigger_rate,
            trigger_s,
            timeout_s=timeout_s,
            cancel=cancel,
            base_rate=base_rate,
            seed=config.SEED,
        )

    def figures(self, result):
        return [plots.storm_timeline(result)]


class BreakerApp(App):
    """A dependency degrades: the breaker's state, what callers got and waited over time, and a summary.

    Controls: breaker preset (or none), slowdown, error probability, fallback availability.
    """

    title = "Circuit breakers: a dependency degrades. Fail fast, fall back, recover?"
    cache_results = True

    def make_controls(self):
        return {
            "breaker": controls.dropdown("breaker", list(resilience.BREAKER_CHOICES), value="resilience4j"),
            "slowdown": controls.log_slider(
                "slowdown (×)",
                config.RELIABILITY_BREAKER_SLOWDOWN,
                1,
                100,
                10,
                why="From healthy (1×) to 100× slower, where every call outlasts the timeout",
            ),
            "error_p": controls.float_slider(
                "P(error)",
                config.RELIABILITY_BREAKER_ERROR_P,
                0.0,
                1.0,
                0.05,
                why="A probability: from no errors to every call failing",
            ),
            "fallback_hit": controls.float_slider(
                "fallback available",
                config.RELIABILITY_BREAKER_FALLBACK_HIT,
                0.0,
                1.0,
                0.05,
                why="A share of the failed calls: from none to all",
            ),
        }

    def compute(self, breaker, slowdown, error_p, fallback_hit):
        def run(choice):
            return self.memo(  # the fallback does not change the run: only which failed calls it answers
                (choice, slowdown, error_p),
                lambda: resilience.breaker_demo(choice, slowdown=slowdown, error_p=error_p, seed=config.SEED),
            ).with_fallback_hit(fallback_hit)

        if slowdown == 1 and error_p == 0:
            self.note("slowdown", "The dependency stays healthy: no breaker has anything to do.")
        return run(breaker), run("none")

    def figures(self, computed):
        result, without = computed
        return [plots.breaker_timeline(result), plots.breaker_summary(result, without)]


class AvailabilityApp(App):
    """Three designs' availability and downtime, and burn-rate alerts on an incident.

    Controls: each component's nines, tiers, replicas, zones, the SLO and the incident's error rate.
    """

    title = "Availability calculator: tiers in series, replicas in parallel, zones; and the SLO's budget"
    cache_results = True

    def make_controls(self):
        return {
            "nines": controls.float_slider(
                "each component (nines)",
                config.RELIABILITY_AVAIL_APP_NINES,
                1.0,
                5.0,
                0.1,
                fmt=".1f",
                why="From 90% to 99.999% per component",
            ),
            "tiers": controls.int_slider(
                "tiers in series",
                config.RELIABILITY_AVAIL_APP_TIERS,
                1,
                8,
                why="Up to 8 tiers; reliability.designs takes up to 100",
            ),
            "replicas": controls.int_slider(
                "replicas per tier",
                config.RELIABILITY_AVAIL_APP_REPLICAS,
                1,
                5,
                why="Up to 5 replicas; reliability.designs takes up to 100",
            ),
            "zones": controls.int_slider(
                "zones (need 1)",
                config.RELIABILITY_AVAIL_APP_ZONES,
                1,
                3,
                why="Up to 3 zones, as most cloud regions offer; reliability.designs takes up to 10",
            ),
            "slo": controls.dropdown("SLO", SLOS, value=0.999),
            "incident": controls.log_slider(
                "incident error rate",
                config.RELIABILITY_AVAIL_APP_INCIDENT,
                0.001,
                1.0,
                10,
                fmt=".3g",
                why="From 0.1% of requests failing to all of them",
            ),
        }

    def compute(self, nines, tiers, replicas, zones, slo, incident):
        if replicas == 1:
            self.note(
                "replicas", "With 1 replica per tier, 'replicated' is the single design: add a replica."
            )
        if zones == 1:
            self.note("zones", "With 1 zone, 'multi-zone' is the replicated stack in one zone: add a zone.")
        designs = avail.designs(1.0 - 10.0**-nines, tiers, replicas, zones)
        alerts = self.memo(  # the alerts need only the SLO and the incident
            ("alerts", slo, incident),
            lambda: avail.evaluate_alerts(
                avail.incident(incident), config.RELIABILITY_AVAIL_ALERT_STEP_MIN, slo
            ),
        )
        return designs, alerts, slo

    def figures(self, computed):
        designs, alerts, slo = computed
        return [plots.architectures(designs, slo=slo), plots.burn_alerts(alerts, slo)]
