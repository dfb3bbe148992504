"""Slow, obvious reference implementations that fast kernels are tested against."""

import heapq


def fanout_max(draws_per_trial: list[list[float]], ks: list[int]) -> list[list[float]]:
    """Request latency = max of the first k server latencies, per trial."""
    return [[max(draws[:k]) for k in ks] for draws in draws_per_trial]


def heap_order(events: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Events (time, kind, data) in pop order: by time, ties in push order."""
    heap = [(t, seq, kind, data) for seq, (t, kind, data) in enumerate(events)]
    heapq.heapify(heap)
    return [(t, kind, data) for t, _, kind, data in (heapq.heappop(heap) for _ in range(len(heap)))]


# --- 02 consistency: PBS and the replicated-register simulator -----------------------------------


def wars_trial(draws: list[float], N: int, R: int, W: int) -> tuple[float, float, float]:
    """One WARS trial from 4N delays ordered (W, A, R, S) per replica: (t*, write ms, read ms).

    Sorted lists instead of partial selection: the write commits at the W-th
    fastest W+A, the read keeps the R fastest R+S, and is consistent for
    t >= min over those replicas of (W_i - commit - R_i).
    """
    w = [draws[4 * i] for i in range(N)]
    wa = [draws[4 * i] + draws[4 * i + 1] for i in range(N)]
    r = [draws[4 * i + 2] for i in range(N)]
    rs = [draws[4 * i + 2] + draws[4 * i + 3] for i in range(N)]
    commit = sorted(wa)[W - 1]
    fastest = sorted(range(N), key=lambda i: rs[i])[:R]
    return min(w[i] - commit - r[i] for i in fastest), commit, sorted(rs)[R - 1]


def k_staleness_mc(N: int, R: int, W: int, k: int, trials: int, seed: int) -> float:
    """P(a random read quorum meets one of the last k random write quorums), by sampling sets."""
    import random

    rng = random.Random(seed)
    hits = 0
    for _ in range(trials):
        read = set(rng.sample(range(N), R))
        hits += any(read & set(rng.sample(range(N), W)) for _ in range(k))
    return hits / trials


def stale_reads(ops: list[dict], initial) -> list[bool]:
    """Stale reads by the definition, pair by pair: O(n^2).

    ``ops``: dicts with f, key, value (written), result, invoke_t, complete_t,
    status; a read is stale if some ok write w of its key completed before
    it began and it returned the initial value or a value whose write
    completed before w began.
    """
    writes = [
        o
        for o in ops
        if o["status"] == "ok" and (o["f"] == "write" or (o["f"] == "cas" and o["result"] is True))
    ]
    written_by = {}
    for o in ops:
        if o["f"] in ("write", "cas"):
            v = o["value"][1] if o["f"] == "cas" else o["value"]
            written_by[v] = o
    out = []
    for r in ops:
        if r["f"] != "read" or r["status"] != "ok":
            out.append(False)
            continue
        stale = False
        for w in writes:
            if w["key"] != r["key"] or not w["complete_t"] < r["invoke_t"]:
                continue
            src = written_by.get(r["result"])
            if src is None:
                stale = stale or r["result"] == initial
            elif src in writes and src["complete_t"] < w["invoke_t"]:
                stale = True
        out.append(stale)
    return out
