"""The storage lab's apps: LSM amplification against the size ratio, and the store chooser."""

from __future__ import annotations

import ipywidgets as w

from .. import config
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
    RATIOS = (2, 3, 4, 6, 8, 10, 15, 20)

    def __init__(self, **initial):
        self._sweeps = {}  # (distribution, keys) -> sweep, reused while only policy or T move
        super().__init__(**initial)

    def make_controls(self):
        return {
            "policy": w.Dropdown(options=list(amplification.POLICIES), value="leveled", description="policy"),
            "size_ratio": w.SelectionSlider(options=list(self.RATIOS), value=10, description="size ratio T"),
            "distribution": w.Dropdown(
                options=list(amplification.DISTRIBUTIONS), value="uniform", description="keys written"
            ),
            "key_share": w.FloatSlider(
                value=0.5, min=0.05, max=1.0, step=0.05, description="distinct keys / writes"
            ),
        }

    def compute(self, policy, size_ratio, distribution, key_share):
        n = config.STORAGE_APP_WRITES
        keys = amplification.write_keys(n, max(1, int(n * key_share)), distribution, seed=config.SEED)
        key = (distribution, key_share)
        if key not in self._sweeps:
            self._sweeps[key] = amplification.size_ratio_sweep(
                keys, self.RATIOS, memtable_mb=config.STORAGE_APP_MEMTABLE_MB
            )
        shape = amplification.lsm(
            keys, size_ratio=size_ratio, policy=policy, memtable_mb=config.STORAGE_APP_MEMTABLE_MB
        )
        return self._sweeps[key], shape, (policy, size_ratio)

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

    def __init__(self, measurements=None, **initial):
        self.measurements = measurements
        super().__init__(**initial)

    def make_controls(self):
        needs = decision.Needs()
        slider = dict(min=0.0, max=1.0, step=0.05)
        return {
            "read_fraction": w.FloatSlider(
                value=needs.read_fraction, description="reads / operations", **slider
            ),
            # at least some reads by key: the three weights can never all be 0 (an invalid split)
            "point": w.FloatSlider(value=needs.point, description="reads by key", **{**slider, "min": 0.05}),
            "range": w.FloatSlider(value=needs.range, description="range reads", **slider),
            "aggregate": w.FloatSlider(value=needs.aggregate, description="aggregates", **slider),
            "consistency": w.Dropdown(
                options=list(decision.CONSISTENCY), value=needs.consistency, description="consistency"
            ),
            "data_gb": w.FloatLogSlider(value=needs.data_gb, min=-1, max=6, description="data (GB)"),
            "writes_per_s": w.FloatLogSlider(value=needs.writes_per_s, min=0, max=7, description="writes/s"),
            "joins": w.Checkbox(value=needs.joins, description="queries join entities"),
            "schema": w.Dropdown(options=list(decision.SCHEMA), value=needs.schema, description="schema"),
        }

    def compute(self, **answers):
        return decision.recommend(decision.Needs(**answers), self.measurements)

    def figures(self, rec):
        return [plots.scores(rec)]
