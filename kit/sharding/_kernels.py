"""Sharding kernels: XXH64, and the six placement schemes over arrays of key hashes.

Arrays in, arrays out, no checks (the api validates once). All 64-bit
arithmetic is on uint64, where numba's multiplication wraps modulo 2^64 as
the hash and jump hash specifications require; shift counts are uint64 too,
because mixing signed and unsigned integers makes numba fall back to floats.

The kernels are serial on purpose: a placement costs a few nanoseconds per
key, so at the app's sizes (10^3..10^6 keys) starting a parallel region costs
more than it saves, and on a shared one- or two-core machine (Binder, a
workshop server) a parallel region waits for every thread to be scheduled.
Ten million keys still take well under a second (benchmarks/bench_sharding.py).
"""

import numpy as np

from ..core.jit import njit

# XXH64 primes (Collet, xxHash specification, "XXH64 algorithm description").
P1 = np.uint64(0x9E3779B185EBCA87)
P2 = np.uint64(0xC2B2AE3D27D4EB4F)
P3 = np.uint64(0x165667B19E3779F9)
P4 = np.uint64(0x85EBCA77C2B2AE63)
P5 = np.uint64(0x27D4EB2F165667C5)
JUMP_LCG = np.uint64(2862933555777941757)  # Lamping & Veach 2014, Figure 1
ZERO = np.uint64(0)
ONE = np.uint64(1)


# --- XXH64 -------------------------------------------------------------------------


@njit
def _rotl(x, r):
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


@njit
def _round(acc, lane):
    acc = acc + lane * P2
    return _rotl(acc, 31) * P1


@njit
def _merge(acc, val):
    acc = acc ^ _round(ZERO, val)
    return acc * P1 + P4


@njit
def _avalanche(h):
    h = h ^ (h >> np.uint64(33))
    h = h * P2
    h = h ^ (h >> np.uint64(29))
    h = h * P3
    return h ^ (h >> np.uint64(32))


@njit
def _read64(buf, i):
    """Little-endian 64-bit lane at byte i (assembled bytewise: no alignment needed)."""
    v = ZERO
    for k in range(8):
        v = v | (np.uint64(buf[i + k]) << np.uint64(8 * k))
    return v


@njit
def _read32(buf, i):
    v = ZERO
    for k in range(4):
        v = v | (np.uint64(buf[i + k]) << np.uint64(8 * k))
    return v


@njit
def xxh64_bytes(buf, start, length, seed):
    """XXH64 of ``buf[start:start+length]`` (uint8) with a uint64 ``seed``."""
    i = start
    end = start + length
    if length >= 32:
        v1 = seed + P1 + P2
        v2 = seed + P2
        v3 = seed
        v4 = seed - P1
        while i + 32 <= end:
            v1 = _round(v1, _read64(buf, i))
            v2 = _round(v2, _read64(buf, i + 8))
            v3 = _round(v3, _read64(buf, i + 16))
            v4 = _round(v4, _read64(buf, i + 24))
            i += 32
        h = _rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)
        h = _merge(h, v1)
        h = _merge(h, v2)
        h = _merge(h, v3)
        h = _merge(h, v4)
    else:
        h = seed + P5
    h = h + np.uint64(length)
    while i + 8 <= end:
        h = h ^ _round(ZERO, _read64(buf, i))
        h = _rotl(h, 27) * P1 + P4
        i += 8
    if i + 4 <= end:
        h = h ^ (_read32(buf, i) * P1)
        h = _rotl(h, 23) * P2 + P3
        i += 4
    while i < end:
        h = h ^ (np.uint64(buf[i]) * P5)
        h = _rotl(h, 11) * P1
        i += 1
    return _avalanche(h)


@njit
def xxh64_u64(x, seed):
    """XXH64 of the 8 little-endian bytes of ``x``: the 8-byte path of xxh64_bytes, unrolled."""
    h = seed + P5 + np.uint64(8)
    h = h ^ _round(ZERO, x)
    h = _rotl(h, 27) * P1 + P4
    return _avalanche(h)


@njit
def hash_ints(x, seed):
    """XXH64 of each uint64 key's 8 little-endian bytes."""
    out = np.empty(x.size, np.uint64)
    for i in range(x.size):
        out[i] = xxh64_u64(x[i], seed)
    return out


@njit
def hash_bytes(buf, offsets, seed):
    """XXH64 of each byte string ``buf[offsets[i]:offsets[i+1]]``."""
    n = offsets.size - 1
    out = np.empty(n, np.uint64)
    for i in range(n):
        out[i] = xxh64_bytes(buf, offsets[i], offsets[i + 1] - offsets[i], seed)
    return out


@njit
def rehash(h, seeds):
    """``out[i, j] = XXH64(h[i], seed=seeds[j])``: independent sub-key hashes (salting)."""
    out = np.empty((h.size, seeds.size), np.uint64)
    for i in range(h.size):
        for j in range(seeds.size):
            out[i, j] = xxh64_u64(h[i], seeds[j])
    return out


# --- jump hash ---------------------------------------------------------------------------


@njit
def jump_one(key, n):
    """Lamping & Veach 2014, Figure 1, verbatim; the division is in double precision."""
    b = -1
    j = 0
    while j < n:
        b = j
        key = key * JUMP_LCG + ONE
        j = np.int64((b + 1) * (2147483648.0 / np.float64((key >> np.uint64(33)) + ONE)))
    return b


@njit
def jump_assign(h, n):
    out = np.empty(h.size, np.int64)
    for i in range(h.size):
        out[i] = jump_one(h[i], n)
    return out


# --- the ring -----------------------------------------------------------------------------


@njit
def _write_decimal(buf, pos, x):
    """Write non-negative ``x`` in ASCII decimal at ``buf[pos:]``; return the end position."""
    digits = 1
    t = x
    while t >= 10:
        t //= 10
        digits += 1
    for k in range(digits):
        buf[pos + digits - 1 - k] = 48 + x % 10
        x //= 10
    return pos + digits


@njit
def ring_tokens(counts, seed):
    """Token v of node i is XXH64 of the ASCII string "i-v" (the naming of ketama and uhashring).

    Returns (tokens, owner) unsorted, node i contributing ``counts[i]`` tokens.
    """
    n = counts.size
    start = np.zeros(n + 1, np.int64)
    for i in range(n):
        start[i + 1] = start[i] + counts[i]
    tokens = np.empty(start[n], np.uint64)
    owner = np.empty(start[n], np.int64)
    for i in range(n):
        buf = np.empty(48, np.uint8)
        for v in range(counts[i]):
            end = _write_decimal(buf, 0, i)
            buf[end] = 45  # "-"
            end = _write_decimal(buf, end + 1, v)
            tokens[start[i] + v] = xxh64_bytes(buf, 0, end, seed)
            owner[start[i] + v] = i
    return tokens, owner


@njit
def _successor(tokens, x):
    """Index of the first token strictly after ``x`` clockwise (wrapping to 0)."""
    lo = 0
    hi = tokens.size
    while lo < hi:
        mid = (lo + hi) >> 1
        if tokens[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return 0 if lo == tokens.size else lo


@njit
def ring_index(tokens, bits):
    """Bucket index of a sorted ring: ``start[j]`` is the first token >= j * 2^(64 - bits).

    Hashes are uniform, so with about one token per bucket a lookup searches
    a bucket of ~1 token instead of the whole ring (a radix table in front of
    the binary search).
    """
    buckets = 1 << bits
    start = np.empty(buckets + 1, np.int64)
    shift = np.uint64(64 - bits)
    t = 0
    for j in range(buckets):
        low = np.uint64(j) << shift
        while t < tokens.size and tokens[t] < low:
            t += 1
        start[j] = t
    start[buckets] = tokens.size
    return start


@njit
def _ring_successor(tokens, start, shift, x):
    """First token strictly after ``x`` clockwise: only bucket x >> shift can hold it."""
    j = np.int64(x >> shift)
    lo = start[j]
    hi = start[j + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if tokens[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return 0 if lo == tokens.size else lo


@njit
def ring_assign(h, tokens, owner, start, bits):
    out = np.empty(h.size, np.int64)
    shift = np.uint64(64 - bits)
    for i in range(h.size):
        out[i] = owner[_ring_successor(tokens, start, shift, h[i])]
    return out


@njit
def bounded_assign(h, tokens, owner, start, bits, n, capacity):
    """Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam 2016).

    Keys arrive in array order; each walks clockwise from its hash to the
    first token whose node holds fewer than ``capacity`` keys. ``n * capacity
    >= h.size`` guarantees the walk ends within one turn of the ring.
    """
    out = np.empty(h.size, np.int64)
    load = np.zeros(n, np.int64)
    shift = np.uint64(64 - bits)
    for i in range(h.size):
        t = _ring_successor(tokens, start, shift, h[i])
        while load[owner[t]] >= capacity:
            t += 1
            if t == tokens.size:
                t = 0
        out[i] = owner[t]
        load[owner[t]] += 1
    return out


# --- rendezvous ------------------------------------------------------------------------------


@njit
def rendezvous_assign(h, n):
    """Highest random weight: node j scores XXH64(key hash, seed=j); the top score wins."""
    out = np.empty(h.size, np.int64)
    for i in range(h.size):
        best = 0
        top = xxh64_u64(h[i], ZERO)
        for j in range(1, n):
            s = xxh64_u64(h[i], np.uint64(j))
            if s > top:
                top = s
                best = j
        out[i] = best
    return out


@njit
def rendezvous_weighted(h, weights):
    """Weighted HRW: node j scores -w_j / ln(u_j), u_j the score mapped into (0, 1)."""
    out = np.empty(h.size, np.int64)
    for i in range(h.size):
        best = 0
        top = -np.inf
        for j in range(weights.size):
            s = xxh64_u64(h[i], np.uint64(j))
            u = (np.float64(s >> np.uint64(11)) + 0.5) * 1.1102230246251565e-16  # 2^-53
            score = -weights[j] / np.log(u)
            if score > top:
                top = score
                best = j
        out[i] = best
    return out


# --- range partitioning ------------------------------------------------------------------------


@njit
def range_split(x, split_keys, n):
    """Range partitioning that splits a range when it reaches ``split_keys`` keys.

    ``x`` holds distinct order keys in arrival order. One range covering
    everything starts on node 0; a full range splits at its median key and the
    upper half goes to the node holding the fewest keys (ties: lowest index),
    as a balancer would place it. Returns the ranges' lower bounds (sorted),
    their owners and key counts, and the node that took each insert.
    """
    half = split_keys // 2
    max_ranges = x.size // half + 2
    lows = np.zeros(max_ranges, np.uint64)  # lower bound of the range at sorted position p
    ids = np.zeros(max_ranges, np.int64)  # which range sits at sorted position p
    buf = np.empty((max_ranges, split_keys), np.uint64)
    count = np.zeros(max_ranges, np.int64)
    owner = np.zeros(max_ranges, np.int64)
    node_keys = np.zeros(n, np.int64)
    writer = np.empty(x.size, np.int64)
    R = 1
    for t in range(x.size):
        p = _successor(lows[:R], x[t]) - 1  # last lower bound <= x (lows[0] = 0)
        if p < 0:
            p = R - 1
        r = ids[p]
        buf[r, count[r]] = x[t]
        count[r] += 1
        node_keys[owner[r]] += 1
        writer[t] = owner[r]
        if count[r] == split_keys:
            b = np.partition(buf[r, :split_keys], half)  # the median in place, halves unsorted
            new = R
            buf[r, :half] = b[:half]
            buf[new, : split_keys - half] = b[half:]
            count[r] = half
            count[new] = split_keys - half
            dest = np.argmin(node_keys)
            owner[new] = dest
            node_keys[owner[r]] -= split_keys - half
            node_keys[dest] += split_keys - half
            for q in range(R, p + 1, -1):  # keep lows sorted: open a slot at p + 1
                lows[q] = lows[q - 1]
                ids[q] = ids[q - 1]
            lows[p + 1] = b[half]
            ids[p + 1] = new
            R += 1
    lows_sorted = lows[:R].copy()
    order = ids[:R].copy()
    return lows_sorted, owner[order], count[order], writer


@njit
def range_lookup(x, lows, owner):
    out = np.empty(x.size, np.int64)
    for i in range(x.size):
        p = _successor(lows, x[i]) - 1
        if p < 0:
            p = lows.size - 1
        out[i] = owner[p]
    return out


@njit
def range_rebalance(owner, count, n_before, n_after):
    """Move whole ranges when the cluster changes size, moving as little as possible.

    Shrinking: each range of a removed node (the highest indices), largest
    first, goes to the least loaded remaining node. Growing: repeatedly move
    from the most loaded node to the least loaded new node the range whose
    size is closest to half their difference, while that narrows the gap.
    Returns the new owner of every range.
    """
    owner = owner.copy()
    if n_after == n_before:
        return owner
    n = max(n_before, n_after)
    load = np.zeros(n, np.int64)
    for r in range(owner.size):
        load[owner[r]] += count[r]
    if n_after < n_before:
        order = np.argsort(-count, kind="mergesort")
        for k in range(order.size):
            r = order[k]
            if owner[r] >= n_after:
                dest = np.argmin(load[:n_after])
                load[owner[r]] -= count[r]
                load[dest] += count[r]
                owner[r] = dest
        return owner
    while True:
        a = np.argmax(load)
        b = n_before + np.argmin(load[n_before:])
        gap = load[a] - load[b]
        best = -1
        best_miss = gap
        for r in range(owner.size):
            if owner[r] == a and 0 < count[r] < gap:
                miss = abs(2 * count[r] - gap)
                if miss < best_miss or best < 0:
                    best_miss = miss
                    best = r
        if best < 0:
            return owner
        load[a] -= count[best]
        load[b] += count[best]
        owner[best] = b


# --- bounded loads in the many-keys limit ---------------------------------------------------------


@njit
def fluid_fill_times(arcs, owner, n, capacity):
    """When each node fills, in the fluid limit of bounded loads.

    Keys arrive at a constant rate over the time interval [0, 1), uniformly
    over the circle; ``arcs[k]`` is the fraction of the circle whose keys try
    token k first, and ``capacity`` the fraction of all keys a node may hold.
    An open token takes its own arc's keys and those passing the closed
    tokens just before it, so between two fillings every rate is constant and
    the next filling time is exact. Returns the filling time of each node
    (inf: not full before time 1).
    """
    T = arcs.size
    tau = np.full(n, np.inf)
    intake = np.zeros(n)
    rate = np.zeros(n)
    u = 0.0
    while True:
        start = -1
        for k in range(T):
            if tau[owner[k]] == np.inf:
                start = k
                break
        if start < 0:
            return tau
        rate[:] = 0.0
        carry = 0.0
        for step in range(1, T + 1):  # from an open token once round, ending on it
            k = (start + step) % T
            carry += arcs[k]
            if tau[owner[k]] == np.inf:
                rate[owner[k]] += carry
                carry = 0.0
        wait = np.inf
        for j in range(n):
            if tau[j] == np.inf and rate[j] > 0.0:
                wait = min(wait, (capacity - intake[j]) / rate[j])
        if u + wait >= 1.0:
            return tau
        u += wait
        for j in range(n):
            if tau[j] == np.inf:
                intake[j] += rate[j] * wait
                if rate[j] > 0.0 and intake[j] >= capacity * (1.0 - 1e-12):
                    tau[j] = u


@njit
def _fluid_destinations(owner, member, tau, at, dest):
    """``dest[k]``: node a key trying token k first at time ``at`` lands on.

    That is the owner of the first token at or after k (clockwise) that
    belongs to the placement (``member``) and whose node is not yet full.
    """
    T = owner.size
    nxt = -1
    for step in range(2 * T):  # backwards twice round: the second pass sees across the wrap
        k = 2 * T - 1 - step
        t = k % T
        if member[t] and tau[owner[t]] > at:
            nxt = owner[t]
        if k < T:
            dest[t] = nxt


@njit
def fluid_moved(arcs, owner, member, tau_all, tau_sub, times):
    """Fraction of keys (by hash and arrival time) on different nodes in two fluid placements.

    ``arcs``/``owner``: the tokens of the larger ring; ``member[k]``: token k
    belongs to the smaller ring too (its tokens are a subset); ``tau_all``,
    ``tau_sub``: node filling times in each; ``times``: every filling time
    with 0 and 1, sorted, between which no node fills.
    """
    T = arcs.size
    every = np.ones(T, np.bool_)
    d_all = np.empty(T, np.int64)
    d_sub = np.empty(T, np.int64)
    total = 0.0
    for i in range(times.size - 1):
        at = 0.5 * (times[i] + times[i + 1])
        _fluid_destinations(owner, every, tau_all, at, d_all)
        _fluid_destinations(owner, member, tau_sub, at, d_sub)
        differ = 0.0
        for k in range(T):
            if d_all[k] != d_sub[k]:
                differ += arcs[k]
        total += (times[i + 1] - times[i]) * differ
    return total
