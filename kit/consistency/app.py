"""The consistency lab's apps: a short history checked, quorum staleness (PBS), CAP under a partition."""

import ipywidgets as w

from .. import config
from ..core.rng import LogNormal
from ..ui import controls
from ..ui.app import App
from . import api, plots

_CP = "leader-sync (CP)"
_EVERY_CLIENT = "Every client is cut off from every replica during the partition: "
_NO_ONE_SERVED = (
    _EVERY_CLIENT + "no operation is answered then, so both stores fall to 0% and no read is stale."
)
_NO_ONE_ANSWERED = (
    _EVERY_CLIENT + "operations then time out (dashed bars: outcome unknown), and the checkers allow each "
    "to have taken effect or not."
)


def _skew(most_ms: float, why: str):
    return controls.float_slider("clock skew ± (ms)", 0.0, 0.0, most_ms, 1.0, fmt=".0f", why=why)


def _count(description: str, value: int, lo: int, why: str):
    return controls.int_slider(description, value, lo, config.CONSISTENCY_APP_N_MAX, why=why)


class QuorumApp(App):
    """N, R, W and a production latency model: how stale are reads, and what does freshness cost?"""

    title = "Partial quorums: how soon does a read see the last write? (PBS, Bailis et al. 2012)"
    cache_results = True

    def make_controls(self):
        n_max = config.CONSISTENCY_APP_N_MAX
        why = f"Stores replicate a key 3 to 5 times; N = {n_max} already has {n_max * n_max} (R, W) pairs"
        return {
            "N": _count("replicas N", 3, 2, why),
            "R": _count("read quorum R", 1, 1, f"A quorum counts replicas: at most N, and N ≤ {n_max} here"),
            "W": _count("write quorum W", 1, 1, f"A quorum counts replicas: at most N, and N ≤ {n_max} here"),
            "latency": controls.dropdown(
                "latency model",
                {m.name: key for key, m in api.LATENCY_MODELS.items()},
                value=config.CONSISTENCY_PBS_LATENCY,
            ),
            "p": controls.dropdown("target P(consistent)", {"90%": 0.9, "99%": 0.99, "99.9%": 0.999}, 0.999),
        }

    def compute(self, N, R, W, latency, p):
        for name, asked, what in (("R", R, "read"), ("W", W, "write")):
            if asked > N:
                self.note(name, f"{name} capped at N = {N}: a {what} quorum cannot exceed the replicas.")
        R, W = min(R, N), min(W, N)
        # one pass serves every (R, W) of N; the notebook's cell above the app uses the same trials and seed
        every = self.memo(
            ("pbs", N, latency),
            lambda: api.pbs_all(N, latency, trials=config.CONSISTENCY_PBS_APP_TRIALS, seed=config.SEED),
        )
        mine = next(r for r in every if (r.R, r.W) == (R, W))
        table = self.memo(("table", N, latency, p), lambda: api.tradeoff_table(every, p))
        return [r for r in every if not r.strict], mine, table, p

    def figures(self, computed):
        partial, mine, table, p = computed
        return [plots.pbs_curves(partial, mine, p=p), plots.pbs_tradeoff(table, (mine.R, mine.W))]


class CAPApp(App):
    """The same clients and partition under a CP and an AP store, side by side."""

    title = "CAP: during a partition, refuse or serve stale data?"
    cache_results = True

    def make_controls(self):
        start, end = config.CONSISTENCY_CAP_APP_PARTITION_MS
        duration = int(config.CONSISTENCY_SIM_DURATION_MS)
        partition = w.IntRangeSlider(
            value=(start, end), min=0, max=duration, step=50, description="partition (ms)"
        )
        partition.limits_why = (
            f"Clients issue operations for {duration:,} ms; a partition outside that cuts no one"
        )
        skew_max = config.CONSISTENCY_CAP_APP_SKEW_MAX_MS
        return {
            "cut_off": controls.dropdown("cut off", list(api.CUTS), "minority"),
            "clock_skew_ms": _skew(
                skew_max, f"At ± {skew_max:g} ms last-writer-wins already reorders most writes a few ms apart"
            ),
            "partition_ms": partition,
            "N": _count(
                "replicas N", 3, 3, "Stores replicate a key 3 to 5 times; 3 is the least with a minority"
            ),
            "read_fraction": controls.float_slider(
                "reads",
                config.CONSISTENCY_SIM_READ_FRACTION,
                0.1,
                0.9,
                0.05,
                why="With fewer than 10% reads (or writes) one of the two figures has almost nothing to show",
            ),
            "ap_setup": controls.dropdown(
                "compare with", [name for name in api.SETUPS if name != _CP], "multi-leader (AP)"
            ),
        }

    def compute(self, partition_ms, cut_off, ap_setup, N, clock_skew_ms, read_fraction):
        start, end = partition_ms
        clients = config.CONSISTENCY_SIM_CLIENTS
        if end > start:
            cuts = [api.Partition.cutting(cut_off, start, end, N, clients)]
            if cut_off == "every client":
                self.note("cut_off", _NO_ONE_SERVED)
        else:
            cuts = []
            self.note("partition_ms", f"An empty window ({start} to {end} ms) cuts no one: both stores run "
                      "without a partition, the baseline to compare with.")  # fmt: skip

        def run(setup):  # each store's run is kept: switching the AP store leaves the CP run as it was
            settings = dict(N=N, clients=clients, clock_skew_ms=clock_skew_ms, read_fraction=read_fraction)
            key = (setup, tuple(sorted(settings.items())), tuple(cuts))
            return self.memo(key, lambda: api.compare([setup], **settings, partitions=cuts, seed=config.SEED))

        return {**run(_CP), **run(ap_setup)}

    def figures(self, runs):
        return [plots.cap_timeline(runs), plots.divergence(runs)]


class HistoryApp(App):
    """Simulate a short history under a protocol and faults, then prove which models it keeps."""

    title = "Which promise does this store keep? A short simulated history, checked"
    cache_results = True

    def make_controls(self):
        lag_lo, lag_hi = config.CONSISTENCY_HISTORY_APP_LAG_MS
        skew_max = config.CONSISTENCY_HISTORY_APP_SKEW_MAX_MS
        return {
            "clock_skew_ms": _skew(
                skew_max,
                f"The history lasts {config.CONSISTENCY_HISTORY_APP_DURATION_MS:g} ms; "
                f"± {skew_max:g} ms already reorders most of its writes",
            ),
            "lag_ms": controls.log_slider(
                "replication delay, median (ms)",
                config.CONSISTENCY_SIM_LATENCY_MEDIAN_MS,
                lag_lo,
                lag_hi,
                steps_per_decade=10,
                fmt=".1f",
                why=f"A delay as long as the {config.CONSISTENCY_HISTORY_APP_DURATION_MS:g} ms history "
                "leaves nothing to replicate within it",
            ),
            "cut_off": controls.dropdown("partition", ["nobody", *api.CUTS], "minority"),
            "seed": controls.int_slider(
                "seed",
                1,
                0,
                config.CONSISTENCY_APP_SEEDS,
                why="Each seed is another run of the same store; these are enough to meet each anomaly",
            ),
            "setup": controls.dropdown("store", list(api.SETUPS), "multi-leader (AP)"),
        }

    def compute(self, clock_skew_ms, lag_ms, cut_off, seed, setup):
        duration, clients = config.CONSISTENCY_HISTORY_APP_DURATION_MS, config.CONSISTENCY_SIM_CLIENTS
        start, end = 0.2 * duration, 0.8 * duration
        cuts = [] if cut_off == "nobody" else [api.Partition.cutting(cut_off, start, end, 3, clients)]
        if cut_off == "every client":
            self.note("cut_off", _NO_ONE_ANSWERED)
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
