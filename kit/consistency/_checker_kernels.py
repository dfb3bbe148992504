"""Linearizability search kernels: Wing & Gong / Lowe with memoisation, as in Porcupine.

Arrays in, arrays out, no checks (``checker.py`` validates and encodes).

One partition (one key, or the few keys that program order at one instant
ties together: see ``checker``) is a list of ``m`` operations and their ``2m``
call and return events in time order. The search (Wing & Gong 1993; Lowe 2017,
"Testing for linearizability", section 3; Porcupine's ``checkSingle``) walks
a doubly linked list of the events: at a call, try to linearise that
operation now (step the sequential model); if the step is legal and the pair
(set of linearised operations, model state) was never reached before, lift
the operation's call and return out of the list and restart from the head;
at a return, the operation it belongs to should already have been
linearised, so backtrack. The cache of reached pairs turns the exponential
search into one over distinct configurations. Program order adds one rule: an
operation whose process completed its previous operation at the very instant
this one was invoked waits until that one is linearised (the event order alone
lets touching intervals overlap).

Model state is an int64. For registers it is the id of the value held. For
the kv store (strings with append) it is the id of a canonical string: a
table of strings built as (parent string, appended literal) with a
polynomial hash over two 31-bit primes, every hash hit verified byte by
byte, so two ids are equal exactly when the strings are. A partition of
several keys numbers the rows of their values the same way.
"""

import time

import numpy as np

from ..core.jit import HAVE_NUMBA, njit, prange

OK, ILLEGAL, TIMEOUT, CANCELLED, OUT_OF_MEMORY = 0, 1, 2, 3, 4  # outcomes of one partition
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


@njit
def _cache_add(cache, n, h, state, bits):
    """Add (bits, state) as entry ``n`` unless present: (was it present, the cache, grown if full)."""
    if n == cache[1].size:
        cache = _cache_grow(cache[0], cache[1], cache[2], cache[3], n)
    slots, e_hash, e_state, e_bits = cache
    hit, where = _cache_find(slots, e_hash, e_state, e_bits, h, state, bits)
    if not hit:
        slots[where] = n
        e_hash[n] = h
        e_state[n] = state
        e_bits[n, :] = bits
    return hit, cache


@njit
def _copy_order(calls_node, n_calls, node_op, out) -> int:
    """The operations of the search stack's first ``n_calls`` levels into ``out``; returns ``n_calls``."""
    for i in range(n_calls):
        out[i] = node_op[calls_node[i]]
    return n_calls


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


# --- the kv model's canonical strings --------------------------------------------------------
@njit
def _strings_new(lits):
    """The canonical string table of the kv model, seeded with every literal as its own state.

    Returns ``(table, index, memo, bufs, counts)``: ``table`` = (parent, seg, slen, h1, h2,
    same_next) per state; ``index`` maps a combined hash to the newest state with it (older
    ones chained through ``same_next``); ``memo`` maps (state, literal) to the appended state;
    ``bufs`` two byte buffers for comparisons; ``counts`` = (states, index keys, memo entries).
    """
    lit_len, lit_h1, lit_h2 = lits[2], lits[3], lits[4]
    n_lit = lit_len.size
    capacity = max(64, 2 * n_lit)
    parent = np.full(capacity, -1, np.int64)
    seg = np.empty(capacity, np.int64)
    slen = np.empty(capacity, np.int64)
    h1 = np.empty(capacity, np.int64)
    h2 = np.empty(capacity, np.int64)
    same_next = np.full(capacity, -1, np.int64)
    index_k, index_v = _map_new(4 * n_lit)
    n_keys = 0
    for v in range(n_lit):
        seg[v] = v
        slen[v] = lit_len[v]
        h1[v] = lit_h1[v]
        h2[v] = lit_h2[v]
        k = (h1[v] << 31) | h2[v]
        j = _map_slot(index_k, k)
        if index_k[j] == -1:
            index_k[j] = k
            n_keys += 1
        else:  # equal hashes of distinct literals: chain them
            same_next[v] = index_v[j]
        index_v[j] = v
    memo_k, memo_v = _map_new(256)
    bufs = (np.empty(16, np.uint8), np.empty(16, np.uint8))
    counts = np.array([n_lit, n_keys, 0], np.int64)
    return (parent, seg, slen, h1, h2, same_next), (index_k, index_v), (memo_k, memo_v), bufs, counts


@njit
def _str_equal(table, a, b, length, lits, bufs):
    """Do states ``a`` and ``b`` (both ``length`` bytes) spell the same string?"""
    parent, seg, slen = table[0], table[1], table[2]
    n_lit = lits[2].size
    buf1, buf2 = bufs
    _str_write(a, parent, seg, slen, lits[0], lits[1], lits[2], n_lit, buf1)
    _str_write(b, parent, seg, slen, lits[0], lits[1], lits[2], n_lit, buf2)
    for i in range(length):
        if buf1[i] != buf2[i]:
            return False
    return True


@njit
def _append(state, lit, lits, strings):
    """The canonical id of string(state) + literal ``lit``, made on first use. Returns (id, strings).

    The candidate is written as a provisional state ``n`` (the next free one) so that it can
    be compared byte by byte with every state of the same hash; it is kept only if none matches.
    """
    table, index, memo, bufs, counts = strings
    key = state * (lits[2].size + 1) + lit
    j = _map_slot(memo[0], key)
    if memo[0][j] == key:
        return memo[1][j], strings
    n = counts[0]
    if n == table[0].size:
        table = (
            _doubled(table[0], -1), _doubled(table[1], 0), _doubled(table[2], 0),
            _doubled(table[3], 0), _doubled(table[4], 0), _doubled(table[5], -1),
        )  # fmt: skip
    parent, seg, slen, sh1, sh2, same_next = table
    length = slen[state] + lits[2][lit]
    parent[n], seg[n], slen[n], same_next[n] = state, lit, length, -1
    sh1[n] = (sh1[state] * lits[5][lit] + lits[3][lit]) % MOD
    sh2[n] = (sh2[state] * lits[6][lit] + lits[4][lit]) % MOD
    hk = (sh1[n] << 31) | sh2[n]
    hj = _map_slot(index[0], hk)
    found = -1
    if index[0][hj] == hk:
        if bufs[0].size < length:
            bufs = (np.empty(2 * length, np.uint8), np.empty(2 * length, np.uint8))
        c = index[1][hj]
        while c != -1 and found == -1:
            if slen[c] == length and _str_equal(table, n, c, length, lits, bufs):
                found = c
            c = same_next[c]
    if found == -1:  # a new string: keep the provisional state
        found = n
        counts[0] = n + 1
        if index[0][hj] == hk:
            same_next[n] = index[1][hj]
        else:
            index[0][hj] = hk
            counts[1] += 1
        index[1][hj] = n
        if 2 * counts[1] > index[0].size:
            index = _map_grow(index[0], index[1])
    memo[0][j] = key
    memo[1][j] = found
    counts[2] += 1
    if 2 * counts[2] > memo[0].size:
        memo = _map_grow(memo[0], memo[1])
    return found, (table, index, memo, bufs, counts)


# --- composite states: several keys searched together -------------------------------------------
@njit
def _row_hash(rows, i):
    h = 0
    for j in range(rows.shape[1]):
        h = _mix(h ^ _mix(rows[i, j] + 1 + (j << 32)))
    return h


@njit
def _rows_new(n_slots, init_value):
    """The table of composite states of a partition holding ``n_slots`` keys (every one at
    ``init_value`` in state 0): ``(rows, hashes, same_next, index, counts)``."""
    rows = np.empty((64, n_slots), np.int64)
    rows[0, :] = init_value
    hashes = np.empty(64, np.int64)
    hashes[0] = _row_hash(rows, 0)
    same_next = np.full(64, -1, np.int64)
    index = _map_new(256)
    j = _map_slot(index[0], hashes[0])
    index[0][j] = hashes[0]
    index[1][j] = 0
    return rows, hashes, same_next, index, np.array([1, 1], np.int64)


@njit
def _compose(state, slot, value, comp):
    """The id of composite state ``state`` with key ``slot`` set to ``value``: ``(id, comp)``."""
    rows, hashes, same_next, index, counts = comp
    n = counts[0]
    if n == hashes.size:  # room for a provisional row
        grown = np.empty((2 * n, rows.shape[1]), np.int64)
        grown[:n] = rows
        rows, hashes, same_next = grown, _doubled(hashes, 0), _doubled(same_next, -1)
    rows[n, :] = rows[state, :]
    rows[n, slot] = value
    h = _row_hash(rows, n)
    j = _map_slot(index[0], h)
    if index[0][j] == h:
        c = index[1][j]
        while c != -1:
            same = True
            for k in range(rows.shape[1]):
                if rows[c, k] != rows[n, k]:
                    same = False
                    break
            if same:
                return c, (rows, hashes, same_next, index, counts)
            c = same_next[c]
        same_next[n] = index[1][j]
    else:
        index[0][j] = h
        same_next[n] = -1
        counts[1] += 1
    index[1][j] = n
    hashes[n] = h
    counts[0] = n + 1
    if 2 * counts[1] > index[0].size:
        index = _map_grow(index[0], index[1])
    return n, (rows, hashes, same_next, index, counts)


# --- one partition ----------------------------------------------------------------------------
@njit
def _event_list(ev_op, ev_call, cls, m):
    """The doubly linked list of events (node 0 is the head, node e + 1 is event e).

    Returns ``(nxt, prv, node_op, node_call, node_cls, ret_node)``: the links, each node's
    operation, whether it is a call, the class of a call's operation (-1: none or a return),
    and the node of each operation's return.
    """
    n_ev = ev_op.size
    nxt = np.empty(n_ev + 1, np.int64)
    prv = np.empty(n_ev + 1, np.int64)
    node_op = np.full(n_ev + 1, -1, np.int64)
    node_call = np.zeros(n_ev + 1, np.bool_)
    node_cls = np.full(n_ev + 1, -1, np.int64)
    ret_node = np.empty(m, np.int64)
    for e in range(n_ev + 1):
        nxt[e] = e + 1 if e < n_ev else NIL
        prv[e] = e - 1
    for e in range(n_ev):
        node_op[e + 1] = ev_op[e]
        if ev_call[e] == 1:
            node_call[e + 1] = True
            node_cls[e + 1] = cls[ev_op[e]]
        else:
            ret_node[ev_op[e]] = e + 1
    return nxt, prv, node_op, node_call, node_cls, ret_node


@njit
def _zobrist(m):
    """A random-looking key per operation: the hash of a set is the xor of its members' keys."""
    zob = np.empty(m, np.int64)
    for i in range(m):
        zob[i] = _mix(_mix(i + 1) ^ 0x2545F4914F6CDD1D)
    return zob


@njit
def _lift(nxt, prv, call, ret):
    """Take an operation's call and return out of the event list."""
    nxt[prv[call]] = nxt[call]
    prv[nxt[call]] = prv[call]
    nxt[prv[ret]] = nxt[ret]
    if nxt[ret] != NIL:
        prv[nxt[ret]] = prv[ret]


@njit
def _unlift(nxt, prv, call, ret):
    """Put them back (the exact reverse of :func:`_lift`)."""
    nxt[prv[ret]] = ret
    if nxt[ret] != NIL:
        prv[nxt[ret]] = ret
    nxt[prv[call]] = call
    prv[nxt[call]] = call


@njit
def _step(op, state, kind, a1, a2, res, unknown):
    """One register or cas operation on the model: ``(legal, new state)``."""
    k_ = kind[op]
    if k_ == READ:
        return unknown[op] or state == res[op], state
    if k_ == WRITE:
        return True, a1[op]
    if state == a1[op]:  # CAS
        return unknown[op] or res[op] == 1, a2[op]
    return unknown[op] or res[op] == 0, state


@njit
def _placed(bits, op):
    return op < 0 or (bits[op >> 6] >> np.uint64(op & 63)) & np.uint64(1) == np.uint64(1)


@njit
def _mark(bits, op):
    bits[op >> 6] |= np.uint64(1) << np.uint64(op & 63)


@njit
def _unmark(bits, op):
    bits[op >> 6] &= ~(np.uint64(1) << np.uint64(op & 63))


@njit
def _interrupted(stop, deadline_s, n_cache, max_entries):
    """Why a search must give up now (CANCELLED, TIMEOUT, OUT_OF_MEMORY), or OK to go on."""
    if stop[0] != 0:
        return CANCELLED  # another partition is ILLEGAL: the verdict is settled
    if now_s() > deadline_s:
        return TIMEOUT
    if n_cache > max_entries:
        return OUT_OF_MEMORY
    return OK


@njit
def _apply(op, state, ops, n_slots, lits, strings, comp):
    """Operation ``op`` on the model in ``state``: ``(legal, new state, strings, comp)``.

    The model state is the value's id (one key) or a composite row's id (several keys); the
    tables of strings and of composite rows grow as new values appear.
    """
    kind, a1, a2, res, unknown, _, _, slot, _, _, _ = ops
    value = state if n_slots == 1 else comp[0][state, slot[op]]
    if kind[op] == APPEND:
        legal = True
        memo_k, memo_v = strings[2]
        key = value * (lits[2].size + 1) + a1[op]
        j = _map_slot(memo_k, key)
        if memo_k[j] == key:  # appended before
            new_value = memo_v[j]
        else:
            new_value, strings = _append(value, a1[op], lits, strings)
    else:
        legal, new_value = _step(op, value, kind, a1, a2, res, unknown)
    new_state = new_value
    if legal and n_slots > 1:
        new_state = state
        if new_value != value:
            new_state, comp = _compose(state, slot[op], new_value, comp)
    return legal, new_state, strings, comp


@njit
def search_partition(ops, n_slots, lits, deadline_s, max_entries, stop, order_out, best_out):
    """Search one partition for a linearisation.

    ``ops`` = (kind, a1, a2, res, unknown, cls, pred, slot, ev_op, ev_call, init_value): per
    operation ``kind`` (READ/WRITE/CAS/APPEND), ``a1``/``a2`` (value ids: written value, cas
    expected/new, appended literal), ``res`` (value id read, or 1/0 for a cas that swapped/did
    not), ``unknown`` (result unconstrained: the outcome is unknown), ``cls`` (a class
    0..MAX_CLASSES-1 of interchangeable pending operations, or -1), ``pred`` (the operation
    of the same process that completed at the instant this one was invoked, which program
    order puts first, or -1), ``slot`` (which of the partition's ``n_slots`` keys it acts
    on); per event in time order ``ev_op`` and ``ev_call`` (1 call, 0 return); the id of
    every key's initial value. With one key the model state is the id of the value held;
    with several it is the id of a row of values (:func:`_compose`). ``lits``: the literal
    strings for appends (bytes, offsets, lengths, the two hashes and BASE^len of each, mod
    ``MOD``). ``deadline_s`` on the :func:`now_s` clock; ``max_entries`` bounds the cache
    (memory); ``stop[0]`` is set to 1 by any partition found ILLEGAL, which settles the
    verdict, so the others give up (CANCELLED) at their next look at the clock.

    Writes the linearisation (OK) or the longest linearisable prefix found into
    ``order_out`` / ``best_out``; returns ``(outcome, len(order), len(best prefix), steps)``.
    """
    kind, _, _, _, _, cls, pred, _, ev_op, ev_call, init_value = ops
    m = kind.size
    nxt, prv, node_op, node_call, node_cls, ret_node = _event_list(ev_op, ev_call, cls, m)
    zob = _zobrist(m)
    bits = np.zeros(max(1, (m + 63) // 64), np.uint64)
    cache = _cache_new(1024, bits.size)
    n_cache = 0
    strings = _strings_new(lits)
    comp = _rows_new(n_slots, init_value)
    calls_node = np.empty(m, np.int64)
    calls_state = np.empty(m, np.int64)
    calls_tried = np.zeros(m, np.int64)
    # Pending operations of one class lead to the same state and can all still happen at any
    # later time, so a level tries only the first of each class it meets (``tried``).
    n_calls = n_best = steps = tried = h = 0
    state = init_value if n_slots == 1 else 0
    entry = nxt[0]
    while nxt[0] != NIL:
        steps += 1
        if (steps & CLOCK_EVERY) == 0:
            why = _interrupted(stop, deadline_s, n_cache, max_entries)
            if why != OK:
                return why, 0, n_best, steps
        if node_call[entry]:
            op = node_op[entry]
            c = node_cls[entry]
            if (c >= 0 and (tried >> c) & 1) or not _placed(bits, pred[op]):
                entry = nxt[entry]  # a twin was tried at this level, or program order says wait
                continue
            if c >= 0:
                tried |= 1 << c
            legal, new_state, strings, comp = _apply(op, state, ops, n_slots, lits, strings, comp)
            if not legal:
                entry = nxt[entry]
                continue
            _mark(bits, op)
            h2 = h ^ zob[op]
            key_h = h2 ^ _mix(new_state)
            # remember (linearised set, state); a configuration reached before is not searched again
            hit, cache = _cache_add(cache, n_cache, key_h, new_state, bits)
            if hit:
                _unmark(bits, op)
                entry = nxt[entry]
                continue
            n_cache += 1
            calls_node[n_calls] = entry
            calls_state[n_calls] = state
            calls_tried[n_calls] = tried
            n_calls += 1
            tried = 0
            state = new_state
            h = h2
            _lift(nxt, prv, entry, ret_node[op])
            entry = nxt[0]
        else:
            # an operation returned before it could be linearised: backtrack
            if n_calls > n_best:
                n_best = _copy_order(calls_node, n_calls, node_op, best_out)
            if n_calls == 0:
                stop[0] = 1
                return ILLEGAL, 0, n_best, steps
            n_calls -= 1
            entry = calls_node[n_calls]
            state = calls_state[n_calls]
            tried = calls_tried[n_calls]
            op = node_op[entry]
            _unmark(bits, op)
            h ^= zob[op]
            _unlift(nxt, prv, entry, ret_node[op])
            entry = nxt[entry]
    _copy_order(calls_node, n_calls, node_op, best_out)
    return OK, _copy_order(calls_node, n_calls, node_op, order_out), n_calls, steps


@njit
def _search_one(p, parts, ops, lits, bounds, stop, out):
    """Partition ``p`` of :func:`search_partitions`, its results written into ``out``."""
    op_off, n_slots = parts
    lo, hi = op_off[p], op_off[p + 1]
    kind, a1, a2, res, unknown, cls, pred, slot, ev_op, ev_call, init_value = ops
    mine = (
        kind[lo:hi], a1[lo:hi], a2[lo:hi], res[lo:hi], unknown[lo:hi], cls[lo:hi], pred[lo:hi],
        slot[lo:hi], ev_op[2 * lo : 2 * hi], ev_call[2 * lo : 2 * hi], init_value,
    )  # fmt: skip
    outcome, n_order, n_best, steps, order, best = out
    o, n1, n2, s = search_partition(
        mine, n_slots[p], lits, bounds[0], int(bounds[1]), stop, order[lo:hi], best[lo:hi]
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
def search_partitions(parts, ops, lits, bounds):
    """Every partition in turn: P-compositionality, one core.

    ``parts`` = (op_off, n_slots): partition ``p`` owns operations ``op_off[p]:op_off[p+1]``
    and events ``2*op_off[p]:2*op_off[p+1]`` (operation indices local to the partition) and
    holds ``n_slots[p]`` keys;
    ``ops`` and ``lits`` are the per-operation and literal arrays of
    :func:`search_partition`; ``bounds`` = (deadline on the :func:`now_s` clock, cache
    entries per partition). Returns per partition (outcome, order length, best-prefix
    length, steps) and the concatenated orders and best prefixes.
    """
    out = _outputs(parts[0], ops[0].size)
    stop = np.zeros(1, np.int64)
    for p in range(parts[0].size - 1):
        if stop[0] != 0:
            out[0][p] = CANCELLED
        else:
            _search_one(p, parts, ops, lits, bounds, stop, out)
    return out


@njit(parallel=True)
def search_partitions_parallel(parts, ops, lits, bounds):
    """As :func:`search_partitions`, the partitions spread over the cores."""
    out = _outputs(parts[0], ops[0].size)
    stop = np.zeros(1, np.int64)
    for p in prange(parts[0].size - 1):
        if stop[0] != 0:
            out[0][p] = CANCELLED
        else:
            _search_one(p, parts, ops, lits, bounds, stop, out)
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
