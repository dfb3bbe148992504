"""The queue app: load, servers, service variability and order -> queue over time and the wait tail."""

import math

from .. import config
from ..core.rng import Constant, Exponential, LogNormal
from ..ui import controls
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
            "rho": controls.float_slider(
                "utilization rho",
                config.QUEUEING_APP_RHO,
                0.1,
                config.QUEUEING_APP_MAX_RHO,
                0.01,
                why="Above 1 the queue grows without end; 1.5 shows how fast",
            ),
            "c": controls.int_slider(
                "servers c", 1, 1, 20, why="From one server to a pool of 20 sharing one queue"
            ),
            "service": controls.dropdown("service time", list(_services())),
            "discipline": controls.dropdown("queue order", ["fifo", "lifo"]),
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
