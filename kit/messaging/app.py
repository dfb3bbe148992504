"""The queues-and-events apps: one per section of the lab, each drawing what :mod:`kit.messaging` computes."""

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, plots

CHANGES = {"joins": "join", "leaves cleanly": "leave", "crashes": "crash"}  # what the group app's menu reads
CHANGE_AT_S = 20.0  # when the group app's member joins, leaves or crashes
DELIVERY_RUN = dict(messages=4_000, partitions=4, consumers=2, keys=20)  # the delivery app's workload
COMPARED = {  # the delivery runs drawn beside the learner's choice: (semantics, idempotent)
    "at-most-once": ("at_most_once", False),
    "at-least-once": ("at_least_once", False),
    "at-least-once, idempotent": ("at_least_once", True),
}
LIVE_RUN = dict(messages=200, consumers=2, kill_after=25)  # the live app's run on Redis


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
    cache_results = True

    def make_controls(self):
        _, duration, rate = config.MESSAGING_SPIKE
        return {
            "arrival_rate": controls.float_slider(
                "producers (msg/s)",
                config.MESSAGING_ARRIVAL_RATE,
                10.0,
                190.0,
                5.0,
                fmt=".0f",
                why="Up to 190 msg/s, within what two consumers at 100 msg/s drain",
            ),
            "service_rate": controls.float_slider(
                "per consumer (msg/s)",
                config.MESSAGING_SERVICE_RATE,
                20.0,
                200.0,
                5.0,
                fmt=".0f",
                why="From 20 to 200 msg/s a consumer, exponential work",
            ),
            "consumers": controls.int_slider(
                "consumers",
                1,
                1,
                4,
                why="Up to 4 consumers here; messaging.simulate_buffer takes "
                f"up to {config.MESSAGING_MAX_CONSUMERS:,}",
            ),
            "capacity": controls.int_slider(
                "broker capacity K",
                config.MESSAGING_CAPACITY,
                4,
                500,
                why="Beyond 500 places no policy drops or blocks during these spikes",
            ),
            "spike_rate": controls.float_slider(
                "spike (msg/s)",
                rate,
                0.0,
                500.0,
                10.0,
                fmt=".0f",
                why="Up to 500 msg/s, five times one consumer's rate",
            ),
            "spike_s": controls.float_slider(
                "spike length (s)",
                duration,
                1.0,
                60.0,
                1.0,
                fmt=".0f",
                why="A spike of 1 s to 1 min, starting at 60 s",
            ),
        }

    def compute(self, arrival_rate, service_rate, consumers, capacity, spike_rate, spike_s):
        start = config.MESSAGING_SPIKE[0]
        wanted = int(arrival_rate * start * 3 + spike_rate * spike_s)
        messages = min(wanted, config.MESSAGING_MESSAGES)
        if messages < wanted:
            self.note(
                "arrival_rate",
                f"The run stops after {messages:,} messages, about {messages / arrival_rate:.0f} s at "
                f"{arrival_rate:g} msg/s: the figures end there, the drain may not be over",
            )
        if capacity < consumers:
            self.note(
                "capacity",
                f"K raised to {consumers}: the broker holds at least the message each consumer is working on",
            )
        return api.compare_backpressure(
            arrival_rate,
            service_rate,
            max(capacity, consumers),
            messages,
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
    cache_results = True

    def make_controls(self):
        return {
            "partitions": controls.int_slider(
                "partitions",
                12,
                1,
                48,
                why="Up to 48 partitions here; messaging.consumer_group takes up to "
                f"{config.MESSAGING_MAX_PARTITIONS:,}",
            ),
            "consumers": controls.int_slider(
                "consumers",
                3,
                2,
                16,
                why="From 2 members (one may leave) to 16; members beyond the partitions sit idle",
            ),
            "strategy": controls.dropdown("assignor", list(api.ASSIGNORS), value="range"),
            "change": controls.dropdown(f"at {CHANGE_AT_S:g} s, a member", CHANGES, value="join"),
            "alpha": controls.float_slider(
                "key skew (Zipf)",
                config.MESSAGING_KEY_ALPHA,
                0.0,
                1.5,
                0.05,
                why="From uniform keys (0) to a very hot key (1.5)",
            ),
            "rebalance_s": controls.float_slider(
                "rebalance round (s)",
                config.MESSAGING_REBALANCE_S,
                0.5,
                15.0,
                0.5,
                fmt=".1f",
                why="A round takes from half a second to 15 s (slow members, large groups)",
            ),
        }

    def compute(self, partitions, consumers, strategy, change, alpha, rebalance_s):
        if consumers > partitions:
            idle = consumers - partitions
            self.note(
                "consumers",
                f"{idle} of {consumers} members get no partition: a partition has one reader in a group",
            )
        results = self.memo(  # the assignor menu only picks which run the lag figure shows
            ("runs", partitions, consumers, change, alpha, rebalance_s),
            lambda: {
                s: api.consumer_group(
                    partitions,
                    consumers,
                    s,
                    [(CHANGE_AT_S, change)],
                    seed=config.SEED,
                    alpha=alpha,
                    rebalance_s=rebalance_s,
                )
                for s in api.ASSIGNORS
            },
        )
        return results, strategy

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
    cache_results = True

    def make_controls(self):
        return {
            "crash_p": controls.float_slider(
                "P(crash) per message",
                0.01,
                0.0,
                0.1,
                0.002,
                fmt=".3f",
                why="Up to one crash in 10 messages: beyond, a consumer rarely finishes a batch",
            ),
            "semantics": controls.dropdown("semantics", list(api.SEMANTICS), value="at_least_once"),
            "idempotent": controls.dropdown("consumer", {"not idempotent": False, "idempotent": True}),
            "keyed": controls.dropdown("partition by", {"key": True, "round robin": False}),
            "group": controls.dropdown("consumers", list(api.GROUPS), value="partitioned"),
            "retry_mode": controls.dropdown("retries", list(api.RETRY_MODES), value="in_place"),
            "fail_p": controls.float_slider(
                "P(transient failure)",
                0.0,
                0.0,
                0.2,
                0.01,
                why="Up to one transient failure in 5 attempts",
            ),
        }

    def compute(self, crash_p, semantics, idempotent, keyed, group, retry_mode, fail_p):
        def run(semantics, idempotent):
            return self.memo(
                ("deliver", crash_p, semantics, idempotent, keyed, group, retry_mode, fail_p),
                lambda: api.deliver(
                    crash_p=crash_p,
                    semantics=semantics,
                    idempotent=idempotent,
                    keyed=keyed,
                    seed=config.SEED,
                    group=group,
                    retry_mode=retry_mode,
                    fail_p=fail_p,
                    **DELIVERY_RUN,
                ),
            )

        chosen = run(semantics, idempotent)
        runs = {name: run(*how) for name, how in COMPARED.items()}
        return {**runs, "your choice": chosen}, chosen

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
            "semantics": controls.dropdown("semantics", list(api.SEMANTICS), value="at_least_once"),
            "crash_point": controls.dropdown("killed", list(api.CRASH_POINTS), value="after_effect"),
            "idempotent": controls.dropdown("dedup set", {"off": False, "on": True}),
        }

    def compute(self, semantics, crash_point, idempotent):
        return api.live_run(crash_point=crash_point, semantics=semantics, idempotent=idempotent, **LIVE_RUN)

    def figures(self, result):
        return [plots.live(result)]
