"""The queue app: load, servers, service variability and order -> queue over time and the wait tail."""

import math

import ipywidgets as w

from .. import config
from ..core.rng import Constant, Exponential, LogNormal
from ..ui.app import App
from . import api, plots, theory

MEAN_SERVICE_S = 0.01  # 100 requests per second per server
SIGMA = 1.5  # log-space spread of the heavy-tailed service
SERVICE = {
    "exponential (M/M/c)": Exponential(MEAN_SERVICE_S),
    "constant (M/D/c)": Constant(MEAN_SERVICE_S),
    f"log-normal, sigma {SIGMA:g} (heavy tail)": LogNormal(math.log(MEAN_SERVICE_S) - SIGMA**2 / 2, SIGMA),
}


class QueueApp(App):
    title = "A queue: how utilization, servers and service variability set the wait"

    def make_controls(self):
        return {
            "rho": w.FloatSlider(value=0.8, min=0.1, max=0.98, step=0.01, description="utilization rho"),
            "c": w.IntSlider(value=1, min=1, max=20, description="servers c"),
            "service": w.Dropdown(options=list(SERVICE), description="service time"),
            "discipline": w.Dropdown(options=["fifo", "lifo"], description="queue order"),
        }

    def compute(self, rho, c, service, discipline):
        lam = rho * c / MEAN_SERVICE_S
        result = api.simulate(
            api.Poisson(lam),
            SERVICE[service],
            c,
            discipline=discipline,
            horizon_s=config.QUEUEING_APP_CUSTOMERS / lam,  # about that many customers
            seed=config.SEED,
        )
        return result, theory.mmc(lam, 1.0 / MEAN_SERVICE_S, c), service, discipline

    def figures(self, computed):
        result, reference, service, discipline = computed
        return [
            plots.over_time(result, title=f"One run: {service}, {discipline.upper()}"),
            plots.wait_tail(result, reference),
        ]
