"""Numba models of the two on-disk structures: an LSM tree and a B+tree with a page cache.

Both replay a stream of writes to keys ``0..n_keys-1`` (dense ranks: the api maps any
keys to them) and count entries, not bytes: the api multiplies by the entry size.

LSM tree (``lsm``): writes go to a memtable of ``mem`` writes (a skiplist keeps every
version, so it fills by writes, not by distinct keys); a full memtable is flushed as
one sorted run of its distinct keys. Leveled policy (RocksDB's level style): L0 holds
flushed runs until ``l0_trigger`` of them are there, then all of L0 merges with the
overlapping part of L1; level i >= 1 is one sorted run of target size
``l1_target * T**(i-1)`` entries; while a level is over its target, one file of
``file_entries`` consecutive entries (the one overlapping the next level least,
RocksDB's default ``kMinOverlappingRatio``) merges into the overlapping part of the
next level. A file or L0 that overlaps nothing below moves down without being rewritten
(a "trivial move"). The last level has no target. Tiered policy: every level holds up to
``T`` runs; when it has ``T``, they merge into one run appended to the next level (the
last level merges its runs in place). A merge keeps one version of each key.
"""

import numpy as np

from ..core.jit import njit

# indices of the leveled / tiered policy flag
LEVELED, TIERED = 0, 1


@njit
def _merge_unique(a, b, out):
    """Merge two sorted unique arrays into ``out`` without duplicates; the length written."""
    i = j = k = 0
    while i < a.size and j < b.size:
        if a[i] < b[j]:
            out[k] = a[i]
            i += 1
        elif b[j] < a[i]:
            out[k] = b[j]
            j += 1
        else:
            out[k] = a[i]
            i += 1
            j += 1
        k += 1
    while i < a.size:
        out[k] = a[i]
        i += 1
        k += 1
    while j < b.size:
        out[k] = b[j]
        j += 1
        k += 1
    return k


@njit
def _sorted_unique(x, out):
    """Sorted distinct values of ``x`` into ``out``; the count."""
    s = np.sort(x)
    k = 0
    for i in range(s.size):
        if k == 0 or s[i] != out[k - 1]:
            out[k] = s[i]
            k += 1
    return k


@njit
def _replace(level, n, a, b, merged, m, scratch):
    """``level[:n]`` with ``level[a:b]`` replaced by ``merged[:m]``; the new length."""
    tail = n - b
    scratch[:tail] = level[b:n]
    level[a : a + m] = merged[:m]
    level[a + m : a + m + tail] = scratch[:tail]
    return a + m + tail


@njit
def _runs_overlap(lo, hi, count):
    """Whether any two of the ``count`` key ranges [lo, hi] overlap."""
    for i in range(count):
        for j in range(i + 1, count):
            if lo[i] <= hi[j] and lo[j] <= hi[i]:
                return True
    return False


@njit
def lsm(keys, n_keys, mem, l0_trigger, l1_target, file_entries, T, policy, rows):
    """Replay ``keys`` through an LSM tree; counts of entries written, and the tree's shape.

    Row 0 is where flushes land (L0 of the leveled policy, the first level of the tiered
    one); ``rows`` counts it, and the last row has no size limit.

    Returns ``(written, entries, runs, sample_runs, sample_entries, sample_distinct)``:
    entries written into each row (row 0: by flushes), final entries and runs per row,
    and after each flush the sorted runs a lookup may probe, the entries on disk and the
    distinct keys written so far.
    """
    # a level holds distinct keys (leveled) or up to T runs (tiered), never more than was written
    cap = n_keys if policy == LEVELED else min(n_keys * T, keys.size) + mem
    lev = np.zeros((rows, cap), np.int64)
    lev_n = np.zeros(rows, np.int64)
    lev_runs = np.zeros(rows, np.int64)
    written = np.zeros(rows, np.int64)
    l0 = np.zeros(l0_trigger * mem, np.int64)  # leveled L0: runs appended
    l0_lo = np.zeros(l0_trigger, np.int64)
    l0_hi = np.zeros(l0_trigger, np.int64)
    scratch = np.zeros(cap + l0_trigger * mem, np.int64)
    merged = np.zeros(cap + l0_trigger * mem, np.int64)
    memtable = np.zeros(mem, np.int64)
    stamp = np.full(n_keys, -1, np.int64)
    seen = np.zeros(n_keys, np.bool_)
    distinct = 0
    n_flush = (keys.size + mem - 1) // mem
    sample_runs = np.zeros(n_flush, np.int64)
    sample_entries = np.zeros(n_flush, np.int64)
    sample_distinct = np.zeros(n_flush, np.int64)
    target = np.zeros(rows)
    for i in range(1, rows):
        target[i] = l1_target * float(T) ** (i - 1)
    m = 0
    flush = 0
    for w in range(keys.size):
        k = keys[w]
        if not seen[k]:
            seen[k] = True
            distinct += 1
        if stamp[k] != flush:
            stamp[k] = flush
            memtable[m] = k
            m += 1
        if (w + 1) % mem != 0 and w + 1 < keys.size:
            continue
        run = np.sort(memtable[:m])
        written[0] += m
        if policy == LEVELED:
            start = lev_n[0]
            l0[start : start + m] = run
            l0_lo[lev_runs[0]] = run[0]
            l0_hi[lev_runs[0]] = run[m - 1]
            lev_n[0] += m
            lev_runs[0] += 1
            if lev_runs[0] >= l0_trigger:
                _compact_l0(l0, l0_lo, l0_hi, lev, lev_n, lev_runs, written, merged, scratch)
            for i in range(1, rows - 1):
                while lev_n[i] > target[i]:
                    _compact_file(lev, lev_n, lev_runs, written, i, file_entries, merged, scratch)
            probes = lev_runs[0]
            for i in range(1, rows):
                probes += 1 if lev_n[i] > 0 else 0
        else:
            _tier_flush(run, lev, lev_n, lev_runs, written, T, rows, merged)
            probes = 0
            for i in range(rows):
                probes += lev_runs[i]
        sample_runs[flush] = probes
        sample_entries[flush] = lev_n.sum()
        sample_distinct[flush] = distinct
        flush += 1
        m = 0
    return written, lev_n, lev_runs, sample_runs, sample_entries, sample_distinct


@njit
def _compact_l0(l0, l0_lo, l0_hi, lev, lev_n, lev_runs, written, merged, scratch):
    """All of L0 merges with the part of L1 its key range overlaps (or moves down if disjoint)."""
    count = lev_runs[0]
    lo = l0_lo[:count].min()
    hi = l0_hi[:count].max()
    l1 = lev[1, : lev_n[1]]
    a = np.searchsorted(l1, lo, side="left")
    b = np.searchsorted(l1, hi, side="right")
    total = lev_n[0]
    if a == b and not _runs_overlap(l0_lo, l0_hi, count):
        k = _sorted_unique(l0[:total], merged)  # disjoint runs: moved, not rewritten
    else:
        k = _sorted_unique(l0[:total], scratch)
        k = _merge_unique(scratch[:k], l1[a:b], merged)
        written[1] += k
    lev_n[1] = _replace(lev[1], lev_n[1], a, b, merged, k, scratch)
    lev_runs[1] = 1
    lev_n[0] = 0
    lev_runs[0] = 0


@njit
def _compact_file(lev, lev_n, lev_runs, written, i, file_entries, merged, scratch):
    """Merge the file of level i that overlaps level i+1 least into level i+1."""
    n = lev_n[i]
    src = lev[i, :n]
    dst = lev[i + 1, : lev_n[i + 1]]
    best, best_ratio = 0, np.inf
    for start in range(0, n, file_entries):
        end = min(n, start + file_entries)
        a = np.searchsorted(dst, src[start], side="left")
        b = np.searchsorted(dst, src[end - 1], side="right")
        ratio = (b - a) / (end - start)
        if ratio < best_ratio:
            best, best_ratio = start, ratio
    start, end = best, min(n, best + file_entries)
    a = np.searchsorted(dst, src[start], side="left")
    b = np.searchsorted(dst, src[end - 1], side="right")
    k = _merge_unique(src[start:end], dst[a:b], merged)
    if b > a:
        written[i + 1] += k  # else a trivial move: the file changes level, no bytes are written
    lev_n[i + 1] = _replace(lev[i + 1], lev_n[i + 1], a, b, merged, k, scratch)
    lev_runs[i + 1] = 1
    lev_n[i] = _replace(lev[i], n, start, end, merged, 0, scratch)
    lev_runs[i] = 1 if lev_n[i] > 0 else 0


@njit
def _tier_flush(run, lev, lev_n, lev_runs, written, T, rows, merged):
    """Append a flushed run to row 0; a row with T runs merges them into one run of the next."""
    m = run.size
    lev[0, lev_n[0] : lev_n[0] + m] = run
    lev_n[0] += m
    lev_runs[0] += 1
    for i in range(rows):
        if lev_runs[i] < T:
            break
        k = _sorted_unique(lev[i, : lev_n[i]], merged)
        last = i == rows - 1
        j = i if last else i + 1
        written[j] += k
        if last:
            lev[i, :k] = merged[:k]
            lev_n[i] = k
            lev_runs[i] = 1
        else:
            lev[j, lev_n[j] : lev_n[j] + k] = merged[:k]
            lev_n[j] += k
            lev_runs[j] += 1
            lev_n[i] = 0
            lev_runs[i] = 0


@njit
def btree(keys, n_keys, leaf_cap, cache_pages, append_split, checkpoint_every):
    """Replay ``keys`` into a B+tree's leaves through a CLOCK page cache of ``cache_pages`` (>= 2).

    A write finds its leaf (internal pages are taken to be cached), reads it if it is
    not cached, and dirties it; a new key into a full leaf splits it in half, or, when
    the key goes past the end of the rightmost leaf and ``append_split`` is set, starts a
    new leaf holding only it (SQLite's ``balance_quick``, InnoDB's sequential-insert split). In
    a split the new key joins the left half if fewer than half the leaf's keys are smaller. An
    evicted dirty page is written; every ``checkpoint_every`` writes (0: only at the end)
    and at the end, every dirty page is written.

    Returns ``(page_writes, page_reads, leaves, distinct)``.
    """
    max_leaves = 2 * n_keys // max(leaf_cap // 2, 1) + 2
    leaf_keys = np.zeros((max_leaves, leaf_cap), np.int64)
    leaf_n = np.zeros(max_leaves, np.int64)
    seps = np.full(max_leaves, -1, np.int64)  # smallest key routed to each leaf, in key order
    order = np.zeros(max_leaves, np.int64)  # leaf id at each position of seps
    n_leaves = 1
    slot_page = np.full(cache_pages, -1, np.int64)
    page_slot = np.full(max_leaves, -1, np.int64)
    ref = np.zeros(cache_pages, np.bool_)
    dirty = np.zeros(cache_pages, np.bool_)
    io = np.zeros(3, np.int64)  # clock hand, page writes, page reads
    distinct = 0
    for w in range(keys.size):
        if checkpoint_every > 0 and w > 0 and w % checkpoint_every == 0:
            io[1] += dirty.sum()
            dirty[:] = False
        k = keys[w]
        pos = np.searchsorted(seps[:n_leaves], k, side="right") - 1
        leaf = order[pos]
        _dirty(leaf, False, slot_page, page_slot, ref, dirty, io)
        n = leaf_n[leaf]
        at = np.searchsorted(leaf_keys[leaf, :n], k)
        if at < n and leaf_keys[leaf, at] == k:
            continue  # an update in place
        distinct += 1
        if n < leaf_cap:
            _insert(leaf_keys[leaf], n, at, k)
            leaf_n[leaf] = n + 1
            continue
        new = n_leaves
        if append_split and pos == n_leaves - 1 and at == n:
            leaf_keys[new, 0] = k
            leaf_n[new] = 1
        else:
            half = leaf_cap // 2
            leaf_keys[new, : n - half] = leaf_keys[leaf, half:n]
            leaf_n[new] = n - half
            leaf_n[leaf] = half
            target = leaf if at < half else new
            _insert(leaf_keys[target], leaf_n[target], at if at < half else at - half, k)
            leaf_n[target] += 1
        seps[pos + 2 : n_leaves + 1] = seps[pos + 1 : n_leaves].copy()
        order[pos + 2 : n_leaves + 1] = order[pos + 1 : n_leaves].copy()
        seps[pos + 1] = leaf_keys[new, 0]
        order[pos + 1] = new
        n_leaves += 1
        _dirty(new, True, slot_page, page_slot, ref, dirty, io)
        _dirty(leaf, True, slot_page, page_slot, ref, dirty, io)  # pinned in reality: never re-read
    return io[1] + dirty.sum(), io[2], n_leaves, distinct


@njit
def _insert(row, n, at, k):
    """Insert ``k`` at position ``at`` of the sorted ``row[:n]``."""
    row[at + 1 : n + 1] = row[at:n].copy()
    row[at] = k


@njit
def _dirty(page, new, slot_page, page_slot, ref, dirty, io):
    """Bring ``page`` into the cache (CLOCK replacement) and mark it dirty.

    A page not cached is read, unless ``new``; an evicted dirty page is written.
    ``io`` holds the clock hand, the page writes and the page reads.
    """
    slot = page_slot[page]
    if slot < 0:
        if not new:
            io[2] += 1
        size = slot_page.size
        hand = io[0]
        while ref[hand]:
            ref[hand] = False
            hand = (hand + 1) % size
        victim = slot_page[hand]
        if victim >= 0:
            if dirty[hand]:
                io[1] += 1
            page_slot[victim] = -1
        slot_page[hand] = page
        page_slot[page] = hand
        slot = hand
        io[0] = (hand + 1) % size
    ref[slot] = True
    dirty[slot] = True
