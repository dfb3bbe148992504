"""The storage lab's apps: LSM amplification against the size ratio, and the store chooser."""

from __future__ import annotations

import ipywidgets as w

from .. import config
from ..ui import controls
from ..ui.app import App
from . import amplification, decision, plots


class AmplificationApp(App):
    """LSM write, read and space amplification as the policy, size ratio and workload change.

    Parameters
    ----------
    **initial
        Starting values of the controls (``size_ratio=4``).

    Returns
    -------
    AmplificationApp
        Display it in a notebook cell: the three amplifications over size
        ratios beside the formulas, and the chosen tree's levels.
    """

    title = "LSM trees: what does the size ratio buy and cost?"
    cache_results = True
    RATIOS = (2, 3, 4, 6, 8, 10, 15, 20)

    def make_controls(self):
        return {
            "policy": controls.dropdown("policy", list(amplification.POLICIES), value="leveled"),
            "size_ratio": w.SelectionSlider(options=list(self.RATIOS), value=10, description="size ratio T"),
            "distribution": controls.dropdown(
                "keys written", list(amplification.DISTRIBUTIONS), value="uniform"
            ),
            "key_share": controls.float_slider(
                "distinct keys / writes",
                0.5,
                0.05,
                1.0,
                0.05,
                why="From 1 key in 20 writes (mostly overwrites) to every write a new key",
            ),
        }

    def compute(self, policy, size_ratio, distribution, key_share):
        n, memtable_mb = config.STORAGE_APP_WRITES, config.STORAGE_APP_MEMTABLE_MB
        keys = self.memo(
            ("keys", distribution, key_share),
            lambda: amplification.write_keys(n, max(1, int(n * key_share)), distribution, seed=config.SEED),
        )
        sweep = self.memo(  # policy and T only pick a point of it
            ("sweep", distribution, key_share),
            lambda: amplification.size_ratio_sweep(keys, self.RATIOS, memtable_mb=memtable_mb),
        )
        shape = amplification.lsm(keys, size_ratio=size_ratio, policy=policy, memtable_mb=memtable_mb)
        return sweep, shape, (policy, size_ratio)

    def figures(self, computed):
        sweep, shape, chosen = computed
        return [plots.amplification(sweep, highlight=chosen), plots.lsm_shape(shape)]


class ChooserApp(App):
    """The access-pattern questionnaire: points per store family, and the choice.

    Parameters
    ----------
    measurements : DataFrame, optional
        :func:`kit.storage.benchmark`'s table; without it, speed is not scored.
    **initial
        Starting values of the controls (``joins=False``).

    Returns
    -------
    ChooserApp
        Display it in a notebook cell: the points per family and question, and
        the choice in the title.
    """

    title = "Which store? Answer the questions"
    cache_results = True  # the measurements are fixed for the app's life

    def __init__(self, measurements=None, **initial):
        self.measurements = measurements
        super().__init__(**initial)

    def make_controls(self):
        needs = decision.Needs()
        share = "A share of the operations, from none to all"
        weight = "A weight against the other two kinds of read, 0 to 1"
        return {
            "read_fraction": controls.float_slider(
                "reads / operations", needs.read_fraction, 0.0, 1.0, 0.05, why=share
            ),
            # at least some reads by key: the three weights can never all be 0 (an invalid split)
            "point": controls.float_slider(
                "reads by key",
                needs.point,
                0.05,
                1.0,
                0.05,
                why="At least 0.05: the three weights must not all be 0",
            ),
            "range": controls.float_slider("range reads", needs.range, 0.0, 1.0, 0.05, why=weight),
            "aggregate": controls.float_slider("aggregates", needs.aggregate, 0.0, 1.0, 0.05, why=weight),
            "consistency": controls.dropdown(
                "consistency", list(decision.CONSISTENCY), value=needs.consistency
            ),
            "data_gb": controls.log_slider(
                "data (GB)",
                needs.data_gb,
                0.1,
                1e6,
                fmt=",.3g",
                why="From 100 MB to a petabyte",
            ),
            "writes_per_s": controls.log_slider(
                "writes/s",
                needs.writes_per_s,
                1.0,
                1e7,
                fmt=",.3g",
                why="From one write a second to ten million",
            ),
            "joins": controls.dropdown(
                "queries join entities", {"no": False, "yes": True}, value=needs.joins
            ),
            "schema": controls.dropdown("schema", list(decision.SCHEMA), value=needs.schema),
        }

    def compute(self, **answers):
        return decision.recommend(decision.Needs(**answers), self.measurements)

    def figures(self, rec):
        return [plots.scores(rec)]
