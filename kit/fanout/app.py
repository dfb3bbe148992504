"""The fan-out app: sliders for k, p, slow latency and the percentile."""

import ipywidgets as w

from .. import config
from ..ui.app import App
from . import api, plots


class FanoutApp(App):
    title = "Fan-out: every server is fast 99% of the time. Is the request?"

    def make_controls(self):
        return {
            "k": w.IntSlider(value=config.FANOUT_K, min=1, max=1000, description="servers k"),
            "p": w.FloatSlider(
                value=config.FANOUT_P_SLOW,
                min=0.0,
                max=0.2,
                step=0.001,
                readout_format=".3f",
                description="P(server slow) p",
            ),
            "slow_ms": w.FloatLogSlider(
                value=config.FANOUT_SLOW_MS,
                base=10,
                min=1.5,
                max=4,
                step=0.05,
                readout_format=".0f",
                description="slow latency (ms)",
            ),
            "q": w.FloatSlider(
                value=config.FANOUT_PERCENTILE,
                min=50.0,
                max=99.99,
                step=0.01,
                description="percentile",
            ),
        }

    def compute(self, k, p, slow_ms, q):
        server = api.server_latency(p=p, slow_ms=slow_ms)
        ks = api.k_grid(max(config.FANOUT_K_MAX, k), extra=[k])
        return api.simulate(ks, server, seed=config.SEED), k, slow_ms, q

    def figures(self, computed):
        result, k, slow_ms, q = computed
        return [plots.p_slow(result, slow_ms, k), plots.percentile(result, q, k)]
