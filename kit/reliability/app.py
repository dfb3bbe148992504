"""The reliability apps: controls -> api -> figures, no logic of their own."""

import ipywidgets as w

from .. import config, queueing
from ..ui.app import App
from . import availability as avail
from . import backoff, plots, resilience, storms


class BackoffApp(App):
    """Brooker's race for every strategy at once: calls and completion per run, and each strategy's sleeps.

    Controls: clients, backoff base and cap (ms), runs.
    """

    title = "Backoff and jitter: how many calls, how long, for N clients racing for one row?"

    def make_controls(self):
        return {
            "clients": w.IntSlider(
                value=config.RELIABILITY_BACKOFF_APP_CLIENTS, min=10, max=190, step=10, description="clients"
            ),
            "base_ms": w.FloatLogSlider(
                value=config.RELIABILITY_BACKOFF_BASE_MS,
                base=10,
                min=0,
                max=2,
                step=0.1,
                description="base (ms)",
            ),
            "cap_ms": w.FloatLogSlider(
                value=config.RELIABILITY_BACKOFF_CAP_MS,
                base=10,
                min=2,
                max=4,
                step=0.1,
                description="cap (ms)",
            ),
            "runs": w.IntSlider(
                value=config.RELIABILITY_BACKOFF_APP_RUNS, min=5, max=100, step=5, description="runs"
            ),
        }

    def compute(self, clients, base_ms, cap_ms, runs):
        results = [
            backoff.backoff_experiment(s, clients, runs, config.SEED, base_ms, cap_ms)
            for s in backoff.STRATEGIES
        ]
        schedules = {
            s: backoff.sleeps(s, 10, 500, config.SEED, base_ms, cap_ms)
            for s in backoff.STRATEGIES
            if s != "none"
        }
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

    def make_controls(self):
        return {
            "policy": w.Dropdown(
                options=list(storms.RETRY_POLICIES), value="3 immediate retries", description="retries"
            ),
            "trigger_rate": w.FloatSlider(
                value=config.RELIABILITY_STORM_TRIGGER_RATE,
                min=100,
                max=300,
                step=10,
                description="trigger load (req/s)",
            ),
            "trigger_s": w.FloatSlider(
                value=config.RELIABILITY_STORM_TRIGGER_S,
                min=1,
                max=30,
                step=1,
                description="trigger length (s)",
            ),
            "timeout_s": w.FloatLogSlider(
                value=config.RELIABILITY_STORM_TIMEOUT_S,
                base=10,
                min=-1,
                max=1,
                step=0.1,
                description="client timeout (s)",
            ),
            "cancel": w.Dropdown(options=list(queueing.CANCEL), description="server drops abandoned work"),
            "base_rate": w.FloatSlider(
                value=config.RELIABILITY_STORM_BASE_RATE,
                min=50,
                max=95,
                step=5,
                description="base load (req/s)",
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

    def make_controls(self):
        return {
            "breaker": w.Dropdown(
                options=list(resilience.BREAKER_CHOICES), value="resilience4j", description="breaker"
            ),
            "slowdown": w.FloatLogSlider(
                value=config.RELIABILITY_BREAKER_SLOWDOWN,
                base=10,
                min=0,
                max=2,
                step=0.1,
                description="slowdown (x)",
            ),
            "error_p": w.FloatSlider(
                value=config.RELIABILITY_BREAKER_ERROR_P, min=0.0, max=1.0, step=0.05, description="P(error)"
            ),
            "fallback_hit": w.FloatSlider(
                value=config.RELIABILITY_BREAKER_FALLBACK_HIT,
                min=0.0,
                max=1.0,
                step=0.05,
                description="fallback available",
            ),
        }

    def compute(self, breaker, slowdown, error_p, fallback_hit):
        return resilience.breaker_demo(
            breaker, slowdown=slowdown, error_p=error_p, fallback_hit=fallback_hit, seed=config.SEED
        )

    def figures(self, result):
        return [plots.breaker_timeline(result), plots.breaker_summary(result)]


class AvailabilityApp(App):
    """Three designs' availability and downtime, and burn-rate alerts on an incident.

    Controls: each component's nines, tiers, replicas, zones, the SLO and the incident's error rate.
    """

    title = "Availability calculator: tiers in series, replicas in parallel, zones; and the SLO's budget"

    def make_controls(self):
        return {
            "nines": w.FloatSlider(
                value=config.RELIABILITY_AVAIL_APP_NINES,
                min=1.0,
                max=5.0,
                step=0.1,
                description="each component (nines)",
            ),
            "tiers": w.IntSlider(
                value=config.RELIABILITY_AVAIL_APP_TIERS, min=1, max=8, description="tiers in series"
            ),
            "replicas": w.IntSlider(
                value=config.RELIABILITY_AVAIL_APP_REPLICAS, min=1, max=5, description="replicas per tier"
            ),
            "zones": w.IntSlider(
                value=config.RELIABILITY_AVAIL_APP_ZONES, min=1, max=3, description="zones (need 1)"
            ),
            "slo": w.Dropdown(options=[0.99, 0.995, 0.999, 0.9995, 0.9999], value=0.999, description="SLO"),
            "incident": w.FloatLogSlider(
                value=config.RELIABILITY_AVAIL_APP_INCIDENT,
                base=10,
                min=-3,
                max=0,
                step=0.1,
                description="incident error rate",
            ),
        }

    def compute(self, nines, tiers, replicas, zones, slo, incident):
        designs = avail.designs(1.0 - 10.0**-nines, tiers, replicas, zones)
        alerts = avail.evaluate_alerts(avail.incident(incident), config.RELIABILITY_AVAIL_ALERT_STEP_MIN, slo)
        return designs, alerts, slo

    def figures(self, computed):
        designs, alerts, slo = computed
        return [plots.architectures(designs, slo=slo), plots.burn_alerts(alerts, slo)]
