"""Across the api: bad input refused by name, kernels as plain Python, docstring examples."""

import os
import subprocess
import sys

import numpy as np
import pytest

from kit import sharding
from tests.conftest import ROOT

KEYS = np.arange(50_000)


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sharding.assign([1, 2], "modulo", 3), "strategy must be one of"),
        (lambda: sharding.assign([1, 2], "mod", 0), "nodes must be an integer between 1"),
        (lambda: sharding.assign([1, 2], "mod", 3, vnodes=5), "strategy 'mod' takes no parameters"),
        (lambda: sharding.assign([1, 2], "ring", 3, eps=5), "takes parameters vnodes, weights"),
        (lambda: sharding.assign([1, 2], "ring", 3, vnodes=0), "vnodes must be an integer"),
        (lambda: sharding.assign([1, 2], "ring", 3, weights=[1, 2]), "weights must be 3 positive numbers"),
        (lambda: sharding.assign([1, 2], "ring", 2, weights=[1, -2]), "weights must be 2 positive"),
        (lambda: sharding.assign([1, 2], "bounded", 3, eps=0), "eps must be a positive number"),
        (lambda: sharding.assign([1, 2], "range", 3, split_keys=1), "split_keys must be an integer"),
        (lambda: sharding.assign(np.arange(10**5), "range", 3, split_keys=2), "split_keys must be at least"),
        (lambda: sharding.assign([], "mod", 3), "keys must be a non-empty"),
        (lambda: sharding.assign("abc", "mod", 3), "keys must be a sequence of keys"),
        (lambda: sharding.assign([1.5, 2.5], "mod", 3), "keys must be integers"),
        (lambda: sharding.assign(["a", b"b"], "mod", 3), "all integers, all strings or all bytes"),
        (lambda: sharding.assign([[1, 2]], "mod", 3), "one-dimensional"),
        (lambda: sharding.assign([1], "ring", 100_000, vnodes=1000), "nodes x vnodes must be at most"),
        (lambda: sharding.assign([1], "ring", 3, vnodes=10**30), "vnodes must be an integer between 1"),
        (lambda: sharding.assign([1], "ring", 3, weights=[1, 1, 1e300]), "nodes x vnodes must be at most"),
        (lambda: sharding.assign(range(10**12), "mod", 3), "keys must hold at most"),
        (lambda: sharding.assign([[1], [2, 3]], "mod", 3), "keys must be a flat sequence"),
        (lambda: sharding.assign([1], 5, 3), "strategy must be a string"),
        (lambda: sharding.assign([1], "bounded", 3, eps=float("nan")), "eps must be a positive number"),
        (lambda: sharding.assign(np.arange(10**6), "rendezvous", 1000), "keys x nodes must be at most"),
        (
            lambda: sharding.ring(3, 2).bounded(np.arange(10, dtype=np.uint64), 3),
            "capacity must be an integer",
        ),
        (lambda: sharding.ring(3, 2).lookup(np.array([0.5])), "hashes must be a one-dimensional array"),
        (lambda: sharding.moved_fraction(np.arange(10**6), "rendezvous", 1, 300), "placements, more than"),
        (lambda: sharding.moved_theory("bounded", 3, 4, eps=-1), "eps must be a positive number"),
        (lambda: sharding.moved_theory("mod", 3, 4, vnodes=3), "takes no parameters"),
        (lambda: sharding.default_split_keys("many", 3), "n_keys must be an integer"),
        (lambda: sharding.bounded_capacity(10, 3, 0), "eps must be a positive number"),
        (lambda: sharding.theory_cv("ring", 4, n_keys=0), "n_keys must be an integer"),
        (lambda: sharding.jump_hash(1, 0), "n must be an integer between 1"),
        (lambda: sharding.jump_hash(2**64, 3), "key must fit in 64 bits"),
        (lambda: sharding.jump_hash(np.array([0.5]), 3), "key must be integers"),
        (lambda: sharding.moved_fraction([1], "mod", 2, 3, weights=[1, 1, 1]), "takes no parameters"),
        (lambda: sharding.moved_fraction([1], "ring", 2, 3, weights=[1, 1]), "weights must be 3 positive"),
        (lambda: sharding.moved_fraction([1], "jump", 0, 3), "n_before must be an integer"),
        (lambda: sharding.xxh64(5), "data must be bytes or a string"),
        (lambda: sharding.jump_hash("abc", 3), "key must be integers"),
        (lambda: sharding.xxh64(b"", seed=-1), "seed must be an integer"),
        (lambda: sharding.range_partition([1], 2).with_nodes(0), "nodes must be an integer between 1"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_kernels_run_as_plain_python_with_the_same_answers():
    """NUMBA_DISABLE_JIT=1: every kernel as Python (coverable), published vectors still reproduced."""
    code = (
        "import numpy as np\n"
        "from kit import sharding\n"
        "assert sharding.xxh64(b'abcdefghijklmnopqrstuvwxyz1234567') == 0x23BBD16D29353C5F\n"
        "assert [sharding.jump_hash(k, 100) for k in range(5)] == [0, 55, 62, 8, 45]\n"
        "keys = np.arange(300)\n"
        "print([sharding.assign(keys, s, 4).tolist() for s in sharding.STRATEGIES])\n"
        "print(repr(sharding.moved_theory('bounded', 4, 6, vnodes=3, eps=0.1)))\n"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    jitted = [sharding.assign(np.arange(300), s, 4).tolist() for s in sharding.STRATEGIES]
    placed, theory = out.stdout.split("\n")[:2]
    assert placed == str(jitted)
    assert float(theory) == pytest.approx(
        sharding.moved_theory("bounded", 4, 6, vnodes=3, eps=0.1), rel=1e-12
    )
    assert "Warning" not in out.stderr, out.stderr


@pytest.mark.parametrize("module", ["schemes", "hashing", "theory", "moves", "skew", "queries"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"kit.sharding.{module}"), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sharding.loads(KEYS, "mod", 4, alpha=-1), "alpha must be between 0 and 10"),
        (lambda: sharding.hot_key_cure(KEYS, "range", 4), "strategy must be one of 'mod', 'ring'"),
        (lambda: sharding.hot_key_cure(KEYS, "ring", 4, method="cache"), "method must be one of"),
        (
            lambda: sharding.hot_key_cure(KEYS, "ring", 4, "replicate", 5),
            "copies must be an integer between 1 and 4",
        ),
        (
            lambda: sharding.hot_key_cure(KEYS, "ring", 4, read_fraction=2),
            "read_fraction must be between 0 and 1",
        ),
        (
            lambda: sharding.read_traffic(KEYS, "ring", 4, requests=10, windows=20),
            "windows must be an integer",
        ),
        (lambda: sharding.scatter_gather(0, 3), "nodes must be an integer"),
        (lambda: sharding.scatter_gather(4, 0), "items must be an integer"),
        (lambda: sharding.ring_view(KEYS, "ring", 4, sample=0), "sample must be an integer"),
    ],
)
def test_bad_input_to_a_measurement_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
