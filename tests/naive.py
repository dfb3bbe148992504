"""Slow, obvious reference implementations that fast kernels are tested against."""

import heapq
import itertools


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


# --- 02 consistency: the checkers, by their definitions (permutations) ---------------------------
# An operation is a dict: process, f ("read"/"write"/"cas"/"append"), key, value, result,
# invoke_t, complete_t, status ("ok"/"fail"/"info"). Exponential: for histories of a few ops.


def _legal(sequence, initial) -> bool:
    """Does running ``sequence`` on one copy of the object give every operation its result?"""
    state = {}
    for o in sequence:
        cur = state.get(o["key"], initial)
        unknown = o["status"] == "info"
        if o["f"] == "read":
            if not unknown and o["result"] != cur:
                return False
        elif o["f"] == "write":
            state[o["key"]] = o["value"]
        elif o["f"] == "append":
            state[o["key"]] = cur + o["value"]
        else:
            swapped = cur == o["value"][0]
            if not unknown and bool(o["result"]) != swapped:
                return False
            if swapped:
                state[o["key"]] = o["value"][1]
    return True


def _choices(ops):
    """Every set of operations that may have happened: ok ones always, info ones or not, fail never."""
    sure = [o for o in ops if o["status"] == "ok"]
    maybe = [o for o in ops if o["status"] == "info"]
    for mask in range(2 ** len(maybe)):
        yield sure + [o for j, o in enumerate(maybe) if mask >> j & 1]


def linearizable(ops, initial) -> bool:
    """Herlihy & Wing 1990: some order of the operations that respects real time is legal.

    a must precede b when a completed strictly before b was invoked; an info
    operation never completed (it may take effect at any time after its
    invocation, or never).
    """

    def done(o):
        return float("inf") if o["status"] == "info" else o["complete_t"]

    for chosen in _choices(ops):
        for perm in itertools.permutations(chosen):
            if all(
                not done(perm[j]) < perm[i]["invoke_t"]
                for i in range(len(perm))
                for j in range(i + 1, len(perm))
            ) and _legal(perm, initial):
                return True
    return False


def _program_order_kept(perm, ops) -> bool:
    """Does ``perm`` keep each process's operations in their order in ``ops`` (the history's)?"""
    position = {id(o): k for k, o in enumerate(ops)}
    last = {}
    for o in perm:
        if last.get(o["process"], -1) > position[id(o)]:
            return False
        last[o["process"]] = position[id(o)]
    return True


def sequential(ops, initial) -> bool:
    """Lamport 1979: some interleaving that keeps each process's order is legal."""
    return any(
        _program_order_kept(perm, ops) and _legal(perm, initial)
        for chosen in _choices(ops)
        for perm in itertools.permutations(chosen)
    )


def _reads_from(ops, initial):
    """For ok reads of a differentiated history: the write each saw (None: the initial value)."""
    writer = {(o["key"], o["value"]): o for o in ops if o["f"] == "write"}
    return {id(r): writer.get((r["key"], r["result"])) for r in ops if r["f"] == "read"}


def causal_memory(ops, initial) -> bool:
    """Ahamad et al. 1995: each process has one legal order of all writes and its own ops respecting CO.

    CO is (program order ∪ reads-from)+; ok reads and writes only.
    """
    rf = _reads_from(ops, initial)
    if any(w is None and r["result"] != initial for r in ops if r["f"] == "read" for w in [rf[id(r)]]):
        return False  # a value nobody wrote
    before = {  # program order: the history lists each process's operations in order
        (id(a), id(b)) for j, a in enumerate(ops) for b in ops[j + 1 :] if a["process"] == b["process"]
    }
    before |= {(id(w), rid) for rid, w in rf.items() if w is not None}
    changed = True
    while changed:  # transitive closure
        extra = {(a, d) for a, b in before for c, d in before if b == c} - before
        changed = bool(extra)
        before |= extra
    if any(a == b for a, b in before):
        return False
    writes = [o for o in ops if o["f"] == "write"]
    for p in {o["process"] for o in ops}:
        mine = writes + [o for o in ops if o["process"] == p and o["f"] == "read"]
        if not any(
            all(
                (id(perm[j]), id(perm[i])) not in before
                for i in range(len(perm))
                for j in range(i + 1, len(perm))
            )
            and _legal(perm, initial)
            for perm in itertools.permutations(mine)
        ):
            return False
    return True


def pram(ops, initial) -> bool:
    """Lipton & Sandberg 1988: each process has one legal order of all writes and its own ops
    that keeps every process's program order."""
    writes = [o for o in ops if o["f"] == "write"]
    for p in {o["process"] for o in ops}:
        mine = writes + [o for o in ops if o["process"] == p and o["f"] == "read"]
        if not any(
            _program_order_kept(perm, ops) and _legal(perm, initial) for perm in itertools.permutations(mine)
        ):
            return False
    return True
