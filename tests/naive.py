"""Slow, obvious reference implementations that fast kernels are tested against."""

import bisect
import heapq
import itertools
import math


def fanout_max(draws_per_trial: list[list[float]], ks: list[int]) -> list[list[float]]:
    """Request latency = max of the first k server latencies, per trial."""
    return [[max(draws[:k]) for k in ks] for draws in draws_per_trial]


def heap_order(events: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Events (time, kind, data) in pop order: by time, ties in push order."""
    heap = [(t, seq, kind, data) for seq, (t, kind, data) in enumerate(events)]
    heapq.heapify(heap)
    return [(t, kind, data) for t, _, kind, data in (heapq.heappop(heap) for _ in range(len(heap)))]


# --- 05 sagas ---------------------------------------------------------------------------
# An orchestrated saga, one run at a time, in plain Python with its own random stream.
# Written from the model's rules, not from the kernel: the two must agree in distribution.


def _draw(dist, rng):
    from kit.core.rng import Constant, Exponential, LogNormal

    if isinstance(dist, Constant):
        return dist.value
    if isinstance(dist, LogNormal):
        return rng.lognormvariate(dist.mu, dist.sigma)
    if isinstance(dist, Exponential):
        return rng.expovariate(1.0 / dist.mean)
    raise NotImplementedError(type(dist).__name__)


def _backoff(retry, k, rng):
    wait = min(retry.cap_ms, retry.base_ms * retry.multiplier ** (k - 1))
    if retry.jitter == "full":
        return rng.uniform(0.0, wait)
    if retry.jitter == "equal":
        return wait / 2 + rng.uniform(0.0, wait / 2)
    return wait


def saga_run(saga, faults, rng, forward_attempts):
    """One orchestrated run: (outcome, latency_ms, messages, retries, duplicates)."""
    effects = {s.name: 0 for s in saga.steps}
    first = {}  # when each step first took effect
    busy = {s.name: 0.0 for s in saga.steps}
    tally = {"messages": 0, "retries": 0}

    def crash_or(t_from, t_to):
        if rng.random() < faults.crash_p:
            return t_from + rng.random() * (t_to - t_from) + _draw(faults.downtime, rng)
        return None

    def call(step, t, undo):
        """Send one command; the participant acts; the caller sees (time, what) or a crash."""
        tally["messages"] += 1
        lost = rng.random() < faults.loss_p
        arrive = t + _draw(faults.network, rng)
        done = arrive + _draw(step.compensation_latency if undo else step.action, rng)
        u = rng.random()
        if lost:
            what, reply = "timeout", float("inf")
        else:
            done = max(done, busy[step.name] + (done - arrive)) if undo else done
            busy[step.name] = max(busy[step.name], done)
            if undo:
                q, p = faults.comp_permanent_p, faults.comp_fail_p
                what = "permanent" if u < q else "failed" if u < q + p else "ok"
            elif step.idempotent and effects[step.name]:
                what, done = "ok", max(done, first[step.name])  # answered once the original is done
            else:
                q, p = step.p_permanent, step.p_fail
                what = "permanent" if u < q else "failed" if u < q + p else "ok"
                if what == "ok":
                    effects[step.name] += 1
                    first[step.name] = min(first.get(step.name, done), done)
            tally["messages"] += 1
            reply = done + _draw(faults.network, rng)
            if rng.random() < faults.loss_p:
                reply = float("inf")
        if reply - t > step.timeout_ms:
            what, reply = "timeout", t + step.timeout_ms
        back = crash_or(t, reply)
        return (back, "crash") if back is not None else (reply, what)

    def run(step, t, undo):
        limit = step.retry.attempts
        if step.kind == "retriable" and not undo:
            limit = max(limit, forward_attempts)
        maybe, tries, resend = False, 0, False
        while True:
            if tries or resend:
                tally["retries"] += 1
            if tries and not resend:
                t += _backoff(step.retry, tries, rng)
            t, what = call(step, t, undo)
            resend = what == "crash"
            if resend:
                maybe = True
                continue
            tries += 1
            if what == "ok":
                return t, "ok"
            maybe = maybe or what == "timeout"
            if what == "permanent" or tries >= limit:
                return t, ("unknown" if maybe else "failed") if not undo else "failed"

    t, done, failed_at = 0.0, [], None
    for gi, group in enumerate(saga.groups):
        ends = [run(s, t, False) for s in group]
        t = max(e for e, _ in ends)
        done += [(gi, s, what) for s, (_, what) in zip(group, ends, strict=True) if what != "failed"]
        if any(what != "ok" for _, what in ends):
            failed_at = gi
            break
    outcome = "committed"
    if failed_at is not None:
        outcome = "compensated"
        if any(s.kind != "compensatable" for _, s, _ in done):
            outcome = "stuck"
        else:
            for gi in range(failed_at, -1, -1):
                ends = [run(s, t, True) for g, s, _ in done if g == gi]
                t = max([t] + [e for e, _ in ends])
                if any(what != "ok" for _, what in ends):
                    outcome = "stuck"
                    break
    duplicates = sum(max(n - 1, 0) for n in effects.values())
    return outcome, t, tally["messages"], tally["retries"], duplicates


# --- 03 sharding ---------------------------------------------------------------------------

MASK64 = (1 << 64) - 1
XXH_P1, XXH_P2, XXH_P3, XXH_P4, XXH_P5 = (
    0x9E3779B185EBCA87,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0x85EBCA77C2B2AE63,
    0x27D4EB2F165667C5,
)


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & MASK64


def _xxh_round(acc: int, lane: int) -> int:
    return (_rotl((acc + lane * XXH_P2) & MASK64, 31) * XXH_P1) & MASK64


def xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64 straight from the specification, on Python integers."""
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + XXH_P1 + XXH_P2) & MASK64, (seed + XXH_P2) & MASK64, seed, (seed - XXH_P1) & MASK64]
        while i + 32 <= n:
            for lane in range(4):
                v[lane] = _xxh_round(v[lane], int.from_bytes(data[i + 8 * lane : i + 8 * lane + 8], "little"))
            i += 32
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & MASK64
        for lane in v:
            h = ((h ^ _xxh_round(0, lane)) * XXH_P1 + XXH_P4) & MASK64
    else:
        h = (seed + XXH_P5) & MASK64
    h = (h + n) & MASK64
    while i + 8 <= n:
        h ^= _xxh_round(0, int.from_bytes(data[i : i + 8], "little"))
        h = (_rotl(h, 27) * XXH_P1 + XXH_P4) & MASK64
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i : i + 4], "little") * XXH_P1) & MASK64
        h = (_rotl(h, 23) * XXH_P2 + XXH_P3) & MASK64
        i += 4
    while i < n:
        h ^= (data[i] * XXH_P5) & MASK64
        h = (_rotl(h, 11) * XXH_P1) & MASK64
        i += 1
    h ^= h >> 33
    h = (h * XXH_P2) & MASK64
    h ^= h >> 29
    h = (h * XXH_P3) & MASK64
    return h ^ (h >> 32)


def key_hash(key) -> int:
    """The kit's key hash: XXH64 of UTF-8 for strings, of 8 little-endian bytes for integers."""
    if isinstance(key, str):
        return xxh64(key.encode("utf-8"))
    return xxh64((int(key) & MASK64).to_bytes(8, "little"))


def jump(key: int, n: int) -> int:
    """Lamping & Veach's loop, with Python's unbounded integers reduced mod 2^64."""
    b, j = -1, 0
    while j < n:
        b = j
        key = (key * 2862933555777941757 + 1) & MASK64
        j = int((b + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return b


def ring_points(vnodes: list[int]) -> list[tuple[int, int]]:
    """Sorted (token, node): token v of node i at XXH64("i-v")."""
    return sorted((xxh64(f"{i}-{v}".encode()), i) for i, count in enumerate(vnodes) for v in range(count))


def ring_owner(points: list[tuple[int, int]], h: int) -> int:
    """Owner of the first token strictly after h, wrapping around."""
    tokens = [t for t, _ in points]
    j = bisect.bisect_right(tokens, h)
    return points[j % len(points)][1]


def bounded(points: list[tuple[int, int]], hashes: list[int], n: int, capacity: int) -> list[int]:
    tokens = [t for t, _ in points]
    load, out = [0] * n, []
    for h in hashes:
        j = bisect.bisect_right(tokens, h) % len(points)
        while load[points[j][1]] >= capacity:
            j = (j + 1) % len(points)
        out.append(points[j][1])
        load[points[j][1]] += 1
    return out


def rendezvous(h: int, n: int) -> int:
    scores = [xxh64(h.to_bytes(8, "little"), seed=j) for j in range(n)]
    return scores.index(max(scores))


def range_partition(keys: list[int], split_keys: int, n: int):
    """Ranges as [low, sorted keys, owner] in key order; split at the median when full."""
    ranges = [[0, [], 0]]
    node_keys = [0] * n
    writer = []
    seen = set()
    for x in keys:
        if x in seen:
            continue
        seen.add(x)
        p = bisect.bisect_right([r[0] for r in ranges], x) - 1
        r = ranges[p]
        bisect.insort(r[1], x)
        node_keys[r[2]] += 1
        writer.append(r[2])
        if len(r[1]) == split_keys:
            half = split_keys // 2
            upper = r[1][half:]
            del r[1][half:]
            dest = node_keys.index(min(node_keys))
            node_keys[r[2]] -= len(upper)
            node_keys[dest] += len(upper)
            ranges.insert(p + 1, [upper[0], upper, dest])
    return ranges, writer


# --- 04 caching ---------------------------------------------------------------------------------
# Caches with libCacheSim's semantics, written the obvious way: a hit changes only
# metadata and keeps the stored size; a miss admits unless larger than the cache,
# evicting until it fits. Each returns the number of hits.


def _cache_loop(keys, sizes, capacity, on_hit, victim, on_insert, stored):
    hits = used = 0
    for i, (k, s) in enumerate(zip(keys, sizes, strict=True)):
        if k in stored:
            hits += 1
            on_hit(k, i)
        elif s <= capacity:
            while used + s > capacity:
                v = victim(i)
                used -= stored.pop(v)
            stored[k] = s
            used += s
            on_insert(k, i)
    return hits


def lru(keys, sizes, capacity):
    order = []  # least recent first
    stored = {}

    def hit(k, i):
        order.remove(k)
        order.append(k)

    def insert(k, i):
        order.append(k)

    return _cache_loop(keys, sizes, capacity, hit, lambda i: order.pop(0), insert, stored)


def fifo(keys, sizes, capacity):
    order = []
    stored = {}
    return _cache_loop(
        keys, sizes, capacity, lambda k, i: None, lambda i: order.pop(0), lambda k, i: order.append(k), stored
    )


def clock(keys, sizes, capacity):
    """Oldest first; a set bit buys one more trip to the newest end."""
    order, bit, stored = [], {}, {}

    def victim(i):
        while bit[order[0]]:
            bit[order[0]] = False
            order.append(order.pop(0))
        return order.pop(0)

    def insert(k, i):
        order.append(k)
        bit[k] = False

    return _cache_loop(keys, sizes, capacity, lambda k, i: bit.__setitem__(k, True), victim, insert, stored)


def sieve(keys, sizes, capacity):
    """A list oldest first; the hand walks towards the newest, wrapping to the oldest."""
    order, visited, stored = [], {}, {}
    hand = [None]  # the object the hand points at, None = start from the oldest

    def victim(i):
        j = 0 if hand[0] is None else order.index(hand[0])
        while visited[order[j]]:
            visited[order[j]] = False
            j = j + 1 if j + 1 < len(order) else 0
        v = order.pop(j)
        hand[0] = order[j] if j < len(order) else None
        return v

    def insert(k, i):
        order.append(k)
        visited[k] = False

    def hit(k, i):
        visited[k] = True

    return _cache_loop(keys, sizes, capacity, hit, victim, insert, stored)


def lfu(keys, sizes, capacity):
    """Fewest requests since admission; ties to the one that reached that count first."""
    freq, reached, stored = {}, {}, {}

    def hit(k, i):
        freq[k] += 1
        reached[k] = i

    def insert(k, i):
        freq[k] = 1
        reached[k] = i

    return _cache_loop(
        keys, sizes, capacity, hit, lambda i: min(stored, key=lambda k: (freq[k], reached[k])), insert, stored
    )


def belady(keys, sizes, capacity):
    """Evict the object requested again furthest in the future (never = infinitely far)."""
    nxt, seen = [0] * len(keys), {}
    for i in range(len(keys) - 1, -1, -1):
        nxt[i] = seen.get(keys[i], float("inf"))
        seen[keys[i]] = i
    when, stored = {}, {}

    def note(k, i):
        when[k] = nxt[i]

    def victim(i):
        return max(stored, key=lambda k: when[k])

    return _cache_loop(keys, sizes, capacity, note, victim, note, stored)


def s3fifo(keys, sizes, capacity):
    """S3-FIFO as libCacheSim S3FIFO.c: small 10%, main the rest (2-bit CLOCK), ghost of ids 90%."""
    small_cap = int(capacity * 0.1)
    main_cap = capacity - small_cap
    ghost_cap = int(capacity * 0.9)
    small, main, ghost = [], [], []  # oldest first
    size, freq, ghost_size = {}, {}, {}
    state = {"evicted": False}
    hits = 0

    def used(q):
        return sum(size[k] for k in q)

    def remember(k):
        s = size.pop(k)
        if ghost_cap == 0 or s > ghost_cap:
            return
        while sum(ghost_size.values()) + s > ghost_cap:
            del ghost_size[ghost.pop(0)]
        ghost.append(k)
        ghost_size[k] = s

    def evict():
        state["evicted"] = True
        if used(main) > main_cap or not small:
            while main:
                k = main.pop(0)
                if freq[k] >= 1:
                    freq[k] = min(freq[k], 3) - 1
                    main.append(k)
                else:
                    size.pop(k)
                    return
            return
        while small:
            k = small.pop(0)
            if freq[k] >= 2:
                main.append(k)
                freq[k] = 0
            else:
                remember(k)
                return

    for k, s in zip(keys, sizes, strict=True):
        if k in size:
            hits += 1
            freq[k] += 1
            continue
        from_ghost = k in ghost_size
        if from_ghost:
            ghost.remove(k)
            del ghost_size[k]
        if s > small_cap or s > capacity:
            continue
        while used(small) + used(main) + s > capacity:
            evict()
        if from_ghost:
            main.append(k)
        elif s >= small_cap:
            continue
        elif not state["evicted"] and used(small) >= small_cap:
            main.append(k)
        else:
            small.append(k)
        size[k] = s
        freq[k] = 0
    return hits


def stack_distances(keys, sizes):
    """LRU stack distance per request: bytes of distinct objects since, plus its own; 0 if first."""
    stack, out = [], []  # most recent first
    for k, s in zip(keys, sizes, strict=True):
        if k in [x for x, _ in stack]:
            j = [x for x, _ in stack].index(k)
            out.append(sum(size for _, size in stack[:j]) + stack[j][1])
            stack.pop(j)
        else:
            out.append(0)
        stack.insert(0, (k, s))
    return out


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


def _precedes(a, b, position) -> bool:
    """Must ``a`` come before ``b``? Real time: a completed strictly before b was invoked (an info
    operation never completes); program order: a process's operations in their order in the
    history (``position``), even when one completes at the instant the next is invoked."""
    done = float("inf") if a["status"] == "info" else a["complete_t"]
    return done < b["invoke_t"] or (a["process"] == b["process"] and position[id(a)] < position[id(b)])


def _some_legal_order(chosen, must_precede, initial) -> bool:
    """Is some order of ``chosen`` in which every ``must_precede(a, b)`` holds legal? Every such
    order is generated (a depth-first walk over the orders that keep the constraint)."""
    n = len(chosen)
    first = [[must_precede(chosen[j], chosen[i]) for j in range(n)] for i in range(n)]
    placed = [False] * n
    sequence = []

    def extend() -> bool:
        if len(sequence) == n:
            return _legal([chosen[k] for k in sequence], initial)
        for i in range(n):
            if not placed[i] and all(placed[j] for j in range(n) if first[i][j]):
                placed[i] = True
                sequence.append(i)
                if extend():
                    return True
                sequence.pop()
                placed[i] = False
        return False

    return extend()


def linearizable(ops, initial) -> bool:
    """Herlihy & Wing 1990: some order of the operations that took effect, respecting precedence
    (:func:`_precedes`), is legal; an info operation may have taken effect at any time after its
    invocation, or never. Every key at once: no use of locality."""
    position = {id(o): k for k, o in enumerate(ops)}
    return any(
        _some_legal_order(chosen, lambda a, b: _precedes(a, b, position), initial) for chosen in _choices(ops)
    )


def sequential(ops, initial) -> bool:
    """Lamport 1979: some interleaving that keeps each process's order is legal."""
    position = {id(o): k for k, o in enumerate(ops)}

    def program_order(a, b):
        return a["process"] == b["process"] and position[id(a)] < position[id(b)]

    return any(_some_legal_order(chosen, program_order, initial) for chosen in _choices(ops))


def _reads_from(ops, initial):
    """For ok reads of a differentiated history: the write each saw (None: the initial value)."""
    writer = {(o["key"], o["value"]): o for o in ops if o["f"] == "write"}
    return {id(r): writer.get((r["key"], r["result"])) for r in ops if r["f"] == "read"}


# One arbitration order of writes (Terry et al. 1994; Viotti & Vukolić 2016, section 2). An operation
# that took effect reads (an ok read, a cas that swapped: its expected value), writes (a write, a cas
# that swapped: its new value), or both. Of the info ones, any subset took effect (_choices); an info
# cas that took effect swapped.
def _roles(chosen):
    readers, writers = [], []
    for o in chosen:
        swapped = o["f"] == "cas" and (o["status"] == "info" or o["result"] is True)
        if (o["f"] == "read" and o["status"] == "ok") or swapped:
            readers.append(o)
        if o["f"] == "write" or swapped:
            writers.append(o)
    return readers, writers


def _read_value(o):
    return o["value"][0] if o["f"] == "cas" else o["result"]


def _written_value(o):
    return o["value"][1] if o["f"] == "cas" else o["value"]


def _sources(readers, writers, initial):
    """The write each reader saw (None: the initial value), or None overall for a value nobody wrote."""
    writer = {(w["key"], _written_value(w)): w for w in writers}
    rf = {}
    for r in readers:
        v = _read_value(r)
        if (r["key"], v) in writer:
            rf[id(r)] = writer[(r["key"], v)]
        elif v == initial:
            rf[id(r)] = None
        else:
            return None
    return rf


def _session_before(chosen):
    """(a, b) pairs, by id, with a before b in its process (the history's order)."""
    return {
        (id(a), id(b)) for j, a in enumerate(chosen) for b in chosen[j + 1 :] if a["process"] == b["process"]
    }


def causal_convergence(ops, initial) -> bool:
    """CCv (Bouajjani et al. 2017; causality with one arbitration order, Viotti & Vukolić 2016):
    some total order of the writes that extends CO = (so ∪ rf)+ makes every read return the last
    write, in that order, among the writes CO-before it to its key (none: the initial value)."""
    for chosen in _choices(ops):
        readers, writers = _roles(chosen)
        rf = _sources(readers, writers, initial)
        if rf is None:
            continue
        acting = {id(o) for o in readers + writers}
        before = _session_before([o for o in chosen if id(o) in acting])
        before |= {(id(w), rid) for rid, w in rf.items() if w is not None}
        changed = True
        while changed:
            extra = {(a, d) for a, b in before for c, d in before if b == c} - before
            changed = bool(extra)
            before |= extra
        if any(a == b for a, b in before):
            continue
        for order in itertools.permutations(writers):
            rank = {id(w): k for k, w in enumerate(order)}
            if any((id(b), id(a)) in before for a in writers for b in writers if rank[id(a)] < rank[id(b)]):
                continue
            if all(
                max(
                    (w for w in writers if w["key"] == r["key"] and (id(w), id(r)) in before),
                    key=lambda w: rank[id(w)],
                    default=None,
                )
                is rf[id(r)]
                for r in readers
            ):
                return True
    return False


def session_guarantees(ops, initial, rules) -> bool:
    """Terry et al. 1994, section 3, with one order of all writes: some total order of the writes and
    some set of visible writes per read (the database the read runs on) such that each read returns
    the last visible write to its key (none: the initial value) and each rule in ``rules`` holds:

    - ``read-your-writes``: the session's earlier writes are visible;
    - ``monotonic-reads``: the writes relevant to an earlier read of the session (its visible writes
      to its key) are visible;
    - ``monotonic-writes``: a session's writes are ordered as issued, and a read that sees one sees
      the session's earlier writes;
    - ``writes-follow-reads``: the writes relevant to an earlier read of the writer's session come
      before the write, and a read that sees the write sees them.

    Every visible set is tried (for histories of a few operations)."""
    for chosen in _choices(ops):
        readers, writers = _roles(chosen)
        rf = _sources(readers, writers, initial)
        if rf is None:
            continue
        po = _session_before(chosen)
        for order in itertools.permutations(writers):
            rank = {id(w): k for k, w in enumerate(order)}
            options = []
            for r in readers:
                source = rf[id(r)]
                fits = []
                for mask in range(2 ** len(writers)):
                    vis = {id(w) for j, w in enumerate(writers) if mask >> j & 1}
                    same = [w for w in writers if id(w) in vis and w["key"] == r["key"]]
                    if source is None and not same:
                        fits.append(vis)
                    elif (
                        source is not None
                        and id(source) in vis
                        and all(rank[id(w)] <= rank[id(source)] for w in same)
                    ):
                        fits.append(vis)
                options.append(fits)
            for choice in itertools.product(*options):
                vis = {id(r): v for r, v in zip(readers, choice, strict=True)}
                if _rules_hold(rules, readers, writers, vis, rank, po):
                    return True
    return False


def _rules_hold(rules, readers, writers, vis, rank, po) -> bool:
    def relevant(r):
        return {id(w) for w in writers if id(w) in vis[id(r)] and w["key"] == r["key"]}

    for r in readers:
        for w in writers:
            if "read-your-writes" in rules and (id(w), id(r)) in po and id(w) not in vis[id(r)]:
                return False
        for r0 in readers:
            if "monotonic-reads" in rules and (id(r0), id(r)) in po and not relevant(r0) <= vis[id(r)]:
                return False
    for w2 in writers:
        must = set()  # writes that must come before w2 and be visible with it
        if "monotonic-writes" in rules:
            must |= {id(w1) for w1 in writers if (id(w1), id(w2)) in po}
        if "writes-follow-reads" in rules:
            for r1 in readers:
                if (id(r1), id(w2)) in po:
                    must |= relevant(r1)
        if any(rank[w1] >= rank[id(w2)] for w1 in must):
            return False
        if any(id(w2) in vis[id(r)] and not must <= vis[id(r)] for r in readers):
            return False
    return True


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
    """PRAM as read-your-writes, monotonic reads and monotonic writes together (Brzeziński et al.
    2004; Viotti & Vukolić 2016, section 3.2), under one order of the writes."""
    return session_guarantees(ops, initial, {"read-your-writes", "monotonic-reads", "monotonic-writes"})


# --- 06 reliability and the queueing core ------------------------------------------------

INF = float("inf")


def fifo_starts(arrivals: list[float], service: list[float], c: int) -> list[float]:
    """FIFO with c servers: each customer, in arrival order, takes the server that frees first."""
    free = [0.0] * c
    starts = []
    for a, s in zip(arrivals, service, strict=True):
        i = min(range(c), key=lambda j: free[j])
        start = max(a, free[i])
        starts.append(start)
        free[i] = start + s
    return starts


def station(
    trace: list[float],
    classes: list[int],
    service: list[float],
    c: int,
    discipline: str = "fifo",
    queue_cap: int | None = None,
    timeout: float = INF,
    cancel: str = "none",
    max_retries: int = 0,
    backoff_s: float = 0.0,
    budget: tuple[float, float] | None = None,
) -> list[dict]:
    """The station's event loop in plain Python, for arrivals at given times and constant service.

    ``service[k]`` is class k's service time; retries sleep ``backoff_s``;
    ``budget`` is (tokens per success, cap). One dict per attempt, in the
    order attempts were created. Times should not tie (random floats).
    """
    heap: list = []
    seq = itertools.count()
    rows: list[dict] = []
    queue: list[int] = []
    state = {"busy": 0, "waiting": 0, "tokens": budget[1] if budget else INF}

    def push(t, kind, r):
        heapq.heappush(heap, (t, next(seq), kind, r))

    def new(t, cls, attempt, first):
        rows.append(
            dict(arrive=t, start=math.nan, done=math.nan, reply=math.nan, cls=cls, attempt=attempt,
                 first=len(rows) if first < 0 else first, status="pending", server="not_run")
        )  # fmt: skip
        return len(rows) - 1

    def start(r, t):
        rows[r].update(start=t, server="in_service")
        push(t + service[rows[r]["cls"]], "departure", r)

    def serve_next(t):
        while state["busy"] < c and queue:
            if discipline == "fifo":
                r = queue.pop(0)
            elif discipline == "lifo":
                r = queue.pop()
            else:
                r = min(queue, key=lambda x: (rows[x]["cls"], queue.index(x)))
                queue.remove(r)
            if rows[r]["server"] == "dropped":
                continue
            state["waiting"] -= 1
            state["busy"] += 1
            start(r, t)

    def settle(r, t):
        row = rows[r]
        if row["status"] == "ok":
            if budget:
                state["tokens"] = min(budget[1], state["tokens"] + budget[0])
        elif row["attempt"] < max_retries and state["tokens"] >= 1:
            if budget:
                state["tokens"] -= 1
            push(t + backoff_s, "retry", r)

    def submit(r, t):
        if state["busy"] < c:
            state["busy"] += 1
            start(r, t)
        elif queue_cap is not None and state["waiting"] >= queue_cap:
            rows[r].update(status="rejected", reply=t)
            settle(r, t)
            return
        else:
            queue.append(r)
            rows[r]["server"] = "queued"
            state["waiting"] += 1
        if timeout < INF:
            push(t + timeout, "timeout", r)

    i = 0
    while i < len(trace) or heap:
        if i < len(trace) and (not heap or trace[i] <= heap[0][0]):
            t = trace[i]
            submit(new(t, classes[i], 0, -1), t)
            i += 1
            continue
        t, _, kind, r = heapq.heappop(heap)
        row = rows[r]
        if kind == "retry":
            submit(new(t, row["cls"], row["attempt"] + 1, row["first"]), t)
        elif kind == "departure":
            if row["server"] != "in_service":
                continue
            row.update(done=t, server="served")
            state["busy"] -= 1
            serve_next(t)
            if row["status"] == "pending":
                row.update(status="ok", reply=t)
                settle(r, t)
        elif kind == "timeout" and row["status"] == "pending":
            row.update(status="timeout", reply=t)
            if cancel != "none" and row["server"] == "queued":
                row.update(server="dropped", done=t)
                state["waiting"] -= 1
            elif cancel == "all" and row["server"] == "in_service":
                row.update(server="aborted", done=t)
                state["busy"] -= 1
                serve_next(t)
            settle(r, t)
    return rows


class Breaker:
    """resilience4j's circuit breaker, written out: CLOSED, OPEN, HALF_OPEN; count or time window."""

    def __init__(self, failure_rate, window_type, window, buckets, minimum_calls, wait_open_s,
                 half_open_calls, slow_call_s, slow_call_rate):  # fmt: skip
        minimum = min(minimum_calls, window) if window_type == "count" else minimum_calls
        self.cfg = dict(failure_rate=failure_rate, window_type=window_type, window=window, buckets=buckets,
                        minimum=minimum, wait=wait_open_s, half_open=half_open_calls, slow_s=slow_call_s,
                        slow_rate=slow_call_rate)  # fmt: skip
        self.state = "CLOSED"
        self.calls: list[tuple[float, bool, bool]] = []  # (end time, failed, slow) in the window
        self.half: list[tuple[bool, bool]] = []
        self.permitted_half = 0
        self.opened_at = 0.0

    def _to(self, state, now):
        self.state = state
        if state == "OPEN":
            self.opened_at = now
        elif state == "HALF_OPEN":
            self.half, self.permitted_half = [], 0
        else:
            self.calls = []

    def acquire(self, now):
        if self.state == "OPEN":
            if now - self.opened_at < self.cfg["wait"]:
                return False
            self._to("HALF_OPEN", now)
        if self.state == "HALF_OPEN":
            if self.permitted_half >= self.cfg["half_open"]:
                return False
            self.permitted_half += 1
        return True

    def _tripped(self, outcomes):
        n = len(outcomes)
        fails = sum(f for f, _ in outcomes)
        slows = sum(s for _, s in outcomes)
        return fails / n >= self.cfg["failure_rate"] or slows / n >= self.cfg["slow_rate"]

    def record(self, now, failed, duration):
        slow = duration > self.cfg["slow_s"]
        if self.state == "HALF_OPEN":
            self.half.append((failed, slow))
            if len(self.half) >= self.cfg["half_open"]:
                self._to("OPEN" if self._tripped(self.half) else "CLOSED", now)
            return
        if self.state == "OPEN":
            return
        self.calls.append((now, failed, slow))
        if self.cfg["window_type"] == "count":
            window = [(f, s) for _, f, s in self.calls[-int(self.cfg["window"]) :]]
        else:
            width = self.cfg["window"] / self.cfg["buckets"]
            current = math.floor(now / width)
            window = [
                (f, s) for t, f, s in self.calls if math.floor(t / width) > current - self.cfg["buckets"]
            ]
        if len(window) >= self.cfg["minimum"] and self._tripped(window):
            self._to("OPEN", now)

    def trace(self, times, durations, failed):
        """(permitted, state after) per call, calls one at a time."""
        out = []
        for t, d, f in zip(times, durations, failed, strict=True):
            ok = self.acquire(t)
            if ok:
                self.record(t + d, bool(f), d)
            out.append((ok, self.state))
        return out


def occ_race(clients: int, sleep, rng) -> tuple[int, float]:
    """Brooker's race in plain Python; ``sleep(attempt, previous)`` backs off. (write calls, end time)."""
    heap = []
    seq = itertools.count()

    def hop():
        return abs(rng.normal(10.0, 2.0))

    for i in range(clients):
        heapq.heappush(heap, (hop(), next(seq), "read", i))
    version, seen, won = 0, [0] * clients, [False] * clients
    attempt, previous = [0] * clients, [5.0] * clients
    calls, now = 0, 0.0
    while heap:
        now, _, kind, i = heapq.heappop(heap)
        if kind == "read":
            seen[i] = version
            heapq.heappush(heap, (now + hop(), next(seq), "read_reply", i))
        elif kind == "read_reply":
            heapq.heappush(heap, (now + hop(), next(seq), "write", i))
        elif kind == "write":
            calls += 1
            won[i] = seen[i] == version
            version += won[i]
            heapq.heappush(heap, (now + hop(), next(seq), "write_reply", i))
        elif not won[i]:
            attempt[i] += 1
            previous[i] = sleep(attempt[i], previous[i])
            heapq.heappush(heap, (now + hop() + previous[i], next(seq), "read", i))
    return calls, now


def structure_availability(kind: str, children: list, k: int = 0) -> float:
    """Availability by enumerating every up/down combination of independent children."""
    total = 0.0
    for states in itertools.product([0, 1], repeat=len(children)):
        p = math.prod(a if s else 1 - a for a, s in zip(children, states, strict=True))
        up = sum(states)
        works = {"series": up == len(children), "parallel": up > 0, "kofn": up >= k}[kind]
        total += p * works
    return total


# --- 01 estimation ------------------------------------------------------------------------------
# M/M/c response time from the definitions, not from the closed form the kit solves: Erlang C by its
# sum formula, and P(T <= t) as the numerical convolution of the exponential service with the wait's
# distribution (an atom 1 - C at zero, then C (1 - e^{-theta w})).


def erlang_c_sum(lam: float, mu: float, c: int) -> float:
    """P(wait) in M/M/c by the textbook sum (terms built up in floats, no factorials)."""
    a = lam / mu
    term, total = 1.0, 1.0  # a^k / k! for k = 0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c * c / (c - a)  # a^c / c! * c / (c - a)
    return last / (total + last)


def mmc_response_cdf(t: float, lam: float, mu: float, c: int, steps: int = 20_000) -> float:
    """P(T <= t) = integral over s of mu e^{-mu s} P(W <= t - s), by the trapezoid rule on [0, t]."""
    p_wait = erlang_c_sum(lam, mu, c)
    theta = c * mu - lam
    h = t / steps
    total = 0.0
    for i in range(steps + 1):
        s = i * h
        f = mu * math.exp(-mu * s) * (1.0 - p_wait * math.exp(-theta * (t - s)))
        total += f * (0.5 if i in (0, steps) else 1.0)
    return total * h


def mmc_response_quantile(lam: float, mu: float, c: int, q: float) -> float:
    """The q-quantile (0 < q < 1) of M/M/c response time, by bisection on the convolution above."""
    lo, hi = 0.0, 1.0 / mu
    while mmc_response_cdf(hi, lam, mu, c) < q:
        lo, hi = hi, 2.0 * hi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if mmc_response_cdf(mid, lam, mu, c) < q else (lo, mid)
    return 0.5 * (lo + hi)


def servers_needed_scan(lam: float, mu: float, slo: float, q: float) -> int:
    """The fewest stable servers whose q-quantile is at most slo, scanning c upwards."""
    c = math.floor(lam / mu) + 1
    while mmc_response_cdf(slo, lam, mu, c, steps=4000) < q:
        c += 1
    return c


def stored_bytes_daily(per_day: float, growth: float, retention_days: int, days: int) -> float:
    """Bytes held after ``days``: each hour's uploads (rate grown monthly) kept ``retention_days``."""
    month = 365.25 / 12
    total = 0.0
    for hour in range(days * 24):
        t = (hour + 0.5) / 24  # mid-hour, in days
        if t > days - retention_days:
            total += per_day / 24 * (1.0 + growth) ** (t / month)
    return total
