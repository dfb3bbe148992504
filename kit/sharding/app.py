"""The sharding app: pick a scheme, size the cluster, skew the traffic, add and remove nodes."""

from .. import config
from ..ui import controls
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
        keys_max = config.SHARDING_APP_MAX_KEYS
        return {
            "scheme": controls.dropdown(
                "scheme", {s.label: name for name, s in api.STRATEGIES.items()}, value="ring"
            ),
            "nodes": controls.int_slider(
                "nodes n",
                config.SHARDING_NODES,
                1,
                config.SHARDING_APP_MAX_NODES,
                why=f"The app draws up to {config.SHARDING_APP_MAX_NODES} nodes; "
                f"kit.sharding takes up to {config.SHARDING_MAX_NODES:,}",
            ),
            "vnodes": controls.int_slider(
                "vnodes per node",
                config.SHARDING_VNODES,
                1,
                config.SHARDING_APP_MAX_VNODES,
                why=f"Beyond {config.SHARDING_APP_MAX_VNODES:,} tokens per node the spread of arcs "
                "(about 1/sqrt(vnodes)) is already near 3%",
            ),
            "keys": controls.log_slider(
                "keys",
                config.SHARDING_KEYS,
                1_000,
                keys_max,
                steps_per_decade=4,
                why=f"The app places up to {keys_max:,} keys per update; "
                f"kit.sharding takes up to {config.SHARDING_MAX_KEYS:,}",
            ),
            "alpha": controls.float_slider(
                "Zipf alpha",
                config.SHARDING_ZIPF_ALPHA,
                0.0,
                1.5,
                0.01,
                why="0 is uniform traffic; at 1.5 one key already takes most of the requests",
            ),
            "eps": controls.float_slider(
                "bounded eps",
                config.SHARDING_EPS,
                0.05,
                1.0,
                0.05,
                why="Bounded loads caps a node at (1 + eps) times the mean; beyond 1 the bound rarely binds",
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
        used = api.STRATEGIES[result.strategy].params  # the timeline depends on these only
        timeline_key = (
            scheme,
            result.timeline_keys,
            vnodes if "vnodes" in used else 0,
            eps if "eps" in used else 0,
        )
        return result, (scheme, vnodes, eps), timeline_key

    def figures(self, computed):
        result, curve_inputs, timeline_key = computed
        # the two resharding figures depend on few controls: drawn once per setting of those
        curve = self.memo(("curve", *curve_inputs), lambda: plots.moved_curve(result.curve, result.strategy))
        timeline = self.memo(
            ("timeline", *timeline_key),
            lambda: plots.timeline(result.timeline, result.strategy, result.timeline_keys),
        )
        return [
            plots.ring(result.view),
            plots.loads(result.loads, result.change),
            plots.traffic(result.traffic),
            curve,
            timeline,
        ]
