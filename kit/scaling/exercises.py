"""Exercises of the scaling-out lab; every answer comes from the api."""

from functools import cache

from .. import config
from ..core.rng import Constant
from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import api

NOTEBOOK = "07_scaling_out"
HERD_OPTIONS = ["stale_least_outstanding", "power_of_d", "round_robin", "random"]
HERD_REFRESH_MS = 50.0


@cache
def _herd_best() -> int:
    """Index in HERD_OPTIONS of the policy with the lowest mean response on a 50 ms old view."""
    table = api.herd([HERD_REFRESH_MS], HERD_OPTIONS, 20, 0.9, 100_000, seed=config.SEED)
    return HERD_OPTIONS.index(table.loc[table.mean_ms.idxmin(), "policy"])


@cache
def _day(target: float, warmup_s: float) -> float:
    return api.autoscale(
        api.day_traffic(), api.Autoscaler(target=target, warmup_s=warmup_s)
    ).slo_minutes_missed


register(
    Numeric(
        NOTEBOOK,
        "usl-peak",
        prompt="A service's USL fit gives sigma = 0.05 and kappa = 0.001. At how many concurrent workers "
        "does its throughput peak?",
        answer=lambda: api.peak(0.05, 0.001),
        rel_tol=0.05,
        solution="n* = sqrt((1 − sigma) / kappa) = sqrt(0.95 / 0.001) ≈ 30.8. Beyond it each added worker "
        "costs more in coherency (pairs of workers exchanging data) than it adds: throughput falls.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "two-choices",
        prompt="Many servers at 90% utilisation, exponential service. Random balancing gives a mean response "
        "of 10 service times (M/M/1). What does the power of two choices give, in service times?",
        answer=lambda: api.supermarket_mean(0.9, 2),
        rel_tol=0.03,
        solution="Mitzenmacher's supermarket model: "
        "T<sub>2</sub>(λ) = Σ<sub>i≥1</sub> λ<sup>2<sup>i</sup>−2</sup> "
        "= 1 + 0.9<sup>2</sup> + 0.9<sup>6</sup> + 0.9<sup>14</sup> + … ≈ 2.61: asking one more server cuts "
        "the mean almost fourfold.",
    )
)

register(
    MultipleChoice(
        NOTEBOOK,
        "herd",
        prompt=f"20 servers at 90% utilisation; the balancer sees queue lengths refreshed only every "
        f"{HERD_REFRESH_MS:g} ms (about 50 service times). Which policy now has the lowest mean response?",
        options=HERD_OPTIONS,
        answer=_herd_best,
        why=[
            "Between refreshes every request goes to the servers that looked emptiest: a herd that "
            "overloads them, then the next herd somewhere else.",
            "Two random choices spread a herd over many servers, so an old view hurts far less than with "
            "least outstanding requests; but a view this old still sends requests to servers that were short "
            "long ago (Mitzenmacher, 'How useful is old information?', 2000).",
            "Round robin ignores the view, so nothing herds, and it spaces each server's arrivals evenly: "
            "GI/M/1 with regular gaps queues less than random's M/M/1.",
            "Random ignores the view, so nothing herds; but each server is an M/M/1 queue, and round robin's "
            "even gaps queue less.",
        ],
        solution="Run <code>scaling.herd([50], [...], 20, 0.9, 100_000)</code>. With a view that old, "
        "load-aware choices chase servers that were short long ago: least outstanding herds worst, two "
        "choices less; the policies that ignore the view win, round robin ahead of random.",
    )
)

register(
    PickConfig(
        NOTEBOOK,
        "autoscale-slo",
        prompt="The default day (a diurnal curve and a 2.5x spike at 13:00). Which autoscaler misses the "
        "fewest "
        "SLO minutes?",
        configs=[
            {"target": 0.7, "warmup_s": 60.0},
            {"target": 0.5, "warmup_s": 600.0},
            {"target": 0.4, "warmup_s": 300.0},
            {"target": 0.8, "warmup_s": 0.0},
        ],
        score=lambda c: _day(c["target"], c["warmup_s"]),
        goal="min",
        score_name="SLO minutes missed",
        solution="Headroom buys time: a low target absorbs the spike's first minutes on capacity already "
        "running, while a short warm-up only helps once the alarm has fired (3 minutes above the target) "
        "and CPU, capped at 100%, understates how far behind the fleet is.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "own-write",
        prompt="Replication lag is a constant 50 ms; a user reads their post back after an exponential time "
        "with mean 500 ms, from a random replica. What fraction of users miss their own write?",
        answer=lambda: (
            api.read_replicas(
                3, lag_ms=Constant(50.0), gap_ms=500.0, window_ms=0.0, duration_s=60.0, seed=config.SEED
            ).own_missed
        ),
        rel_tol=0.15,
        solution="They miss it when the read comes before the replica applied the write: "
        "P(G < L) = 1 − e<sup>−50/500</sup> ≈ 0.095. A 50 ms read-your-writes window "
        "(reads go to the primary that long after a write) brings it to zero.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "mod-n-sessions",
        prompt="8 web nodes keep sessions in memory, users sticky by hash(user) mod N. One node fails and "
        "the balancer now hashes mod 7. What share of users lose their session?",
        answer=lambda: float(
            api.session_failover(8, 80_000, seed=config.SEED).set_index("placement").lost["sticky_hash_mod_n"]
        ),
        rel_tol=0.03,
        solution="A user keeps their node only if h mod 8 = h mod 7 and their node is not the failed one: "
        "1 in 8. So 7/8 ≈ 0.875 are logged out, not the 1/8 on the failed node. Consistent hashing (or a "
        "cookie naming the node) loses only those 1/8; a shared session store loses none.",
    )
)
