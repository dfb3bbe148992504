"""Every public callable of every topic, tried with bad values: a clear refusal or a bounded answer.

Starting from a valid call (``tests/public_calls.py``), each parameter in
turn gets values a learner or a script might pass by mistake:

- values that are never right must be refused with a ``TypeError`` or
  ``ValueError`` whose message names the parameter: a wrong type (a string
  for a number, a number for a choice, an object for a record), NaN, a
  fraction for a count, an unknown choice, a non-bool for a flag;
- values that may or may not make sense (negative, zero, infinite, huge,
  empty) must be either accepted or refused the same way; anything else
  (another exception, a MemoryError, a run past ``HANG_S``) fails.

Calls run in a worker process with a memory limit, so that a call which
tries to allocate terabytes or runs for minutes is reported, not suffered.
``HANG_S`` detects calls that do not refuse unbounded work; it is not a
speed goal (those live in ``benchmarks/``).
"""

from __future__ import annotations

import inspect
import math
import multiprocessing as mp
import resource
import traceback

import pytest

import kit
from kit.ui.app import App

from .public_calls import CALLS, OUTPUT, SHARED, Call, resolve

TOPICS = {module.__name__.split(".")[1] for module in kit.TOPICS.values()} | {"queueing", *SHARED}
PENDING: set[str] = set()  # topics whose bad-input handling is being reworked: skipped, visibly
HANG_S = 30.0  # a bad value must be refused or answered within this (generous: compiles, noisy CI)
FIRST_CALL_S = 600.0  # the valid call may compile the topic's kernels
MEMORY_BYTES = 6 << 30  # the worker's address-space limit

REFUSE, EITHER = "refuse", "either"
NAN = float("nan")


def public_callables(topic: str) -> dict[str, object]:
    module = getattr(kit, topic)
    found = {}
    for name in SHARED[topic] if topic in SHARED else module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj) or not callable(obj):
            continue
        if inspect.isclass(obj) and issubclass(obj, App):
            continue  # apps are driven across their controls by tests/test_apps.py
        found[f"{topic}.{name}"] = obj
    return found


def _kind(value, annotation: str) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (int, float)) for v in value):
        return "numbers"
    if value is None:
        first = str(annotation).split(" | ")[0].strip()
        if first in ("bool", "int", "float", "str"):
            return first
    return "object"


BAD = {  # kind -> [(label, value, what the callee must do)]
    "bool": [("a string", "no", REFUSE)],
    "int": [
        ("a string", "abc", REFUSE),
        ("NaN", NAN, REFUSE),
        ("a fraction", 2.5, REFUSE),
        ("-1", -1, EITHER),
        ("0", 0, EITHER),
        ("10**12", 10**12, EITHER),
    ],
    "float": [
        ("a string", "abc", REFUSE),
        ("NaN", NAN, REFUSE),
        ("-1", -1.0, EITHER),
        ("0", 0.0, EITHER),
        ("inf", math.inf, EITHER),
        ("1e12", 1e12, EITHER),
    ],
    "str": [("a number", 42, REFUSE), ("an unknown choice", "no-such-choice", REFUSE)],
    "free-str": [("a number", 42, REFUSE)],
    "numbers": [
        ("a string", "abc", REFUSE),
        ("[NaN]", [NAN], REFUSE),
        ("[]", [], EITHER),
        ("[-1]", [-1], EITHER),
    ],
    "object": [("an object()", "object()", REFUSE)],
}


def cases(name: str, fn, entry: Call):
    """(parameter, label, positional index or None, value, expectation) for every bad value."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name == "self":
            continue
        if p.name in entry.kwargs:
            base, index = entry.kwargs[p.name], None
        elif p in positional and positional.index(p) < len(entry.args):
            index = positional.index(p)
            base = entry.args[index]
        elif p.default is not p.empty:
            base, index = p.default, None
        else:
            continue
        kind = _kind(base, p.annotation)
        if kind == "str" and p.name in entry.free:
            kind = "free-str"
        for label, value, expect in BAD[kind]:
            yield p.name, label, index, value, expect


def _run(task):
    """In the worker: make the call; ('ok',) or ('raised', type, message, traceback)."""
    name, index, param, value = task
    topic, attr = name.split(".", 1)
    fn = getattr(getattr(kit, topic), attr)
    entry = CALLS[name]
    args, kwargs = list(resolve(entry.args)), dict(resolve(entry.kwargs))
    if param is not None:
        value = object() if value == "object()" else value
        if index is not None:
            args[index] = value
        else:
            kwargs[param] = value
    try:
        fn(*args, **kwargs)
    except BaseException as e:
        return (
            "raised",
            type(e).__name__,
            str(e),
            isinstance(e, (TypeError, ValueError)),
            traceback.format_exc(),
        )
    return ("ok",)


def _worker(conn):
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    while True:
        task = conn.recv()
        if task is None:
            return
        conn.send(_run(task))


class Worker:
    """One process making calls in turn; killed and replaced when a call hangs."""

    def __init__(self):
        self.proc = None

    def call(self, task, timeout_s: float):
        if self.proc is None:
            self.conn, child = mp.get_context("spawn").Pipe()
            self.proc = mp.get_context("spawn").Process(target=_worker, args=(child,), daemon=True)
            self.proc.start()
        self.conn.send(task)
        if self.conn.poll(timeout_s):
            try:
                return self.conn.recv()
            except EOFError:
                pass
        else:
            self.close(kill=True)
            return ("hang",)
        self.close(kill=True)
        return ("died",)

    def close(self, kill=False):
        if self.proc is not None:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
            self.proc.join(10)
            self.proc = None


def test_every_public_callable_has_a_valid_call():
    missing = [name for topic in sorted(TOPICS) for name in public_callables(topic) if name not in CALLS]
    stale = [name for name in CALLS if name not in {n for t in TOPICS for n in public_callables(t)}]
    assert not missing, f"add a valid call to tests/public_calls.py for: {missing}"
    assert not stale, f"tests/public_calls.py names callables that are no longer public: {stale}"


def _verdict(outcome, param: str, expect: str) -> str | None:
    """None when the outcome is acceptable, else what is wrong."""
    if outcome[0] == "hang":
        return f"ran past {HANG_S:g} s (refuse unbounded work up front)"
    if outcome[0] == "died":
        return "the worker process died"
    if outcome[0] == "ok":
        return "accepted it silently" if expect == REFUSE else None
    _, kind, message, clear, _ = outcome
    if not clear:
        return f"raised {kind}: {message[:200]}"
    if param not in message:
        return f"raised {kind} without naming {param!r}: {message[:200]}"
    return None


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_bad_values_are_refused_by_name_or_answered_within_bounds(topic):
    if topic in PENDING:
        pytest.skip(f"{topic}: bad-input handling is being reworked (tests/test_inputs.py PENDING)")
    worker = Worker()
    problems = []
    try:
        for name, fn in public_callables(topic).items():
            entry = CALLS.get(name)
            if entry is None or entry == OUTPUT:
                continue
            outcome = worker.call((name, None, None, None), FIRST_CALL_S)
            if outcome[0] != "ok":
                problems.append(
                    f"{name}: its valid call failed: {outcome[1:3] if len(outcome) > 2 else outcome}"
                )
                continue
            for param, label, index, value, expect in cases(name, fn, entry):
                outcome = worker.call((name, index, param, value), HANG_S)
                wrong = _verdict(outcome, param, expect)
                if wrong:
                    problems.append(f"{name}({param}={label}): {wrong}")
    finally:
        worker.close()
    assert not problems, f"{len(problems)} bad inputs not handled:\n" + "\n".join(problems)
