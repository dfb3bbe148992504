"""Weaker models: causal consistency, the session guarantees, PRAM, eventual consistency.

These checks work on *differentiated* histories of reads, writes and cas
(every value is written at most once per key, and never the initial value),
the setting in which Bouajjani, Enea, Guerraoui & Hamza ("On verifying
causal consistency", POPL 2017) show causal consistency is checkable in
polynomial time: a read then names the one write it saw (*read-from*), and a
history violates a model exactly when it contains one of a few *bad
patterns*. The simulator writes unique values, so its histories qualify.

Relations (over the operations that took effect):

- ``so`` (session / program order): each process's operations in invocation order;
- ``rf`` (read-from): the write a read (or a cas that swapped) saw;
- ``CO`` (causal order) = (so ∪ rf)+.

A cas that swapped reads its expected value and writes its new one; a cas
that did not swap says only that the value differed, and is left out, as are
reads of unknown result and failed operations. An ``info`` operation may
have taken effect or not: a write (or cas) of unknown outcome counts once
some read saw its value, and then it did happen (a cas that is seen swapped,
so it read its expected value); one nobody saw is left out, which is always
the most permissive choice.

One arbitration order. As in Terry et al. (1994), where every server orders
writes the same way, and in the abstract executions of Viotti & Vukolić
(2016, section 2), every model here is explained by *one* total order of the
writes shared by all sessions, and each read returns the last write, in that
order, among the writes visible to it. So the session guarantees, PRAM and
causal consistency (``CCv``) form the chain of Viotti & Vukolić's hierarchy:
causal => PRAM => each of read-your-writes, monotonic reads, monotonic
writes; causal => writes-follow-reads. Causal memory (``CM``, Ahamad et al.
1995), where each process may order concurrent writes its own way, is
available as a variant of :func:`check_causal`; it does not imply the
session guarantees under one order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .history import History

INIT = -1  # rf of a read that saw the initial value

CAUSAL_VARIANTS = ("CCv", "CM", "CC")
SESSION_GUARANTEES = ("read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads")


@dataclass(frozen=True)
class Violation:
    """One bad pattern found in a history.

    Attributes
    ----------
    pattern : str
        Its name (Bouajjani et al. 2017: ``CyclicCO``, ``WriteCORead``...; ``NoWriteOrder``,
        ``StaleInitialRead`` for the session guarantees).
    ops : tuple of int
        The operations involved (rows of the history).
    why : str
        What is wrong, in words.
    """

    pattern: str
    ops: tuple
    why: str


@dataclass(frozen=True, eq=False)
class ModelResult:
    """The verdict of one weak model.

    Attributes
    ----------
    model : str
        Which model was checked.
    verdict : {"OK", "ILLEGAL"}
        Whether the history satisfies it.
    violations : tuple of Violation
        The bad patterns found (empty when OK).
    history : History
        The history checked.
    """

    model: str
    verdict: str
    violations: tuple = field(repr=False)
    history: History = field(repr=False)

    @property
    def ok(self) -> bool:
        """The verdict as a truth value.

        Returns
        -------
        bool
        """
        return self.verdict == "OK"

    def __repr__(self) -> str:
        first = f", e.g. {self.violations[0].pattern}: {self.violations[0].why}" if self.violations else ""
        return f"ModelResult({self.model}: {self.verdict}, {len(self.violations)} violation(s){first})"


class Observations:
    """A differentiated history as graph data: sessions, writes, read-from.

    Raises ``ValueError`` when the history is not differentiated, has
    appends, or writes the initial value (a read of it would be ambiguous).
    """

    def __init__(self, history: History):
        if not isinstance(history, History):
            raise TypeError(f"history must be a kit.consistency.History (got {type(history).__name__})")
        if np.any(history.f == "append"):
            raise ValueError("causal and session checks need reads and writes of whole values (no append)")
        self.history = history
        h = history
        writer: dict = {}  # (key, value) -> op
        for i in range(len(h)):
            f, s = h.f[i], h.status[i]
            if s == "fail" or f not in ("write", "cas"):
                continue
            if f == "cas" and not (s == "info" or h.result[i] is True):
                continue
            v = h.value[i][1] if f == "cas" else h.value[i]
            if v == h.initial:
                raise ValueError(
                    f"a write of the initial value {v!r} (operation {i}) makes reads of it ambiguous; "
                    "causal and session checks need differentiated histories (Bouajjani et al. 2017)"
                )
            if (h.key[i], v) in writer:
                raise ValueError(
                    f"value {v!r} is written twice to key {h.key[i]!r} (operations {writer[(h.key[i], v)]} "
                    f"and {i}); causal and session checks need unique written values (Bouajjani et al. 2017)"
                )
            writer[(h.key[i], v)] = i
        observed_values = _observed_values(h)
        seen = {}  # op -> (key, rf) for every op that read something
        thin_air = []
        for i in range(len(h)):
            f, s = h.f[i], h.status[i]
            if f == "read" and s == "ok":
                v = h.result[i]
            elif f == "cas" and s == "ok" and h.result[i] is True:
                v = h.value[i][0]
            elif f == "cas" and s == "info" and (h.key[i], h.value[i][1]) in observed_values:
                v = h.value[i][0]  # it was seen, so it swapped: it read its expected value
            else:
                continue
            if v == h.initial:
                seen[i] = (h.key[i], INIT)
            elif (h.key[i], v) in writer:
                seen[i] = (h.key[i], writer[(h.key[i], v)])
            else:
                thin_air.append(i)
        observed = {w for _, w in seen.values() if w != INIT}
        # ops that took effect: ok ops (not failed cas), info writes someone saw
        keep = []
        for i in range(len(h)):
            f, s = h.f[i], h.status[i]
            if i in seen or i in thin_air:
                keep.append(i)
            elif s == "ok" and f == "write":
                keep.append(i)
            elif s == "info" and i in observed:
                keep.append(i)
            elif f == "cas" and s == "ok" and h.result[i] is True:
                keep.append(i)
        self.ops = sorted(set(keep))
        self.writes = set(writer.values()) & set(self.ops)
        self.rf = {i: w for i, (_, w) in seen.items()}
        self.key = {i: h.key[i] for i in self.ops}
        self.thin_air = thin_air
        self.sessions: dict = {}
        for i in sorted(self.ops, key=lambda i: (h.invoke_t[i], i)):
            self.sessions.setdefault(h.process[i], []).append(i)
        self.writes_of_key: dict = {}
        for w in sorted(self.writes):
            self.writes_of_key.setdefault(self.key[w], []).append(w)

    def describe(self, ops) -> str:
        return ", ".join(f"{self.history.describe(i)} by {self.history.process[i]!r}" for i in ops)

    def thin_air_violations(self) -> list[Violation]:
        return [
            Violation("ThinAirRead", (i,), f"{self.describe([i])} reads a value nobody wrote")
            for i in self.thin_air
        ]


def _observed_values(h: History) -> set:
    """(key, value) pairs some operation that took effect read: ok reads, cas that swapped, and
    the expected value of a cas of unknown outcome whose own new value was seen (so it swapped)."""
    seen = set()
    pending = []
    for i in range(len(h)):
        if h.f[i] == "read" and h.status[i] == "ok":
            seen.add((h.key[i], h.result[i]))
        elif h.f[i] == "cas" and h.status[i] == "ok" and h.result[i] is True:
            seen.add((h.key[i], h.value[i][0]))
        elif h.f[i] == "cas" and h.status[i] == "info":
            pending.append(i)
    grew = True
    while grew:
        grew = False
        for i in pending:
            read = (h.key[i], h.value[i][0])
            if (h.key[i], h.value[i][1]) in seen and read not in seen:
                seen.add(read)
                grew = True
    return seen


def _written(h: History, i: int):
    if h.f[i] == "cas":
        return h.value[i][1]
    return h.value[i] if h.f[i] == "write" else None


# --- reachability with bitsets (Python ints) ------------------------------------------------------
def _closure(nodes: list, edges: dict) -> tuple[dict, list]:
    """Ancestor sets (as int bitsets over node positions) of a graph, and one cycle if there is one."""
    pos = {v: k for k, v in enumerate(nodes)}
    preds: dict = {v: set() for v in nodes}
    for a, succ in edges.items():
        for b in succ:
            preds[b].add(a)
    indeg = {v: len(preds[v]) for v in nodes}
    ready = [v for v in nodes if indeg[v] == 0]
    order = []
    succs = {v: edges.get(v, ()) for v in nodes}
    while ready:
        v = ready.pop()
        order.append(v)
        for b in succs[v]:
            indeg[b] -= 1
            if indeg[b] == 0:
                ready.append(b)
    if len(order) < len(nodes):
        return {}, _find_cycle({v for v in nodes if indeg[v] > 0}, preds)
    anc = {}
    for v in order:
        a = 0
        for p in preds[v]:
            a |= anc[p] | (1 << pos[p])
        anc[v] = a
    return anc, []


def _find_cycle(left: set, preds: dict) -> list:
    """A cycle among the nodes a topological sort left over.

    Each of them kept a predecessor that is also left over (else it would
    have been sorted), so walking back along those must revisit a node.
    """
    v = min(left)
    path, where = [], {}
    while v not in where:
        where[v] = len(path)
        path.append(v)
        v = min(p for p in preds[v] if p in left)
    return path[where[v] :][::-1]


class _Graph:
    """so ∪ rf over the observations, with ancestor bitsets."""

    def __init__(self, obs: Observations, extra: dict | None = None):
        self.obs = obs
        self.nodes = obs.ops
        self.pos = {v: k for k, v in enumerate(self.nodes)}
        edges: dict = {}
        for ops in obs.sessions.values():
            for a, b in itertools.pairwise(ops):
                edges.setdefault(a, set()).add(b)
        for r, w in obs.rf.items():
            if w != INIT:
                edges.setdefault(w, set()).add(r)
        for a, succ in (extra or {}).items():
            edges.setdefault(a, set()).update(succ)
        self.edges = edges
        self.anc, self.cycle = _closure(self.nodes, edges)

    def before(self, a, b) -> bool:
        """a <CO b."""
        return bool((self.anc[b] >> self.pos[a]) & 1)

    def bits(self, ops) -> int:
        out = 0
        for v in ops:
            out |= 1 << self.pos[v]
        return out


def _members(bits: int, nodes: list) -> list:
    out = []
    while bits:
        low = bits & -bits
        out.append(nodes[low.bit_length() - 1])
        bits ^= low
    return out


def _cc_patterns(obs: Observations, g: _Graph) -> list[Violation]:
    """Bouajjani et al. 2017, section 4: CyclicCO, WriteCOInitRead, ThinAirRead, WriteCORead."""
    out = obs.thin_air_violations()
    if g.cycle:
        return [
            *out,
            Violation("CyclicCO", tuple(g.cycle), f"causal order is cyclic: {obs.describe(g.cycle)}"),
        ]
    key_writes = {k: g.bits(ws) for k, ws in obs.writes_of_key.items()}
    for r, w in obs.rf.items():
        before = g.anc[r] & key_writes.get(obs.key[r], 0)
        if w == INIT:
            if before:
                w2 = _members(before, g.nodes)[0]
                out.append(
                    Violation(
                        "WriteCOInitRead",
                        (w2, r),
                        f"{obs.describe([r])} reads the initial value after {obs.describe([w2])} causally",
                    )
                )
            continue
        for w2 in _members(before & ~(1 << g.pos[w]), g.nodes):
            if g.before(w, w2):
                out.append(
                    Violation(
                        "WriteCORead",
                        (w, w2, r),
                        f"{obs.describe([r])} reads {obs.history.describe(w)} though "
                        f"{obs.describe([w2])} overwrote it causally before",
                    )
                )
                break
    return out


def _cm_patterns(obs: Observations, g: _Graph) -> list[Violation]:
    """Causal memory: per process, CO saturated with the orders its reads force (HB_p) must be acyclic.

    Process p must have one serialisation of all writes and its own
    operations that respects CO and where each read returns the latest
    write (Ahamad et al. 1995). For a read r of p that saw w on key x and
    another write w' to x, every such serialisation puts w' before w when
    w' precedes r, and r before w' when w precedes w'. Adding these edges to
    a fixpoint gives Bouajjani et al.'s HB_p; a cycle in it (CyclicHB), or a
    write before a read of the initial value (WriteHBInitRead), is a
    violation (Bouajjani et al. 2017, section 4, Lemma 3).
    """
    out = []
    for p, ops in g.obs.sessions.items():
        reads = [r for r in ops if r in obs.rf]
        extra: dict = {}
        while True:
            hb = _Graph(obs, extra)
            if hb.cycle:
                out.append(
                    Violation(
                        "CyclicHB",
                        tuple(hb.cycle),
                        f"process {p!r} cannot order {obs.describe(hb.cycle)} consistently with what it read",
                    )
                )
                break
            added = False
            for r in reads:
                w, x = obs.rf[r], obs.key[r]
                for w2 in obs.writes_of_key.get(x, ()):
                    if w2 == w:
                        continue
                    if hb.before(w2, r):
                        if w == INIT:
                            out.append(
                                Violation(
                                    "WriteHBInitRead",
                                    (w2, r),
                                    f"process {p!r} read the initial value in {obs.describe([r])} after "
                                    f"{obs.describe([w2])} must have been applied",
                                )
                            )
                            continue
                        if not hb.before(w2, w):
                            extra.setdefault(w2, set()).add(w)
                            added = True
                    elif w != INIT and hb.before(w, w2) and not hb.before(r, w2):
                        extra.setdefault(r, set()).add(w2)
                        added = True
            if not added or any(v.pattern == "WriteHBInitRead" for v in out):
                break
    return out


def _ccv_patterns(obs: Observations, g: _Graph) -> list[Violation]:
    """Causal convergence: CO ∪ CF acyclic, CF = (w CF w' if w <CO a read of w', same key)."""
    cf: dict = {}
    for r, w2 in obs.rf.items():
        if w2 == INIT:
            continue
        for w in obs.writes_of_key.get(obs.key[r], ()):
            if w != w2 and g.before(w, r):
                cf.setdefault(w, set()).add(w2)
    g2 = _Graph(obs, cf)
    if g2.cycle:
        return [
            Violation(
                "CyclicCF",
                tuple(g2.cycle),
                f"no single order of the writes agrees with what was read: {obs.describe(g2.cycle)}",
            )
        ]
    return []


def check_causal(history: History, variant: str = "CCv") -> ModelResult:
    """Is the history causally consistent?

    Parameters
    ----------
    history : History
        Differentiated (unique written values per key).
    variant : {"CCv", "CM", "CC"}
        ``CCv`` (the default, and the "causal" of :func:`classify`): causal
        convergence, one order of all writes that respects causality
        explains every read (each returns the last write of its causal past
        in that order). This is causality in Viotti & Vukolić's hierarchy
        (2016, section 3.3, with one arbitration order), which implies PRAM
        and every session guarantee; causal+ of COPS (Lloyd et al. 2011).
        ``CM`` causal memory (Ahamad et al. 1995): each process sees all
        writes in an order of its own that respects causality, so two
        processes may see concurrent writes in opposite orders. ``CC`` the
        weakest: each read is explained by its own causal past only.

    Returns
    -------
    ModelResult
        ``verdict`` OK or ILLEGAL and the bad patterns found.

    Notes
    -----
    Bouajjani, Enea, Guerraoui, Hamza, "On verifying causal consistency",
    POPL 2017, section 4 (Theorems 2-4): a differentiated history is CC iff
    it has none of CyclicCO, WriteCOInitRead, ThinAirRead, WriteCORead; CM
    iff also none of WriteHBInitRead, CyclicHB; CCv iff CC and no CyclicCF.

    References
    ----------
    A. Bouajjani, C. Enea, R. Guerraoui, J. Hamza, "On verifying causal
    consistency", POPL 2017. M. Ahamad, G. Neiger, J. Burns, P. Kohli, P.
    Hutto, "Causal memory: definitions, implementation, and programming",
    Distributed Computing 9(1), 1995.

    Examples
    --------
    Ahamad et al. (1995), Figure 4 style: P3 and P4 see two concurrent
    writes in opposite orders, which causal memory allows and one order of
    the writes cannot explain.

    >>> h = History.from_sessions({
    ...     "P1": ["w(x)1"], "P2": ["w(x)2"],
    ...     "P3": ["r(x)1", "r(x)2"], "P4": ["r(x)2", "r(x)1"]}, initial=0)
    >>> check_causal(h, "CM").verdict, check_causal(h).verdict
    ('OK', 'ILLEGAL')
    """
    if variant not in CAUSAL_VARIANTS:
        raise ValueError(
            f"variant must be one of {', '.join(map(repr, CAUSAL_VARIANTS))} (got variant={variant!r})"
        )
    obs = Observations(history)
    g = _Graph(obs)
    violations = _cc_patterns(obs, g)
    if not violations and variant == "CM":
        violations = _cm_patterns(obs, g)
    if not violations and variant == "CCv":
        violations = _ccv_patterns(obs, g)
    return ModelResult(
        model=f"causal ({variant})",
        verdict="ILLEGAL" if violations else "OK",
        violations=tuple(violations),
        history=history,
    )


# --- session guarantees, under one arbitration order (Terry et al. 1994) -------------------------
#: Terry et al. (1994), section 3, with Viotti & Vukolić (2016), section 3.2, for each guarantee.
DEFINITIONS = {
    "read-your-writes": "a read sees every earlier write of its session (Terry et al. 1994, §3, "
    "'Read Your Writes'; Viotti & Vukolić 2016, §3.2: so|wr→rd ⊆ vis)",
    "monotonic-reads": "a read sees every write an earlier read of its session saw (Terry et al. 1994, "
    "§3, 'Monotonic Reads'; Viotti & Vukolić 2016, §3.2: vis;so|rd→rd ⊆ vis)",
    "monotonic-writes": "a session's writes are ordered as issued, and a read that sees one sees the "
    "session's earlier ones (Terry et al. 1994, §3, 'Monotonic Writes'; Viotti & Vukolić 2016, §3.2: "
    "so|wr→wr ⊆ ar)",
    "writes-follow-reads": "a write is ordered after every write its session read before, and a read "
    "that sees it sees those too (Terry et al. 1994, §3, 'Writes Follow Reads'; Viotti & Vukolić "
    "2016, §3.2: vis;so|rd→wr ⊆ ar)",
}


class _Visibility:
    """The least visible sets the rules force on every read, and the write-order edges they imply.

    A read's visible set starts as the write it read from; the rules only ever add writes
    (RYW: the session's earlier writes; MR: what its earlier reads saw; MW and WFR: what must
    come with a visible write), so their least fixpoint is the most permissive choice. Sets
    are Python ints, one bit per write.
    """

    def __init__(self, obs: Observations, rules: frozenset):
        self.obs = obs
        self.writes = sorted(obs.writes)
        self.bit = {w: 1 << k for k, w in enumerate(self.writes)}
        self.reads = [r for ops in obs.sessions.values() for r in ops if r in obs.rf]
        self.vis = {r: self.bit.get(obs.rf[r], 0) for r in self.reads}
        self.edges: dict = {}  # write -> writes that come after it in the arbitration order
        while self._spread(rules):
            pass

    def _companions(self, rules: frozenset) -> dict:
        """Per write, the writes that must be visible with it and precede it."""
        obs, out = self.obs, {}
        for ops in obs.sessions.values():
            before = 0
            for i in ops:
                if i in obs.writes:
                    out[i] = before
                    if "monotonic-writes" in rules:
                        before |= self.bit[i]
                if i in obs.rf and "writes-follow-reads" in rules:
                    before |= self.vis[i]
        return out

    def _spread(self, rules: frozenset) -> bool:
        """One round of the rules over every session; True if a visible set grew."""
        obs, grew = self.obs, False
        companions = self._companions(rules)
        for ops in obs.sessions.values():
            carried = own = 0
            for i in ops:
                if i in obs.rf:
                    vis = self.vis[i]
                    if "monotonic-reads" in rules:
                        vis |= carried
                    if "read-your-writes" in rules:
                        vis |= own
                    vis = self._close(vis, companions)
                    grew |= vis != self.vis[i]
                    self.vis[i] = vis
                    if "monotonic-reads" in rules:
                        carried = vis
                if i in obs.writes:
                    own |= self.bit[i]
        self.edges = {}
        for w, before in companions.items():
            for v in self.members(before):
                self.edges.setdefault(v, set()).add(w)
        return grew

    def _close(self, vis: int, companions: dict) -> int:
        todo = vis
        while todo:
            low = todo & -todo
            todo ^= low
            extra = companions[self.writes[low.bit_length() - 1]] & ~vis
            vis |= extra
            todo |= extra
        return vis

    def members(self, bits: int) -> list:
        return _members(bits, self.writes)


def _session_violations(obs: Observations, rules: frozenset) -> list[Violation]:
    """Violations of ``rules`` together, under one arbitration order of the writes.

    Each read returns the last of its visible writes to its key in the arbitration order, or
    the initial value if none is visible. So the least visible sets (:class:`_Visibility`)
    give the fewest order constraints: every other visible write to the key precedes the one
    read. A history satisfies the rules iff no read of the initial value has a visible write to
    its key and the constraints, with those of MW and WFR, are acyclic (one order exists).
    """
    out = obs.thin_air_violations()
    seen = _Visibility(obs, rules)
    edges = {w: set(after) for w, after in seen.edges.items()}
    for r in seen.reads:
        w = obs.rf[r]
        same_key = [v for v in seen.members(seen.vis[r]) if obs.key[v] == obs.key[r] and v != w]
        if w == INIT and same_key:
            out.append(
                Violation(
                    "StaleInitialRead",
                    (same_key[0], r),
                    f"{obs.describe([r])} reads the initial value though {obs.describe([same_key[0]])} "
                    "must be visible to it",
                )
            )
        for v in same_key if w != INIT else ():
            edges.setdefault(v, set()).add(w)
    _, cycle = _closure(seen.writes, edges)
    if cycle:
        out.append(
            Violation(
                "NoWriteOrder",
                tuple(cycle),
                f"no single order of the writes explains what the sessions read: {obs.describe(cycle)}",
            )
        )
    return out


def check_session(history: History, guarantees=SESSION_GUARANTEES) -> dict[str, ModelResult]:
    """The four session guarantees of Terry et al. (1994), each on its own.

    Parameters
    ----------
    history : History
        Differentiated (unique written values per key).
    guarantees : sequence of str
        Any of ``read-your-writes``, ``monotonic-reads``,
        ``monotonic-writes``, ``writes-follow-reads``.

    Returns
    -------
    dict
        ``{guarantee: ModelResult}``.

    Notes
    -----
    All sessions share one arbitration order of the writes, and a read
    returns the last visible write to its key in that order. Each guarantee
    forces some writes to be visible (or ordered), as :data:`DEFINITIONS`
    states with its source. So ``A: r(x)1, r(x)2`` and ``B: r(x)2, r(x)1``
    (1 and 2 written by other sessions) break monotonic reads: A needs 1
    before 2, B 2 before 1. Every causally consistent history satisfies all
    four (Viotti & Vukolić 2016, Figure 2).

    References
    ----------
    D. Terry, A. Demers, K. Petersen, M. Spreitzer, M. Theimer, B. Welch,
    "Session guarantees for weakly consistent replicated data", PDIS 1994,
    section 3. P. Viotti, M. Vukolić, "Consistency in non-transactional
    distributed storage systems", ACM Computing Surveys 49(1), 2016, section 3.2.

    Examples
    --------
    A follower read after your own write: read-your-writes fails, monotonic reads holds.

    >>> h = History.from_sessions({"A": ["w(x)1", "r(x)0"]}, initial=0)
    >>> {g: r.verdict for g, r in check_session(h).items()}["read-your-writes"]
    'ILLEGAL'
    """
    if isinstance(guarantees, str):
        guarantees = [guarantees]
    if not isinstance(guarantees, list | tuple) or not all(isinstance(g, str) for g in guarantees):
        raise TypeError(
            f"guarantees must be a list of names from SESSION_GUARANTEES (got {guarantees!r:.60})"
        )
    unknown = set(guarantees) - set(SESSION_GUARANTEES)
    if unknown:
        raise ValueError(
            f"guarantees must be among {', '.join(SESSION_GUARANTEES)} (got {sorted(unknown)[0]!r})"
        )
    obs = Observations(history)
    return {g: _result(g, _session_violations(obs, frozenset([g])), history) for g in guarantees}


def check_pram(history: History) -> ModelResult:
    """PRAM: read-your-writes, monotonic reads and monotonic writes at once, under one write order.

    Parameters
    ----------
    history : History
        Differentiated (unique written values per key).

    Returns
    -------
    ModelResult
        ``verdict`` OK or ILLEGAL and the violations found.

    Notes
    -----
    Lipton & Sandberg's PRAM (1988): every process sees each process's
    writes in the order issued. Brzeziński, Sobaniec and Wawrzyniak (2004)
    show it equals the three guarantees together; Viotti & Vukolić (2016,
    section 3.2) state it so, with one arbitration order, which is how it
    is checked here (so processes may not disagree on the order of
    concurrent writes they both read).

    References
    ----------
    R. Lipton, J. Sandberg, "PRAM: a scalable shared memory", Princeton
    CS-TR-180-88, 1988. J. Brzeziński, C. Sobaniec, D. Wawrzyniak, "From
    session causality to causal consistency", PDP 2004.
    """
    obs = Observations(history)
    rules = frozenset(["read-your-writes", "monotonic-reads", "monotonic-writes"])
    return _result("PRAM", _session_violations(obs, rules), history)


def _result(model: str, violations: list, history: History) -> ModelResult:
    return ModelResult(
        model=model, verdict="ILLEGAL" if violations else "OK", violations=tuple(violations), history=history
    )


# --- eventual consistency -----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class EventualResult:
    """Did the replicas converge once writes stopped?

    Attributes
    ----------
    verdict : {"OK", "ILLEGAL"}
        OK: every key's replicas agree at the end of the log, on a written
        value or the initial one.
    quiescent_at : float
        The last write activity (invocation or completion), in the history's time unit.
    keys : DataFrame
        One row per key: the final value per replica (``finals``), whether
        they agree, the value, and ``converged_at`` (when the key's replicas
        last changed; NaN if they do not agree or never changed).
    """

    verdict: str
    quiescent_at: float
    keys: pd.DataFrame = field(repr=False)

    @property
    def ok(self) -> bool:
        """The verdict as a truth value.

        Returns
        -------
        bool
        """
        return self.verdict == "OK"

    def __repr__(self) -> str:
        bad = int((~self.keys.agree).sum()) if len(self.keys) else 0
        return (
            f"EventualResult({self.verdict}, {len(self.keys)} key(s), {bad} divergent, "
            f"quiescent at {self.quiescent_at:g})"
        )


def check_eventual(history: History, replica_ids=None) -> EventualResult:
    """Eventual consistency as convergence: after the last write, do all replicas agree?

    Parameters
    ----------
    history : History
        With ``history.replicas``: the log of replica states (columns ``t,
        replica, key, value``; see :class:`History`), as the simulator emits.
    replica_ids : sequence, optional
        The replicas that exist (default: those in the log). A replica that
        never changes holds the initial value, so list it here (or log its
        initial state) for its divergence to count.

    Returns
    -------
    EventualResult
        The verdict and, per key, the replicas' final values.

    Notes
    -----
    Eventual consistency is a liveness property: if no new updates are
    made, eventually all replicas return the same value (Vogels,
    "Eventually consistent", CACM 52(1), 2009; Viotti & Vukolić 2016,
    section 3.1). A finite run can only show convergence after quiescence,
    so the run must continue past its last write (the simulator's settle
    period). Values must be written ones or the initial one.
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a kit.consistency.History (got {type(history).__name__})")
    log = history.replicas
    if log is None:
        raise ValueError(
            "check_eventual needs the replicas' states: history.replicas (a log with columns t, replica, "
            "key, value), as the simulator provides; a client history alone cannot show convergence"
        )
    if replica_ids is not None and (isinstance(replica_ids, str) or not isinstance(replica_ids, Sequence)):
        raise TypeError(f"replica_ids must be a list of replica ids (got replica_ids={replica_ids!r:.60})")
    writes = (history.f != "read") & (history.status != "fail")
    times = np.concatenate(
        (history.invoke_t[writes], history.complete_t[writes][np.isfinite(history.complete_t[writes])])
    )
    quiet = float(times.max()) if times.size else -np.inf
    ids = sorted(set(log.replica.tolist())) if replica_ids is None else list(replica_ids)
    keys = list(dict.fromkeys([*history.keys, *log.key.tolist()]))
    written = {(history.key[i], _written(history, i)) for i in np.flatnonzero(writes)}
    log = log.sort_values("t", kind="stable")
    final = dict(zip(zip(log.key, log.replica, strict=True), log.value, strict=True))  # later rows win
    last_change: dict = {}  # by hand: pandas would drop the key None of a single register
    for k, t in zip(log.key, log.t, strict=True):
        last_change[k] = t
    rows = []
    for k in keys:
        finals = {r: final.get((k, r), history.initial) for r in ids}
        values = list(finals.values())
        agree = all(v == values[0] for v in values) and all(
            v == history.initial or (k, v) in written for v in values
        )
        rows.append(
            {
                "key": k,
                "agree": agree,
                "value": values[0] if agree and values else None,
                "converged_at": float(last_change.get(k, np.nan)) if agree else np.nan,
                "finals": finals,
            }
        )
    table = pd.DataFrame(rows, columns=["key", "agree", "value", "converged_at", "finals"])
    ok = bool(table.agree.all()) if len(table) else True
    return EventualResult(verdict="OK" if ok else "ILLEGAL", quiescent_at=quiet, keys=table)
