"""The consistency lab's apps: a short history checked, quorum staleness (PBS), CAP under a partition."""

import ipywidgets as w

from .. import config
from ..core.rng import LogNormal
from ..ui.app import App
from . import api, plots


class QuorumApp(App):
    """N, R, W and a production latency model: how stale are reads, and what does freshness cost?"""

    title = "Partial quorums: how soon does a read see the last write? (PBS, Bailis et al. 2012)"

    def make_controls(self):
        N = w.IntSlider(value=3, min=2, max=7, description="replicas N")
        R = w.IntSlider(value=1, min=1, max=3, description="read quorum R")
        W = w.IntSlider(value=1, min=1, max=3, description="write quorum W")

        def fit_quorums(change):  # R and W cannot exceed N: the sliders follow N
            R.max = W.max = change.new

        N.observe(fit_quorums, names="value")
        return {
            "N": N,
            "R": R,
            "W": W,
            "latency": w.Dropdown(
                options=[(m.name, key) for key, m in api.LATENCY_MODELS.items()],
                value=config.CONSISTENCY_PBS_LATENCY,
                description="latency model",
            ),
            "p": w.Dropdown(
                options=[("90%", 0.9), ("99%", 0.99), ("99.9%", 0.999)],
                value=0.999,
                description="target P(consistent)",
            ),
        }

    def compute(self, N, R, W, latency, p):
        # the notebook's cell above the app uses the same trials and seed, so both show one number
        every = api.pbs_all(N, latency, trials=config.CONSISTENCY_PBS_APP_TRIALS, seed=config.SEED)
        mine = next(r for r in every if (r.R, r.W) == (R, W))
        return [r for r in every if not r.strict], mine, api.tradeoff_table(every, p), p

    def figures(self, computed):
        partial, mine, table, p = computed
        return [plots.pbs_curves(partial, mine, p=p), plots.pbs_tradeoff(table, (mine.R, mine.W))]


class CAPApp(App):
    """The same clients and partition under a CP and an AP store, side by side."""

    title = "CAP: during a partition, refuse or serve stale data?"

    def make_controls(self):
        start, end = config.CONSISTENCY_CAP_APP_PARTITION_MS
        ap = [name for name in api.SETUPS if name != "leader-sync (CP)"]
        return {
            "cut_off": w.Dropdown(options=list(api.CUTS), value="minority", description="cut off"),
            "clock_skew_ms": w.FloatSlider(
                value=0.0, min=0.0, max=50.0, step=1.0, description="clock skew ± (ms)"
            ),
            "partition_ms": w.IntRangeSlider(
                value=(start, end),
                min=0,
                max=int(config.CONSISTENCY_SIM_DURATION_MS),
                step=50,
                description="partition (ms)",
            ),
            "N": w.IntSlider(value=3, min=3, max=7, description="replicas N"),
            "read_fraction": w.FloatSlider(
                value=config.CONSISTENCY_SIM_READ_FRACTION, min=0.1, max=0.9, step=0.05, description="reads"
            ),
            "ap_setup": w.Dropdown(options=ap, value="multi-leader (AP)", description="compare with"),
        }

    def compute(self, partition_ms, cut_off, ap_setup, N, clock_skew_ms, read_fraction):
        start, end = partition_ms
        clients = config.CONSISTENCY_SIM_CLIENTS
        # an empty window means no partition at all: the baseline to compare with
        cuts = [api.Partition.cutting(cut_off, start, end, N, clients)] if end > start else []
        return api.compare(
            ["leader-sync (CP)", ap_setup],
            N=N,
            clients=clients,
            clock_skew_ms=clock_skew_ms,
            read_fraction=read_fraction,
            partitions=cuts,
            seed=config.SEED,
        )

    def figures(self, runs):
        return [plots.cap_timeline(runs), plots.divergence(runs)]


class HistoryApp(App):
    """Simulate a short history under a protocol and faults, then prove which models it keeps."""

    title = "Which promise does this store keep? A short simulated history, checked"

    def make_controls(self):
        return {
            "clock_skew_ms": w.FloatSlider(
                value=0.0, min=0.0, max=30.0, step=1.0, description="clock skew ± (ms)"
            ),
            "lag_ms": w.FloatLogSlider(
                value=config.CONSISTENCY_SIM_LATENCY_MEDIAN_MS,
                base=10,
                min=0,
                max=2,
                step=0.1,
                readout_format=".1f",
                description="replication delay, median (ms)",
            ),
            "cut_off": w.Dropdown(options=["nobody", *api.CUTS], value="minority", description="partition"),
            "seed": w.IntSlider(value=1, min=0, max=50, description="seed"),
            "setup": w.Dropdown(options=list(api.SETUPS), value="multi-leader (AP)", description="store"),
        }

    def compute(self, clock_skew_ms, lag_ms, cut_off, seed, setup):
        duration, clients = config.CONSISTENCY_HISTORY_APP_DURATION_MS, config.CONSISTENCY_SIM_CLIENTS
        start, end = 0.2 * duration, 0.8 * duration
        cuts = [] if cut_off == "nobody" else [api.Partition.cutting(cut_off, start, end, 3, clients)]
        run = api.simulate(
            **api.SETUPS[setup],
            N=3,
            clients=clients,
            think_ms=config.CONSISTENCY_HISTORY_APP_THINK_MS,
            duration_ms=duration,
            clock_skew_ms=clock_skew_ms,
            replication_latency=LogNormal.from_median(lag_ms, config.CONSISTENCY_SIM_LATENCY_SIGMA),
            partitions=cuts,
            seed=seed,
        )
        return api.check_linearizable(run.history), api.classify(run.history)

    def figures(self, computed):
        verdict, classification = computed
        return [plots.timeline(verdict), plots.hierarchy(classification)]
