"""The architecture lab's apps: a chain of services, the shop's styles, the strangler fig."""

import pandas as pd

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, plots

SCHEDULES = {  # label -> shares of traffic on the new system, per step
    "1% 5% 25% 50% 100%": (0.01, 0.05, 0.25, 0.5, 1.0),
    "10% 50% 100%": (0.1, 0.5, 1.0),
    "1% 2% 5% 10% 25% 50% 75% 100%": (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0),
    "100% at once (big bang)": (1.0,),
}


def _availability_slider(description="availability per unit"):
    return controls.float_slider(
        description,
        config.ARCHITECTURE_AVAILABILITY,
        0.99,
        0.9999,
        0.0001,
        fmt=".4f",
        why="From two nines to four: below, a long chain is mostly down; above, few requests fail",
    )


class GraphApp(App):
    """A chain of services: availability and latency as hops are added.

    Controls: hops, availability of each unit, replicas, the last hop's fan-out.
    Figures: availability against hops (closed form and simulation), median and p99 against hops.
    """

    title = "Each synchronous hop: one more unit that must be up, one more round trip"
    cache_results = True

    def make_controls(self):
        return {
            "max_hops": controls.int_slider(
                "hops (up to)", 8, 1, 20, why="A chain of up to 20 synchronous hops"
            ),
            "availability": _availability_slider(),
            "replicas": controls.int_slider(
                "replicas per unit", 1, 1, 3, why="Up to 3 replicas: beyond, a unit is as good as always up"
            ),
            "fanout": controls.int_slider(
                "fan-out of the last hop", 1, 1, 50, why="The last hop calls up to 50 instances at once"
            ),
        }

    def compute(self, max_hops, availability, replicas, fanout):
        requests = config.ARCHITECTURE_APP_REQUESTS
        if fanout * requests > config.ARCHITECTURE_APP_FANOUT_CALLS:
            requests = config.ARCHITECTURE_APP_FANOUT_CALLS // fanout
            self.note(
                "fanout",
                f"Each request makes {fanout} calls at its last hop: {requests:,} requests per chain "
                f"here, not {config.ARCHITECTURE_APP_REQUESTS:,} (api.hops_table takes any number)",
            )
        rows = [  # a chain's row depends on its length, not on the longest: kept while hops move
            self.memo(
                (h, availability, replicas, fanout),
                lambda h=h: api.hops_table(
                    h, availability, replicas, fanout, requests=requests, seed=config.SEED, min_hops=h
                ),
            )
            for h in range(max_hops + 1)
        ]
        return pd.concat(rows, ignore_index=True)

    def figures(self, table):
        if 1.0 - table["availability"].min() < 10.0 ** -(plots.MAX_PERCENT_DECIMALS + 2):
            self.note(
                "availability",
                "At these settings fewer than one request in 10^8 fails, even on the longest chain: "
                "the closed form reads 100% to six decimals, and no simulated request fails",
            )
        return [plots.hops(table), plots.hop_latency(table)]


class MonolithApp(App):
    """The shop as a monolith, with one module extracted, and as microservices.

    Controls: network round trip, availability per unit, the module extracted.
    Figures: p99 and downtime per entry point per style; blast radius per team.
    """

    title = "Monolith or microservices: the same features, the same assumptions"
    cache_results = True

    def make_controls(self):
        return {
            "network_ms": controls.log_slider(
                "round trip (ms)",
                config.ARCHITECTURE_NETWORK_MS,
                0.1,
                10**1.5,
                steps_per_decade=10,
                fmt=".2f",
                why="From 0.1 ms (one rack) to about 30 ms (across a continent)",
            ),
            "availability": _availability_slider(),
            "extract": controls.dropdown("extract", ["(none)", *api.SHOP_MODULES], value="payments"),
        }

    def compute(self, network_ms, availability, extract):
        styles = {"monolith": ("monolith", ()), "microservices": ("microservices", ())}
        if extract != "(none)":
            styles = {
                "monolith": styles["monolith"],
                f"monolith + {extract}": ("monolith", (extract,)),
                "microservices": styles["microservices"],
            }
        runs = {  # each style's rows depend on its own graph only: kept while another style changes
            label: self.memo(
                (style, extracted, network_ms, availability),
                lambda label=label, style=style, extracted=extracted: self._style(
                    label, style, extracted, network_ms, availability
                ),
            )
            for label, (style, extracted) in styles.items()
        }
        table = pd.concat([rows for rows, _ in runs.values()], ignore_index=True)
        return table, {label: coupling for label, (_, coupling) in runs.items()}

    @staticmethod
    def _style(label, style, extracted, network_ms, availability):
        g = api.shop(style, extract=list(extracted), availability=availability, network_ms=network_ms)
        table = api.compare({label: g}, requests=config.ARCHITECTURE_APP_REQUESTS, seed=config.SEED)
        return table, api.coupling(g)

    def figures(self, computed):
        table, coupling = computed
        return [plots.styles(table), plots.blast(coupling)]


class StranglerApp(App):
    """Strangler-fig migrations: canary steps gated by the error budget.

    Controls: step schedule, hours per step, a regression's error rate and its chance, budget per step.
    Figures: a few migrations step by step; budget spent against days over all runs.
    """

    title = "The strangler fig: how fast can traffic move without spending the budget?"
    cache_results = True

    def make_controls(self):
        return {
            "schedule": controls.dropdown("steps", list(SCHEDULES)),
            "step_h": controls.log_slider(
                "hours per step",
                config.ARCHITECTURE_STRANGLER_STEP_H,
                1.0,
                10**2.2,
                steps_per_decade=10,
                why="From an hour to about a week per step",
            ),
            "regression_error": controls.log_slider(
                "regression error rate",
                config.ARCHITECTURE_STRANGLER_REGRESSION_ERROR,
                1e-4,
                10**-0.5,
                steps_per_decade=10,
                fmt=".4f",
                why="From 0.01% (barely seen) to about a third of requests failing",
            ),
            "p_regression": controls.float_slider(
                "P(regression)",
                config.ARCHITECTURE_STRANGLER_P_REGRESSION,
                0.0,
                0.9,
                0.05,
                why="Up to 0.9: a release that always regresses never finishes",
            ),
            "budget_per_step": controls.float_slider(
                "budget per step",
                config.ARCHITECTURE_STRANGLER_BUDGET_PER_STEP,
                0.01,
                0.5,
                0.01,
                fmt=".0%",
                why="A step may spend from 1% to half of a 30-day error budget",
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
