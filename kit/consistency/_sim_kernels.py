"""Discrete-event kernel of a replicated register store (numba).

Nodes are numbered: home replicas ``0..N-1``, spare nodes ``N..N+S-1``
(sloppy quorums store hints there), clients ``N+S..N+S+C-1``. Every message
travels with a delay drawn from a latency distribution (in ms, scaled to the
kernel's clock in seconds) and is lost if its link is cut (partition or
crash) when it is sent or when it arrives. Replication between replicas runs
over ordered streams (TCP): on one link it arrives in the order sent.

``leader-sync`` is Raft (Ongaro & Ousterhout 2014): terms, randomised
election timeouts in ``[T, 2T]``, one vote per node and term, the vote only
for a candidate whose log is at least as up to date (section 5.4.1), log
entries accepted one at a time behind a consistency check on the previous
entry's term (5.3), commit when ``W`` replicas hold an entry of the current
term (5.4.2), a no-op entry at the start of each term, and a leader that
steps down when it has not heard from a majority within ``T`` (check
quorum). Failures are detected by timeouts only: a slow node may be
suspected. Reads are log entries too, so every answer is linearizable.
``leader-async`` ships the same log from a fixed leader (replica 0) without
elections and answers before followers hold an entry. The leaderless
protocols see cuts as they are when they pick coordinators and stand-ins (a
perfect failure detector): that keeps them small and puts their anomalies
down to the protocol.

Versions are ``(ts, id)`` pairs compared lexicographically: for the leader
protocols ``ts`` is the log position, for the others the coordinator's clock
(true time plus that node's skew: last-writer-wins). ``id`` is the writing
operation, so written values (operation index + 1) are unique.

Operation codes match :data:`kit.consistency.history.OPS` and status codes
:data:`kit.consistency.history.STATUSES`. The parameters come as two records
built once by ``simulator``: :data:`Params` (scalars) and :data:`Inputs` (arrays).
"""

# ruff: noqa: NPY002  (numba kernels can only use numpy's legacy global RNG, seeded per call)

from collections import namedtuple

import numpy as np

from ..core.events import heap_new, heap_peek_time, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw

READ, WRITE, CAS = 0, 1, 2  # history.OPS codes
OK, FAIL, INFO = 0, 1, 2  # history.STATUSES codes

LEADER_SYNC, LEADER_ASYNC, QUORUM, MULTI_LEADER = 0, 1, 2, 3
READ_LEADER, READ_STICKY, READ_RANDOM = 0, 1, 2
FOLLOWER, CANDIDATE, LEADER = 0, 1, 2

EV_ISSUE, EV_TIMEOUT, EV_DELIVER, EV_TICK, EV_SAMPLE, EV_ELECTION = range(6)
(
    M_REQ, M_RESP, M_APPEND, M_APPEND_ACK, M_HEARTBEAT, M_VOTE, M_VOTE_ACK,
    M_PUT, M_PUT_ACK, M_GET, M_GET_RESP, M_REPAIR, M_PUSH, M_GOSSIP, M_HINT, M_HINT_ACK,
) = range(16)  # fmt: skip

F_KIND, F_SRC, F_DST, F_OP, F_KEY, F_VAL, F_AUX, F_VID, F_TERM = range(9)  # integer fields of a message
RETRY_BATCH = 32  # log entries a leader sends one follower per tick
MS = 1e-3  # latency distributions are in ms; the clock is in seconds

#: Scalars of a run (times in seconds).
Params = namedtuple(
    "Params",
    "protocol N S C K R W majority read_frac cas_frac think_s timeout_s read_policy sloppy handoff "
    "read_repair anti_entropy_s retry_s election_s duration_s end_s sample_s max_ops max_events max_terms "
    "seed",
)
#: Arrays of a run: key popularity, latency specs (ms), clock skews (s), partitions and crashes (s).
Inputs = namedtuple(
    "Inputs", "key_cdf lat_spec repl_spec skew_s pa_start pa_end pa_side cr_node cr_start cr_end"
)


# --- network ------------------------------------------------------------------------------


@njit
def _down(a, t, inp):
    for i in range(inp.cr_node.size):
        if inp.cr_node[i] == a and inp.cr_start[i] <= t < inp.cr_end[i]:
            return True
    return False


@njit
def _cut(a, b, t, inp):
    """Is the link a-b unusable at time t (either end crashed, or a partition between them)?"""
    if _down(a, t, inp) or _down(b, t, inp):
        return True
    for p in range(inp.pa_start.size):
        if inp.pa_start[p] <= t < inp.pa_end[p] and inp.pa_side[p, a] != inp.pa_side[p, b]:
            return True
    return False


@njit
def _net_new(cap, nodes):
    free = np.empty(cap, np.int64)
    for j in range(cap):
        free[j] = cap - 1 - j
    # message fields, timestamp, free slots, (free count, sent, lost), last arrival per link
    return (
        np.empty((cap, 9), np.int64),
        np.empty(cap),
        free,
        np.array([cap, 0, 0], np.int64),
        np.zeros((nodes, nodes)),
    )


@njit
def _msg_slot(net):
    """A free message slot; the pool doubles when full. Returns (net, slot)."""
    mi, mf, meta = net[0], net[1], net[3]
    if meta[0] == 0:
        cap = mf.size
        mi2 = np.empty((2 * cap, mi.shape[1]), np.int64)
        mf2 = np.empty(2 * cap)
        free2 = np.empty(2 * cap, np.int64)
        mi2[:cap] = mi
        mf2[:cap] = mf
        for j in range(cap):
            free2[j] = 2 * cap - 1 - j
        meta[0] = cap
        net = (mi2, mf2, free2, meta, net[4])
    meta[0] -= 1
    return net, net[2][meta[0]]


@njit
def msg(kind, src, dst, op=0, key=0, val=0, aux=0, vid=0, term=0, ts=0.0):
    """A message as a tuple of its fields (see ``F_*``) and its version timestamp."""
    i = np.int64
    return (i(kind), i(src), i(dst), i(op), i(key), i(val), i(aux), i(vid), i(term)), float(ts)


@njit
def _send(h, net, inp, now, m, background):
    """Put message ``m`` on the wire; ``background`` replication takes the replication delays.

    Replication between two replicas runs over one ordered stream (TCP), so its messages
    arrive in the order sent: a message never overtakes an earlier one on its link. Returns
    ``(heap, net)``; a message on a link cut now is lost at once.
    """
    fields, ts = m
    net[3][1] += 1
    if _cut(fields[F_SRC], fields[F_DST], now, inp):
        net[3][2] += 1
        return h, net
    net, slot = _msg_slot(net)
    for f in range(9):
        net[0][slot, f] = fields[f]
    net[1][slot] = ts
    src, dst = fields[F_SRC], fields[F_DST]
    at = now
    if src != dst:
        at += max(draw(inp.repl_spec if background else inp.lat_spec), 0.0) * MS
    if background:
        at = max(at, net[4][src, dst])
        net[4][src, dst] = at
    return heap_push(h, at, EV_DELIVER, slot), net


@njit
def _with_log(pair, log):
    """``(heap, net)`` and the change log: what most protocol steps return."""
    return pair[0], pair[1], log


@njit
def _answer(h, net, inp, now, m, log):
    """Send a client its answer ``m``; returns (heap, net, log)."""
    h, net = _send(h, net, inp, now, m, False)
    return h, net, log


@njit
def _reachable_count(x, lo, hi, now, inp):
    n = 0
    for i in range(lo, hi):
        if not _cut(x, i, now, inp):
            n += 1
    return n


@njit
def _pick_reachable(x, lo, hi, now, inp):
    """A node in lo..hi-1 drawn uniformly among those x can reach, or -1."""
    n = _reachable_count(x, lo, hi, now, inp)
    if n == 0:
        return -1
    k = np.random.randint(0, n)
    for i in range(lo, hi):
        if not _cut(x, i, now, inp):
            if k == 0:
                return i
            k -= 1
    return -1


@njit
def _popcount(mask):
    n = 0
    while mask:
        n += mask & 1
        mask >>= 1
    return n


# --- state ------------------------------------------------------------------------------------


@njit
def _newer(ts1, id1, ts2, id2):
    return ts1 > ts2 or (ts1 == ts2 and id1 > id2)


@njit
def _apply(store, log, node, key, val, ts, vid, now, N):
    """Last-writer-wins merge of one version into ``node``; home replicas' changes are logged."""
    sval, sts, sid = store[0], store[1], store[2]
    if not _newer(ts, vid, sts[node, key], sid[node, key]):
        return log
    sval[node, key] = val
    sts[node, key] = ts
    sid[node, key] = vid
    if node < N:
        rows, meta = log
        n = meta[0]
        if n == rows.shape[0]:
            grown = np.empty((2 * n, 4))
            grown[:n] = rows
            rows = grown
        rows[n, 0] = now
        rows[n, 1] = node
        rows[n, 2] = key
        rows[n, 3] = val
        meta[0] = n + 1
        log = (rows, meta)
    return log


@njit
def _best_new(n):
    """Per read: the newest version answered so far, as (id, value); none yet: the initial state."""
    best = np.zeros((n, 2), np.int64)
    best[:, 0] = -1
    return best


@njit
def _state_new(prm):
    """Every array of a run, grouped: operations, replicas, Raft, clients, gossip pool, samples."""
    M, n, K, N = prm.N + prm.S, prm.max_ops, prm.K, prm.N
    track = n if (prm.protocol == QUORUM and prm.read_repair) else 1
    ops = (
        np.zeros((n, 8), np.int64),  # client, kind, key, val, expected, status, result, coordinator
        np.empty((n, 2)),  # invoke, complete (s)
        np.zeros((n, 2), np.int64),  # quorum acks, read answers
        np.zeros(n, np.bool_),  # decided (quorum)
        np.full(n, -np.inf),  # newest version answered: ts
        _best_new(n),  # ... its id and value
        np.empty((track, M)),  # read repair: each answer's ts
        np.empty((track, M), np.int64),  # ... and id
        np.zeros(track, np.int64),  # ... and who answered
        np.zeros(2, np.int64),  # operations issued, ops capped
    )
    store = (
        np.zeros((M, K), np.int64),
        np.full((M, K), -np.inf),
        np.full((M, K), -1, np.int64),
        np.zeros((M, K), np.int64),  # hints a spare owes, per key: bitmask of home replicas
    )
    cap = n + prm.max_terms if prm.protocol <= LEADER_ASYNC else 1
    raft = (
        np.zeros((N, cap), np.int64),  # entry terms
        np.zeros((N, cap), np.int64),  # entry operations (-1: a leader's no-op)
        np.zeros(
            (10, N), np.int64
        ),  # per node: length, commit, applied, role, term, voted, votes, hint, next, match
        np.zeros((3, N)),  # per node: election deadline, last ack from it (leader's view), unused
        np.zeros(N, np.int64),  # per follower: prefix known to match the current leader's log
        np.full((prm.max_terms + 2, 3), -1.0),  # leader of each term: term, node, time
        np.zeros(2, np.int64),  # terms recorded, elections started
    )
    clients = (np.zeros((prm.C, K), np.int64), np.zeros(prm.C, np.int64))  # values seen; leader guessed
    pool_n = 2 * N + 4
    pool = (
        np.empty((pool_n, K), np.int64),
        np.empty((pool_n, K)),
        np.empty((pool_n, K), np.int64),
        np.arange(pool_n),
        np.array([pool_n], np.int64),
    )
    n_samp = int(prm.end_s / prm.sample_s) + 2
    samples = (np.empty(n_samp), np.empty(n_samp), np.zeros((n_samp, N, K), np.int64), np.zeros(1, np.int64))
    return ops, store, raft, clients, pool, samples


# rows of raft[2] and raft[3]
LEN, COMMIT, APPLIED, ROLE, TERM, VOTED, VOTES, HINT, NEXT, MATCH = range(10)
DEADLINE, LAST_ACK = 0, 1


# --- Raft -------------------------------------------------------------------------------------


@njit
def _election_delay(prm):
    return prm.election_s * (1.0 + np.random.random())


@njit
def _record_leader(raft, term, node, now):
    leaders, counts = raft[5], raft[6]
    k = counts[0]
    if k < leaders.shape[0]:
        leaders[k, 0] = term
        leaders[k, 1] = node
        leaders[k, 2] = now
        counts[0] = k + 1


@njit
def _follow(prm, raft, y, term, leader, now):
    """Node ``y`` heard of ``term`` (from ``leader``, or -1): a newer term makes it a follower."""
    nd = raft[2]
    if term > nd[TERM, y]:
        nd[TERM, y] = term
        nd[ROLE, y] = FOLLOWER
        nd[VOTED, y] = -1
        nd[HINT, y] = -1
        raft[4][y] = 0
    if leader >= 0 and term == nd[TERM, y]:
        if nd[HINT, y] != leader:
            raft[4][y] = 0
        nd[ROLE, y] = FOLLOWER
        nd[HINT, y] = leader
        raft[3][DEADLINE, y] = now + _election_delay(prm)


@njit
def _last_term(raft, x):
    n = raft[2][LEN, x]
    return raft[0][x, n - 1] if n > 0 else 0


@njit
def _append(prm, raft, x, op):
    """Leader ``x`` appends ``op`` (-1: no-op) in its term; returns the entry's index, or -1 if full."""
    nd = raft[2]
    i = nd[LEN, x]
    if i >= raft[0].shape[1]:
        return -1
    raft[0][x, i] = nd[TERM, x]
    raft[1][x, i] = op
    nd[LEN, x] = i + 1
    nd[MATCH, x] = i + 1
    return i


@njit
def _apply_entries(prm, st, h, net, inp, log, x, upto, now):
    """Node ``x`` applies its log up to ``upto``; the node a client asked answers. Returns (h, net, log)."""
    ops, store, raft = st[0], st[1], st[2]
    op_i, nd = ops[0], raft[2]
    while nd[APPLIED, x] < upto:
        i = nd[APPLIED, x]
        nd[APPLIED, x] = i + 1
        o = raft[1][x, i]
        if o < 0:
            continue  # a leader's no-op
        kind, key = op_i[o, 1], op_i[o, 2]
        res = 0
        if kind == READ:
            res = store[0][x, key]
        elif kind == WRITE or store[0][x, key] == op_i[o, 4]:
            log = _apply(store, log, x, key, op_i[o, 3], float(i), o, now, prm.N)
            res = 1 if kind == CAS else 0
        if op_i[o, 7] == x:  # the node the client asked answers, once the entry is applied
            op_i[o, 6] = res
            if prm.protocol == LEADER_SYNC:
                m = msg(M_RESP, x, prm.N + prm.S + op_i[o, 0], o, key, res, OK)
                h, net = _send(h, net, inp, now, m, False)
    return h, net, log


@njit
def _advance_commit(prm, st, h, net, inp, log, x, now):
    """Leader ``x`` commits the longest prefix ``W`` replicas hold that ends in its own term."""
    raft = st[2]
    nd = raft[2]
    held = np.sort(nd[MATCH, : prm.N].copy())[::-1]
    c = held[prm.W - 1]
    if c > nd[COMMIT, x] and raft[0][x, c - 1] == nd[TERM, x]:
        nd[COMMIT, x] = c
        h, net, log = _apply_entries(prm, st, h, net, inp, log, x, c, now)
    return h, net, log


@njit
def _send_entry(prm, raft, h, net, inp, x, f, i, now):
    """Leader ``x`` sends follower ``f`` its entry ``i`` (with the previous entry's term)."""
    nd = raft[2]
    prev = raft[0][x, i - 1] if i > 0 else 0
    m = msg(M_APPEND, x, f, raft[1][x, i], i, raft[0][x, i], prev, nd[COMMIT, x], nd[TERM, x])
    return _send(h, net, inp, now, m, True)


@njit
def _become_leader(prm, st, h, net, inp, log, y, now):
    raft = st[2]
    nd = raft[2]
    nd[ROLE, y] = LEADER
    nd[HINT, y] = y
    _record_leader(raft, nd[TERM, y], y, now)
    for f in range(prm.N):
        nd[NEXT, f] = nd[LEN, y]
        nd[MATCH, f] = 0
        raft[3][LAST_ACK, f] = now
    nd[MATCH, y] = nd[LEN, y]
    if prm.protocol == LEADER_SYNC:
        _append(prm, raft, y, -1)  # commits what earlier terms left (Raft, section 8)
    return _leader_tick(prm, st, h, net, inp, log, y, now)


@njit
def _leader_tick(prm, st, h, net, inp, log, x, now):
    """A leader's periodic work: step down without a majority, else replicate or send a heartbeat."""
    raft = st[2]
    nd, times = raft[2], raft[3]
    if prm.protocol == LEADER_SYNC:
        heard = 1
        for f in range(prm.N):
            if f != x and now - times[LAST_ACK, f] <= prm.election_s:
                heard += 1
        if heard < prm.majority:  # check quorum: another leader may exist by now
            nd[ROLE, x] = FOLLOWER
            nd[HINT, x] = -1
            times[DEADLINE, x] = now + _election_delay(prm)
            return h, net, log
    for f in range(prm.N):
        if f == x:
            continue
        if nd[NEXT, f] < nd[LEN, x]:
            for i in range(nd[NEXT, f], min(nd[LEN, x], nd[NEXT, f] + RETRY_BATCH)):
                h, net = _send_entry(prm, raft, h, net, inp, x, f, i, now)
        elif prm.protocol == LEADER_SYNC:
            m = msg(M_HEARTBEAT, x, f, 0, 0, 0, 0, nd[COMMIT, x], nd[TERM, x])
            h, net = _send(h, net, inp, now, m, True)
    if nd[COMMIT, x] < nd[LEN, x] and prm.protocol == LEADER_SYNC:
        h, net, log = _advance_commit(prm, st, h, net, inp, log, x, now)
    return h, net, log


@njit
def _on_append(prm, st, h, net, inp, log, now, f):
    """A follower gets one log entry: Raft's consistency check on the previous entry's term."""
    raft = st[2]
    nd = raft[2]
    y, leader, i, term = f[F_DST], f[F_SRC], f[F_KEY], f[F_TERM]
    if term < nd[TERM, y]:
        m = msg(M_APPEND_ACK, y, leader, 0, nd[LEN, y], 0, 0, 0, nd[TERM, y])
        return _with_log(_send(h, net, inp, now, m, True), log)
    _follow(prm, raft, y, term, leader, now)
    if i > nd[LEN, y] or (i > 0 and raft[0][y, i - 1] != f[F_AUX]):  # a gap, or a different history
        m = msg(M_APPEND_ACK, y, leader, 0, min(nd[LEN, y], i - 1 if i > 0 else 0), 0, 0, 0, term)
        return _with_log(_send(h, net, inp, now, m, True), log)
    if i < nd[LEN, y] and raft[0][y, i] != f[F_VAL]:
        nd[LEN, y] = i  # an entry of another term: drop it and everything after
    if i == nd[LEN, y]:
        raft[0][y, i] = f[F_VAL]
        raft[1][y, i] = f[F_OP]
        nd[LEN, y] = i + 1
    raft[4][y] = max(raft[4][y], i + 1)
    h, net, log = _follow_commit(prm, st, h, net, inp, log, y, f[F_VID], now)
    m = msg(M_APPEND_ACK, y, leader, 0, i + 1, 0, 1, 0, term)
    h, net = _send(h, net, inp, now, m, True)
    return h, net, log


@njit
def _follow_commit(prm, st, h, net, inp, log, y, leader_commit, now):
    """A follower applies what it knows is committed (async: everything it holds, in order)."""
    raft = st[2]
    nd = raft[2]
    if prm.protocol == LEADER_ASYNC:
        return _apply_entries(prm, st, h, net, inp, log, y, nd[LEN, y], now)
    c = min(leader_commit, raft[4][y])
    if c > nd[COMMIT, y]:
        nd[COMMIT, y] = c
        h, net, log = _apply_entries(prm, st, h, net, inp, log, y, c, now)
    return h, net, log


@njit
def _on_heartbeat(prm, st, h, net, inp, log, now, f):
    raft = st[2]
    nd = raft[2]
    y, leader, term = f[F_DST], f[F_SRC], f[F_TERM]
    if term >= nd[TERM, y]:
        _follow(prm, raft, y, term, leader, now)
        h, net, log = _follow_commit(prm, st, h, net, inp, log, y, f[F_VID], now)
    m = msg(M_APPEND_ACK, y, leader, 0, raft[4][y], 0, 2, 0, nd[TERM, y])
    h, net = _send(h, net, inp, now, m, True)
    return h, net, log


@njit
def _on_append_ack(prm, st, h, net, inp, log, now, f):
    """The leader hears back: 1 stored (key = match), 0 refused (key = where to resume), 2 heartbeat."""
    raft = st[2]
    nd = raft[2]
    x, fo, term = f[F_DST], f[F_SRC], f[F_TERM]
    if term > nd[TERM, x]:
        _follow(prm, raft, x, term, -1, now)
        return h, net, log
    if nd[ROLE, x] != LEADER or term != nd[TERM, x]:
        return h, net, log
    raft[3][LAST_ACK, fo] = now
    if f[F_AUX] == 1:
        nd[MATCH, fo] = max(nd[MATCH, fo], f[F_KEY])
        nd[NEXT, fo] = max(nd[NEXT, fo], f[F_KEY])
        if prm.protocol == LEADER_SYNC:
            h, net, log = _advance_commit(prm, st, h, net, inp, log, x, now)
    elif f[F_AUX] == 0:
        nd[NEXT, fo] = max(nd[MATCH, fo], min(nd[NEXT, fo] - 1, f[F_KEY]))
    return h, net, log


@njit
def _on_election_timer(prm, st, h, net, inp, now, y):
    """A follower that heard no leader for its timeout stands for election (Raft, section 5.2)."""
    raft = st[2]
    nd, times = raft[2], raft[3]
    if nd[ROLE, y] == LEADER:  # a leader keeps a timer for the day it steps down
        times[DEADLINE, y] = now + _election_delay(prm)
        return heap_push(h, times[DEADLINE, y], EV_ELECTION, y), net
    if now < times[DEADLINE, y]:  # heard from a leader since: wait again
        return heap_push(h, times[DEADLINE, y], EV_ELECTION, y), net
    times[DEADLINE, y] = now + _election_delay(prm)
    h = heap_push(h, times[DEADLINE, y], EV_ELECTION, y)
    if _down(y, now, inp):
        return h, net
    nd[TERM, y] += 1
    nd[ROLE, y] = CANDIDATE
    nd[VOTED, y] = y
    nd[VOTES, y] = 1 << y
    nd[HINT, y] = -1
    raft[6][1] += 1
    for z in range(prm.N):
        if z != y:
            m = msg(M_VOTE, y, z, 0, nd[LEN, y], _last_term(raft, y), 0, 0, nd[TERM, y])
            h, net = _send(h, net, inp, now, m, True)
    return h, net


@njit
def _on_vote(prm, st, h, net, inp, now, f):
    """Grant at most one vote per term, to a candidate whose log is at least as up to date (5.4.1)."""
    raft = st[2]
    nd = raft[2]
    z, y, term = f[F_DST], f[F_SRC], f[F_TERM]
    _follow(prm, raft, z, term, -1, now)
    mine = _last_term(raft, z)
    fresh = f[F_VAL] > mine or (f[F_VAL] == mine and f[F_KEY] >= nd[LEN, z])
    grant = term == nd[TERM, z] and (nd[VOTED, z] == -1 or nd[VOTED, z] == y) and fresh
    if grant:
        nd[VOTED, z] = y
        raft[3][DEADLINE, z] = now + _election_delay(prm)
    return _send(h, net, inp, now, msg(M_VOTE_ACK, z, y, 0, 0, 0, 1 if grant else 0, 0, nd[TERM, z]), True)


@njit
def _on_vote_ack(prm, st, h, net, inp, log, now, f):
    raft = st[2]
    nd = raft[2]
    y, z, term = f[F_DST], f[F_SRC], f[F_TERM]
    if term > nd[TERM, y]:
        _follow(prm, raft, y, term, -1, now)
    elif nd[ROLE, y] == CANDIDATE and term == nd[TERM, y] and f[F_AUX] == 1:
        nd[VOTES, y] |= 1 << z
        if _popcount(nd[VOTES, y]) >= prm.majority:
            return _become_leader(prm, st, h, net, inp, log, y, now)
    return h, net, log


@njit
def _leader_request(prm, st, h, net, inp, log, now, o, x, me):
    """A request at a leader protocol's node: redirect, answer a follower read, or append."""
    ops, store, raft = st[0], st[1], st[2]
    op_i, nd = ops[0], raft[2]
    f, key = op_i[o, 1], op_i[o, 2]
    if prm.protocol == LEADER_ASYNC and f == READ:  # any replica answers reads from what it holds
        return _with_log(
            _send(h, net, inp, now, msg(M_RESP, x, me, o, key, store[0][x, key], OK), False), log
        )
    if nd[ROLE, x] != LEADER:  # not the leader: refuse, and say who is (aux FAIL, val = hint)
        return _answer(h, net, inp, now, msg(M_RESP, x, me, o, key, nd[HINT, x], FAIL), log)
    i = _append(prm, raft, x, o)
    if i < 0:
        return _answer(h, net, inp, now, msg(M_RESP, x, me, o, key, nd[HINT, x], FAIL), log)
    for fo in range(prm.N):
        if fo != x and nd[NEXT, fo] == i:
            nd[NEXT, fo] = i + 1
            h, net = _send_entry(prm, raft, h, net, inp, x, fo, i, now)
    if prm.protocol == LEADER_ASYNC:  # answer at once: followers catch up later
        h, net, log = _apply_entries(prm, st, h, net, inp, log, x, nd[LEN, x], now)
        return _answer(h, net, inp, now, msg(M_RESP, x, me, o, key, op_i[o, 6], OK), log)
    return _advance_commit(prm, st, h, net, inp, log, x, now)


# --- leaderless and multi-leader protocols --------------------------------------------------------


@njit
def _quorum_targets(prm, inp, x, now):
    """Where a quorum coordinator sends an operation: the N home replicas, or (sloppy) those it can
    reach and spares standing in for the others, each with the home replica it holds a hint for.
    Returns ``(targets, hint_for, reachable)``."""
    M = prm.N + prm.S
    targets = np.empty(M, np.int64)
    hint_for = np.full(M, -1, np.int64)
    if not prm.sloppy:
        for y in range(prm.N):
            targets[y] = y
        return targets[: prm.N], hint_for[: prm.N], _reachable_count(x, 0, prm.N, now, inp)
    missing = np.empty(prm.N, np.int64)
    n_t = n_miss = 0
    for y in range(prm.N):
        if _cut(x, y, now, inp):
            missing[n_miss] = y
            n_miss += 1
        else:
            targets[n_t] = y
            n_t += 1
    j = 0
    for y in range(prm.N, M):
        if n_t >= prm.N:
            break
        if not _cut(x, y, now, inp):
            targets[n_t] = y
            hint_for[n_t] = missing[j] if j < n_miss else -1
            j += 1
            n_t += 1
    return targets[:n_t], hint_for[:n_t], n_t


@njit
def _quorum_request(prm, st, h, net, inp, log, now, o, x, me):
    """A Dynamo coordinator: refuse without enough replicas, else ask them (reads) or write them.

    A cas compares at the coordinator's own copy and then writes: not atomic.
    """
    op_i, store = st[0][0], st[1]
    f, key = op_i[o, 1], op_i[o, 2]
    targets, hint_for, reach = _quorum_targets(prm, inp, x, now)
    if reach < (prm.R if f == READ else prm.W):  # the coordinator refuses: nothing was written
        return _answer(h, net, inp, now, msg(M_RESP, x, me, o, key, 0, FAIL), log)
    if f == READ:
        for y in targets:
            h, net = _send(h, net, inp, now, msg(M_GET, x, y, o, key), False)
        return h, net, log
    if f == CAS:
        if store[0][x, key] != op_i[o, 4]:
            return _answer(h, net, inp, now, msg(M_RESP, x, me, o, key, 0, OK), log)
        op_i[o, 6] = 1
    wts = now + inp.skew_s[x]
    for j in range(targets.size):
        m = msg(M_PUT, x, targets[j], o, key, op_i[o, 3], hint_for[j], o, 0, wts)
        h, net = _send(h, net, inp, now, m, False)
    return h, net, log


@njit
def _multi_leader_request(prm, st, h, net, inp, log, now, o, x, me):
    """Every replica applies locally and answers at once; it pushes writes to the others."""
    op_i, store = st[0][0], st[1]
    f, key = op_i[o, 1], op_i[o, 2]
    if f == READ:
        return _with_log(
            _send(h, net, inp, now, msg(M_RESP, x, me, o, key, store[0][x, key], OK), False), log
        )
    if f == CAS and store[0][x, key] != op_i[o, 4]:
        return _answer(h, net, inp, now, msg(M_RESP, x, me, o, key, 0, OK), log)
    wts = now + inp.skew_s[x]
    log = _apply(store, log, x, key, op_i[o, 3], wts, o, now, prm.N)
    h, net = _send(h, net, inp, now, msg(M_RESP, x, me, o, key, 1 if f == CAS else 0, OK), False)
    for y in range(prm.N):
        if y != x:
            h, net = _send(h, net, inp, now, msg(M_PUSH, x, y, o, key, op_i[o, 3], 0, o, 0, wts), True)
    return h, net, log


@njit
def _on_put_ack(prm, st, h, net, inp, now, f):
    ops = st[0]
    op_i, tally, decided = ops[0], ops[2], ops[3]
    o = f[F_OP]
    if not decided[o]:
        tally[o, 0] += 1
        if tally[o, 0] >= prm.W:
            decided[o] = True
            me = prm.N + prm.S + op_i[o, 0]
            return _send(h, net, inp, now, msg(M_RESP, f[F_DST], me, o, f[F_KEY], op_i[o, 6], OK), False)
    return h, net


@njit
def _on_get_resp(prm, st, h, net, inp, now, f, ts):
    """A replica's answer to a read: keep the newest; answer after R; repair stale replicas."""
    ops = st[0]
    op_i, tally, decided, best_ts, best = ops[0], ops[2], ops[3], ops[4], ops[5]
    x, src, o, key, vid = f[F_DST], f[F_SRC], f[F_OP], f[F_KEY], f[F_VID]
    if _newer(ts, vid, best_ts[o], best[o, 0]):
        best_ts[o] = ts
        best[o, 0] = vid
        best[o, 1] = f[F_VAL]
    tally[o, 1] += 1
    if prm.read_repair:
        ops[6][o, src] = ts
        ops[7][o, src] = vid
        ops[8][o] |= 1 << src
    if not decided[o] and tally[o, 1] >= prm.R:
        decided[o] = True
        me = prm.N + prm.S + op_i[o, 0]
        h, net = _send(h, net, inp, now, msg(M_RESP, x, me, o, key, best[o, 1], OK), False)
        if prm.read_repair:
            for y in range(prm.N + prm.S):
                if (ops[8][o] >> y) & 1 and _newer(best_ts[o], best[o, 0], ops[6][o, y], ops[7][o, y]):
                    m = msg(M_REPAIR, x, y, o, key, best[o, 1], 0, best[o, 0], 0, best_ts[o])
                    h, net = _send(h, net, inp, now, m, True)
    elif decided[o] and prm.read_repair and _newer(best_ts[o], best[o, 0], ts, vid):
        m = msg(M_REPAIR, x, src, o, key, best[o, 1], 0, best[o, 0], 0, best_ts[o])
        h, net = _send(h, net, inp, now, m, True)
    return h, net


@njit
def _gossip_tick(prm, st, h, net, inp, now, x):
    """Anti-entropy: replica ``x`` pushes a snapshot of its state to a random peer."""
    store, pool = st[1], st[4]
    top = pool[4]
    if not _down(x, now, inp) and top[0] > 0:
        peer = np.random.randint(0, prm.N - 1)
        peer = peer + 1 if peer >= x else peer
        top[0] -= 1
        row = pool[3][top[0]]
        pool[0][row] = store[0][x]
        pool[1][row] = store[1][x]
        pool[2][row] = store[2][x]
        lost = net[3][2]
        h, net = _send(h, net, inp, now, msg(M_GOSSIP, x, peer, 0, 0, 0, row), True)
        if net[3][2] > lost:  # lost at once: the snapshot row is free again
            pool[3][top[0]] = row
            top[0] += 1
    return heap_push(h, now + prm.anti_entropy_s, EV_TICK, x), net


@njit
def _hint_tick(prm, st, h, net, inp, now, x):
    """Hinted handoff: spare ``x`` delivers what it holds for home replicas it can reach again."""
    store = st[1]
    sval, sts, sid, owe = store
    if not _down(x, now, inp):
        for k in range(prm.K):
            for home in range(prm.N):
                if (owe[x, k] >> home) & 1 and not _cut(x, home, now, inp):
                    m = msg(M_HINT, x, home, 0, k, sval[x, k], 0, sid[x, k], 0, sts[x, k])
                    h, net = _send(h, net, inp, now, m, True)
    return heap_push(h, now + prm.retry_s, EV_TICK, x), net


# --- clients ------------------------------------------------------------------------------------


@njit
def _coordinator(prm, st, inp, c, f, now):
    """Where client ``c`` sends an operation of kind ``f``."""
    me = prm.N + prm.S + c
    if prm.protocol == LEADER_SYNC:
        return st[3][1][c]  # the leader it believes in
    if prm.protocol == LEADER_ASYNC:
        if f != READ or prm.read_policy == READ_LEADER:
            return 0
        return c % prm.N if prm.read_policy == READ_STICKY else np.random.randint(0, prm.N)
    if prm.protocol == QUORUM:
        coord = _pick_reachable(me, 0, prm.N + prm.S if prm.sloppy else prm.N, now, inp)
        return coord if coord >= 0 else np.random.randint(0, prm.N)
    coord = c % prm.N
    if _cut(me, coord, now, inp):
        alt = _pick_reachable(me, 0, prm.N, now, inp)
        if alt >= 0:
            coord = alt
    return coord


@njit
def _issue(prm, st, h, net, inp, now, c):
    """Client ``c`` invokes its next operation: kind and key at random, a unique value to write."""
    ops = st[0]
    op_i, op_f, counts = ops[0], ops[1], ops[9]
    if now > prm.duration_s:
        return h, net
    if counts[0] >= prm.max_ops:
        counts[1] = 1
        return h, net
    o = counts[0]
    counts[0] = o + 1
    u = np.random.random()
    f = READ if u < prm.read_frac else (CAS if u < prm.read_frac + prm.cas_frac else WRITE)
    key = min(np.searchsorted(inp.key_cdf, np.random.random() * inp.key_cdf[-1], side="right"), prm.K - 1)
    coord = _coordinator(prm, st, inp, c, f, now)
    op_i[o, 0] = c
    op_i[o, 1] = f
    op_i[o, 2] = key
    op_i[o, 3] = 0 if f == READ else o + 1
    op_i[o, 4] = st[3][0][c, key] if f == CAS else 0
    op_i[o, 5] = INFO
    op_i[o, 7] = coord
    op_f[o, 0] = now
    op_f[o, 1] = np.inf
    h, net = _send(h, net, inp, now, msg(M_REQ, prm.N + prm.S + c, coord, o, key), False)
    return heap_push(h, now + prm.timeout_s, EV_TIMEOUT, o), net


@njit
def _other_replica(prm, x):
    """A replica other than ``x`` drawn at random (``x`` itself when there is no other)."""
    if prm.N == 1:
        return 0
    y = np.random.randint(0, prm.N - 1)
    return y + 1 if y >= x else y


@njit
def _on_timeout(prm, st, h, now, o):
    """No answer in time: the outcome is unknown (info). The client carries on as a new process
    (History renumbers it); a Raft client tries another node next."""
    op_i, op_f, decided = st[0][0], st[0][1], st[0][3]
    if op_f[o, 1] == np.inf:
        op_f[o, 1] = now
        op_i[o, 5] = INFO
        decided[o] = True
        c = op_i[o, 0]
        if prm.protocol == LEADER_SYNC:
            st[3][1][c] = _other_replica(prm, op_i[o, 7])
        h = heap_push(h, now + np.random.exponential(prm.think_s), EV_ISSUE, c)
    return h


@njit
def _on_response(prm, st, h, now, f):
    """The client records the answer; a refusal from a Raft node names the leader it knows."""
    op_i, op_f = st[0][0], st[0][1]
    seen, guess = st[3]
    o, key, status, val = f[F_OP], f[F_KEY], f[F_AUX], f[F_VAL]
    if op_f[o, 1] != np.inf:
        return h  # it timed out already
    op_f[o, 1] = now
    op_i[o, 5] = status
    c, kind = op_i[o, 0], op_i[o, 1]
    if status == OK:
        op_i[o, 6] = val
        if kind == READ:
            seen[c, key] = val
        elif kind == WRITE or val == 1:
            seen[c, key] = op_i[o, 3]
    elif prm.protocol == LEADER_SYNC:
        guess[c] = val if val >= 0 else _other_replica(prm, f[F_SRC])
    return heap_push(h, now + np.random.exponential(prm.think_s), EV_ISSUE, c)


@njit
def _sample(prm, st, h, now):
    """Divergence: the fraction of home-replica copies older than the newest copy of their key."""
    store, samples = st[1], st[5]
    sval, sts, sid = store[0], store[1], store[2]
    samp_t, samp_div, samp_val, count = samples
    n = count[0]
    behind = 0
    for k in range(prm.K):
        newest = 0
        for x in range(prm.N):
            samp_val[n, x, k] = sval[x, k]
            if _newer(sts[x, k], sid[x, k], sts[newest, k], sid[newest, k]):
                newest = x
        for x in range(prm.N):
            behind += sid[x, k] != sid[newest, k]
    samp_t[n] = now
    samp_div[n] = behind / (prm.N * prm.K)
    count[0] = n + 1
    if now + prm.sample_s <= prm.end_s and n + 1 < samp_t.size:
        h = heap_push(h, now + prm.sample_s, EV_SAMPLE, 0)
    return h


# --- the event loop -------------------------------------------------------------------------------


@njit
def _deliver(prm, st, h, net, inp, log, now, slot):
    """A message arrives (unless its link is cut now): hand it to its protocol step."""
    mi, mf = net[0], net[1]
    row = mi[slot]
    f = (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8])
    ts = mf[slot]
    net[2][net[3][0]] = slot  # the slot is free again
    net[3][0] += 1
    mk, x = f[F_KIND], f[F_DST]
    store = st[1]
    if _cut(f[F_SRC], x, now, inp):
        net[3][2] += 1
        if mk == M_GOSSIP:
            pool = st[4]
            pool[3][pool[4][0]] = f[F_AUX]
            pool[4][0] += 1
        return h, net, log
    if mk == M_RESP:
        return _on_response(prm, st, h, now, f), net, log
    if mk == M_REQ:
        me, o = f[F_SRC], f[F_OP]
        if prm.protocol <= LEADER_ASYNC:
            return _leader_request(prm, st, h, net, inp, log, now, o, x, me)
        if prm.protocol == QUORUM:
            return _quorum_request(prm, st, h, net, inp, log, now, o, x, me)
        return _multi_leader_request(prm, st, h, net, inp, log, now, o, x, me)
    if mk == M_APPEND:
        return _on_append(prm, st, h, net, inp, log, now, f)
    if mk == M_APPEND_ACK:
        return _on_append_ack(prm, st, h, net, inp, log, now, f)
    if mk == M_HEARTBEAT:
        return _on_heartbeat(prm, st, h, net, inp, log, now, f)
    if mk == M_VOTE:
        return _with_log(_on_vote(prm, st, h, net, inp, now, f), log)
    if mk == M_VOTE_ACK:
        return _on_vote_ack(prm, st, h, net, inp, log, now, f)
    if mk == M_PUT:
        log = _apply(store, log, x, f[F_KEY], f[F_VAL], ts, f[F_VID], now, prm.N)
        if x >= prm.N and f[F_AUX] >= 0:
            store[3][x, f[F_KEY]] |= 1 << f[F_AUX]
        return _with_log(_send(h, net, inp, now, msg(M_PUT_ACK, x, f[F_SRC], f[F_OP], f[F_KEY]), False), log)
    if mk == M_PUT_ACK:
        return _with_log(_on_put_ack(prm, st, h, net, inp, now, f), log)
    if mk == M_GET:
        k = f[F_KEY]
        m = msg(M_GET_RESP, x, f[F_SRC], f[F_OP], k, store[0][x, k], 0, store[2][x, k], 0, store[1][x, k])
        return _with_log(_send(h, net, inp, now, m, False), log)
    if mk == M_GET_RESP:
        return _with_log(_on_get_resp(prm, st, h, net, inp, now, f, ts), log)
    if mk == M_GOSSIP:
        pool = st[4]
        row = f[F_AUX]
        for k in range(prm.K):
            log = _apply(store, log, x, k, pool[0][row, k], pool[1][row, k], pool[2][row, k], now, prm.N)
        pool[3][pool[4][0]] = row
        pool[4][0] += 1
        return h, net, log
    if mk == M_HINT:
        log = _apply(store, log, x, f[F_KEY], f[F_VAL], ts, f[F_VID], now, prm.N)
        m = msg(M_HINT_ACK, x, f[F_SRC], 0, f[F_KEY], 0, 0, f[F_VID], 0, ts)
        return _with_log(_send(h, net, inp, now, m, True), log)
    if mk == M_HINT_ACK:
        if store[1][x, f[F_KEY]] == ts and store[2][x, f[F_KEY]] == f[F_VID]:
            store[3][x, f[F_KEY]] &= ~(1 << f[F_SRC])
        return h, net, log
    # M_REPAIR, M_PUSH: a version to merge
    return h, net, _apply(store, log, x, f[F_KEY], f[F_VAL], ts, f[F_VID], now, prm.N)


@njit
def _on_tick(prm, st, h, net, inp, log, now, x):
    """Periodic work of node ``x``: a leader's replication, gossip, or a spare's hints."""
    if prm.protocol <= LEADER_ASYNC:
        if st[2][2][ROLE, x] == LEADER and not _down(x, now, inp):
            h, net, log = _leader_tick(prm, st, h, net, inp, log, x, now)
        return heap_push(h, now + prm.retry_s, EV_TICK, x), net, log
    if x < prm.N:
        return _with_log(_gossip_tick(prm, st, h, net, inp, now, x), log)
    return _with_log(_hint_tick(prm, st, h, net, inp, now, x), log)


@njit
def _start(prm, st, inp):
    """The first events: each client's first operation, ticks, timers, the first sample.

    Raft starts with replica 0 leading term 1 (every node has voted for it), so the first
    operations need no election.
    """
    M = prm.N + prm.S
    h = heap_new(4 * (prm.C + M) + 16)
    raft = st[2]
    nd = raft[2]
    nd[TERM, :] = 1
    nd[VOTED, :] = 0
    nd[HINT, :] = 0
    nd[ROLE, 0] = LEADER
    _record_leader(raft, 1, 0, 0.0)
    for c in range(prm.C):
        h = heap_push(h, np.random.exponential(prm.think_s), EV_ISSUE, c)
    if prm.protocol <= LEADER_ASYNC and prm.N > 1:
        for x in range(prm.N if prm.protocol == LEADER_SYNC else 1):
            h = heap_push(h, prm.retry_s, EV_TICK, x)
    if prm.protocol == LEADER_SYNC:
        for x in range(prm.N):
            raft[3][DEADLINE, x] = _election_delay(prm)
            h = heap_push(h, raft[3][DEADLINE, x], EV_ELECTION, x)
    if prm.protocol >= QUORUM and prm.anti_entropy_s > 0.0 and prm.N > 1:
        for x in range(prm.N):
            h = heap_push(h, np.random.uniform(0.0, prm.anti_entropy_s), EV_TICK, x)
    if prm.protocol == QUORUM and prm.sloppy and prm.handoff:
        for x in range(prm.N, M):
            h = heap_push(h, prm.retry_s, EV_TICK, x)
    return heap_push(h, 0.0, EV_SAMPLE, 0)


@njit
def simulate_store(prm, inp):
    """Run clients against the store until ``prm.end_s`` or ``prm.max_events`` events.

    Clients issue one operation at a time, ``think_s`` (exponential mean) apart, until
    ``duration_s``; an operation not answered within ``timeout_s`` ends with status INFO.
    Messages take ``inp.lat_spec`` delays, except background replication between replicas
    (log shipping, heartbeats, votes, pushes, gossip, hints, read repair), which takes
    ``inp.repl_spec`` delays. Returns ``(ops_i, ops_f, sample_t, sample_div, sample_val,
    changes, leaders, stats)``: ``ops_i[:, (client, kind, key, val, expected, status, result,
    coordinator)]``, ``ops_f[:, (invoke_s, complete_s)]``, divergence samples, home-replica
    values per sample ``[sample, replica, key]``, the change log ``[t_s, replica, key, value]``,
    the leader of each term ``[term, node, t_s]`` and ``stats = (events, truncated, messages
    sent, messages lost, ops capped, elections)``.
    """
    np.random.seed(prm.seed)
    st = _state_new(prm)
    h = _start(prm, st, inp)
    nodes = prm.N + prm.S + prm.C
    net = _net_new(64 + 8 * (prm.N + prm.S) * nodes, nodes)
    log = (np.empty((1024, 4)), np.zeros(1, np.int64))
    events = truncated = 0
    while heap_size(h) > 0 and heap_peek_time(h) <= prm.end_s:
        if events >= prm.max_events:
            truncated = 1
            break
        now, kind, data = heap_pop(h)
        events += 1
        if kind == EV_DELIVER:
            h, net, log = _deliver(prm, st, h, net, inp, log, now, data)
        elif kind == EV_ISSUE:
            h, net = _issue(prm, st, h, net, inp, now, data)
        elif kind == EV_TIMEOUT:
            h = _on_timeout(prm, st, h, now, data)
        elif kind == EV_TICK:
            h, net, log = _on_tick(prm, st, h, net, inp, log, now, data)
        elif kind == EV_ELECTION:
            h, net = _on_election_timer(prm, st, h, net, inp, now, data)
        else:
            h = _sample(prm, st, h, now)
    return _outputs(st, log, net, events, truncated)


@njit
def _outputs(st, log, net, events, truncated):
    ops, raft, samples = st[0], st[2], st[5]
    n = ops[9][0]
    op_i = ops[0][:n].copy()
    for o in range(n):  # operations still open when the run stopped never got an answer
        if ops[1][o, 1] == np.inf:
            op_i[o, 5] = INFO
    m = samples[3][0]
    stats = np.array([events, truncated, net[3][1], net[3][2], ops[9][1], raft[6][1]], np.int64)
    return (
        op_i,
        ops[1][:n].copy(),
        samples[0][:m].copy(),
        samples[1][:m].copy(),
        samples[2][:m].copy(),
        log[0][: log[1][0]].copy(),
        raft[5][: raft[6][0]].copy(),
        stats,
    )
