"""Slow, obvious reference implementations that fast kernels are tested against."""

import bisect
import functools
import heapq
import itertools
import math
from fractions import Fraction


def fanout_max(draws_per_trial: list[list[float]], ks: list[int]) -> list[list[float]]:
    """Request latency = max of the first k server latencies, per trial."""
    return [[max(draws[:k]) for k in ks] for draws in draws_per_trial]


def heap_order(events: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Events (time, kind, data) in pop order: by time, ties in push order."""
    heap = [(t, seq, kind, data) for seq, (t, kind, data) in enumerate(events)]
    heapq.heapify(heap)
    return [(t, kind, data) for t, _, kind, data in (heapq.heappop(heap) for _ in range(len(heap)))]


# --- 05 sagas ---------------------------------------------------------------------------
# Written from the model's rules (kit/sagas docstrings), not from the kernel: the two must agree.


def saga_outcome_probabilities(saga, persist):
    """(P(every step succeeds), E[action attempts]) by enumerating every attempt's outcome.

    Each attempt of a step is ok (1 - p - q), a transient failure (p: try again while attempts
    remain) or a permanent one (q: stop); groups run in order and a failed group stops the saga.
    """

    def step(s, attempts):
        p, q = s.p_fail, s.p_permanent

        def walk(k, prob):  # attempt k is made with probability prob; returns (P(ok), E[attempts])
            ok = prob * (1 - p - q)
            tries = prob * k * (1 - p - q) + prob * k * q  # the step ends at attempt k
            if k == attempts:
                return ok, tries + prob * k * p  # out of attempts
            more_ok, more_tries = walk(k + 1, prob * p)
            return ok + more_ok, tries + more_tries

        return walk(1, 1.0)

    reach, total = 1.0, 0.0
    for group in saga.groups:
        p_group = 1.0
        for s in group:
            attempts = s.attempts if s.kind != "retriable" else max(s.attempts, persist)
            ok, tries = step(s, attempts)
            total += reach * tries
            p_group *= ok
        reach *= p_group
    return reach, total


def _draw(dist, rng):
    from kit.core.rng import Constant, Exponential, LogNormal

    if isinstance(dist, Constant):
        return dist.value
    if isinstance(dist, LogNormal):
        return rng.lognormvariate(dist.mu, dist.sigma)
    if isinstance(dist, Exponential):
        return rng.expovariate(1.0 / dist.mean)
    raise NotImplementedError(type(dist).__name__)


def _backoff_ms(retry, k, rng):
    """Wait before retry k (1, 2, ...): the first waits base, then x multiplier, up to cap (ms)."""
    wait = 1e3 * min(retry.cap_s, retry.base_s * retry.multiplier ** (k - 1))
    if retry.backoff == "full_jitter":
        return rng.uniform(0.0, wait)
    if retry.backoff == "equal_jitter":
        return wait / 2 + rng.uniform(0.0, wait / 2)
    if retry.backoff == "exponential":
        return wait
    raise NotImplementedError(retry.backoff)


def saga_run(saga, faults, rng, persist):
    """One orchestrated run: (outcome, latency_ms, messages, retries, duplicates, crashes)."""
    effects = {s.name: 0 for s in saga.steps}
    first = {}  # when each step first took effect
    busy = {s.name: 0.0 for s in saga.steps}
    tally = {"messages": 0, "retries": 0, "crashes": 0}

    def call(step, t, undo):
        """Send one command; the participant acts; the caller sees (time, what)."""
        tally["messages"] += 1
        lost = rng.random() < faults.loss_p
        arrive = t + _draw(faults.network, rng)
        work = _draw(step.compensation_latency if undo else step.action, rng)
        u = rng.random()
        if lost:
            return t + step.timeout_ms, "timeout"
        if undo:
            done = max(arrive, busy[step.name]) + work  # after every attempt of the action there
            q, p = faults.comp_permanent_p, faults.comp_fail_p
            what = "permanent" if u < q else "failed" if u < q + p else "ok"
        elif step.idempotent and effects[step.name]:
            what, done = "ok", max(arrive + work, first[step.name])  # answered once the original is done
        else:
            done = arrive + work
            q, p = step.p_permanent, step.p_fail
            what = "permanent" if u < q else "failed" if u < q + p else "ok"
            if what == "ok":
                effects[step.name] += 1
                first[step.name] = min(first.get(step.name, done), done)
        busy[step.name] = max(busy[step.name], done)
        tally["messages"] += 1
        reply = done + _draw(faults.network, rng)
        if rng.random() < faults.loss_p or reply - t > step.timeout_ms:
            return t + step.timeout_ms, "timeout"
        return reply, what

    def run(step, t, undo):
        """Attempts with retries; the coordinator may crash before handling each outcome."""
        limit = (
            persist if undo else max(step.attempts, persist) if step.kind == "retriable" else step.attempts
        )
        maybe, tries = False, 0
        while True:
            t, what = call(step, t, undo)
            if rng.random() < faults.crash_p:  # before it handles the outcome: it resends after recovery
                tally["crashes"] += 1
                if faults.stay_down_p and rng.random() < faults.stay_down_p:
                    return t, "gone"
                t += _draw(faults.downtime, rng)
                tally["retries"] += 1
                maybe = True
                continue
            tries += 1
            if what == "ok":
                return t, "ok"
            maybe = maybe or what == "timeout"
            if what == "permanent" or tries >= limit:
                return t, "failed" if undo or not maybe else "unknown"
            tally["retries"] += 1
            t += _backoff_ms(step.retry, tries, rng)

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
        if any(s.kind != "compensatable" or what == "gone" for _, s, what in done):
            outcome = "stuck"
        else:
            for gi in range(failed_at, -1, -1):
                ends = [run(s, t, True) for g, s, _ in done if g == gi]
                t = max([t] + [e for e, _ in ends])
                if any(what != "ok" for _, what in ends):
                    outcome = "stuck"
                    break
    duplicates = sum(max(n - 1, 0) for n in effects.values())
    return outcome, t, tally["messages"], tally["retries"], duplicates, tally["crashes"]


def saga_anomalies(writes, semantic_lock=False):
    """Dirty reads, lost updates and refused writes of concurrent sagas, from the definitions.

    ``writes``: (key, t, undone, restored, settle, saga) per effect; undone is when the effect
    goes away (inf: never), restored when a compensation put the before-image back (inf: none).
    A write reads dirty data if another saga wrote the same key before it and undoes that write
    after it. A restore erases every write of another saga made between the restored write and
    the restore whose own effect still stood then. With a semantic lock, a write is refused while
    another saga's accepted write on the key is not settled; refused writes do not happen.
    """
    dirty = lost = refused = 0
    by_key = {}
    for w in sorted(writes, key=lambda w: (w[0], w[1])):
        by_key.setdefault(w[0], []).append(w)
    for ws in by_key.values():
        if semantic_lock:
            accepted = []
            for w in ws:
                if any(a[5] != w[5] and a[1] < w[1] < a[4] for a in accepted):
                    refused += 1
                else:
                    accepted.append(w)
            continue
        for _, t, _, _, _, saga in ws:
            dirty += any(a[5] != saga and a[1] < t < a[2] != math.inf for a in ws)
        for _, a_t, _, a_restored, _, a_saga in ws:
            if a_restored != math.inf:
                lost += sum(
                    1 for _, t, u, _, _, s in ws if s != a_saga and a_t < t < a_restored and u > a_restored
                )
    return dirty, lost, refused


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


def bounded_capacity(m: int, n: int, eps: float) -> int:
    """Mirrokni, Thorup & Zadimoghaddam's capacity: the least integer C with C n >= (1 + eps) m.

    eps is the decimal it is written as; in integers, (1 + eps) = num / den.
    """
    c = 1 + Fraction(str(eps))
    return -(-(c.numerator * m) // (c.denominator * n))


def bounded(points: list[tuple[int, int]], hashes: list[int], n: int, capacity: int) -> list[int]:
    """Consistent hashing with bounded loads, as the paper states the process.

    Balls are inserted one at a time in the given order; each goes to the
    first bin, going clockwise from the ball, that holds fewer than
    ``capacity`` balls (Mirrokni, Thorup & Zadimoghaddam, SODA 2018). A bin
    with several points (virtual nodes) is met at the nearest of them. No
    search structure: every bin's clockwise distance is computed, a point at
    the ball's own position counting as a full turn ("strictly after").
    """
    nearest = {}
    load, out = [0] * n, []
    for h in hashes:
        for node in range(n):
            nearest[node] = min(((p - h - 1) & MASK64) for p, i in points if i == node)
        for node in sorted(range(n), key=nearest.__getitem__):
            if load[node] < capacity:
                load[node] += 1
                out.append(node)
                break
    return out


def linear_probing_loads(points: list[tuple[int, int]], hashes: list[int], capacity: int) -> list[int]:
    """Bin loads of bounded loads with one point per bin, without any order of the balls.

    With one point per bin the process is linear probing with buckets of
    size ``capacity``, whose final loads do not depend on the insertion
    order: a bin keeps min(capacity, its own balls + the overflow of the bin
    before it), around the circle until the overflow settles.
    """
    tokens = [t for t, _ in points]
    arrivals = [0] * len(points)
    for h in hashes:
        arrivals[bisect.bisect_right(tokens, h) % len(points)] += 1
    carry, loads = 0, [0] * len(points)
    while True:  # turns round the circle until the carry into the first bin settles
        entering = carry
        for k, a in enumerate(arrivals):
            loads[k] = min(capacity, a + carry)
            carry = a + carry - loads[k]
        if carry == entering:
            break
    by_node = [0] * len(points)
    for (_, node), load in zip(points, loads, strict=True):
        by_node[node] = load
    return by_node


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


def most_hits(keys, sizes, capacity):
    """The most hits any policy could get, by trying every choice of victims (tiny traces only).

    A miss admits the object if it fits the cache at all, after evicting any set of cached
    objects that makes room (more choices than a policy has: it stops evicting once it fits).
    Objects keep the size of the request that admitted them.
    """

    @functools.cache
    def best(i, cached):  # cached: frozenset of (key, stored size)
        if i == len(keys):
            return 0
        k, s = keys[i], sizes[i]
        if k in {key for key, _ in cached}:
            return 1 + best(i + 1, cached)
        if s > capacity:
            return best(i + 1, cached)
        used = sum(size for _, size in cached)
        options = []
        for r in range(len(cached) + 1):
            for victims in itertools.combinations(sorted(cached), r):
                if used - sum(size for _, size in victims) + s <= capacity:
                    options.append(best(i + 1, (cached - frozenset(victims)) | {(k, s)}))
        return max(options)

    return best(0, frozenset())


def s3fifo(keys, sizes, capacity, as_run=True):
    """S3-FIFO written from Algorithm 1 of Yang et al., "FIFO queues are all you need for cache
    eviction", SOSP 2023: READ, INSERT, EVICT, EVICTS, EVICTM, in that order and shape.

    S (small, 10% of the cache) and M (main, 90%) hold objects, G (ghost) holds ids of objects
    evicted from S. A hit raises an object's frequency, capped at 3; INSERT evicts while the cache
    is full, then puts a ghost into M and anything else into S; EVICTS moves S's tail to M if its
    frequency is above 1 (hit at least twice while in S), else drops it and remembers its id in G;
    EVICTM reinserts M's tail while its frequency is above 0, decrementing it, else drops it.

    Algorithm 1 is silent on sizes and on a few details, and the code the authors ran for the
    paper's results (libCacheSim S3FIFOv0.c) decides them as follows; ``as_run=False`` reads the
    text literally instead:

    1. EVICT takes from S when S holds at least 10% of the cache (text); the code takes from M
       when M holds more than its 90% or S is empty, else from S;
    2. an object promoted into a full M makes EVICTS call EVICTM at once (text); in the code M may
       exceed its share until the next EVICT;
    3. INSERT asks whether x is in G after evicting (text: EVICTS may just have pushed x out of
       G); the code looks when the request misses, before evicting, and takes the id out of G;
    4. queue sizes are bytes: S holds floor(10%) of the capacity, G floor(90%); an object is
       admitted only if it is at most S's size, and one exactly S's size evicts but is then not
       stored (the text has no sizes: there, admit whatever fits the cache, and evict from S when
       M is empty).

    Returns the number of hits.
    """
    S, M, G = [], [], []  # oldest (tail) first, as FIFO queues
    size, freq, ghost_size = {}, {}, {}
    used = {"S": 0, "M": 0}
    small = int(capacity * 0.1) if as_run else capacity * 0.1
    main = capacity - small
    ghost_cap = int(capacity * 0.9) if as_run else capacity * 0.9

    def remember(x, s):  # insert x into G, dropping the oldest ids while it is over its size
        if s > ghost_cap:
            return
        G.append(x)
        ghost_size[x] = s
        while sum(ghost_size.values()) > ghost_cap:
            del ghost_size[G.pop(0)]

    def evict_m():
        while M:
            t = M.pop(0)
            if freq[t] > 0:
                M.append(t)
                freq[t] -= 1
            else:
                used["M"] -= size.pop(t)
                return

    def evict_s():
        while S:
            t = S.pop(0)
            used["S"] -= size[t]
            if freq[t] > 1:
                M.append(t)
                used["M"] += size[t]
                freq[t] = 0  # the text clears the access bits of an object it moves
                if not as_run and used["M"] > main:
                    evict_m()
            else:
                remember(t, size.pop(t))
                return

    def evict():
        if as_run:
            evict_m() if used["M"] > main or not S else evict_s()
        else:
            evict_s() if used["S"] >= small or not M else evict_m()

    def insert(x, s):
        ghost_hit = False
        if as_run and x in ghost_size:  # the code looks up G when the request misses
            G.remove(x)
            del ghost_size[x]
            ghost_hit = True
        if s > (small if as_run else capacity):
            return
        while used["S"] + used["M"] + s > capacity:
            evict()
        if not as_run:
            ghost_hit = x in ghost_size
        if ghost_hit:
            M.append(x)
            used["M"] += s
        elif as_run and s >= small:
            return
        else:
            S.append(x)
            used["S"] += s
        size[x] = s
        freq[x] = 0

    hits = 0
    for x, s in zip(keys, sizes, strict=True):  # READ
        if x in size:
            hits += 1
            freq[x] = min(freq[x] + 1, 3)
        else:
            insert(x, s)
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


def probe_history(interval, timeout, unhealthy, healthy, hang, p_false, probes, rng) -> tuple[int, float]:
    """A load balancer's health checks of one instance, probe by probe, from the definitions.

    AWS target groups and Kubernetes: an instance leaves the rotation after
    ``unhealthy`` consecutive failed checks and returns after ``healthy``
    consecutive passed ones. The instance is healthy for ``probes`` checks
    (each failing with ``p_false``), then dies at a moment uniform between
    two checks; a check of a dead instance fails, known at once or after
    the timeout (``hang``). Returns (removals while healthy, seconds from
    the death until it is out of rotation, 0 if it already was).
    """
    in_service, failed_in_a_row, passed_in_a_row, removals = True, 0, 0, 0
    for _ in range(probes):
        passed = rng.random() >= p_false
        failed_in_a_row = 0 if passed else failed_in_a_row + 1
        passed_in_a_row = passed_in_a_row + 1 if passed else 0
        if in_service and failed_in_a_row >= unhealthy:
            in_service, removals, passed_in_a_row = False, removals + 1, 0
        elif not in_service and passed_in_a_row >= healthy:
            in_service, failed_in_a_row = True, 0
    died_at = rng.uniform(0.0, interval)  # the last check while healthy was sent at time 0
    if not in_service:
        return removals, 0.0
    sent = 0.0
    while failed_in_a_row < unhealthy:
        sent += interval
        failed_in_a_row += 1
    return removals, sent + (timeout if hang else 0.0) - died_at


# --- 07 scaling out -------------------------------------------------------------------------------
# Written from the textbook or the rule as stated (Kleinrock; Mitzenmacher; nginx; AWS), one event or
# one minute at a time, with Python's own random numbers: the kernels must agree in distribution.


def gi_m_1_erlang_sigma(n: int, rho: float, iterations: int = 100_000) -> float:
    """GI/M/1 with Erlang-n interarrivals (mu = 1): sigma = A*(1 - sigma), by fixed-point iteration.

    Kleinrock, Queueing Systems Vol. 1, §6.4: starting from 0, sigma_{k+1} = A*(mu - mu sigma_k)
    increases to the smallest root in (0, 1); A*(s) = (lam / (lam + s))^n with lam = n rho.
    """
    lam = n * rho
    sigma = 0.0
    for _ in range(iterations):
        nxt = (lam / (lam + 1.0 - sigma)) ** n
        if abs(nxt - sigma) < 1e-15:
            return nxt
        sigma = nxt
    return sigma


def balance(
    policy, speeds, lam, service, requests, warmup, rng, d=2, refresh=0.0, owner=None, key_weights=()
):
    """Mean response time of one run of N FIFO servers behind a balancer, event by event (seconds).

    ``service()`` draws a service time at speed 1. Policies from their definitions:
    random; round robin; least connections (fewest in the system, ties at random); power of d
    (d independent uniform choices, the fewest wins, ties at random); stale (least connections
    on a board copied every ``refresh`` seconds); hash (a key by ``key_weights``, its server by
    ``owner``); weighted round robin (nginx's smooth algorithm, weights = speeds).
    """
    n = len(speeds)
    in_system = [0] * n
    free_at = [0.0] * n
    departures = []  # (time, server)
    board = [0] * n
    next_board = refresh if refresh > 0 else math.inf
    turn = 0
    current = [0.0] * n
    cum = list(itertools.accumulate(key_weights))
    t = 0.0
    total, counted = 0.0, 0

    def least(view, candidates):
        low = min(view[s] for s in candidates)
        return rng.choice([s for s in candidates if view[s] == low])

    for i in range(requests):
        t += rng.expovariate(lam)
        while True:  # departures first, then the board, up to the arrival
            if departures and departures[0][0] <= t and departures[0][0] <= next_board:
                _, s = heapq.heappop(departures)
                in_system[s] -= 1
            elif next_board <= t:
                board = list(in_system)
                next_board += refresh
            else:
                break
        if policy == "random":
            s = rng.randrange(n)
        elif policy == "round_robin":
            s, turn = turn, (turn + 1) % n
        elif policy == "least_connections":
            s = least(in_system if refresh == 0 else board, range(n))
        elif policy == "power_of_d":
            picks = [rng.randrange(n) for _ in range(d)]
            view = in_system if refresh == 0 else board
            low = min(view[p] for p in picks)
            s = rng.choice([p for p in picks if view[p] == low])
        elif policy == "consistent_hash":
            s = owner[rng.choices(range(len(cum)), cum_weights=cum)[0]]
        else:  # weighted round robin, nginx: add each weight, take the largest, subtract the total
            for j in range(n):
                current[j] += speeds[j]
            s = max(range(n), key=lambda j: (current[j], -j))
            current[s] -= sum(speeds)
        done = max(t, free_at[s]) + service() / speeds[s]
        free_at[s] = done
        in_system[s] += 1
        heapq.heappush(departures, (done, s))
        if i >= warmup:
            total += done - t
            counted += 1
    return total / counted


def autoscale(
    rate, step, cap, slo_rate, target, in_ratio, warm, cooldown, n_out, n_in, lo, hi, protect, start
):
    """Target tracking, one metric period at a time, with a list of instances (AWS rules as stated).

    Returns per step (in service, warming up, cpu, missed, launched, terminated), recorded before
    the step's scaling action, as the kit does.
    """
    instances = [-1] * start  # the step each instance comes into service (-1: from the start)
    backlog = 0.0
    above = below = 0
    last_in = -(10**9)
    rows = []
    for t, r in enumerate(rate):
        serving = [x for x in instances if x <= t]
        warming = len(instances) - len(serving)
        want = r * step + backlog
        can = len(serving) * cap * step
        done = min(want, can)
        backlog = want - done
        cpu = done / can if can > 0 else 1.0
        missed = backlog > 1e-9 or not serving or r > len(serving) * slo_rate
        above = above + 1 if cpu > target else 0
        below = below + 1 if cpu < in_ratio * target else 0
        desired = math.ceil(len(serving) * cpu / target - 1e-9)
        launched = terminated = 0
        if above >= n_out and desired > len(instances) and len(instances) < hi:
            launched = min(desired, hi) - len(instances)
        elif below >= n_in and not protect and warming == 0 and t - last_in >= cooldown:
            terminated = max(len(instances) - max(desired, lo), 0)
            if terminated:
                last_in = t
        rows.append((len(serving), warming, cpu, missed, launched, terminated))
        instances += [t + 1 + warm] * launched
        for _ in range(terminated):
            instances.pop()
    return rows


def replica_reads(k, writes, reads, lag, own_gap, window, horizon, warmup, rng, key_weights):
    """(P(stale read), P(writer misses own write)) of a primary and k in-order asynchronous replicas.

    Writes and reads are Poisson (per second); ``lag()`` and ``own_gap()`` draw seconds. Replica r
    applies write i at max(its previous apply, commit_i + lag): the log in commit order.
    """
    keys = range(len(key_weights))
    cum = list(itertools.accumulate(key_weights))
    commits, t = [], 0.0
    while True:
        t += rng.expovariate(writes)
        if t >= horizon:
            break
        commits.append((t, rng.choices(keys, cum_weights=cum)[0]))
    applied = []
    for _ in range(k):
        last, times = 0.0, []
        for c, _ in commits:
            last = max(last, c + lag())
            times.append(last)
        applied.append(times)
    own = missed = 0
    for i, (c, _) in enumerate(commits):
        gap = own_gap()
        if warmup <= c + gap < horizon:
            own += 1
            if gap >= window and applied[rng.randrange(k)][i] > c + gap:
                missed += 1
    commit_times = [c for c, _ in commits]
    latest = {}
    stale = total = 0
    t, i = 0.0, 0
    while True:
        t += rng.expovariate(reads)
        if t >= horizon:
            break
        while i < len(commits) and commit_times[i] <= t:
            latest[commits[i][1]] = i
            i += 1
        key = rng.choices(keys, cum_weights=cum)[0]
        if t >= warmup:
            total += 1
            w = latest.get(key)
            stale += w is not None and applied[rng.randrange(k)][w] > t
    return stale / total, missed / own


# --- 08 queues and events ---------------------------------------------------------------------
# M/M/c/K from its generator matrix (not from the product form), Kafka's murmur2 written out
# from the algorithm with Python integers, a polling relay as the loop it is, and one consumer's
# death played entry by entry.


def mmck_ctmc(lam: float, mu: float, c: int, K: int) -> tuple[float, float]:
    """(loss, mean number in system) of M/M/c/K by solving pi Q = 0 for the birth-death chain."""
    import numpy as np

    Q = np.zeros((K + 1, K + 1))
    for n in range(K + 1):
        if n < K:
            Q[n, n + 1] = lam
        if n > 0:
            Q[n, n - 1] = mu * min(n, c)
        Q[n, n] = -Q[n].sum()
    A = np.vstack([Q.T, np.ones(K + 1)])
    b = np.zeros(K + 2)
    b[-1] = 1.0
    pi = np.linalg.lstsq(A, b, rcond=None)[0]
    return float(pi[K]), float(pi @ np.arange(K + 1))


def murmur2(data: bytes) -> int:
    """MurmurHash2 as Kafka's Utils.murmur2 computes it (seed 0x9747b28c), signed 32-bit."""
    m, r, mask = 0x5BD1E995, 24, 0xFFFFFFFF
    h = (0x9747B28C ^ len(data)) & mask
    for i in range(len(data) // 4):
        k = int.from_bytes(data[4 * i : 4 * i + 4], "little")
        k = (k * m) & mask
        k ^= k >> r
        k = (k * m) & mask
        h = ((h * m) & mask) ^ k
    tail = data[len(data) & ~3 :]
    if len(tail) >= 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if len(tail) >= 1:
        h ^= tail[0]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h - (1 << 32) if h >= 1 << 31 else h


def poll_high_water(commit: list[float], phase: float, poll: float) -> list[float]:
    """Publish time per row (nan: never) of a relay that polls ``WHERE id > last_id ORDER BY id``."""
    n = len(commit)
    publish = [float("nan")] * n
    last = -1
    t = phase
    while any(c > t - poll for c in commit):  # until a poll after the last commit
        visible = [i for i in range(n) if commit[i] <= t and i > last]
        for i in visible:
            publish[i] = t
        if visible:
            last = max(visible)
        t += poll
    return publish


def one_kill(
    messages: int, batch: int, kill_after: int, crash_point: str, semantics: str, idempotent: bool
) -> dict:
    """Counts of a stream whose first reader dies at its ``kill_after``-th message, played entry by entry.

    The victim fetches full batches from the head; at most once they are
    acknowledged on delivery. It dies before or after that message's effect.
    A survivor then reads the rest and claims whatever is still pending.
    """
    delivered = [0] * messages
    applied = [0] * messages
    seen: set[int] = set()
    pending: list[int] = []

    def effect(i: int) -> None:
        if not (idempotent and i in seen):
            applied[i] += 1
        seen.add(i)

    position, handled = 0, 0
    while handled < kill_after:  # the victim
        fetched = list(range(position, min(position + batch, messages)))
        position += len(fetched)
        for i in fetched:
            delivered[i] += 1
        pending = list(fetched) if semantics == "at_least_once" else []
        while fetched and handled < kill_after:
            i = fetched.pop(0)
            handled += 1
            if handled == kill_after:
                if crash_point == "after_effect":
                    effect(i)
                break
            effect(i)
            if i in pending:
                pending.remove(i)
    for i in pending + list(range(position, messages)):  # the survivor: claimed entries, then the rest
        delivered[i] += 1
        effect(i)
    return {
        "redeliveries": sum(d - 1 for d in delivered if d > 1),
        "effects": sum(applied),
        "duplicates": sum(a - 1 for a in applied if a > 1),
        "lost": sum(a == 0 for a in applied),
    }


# --- 09 event sourcing: the polling projector and a bank account as a plain dict -------------------


def projector_applied(commits: list[float], poll_s: float, overhead_s: float, cost_s: float, batch: int):
    """When each commit is applied, simulated one poll at a time.

    The projector polls at time t; it takes the events committed by t (at most
    ``batch``), spends ``overhead_s + cost_s * k`` applying them and polls again
    at once; after an empty poll it waits ``poll_s`` (``poll_s = 0``: it spins
    until the next commit). The k-th poll after going idle at ``idle`` is at
    ``idle + k * poll_s``, computed so rather than summed (ten sums of 0.01 fall
    short of 0.1); a commit at the instant of a poll is seen by it.
    """
    applied, t, i = [0.0] * len(commits), 0.0, 0
    idle, k = 0.0, 0
    while i < len(commits):
        visible = [j for j in range(i, min(i + batch, len(commits))) if commits[j] <= t]
        if not visible:
            k += 1
            t = idle + k * poll_s if poll_s > 0 else commits[i]
            continue
        t += overhead_s + cost_s * len(visible)
        for j in visible:
            applied[j] = t
        i += len(visible)
        idle, k = t, 0
    return applied


def bank(commands: list[dict]) -> dict:
    """A bank account's balance and counters after ``commands``, refused ones skipped, by the rules alone."""
    acct = {"open": False, "closed": False, "balance": 0, "events": 0}
    for c in commands:
        kind, amount = c["type"], c.get("amount")
        valid_amount = isinstance(amount, int) and not isinstance(amount, bool) and amount > 0
        if kind == "open":
            ok = not acct["open"]
        elif not acct["open"] or acct["closed"]:
            ok = False
        elif kind == "deposit":
            ok = valid_amount
        elif kind == "withdraw":
            ok = valid_amount and amount <= acct["balance"]
        else:  # close
            ok = acct["balance"] == 0
        if not ok:
            continue
        acct["events"] += 1
        acct["open"] |= kind == "open"
        acct["closed"] |= kind == "close"
        acct["balance"] += amount if kind == "deposit" else -amount if kind == "withdraw" else 0
    return acct


# --- 10 storage choices -----------------------------------------------------------------------
# Written from the rules in kit/storage/_kernels.py's docstring with Python sets and lists: a level
# is a sorted list of keys, a tier a list of sets; nothing is shared with the kernel's arrays.


def lsm_leveled(keys, mem, l0_trigger, l1_target, file_entries, T, levels):
    """Entries written per level (0: flushes) by RocksDB-style leveled compaction.

    ``levels`` counts L1..Ln; Ln has no target. A file is ``file_entries`` consecutive keys of a
    level from its start; the one with the fewest next-level keys in its key range per key moves
    down (first on ties); a file or L0 overlapping nothing below moves without being written.
    """
    l0: list[list[int]] = []
    lev: list[list[int]] = [[] for _ in range(levels + 1)]  # lev[0] unused
    written = [0] * (levels + 1)

    def inside(level, lo, hi):
        return bisect.bisect_left(level, lo), bisect.bisect_right(level, hi)

    for start in range(0, len(keys), mem):
        run = sorted(set(keys[start : start + mem]))
        written[0] += len(run)
        l0.append(run)
        if len(l0) >= l0_trigger:
            lo, hi = min(r[0] for r in l0), max(r[-1] for r in l0)
            a, b = inside(lev[1], lo, hi)
            spans = sorted((r[0], r[-1]) for r in l0)
            disjoint = all(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))
            merged = sorted(set().union(*l0) | set(lev[1][a:b]))
            if a < b or not disjoint:
                written[1] += len(merged)
            lev[1] = lev[1][:a] + merged + lev[1][b:]
            l0 = []
        for i in range(1, levels):
            while len(lev[i]) > l1_target * T ** (i - 1):
                files = [lev[i][s : s + file_entries] for s in range(0, len(lev[i]), file_entries)]
                overlaps = [inside(lev[i + 1], f[0], f[-1]) for f in files]
                ratios = [(b - a) / len(f) for f, (a, b) in zip(files, overlaps, strict=True)]
                j = ratios.index(min(ratios))
                a, b = overlaps[j]
                merged = sorted(set(files[j]) | set(lev[i + 1][a:b]))
                if b > a:
                    written[i + 1] += len(merged)
                lev[i + 1] = lev[i + 1][:a] + merged + lev[i + 1][b:]
                lev[i] = [k for f in files[:j] + files[j + 1 :] for k in f]
    return written


def lsm_tiered(keys, mem, T, tiers):
    """Entries written per tier (0: flushes) by tiering: a tier with T runs merges them into one
    run of the next tier; the last tier merges its runs in place."""
    runs: list[list[set]] = [[] for _ in range(tiers)]
    written = [0] * tiers
    for start in range(0, len(keys), mem):
        run = set(keys[start : start + mem])
        written[0] += len(run)
        runs[0].append(run)
        for i in range(tiers):
            if len(runs[i]) < T:
                break
            merged = set().union(*runs[i])
            j = i if i == tiers - 1 else i + 1
            written[j] += len(merged)
            runs[i] = []
            runs[j].append(merged)
    return written


def btree_leaves(keys, leaf_cap, append_split=True):
    """A B+tree's leaf level after inserting ``keys`` (repeats are updates), and its page touches.

    Leaves are found by separator keys (the smallest key routed to each, fixed at its split). A
    full leaf splits in half (the new key goes to its half); with ``append_split``, a key past the
    end of the last leaf starts a new leaf instead. In a split, the new key joins the left half
    if fewer than half of the leaf's keys are smaller, else the right one. Returns ``(leaves in key
    order, touches, no_read)``: leaf ids (numbered as created) in the order writes touch them
    (the leaf, then on a split the new leaf and the split one again), and the positions of touches
    that read nothing.
    """
    seps, ids, leaves = [-math.inf], [0], {0: []}
    touches, no_read = [], set()
    for k in keys:
        i = bisect.bisect_right(seps, k) - 1
        leaf = leaves[ids[i]]
        touches.append(ids[i])
        if k in leaf:
            continue
        if len(leaf) < leaf_cap:
            bisect.insort(leaf, k)
            continue
        new = len(leaves)
        if append_split and i == len(seps) - 1 and k > leaf[-1]:
            leaves[new] = [k]
        else:
            half = leaf_cap // 2
            smaller = bisect.bisect_left(leaf, k)
            leaves[new] = leaf[half:]
            del leaf[half:]
            bisect.insort(leaf if smaller < half else leaves[new], k)
        seps.insert(i + 1, leaves[new][0])
        ids.insert(i + 1, new)
        no_read.update((len(touches), len(touches) + 1))
        touches += [new, ids[i]]
    return [leaves[j] for j in ids], touches, no_read


def clock_page_io(pages_touched, no_read, cache_pages):
    """(page writes, page reads) of a CLOCK cache where every touch dirties the page.

    ``pages_touched`` is the sequence of pages; ``no_read`` the positions whose touch reads
    nothing (a page just created). Dirty pages still cached at the end are written then.
    """
    slots = [None] * cache_pages
    ref = [False] * cache_pages
    dirty = [False] * cache_pages
    hand = writes = reads = 0
    for pos, page in enumerate(pages_touched):
        if page in slots:
            s = slots.index(page)
        else:
            if pos not in no_read:
                reads += 1
            while ref[hand]:
                ref[hand] = False
                hand = (hand + 1) % cache_pages
            s = hand
            if slots[s] is not None and dirty[s]:
                writes += 1
            slots[s], dirty[s] = page, False
            hand = (hand + 1) % cache_pages
        ref[s] = dirty[s] = True
    return writes + sum(dirty), reads


# --- 11 architecture evolution ------------------------------------------------------------------
# Written from the definitions in kit/architecture/graph.py's module docstring, on the networkx
# graph itself: availability by enumerating every instance's up/down state, a request by plain
# recursion over the calls. No product formula, no compiled arrays.


def graph_availability_by_states(g, entry: str, through_async: bool = False) -> float:
    """P(a request at ``entry`` finds every unit its calls reach up), summed over instance states.

    Every instance of every unit is up or down independently (availability ``a``); a unit is up
    when any of its instances is; the request walks its calls (synchronous ones only, unless
    ``through_async``) and fails at the first service whose unit is down.
    """
    instances = [(u, a) for u, (a, r) in sorted(g.units.items()) for _ in range(r)]
    total = 0.0
    for states in itertools.product([False, True], repeat=len(instances)):
        p = math.prod(a if s else 1.0 - a for (_, a), s in zip(instances, states, strict=True))
        up = {u: False for u in g.units}
        for (u, _), s in zip(instances, states, strict=True):
            up[u] = up[u] or s

        def ok(service, up=up):
            if not up[g.graph.nodes[service]["unit"]]:
                return False
            return all(
                ok(callee, up)
                for _, callee, d in g.graph.out_edges(service, data=True)
                if through_async or d["kind"] == "sync"
            )

        total += p * ok(entry)
    return total


def graph_request(g, service: str, up: dict, draw) -> tuple[float, float, int, bool]:
    """One call of ``service``: (response ms, completion ms, outcome 0 ok / 1 timeout / 2 down, deferred).

    ``draw(dist)`` samples a distribution (ms); ``up[unit]`` says which units are up. The service
    does its own work, then its synchronous calls stage by stage (a stage's calls in parallel, a
    fan-out of k waits for the slowest copy), each call adding a network round trip and cut at
    its timeout; its asynchronous work starts when it has answered.
    """
    nodes = g.graph.nodes
    own = draw(nodes[service]["latency_ms"])
    edges = sorted(g.graph.out_edges(service, data=True), key=lambda e: e[2]["order"])
    sync = [e for e in edges if e[2]["kind"] == "sync"]
    elapsed, finish, outcome, deferred = own, own, 0, False
    for stage in sorted({d["stage"] for _, _, d in sync}):
        longest = 0.0
        for _, callee, d in (e for e in sync if e[2]["stage"] == stage):
            for _ in range(d["fanout"]):
                net = draw(d["network_ms"])
                if not up[nodes[callee]["unit"]]:
                    took, outcome = net, max(outcome, 2)
                else:
                    resp, fin, out, dfr = graph_request(g, callee, up, draw)
                    outcome, deferred = max(outcome, out), deferred or dfr
                    finish = max(finish, elapsed + net + fin)
                    took = net + resp
                    timeout = math.inf if d["timeout_ms"] is None else d["timeout_ms"]
                    if took > timeout:
                        took, outcome = timeout, max(outcome, 1)
                longest = max(longest, took)
        elapsed += longest
    for _, consumer, d in (e for e in edges if e[2]["kind"] == "async"):
        net = draw(d["network_ms"])
        if not up[nodes[consumer]["unit"]]:
            deferred = True
            continue
        _, fin, out, dfr = graph_request(g, consumer, up, draw)
        deferred = deferred or dfr or out != 0
        finish = max(finish, elapsed + net + fin)
    return elapsed, max(finish, elapsed), outcome, deferred


def graph_simulate(g, entry: str, requests: int, seed: int) -> dict:
    """``requests`` requests by :func:`graph_request` with Python's random module: response times
    of the successful ones (ms) and the share of each outcome."""
    import random

    rng = random.Random(seed)
    p_up = {u: 1.0 - (1.0 - a) ** r for u, (a, r) in g.units.items()}
    latency, outcomes = [], [0, 0, 0]
    for _ in range(requests):
        up = {u: rng.random() < p for u, p in p_up.items()}
        if not up[g.graph.nodes[entry]["unit"]]:
            outcomes[2] += 1
            continue
        resp, _, outcome, _ = graph_request(g, entry, up, lambda dist: _draw(dist, rng))
        outcomes[outcome] += 1
        if outcome == 0:
            latency.append(resp)
    return {"latency_ms": latency, "ok": outcomes[0] / requests, "timeout": outcomes[1] / requests}


def strangler_run(m, rng) -> list[tuple[float, int, str]]:
    """One strangler-fig migration as (share, errors, decision) per step, from the rules of
    kit/architecture/strangler.py: the regression is drawn once; after each step the gate compares
    the step's errors (both systems) with ``budget_per_step`` of a 30-day budget; a failed gate
    sends traffic back to the previous share for ``fix_steps`` steps, which remove the regression."""
    n = m.rate_per_s * m.step_h * 3600.0
    month_budget = (1.0 - m.slo) * m.rate_per_s * 30 * 24 * 3600.0
    regression = rng.random() < m.p_regression
    steps, i, fixing = [], 0, 0
    while len(steps) < m.max_steps:
        previous = m.shares[i - 1] if i > 0 else 0.0
        share = previous if fixing else m.shares[i]
        new_rate = m.new_error + (m.regression_error if regression and not fixing else 0.0)
        errors = rng.binomial(round(n * share), min(new_rate, 1.0)) + rng.binomial(
            round(n) - round(n * share), m.legacy_error
        )
        if fixing:
            fixing -= 1
            regression = regression and fixing > 0
            steps.append((share, errors, "rollback"))
        elif errors > m.budget_per_step * month_budget:
            fixing = m.fix_steps
            regression = regression and fixing > 0
            steps.append((share, errors, "rollback"))
        elif i == len(m.shares) - 1:
            steps.append((share, errors, "done"))
            break
        else:
            steps.append((share, errors, "advance"))
            i += 1
    return steps
