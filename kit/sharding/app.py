"""The sharding app: pick a scheme, size the cluster, skew the traffic, add and remove nodes."""

import ipywidgets as w
import numpy as np

from .. import config
from ..ui.app import App
from . import api, measure, plots

NODES_MAX = 64


class ShardingApp(App):
    title = "Sharding: where do the keys go, and what moves when the cluster changes?"

    def __init__(self, **initial):
        self.shown_nodes = None  # cluster size of the last drawn update, to report what a change moved
        self.cache = {}  # results that only some controls change: Zipf alpha alone need not redo them
        super().__init__(**initial)

    def make_controls(self):
        return {
            "scheme": w.Dropdown(
                options=[(s.label, name) for name, s in api.STRATEGIES.items()],
                value="ring",
                description="scheme",
            ),
            "nodes": w.IntSlider(value=config.SHARDING_NODES, min=1, max=NODES_MAX, description="nodes n"),
            "vnodes": w.IntSlider(
                value=config.SHARDING_VNODES, min=1, max=1000, description="vnodes per node"
            ),
            "keys": w.FloatLogSlider(
                value=config.SHARDING_KEYS,
                base=10,
                min=3,
                max=6,
                step=0.25,
                readout_format=",.0f",
                description="keys",
            ),
            "alpha": w.FloatSlider(
                value=config.SHARDING_ZIPF_ALPHA,
                min=0.0,
                max=1.5,
                step=0.01,
                description="Zipf alpha",
            ),
            "eps": w.FloatSlider(
                value=config.SHARDING_EPS, min=0.05, max=1.0, step=0.05, description="bounded eps"
            ),
        }

    def make_actions(self):
        return {"add node": self.add_node, "remove node": self.remove_node}

    def add_node(self):
        nodes = self.controls["nodes"]
        if nodes.value >= nodes.max:
            raise ValueError(f"nodes is at the app's maximum of {nodes.max}")
        nodes.value += 1

    def remove_node(self):
        nodes = self.controls["nodes"]
        if nodes.value <= 1:
            raise ValueError("a cluster needs at least one node")
        nodes.value -= 1

    def compute(self, scheme, nodes, vnodes, keys, alpha, eps):
        ids = np.arange(round(keys))  # auto-increment ids, inserted in order
        params = {
            k: v for k, v in {"vnodes": vnodes, "eps": eps}.items() if k in api.STRATEGIES[scheme].params
        }
        note = ""
        if self.shown_nodes is not None and self.shown_nodes != nodes:
            moved = api.moved_fraction(ids, scheme, self.shown_nodes, nodes, **params)
            theory = api.moved_theory(scheme, self.shown_nodes, nodes)
            note = f"{self.shown_nodes} → {nodes} nodes moved {moved:.1%} of the keys (theory {theory:.1%})"
        result = (
            measure.ring_view(ids, scheme, nodes, **params),
            measure.loads(ids, scheme, nodes, alpha=alpha, **params),
            note,
            measure.read_traffic(ids, scheme, nodes, alpha=alpha, seed=config.SEED, **params),
            self.curve(vnodes, eps),
            self.cached(
                ("timeline", scheme, ids.size, *params.values()),
                measure.reshard_timeline,
                ids,
                scheme,
                **params,
            ),
            scheme,
        )
        self.shown_nodes = nodes
        return result

    def cached(self, key, fn, *args, **kwargs):
        if key not in self.cache:
            self.cache[key] = fn(*args, **kwargs)
        return self.cache[key]

    def curve(self, vnodes, eps):
        lo, hi = config.SHARDING_CURVE_NODES
        keys = np.arange(config.SHARDING_CURVE_KEYS)
        return self.cached(
            ("curve", vnodes, eps),
            measure.reshard_timeline,
            keys,
            list(api.STRATEGIES),
            lo,
            hi,
            vnodes=vnodes,
            eps=eps,
        )

    def figures(self, computed):
        view, load, note, traffic, curve, timeline, scheme = computed
        return [
            plots.ring(view),
            plots.loads(load, note),
            plots.traffic(traffic),
            self.cached(("curve figure", id(curve)), plots.moved_curve, curve),  # curve is itself cached
            self.cached(("timeline figure", id(timeline)), plots.timeline, timeline, scheme),
        ]
