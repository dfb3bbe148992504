"""Exercises of the sharding lab; answers come from the api."""

import numpy as np

from ..core.rng import zipf_pmf
from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import api

NOTEBOOK = "03_sharding"
KEYS = np.arange(1_000_000)  # the notebook's data set: a million user ids
EVENTS = np.arange(100_000)  # the notebook's timestamps, arriving in order
STRETCH = 500  # consecutive events per window, as in the notebook's heat map (200 windows)
RING_SPREAD = api.theory_cv("ring", 50, vnodes=100)  # sqrt(49 / 5001)


register(
    Numeric(
        NOTEBOOK,
        "mod-grow",
        prompt="A cache cluster places keys with <code>hash(key) mod N</code> on N = 10 nodes. You add an "
        "eleventh. What fraction of the keys now map to a different node? (a number between 0 and 1)",
        answer=lambda: api.moved_fraction(KEYS, "mod", 10, 11),
        rel_tol=0.03,
        mistakes=[
            (
                1 / 11,
                "Consistent schemes move that, 1/(n+1); mod-N keeps a key only if h mod 10 = h mod 11",
            ),
        ],
        hint="Section 1: a key stays only if h mod a = h mod b; the cell prints mod-N for 10 -> 11 nodes.",
        solution="A key stays only if h mod 10 = h mod 11, i.e. h mod 110 &lt; 10: 10 of every 110 "
        "hashes, 1/11. So 10/11 ≈ 91% move: nearly a cold cache. In general mod-N moves "
        "1 − gcd(a, b)/max(a, b) of the keys going from a to b nodes; consistent schemes move only "
        "1/(n+1) = 1/11 ≈ 9%.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "ring-spread",
        prompt="A consistent-hashing ring has 50 nodes with V = 100 virtual nodes each. By how much does a "
        "node's share of the key space typically differ from the average? Give the coefficient of "
        "variation (standard deviation / mean) as a fraction, e.g. 0.5 for 50%.",
        answer=lambda: RING_SPREAD,
        rel_tol=0.25,
        mistakes=[
            (
                0.01,
                "That is 1/V. A node's share is a sum of V random arcs: its spread shrinks as 1/√V, not 1/V.",
            ),
        ],
        hint="Section 2: the formula √((n − 1)/(nV + 1)) and the table measured on rings of 200 nodes.",
        solution="A node's share is the sum of V random arcs, Beta(V, (n−1)V) distributed: its "
        f"coefficient of variation is √((n−1)/(nV+1)) = √(49/5001) = {RING_SPREAD:.4g}, close to "
        "1/√V = 1/√100 = 0.1. Ten times more tokens only buys √10 ≈ 3.2 times less spread: "
        f"V = 1000 gives {api.theory_cv('ring', 50, vnodes=1000):.4g}.",
    )
)


def _timestamp_hottest() -> float:
    """Busiest node's share of inserts per window of STRETCH consecutive timestamps, range on 8 nodes."""
    return api.insert_traffic(EVENTS, "range", 8, windows=EVENTS.size // STRETCH).hottest_share


TIMESTAMP_OPTIONS = [0.125, 0.25, 0.5, 0.9]

register(
    MultipleChoice(
        NOTEBOOK,
        "timestamp-hotspot",
        prompt="An event table is range-partitioned on 8 nodes by its key, the event timestamp; ranges "
        f"split when they grow too big. {EVENTS.size:,} events arrive in time order. Over a stretch of "
        f"{STRETCH} consecutive events, about what share of them does the busiest node receive?",
        options=["12.5% (1/8 each)", "25%", "50%", "about 90%"],
        answer=lambda: int(np.argmin([abs(x - _timestamp_hottest()) for x in TIMESTAMP_OPTIONS])),
        why=[
            "That would be an even split, 1/8 each. Timestamps are not spread: "
            "each is the largest key so far.",
            "The hot spot is not shared by two nodes: only one range holds the newest key.",
            "Even right after a split only the upper range receives new keys.",
            "Every new timestamp is the largest key so far, so it lands in the last range, on one node. "
            "Splits move the hot spot to another node; they never spread it. (Not quite 100%: a stretch "
            "in which the last range splits is shared by the two nodes that held it.)",
        ],
        solution="Sequential keys always go to the last range, so one node takes (nearly) all writes "
        "while the others idle; the hot spot hops from node to node as the range splits (HBase calls "
        "this region hot-spotting). Cures: hash the key (losing range scans), or prefix it with a "
        "salt or with a high-cardinality field such as the device id.",
    )
)

HOT_CONFIGS = [
    {"method": "none", "copies": 1},
    {"method": "salt", "copies": 8},
    {"method": "replicate", "copies": 4},
    {"method": "salt", "copies": 2},
]


def _hot_score(c: dict) -> float:
    """Busiest node's messages per client request, read-heavy workload with one very hot key."""
    cure = api.hot_key_cure(KEYS, "ring", 16, c["method"], c["copies"], hot=1, alpha=1.2, read_fraction=0.95)
    return cure.peak


register(
    PickConfig(
        NOTEBOOK,
        "hot-key-cure",
        prompt=f"16 nodes, Zipf(1.2) popularity over {KEYS.size:,} keys, 95% reads: the hottest key alone "
        f"is {zipf_pmf(KEYS.size, 1.2)[0]:.0%} of all requests and melts its node. Which cure leaves the "
        "busiest node with the least work (messages per client request)?",
        configs=HOT_CONFIGS,
        score=_hot_score,
        goal="min",
        score_name="busiest node's messages per request",
        solution="Salting splits the key into sub-keys: each write goes to one of them, but every read "
        "must visit all of them, so for a read-heavy key the read load on each sub-key's node is not "
        "reduced at all and the message count grows. Replicas do the opposite: a read goes to one of "
        "the copies, dividing the hot key's read load by the number of replicas; writes, the rare case "
        "here, go to all. Salt write-hot keys (counters), replicate read-hot keys.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "scatter-gather",
        prompt="Orders are sharded by <code>order_id</code> over 16 shards. A customer page lists that "
        "customer's 10 orders. On average, how many shards does one page view query?",
        answer=lambda: api.shards_touched_theory(16, 10),
        rel_tol=0.05,
        mistakes=[
            (10, "That assumes the 10 orders land on 10 different shards; some share a shard."),
            (16, "That is a query with no shard key at all; with 10 orders some shards hold none."),
            (1, "That is sharding by customer_id; these orders are sharded by order_id."),
        ],
        hint="Section 7: a shard holds none of c orders with probability (1 − 1/n)^c.",
        solution="Each order lands on a shard at random, so a given shard holds none of the 10 with "
        "probability (15/16)<sup>10</sup>. The expected number of shards touched is "
        "16 (1 − (15/16)<sup>10</sup>) ≈ 7.6. Shard by <code>customer_id</code> and the page visits one "
        "shard; the fan-out and its tail latency (lab 00) disappear.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "bounded-capacity",
        prompt="Consistent hashing with bounded loads places m = 1000 keys on n = 8 nodes with eps = 0.25. "
        "At most how many keys can one node hold?",
        answer=lambda: api.bounded_capacity(1000, 8, 0.25),
        rel_tol=0.0,
        abs_tol=0.5,
        unit="keys",
        integer=True,
        mistakes=[
            (125, "That is the mean m/n; the cap lets a node go (1 + eps) times above it."),
            (156, "Rounded down: a node may hold the next whole key, ⌈(1 + eps) m / n⌉."),
        ],
        hint="Section 5: the capacity ⌈(1 + eps) m / n⌉.",
        solution="The capacity is ⌈(1 + eps) m / n⌉ = ⌈1.25 × 125⌉ = ⌈156.25⌉ = 157. A key whose node "
        "is full moves clockwise to the next node with room (Mirrokni, Thorup &amp; Zadimoghaddam).",
    )
)
