"""02 consistency: the linearizability checker vs Porcupine and vs the same search in pure Python.

Scenario: Porcupine's own benchmark data. The etcd histories of its
``test_data/jepsen`` (we ship 71 of the 102, in the shared fixtures) and the
kv histories with 50 clients, ``c50-ok`` and ``c50-bad``, checked key by key.

Peers:
- Porcupine (Go), published timings on a 2-core x86 machine (fixtures
  README): all 102 etcd histories in about 0.8 s, c50-ok 0.66 s, c50-bad
  0.11 s. We time 71 etcd histories, so the peer time is scaled per
  history (0.8 s x 71 / 102). These are published figures, not a run here,
  so ours is timed as CPU time when the machine is shared (``best_quiet_of``).
- The same algorithm (Porcupine's ``checkSingle``: linked list of call and
  return events, cache of (linearised set, state)) written in plain Python,
  timed here once (it is slow).

Both sides must give every history its known verdict before timing counts.
"""

import csv
import os
from pathlib import Path

from kit import consistency

from .common import Row, best_quiet_of

FIXTURES = Path(os.environ.get("KIT_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures"))
PORCUPINE_ETCD_102_S = 0.8
PORCUPINE_C50_OK_S = 0.66
PORCUPINE_C50_BAD_S = 0.11


def step(state, f: str, value, result, unknown: bool):
    """One operation on the sequential model: ``(legal, new state)`` (register, cas, kv append)."""
    if f == "read":
        return (unknown or state == result), state
    if f == "write":
        return True, value
    if f == "cas":
        swapped = state == value[0]
        return (unknown or bool(result) == swapped), (value[1] if swapped else state)
    return True, state + value


def python_linearizable(history) -> bool:
    """Porcupine's search, key by key, in plain Python: the slow obvious implementation."""
    # failed operations did not happen; reads of unknown result constrain nothing
    live = (history.status != "fail") & ~((history.status == "info") & (history.f == "read"))
    keys = sorted(history.by_key().values(), key=len)  # small keys first, as the kit does on one core
    return all(_python_single(history, [int(i) for i in idx if live[i]]) for idx in keys)


def _python_single(h, ops: list[int]) -> bool:
    events = []
    for j, i in enumerate(ops):
        events.append((h.invoke_t[i], 1, j))
        events.append((float("inf") if h.status[i] == "info" else h.complete_t[i], 2, j))
    events.sort()
    n = len(events)
    nxt, prv = list(range(1, n + 2)), list(range(-1, n))
    nxt[n] = None
    node_op = [None] + [e[2] for e in events]
    is_call = [None] + [e[1] == 1 for e in events]
    ret = {e[2]: k + 1 for k, e in enumerate(events) if e[1] == 2}
    cache, calls = set(), []
    linearised, state, entry = 0, h.initial, nxt[0]
    while nxt[0] is not None:
        if is_call[entry]:
            i = ops[node_op[entry]]
            legal, new = step(state, h.f[i], h.value[i], h.result[i], h.status[i] == "info")
            bits = linearised | (1 << node_op[entry])
            if legal and (bits, new) not in cache:
                cache.add((bits, new))
                calls.append((entry, state))
                state, linearised = new, bits
                nxt[prv[entry]], prv[nxt[entry]] = nxt[entry], prv[entry]
                r = ret[node_op[entry]]
                nxt[prv[r]] = nxt[r]
                if nxt[r] is not None:
                    prv[nxt[r]] = prv[r]
                entry = nxt[0]
            else:
                entry = nxt[entry]
        else:
            if not calls:
                return False
            entry, state = calls.pop()
            linearised &= ~(1 << node_op[entry])
            r = ret[node_op[entry]]
            nxt[prv[r]] = r
            if nxt[r] is not None:
                prv[nxt[r]] = r
            nxt[prv[entry]] = entry
            prv[nxt[entry]] = entry
            entry = nxt[entry]
    return True


def run() -> list[Row]:
    etcd = FIXTURES / "porcupine-etcd"
    if not etcd.exists():
        print(f"(consistency checker benchmark skipped: no fixtures at {FIXTURES}; set KIT_FIXTURES)")
        return []
    with open(etcd / "verdicts.csv") as f:
        expected = {row["file"]: row["linearizable"] == "true" for row in csv.DictReader(f)}
    histories = {name: consistency.load_history(etcd / name) for name in expected}
    kv = {
        name: consistency.load_history(FIXTURES / "porcupine-kv" / f"{name}.txt")
        for name in ("c50-ok", "c50-bad")
    }
    consistency.warm()  # JIT warm-up / cache load

    def ours_etcd():
        return {name: consistency.check_linearizable(h).ok for name, h in histories.items()}

    def python_etcd():
        return {name: python_linearizable(h) for name, h in histories.items()}

    assert ours_etcd() == expected, "the checker disagrees with Porcupine's verdicts"
    assert python_etcd() == expected, "the Python reference disagrees with Porcupine's verdicts"
    for name, h in kv.items():
        assert consistency.check_linearizable(h).ok == name.endswith("ok")
        assert python_linearizable(h) == name.endswith("ok")

    n = len(histories)
    t_etcd = best_quiet_of(ours_etcd)
    rows = [
        Row(
            f"linearizable? {n} etcd histories (Jepsen)",
            t_etcd,
            f"Porcupine x{n}/102 (published)",
            PORCUPINE_ETCD_102_S * n / 102,
        ),
        Row(
            f"linearizable? {n} etcd histories (Jepsen)",
            t_etcd,
            "same search, pure Python",
            best_quiet_of(python_etcd, repeat=1),
        ),
    ]
    for name, published in (("c50-ok", PORCUPINE_C50_OK_S), ("c50-bad", PORCUPINE_C50_BAD_S)):
        h = kv[name]
        t = best_quiet_of(lambda h=h: consistency.check_linearizable(h))
        label = f"linearizable? kv {name} ({len(h)} ops, {len(h.keys)} keys)"
        rows.append(Row(label, t, "Porcupine (published)", published))
        rows.append(
            Row(
                label,
                t,
                "same search, pure Python",
                best_quiet_of(lambda h=h: python_linearizable(h), repeat=1),
            )
        )
    return rows
