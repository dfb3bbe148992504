"""The estimation app: every assumption a control, the one-page estimate beside its figures."""

import ipywidgets as w
import numpy as np

from .. import config
from ..ui.app import App
from . import api, plots


def _slider(value, lo, hi, step, description, fmt=None):
    kwargs = {"readout_format": fmt} if fmt else {}
    return w.FloatSlider(value=value, min=lo, max=hi, step=step, description=description, **kwargs)


class EstimationApp(App):
    """Size a photo-sharing service on one page: traffic, storage, servers and bill."""

    title = "One-page estimate: move any assumption and the page, the fleet and the bill follow"

    def make_controls(self):
        c = config
        return {
            "dau": w.FloatLogSlider(
                value=c.ESTIMATION_DAU,
                base=10,
                min=4,
                max=8,
                step=0.1,
                readout_format=".3s",
                description="daily active users",
            ),
            "actions_per_user": _slider(
                c.ESTIMATION_ACTIONS_PER_USER, 1, 100, 1, "requests per user per day"
            ),
            "read_fraction": _slider(c.ESTIMATION_READ_FRACTION, 0.5, 1.0, 0.01, "read fraction"),
            "peak_factor": _slider(c.ESTIMATION_PEAK_FACTOR, 1.0, 10.0, 0.5, "peak / average"),
            "item_kb": _slider(c.ESTIMATION_ITEM_BYTES / 1e3, 10, 5000, 10, "upload size (KB)"),
            "response_kb": _slider(c.ESTIMATION_RESPONSE_BYTES / 1e3, 1, 1000, 1, "read response (KB)"),
            "retention_years": _slider(c.ESTIMATION_RETENTION_DAYS / 365, 0.1, 10, 0.1, "retention (years)"),
            "replication": w.IntSlider(value=c.ESTIMATION_REPLICATION, min=1, max=5, description="replicas"),
            "service_ms": _slider(c.ESTIMATION_SERVICE_MS, 1, 200, 1, "service time (ms)"),
            "slo_ms": _slider(c.ESTIMATION_SLO_MS, 10, 2000, 10, "SLO (ms)"),
            "percentile": w.Dropdown(
                options=[50.0, 90.0, 99.0, 99.9], value=c.ESTIMATION_PERCENTILE, description="at percentile"
            ),
            "utilisation": _slider(c.ESTIMATION_UTILISATION, 0.1, 0.95, 0.05, "naive utilisation"),
            "monthly_growth": _slider(c.ESTIMATION_MONTHLY_GROWTH, 0.0, 0.3, 0.01, "growth per month"),
            "cache_hot_fraction": _slider(
                c.ESTIMATION_CACHE_HOT_FRACTION, 0.0, 1.0, 0.05, "cached share of reads"
            ),
            "instance": w.Dropdown(
                options=sorted(set(api.prices().query("kind == 'compute'")["item"])),
                value=c.ESTIMATION_INSTANCE,
                description="instance",
            ),
        }

    def compute(self, item_kb, response_kb, retention_years, **values):
        design = api.Design(
            item_bytes=item_kb * 1e3,
            response_bytes=response_kb * 1e3,
            retention_days=retention_years * 365.0,
            **values,
        )
        result = api.estimate(design)
        s = result.sizing
        top = max(s.naive, s.needed) + max(5, (max(s.naive, s.needed) - int(s.qps * s.service_ms / 1e3)) // 2)
        servers = np.unique(np.linspace(int(s.qps * s.service_ms / 1e3) + 1, top, 80).astype(np.int64))
        curve = api.response_time_curve(s.qps, s.service_ms, servers, s.percentile)
        return result, servers, curve

    def figures(self, computed):
        result, servers, curve = computed
        return [
            plots.page(result),
            plots.sizing(result.sizing, servers, curve),
            plots.bill(result.bill),
            plots.storage(result.storage),
        ]
