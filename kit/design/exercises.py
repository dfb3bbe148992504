"""Exercises of the design-communication lab: the estimate and the SLO maths behind a design document.

Answers come from the api when checked (loading a spec builds the estimate's
unit registry, seconds that ``import kit`` must not pay); the arithmetic
quoted in prompts and solutions is the same formula on the spec's inputs,
and a test holds the two equal.
"""

from .. import config
from ..exercises import MultipleChoice, Numeric, register
from . import api

NOTEBOOK = "12_communicating_designs"
DAU, ACTIONS, PEAK = 5e7, 10, 3  # the URL shortener's load (kit/design/specs/url_shortener.yaml)
POOR = (0.999, 0.999, 0.99)  # the first draft's api, url_db and analytics, one instance each


def _good():
    return api.example("url_shortener")


def _poor():
    return api.example("url_shortener_poor")


register(
    Numeric(
        NOTEBOOK,
        "peak-rps",
        prompt=f"The URL shortener has {DAU:,.0f} daily active users making {ACTIONS} requests a day, "
        f"and its busiest hour runs at {PEAK} times the day's average. How many requests per second "
        "must it serve at peak?",
        answer=lambda: api.numbers(_good())["peak_rps"],
        rel_tol=0.02,
        unit="requests/s",
        mistakes=[
            (DAU * ACTIONS / 86_400, "That is the day's average: multiply by the peak factor."),
            (DAU * ACTIONS / 3_600 * PEAK, "That divides a day's requests by the seconds of an hour."),
        ],
        hint="Requests per day / 86,400 s, times the peak factor: the first row of the estimate.",
        solution=f"{DAU:,.0f} × {ACTIONS} = {DAU * ACTIONS:,.0f} requests a day; / 86,400 s = "
        f"{DAU * ACTIONS / 86_400:,.0f} per second on average; × {PEAK} = "
        f"<b>{DAU * ACTIONS / 86_400 * PEAK:,.0f}</b> at peak "
        "(<code>design.numbers(good)['peak_rps']</code>).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "error-budget",
        prompt="An availability SLO of 99.95% over 30 days: how many minutes of complete outage "
        "does its error budget allow?",
        answer=lambda: api.budgets(api.what_if(_good(), objective=0.9995))["budget_min"].iloc[0],
        rel_tol=0.01,
        unit="minutes",
        mistakes=[
            (43.2, "That is the budget of 99.9%: half as strict."),
            (0.0005 * 365 * 24 * 60, "That is a year's budget; the SLO's period is 30 days."),
        ],
        hint="(1 − objective) × the period in minutes.",
        solution=f"(1 − 0.9995) × 30 × 24 × 60 = <b>{0.0005 * 30 * 24 * 60:.1f}</b> minutes "
        "(<code>reliability.error_budget_min(0.9995)</code>).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "page-threshold",
        prompt="The fast-burn page fires when the error rate spends the budget 14.4 times too fast over "
        "both its windows. For the good design's 99.9% availability SLO, above what error rate does it "
        "fire? (a fraction, e.g. 0.05)",
        answer=lambda: api.alerts(_good())["error_rate"].iloc[0],
        rel_tol=0.01,
        mistakes=[
            (
                14.4 * 0.999,
                "That multiplies the objective; the burn rate multiplies the budget, 1 − objective.",
            ),
            (0.001, "That is burn rate 1: the rate that spends exactly the budget in 30 days."),
        ],
        hint="Burn rate × (1 − objective): the alerts table's 'fires at error rate' column.",
        solution=f"14.4 × (1 − 0.999) = <b>{14.4 * 0.001:.4f}</b>: 1.44% of requests failing for an hour "
        "(and for the last 5 minutes) spends 2% of the month's budget.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "poor-availability",
        prompt="The first draft's request path calls api, url_db and analytics synchronously, one "
        f"instance each, available {POOR[0]:.1%}, {POOR[1]:.1%} and {POOR[2]:.0%}. What share of "
        "requests find all three up? (a number between 0 and 1)",
        answer=lambda: api.availability(_poor()),
        rel_tol=0.0,
        abs_tol=2e-4,
        mistakes=[
            (POOR[2], "That is the weakest unit alone: in series, every unit's downtime adds."),
            (POOR[0] * POOR[1], "That leaves analytics out, as if it were called asynchronously."),
        ],
        hint="Units in series multiply (lab 11): the product of the three.",
        solution=f"{POOR[0]} × {POOR[1]} × {POOR[2]} = <b>{POOR[0] * POOR[1] * POOR[2]:.5f}</b>: "
        f"about {(1 - POOR[0] * POOR[1] * POOR[2]) * 30 * 24 * 60:,.0f} minutes down a month, against a "
        "99.99% objective's 4.3.",
    )
)


OPTIONS = (
    "Send click events through a queue to analytics (asynchronous)",
    "Run three replicas of api and of url_db",
    "Run the whole draft in a second region",
    "Lower the objective to 99%",
)


def _best_fix() -> int:
    """The option whose path availability is highest (the objective change does not change it)."""
    d = _poor()
    with_queue = d.replace(
        components=[*d.components, api.Component("clicks", "queue", replicas=3)],
        flows=[d.flows[0], d.flows[1], api.Flow("api", "clicks"), api.Flow("clicks", "analytics", "async")],
    )
    values = [
        api.availability(with_queue),
        api.availability(api.what_if(d, replicas={"api": 3, "url_db": 3})),
        api.availability(api.what_if(d, regions=2)),
        api.availability(d),
    ]
    return max(range(len(values)), key=values.__getitem__)


register(
    MultipleChoice(
        NOTEBOOK,
        "biggest-fix",
        prompt="Which single change to the first draft raises the availability of its requests the most?",
        options=list(OPTIONS),
        answer=_best_fix,
        why=[
            f"The queue (three replicas) replaces analytics' {POOR[2]:.0%} on the path with about 100%: "
            f"the path becomes {POOR[0] * POOR[1]:.4f}, still with two single instances.",
            "Replicas lift api and url_db to about 100% each, but analytics' 99% stays in series.",
            "Two independent regions fail together with probability "
            f"(1 − {POOR[0] * POOR[1] * POOR[2]:.4f})² ≈ "
            f"{(1 - POOR[0] * POOR[1] * POOR[2]) ** 2:.5f}: the path reaches "
            f"{1 - (1 - POOR[0] * POOR[1] * POOR[2]) ** 2:.4f}, at twice the cost, and only if the regions "
            "really fail independently.",
            "An objective is a promise, not a design: the requests fail just as often.",
        ],
        hint="Compute each option's availability with design.availability(design.what_if(...)).",
        solution="A second region gives the highest number on paper, but doubles the bill and assumes "
        "independent failures; the queue is nearly as good for the cost of a broker, and the review "
        "still asks for replicas. A design document states which it chose, and why.",
    )
)


# --- 13 the capstone -------------------------------------------------------------------------

CAPSTONE = "13_capstone"
NODE_TB = config.DESIGN_NODE_BYTES / 1e12
RTT_MS = 2 * config.DESIGN_REGION_KM / config.DESIGN_FIBRE_KM_PER_MS

register(
    Numeric(
        CAPSTONE,
        "shards-10x",
        prompt="At ten times the traffic the links stored after five years grow tenfold. Each shard keeps "
        f"3 copies on nodes of {NODE_TB:g} TB, and the capstone rounds the shard count up to a power of two "
        "(so that growing doubles it). How many shards does it choose? (the step-2 table gives the bytes)",
        answer=lambda: api.capstone(traffic=10).shards,
        integer=True,
        rel_tol=0.0,
        mistakes=[
            (
                lambda: int(api.shards_needed(api.capstone(traffic=10).design)["needed"].iloc[0]),
                "That is the number needed; the capstone rounds it up to a power of two.",
            ),
            (
                lambda: api.capstone().shards * 10,
                "Ten times the shards: round the number needed up to a power of two.",
            ),
        ],
        hint="ceil(stored bytes / (3 copies × node bytes)), then the next power of two.",
        solution="<code>design.shards_needed(design.capstone(traffic=10).design)</code> gives the number "
        "needed; the next power of two is <code>design.capstone(traffic=10).shards</code>. Jump hash moves "
        "only the keys the new shards take (lab 03): <code>sharding.moved_theory('jump', 8, 128)</code>.",
    )
)

register(
    Numeric(
        CAPSTONE,
        "db-reads",
        prompt=f"The cache holds {config.DESIGN_CACHE_SHARE:.0%} of all links; link popularity is Zipf with "
        f"exponent {config.DESIGN_ZIPF_ALPHA:g}. Using the hit ratio from step 5, how many reads per second "
        "reach the database at peak?",
        answer=lambda: api.capstone().db_reads_per_s,
        rel_tol=0.03,
        unit="reads/s",
        mistakes=[
            (
                lambda: api.numbers(api.capstone().design)["read_peak_rps"] * api.capstone().hit_ratio,
                "That is the reads the cache serves: the database gets the misses, 1 − hit ratio.",
            ),
            (
                lambda: api.numbers(api.capstone().design)["read_peak_rps"] * (1 - config.DESIGN_CACHE_SHARE),
                "That takes the cache's share of links for its hit ratio; popular links are cached first.",
            ),
        ],
        hint="Peak reads × (1 − hit ratio): step 2 and step 5.",
        solution="Peak reads × (1 − <code>design.hit_ratio(0.01)</code>): a cache of 1% of the links "
        "serves about a sixth of the reads, because popularity is skewed (Che's approximation, lab 04).",
    )
)

register(
    Numeric(
        CAPSTONE,
        "two-regions-cost",
        prompt="A second region runs the whole stack, sized for the whole load. By what factor does the "
        "monthly bill grow? (e.g. 1.5)",
        answer=lambda: (
            api.monthly_usd(api.capstone(regions=2).design) / api.monthly_usd(api.capstone().design)
        ),
        rel_tol=0.02,
        mistakes=[(2.0, "Not quite double: transfer out is paid once, whichever region serves a request.")],
        hint="Every line doubles except transfer out: the bill by line, step 9.",
        solution="Servers and storage double; transfer out does not (each request is served once): "
        "<code>design.monthly_usd(design.capstone(regions=2).design) / "
        "design.monthly_usd(design.capstone().design)</code>.",
    )
)

register(
    Numeric(
        CAPSTONE,
        "strong-write",
        prompt=f"Two regions {config.DESIGN_REGION_KM:,.0f} km apart; light in fibre covers about "
        f"{config.DESIGN_FIBRE_KM_PER_MS:g} km per ms. With strongly consistent links across regions, "
        "at least how many ms does every write wait for the other region?",
        answer=lambda: api.cross_region_ms(api.capstone(regions=2, consistency="strong").design),
        rel_tol=0.01,
        unit="ms",
        mistakes=[(RTT_MS / 2, "That is one way; the write waits for the acknowledgement: a round trip.")],
        hint="A round trip: twice the distance over the speed.",
        solution=f"2 × {config.DESIGN_REGION_KM:,.0f} km / {config.DESIGN_FIBRE_KM_PER_MS:g} km/ms = "
        f"<b>{RTT_MS:g}</b> ms, a floor: real routes are longer than the great circle.",
    )
)


def _unchanged_by_traffic() -> int:
    """Which of the four numbers ten times the traffic leaves as it was."""
    a, b = api.capstone(), api.capstone(traffic=10)
    moved = [
        api.availability(b.design) != api.availability(a.design),
        b.shards != a.shards,
        api.monthly_usd(b.design) != api.monthly_usd(a.design),
        b.db_reads_per_s != a.db_reads_per_s,
    ]
    return moved.index(False)


register(
    MultipleChoice(
        CAPSTONE,
        "traffic-unchanged",
        prompt="Ten times the traffic: which of these does <i>not</i> change?",
        options=[
            "the availability",
            "the number of shards",
            "the monthly bill",
            "the database's reads per second",
        ],
        answer=_unchanged_by_traffic,
        why=[
            "Availability depends on the path's units and their replicas, not on the load: the servers are "
            "added to carry it (a simplification: overload is a cause of outages too, lab 06).",
            "Ten times the links outgrow the shards: 128 instead of 8.",
            "More servers, storage and transfer.",
            "The cache's hit ratio stays; the misses grow with the reads.",
        ],
        hint="Compare the steps table at 1x and 10x.",
        solution="The availability: the estimate adds servers to carry the load, and availability in this "
        "model depends on which units a request needs and their replicas, not on how busy they are.",
    )
)
