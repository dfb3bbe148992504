"""The estimation app: every assumption a control, the one-page estimate beside its figures."""

import numpy as np

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, plots

_SLIDERS = (  # control, label, kit.config default (x scale), low, high, step, readout, why the range ends
    ("actions_per_user", "requests per user per day", "ESTIMATION_ACTIONS_PER_USER", 1, 1, 100, 1, ".0f",
     "An active user of a busy app makes about a hundred requests a day"),
    ("read_fraction", "read fraction", "ESTIMATION_READ_FRACTION", 1, 0.5, 1.0, 0.01, ".2f",
     "A photo service is read-heavy; below half it is a write-heavy service"),
    ("peak_factor", "peak / average", "ESTIMATION_PEAK_FACTOR", 1, 1.0, 10.0, 0.5, ".1f",
     "The busiest hour is at least the average and rarely ten times it"),
    ("item_kb", "upload size (KB)", "ESTIMATION_ITEM_BYTES", 1e-3, 10, 5000, 10, ".0f",
     "From a thumbnail to a full-resolution photo"),
    ("response_kb", "read response (KB)", "ESTIMATION_RESPONSE_BYTES", 1e-3, 1, 1000, 1, ".0f",
     "From a page of text to a full-size photo"),
    ("retention_years", "retention (years)", "ESTIMATION_RETENTION_DAYS", 1 / 365, 0.1, 10, 0.1, ".1f",
     "From a month to a decade"),
    ("service_ms", "service time (ms)", "ESTIMATION_SERVICE_MS", 1, 1, 200, 1, ".0f",
     "A request takes a worker between a millisecond and a fifth of a second here"),
    ("slo_ms", "SLO (ms)", "ESTIMATION_SLO_MS", 1, 10, 2000, 10, ".0f", "Objectives between 10 ms and 2 s"),
    ("utilisation", "naive utilisation", "ESTIMATION_UTILISATION", 1, 0.1, 0.95, 0.05, ".2f",
     "The naive rule's target: no one plans a fleet to run above 95% busy"),
    ("monthly_growth", "growth per month", "ESTIMATION_MONTHLY_GROWTH", 1, 0.0, 0.3, 0.01, ".0%",
     "30% a month is a startup's best year"),
    ("buy_ahead_months", "buy for (months ahead)", "ESTIMATION_BUY_AHEAD_MONTHS", 1, 0.0, 36.0, 1.0, ".0f",
     "Fleets are bought for up to three years of growth here"),
    ("lead_time_days", "lead time (days)", "ESTIMATION_LEAD_TIME_DAYS", 1, 0.0, 730.0, 10.0, ".0f",
     "From cloud capacity at once to two years for a new data centre"),
    ("cache_hot_fraction", "cached share of reads", "ESTIMATION_CACHE_HOT_FRACTION", 1, 0.0, 1.0, 0.05, ".0%",
     "A share of a day's reads"),
)  # fmt: skip


class EstimationApp(App):
    """Size a photo-sharing service on one page: traffic, storage, servers, bill and runway."""

    title = "One-page estimate: move any assumption and the page, the fleet and the bill follow"
    cache_results = True

    def make_controls(self):
        found = {
            "dau": controls.log_slider(
                "daily active users",
                config.ESTIMATION_DAU,
                1e4,
                1e8,
                steps_per_decade=10,
                fmt=".3s",
                why="From a side project to a large social network; estimation.Design takes up to 1e11",
            )
        }
        for name, label, setting, scale, lo, hi, step, fmt, why in _SLIDERS:
            value = getattr(config, setting) * scale
            found[name] = controls.float_slider(label, value, lo, hi, step, fmt=fmt, why=why)
        found["replication"] = controls.int_slider(
            "replicas", config.ESTIMATION_REPLICATION, 1, 5, why="Stores keep one to five copies of each byte"
        )
        found["percentile"] = controls.dropdown(
            "at percentile",
            {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p99.9": 99.9},
            config.ESTIMATION_PERCENTILE,
        )
        instances = sorted(set(api.prices().query("kind == 'compute'")["item"]))
        found["instance"] = controls.dropdown("instance", instances, config.ESTIMATION_INSTANCE)
        return found

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
