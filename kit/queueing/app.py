"""The queue app: load, servers, service variability and order -> queue over time and the wait tail."""

import math

import ipywidgets as w

from .. import config
from ..core.rng import Constant, Exponential, LogNormal
from ..ui.app import App
from . import api, plots


def _services() -> dict:
    """The app's service-time choices, all with mean ``config.QUEUEING_APP_MEAN_SERVICE_S``."""
    mean, sigma = config.QUEUEING_APP_MEAN_SERVICE_S, config.QUEUEING_APP_SIGMA
    return {
        "exponential (M/M/c)": Exponential(mean),
        "constant (M/D/c)": Constant(mean),
        f"log-normal, sigma {sigma:g} (heavy tail)": LogNormal(math.log(mean) - sigma**2 / 2, sigma),
    }


class QueueApp(App):
    """Utilization, servers, service variability and queue order -> the queue over time and the wait tail.

    Parameters
    ----------
    **initial
        Starting values of the controls (``rho``, ``c``, ``service``, ``discipline``).

    Notes
    -----
    Utilization above 1 is allowed: the queue then has no steady state and
    grows for as long as the run lasts (``config.QUEUEING_APP_CUSTOMERS``
    arrivals), which the figures say.
    """

    title = "A queue: how utilization, servers and service variability set the wait"

    def make_controls(self):
        return {
            "rho": w.FloatSlider(
                value=config.QUEUEING_APP_RHO,
                min=0.1,
                max=config.QUEUEING_APP_MAX_RHO,
                step=0.01,
                description="utilization rho",
            ),
            "c": w.IntSlider(value=1, min=1, max=20, description="servers c"),
            "service": w.Dropdown(options=list(_services()), description="service time"),
            "discipline": w.Dropdown(options=["fifo", "lifo"], description="queue order"),
        }

    def compute(self, rho, c, service, discipline):
        mu = 1.0 / config.QUEUEING_APP_MEAN_SERVICE_S
        lam = rho * c * mu
        result = api.simulate(
            api.Poisson(lam),
            _services()[service],
            c,
            discipline=discipline,
            horizon_s=config.QUEUEING_APP_CUSTOMERS / lam,  # about that many customers
            seed=config.SEED,
        )
        reference = api.mmc(lam, mu, c) if lam < c * mu else None
        return result, reference, api.overload_growth(lam, mu, c), service, discipline

    def figures(self, computed):
        result, reference, growth, service, discipline = computed
        return [
            plots.over_time(result, title=f"One run: {service}, {discipline.upper()}", growth_per_s=growth),
            plots.wait_tail(result, reference),
        ]
