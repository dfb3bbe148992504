"""The caching topic as documented: runnable examples, a registry that describes itself."""

import doctest
import importlib

import pytest

from kit import caching

# by name: the package's ``stampede`` and ``tiers`` are the functions, not the modules
MODULES = [
    importlib.import_module(f"kit.caching.{name}")
    for name in ("api", "eviction", "paths", "stampede", "theory", "tiers", "traces")
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    """Examples are written as after ``from kit.caching import *``."""
    failures, _ = doctest.testmod(module, extraglobs=vars(caching), optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_every_registered_policy_describes_itself():
    table = caching.policy_table()
    assert table.policy.tolist() == list(caching.POLICIES)
    assert table.label.str.len().min() > 0 and table.source.str.len().min() > 0
    assert table.set_index("policy").offline.to_dict()["belady"]
    for module in caching.POLICIES.values():
        for operation in ("init", "find", "admit", "insert", "evict", "simulate"):
            assert callable(getattr(module, operation)), (module.__name__, operation)


def test_public_api_is_exported():
    for name in ["load_trace", "simulate", "lru_mrc", "che_lru", "serve", "stampede", "tiers", "warm"]:
        assert name in caching.__all__
    import kit

    assert kit.TOPICS["04_caching"] is caching


_PLAIN = """
import json
from kit import caching
trace = caching.mix(caching.zipf(60, 0.9, 1500, seed=1), caching.scan(40), seed=1)
sized = caching.with_sizes(trace, caching.latency(50.0, 1.0), seed=2)
out = {p: [caching.simulate(trace, p, 24, seed=3).hits, caching.simulate(sized, p, 600, by="bytes").hits]
       for p in caching.POLICIES}
out["mrc"] = caching.lru_mrc(trace).miss_ratio.tolist()[:20]
out["serve"] = caching.serve(duration_s=0.5, warmup_s=0.1, seed=1).summary()["hit_ratio"]
out["stampede"] = caching.stampede("xfetch", duration_s=6.0, seed=1).recomputes
out["tiers"] = caching.tiers(duration_s=1.0, warmup_s=0.2, seed=1).edge_hit_ratio
print(json.dumps(out))
"""


@pytest.mark.parametrize("how", ["NUMBA_DISABLE_JIT", "without numba"])
def test_kernels_give_the_same_answers_as_plain_python(how):
    """Every caching kernel run as Python (coverage, and machines without numba) agrees with numba."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = _PLAIN if how == "NUMBA_DISABLE_JIT" else "import sys; sys.modules['numba'] = None\n" + _PLAIN
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"} if how == "NUMBA_DISABLE_JIT" else dict(os.environ)
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    plain = json.loads(done.stdout)
    jitted = {}
    exec(compile(_PLAIN.replace("print(json.dumps(out))", ""), "<plain>", "exec"), jitted)
    assert plain == json.loads(json.dumps(jitted["out"]))


def test_exercises_are_registered_and_their_answers_check_out():
    from kit import exercises
    from kit.exercises import MultipleChoice, Numeric, PickConfig

    questions = exercises.questions("04_caching")
    assert len(questions) >= 4
    for q in questions:
        if isinstance(q, Numeric):
            assert q.check(float(q.answer())).correct
            assert not q.check(float(q.answer()) * 3 + 1).correct
        elif isinstance(q, MultipleChoice):
            assert q.check(int(q.answer())).correct
        elif isinstance(q, PickConfig):
            scores = [q.score(c) for c in q.configs]
            assert q.check(scores.index(min(scores) if q.goal == "min" else max(scores))).correct
    assert exercises.get("04_caching", "loop").options[exercises.get("04_caching", "loop").answer()] == "0%"
    scans = exercises.get("04_caching", "scans")
    scores = [scans.score(c) for c in scans.configs]
    assert scans.configs[scores.index(min(scores))]["policy"] == "s3fifo"
    assert exercises.check("04_caching", "che-lru", 0.4367).correct
    assert exercises.check("04_caching", "herd", 201).correct
