"""The architecture lab's apps: a chain of services, the shop's styles, the strangler fig."""

import ipywidgets as w

from .. import config
from ..ui.app import App
from . import api, plots

SCHEDULES = {  # label -> shares of traffic on the new system, per step
    "1% 5% 25% 50% 100%": (0.01, 0.05, 0.25, 0.5, 1.0),
    "10% 50% 100%": (0.1, 0.5, 1.0),
    "1% 2% 5% 10% 25% 50% 75% 100%": (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0),
    "100% at once (big bang)": (1.0,),
}


def _availability_slider(description="availability per unit"):
    return w.FloatSlider(
        value=config.ARCHITECTURE_AVAILABILITY,
        min=0.99,
        max=0.9999,
        step=0.0001,
        readout_format=".4f",
        description=description,
    )


class GraphApp(App):
    """A chain of services: availability and latency as hops are added.

    Controls: hops, availability of each unit, replicas, the last hop's fan-out.
    Figures: availability against hops (closed form and simulation), median and p99 against hops.
    """

    title = "Each synchronous hop: one more unit that must be up, one more round trip"

    def make_controls(self):
        return {
            "max_hops": w.IntSlider(value=8, min=1, max=20, description="hops (up to)"),
            "availability": _availability_slider(),
            "replicas": w.IntSlider(value=1, min=1, max=3, description="replicas per unit"),
            "fanout": w.IntSlider(value=1, min=1, max=50, description="fan-out of the last hop"),
        }

    def compute(self, max_hops, availability, replicas, fanout):
        return api.hops_table(max_hops, availability, replicas, fanout, requests=4_000, seed=config.SEED)

    def figures(self, table):
        return [plots.hops(table), plots.hop_latency(table)]


class MonolithApp(App):
    """The shop as a monolith, with one module extracted, and as microservices.

    Controls: network round trip, availability per unit, the module extracted.
    Figures: p99 and downtime per entry point per style; blast radius per team.
    """

    title = "Monolith or microservices: the same features, the same assumptions"

    def make_controls(self):
        return {
            "network_ms": w.FloatLogSlider(
                value=config.ARCHITECTURE_NETWORK_MS,
                base=10,
                min=-1,
                max=1.5,
                step=0.1,
                readout_format=".2f",
                description="round trip (ms)",
            ),
            "availability": _availability_slider(),
            "extract": w.Dropdown(
                options=["(none)", *api.SHOP_MODULES], value="payments", description="extract"
            ),
        }

    def compute(self, network_ms, availability, extract):
        graphs = {
            "monolith": api.shop("monolith", availability=availability, network_ms=network_ms),
            "microservices": api.shop("microservices", availability=availability, network_ms=network_ms),
        }
        if extract != "(none)":
            graphs = {
                "monolith": graphs["monolith"],
                f"monolith + {extract}": api.shop(
                    "monolith", extract=[extract], availability=availability, network_ms=network_ms
                ),
                "microservices": graphs["microservices"],
            }
        table = api.compare(graphs, requests=4_000, seed=config.SEED)
        return table, {label: api.coupling(g) for label, g in graphs.items()}

    def figures(self, computed):
        table, coupling = computed
        return [plots.styles(table), plots.blast(coupling)]


class StranglerApp(App):
    """Strangler-fig migrations: canary steps gated by the error budget.

    Controls: step schedule, hours per step, a regression's error rate and its chance, budget per step.
    Figures: a few migrations step by step; budget spent against days over all runs.
    """

    title = "The strangler fig: how fast can traffic move without spending the budget?"

    def make_controls(self):
        return {
            "schedule": w.Dropdown(options=list(SCHEDULES), description="steps"),
            "step_h": w.FloatLogSlider(
                value=config.ARCHITECTURE_STRANGLER_STEP_H,
                base=10,
                min=0,
                max=2.2,
                step=0.1,
                readout_format=".0f",
                description="hours per step",
            ),
            "regression_error": w.FloatLogSlider(
                value=config.ARCHITECTURE_STRANGLER_REGRESSION_ERROR,
                base=10,
                min=-4,
                max=-0.5,
                step=0.1,
                readout_format=".4f",
                description="regression error rate",
            ),
            "p_regression": w.FloatSlider(
                value=config.ARCHITECTURE_STRANGLER_P_REGRESSION,
                min=0.0,
                max=0.9,
                step=0.05,
                description="P(regression)",
            ),
            "budget_per_step": w.FloatSlider(
                value=config.ARCHITECTURE_STRANGLER_BUDGET_PER_STEP,
                min=0.01,
                max=0.5,
                step=0.01,
                description="budget per step",
            ),
        }

    def compute(self, schedule, step_h, p_regression, regression_error, budget_per_step):
        migration = api.Migration(
            shares=SCHEDULES[schedule],
            step_h=step_h,
            p_regression=p_regression,
            regression_error=regression_error,
            budget_per_step=budget_per_step,
        )
        return api.strangler(migration, runs=500, seed=config.SEED)

    def figures(self, result):
        return [plots.migration(result), plots.budget(result)]
