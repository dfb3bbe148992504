"""The queues-and-events apps: one per section of the lab, each drawing what :mod:`kit.messaging` computes."""

import ipywidgets as w

from .. import config
from ..ui.app import App
from . import api, plots


class BufferApp(App):
    """A spike into a bounded broker: every backpressure policy on the same traffic.

    Shows the broker's backlog and the blocked producers over time for each
    policy of ``kit.messaging.POLICIES``, and what each pays: messages lost,
    p99 latency, peak memory.

    Parameters
    ----------
    **initial
        Starting values of the controls: ``arrival_rate``, ``service_rate``,
        ``capacity``, ``consumers``, ``spike_rate``, ``spike_s``.
    """

    title = "Buffers and spikes: drop, block, hold everything, or hand out credits?"

    def make_controls(self):
        _, duration, rate = config.MESSAGING_SPIKE
        return {
            "arrival_rate": w.FloatSlider(
                value=config.MESSAGING_ARRIVAL_RATE,
                min=10.0,
                max=190.0,
                step=5.0,
                description="producers (msg/s)",
            ),
            "service_rate": w.FloatSlider(
                value=config.MESSAGING_SERVICE_RATE,
                min=20.0,
                max=200.0,
                step=5.0,
                description="per consumer (msg/s)",
            ),
            "consumers": w.IntSlider(value=1, min=1, max=4, description="consumers"),
            "capacity": w.IntSlider(
                value=config.MESSAGING_CAPACITY, min=4, max=500, description="broker capacity K"
            ),
            "spike_rate": w.FloatSlider(
                value=rate, min=0.0, max=500.0, step=10.0, description="spike (msg/s)"
            ),
            "spike_s": w.FloatSlider(
                value=duration, min=1.0, max=60.0, step=1.0, description="spike length (s)"
            ),
        }

    def compute(self, arrival_rate, service_rate, consumers, capacity, spike_rate, spike_s):
        start = config.MESSAGING_SPIKE[0]
        messages = int(arrival_rate * start * 3 + spike_rate * spike_s)
        return api.compare_backpressure(
            arrival_rate,
            service_rate,
            max(capacity, consumers),
            min(messages, config.MESSAGING_MESSAGES),
            consumers,
            seed=config.SEED,
            spikes=[(start, spike_s, spike_rate)],
        )

    def figures(self, runs):
        return [plots.backlog(runs), plots.backpressure(runs)]


class GroupApp(App):
    """A consumer group on a keyed topic: the hot partition's lag and what a member joining costs.

    Shows lag per partition over time for the chosen assignor (rebalances
    shaded), and every assignor's partitions moved and partition-seconds
    paused for the same change.

    Parameters
    ----------
    **initial
        Starting values of the controls: ``partitions``, ``consumers``,
        ``strategy``, ``change``, ``alpha``, ``rebalance_s``.
    """

    title = "Partitions and consumer groups: who reads what, and what a rebalance stops"

    def make_controls(self):
        return {
            "partitions": w.IntSlider(value=12, min=1, max=48, description="partitions"),
            "consumers": w.IntSlider(value=3, min=2, max=16, description="consumers"),
            "strategy": w.Dropdown(options=list(api.ASSIGNORS), value="range", description="assignor"),
            "change": w.Dropdown(
                options=["join", "leave", "crash"], value="join", description="at 20 s, a member"
            ),
            "alpha": w.FloatSlider(
                value=config.MESSAGING_KEY_ALPHA, min=0.0, max=1.5, step=0.05, description="key skew (Zipf)"
            ),
            "rebalance_s": w.FloatSlider(
                value=config.MESSAGING_REBALANCE_S,
                min=0.5,
                max=15.0,
                step=0.5,
                description="rebalance round (s)",
            ),
        }

    def compute(self, partitions, consumers, strategy, change, alpha, rebalance_s):
        changes = [(20.0, change)]
        return {
            s: api.consumer_group(
                partitions, consumers, s, changes, seed=config.SEED, alpha=alpha, rebalance_s=rebalance_s
            )
            for s in api.ASSIGNORS
        }, strategy

    def figures(self, computed):
        results, strategy = computed
        return [plots.group_lag(results[strategy]), plots.rebalance_cost(results)]


class DeliveryApp(App):
    """Crashing consumers under at-most-once and at-least-once delivery, idempotent or not.

    Shows, for the same messages and crashes, what each delivery choice does
    to the side effects (lost, duplicated, out of order, dead-lettered), and
    the state of the busiest key over time for the chosen one.

    Parameters
    ----------
    **initial
        Starting values of the controls: ``crash_p``, ``semantics``,
        ``idempotent``, ``keyed``, ``group``, ``retry_mode``, ``fail_p``.
    """

    title = "Delivery semantics: what a crash does to your side effects"

    def make_controls(self):
        return {
            "crash_p": w.FloatSlider(
                value=0.01,
                min=0.0,
                max=0.1,
                step=0.002,
                readout_format=".3f",
                description="P(crash) per message",
            ),
            "semantics": w.Dropdown(
                options=list(api.SEMANTICS), value="at_least_once", description="semantics"
            ),
            "idempotent": w.Checkbox(value=False, description="idempotent consumer"),
            "keyed": w.Checkbox(value=True, description="partition by key"),
            "group": w.Dropdown(options=list(api.GROUPS), value="partitioned", description="consumers"),
            "retry_mode": w.Dropdown(options=list(api.RETRY_MODES), value="in_place", description="retries"),
            "fail_p": w.FloatSlider(
                value=0.0, min=0.0, max=0.2, step=0.01, description="P(transient failure)"
            ),
        }

    def compute(self, crash_p, semantics, idempotent, keyed, group, retry_mode, fail_p):
        common = dict(keys=20, seed=config.SEED, group=group, retry_mode=retry_mode, fail_p=fail_p)
        chosen = api.deliver(4_000, 4, 2, crash_p, semantics, idempotent, keyed, **common)
        runs = {
            "at-most-once": api.deliver(4_000, 4, 2, crash_p, "at_most_once", False, keyed, **common),
            "at-least-once": api.deliver(4_000, 4, 2, crash_p, "at_least_once", False, keyed, **common),
            "at-least-once, idempotent": api.deliver(
                4_000, 4, 2, crash_p, "at_least_once", True, keyed, **common
            ),
            "your choice": chosen,
        }
        return runs, chosen

    def figures(self, computed):
        runs, chosen = computed
        return [plots.delivery(runs), plots.key_history(chosen)]


class LiveApp(App):
    """A real Redis: consumer processes, one killed with SIGKILL, the others claiming its entries.

    Shows the counts measured on the server beside the simulator's for the
    same crash. Needs ``redis-server`` (the banner says how to get it).

    Parameters
    ----------
    **initial
        Starting values of the controls: ``semantics``, ``crash_point``, ``idempotent``.
    """

    title = "Live: Redis Streams, a consumer killed mid-stream"

    def make_controls(self):
        return {
            "semantics": w.Dropdown(
                options=list(api.SEMANTICS), value="at_least_once", description="semantics"
            ),
            "crash_point": w.Dropdown(
                options=list(api.CRASH_POINTS), value="after_effect", description="killed"
            ),
            "idempotent": w.Checkbox(value=False, description="dedup set"),
        }

    def compute(self, semantics, crash_point, idempotent):
        return api.live_run(200, 2, 25, crash_point, semantics, idempotent)

    def figures(self, result):
        return [plots.live(result)]
