"""The estimation app: every assumption a control, the one-page estimate beside its figures."""

import numpy as np

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, plots


class EstimationApp(App):
    """Size a photo-sharing service on one page: traffic, storage, servers, bill and runway."""

    title = "One-page estimate: move any assumption and the page, the fleet and the bill follow"
    cache_results = True

    def make_controls(self):
        c = config
        return {
            "dau": controls.log_slider(
                "daily active users",
                c.ESTIMATION_DAU,
                1e4,
                1e8,
                steps_per_decade=10,
                fmt=".3s",
                why="From a side project to a large social network; estimation.Design takes up to 1e11",
            ),
            "actions_per_user": controls.float_slider(
                "requests per user per day",
                c.ESTIMATION_ACTIONS_PER_USER,
                1,
                100,
                1,
                fmt=".0f",
                why="An active user of a busy app makes about a hundred requests a day",
            ),
            "read_fraction": controls.float_slider(
                "read fraction",
                c.ESTIMATION_READ_FRACTION,
                0.5,
                1.0,
                0.01,
                why="A photo service is read-heavy; below half it is a write-heavy service",
            ),
            "peak_factor": controls.float_slider(
                "peak / average",
                c.ESTIMATION_PEAK_FACTOR,
                1.0,
                10.0,
                0.5,
                fmt=".1f",
                why="The busiest hour is at least the average and rarely ten times it",
            ),
            "item_kb": controls.float_slider(
                "upload size (KB)",
                c.ESTIMATION_ITEM_BYTES / 1e3,
                10,
                5000,
                10,
                fmt=".0f",
                why="From a thumbnail to a full-resolution photo",
            ),
            "response_kb": controls.float_slider(
                "read response (KB)",
                c.ESTIMATION_RESPONSE_BYTES / 1e3,
                1,
                1000,
                1,
                fmt=".0f",
                why="From a page of text to a full-size photo",
            ),
            "retention_years": controls.float_slider(
                "retention (years)",
                c.ESTIMATION_RETENTION_DAYS / 365,
                0.1,
                10,
                0.1,
                fmt=".1f",
                why="From a month to a decade",
            ),
            "replication": controls.int_slider(
                "replicas", c.ESTIMATION_REPLICATION, 1, 5, why="Stores keep one to five copies of each byte"
            ),
            "service_ms": controls.float_slider(
                "service time (ms)",
                c.ESTIMATION_SERVICE_MS,
                1,
                200,
                1,
                fmt=".0f",
                why="A request takes a worker between a millisecond and a fifth of a second here",
            ),
            "slo_ms": controls.float_slider(
                "SLO (ms)",
                c.ESTIMATION_SLO_MS,
                10,
                2000,
                10,
                fmt=".0f",
                why="Objectives between 10 ms and 2 s",
            ),
            "percentile": controls.dropdown(
                "at percentile",
                {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p99.9": 99.9},
                c.ESTIMATION_PERCENTILE,
            ),
            "utilisation": controls.float_slider(
                "naive utilisation",
                c.ESTIMATION_UTILISATION,
                0.1,
                0.95,
                0.05,
                why="The naive rule's target: no one plans a fleet to run above 95% busy",
            ),
            "monthly_growth": controls.float_slider(
                "growth per month",
                c.ESTIMATION_MONTHLY_GROWTH,
                0.0,
                0.3,
                0.01,
                fmt=".0%",
                why="30% a month is a startup's best year; the storage projection spans five years",
            ),
            "buy_ahead_months": controls.float_slider(
                "buy for (months ahead)",
                c.ESTIMATION_BUY_AHEAD_MONTHS,
                0.0,
                36.0,
                1.0,
                fmt=".0f",
                why="Fleets are bought for up to three years of growth here",
            ),
            "lead_time_days": controls.float_slider(
                "lead time (days)",
                c.ESTIMATION_LEAD_TIME_DAYS,
                0.0,
                730.0,
                10.0,
                fmt=".0f",
                why="From cloud capacity at once to two years for a new data centre",
            ),
            "cache_hot_fraction": controls.float_slider(
                "cached share of reads",
                c.ESTIMATION_CACHE_HOT_FRACTION,
                0.0,
                1.0,
                0.05,
                fmt=".0%",
                why="A share of a day's reads",
            ),
            "instance": controls.dropdown(
                "instance",
                sorted(set(api.prices().query("kind == 'compute'")["item"])),
                c.ESTIMATION_INSTANCE,
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
