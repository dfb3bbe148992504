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
