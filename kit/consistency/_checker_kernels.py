"""Linearizability search kernels: Wing & Gong / Lowe with memoisation, as in Porcupine.

Arrays in, arrays out, no checks (``checker.py`` validates and encodes).

One partition (one key) is a list of ``m`` operations and their ``2m`` call
and return events in time order. The search (Wing & Gong 1993; Lowe 2017,
"Testing for linearizability", section 3; Porcupine's ``checkSingle``) walks
a doubly linked list of the events: at a call, try to linearise that
operation now (step the sequential model); if the step is legal and the pair
(set of linearised operations, model state) was never reached before, lift
the operation's call and return out of the list and restart from the head;
at a return, the operation it belongs to should already have been
linearised, so backtrack. The cache of reached pairs turns the exponential
search into one over distinct configurations.

Model state is an int64. For registers it is the id of the value held. For
the kv store (strings with append) it is the id of a canonical string: a
table of strings built as (parent string, appended literal) with a
polynomial hash over two 31-bit primes, every hash hit verified byte by
byte, so two ids are equal exactly when the strings are.
"""

import time

import numpy as np

from ..core.jit import HAVE_NUMBA, njit, prange

OK, ILLEGAL, TIMEOUT, CANCELLED = 0, 1, 2, 3  # outcomes of one partition
READ, WRITE, CAS, APPEND = 0, 1, 2, 3  # as history.OPS
MAX_CLASSES = 63  # classes of interchangeable pending operations tracked per search level
NIL = -1
MOD = 2147483647  # 2^31 - 1: products of two residues fit in int64
BASE1, BASE2 = 131, 257
CLOCK_EVERY = 2047  # steps between looks at the clock (a mask)

if HAVE_NUMBA:
    import numba

    @njit
    def now_s():
        """Wall-clock seconds, readable inside a kernel (for time budgets)."""
        with numba.objmode(t="float64"):
            t = time.perf_counter()
        return t

else:  # pragma: no cover - exercised by the no-numba subprocess test

    def now_s():
        return time.perf_counter()


# --- hashing ------------------------------------------------------------------------------
@njit
def _mix(x):
    """A 62-bit hash of a non-negative int64 (products of 31-bit residues: no overflow, same in Python)."""
    lo = x & 0x7FFFFFFF
    hi = (x >> 31) & 0x7FFFFFFF
    a = (lo * 1588635695 + hi * 1103515245 + (x >> 62)) % MOD
    b = (a * 48271 + lo) % MOD
    b = (b * 1588635695 + hi) % MOD
    return (a << 31) | b


# --- the cache of reached (linearised set, state) pairs ---------------------------------------
@njit
def _cache_new(capacity, words):
    return (
        np.full(2 * capacity, -1, np.int64),  # open-addressing slots -> entry
        np.empty(capacity, np.int64),  # entry hash
        np.empty(capacity, np.int64),  # entry state
        np.empty((capacity, words), np.uint64),  # entry linearised set
    )


@njit
def _cache_find(slots, e_hash, e_state, e_bits, h, state, bits):
    """Slot of (bits, state): its entry if present (returns True), else the free slot."""
    mask = slots.size - 1
    i = h & mask
    while slots[i] != -1:
        e = slots[i]
        if e_hash[e] == h and e_state[e] == state:
            same = True
            for w in range(bits.size):
                if e_bits[e, w] != bits[w]:
                    same = False
                    break
            if same:
                return True, i
        i = (i + 1) & mask
    return False, i


@njit
def _cache_grow(slots, e_hash, e_state, e_bits, n):
    capacity = 2 * e_hash.size
    slots2, h2, s2, b2 = _cache_new(capacity, e_bits.shape[1])
    mask = slots2.size - 1
    for e in range(n):
        h2[e] = e_hash[e]
        s2[e] = e_state[e]
        b2[e, :] = e_bits[e, :]
        i = h2[e] & mask
        while slots2[i] != -1:
            i = (i + 1) & mask
        slots2[i] = e
    return slots2, h2, s2, b2


# --- canonical strings for the kv model ------------------------------------------------------
@njit
def _str_write(sid, parent, seg, slen, lit_bytes, lit_off, lit_len, n_lit, buf):
    """Write the string of state ``sid`` into ``buf[:slen[sid]]``."""
    end = slen[sid]
    while sid >= n_lit:
        v = seg[sid]
        start = end - lit_len[v]
        buf[start:end] = lit_bytes[lit_off[v] : lit_off[v] + lit_len[v]]
        end = start
        sid = parent[sid]
    buf[:end] = lit_bytes[lit_off[sid] : lit_off[sid] + lit_len[sid]]


@njit
def _doubled(a, fill):
    """``a`` followed by as many ``fill`` values: room to grow."""
    return np.concatenate((a, np.full(a.size, fill, a.dtype)))


@njit
def _strings_new(lit_len, lit_h1, lit_h2, n_lit):
    """The string table seeded with every literal as its own canonical state."""
    capacity = max(64, 2 * n_lit)
    parent = np.full(capacity, -1, np.int64)
    seg = np.empty(capacity, np.int64)
    slen = np.empty(capacity, np.int64)
    h1 = np.empty(capacity, np.int64)
    h2 = np.empty(capacity, np.int64)
    for v in range(n_lit):
        seg[v] = v
        slen[v] = lit_len[v]
        h1[v] = lit_h1[v]
        h2[v] = lit_h2[v]
    return parent, seg, slen, h1, h2


@njit
def _map_new(at_least):
    """An int64 -> int64 open-addressing map: keys (-1 = empty) and values, a power-of-two size."""
    capacity = 64
    while capacity < at_least:
        capacity *= 2
    return np.full(capacity, -1, np.int64), np.empty(capacity, np.int64)


@njit
def _map_slot(keys, k):
    mask = keys.size - 1
    i = _mix(k) & mask
    while keys[i] != -1 and keys[i] != k:
        i = (i + 1) & mask
    return i


@njit
def _map_grow(keys, vals):
    k2, v2 = _map_new(2 * keys.size)
    for i in range(keys.size):
        if keys[i] != -1:
            j = _map_slot(k2, keys[i])
            k2[j] = keys[i]
            v2[j] = vals[i]
    return k2, v2


# --- one partition ----------------------------------------------------------------------------
@njit
def search_partition(
    kind,
    a1,
    a2,
    res,
    unknown,
    cls,
    ev_op,
    ev_call,
    init_state,
    lit_bytes,
    lit_off,
    lit_len,
    lit_h1,
    lit_h2,
    lit_p1,
    lit_p2,
    deadline_s,
    stop,
    order_out,
    best_out,
):
    """Search one partition for a linearisation.

    Parameters: per operation ``kind`` (READ/WRITE/CAS/APPEND), ``a1``/``a2``
    (value ids: written value, cas expected/new, appended literal), ``res``
    (value id read, or 1/0 for a cas that swapped/did not), ``unknown``
    (result unconstrained: the operation's outcome is unknown), ``cls`` (a class
    0..MAX_CLASSES-1 of interchangeable pending operations, or -1); per event in
    time order ``ev_op`` and ``ev_call`` (1 call, 0 return); ``init_state``;
    the literal strings for appends (bytes, offsets, lengths, the two hashes
    and BASE^len of each, mod ``MOD``); ``deadline_s`` on the ``now_s`` clock;
    ``stop[0]`` set to 1 by any partition found ILLEGAL, which settles the
    verdict, so the others give up (CANCELLED) at their next look at the clock.

    Writes the linearisation (OK) or the longest linearisable prefix found
    into ``order_out`` / ``best_out`` and returns
    ``(outcome, len(order), len(best prefix), steps)``.
    """
    m = kind.size
    n_ev = ev_op.size
    n_lit = lit_len.size
    words = max(1, (m + 63) // 64)
    # the event list: node 0 is the head, node e + 1 is event e
    nxt = np.empty(n_ev + 1, np.int64)
    prv = np.empty(n_ev + 1, np.int64)
    node_op = np.empty(n_ev + 1, np.int64)
    node_call = np.zeros(n_ev + 1, np.bool_)
    ret_node = np.empty(m, np.int64)
    for e in range(n_ev + 1):
        nxt[e] = e + 1 if e < n_ev else NIL
        prv[e] = e - 1
    node_cls = np.full(n_ev + 1, -1, np.int64)  # the class of a call's operation (-1: none, or a return)
    for e in range(n_ev):
        node_op[e + 1] = ev_op[e]
        node_call[e + 1] = ev_call[e] == 1
        if ev_call[e] == 1:
            node_cls[e + 1] = cls[ev_op[e]]
        if ev_call[e] == 0:
            ret_node[ev_op[e]] = e + 1
    # Zobrist keys: the hash of a set of operations is the xor of its members' keys
    zob = np.empty(m, np.int64)
    for i in range(m):
        zob[i] = _mix(_mix(i + 1) ^ 0x2545F4914F6CDD1D)
    slots, e_hash, e_state, e_bits = _cache_new(1024, words)
    n_cache = 0
    bits = np.zeros(words, np.uint64)
    calls_node = np.empty(m, np.int64)
    calls_state = np.empty(m, np.int64)
    n_calls = 0
    n_best = 0
    # the kv string table (used only by APPEND)
    parent, seg, slen, sh1, sh2 = _strings_new(lit_len, lit_h1, lit_h2, n_lit)
    n_str = n_lit
    by_hash_k, by_hash_v = _map_new(4 * n_lit)  # combined hash -> first state
    same_next = np.full(parent.size, -1, np.int64)  # next state with the same hash
    for v in range(n_lit):
        k = (sh1[v] << 31) | sh2[v]
        j = _map_slot(by_hash_k, k)
        if by_hash_k[j] == -1:
            by_hash_k[j] = k
            by_hash_v[j] = v
        else:  # equal hashes of distinct literals: chain them
            same_next[v] = by_hash_v[j]
            by_hash_v[j] = v
    memo_k, memo_v = _map_new(256)  # (state, literal) -> appended state
    n_memo = 0
    n_keys = n_lit
    buf1 = np.empty(16, np.uint8)
    buf2 = np.empty(16, np.uint8)

    # Pending operations of one class (cls >= 0) lead to the same state and can all still happen
    # at any later time, so a level tries only the first of each class it meets.
    calls_tried = np.zeros(m, np.int64)
    tried = 0
    state = init_state
    h = 0
    entry = nxt[0]
    steps = 0
    while nxt[0] != NIL:
        steps += 1
        if (steps & CLOCK_EVERY) == 0:
            if stop[0] != 0:
                return CANCELLED, 0, n_best, steps
            if now_s() > deadline_s:
                return TIMEOUT, 0, n_best, steps
        if node_cls[entry] >= 0 and (tried >> node_cls[entry]) & 1:
            entry = nxt[entry]  # a twin of this one was tried at this level
        elif node_call[entry]:
            op = node_op[entry]
            if cls[op] >= 0:
                tried |= 1 << cls[op]
            k_ = kind[op]
            legal = True
            new_state = state
            if k_ == READ:
                legal = unknown[op] or state == res[op]
            elif k_ == WRITE:
                new_state = a1[op]
            elif k_ == CAS:
                if state == a1[op]:
                    new_state = a2[op]
                    legal = unknown[op] or res[op] == 1
                else:
                    legal = unknown[op] or res[op] == 0
            else:  # APPEND: the canonical id of state + literal a1
                lit = a1[op]
                key = state * (n_lit + 1) + lit
                j = _map_slot(memo_k, key)
                if memo_k[j] == key:
                    new_state = memo_v[j]
                else:
                    g1 = (sh1[state] * lit_p1[lit] + lit_h1[lit]) % MOD
                    g2 = (sh2[state] * lit_p2[lit] + lit_h2[lit]) % MOD
                    length = slen[state] + lit_len[lit]
                    hk = (g1 << 31) | g2
                    hj = _map_slot(by_hash_k, hk)
                    found = -1
                    if by_hash_k[hj] == hk:
                        if buf1.size < length:
                            buf1 = np.empty(2 * length, np.uint8)
                            buf2 = np.empty(2 * length, np.uint8)
                        _str_write(state, parent, seg, slen, lit_bytes, lit_off, lit_len, n_lit, buf1)
                        buf1[slen[state] : length] = lit_bytes[lit_off[lit] : lit_off[lit] + lit_len[lit]]
                        c = by_hash_v[hj]
                        while c != -1 and found == -1:
                            if slen[c] == length:
                                _str_write(c, parent, seg, slen, lit_bytes, lit_off, lit_len, n_lit, buf2)
                                same = True
                                for b in range(length):
                                    if buf1[b] != buf2[b]:
                                        same = False
                                        break
                                if same:
                                    found = c
                            c = same_next[c]
                    if found == -1:
                        if n_str == parent.size:
                            parent = _doubled(parent, -1)
                            seg = _doubled(seg, 0)
                            slen = _doubled(slen, 0)
                            sh1 = _doubled(sh1, 0)
                            sh2 = _doubled(sh2, 0)
                            same_next = _doubled(same_next, -1)
                        found = n_str
                        parent[found] = state
                        seg[found] = lit
                        slen[found] = length
                        sh1[found] = g1
                        sh2[found] = g2
                        if by_hash_k[hj] == hk:
                            same_next[found] = by_hash_v[hj]
                            by_hash_v[hj] = found
                        else:
                            by_hash_k[hj] = hk
                            by_hash_v[hj] = found
                            n_keys += 1
                            if 2 * n_keys > by_hash_k.size:
                                by_hash_k, by_hash_v = _map_grow(by_hash_k, by_hash_v)
                        n_str += 1
                    new_state = found
                    memo_k[j] = key
                    memo_v[j] = found
                    n_memo += 1
                    if 2 * n_memo > memo_k.size:
                        memo_k, memo_v = _map_grow(memo_k, memo_v)
            if legal:
                w, b = op >> 6, np.uint64(op & 63)
                bits[w] |= np.uint64(1) << b
                h2 = h ^ zob[op]
                key_h = h2 ^ _mix(new_state)
                hit, slot = _cache_find(slots, e_hash, e_state, e_bits, key_h, new_state, bits)
                if not hit:
                    if n_cache == e_hash.size:
                        slots, e_hash, e_state, e_bits = _cache_grow(slots, e_hash, e_state, e_bits, n_cache)
                        hit, slot = _cache_find(slots, e_hash, e_state, e_bits, key_h, new_state, bits)
                    slots[slot] = n_cache
                    e_hash[n_cache] = key_h
                    e_state[n_cache] = new_state
                    e_bits[n_cache, :] = bits
                    n_cache += 1
                    calls_node[n_calls] = entry
                    calls_state[n_calls] = state
                    calls_tried[n_calls] = tried
                    n_calls += 1
                    tried = 0
                    state = new_state
                    h = h2
                    # lift the call and its return out of the list
                    nxt[prv[entry]] = nxt[entry]
                    prv[nxt[entry]] = prv[entry]
                    r = ret_node[op]
                    nxt[prv[r]] = nxt[r]
                    if nxt[r] != NIL:
                        prv[nxt[r]] = prv[r]
                    entry = nxt[0]
                else:
                    bits[w] &= ~(np.uint64(1) << b)
                    entry = nxt[entry]
            else:
                entry = nxt[entry]
        else:
            # an operation returned before we could linearise it: backtrack
            if n_calls > n_best:
                for i in range(n_calls):
                    best_out[i] = node_op[calls_node[i]]
                n_best = n_calls
            if n_calls == 0:
                stop[0] = 1
                return ILLEGAL, 0, n_best, steps
            n_calls -= 1
            entry = calls_node[n_calls]
            state = calls_state[n_calls]
            tried = calls_tried[n_calls]
            op = node_op[entry]
            bits[op >> 6] &= ~(np.uint64(1) << np.uint64(op & 63))
            h ^= zob[op]
            # put the call and its return back (the reverse of the lift)
            r = ret_node[op]
            nxt[prv[r]] = r
            if nxt[r] != NIL:
                prv[nxt[r]] = r
            nxt[prv[entry]] = entry
            prv[nxt[entry]] = entry
            entry = nxt[entry]
    for i in range(n_calls):
        order_out[i] = node_op[calls_node[i]]
        best_out[i] = order_out[i]
    return OK, n_calls, n_calls, steps


@njit
def _search_one(p, op_off, ops, lits, deadline_s, stop, outcome, n_order, n_best, steps, order, best):
    lo, hi = op_off[p], op_off[p + 1]
    kind, a1, a2, res, unknown, cls, ev_op, ev_call, init_state = ops
    o, n1, n2, s = search_partition(
        kind[lo:hi],
        a1[lo:hi],
        a2[lo:hi],
        res[lo:hi],
        unknown[lo:hi],
        cls[lo:hi],
        ev_op[2 * lo : 2 * hi],
        ev_call[2 * lo : 2 * hi],
        init_state,
        *lits,
        deadline_s,
        stop,
        order[lo:hi],
        best[lo:hi],
    )
    outcome[p] = o
    n_order[p] = n1
    n_best[p] = n2
    steps[p] = s


@njit
def _outputs(op_off, m):
    n_part = op_off.size - 1
    return (
        np.empty(n_part, np.int64),
        np.zeros(n_part, np.int64),
        np.zeros(n_part, np.int64),
        np.zeros(n_part, np.int64),
        np.full(m, -1, np.int64),
        np.full(m, -1, np.int64),
    )


@njit
def search_partitions(op_off, ops, lits, deadline_s):
    """Every partition (key) in turn: P-compositionality, one core.

    Partition ``p`` owns operations ``op_off[p]:op_off[p+1]`` and events
    ``2*op_off[p]:2*op_off[p+1]`` (operation indices local to the partition);
    ``ops`` and ``lits`` are the per-operation and literal arrays of
    :func:`search_partition`. Returns per partition (outcome, order length,
    best-prefix length, steps) and the concatenated orders and best prefixes.
    """
    out = _outputs(op_off, ops[0].size)
    stop = np.zeros(1, np.int64)
    for p in range(op_off.size - 1):
        if stop[0] != 0:
            out[0][p] = CANCELLED
        else:
            _search_one(p, op_off, ops, lits, deadline_s, stop, *out)
    return out


@njit(parallel=True)
def search_partitions_parallel(op_off, ops, lits, deadline_s):
    """As :func:`search_partitions`, the partitions spread over the cores."""
    out = _outputs(op_off, ops[0].size)
    stop = np.zeros(1, np.int64)
    for p in prange(op_off.size - 1):
        if stop[0] != 0:
            out[0][p] = CANCELLED
        else:
            _search_one(p, op_off, ops, lits, deadline_s, stop, *out)
    return out


@njit
def literal_hashes(lit_bytes, lit_off, lit_len):
    """Per literal string: its two polynomial hashes and BASE^len, all mod ``MOD``."""
    n = lit_len.size
    h1 = np.zeros(n, np.int64)
    h2 = np.zeros(n, np.int64)
    p1 = np.ones(n, np.int64)
    p2 = np.ones(n, np.int64)
    for v in range(n):
        for i in range(lit_off[v], lit_off[v] + lit_len[v]):
            c = np.int64(lit_bytes[i]) + 1  # + 1: a zero byte still changes the hash
            h1[v] = (h1[v] * BASE1 + c) % MOD
            h2[v] = (h2[v] * BASE2 + c) % MOD
            p1[v] = (p1[v] * BASE1) % MOD
            p2[v] = (p2[v] * BASE2) % MOD
    return h1, h2, p1, p2
