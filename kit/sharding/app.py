"""The sharding app: pick a scheme, size the cluster, skew the traffic, add and remove nodes."""

import ipywidgets as w

from .. import config
from ..ui.app import App
from . import api, plots


class ShardingApp(App):
    """Pick a scheme, size the cluster, skew the traffic, add and remove nodes.

    Shows the hash circle and who owns it, keys and requests per node (after
    a change of cluster size, what that change moved, measured and in theory,
    and which node received the keys), the traffic heat map, the fraction of
    keys every scheme moves as the cluster grows, and the resharding timeline
    of the chosen scheme. Everything it draws comes from
    :func:`kit.sharding.explore`.

    Parameters
    ----------
    **initial
        Starting values of the controls: ``scheme``, ``nodes``, ``vnodes``,
        ``keys``, ``alpha``, ``eps``.
    """

    title = "Sharding: where do the keys go, and what moves when the cluster changes?"

    def __init__(self, **initial):
        self.shown_nodes = None  # cluster size of the last drawn update, to report what a change moved
        super().__init__(**initial)

    def make_controls(self):
        return {
            "scheme": w.Dropdown(
                options=[(s.label, name) for name, s in api.STRATEGIES.items()],
                value="ring",
                description="scheme",
            ),
            "nodes": w.IntSlider(
                value=config.SHARDING_NODES, min=1, max=config.SHARDING_APP_MAX_NODES, description="nodes n"
            ),
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
        result = api.explore(scheme, nodes, vnodes, round(keys), alpha, eps, from_nodes=self.shown_nodes)
        self.shown_nodes = nodes
        return result

    def figures(self, result):
        return [
            plots.ring(result.view),
            plots.loads(result.loads, result.change),
            plots.traffic(result.traffic),
            plots.moved_curve(result.curve),
            plots.timeline(result.timeline, result.strategy),
        ]
