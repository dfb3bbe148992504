"""The fan-out app: sliders for k, p, slow latency and the percentile."""

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, plots


class FanoutApp(App):
    """Fan-out k, P(server slow), slow latency and a percentile -> P(slow request) and latency curves."""

    title = "Fan-out: every server is fast 99% of the time. Is the request?"
    cache_results = True

    def make_controls(self):
        slow_lo, slow_hi = config.FANOUT_APP_SLOW_MS
        return {
            "k": controls.int_slider(
                "servers k",
                config.FANOUT_K,
                1,
                config.FANOUT_APP_K_MAX,
                why=f"The app draws up to {config.FANOUT_APP_K_MAX:,} servers per request; "
                f"fanout.simulate takes up to {config.FANOUT_MAX_K:,}",
            ),
            "p": controls.float_slider(
                "P(server slow) p",
                config.FANOUT_P_SLOW,
                0.0,
                config.FANOUT_APP_P_MAX,
                0.001,
                fmt=".3f",
                why=f"Beyond p = {config.FANOUT_APP_P_MAX:g} nearly every fanned-out request is slow; "
                "fanout.p_slow takes any probability up to 1",
            ),
            "slow_ms": controls.log_slider(
                "slow latency (ms)",
                config.FANOUT_SLOW_MS,
                slow_lo,
                slow_hi,
                why=f"A stall lasts longer than a fast reply (median {config.FANOUT_FAST_MEDIAN_MS:g} ms) "
                f"and at most {slow_hi / 1000:g} s here",
            ),
            "q": controls.float_slider(
                "percentile",
                config.FANOUT_PERCENTILE,
                50.0,
                99.99,
                0.01,
                why="The figure draws the median and one percentile above it, up to 99.99",
            ),
        }

    def compute(self, k, p, slow_ms, q):
        server = api.server_latency(p=p, slow_ms=slow_ms)
        result = self.memo(  # only k beyond the span, p and slow_ms need new draws
            ("draws", api.span(k), p, slow_ms),
            lambda: api.simulate_span(k, server, seed=config.SEED),
        )
        return result, k, slow_ms, q

    def figures(self, computed):
        result, k, slow_ms, q = computed
        return [plots.p_slow(result, slow_ms, k), plots.percentile(result, q, k)]
