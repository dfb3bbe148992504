"""Discrete-event kernel of a replicated register store (numba).

Nodes are numbered: home replicas ``0..N-1`` (replica 0 is the leader of the
leader protocols), spare nodes ``N..N+S-1`` (sloppy quorums store hints
there), clients ``N+S..N+S+C-1``. Every message travels with a delay drawn
from one latency distribution and is lost if its link is cut (partition or
crash) when it is sent or when it arrives. Coordinators and clients see cuts
as they are (a perfect failure detector); that keeps the protocols small and
puts every anomaly down to the protocol, not to a slow detector.

Versions are ``(ts, id)`` pairs compared lexicographically: for the leader
protocols ``ts`` is the log position, for the others the coordinator's clock
(true time plus that node's skew: last-writer-wins). ``id`` is the writing
operation, so written values (operation index + 1) are unique.

Operation codes match :data:`kit.consistency.history.OPS` and status codes
:data:`kit.consistency.history.STATUSES`.
"""

# ruff: noqa: NPY002  (numba kernels can only use numpy's legacy global RNG, seeded per call)

import numpy as np

from ..core.events import heap_new, heap_peek_time, heap_pop, heap_push, heap_size
from ..core.jit import njit
from ..core.rng import draw

READ, WRITE, CAS = 0, 1, 2  # history.OPS codes
OK, FAIL, INFO = 0, 1, 2  # history.STATUSES codes

LEADER_SYNC, LEADER_ASYNC, QUORUM, MULTI_LEADER = 0, 1, 2, 3
READ_LEADER, READ_STICKY, READ_RANDOM = 0, 1, 2

EV_ISSUE, EV_TIMEOUT, EV_DELIVER, EV_TICK, EV_SAMPLE = 0, 1, 2, 3, 4

(M_REQ, M_RESP, M_REPL, M_REPL_ACK, M_PUT, M_PUT_ACK, M_GET, M_GET_RESP, M_REPAIR, M_PUSH, M_GOSSIP) = range(
    11
)
M_HINT, M_HINT_ACK = 11, 12

RETRY_BATCH = 32  # log entries the leader resends to one follower per retry tick
F_KIND, F_SRC, F_DST, F_OP, F_KEY, F_VAL, F_AUX, F_VID = range(8)  # integer fields of a message


# --- network ------------------------------------------------------------------------------


@njit
def _down(a, t, topo):
    cr_node, cr_start, cr_end = topo[3], topo[4], topo[5]
    for i in range(cr_node.size):
        if cr_node[i] == a and cr_start[i] <= t < cr_end[i]:
            return True
    return False


@njit
def _cut(a, b, t, topo):
    """Is the link a-b unusable at time t (either end crashed, or a partition between them)?"""
    if _down(a, t, topo) or _down(b, t, topo):
        return True
    pa_start, pa_end, pa_side = topo[0], topo[1], topo[2]
    for p in range(pa_start.size):
        if pa_start[p] <= t < pa_end[p] and pa_side[p, a] != pa_side[p, b]:
            return True
    return False


@njit
def _msg_slot(net):
    """A free message slot; the pool doubles when full. Returns (net, slot)."""
    mi, mf, free, meta = net
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
        net = (mi2, mf2, free2, meta)
        mi, mf, free = mi2, mf2, free2
    meta[0] -= 1
    return net, free[meta[0]]


@njit
def _release(net, slot):
    net[2][net[3][0]] = slot
    net[3][0] += 1


@njit
def _send(h, net, topo, lat_spec, now, kind, src, dst, op, key, val, aux, ts, vid):
    """Put a message on the wire; returns (heap, net, slot), slot -1 if the link is cut now."""
    net[3][1] += 1
    if _cut(src, dst, now, topo):
        net[3][2] += 1
        return h, net, -1
    net, slot = _msg_slot(net)
    mi = net[0]
    mi[slot, F_KIND] = kind
    mi[slot, F_SRC] = src
    mi[slot, F_DST] = dst
    mi[slot, F_OP] = op
    mi[slot, F_KEY] = key
    mi[slot, F_VAL] = val
    mi[slot, F_AUX] = aux
    mi[slot, F_VID] = vid
    net[1][slot] = ts
    delay = 0.0 if src == dst else max(draw(lat_spec), 0.0)
    h = heap_push(h, now + delay, EV_DELIVER, slot)
    return h, net, slot


# --- replica state --------------------------------------------------------------------------


@njit
def _newer(ts1, id1, ts2, id2):
    return ts1 > ts2 or (ts1 == ts2 and id1 > id2)


@njit
def _apply(state, log, node, key, val, ts, vid, now, N):
    """Last-writer-wins merge of one version into ``node``; home replicas' changes are logged."""
    sval, sts, sid = state
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
def _reachable_count(x, lo, hi, now, topo):
    n = 0
    for i in range(lo, hi):
        if not _cut(x, i, now, topo):
            n += 1
    return n


@njit
def _pick_reachable(x, lo, hi, now, topo):
    """A node in lo..hi-1 drawn uniformly among those x can reach, or -1."""
    n = _reachable_count(x, lo, hi, now, topo)
    if n == 0:
        return -1
    k = np.random.randint(0, n)
    for i in range(lo, hi):
        if not _cut(x, i, now, topo):
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


# --- the simulation ---------------------------------------------------------------------------


@njit
def simulate_store(
    protocol,
    N,
    S,
    C,
    K,
    R,
    W,
    read_frac,
    cas_frac,
    key_cdf,
    think_ms,
    timeout_ms,
    lat_spec,
    repl_spec,
    skew,
    read_policy,
    sloppy,
    handoff,
    read_repair,
    anti_entropy_ms,
    retry_ms,
    pa_start,
    pa_end,
    pa_side,
    cr_node,
    cr_start,
    cr_end,
    duration_ms,
    end_ms,
    sample_ms,
    max_ops,
    max_events,
    seed,
):
    """Run clients against the store until ``end_ms`` or ``max_events``.

    Clients issue one operation at a time, ``think_ms`` (exponential mean)
    apart, until ``duration_ms``; an operation not answered within
    ``timeout_ms`` ends with status INFO. Messages take ``lat_spec`` delays,
    except background replication between replicas (log shipping, pushes,
    gossip, hints, read repair), which takes ``repl_spec`` delays. Returns
    ``(ops_i, ops_f, sample_t, sample_div, sample_val, changes, stats)``:
    ``ops_i[:, (client, kind, key, val, expected, status, result, coordinator)]``,
    ``ops_f[:, (invoke_ms, complete_ms)]``, divergence samples, home-replica
    values per sample ``[sample, replica, key]``, the change log
    ``[t, replica, key, value]`` and ``stats = (events, truncated,
    messages sent, messages lost, ops capped)``.
    """
    np.random.seed(seed)
    M = N + S
    topo = (pa_start, pa_end, pa_side, cr_node, cr_start, cr_end)

    # operations
    op_i = np.zeros((max_ops, 8), np.int64)  # client, kind, key, val, exp, status, res, coord
    op_f = np.empty((max_ops, 2))  # invoke, complete
    op_acks = np.zeros(max_ops, np.int64)
    op_nresp = np.zeros(max_ops, np.int64)
    op_decided = np.zeros(max_ops, np.bool_)
    op_best = np.full(max_ops, -np.inf)
    op_best_id = np.full(max_ops, -1, np.int64)
    op_best_val = np.zeros(max_ops, np.int64)
    track = max_ops if (protocol == QUORUM and read_repair) else 1
    resp_ts = np.empty((track, M))
    resp_id = np.empty((track, M), np.int64)
    resp_mask = np.zeros(track, np.int64)
    n_ops = 0
    capped = 0

    # replicas (and spares): value and version per key; hints owed by spares
    state = (np.zeros((M, K), np.int64), np.full((M, K), -np.inf), np.full((M, K), -1, np.int64))
    sval, sts, sid = state
    owe = np.zeros((M, K), np.int64)
    log = (np.empty((1024, 4)), np.zeros(1, np.int64))

    # the leader's log (leader protocols)
    log_cap = max_ops if protocol <= LEADER_ASYNC else 1
    lg_op = np.empty(log_cap, np.int64)
    lg_key = np.empty(log_cap, np.int64)
    lg_val = np.empty(log_cap, np.int64)
    lg_apply = np.empty(log_cap, np.int64)
    lg_res = np.empty(log_cap, np.int64)
    lg_acks = np.zeros(log_cap, np.int64)
    n_log = 0
    commit = 0
    match = np.zeros(N, np.int64)

    # anti-entropy snapshots in flight
    pool_n = 2 * N + 4
    pool_val = np.empty((pool_n, K), np.int64)
    pool_ts = np.empty((pool_n, K))
    pool_id = np.empty((pool_n, K), np.int64)
    pool_free = np.arange(pool_n)
    pool_top = pool_n

    # clients
    cl_seen = np.zeros((C, K), np.int64)
    targets = np.empty(M, np.int64)
    hint_for = np.empty(M, np.int64)
    missing = np.empty(N, np.int64)

    # samples
    n_samp_max = int(end_ms / sample_ms) + 2
    samp_t = np.empty(n_samp_max)
    samp_div = np.empty(n_samp_max)
    samp_val = np.zeros((n_samp_max, N, K), np.int64)
    n_samp = 0

    cap = 64 + 8 * M * (C + M)
    free = np.empty(cap, np.int64)
    for j in range(cap):
        free[j] = cap - 1 - j
    net = (np.empty((cap, 8), np.int64), np.empty(cap), free, np.array([cap, 0, 0], np.int64))
    h = heap_new(4 * (C + M) + 16)

    for c in range(C):
        h = heap_push(h, np.random.exponential(think_ms), EV_ISSUE, c)
    if protocol <= LEADER_ASYNC and N > 1:
        h = heap_push(h, retry_ms, EV_TICK, 0)
    if protocol >= QUORUM and anti_entropy_ms > 0.0 and N > 1:
        for x in range(N):
            h = heap_push(h, np.random.uniform(0.0, anti_entropy_ms), EV_TICK, x)
    if protocol == QUORUM and sloppy and handoff:
        for x in range(N, M):
            h = heap_push(h, retry_ms, EV_TICK, x)
    h = heap_push(h, 0.0, EV_SAMPLE, 0)

    events = 0
    truncated = 0
    while heap_size(h) > 0:
        if heap_peek_time(h) > end_ms:
            break
        if events >= max_events:
            truncated = 1
            break
        now, kind, data = heap_pop(h)
        events += 1

        if kind == EV_ISSUE:
            c = data
            if now > duration_ms:
                continue
            if n_ops >= max_ops:
                capped = 1
                continue
            o = n_ops
            n_ops += 1
            u = np.random.random()
            f = READ if u < read_frac else (CAS if u < read_frac + cas_frac else WRITE)
            key = np.searchsorted(key_cdf, np.random.random() * key_cdf[-1], side="right")
            key = min(key, K - 1)
            me = M + c
            if protocol == LEADER_SYNC:
                coord = 0
            elif protocol == LEADER_ASYNC:
                if f != READ or read_policy == READ_LEADER:
                    coord = 0
                elif read_policy == READ_STICKY:
                    coord = c % N
                else:
                    coord = np.random.randint(0, N)
            elif protocol == QUORUM:
                coord = _pick_reachable(me, 0, M if sloppy else N, now, topo)
                if coord < 0:
                    coord = np.random.randint(0, N)
            else:
                coord = c % N
                if _cut(me, coord, now, topo):
                    alt = _pick_reachable(me, 0, N, now, topo)
                    if alt >= 0:
                        coord = alt
            op_i[o, 0] = c
            op_i[o, 1] = f
            op_i[o, 2] = key
            op_i[o, 3] = 0 if f == READ else o + 1
            op_i[o, 4] = cl_seen[c, key] if f == CAS else 0
            op_i[o, 5] = INFO
            op_i[o, 7] = coord
            op_f[o, 0] = now
            op_f[o, 1] = np.inf
            h, net, _ = _send(h, net, topo, lat_spec, now, M_REQ, me, coord, o, key, 0, 0, 0.0, 0)
            h = heap_push(h, now + timeout_ms, EV_TIMEOUT, o)
            continue

        if kind == EV_TIMEOUT:
            o = data
            if op_f[o, 1] == np.inf:
                op_f[o, 1] = now
                op_i[o, 5] = INFO
                op_decided[o] = True
                h = heap_push(h, now + np.random.exponential(think_ms), EV_ISSUE, op_i[o, 0])
            continue

        if kind == EV_SAMPLE:
            behind = 0  # home-replica copies older than the newest copy of their key
            for k in range(K):
                newest = 0
                for x in range(N):
                    samp_val[n_samp, x, k] = sval[x, k]
                    if _newer(sts[x, k], sid[x, k], sts[newest, k], sid[newest, k]):
                        newest = x
                for x in range(N):
                    behind += sid[x, k] != sid[newest, k]
            samp_t[n_samp] = now
            samp_div[n_samp] = behind / (N * K)
            n_samp += 1
            if now + sample_ms <= end_ms and n_samp < n_samp_max:
                h = heap_push(h, now + sample_ms, EV_SAMPLE, 0)
            continue

        if kind == EV_TICK:
            x = data
            if protocol <= LEADER_ASYNC:
                if not _down(0, now, topo):
                    for fo in range(1, N):
                        while match[fo] < n_log and (lg_acks[match[fo]] >> fo) & 1:
                            match[fo] += 1
                        if _cut(0, fo, now, topo):
                            continue
                        for s in range(match[fo], min(n_log, match[fo] + RETRY_BATCH)):
                            if not (lg_acks[s] >> fo) & 1:
                                h, net, _ = _send(
                                    h,
                                    net,
                                    topo,
                                    repl_spec,
                                    now,
                                    M_REPL,
                                    0,
                                    fo,
                                    s,
                                    lg_key[s],
                                    lg_val[s],
                                    lg_apply[s],
                                    float(s),
                                    lg_op[s],
                                )
                h = heap_push(h, now + retry_ms, EV_TICK, 0)
            elif x < N:
                if not _down(x, now, topo) and pool_top > 0:
                    peer = np.random.randint(0, N - 1)
                    peer = peer + 1 if peer >= x else peer
                    pool_top -= 1
                    row = pool_free[pool_top]
                    pool_val[row] = sval[x]
                    pool_ts[row] = sts[x]
                    pool_id[row] = sid[x]
                    h, net, slot = _send(
                        h, net, topo, repl_spec, now, M_GOSSIP, x, peer, 0, 0, 0, row, 0.0, 0
                    )
                    if slot < 0:
                        pool_free[pool_top] = row
                        pool_top += 1
                h = heap_push(h, now + anti_entropy_ms, EV_TICK, x)
            else:
                if not _down(x, now, topo):
                    for k in range(K):
                        if owe[x, k] == 0:
                            continue
                        for home in range(N):
                            if (owe[x, k] >> home) & 1 and not _cut(x, home, now, topo):
                                h, net, _ = _send(
                                    h,
                                    net,
                                    topo,
                                    repl_spec,
                                    now,
                                    M_HINT,
                                    x,
                                    home,
                                    0,
                                    k,
                                    sval[x, k],
                                    0,
                                    sts[x, k],
                                    sid[x, k],
                                )
                h = heap_push(h, now + retry_ms, EV_TICK, x)
            continue

        # EV_DELIVER
        slot = data
        mi, mf = net[0], net[1]
        mk = mi[slot, F_KIND]
        src = mi[slot, F_SRC]
        dst = mi[slot, F_DST]
        o = mi[slot, F_OP]
        key = mi[slot, F_KEY]
        val = mi[slot, F_VAL]
        aux = mi[slot, F_AUX]
        vid = mi[slot, F_VID]
        ts = mf[slot]
        _release(net, slot)
        if _cut(src, dst, now, topo):
            net[3][2] += 1
            if mk == M_GOSSIP:
                pool_free[pool_top] = aux
                pool_top += 1
            continue

        if mk == M_RESP:
            if op_f[o, 1] == np.inf:
                op_f[o, 1] = now
                op_i[o, 5] = aux
                c = op_i[o, 0]
                f = op_i[o, 1]
                if aux == OK:
                    if f == READ:
                        op_i[o, 6] = val
                        cl_seen[c, key] = val
                    elif f == CAS:
                        op_i[o, 6] = val
                        if val == 1:
                            cl_seen[c, key] = op_i[o, 3]
                    else:
                        cl_seen[c, key] = op_i[o, 3]
                h = heap_push(h, now + np.random.exponential(think_ms), EV_ISSUE, c)
            continue

        if mk == M_REQ:
            x = dst
            f = op_i[o, 1]
            me = src
            if protocol <= LEADER_ASYNC:
                if f == READ and protocol == LEADER_ASYNC:
                    h, net, _ = _send(
                        h, net, topo, lat_spec, now, M_RESP, x, me, o, key, sval[x, key], OK, 0.0, 0
                    )
                    continue
                if protocol == LEADER_SYNC and _reachable_count(0, 0, N, now, topo) < W:
                    h, net, _ = _send(h, net, topo, lat_spec, now, M_RESP, 0, me, o, key, 0, FAIL, 0.0, 0)
                    continue
                s = n_log
                n_log += 1
                applies = 0
                res = 0
                if f == READ:
                    res = sval[0, key]
                elif f == WRITE:
                    applies = 1
                elif sval[0, key] == op_i[o, 4]:
                    applies = 1
                    res = 1
                if applies:
                    log = _apply(state, log, 0, key, op_i[o, 3], float(s), o, now, N)
                lg_op[s] = o
                lg_key[s] = key
                lg_val[s] = op_i[o, 3]
                lg_apply[s] = applies
                lg_res[s] = res
                lg_acks[s] = 1
                for fo in range(1, N):
                    h, net, _ = _send(
                        h, net, topo, repl_spec, now, M_REPL, 0, fo, s, key, op_i[o, 3], applies, float(s), o
                    )
                if protocol == LEADER_ASYNC:
                    h, net, _ = _send(h, net, topo, lat_spec, now, M_RESP, 0, me, o, key, res, OK, 0.0, 0)
                else:
                    while commit < n_log and _popcount(lg_acks[commit]) >= W:
                        h, net, _ = _send(
                            h,
                            net,
                            topo,
                            lat_spec,
                            now,
                            M_RESP,
                            0,
                            M + op_i[lg_op[commit], 0],
                            lg_op[commit],
                            lg_key[commit],
                            lg_res[commit],
                            OK,
                            0.0,
                            0,
                        )
                        commit += 1
                continue
            if protocol == MULTI_LEADER:
                if f == READ:
                    h, net, _ = _send(
                        h, net, topo, lat_spec, now, M_RESP, x, me, o, key, sval[x, key], OK, 0.0, 0
                    )
                    continue
                if f == CAS and sval[x, key] != op_i[o, 4]:
                    h, net, _ = _send(h, net, topo, lat_spec, now, M_RESP, x, me, o, key, 0, OK, 0.0, 0)
                    continue
                wts = now + skew[x]
                log = _apply(state, log, x, key, op_i[o, 3], wts, o, now, N)
                res = 1 if f == CAS else 0
                h, net, _ = _send(h, net, topo, lat_spec, now, M_RESP, x, me, o, key, res, OK, 0.0, 0)
                for y in range(N):
                    if y != x:
                        h, net, _ = _send(
                            h, net, topo, repl_spec, now, M_PUSH, x, y, o, key, op_i[o, 3], 0, wts, o
                        )
                continue
            # QUORUM: pick the replicas this operation goes to
            need = R if f == READ else W
            n_t = 0
            if sloppy:
                n_miss = 0
                for y in range(N):
                    if _cut(x, y, now, topo):
                        missing[n_miss] = y
                        n_miss += 1
                    else:
                        targets[n_t] = y
                        hint_for[n_t] = -1
                        n_t += 1
                j = 0
                for y in range(N, M):
                    if n_t >= N:
                        break
                    if not _cut(x, y, now, topo):
                        targets[n_t] = y
                        hint_for[n_t] = missing[j] if j < n_miss else -1
                        j += 1
                        n_t += 1
                reach = n_t
            else:
                for y in range(N):
                    targets[y] = y
                    hint_for[y] = -1
                n_t = N
                reach = _reachable_count(x, 0, N, now, topo)
            if reach < need:  # the coordinator refuses: nothing was written
                h, net, _ = _send(h, net, topo, lat_spec, now, M_RESP, x, me, o, key, 0, FAIL, 0.0, 0)
                continue
            if f == READ:
                for j in range(n_t):
                    h, net, _ = _send(h, net, topo, lat_spec, now, M_GET, x, targets[j], o, key, 0, 0, 0.0, 0)
                continue
            if f == CAS:
                if sval[x, key] != op_i[o, 4]:  # compared at the coordinator only: not atomic
                    h, net, _ = _send(h, net, topo, lat_spec, now, M_RESP, x, me, o, key, 0, OK, 0.0, 0)
                    continue
                op_i[o, 6] = 1
            wts = now + skew[x]
            for j in range(n_t):
                h, net, _ = _send(
                    h, net, topo, lat_spec, now, M_PUT, x, targets[j], o, key, op_i[o, 3], hint_for[j], wts, o
                )
            continue

        if mk == M_REPL:
            if aux == 1:
                log = _apply(state, log, dst, key, val, ts, vid, now, N)
            h, net, _ = _send(h, net, topo, lat_spec, now, M_REPL_ACK, dst, 0, o, 0, 0, 0, 0.0, 0)
            continue

        if mk == M_REPL_ACK:
            lg_acks[o] |= 1 << src
            if protocol == LEADER_SYNC:
                while commit < n_log and _popcount(lg_acks[commit]) >= W:
                    h, net, _ = _send(
                        h,
                        net,
                        topo,
                        lat_spec,
                        now,
                        M_RESP,
                        0,
                        M + op_i[lg_op[commit], 0],
                        lg_op[commit],
                        lg_key[commit],
                        lg_res[commit],
                        OK,
                        0.0,
                        0,
                    )
                    commit += 1
            continue

        if mk == M_PUT:
            log = _apply(state, log, dst, key, val, ts, vid, now, N)
            if dst >= N and aux >= 0:
                owe[dst, key] |= 1 << aux
            h, net, _ = _send(h, net, topo, lat_spec, now, M_PUT_ACK, dst, src, o, key, 0, 0, 0.0, 0)
            continue

        if mk == M_PUT_ACK:
            if not op_decided[o]:
                op_acks[o] += 1
                if op_acks[o] >= W:
                    op_decided[o] = True
                    me = M + op_i[o, 0]
                    h, net, _ = _send(
                        h, net, topo, lat_spec, now, M_RESP, dst, me, o, key, op_i[o, 6], OK, 0.0, 0
                    )
            continue

        if mk == M_GET:
            h, net, _ = _send(
                h,
                net,
                topo,
                lat_spec,
                now,
                M_GET_RESP,
                dst,
                src,
                o,
                key,
                sval[dst, key],
                0,
                sts[dst, key],
                sid[dst, key],
            )
            continue

        if mk == M_GET_RESP:
            x = dst
            if _newer(ts, vid, op_best[o], op_best_id[o]):
                op_best[o] = ts
                op_best_id[o] = vid
                op_best_val[o] = val
            op_nresp[o] += 1
            if read_repair:
                resp_ts[o, src] = ts
                resp_id[o, src] = vid
                resp_mask[o] |= 1 << src
            if not op_decided[o] and op_nresp[o] >= R:
                op_decided[o] = True
                me = M + op_i[o, 0]
                h, net, _ = _send(
                    h, net, topo, lat_spec, now, M_RESP, x, me, o, key, op_best_val[o], OK, 0.0, 0
                )
                if read_repair:
                    for y in range(M):
                        if (resp_mask[o] >> y) & 1 and _newer(
                            op_best[o], op_best_id[o], resp_ts[o, y], resp_id[o, y]
                        ):
                            h, net, _ = _send(
                                h,
                                net,
                                topo,
                                repl_spec,
                                now,
                                M_REPAIR,
                                x,
                                y,
                                o,
                                key,
                                op_best_val[o],
                                0,
                                op_best[o],
                                op_best_id[o],
                            )
            elif op_decided[o] and read_repair and _newer(op_best[o], op_best_id[o], ts, vid):
                h, net, _ = _send(
                    h,
                    net,
                    topo,
                    repl_spec,
                    now,
                    M_REPAIR,
                    x,
                    src,
                    o,
                    key,
                    op_best_val[o],
                    0,
                    op_best[o],
                    op_best_id[o],
                )
            continue

        if mk == M_REPAIR or mk == M_PUSH:
            log = _apply(state, log, dst, key, val, ts, vid, now, N)
            continue

        if mk == M_GOSSIP:
            for k in range(K):
                log = _apply(state, log, dst, k, pool_val[aux, k], pool_ts[aux, k], pool_id[aux, k], now, N)
            pool_free[pool_top] = aux
            pool_top += 1
            continue

        if mk == M_HINT:
            log = _apply(state, log, dst, key, val, ts, vid, now, N)
            h, net, _ = _send(h, net, topo, lat_spec, now, M_HINT_ACK, dst, src, 0, key, 0, 0, ts, vid)
            continue

        if mk == M_HINT_ACK:
            if sts[dst, key] == ts and sid[dst, key] == vid:
                owe[dst, key] &= ~(1 << src)
            continue

    # operations still open when the run stopped never got an answer
    for o in range(n_ops):
        if op_f[o, 1] == np.inf:
            op_i[o, 5] = INFO
    stats = np.array([events, truncated, net[3][1], net[3][2], capped], np.int64)
    rows, meta = log
    return (
        op_i[:n_ops].copy(),
        op_f[:n_ops].copy(),
        samp_t[:n_samp].copy(),
        samp_div[:n_samp].copy(),
        samp_val[:n_samp].copy(),
        rows[: meta[0]].copy(),
        stats,
    )
