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


def test_the_issue_names_every_policy_and_each_describes_itself():
    assert list(caching.POLICIES) == [
        "lru", "fifo", "random", "lfu", "clock", "sieve", "s3fifo", "arc", "belady"
    ]  # fmt: skip
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
