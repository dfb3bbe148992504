"""Exercises of the caching lab; answers come from the api."""

import math
from collections.abc import Sequence

from ..core.rng import zipf_pmf
from ..exercises import MultipleChoice, Numeric, PickConfig, register
from . import api

NOTEBOOK = "04_caching"
_CHE = api.che_lru(zipf_pmf(10_000, 0.8), 1_000)  # the che-lru exercise's answer
_TTL_STALE = float(api.ttl_stale_fraction(1 / 30, 60.0))  # ... and ttl-stale's

register(
    Numeric(
        NOTEBOOK,
        "che-lru",
        prompt="10,000 objects are requested independently with Zipf(0.8) popularity. An LRU cache holds "
        "1,000 of them (10%). What hit ratio does it reach? (a number between 0 and 1)",
        answer=lambda: _CHE,
        rel_tol=0.05,
        mistakes=[
            (0.1, "That is the cache's share of the objects; the popular ones take more than their share.")
        ],
        hint='The Che approximation, section "Policies and hit-ratio curves": caching.che_lru.',
        solution="The Che approximation: find the characteristic time T with "
        "Σ<sub>i</sub> (1 − e<sup>−p<sub>i</sub>T</sup>) = 1000, then the hit ratio is "
        f"Σ<sub>i</sub> p<sub>i</sub>(1 − e<sup>−p<sub>i</sub>T</sup>) ≈ {_CHE:.3f}: ten percent of the "
        f"objects serve {_CHE:.0%} of the requests, because popularity is skewed. Run "
        "<code>caching.che_lru(zipf_pmf(10_000, 0.8), 1_000)</code>, and check it against "
        "<code>caching.simulate(caching.zipf(10_000, 0.8, 1_000_000), 'lru', 1_000)</code>.",
    )
)

_LOOP_OPTIONS = ["about 91% (1000/1100)", "about 50%", "0%", "100%"]
_LOOP_VALUES = [1000 / 1100, 0.5, 0.0, 1.0]
_LOOP = dict(n_objects=1_100, n_requests=22_000, capacity=1_000)


def _loop_hit_ratio(policy: str) -> float:
    trace = api.loop(_LOOP["n_objects"], _LOOP["n_requests"])
    return api.simulate(trace, policy, _LOOP["capacity"], seed=1).hit_ratio


def _loop_answer() -> int:
    hit = _loop_hit_ratio("lru")
    return min(range(len(_LOOP_VALUES)), key=lambda j: abs(_LOOP_VALUES[j] - hit))


class _Computed(Sequence):
    """Feedback texts made when shown, so the numbers they quote come from the kit."""

    def __init__(self, *texts):
        self._texts = texts

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, j):
        return self._texts[j]()


register(
    MultipleChoice(
        NOTEBOOK,
        "loop",
        prompt="A batch job reads the same 1,100 objects in a loop, again and again. The cache holds "
        "1,000 objects. What hit ratio does LRU get?",
        options=_LOOP_OPTIONS,
        answer=_loop_answer,
        why=_Computed(
            lambda: (
                "About what an optimal policy gets once the cache is full: keep 1,000 objects and miss "
                f"only the other 100 (Belady gets {_loop_hit_ratio('belady'):.0%} over the whole run, the "
                "first pass's misses included). LRU does something else."
            ),
            lambda: (
                f"Not even RANDOM lands near here: it gets {_loop_hit_ratio('random'):.0%} (evicting "
                "at random keeps most of the loop). LRU does worse than chance."
            ),
            lambda: "LRU always evicts the object the loop needs soonest: every request misses.",
            lambda: "The loop does not fit: some requests must miss.",
        ),
        solution="In a loop, the least recently used object is exactly the one the loop needs next, so "
        "LRU evicts it just in time to miss it: 0%. FIFO and CLOCK do the same. RANDOM keeps a random "
        "part of the loop: most of it here, where the cache holds 91% of the loop, but next to none "
        "when the cache holds a small part of it (the app's loop workload at its default size). "
        "S3-FIFO readmits objects whose ids are still in its ghost queue, and Belady keeps all but "
        "one slot of the cache useful (compare them with "
        "<code>caching.policy_race(caching.loop(1100, 22000), 1000)</code>).",
    )
)

_SCANS = dict(n_objects=5_000, n_requests=40_000, alpha=0.8, seed=2026)


def _scan_miss_ratio(config: dict) -> float:
    trace = api.workload("zipf + scans", **_SCANS)
    return api.simulate(trace, config["policy"], config["capacity"]).miss_ratio


register(
    PickConfig(
        NOTEBOOK,
        "scans",
        prompt="Zipf traffic over 5,000 objects, with a scan of new, never-repeated objects making up 30% "
        "of the requests (a backup, an analytics job). With a 250-object cache, which policy misses least?",
        configs=[{"policy": p, "capacity": 250} for p in ("lru", "fifo", "clock", "s3fifo")],
        score=_scan_miss_ratio,
        goal="min",
        score_name="miss ratio",
        solution="Each scanned object is requested once, so every one of them is a wasted slot. LRU, "
        "FIFO and CLOCK put new objects where they stay longest; S3-FIFO puts them in a small FIFO "
        "(10% of the cache) that lets them leave fast, and moves to its main queue only objects hit "
        "twice while in small, or requested again while their id is in its ghost queue (Yang et al., "
        "SOSP 2023, Algorithm 1). Compare all policies with <code>caching.compare</code>.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "herd",
        prompt="A key is requested 2,000 times per second. It expires, and recomputing it takes 100 ms. "
        "Without protection, how many recomputes hit the database for this one expiry?",
        answer=lambda: float(api.herd_size(2_000, 0.1)),
        rel_tol=0.1,
        unit="recomputes",
        integer=True,
        mistakes=[
            (200_001, "δ is in seconds in R·δ: 100 ms is 0.1 s."),
            (1, "That is with a lock (single flight); here nothing protects the key."),
        ],
        hint="The herd 1 + R·δ, section Stampedes (caching.herd_size).",
        solution="The first request after expiry starts a recompute; every request in the next 100 ms "
        "finds no value and starts its own: 1 + 2000 × 0.1 = 201. A lock (single flight) makes it 1; "
        "XFetch makes the expiry itself unlikely; stale-while-revalidate serves the old value meanwhile.",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "ttl-stale",
        prompt="Write-around: writes go to the database only, cached copies live 60 s. A key is read "
        "all the time and written on average once every 30 s (at random). What fraction of its reads "
        "are stale? (between 0 and 1)",
        answer=lambda: _TTL_STALE,
        rel_tol=0.05,
        mistakes=[
            (
                lambda: 1 - math.exp(-2.0),
                "That is the chance of a write in a whole TTL; a read finds a copy of any age, 0 to 60 s.",
            ),
            (2.0, "That is wT, the writes expected in one TTL, not a fraction of reads."),
        ],
        hint='Section "TTL and invalidation": 1 − (1 − e^(−wT))/(wT), caching.ttl_stale_fraction.',
        solution="A read finds a copy of age uniform in [0, 60 s); it is stale if a write came since "
        "the copy was made, probability 1 − e<sup>−w·age</sup>. Averaged: "
        f"1 − (1 − e<sup>−wT</sup>)/(wT) with wT = 2: {_TTL_STALE:.2f}. A TTL bounds how long data can be "
        "stale, not how often: invalidate on write, or shorten the TTL.",
    )
)
